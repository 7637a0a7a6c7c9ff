"""Stage 2, relations: recompute what the report states and give every check a verdict.

The checks are not written per figure. They come from `data/reference/relations.csv`, a
reviewed table that says how figures relate (a rate to its numerator and denominator, a total
to its parts, ...); `data/reference/README.md` explains each kind. Nothing that changes from
month to month is fixed in that table: a listed count counts the items in its own sentence or
section of this month's text, and a description is rendered from this month's figures. A check
whose figures are absent this month is reported once as not applicable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..io.errors import InputError
from ..io.reference import GLOSSARY_FILE, SOURCE_COLUMN, glossary_names, named, read_reference
from ..text import numbers
from . import kinds
from .figures import Figure, figure_index, split_ids

RELATION_COLUMNS = ["relation_id", "kind", "reported", "operands"]
CHECK_COLUMNS = ["check_id", "kind", "description", "formula", "working", "reported", "recomputed", "difference",
                 "tolerance", "lower", "upper", "bound_by", "unit", "status", "figure_ids", "note", "origin",
                 "sentence_start", "sentence_end"]

# The kinds of relation, each with what it means, its operands and how it is evaluated (kinds.py).
KINDS = kinds.KINDS
DERIVED_KINDS = kinds.derived_kinds()
# Verdicts. not-applicable: the relation's figures are absent this period (or, for a flow, there is
# no previous period); not-checkable: the figures are there but cannot be held to an equality.
STATUSES = ("pass", "mismatch", "derived", "not-checkable", "not-applicable")
BOUNDS = kinds.BOUNDS

# A description names figures as {figure_id}; the figure's printed expression is put in their place.
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# A number typed into a description (8个县, 三类, 2021): month data that belongs in a placeholder.
_MEASURE_WORDS = "".join(sorted({u[0] for u in numbers.BASE_UNITS if u[0] not in "万%"} | set("类大县名")))
TYPED_NUMBER = re.compile(rf"\d|[{numbers.CHINESE_DIGITS}]+[{_MEASURE_WORDS}]")
# Constants of a formula, not data: "完成率 − 100%".
FORMULA_CONSTANTS = re.compile(r"(?<![\d.])100%")


def load_relations(reference_dir: Path, period: str | None = None) -> list[dict]:
    """The reviewed table of relations between figures, validated: the rows that apply to `period`
    (since/until, helpers.io.reference), or each relation's latest row. Each row's `description` is
    its template, said once: the zh of glossary.csv's relation row that applies to the same period."""
    path = Path(reference_dir) / "relations.csv"
    table = read_reference(path, RELATION_COLUMNS, period)
    if "items" in table.header:
        raise InputError(path, "the table has an items column", row=1, field="items",
                         expected="columns " + ", ".join(RELATION_COLUMNS),
                         fix="Delete the column: a listed count counts the items in its own sentence or section "
                             "of each month's text (data/reference/README.md)")
    for line, row in zip(table.lines, table.rows):
        kind = row["kind"]
        if kind not in KINDS:
            raise InputError(path, f"unknown relation kind {kind!r}", row=line, field="kind",
                             expected="one of " + ", ".join(KINDS))
        operands = split_ids(row["operands"])
        wanted = KINDS[kind].operands
        if not KINDS[kind].arity_ok(len(operands)):
            raise InputError(path, f"a {kind} relation has {len(operands)} operand(s)", row=line, field="operands",
                             expected=f"{wanted} figure id(s) separated by |")
        needs_reported = not KINDS[kind].derived
        if needs_reported != bool(row["reported"].strip()):
            raise InputError(path, f"a {kind} relation {'needs' if needs_reported else 'takes no'} reported figure",
                             row=line, field="reported",
                             expected="the id of the figure the report states" if needs_reported else "an empty cell")
    rows = named(table, period)
    glossary, glossary_lines = Path(reference_dir) / GLOSSARY_FILE, glossary_names(reference_dir, "relation", period)
    for line, row in zip(table.lines, rows):
        own = {row["reported"].strip(), *split_ids(row["operands"])}
        where = glossary_lines[row["relation_id"]][1]  # the template's line in the glossary
        for name in PLACEHOLDER.findall(row["description"]):
            if name not in own:
                raise InputError(glossary, f"relation {row['relation_id']!r}'s description names {{{name}}}, which is "
                                 f"not one of its figures (relations.csv line {line})", row=where,
                                 field=SOURCE_COLUMN,
                                 expected="placeholders {figure_id} for the reported figure or an operand")
        typed = TYPED_NUMBER.search(FORMULA_CONSTANTS.sub("", PLACEHOLDER.sub("", row["description"])))
        if typed:
            raise InputError(glossary, f"relation {row['relation_id']!r}'s description types the number "
                             f"{typed.group()!r} (relations.csv line {line})", row=where,
                             field=SOURCE_COLUMN, expected="no numbers typed in: they change from month to month",
                             fix="Write the figure as a placeholder, {figure_id}, which is filled in with this "
                                 "month's printed value")
    return rows


