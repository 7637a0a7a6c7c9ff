"""Every word a month-by-month chart draws or writes, in one language (charts.month_chart draws them).

`month_words` makes an edition's set: templates from its catalogue (chart.months.*), campaign and
figure names as the edition names them, numbers and dates from its printing module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import pandas as pd

# The words a month-by-month chart needs, by key; `MonthWords.text` must hold every one.
# Templates are filled with str.format: {campaign}, {figure}, {targets}, {value}, {date}, ….
MONTH_TEXT_KEYS = {
    "title": "the chart's title: {campaign}",
    "date_axis": "the label of the date axis",
    "legend_achieved": "the legend's entry for the figures' line",
    "legend_target": "the legend's entry for a printed target",
    "legend_implied_target": "the legend's entry for an implied target",
    "target": "a printed target in a panel's title: {value}",
    "implied_target": "an implied target in a panel's title: {value}",
    "target_change": "a target that changed, in a panel's title: {first}, {last} (the first and the latest value)",
    "panel_with_targets": "a panel's title when its figure has targets: {figure}, {targets} (may hold a line break)",
    "alt": "the alt text: {campaign}, {figures} (each figure's alt_figure, joined by figure_list)",
    "alt_figure": "one figure in the alt text: {figure}, {points}",
    "alt_figure_with_targets": "one figure with targets in the alt text: {figure}, {targets} (every one), {points}",
    "alt_point": "one point in the alt text: {date}, {value}",
    "list": "the separator of points and of targets (、 or , )",
    "figure_list": "the separator of figures in the alt text (; or ; )",
    "caption": "the caption under the chart",
}

@dataclass(frozen=True)
class MonthWords:
    """Every word a month-by-month chart draws or writes, in one language.

    `text` holds the templates of MONTH_TEXT_KEYS; `campaigns` and `figures` name campaign and
    figure ids; `value` prints a row of history.csv as the edition prints figures, `value_like`
    a computed number (an implied target) in the style of such a row; `date` and `short_date`
    print an ISO date (the short form for the axis, when all dates share a year). A missing
    template or name is an error, never a fallback to another language.
    """

    language: str
    text: Mapping[str, str]
    campaigns: Mapping[str, str]
    figures: Mapping[str, str]
    value: Callable[[Mapping], str]
    value_like: Callable[[float, Mapping], str]
    date: Callable[[str], str]
    short_date: Callable[[str], str]

    def __post_init__(self):
        missing = [key for key in MONTH_TEXT_KEYS if key not in self.text]
        if missing:
            raise ValueError(f"the {self.language} words for the month-by-month charts lack {', '.join(missing)}")

    def campaign(self, campaign: str) -> str:
        return self._name(self.campaigns, "campaign", campaign)

    def figure(self, figure_id: str) -> str:
        return self._name(self.figures, "figure", figure_id)

    def _name(self, names: Mapping[str, str], kind: str, key: str) -> str:
        if key not in names:
            raise ValueError(f"the {self.language} words for the month-by-month charts have no name for {kind} {key!r}")
        return names[key]


def month_words(edition, campaigns: pd.DataFrame, history: pd.DataFrame) -> MonthWords:
    """An edition's words for the month-by-month charts: templates from its catalogue (chart.months.*),
    campaign and figure names as the edition names them (the Chinese edition: the glossary's Chinese
    campaign names and each figure's label as last transcribed; others: the glossary), numbers and
    dates from its printing module."""
    latest = history.sort_values("period", kind="stable").drop_duplicates("figure_id", keep="last")
    return MonthWords(language=edition.language,
                      text={key: edition.t.text(f"chart.months.{key}") for key in MONTH_TEXT_KEYS},
                      campaigns={c: edition.campaign_name(campaigns, c) for c in campaigns["campaign"]},
                      figures={row.figure_id: edition.data_name("figure", row.figure_id, row.label)
                               for row in latest.itertuples()},
                      value=edition.printer.format_figure, value_like=edition.printer.like,
                      date=edition.printer.format_date, short_date=edition.printer.format_short_date)
