"""The stage contract: one declared table of the pipeline's stages, and what runs share.

Each stage is a notebook, what it reads and what it writes. Its parameters are the notebook's
own: the parameters cell declares each one, typed, with its meaning as the comment on its line
(what `papermill --help-notebook` prints), and a run reads them with `papermill.inspect_notebook`.
This module says only how a run fills each name (PARAMETERS); a notebook that declares a name it
cannot fill, or types it otherwise, or leaves it unexplained, stops the run, named, instead of
being run with a parameter left at its default. The runner, the cache keys, the manifest,
`verify` and the benchmark all read this table.

This module sits under the rest of `pipeline/` (runner, kernel, freshness, swap, manifest) and
imports none of them, so that no import circles arise. It also holds the console the runs
print to and the errors a run raises.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..io.paths import Layout, Period
from ..publish.edition import editions, facts_name

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
# What a run stages itself, beside its stages' products (paths in its staging folder, published in
# outputs/<period>/ by Layout.published): each stage's executed notebook, <stage>.ipynb, and the manifest.
NOTEBOOKS = "out/notebooks"
MANIFEST = "out/manifest.json"


@dataclass(frozen=True)
class RunContext:
    """What a stage's parameters are computed from: the period and the folders of one run."""

    period: Period
    layout: Layout
    staging: Path  # the kernel's working directory; paths are given relative to it

    def relative(self, path: Path) -> str:
        return os.path.relpath(path, self.staging)


@dataclass(frozen=True)
class Parameter:
    """A parameter a notebook may declare: its type as papermill reports it, and how a run fills it.
    Its meaning is the notebook's (the comment on its line)."""

    name: str
    type: str
    value: Callable[[RunContext], object]


PARAMETERS = {p.name: p for p in (
    Parameter("period", "str", lambda c: c.period),
    Parameter("raw_dir", "str", lambda c: c.relative(c.layout.raw_period(c.period))),
    Parameter("raw_root", "str", lambda c: c.relative(c.layout.raw)),
    Parameter("reference_dir", "str", lambda c: c.relative(c.layout.reference)),
    Parameter("processed_dir", "str", lambda c: "processed"),
    Parameter("figures_dir", "str", lambda c: "out/figures"),
    Parameter("language", "str", lambda c: "zh"),
)}


_INSPECTED: dict[tuple[str, str], dict] = {}


