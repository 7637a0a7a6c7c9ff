"""Draft a figure transcription from a new report's text.

Each month the bureau publishes a new report. Instead of typing every figure into
`data/raw/<period>/figures.csv` by hand, the analyst runs

    shaoyang-report draft REPORT.txt [--period YYYY-MM] [--out FILE] [--compare TRANSCRIPTION.csv]

and reviews the draft this module writes: one row per number in the text, in text order,
each marked `figure` or `not-figure` (with the reason: a date, a section number, part of a
name...). The first 13 columns are the hand-transcription format; the rest help the review
(value in base units, resolved as-of date, offsets of the quote and of the number).

Reasons a number is not a figure: date, as-of date (截至10月25日), time, year, date range, section number,
list ordinal (一是), ordinal (第三), part of a name (两不愁、三保障, “湘九味”, 5G), word
(一线, 清零, 扫一扫, 无一人), part of a unit (the 百 of 个百分点), threshold (超过100名…的),
document number (〔2021〕1号), address, phone number. The note column says which words were
matched.

As-of dates come from the figure's own sentence, or from its section: a 截至… sentence that
holds no figure of its own leads the sentences after it in the same section, and a sentence
opening with 其中 continues the one before. An as-of taken from another sentence is said so
in the note; anything else stands at the end of the period (an empty as_of).

Everything here is a best guess made from the wording of the text. The rules are simple
and listed as data at the top of the module (names, words, measure words, units), so that
a new report's vocabulary can be added where it is found wrong.

Numbers are found and read by the shared module `numbers.py`, so the draft and the
cleaning stage see the same tokens, units and as-of dates.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import difflib
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..text.numbers import (
    BASE_UNITS,
    CHINESE_DIGITS,
    RANGE_SEPARATOR,
    NumberToken,
    find_number_tokens,
    locate_value,
    normalise,
    parse_printed_number,
    plain_decimal,
    resolve_as_of,
)
from ..io.rawdata import MAX_REPORT_BYTES, TRANSCRIPTION_COLUMNS

# The hand-transcription format (figures.csv), then the review columns the draft adds.
REVIEW_COLUMNS = [
    "status", "reason", "value_normalised", "base_unit", "as_of_date", "quote_start", "quote_end",
    "token_start",
]
COLUMNS = TRANSCRIPTION_COLUMNS + REVIEW_COLUMNS
COMPARE_COLUMNS = ["side", "figure_id", "value", "unit", "quote"]

FIGURE, NOT_FIGURE = "figure", "not-figure"

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

# Fixed names (slogans, schemes, brands) that contain numerals but count nothing.
FIXED_NAMES = (
    "两不愁三保障", "两不愁", "三保障", "四不两直", "一对一", "湘九味", "多规合一", "三清一改", "一卡通",
    "五保", "三农", "两委", "十三五", "十四五", "一村一品", "一户一策", "一户一档", "一县一特", "一乡一业",
    "一人一岗", "五个一批", "六个精准", "四个不摘", "两个确保", "两个维护", "一把手", "一网通办", "一站式",
    "一事一议", "一肩挑", "五级书记", "一带一路", "四好农村路", "三支一扶", "万企帮万村", "一村一辅警",
)
# Ordinary words that contain numerals. Most are caught by the default rule (a Chinese
# numeral not followed by a measure word is a word); these are listed because they *are*
# followed by a measure word, or because they are common enough to deserve a clear note.
WORDS = (
    "一线", "清零", "扫一扫", "一起", "统一", "进一步", "一批", "一次性", "一系列", "一些", "一致", "一般",
    "一定", "一直", "一样", "一体化", "唯一", "千家万户", "千方百计", "万无一失", "一心一意", "一如既往",
    "老百姓", "百姓", "一方面", "一律", "一并", "一流", "十分", "万众一心", "一盘棋", "一条龙", "一张图",
    "一个个", "一项项", "一家家", "一户户", "一次次", "一揽子", "一年来", "同一",
    # Idioms of completeness: 无一人返贫 counts nobody.
    "无一人", "无一户", "无一例", "一个不少", "一个都不能少", "一户不漏", "一户不落", "一人不落", "不落一人",
    "不漏一户", "一票否决",
)
# Units that numbers.BASE_UNITS does not know, as printed after a number (without 万/亿),
# mapped to a base unit where one applies. Counting measure words are counts; the others
# (durations, ratios) keep an empty base unit so the analyst sees them in review.
EXTRA_UNITS: dict[str, str] = {
    "大": "count",  # 七大专项行动: "seven major ..." (after Chinese numerals only)
    "批": "count", "类": "count", "件": "count", "套": "count", "份": "count", "种": "count",
    "支": "count", "辆": "count", "头": "count", "只": "count", "张": "count", "篇": "count",
    "本": "count", "届": "count", "位": "persons", "百分点": "percentage_points",
    "倍": "", "年": "", "天": "", "个月": "", "小时": "", "岁": "", "公顷": "", "立方米": "",
    "千瓦": "", "千米": "", "米": "", "平方公里": "", "‰": "",
}
# Printed forms that mean the same unit as a BASE_UNITS key.
UNIT_SPELLINGS = {"％": "%"}
# After 七大 / 两大, the things counted in 项 (else in 个).
MAJOR_ITEMS = "行动|工程|任务|活动|措施|举措|项目|工作|行业"

_MULTIPLIER_CHARS = "万亿"
# Unit words as printed after the number (and any 万/亿), longest first so that
# 个百分点 wins over 个 and 平方米 over 米.
_UNIT_WORDS = sorted(
    {unit[1:] if unit[0] in _MULTIPLIER_CHARS and len(unit) > 1 else unit for unit in BASE_UNITS}
    | set(EXTRA_UNITS) | set(UNIT_SPELLINGS),
    key=len, reverse=True,
)
# 大 counts only after a Chinese numeral (七大专项行动); after an Arabic number it is a word.
_ARABIC_UNIT_WORDS = [unit for unit in _UNIT_WORDS if unit != "大"]

SENTENCE_ENDS = "。；;！？!?\n"
FULL_STOPS = "。！？!?\n"  # a sentence in the full sense: its ；-joined clauses share an as-of
CLAUSE_BREAKS = set(SENTENCE_ENDS) | set(",，、:：()（）“”\"'《》「」【】[]>")
# Quotation marks do not end a label: 拆除农村“空心房”5640户 is labelled 拆除农村“空心房”.
LABEL_BREAKS = CLAUSE_BREAKS - set("“”\"'《》「」")
SPACES = " \t\r\u00a0\u2002\u2003\u3000"
_BREAKS_AND_SPACES = "".join(sorted(CLAUSE_BREAKS)) + SPACES

_CN = "[一二三四五六七八九十]{1,3}"  # a month or day written in Chinese
_N = rf"(?:\d{{1,2}}|{_CN})"  # a month or day
_SEP = RANGE_SEPARATOR
_START = r"(?<!\d)(?<!\d[.,])"  # a number starting here is not the tail of a longer one (1,053; 3.5)

# Spans of text whose numbers are not figures, with the reason; tried in this order.
_NOT_FIGURE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("address", re.compile(r"(?:https?://|www\.)[^\s，。；,;]+")),
    # 邵政发〔2021〕1号, ﹝2021﹞3号, [2021]12号: the year in brackets, then the serial number.
    ("document number", re.compile(r"[〔［\[﹝【(（]\s*(?:19|20)\d{2}\s*[〕］\]﹞】)）]\s*第?\s*\d{1,4}\s*号")),
    ("phone number", re.compile(rf"{_START}\d{{3,4}}-\d{{7,8}}(?!\d)")),
    ("date", re.compile(rf"{_START}\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?!\d)")),
    ("time", re.compile(rf"{_START}\d{{1,2}}[:：]\d{{2}}(?:[:：]\d{{2}})?(?!\d)|{_START}\d{{1,2}}时(?:\d{{1,2}}分)?")),
    ("date range", re.compile(
        rf"{_START}{_N}月{_N}日{_SEP}{_N}月{_N}日"
        rf"|{_START}{_N}月{_N}日{_SEP}{_N}日"
        rf"|{_START}{_N}日{_SEP}{_N}日"
        rf"|{_START}{_N}月?{_SEP}{_N}月(?:份|底|末)?"
        rf"|{_START}\d{{4}}年?{_SEP}\d{{4}}年")),
    ("date", re.compile(
        rf"{_START}{_N}月{_N}日|{_START}{_N}月(?:份|底|末|初|上旬|中旬|下旬)?|{_START}{_N}日"
        rf"|第?[一二三四1-4]季度")),
    ("year", re.compile(rf"{_START}\d{{4}}年|[〇零一二三四五六七八九]{{4}}年")),
]

# As-of expressions (see numbers.resolve_as_of). Those with 截至 (and a bare 目前) hold
# until a new as-of, section or paragraph; a period named at the start of a clause
# (9-10月, 9月6日至11日, 今年) only frames its own sentence.
_CARRIED_AS_OF = re.compile(
    rf"(?:截至|截止(?:到|至)?)(?:(?:\d{{4}}年|今年)?{_N}月(?:{_N}日|底|末|初|上旬|中旬|下旬)?|目前|当前|年底)"
    rf"|(?<!截至)(?<!截止)目前")
_CLAUSE_AS_OF = re.compile(
    rf"(?:\d{{4}}年|今年)?(?:{_N}月{_N}日{_SEP}(?:{_N}月)?{_N}日|{_N}月?{_SEP}{_N}月|{_N}月(?:{_N}日|底|末)?)"
    rf"|今年以来|今年|年内")

_SECTION_MARKER = re.compile(rf"(?P<n>[{CHINESE_DIGITS}]+)[、.．]")
_SUBSECTION_MARKER = re.compile(rf"[(（](?P<n>[{CHINESE_DIGITS}]+)[)）]")
_LIST_ORDINAL = re.compile(rf"(?P<n>[{CHINESE_DIGITS}]+)是")
_ARABIC_MARKER = re.compile(r"(?:\d{1,2}[、．]|\d{1,2}\.(?!\d)|[(（]\d{1,2}[)）])")
_QUOTED = re.compile(r"“[^“”\n]{1,30}”|「[^「」\n]{1,30}」|\"[^\"\n]{1,30}\"")

# Labels are noun phrases: place and time words, and the verbs that join a noun to its number
# (共有, 达到, 开展了, 超过), are dropped around the figure's own words.
_LABEL_LEADING = re.compile(r"^(?:其中|共有|现有|共计|总计|共|有|对|目前|今年以来|今年|年内|本年|累计共|的)+")
_LABEL_PLACES = re.compile(r"邵阳市|全市")
_LABEL_TRAILING = re.compile(r"(?:为|的有|的|达到|达|是|有|共|共计|总计|开展了|开展|了|超过|约|近|累计|合计)+$")
_LABEL_MAX = 16
_LONG_LABEL_MAX = 24  # a counted noun with the verb phrase that qualifies it
# Where a counted noun ends and what is said about it begins: 597个村庄|已完成村庄规划准备工作.
_PREDICATE_STARTS = ("已经", "已", "全部", "均", "都", "入选", "接入", "纳入", "组织", "开展", "完成", "实现", "参与",
                     "获得", "建成", "覆盖", "达到", "受益", "通过", "被")
# A figure listed with the one before it (16869户42750人) shares its label; these words tell
# the two apart by what each counts.
_PAIR_SUFFIXES = {"households": "户数", "persons": "人数", "square_metres": "面积", "mu": "面积", "yuan": "金额",
                  "tonnes": "数量", "kilometres": "长度"}


# --------------------------------------------------------------------------------------
# Reading one number: its value, unit and qualifier as printed
# --------------------------------------------------------------------------------------

def _char(text: str, pos: int) -> str:
    """The character at `pos`, or '' outside the text (never wraps around like text[-1])."""
    return text[pos] if 0 <= pos < len(text) else ""


@dataclass
class Quantity:
    """A number as printed with what follows it: `141.5万余吨` -> 141.5, 万吨, 余."""

    value: str  # as printed, without 万/亿
    unit: str  # as printed, with 万/亿 (％ spelled %)
    qualifier: str
    end: int  # end of the unit and any trailing qualifier in the text
    unit_word: str  # the unit without 万/亿
    notes: list[str] = field(default_factory=list)


def _printed_value(token: NumberToken) -> tuple[str, str]:
    """The printed number without its multiplier, and the multiplier ('' / 万 / 亿)."""
    if token.script == "arabic":
        return token.digits, token.text[len(token.digits):]
    if len(token.text) > 1 and token.text[-1] in _MULTIPLIER_CHARS:
        return token.text[:-1], token.text[-1]  # 十二万 -> 十二, 万
    return token.text, ""


def read_quantity(text: str, token: NumberToken) -> Quantity:
    """Read the unit and qualifier around a number token.

    Handles 以上 after the unit, 余/多 between the number and the unit (also between 万
    and the unit: 141.5万余吨, and before 万: 2000多万元), and 约/近 before the number.
    """
    value, multiplier = _printed_value(token)
    pos = token.end  # after the number and any 万/亿 it carries (141.5万 in 141.5万余吨)
    qualifier, notes = "", []
    if _char(text, pos) in ("余", "多"):
        qualifier, pos = text[pos], pos + 1  # 300余人, 141.5万余吨
    if not multiplier and qualifier and _char(text, pos) in ("万", "亿"):
        multiplier, pos = text[pos], pos + 1  # 2000多万元
    words = _UNIT_WORDS if token.script == "chinese" else _ARABIC_UNIT_WORDS
    unit_word = next((w for w in words if text.startswith(w, pos)), "")
    pos += len(unit_word)
    if text.startswith("以上", pos):
        if qualifier:
            notes.append(f"also printed 以上 after the unit (kept {qualifier})")
        else:
            qualifier = "以上"
        pos += 2
    elif not qualifier and unit_word and _char(text, pos) in ("余", "多") and (
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
        counted = _words_after(text, pos)
        unit_word = "项" if re.search(MAJOR_ITEMS, counted) else "个"
        notes.append(f"printed {value}大{counted}: counted in {unit_word}")
    return Quantity(value, multiplier + unit_word, qualifier, pos, unit_word, notes)


def _plain_or_empty(value: Decimal | None) -> str:
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


# --------------------------------------------------------------------------------------
# The report's structure: sections, sentences and as-of expressions
# --------------------------------------------------------------------------------------

def _line_start(text: str, pos: int) -> bool:
    """True when only spaces stand between the start of the line and `pos`."""
    line_begin = text.rfind("\n", 0, pos) + 1
    return text[line_begin:pos].strip(SPACES) == ""


def _clause_start(text: str, pos: int) -> bool:
    """True when `pos` opens a clause: at a line start or after punctuation."""
    while pos > 0 and text[pos - 1] in SPACES:
        pos -= 1
    return pos == 0 or text[pos - 1] in CLAUSE_BREAKS


def sentence_ends(text: str) -> list[int]:
    """Positions of every sentence end (。；;！？ or newline), for sentence_bounds."""
    return [i for i, ch in enumerate(text) if ch in SENTENCE_ENDS]


def sentence_bounds(text: str, pos: int, ends: list[int] | None = None) -> tuple[int, int]:
    """The sentence around `pos`: after the previous 。；;！？ or newline, through the next.

    Leading spaces are left out; the closing punctuation is kept (a newline is not).
    `ends` (from sentence_ends) saves searching the text again for every number.
    """
    if ends is None:
        ends = sentence_ends(text)
    after = bisect.bisect_left(ends, pos)
    start = ends[after - 1] + 1 if after > 0 else 0
    end = ends[after] if after < len(ends) else len(text)
    while start < pos and text[start] in SPACES:
        start += 1
    if end < len(text) and text[end] != "\n":
        end += 1
    while end > start and text[end - 1] in SPACES:
        end -= 1
    return start, end


@dataclass(frozen=True)
class SectionMark:
    """Where a section, sub-section or list item begins, and its label (五, 五(三))."""

    pos: int
    label: str
    heading: str  # the words after the marker up to the end of the sentence


def section_marks(text: str) -> list[SectionMark]:
    """The section markers in text order: 一、 at a line start, (一)/（一） and 一是 at a clause start.

    A section's label nests its sub-sections: 五 -> 五(三) for the 三是 item under 五.
    """
    found = []
    for level, pattern in ((0, _SECTION_MARKER), (1, _SUBSECTION_MARKER), (2, _LIST_ORDINAL)):
        for match in pattern.finditer(text):
            # 一、 only opens a section at a line start (else 低保、五保 would); （一） is
            # unambiguous anywhere; 一是 must open a clause (else 统一是 would).
            if level == 1 or (_line_start if level == 0 else _clause_start)(text, match.start()):
                found.append((match.start(), level, match.group("n"), match.end()))
    marks, levels, ends = [], ["", "", ""], sentence_ends(text)
    for pos, level, number, end in sorted(found):
        levels[level] = number
        for deeper in range(level + 1, 3):
            levels[deeper] = ""
        label = levels[0] + "".join(f"({n})" for n in levels[1:] if n)
        heading_end = sentence_bounds(text, end, ends)[1] if end < len(text) else end
        marks.append(SectionMark(pos, label, text[end:heading_end].strip(SPACES + "。；;")))
    return marks


@dataclass(frozen=True)
class AsOf:
    """An as-of expression as printed, and whether it carries over to later sentences."""

    start: int
    end: int
    printed: str
    carried: bool


def as_of_expressions(text: str) -> list[AsOf]:
    """Every as-of expression in the text, in order (see _CARRIED_AS_OF and _CLAUSE_AS_OF)."""
    found: dict[int, AsOf] = {}
    for match in _CARRIED_AS_OF.finditer(text):
        found[match.start()] = AsOf(match.start(), match.end(), match.group(), True)
    for match in _CLAUSE_AS_OF.finditer(text):
        if match.start() in found or not _clause_start(text, match.start()):
            continue
        if any(a.start <= match.start() < a.end for a in found.values()):
            continue
        printed = match.group()
        # "10月底," at a clause start reads as 截至10月底: it holds like one.
        carried = bool(re.fullmatch(rf"(?:\d{{4}}年|今年)?{_N}月(?:底|末)", printed))
        found[match.start()] = AsOf(match.start(), match.end(), printed, carried)
    return [found[pos] for pos in sorted(found)]


Span = tuple[int, int, str, str]  # start, end, reason, printed text


def not_figure_spans(text: str) -> list[Span]:
    """Spans of the text whose numbers are not figures, in priority order.

    Dates, times, years and ranges first; then fixed names and words.
    """
    spans = []
    for reason, pattern in _NOT_FIGURE_PATTERNS:
        spans += [(m.start(), m.end(), reason, m.group()) for m in pattern.finditer(text)]
    for reason, vocabulary in (("part of a name", FIXED_NAMES), ("word", WORDS)):
        for word in sorted(vocabulary, key=len, reverse=True):
            start = text.find(word)
            while start != -1:
                spans.append((start, start + len(word), reason, word))
                start = text.find(word, start + 1)
    return spans


class SpanIndex:
    """The not-figure spans by position, so each number looks up only the spans over it."""

    def __init__(self, spans: list[Span]):
        self._at: dict[int, list[Span]] = {}
        for span in spans:  # priority order is kept in each position's list
            for pos in range(span[0], span[1]):
                self._at.setdefault(pos, []).append(span)

    def covering(self, start: int, end: int) -> tuple[str, str] | None:
        """(reason, printed text) of the first span (in priority order) holding [start, end)."""
        for span_start, span_end, reason, printed in self._at.get(start, ()):
            if span_start <= start and end <= span_end:
                return reason, printed
        return None


# --------------------------------------------------------------------------------------
# Guesses for the descriptive columns
# --------------------------------------------------------------------------------------

def _clause_before(text: str, pos: int, breaks: set[str] = CLAUSE_BREAKS) -> int:
    """Start of the clause that ends at `pos`."""
    start = pos
    while start > 0 and text[start - 1] not in breaks:
        start -= 1
    return start


def _words_after(text: str, pos: int) -> str:
    """The words right after a unit, up to punctuation or the next number (a counted noun)."""
    end = pos
    while end < len(text) and text[end] not in CLAUSE_BREAKS and text[end] not in SPACES \
            and not text[end].isdigit() and end - pos < _LABEL_MAX:
        end += 1
    return text[pos:end]


def _clause_end(text: str, pos: int) -> int:
    """End of the clause from `pos`: the next punctuation (quotation marks do not end it)."""
    end = pos
    while end < len(text) and text[end] not in LABEL_BREAKS and text[end] not in SPACES:
        end += 1
    return end


def counted_noun(text: str, pos: int) -> tuple[str, str]:
    """What a measure word counts, and what the clause then says about it.

    104个|超过100名脱贫人口的易地搬迁安置点|已全部建设就业帮扶车间 -> the noun (a threshold
    phrase such as 超过100名…的 belongs to it) and the predicate; 56家企业90个产品 -> 企业, ''.
    """
    end = _clause_end(text, pos)
    start = pos
    for word in _THRESHOLD_WORDS:  # 超过100名脱贫人口的 qualifies the noun that follows
        if text.startswith(word, pos) and "的" in text[pos:end]:
            start = text.index("的", pos, end) + 1
            break
    noun_end = start
    while noun_end < end and not text[noun_end].isdigit() \
            and not any(text.startswith(word, noun_end) for word in _PREDICATE_STARTS):
        if text[noun_end] in "”」\"" and "“" not in text[pos:noun_end]:
            return text[pos:noun_end], ""  # “党建+七大专项行动”为抓手: the quotation ends the noun
        noun_end += 1
    predicate = text[noun_end:end]
    if re.search(r"\d", predicate):  # another figure follows: 56家企业90个产品
        predicate = ""
    return text[pos:noun_end], predicate


def guess_label(text: str, token_start: int, quantity: Quantity, previous_end: int, previous_label: str) -> str:
    """A short Chinese noun phrase for a figure.

    A count names what its measure word counts, with what is said about it when that is short
    (597个村庄已完成村庄规划准备工作 -> 已完成村庄规划准备工作的村庄); other figures take the
    words before the number back to the clause start or the previous figure (监测对象16869户 ->
    监测对象), without place and time words or joining verbs (今年省定邵阳市农村改厕任务目标 ->
    省定农村改厕任务目标); a figure listed right after another (16869户42750人) takes the label
    the caller passes in. Rates read as rates (完成目标任务数的104.03% -> 完成目标任务数比例).
    """
    _, base = normalise_figure("1", quantity.unit)
    if base == "count":
        noun, predicate = counted_noun(text, quantity.end)
        noun, predicate = _clean_label(noun), _clean_label(re.sub("了", "", predicate))
        if noun:
            phrase = f"{predicate}的{noun}"
            return phrase if predicate and len(phrase) <= _LONG_LABEL_MAX else noun[:_LONG_LABEL_MAX]
    clause_start = _clause_before(text, token_start, LABEL_BREAKS)
    start = max(clause_start, previous_end)
    before = text[start:token_start]
    if quantity.qualifier in ("约", "近") and before.endswith(quantity.qualifier):
        before = before[:-1]
    if _char(text, clause_start - 1) == "、" and "等" in before:
        before = before[before.rindex("等") + 1:]  # 生态护林员、物业保安等公益岗位 -> 公益岗位
    label = _clean_label(before)[-_LABEL_MAX:] or previous_label or _clean_label(_words_after(text, quantity.end))
    after = text[quantity.end:_clause_end(text, quantity.end)]
    if base in ("persons", "households") and label and 0 < len(after) <= 8 and not re.search(r"\d", after):
        # 巩固提升4.3万人饮水安全: the people whose drinking water was secured, counted.
        label = label + after + _PAIR_SUFFIXES[base]
    if base == "percent" and label and not re.search("(?:率|比|比例|占比|比重)$", label):
        label += "比例"
    return label


def _clean_label(words: str) -> str:
    """Drop place and time words and joining verbs: 今年邵阳市共有监测对象 -> 监测对象, 完成率为 -> 完成率."""
    words = _LABEL_PLACES.sub("", words.strip(SPACES))
    return _LABEL_TRAILING.sub("", _LABEL_LEADING.sub("", words))


def guess_kind(text: str, token: NumberToken, quantity: Quantity, base_unit: str) -> str:
    """cumulative / stock / target / rate / plan / count from the unit and the clause's verbs."""
    clause = text[_clause_before(text, token.start, LABEL_BREAKS):token.start]
    if base_unit in ("percent", "percentage_points"):
        return "rate"
    if re.search("任务|目标|计划", clause) and not re.search("已|累计", clause):
        return "target"
    if re.search("规划|安排", clause):
        return "plan"
    if re.search("的有|共有|现有|其中", clause):
        return "stock"  # 已消除返贫风险的有4556户: how many stand so at the date
    if re.search("累计|已|完成|清理|开发", clause):
        return "cumulative"
    if re.search("有", clause):
        return "stock"
    if base_unit == "count":
        return "count"
    return ""


