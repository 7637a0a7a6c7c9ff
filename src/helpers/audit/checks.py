"""Stage 2, campaign progress: recompute what the report states and give every check a verdict.

The checks are not written per figure. They come from `data/reference/relations.csv`, a
reviewed table that says how figures relate (a rate to its numerator and denominator, a total
to its parts, ...). A new month whose figures keep their ids gets the same checks; a check whose
figures are absent is reported as not checkable instead of failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io.errors import InputError
from ..io.rawdata import load_reference_table

RELATION_COLUMNS = ["relation_id", "kind", "reported", "operands", "items", "description"]
TARGET_COLUMNS = ["target_id", "campaign", "label_zh", "target", "achieved", "reported_rate", "note"]
RENAME_COLUMNS = ["old_figure_id", "new_figure_id", "since_period", "note"]
CHECK_COLUMNS = ["check_id", "kind", "description", "formula", "working", "reported", "recomputed", "difference",
                 "tolerance", "lower", "upper", "unit", "status", "figure_ids", "note"]
PROGRESS_COLUMNS = ["target_id", "campaign", "label", "unit", "target", "target_source", "target_qualifier",
                    "achieved", "achieved_source", "as_of", "computed_rate", "reported_rate", "rate_difference",
                    "gap", "position", "figure_ids", "note"]
CHANGE_COLUMNS = ["figure_id", "campaign", "label", "unit", "kind", "previous_period", "previous_value",
                  "current_value", "change", "flag"]

# What each kind of relation means, and the verdicts it can give.
KINDS = {
    "rate": "a stated rate against its numerator and denominator (× 100)",
    "sum": "a stated total against the sum of its parts",
    "difference": "a stated remainder against the first operand minus the others",
    "count_listed": "a stated count against the items the report actually lists",
    "excess": "a stated 'exceeded by X%' against the completion rate minus 100",
    "restatement": "a figure stated twice must agree with itself",
    "part_of": "a part ('其中') must not exceed its whole",
    "implied_ratio": "derived: a quantity the report implies, first operand ÷ (second / 100)",
    "implied_product": "derived: a quantity the report implies, first operand × (second / 100)",
    "implied_sum": "derived: a total the report implies but does not print",
    "not_checkable": "a figure the report gives nothing to check against",
}
STATUSES = ("pass", "mismatch", "derived", "not-checkable")
# How many operands each kind takes ("2+" = two or more).
OPERANDS = {"rate": 2, "sum": "2+", "difference": "2+", "count_listed": 0, "excess": 1, "restatement": 1,
            "part_of": 1, "implied_ratio": 2, "implied_product": 2, "implied_sum": "2+", "not_checkable": 0}
# Floating-point slack on top of the printed precision (values are exact decimals in the text).
EPSILON = 1e-9


@dataclass(frozen=True)
class Figure:
    figure_id: str
    value: float
    precision: float
    unit: str
    qualifier: str
    printed: str
    quote: str = ""


def load_relations(reference_dir: Path) -> list[dict]:
    """The reviewed table of relations between figures, validated."""
    path = Path(reference_dir) / "relations.csv"
    rows = load_reference_table(path, RELATION_COLUMNS)
    for line, row in enumerate(rows, start=2):
        kind = row["kind"]
        if kind not in KINDS:
            raise InputError(path, f"unknown relation kind {kind!r}", row=line, field="kind",
                             expected="one of " + ", ".join(KINDS))
        operands = _split(row["operands"])
        wanted = OPERANDS[kind]
        if (isinstance(wanted, int) and len(operands) != wanted) or (wanted == "2+" and len(operands) < 2):
            raise InputError(path, f"a {kind} relation has {len(operands)} operand(s)", row=line, field="operands",
                             expected=f"{wanted} figure id(s) separated by |")
        needs_reported = kind not in ("implied_ratio", "implied_product", "implied_sum")
        if needs_reported != bool(row["reported"].strip()):
            raise InputError(path, f"a {kind} relation {'needs' if needs_reported else 'takes no'} reported figure",
                             row=line, field="reported",
                             expected="the id of the figure the report states" if needs_reported else "an empty cell")
        if kind == "count_listed" and not _split(row["items"]):
            raise InputError(path, "a count_listed relation lists no items", row=line, field="items",
                             expected="the listed items separated by |")
    return rows


def load_targets(reference_dir: Path) -> list[dict]:
    return load_reference_table(Path(reference_dir) / "targets.csv", TARGET_COLUMNS)


def figure_index(figures: pd.DataFrame) -> dict[str, Figure]:
    """Figures by id, with numeric values (figures.csv read back as text)."""
    index = {}
    for row in figures.itertuples():
        index[row.figure_id] = Figure(row.figure_id, float(row.value), float(row.precision), row.unit,
                                      row.qualifier, f"{row.value_printed}{row.unit_printed}",
                                      getattr(row, "quote", ""))
    return index


def _split(cell: str) -> list[str]:
    return [part.strip() for part in str(cell).split("|") if part.strip()]


def _fmt(value: float) -> str:
    """A number for a formula's working: whole numbers without decimals, others to 4 places."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _verdict(difference: float, tolerance: float) -> str:
    return "pass" if abs(difference) <= tolerance + EPSILON else "mismatch"


