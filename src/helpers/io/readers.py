"""Reading inputs as text: one reader for UTF-8 files and one for CSV, with errors that name the line.

Every read of outside input is bounded: `read_limited` opens the file, refuses anything that is not
a regular file (a folder, a FIFO, a device such as /dev/zero) before reading a byte, and reads at
most its limit + 1 bytes, so a 1 GB file or an endless stream is refused within milliseconds and
without holding more than the limit in memory.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
import stat
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, InputWarning
from .schemas import TableSchema

# Cells kept exactly as written (quotes are verbatim text); every other cell is trimmed.
VERBATIM_FIELDS = {"quote", "context"}

if TYPE_CHECKING:  # pandas is imported where tables are read, not by the runner
    import pandas as pd


# The most bytes a reader takes from each kind of outside input. Our largest real files are far
# below these (a report text 5.5 KB, the glossary 30 KB, a manifest 20 KB); a file past its limit
# is the wrong file, and reading it would only cost memory before failing.
TEXT_LIMIT = 20_000_000  # a CSV table or a YAML file
MANIFEST_LIMIT = 20_000_000


def size_text(count: int) -> str:
    return f"{count / 1_000_000:,.0f} MB" if count >= 1_000_000 else f"{count:,} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device (such as /dev/zero)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_limited(path: Path, limit: int = TEXT_LIMIT, what: str = "file") -> bytes:
    """At most `limit` bytes of a regular file. Refuses, naming the file, anything else: a folder, a
    FIFO or a device (checked on the open file, before reading), a file larger than `limit` (by its
    size, and by reading at most limit + 1 bytes, for a file that grows), and a file that cannot
    be read (the operating system's reason)."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(path, "no such file", expected=f"the {what}") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})", expected=f"a readable {what}",
                         fix="Check the file's permissions") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, f"is {_kind(info.st_mode)}, not a file", expected=f"the {what} as a regular file",
                             fix="Point it at the file itself")
        if info.st_size > limit:
            raise InputError(path, f"the file is {size_text(info.st_size)}, over the limit of {size_text(limit)} "
                             f"for a {what}", expected=f"at most {size_text(limit)}",
                             fix="Is this the right file?")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise InputError(path, f"the file is over the limit of {size_text(limit)} for a {what}",
                             expected=f"at most {size_text(limit)}", fix="Is this the right file?")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})", expected=f"a readable {what}") from None
    finally:
        os.close(handle)


def decode_utf8(data: bytes, path: Path) -> str:
    """Bytes as UTF-8 text, or an InputError naming the file, the line and the byte, and whether
    the bytes read as GBK/GB18030 (the usual other encoding of Chinese files)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "Re-save it as UTF-8 (e.g. iconv -f GBK -t UTF-8)"
        try:
            data.decode("gb18030")
            hint = "It reads as GBK/GB18030: convert it with iconv -f GBK -t UTF-8 (or -f GB18030)"
        except UnicodeDecodeError:
            pass
        raise InputError(path, f"not UTF-8: byte {exc.start} ({data[exc.start:exc.start + 4]!r}) "
                         f"cannot be decoded ({exc.reason})", row=line,
                         expected="a UTF-8 text file", fix=hint) from exc


def read_utf8(path: Path, limit: int = TEXT_LIMIT) -> str:
    """A file's text, at most `limit` bytes, with a clear error if it is not UTF-8."""
    path = Path(path)
    return decode_utf8(read_limited(path, limit, "text file"), path)


def yaml_error(path: Path, exc: Exception) -> InputError:
    """A YAML parse error (or nesting too deep to parse) as an InputError naming the file and line."""
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, RecursionError):
        return InputError(path, "not valid YAML: nested too deeply to read", expected="a flat YAML mapping")
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    return InputError(path, f"not valid YAML: {problem}" + (f" ({context})" if context else ""),
                      row=mark.line + 1 if mark is not None else None, expected="a YAML mapping",
                      fix="Correct the line (a quote or colon out of place, a tab for indentation?)")


def read_yaml(path: Path, limit: int = 1_000_000):
    """A YAML file's content, bounded, with errors naming the file and line (encoding, syntax, depth)."""
    import yaml

    text = read_utf8(path, limit)
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(path, exc) from None


def starts_with_bom(data: bytes) -> bool:
    return data.startswith(codecs.BOM_UTF8)


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
    """Read a table as text (empty cells as ''); callers convert the numbers they use. The bytes go
    through read_utf8, so a table in another encoding (a reference table saved as GBK, say) is named
    with its file and line, and a huge one is refused."""
    import pandas as pd

    text = read_utf8(path)
    return pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False)
