"""Stage 2, progress: each target in data/reference/targets.csv against what the period achieved."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..io.reference import named, read_reference
from .figures import figure_index

TARGET_COLUMNS = ["target_id", "campaign", "target", "achieved", "reported_rate", "note"]
PROGRESS_COLUMNS = ["target_id", "campaign", "label", "unit", "target", "target_source", "target_qualifier",
                    "achieved", "achieved_source", "as_of", "computed_rate", "reported_rate", "rate_difference",
                    "rate_bound", "gap", "position", "figure_ids", "note"]

# Which way a qualifier moves the true value from the printed one: 56.4万以上 is at least 56.4万.
# Codes progress.csv writes; each edition names them from data/reference/glossary.csv.
POSITIONS = ("ahead", "behind", "met")  # position: against the target
RATE_BOUNDS = ("at_most", "at_least", "approximate")  # rate_bound: which way a computed rate is bounded
MISSING_QUANTITIES = ("target", "achieved")  # what an implied row lacks (target_source / achieved_source)
_DIRECTION = {"以上": +1, "余": +1, "多": +1, "近": -1}


def load_targets(reference_dir: Path, period: str | None = None) -> list[dict]:
    """targets.csv's rows that apply to `period` (since/until), or each target's latest row, each with
    its Chinese label (`label_zh`) from glossary.csv's target rows that apply to the same period."""
    return named(read_reference(Path(reference_dir) / "targets.csv", TARGET_COLUMNS, period), period)


def rate_bound(target_qualifier: str, achieved_qualifier: str) -> str:
    """What the computed completion rate is when target or achievement is a bound.

    A target of 56.4万以上 is at least 56.4万, so achieved ÷ target is *at most* the computed rate
    ("at_most"); an achievement of 141.5万余 makes it at least ("at_least"); 约, or bounds pulling
    both ways, make it "approximate"; exact figures give "".
    """
    if "约" in (target_qualifier, achieved_qualifier):
        return "approximate"
    pulls = {-_DIRECTION.get(target_qualifier, 0), _DIRECTION.get(achieved_qualifier, 0)} - {0}
    if len(pulls) > 1:
        return "approximate"
    return {(): "", (1,): "at_least", (-1,): "at_most"}[tuple(pulls)]


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
            "rate_bound": rate_bound(target.qualifier if target else "", achieved.qualifier if achieved else ""),
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