def evaluate(relation: dict, figures: dict[str, Figure], report_text: str) -> dict:
    """One relation -> one check row."""
    kind = relation["kind"]
    reported_id = relation["reported"].strip()
    operand_ids = _split(relation["operands"])
    items = _split(relation["items"])
    needed = ([reported_id] if reported_id else []) + operand_ids
    row = {column: None for column in CHECK_COLUMNS}
    row.update(check_id=relation["relation_id"], kind=kind, description=relation["description"],
               figure_ids="|".join(needed), note="")
    missing = [figure_id for figure_id in needed if figure_id not in figures]
    if missing:
        row.update(status="not-checkable", formula=KINDS[kind],
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
    elif kind == "count_listed":
        # Look from the reported figure's sentence onward: the items follow the count (8个县 after
        # the names, 七大专项行动 before 一是…七是), and an item named elsewhere must not count.
        scope = report_text[max(0, report_text.find(reported.quote)):] if reported.quote else report_text
        found = [item for item in items if item in scope]
        absent = [item for item in items if item not in scope]
        recomputed = float(len(found))
        tolerance = 0.0
        formula = "count of the listed items found in the text from the figure's sentence on"
        working = f"{len(found)} items: " + "、".join(found)
        if absent:
            row["note"] = "listed in relations.csv but not found in the text: " + "、".join(absent)
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
        amount, rate = operands
        if kind == "implied_ratio":
            central = amount.value / (rate.value / 100)
            bounds = [(amount.value + a) / ((rate.value + r) / 100)
                      for a in (-amount.precision, amount.precision) for r in (-rate.precision, rate.precision)]
            formula = f"{amount.figure_id} ÷ ({rate.figure_id} / 100)"
            working = f"{_fmt(amount.value)} ÷ {_fmt(rate.value / 100)} = {_fmt(round(central, 2))}"
        else:
            central = amount.value * rate.value / 100
            bounds = [(amount.value + a) * (rate.value + r) / 100
                      for a in (-amount.precision, amount.precision) for r in (-rate.precision, rate.precision)]
            formula = f"{amount.figure_id} × {rate.figure_id} / 100"
            working = f"{_fmt(amount.value)} × {_fmt(rate.value / 100)} = {_fmt(round(central, 2))}"
        lower, upper = min(bounds), max(bounds)
        row.update(recomputed=round(central, 6), lower=round(lower, 6), upper=round(upper, 6),
                   tolerance=round((upper - lower) / 2, 6), status="derived", formula=formula,
                   working=working + f" (rounding in the printed figures allows {_fmt(round(lower, 2))} "
                                     f"to {_fmt(round(upper, 2))})",
                   note="the report implies this quantity but does not print it")
        if qualified:
            row["note"] += "; qualified figures: " + ", ".join(qualified)
        return row
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


def run_checks(figures: pd.DataFrame, relations: list[dict], report_text: str) -> pd.DataFrame:
    """Every relation evaluated against this period's figures."""
    index = figure_index(figures)
    rows = [evaluate(relation, index, report_text) for relation in relations]
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def progress_table(figures: pd.DataFrame, targets: list[dict]) -> pd.DataFrame:
    """One row per target: target, achieved, completion rate (computed and reported) and gap."""
    index = figure_index(figures)
    as_of = dict(zip(figures["figure_id"], figures["as_of"]))
    rows = []
    for spec in targets:
        target = index.get(spec["target"]) if spec["target"] else None
        achieved = index.get(spec["achieved"]) if spec["achieved"] else None
        rate = index.get(spec["reported_rate"]) if spec["reported_rate"] else None
        declared = [spec[key] for key in ("target", "achieved", "reported_rate") if spec[key]]
        absent = [figure_id for figure_id in declared if figure_id not in index]
        if absent:
            # A declared figure is missing this period (dropped or renamed): never stand in a number
            # worked back from the rate. The notebook lists what was skipped (skipped_targets).
            continue
        target_value = target.value if target else None
        achieved_value = achieved.value if achieved else None
        target_source = "reported" if target else None
        achieved_source = "reported" if achieved else None
        if target is None and achieved and rate and rate.value:
            target_value, target_source = achieved.value / (rate.value / 100), "implied"
        if achieved is None and target and rate:
            achieved_value, achieved_source = target.value * rate.value / 100, "implied"
        if target_value is None or achieved_value is None:
            continue
        computed = achieved_value / target_value * 100 if target_value else None
        unit = (achieved or target).unit
        gap = target_value - achieved_value
        position = "met" if abs(gap) < 0.5 else ("ahead" if gap < 0 else "behind")
        when = as_of.get(spec["achieved"]) or as_of.get(spec["reported_rate"]) or as_of.get(spec["target"])
        rows.append({
            "target_id": spec["target_id"], "campaign": spec["campaign"], "label": spec["label_zh"], "unit": unit,
            "target": round(target_value, 2), "target_source": target_source,
            "target_qualifier": target.qualifier if target else "",
            "achieved": round(achieved_value, 2), "achieved_source": achieved_source, "as_of": when,
            "computed_rate": round(computed, 4) if computed is not None else None,
            "reported_rate": rate.value if rate else None,
            # An implied target or achievement comes from the rate itself, so comparing would be circular.
            "rate_difference": (round(rate.value - computed, 4)
                                if rate and computed is not None and "implied" not in (target_source, achieved_source)
                                else None),
            "gap": round(gap, 2), "position": position,
            "figure_ids": "|".join(figure_id for figure_id in declared if figure_id in index),
            "note": spec["note"],
        })
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def skipped_targets(figures: pd.DataFrame, targets: list[dict]) -> pd.DataFrame:
    """Targets in targets.csv that this period's figures cannot fill, and the ids they lack."""
    present = set(figures["figure_id"])
    rows = []
    for spec in targets:
        declared = [spec[key] for key in ("target", "achieved", "reported_rate") if spec[key]]
        absent = [figure_id for figure_id in declared if figure_id not in present]
        if absent:
            rows.append({"target_id": spec["target_id"], "campaign": spec["campaign"], "missing": "|".join(absent)})
    return pd.DataFrame(rows, columns=["target_id", "campaign", "missing"])


def load_renames(reference_dir: Path) -> dict[str, str]:
    """Figure ids renamed from one month to the next (old id -> new id), from figure_renames.csv."""
    path = Path(reference_dir) / "figure_renames.csv"
    if not path.is_file():
        return {}
    rows = load_reference_table(path, RENAME_COLUMNS, allow_empty=True)
    renames: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        if row["old_figure_id"] in renames or row["new_figure_id"] in renames.values():
            raise InputError(path, "a figure id is renamed twice", row=line, field="old_figure_id",
                             expected="each old id and each new id once")
        renames[row["old_figure_id"]] = row["new_figure_id"]
    return renames


def compare_periods(current: pd.DataFrame, previous: pd.DataFrame | None, previous_period: str | None,
                    renames: dict[str, str] | None = None) -> pd.DataFrame:
    """Month over month: each figure's change, with changes that should be impossible flagged.

    `renames` maps last period's ids to this period's (data/reference/figure_renames.csv), so a
    renamed figure is compared with its old self instead of showing as dropped and new.
    """
    if previous is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    renames = renames or {}
    now = current.set_index("figure_id")
    previous = previous.copy()
    clash = set(renames.values()) & set(previous["figure_id"]) - set(renames)
    if clash:
        raise InputError("data/reference/figure_renames.csv", f"renamed onto an id the previous period already "
                         f"uses: {', '.join(sorted(clash))}", field="new_figure_id",
                         expected="a new id that the previous period does not have")
    old_ids = dict(zip(previous["figure_id"].map(lambda i: renames.get(i, i)), previous["figure_id"]))
    previous["figure_id"] = previous["figure_id"].map(lambda i: renames.get(i, i))
    before = previous.set_index("figure_id")
    rows = []
    for figure_id in list(now.index) + [f for f in before.index if f not in now.index]:
        in_now, in_before = figure_id in now.index, figure_id in before.index
        source = now.loc[figure_id] if in_now else before.loc[figure_id]
        current_value = float(now.at[figure_id, "value"]) if in_now else None
        previous_value = float(before.at[figure_id, "value"]) if in_before else None
        change = current_value - previous_value if in_now and in_before else None
        kind = source["kind"]
        flags = []
        if not in_before:
            flags.append("new this period")
        elif not in_now:
            flags.append("dropped this period")
        else:
            if old_ids.get(figure_id, figure_id) != figure_id:
                flags.append(f"renamed from {old_ids[figure_id]}")
            if now.at[figure_id, "unit"] != before.at[figure_id, "unit"]:
                flags.append("unit changed")
            elif kind == "cumulative" and change < 0:
                flags.append("impossible: a cumulative figure fell")
            elif kind == "target" and change != 0 and not str(source.get("note", "")).strip():
                flags.append("target changed without a note")
            if str(now.at[figure_id, "as_of"]) < str(before.at[figure_id, "as_of"]):
                flags.append("as-of date earlier than last period")
        rows.append({"figure_id": figure_id, "campaign": source["campaign"], "label": source["label"],
                     "unit": source["unit"], "kind": kind, "previous_period": previous_period,
                     "previous_value": previous_value, "current_value": current_value,
                     "change": change, "flag": "; ".join(flags)})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def mismatches(checks: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Every mismatch with the two numbers side by side and the quotes they come from."""
    quotes = dict(zip(figures["figure_id"], figures["quote"]))
    rows = []
    for check in checks[checks["status"] == "mismatch"].itertuples():
        ids = _split(check.figure_ids)
        rows.append({"check_id": check.check_id, "description": check.description,
                     "reported": check.reported, "recomputed": check.recomputed, "difference": check.difference,
                     "tolerance": check.tolerance, "working": check.working,
                     "quotes": " / ".join(dict.fromkeys(quotes[i] for i in ids if i in quotes))})
    return pd.DataFrame(rows, columns=["check_id", "description", "reported", "recomputed", "difference",
                                       "tolerance", "working", "quotes"])
