"""Checks read from the sentence: what a sentence states about its own numbers becomes a check.

Any month, without a hand-written relation, a sentence that states one of these gets its check
(of the kind in parentheses, evaluated like every other check by audit/kinds.py):

- a total with its listed parts: 共有监测对象16869户…,其中脱贫不稳定户7850户…;边缘易致贫户4989户…;…
  and 6083户(不稳定户3294户、边缘致贫户578户、突发严重困难户2211户) (`sum`); a part named with 其中
  and no 共 before it, 吸纳就业总量40284人(其中脱贫劳动力10943人), must not exceed its whole (`part_of`);
- a share with its part and whole: …M人,占比P% (the whole is the total the part is a 其中 of, else
  the total stated with 共 in the sentence, else the section's target in the same unit) and
  M人占…的P% (the whole named between 占 and 的) (`rate`);
- a rate against a stated target: 已完成N户,开工完成率X% (`rate` when the target is printed in the
  sentence or the section, `implied_ratio` when it is not: 已就业39.0589万人,完成目标任务数的104.03%;
  `implied_product` when the rate follows the target itself: 任务3441户,已经全部竣工,竣工率100%) and
  超额完成X% against the completion rate before it (`excess`);
- a remainder: 计划N个,已完成M个,剩余K个 / 尚有K个 (`difference`);
- a count with the items it lists: names before it (武冈市、…、城步县8个县), names after it
  (十一个县市区(双清区、…)), or 七大… with 一是…七是 in its section (`count_listed`).

Each check says where it came from: `origin` text, and the offsets of its sentence in report.txt.
What crosses sentences or needs a person's knowledge (a flow, a restatement, a remainder printed in
another sentence) stays declared in data/reference/relations.csv; where a declared relation and one
read from the text cover the same figures, the declared one is kept (`merge`).

Check ids are made from the figure the check tests and its kind (`monitoring.households_total.sum`),
so the same sentence gives the same id every month its figures keep their ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an
import pandas as pd

from ..text import segments
from .figures import printed_expression, split_ids
from .kinds import KINDS
from .lists import listing_at, ordinal_items

# Words that state a total (共有监测对象16869户): its parts follow 其中.
TOTAL_WORDS = re.compile(r"共有|共计|总计|合计|总共|(?<!公)共(?!同)")
PART_WORDS = "其中"
SHARE = re.compile(r"占比(?:为|达到|达)?$")
SHARE_OF = re.compile(r"占([^，,；;。]*?)的$")
EXCESS = re.compile(r"超额完成$|超额$")
COMPLETION = re.compile(r"(?:完成|竣工|开工|建成)[^，,；;。]*?(?:率|的)(?:为|达到|达|是)?$")
REMAINDER = re.compile(r"(?:剩余|尚有|还有|仍有|尚余|还剩)[^，,；;。\d]{0,6}$")
# A "last item" that ends like a verb phrase is the clause's action, not a name the count counts.
VERB_ENDINGS = ("了", "的", "在", "到")
_CLAUSE = "，,；;：:。(（)）"
_SEGMENT_BREAKS = ("；;", "、,，")


@dataclass(frozen=True)
class Placed:
    """A figure and where its printed expression sits in report.txt."""

    figure_id: str
    start: int  # the number
    end: int  # just past its unit (and a qualifier printed after it)
    unit: str  # base unit
    kind: str  # figure kind: target, cumulative, rate, count …
    section: str
    label: str
    value_printed: str
    qualifier: str = ""

    @property
    def percent(self) -> bool:
        return self.unit == "percent"


def placed_figures(figures: pd.DataFrame, text: str) -> list[Placed]:
    """The period's figures that can be found at their place in the text, in text order."""
    placed = []
    for row in figures.to_dict("records"):
        start = int(float(row.get("value_start", -1) or -1))
        printed, unit_printed = str(row["value_printed"]), str(row["unit_printed"])
        if start < 0 or not text.startswith(printed, start):
            continue
        qualifier = str(row.get("qualifier", "") or "")
        expression = printed_expression(printed, unit_printed, qualifier)
        begin = start - len(qualifier) if qualifier in ("约", "近") else start
        end = begin + len(expression) if text.startswith(expression, begin) else start + len(printed)
        placed.append(Placed(row["figure_id"], start, end, str(row["unit"]), str(row.get("kind", "")),
                             str(row.get("section", "")), str(row.get("label", "")), printed, qualifier))
    return sorted(placed, key=lambda p: p.start)


