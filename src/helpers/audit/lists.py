"""The items a count lists in the month's own text: names separated by 、, or ordinals 一是、二是….

A listed count (七大专项行动, 8个县) is checked against what the text lists for it that month;
nothing of the list is typed in a reference table. `listed_items` reads it for one count figure.
"""

from __future__ import annotations

import re

import cn2an

from ..text import numbers, segments
from .figures import Figure

_CLAUSE_BREAKS = ",，;；:：。!！?？\n"
# Words that open an enumeration's clause before its first item (重点聚焦项目库情况、…).
_LEAD_IN = re.compile(r"^.*(?:聚焦|包括|涉及|围绕|重点|其中|分别是|分别为)")
_LAST_JOINER = re.compile(r"以及|和|及")


def locate(figure: Figure, text: str) -> int:
    """Offset of the figure's number in the report text, or -1."""
    if figure.start >= 0 and text.startswith(figure.value_printed, figure.start):
        return figure.start
    quote_start = text.find(figure.quote) if figure.quote else -1
    if quote_start < 0:
        return -1
    offset = numbers.locate_value(figure.quote, figure.value_printed)
    return -1 if offset is None else quote_start + offset


def split_items(clause: str) -> list[str]:
    """Names separated by 、 (和/及 before the last also separates), a lead-in before the first dropped."""
    items = clause.split("、")
    items[0] = _LEAD_IN.sub("", items[0]) or items[0]
    items = items[:-1] + _LAST_JOINER.split(items[-1])
    return [item.strip() for item in items if item.strip()]


def ordinal_items(text: str, start: int, end: int | None = None) -> list[str]:
    """The items 一是…, 二是…, … in order from `start` to `end` (default: the end of its top-level section)."""
    if end is None:
        end = segments.next_section(text, start)
    section = text[start:len(text) if end is None else end]
    items, at = [], 0
    while True:
        marker = cn2an.an2cn(len(items) + 1) + "是"
        found = section.find(marker, at)
        if found < 0:
            break
        at = found + len(marker)
        stops = [i for i in (section.find(mark, at) for mark in "。;；") if i >= 0]
        items.append(section[at:min(stops) if stops else len(section)].strip())
    return items


# After a count, the names it lists: 十一个县市区(双清区、…) / 十一个县市区:… / 共有…个,分别是…
_LIST_AFTER = re.compile(r"^[^，,；;。、(（:：]{0,12}?(?:[(（]|[:：]|[,，]?(?:分别是|分别为)|[,，](?:即|包括))")


def list_after(text: str, end: int) -> list[str]:
    """The names listed right after a count that ends at `end` (十一个县市区(双清区、大祥区、…),
    县市区:…, …个,分别是…): two or more, or []."""
    match = _LIST_AFTER.match(text[end:end + 40])
    if not match:
        return []
    start = end + match.end()
    stop = min([i for i in (text.find(mark, start) for mark in ")）。；;\n") if i >= 0] or [len(text)])
    items = split_items(text[start:stop].removesuffix("等"))
    return items if len(items) >= 2 and not any(re.search(r"\d", item) for item in items) else []


def expression_end(figure: Figure, text: str, position: int) -> int:
    """Where the count's printed number and unit end (十一个|县市区: after 个)."""
    end = position + len(figure.value_printed)
    return end + len(figure.unit_printed) if text.startswith(figure.unit_printed, end) else end


def listing_at(text: str, position: int, end: int | None = None,
               ordinals: bool = True) -> tuple[str, list[str], bool] | None:
    """The items listed for the count at `position` (its number) that ends at `end`; see listed_items."""
    clause_start = max(text.rfind(mark, 0, position) for mark in _CLAUSE_BREAKS) + 1
    clause = segments.strip_section_number(text[clause_start:position]).strip()
    etc = clause.endswith("等")
    clause = clause.removesuffix("等")
    items = split_items(clause) if "、" in clause else []
    if items and not any(re.search(r"\d", item) for item in items):  # 企业61家、产品98个: figures, not names
        return "enumeration", items, etc
    after = list_after(text, end) if end is not None else []
    if after:
        return "enumeration_after", after, False
    items = ordinal_items(text, position) if ordinals else []
    return ("ordinals", items, False) if items else None


def listed_items(count: Figure, text: str) -> tuple[str, list[str], bool] | None:
    """The items the report lists for a count: (how, items, ends in 等), or None if it lists none.

    Three ways of listing are read, in this order:
    - "enumeration": names separated by 、 in the count's own clause, right before the number
      (武冈市、邵阳县、…、城步县8个县; 项目库情况、…等8个方面); 和/及 before the last name also separates;
    - "enumeration_after": names separated by 、 right after the count and what it counts, in
      parentheses, after a colon or after 分别是 (十一个县市区(双清区、大祥区、…));
    - "ordinals": 一是、二是、… in order, from the count to the end of its top-level section
      (七大专项行动 in the heading of 五, then 一是…七是 in its body).
    """
    position = locate(count, text)
    if position < 0:
        return None
    return listing_at(text, position, expression_end(count, text, position))
