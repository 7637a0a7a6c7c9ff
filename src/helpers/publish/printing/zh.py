"""Numbers, units and dates in Chinese, as the source prints them: the narrative's one formatter.

A printed figure keeps the bureau's own form (39.0589万人, 141.5万余吨, 56.4万平方米以上), with
thousands separators added (16,869户). A number the pipeline computed is written in the style of
the figure it comes from: 万/亿 if that figure uses them, its measure word, its precision. A value
that is missing is "—", with no unit.
"""

from __future__ import annotations

import datetime as dt
import math

from ...audit.figures import printed_expression
from ...io.rawdata import UNKNOWN
from .common import MISSING, bound_words as _bound_words, group_digits, num, plain_number

# The same public names in every language module (tests/publish/test_printing.py holds them to it).
__all__ = ["MISSING", "BOUND_WORDS", "num", "group_digits", "plain_number", "format_number", "format_printed",
           "format_figure", "bound_affixes", "format_percent", "like", "number_range", "format_date", "format_short_date",
           "format_period", "date_zh"]

# What the computed rate is when a target or an achievement is a bound (progress.csv rate_bound):
# the glossary's `bound` rows (至多, 至少, 约), read when first used; no word is written here.
BOUND_WORDS = _bound_words("zh")


def format_printed(printed) -> str:
    """A printed expression from a table (changes.csv), or — when there is none."""
    printed = "" if printed is None or (isinstance(printed, float) and math.isnan(printed)) else str(printed)
    return group_digits(printed) if printed.strip() else MISSING


def format_figure(row) -> str:
    """A figure as the source printed it, with thousands separators: 39.0589万人, 16,869户, 141.5万余吨."""
    return group_digits(printed_expression(str(row["value_printed"]), str(row["unit_printed"]),
                                           str(row.get("qualifier", "") or "")))


def format_number(value, decimals: int = 0) -> str:
    """A number with `decimals` decimals and thousands separators: 16,869; 1,053.5."""
    number = num(value)
    return MISSING if number is None else f"{number:,.{decimals}f}"


def format_percent(value, decimals: int = 2, bound: str = "", *, glossary=None) -> str:
    """A computed rate: 95.55%; 至多191.48% when it is an upper bound (the bound word from the run's
    glossary, as the other editions' printer takes it)."""
    number = num(value)
    if number is None:
        return MISSING
    before, after = bound_affixes(bound, glossary=glossary)
    return f"{before}{number:.{decimals}f}%{after}"


def bound_affixes(bound: str, *, glossary=None) -> tuple[str, str]:
    """What goes before and after a value that is a bound: ('至多', ''); ('', '') for none (zh.yml's
    number.qualified, "{qualifier}{value}"). The one way a bound is printed."""
    return _bound_words("zh", glossary)[bound or ""], ""


def like(number, template, decimals: int | None = None, difference: bool = False) -> str:
    """A computed number printed the way `template` (a figure) is: 万/亿 if it uses them, its unit,
    at least two decimals for 万-scaled and percent values (or `decimals`), whole numbers otherwise."""
    digits, unit = _in_style(number, template, decimals, difference)
    return digits + unit if digits != MISSING else MISSING


def number_range(lower, upper, template, decimals: int | None = None) -> str:
    """A range in a figure's style, the unit once: 742至744个; one number when both ends print alike."""
    low, unit = _in_style(lower, template, decimals)
    high, _ = _in_style(upper, template, decimals)
    if MISSING in (low, high):
        return MISSING
    return f"{low}{unit}" if low == high else f"{low}至{high}{unit}"


def _in_style(number, template, decimals: int | None = None, difference: bool = False) -> tuple[str, str]:
    number = num(number)
    if number is None:
        return MISSING, ""
    unit = str(template["unit_printed"])
    places = decimals if decimals is not None else max(int(template["decimals"]), 2)
    if template["unit"] == "percent":
        # A difference between two percentages is in percentage points, not percent.
        return f"{number:,.{places}f}", "个百分点" if difference else "%"
    if unit[:1] in ("万", "亿"):
        scale = 10_000 if unit[0] == "万" else 100_000_000
        return f"{number / scale:,.{places}f}", unit
    return f"{number:,.0f}", unit


def date_zh(iso: str) -> str:
    """2021-10-31 -> 2021年10月31日; a date the sidecar records as unknown -> 未记录."""
    if str(iso) == UNKNOWN:
        return "未记录"
    day = dt.date.fromisoformat(str(iso)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


# The language-neutral name of the date function (edition.printer_for(...).format_date).
format_date = date_zh


def format_period(period: str) -> str:
    """2021-09 -> 2021年9月: a period, named after the last month its report covers."""
    year, month = str(period).split("-")
    return f"{int(year)}年{int(month)}月"


def format_short_date(iso: str) -> str:
    """2021-10-25 -> 10月25日: a date on a chart's axis, when every date shares one year."""
    day = dt.date.fromisoformat(str(iso)[:10])
    return f"{day.month}月{day.day}日"
