"""Stage 2, month over month: each figure and each derived quantity against the previous period.

Flags travel as codes (FLAGS); the narrative turns them into words. A row may carry several,
joined by | in changes.csv.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..io.errors import InputError
from ..io.reference import read_reference
from .figures import figure_index
from .kinds import EPSILON, KINDS

RENAME_COLUMNS = ["old_figure_id", "new_figure_id", "since", "note"]
CHANGE_COLUMNS = ["figure_id", "campaign", "label", "unit", "kind", "previous_period", "previous_printed",
                  "current_printed", "previous_value", "current_value", "change", "previous_lower", "previous_upper",
                  "current_lower", "current_upper", "as_of", "as_of_gap_days", "flag"]
FLAGS = {
    "new": "the figure is new this period",
    "dropped": "the figure was reported last period but not this period",
    "renamed": "compared with its old id (data/reference/figure_renames.csv)",
    "unit_changed": "the base unit differs from last period's",
    "returned": "absent last period, printed again: compared with the last period that printed it",
    "cumulative_fell": "impossible: a cumulative figure fell",
    "companion_rose": "beside cumulative_fell: a companion printed in the same sentence (its area, say) rose",
    "target_changed": "a printed target changed, and the transcription has no note saying why",
    "implied_target_changed": "a target the report implies (worked back from a rate) lies outside the range "
                              "implied last period: it changed, and the report does not say so",
    "as_of_earlier": "the as-of date is earlier than last period's",
    "stale_as_of": "the as-of date is more than STALE_AFTER_DAYS days before the period's end",
}
# "Well before the period's end": more than a month (a figure from an earlier month's report).
STALE_AFTER_DAYS = 30


def load_renames(reference_dir: Path, period: str | None = None) -> dict[str, str]:
    """Figure ids renamed from one month to the next (old id -> new id), from figure_renames.csv.

    A rename applies from its `since` period on: a period before it keeps the old id (its history,
    its month over month), so recording a rename for December changes nothing of October's. Without
    a period, every rename."""
    path = Path(reference_dir) / "figure_renames.csv"
    if not path.is_file():
        return {}
    table = read_reference(path, RENAME_COLUMNS, period, allow_empty=True, key=() if period is None else None)
    renames: dict[str, str] = {}
    for line, row in zip(table.lines, table.rows):
        if row["old_figure_id"] in renames or row["new_figure_id"] in renames.values():
            raise InputError(path, "a figure id is renamed twice", row=line, field="old_figure_id",
                             expected="each old id and each new id once")
        renames[row["old_figure_id"]] = row["new_figure_id"]
    return renames


def exact_difference(now: float, before: float) -> float:
    """now − before in decimal arithmetic: the figures are decimals as printed (104.19 − 104.03 is 0.16,
    not 0.159999999999997, which binary floats give), so the change keeps their precision."""
    from decimal import Decimal

    return float(Decimal(repr(float(now))) - Decimal(repr(float(before))))


def _gap_days(as_of, period_end) -> int | None:
    if period_end is None or not str(as_of).strip():
        return None
    return (dt.date.fromisoformat(str(period_end)[:10]) - dt.date.fromisoformat(str(as_of)[:10])).days


def compare_periods(current: pd.DataFrame, previous: pd.DataFrame | None, previous_period: str | None,
                    renames: dict[str, str] | None = None, *, period_end=None, checks: pd.DataFrame | None = None,
                    previous_checks: pd.DataFrame | None = None,
                    earlier: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Month over month: each figure's change, with changes that should be impossible flagged.

    Every figure of this period has a row (its as-of date against `period_end` is flagged when
    stale, with or without a previous period); figures dropped since last period follow. With
    `checks` and `previous_checks` (checks.csv of both periods), derived quantities are compared
    too: an implied target whose range does not overlap last period's is flagged.

    `renames` maps last period's ids to this period's (data/reference/figure_renames.csv), so a
    renamed figure is compared with its old self instead of showing as dropped and new. With
    `earlier` (every earlier period's figures, by period), a figure absent last period but printed
    before is compared with the last period that printed it (`returned`, and its previous_period).
    """
    renames = renames or {}
    now = current.set_index("figure_id", drop=False)
    now_figures = figure_index(current)
    if previous is not None:
        clash = set(renames.values()) & set(previous["figure_id"]) - set(renames)
        if clash:
            raise InputError("data/reference/figure_renames.csv", f"renamed onto an id the previous period "
                             f"already uses: {', '.join(sorted(clash))}", field="new_figure_id",
                             expected="a new id that the previous period does not have")
        old_ids = {renames.get(i, i): i for i in previous["figure_id"]}
        before = previous.assign(figure_id=previous["figure_id"].map(lambda i: renames.get(i, i)))
        before = before.set_index("figure_id", drop=False)
        before_figures = figure_index(previous, renames)
    else:
        old_ids, before, before_figures = {}, pd.DataFrame(columns=["figure_id"]).set_index("figure_id"), {}
    returned = _returned(now.index, before.index, previous_period, earlier, renames)
    fell_beside = {fell for fell, _, _ in _companions(current, previous, renames)} if previous is not None else set()
    rows = []
    for figure_id in list(now.index) + [f for f in before.index if f not in now.index]:
        in_now, in_before = figure_id in now.index, figure_id in before.index
        source = now.loc[figure_id] if in_now else before.loc[figure_id]
        current_value = float(now.at[figure_id, "value"]) if in_now else None
        previous_value = float(before.at[figure_id, "value"]) if in_before else None
        change = exact_difference(current_value, previous_value) if in_now and in_before else None
        kind = source["kind"]
        gap = _gap_days(now.at[figure_id, "as_of"], period_end) if in_now else None
        flags = []
        if figure_id in returned:
            flags.append("returned")
            previous_value = returned[figure_id][1].value
            change = exact_difference(current_value, previous_value)
        elif previous is not None and not in_before:
            flags.append("new")
        elif not in_now:
            flags.append("dropped")
        elif previous is not None:
            if old_ids.get(figure_id, figure_id) != figure_id:
                flags.append("renamed")
            if now.at[figure_id, "unit"] != before.at[figure_id, "unit"]:
                flags.append("unit_changed")
            elif kind == "cumulative" and change < 0:
                flags.append("cumulative_fell")
                if figure_id in fell_beside:
                    flags.append("companion_rose")
            elif kind == "target" and change != 0 and not str(source.get("note", "")).strip():
                flags.append("target_changed")
            if str(now.at[figure_id, "as_of"]) < str(before.at[figure_id, "as_of"]):
                flags.append("as_of_earlier")
        if gap is not None and gap > STALE_AFTER_DAYS:
            flags.append("stale_as_of")
        rows.append({"figure_id": figure_id, "campaign": source["campaign"], "label": source["label"],
                     "unit": source["unit"], "kind": kind,
                     "previous_period": returned[figure_id][0] if figure_id in returned else previous_period,
                     "previous_printed": before_figures[figure_id].expression if in_before else
                     returned[figure_id][1].expression if figure_id in returned else "",
                     "current_printed": now_figures[figure_id].expression if in_now else "",
                     "previous_value": previous_value, "current_value": current_value, "change": change,
                     "as_of": now.at[figure_id, "as_of"] if in_now else "", "as_of_gap_days": gap,
                     "flag": "|".join(flags)})
    rows += derived_changes(checks, previous_checks, previous_period, current)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _returned(now_ids, before_ids, previous_period: str | None, earlier: dict | None,
              renames: dict[str, str]) -> dict[str, tuple[str, object]]:
    """Figures absent last period and printed in an earlier one: id -> (that period, its Figure there)."""
    found = {}
    for period in sorted(earlier or {}, reverse=True):
        if previous_period is None or period >= previous_period:
            continue
        figures = figure_index(earlier[period], renames)
        for figure_id in now_ids:
            if figure_id not in before_ids and figure_id not in found and figure_id in figures:
                found[figure_id] = (period, figures[figure_id])
    return found


