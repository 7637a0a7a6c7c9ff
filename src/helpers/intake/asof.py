"""The date each figure stands at: as-of expressions, and which one governs each number.

As-of dates come from the figure's own sentence, or from its section: a 截至… sentence that holds
no figure of its own leads the sentences after it in the same section, and a sentence opening with
其中 continues the one before. An as-of taken from another sentence is said so in the note;
anything else stands at the end of the period (an empty as_of). `ReportDates` turns an expression
into an ISO date with the period's year and end (numbers.resolve_as_of).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..io.paths import Period
from ..text.numbers import resolve_as_of
from ..text.segments import FULL_STOPS, SectionMark, clause_start, sentence_bounds, sentence_ends
from .classify import FIGURE
from .vocabulary import CARRIED_AS_OF, CLAUSE_AS_OF, MONTH_END_AS_OF


@dataclass(frozen=True)
class AsOf:
    """An as-of expression as printed, and whether it carries over to later sentences."""

    start: int
    end: int
    printed: str
    carried: bool


def as_of_expressions(text: str) -> list[AsOf]:
    """Every as-of expression in the text, in order (see the vocabulary's CARRIED_AS_OF and CLAUSE_AS_OF)."""
    found: dict[int, AsOf] = {}
    for match in CARRIED_AS_OF.finditer(text):
        found[match.start()] = AsOf(match.start(), match.end(), match.group(), True)
    for match in CLAUSE_AS_OF.finditer(text):
        if match.start() in found or not clause_start(text, match.start()):
            continue
        if any(a.start <= match.start() < a.end for a in found.values()):
            continue
        printed = match.group()
        found[match.start()] = AsOf(match.start(), match.end(), printed, bool(MONTH_END_AS_OF.fullmatch(printed)))
    return [found[pos] for pos in sorted(found)]


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
            period = Period(period)  # a draft's period, as given (ValueError for one that is not YYYY-MM)
            return cls(period.year, period.end)
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


def assign_as_of(text: str, numbers: list, marks: list[SectionMark]) -> None:
    """Give every number (a draft.DraftedNumber) the as-of expression that governs it (see the
    module's docstring).

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
    ends = sentence_ends(text, FULL_STOPS)
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
