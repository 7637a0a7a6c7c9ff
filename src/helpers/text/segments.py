"""The report's structure: sentences, clauses and sections, as the bureau's texts mark them.

Shared by the draft and the carry-over (helpers.intake), which place every number in its
sentence and section, and by the audit's listed counts (helpers.audit.relations), which read the
items of a list up to the end of its section. What a section heading looks like is said here once:
a Chinese numeral and 、 (or . ．) at the start of a line opens a section (一、强化防止返贫动态监测帮扶);
（一） opens a sub-section anywhere; 一是 at the start of a clause opens a list item.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .numbers import CHINESE_DIGITS

SENTENCE_ENDS = "。；;！？!?\n"
FULL_STOPS = "。！？!?\n"  # a sentence in the full sense: its ；-joined clauses share an as-of
CLAUSE_BREAKS = set(SENTENCE_ENDS) | set(",，、:：()（）“”\"'《》「」【】[]>")
# Quotation marks do not end a label: 拆除农村“空心房”5640户 is labelled 拆除农村“空心房”.
LABEL_BREAKS = CLAUSE_BREAKS - set("“”\"'《》「」")
SPACES = " \t\r\u00a0\u2002\u2003\u3000"
BREAKS_AND_SPACES = "".join(sorted(CLAUSE_BREAKS)) + SPACES

# The markers of sections, sub-sections and list items; each names its number as `n`.
SECTION_NUMBER = re.compile(rf"(?P<n>[{CHINESE_DIGITS}]+)[、.．]")  # only at a line start (else 低保、五保 would)
SUBSECTION_NUMBER = re.compile(rf"[(（](?P<n>[{CHINESE_DIGITS}]+)[)）]")
LIST_ORDINAL = re.compile(rf"(?P<n>[{CHINESE_DIGITS}]+)是")  # only at a clause start (else 统一是 would)
# Sections numbered in Arabic digits (1、 1. (1)) at a line start: their numbers are not figures.
ARABIC_SECTION_NUMBER = re.compile(r"(?:\d{1,2}[、．]|\d{1,2}\.(?!\d)|[(（]\d{1,2}[)）])")


def char_at(text: str, pos: int) -> str:
    """The character at `pos`, or '' outside the text (never wraps around like text[-1])."""
    return text[pos] if 0 <= pos < len(text) else ""


def line_start(text: str, pos: int) -> bool:
    """True when only spaces stand between the start of the line and `pos`."""
    line_begin = text.rfind("\n", 0, pos) + 1
    return text[line_begin:pos].strip(SPACES) == ""


def clause_start(text: str, pos: int) -> bool:
    """True when `pos` opens a clause: at a line start or after punctuation."""
    while pos > 0 and text[pos - 1] in SPACES:
        pos -= 1
    return pos == 0 or text[pos - 1] in CLAUSE_BREAKS


def clause_before(text: str, pos: int, breaks: set[str] = CLAUSE_BREAKS) -> int:
    """Start of the clause that ends at `pos`."""
    start = pos
    while start > 0 and text[start - 1] not in breaks:
        start -= 1
    return start


def clause_end(text: str, pos: int) -> int:
    """End of the clause from `pos`: the next punctuation or space (quotation marks do not end it)."""
    end = pos
    while end < len(text) and text[end] not in LABEL_BREAKS and text[end] not in SPACES:
        end += 1
    return end


def sentence_ends(text: str, stops: str = SENTENCE_ENDS) -> list[int]:
    """Positions of every sentence end (。；;！？ or newline; FULL_STOPS leaves out ；), for sentence_bounds."""
    return [i for i, ch in enumerate(text) if ch in stops]


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


def full_sentence(text: str, pos: int) -> tuple[int, int]:
    """The full sentence around `pos`: its ；-joined clauses together (see sentence_bounds)."""
    return sentence_bounds(text, pos, sentence_ends(text, FULL_STOPS))


def next_section(text: str, pos: int) -> int | None:
    """Where the next top-level section (三、 at a line start) after `pos` begins, or None."""
    for match in SECTION_NUMBER.finditer(text, pos):
        if line_start(text, match.start()):
            return match.start()
    return None


def strip_section_number(clause: str) -> str:
    """A clause without the section number it opens with: '    五、以“党建+…' -> '以“党建+…'."""
    match = SECTION_NUMBER.match(clause, len(clause) - len(clause.lstrip()))
    return clause[match.end():] if match else clause


@dataclass(frozen=True)
class SectionMark:
    """Where a section, sub-section or list item begins, and its label (五, 五(三))."""

    pos: int
    label: str
    heading: str  # the words after the marker up to the end of the sentence


def section_marks(text: str) -> list[SectionMark]:
    """The section markers in text order: 一、 at a line start, (一)/（一） anywhere and 一是 at a
    clause start.

    A section's label nests its sub-sections: 五 -> 五(三) for the 三是 item under 五.
    """
    found = []
    for level, pattern in ((0, SECTION_NUMBER), (1, SUBSECTION_NUMBER), (2, LIST_ORDINAL)):
        for match in pattern.finditer(text):
            if level == 1 or (line_start if level == 0 else clause_start)(text, match.start()):
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
