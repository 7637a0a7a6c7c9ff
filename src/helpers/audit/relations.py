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

import cn2an
import pandas as pd

from ..io.errors import InputError
from ..io.rawdata import load_reference_table
from ..text import numbers, segments
from ..text.numbers import plain_number as _fmt
from .figures import Figure, figure_index, split_ids

RELATION_COLUMNS = ["relation_id", "kind", "reported", "operands", "description"]
CHECK_COLUMNS = ["check_id", "kind", "description", "formula", "working", "reported", "recomputed", "difference",
                 "tolerance", "lower", "upper", "bound_by", "unit", "status", "figure_ids", "note"]

# What each kind of relation means, and the verdicts it can give.
KINDS = {
    "rate": "a stated rate against its numerator and denominator (× 100)",
    "sum": "a stated total against the sum of its parts",
    "difference": "a stated remainder against the first operand minus the others",
    "flow": "a stated remainder against last period's remainder plus the change in the first operand "
            "minus the change in the others",
    "count_listed": "a stated count against the items listed in its own sentence or section",
    "excess": "a stated 'exceeded by X%' against the completion rate minus 100",
    "restatement": "a figure stated twice must agree with itself",
    "part_of": "a part ('其中') must not exceed its whole",
    "implied_ratio": "derived: a quantity the report implies, first operand ÷ (second / 100)",
    "implied_product": "derived: a quantity the report implies, first operand × (second / 100)",
    "implied_sum": "derived: a total the report implies but does not print",
    "not_checkable": "a figure the report gives nothing to check against",
}
DERIVED_KINDS = ("implied_ratio", "implied_product", "implied_sum")
# Verdicts. not-applicable: the relation's figures are absent this period (or, for a flow, there is
# no previous period); not-checkable: the figures are there but cannot be held to an equality.
STATUSES = ("pass", "mismatch", "derived", "not-checkable", "not-applicable")
# How many operands each kind takes ("2+" = two or more).
OPERANDS = {"rate": 2, "sum": "2+", "difference": "2+", "flow": "2+", "count_listed": 0, "excess": 1,
            "restatement": 1, "part_of": 1, "implied_ratio": 2, "implied_product": 2, "implied_sum": "2+",
            "not_checkable": 0}
# What can bound a derived range besides rounding: a statement in the text ("bound_by" codes).
BOUNDS = {"all_done": re.compile(r"全部(?:竣工|完成|建成)")}
# Floating-point slack on top of the printed precision (values are exact decimals in the text).
EPSILON = 1e-9

# A description names figures as {figure_id}; the figure's printed expression is put in their place.
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# A number typed into a description (8个县, 三类, 2021): month data that belongs in a placeholder.
_MEASURE_WORDS = "".join(sorted({u[0] for u in numbers.BASE_UNITS if u[0] not in "万%"} | set("类大县名")))
TYPED_NUMBER = re.compile(rf"\d|[{numbers.CHINESE_DIGITS}]+[{_MEASURE_WORDS}]")
# Constants of a formula, not data: "完成率 − 100%".
FORMULA_CONSTANTS = re.compile(r"(?<![\d.])100%")


def load_relations(reference_dir: Path) -> list[dict]:
    """The reviewed table of relations between figures, validated."""
    path = Path(reference_dir) / "relations.csv"
    rows = load_reference_table(path, RELATION_COLUMNS)
    if "items" in rows[0]:
        raise InputError(path, "the table has an items column", row=1, field="items",
                         expected="columns " + ", ".join(RELATION_COLUMNS),
                         fix="Delete the column: a listed count counts the items in its own sentence or section "
                             "of each month's text (data/reference/README.md)")
    for line, row in enumerate(rows, start=2):
        kind = row["kind"]
        if kind not in KINDS:
            raise InputError(path, f"unknown relation kind {kind!r}", row=line, field="kind",
                             expected="one of " + ", ".join(KINDS))
        operands = split_ids(row["operands"])
        wanted = OPERANDS[kind]
        if (isinstance(wanted, int) and len(operands) != wanted) or (wanted == "2+" and len(operands) < 2):
            raise InputError(path, f"a {kind} relation has {len(operands)} operand(s)", row=line, field="operands",
                             expected=f"{wanted} figure id(s) separated by |")
        needs_reported = kind not in DERIVED_KINDS
        if needs_reported != bool(row["reported"].strip()):
            raise InputError(path, f"a {kind} relation {'needs' if needs_reported else 'takes no'} reported figure",
                             row=line, field="reported",
                             expected="the id of the figure the report states" if needs_reported else "an empty cell")
        own = {row["reported"].strip(), *operands}
        for name in PLACEHOLDER.findall(row["description"]):
            if name not in own:
                raise InputError(path, f"the description names {{{name}}}, which is not one of this relation's "
                                 "figures", row=line, field="description",
                                 expected="placeholders {figure_id} for the reported figure or an operand")
        typed = TYPED_NUMBER.search(FORMULA_CONSTANTS.sub("", PLACEHOLDER.sub("", row["description"])))
        if typed:
            raise InputError(path, f"the description types the number {typed.group()!r}", row=line,
                             field="description", expected="no numbers typed in: they change from month to month",
                             fix="Write the figure as a placeholder, {figure_id}, which is filled in with this "
                                 "month's printed value")
    return rows


