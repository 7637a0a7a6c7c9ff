"""What the narrative reads for one period: its processed tables, its text and sidecar, its charts.

`load_report` reads them into a `Report`; `build_facts` makes the book of every number the page
may print from it (facts.build, checkfacts.build, findings.diagnosis_facts), in the report's language. The narrative's sections
(narrative.py) take both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..audit.relations import load_relations
from ..audit.sentences import relations_for
from ..io.rawdata import read_sidecar
from ..io.reference import campaigns_table
from ..io.readers import read_csv, read_utf8
from . import checkfacts, facts as facts_module, findings
from .charts import load_chart
from .edition import SOURCE_LANGUAGE, Edition, edition_stem, load_edition
from .facts import FactBook


@dataclass
class Report:
    """Everything the narrative reads for one period."""

    period: str
    source: dict
    figures: pd.DataFrame
    progress: pd.DataFrame
    checks: pd.DataFrame
    changes: pd.DataFrame
    campaigns: pd.DataFrame
    charts: dict = field(default_factory=dict)
    diagnoses: pd.DataFrame = field(default_factory=pd.DataFrame)
    report_text: str = ""
    descriptions: dict = field(default_factory=dict)  # relation id -> description with {figure_id}s
    relations: dict = field(default_factory=dict)  # relation id -> the relation (declared, or read from the text)
    language: str = SOURCE_LANGUAGE
    # Campaigns an earlier period reported (from history.csv); None when unknown, and then every
    # campaign of campaigns.csv that applies to the period counts as reported before.
    reported_before: set | None = None

    def figure(self, figure_id: str) -> pd.Series | None:
        rows = self.figures[self.figures["figure_id"] == figure_id]
        return rows.iloc[0] if len(rows) else None


def load_report(period: str, upstream: dict, raw_dir: Path, reference_dir: Path,
                language: str = SOURCE_LANGUAGE) -> Report:
    """Read this period's processed tables and the edition's charts, by their names in `upstream` (the
    files of the earlier stages, as the run passed them: pipeline/contract.py), and its text and
    source sidecar."""
    source = read_sidecar(raw_dir)
    changes_path, diagnoses_path = Path(upstream["changes"]), Path(upstream["diagnoses"])
    history_path = Path(upstream["history"])
    figures, report_text = read_csv(Path(upstream["figures"])), read_utf8(Path(raw_dir) / "report.txt")
    relations = relations_for(load_relations(reference_dir, period), figures, report_text)
    report = Report(
        period=period, source=source,
        figures=figures,
        progress=read_csv(Path(upstream["progress"])),
        checks=read_csv(Path(upstream["checks"])),
        changes=read_csv(changes_path) if changes_path.is_file() else pd.DataFrame(),
        campaigns=campaigns_table(reference_dir, period),
        diagnoses=read_csv(diagnoses_path) if diagnoses_path.is_file() else pd.DataFrame(),
        report_text=report_text,
        descriptions={r["relation_id"]: r["description"] for r in relations},
        relations={r["relation_id"]: r for r in relations},
        language=language,
        reported_before=reported_before(read_csv(history_path), period) if history_path.is_file() else None,
    )
    names = ["completion", "monitoring"] + [f"campaign_{c}" for c in report.campaigns["campaign"]] + \
        [f"months_{c}" for c in report.campaigns["campaign"]]
    report.charts = {name: chart for name in names
                     if (chart := load_chart(upstream["charts"], edition_stem(name, language)))}
    return report


def reported_before(history: pd.DataFrame, period: str) -> set:
    """The campaigns that an earlier period than `period` reported, from history.csv."""
    if history.empty:
        return set()
    return set(history.loc[history["period"] < period, "campaign"])


def build_facts(report: Report, reference_dir: Path | None = None, edition: Edition | None = None) -> FactBook:
    """Every number the page may print, in the report's language."""
    from ..io.paths import project_root

    edition = edition or load_edition(report.language, reference_dir or project_root() / "data" / "reference",
                                      report.period)
    book = facts_module.build(report, edition)
    checkfacts.build(book, report)
    findings.diagnosis_facts(book, report)
    return book
