"""Numbers as the bureau prints them: tokens in the text, units, qualifiers and as-of dates.

This module is shared by the cleaning stage (coverage audit, normalisation) and the
drafting tool, so that both read the report's numbers the same way.
"""

from __future__ import annotations

import math

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


# Units as printed -> (base unit, multiplier). The base units are the ones figures.csv uses.
# 万 (x10,000) and 亿 (x100,000,000) are part of the printed unit ("万人", "亿元").
BASE_UNITS: dict[str, tuple[str, int]] = {
    "户": ("households", 1),
    "万户": ("households", 10_000),
    "人": ("persons", 1),
    "名": ("persons", 1),
    "万人": ("persons", 10_000),
    "元": ("yuan", 1),
    "万元": ("yuan", 10_000),
    "亿元": ("yuan", 100_000_000),
    "平方米": ("square_metres", 1),
    "万平方米": ("square_metres", 10_000),
    "亩": ("mu", 1),
    "万亩": ("mu", 10_000),
    "吨": ("tonnes", 1),
    "万吨": ("tonnes", 10_000),
    "公里": ("kilometres", 1),
    "%": ("percent", 1),
    "个百分点": ("percentage_points", 1),
    # Counts of things. The printed measure word is kept in `unit`; the base unit is a count.
    "个": ("count", 1),
    "家": ("count", 1),
    "口": ("count", 1),
    "项": ("count", 1),
    "轮": ("count", 1),
    "村": ("count", 1),
    "座": ("count", 1),
    "处": ("count", 1),
    "期": ("count", 1),
    "场": ("count", 1),
    "条": ("count", 1),
    "所": ("count", 1),
    "台": ("count", 1),
    "间": ("count", 1),
    "栋": ("count", 1),
    "万个": ("count", 10_000),
    # Repeated events are not counts of things: 12次 (times) and 3.2万人次 (person-visits) each
    # have a base unit of their own, so they are never added to or compared with a count.
    "次": ("times", 1),
    "人次": ("person_times", 1),
    "万人次": ("person_times", 10_000),
    "户次": ("household_times", 1),
    "万户次": ("household_times", 10_000),
}

# Qualifiers as printed -> meaning of the printed value.
QUALIFIERS: dict[str, str] = {
    "": "exact",
    "以上": "at_least",
    "余": "more_than",
    "多": "more_than",
    "约": "about",
    "近": "nearly",
}

_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万亿"

# An Arabic number (optionally with thousands separators and decimals) with an optional
# 万/亿 multiplier, or a run of Chinese numeral characters.
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUMBER_TOKEN = re.compile(rf"(?P<arabic>{_ARABIC})(?P<mult>[万亿])?|(?P<chinese>[{CHINESE_DIGITS}]+)")


@dataclass(frozen=True)
class NumberToken:
    """One number in a text: where it starts and ends, and how it was written."""

    start: int
    end: int
    text: str
    script: str  # "arabic" or "chinese"

    @property
    def digits(self) -> str:
        """The number without a trailing 万/亿 multiplier (for Arabic numbers)."""
        if self.script == "arabic" and self.text[-1] in _MULTIPLIERS:
            return self.text[:-1]
        return self.text


def find_number_tokens(text: str) -> list[NumberToken]:
    """Every number in `text`, in order: Arabic numerals (with any 万/亿) and Chinese numerals."""
    tokens = []
    for match in NUMBER_TOKEN.finditer(text):
        script = "arabic" if match.group("arabic") else "chinese"
        tokens.append(NumberToken(match.start(), match.end(), match.group(), script))
    return tokens