def render_description(template: str, figures: dict[str, Figure]) -> str:
    """A relation's description with each {figure_id} replaced by the figure as printed this period."""
    return PLACEHOLDER.sub(lambda m: figures[m.group(1)].expression if m.group(1) in figures else "—", template)


# ---- Evaluating one relation ----------------------------------------------------------------

def evaluate(relation: dict, figures: dict[str, Figure], report_text: str,
             previous: dict[str, Figure] | None = None) -> dict:
    """One relation -> one check row, through its kind (kinds.py). `previous` holds last period's
    figures (for flows)."""
    kind = KINDS[relation["kind"]]
    reported_id = relation["reported"].strip()
    operand_ids = split_ids(relation["operands"])
    needed = ([reported_id] if reported_id else []) + operand_ids
    row = {column: None for column in CHECK_COLUMNS}
    row.update(check_id=relation["relation_id"], kind=kind.code, figure_ids="|".join(needed), note="", bound_by="",
               description=render_description(relation["description"], figures),
               origin=relation.get("origin", "declared"), sentence_start=relation.get("sentence_start", ""),
               sentence_end=relation.get("sentence_end", ""))
    missing = [figure_id for figure_id in needed if figure_id not in figures]
    if missing:
        row.update(status="not-applicable", formula=kind.meaning,
                   note="absent from this period's figures: " + ", ".join(missing))
        return row
    reported = figures.get(reported_id)
    operands = [figures[figure_id] for figure_id in operand_ids]
    row["unit"] = reported.unit if reported else (operands[0].unit if operands else "")
    if reported:
        row["reported"] = reported.value
    qualified = tuple(f.figure_id for f in ([reported] if reported else []) + operands if f.qualifier)
    if kind.needs_previous:
        if previous is None:
            row.update(status="not-applicable", formula=kind.meaning, note="no previous period to compare with")
            return row
        gone = [figure_id for figure_id in needed if figure_id not in previous]
        if gone:
            row.update(status="not-applicable", formula=kind.meaning,
                       note="absent from the previous period's figures: " + ", ".join(gone))
            return row
    if kind.divides_by is not None and operands[kind.divides_by].value == 0:
        row.update(status="not-checkable", formula=kind.meaning,
                   note=f"{operands[kind.divides_by].figure_id} is zero: nothing to divide by")
        return row
    result = kind.evaluate(kinds.Operands(reported, operands, report_text, previous, qualified))
    if "status" in result:  # the kind settled the verdict itself (derived, one-sided, nothing to check)
        row.update(result)
        return row
    recomputed, tolerance = result["recomputed"], result["tolerance"]
    difference = reported.value - recomputed
    status = _verdict(difference, tolerance)
    if qualified and status == "mismatch":
        # 以上/余/约 make the printed value a bound or an approximation, not an exact figure.
        status = "not-checkable"
        row["note"] = (row["note"] + "; " if row["note"] else "") + "qualified figures: " + ", ".join(qualified)
    row.update(recomputed=round(recomputed, 6), difference=round(difference, 6), tolerance=round(tolerance, 6),
               status=status, formula=result["formula"], working=result["working"])
    return row


def _verdict(difference: float, tolerance: float) -> str:
    return "pass" if abs(difference) <= tolerance + kinds.EPSILON else "mismatch"


def run_checks(figures: pd.DataFrame, relations: list[dict], report_text: str,
               previous: pd.DataFrame | None = None, renames: dict[str, str] | None = None) -> pd.DataFrame:
    """Every relation evaluated against this period's figures (and last period's, for flows).

    `renames` (old id -> new id, data/reference/figure_renames.csv) files last period's figures
    under this period's ids.
    """
    index = figure_index(figures)
    before = figure_index(previous, renames) if previous is not None else None
    rows = [evaluate(relation, index, report_text, before) for relation in relations]
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)
