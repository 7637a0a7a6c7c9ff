"""Small figures tables for the audit's unit tests, shaped like data/processed/<period>/figures.csv
as the progress notebook reads it back (every cell text).

Values and precisions come from `helpers.text.numbers.normalise`, so '95.55%' carries ±0.005 and
'80%' ±0.5 exactly as in the pipeline.

    row = check(relation("rate", "toilets.completed_rate", ("toilets.completed", "toilets.target")),
                figure("toilets.completed", "61107", "户"), figure("toilets.target", "63950", "户"),
                figure("toilets.completed_rate", "95.55", "%", kind="rate"))
"""

from __future__ import annotations

import pandas as pd

from ..audit import relations
from ..text import numbers

_plain = numbers.plain_decimal


def figure(figure_id: str, printed: str, unit_printed: str, qualifier: str = "", kind: str = "stock",
           as_of: str = "2021-10-31", label: str | None = None, note: str = "") -> dict:
    """One row of a processed figures table, as text."""
    value, unit, half = numbers.normalise(printed, unit_printed)
    campaign, metric = figure_id.split(".")
    return {"figure_id": figure_id, "section": "一", "campaign": campaign, "metric": metric,
            "label": label if label is not None else metric, "kind": kind, "value": _plain(value), "unit": unit,
            "qualifier": qualifier, "qualifier_meaning": numbers.QUALIFIERS[qualifier], "precision": _plain(half),
            "decimals": str(numbers.decimals_of(printed)), "value_printed": printed, "unit_printed": unit_printed,
            "as_of": as_of, "as_of_printed": "", "quote": f"{label or metric}{printed}{unit_printed}{qualifier}。",
            "quote_start": "0", "quote_end": "0", "value_start": "0", "note": note}


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows)).astype(str)


def relation(kind: str, reported: str = "", operands: tuple = (), relation_id: str = "r.test",
             description: str = "test relation") -> dict:
    return {"relation_id": relation_id, "kind": kind, "reported": reported, "operands": "|".join(operands),
            "description": description}


def check(rel: dict, *rows: dict, text: str = "", previous: tuple = ()) -> pd.Series:
    result = relations.run_checks(table(*rows), [rel], text, table(*previous) if previous else None)
    if list(result.columns) != relations.CHECK_COLUMNS or len(result) != 1:
        raise AssertionError(f"expected one check row with CHECK_COLUMNS, got {len(result)} row(s): {list(result.columns)}")
    return result.iloc[0]
