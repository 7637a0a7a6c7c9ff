"""Realistic next months, built inside tests by editing the real 2021-10 text and transcription.

A `Month` is a report text together with the transcription a careful analyst would write for it
(its "truth"): every figure of the month before that is still printed keeps its id and takes its
new printed value, a figure the edits add comes with the id the analyst would give it, and a
figure they remove is gone; every other number is listed in non_figures with its reason. Months
chain: `december()` is built from `november()`.

Edits change the text the way the bureau's months differ from each other:

- `Replace(old, new)`: a unique piece of text becomes another (`every=True`: every occurrence).
  The numbers inside `old` map, in order, to the numbers inside `new`, so a carried figure takes
  its new printed value. `removed` lists the numbers of `old` (by index) that disappear;
  `added` maps numbers of `new` (by index) to what they are: a figure row (a dict with figure_id,
  campaign, metric, label, kind, unit, qualifier, as_of, note) or a non-figure reason (a str).
  Every occurrence of `old` inside an as-of, a reason or a note is replaced too, so that
  Replace("10月25日", "11月25日", every=True) keeps 截至10月25日 and its reasons in step
  (`in_fields=False` replaces only in the text: a change of punctuation).
- `Swap(first, second)`: two pieces of text, each given by its first and last words, change
  places with the numbers inside them (the section order shifts; markers such as 三、 stay
  where they are, so give the pieces after them).
- `Fields(figure_id, {field: value})`: the analyst's change to a carried figure (a note).

Nothing here is written into data/raw/: `Month.write(raw_root)` writes the period's folder into a
test's temporary raw root (layouts.temp_layout), `Month.write_text(path)` only the text.
A month that brings new things (a campaign, a returning figure) is in helpers.testing.news.

    from helpers.testing.months import november, december
    month = november()
    month.write(layout.raw, layout.reference)   # a reviewed, sealed 2021-11 folder that builds
    month.carried, month.new, month.dropped     # what a carry-over from 2021-10 should find
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..io.paths import Period
from ..io.rawdata import NON_FIGURE_COLUMNS, TRANSCRIPTION_COLUMNS, read_sidecar
from ..io.reference import append_rows
from ..intake.draft import draft_numbers
from ..text.numbers import find_number_tokens, locate_value
from ..text.segments import FULL_STOPS, sentence_bounds
from . import BASE_RAW
from .synthetic import write_sealed_sidecar

OCTOBER = BASE_RAW


@dataclass(frozen=True)
class Replace:
    old: str
    new: str
    every: bool = False
    removed: tuple[int, ...] = ()
    added: dict = field(default_factory=dict)
    in_fields: bool = True  # also replace it in as-of, reason and note (False for punctuation)
    reasons: dict = field(default_factory=dict)  # number of `new` (by index) -> its new reason


@dataclass(frozen=True)
class Swap:
    first: tuple[str, str]  # (first words, last words) of the piece that comes first
    second: tuple[str, str]


@dataclass(frozen=True)
class Fields:
    figure_id: str
    values: dict


@dataclass
class _Anchor:
    """A number of the text and what it is: a figure row or a non-figure row."""

    start: int
    kind: str  # "figure" or "non_figure"
    row: dict


@dataclass
class Month:
    """A report text and its truth transcription, with what changed from the month before."""

    period: str
    text: str
    figures: list[dict]
    non_figures: list[dict]
    base: "Month | None" = None
    campaigns: list[dict] = field(default_factory=list)  # campaigns.csv rows a reviewer adds, with name_zh
    dropped: list[str] = field(default_factory=list)
    reworded: list[str] = field(default_factory=list)  # carried figures whose sentence was reworded

    @property
    def ids(self) -> list[str]:
        return [row["figure_id"] for row in self.figures]

    @property
    def carried(self) -> list[str]:
        """Ids printed last month and this month."""
        before = set(self.base.ids) if self.base else set()
        return [figure_id for figure_id in self.ids if figure_id in before]

    @property
    def new(self) -> list[str]:
        before = set(self.base.ids) if self.base else set()
        return [figure_id for figure_id in self.ids if figure_id not in before]

    def write_text(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.text.encode("utf-8"))
        return path

    def write(self, raw_root: Path, reference_dir: Path | None = None) -> Path:
        """Write data/raw/<period>/ as a reviewed, sealed folder; add this month's new campaigns
        (and those of the months it was built from) to `reference_dir`/campaigns.csv."""
        target = Path(raw_root) / self.period
        target.mkdir(parents=True)
        self.write_text(target / "report.txt")
        write_rows(target / "figures.csv", TRANSCRIPTION_COLUMNS, self.figures)
        write_rows(target / "non_figures.csv", NON_FIGURE_COLUMNS, self.non_figures)
        sidecar = read_sidecar(OCTOBER)
        period = Period(self.period)
        sidecar["period_covered"]["note"] = (f"cumulative (1-{period.month}月); individual figures carry their own "
                                             "as-of dates")
        write_sealed_sidecar(target, sidecar, period, title_of(self.text), address="unknown")
        if reference_dir is not None:
            add_campaigns(Path(reference_dir), self.all_campaigns())
        return target

    def all_campaigns(self) -> list[dict]:
        earlier = self.base.all_campaigns() if self.base else []
        return earlier + self.campaigns


def title_of(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if re.search(r"\d{4}年.*月", line))


def add_campaigns(reference_dir: Path, rows: list[dict]) -> None:
    """Add new campaigns as a reviewer does, each once: its campaigns.csv row (id, order, since) and
    its name (`name_zh` of `rows`) as a glossary.csv row, English to translate."""
    known = {row["campaign"] for row in read_rows(reference_dir / "campaigns.csv")}
    append_rows(reference_dir / "campaigns.csv", [{k: v for k, v in row.items() if k != "name_zh"}
                                                  for row in rows if row["campaign"] not in known])
    named = {row["id"] for row in read_rows(reference_dir / "glossary.csv") if row["kind"] == "campaign"}
    append_rows(reference_dir / "glossary.csv", [{"kind": "campaign", "id": row["campaign"], "zh": row["name_zh"],
                                                  "since": row.get("since", ""), "note": "to translate (a test month)"}
                                                 for row in rows if row["campaign"] not in named])


def write_rows(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({column: row.get(column, "") for column in columns} for row in rows)


def read_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))


def renumber(piece: str, values: list[str]) -> str:
    """`piece` with its i-th number replaced by values[i] (None keeps it)."""
    tokens = find_number_tokens(piece)
    assert len(tokens) == len(values), f"{len(tokens)} numbers in {piece!r}, {len(values)} values given"
    out, last = [], 0
    for token, value in zip(tokens, values):
        out += [piece[last:token.start], token.text if value is None else value]
        last = token.end
    return "".join(out + [piece[last:]])


def printed_value(token_text: str) -> str:
    """A figure's printed value: the number without 万/亿 (39.0589万 -> 39.0589)."""
    if token_text[:1].isdigit() and token_text[-1] in "万亿":
        return token_text[:-1]
    return token_text


