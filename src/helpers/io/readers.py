"""Reading inputs as text: one reader for UTF-8 files and one for CSV, with errors that name the line.

Every command and stage reads through these (the draft, add-period and seal too), so that a missing
file, a folder, a byte that is not UTF-8 or a bad header is one InputError naming the file and line.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, InputWarning
from .schemas import TableSchema

# Cells kept exactly as written (quotes are verbatim text); every other cell is trimmed.
VERBATIM_FIELDS = {"quote", "context"}

if TYPE_CHECKING:  # pandas is imported where tables are read, not by the runner
    import pandas as pd


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes (at most `limit` + 1 of them, so that a caller can refuse a file past its
    limit without reading it all). InputError for a missing file, a folder or an unreadable one."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            return stream.read() if limit is None else stream.read(limit + 1)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder", expected="a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None


def decode_utf8(data: bytes, path: Path) -> str:
    """Bytes read from `path` as text, exactly (a byte-order mark stays).

    InputError naming the line and byte offset of the first byte that is not UTF-8, and whether
    the bytes read as GBK/GB18030 (the usual other encoding of Chinese web pages)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = "; it decodes as GBK/GB18030, the usual other encoding of Chinese web pages"
        except UnicodeDecodeError:
            pass
        raise InputError(path, f"not UTF-8: byte offset {exc.start} holds {data[exc.start:exc.end]!r}, which cannot "
                         f"be decoded ({exc.reason}){hint}", row=line, expected="a UTF-8 text file",
                         fix="Re-save it as UTF-8 (e.g. iconv -f GBK -t UTF-8)") from None


def read_utf8(path: Path) -> str:
    """A file's text, with a clear error if it is missing, unreadable or not UTF-8."""
    return decode_utf8(read_bytes(path), Path(path))


def check_header(path: Path, header: list[str], schema: TableSchema | list[str]) -> None:
    """Refuse a header without a required column; warn, naming it, about a column the schema
    does not know (it is ignored). A plain list of names is taken as required columns only."""
    required = list(schema.required) if isinstance(schema, TableSchema) else list(schema)
    missing = [name for name in required if name not in header]
    if missing:
        close = {name: difflib.get_close_matches(name, [h for h in header if h not in required], n=1)
                 for name in missing}
        hint = "; ".join(f"{found[0]!r} looks like {name!r}" for name, found in close.items() if found)
        raise InputError(path, f"missing column(s) {', '.join(missing)}", row=1, field=missing[0],
                         expected="columns " + ", ".join(required),
                         fix=(f"Rename the column: {hint}" if hint else "Add the column (it may be left empty "
                              "where the format allows) — see data/raw/README.md"))
    if not isinstance(schema, TableSchema):
        return
    known = set(schema.columns)
    for name in header:
        if name not in known and not (schema.optional_pattern and re.fullmatch(schema.optional_pattern, name)):
            close = difflib.get_close_matches(name, schema.columns, n=1)
            warnings.warn(InputWarning(
                path, f"unknown column {name!r} is ignored", row=1, field=name,
                expected="only the columns " + ", ".join(schema.columns),
                fix=(f"Did you mean {close[0]!r}? Rename it" if close else "Remove it, or rename it to one of "
                     "the known columns")), stacklevel=3)


def read_header(path: Path) -> list[str]:
    """The header line of a CSV file, names trimmed (for checks made before any work)."""
    text = read_utf8(path)
    if not text.strip():
        raise InputError(path, "the file is empty", expected="a header line and at least one row")
    return [name.strip() for name in next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))]


def read_csv_strict(path: Path, schema: TableSchema | list[str],
                    allow_empty: bool = False) -> tuple[list[str], list[dict], list[int]]:
    """Read a CSV as text, checking encoding, emptiness, header (against `schema`) and field counts.

    Returns the header, the rows as dicts of strings, and each row's line number.
    """
    path = Path(path)
    text = read_utf8(path)
    if not text.strip():
        raise InputError(path, "the file is empty", expected="a header line and at least one row")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader)
    header = [name.strip() for name in header]
    check_header(path, header, schema)
    rows, lines = [], []
    for record in reader:
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise InputError(path, f"{len(record)} fields where the header has {len(header)} "
                             "(the row is truncated or has an unquoted comma)", row=reader.line_num,
                             field=header[min(len(record), len(header)) - 1],
                             expected=f"{len(header)} fields: " + ", ".join(header))
        # Quotes are verbatim text and keep their spaces; every other cell is trimmed.
        rows.append({name: cell if name in VERBATIM_FIELDS else cell.strip() for name, cell in zip(header, record)})
        lines.append(reader.line_num)
    if not rows and not allow_empty:
        raise InputError(path, "the file has a header but no rows", expected="at least one row")
    if rows and not text.endswith("\n"):
        # A file cut off mid-write usually lacks its final newline; the last row may be partial.
        raise InputError(path, "the file does not end with a newline, so its last row may be truncated",
                         row=lines[-1], field=header[-1], expected="a complete file ending in a newline")
    return header, rows, lines



def read_csv(path: Path) -> "pd.DataFrame":
    """Read a processed table back as text (empty cells as ''); callers convert the numbers they use."""
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)