def render_description(template: str, figures: dict[str, Figure]) -> str:
    """A relation's description with each {figure_id} replaced by the figure as printed this period."""
    return PLACEHOLDER.sub(lambda m: figures[m.group(1)].expression if m.group(1) in figures else "—", template)


# ---- Items a count lists ---------------------------------------------------------------------

_CLAUSE_BREAKS = ",，;；:：。!！?？\n"
# Words that open an enumeration's clause before its first item (重点聚焦项目库情况、…).
_LEAD_IN = re.compile(r"^.*(?:聚焦|包括|涉及|围绕|重点|其中|分别是|分别为)")
_LAST_JOINER = re.compile(r"以及|和|及")


def locate(figure: Figure, text: str) -> int:
    """Offset of the figure's number in the report text, or -1."""
    if figure.start >= 0 and text.startswith(figure.value_printed, figure.start):
        return figure.start
    quote_start = text.find(figure.quote) if figure.quote else -1
    if quote_start < 0:
        return -1
    offset = numbers.locate_value(figure.quote, figure.value_printed)
    return -1 if offset is None else quote_start + offset


def listed_items(count: Figure, text: str) -> tuple[str, list[str], bool] | None:
    """The items the report lists for a count: (how, items, ends in 等), or None if it lists none.

    Two ways of listing are read, in this order:
    - "enumeration": names separated by 、 in the count's own clause, right before the number
      (武冈市、邵阳县、…、城步县8个县; 项目库情况、…等8个方面); 和/及 before the last name also separates;
    - "ordinals": 一是、二是、… in order, from the count to the end of its top-level section
      (七大专项行动 in the heading of 五, then 一是…七是 in its body).
    """
    position = locate(count, text)
    if position < 0:
        return None
    clause_start = max(text.rfind(mark, 0, position) for mark in _CLAUSE_BREAKS) + 1
    clause = segments.strip_section_number(text[clause_start:position]).strip()
    etc = clause.endswith("等")
    clause = clause.removesuffix("等")
    if "、" in clause:
        items = clause.split("、")
        items[0] = _LEAD_IN.sub("", items[0]) or items[0]
        items = items[:-1] + _LAST_JOINER.split(items[-1])
        return "enumeration", [item.strip() for item in items if item.strip()], etc
    end = segments.next_section(text, position)
    section = text[position:len(text) if end is None else end]
    items, at = [], 0
    while True:
        marker = cn2an.an2cn(len(items) + 1) + "是"
        found = section.find(marker, at)
        if found < 0:
            break
        at = found + len(marker)
        end = [i for i in (section.find(mark, at) for mark in "。;；") if i >= 0]
        items.append(section[at:min(end) if end else len(section)].strip())
    return ("ordinals", items, False) if items else None


# ---- Evaluating one relation ----------------------------------------------------------------

def _verdict(difference: float, tolerance: float) -> str:
    return "pass" if abs(difference) <= tolerance + EPSILON else "mismatch"