def parse_printed_number(printed: str) -> Decimal:
    """The value of a number as printed: '39.0589', '1,053', '七', '十二'.

    Raises ValueError with a plain message when the text is not a number.
    """
    cleaned = printed.strip().replace(",", "").replace("，", "")
    if not cleaned:
        raise ValueError("empty value")
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        try:
            return Decimal(cleaned)
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
            raise ValueError(f"not a number: {printed!r}") from exc
    if re.fullmatch(f"[{CHINESE_DIGITS}]+", cleaned):
        import cn2an  # only here: its import takes ~0.1 s, which a run with nothing to do never needs

        try:
            return Decimal(str(cn2an.cn2an(cleaned, "smart")))
        except (ValueError, KeyError, IndexError) as exc:  # cn2an's errors for malformed numerals (十二十二, 千千)
            raise ValueError(f"not a Chinese numeral: {printed!r}") from exc
    raise ValueError(f"not a number: {printed!r} (expected digits such as 39.0589 or a Chinese numeral such as 七)")


def decimals_of(printed: str) -> int:
    """How many decimal places a printed number has ('95.55' -> 2, '80' -> 0, '七' -> 0)."""
    cleaned = printed.strip().replace(",", "")
    return len(cleaned.split(".", 1)[1]) if "." in cleaned else 0


def normalise(printed: str, unit: str) -> tuple[Decimal, str, Decimal]:
    """Value in base units, the base unit, and the half-width of the printed precision.

    '39.0589', '万人' -> (390589, 'persons', 0.5): the printed number is rounded to the
    last digit shown, so the true value lies within half a unit of that digit. Whole
    counts printed in full ('16869', '户') are exact: half-width 0.
    """
    if unit not in BASE_UNITS:
        raise ValueError(f"unknown unit {unit!r} (known: {', '.join(BASE_UNITS)})")
    base_unit, multiplier = BASE_UNITS[unit]
    value = parse_printed_number(printed) * multiplier
    decimals = decimals_of(printed)
    if multiplier == 1 and decimals == 0 and base_unit not in ("percent", "percentage_points"):
        # A whole count printed in full (16869户) is exact, not rounded.
        half_precision = Decimal(0)
    else:
        half_precision = Decimal(multiplier) * Decimal(5) / Decimal(10) ** (decimals + 1)
    return value.normalize() if value == value.to_integral() else value, base_unit, half_precision


# As-of expressions. Each resolves to the last day it names, in the period's year.
RANGE_SEPARATOR = r"(?:至|到|-|—|–|－|~|～)"  # ASCII and full-width hyphens, dashes and tildes alike
_RANGE = RANGE_SEPARATOR
_AS_OF_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"(\d{{1,2}})月(\d{{1,2}})日{_RANGE}(\d{{1,2}})月(\d{{1,2}})日"), "md-md"),
    (re.compile(rf"(\d{{1,2}})月(\d{{1,2}})日{_RANGE}(\d{{1,2}})日"), "md-d"),
    (re.compile(r"(\d{1,2})月(\d{1,2})日"), "md"),
    (re.compile(r"(\d{1,2})月(?:底|末)"), "m-end"),
    (re.compile(r"(\d{1,2})月(上|中|下)旬"), "m-xun"),
    (re.compile(rf"(\d{{1,2}}){_RANGE}(\d{{1,2}})月"), "m-m"),
    (re.compile(r"(\d{1,2})月"), "m"),
]
# Words that may surround a date without changing it (截至10月底, 10月25日以来, 目前为止).
_AS_OF_FILLER = re.compile(r"[\s,，、:：()（）]|以来|为止|止|前|份")
# Expressions that mean "as at the end of the period the report covers".
PERIOD_END_WORDS = ("", "今年", "今年以来", "目前", "截至目前", "年内", "本年")


