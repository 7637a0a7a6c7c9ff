"""Load inputs: a period's raw folder and the reviewed reference tables.

Raw files are immutable. Each period's `source.yml` records the sha256 of every file in
the folder, and nothing runs on a file whose bytes no longer match it. The folder's files, the
sidecar's fields and their readers are declared here once: `read_report` for a report text (the
run's checks and add-period's), `read_sidecar` for source.yml (the run, the narrative, add-period
and seal), `load_reference_table` for data/reference/ (the rows that apply to a period: io/reference.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .paths import Period
from .readers import (TEXT_LIMIT, YAML_LIMIT, check_header, decode_utf8, parse_yaml, read_bytes,
                      read_header, read_limited, read_utf8, starts_with_bom)
from .reference import load_table
from .schemas import FIGURES, FIGURES_ORDER, NON_FIGURES, RAW_TABLES

SIDECAR = "source.yml"
REVIEW_SHEET = "review.md"
# The files of a period's raw folder and what each is (source.yml describes its files in these words).
RAW_FILES = {
    "report.txt": "the report text exactly as captured from the web page, breadcrumb and footer lines included "
                  "(UTF-8)",
    SIDECAR: "the source sidecar: publisher, title, address, dates, sha256 of each file",
    "figures.csv": FIGURES.meaning,
    "non_figures.csv": NON_FIGURES.meaning,
    REVIEW_SHEET: "the review sheet add-period wrote: figures carried over from the previous period, new, not "
                  "found and uncertain",
}
# The files every period's raw folder must hold.
REQUIRED_RAW_FILES = {name: RAW_FILES[name] for name in ("report.txt", SIDECAR, "figures.csv", "non_figures.csv")}
# The hand transcription (figures.csv) and the list of numbers that are not figures, in the
# order they are written; their schemas (required and optional columns) are in schemas.py.
TRANSCRIPTION_COLUMNS = FIGURES_ORDER
NON_FIGURE_COLUMNS = NON_FIGURES.columns
# A bureau report is a few KB (2021-10: 5.5 KB). Anything far larger is the wrong file, and
# reading it would cost minutes and gigabytes before failing on every number.
MAX_REPORT_BYTES = 1_000_000
# The sidecar's fields, in the order add-period writes them, and whether every sidecar must have it.
# `capture_note` says how report.txt differs from the file as saved (add-period removes a byte order
# mark); `accepted_mismatch` maps each way the text is not this bureau's report for the period
# (publisher, place, period: helpers.intake.header) that the analyst accepted, to what it is.
SIDECAR_FIELDS = {"period": True, "title": True, "publisher": True, "publisher_en": False, "where": False,
                  "address": True, "published": True, "dated": True, "period_covered": True, "retrieved": True,
                  "licence": False, "capture_note": False, "accepted_mismatch": False, "files": True}
REQUIRED_SIDECAR_FIELDS = tuple(name for name, required in SIDECAR_FIELDS.items() if required)
# A fact the report's text does not give (the page address, say) is recorded as exactly this
# value, never left empty or described in words: validation accepts it for these fields, and
# the pages show it as "未记录" in plain text, never as a link.
UNKNOWN = "unknown"
MAY_BE_UNKNOWN = ("address", "published", "dated", "publisher")


def sha256_of(path: Path) -> str:
    """The file's sha256, read in blocks (a large file never sits in memory whole)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_own_files(folder: Path, what: str) -> None:
    """Refuse a folder whose content is not the repository's own: the folder or anything under it
    that is a symbolic link (git records only the link, so the published content would come from
    outside the repository), a regular file with other hard links (another name for it may be
    outside the repository, and a change there would change this input), or anything that is not a
    file or folder (a FIFO, a device). Names the first such entry."""
    pending = [Path(folder)]
    while pending:
        path = pending.pop()
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise InputError(path, f"cannot be read ({exc.strerror or exc})", expected=f"{what} readable") from None
        if stat.S_ISLNK(info.st_mode):
            raise InputError(path, f"is a symbolic link (to {os.readlink(path)})",
                             expected=f"{what} to be the repository's own files, not links to files elsewhere",
                             fix=f"Replace the link with a copy of the file it points to: cp --remove-destination "
                                 f"\"$(readlink -f {path})\" {path}")
        if stat.S_ISDIR(info.st_mode):
            pending += sorted(path.iterdir(), reverse=True)
        elif not stat.S_ISREG(info.st_mode):
            raise InputError(path, "is not a regular file (a FIFO, a socket or a device)",
                             expected=f"{what} to hold only files and folders", fix="Remove it")
        elif info.st_nlink > 1:
            raise InputError(path, f"has {info.st_nlink} hard links: another name for the same file may be outside "
                             "the repository", expected=f"{what} to be the repository's own files",
                             fix=f"Make it a file of its own: cp {path} {path}.copy && mv {path}.copy {path}")