# --------------------------------------------------------------------------------------
# Building a month from the one before
# --------------------------------------------------------------------------------------

def october() -> Month:
    text = (OCTOBER / "report.txt").read_text(encoding="utf-8")
    return Month("2021-10", text, read_rows(OCTOBER / "figures.csv"), read_rows(OCTOBER / "non_figures.csv"))


def next_month(base: Month, period: str, edits, campaigns: list[dict] = ()) -> Month:
    """The month after `base`, made by applying `edits` to its text and truth transcription."""
    text, anchors = base.text, _anchors(base)
    dropped, touched = [], set()
    for edit in edits:
        if isinstance(edit, Fields):
            rows = [a.row for a in anchors if a.kind == "figure" and a.row["figure_id"] == edit.figure_id]
            assert rows, f"no figure {edit.figure_id}"
            rows[0].update(edit.values)
        elif isinstance(edit, Swap):
            text, anchors = _swap(text, anchors, edit)
        else:
            text, anchors, gone, changed = _replace(text, anchors, edit)
            dropped += gone
            touched |= changed
    month = Month(period, text, [], [], base=base, campaigns=list(campaigns), dropped=dropped)
    _finish(month, anchors, touched)
    return month


def _anchors(month: Month) -> list[_Anchor]:
    anchors = []
    for row in month.figures:
        quote_start = month.text.find(row["quote"])
        occurrence = int(row.get("occurrence") or 1)
        offset = locate_value(row["quote"], row["value"], occurrence)
        assert quote_start >= 0 and offset is not None, row["figure_id"]
        anchors.append(_Anchor(quote_start + offset, "figure", dict(row)))
    anchors += [_Anchor(int(row["start"]), "non_figure", dict(row)) for row in month.non_figures]
    return sorted(anchors, key=lambda a: a.start)