def load_campaigns(path: Path | None = None) -> dict[str, str]:
    """Campaign id -> Chinese name from data/reference/campaigns.csv ({} if there is none).

    Without a path, the project's own reference table is used.
    """
    if path is None:
        from ..io.paths import project_root  # only when needed: the drafting itself has no project
        path = project_root() / "data" / "reference" / "campaigns.csv"
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return {}
    if not {"campaign", "name_zh"} <= set(table.columns):
        return {}
    return dict(zip(table["campaign"], table["name_zh"]))


# Words every section heading may use: two headings sharing only these share no campaign
# (推进农村供水保障专项行动 is not “党建+七大专项行动”乡村建设).
_GENERIC_HEADING_WORDS = re.compile("专项督导行动|专项行动|秋冬攻坚|推进|开展|加快|加强|大力|扎实|持续|行动|工作")


def guess_campaign(heading: str, campaigns: dict[str, str]) -> str:
    """The campaign whose Chinese name shares the longest run of characters (4 or more)
    with the section heading, if one clearly does: 推进农村危房改造专项行动 -> housing."""
    best, best_length, tie = "", 0, False
    plain = _GENERIC_HEADING_WORDS.sub("", heading.replace("“", "").replace("”", ""))
    for campaign, name in campaigns.items():
        name = _GENERIC_HEADING_WORDS.sub("", name.replace("“", "").replace("”", ""))
        match = difflib.SequenceMatcher(None, plain, name, autojunk=False).find_longest_match(
            0, len(plain), 0, len(name))
        if match.size > best_length:
            best, best_length, tie = campaign, match.size, False
        elif match.size == best_length:
            tie = True
    return best if best_length >= 4 and not tie else ""