def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook's parameters cell declares, in order, as papermill reads them: each
    with its inferred_type_name, default and help (the comment on its line). Read once per content."""
    key = (str(notebook), hashlib.sha256(Path(notebook).read_bytes()).hexdigest())
    if key not in _INSPECTED:
        import papermill  # only when a notebook's parameters are not known from the last run

        _INSPECTED[key] = papermill.inspect_notebook(str(notebook))
    return _INSPECTED[key]


def parameter_problems(notebook: Path) -> list[str]:
    """What keeps a run from filling a notebook's parameters, one line each: a name PARAMETERS cannot
    fill, a type other than the one a run gives it, a line without its comment."""
    problems = []
    for name, info in notebook_parameters(notebook).items():
        where = f"{Path(notebook).name}: parameter {name!r}"
        known = PARAMETERS.get(name)
        if known is None:
            problems.append(f"{where} is not one a run can fill ({', '.join(PARAMETERS)}); rename it, or say how a "
                            "run fills it in PARAMETERS (src/helpers/pipeline/contract.py)")
        elif info.get("inferred_type_name") != known.type:
            problems.append(f"{where} is typed {info.get('inferred_type_name')}, but a run gives it a {known.type}: "
                            f"declare it as `{name}: {known.type} = …`")
        if not str(info.get("help") or "").strip():
            problems.append(f"{where} has no comment on its line; say what it holds (`{name}: … = …  # its "
                            "meaning`), which papermill --help-notebook prints")
    return problems


# What a stage may read besides earlier stages' files; freshness.stage_components hashes each.
READ_TOKENS = {
    "raw": "the period's raw folder",
    "reference": "data/reference/*.csv: the rows that apply to the period (since/until)",
    "earlier": "the raw folder of every earlier period (the history and month over month clean them afresh)",
}


@dataclass(frozen=True)
class Stage:
    """One notebook of the pipeline.

    `reads` names the inputs hashed into the stage's cache key: the tokens of READ_TOKENS, and
    the files of earlier stages (paths relative to the staging folder). `writes` are the files
    it leaves in the staging folder (`processed/…` becomes data/processed/<period>/, `out/…`
    becomes outputs/<period>/), as glob patterns.
    """

    name: str
    purpose: str
    reads: tuple[str, ...]
    writes: tuple[str, ...] = field(default=())
    notebook_name: str = ""  # the notebook it runs, when several stages run one notebook (editions)
    fixed: tuple[tuple[str, object], ...] = ()  # parameter values this stage always passes
    edition: str = ""  # the language of the public page this stage's notebook is exported as
    in_audit: bool = True  # whether the auditor's edition shows this stage's notebook

    def __post_init__(self):
        unknown = [read for read in self.reads if "/" not in read and read not in READ_TOKENS]
        if unknown:  # a misspelt token would silently leave an input out of the cache key
            raise ValueError(f"stage {self.name} reads unknown input(s) {', '.join(unknown)}; "
                             f"known: {', '.join(READ_TOKENS)}, or a staged file such as processed/figures.csv")

    def notebook(self, layout: Layout) -> Path:
        return layout.notebooks / f"{self.notebook_name or self.name}.ipynb"

    @property
    def notebook_stem(self) -> str:
        return self.notebook_name or self.name

    def parameters(self, layout: Layout) -> dict[str, dict]:
        """The parameters its notebook declares, with their types and meanings (notebook_parameters)."""
        return notebook_parameters(self.notebook(layout))

    def parameter_values(self, context: RunContext, names: list[str] | None = None) -> dict:
        """What a run gives each parameter the notebook declares, in its order. `names` are the
        parameters as the stage's last run recorded them, for a notebook unchanged since (reading
        them again would import papermill into a run with nothing to do). RunFailed, naming each
        problem, for a notebook whose parameters a run cannot fill (parameter_problems)."""
        if names is None:
            problems = parameter_problems(self.notebook(context.layout))
            if problems:
                raise RunFailed(f"{self.name} cannot be run: " + "; ".join(problems))
            names = list(self.parameters(context.layout))
        fixed = dict(self.fixed)
        return {name: fixed[name] if name in fixed else PARAMETERS[name].value(context) for name in names}


CLEAN_PRODUCTS = ("processed/figures.csv", "processed/coverage.csv", "processed/dictionary.csv",
                  "processed/datapackage.json")
PROGRESS_PRODUCTS = ("processed/progress.csv", "processed/checks.csv", "processed/diagnoses.csv", "processed/changes.csv",
                     "processed/history.csv", "out/figures/*")


def narrative_stages(languages: tuple[str, ...]) -> tuple[Stage, ...]:
    """One run of the narrative notebook per edition, the source language's first: a catalogue
    (publish/catalogues/<language>.yml) is all a further language needs to get its own page."""
    reads = ("raw", "reference") + CLEAN_PRODUCTS + PROGRESS_PRODUCTS
    first, *others = languages
    return (Stage("03_narrative", "the public page's sections, in Chinese (the source language)",
                  reads=reads, writes=(f"processed/{facts_name(first)}",), fixed=(("language", first),), edition=first),) + tuple(
        Stage(f"03_narrative.{language}", f"the same page in another language: the same notebook, language = {language}",
              reads=reads, writes=(f"processed/{facts_name(language)}",),
              notebook_name="03_narrative", fixed=(("language", language),), edition=language, in_audit=False)
        for language in others)


STAGES = (
    Stage("01_clean", "the hand transcription checked against the text and normalised",
          reads=("raw",), writes=CLEAN_PRODUCTS),
    Stage("02_campaign_progress", "targets, recomputed rates, consistency checks, month over month, history, charts",
          reads=("raw", "reference", "earlier") + CLEAN_PRODUCTS, writes=PROGRESS_PRODUCTS),

) + narrative_stages(editions())
STAGE_NAMES = tuple(stage.name for stage in STAGES)
EDITIONS = tuple(stage.edition for stage in STAGES if stage.edition)


def stage(name: str) -> Stage:
    return next(s for s in STAGES if s.name == name)


class RunFailed(Exception):
    """A notebook failed; the message says which notebook, which cell and why."""

    def __init__(self, message: str, bad_input: bool = False):
        super().__init__(message)
        self.bad_input = bad_input


@dataclass
class Console:
    """Progress lines on stderr, prefixed with the period when several run at once."""

    prefix: str = ""
    quiet: bool = False
    lines: list = field(default_factory=list)

    def say(self, text: str) -> None:
        """A progress line; an error ("error: …") is printed even with --quiet, which hides only progress."""
        self.lines.append(text)
        if not self.quiet or text.startswith("error: "):
            print(f"{self.prefix}{text}", file=sys.stderr, flush=True)

    def warn(self, text: str) -> None:
        """A warning is printed even with --quiet: it asks the analyst to look at an input."""
        self.lines.append(f"warning: {text}")
        print(f"{self.prefix}warning: {text}", file=sys.stderr, flush=True)