class _Reader:
    def __init__(self, figures: list[Placed], text: str):
        self.figures, self.text = figures, text
        self.stops = segments.sentence_ends(text, segments.FULL_STOPS)
        self.found: list[dict] = []
        self.used_lists: set[int] = set()

    # -- places ------------------------------------------------------------------------------
    def sentence(self, pos: int) -> tuple[int, int]:
        return segments.sentence_bounds(self.text, pos, self.stops)

    def within(self, start: int, end: int) -> list[Placed]:
        return [f for f in self.figures if start <= f.start < end]

    def clause_before(self, pos: int) -> str:
        start = pos
        while start > 0 and self.text[start - 1] not in _CLAUSE:
            start -= 1
        return self.text[start:pos]

    def add(self, kind: str, reported: Placed | None, operands: list[Placed], sentence: tuple[int, int],
            listing: str = "") -> None:
        head = reported or operands[0]
        relation = {"relation_id": f"{head.figure_id}.{kind}", "kind": kind,
                    "reported": reported.figure_id if reported else "",
                    "operands": "|".join(f.figure_id for f in operands), "origin": "text",
                    "sentence_start": sentence[0], "sentence_end": sentence[1], "listing": listing}
        if any(r["relation_id"] == relation["relation_id"] for r in self.found):
            return
        labels = {f.figure_id: f.label or f.figure_id for f in ([reported] if reported else []) + operands}
        relation["description"] = describe(relation, labels.get)
        self.found.append(relation)

    # -- the patterns -------------------------------------------------------------------------
    def read(self) -> list[dict]:
        for figure in self.figures:
            if figure.percent:
                self.share(figure) or self.excess(figure) or self.completion(figure)
            elif figure.kind == "count" and not figure.qualifier:  # 一轮以上 counts nothing exactly
                self.count(figure)
        self.parenthesised()
        self.totals()
        self.remainders()
        return sorted(self.found, key=lambda r: (r["sentence_start"], self._position(r)))

    def _position(self, relation: dict) -> int:
        ids = split_ids(relation["reported"]) + split_ids(relation["operands"])
        return min(f.start for f in self.figures if f.figure_id in ids)

    def _before(self, figure: Placed, start: int, test) -> Placed | None:
        """The nearest figure before `figure` (from `start`) that passes `test`."""
        for other in reversed(self.within(start, figure.start)):
            if test(other):
                return other
        return None

    def _whole_of_part(self, part: Placed) -> Placed | None:
        """The total a part is a 其中 of: the figure right before the parenthesis that holds it, the
        figure right before the 其中 of its clause (已完成…62000户,其中…55800户), or the total stated
        with 共 earlier in its sentence; in the same base unit."""
        s, _ = self.sentence(part.start)
        opening = max(self.text.rfind("(", s, part.start), self.text.rfind("（", s, part.start))
        if opening >= 0 and not re.search(r"[)）]", self.text[opening:part.start]):
            total = next((f for f in self._chain_ending(opening) if f.unit == part.unit), None)
            if total is not None:
                return total
        mark = self.text.rfind(PART_WORDS, s, part.start)
        if mark >= 0 and not re.search(rf"[{_CLAUSE}]", self.text[mark:part.start]):
            end = mark - 1 if mark > s and self.text[mark - 1] in ",，" else mark
            total = next((f for f in self._chain_ending(end) if f.unit == part.unit), None)
            if total is not None:
                return total
        for total in self._stated_totals(s, part.start):
            if total.unit == part.unit:
                return total
        return None

    def _stated_totals(self, start: int, end: int) -> list[Placed]:
        """The figures stated as totals (共有…16869户42750人) between `start` and `end`."""
        found = []
        for match in TOTAL_WORDS.finditer(self.text, start, end):
            run = [f for f in self.within(match.end(), end)
                   if not re.search(rf"[{_CLAUSE}]", self.text[match.end():f.start])]
            chain = run[:1]
            for f in run[1:]:
                if f.start == chain[-1].end:
                    chain.append(f)
            found += chain
        return found

    def _chain_ending(self, pos: int) -> list[Placed]:
        """The figures printed one after another that end at `pos` (6083户12797人 before a parenthesis)."""
        chain, at = [], pos
        for figure in reversed([f for f in self.figures if f.end <= pos]):
            if figure.end != at:
                break
            chain.append(figure)
            at = figure.start
        return chain

    def _target(self, figure: Placed, unit: str) -> Placed | None:
        """The target in `unit` printed before `figure` in its sentence, else in its section."""
        s, _ = self.sentence(figure.start)
        found = self._before(figure, s, lambda f: f.kind == "target" and f.unit == unit)
        if found is None:
            found = self._before(figure, 0, lambda f: f.kind == "target" and f.unit == unit
                                 and f.section == figure.section)
        return found

    def share(self, rate: Placed) -> bool:
        before = self.clause_before(rate.start)
        s, e = self.sentence(rate.start)
        if SHARE.search(before):
            part = self._before(rate, s, lambda f: not f.percent)
            if part is None:
                return False
            whole = self._whole_of_part(part) or self._target(part, part.unit)
        else:
            named = SHARE_OF.search(before)
            if not named:
                return False
            words_start = rate.start - len(before) + named.start(1)
            part = self._before(rate, s, lambda f: not f.percent and f.start < words_start)
            inside = [f for f in self.within(words_start, rate.start) if not f.percent]
            whole = inside[0] if inside else self._named(named.group(1), part) if part else None
        if part is None or whole is None or whole.figure_id == part.figure_id or whole.unit != part.unit:
            return False
        self.add("rate", rate, [part, whole], (s, e))
        return True

    def _named(self, words: str, part: Placed) -> Placed | None:
        """The figure the words between 占 and 的 name: printed right after them, or labelled with them."""
        words = words.strip()
        if len(words) < 2:
            return None
        section = [f for f in self.figures if f.section == part.section and f.unit == part.unit
                   and f.figure_id != part.figure_id]
        for figure in section:
            if self.clause_before(figure.start).endswith(words) or figure.label.endswith(words):
                return figure
        return None

    def excess(self, rate: Placed) -> bool:
        if not EXCESS.search(self.clause_before(rate.start)):
            return False
        s, e = self.sentence(rate.start)
        completion = self._before(rate, s, lambda f: f.percent)
        if completion is None:
            return True
        self.add("excess", rate, [completion], (s, e))
        return True

    def completion(self, rate: Placed) -> bool:
        if not COMPLETION.search(self.clause_before(rate.start)):
            return False
        s, e = self.sentence(rate.start)
        amount = self._before(rate, s, lambda f: not f.percent)
        if amount is None:
            return False
        if amount.kind == "target":
            self.add("implied_product", None, [amount, rate], (s, e))
            return True
        target = self._target(amount, amount.unit)
        if target is not None and target.figure_id != amount.figure_id:
            self.add("rate", rate, [amount, target], (s, e))
        else:
            self.add("implied_ratio", None, [amount, rate], (s, e))
        return True

    def count(self, count: Placed) -> None:
        s, e = self.sentence(count.start)
        listing = listing_at(self.text, count.start, count.end, ordinals=False)
        if listing and not listing[1][-1].endswith(VERB_ENDINGS):  # 领导带队…开展了一轮: not a list of what it counts
            _, items, _ = listing
            self.add("count_listed", count, [], (s, e), listing=f"{items[0]}…{items[-1]}")
            return
        if self.text.startswith("大", count.end) or self.text.startswith("大", count.start + len(count.value_printed)):
            end = segments.next_section(self.text, count.start) or len(self.text)
            items = ordinal_items(self.text, count.start)
            if items and end not in self.used_lists:  # a section's list is claimed by its first count
                self.used_lists.add(end)
                self.add("count_listed", count, [], (s, e), listing=f"一是…{cn2an.an2cn(len(items))}是")

    def parenthesised(self) -> None:
        """6083户12797人(不稳定户3294户6492人、…): a total and its parts (or a 其中 part) in parentheses."""
        for match in re.finditer(r"[(（]", self.text):
            totals = self._chain_ending(match.start())
            if not totals:
                continue
            close = re.search(r"[)）]", self.text[match.end():])
            end = match.end() + close.start() if close else len(self.text)
            inside = self.text[match.end():end]
            sentence = self.sentence(match.start())
            if inside.lstrip().startswith(PART_WORDS):
                for total in totals:
                    for part in self.within(match.end(), end):
                        if part.unit == total.unit and not part.percent:
                            self.add("part_of", part, [total], sentence)
                continue
            self._parts(totals, match.end(), end, sentence, breaks="、,，；;")

    def totals(self) -> None:
        """共有…16869户42750人,其中脱贫不稳定户7850户…;边缘易致贫户4989户…: a total and its listed parts."""
        for match in re.finditer(PART_WORDS, self.text):
            s, e = self.sentence(match.start())
            totals = self._stated_totals(s, match.start())
            if totals:
                self._parts(totals, match.end(), e, (s, e))

    def _parts(self, totals: list[Placed], start: int, end: int, sentence: tuple[int, int],
               breaks: str | None = None) -> None:
        for total in totals:
            for marks in ((breaks,) if breaks else _SEGMENT_BREAKS):
                pieces = _segments(self.text, start, end, marks)
                parts = [next((f for f in self.within(a, b) if f.unit == total.unit and not f.percent), None)
                         for a, b in pieces]
                parts = [p for p in parts if p is not None]
                if len(parts) >= 2:
                    self.add("sum", total, parts, sentence)
                    break
                if len(parts) == 1 and len(pieces) == 1:
                    continue  # one piece: try the finer breaks
                if len(parts) == 1:
                    self.add("part_of", parts[0], [total], sentence)
                    break

    def remainders(self) -> None:
        """计划N个,已完成M个,剩余K个: a remainder against its whole minus what is done."""
        for figure in self.figures:
            if figure.percent or not REMAINDER.search(self.clause_before(figure.start)):
                continue
            s, e = self.sentence(figure.start)
            earlier = [f for f in self.within(s, figure.start) if f.unit == figure.unit and not f.percent]
            whole = next((f for f in earlier if f.kind == "target"), None) or next(
                iter(self._stated_totals(s, figure.start)), None)
            if whole is None:
                continue
            done = [f for f in earlier if f.start > whole.start and f.kind != "target"]
            if done:
                self.add("difference", figure, [whole, *done], (s, e))


