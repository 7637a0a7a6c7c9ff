"""Words quoted from last month's text, read again in this month's, and what changed in a sentence.

The carry-over (helpers.intake.carry) keeps what the analyst wrote about a number (a non-figure's
reason, a figure's note) and refreshes the pieces of the text it quotes: "as-of date (截至10月25日)"
becomes "as-of date (截至11月25日)". `wording_change` says briefly what changed in a sentence
besides its numbers, for the review sheet.
"""

from __future__ import annotations

import difflib
import re

from ..text.numbers import CHINESE_DIGITS, NUMBER_TOKEN
from ..text.segments import full_sentence
from .matching import mask

# Any number as the tokenizer reads it (39.0589万, 1,053, 七), for finding quoted words again.
NUMBER_PATTERN = rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)[万亿]?|[{CHINESE_DIGITS}]+)"


def short(text: str, width: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= width else text[:width - 1] + "…"


def refresh(words: str, old_text: str, old_start: int, new_text: str, new_start: int, window: int = 200) -> str:
    """`words` (a reason or a note) with each piece it quotes from last month's text near the
    number replaced by the same piece of this month's text, numbers read afresh.

    The pieces are the runs between spaces, brackets and colons that hold a number and occur in
    last month's text near the number: "as-of date (截至10月25日)", "list ordinal (三是)",
    "printed 141.5万余吨: …", and a list of names printed right before the number ("listed:
    武冈市、邵阳县…"). A piece not found near the number in both texts is left as it was.
    """
    chunks = re.split(r"([\s:：()（）]+)", words)  # separators kept, at odd positions
    for index in range(0, len(chunks), 2):
        piece = chunks[index]
        if "、" in piece and old_text[:old_start].rstrip("等").endswith(piece):
            # "listed: 武冈市、…、城步县" quotes the list printed right before the count: take this
            # month's list, which may have grown or shrunk.
            listed = re.search(r"[^\s,，。;；:：()（）]*、[^\s,，。;；:：()（）]*$", new_text[:new_start].rstrip("等"))
            if listed:
                chunks[index] = listed.group()
            continue
        # A piece holds a number with words around it (截至10月25日, 三是, 141.5万余吨); a bare 万
        # or 七 says nothing about where it stands.
        if not NUMBER_TOKEN.search(piece) or re.fullmatch(f"[{CHINESE_DIGITS}]+", piece):
            continue
        old_at = _nearest(piece, old_text, old_start, window)
        if old_at is None:
            continue
        pattern = re.compile("".join(NUMBER_PATTERN if isinstance(part, int) else re.escape(part)
                                     for part in _split(piece)))
        offset = old_at - old_start
        best = None
        for match in pattern.finditer(new_text, max(0, new_start - window), new_start + window + len(piece)):
            distance = abs((match.start() - new_start) - offset)
            if best is None or distance < best[0]:
                best = (distance, match.group())
        if best is not None:
            chunks[index] = best[1]
    return "".join(chunks)


def _nearest(piece: str, text: str, pos: int, window: int) -> int | None:
    found = None
    start = text.find(piece, max(0, pos - window))
    while 0 <= start <= pos + window:
        if found is None or abs(start - pos) < abs(found - pos):
            found = start
        start = text.find(piece, start + 1)
    return found


def _split(text: str) -> list:
    """Text pieces and 0 for each number: '截至10月25日' -> ['截至', 0, '月', 0, '日']."""
    pieces, last = [], 0
    for token in NUMBER_TOKEN.finditer(text):
        pieces += [text[last:token.start()], 0]
        last = token.end()
    return [p for p in pieces + [text[last:]] if p != ""]


def wording_change(old_text: str, old_pos: int, new_text: str, new_pos: int, pieces: int = 4, width: int = 12) -> str:
    """What changed in a number's sentence besides its numbers, briefly: '−物业保安等 +各类'."""
    old = mask(old_text[slice(*full_sentence(old_text, old_pos))])
    new = mask(new_text[slice(*full_sentence(new_text, new_pos))])
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            parts.append("−" + short(old[i1:i2], width))
        if tag in ("insert", "replace"):
            parts.append("+" + short(new[j1:j2], width))
    return " ".join(parts[:pieces]) + (" …" if len(parts) > pieces else "")
