"""Numbers, units and dates for every edition but the source language's: one printer, with the
conventions of the language's CLDR locale (through Babel) and the words of its catalogue
(catalogues/<language>.yml) and its glossary column.

English, from catalogues/en.yml (locale en_GB): a printed figure is written out in full digits with
its unit — 39.0589万人 -> 390,589 persons, 16869户 -> 16,869 households, 56.4万平方米以上 -> at least
564,000 m². Amounts of money are in millions or billions of yuan, exactly as precise as the source
(an audit must not round a number the Chinese page prints in full): 11836.06万元 -> RMB 118.3606
million, 1100万元 -> RMB 11.00 million, 2.35亿元 -> RMB 235 million. Counts print as bare numbers
(七项 -> 7): their noun is in the figure's name. A number the pipeline computed is rounded exactly as
the Chinese page rounds it, so both editions show the same number.

Who decides what:
- the project decides how many digits (the source's precision, or the Chinese page's rounding of a
  computed number), and rounds; Babel only writes the rounded number the locale's way: its digit
  grouping, decimal and minus signs, where its percent sign goes (95.55%, 95,55 %);
- CLDR picks the plural category of the number as printed (1 -> one; 1.00, 2 -> other; in Russian
  21 -> one, 22 -> few, 25 -> many), and the glossary holds a unit's word for each category
  (`<language>` for "other", `<language>_one`, `_few`, `_many`, …: an empty cell is the same word);
- CLDR writes dates: its month names and its long, month-year and day-month patterns (31 October
  2021; 31 octobre 2021; 31 tháng 10, 2021);
- the catalogue holds the words (million, billion, "to" in a range, where a qualifier goes) and its
  `locale`; the glossary names units and qualifiers (以上 -> "at least", 至多 -> "at most").

Nothing falls back: a unit or qualifier without a name is an error naming it and the file. A
further language needs a catalogue and glossary columns, and no code.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel import dates as cldr_dates

from ...io.rawdata import UNKNOWN
from ...text import numbers
from ..catalogue import CatalogueError, load_catalogue
from ..glossary import Glossary
from .common import MISSING, bound_words, group_digits, num, project_glossary as _project_glossary

PUBLIC = ["MISSING", "BOUND_WORDS", "num", "group_digits", "plain_number", "format_number", "format_printed",
          "format_figure", "bound_affixes", "format_percent", "like", "number_range", "format_date", "format_short_date",
          "format_period"]


def cldr_locale(language: str) -> Locale:
    """The CLDR locale an edition prints with: its catalogue's `locale` (en_GB, fr, ru)."""
    words = load_catalogue(language)
    name = words.text("locale")
    try:
        return Locale.parse(name)
    except (ValueError, UnknownLocaleError) as exc:
        raise CatalogueError(f"{words.path.name}: locale {name!r} is not a CLDR locale Babel knows ({exc}); "
                             "write one such as en_GB, fr or ru") from None


