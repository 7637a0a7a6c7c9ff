"""Is a number a figure? The draft's reasons for the numbers that are not.

Reasons a number is not a figure: date, as-of date (截至10月25日), time, year, date range, section
number, list ordinal (一是), ordinal (第三), part of a name (两不愁、三保障, “湘九味”, 5G), word
(一线, 清零, 扫一扫, 无一人), part of a unit (the 百 of 个百分点, decided by the draft), threshold
(超过100名…的), document number (〔2021〕1号), address, phone number. The note says which words
were matched. The words and patterns are the vocabulary's; section markers are text.segments'.
"""

from __future__ import annotations

import re

from ..text.numbers import NumberToken
from ..text.segments import (ARABIC_SECTION_NUMBER, BREAKS_AND_SPACES, CLAUSE_BREAKS, LIST_ORDINAL, SECTION_NUMBER,
                             SUBSECTION_NUMBER, char_at, clause_start, line_start)
from .quantities import Quantity, parse_value, printed_value
from .vocabulary import FIXED_NAMES, NOT_FIGURE_PATTERNS, THRESHOLD_WORDS, WORDS

FIGURE, NOT_FIGURE = "figure", "not-figure"  # a number's status in the draft
Span = tuple[int, int, str, str]  # start, end, reason, printed text


def not_figure_spans(text: str) -> list[Span]:
    """Spans of the text whose numbers are not figures, in priority order.

    Dates, times, years and ranges first; then fixed names and words.
    """
    spans = []
    for reason, pattern in NOT_FIGURE_PATTERNS:
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


def threshold(text: str, token: NumberToken, quantity: Quantity, previous_end: int) -> str:
    """The phrase when a number is a threshold inside a definition, else ''.

    In 104个超过100名脱贫人口的易地搬迁安置点 the figure is 104 (sites); 100 only defines
    which sites are meant. The shape: a counted figure, then 超过 (or 不少于...), then the
    number, then words up to 的 within the same clause.
    """
    for word in THRESHOLD_WORDS:
        if text.startswith(word, token.start - len(word)) and previous_end == token.start - len(word):
            clause_end = quantity.end
            while clause_end < len(text) and text[clause_end] not in CLAUSE_BREAKS:
                clause_end += 1
            if "的" in text[quantity.end:clause_end]:
                return text[token.start - len(word):text.index("的", quantity.end) + 1]
    return ""


def why_not_a_figure(text: str, token: NumberToken, quantity: Quantity, spans: SpanIndex, quoted: SpanIndex,
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
    after = char_at(text, token.end)
    if token.script == "chinese":
        if SECTION_NUMBER.fullmatch(text, token.start, token.end + 1) and line_start(text, token.start):
            return "section number", token.text + after
        if SUBSECTION_NUMBER.fullmatch(text, max(token.start - 1, 0), token.end + 1) and token.start > 0:
            return "section number", text[token.start - 1:token.end + 1]
        if LIST_ORDINAL.fullmatch(text, token.start, token.end + 1) and clause_start(text, token.start):
            return "list ordinal", token.text + "是"
    else:
        marker = ARABIC_SECTION_NUMBER.match(text, token.start - (1 if char_at(text, token.start - 1) in ("(", "（")
                                                                 else 0))
        if marker and line_start(text, marker.start()):
            return "section number", marker.group()
    if char_at(text, token.start - 1) == "第":
        return "ordinal", "第" + token.text
    phrase = threshold(text, token, quantity, previous_end)
    if phrase:
        return "threshold", phrase
    if hit:
        return hit
    if token.script == "chinese":
        value = printed_value(token)[0]
        if value[0] not in "零〇一二两三四五六七八九十" or not quantity.unit_word:
            in_quotes = quoted.covering(token.start, token.end)
            if in_quotes:
                return "part of a name", in_quotes[1]
            return "word", text[max(0, token.start - 1):token.end + 1].strip(BREAKS_AND_SPACES)
        if parse_value(value) is None:
            return "word", token.text
        return None
    neighbours = char_at(text, token.start - 1) + after
    if re.search(r"[A-Za-z]", neighbours):
        return "part of a name", text[max(0, token.start - 1):token.end + 1].strip(BREAKS_AND_SPACES)
    digits = token.text
    if not quantity.unit and not quantity.qualifier and re.fullmatch(r"(?:19|20)\d{2}", digits):
        return "year", digits
    return None