def _tokens_within(text: str, start: int, end: int) -> list:
    tokens = find_number_tokens(text)
    inside = [t for t in tokens if start <= t.start and t.end <= end]
    straddling = [t for t in tokens if t.start < start < t.end or t.start < end < t.end]
    assert not straddling, f"an edit cuts a number in two: {[t.text for t in straddling]}"
    return inside


def _replace(text: str, anchors: list[_Anchor], edit: Replace):
    positions = [m.start() for m in re.finditer(re.escape(edit.old), text)]
    assert positions, f"not in the text: {edit.old!r}"
    assert edit.every or len(positions) == 1, f"{edit.old!r} occurs {len(positions)} times; say every=True"
    gone, touched = [], set()
    for position in reversed(positions):  # from the end, so earlier positions stay valid
        end = position + len(edit.old)
        old_tokens = _tokens_within(text, position, end)
        new_text = text[:position] + edit.new + text[end:]
        new_tokens = _tokens_within(new_text, position, position + len(edit.new))
        kept_old = [i for i in range(len(old_tokens)) if i not in edit.removed]
        kept_new = [j for j in range(len(new_tokens)) if j not in edit.added]
        assert len(kept_old) == len(kept_new), \
            f"{edit.old!r} -> {edit.new!r}: {len(kept_old)} numbers kept but {len(kept_new)} in their place"
        moved = {old_tokens[i].start: new_tokens[j] for i, j in zip(kept_old, kept_new)}
        removed = {old_tokens[i].start for i in edit.removed}
        delta = len(edit.new) - len(edit.old)
        result = []
        for anchor in anchors:
            if anchor.start in removed:
                if anchor.kind == "figure":
                    gone.append(anchor.row["figure_id"])
                continue
            if position <= anchor.start < end:
                token = moved[anchor.start]
                anchor.start = token.start
                index = [t.start for t in new_tokens].index(token.start)
                if index in edit.reasons:
                    anchor.row["reason"] = edit.reasons[index]
                if anchor.kind == "figure":
                    anchor.row["value"] = printed_value(token.text)
                    touched.add(anchor.row["figure_id"])
            elif anchor.start >= end:
                anchor.start += delta
            result.append(anchor)
        for index, what in edit.added.items():
            token = new_tokens[index]
            if isinstance(what, str):
                result.append(_Anchor(token.start, "non_figure", {"reason": what}))
            else:
                result.append(_Anchor(token.start, "figure", {**what, "value": printed_value(token.text)}))
        anchors = sorted(result, key=lambda a: a.start)
        text = new_text
    for anchor in anchors if edit.in_fields else ():
        for name in ("as_of", "reason", "note"):
            if edit.old in anchor.row.get(name, ""):
                anchor.row[name] = anchor.row[name].replace(edit.old, edit.new)
    return text, anchors, gone, touched


def _piece(text: str, words: tuple[str, str]) -> tuple[int, int]:
    first, last = words
    start = text.find(first)
    assert start >= 0 and text.count(first) == 1, f"{first!r} must occur once"
    end = text.index(last, start) + len(last)
    return start, end


def _swap(text: str, anchors: list[_Anchor], edit: Swap):
    a_start, a_end = _piece(text, edit.first)
    b_start, b_end = _piece(text, edit.second)
    assert a_end <= b_start, "the first piece must end before the second starts"
    first, middle, second = text[a_start:a_end], text[a_end:b_start], text[b_start:b_end]
    for anchor in anchors:
        if a_start <= anchor.start < a_end:
            anchor.start += len(second) + len(middle)
        elif a_end <= anchor.start < b_start:
            anchor.start += len(second) - len(first)
        elif b_start <= anchor.start < b_end:
            anchor.start -= b_start - a_start
    text = text[:a_start] + second + middle + first + text[b_end:]
    return text, sorted(anchors, key=lambda a: a.start)