# --------------------------------------------------------------------------------------
# The draft
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportDates:
    """The year and period end used to resolve as-of expressions (either may be unknown)."""

    year: int | None
    period_end: dt.date | None

    @classmethod
    def of(cls, text: str, period: str | None) -> "ReportDates":
        """From the period (YYYY-MM), else from the text: the first YYYY年, and the month of a
        title such as 2021年1-10月 for the period end."""
        if period is not None:
            match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", period)
            if not match:
                raise ValueError(f"period {period!r} is not of the form YYYY-MM (for example 2021-10)")
            year, month = int(match.group(1)), int(match.group(2))
            return cls(year, dt.date(year, month, calendar.monthrange(year, month)[1]))
        year_match = re.search(r"(?<!\d)((?:19|20)\d{2})年", text)
        if not year_match:
            return cls(None, None)
        year = int(year_match.group(1))
        title = re.search(r"(?<!\d)((?:19|20)\d{2})年(?:\d{1,2}\s*[-—至~]\s*)?(\d{1,2})月(?!\s*\d{1,2}日)", text)
        if title and int(title.group(1)) == year and 1 <= int(title.group(2)) <= 12:
            month = int(title.group(2))
            return cls(year, dt.date(year, month, calendar.monthrange(year, month)[1]))
        return cls(year, None)

    def resolve(self, as_of: str) -> str:
        """ISO date of an as-of expression, or '' when it cannot be resolved."""
        if self.year is None:
            return ""
        unknown_end = dt.date(1, 1, 1)  # stands in for an unknown period end
        try:
            date = resolve_as_of(as_of, self.year, self.period_end or unknown_end)
        except ValueError:
            return ""
        return "" if date == unknown_end else date.isoformat()


