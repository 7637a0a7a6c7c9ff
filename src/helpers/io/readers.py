"""Reading inputs as text: one reader for UTF-8 files and one for CSV, with errors that name the line.

Every command and stage reads through these (the draft, add-period and seal too), so that a missing
file, a folder, a byte that is not UTF-8 or a bad header is one InputError naming the file and line.

Every read of outside input is bounded: `read_bytes` opens the file, refuses anything that is not a
regular file (a folder, a FIFO, a device such as /dev/zero) before reading a byte, and reads at most
its limit + 1 bytes, so a 1 GB file or an endless stream is refused within milliseconds and without
holding more than the limit in memory.
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
TEXT_LIMIT = 20_000_000  # a CSV table or a YAML file: what read_utf8 reads when not told otherwise
YAML_LIMIT = 1_000_000
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


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes, at most `limit` + 1 of them, so that a caller can refuse a file past its limit
    without reading it all; without a `limit`, a file over TEXT_LIMIT is refused here, named.
    InputError for a missing file, a folder, a FIFO or a device (found on the open file, before
    reading a byte: /dev/zero never ends), or an unreadable one."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, f"is {_kind(info.st_mode)}", expected="a file", fix="Point it at the file itself")
        bound = TEXT_LIMIT if limit is None else limit
        if limit is None and info.st_size > bound:
            raise _over(path, bound, info.st_size)
        chunks, total = [], 0
        while total <= bound:
            chunk = os.read(handle, min(1 << 20, bound + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if limit is None and total > bound:
            raise _over(path, bound)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(handle)


def _over(path: Path, limit: int, size: int | None = None, what: str = "file") -> InputError:
    found = f"the file is {size_text(size)}, over" if size else "the file is over"
    return InputError(path, f"{found} the limit of {size_text(limit)} for a {what}", expected=f"at most "
                      f"{size_text(limit)}", fix="Is this the right file?")


def read_limited(path: Path, limit: int = TEXT_LIMIT, what: str = "file") -> bytes:
    """At most `limit` bytes of a regular file; a larger one is refused, naming the limit (by its
    size before reading, and by reading at most limit + 1 bytes, for a file that grows)."""
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_bytes names what is wrong with it
    if size > limit and os.path.isfile(path):
        raise _over(path, limit, size, what)
    data = read_bytes(path, limit)
    if len(data) > limit:
        raise _over(path, limit, what=what)
    return data


def decode_utf8(data: bytes, path: Path) -> str:
    """Bytes read from `path` as text, exactly (a byte-order mark stays).

    InputError naming the line and byte offset of the first byte that is not UTF-8, and whether
    the bytes read as GBK/GB18030 (the usual other encoding of Chinese web pages)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint, encoding = "", None
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Notepad's "Unicode": every line would be named wrongly, and GBK is not the cause.
            hint, encoding = "; it is UTF-16 (it starts with UTF-16's byte order mark, as a file saved as " \
                             "“Unicode” does)", "UTF-16"
            line = 1
        else:
            try:
                data.removeprefix(codecs.BOM_UTF8).decode("gb18030")
                hint, encoding = "; it decodes as GBK/GB18030, the usual other encoding of Chinese web pages", "GBK"
            except UnicodeDecodeError:
                pass
        raise InputError(path, f"not UTF-8: byte offset {exc.start} holds {data[exc.start:exc.end]!r}, which cannot "
                         f"be decoded ({exc.reason}){hint}", row=line, expected="a UTF-8 text file",
                         fix=f"Re-save it as UTF-8 (e.g. iconv -f {encoding} -t UTF-8)" if encoding else
                         "Re-save it as UTF-8 (your editor's “Save as”, encoding UTF-8)") from None


def read_utf8(path: Path, limit: int = TEXT_LIMIT) -> str:
    """A file's text, at most `limit` bytes, with a clear error if it is missing, unreadable, not a
    file, too large or not UTF-8."""
    return decode_utf8(read_limited(path, limit, "text file"), Path(path))


def yaml_error(path: Path, exc: Exception) -> InputError:
    """A YAML parse error (or nesting too deep to parse) as an InputError naming the file and line."""
    if isinstance(exc, RecursionError):
        return InputError(path, "not valid YAML: nested too deeply to read", expected="a flat YAML mapping")
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    return InputError(path, f"not valid YAML: {problem}" + (f" ({context})" if context else ""),
                      row=mark.line + 1 if mark is not None else None, expected="a YAML mapping",
                      fix="Correct the line (a quote or colon out of place, a tab for indentation?)")


def parse_yaml(text: str, path: Path):
    """YAML text read from `path`, with errors naming the file and line (syntax, depth)."""
    import yaml

    try:
        # libyaml's safe loader where PyYAML has it: the same result, eight times faster than the
        # pure-Python one (a run reads the catalogues and sidecars before any notebook starts).
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(path, exc) from None


def read_yaml(path: Path, limit: int = YAML_LIMIT):
    """A YAML file's content, bounded, with errors naming the file and line (encoding, syntax, depth)."""
    return parse_yaml(read_utf8(path, limit), Path(path))


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
