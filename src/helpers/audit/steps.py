"""The few calls each notebook makes: load inputs, and save outputs, for each stage.

The notebooks stay thin (parameters, one call per section); what the calls do lives here and
in the modules they use, where it is unit-tested. The files of the pipeline come in by name, as
the run passed them to the notebook (`products["checks"]`, `upstream["figures"]`; pipeline/
contract.py declares them): nothing here names a file of the pipeline's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import changes as changes_module, diagnoses as diagnoses_module, progress as progress_module
from . import across, history as history_module, relations as relations_module, sentences
from ..io.dictionary import datapackage, dictionary_table
from ..io.readers import read_csv, read_utf8
from ..io.writers import write_csv, write_json
from ..io.paths import Period, find_previous_raw_period
from ..io.errors import InputError, InputWarning, from_repository
from ..io.rawdata import Source, load_source, open_period
from ..io.reference import campaigns_table


def load_inputs(period: Period, raw_dir: Path) -> tuple[Source, pd.DataFrame]:
    """Check the period's raw folder and checksums; return the sidecar and a table of the files."""
    source, sums = open_period(raw_dir, period)
    files = pd.DataFrame([(name, sha, "ok") for name, sha in sums.items()], columns=["file", "sha256", "checksum"])
    return source, files


def source_notes(source: Source) -> pd.DataFrame | str:
    """What source.yml records about the text beyond its facts, for the auditor: each mismatch with this
    bureau's report for the period that the analyst accepted (`accepted_mismatch`: another publisher
    or place, a title covering another period), and how report.txt differs from the file as saved
    (`capture_note`: a byte order mark removed). A sentence saying so when there is none."""
    rows = []
    accepted = source.raw.get("accepted_mismatch")
    if isinstance(accepted, dict):
        rows += [(f"accepted mismatch: {kind}", str(words)) for kind, words in accepted.items()]
    elif accepted:
        rows.append(("accepted mismatch", str(accepted)))
    if source.raw.get("capture_note"):
        rows.append(("capture", str(source.raw["capture_note"])))
    if not rows:
        return "none: the text is this bureau's report for the period, kept as saved"
    return pd.DataFrame(rows, columns=["note", "recorded in source.yml"])


def save_clean(products: dict, figures: pd.DataFrame, coverage: pd.DataFrame, source: Source,
               facts_files: list[str]) -> pd.DataFrame:
    """Write the stage's products: the figures, the coverage, the data dictionary and the data package;
    return a table of what was written.

    The data package describes every table the period publishes in data/processed/<period>/, the later
    stages' included (their columns are declared in io/dictionary.py): `facts_files` names each
    edition's facts file (facts.csv, facts.en.csv …). Its "rows" are its resources, one per table."""
    package = datapackage(source.period, source.title, source.address, facts_files)
    written = [write_csv(figures, Path(products["figures"])), write_csv(coverage, Path(products["coverage"])),
               write_csv(dictionary_table(), Path(products["dictionary"])),
               write_json(Path(products["datapackage"]), package)]
    rows = [len(figures), len(coverage), len(dictionary_table()), len(package["resources"])]
    return pd.DataFrame({"file": [p.name for p in written], "rows": rows})


@dataclass
class ProgressInputs:
    figures: pd.DataFrame
    report_text: str
    period_end: str
    relations: list
    targets: list
    campaigns: pd.DataFrame
    previous: pd.DataFrame | None
    previous_period: str | None
    previous_text: str | None
    renames: dict
    earlier: dict = field(default_factory=dict)  # every earlier period that validates -> its figures
    declared: list = field(default_factory=list)  # relations.csv's rows; `relations` adds those read from the text


def load_progress_inputs(period: Period, figures_path: Path, raw_root: Path, raw_dir: Path,
                         reference_dir: Path) -> ProgressInputs:
    """This period's figures (as the clean stage wrote them, `figures_path`), the reference tables, and
    every earlier period's figures (the previous period's text too, for month over month).

    Earlier periods are cleaned afresh from their raw folders (a pure-Python step of about 20 ms
    each), so that periods can be built in parallel and in any order. One whose raw folder fails
    validation is skipped, with a warning that names it.
    """
    reference_dir = Path(reference_dir)
    earlier, failed = history_module.clean_earlier_periods(raw_root, period)
    previous_period = find_previous_raw_period(raw_root, period)
    for skipped, exc in failed.items():
        # Printed in the notebook, so on the auditor's page: files named from the repository's root.
        compared = " and is not compared month over month" if skipped == previous_period else ""
        warnings.warn(InputWarning(Path(raw_root) / skipped, f"period {skipped} is left out of the history{compared}, "
                                   f"because its raw folder fails validation: {from_repository(exc).message}"),
                      stacklevel=2)
    previous = previous_text = None
    if previous_period in earlier:
        previous, previous_text = earlier[previous_period].figures, earlier[previous_period].report_text
    else:
        previous_period = None
    figures = read_csv(Path(figures_path))
    campaigns = campaigns_table(reference_dir, period)
    unknown = sorted(set(figures["campaign"]) - set(campaigns["campaign"]))
    if unknown:
        first = figures[figures["campaign"] == unknown[0]].iloc[0]["figure_id"]
        raise InputError(reference_dir / "campaigns.csv", f"campaign {unknown[0]!r} (figure {first}) has no row "
                         f"that applies to {period}", field="campaign",
                         expected="a row for every campaign in figures.csv, its since (if any) at or before the period",
                         fix="Add it (campaign, order) with since = the first period that reports it, and its "
                             "Chinese name, which the public page uses as a heading, as a glossary.csv row "
                             "(campaign,<id>,<name>); or correct its since/until")
    report_text = read_utf8(Path(raw_dir) / "report.txt")
    declared = relations_module.load_relations(reference_dir, period)
    return ProgressInputs(
        figures=figures,
        report_text=report_text,
        period_end=load_source(Path(raw_dir)).period_end.isoformat(),
        relations=sentences.relations_for(declared, figures, report_text),
        declared=declared,
        targets=progress_module.load_targets(reference_dir, period),
        campaigns=campaigns,
        previous=previous, previous_period=previous_period, previous_text=previous_text,
        renames=changes_module.load_renames(reference_dir, period),
        earlier={name: cleaned.figures for name, cleaned in earlier.items()},
    )


