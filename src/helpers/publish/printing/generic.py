"""Numbers, units and dates for every edition but the Chinese one: one printer, configured by the
edition's catalogue (catalogues/<language>.yml: number.*, date.*) and named by its glossary column.

English, from catalogues/en.yml: a printed figure is written out in full digits with its unit —
39.0589万人 -> 390,589 persons, 16869户 -> 16,869 households, 56.4万平方米以上 -> at least 564,000 m².
Amounts of money are in millions or billions of yuan, exactly as precise as the source (an audit
must not round a number the Chinese page prints in full): 11836.06万元 -> RMB 118.3606 million,
1100万元 -> RMB 11.00 million, 2.35亿元 -> RMB 235 million. Counts print as bare numbers (七项 -> 7):
their noun is in the figure's name. A number the pipeline computed is rounded exactly as the
Chinese page rounds it, so both editions show the same number.

The words (unit names, 以上 -> "at least", 至多 -> "at most") are data: data/reference/glossary.csv,
the project's own by default, or the `glossary` passed in; the conventions (digit group and
decimal marks, scale words, month names, date and range patterns, where a unit goes) are the
catalogue's. Nothing falls back: a unit or qualifier without a name is an error naming it and the file.
A third language with Western digits needs a catalogue and glossary columns, and no code.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from ...io.paths import project_root
from ...io.rawdata import UNKNOWN
from ...text import numbers
from ..catalogue import load_catalogue
from ..glossary import Glossary, load_glossary
from .common import MISSING, group_digits, num, plain_number

PUBLIC = ["MISSING", "BOUND_WORDS", "num", "group_digits", "plain_number", "format_printed", "format_figure",
          "format_percent", "like", "number_range", "format_date", "format_short_date", "format_period"]


@functools.cache
def _project_glossary() -> Glossary:
    return load_glossary(project_root() / "data" / "reference")


class _Words(Mapping):
    """A glossary kind's words in one language as a read-only mapping, read when first used."""

    def __init__(self, kind: str, language: str, extra: dict[str, str]):
        self.kind, self.language, self.extra = kind, language, extra

    def _table(self) -> dict[str, str]:
        return {**self.extra, **_project_glossary().words(self.kind, self.language)}

    def __getitem__(self, code: str) -> str:
        return self._table()[code]

    def __iter__(self):
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


