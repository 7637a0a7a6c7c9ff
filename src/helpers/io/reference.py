"""The reviewed reference tables (data/reference/*.csv), read for one period.

Reference data grows with the months: a campaign, a relation, a target or a name added for a later
month must not change an earlier month's page. Every table may therefore carry two optional
columns, read here for all of them:

- `since`: the first period (YYYY-MM) the row applies to; empty = from the start;
- `until`: the last period it applies to; empty = still applies.

A row applies to a period when since <= period <= until. A table read for a period holds only the
rows that apply to it, without these two columns. One key (a campaign id, a relation id, a
(kind, id) of the glossary) may have several rows when their periods do not overlap: a label
changed from 2021-12 on is the old row with `until = 2021-11` and a new one with `since = 2021-12`.
Read without a period, a table holds each key's latest row (the one that applies last).

Names are said once, in glossary.csv (issue 18): campaigns.csv, targets.csv and relations.csv hold
ids, order, operands and bounds, and no name column; `named` joins a table's rows with the Chinese
name of each from the glossary's rows that apply to the same period (a campaign's name, a target's
label, a relation's description), and says which row to add when one is missing.

`reference_digest` is what a stage's cache key holds of the reference tables: the rows that apply
to the period, so that a row added for a later month neither reruns nor changes an earlier one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .paths import is_period
from .readers import read_csv_strict
from .schemas import TableSchema

SINCE, UNTIL = "since", "until"
PERIOD_COLUMNS = (SINCE, UNTIL)
# Each table's key: what must be unique among the rows that apply to one period.
KEYS = {
    "campaigns.csv": ("campaign",),
    "relations.csv": ("relation_id",),
    "targets.csv": ("target_id",),
    "figure_renames.csv": ("old_figure_id",),
    "glossary.csv": ("kind", "id"),
}


@dataclass(frozen=True)
class ReferenceRows:
    """The rows of one table that apply (each a dict without since/until), with their line numbers."""

    path: Path
    header: list[str]  # the file's columns, since and until left out
    rows: list[dict]
    lines: list[int]


def applies(since: str, until: str, period: str) -> bool:
    """Whether a row with these bounds applies to `period` (empty bounds are open)."""
    return (not since or since <= period) and (not until or period <= until)


def read_reference(path: Path, schema: TableSchema | list[str], period: str | None = None,
                   allow_empty: bool = False, key: tuple[str, ...] | None = None) -> ReferenceRows:
    """Read a reference table: its since/until checked, the rows that apply to `period` kept.

    Without a period, each key's latest row is kept. InputError for a bound that is not YYYY-MM, a
    row whose since is after its until, and two rows of one key whose periods overlap (both lines
    named)."""
    path = Path(path)
    if isinstance(schema, TableSchema):
        schema = TableSchema(schema.name, schema.required, schema.optional + PERIOD_COLUMNS, schema.meaning,
                             schema.optional_pattern)
    header, rows, lines = read_csv_strict(path, schema, allow_empty=allow_empty)
    key = key if key is not None else KEYS.get(path.name)
    bounded = []
    for row, line in zip(rows, lines):
        since, until = (row.get(name, "").strip() for name in PERIOD_COLUMNS)
        for name, value in ((SINCE, since), (UNTIL, until)):
            if value and not is_period(value):
                raise InputError(path, f"{value!r} is not a period", row=line, field=name,
                                 expected="YYYY-MM (for example 2021-12), or empty", fix=_BOUNDS_HELP)
        if since and until and since > until:
            raise InputError(path, f"the row applies from {since} until {until}, which is no period", row=line,
                             field=UNTIL, expected=f"a period at or after since ({since})", fix=_BOUNDS_HELP)
        bounded.append((row, line, since, until))
    if key:
        _refuse_overlaps(path, key, bounded)
    if period is None:
        chosen = _latest(bounded, key) if key else bounded
    else:
        chosen = [entry for entry in bounded if applies(entry[2], entry[3], period)]
    plain = [name for name in header if name not in PERIOD_COLUMNS]
    return ReferenceRows(path, plain, [{name: row[name] for name in plain} for row, *_ in chosen],
                         [line for _, line, *_ in chosen])


_BOUNDS_HELP = ("since and until say from which period to which period a row applies (data/reference/README.md, "
                "“Rows that apply from a period”)")


def _refuse_overlaps(path: Path, key: tuple[str, ...], bounded: list) -> None:
    seen: dict[tuple, list] = {}
    for row, line, since, until in bounded:
        value = tuple(row.get(name, "") for name in key)
        for other_line, other_since, other_until in seen.get(value, []):
            if (not since or not other_until or since <= other_until) and \
                    (not other_since or not until or other_since <= until):
                # campaign 'toilets' (the glossary's kind and id), relation_id 'toilets.rate' (the others')
                what = f"{value[0]} {value[1]!r}" if len(key) == 2 else f"{key[0]} {value[0]!r}"
                if not (since or until or other_since or other_until):
                    raise InputError(path, f"{what} is listed twice (first on line {other_line})", row=line,
                                     field=key[-1], expected=f"each {'/'.join(key)} once",
                                     fix="Keep one row and delete the other; or, if the row changed from a period "
                                         "on, say from when each applies (since, until)")
                raise InputError(path, f"{what} has two rows that apply to the same period (the other is line "
                                 f"{other_line})", row=line, field=SINCE,
                                 expected=f"each {'/'.join(key)} once per period",
                                 fix="End the older row with until = the last period it applies to, and start this "
                                     "one with since = the next period; or delete one of them")
        seen.setdefault(value, []).append((line, since, until))


def _latest(bounded: list, key: tuple[str, ...]) -> list:
    """Each key's row that applies last (an open until, else the latest since), in file order."""
    best: dict[tuple, tuple] = {}
    for entry in bounded:
        row, _, since, until = entry
        value = tuple(row.get(name, "") for name in key)
        rank = (until or "9999-99", since)
        if value not in best or rank > best[value][0]:
            best[value] = (rank, entry)
    keep = {id(entry) for _, entry in best.values()}
    return [entry for entry in bounded if id(entry) in keep]


