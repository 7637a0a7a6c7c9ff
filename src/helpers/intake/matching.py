"""Where a number stands, and how alike two months' places are.

A place is recognised by what surrounds its number, never by the number itself: the sentence with
every number masked (截至#月底,邵阳市共有监测对象#户#人…), the heading of its section (so a section
that moved or was renumbered still matches), the words right before and right after it, and its
unit. Full-width and ASCII punctuation count as the same. Each pair of places gets a score from
0 to 1; pairs are taken best first, each place at most once, and each match remembers its
margin over the best free alternative.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..text.numbers import NUMBER_TOKEN
from ..text.segments import FULL_STOPS, sentence_bounds, sentence_ends
from .draft import DraftedNumber
from .quantities import normalise_figure

# Scores: at or above CARRY_SCORE (and MARGIN clear of the next best) a match is carried; from
# UNCERTAIN_SCORE it is offered as uncertain; below, the numbers are new / not found.
CARRY_SCORE = 0.72
UNCERTAIN_SCORE = 0.45
MARGIN = 0.04
CLOSEST_SCORE = 0.3  # a figure not found names the closest unmatched number from this score
# A match between a figure and a number read as not a figure costs this much.
STATUS_PENALTY = 0.15
# A count matched to a count of another measure word (93个产品 -> 23家合作社) costs this much: it may
# count something else, so a place with the same measure word wins over it.
MEASURE_PENALTY = 0.1
LEFT, RIGHT = 24, 16  # characters of context either side of a number
NEAR = 12  # how many characters right next to a number weigh most
WEIGHTS = {"left": 0.30, "right": 0.20, "sentence": 0.30, "heading": 0.20}

_NARROW = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "％": "%", "！": "!", "？": "?"})


def mask(text: str) -> str:
    """Numbers as #, punctuation narrowed, spaces dropped: what two months' wording is compared on."""
    return re.sub(r"\s", "", NUMBER_TOKEN.sub("#", text)).translate(_NARROW)


@dataclass(frozen=True)
class Place:
    """A number in a text, described by its surroundings."""

    start: int
    status: str  # figure / not-figure: as transcribed (last month) or as drafted (this month)
    base_unit: str
    measure: str  # what a count is counted in (个, 家, 项), as printed; '' for other units
    sentence: str  # masked
    left: str  # masked words before the number
    right: str  # masked words after it, its unit first
    heading: str  # masked heading of its section and sub-section


def places(text: str, numbers: list[DraftedNumber], status: dict[int, str] | None = None) -> list[Place]:
    """The place of every number; `status` (start -> figure / not-figure) overrides the draft's
    reading and leaves out numbers it does not list."""
    full_stops = sentence_ends(text, FULL_STOPS)
    headings = _headings(numbers)
    found = []
    for number in numbers:
        if status is not None and number.start not in status:
            continue
        start, end = number.start, number.token.end
        paragraph = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        sentence_start, sentence_end = sentence_bounds(text, start, full_stops)
        found.append(Place(
            start=start,
            status=status[start] if status is not None else number.status,
            base_unit=(base := normalise_figure(number.quantity.value, number.quantity.unit)[1]),
            measure=number.quantity.unit_word if base == "count" else "",
            sentence=mask(text[sentence_start:sentence_end]),
            left=mask(text[max(paragraph, start - LEFT):start]),
            right=mask(text[end:min(line_end, end + RIGHT)]),
            heading=headings[number.start],
        ))
    return found


def _headings(numbers: list[DraftedNumber]) -> dict[int, str]:
    """Each number's section heading, with its top-level section's: 以“党建+七大…/推进农村危房改造专项行动."""
    top: dict[str, str] = {}
    result = {}
    for number in numbers:
        section = number.section.split("(")[0]
        if number.section == section:
            top[section] = number.heading
        heading = number.heading if number.section == section else f"{top.get(section, '')}/{number.heading}"
        result[number.start] = mask(heading)
    return result


class Similarity:
    """Scores of pairs of places, with the text comparisons cached (many places share a sentence)."""

    def __init__(self):
        self._ratios: dict[tuple[str, str], float] = {}

    def ratio(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        key = (a, b)
        if key not in self._ratios:
            self._ratios[key] = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        return self._ratios[key]

    def score(self, old: Place, new: Place) -> float:
        if old.base_unit != new.base_unit:
            return 0.0
        left = 0.5 * _common(old.left[::-1], new.left[::-1]) + 0.5 * self.ratio(old.left, new.left)
        right = 0.5 * _common(old.right, new.right) + 0.5 * self.ratio(old.right, new.right)
        score = (WEIGHTS["left"] * left + WEIGHTS["right"] * right
                 + WEIGHTS["sentence"] * self.ratio(old.sentence, new.sentence)
                 + WEIGHTS["heading"] * self.ratio(old.heading, new.heading))
        return score - (STATUS_PENALTY if old.status != new.status else 0.0) \
            - (MEASURE_PENALTY if old.measure != new.measure else 0.0)


def _common(a: str, b: str) -> float:
    """How many of the first NEAR characters two strings share, as a share of NEAR."""
    n = 0
    for x, y in zip(a[:NEAR], b[:NEAR]):
        if x != y:
            break
        n += 1
    return n / NEAR if (a or b) else 1.0


@dataclass(frozen=True)
class Match:
    old: int  # start of last month's number
    new: int  # start of this month's
    score: float
    margin: float  # over the best alternative still free when the match was made


def match_places(old: list[Place], new: list[Place], similarity: Similarity | None = None) -> list[Match]:
    """Pairs of places, best first, each place used once; pairs under UNCERTAIN_SCORE are left out."""
    similarity = similarity or Similarity()
    candidates: list[tuple[float, int, int]] = []
    by_old: dict[int, list[tuple[float, int]]] = {}
    by_new: dict[int, list[tuple[float, int]]] = {}
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            score = similarity.score(o, n)
            if score < UNCERTAIN_SCORE - MARGIN:
                continue
            # Ties go to the pair whose places sit at the same share of their texts.
            candidates.append((round(score, 6), -abs(i / max(len(old), 1) - j / max(len(new), 1)), i, j))
            by_old.setdefault(i, []).append((score, j))
            by_new.setdefault(j, []).append((score, i))
    candidates.sort(reverse=True)
    used_old, used_new, matches = set(), set(), []
    for score, _, i, j in candidates:
        if i in used_old or j in used_new or score < UNCERTAIN_SCORE:
            continue
        rival = max([s for s, other in by_old[i] if other != j and other not in used_new]
                    + [s for s, other in by_new[j] if other != i and other not in used_old] + [0.0])
        used_old.add(i)
        used_new.add(j)
        matches.append(Match(old[i].start, new[j].start, score, score - rival))
    return matches