class Printer:
    """The printing functions of one language (the same public names as printing/zh.py)."""

    MISSING = MISSING
    num = staticmethod(num)
    group_digits = staticmethod(group_digits)
    plain_number = staticmethod(plain_number)

    def __init__(self, language: str):
        self.language = language
        words = load_catalogue(language)
        self.group, self.decimal = words.text("number.group"), words.text("number.decimal")
        self.scales = ((Decimal(1_000_000_000), words.text("number.billion")),
                       (Decimal(1_000_000), words.text("number.million")))
        self.range_pattern, self.qualified = words.text("number.range"), words.text("number.qualified")
        self.before = tuple(words.text("number.unit_before").split())
        self.unspaced = tuple(words.text("number.unit_unspaced").split())
        self.bare = tuple(words.text("number.unit_bare").split())
        self.months = tuple(words.text("date.months").split())
        self.months_short = tuple(words.text("date.months_short").split())
        self.long_date, self.short_date = words.text("date.long"), words.text("date.short")
        self.period_pattern, self.not_recorded = words.text("date.period"), words.text("text.not_recorded")
        if len(self.months) != 12 or len(self.months_short) != 12:
            raise ValueError(f"{words.path.name}: date.months and date.months_short need 12 names each")
        # What the computed rate is when a target or an achievement is a bound (progress.csv rate_bound).
        self.BOUND_WORDS = _Words("bound", language, {"": ""})

    def _glossary(self, glossary: Glossary | None) -> Glossary:
        return glossary if glossary is not None else _project_glossary()

    # ---- Figures as printed -------------------------------------------------------------------------

    def format_figure(self, row, *, glossary: Glossary | None = None) -> str:
        """A figure in English from its printed form: 390,589 persons; more than 1,415,000 tonnes; 95.55%."""
        return self._printed(str(row["value_printed"]), str(row["unit_printed"]), str(row.get("qualifier", "") or ""),
                        self._glossary(glossary))


    def format_printed(self, printed, *, glossary: Glossary | None = None) -> str:
        """A printed expression from a table (changes.csv: 141.5万余吨, 约5000户) in English, or — when
        there is none. Anything that is not a printed figure is an error, never passed through."""
        printed = "" if printed is None or (isinstance(printed, float) and math.isnan(printed)) else str(printed)
        if not printed.strip():
            return MISSING
        return self._printed(*self._parse_printed(printed), self._glossary(glossary))


    def _printed(self, value_printed: str, unit_printed: str, qualifier: str, glossary: Glossary) -> str:
        if unit_printed not in numbers.BASE_UNITS:
            raise ValueError(f"unknown printed unit {unit_printed!r} (known: {', '.join(numbers.BASE_UNITS)})")
        base_unit, multiplier = numbers.BASE_UNITS[unit_printed]
        value = numbers.parse_printed_number(value_printed) * multiplier
        step = Decimal(multiplier) / Decimal(10) ** numbers.decimals_of(value_printed)
        text = self._quantity(value, base_unit, step, glossary)
        if not qualifier:
            return text
        return self.qualified.format(qualifier=glossary.name("qualifier", qualifier, self.language), value=text)


    def _parse_printed(self, printed: str) -> tuple[str, str, str]:
        """Number, unit and qualifier of an expression printed by audit/figures.printed_expression:
        141.5万余吨 -> ('141.5', '万吨', '余'); 约5,000户 -> ('5000', '户', '约'); 一轮以上 -> ('一', '轮', '以上')."""
        text, outer = printed.strip().replace(",", ""), ""
        if text[:1] in ("约", "近"):
            outer, text = text[0], text[1:]
        elif text.endswith("以上"):
            outer, text = "以上", text[:-2]
        arabic = re.match(r"\d+(?:\.\d+)?", text)
        # A Chinese numeral may end in 万 or 亿 itself (三万人): try the longest numeral first.
        lengths = [arabic.end()] if arabic else range(len(text) - 1, 0, -1)
        for length in lengths:
            number, rest, qualifier = text[:length], text[length:], outer
            if not arabic and any(c not in numbers.CHINESE_DIGITS for c in number):
                continue
            if not qualifier and rest[:1] in ("万", "亿") and rest[1:2] in ("余", "多"):
                qualifier, rest = rest[1], rest[0] + rest[2:]  # 141.5万余吨
            elif not qualifier and rest[:1] in ("余", "多"):
                qualifier, rest = rest[0], rest[1:]  # 300余人
            if rest in numbers.BASE_UNITS:
                return number, rest, qualifier
        raise ValueError(f"not a printed figure: {printed!r} (expected a number, a unit and any qualifier, "
                         "such as 141.5万余吨 or 16869户)")


    # ---- Computed numbers ---------------------------------------------------------------------------

    def format_percent(self, value, decimals: int = 2, bound: str = "", *, glossary: Glossary | None = None) -> str:
        """A computed rate: 95.55%; at most 191.48% when it is an upper bound (see BOUND_WORDS)."""
        number = num(value)
        if number is None:
            return MISSING
        words = self.BOUND_WORDS if glossary is None else {"": "", **glossary.words("bound", self.language)}
        word = words[bound or ""]
        rate = self._marks(f"{number:.{decimals}f}") + "%"
        return self.qualified.format(qualifier=word, value=rate) if word else rate


    def like(self, number, template, decimals: int | None = None, difference: bool = False, *,
             glossary: Glossary | None = None) -> str:
        """A computed number printed the way `template` (a figure) is, rounded as the Chinese page rounds
        it (37.55万人 there, 375,500 persons here); a difference of percentages is in percentage points."""
        amount = self._rounded(number, template, decimals)
        if amount is None:
            return MISSING
        before, digits, after = self._parts(amount, template, decimals, difference, self._glossary(glossary))
        return before + digits + after


    def number_range(self, lower, upper, template, decimals: int | None = None, *, glossary: Glossary | None = None) -> str:
        """A range in a figure's style, the unit once: 742 to 744; 375,440 to 375,477 persons; one number
        when both ends print alike."""
        low, high = self._rounded(lower, template, decimals), self._rounded(upper, template, decimals)
        if low is None or high is None:
            return MISSING
        words = self._glossary(glossary)
        size = max(abs(low), abs(high))
        before, low_digits, after = self._parts(low, template, decimals, False, words, size)
        _, high_digits, _ = self._parts(high, template, decimals, False, words, size)
        if low_digits == high_digits:
            return before + low_digits + after
        return f"{before}{self.range_pattern.format(low=low_digits, high=high_digits)}{after}"


    def _places(self, template, decimals: int | None) -> int:
        """The decimals the Chinese page gives a computed number in `template`'s style (printing/zh.py)."""
        return decimals if decimals is not None else max(int(template["decimals"]), 2)


    def _rounded(self, number, template, decimals: int | None) -> Decimal | None:
        """`number` rounded exactly as printing/zh.py rounds it in `template`'s style, in base units."""
        number = num(number)
        if number is None:
            return None
        if template["unit"] == "percent":
            return Decimal(f"{number:.{self._places(template, decimals)}f}")
        scale = self._scale(template)
        if scale > 1:
            return Decimal(f"{number / float(scale):.{self._places(template, decimals)}f}") * scale
        return Decimal(f"{number:.0f}")


    def _scale(self, template) -> Decimal:
        """The 万 or 亿 of the template's printed unit (10,000 for 万人), or 1."""
        return Decimal(numbers.BASE_UNITS.get(str(template["unit_printed"]), ("", 1))[1])


    def _parts(self, amount: Decimal, template, decimals: int | None, difference: bool, glossary: Glossary,
               size: Decimal | None = None) -> tuple[str, str, str]:
        """(words before, digits, words after) of a rounded computed amount in `template`'s unit."""
        unit = str(template["unit"])
        if unit == "percent":
            places = self._places(template, decimals)
            digits = self._marks(f"{amount:,.{places}f}")
            if difference:
                return "", digits, " " + self._unit_word("percentage_points", digits, glossary)
            return "", digits, self._unit_word(unit, digits, glossary)
        scale = self._scale(template)
        step = scale / Decimal(10) ** self._places(template, decimals) if scale > 1 else Decimal(1)
        return self._unit_parts(amount, unit, step, glossary, size)


    def _quantity(self, value: Decimal, unit: str, step: Decimal, glossary: Glossary) -> str:
        before, digits, after = self._unit_parts(value, unit, step, glossary)
        return before + digits + after


    def _unit_parts(self, value: Decimal, unit: str, step: Decimal, glossary: Glossary,
                    size: Decimal | None = None) -> tuple[str, str, str]:
        """A value in base units, known to `step`, with its unit's word where English puts it.
        Money of a million or more is scaled (`size` picks the scale for both ends of a range)."""
        if unit in self.before:
            word = self._unit_word(unit, "", glossary)
            size = abs(value) if size is None else size
            for scale, scale_word in self.scales:
                if size >= scale:
                    places = self._decimals_for(step / scale)  # the source's precision, never less: an audit's numbers
                    return f"{word} ", self._digits(value / scale, places), f" {scale_word}"
            return f"{word} ", self._digits(value, self._decimals_for(step)), ""
        digits = self._digits(value, self._decimals_for(step))
        if unit in self.bare:
            self._unit_word(unit, digits, glossary)  # every unit must be named, even one English leaves out
            return "", digits, ""
        word = self._unit_word(unit, digits, glossary)
        return "", digits, word if unit in self.unspaced else f" {word}"


    def _unit_word(self, unit: str, digits: str, glossary: Glossary) -> str:
        """The unit's English word after `digits`: its singular (`en_one`) after exactly "1"."""
        return glossary.name_for_count("unit", unit, self.language, 1 if digits == "1" else None)


    def _decimals_for(self, step: Decimal) -> int:
        """How many decimals show a value known to `step`: 0.01 -> 2, 1 or 10,000 -> 0."""
        return max(0, -step.normalize().as_tuple().exponent)


    def _digits(self, value: Decimal, places: int) -> str:
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return self._marks(f"{rounded:,.{places}f}")

    def _marks(self, digits: str) -> str:
        """Digits grouped and pointed as the language writes them (1,234.5; 1 234,5 …)."""
        return digits.translate({ord(","): "\0", ord("."): self.decimal}).replace("\0", self.group)


    # ---- Dates --------------------------------------------------------------------------------------

    def format_date(self, iso: str) -> str:
        """2021-10-31 -> 31 October 2021 (month names fixed here, never the machine's locale); a date the
        sidecar records as unknown -> not recorded."""
        if str(iso) == UNKNOWN:
            return self.not_recorded
        day = dt.date.fromisoformat(str(iso)[:10])
        return self.long_date.format(day=day.day, month=self.months[day.month - 1], year=day.year)


    def format_period(self, period: str) -> str:
        """2021-09 -> September 2021: a period, named after the last month its report covers."""
        year, month = str(period).split("-")
        return self.period_pattern.format(month=self.months[int(month) - 1], year=int(year))


    def format_short_date(self, iso: str) -> str:
        """2021-10-25 -> 25 Oct: a date on a chart's axis, when every date shares one year."""
        day = dt.date.fromisoformat(str(iso)[:10])
        return self.short_date.format(day=day.day, month=self.months_short[day.month - 1])