GLOSSARY_FILE = "glossary.csv"
SOURCE_COLUMN = "zh"  # the glossary's column in the reports' own language
# The tables whose rows the glossary names: its kind for their key, and the column that held the
# name before it moved to the glossary (a table that still has it is refused, saying where it went).
NAMED = {
    "campaigns.csv": ("campaign", "campaign", "name_zh"),
    "targets.csv": ("target", "target_id", "label_zh"),
    "relations.csv": ("relation", "relation_id", "description"),
}


def refuse_name_column(table: ReferenceRows) -> None:
    """InputError when a named table has a name column of its own: the glossary holds the names."""
    kind, key, column = NAMED[table.path.name]
    if column in table.header:
        raise InputError(table.path, f"the table has a {column} column", row=1, field=column,
                         expected="no name column: the Chinese name lives in glossary.csv only",
                         fix=f"Move each row's {column} to the zh of glossary.csv's row ({kind}, <{key}>) and "
                             "delete the column")


def glossary_names(reference_dir: Path, kind: str, period: str | None = None) -> dict[str, tuple[str, int]]:
    """Each id of `kind` in glossary.csv (the rows that apply to `period`) -> (its Chinese name, line)."""
    from .schemas import GLOSSARY

    table = read_reference(Path(reference_dir) / GLOSSARY_FILE, GLOSSARY, period)
    return {row["id"]: (row[SOURCE_COLUMN], line) for row, line in zip(table.rows, table.lines)
            if row["kind"] == kind}


