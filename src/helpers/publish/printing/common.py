"""What every language prints alike: the dash for a missing value, numbers read from table cells,
and digits with thousands separators (16,869; 11,836.06). Each language module re-exports these."""

from __future__ import annotations

import math
import re

MISSING = "—"
_FIRST_INTEGER = re.compile(r"\d+")


def num(value) -> float | None:
    """A cell as a number, or None when it is empty or NaN."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def group_digits(printed: str) -> str:
    """Thousands separators in the whole part of a printed number: 11836.06万元 -> 11,836.06万元."""
    return _FIRST_INTEGER.sub(lambda m: f"{int(m.group()):,}", str(printed), count=1)


def plain_number(value) -> str:
    """A number with thousands separators, whole numbers without decimals, others to at most 4 places."""
    number = num(value)
    if number is None:
        return MISSING
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")