def _finish(month: Month, anchors: list[_Anchor], touched: set[str]) -> None:
    """Recompute quotes, occurrences, sections and contexts in the new text; check coverage."""
    text = month.text
    tokens = {t.start: t for t in find_number_tokens(text)}
    unaccounted = sorted(set(tokens) - {a.start for a in anchors})
    assert not unaccounted, "numbers the month's truth does not account for: " + ", ".join(
        f"{tokens[s].text}@{s} ({text[max(0, s - 8):s + 8]!r})" for s in unaccounted)
    full_stops = [i for i, ch in enumerate(text) if ch in FULL_STOPS]
    sections = {number.start: number.section for number in draft_numbers(text, month.period, campaigns={})}
    base_quotes = {row["figure_id"]: row["quote"] for row in (month.base.figures if month.base else [])}
    masked_base = {figure_id: _masked(quote) for figure_id, quote in base_quotes.items()}
    for anchor in anchors:
        assert anchor.start in tokens, f"{anchor.row} lost its number"
        token = tokens[anchor.start]
        row = anchor.row
        if anchor.kind == "non_figure":
            row.update(start=str(anchor.start), text=token.text, context=context_of(text, anchor.start, len(token.text)))
            month.non_figures.append({column: row.get(column, "") for column in NON_FIGURE_COLUMNS})
            continue
        quote = row.get("quote", "")
        quote_start = text.find(quote) if quote else -1
        if not (0 <= quote_start <= anchor.start < quote_start + len(quote)):
            # The analyst quotes the whole sentence, its clauses joined by ； included.
            quote_start, quote_end = sentence_bounds(text, anchor.start, full_stops)
            quote = text[quote_start:quote_end]
        occurrence = next(k for k in range(1, 50)
                          if locate_value(quote, row["value"], k) == anchor.start - quote_start)
        row.update(quote=quote, occurrence="" if occurrence == 1 else str(occurrence),
                   section=sections[anchor.start])
        month.figures.append({column: row.get(column, "") for column in TRANSCRIPTION_COLUMNS})
        figure_id = row["figure_id"]
        if figure_id in masked_base and _masked(quote) != masked_base[figure_id]:
            month.reworded.append(figure_id)


_NARROW = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "％": "%"})


def _masked(sentence: str) -> str:
    """The sentence with its numbers masked and its punctuation narrowed: what 'reworded' compares."""
    return re.sub(r"\s", "", "".join(
        "#" if isinstance(piece, int) else piece for piece in _split_numbers(sentence))).translate(_NARROW)


def _split_numbers(text: str) -> list:
    pieces, last = [], 0
    for token in find_number_tokens(text):
        pieces += [text[last:token.start], 0]
        last = token.end
    return pieces + [text[last:]]


def context_of(text: str, start: int, length: int) -> str:
    """The non_figures.csv context: 8 characters either side, line ends as spaces."""
    return re.sub(r"\s", " ", text[max(0, start - 8):start + length + 8])


# --------------------------------------------------------------------------------------
# The months
# --------------------------------------------------------------------------------------

MONITORING_OCTOBER = ("16869户42750人,其中脱贫不稳定户7850户18363人,已消除返贫风险的有4556户11871人;"
                      "边缘易致贫户4989户14552人,已消除致贫风险的有4411户13150人;"
                      "突发严重困难户4030户9835人,已消除致贫风险的有1819户4932人。"
                      "对目前暂未消除风险的6083户12797人(不稳定户3294户6492人、边缘致贫户578户1402人、"
                      "突发严重困难户2211户4903人)")
# November's monitoring numbers add up as October's do (totals, resolved, remaining).
MONITORING_NOVEMBER = ["16915", "42863", "7851", "18366", "4702", "12233", "5003", "14590", "4498", "13410",
                       "4061", "9907", "1950", "5301", "5765", "11919", "3149", "6133", "505", "1180", "2111",
                       "4606"]

WATER_SUPPLY = {"campaign": "water_supply", "name_zh": "农村供水保障", "order": "13", "since": "2021-11"}


