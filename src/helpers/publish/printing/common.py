"""What every language prints alike: the dash for a missing value, numbers read from table cells,
and digits with thousands separators (16,869; 11,836.06). Each language module re-exports these."""

from __future__ import annotations

import re

from ...text.numbers import MISSING, plain_number, to_number as num  # noqa: F401 - the printers' shared helpers

_FIRST_INTEGER = re.compile(r"\d+")


def group_digits(printed: str) -> str:
    """Thousands separators in the whole part of a printed number: 11836.06万元 -> 11,836.06万元."""
    return _FIRST_INTEGER.sub(lambda m: f"{int(m.group()):,}", str(printed), count=1)