def evaluate(relation: dict, figures: dict[str, Figure], report_text: str,
             previous: dict[str, Figure] | None = None) -> dict:
    """One relation -> one check row. `previous` holds last period's figures (for flows)."""
    kind = relation["kind"]
    reported_id = relation["reported"].strip()
    operand_ids = split_ids(relation["operands"])
    needed = ([reported_id] if reported_id else []) + operand_ids
    row = {column: None for column in CHECK_COLUMNS}
    row.update(check_id=relation["relation_id"], kind=kind, figure_ids="|".join(needed), note="", bound_by="",
               description=render_description(relation["description"], figures))
    missing = [figure_id for figure_id in needed if figure_id not in figures]
    if missing:
        row.update(status="not-applicable", formula=KINDS[kind],
                   note="absent from this period's figures: " + ", ".join(missing))
        return row
    reported = figures.get(reported_id)
    operands = [figures[figure_id] for figure_id in operand_ids]
    row["unit"] = reported.unit if reported else (operands[0].unit if operands else "")
    if reported:
        row["reported"] = reported.value
    qualified = [f.figure_id for f in ([reported] if reported else []) + operands if f.qualifier]
    if kind == "not_checkable":
        row.update(status="not-checkable", formula="—", working=f"{reported.printed}")
        return row
    if kind == "flow":
        if previous is None:
            row.update(status="not-applicable", formula=KINDS[kind], note="no previous period to compare with")
            return row
        gone = [figure_id for figure_id in needed if figure_id not in previous]
        if gone:
            row.update(status="not-applicable", formula=KINDS[kind],
                       note="absent from the previous period's figures: " + ", ".join(gone))
            return row

    zero = [f.figure_id for f in operands[1:2] if kind in ("rate", "implied_ratio") and f.value == 0]
    if zero:
        row.update(status="not-checkable", formula=KINDS[kind], note=f"{zero[0]} is zero: nothing to divide by")
        return row
    if kind == "rate":
        numerator, denominator = operands
        recomputed = numerator.value / denominator.value * 100
        # Rounding in the printed operands moves the rate too (first-order propagation).
        propagated = 100 * (numerator.precision / denominator.value
                            + numerator.value * denominator.precision / denominator.value ** 2)
        tolerance = reported.precision + propagated
        formula = f"{numerator.figure_id} ÷ {denominator.figure_id} × 100"
        working = f"{_fmt(numerator.value)} ÷ {_fmt(denominator.value)} × 100 = {recomputed:.4f}"
    elif kind in ("sum", "implied_sum"):
        recomputed = sum(f.value for f in operands)
        tolerance = (reported.precision if reported else 0) + sum(f.precision for f in operands)
        formula = " + ".join(f.figure_id for f in operands)
        working = " + ".join(_fmt(f.value) for f in operands) + f" = {_fmt(recomputed)}"
    elif kind == "difference":
        first, rest = operands[0], operands[1:]
        recomputed = first.value - sum(f.value for f in rest)
        tolerance = reported.precision + sum(f.precision for f in operands)
        formula = first.figure_id + "".join(f" − {f.figure_id}" for f in rest)
        working = _fmt(first.value) + "".join(f" − {_fmt(f.value)}" for f in rest) + f" = {_fmt(recomputed)}"
    elif kind == "flow":
        before = {figure_id: previous[figure_id] for figure_id in needed}
        first, rest = operands[0], operands[1:]
        was, inflow = before[reported_id], first.value - before[first.figure_id].value
        outflow = sum(f.value - before[f.figure_id].value for f in rest)
        recomputed = was.value + inflow - outflow
        tolerance = sum(f.precision for f in [reported, *operands, *before.values()])
        formula = (f"previous {reported_id} + Δ{first.figure_id}"
                   + "".join(f" − Δ{f.figure_id}" for f in rest))
        rest_now, rest_before = sum(f.value for f in rest), sum(before[f.figure_id].value for f in rest)
        working = (f"{_fmt(was.value)} + ({_fmt(first.value)} − {_fmt(before[first.figure_id].value)}) − "
                   f"({_fmt(rest_now)} − {_fmt(rest_before)}) = {_fmt(recomputed)}")
    elif kind == "count_listed":
        listing = listed_items(reported, report_text)
        if listing is None:
            row.update(status="not-checkable", formula=KINDS[kind], working=reported.printed,
                       note="no list found: neither names separated by 、 before the count in its sentence nor "
                            "ordinals 一是、二是… in its section")
            return row
        how, items, etc = listing
        recomputed = float(len(items))
        tolerance = 0.0
        if how == "enumeration":
            formula = "count of the names separated by 、 before the figure in its sentence"
            working = f"{len(items)} names: " + "、".join(items)
        else:
            formula = "count of the ordinals 一是、二是… in the figure's section"
            working = f"{len(items)} ordinals 一是…{cn2an.an2cn(len(items))}是: " + "、".join(items)
        if etc and len(items) < reported.value:
            # 'A、B等8个方面' may name only some of the eight: fewer names is no contradiction.
            row.update(status="not-checkable", formula=formula, working=working, recomputed=recomputed,
                       note="the list ends in 等 (and others), so it may name fewer items than it counts")
            return row
    elif kind == "excess":
        (rate,) = operands
        recomputed = rate.value - 100
        tolerance = reported.precision + rate.precision
        formula = f"{rate.figure_id} − 100"
        working = f"{_fmt(rate.value)} − 100 = {_fmt(recomputed)}"
    elif kind == "restatement":
        (original,) = operands
        recomputed = original.value
        tolerance = reported.precision + original.precision
        formula = f"{reported.figure_id} = {original.figure_id}"
        working = f"{_fmt(reported.value)} = {_fmt(original.value)}"
    elif kind == "part_of":
        (whole,) = operands
        recomputed = whole.value
        tolerance = reported.precision + whole.precision
        difference = reported.value - whole.value
        status = "pass" if difference <= tolerance + EPSILON else "mismatch"
        row.update(recomputed=recomputed, difference=difference, tolerance=tolerance, status=status,
                   formula=f"{reported.figure_id} ≤ {whole.figure_id}",
                   working=f"{_fmt(reported.value)} ≤ {_fmt(whole.value)}")
        return row
    elif kind in ("implied_ratio", "implied_product"):
        return _implied(row, kind, operands, qualified)
    else:  # pragma: no cover - load_relations rejects unknown kinds
        raise ValueError(kind)

    if kind == "implied_sum":
        row.update(recomputed=recomputed, tolerance=tolerance, lower=recomputed - tolerance,
                   upper=recomputed + tolerance, status="derived", formula=formula, working=working,
                   note="the report implies this total but does not print it")
        return row
    difference = reported.value - recomputed
    status = _verdict(difference, tolerance)
    if qualified and status == "mismatch":
        # 以上/余/约 make the printed value a bound or an approximation, not an exact figure.
        status = "not-checkable"
        row["note"] = (row["note"] + "; " if row["note"] else "") + "qualified figures: " + ", ".join(qualified)
    row.update(recomputed=round(recomputed, 6), difference=round(difference, 6), tolerance=round(tolerance, 6),
               status=status, formula=formula, working=working)
    return row