def _companions(current: pd.DataFrame, previous: pd.DataFrame, renames: dict[str, str]):
    renamed = previous.assign(figure_id=previous["figure_id"].map(lambda figure_id: renames.get(figure_id, figure_id)))
    return companions_apart(current, renamed)


def companions_apart(figures: pd.DataFrame, previous: pd.DataFrame) -> list[tuple[str, str, dict]]:
    """(fallen cumulative figure, companion in its sentence that rose, last period's figures by id)."""
    if "quote" not in figures.columns:
        return []
    now, before = figure_index(figures), figure_index(previous)
    kinds = dict(zip(figures["figure_id"], figures["kind"]))
    quotes = dict(zip(figures["figure_id"], figures["quote"]))
    found = []
    for figure_id, figure in now.items():
        if kinds.get(figure_id) != "cumulative" or figure_id not in before or before[figure_id].unit != figure.unit:
            continue
        if figure.value >= before[figure_id].value:
            continue
        for other_id, other in now.items():
            if (other_id != figure_id and quotes.get(other_id) == quotes[figure_id] and other.unit != figure.unit
                    and kinds.get(other_id) == "cumulative" and other_id in before
                    and before[other_id].unit == other.unit and other.value > before[other_id].value):
                found.append((figure_id, other_id, before))
                break
    return found


def derived_changes(checks: pd.DataFrame | None, previous_checks: pd.DataFrame | None, previous_period: str | None,
                    current: pd.DataFrame) -> list[dict]:
    """One row per derived quantity (checks with status derived), this period against the previous."""
    if checks is None:
        return []
    campaigns = dict(zip(current["figure_id"], current["campaign"]))

    def derived(table):
        if table is None or table.empty:
            return {}
        return {row["check_id"]: row for row in table.to_dict("records") if row["status"] == "derived"}

    now, before = derived(checks), derived(previous_checks)
    rows = []
    for check_id in list(now) + [c for c in before if c not in now]:
        this, last = now.get(check_id), before.get(check_id)
        source = this or last
        flags = []
        if previous_checks is not None and last is None:
            flags.append("new")
        elif this is None:
            flags.append("dropped")
        elif last is not None and source["kind"] in KINDS and KINDS[source["kind"]].implies_target:
            lower, upper = float(this["lower"]), float(this["upper"])
            if upper < float(last["lower"]) - EPSILON or lower > float(last["upper"]) + EPSILON:
                flags.append("implied_target_changed")
        first_id = str(source["figure_ids"]).split("|")[0]
        value = lambda row: float(row["recomputed"]) if row is not None else None  # noqa: E731
        rows.append({"figure_id": check_id, "campaign": campaigns.get(first_id, first_id.split(".")[0]),
                     "label": source["description"], "unit": source["unit"], "kind": "derived",
                     "previous_period": previous_period,
                     "previous_printed": "", "current_printed": "",
                     "previous_value": value(last), "current_value": value(this),
                     "change": exact_difference(value(this), value(last)) if this is not None and last is not None else None,
                     "previous_lower": float(last["lower"]) if last is not None else None,
                     "previous_upper": float(last["upper"]) if last is not None else None,
                     "current_lower": float(this["lower"]) if this is not None else None,
                     "current_upper": float(this["upper"]) if this is not None else None,
                     "as_of": "", "as_of_gap_days": None, "flag": "|".join(flags)})
    return rows