def run_checks(inputs: ProgressInputs) -> pd.DataFrame:
    """Every relation evaluated on this period's figures (flows against the previous period's): the
    declared ones and those the period's sentences state."""
    return relations_module.run_checks(inputs.figures, inputs.relations, inputs.report_text,
                                       inputs.previous, inputs.renames)


def diagnose(inputs: ProgressInputs, checks: pd.DataFrame) -> pd.DataFrame:
    """The diagnoses of this period's mismatches (diagnoses.csv): those one printed number of the
    month explains, then those that need last month too (audit/across.py)."""
    found = diagnoses_module.diagnose(checks, inputs.relations, inputs.figures, inputs.report_text,
                                      inputs.previous, inputs.renames)
    last = earlier_period(inputs)
    return across.explain(found, checks, inputs.relations, inputs.figures, inputs.report_text, last,
                          _renamed(inputs, _before(inputs)) if last is not None else None)


def _renamed(inputs: ProgressInputs, figures: pd.DataFrame | None) -> pd.DataFrame | None:
    """A period's figures filed under this period's ids (figure_renames.csv)."""
    if figures is None:
        return None
    return figures.assign(figure_id=figures["figure_id"].map(lambda figure_id: inputs.renames.get(figure_id, figure_id)))


def _before(inputs: ProgressInputs) -> pd.DataFrame | None:
    """The figures of the period before the previous one, if it is among the earlier periods."""
    older = sorted(p for p in inputs.earlier if inputs.previous_period and p < inputs.previous_period)
    return inputs.earlier[older[-1]] if older else None


def earlier_period(inputs: ProgressInputs) -> across.Earlier | None:
    """The previous period as this period's explanations need it: its figures under this period's ids,
    its text, the relations it is checked against (declared, and read from its own sentences), its
    checks and its own diagnoses (its flows against the period before it)."""
    if inputs.previous is None:
        return None
    figures = _renamed(inputs, inputs.previous)
    relations = sentences.relations_for(inputs.declared, figures, inputs.previous_text)
    before = _renamed(inputs, _before(inputs))
    checks = relations_module.run_checks(figures, relations, inputs.previous_text, before)
    found = diagnoses_module.diagnose(checks, relations, figures, inputs.previous_text, before)
    return across.Earlier(inputs.previous_period, figures, inputs.previous_text, relations, checks, found)


def compare_with_previous(inputs: ProgressInputs, checks: pd.DataFrame) -> pd.DataFrame:
    """changes.csv: every figure and derived quantity against the previous period and the period's end.

    The previous period's derived quantities come from running the same declared relations, and
    those its own sentences state, on its figures and text.
    """
    previous_checks = None
    if inputs.previous is not None:
        renamed = _renamed(inputs, inputs.previous)
        previous_relations = sentences.relations_for(inputs.declared, renamed, inputs.previous_text)
        previous_checks = relations_module.run_checks(renamed, previous_relations, inputs.previous_text)
    return changes_module.compare_periods(inputs.figures, inputs.previous, inputs.previous_period, inputs.renames,
                                          period_end=inputs.period_end, checks=checks,
                                          previous_checks=previous_checks, earlier=inputs.earlier)


def build_history(inputs: ProgressInputs, period: Period, reference_dir: Path) -> pd.DataFrame:
    """history.csv: every earlier period's figures and this period's, renamed figures under their
    newest id, each achieved figure with its target."""
    figures_by_period = dict(inputs.earlier)
    figures_by_period[period] = inputs.figures
    return history_module.history_table(figures_by_period, inputs.targets, inputs.renames,
                                        Path(reference_dir) / "figure_renames.csv")


def save_history(path: Path, history: pd.DataFrame) -> pd.DataFrame:
    """Write the history (the stage's product `history`) to `path`; return the rows written for each period."""
    write_csv(history, Path(path))
    return history.groupby("period", sort=True).size().rename("rows").reset_index()


def save_progress(products: dict, progress: pd.DataFrame, checks: pd.DataFrame,
                  changes: pd.DataFrame, diagnoses: pd.DataFrame) -> pd.DataFrame:
    """Write the stage's products progress, checks, diagnoses and changes; return a table of what was written."""
    tables = {"progress": progress, "checks": checks, "diagnoses": diagnoses, "changes": changes}
    written = [write_csv(table, Path(products[name])) for name, table in tables.items()]
    return pd.DataFrame({"file": [p.name for p in written], "rows": [len(t) for t in tables.values()]})