_THRESHOLD_WORDS = ("超过", "不少于", "不低于", "多于", "高于")


def _threshold(text: str, token: NumberToken, quantity: Quantity, previous_end: int) -> str:
    """The phrase when a number is a threshold inside a definition, else ''.

    In 104个超过100名脱贫人口的易地搬迁安置点 the figure is 104 (sites); 100 only defines
    which sites are meant. The shape: a counted figure, then 超过 (or 不少于...), then the
    number, then words up to 的 within the same clause.
    """
    for word in _THRESHOLD_WORDS:
        if text.startswith(word, token.start - len(word)) and previous_end == token.start - len(word):
            clause_end = quantity.end
            while clause_end < len(text) and text[clause_end] not in CLAUSE_BREAKS:
                clause_end += 1
            if "的" in text[quantity.end:clause_end]:
                return text[token.start - len(word):text.index("的", quantity.end) + 1]
    return ""


def _classify(text: str, token: NumberToken, quantity: Quantity, spans: SpanIndex, quoted: SpanIndex,
              previous_end: int) -> tuple[str, str] | None:
    """Why the token is not a figure, as (reason, note), or None when it is a figure.

    `spans` holds the dates, names and words (not_figure_spans), `quoted` the text in
    quotation marks, `previous_end` the end of the previous figure's unit.
    """
    hit = spans.covering(token.start, token.end)
    if hit and hit[0] in ("date", "date range"):
        begin = next(s for s in range(token.start, -1, -1) if text.startswith(hit[1], s))
        for word in ("截至", "截止到", "截止至", "截止"):
            if text.startswith(word, begin - len(word)):
                return "as-of date", word + hit[1]  # as the 2021-10 transcription says it
    if hit and hit[0] not in ("part of a name", "word"):
        return hit
    after = _char(text, token.end)
    if token.script == "chinese":
        if after in ("、", ".", "．") and _line_start(text, token.start):
            return "section number", token.text + after
        if _char(text, token.start - 1) in ("(", "（") and after in (")", "）"):
            return "section number", text[token.start - 1:token.end + 1]
        if after == "是" and _clause_start(text, token.start):
            return "list ordinal", token.text + "是"
    else:
        marker = _ARABIC_MARKER.match(text, token.start - (1 if _char(text, token.start - 1) in ("(", "（") else 0))
        if marker and _line_start(text, marker.start()):
            return "section number", marker.group()
    if _char(text, token.start - 1) == "第":
        return "ordinal", "第" + token.text
    threshold = _threshold(text, token, quantity, previous_end)
    if threshold:
        return "threshold", threshold
    if hit:
        return hit
    if token.script == "chinese":
        value = _printed_value(token)[0]
        if value[0] not in "零〇一二两三四五六七八九十" or not quantity.unit_word:
            in_quotes = quoted.covering(token.start, token.end)
            if in_quotes:
                return "part of a name", in_quotes[1]
            return "word", text[max(0, token.start - 1):token.end + 1].strip(_BREAKS_AND_SPACES)
        if parse_value(value) is None:
            return "word", token.text
        return None
    neighbours = _char(text, token.start - 1) + after
    if re.search(r"[A-Za-z]", neighbours):
        return "part of a name", text[max(0, token.start - 1):token.end + 1].strip(_BREAKS_AND_SPACES)
    digits = token.text
    if not quantity.unit and not quantity.qualifier and re.fullmatch(r"(?:19|20)\d{2}", digits):
        return "year", digits
    return None


