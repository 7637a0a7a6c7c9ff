"""Stage 2, history: every period's figures up to this one, in one long table (history.csv).

Earlier periods are cleaned afresh from their raw folders (about 20 ms each), as the previous
period already is for month over month, so periods can be built in parallel and in any order,
and a period's history never depends on what another run left in data/processed/. Periods
after this one are not read: adding December does not change November's history.

A figure renamed from one month to the next (data/reference/figure_renames.csv) carries its
newest id in every period, so it is one line across months; `source_figure_id` keeps the id it
has in that period's figures.csv, so every row traces back to its raw text. Each achieved figure
carries the target it is measured against that period (data/reference/targets.csv, the same
pairing as progress.csv), printed or implied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io.errors import InputError
from ..io.paths import earlier_raw_periods
from ..io.rawdata import open_period
from ..io.readers import read_utf8
from .progress import progress_table

HISTORY_COLUMNS = ["period", "figure_id", "source_figure_id", "campaign", "label", "kind", "value", "unit",
                   "qualifier", "decimals", "value_printed", "unit_printed", "as_of",
                   "target_id", "target_figure_id", "target", "target_source"]
# Columns taken from each period's figures as they are.
_FIGURE_COLUMNS = ["campaign", "label", "kind", "value", "unit", "qualifier", "decimals", "value_printed",
                   "unit_printed", "as_of"]


@dataclass(frozen=True)
class CleanedPeriod:
    """An earlier period's figures, cleaned afresh from its raw folder, and its report text."""

    period: str
    figures: pd.DataFrame
    report_text: str


def clean_earlier_periods(raw_root: Path, period: str) -> tuple[dict[str, CleanedPeriod], dict[str, InputError]]:
    """Every earlier period's figures, oldest first, and the periods whose raw folder fails validation
    (a missing file, a sidecar about another month, a checksum mismatch, a transcription that does
    not match its text), with why.

    The caller decides how to say that a period was skipped; nothing here is silent about it.
    """
    from .clean import clean_period

    cleaned: dict[str, CleanedPeriod] = {}
    failed: dict[str, InputError] = {}
    for earlier in earlier_raw_periods(raw_root, period):
        raw_dir = Path(raw_root) / earlier
        try:
            source, _ = open_period(raw_dir, earlier)  # the checks a run makes of its own period
            figures, _ = clean_period(raw_dir, source)
            cleaned[earlier] = CleanedPeriod(earlier, figures, read_utf8(raw_dir / "report.txt"))
        except InputError as exc:
            failed[earlier] = exc
    return cleaned, failed


def newest_id(figure_id: str, renames: dict[str, str]) -> str:
    """Follow figure_renames.csv to the id a figure carries now (a→b then b→c gives c)."""
    seen = {figure_id}
    while figure_id in renames and renames[figure_id] not in seen:
        figure_id = renames[figure_id]
        seen.add(figure_id)
    return figure_id


def history_table(figures_by_period: dict[str, pd.DataFrame], targets: list[dict], renames: dict[str, str],
                  renames_file: Path | str = "data/reference/figure_renames.csv") -> pd.DataFrame:
    """One row per figure per period, oldest period first, each period's rows in figures.csv order.

    `figures_by_period` maps each period to its figures (figures.csv, as text or as cleaned);
    `targets` are targets.csv's rows and `renames` figure_renames.csv's pairs (old id -> new id).
    """
    parts = []
    for period in sorted(figures_by_period):
        figures = figures_by_period[period]
        ids = [newest_id(figure_id, renames) for figure_id in figures["figure_id"]]
        _refuse_collisions(period, list(figures["figure_id"]), ids, renames, renames_file)
        renamed = figures.assign(figure_id=ids)
        part = pd.DataFrame({"period": period, "figure_id": ids, "source_figure_id": list(figures["figure_id"])})
        for column in _FIGURE_COLUMNS:
            part[column] = list(renamed[column])
        part = part.join(_targets_of(renamed, targets), on="figure_id")
        parts.append(part)
    history = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HISTORY_COLUMNS)
    history["value"] = pd.to_numeric(history["value"]).astype(float)
    history["decimals"] = pd.to_numeric(history["decimals"]).astype(int)
    history["target"] = pd.to_numeric(history["target"]).astype(float)
    for column in HISTORY_COLUMNS:
        if column not in ("value", "decimals", "target"):
            history[column] = history[column].fillna("").astype(str)
    return history[HISTORY_COLUMNS]


def _targets_of(figures: pd.DataFrame, targets: list[dict]) -> pd.DataFrame:
    """For each achieved figure of one period: the target it is measured against, as progress.csv has it.

    An achieved figure paired with two targets keeps the first, in targets.csv's order.
    """
    progress = progress_table(figures, targets).set_index("target_id")
    rows = {}
    for spec in targets:
        achieved = spec["achieved"]
        if not achieved or achieved in rows or spec["target_id"] not in progress.index:
            continue
        row = progress.loc[spec["target_id"]]
        rows[achieved] = {"target_id": spec["target_id"],
                          "target_figure_id": spec["target"] if row["target_source"] == "reported" else "",
                          "target": row["target"], "target_source": row["target_source"]}
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["target_id", "target_figure_id", "target", "target_source"])


def _refuse_collisions(period: str, old_ids: list[str], new_ids: list[str], renames: dict[str, str],
                       renames_file) -> None:
    """Two figures of one period may not become one line: that rename would merge different figures."""
    seen: dict[str, str] = {}
    for old, new in zip(old_ids, new_ids):
        if new in seen and seen[new] != old:
            merged = sorted({old, seen[new]})
            raise InputError(renames_file, f"renaming would merge {merged[0]} and {merged[1]}, which both appear "
                             f"in {period}'s figures, into {new}", field="new_figure_id",
                             expected="a rename only between ids that never appear in the same period",
                             fix=f"Remove the pair that leads to {new}, or give one of the figures its own id")
        seen[new] = old
