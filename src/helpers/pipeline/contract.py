"""The stage contract: one declared table of the pipeline's stages, and what runs share.

Each stage is a notebook, what it reads and what it writes. The files the stages hand each other
are named once (io/paths.py's STAGED: `figures`, `checks`, `charts` …), and each stage declares,
by name, the ones it reads from earlier stages (`upstream`) and the ones it writes (`products`),
as Ploomber's tasks do. A run passes both to the notebook as dictionaries of paths, so no
notebook or step types a file name of the pipeline's; the cache key hashes exactly the upstream
files, the manifest records exactly the products, and a stage whose notebook leaves a declared
product unwritten fails, named.

The parameters are the notebook's own: its parameters cell declares each one, typed, with its
meaning as the comment on its line (what `papermill --help-notebook` prints), and a run reads
them with `papermill.inspect_notebook`. This module says only how a run fills each name
(PARAMETERS); a notebook that declares a name it cannot fill, or types it otherwise, or leaves
it unexplained, stops the run, named, instead of being run with a parameter left at its default.
The runner, the cache keys, the manifest, `verify`, `status`, the test support's replay and the
benchmark all read this table.

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

from ..io.paths import STAGED, Layout, Period
from ..publish.edition import SOURCE_LANGUAGE, editions, facts_name

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
    """A parameter a notebook may declare: its type as papermill reports it, and how a run fills it
    for a stage. Its meaning is the notebook's (the comment on its line)."""

    name: str
    type: str
    value: Callable[[RunContext, "Stage"], object]


PARAMETERS = {p.name: p for p in (
    Parameter("period", "str", lambda c, s: c.period),
    Parameter("raw_dir", "str", lambda c, s: c.relative(c.layout.raw_period(c.period))),
    Parameter("raw_root", "str", lambda c, s: c.relative(c.layout.raw)),
    Parameter("reference_dir", "str", lambda c, s: c.relative(c.layout.reference)),
    Parameter("language", "str", lambda c, s: s.edition or SOURCE_LANGUAGE),
    Parameter("upstream", "dict", lambda c, s: s.upstream_files),
    Parameter("products", "dict", lambda c, s: s.product_files),
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


# What a stage may read besides earlier stages' products; freshness.stage_components hashes each.
READ_TOKENS = {
    "raw": "the period's raw folder",
    "reference": "data/reference/*.csv: the rows that apply to the period (since/until)",
    "earlier": "the raw folder of every earlier period (the history and month over month clean them afresh)",
}


@dataclass(frozen=True)
class Stage:
    """One notebook of the pipeline.

    `reads` names what it reads from outside the pipeline (READ_TOKENS: the period's raw folder,
    the reference tables, the earlier periods' raw folders), `upstream` the files of earlier
    stages it reads and `products` the files it writes, each by its name in io/paths.py's STAGED
    (`own` gives a name another place for this stage: an edition's facts file). A run hashes the
    reads and the upstream files into the stage's cache key, and passes the upstream and product
    files to the notebook, as paths in the staging folder (`processed/…` becomes
    data/processed/<period>/, `out/…` outputs/<period>/: Layout.published).
    """

    name: str
    purpose: str
    reads: tuple[str, ...]
    upstream: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    own: tuple[tuple[str, str], ...] = ()  # (name, staged path) where this stage's file differs from STAGED's
    notebook_name: str = ""  # the notebook it runs, when several stages run one notebook (editions)
    edition: str = ""  # the language of the public page this stage's notebook is exported as
    in_audit: bool = True  # whether the auditor's edition shows this stage's notebook

    def __post_init__(self):
        unknown = [read for read in self.reads if read not in READ_TOKENS]
        if unknown:  # a misspelt token would silently leave an input out of the cache key
            raise ValueError(f"stage {self.name} reads unknown input(s) {', '.join(unknown)}; "
                             f"known: {', '.join(READ_TOKENS)}; an earlier stage's file is named in its upstream")
        unnamed = [name for name in self.upstream + self.products if name not in STAGED and name not in dict(self.own)]
        if unnamed:
            raise ValueError(f"stage {self.name} names file(s) {', '.join(unnamed)} that no table names; known: "
                             f"{', '.join(STAGED)} (io/paths.py's STAGED, from the data dictionary)")

    def staged(self, name: str) -> str:
        """Where this stage's file `name` lies in the staging folder."""
        return dict(self.own).get(name) or STAGED[name]

    @property
    def upstream_files(self) -> dict[str, str]:
        return {name: self.staged(name) for name in self.upstream}

    @property
    def product_files(self) -> dict[str, str]:
        return {name: self.staged(name) for name in self.products}

    def unwritten(self, staging: Path) -> list[str]:
        """The declared products its notebook did not leave in `staging`, each said with what to do: a
        file must be there; a folder (a name ending in /: the charts) may be empty."""
        return [f"{self.name} declares the product {name!r} ({staged}) but its notebook did not write it: write it "
                f"through products[{name!r}], or take {name!r} out of the stage's products in "
                "src/helpers/pipeline/contract.py" for name, staged in self.product_files.items()
                if not ((staging / staged).is_dir() if staged.endswith("/") else (staging / staged).is_file())]

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
        return {name: PARAMETERS[name].value(context, self) for name in names}


def narrative_stages(languages: tuple[str, ...]) -> tuple[Stage, ...]:
    """One run of the narrative notebook per edition, the source language's first: a catalogue
    (publish/catalogues/<language>.yml) is all a further language needs to get its own page."""
    reads = ("raw", "reference")
    upstream = ("figures", "progress", "checks", "diagnoses", "changes", "history", "charts")
    first, *others = languages

    def facts(language: str) -> tuple[tuple[str, str], ...]:  # each edition writes its own facts file
        return (("facts", f"processed/{facts_name(language)}"),)

    return (Stage("03_narrative", "the public page's sections, in Chinese (the source language)", reads=reads,
                  upstream=upstream, products=("facts",), own=facts(first), edition=first),) + tuple(
        Stage(f"03_narrative.{language}", f"the same page in another language: the same notebook, language = {language}",
              reads=reads, upstream=upstream, products=("facts",), own=facts(language),
              notebook_name="03_narrative", edition=language, in_audit=False)
        for language in others)


STAGES = (
    Stage("01_clean", "the hand transcription checked against the text and normalised", reads=("raw",),
          products=("figures", "coverage", "dictionary", "datapackage")),
    Stage("02_campaign_progress", "targets, recomputed rates, consistency checks, month over month, history, charts",
          reads=("raw", "reference", "earlier"), upstream=("figures",),
          products=("progress", "checks", "diagnoses", "changes", "history", "charts")),
) + narrative_stages(editions())


def check_flow(stages: tuple[Stage, ...]) -> None:
    """ValueError unless each stage reads only what an earlier stage writes, and no two write one file."""
    written: dict[str, str] = {}
    for stage in stages:
        missing = [name for name in stage.upstream if stage.staged(name) not in written]
        if missing:
            raise ValueError(f"stage {stage.name} reads {', '.join(missing)}, which no earlier stage writes")
        for name, staged in stage.product_files.items():
            if staged in written:
                raise ValueError(f"stages {written[staged]} and {stage.name} both write {name} ({staged})")
            written[staged] = stage.name


check_flow(STAGES)


def folder_products() -> list[str]:
    """The folders the stages write into (the charts): a run makes each before any stage runs, so a
    stage may leave one empty (a month without a chart) and a later stage still reads it."""
    return list(dict.fromkeys(staged for stage in STAGES for staged in stage.product_files.values()
                              if staged.endswith("/")))


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
