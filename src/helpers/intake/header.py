"""The facts a report's page gives about itself: title, period, publisher, dates.

The bureau's pages share one layout (see data/raw/2021-10/report.txt):

    您当前的位置: 首页 > 专题专栏 > 答卷2021 > 乡村振兴        <- breadcrumb
    邵阳市2021年1-10月落实乡村振兴工作的进展情况总体报告      <- title: the period it covers
    发布时间: 2021-12-09 11:30 信息来源: 邵阳市乡村振兴局     <- published, publisher
    ...
    邵阳市乡村振兴局
    2021年11月17日                                            <- signature date

`read_header` returns what it finds and None for what it does not; the caller decides how to
record a missing fact. Full-width colons and spaces are read like ASCII ones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..text.numbers import RANGE_SEPARATOR

# Titles that name a part of the year rather than months: the last month each covers.
PART_OF_YEAR = {"上半年": (1, 6), "前三季度": (1, 9), "一季度": (1, 3), "第一季度": (1, 3), "全年": (1, 12),
                "年度": (1, 12)}
_BREADCRUMB = re.compile(r"^\s*您当前的位置\s*[:：]\s*(?P<trail>.+?)\s*$", re.M)
_PUBLISHED = re.compile(r"发布时间\s*[:：]\s*(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
                        r"(?:\s*(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{2}))?")
_PUBLISHER = re.compile(r"(?:信息来源|来源)\s*[:：]\s*(?P<who>[^\s|｜]+)")
_SIGNATURE = re.compile(r"^\s*(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*$", re.M)
_MONTHS = re.compile(rf"(?P<y>(?:19|20)\d{{2}})年(?:(?P<first>\d{{1,2}})月?\s*{RANGE_SEPARATOR}\s*)?(?P<last>\d{{1,2}})月")
_PART = re.compile(rf"(?P<y>(?:19|20)\d{{2}})年(?P<part>{'|'.join(sorted(PART_OF_YEAR, key=len, reverse=True))})")


@dataclass(frozen=True)
class ReportHeader:
    title: str | None
    period: str | None  # YYYY-MM: the last month the title says the report covers
    first_month: int | None  # the first month it covers (1 for 1-10月)
    publisher: str | None
    published: str | None  # ISO 8601, China time: 2021-12-09T11:30:00+08:00 (a date alone without a time)
    dated: str | None  # the signature date, ISO
    breadcrumb: str | None  # 首页 > 专题专栏 > 答卷2021 > 乡村振兴

    @property
    def period_start(self) -> dt.date | None:
        if not self.period:
            return None
        return dt.date(int(self.period[:4]), self.first_month or 1, 1)

    @property
    def period_end(self) -> dt.date | None:
        if not self.period:
            return None
        year, month = int(self.period[:4]), int(self.period[5:])
        return dt.date(year, month, calendar.monthrange(year, month)[1])


def read_header(text: str) -> ReportHeader:
    lines = [line.strip() for line in text.splitlines()]
    title = _title(lines)
    period, first = period_of_title(title) if title else (None, None)
    published = _PUBLISHED.search(text)
    publisher = _PUBLISHER.search(text)
    signatures = list(_SIGNATURE.finditer(text))
    breadcrumb = _BREADCRUMB.search(text)
    return ReportHeader(
        title=title,
        period=period,
        first_month=first,
        publisher=publisher.group("who") if publisher else None,
        published=_published(published) if published else None,
        dated=_iso(signatures[-1]) if signatures else None,
        breadcrumb=re.sub(r"\s+", " ", breadcrumb.group("trail")) if breadcrumb else None,
    )


def _title(lines: list[str]) -> str | None:
    """The line above 发布时间 (breadcrumb and blank lines skipped), else the first line naming a
    year and months."""
    for index, line in enumerate(lines):
        if "发布时间" in line:
            for above in reversed(lines[:index]):
                if above and not above.startswith("您当前的位置"):
                    return above
            break
    return next((line for line in lines if (_MONTHS.search(line) or _PART.search(line))
                 and not line.startswith("您当前的位置")), None)


def period_of_title(title: str) -> tuple[str | None, int | None]:
    """('2021-11', 1) for 邵阳市2021年1-11月…; (None, None) when the title names no months."""
    match = _MONTHS.search(title)
    if match and 1 <= int(match.group("last")) <= 12:
        first = int(match.group("first")) if match.group("first") else int(match.group("last"))
        return f"{match.group('y')}-{int(match.group('last')):02d}", first if 1 <= first <= 12 else None
    part = _PART.search(title)
    if part:
        first, last = PART_OF_YEAR[part.group("part")]
        return f"{part.group('y')}-{last:02d}", first
    return None, None


def _iso(match: re.Match) -> str | None:
    try:
        return dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d"))).isoformat()
    except ValueError:
        return None


def _published(match: re.Match) -> str | None:
    day = _iso(match)
    if day is None or match.group("H") is None:
        return day
    hour, minute = int(match.group("H")), int(match.group("M"))
    if hour > 23 or minute > 59:
        return day
    return f"{day}T{hour:02d}:{minute:02d}:00+08:00"