def _implied(row: dict, kind: str, operands: list[Figure], qualified: list[str]) -> dict:
    """A quantity the report implies: its central value and the range that rounding leaves, narrowed
    by what the text states (全部竣工: the implied count equals the target)."""
    amount, rate = operands
    if kind == "implied_ratio":
        combine, sign = (lambda a, r: a / (r / 100)), "÷"
        formula = f"{amount.figure_id} ÷ ({rate.figure_id} / 100)"
    else:
        combine, sign = (lambda a, r: a * r / 100), "×"
        formula = f"{amount.figure_id} × {rate.figure_id} / 100"
    central = combine(amount.value, rate.value)
    bounds = [combine(amount.value + a, rate.value + r)
              for a in (-amount.precision, amount.precision) for r in (-rate.precision, rate.precision)]
    working = f"{_fmt(amount.value)} {sign} {_fmt(rate.value / 100)} = {_fmt(round(central, 2))}"
    lower, upper = min(bounds), max(bounds)
    working += f" (rounding in the printed figures allows {_fmt(round(lower, 2))} to {_fmt(round(upper, 2))})"
    note = "the report implies this quantity but does not print it"
    bound_by = ""
    stated = BOUNDS["all_done"].search(rate.quote)
    if kind == "implied_product" and stated:
        if lower - EPSILON <= amount.value <= upper + EPSILON:
            central = lower = upper = amount.value
            bound_by = "all_done"
            working += f"; the text says {stated.group()}, so it equals {amount.figure_id}: {_fmt(amount.value)}"
        else:
            note += f"; the text says {stated.group()}, but the rate does not allow it to equal {amount.figure_id}"
    if qualified:
        note += "; qualified figures: " + ", ".join(qualified)
    row.update(recomputed=round(central, 6), lower=round(lower, 6), upper=round(upper, 6),
               tolerance=round((upper - lower) / 2, 6), status="derived", formula=formula, working=working,
               note=note, bound_by=bound_by)
    return row


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