def _segments(text: str, start: int, end: int, marks: str) -> list[tuple[int, int]]:
    pieces, at = [], start
    for position in range(start, end):
        if text[position] in marks:
            pieces.append((at, position))
            at = position + 1
    pieces.append((at, end))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


def describe(relation: dict, named) -> str:
    """A check read from a sentence, described by its figures' names (`named(figure_id)`: the month's
    labels in checks.csv and the Chinese page, the edition's names on another) joined by the kind's
    operators. The numbers are not repeated: the check shows them beside it."""
    kind = KINDS[relation["kind"]]
    ids = split_ids(relation["reported"]) + split_ids(relation["operands"])
    names = [named(figure_id) for figure_id in ids]
    if kind.describe is not None:
        return kind.describe(names, relation)
    return " = ".join(names)


def read_checks(figures: pd.DataFrame, text: str) -> list[dict]:
    """The checks the month's sentences state about their own figures (see the module docstring)."""
    return _Reader(placed_figures(figures, text), text).read()


def merge(declared: list[dict], read: list[dict], figures: pd.DataFrame | None = None) -> list[dict]:
    """Declared relations and those read from the text, as one list of relations to evaluate, in the
    order the report prints their figures (relations whose figures are absent last, in table order).

    Where both cover the same figures, the declared one is kept (a person reviewed it). Each
    relation says where it came from (`origin`: declared or text, and the sentence's offsets).
    """
    def covered(relation: dict) -> frozenset:
        return frozenset(split_ids(relation["reported"]) + split_ids(relation["operands"]))

    kept = [{**r, "origin": "declared", "sentence_start": "", "sentence_end": ""} for r in declared]
    seen = {covered(r) for r in kept} | {r["relation_id"] for r in kept}
    for relation in read:
        if covered(relation) in seen or relation["relation_id"] in seen:
            continue
        seen |= {covered(relation), relation["relation_id"]}
        kept.append(relation)
    if figures is None or figures.empty:
        return kept
    starts = {row["figure_id"]: int(float(row.get("value_start", -1) or -1)) for row in figures.to_dict("records")}

    def position(relation: dict) -> float:
        ids = split_ids(relation["reported"]) + split_ids(relation["operands"])
        if not ids or any(i not in starts for i in ids):
            return float("inf")
        return starts[ids[0]]
    return sorted(kept, key=position)