@dataclass(frozen=True)
class Source:
    """A period's source sidecar (`source.yml`), with the dates parsed."""

    period: str
    title: str
    publisher: str
    address: str
    published: str
    dated: str
    period_start: dt.date
    period_end: dt.date
    retrieved: str
    files: dict
    raw: dict

    @property
    def year(self) -> int:
        return self.period_end.year


def check_raw_folder(raw_dir: Path, period: Period) -> None:
    """Stop before any work if the period's raw folder or one of its files is missing."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(raw_dir, f"no raw folder for period {period}",
                         expected="a folder data/raw/<period>/ holding " + ", ".join(REQUIRED_RAW_FILES),
                         fix="Create it with the new report's files (see data/raw/README.md)")
    missing = [name for name in REQUIRED_RAW_FILES if not (raw_dir / name).is_file()]
    if missing:
        what = "; ".join(f"{name} ({REQUIRED_RAW_FILES[name]})" for name in missing)
        raise InputError(raw_dir, f"period {period} lacks {', '.join(missing)}", expected=what,
                         fix="Add the missing files (see data/raw/README.md)")


def parse_sidecar(text: str, path: Path) -> dict:
    """A source.yml's text as the mapping it holds, as written (no field checked: see load_source).

    InputError when it is not YAML (naming the line) or not a mapping."""
    data = parse_yaml(text, path)
    if not isinstance(data, dict):
        raise InputError(path, "empty or not a mapping", expected="fields " + ", ".join(REQUIRED_SIDECAR_FIELDS))
    return data


def read_sidecar(raw_dir: Path) -> dict:
    """A period's source.yml as written: the one reader of the sidecar (see parse_sidecar)."""
    path = Path(raw_dir) / SIDECAR
    return parse_sidecar(read_utf8(path, YAML_LIMIT), path)


