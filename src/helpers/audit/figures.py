"""A period's figures as the audit reads them back: one `Figure` per id, with its printed form.

figures.csv is read back as text by the notebooks; `figure_index` turns it into numbers once, so
that relations, progress, month-over-month comparisons and diagnoses all read it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ..text import numbers


@dataclass(frozen=True)
class Figure:
    figure_id: str
    value: float
    precision: float
    unit: str
    qualifier: str
    value_printed: str
    unit_printed: str
    quote: str = ""
    start: int = -1  # offset of the number in report.txt (-1: unknown)
    label: str = ""

    @property
    def printed(self) -> str:
        """Number and unit as printed, without the qualifier: 39.0589万人, 一轮."""
        return f"{self.value_printed}{self.unit_printed}"

    @property
    def expression(self) -> str:
        """The whole printed expression, qualifier in its place: 141.5万余吨, 一轮以上, 约5000户."""
        return printed_expression(self.value_printed, self.unit_printed, self.qualifier)

    @property
    def step(self) -> float:
        """The smallest change the printed form can show, in base units (1 for 760个, 1 for 39.0589万人)."""
        multiplier = numbers.BASE_UNITS.get(self.unit_printed, ("", 1))[1]
        return float(Decimal(multiplier) / Decimal(10) ** numbers.decimals_of(self.value_printed))

    def with_value(self, value: float) -> "Figure":
        """The same figure, in the same place of the text, as if its value were `value` (same unit and
        precision): what a diagnosis tries in place of the printed number."""
        return Figure(self.figure_id, value, self.precision, self.unit, self.qualifier,
                      self.value_printed, self.unit_printed, self.quote, self.start, self.label)


def printed_expression(value_printed: str, unit_printed: str, qualifier: str) -> str:
    """Where a qualifier goes in the bureau's Chinese: 141.5万余吨, 300余人, 约5000户, 56.4万平方米以上."""
    qualifier = qualifier or ""
    if qualifier in ("余", "多"):
        if unit_printed.startswith(("万", "亿")):
            return f"{value_printed}{unit_printed[0]}{qualifier}{unit_printed[1:]}"
        return f"{value_printed}{qualifier}{unit_printed}"
    if qualifier in ("约", "近"):
        return f"{qualifier}{value_printed}{unit_printed}"
    return f"{value_printed}{unit_printed}{qualifier}"


def printed_number(value: float, template: Figure) -> str:
    """A value in base units written the way `template` is printed: its 万/亿 scale and its decimals."""
    multiplier = numbers.BASE_UNITS.get(template.unit_printed, ("", 1))[1]
    decimals = numbers.decimals_of(template.value_printed)
    return f"{value / multiplier:.{decimals}f}"


def figure_index(figures: pd.DataFrame | None, renames: dict[str, str] | None = None) -> dict[str, Figure]:
    """Figures by id, with numeric values (figures.csv read back as text).

    `renames` (old id -> new id) files a previous period's figures under this period's ids.
    """
    if figures is None:
        return {}
    renames = renames or {}
    index = {}
    for row in figures.to_dict("records"):
        figure_id = renames.get(row["figure_id"], row["figure_id"])
        start = str(row.get("value_start", "")).strip()
        index[figure_id] = Figure(figure_id, float(row["value"]), float(row.get("precision", 0) or 0),
                                  row["unit"], str(row.get("qualifier", "") or ""),
                                  str(row.get("value_printed", row["value"])), str(row.get("unit_printed", "")),
                                  str(row.get("quote", "")), int(float(start)) if start else -1,
                                  str(row.get("label", "")))
    return index


def split_ids(cell) -> list[str]:
    """A cell of ids joined by | as a list (empty parts dropped)."""
    return [part.strip() for part in str(cell).split("|") if part.strip()]