def named(table: ReferenceRows, period: str | None = None, as_column: str | None = None) -> list[dict]:
    """The rows of campaigns.csv, targets.csv or relations.csv, each with its Chinese name from the
    glossary (the rows that apply to the same period) under `as_column` (default: the column the
    name moved from). InputError naming glossary.csv, the id, the table's line and the row to add
    when a row has no Chinese name there."""
    refuse_name_column(table)
    kind, key, column = NAMED[table.path.name]
    glossary = Path(table.path).parent / GLOSSARY_FILE
    names = glossary_names(glossary.parent, kind, period)
    out = []
    for row, line in zip(table.rows, table.lines):
        id = row[key]
        name, glossary_line = names.get(id, ("", None))
        if not name.strip():
            when = f" that applies to {period}" if period else ""
            problem = (f"{kind} {id!r} ({table.path.name} line {line}) has no Chinese name{when}"
                       + ("" if glossary_line else f": glossary.csv has no row ({kind}, {id})"))
            fix = (f"Fill in the zh column of line {glossary_line}" if glossary_line else
                   f"Add the row {kind},{id},<its Chinese name>,,,,to translate,<since>, to glossary.csv (the English "
                   "may wait: the English page shows the Chinese with a note until it is written)")
            raise InputError(glossary, problem, row=glossary_line, field=SOURCE_COLUMN,
                             expected=f"the Chinese name of {kind} {id!r} (every name is said once, in glossary.csv)",
                             fix=fix)
        out.append({**row, as_column or column: name})
    return out


def load_table(path: Path, required: list[str] | TableSchema, period: str | None = None,
               allow_empty: bool = False) -> list[dict]:
    """The rows of a reference table that apply to `period` (see read_reference)."""
    return read_reference(path, required, period, allow_empty=allow_empty).rows


def campaigns_table(reference_dir: Path, period: str | None = None):
    """campaigns.csv's rows that apply to `period`, as a table of text (campaign, order, and name_zh:
    the campaign's Chinese name from glossary.csv's rows that apply to the period)."""
    import pandas as pd

    table = read_reference(Path(reference_dir) / "campaigns.csv", ["campaign", "order"], period)
    rows = named(table, period)
    return pd.DataFrame(rows, columns=["campaign", "name_zh", "order"] +
                        [name for name in table.header if name not in ("campaign", "order")])


def reference_digest(reference_dir: Path, period: str) -> str:
    """A hash of the reference tables as they apply to `period`: each table's header and the rows that
    apply, since/until left out. A row added for a later period leaves it unchanged. A table that
    cannot be read (the stage then fails, naming the problem) is hashed as its bytes."""
    digest = hashlib.sha256()
    for path in sorted(Path(reference_dir).glob("*.csv")):
        digest.update(path.name.encode() + b"\0")
        try:
            table = read_reference(path, [], period, allow_empty=True) if path.name in KEYS else None
        except InputError:
            table = None
        if table is None:
            digest.update(path.read_bytes())
        else:
            digest.update(json.dumps([table.header] + [[row[name] for name in table.header] for row in table.rows],
                                     ensure_ascii=False).encode())
        digest.update(b"\0")
    return digest.hexdigest()


# ---- Writing: the intake adds, renames and prunes rows (add-period, rename-campaign, seal) ----------

def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    """A reference table's header and every row as written (since/until included), for rewriting."""
    import csv
    import io

    from .readers import read_utf8

    reader = csv.DictReader(io.StringIO(read_utf8(path).lstrip("\ufeff")))
    return [name.strip() for name in reader.fieldnames or []], [dict(row) for row in reader]


def write_rows(path: Path, header: list[str], rows: list[dict]) -> Path:
    """Write a reference table (atomically), its columns in `header` order; a cell a row lacks is empty.
    InputError when a row holds a column the table does not have."""
    import csv
    import io

    from .writers import write_text

    for row in rows:
        unknown = [name for name in row if name not in header]
        if unknown:
            raise InputError(path, f"no column {unknown[0]!r} to write {row.get(header[0], '')!r} into", row=1,
                             expected="columns " + ", ".join(header),
                             fix=f"Add the column to {Path(path).name} (since and until may be left empty)")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return write_text(path, buffer.getvalue())


def append_rows(path: Path, rows: list[dict]) -> Path:
    """Add rows (dicts by column name) at the end of a reference table."""
    header, existing = read_rows(path)
    return write_rows(path, header, existing + list(rows))