@dataclass
class DraftedNumber:
    """One number of a report as the draft reads it: where it stands and what it seems to be.

    Every number gets a status (figure / not-figure), its quantity as printed, its place
    (section, sentence, occurrence in the sentence) and its as-of expression; figures also get
    guesses for label, kind and campaign. The carry-over matches these places month to month.
    """

    token: NumberToken
    status: str
    reason: str  # why it is not a figure ('' for figures)
    note: str  # the words matched for a not-figure; review hints for a figure
    quantity: Quantity
    section: str  # 五(三)
    heading: str  # the words of the innermost section, list item or paragraph heading
    quote_start: int
    quote_end: int
    occurrence: int  # the n-th number printed as this value in its sentence
    as_of: str = ""
    as_of_source: str = ""  # where an as-of taken from another sentence came from ('' if its own)
    label: str = ""
    kind: str = ""
    campaign: str = ""
    value_normalised: str = ""
    base_unit: str = ""

    @property
    def start(self) -> int:
        return self.token.start

    @property
    def value(self) -> str:
        """The printed value: without 万/亿 for a figure, the whole token for a not-figure."""
        return self.quantity.value if self.status == FIGURE else self.token.text


def draft_numbers(text: str, period: str | None = None, *,
                  campaigns: dict[str, str] | None = None) -> list[DraftedNumber]:
    """Read every number token of `text`, in text order (see draft_figures for the table)."""
    if campaigns is None:
        campaigns = load_campaigns()
    tokens = find_number_tokens(text)
    spans = SpanIndex(not_figure_spans(text))
    quoted = SpanIndex([(m.start(), m.end(), "quoted", m.group()) for m in _QUOTED.finditer(text)])
    ends = sentence_ends(text)
    marks = section_marks(text)
    mark_positions = [mark.pos for mark in marks]
    campaign_of = {}
    for mark in marks:
        parent = mark.label.split("(")[0]
        campaign_of[mark.label] = guess_campaign(mark.heading, campaigns) or campaign_of.get(parent, "")

    numbers: list[DraftedNumber] = []
    unit_floor = 0  # end of the previous figure's unit: numbers inside it belong to it
    previous: DraftedNumber | None = None  # the previous figure
    base_label = ""  # the previous figure's label before a pair suffix
    seen: dict[tuple[int, str], int] = {}  # (quote start, printed value) -> numbers so far
    for token in tokens:
        mark_index = bisect.bisect_right(mark_positions, token.start) - 1
        mark = marks[mark_index] if mark_index >= 0 else None
        quote_start, quote_end = sentence_bounds(text, token.start, ends)
        quantity = read_quantity(text, token)
        # occurrence: the n-th separate number printed as this value in the quote.
        printed = _printed_value(token)[0]
        seen[quote_start, printed] = seen.get((quote_start, printed), 0) + 1
        number = DraftedNumber(token, FIGURE, "", "", quantity, mark.label if mark else "",
                               mark.heading if mark else "", quote_start, quote_end, seen[quote_start, printed])
        numbers.append(number)
        why_not = ("part of a unit", text[token.start:token.end]) if token.start < unit_floor else \
            _classify(text, token, quantity, spans, quoted, unit_floor)
        if why_not:
            number.status, number.reason, number.note = NOT_FIGURE, why_not[0], why_not[1]
            continue

        value_normalised, base_unit = normalise_figure(quantity.value, quantity.unit)
        notes = list(quantity.notes)
        if not quantity.unit:
            notes.append("no unit printed")
        elif quantity.unit not in BASE_UNITS:
            notes.append(f"unit {quantity.unit} is not in BASE_UNITS")
        if token.script == "chinese":
            notes.append("Chinese numeral")
        # Figures listed one after another (16869户42750人; 5640户,56.4万平方米) describe the
        # same thing: the second takes the first one's label and kind unless it has its own, and
        # each then says what it counts (监测对象户数, 监测对象人数).
        listed = previous is not None and unit_floor > quote_start \
            and not text[unit_floor:token.start].strip(_BREAKS_AND_SPACES)
        label = guess_label(text, token.start, quantity, unit_floor, base_label if listed else "")
        # A figure whose clause says nothing of its kind takes the kind of the figure before it in
        # the same sentence (边缘易致贫户4989户 after 其中脱贫不稳定户7850户…;).
        same_sentence = previous is not None and not any(ch in FULL_STOPS for ch in text[previous.start:token.start])
        kind = guess_kind(text, token, quantity, base_unit) or (previous.kind if listed or same_sentence else "")
        number.label, number.kind, number.note = label, kind, "; ".join(notes)
        number.campaign = campaign_of.get(number.section, "")
        number.value_normalised, number.base_unit = _plain_or_empty(value_normalised), base_unit
        if listed and label == base_label and base_unit != previous.base_unit \
                and base_unit in _PAIR_SUFFIXES and previous.base_unit in _PAIR_SUFFIXES:
            previous.label = base_label + _PAIR_SUFFIXES[previous.base_unit]
            number.label = base_label + _PAIR_SUFFIXES[base_unit]
        unit_floor, previous, base_label = quantity.end, number, label

    _resolve_as_of(text, numbers, marks)
    return numbers