def relations_for(declared: list[dict], figures: pd.DataFrame, text: str) -> list[dict]:
    """Every relation a period's figures are checked against: the declared ones (relations.csv) and
    those its sentences state (read_checks), merged."""
    return merge(declared, read_checks(figures, text), figures)


def against_declared(declared: list[dict], figures: pd.DataFrame, text: str,
                     previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each declared relation, the check the text alone would make of the same numbers, if any,
    and whether the two agree (same verdict and the same recomputed value or range).

    A text check finds a declared one when it is of the same kind and its figures print the same
    numbers in the same roles (2021年省定危房改造任务3441户 restates 省下达任务3441户: the same check).
    """
    from .figures import figure_index
    from .relations import run_checks

    index = figure_index(figures)

    def numbers_of(relation: dict) -> tuple | None:
        ids = split_ids(relation["reported"]) + split_ids(relation["operands"])
        if any(i not in index for i in ids):
            return None
        return relation["kind"], tuple((index[i].value, index[i].unit) for i in ids)

    read = read_checks(figures, text)
    by_ids = {(r["kind"], frozenset(split_ids(r["reported"]) + split_ids(r["operands"]))): r for r in read}
    by_numbers = {numbers_of(r): r for r in read}
    declared_checks = run_checks(figures, declared, text, previous).set_index("check_id")
    read_checks_table = run_checks(figures, read, text, previous).set_index("check_id")
    rows = []
    for relation in declared:
        twin = by_ids.get((relation["kind"], frozenset(split_ids(relation["reported"]) + split_ids(relation["operands"]))))
        if twin is None and numbers_of(relation) is not None:
            twin = by_numbers.get(numbers_of(relation))
        mine = declared_checks.loc[relation["relation_id"]]
        row = {"relation_id": relation["relation_id"], "kind": relation["kind"], "status": mine["status"],
               "read_as": "", "read_status": "", "agree": ""}
        if twin is not None:
            theirs = read_checks_table.loc[twin["relation_id"]]
            same = mine["status"] == theirs["status"] and all(
                (pd.isna(mine[c]) and pd.isna(theirs[c])) or mine[c] == theirs[c]
                for c in ("recomputed", "lower", "upper", "difference"))
            row.update(read_as=twin["relation_id"], read_status=theirs["status"], agree="yes" if same else "no")
        rows.append(row)
    return pd.DataFrame(rows, columns=["relation_id", "kind", "status", "read_as", "read_status", "agree"])
