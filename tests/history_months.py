"""November and December 2021 for the history and month-by-month chart tests, made from the real
October text (synthetic.make_period), in the tests' temporary raw roots only.

Each month moves every as-of date a month on (in the text and in the transcription's as_of
column) and raises the cumulative figures of four campaigns: toilets, hollow houses, village
cleaning and employment. Rates are left as printed, which the history does not read.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import synthetic
from synthetic import Edit

# The as-of expressions of October's text, with the month as {month}.
AS_OF = ("截至{month}月底", "截至{month}月25日", "截至{month}月22日", "截至{month}月15日", "截至{month}月29日")

# What each later month prints, as edits of the month before it.
FIGURES = {
    "2021-11": [
        Edit("61107户", "62307户", {"toilets.completed": "62307"}),
        Edit("已实际拆除空心房9055户107.993万平方米", "已实际拆除空心房9310户110.512万平方米",
             {"hollow_houses.demolished_households": "9310", "hollow_houses.demolished_area": "110.512"}),
        Edit("19475口", "20110口", {"village_cleaning.ponds": "20110"}),
        Edit("39.0589万人", "39.4213万人", {"employment.employed": "39.4213"}),
    ],
    "2021-12": [
        Edit("62307户", "63102户", {"toilets.completed": "63102"}),
        Edit("已实际拆除空心房9310户110.512万平方米", "已实际拆除空心房9570户113.004万平方米",
             {"hollow_houses.demolished_households": "9570", "hollow_houses.demolished_area": "113.004"}),
        Edit("20110口", "20560口", {"village_cleaning.ponds": "20560"}),
        Edit("39.4213万人", "39.8100万人", {"employment.employed": "39.8100"}),
    ],
}


def make_month(raw_root: Path, period: str, base: str, extra=()) -> Path:
    """data/raw/<period>/ from data/raw/<base>/: the period, the as-of dates and the figures moved on."""
    before, after = int(base[5:]), int(period[5:])
    dates = {pattern.format(month=before): pattern.format(month=after) for pattern in AS_OF}
    edits = [(f"1-{before}月", f"1-{after}月"), *dates.items(), *FIGURES[period], *extra]
    folder = synthetic.make_period(raw_root, period, edits, base=base)
    path = folder / "figures.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        row["as_of"] = dates.get(row["as_of"], row["as_of"])
    synthetic._write_csv(path, rows)
    synthetic.reseal(folder, "figures.csv")
    return folder


def make_months(raw_root: Path, last: str = "2021-12") -> list[str]:
    """November (and December, if `last` is) after the real October; returns every period, oldest first."""
    periods = ["2021-10"]
    for period in ("2021-11", "2021-12"):
        if period > last:
            break
        make_month(raw_root, period, periods[-1])
        periods.append(period)
    return periods
