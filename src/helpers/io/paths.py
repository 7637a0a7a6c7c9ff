"""Where things live: the project's folders, and one dated folder per period under each."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .dictionary import DATAPACKAGE_FILE, DICTIONARY_FILE, FILES

# A period is YYYY-MM, matched as a whole (`fullmatch`: a trailing newline is not a period), with a
# year in the range the bureau's reports can have: the bureau was formed in 2021, and a year far
# outside 2000-2099 is a typing error (0000-01 is not a month any calendar function accepts).
PERIOD_PATTERN = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
FIRST_YEAR, LAST_YEAR = 2000, 2099
DEFAULT_PERIOD = "2021-10"  # the period `make report` builds, and the notebooks' default


def project_root() -> Path:
    """The repository root: the folder holding notebooks/ and data/ above this package."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "notebooks").is_dir() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


def is_period(text) -> bool:
    """Whether `text` is exactly YYYY-MM, with a month 01-12 and a year FIRST_YEAR-LAST_YEAR."""
    match = PERIOD_PATTERN.fullmatch(text) if isinstance(text, str) else None
    return bool(match) and FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR


class Period(str):
    """A report period, YYYY-MM: the last month a report covers (reports are cumulative from January).

    Parsed once, where a period enters: the command line, a notebook's `period` parameter, the name
    of a dated folder. `Period(text)` raises ValueError, saying what is expected, for anything that
    is not exactly YYYY-MM with a month 01-12 and a year FIRST_YEAR-LAST_YEAR; given a Period it
    returns it as it is. Past the edge the code takes a Period and never checks it again.

    It is the text itself (a str), so it prints, compares, sorts, names folders and files and goes
    into JSON, CSV and papermill's parameters as "2021-10" does; it adds what the text means.
    """

    def __new__(cls, text) -> "Period":
        if isinstance(text, Period):
            return text
        if not is_period(text):
            raise ValueError(f"period {text!r} is not of the form YYYY-MM (for example 2021-10), with a month "
                             f"01-12 and a year {FIRST_YEAR}-{LAST_YEAR}, and nothing before or after it")
        return super().__new__(cls, text)

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def month(self) -> int:
        return int(self[5:])

    @property
    def start(self) -> dt.date:
        """1 January of its year: a report covers the year up to its month."""
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of its month."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


@dataclass(frozen=True)
class Layout:
    """The folders one run reads and writes. Tests point these at temporary folders."""

    raw: Path
    processed: Path
    outputs: Path
    reference: Path
    notebooks: Path

    @classmethod
    def default(cls, root: Path | None = None) -> "Layout":
        root = Path(root) if root else project_root()
        # A data-only folder (e.g. a test's or a verify rebuild's) runs this repository's notebooks.
        notebooks = root / "notebooks" if (root / "notebooks").is_dir() else project_root() / "notebooks"
        return cls.under(root, notebooks)

    @classmethod
    def under(cls, root: Path, notebooks: Path | None = None) -> "Layout":
        """The repository's layout below `root`: data/raw, data/processed, outputs, data/reference."""
        return cls(raw=root / "data" / "raw", processed=root / "data" / "processed", outputs=root / "outputs",
                   reference=root / "data" / "reference", notebooks=notebooks or root / "notebooks")

    def raw_period(self, period: Period) -> Path:
        return self.raw / period

    def processed_period(self, period: Period) -> Path:
        return self.processed / period

    def outputs_period(self, period: Period) -> Path:
        return self.outputs / period

    def published(self, period: Period, staged: str) -> Path:
        """Where a run publishes a file (or folder) of its staging folder: the one mapping from staged
        to published names (STAGED_FOLDERS). `processed/<file>` lies in <processed>/<period>/,
        `out/<file>` in <outputs>/<period>/, and `processed` and `out` are those folders themselves."""
        top, _, rest = str(staged).partition("/")
        if top not in STAGED_FOLDERS:
            raise ValueError(f"{staged!r} is not in a staging folder's {' or '.join(STAGED_FOLDERS)}")
        return getattr(self, STAGED_FOLDERS[top]) / period / rest