def draft_figures(text: str, period: str | None = None, *, campaigns: dict[str, str] | None = None) -> pd.DataFrame:
    """Draft a figure transcription: one row per number token in `text`, in text order.

    `period` (YYYY-MM) resolves as-of dates; without it the year is taken from the text.
    `campaigns` maps campaign ids to Chinese names for guessing each section's campaign;
    None uses the project's data/reference/campaigns.csv, {} guesses none.
    Columns: COLUMNS (the 13 transcription columns, then the review columns).
    """
    dates = ReportDates.of(text, period)
    rows = []
    for number in draft_numbers(text, period, campaigns=campaigns):
        row = dict.fromkeys(COLUMNS, "")
        row.update(section=number.section, value=number.value, quote=text[number.quote_start:number.quote_end],
                   occurrence=number.occurrence, quote_start=number.quote_start, quote_end=number.quote_end,
                   token_start=number.start, status=number.status, reason=number.reason, note=number.note)
        if number.status == FIGURE:
            notes = [number.note] if number.note else []
            if number.as_of_source:
                notes.append(number.as_of_source)
            row.update(campaign=number.campaign, label=number.label, kind=number.kind, unit=number.quantity.unit,
                       qualifier=number.quantity.qualifier, as_of=number.as_of, note="; ".join(notes),
                       value_normalised=number.value_normalised, base_unit=number.base_unit,
                       as_of_date=dates.resolve(number.as_of))
        rows.append(row)
    width = max(3, len(str(len(rows))))
    for index, row in enumerate(rows, start=1):
        row["figure_id"] = f"draft.{index:0{width}d}"
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("occurrence", "quote_start", "quote_end", "token_start"):
        table[column] = table[column].astype("int64")
    return table