class Printer:
    """The printing functions of one language (the same public names as printing/zh.py)."""

    MISSING = MISSING
    num = staticmethod(num)
    group_digits = staticmethod(group_digits)

    def __init__(self, language: str):
        self.language = language
        words = load_catalogue(language)
        self.locale = cldr_locale(language)
        self.scales = ((Decimal(1_000_000_000), words.text("number.billion")),
                       (Decimal(1_000_000), words.text("number.million")))
        self.range_pattern, self.qualified = words.text("number.range"), words.text("number.qualified")
        self.before = tuple(words.text("number.unit_before").split())
        self.unspaced = tuple(words.text("number.unit_unspaced").split())
        self.bare = tuple(words.text("number.unit_bare").split())
        self.not_recorded = words.text("text.not_recorded")
        percent = self.locale.percent_formats[None]
        sign = self.locale.number_symbols["latn"]["percentSign"]
        # Where the locale puts the percent sign, around the number (95.55%, 95,55 %, %95,55).
        self.percent_affixes = (percent.prefix[0].replace("%", sign), percent.suffix[0].replace("%", sign))
        # What the computed rate is when a target or an achievement is a bound (progress.csv rate_bound).
        self.BOUND_WORDS = bound_words(language)

    def _glossary(self, glossary: Glossary | None) -> Glossary:
        return glossary if glossary is not None else _project_glossary()

    # ---- Digits -------------------------------------------------------------------------------------

    def _written(self, rounded: Decimal, places: int) -> str:
        """A number already rounded to `places` decimals, written the locale's way with exactly that many."""
        pattern = copy.copy(self.locale.decimal_formats[None])
        pattern.frac_prec = (places, places)
        return pattern.apply(rounded, self.locale)

    def _digits(self, value, places: int) -> str:
        """`value` rounded half up to `places` decimals (the project's rounding), written the locale's way."""
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return self._written(rounded, places)

    def plain_number(self, value) -> str:
        """A computed count or plain number (text.numbers.plain_number's digits) the locale's way: 1,053; 1 053."""
        number = num(value)
        if number is None:
            return MISSING
        plain = numbers.plain_number(number, grouped=False)
        return self._written(Decimal(plain), numbers.decimals_of(plain))

    def format_number(self, value, decimals: int = 0) -> str:
        """A number with `decimals` decimals, rounded as Python rounds it (as the Chinese page does)."""
        number = num(value)
        if number is None:
            return MISSING
        return self._written(Decimal(f"{number:.{decimals}f}"), decimals)

    def _plural(self, printed: Decimal) -> str:
        """The CLDR plural category of a number as printed (its decimals count: 1 is one, 1.00 other)."""
        return self.locale.plural_form(printed)

    # ---- Figures as printed -------------------------------------------------------------------------

    def format_figure(self, row, *, glossary: Glossary | None = None) -> str:
        """A figure from its printed form: 390,589 persons; more than 1,415,000 tonnes; 95.55%."""
        return self._printed(str(row["value_printed"]), str(row["unit_printed"]), str(row.get("qualifier", "") or ""),
                             self._glossary(glossary))

    def format_printed(self, printed, *, glossary: Glossary | None = None) -> str:
        """A printed expression from a table (changes.csv: 141.5万余吨, 约5000户), or — when there is
        none. Anything that is not a printed figure is an error, never passed through."""
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
        before, digits, after = self._unit_parts(value, base_unit, step, glossary)
        text = before + digits + after
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
        before, after = self.percent_affixes
        rate = before + self._written(Decimal(f"{number:.{decimals}f}"), decimals) + after
        ahead, behind = self.bound_affixes(bound, glossary=glossary)
        return ahead + rate + behind

    def bound_affixes(self, bound: str, *, glossary: Glossary | None = None) -> tuple[str, str]:
        """What goes before and after a value that is a bound: ('at most ', '') in English, the
        catalogue's number.qualified around the glossary's word; ('', '') for no bound. The one way a
        bound is printed, around a rate here and around a linked number on the page."""
        word = bound_words(self.language, glossary)[bound or ""]
        if not word:
            return "", ""
        before, _, after = self.qualified.partition("{value}")
        return before.format(qualifier=word), after.format(qualifier=word)

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
        _, low_digits, _ = self._parts(low, template, decimals, False, words, size)
        before, high_digits, after = self._parts(high, template, decimals, False, words, size)
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
            digits = self._written(amount, places)
            if difference:
                return "", digits, " " + self._unit_word("percentage_points", amount, glossary)
            return self.percent_affixes[0], digits, self.percent_affixes[1]
        scale = self._scale(template)
        step = scale / Decimal(10) ** self._places(template, decimals) if scale > 1 else Decimal(1)
        return self._unit_parts(amount, unit, step, glossary, size)

    def _unit_parts(self, value: Decimal, unit: str, step: Decimal, glossary: Glossary,
                    size: Decimal | None = None) -> tuple[str, str, str]:
        """A value in base units, known to `step`, with its unit's word where the language puts it.
        A percentage is the locale's (95.55%, 95,55 %); money of a million or more is scaled (`size`
        picks the scale for both ends of a range)."""
        places = self._decimals_for(step)
        if unit == "percent":
            return self.percent_affixes[0], self._digits(value, places), self.percent_affixes[1]
        if unit in self.before:
            word = glossary.name("unit", unit, self.language)
            size = abs(value) if size is None else size
            for scale, scale_word in self.scales:
                if size >= scale:
                    # The source's precision, never less: an audit's numbers.
                    return f"{word} ", self._digits(value / scale, self._decimals_for(step / scale)), f" {scale_word}"
            return f"{word} ", self._digits(value, places), ""
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        digits = self._written(rounded, places)
        word = self._unit_word(unit, rounded, glossary)  # every unit must be named, even one the language leaves out
        if unit in self.bare:
            return "", digits, ""
        return "", digits, word if unit in self.unspaced else f" {word}"

    def _unit_word(self, unit: str, printed: Decimal, glossary: Glossary) -> str:
        """The unit's word after a number as printed, in the number's CLDR plural category."""
        return glossary.name_for_category("unit", unit, self.language, self._plural(printed))

    def _decimals_for(self, step: Decimal) -> int:
        """How many decimals show a value known to `step`: 0.01 -> 2, 1 or 10,000 -> 0."""
        return max(0, -step.normalize().as_tuple().exponent)

    # ---- Dates: CLDR's month names and patterns ------------------------------------------------------

    def format_date(self, iso: str) -> str:
        """2021-10-31 -> 31 October 2021 (the locale's long date, never the machine's); a date the
        sidecar records as unknown -> not recorded."""
        if str(iso) == UNKNOWN:
            return self.not_recorded
        return cldr_dates.format_date(dt.date.fromisoformat(str(iso)[:10]), "long", locale=self.locale)

    def format_period(self, period: str) -> str:
        """2021-09 -> September 2021: a period, named after the last month its report covers."""
        year, month = str(period).split("-")
        return cldr_dates.format_skeleton("yMMMM", dt.date(int(year), int(month), 1), locale=self.locale)

    def format_short_date(self, iso: str) -> str:
        """2021-10-25 -> 25 Oct: a date on a chart's axis, when every date shares one year."""
        return cldr_dates.format_skeleton("MMMd", dt.date.fromisoformat(str(iso)[:10]), locale=self.locale)