def load_source(raw_dir: Path) -> Source:
    """Read and check `source.yml`: every required field present, its dates dates."""
    path = Path(raw_dir) / SIDECAR
    data = read_sidecar(raw_dir)
    for field in REQUIRED_SIDECAR_FIELDS:
        if field not in data or data[field] in (None, ""):
            fix = (f"If the report does not say, write `{field}: {UNKNOWN}`" if field in MAY_BE_UNKNOWN else None)
            raise InputError(path, "missing field", field=field,
                             expected="fields " + ", ".join(REQUIRED_SIDECAR_FIELDS), fix=fix)
    for field in ("published", "dated", "retrieved"):
        value = str(data[field])
        if value == UNKNOWN and field in MAY_BE_UNKNOWN:
            continue
        try:
            dt.date.fromisoformat(value[:10])
        except ValueError:
            hint = f", or `{UNKNOWN}` if the report does not say" if field in MAY_BE_UNKNOWN else ""
            raise InputError(path, f"{value!r} is not a date", field=field,
                             expected=f"an ISO date such as 2021-12-09{hint}") from None
    covered = data["period_covered"]
    try:
        start = dt.date.fromisoformat(str(covered["start"]))
        end = dt.date.fromisoformat(str(covered["end"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(path, "period_covered needs start and end as ISO dates", field="period_covered",
                         expected="start: 'YYYY-MM-DD' and end: 'YYYY-MM-DD'") from exc
    if not isinstance(data["files"], dict):
        raise InputError(path, "files must map file names to their sha256", field="files")
    return Source(period=str(data["period"]), title=str(data["title"]), publisher=str(data["publisher"]),
                  address=str(data["address"]), published=str(data["published"]), dated=str(data["dated"]),
                  period_start=start, period_end=end, retrieved=str(data["retrieved"]),
                  files=data["files"], raw=data)


def verify_checksums(raw_dir: Path, source: Source) -> dict[str, str]:
    """Check every required file against the sha256 in `source.yml`; return name -> sha256."""
    raw_dir = Path(raw_dir)
    sidecar = raw_dir / SIDECAR
    found = {}
    for name in REQUIRED_RAW_FILES:
        if name == SIDECAR:
            found[name] = sha256_of(sidecar)
            continue
        entry = source.files.get(name)
        expected = entry.get("sha256") if isinstance(entry, dict) else entry
        if not expected:
            raise InputError(sidecar, f"no sha256 recorded for {name}", field=f"files.{name}.sha256",
                             fix=f"Record it with: sha256sum {raw_dir / name}")
        actual = sha256_of(raw_dir / name)
        if actual != expected:
            raise InputError(raw_dir / name, "the file changed since it was recorded: its sha256 is "
                             f"{actual}, but source.yml records {expected}",
                             expected="raw files to stay exactly as captured",
                             fix="Restore the original (git checkout -- <file>). If the change is a deliberate, "
                                 "documented correction, record the new checksum in source.yml")
        found[name] = actual
    return found


def load_reference_table(path: Path, required: list[str], allow_empty: bool = False,
                         period: str | None = None) -> list[dict]:
    """Load one of the reviewed reference tables (campaigns, relations, targets, renames): the rows
    that apply to `period` (their since/until, helpers.io.reference), or each key's latest row."""
    return load_table(path, required, period, allow_empty=allow_empty)


def open_period(raw_dir: Path, period: Period) -> tuple[Source, dict[str, str]]:
    """Every check a period's raw folder must pass before any work: files present, sidecar valid
    and about this period, checksums unchanged. Returns the sidecar and each file's sha256."""
    raw_dir = Path(raw_dir)
    check_raw_folder(raw_dir, period)
    check_own_files(raw_dir, f"data/raw/{period}/")
    for name in RAW_TABLES:
        read_limited(raw_dir / name, TEXT_LIMIT, "table")
    check_report_text(raw_dir / "report.txt")
    source = load_source(raw_dir)
    if source.period != period:
        raise InputError(raw_dir / SIDECAR, f"period is {source.period!r} but the run is for {period!r}",
                         field="period", expected=repr(period))
    if source.period_end.strftime("%Y-%m") != period:
        raise InputError(raw_dir / SIDECAR, f"period_covered ends on {source.period_end}, outside {period}",
                         field="period_covered.end", expected=f"the last day of {period}",
                         fix="Was source.yml copied from another month? Update its dates")
    sums = verify_checksums(raw_dir, source)
    for name, schema in RAW_TABLES.items():
        check_header(raw_dir / name, read_header(raw_dir / name), schema)
    return source, sums


def check_report_text(path: Path) -> None:
    """Refuse a report text that is empty, far too large to be a report, or that starts with a
    byte order mark, before any work. At most MAX_REPORT_BYTES + 1 bytes are read."""
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_bytes names what is wrong with it
    if size > MAX_REPORT_BYTES:
        raise _too_large(path, size)
    data = read_bytes(path, limit=MAX_REPORT_BYTES)
    if len(data) > MAX_REPORT_BYTES:
        raise _too_large(path, len(data))
    if not data.strip():
        raise InputError(path, "the file is empty", expected="the report text exactly as published",
                         fix="Copy the report's text into it again (UTF-8)")
    if starts_with_bom(data):
        raise InputError(path, "the text starts with a byte order mark (BOM: the bytes EF BB BF), which shifts every "
                         "quote's offset by one", expected="the report text as UTF-8 without a BOM",
                         fix="Remove the first three bytes (add-period does this, with a note, for a new month), "
                             f"then record the corrected text with: shaoyang-report seal --period {path.parent.name} "
                             "--include-report")


def read_report(path: Path) -> tuple[bytes, str]:
    """A report text as received: its bytes and its text (a byte-order mark kept), read no further
    than a report can be long. InputError for a missing, unreadable or far too large file, or text
    that is not UTF-8."""
    path = Path(path)
    data = read_bytes(path, limit=MAX_REPORT_BYTES)
    if len(data) > MAX_REPORT_BYTES:
        raise _too_large(path, max(path.stat().st_size, len(data)))
    return data, decode_utf8(data, path)


def _too_large(path: Path, size: int) -> InputError:
    return InputError(path, f"the file is {size / 1_000_000:.1f} MB; a bureau report is a few KB",
                      expected=f"at most {MAX_REPORT_BYTES / 1_000_000:.0f} MB of report text",
                      fix="Is this the right file? Save only the report's own text")