def _resolve_as_of(text: str, numbers: list[DraftedNumber], marks: list[SectionMark]) -> None:
    """Give every number the as-of expression that governs it (see the module's docstring).

    Sentences here end at 。！？ or a line end: clauses joined by ； share the as-of that opens them.

    1. The latest as-of expression before the number in its own sentence.
    2. Else the latest one earlier in the same section and paragraph, if it is a 截至… (a
       clause-framing one such as 9月6日至11日 ends the search) and either its sentence holds no
       figure (it leads the section: 截至10月15日,各县市区… then 县市区本级…30597万元) or the
       number's sentence opens with 其中 right after it.
    3. Else none: the figure stands at the end of the period.
    """
    as_ofs = as_of_expressions(text)
    as_of_ends = [as_of.end for as_of in as_ofs]
    mark_positions = [mark.pos for mark in marks]
    ends = [i for i, ch in enumerate(text) if ch in FULL_STOPS]
    figure_sentences = {sentence_bounds(text, n.start, ends)[0] for n in numbers if n.status == FIGURE}
    for number in numbers:
        pos = number.start
        sentence_start = sentence_bounds(text, pos, ends)[0]
        index = bisect.bisect_right(as_of_ends, pos)  # the expressions that end before pos
        before = as_ofs[:index]
        own = [a for a in before if a.start >= sentence_start]
        if own:
            number.as_of = own[-1].printed
            continue
        mark_index = bisect.bisect_right(mark_positions, pos) - 1
        section_start = marks[mark_index].pos if mark_index >= 0 else 0
        floor = max(text.rfind("\n", 0, pos) + 1, section_start)
        earlier = [a for a in before if a.start >= floor]
        if not earlier or not earlier[-1].carried:
            continue
        as_of = earlier[-1]
        as_of_sentence = sentence_bounds(text, as_of.start, ends)
        leads = as_of_sentence[0] not in figure_sentences
        continues = text.startswith("其中", sentence_start) and \
            sentence_bounds(text, max(sentence_start - 1, 0), ends)[0] == as_of_sentence[0]
        if leads or continues:
            number.as_of = as_of.printed
            where = "the sentence before (其中 continues it)" if continues and not leads else \
                "an earlier sentence of its section"
            number.as_of_source = f"as-of date taken from {where}: {as_of.printed}"


# --------------------------------------------------------------------------------------
# Comparing a draft with a hand transcription
# --------------------------------------------------------------------------------------

def _same_place(quote_a: str, offset_a: int, length_a: int, quote_b: str, offset_b: int, length_b: int) -> bool:
    """True when two quotes of the same text put their numbers at the same place.

    Both quotes are verbatim pieces of one text, so if the numbers sit at the same
    position the text before them agrees as far back as both quotes go, and the text
    after them as far forward.
    """
    left_a, left_b = quote_a[:offset_a], quote_b[:offset_b]
    right_a, right_b = quote_a[offset_a + length_a:], quote_b[offset_b + length_b:]
    left = min(len(left_a), len(left_b))
    right = min(len(right_a), len(right_b))
    return (left == 0 or left_a[-left:] == left_b[-left:]) and right_a[:right] == right_b[:right]


def compare_with_transcription(draft: pd.DataFrame, transcription: pd.DataFrame) -> pd.DataFrame:
    """What the draft's figures and a hand transcription each have that the other lacks.

    Rows match on the normalised value and base unit, and on the number's place in the
    text: the transcription's value is found in its quote (its `occurrence`-th separate
    appearance) and the two quotes must agree around it. Each draft row matches at most
    one transcription row. Returns COMPARE_COLUMNS: draft rows first, then transcription
    rows, each in their own order.
    """
    figures = draft[draft["status"] == FIGURE] if "status" in draft.columns else draft
    candidates: dict[tuple, list[int]] = {}
    for index, row in figures.iterrows():
        key = (str(row["value_normalised"]), str(row["base_unit"]))
        candidates.setdefault(key, []).append(index)
    matched: set = set()
    missing = []
    for _, row in transcription.iterrows():
        value, unit, quote = str(row.get("value", "")), str(row.get("unit", "")), str(row.get("quote", ""))
        occurrence_text = str(row.get("occurrence", "") or "").strip()
        occurrence = int(occurrence_text) if occurrence_text.isdigit() else 1
        normalised, base = normalise_figure(value, unit)
        offset = locate_value(quote, value, occurrence)
        found = None
        if normalised is not None and offset is not None:
            for index in candidates.get((_plain_or_empty(normalised), base), []):
                if index in matched:
                    continue
                candidate = figures.loc[index]
                draft_offset = int(candidate["token_start"]) - int(candidate["quote_start"])
                if _same_place(quote, offset, len(value), str(candidate["quote"]), draft_offset,
                               len(str(candidate["value"]))):
                    found = index
                    break
        if found is None:
            missing.append(("only in transcription", str(row.get("figure_id", "")), value, unit, quote))
        else:
            matched.add(found)
    extra = [("only in draft", row["figure_id"], row["value"], row["unit"], row["quote"])
             for index, row in figures.iterrows() if index not in matched]
    return pd.DataFrame(extra + missing, columns=COMPARE_COLUMNS)


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------