# Only numbers and dates change (and every one of them does).
QUIET_NOVEMBER = [
    Replace("1-10月", "1-11月", every=True),
    Replace("2021-12-09 11:30", "2022-01-12 10:05"),
    Replace("2021年11月17日\n", "2021年12月16日\n"),
    Replace("10月底", "11月底", every=True),
    Replace(MONITORING_OCTOBER, renumber(MONITORING_OCTOBER, MONITORING_NOVEMBER)),
    Replace("39.0589万人,完成目标任务数的104.03%", "39.1202万人,完成目标任务数的104.19%"),
    Replace("公益岗位19882个", "公益岗位20136个"),
    Replace("56家企业90个产品", "58家企业93个产品"),
    Replace("36家企业接入", "39家企业接入"),
    Replace("10月25日", "11月25日", every=True),
    Replace("10月15日", "11月15日", every=True),
    Replace("10月22日", "11月22日", every=True),
    Replace("10月29日", "11月29日", every=True),
    Replace("就业帮扶车间1053家,吸纳就业总量40284人(其中脱贫劳动力10943人)",
            "就业帮扶车间1061家,吸纳就业总量40512人(其中脱贫劳动力11008人)"),
    Replace("61107户,开工完成率95.55%,累计完成投资额11836.06万元,完成率为120.74%,超额完成20.74%",
            "62307户,开工完成率97.43%,累计完成投资额12102.55万元,完成率为123.46%,超额完成23.46%"),
    Replace("邵阳市597个村庄已完成村庄规划准备工作,占比80%;562个村庄已完成村庄规划基础调查工作,占比76%",
            "邵阳市631个村庄已完成村庄规划准备工作,占比83%;604个村庄已完成村庄规划基础调查工作,占比79%"),
    Replace("空心房9055户107.993万平方米", "空心房9217户109.856万平方米"),
    Replace("68.3万吨,清理村内水塘数量19475口,清理村内沟渠16083公里,清理畜禽养殖粪污等农业生产废弃物141.5万余吨",
            "70.1万吨,清理村内水塘数量19862口,清理村内沟渠16417公里,清理畜禽养殖粪污等农业生产废弃物146.2万余吨"),
    Fields("village_cleaning.farm_waste", {"note": "printed 146.2万余吨: 余 sits between 万 and 吨"}),
]


def quiet_november() -> Month:
    """A month in which only numbers and dates change: the easy case."""
    return next_month(october(), "2021-11", QUIET_NOVEMBER)


def november() -> Month:
    """A month with every kind of change the issue lists: numbers change, a sentence is
    reworded, two sentences merge, one campaign is dropped and one added, a list grows by one
    name, and the section order shifts (三 and 四 change places)."""
    def water(metric: str, label: str, unit: str) -> dict:
        return {"figure_id": f"water_supply.{metric}", "campaign": "water_supply", "metric": metric, "label": label,
                "kind": "cumulative", "unit": unit, "qualifier": "", "as_of": "截至11月20日", "note": ""}

    dropped_item = ("二是扶贫项目资金管理“回头看”专项行动。9-10月邵阳市重点聚焦项目库情况、扶贫项目发挥作用情况、"
                    "项目开工情况、财政专项扶贫资金投入情况、资金安排使用情况、资金支出进度情况、财政扶贫资金带贫效果、"
                    "财政补贴资金“一卡通”自查自纠情况等8个方面组织开展“回头看”。截至10月15日,各县市区在项目库建设和"
                    "衔接资金使用方面各项指标有了大幅提高,衔接资金落实到项目安排率、开工率、支出率都有大幅提高。"
                    "县市区本级衔接资金预算投入总金额30597万元。")
    counties = "武冈市、邵阳县、洞口县、新宁县、邵东市、绥宁县、新邵县、城步县"
    reworded = Replace("用活用足公益性岗位政策,开发环境卫生保洁员、河道保洁员、生态护林员、物业保安等公益岗位19882个。",
                       "持续用好公益性岗位政策,累计开发保洁员、护林员、保安等各类公益岗位20136个。")
    edits = [
        # One campaign is dropped (the September-October review of project funds) and the list
        # items after it are renumbered; one is added at the end, so there are seven again.
        Replace(dropped_item, "", removed=tuple(range(len(find_number_tokens(dropped_item))))),
        *[Replace(f"{old}是{words}", f"{new}是{words}", reasons={0: f"list ordinal ({new}是)"})
          for old, new, words in (("三", "二", "农村改厕"), ("四", "三", "推进农村危房"), ("五", "四", "推进“多规合一”"),
                                  ("六", "五", "推进农村“空心房”"), ("七", "六", "推进“三清一改”"))],
        Replace("141.5万余吨。", "141.5万余吨。七是推进农村供水保障专项行动。截至11月20日,邵阳市已完成农村供水工程建设"
                "126处,巩固提升4.3万人饮水安全。", added={
                    1: "list ordinal (七是)", 2: "as-of date (截至11月20日)", 3: "as-of date (截至11月20日)",
                    4: water("projects", "已完成农村供水工程", "处"),
                    5: water("persons", "巩固提升饮水安全人数", "万人")}),
        reworded,  # a sentence is reworded
        Replace("资金1100万元。推进“邵阳红”品牌建设", "资金1100万元,推进“邵阳红”品牌建设"),  # two sentences merge
        # A list grows by one name, and its count with it.
        Replace(f"{counties}8个县", f"{counties}、隆回县9个县"),
        Fields("hollow_houses.counties_completed", {"note": f"listed: {counties}、隆回县"}),
    ]
    # Every number and date change of the quiet month too (but the reworded sentence's).
    edits += [edit for edit in QUIET_NOVEMBER if getattr(edit, "old", "") != "公益岗位19882个"]
    # The section order shifts: 三 (industry) and 四 (employment) change places.
    edits.append(Swap(("加快发展乡村产业。", "5115万元。"), ("努力扩大就业。", "公益岗位20136个。")))
    return next_month(october(), "2021-11", edits, campaigns=[WATER_SUPPLY])


