"""Reading one number as the draft does: its value, unit and qualifier as printed.

`read_quantity` reads what follows a number token (141.5万余吨 -> 141.5, 万吨, 余) with the units
and qualifiers of the vocabulary; `normalise_figure` turns the printed value and unit into base
units, with numbers.normalise for the units the cleaning stage knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..text.numbers import BASE_UNITS, NumberToken, normalise, parse_printed_number, plain_decimal
from ..text.segments import CLAUSE_BREAKS, SPACES, char_at
from .vocabulary import (ARABIC_UNIT_WORDS, EXTRA_UNITS, LABEL_MAX, MAJOR_ITEMS, MULTIPLIER_CHARS, UNIT_SPELLINGS,
                         UNIT_WORDS)


@dataclass
class Quantity:
    """A number as printed with what follows it: `141.5万余吨` -> 141.5, 万吨, 余."""

    value: str  # as printed, without 万/亿
    unit: str  # as printed, with 万/亿 (％ spelled %)
    qualifier: str
    end: int  # end of the unit and any trailing qualifier in the text
    unit_word: str  # the unit without 万/亿
    notes: list[str] = field(default_factory=list)


def printed_value(token: NumberToken) -> tuple[str, str]:
    """The printed number without its multiplier, and the multiplier ('' / 万 / 亿)."""
    if token.script == "arabic":
        return token.digits, token.text[len(token.digits):]
    if len(token.text) > 1 and token.text[-1] in MULTIPLIER_CHARS:
        return token.text[:-1], token.text[-1]  # 十二万 -> 十二, 万
    return token.text, ""


def words_after(text: str, pos: int) -> str:
    """The words right after a unit, up to punctuation or the next number (a counted noun)."""
    end = pos
    while end < len(text) and text[end] not in CLAUSE_BREAKS and text[end] not in SPACES \
            and not text[end].isdigit() and end - pos < LABEL_MAX:
        end += 1
    return text[pos:end]


def read_quantity(text: str, token: NumberToken) -> Quantity:
    """Read the unit and qualifier around a number token.

    Handles 以上 after the unit, 余/多 between the number and the unit (also between 万
    and the unit: 141.5万余吨, and before 万: 2000多万元), and 约/近 before the number.
    """
    value, multiplier = printed_value(token)
    pos = token.end  # after the number and any 万/亿 it carries (141.5万 in 141.5万余吨)
    qualifier, notes = "", []
    if char_at(text, pos) in ("余", "多"):
        qualifier, pos = text[pos], pos + 1  # 300余人, 141.5万余吨
    if not multiplier and qualifier and char_at(text, pos) in ("万", "亿"):
        multiplier, pos = text[pos], pos + 1  # 2000多万元
    words = UNIT_WORDS if token.script == "chinese" else ARABIC_UNIT_WORDS
    unit_word = next((w for w in words if text.startswith(w, pos)), "")
    pos += len(unit_word)
    if text.startswith("以上", pos):
        if qualifier:
            notes.append(f"also printed 以上 after the unit (kept {qualifier})")
        else:
            qualifier = "以上"
        pos += 2
    elif not qualifier and unit_word and char_at(text, pos) in ("余", "多") and (
            pos + 1 >= len(text) or text[pos + 1] in CLAUSE_BREAKS or text[pos + 1] in SPACES):
        qualifier, pos = text[pos], pos + 1  # 3年多。
    for word in ("左右", "以下", "以内"):
        if text.startswith(word, pos):
            notes.append(f"printed {word} after the number ({word} is not a known qualifier)")
    before = text[max(0, token.start - 2):token.start]
    if before[-1:] in ("约", "近") and before not in ("节约", "制约", "签约", "履约", "集约", "预约", "最近", "附近"):
        if qualifier:
            notes.append(f"also printed {before[-1]} before the number (kept {qualifier})")
        else:
            qualifier = before[-1]
    if unit_word in UNIT_SPELLINGS:
        notes.append(f"printed {unit_word}")
        unit_word = UNIT_SPELLINGS[unit_word]
    if unit_word == "大":
        # 七大专项行动 ("seven major special actions") counts the actions: the transcription
        # needs a measure word the cleaning stage knows, so 项 for actions and works, else 个.
        counted = words_after(text, pos)
        unit_word = "项" if re.search(MAJOR_ITEMS, counted) else "个"
        notes.append(f"printed {value}大{counted}: counted in {unit_word}")
    return Quantity(value, multiplier + unit_word, qualifier, pos, unit_word, notes)


def plain_or_empty(value: Decimal | None) -> str:
    return "" if value is None else plain_decimal(value.normalize())


def parse_value(printed: str) -> Decimal | None:
    """The printed number's value, or None when it is not a number (十二十二, 千千)."""
    try:
        return parse_printed_number(printed)
    except ValueError:
        return None


def normalise_figure(value: str, unit: str) -> tuple[Decimal | None, str]:
    """Value in base units and the base unit; (None, '') when the value cannot be read.

    Uses numbers.normalise for the units it knows; EXTRA_UNITS (with any 万/亿) and
    unitless numbers keep the value times the multiplier and an empty base unit unless
    EXTRA_UNITS names one.
    """
    if unit in BASE_UNITS:
        try:
            normalised, base_unit, _ = normalise(value, unit)
            return normalised, base_unit
        except ValueError:
            return None, ""
    number = parse_value(value)
    if number is None:
        return None, ""
    multiplier = 1
    word = unit
    if word[:1] in ("万", "亿"):
        multiplier = 10_000 if word[0] == "万" else 100_000_000
        word = word[1:]
    return (number * multiplier).normalize(), EXTRA_UNITS.get(word, "")