# A run writes what it will publish into a staging folder (pipeline/swap.py), in two folders: what
# each becomes, as the Layout's folder that holds one folder per period.
STAGED_FOLDERS = {"processed": "processed", "out": "outputs"}
# The layout as the repository names it, whatever folders a run was given (--root, --outputs-dir):
# the manifest and the drift check (pipeline/freshness.py) name published files from the root this way.
REPOSITORY = Layout.under(PurePosixPath(), PurePosixPath("notebooks"))


def published_name(period: Period, staged: str) -> str:
    """A staged file's published name from the repository's root: data/processed/<period>/<file>,
    outputs/<period>/<file> (Layout.published)."""
    return REPOSITORY.published(period, staged).as_posix()


# ---- The files the stages hand each other ----------------------------------------------------------------
# Each by its name, and where it lies in a run's staging folder (the folder the notebooks run in).
# The processed tables are the files the data dictionary describes, each named by its stem
# (figures.csv is `figures`, facts.csv the source edition's `facts`: io/dictionary.py), with the
# dictionary and the data package themselves; the charts are a folder (a name ending in /).
# Notebooks read and write them only by these names: a run passes each stage the ones it reads as
# `upstream` and the ones it writes as `products` (pipeline/contract.py declares which).
STAGED = {Path(name).stem: f"processed/{name}" for name in (*FILES, DICTIONARY_FILE, DATAPACKAGE_FILE)}
STAGED["charts"] = "out/figures/"


def in_staging(root: Path) -> dict[str, Path]:
    """Every staged file, by name, as it lies under a staging folder `root` (tests write through this)."""
    return {name: Path(root) / staged for name, staged in STAGED.items()}


def run_files(period: Period, files: dict, layout: Layout | None = None) -> dict:
    """A notebook's files by name (its `upstream` or its `products`): as the run passed them; or, for a
    notebook run by hand (JupyterLab, nbconvert), where the parameter is left empty, every staged
    file at its published place for `period`, from the working folder: in `layout`, by default the
    repository the notebook runs in (the nearest folder, from the working one up, that holds the
    notebooks and the data, as the other parameters' defaults assume)."""
    if files:
        return dict(files)
    if layout is None:
        here = Path.cwd()
        root = next((folder for folder in (here, *here.parents)
                     if (folder / "notebooks").is_dir() and (folder / "data").is_dir()), project_root())
        layout = Layout.default(root)
    return {name: os.path.relpath(layout.published(period, staged)) + ("/" if staged.endswith("/") else "")
            for name, staged in STAGED.items()}


# The repository's data folders, each at data/<name>/ under its root whatever --root says (Layout.default).
DATA_FOLDERS = ("raw", "reference", "processed")


def repository_path(path) -> str:
    """A file named as from the repository's root (`data/raw/2021-10/figures.csv`) when it lies in one
    of its data folders, however it was reached (`../../../data/raw/…` from the folder a notebook ran
    in, `/home/…/data/raw/…`); any other path as given.

    Words that can reach a published page (a warning a notebook prints) name files this way: a
    path relative to a staging folder, or a machine's absolute one, would make the page differ from
    machine to machine and from run to run, and mean nothing to its reader."""
    parts = PurePosixPath(os.path.normpath(str(path)).replace(os.sep, "/")).parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == "data" and parts[index + 1] in DATA_FOLDERS:
            return "/".join(parts[index:])
    return str(path)


def earlier_raw_periods(raw_root: Path, period: Period) -> list[Period]:
    """Every period before `period` that has a dated raw folder (YYYY-MM), oldest first."""
    root = Path(raw_root)
    if not root.is_dir():
        return []
    return sorted(Period(p.name) for p in root.iterdir() if p.is_dir() and is_period(p.name) and p.name < period)


def find_previous_raw_period(raw_root: Path, period: Period) -> Period | None:
    """The latest period before `period` that has a raw folder with a sidecar, if any."""
    earlier = [name for name in earlier_raw_periods(raw_root, period) if (Path(raw_root) / name / "source.yml").is_file()]
    return earlier[-1] if earlier else None
