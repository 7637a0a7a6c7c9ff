"""Reading inputs as text: one reader for UTF-8 files and one for CSV, with errors that name the line."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError

# Cells kept exactly as written (quotes are verbatim text); every other cell is trimmed.
VERBATIM_FIELDS = {"quote", "context"}

if TYPE_CHECKING:  # pandas is imported where tables are read, not by the runner
    import pandas as pd

def read_utf8(path: Path) -> str:
    """A file's text, with a clear error if it is not UTF-8."""
    path = Path(path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8: byte {exc.start} ({data[exc.start:exc.start + 4]!r}) "
                         f"cannot be decoded ({exc.reason})", row=line,
                         expected="a UTF-8 text file",
                         fix="Re-save it as UTF-8 (e.g. iconv -f GBK -t UTF-8)") from exc


def read_csv_strict(path: Path, required: list[str], allow_empty: bool = False) -> tuple[list[str], list[dict], list[int]]:
    """Read a CSV as text, checking encoding, emptiness, header and field counts.

    Returns the header, the rows as dicts of strings, and each row's line number.
    """
    path = Path(path)
    text = read_utf8(path)
    if not text.strip():
        raise InputError(path, "the file is empty", expected="a header line and at least one row")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader)
    header = [name.strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", row=1, field=missing[0],
                         expected="columns " + ", ".join(required))
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
