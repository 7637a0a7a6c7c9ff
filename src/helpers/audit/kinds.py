"""The kinds of check, one object each: everything the code knows about a kind, in one place.

A kind says how many operands it takes, whether it is derived (a quantity the report implies but
does not print) or one-sided (a part must not exceed its whole), whether its derived quantity is a
target (compared month over month), which operand must not be zero, how it is evaluated, how the
page writes its working, and how a check of it read from a sentence is described.

Adding a kind is one function and data rows:

    @register("average", "a stated average against a total ÷ a count", operands=2, divides_by=1)
    def _average(x: Operands) -> dict:
        total, count = x.operands
        recomputed = total.value / count.value
        return {"recomputed": recomputed, "tolerance": x.reported.precision + ...,
                "formula": f"{total.figure_id} ÷ {count.figure_id}", "working": ...}

plus its name in `data/reference/glossary.csv` (kind `relation_kind`, every language) and the rows
of `data/reference/relations.csv` that use it. An evaluate function returns the check's
`recomputed`, `tolerance`, `formula` and `working`, and the comparison with the reported figure is
made for it (a mismatch of qualified figures is not-checkable); a function that settles the
verdict itself (a derived quantity, a one-sided check, nothing to check) returns `status` too,
and its row is taken as it is. `audit/relations.py` evaluates a relation through its kind,
`audit/diagnoses.py` searches values through the same function, `audit/changes.py` compares the
kinds that imply a target, and `publish/explanations.py` writes the working with the kind's
catalogue key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import cn2an

from ..text.numbers import plain_number as _fmt
from .figures import Figure
from .lists import listed_items

# What can bound a derived range besides rounding: a statement in the text ("bound_by" codes).
BOUNDS = {"all_done": re.compile(r"全部(?:竣工|完成|建成)")}
# Floating-point slack on top of the printed precision (values are exact decimals in the text).
EPSILON = 1e-9


@dataclass(frozen=True)
class Operands:
    """What an evaluate function works on: the reported figure (None for a derived kind), the
    operands in order, the month's text, and last month's figures (for flows)."""

    reported: Figure | None
    operands: list[Figure]
    text: str = ""
    before: dict[str, Figure] | None = None
    qualified: tuple[str, ...] = ()  # ids of the figures printed with 以上/余/约 …


@dataclass(frozen=True)
class Kind:
    code: str
    meaning: str  # what the kind checks, in English (checks.csv's formula when nothing applies)
    operands: int | str  # how many operands it takes: a number, or "2+" (two or more)
    evaluate: Callable[[Operands], dict]
    derived: bool = False  # a quantity the report implies: no reported figure, status derived
    one_sided: bool = False  # passes on one side only (part ≤ whole): diagnoses search one end
    implies_target: bool = False  # its derived quantity is a target: compared month over month
    judged: bool = True  # gives pass or mismatch (the diagnoses search only these)
    needs_previous: bool = False  # needs last month's figures (a flow)
    divides_by: int | None = None  # the operand (by index) that must not be zero
    working_key: str = ""  # catalogue key that writes its working on the page ("": from its formula)
    counts_list: bool = False  # checks a count against the items its text lists (a short list may lose an item)
    # How a check of it read from a sentence is described: (names of its figures, reported first; the
    # relation) -> the description, in operators over the names.
    describe: Callable[[list[str], dict], str] | None = None

    def arity_ok(self, count: int) -> bool:
        return count >= 2 if self.operands == "2+" else count == self.operands


KINDS: dict[str, Kind] = {}


def register(code: str, meaning: str, operands: int | str, **options):
    """Declare a kind: the decorated function evaluates it (see the module's docstring)."""
    def decorator(function: Callable[[Operands], dict]) -> Callable[[Operands], dict]:
        KINDS[code] = Kind(code, meaning, operands, function, **options)
        return function
    return decorator


def derived_kinds() -> tuple[str, ...]:
    return tuple(code for code, kind in KINDS.items() if kind.derived)


def target_kinds() -> tuple[str, ...]:
    return tuple(code for code, kind in KINDS.items() if kind.implies_target)


# ---- The kinds ----------------------------------------------------------------------------------

@register("rate", "a stated rate against its numerator and denominator (× 100)", operands=2, divides_by=1,
          describe=lambda n, r: f"{n[0]} = {n[1]} ÷ {n[2]}")
def _rate(x: Operands) -> dict:
    numerator, denominator = x.operands
    recomputed = numerator.value / denominator.value * 100
    # Rounding in the printed operands moves the rate too (first-order propagation).
    propagated = 100 * (numerator.precision / denominator.value
                        + numerator.value * denominator.precision / denominator.value ** 2)
    return {"recomputed": recomputed, "tolerance": x.reported.precision + propagated,
            "formula": f"{numerator.figure_id} ÷ {denominator.figure_id} × 100",
            "working": f"{_fmt(numerator.value)} ÷ {_fmt(denominator.value)} × 100 = {recomputed:.4f}"}


def _add(x: Operands) -> tuple[float, float, str, str]:
    recomputed = sum(f.value for f in x.operands)
    tolerance = (x.reported.precision if x.reported else 0) + sum(f.precision for f in x.operands)
    formula = " + ".join(f.figure_id for f in x.operands)
    working = " + ".join(_fmt(f.value) for f in x.operands) + f" = {_fmt(recomputed)}"
    return recomputed, tolerance, formula, working


@register("sum", "a stated total against the sum of its parts", operands="2+",
          describe=lambda n, r: f"{n[0]} = " + " + ".join(n[1:]))
def _sum(x: Operands) -> dict:
    recomputed, tolerance, formula, working = _add(x)
    return {"recomputed": recomputed, "tolerance": tolerance, "formula": formula, "working": working}


@register("difference", "a stated remainder against the first operand minus the others", operands="2+",
          describe=lambda n, r: f"{n[0]} = {n[1]}" + "".join(f" − {name}" for name in n[2:]))
def _difference(x: Operands) -> dict:
    first, rest = x.operands[0], x.operands[1:]
    recomputed = first.value - sum(f.value for f in rest)
    return {"recomputed": recomputed, "tolerance": x.reported.precision + sum(f.precision for f in x.operands),
            "formula": first.figure_id + "".join(f" − {f.figure_id}" for f in rest),
            "working": _fmt(first.value) + "".join(f" − {_fmt(f.value)}" for f in rest) + f" = {_fmt(recomputed)}"}


@register("flow", "a stated remainder against last period's remainder plus the change in the first operand "
          "minus the change in the others", operands="2+", needs_previous=True)
def _flow(x: Operands) -> dict:
    reported, before = x.reported, x.before
    first, rest = x.operands[0], x.operands[1:]
    was, inflow = before[reported.figure_id], first.value - before[first.figure_id].value
    outflow = sum(f.value - before[f.figure_id].value for f in rest)
    recomputed = was.value + inflow - outflow
    figures = [reported, *x.operands]
    tolerance = sum(f.precision for f in figures + [before[f.figure_id] for f in figures])
    rest_now, rest_before = sum(f.value for f in rest), sum(before[f.figure_id].value for f in rest)
    return {"recomputed": recomputed, "tolerance": tolerance,
            "formula": f"previous {reported.figure_id} + Δ{first.figure_id}" + "".join(f" − Δ{f.figure_id}"
                                                                                         for f in rest),
            "working": (f"{_fmt(was.value)} + ({_fmt(first.value)} − {_fmt(before[first.figure_id].value)}) − "
                        f"({_fmt(rest_now)} − {_fmt(rest_before)}) = {_fmt(recomputed)}")}


@register("count_listed", "a stated count against the items listed in its own sentence or section", operands=0,
          working_key="audit.count_listed", counts_list=True,
          describe=lambda n, r: f"{n[0]} = {r['listing']}" if r.get("listing") else n[0])
def _count_listed(x: Operands) -> dict:
    reported = x.reported
    listing = listed_items(reported, x.text)
    if listing is None:
        return {"status": "not-checkable", "formula": KINDS["count_listed"].meaning, "working": reported.printed,
                "note": "no list found: neither names separated by 、 before or right after the count in its "
                        "sentence nor ordinals 一是、二是… in its section"}
    how, items, etc = listing
    recomputed = float(len(items))
    if how == "enumeration":
        formula = "count of the names separated by 、 before the figure in its sentence"
        working = f"{len(items)} names: " + "、".join(items)
    elif how == "enumeration_after":
        formula = "count of the names separated by 、 right after the figure"
        working = f"{len(items)} names: " + "、".join(items)
    else:
        formula = "count of the ordinals 一是、二是… in the figure's section"
        working = f"{len(items)} ordinals 一是…{cn2an.an2cn(len(items))}是: " + "、".join(items)
    if etc and len(items) < reported.value:
        # 'A、B等8个方面' may name only some of the eight: fewer names is no contradiction.
        return {"status": "not-checkable", "formula": formula, "working": working, "recomputed": recomputed,
                "note": "the list ends in 等 (and others), so it may name fewer items than it counts"}
    return {"recomputed": recomputed, "tolerance": 0.0, "formula": formula, "working": working}


@register("excess", "a stated 'exceeded by X%' against the completion rate minus 100", operands=1,
          describe=lambda n, r: f"{n[0]} = {n[1]} − 100%")
def _excess(x: Operands) -> dict:
    (rate,) = x.operands
    recomputed = rate.value - 100
    return {"recomputed": recomputed, "tolerance": x.reported.precision + rate.precision,
            "formula": f"{rate.figure_id} − 100", "working": f"{_fmt(rate.value)} − 100 = {_fmt(recomputed)}"}


@register("restatement", "a figure stated twice must agree with itself", operands=1,
          describe=lambda n, r: f"{n[0]} = {n[1]}")
def _restatement(x: Operands) -> dict:
    reported, (original,) = x.reported, x.operands
    return {"recomputed": original.value, "tolerance": reported.precision + original.precision,
            "formula": f"{reported.figure_id} = {original.figure_id}",
            "working": f"{_fmt(reported.value)} = {_fmt(original.value)}"}


@register("part_of", "a part ('其中') must not exceed its whole", operands=1, one_sided=True,
          describe=lambda n, r: f"{n[0]} ≤ {n[1]}")
def _part_of(x: Operands) -> dict:
    reported, (whole,) = x.reported, x.operands
    tolerance = reported.precision + whole.precision
    difference = reported.value - whole.value
    return {"recomputed": whole.value, "difference": difference, "tolerance": tolerance,
            "status": "pass" if difference <= tolerance + EPSILON else "mismatch",
            "formula": f"{reported.figure_id} ≤ {whole.figure_id}",
            "working": f"{_fmt(reported.value)} ≤ {_fmt(whole.value)}"}


def _implied(x: Operands, kind: str) -> dict:
    """A quantity the report implies: its central value and the range that rounding leaves, narrowed
    by what the text states (全部竣工: the implied count equals the target)."""
    amount, rate = x.operands
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
    if x.qualified:
        note += "; qualified figures: " + ", ".join(x.qualified)
    return {"recomputed": round(central, 6), "lower": round(lower, 6), "upper": round(upper, 6),
            "tolerance": round((upper - lower) / 2, 6), "status": "derived", "formula": formula, "working": working,
            "note": note, "bound_by": bound_by}


@register("implied_ratio", "derived: a quantity the report implies, first operand ÷ (second / 100)", operands=2,
          derived=True, judged=False, implies_target=True, divides_by=1, describe=lambda n, r: f"{n[0]} ÷ {n[1]}")
def _implied_ratio(x: Operands) -> dict:
    return _implied(x, "implied_ratio")


@register("implied_product", "derived: a quantity the report implies, first operand × (second / 100)",
          operands=2, derived=True, judged=False, describe=lambda n, r: f"{n[0]} × {n[1]}")
def _implied_product(x: Operands) -> dict:
    return _implied(x, "implied_product")


@register("implied_sum", "derived: a total the report implies but does not print", operands="2+", derived=True,
          judged=False, describe=lambda n, r: " + ".join(n))
def _implied_sum(x: Operands) -> dict:
    recomputed, tolerance, formula, working = _add(x)
    return {"recomputed": recomputed, "tolerance": tolerance, "lower": recomputed - tolerance,
            "upper": recomputed + tolerance, "status": "derived", "formula": formula, "working": working,
            "note": "the report implies this total but does not print it"}


@register("not_checkable", "a figure the report gives nothing to check against", operands=0, judged=False)
def _not_checkable(x: Operands) -> dict:
    return {"status": "not-checkable", "formula": "—", "working": f"{x.reported.printed}"}
