"""Where things live: the project's folders, and one dated folder per period under each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# A period is YYYY-MM, matched as a whole (`fullmatch`: a trailing newline is not a period), with a
# year in the range the bureau's reports can have: the bureau was formed in 2021, and a year far
# outside 2000-2099 is a typing error (0000-01 is not a month any calendar function accepts).
PERIOD_PATTERN = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
FIRST_YEAR, LAST_YEAR = 2000, 2099
DEFAULT_PERIOD = "2021-10"


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


def check_period(period: str) -> str:
    """Return `period` if it is YYYY-MM, else raise ValueError saying what is expected."""
    if not is_period(period):
        raise ValueError(f"period {period!r} is not of the form YYYY-MM (for example 2021-10), with a month "
                         f"01-12 and a year {FIRST_YEAR}-{LAST_YEAR}, and nothing before or after it")
    return period


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
        return cls(raw=root / "data" / "raw", processed=root / "data" / "processed",
                   outputs=root / "outputs", reference=root / "data" / "reference", notebooks=notebooks)

    def raw_period(self, period: str) -> Path:
        return self.raw / period

    def processed_period(self, period: str) -> Path:
        return self.processed / period

    def outputs_period(self, period: str) -> Path:
        return self.outputs / period


def earlier_raw_periods(raw_root: Path, period: str) -> list[str]:
    """Every period before `period` that has a dated raw folder (YYYY-MM), oldest first."""
    root = Path(raw_root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and is_period(p.name) and p.name < period)


def find_previous_raw_period(raw_root: Path, period: str) -> str | None:
    """The latest period before `period` that has a raw folder with a sidecar, if any."""
    earlier = [name for name in earlier_raw_periods(raw_root, period) if (Path(raw_root) / name / "source.yml").is_file()]
    return earlier[-1] if earlier else None