def december(base: Month | None = None) -> Month:
    """The month after november(): two list items change places, a sentence is split in two,
    a figure is added to a sentence (监测对象 in the workshops) and one dropped from another
    (the toilets' 超额完成), and the bureau's site now prints full-width punctuation."""
    return next_month(base or november(), "2021-12", december_edits())


def november_to_december(days: tuple[int, ...]) -> list:
    """The edits that turn a November text's dates into December's: its period (1-11月), its posting
    and publishing dates, its 11月底 and each of `days` (11月25日 -> 12月25日)."""
    return [
        Replace("1-11月", "1-12月", every=True),
        Replace("2022-01-12 10:05", "2022-02-10 16:20"),
        Replace("2021年12月16日\n", "2022年1月14日\n"),
        Replace("11月底", "12月底", every=True),
        *(Replace(f"11月{day}日", f"12月{day}日", every=True) for day in days),
    ]


def december_edits(more: list = ()) -> list:
    """December's edits of november()'s text; `more` are applied before the punctuation turns full-width."""
    return [
        *november_to_december(days=(25, 15, 22, 29, 20)),
        Replace("就业帮扶车间1061家,吸纳就业总量40512人(其中脱贫劳动力11008人)",
                "就业帮扶车间1070家,吸纳就业总量40936人(其中脱贫劳动力11126人,监测对象1203人)", added={
                    3: {"figure_id": "workshops.employed_monitored", "campaign": "workshops",
                        "metric": "employed_monitored", "label": "就业帮扶车间吸纳监测对象", "kind": "stock",
                        "unit": "人", "qualifier": "", "as_of": "截至12月25日", "note": ""}}),
        Replace(",完成率为123.46%,超额完成23.46%。", ",完成率为126.02%。", removed=(1,)),
        Replace("62307户,开工完成率97.43%,累计完成投资额12102.55万元",
                "63188户,开工完成率98.81%,累计完成投资额12353.80万元"),
        Replace("(双清区今年无改厕任务),截至", "(双清区今年无改厕任务)。截至"),
        Replace("空心房9217户109.856万平方米", "空心房9355户111.204万平方米"),
        Replace("631个村庄", "672个村庄"), Replace("占比83%", "占比88%"),
        Replace("604个村庄", "655个村庄"), Replace("占比79%", "占比86%"),
        Replace("126处,巩固提升4.3万人", "139处,巩固提升4.8万人"),
        Swap(("推进农村“空心房”整治专项行动。", "9个县已全部完成任务。"),
             ("推进“三清一改”村庄清洁秋冬战役专项行动。", "146.2万余吨。")),
        *more,
        Replace(",", "，", every=True, in_fields=False), Replace(":", "：", every=True, in_fields=False),
        Replace("(", "（", every=True, in_fields=False), Replace(")", "）", every=True, in_fields=False),
    ]