def resolve_as_of(printed: str, year: int, period_end: dt.date) -> dt.date:
    """Turn an as-of expression into a date: '截至10月底' -> 2021-10-31.

    Phrases with no date of their own ('今年', '目前', or nothing) stand at the end of
    the period the report covers. Raises ValueError for anything unrecognised.
    """
    text = printed.strip().replace("截至", "").replace("截止", "").replace("到", "").strip()
    if text in PERIOD_END_WORDS:
        return period_end
    year_match = re.match(r"(\d{4})年", text)
    if year_match:
        year = int(year_match.group(1))
        text = text[year_match.end():]
    for pattern, shape in _AS_OF_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        numbers = [int(g) if g.isdigit() else g for g in match.groups()]
        leftover = _AS_OF_FILLER.sub("", text[:match.start()] + text[match.end():])
        if leftover:
            raise ValueError(f"unrecognised as-of expression {printed!r}: {leftover!r} is not understood "
                             "(expected forms such as 截至10月底, 截至10月25日, 10月上旬, 9-10月, 9月6日至11日, 今年)")
        if shape == "md-md":
            month, day = numbers[2], numbers[3]
        elif shape == "md-d":
            month, day = numbers[0], numbers[2]
        elif shape == "md":
            month, day = numbers
        elif shape == "m-end":
            month = numbers[0]
            day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        elif shape == "m-xun":
            month = numbers[0]
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            day = {"上": 10, "中": 20, "下": last}[match.group(2)]
        elif shape == "m-m":
            month = numbers[1]
            day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        else:
            month = numbers[0]
            day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError(f"not a calendar date: {printed!r}") from exc
    raise ValueError(
        f"unrecognised as-of expression {printed!r} "
        "(expected forms such as 截至10月底, 截至10月25日, 9-10月, 9月6日至11日, 今年 or empty)"
    )


def plain_decimal(number: Decimal) -> str:
    """A Decimal written without exponent or trailing zeros: 1.1E+7 -> 11000000, 95.550 -> 95.55."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def locate_value(quote: str, printed: str, occurrence: int = 1) -> int | None:
    """Offset in `quote` of the n-th occurrence of `printed` that stands as a whole number.

    '20.74' inside '120.74' does not count, nor '4' inside '14552', nor '一' inside '十一'.
    """
    if not printed or occurrence < 1:
        return None
    chinese = bool(re.fullmatch(f"[{CHINESE_DIGITS}]+", printed))
    found = 0
    for match in re.finditer(re.escape(printed), quote):
        if not _part_of_longer_number(quote, match.start(), match.end(), chinese):
            found += 1
            if found == occurrence:
                return match.start()
    return None


def _part_of_longer_number(text: str, start: int, end: int, chinese: bool) -> bool:
    before, after = text[max(0, start - 2):start], text[end:end + 2]
    if chinese:
        return bool(before[-1:] and before[-1] in CHINESE_DIGITS) or bool(after[:1] and after[0] in CHINESE_DIGITS)
    if before[-1:].isdigit() or (before[-1:] in (".", ",") and before[:1].isdigit()):
        return True
    return after[:1].isdigit() or (after[:1] in (".", ",") and after[1:2].isdigit())


def unit_follows(after: str, unit: str, qualifier: str, printed: str) -> bool:
    """Whether the text after a printed value starts with its unit, as printed.

    Allows a qualifier between 万/亿 and the rest of the unit (141.5万余吨) or before the unit
    (300余人). A Chinese numeral may count without a measure word (七大专项行动: seven major
    special actions), so its unit is not looked for.
    """
    if re.fullmatch(f"[{CHINESE_DIGITS}]+", printed):
        return True
    candidates = {unit}
    if qualifier in ("余", "多"):
        candidates.add(qualifier + unit)
        if unit[:1] in ("万", "亿"):
            candidates.add(unit[0] + qualifier + unit[1:])
    return any(after.startswith(candidate) for candidate in candidates)


# ---- Numbers the pipeline computed, written plainly ------------------------------------------------

MISSING = "—"


def to_number(value) -> float | None:
    """A table cell as a number, or None when it is empty or NaN."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def plain_number(value, grouped: bool = True) -> str:
    """A computed number written plainly: whole numbers without decimals, others to at most 4 places,
    with thousands separators unless `grouped` is False (16,869 / 16869; 95.5544); — when missing.
    The one formatter of the checks' workings, the auditor's tables and the editions' counts."""
    number = to_number(value)
    if number is None:
        return MISSING
    separator = "," if grouped else ""
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):{separator}}"
    return f"{number:{separator}.4f}".rstrip("0").rstrip(".")