class DraftInputError(Exception):
    """Bad input to the draft command: the message names the file and the problem."""


def read_report(path: Path) -> str:
    """The report's text. Raises DraftInputError for a missing, unreadable or non-UTF-8 file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DraftInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DraftInputError(f"{path}: is a folder, expected a report text file") from None
    except OSError as exc:
        raise DraftInputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    text = decode_report(data, path)
    return text[1:] if text.startswith("\ufeff") else text  # a byte-order mark is still UTF-8; it is dropped


def decode_report(data: bytes, path: Path) -> str:
    """A report's bytes as text, exactly (a byte-order mark stays, as the cleaning stage reads it).

    Raises DraftInputError naming the first byte that is not UTF-8, and whether the bytes
    read as GBK/GB18030 (the usual other encoding of Chinese web pages).
    """
    if len(data) > MAX_REPORT_BYTES:
        # The same bound as a run's: a bureau report is a few KB, and drafting 10 MB takes minutes.
        raise DraftInputError(f"{path}: the file is {len(data) / 1_000_000:.1f} MB; a bureau report is a few KB "
                              f"(at most {MAX_REPORT_BYTES / 1_000_000:.0f} MB of report text). Is this the right file? "
                              "Save only the report's own text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start:exc.end]
        line = data[:exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = " It decodes as GBK/GB18030; convert it first, e.g. iconv -f GB18030 -t UTF-8."
        except UnicodeDecodeError:
            pass
        raise DraftInputError(
            f"{path}: not UTF-8 text: byte offset {exc.start} (line {line}) holds {bad!r}, which "
            f"cannot be decoded as UTF-8 ({exc.reason}).{hint}") from None


def read_transcription(path: Path) -> pd.DataFrame:
    """A hand transcription (figures.csv) as text columns. Raises DraftInputError if unusable."""
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DraftInputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise DraftInputError(f"{path}: not UTF-8 text: byte offset {exc.start} holds "
                              f"{exc.object[exc.start:exc.end]!r} ({exc.reason})") from None
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DraftInputError(f"{path}: cannot be read as CSV ({str(exc).strip()})") from None
    missing = [column for column in ("figure_id", "value", "unit", "quote") if column not in table.columns]
    if missing:
        raise DraftInputError(f"{path}: missing column(s) {', '.join(missing)}; expected the figures.csv "
                              f"columns {', '.join(TRANSCRIPTION_COLUMNS)}")
    return table


def find_period_transcription(report: Path, period: str) -> Path | None:
    """data/raw/<period>/figures.csv in the report's folder or one of its parents, if any."""
    folder = Path(report).resolve().parent
    for parent in (folder, *folder.parents):
        candidate = parent / "data" / "raw" / period / "figures.csv"
        if candidate.is_file():
            return candidate
    return None


def _write_csv(table: pd.DataFrame, out: Path | None) -> None:
    data = table.to_csv(index=False, lineterminator="\n")
    if out is None:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(data.encode("utf-8"))
            buffer.flush()
        else:
            sys.stdout.write(data)
    else:
        Path(out).write_text(data, encoding="utf-8", newline="")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def draft_command(report: Path, period: str | None, out: Path | None, compare: Path | None) -> int:
    """`shaoyang-report draft REPORT.txt [--period YYYY-MM] [--out FILE] [--compare FILE]`.

    Writes the draft CSV to `out` (or stdout), a summary to stderr, and returns the exit
    code: 0 when the draft was written (also when it holds no figures), 2 for bad input
    (missing or non-UTF-8 report, malformed period, unreadable transcription, unwritable
    output), 1 for an unexpected failure (reported in one line, without a traceback).
    With a period and no `compare`, the period's data/raw/<period>/figures.csv found
    from the report's folder is compared automatically.
    """
    report = Path(report)
    try:
        _draft_command(report, period, out, compare)
    except DraftInputError as exc:
        _say(f"error: {exc}")
        return 2
    except OSError as exc:
        _say(f"error: {out or 'standard output'}: cannot write the draft ({exc.strerror or exc})")
        return 2
    except Exception as exc:  # a bug here must still not end in a traceback for the analyst
        _say(f"error: drafting {report} failed ({type(exc).__name__}: {exc}); please report this with the file")
        return 1
    return 0


def _draft_command(report: Path, period: str | None, out: Path | None, compare: Path | None) -> None:
    """The work of draft_command, raising DraftInputError / OSError for bad input."""
    if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise DraftInputError(f"--period {period!r} is not of the form YYYY-MM (for example 2021-10)")
    text = read_report(report)
    if compare is None and period is not None:
        compare = find_period_transcription(report, period)
    transcription = read_transcription(compare) if compare is not None else None
    draft = draft_figures(text, period)
    _write_csv(draft, out)

    figures = int((draft["status"] == FIGURE).sum())
    others = len(draft) - figures
    if figures == 0:
        _say(f"{report}: no figures found ({others} other number(s)).")
    else:
        _say(f"{report}: {figures} figure(s), {others} not-figure(s)"
             + (f"; draft written to {out}" if out is not None else ""))
    if transcription is None:
        return
    differences = compare_with_transcription(draft, transcription)
    only_draft = int((differences["side"] == "only in draft").sum())
    only_transcription = int((differences["side"] == "only in transcription").sum())
    _say(f"compared with {compare}: {len(transcription) - only_transcription} of {len(transcription)} "
         f"transcribed figure(s) found in the draft; {only_transcription} only in the transcription, "
         f"{only_draft} only in the draft")
    for _, row in differences.iterrows():
        quote = row["quote"] if len(row["quote"]) <= 40 else row["quote"][:40] + "…"
        _say(f"  {row['side']}: {row['figure_id']} {row['value']}{row['unit']} in {quote}")
