"""Every number the public page prints, as a fact: its value, how it is printed, and where it comes from.

The narrative never formats a number itself. `build` reads this period's processed tables once
and makes one `Fact` per number the page may print:

- a transcribed figure (`figure.<figure_id>`), printed as the source prints it and linked to its
  mark in the source view (`#src-<figure_id>`);
- last period's value of a figure (`previous.<figure_id>`), linked to its mark on last period's page;
- a number the page derives (headline counts, gaps, recomputed rates, ranges, diagnoses,
  month-over-month values, days), with its formula over figure ids and check ids and its inputs,
  linked to its entry under 计算说明 (`#calc-<fact_id>`), which links to each input in turn;
- a date (as-of dates, the report's own dates), and the one constant the page uses (100%).

The page takes every number from the book (`FactBook.link`), so the page and
`data/processed/<period>/facts.csv` cannot disagree, and a test finds every number of the page
among the facts. A fact is language-neutral but for `printed`, `label` and the words of its
explanation: the book is built with one printing module (printing/zh.py today).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from types import ModuleType

import pandas as pd

from ..audit.figures import split_ids
from ..io.rawdata import UNKNOWN
from ..io.writers import write_csv
from .printing import zh as zh_printing
from .sourceview import source_anchor
from .words import STATUS_ZH, words

FACT_COLUMNS = ["fact_id", "label", "value", "unit", "printed", "formula", "inputs", "as_of", "section"]

# How the page explains a derived fact under 计算说明: words with {placeholders} for its inputs,
# which the page fills with links to those inputs. (The English edition gets its own set.)
EXPLAIN_ZH = {
    "date_as_of": "数据截止日期,见{figures}",
    "source_date": "原文信息(source.yml:{field})",
    "constant_full": "完成率达到目标,即完成数等于目标",
    "count_figures": "原文中转录的数据个数(figures.csv的行数)",
    "count_campaigns": "有数据的工作项数",
    "count_targets": "可与目标对比的指标数(progress.csv的行数)",
    "count_position": "{position}的指标数",
    "count_checked": "给出“一致”或“不一致”结论的核对项数",
    "count_mismatched": "与原文不一致的核对项数",
    "count_explained": "可由某一个数字的出入解释的不一致核对项数",
    "count_diagnosed": "能解释不一致的数字个数(diagnoses.csv的行数)",
    "count_checks": "核对总项数(checks.csv的行数)",
    "count_status": "结论为“{status}”的核对项数",
    "count_flagged": "与上期相比需要注意的数据项数",
    "count_resolved": "该数字若取此值即一致的核对项数",
    "implied_target": "{achieved} ÷ {rate}",
    "implied_achieved": "{target} × {rate}",
    "completion_rate": "{achieved} ÷ {target} × {full}",
    "gap": "{target}与{achieved}之差",
    "recomputed": "按原文数据复算:{working}",
    "difference": "{reported}与复算值{recomputed}之差",
    "tolerance": "原文数字的舍入误差所能解释的最大差距",
    "range_lower": "按原文数字的舍入误差,推算值的下限",
    "range_upper": "按原文数字的舍入误差,推算值的上限",
    "proposed": "使以下核对均一致的{figure}取值:{checks}",
    "stale_days": "报告期末({end})与截止日期({as_of})相隔的天数",
    "previous_figure": "上期({period})报告原文",
    "previous_range": "上期({period})按原文数字推算的范围",
    "current_range": "本期按原文数字推算的范围",
    "previous_period": "上一期报告所覆盖的最后一个月",
}


@dataclass
class Fact:
    fact_id: str
    label: str
    value: object
    unit: str
    printed: str
    formula: str = ""
    inputs: tuple = ()
    as_of: str = ""
    section: str = ""
    href: str = ""
    explain: tuple = ()  # (EXPLAIN code, {placeholder: fact id or text})

    @property
    def derived(self) -> bool:
        return not self.fact_id.startswith(("figure.", "previous."))


@dataclass
class FactBook:
    """The facts of one page, and which of them the page has shown, in the order it shows them."""

    printer: ModuleType = zh_printing
    facts: dict = field(default_factory=dict)
    shown: list = field(default_factory=list)

    def add(self, fact_id: str, label: str, value, unit: str, printed: str, formula: str = "",
            inputs=(), as_of: str = "", section: str = "", href: str = "", explain: tuple = ()) -> Fact:
        """Make a fact (or return the same one again); two different facts under one id are an error."""
        fact = Fact(fact_id, label, value, unit, printed, formula, tuple(inputs), as_of, section,
                    href or f"#{calc_anchor(fact_id)}", explain)
        known = self.facts.get(fact_id)
        if known is not None:
            if (known.printed, known.value) != (fact.printed, fact.value):
                raise ValueError(f"fact {fact_id!r} made twice with different values: "
                                 f"{known.printed!r} and {fact.printed!r}")
            return known
        self.facts[fact_id] = fact
        return fact

    def __getitem__(self, fact_id: str) -> Fact:
        if fact_id not in self.facts:
            raise KeyError(f"no fact {fact_id!r}: the page may only print numbers that facts.build made")
        return self.facts[fact_id]

    def __contains__(self, fact_id: str) -> bool:
        return fact_id in self.facts

    def printed(self, fact_id: str) -> str:
        return self[fact_id].printed

    def link(self, fact_id: str) -> str:
        """The fact as the page prints it, linked to its source mark or its calculation. The first
        time the page shows a fact, the link carries the id its calculation links back to."""
        fact = self[fact_id]
        anchor = ""
        if fact_id not in self.shown:
            self.shown.append(fact_id)
            anchor = f' id="{escape(fact_anchor(fact_id), quote=True)}"'
        return f'<a class="fact"{anchor} href="{escape(fact.href, quote=True)}">{escape(fact.printed)}</a>'

    def backlink(self, fact_id: str) -> str:
        """The fact, linked back to the place the page first shows it (for its calculation's entry)."""
        fact = self[fact_id]
        return f'<a class="fact" href="#{escape(fact_anchor(fact_id), quote=True)}">{escape(fact.printed)}</a>'

    def table(self, fact_ids=None) -> pd.DataFrame:
        """The facts (all, or the ids given) as facts.csv's rows."""
        ids = list(self.facts) if fact_ids is None else list(fact_ids)
        rows = [{"fact_id": f.fact_id, "label": f.label, "value": _cell(f.value), "unit": f.unit,
                 "printed": f.printed, "formula": f.formula, "inputs": "|".join(f.inputs), "as_of": f.as_of,
                 "section": f.section} for f in (self[i] for i in ids)]
        return pd.DataFrame(rows, columns=FACT_COLUMNS)

    def show(self, *prefixes: str) -> pd.DataFrame:
        """The facts whose ids start with any of `prefixes`: one notebook cell per published finding."""
        return self.table([i for i in self.facts if i.startswith(prefixes)])


def fact_anchor(fact_id: str) -> str:
    return f"fact-{fact_id}"


def calc_anchor(fact_id: str) -> str:
    return f"calc-{fact_id}"


def _cell(value) -> str:
    if isinstance(value, float):
        return zh_printing.plain_number(value).replace(",", "")
    return "" if value is None else str(value)


def save(book: FactBook, processed_dir: Path) -> pd.DataFrame:
    """Write facts.csv: every fact the page has shown, in the order it first shows them."""
    table = book.table(book.shown)
    write_csv(table, Path(processed_dir) / "facts.csv")
    return pd.DataFrame({"file": ["facts.csv"], "rows": [len(table)]})


# ---- Reading the processed tables ----------------------------------------------------------------

def num(value) -> float | None:
    return zh_printing.num(value)


def figure_rows(report) -> dict[str, pd.Series]:
    return {row["figure_id"]: row for _, row in report.figures.iterrows()}


def first_figure(report, ids: list[str], which: str) -> pd.Series | None:
    """A progress row's target or achieved figure (targets.csv lists target, achieved, rate ids)."""
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    kinds = ("target",) if which == "target" else ("cumulative", "stock", "count")
    rows = rows[rows["kind"].isin(kinds)]
    return rows.iloc[0] if len(rows) else None


def rate_figure(report, ids: list[str]) -> pd.Series | None:
    rows = report.figures[report.figures["figure_id"].isin(ids) & (report.figures["unit"] == "percent")]
    return rows.iloc[0] if len(rows) else None


def is_implied(row) -> bool:
    """A progress row whose target or achievement is worked back from the printed rate."""
    return "implied" in (row.target_source, row.achieved_source)


def bound(row) -> str:
    return str(getattr(row, "rate_bound", "") or "")


def explained_checks(report) -> dict[str, int]:
    """Mismatched check id -> the position in diagnoses.csv of the diagnosis that explains it."""
    explained = {}
    for position, row in enumerate(report.diagnoses.itertuples()) if not report.diagnoses.empty else []:
        for check_id in split_ids(row.resolves):
            explained.setdefault(check_id, position)
    return explained


def previous_period(report) -> str:
    """The period changes.csv compares with, or '' for the first period."""
    if report.changes.empty or "previous_period" not in report.changes:
        return ""
    return next((p for p in report.changes["previous_period"] if isinstance(p, str) and p.strip()), "")


def stale_days(report) -> dict[str, float]:
    """Figures whose as-of date is well before the period's end (changes.csv), and by how many days."""
    changes = report.changes
    if changes.empty or "as_of_gap_days" not in changes:
        return {}
    stale = changes[changes["flag"].map(lambda flag: "stale_as_of" in str(flag).split("|"))]
    return dict(zip(stale["figure_id"], stale["as_of_gap_days"]))


# ---- Building the facts of a period ------------------------------------------------------------

def build(report, printer: ModuleType = zh_printing) -> FactBook:
    """Every number the narrative may print, made once from the period's processed tables."""
    book = FactBook(printer=printer)
    for make in (_constants, _source_dates, _figures, _headline, _progress, _checks, _diagnoses, _changes):
        make(book, report)
    return book


def _constants(book: FactBook, report) -> None:
    book.add("constant.full", "完成目标", 100.0, "percent", "100%", "definition", section="progress",
             explain=("constant_full", {}))


def date_fact(book: FactBook, iso: str, figure_ids=(), section: str = "") -> str:
    """The fact of one as-of date (the figures dated that day are its inputs); returns its id."""
    fact_id = f"date.{iso}"
    if fact_id in book:
        known = book[fact_id]
        known.inputs = tuple(dict.fromkeys(known.inputs + tuple(figure_ids)))
        return fact_id
    book.add(fact_id, "数据截止日期", iso, "date", book.printer.format_date(iso), "as_of of the figures",
             tuple(figure_ids), iso, section, explain=("date_as_of", {"figures": "inputs"}))
    return fact_id


def _source_dates(book: FactBook, report) -> None:
    source = report.source
    covered = source.get("period_covered", {})
    for key, label, value in (("period_start", "报告期起", covered.get("start")), ("period_end", "报告期止", covered.get("end")),
                              ("published", "原文发布日期", source.get("published")),
                              ("dated", "原文落款日期", source.get("dated")),
                              ("retrieved", "原文获取日期", source.get("retrieved"))):
        if value is None or str(value) == UNKNOWN:
            continue  # not a number: the page says 未记录
        iso = str(value)[:10]
        field_name = {"period_start": "period_covered.start", "period_end": "period_covered.end"}.get(key, key)
        book.add(f"source.{key}", label, iso, "date", book.printer.format_date(iso), f"source.yml: {field_name}",
                 ("source.yml",), section="about", explain=("source_date", {"field": field_name}))


def _figures(book: FactBook, report) -> None:
    for _, row in report.figures.iterrows():
        book.add(f"figure.{row['figure_id']}", str(row["label"]), float(row["value"]), str(row["unit"]),
                 book.printer.format_figure(row), "transcribed from report.txt", (row["figure_id"],),
                 str(row["as_of"]), f"campaign-{row['campaign']}", href=f"#{source_anchor(row['figure_id'])}")
    for as_of, group in report.figures.groupby("as_of", sort=True):
        date_fact(book, str(as_of), tuple(group["figure_id"]))
    for figure_id, days in stale_days(report).items():
        row = report.figure(figure_id)
        book.add(f"stale.{figure_id}", f"{row['label']}:截止日期早于报告期末的天数", float(days), "days",
                 book.printer.plain_number(days), "period_covered.end − as_of", (figure_id, "source.period_end"),
                 str(row["as_of"]), f"campaign-{row['campaign']}",
                 explain=("stale_days", {"end": "source.period_end", "as_of": f"date.{row['as_of']}"}))


def _headline(book: FactBook, report) -> None:
    progress, status = report.progress, report.checks["status"].value_counts()
    figures = list(report.figures["figure_id"])
    campaigns = list(dict.fromkeys(report.figures["campaign"]))

    def count(name: str, label: str, value: int, formula: str, inputs, explain) -> None:
        book.add(f"headline.{name}", label, float(value), "count", book.printer.plain_number(value), formula,
                 tuple(inputs), section="summary", explain=explain)

    count("figures", "转录的数据个数", len(figures), "count(figures.csv)", figures, ("count_figures", {}))
    count("campaigns", "有数据的工作项数", len(campaigns), "count(distinct campaign in figures.csv)", campaigns,
          ("count_campaigns", {}))
    count("targets", "可与目标对比的指标数", len(progress), "count(progress.csv)", progress["target_id"],
          ("count_targets", {}))
    for position, words in (("ahead", "超过目标"), ("met", "已完成目标"), ("behind", "尚未完成")):
        subset = progress[progress["position"] == position]
        count(position, f"{words}的指标数", len(subset), f"count(progress.csv where position = {position})",
              subset["target_id"], ("count_position", {"position": words}))
    judged = report.checks[report.checks["status"].isin(["pass", "mismatch"])]
    mismatched = report.checks[report.checks["status"] == "mismatch"]
    count("checked", "复算核对项数", len(judged), "count(checks.csv where status in pass, mismatch)",
          judged["check_id"], ("count_checked", {}))
    count("mismatched", "与原文不一致的核对项数", int(status.get("mismatch", 0)),
          "count(checks.csv where status = mismatch)", mismatched["check_id"], ("count_mismatched", {}))
    explained = [c for c in explained_checks(report) if c in set(mismatched["check_id"])]
    count("explained", "可由一个数字的出入解释的不一致项数", len(explained),
          "count(mismatched checks in diagnoses.csv resolves)", explained, ("count_explained", {}))
    diagnosed = list(report.diagnoses["figure_id"]) if not report.diagnoses.empty else []
    count("diagnosed", "能解释不一致的数字个数", len(diagnosed), "count(diagnoses.csv)", diagnosed,
          ("count_diagnosed", {}))


def _progress(book: FactBook, report) -> None:
    p = book.printer
    for row in report.progress.itertuples():
        ids = split_ids(row.figure_ids)
        target, achieved, rate = first_figure(report, ids, "target"), first_figure(report, ids, "achieved"), \
            rate_figure(report, ids)
        date_fact(book, str(row.as_of), ids)
        section = "progress"
        for which, own, other in (("target", target, achieved), ("achieved", achieved, target)):
            if getattr(row, f"{which}_source") == "reported" and own is not None:
                continue  # the page prints the figure itself
            template = other if other is not None else own
            value = num(getattr(row, which))
            if template is None or value is None:
                continue
            if which == "target":
                formula = f"{achieved['figure_id']} ÷ ({rate['figure_id']} / 100)"
                inputs, explain = (achieved["figure_id"], rate["figure_id"]), ("implied_target", {
                    "achieved": f"figure.{achieved['figure_id']}", "rate": f"figure.{rate['figure_id']}"})
            else:
                formula = f"{target['figure_id']} × {rate['figure_id']} / 100"
                inputs, explain = (target["figure_id"], rate["figure_id"]), ("implied_achieved", {
                    "target": f"figure.{target['figure_id']}", "rate": f"figure.{rate['figure_id']}"})
            book.add(f"progress.{row.target_id}.{which}", f"{row.label}:{'目标' if which == 'target' else '完成数'}(推算)",
                     value, str(row.unit), p.like(value, template, decimals=2), formula, inputs, str(row.as_of),
                     section, explain=explain)
        target_id = f"figure.{target['figure_id']}" if row.target_source == "reported" and target is not None \
            else f"progress.{row.target_id}.target"
        achieved_id = f"figure.{achieved['figure_id']}" if row.achieved_source == "reported" and achieved is not None \
            else f"progress.{row.target_id}.achieved"
        if not is_implied(row) and num(row.computed_rate) is not None:
            book.add(f"progress.{row.target_id}.rate", f"{row.label}:复算完成率", num(row.computed_rate), "percent",
                     p.format_percent(num(row.computed_rate), 2), f"{achieved_id.split('.', 1)[1]} ÷ "
                     f"{target_id.split('.', 1)[1]} × 100", tuple(ids), str(row.as_of), section,
                     explain=("completion_rate", {"achieved": achieved_id, "target": target_id,
                                                  "full": "constant.full"}))
        template = target if target is not None else achieved
        gap = abs(float(row.gap))
        if template is not None and target_id in book and achieved_id in book:
            book.add(f"progress.{row.target_id}.gap", f"{row.label}:与目标之差", gap, str(row.unit),
                     p.like(gap, template, decimals=2), f"|{target_id} − {achieved_id}|",
                     tuple(ids), str(row.as_of), section,
                     explain=("gap", {"target": target_id, "achieved": achieved_id}))


def in_source_units(report, book: FactBook, ids: list[str], value, difference: bool = False) -> str:
    """A computed number in the style of the figures it comes from: 9,802.93万元, 78.55%, 375,458人."""
    number = num(value)
    if number is None:
        return book.printer.MISSING
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    if len(rows) == 0:
        return book.printer.plain_number(number)
    first = rows.set_index("figure_id").loc[[i for i in ids if i in set(rows["figure_id"])][0]]
    return book.printer.like(number, first, difference=difference)


def _checks(book: FactBook, report) -> None:
    checks = report.checks
    status = checks["status"].value_counts()
    book.add("audit.checks", "核对总项数", float(len(checks)), "count", book.printer.plain_number(len(checks)),
             "count(checks.csv)", tuple(checks["check_id"]), section="audit", explain=("count_checks", {}))
    for name in status.index:
        subset = checks[checks["status"] == name]
        status_words = words(STATUS_ZH, name, "check status")
        book.add(f"audit.status.{name}", f"结论为“{status_words}”的核对项数", float(status[name]), "count",
                 book.printer.plain_number(int(status[name])), f"count(checks.csv where status = {name})",
                 tuple(subset["check_id"]), section="audit", explain=("count_status", {"status": status_words}))
    for check in checks.itertuples():
        ids = split_ids(check.figure_ids)
        base = f"check.{check.check_id}"
        show = lambda value, difference=False: in_source_units(report, book, ids, value, difference)  # noqa: E731
        if check.status == "mismatch":
            book.add(f"{base}.recomputed", f"{check.description}:复算值", num(check.recomputed), str(check.unit),
                     show(check.recomputed), str(check.formula), tuple(ids), section="audit",
                     explain=("recomputed", {"working": f"{base}.working"}))
            reported = f"figure.{ids[0]}" if ids and f"figure.{ids[0]}" in book else ""
            book.add(f"{base}.difference", f"{check.description}:相差", abs(num(check.difference) or 0.0),
                     str(check.unit), show(abs(num(check.difference) or 0.0), True),
                     f"|{ids[0] if ids else 'reported'} − recomputed|", tuple(ids), section="audit",
                     explain=("difference", {"reported": reported, "recomputed": f"{base}.recomputed"}))
            book.add(f"{base}.tolerance", f"{check.description}:舍入误差可解释的差距", num(check.tolerance),
                     str(check.unit), show(check.tolerance, True), "rounding of the printed figures", tuple(ids),
                     section="audit", explain=("tolerance", {}))
        elif check.status == "derived":
            book.add(f"{base}.recomputed", f"{check.description}:推算值", num(check.recomputed), str(check.unit),
                     show(check.recomputed), str(check.formula), tuple(ids), section="audit",
                     explain=("recomputed", {"working": f"{base}.working"}))
            if str(check.bound_by or "") != "all_done" and show(check.lower) != show(check.upper):
                for end, code in (("lower", "range_lower"), ("upper", "range_upper")):
                    book.add(f"{base}.{end}", f"{check.description}:推算值{'下限' if end == 'lower' else '上限'}",
                             num(getattr(check, end)), str(check.unit), show(getattr(check, end)),
                             f"{check.formula} at the {end} end of the printed figures' rounding", tuple(ids),
                             section="audit", explain=(code, {}))


def _diagnoses(book: FactBook, report) -> None:
    for diagnosis in report.diagnoses.itertuples() if not report.diagnoses.empty else []:
        figure = report.figure(diagnosis.figure_id)
        resolves = split_ids(diagnosis.resolves)
        proposed = book.printer.number_range(diagnosis.lower, diagnosis.upper, figure, decimals=int(figure["decimals"]))
        value = str(diagnosis.proposed)
        book.add(f"diagnosis.{diagnosis.figure_id}.proposed", f"{figure['label']}:使核对一致的取值", value,
                 str(figure["unit"]), proposed, f"values of {diagnosis.figure_id} for which {' and '.join(resolves)} pass",
                 (diagnosis.figure_id, *resolves), str(figure["as_of"]), "audit",
                 explain=("proposed", {"figure": f"figure.{diagnosis.figure_id}", "checks": "resolves"}))
        book.add(f"diagnosis.{diagnosis.figure_id}.resolves", f"{figure['label']}:可由此解释的核对项数",
                 float(len(resolves)), "count", book.printer.plain_number(len(resolves)),
                 f"count({diagnosis.figure_id} resolves)", tuple(resolves), section="audit",
                 explain=("count_resolved", {}))


def previous_fact(book: FactBook, report, figure_id: str, printed: str, value) -> str:
    """Last period's value of a figure, linked to its mark on last period's page."""
    fact_id = f"previous.{figure_id}"
    period = previous_period(report)
    if fact_id not in book:
        book.add(fact_id, f"上期:{figure_id}", num(value), "", book.printer.format_printed(printed),
                 f"{period} figures.csv: {figure_id}", (f"{period}:{figure_id}",), section="changes",
                 href=f"../{period}/report.html#{source_anchor(figure_id)}",
                 explain=("previous_figure", {"period": "previous.period"}))
    return fact_id


def _changes(book: FactBook, report) -> None:
    changes = report.changes
    if changes.empty:
        return
    period = previous_period(report)
    if period:
        book.add("previous.period", "上一期", period, "period", book.printer.format_period(period),
                 "changes.csv previous_period", (period,), section="changes", explain=("previous_period", {}))
    flagged = changes[changes["flag"].map(lambda flag: isinstance(flag, str) and flag != "")]
    book.add("changes.flagged", "需要注意的数据项数", float(len(flagged)), "count",
             book.printer.plain_number(len(flagged)), "count(changes.csv where flag is not empty)",
             tuple(flagged["figure_id"]), section="changes", explain=("count_flagged", {}))
    for r in changes.itertuples():
        if r.kind == "derived":
            rows = report.checks[report.checks["check_id"] == r.figure_id]
            template = report.figure(split_ids(rows.iloc[0]["figure_ids"])[0]) if len(rows) else None
            if template is None:
                continue
            for which, code in (("previous", "previous_range"), ("current", "current_range")):
                lower, upper = getattr(r, f"{which}_lower"), getattr(r, f"{which}_upper")
                if num(lower) is None:
                    continue
                book.add(f"change.{r.figure_id}.{which}", f"{r.label}:{'上期' if which == 'previous' else '本期'}推算范围",
                         f"{lower}–{upper}", str(r.unit), book.printer.number_range(lower, upper, template),
                         f"{r.figure_id} {which} range", (r.figure_id,), section="changes",
                         explain=(code, {"period": "previous.period"}))
        elif period and str(r.previous_printed or "").strip():
            previous_fact(book, report, r.figure_id, str(r.previous_printed), r.previous_value)


# ---- The words of a derived fact's calculation, with links to its inputs -----------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def explanation_html(book: FactBook, fact: Fact, phrases: dict | None = None, working: str = "",
                     describe=None) -> str:
    """A derived fact's explanation in the page's words, each input a link to its own fact.

    `describe` turns a check id into its description (HTML); the page passes it."""
    phrases = phrases or EXPLAIN_ZH
    if not fact.explain:
        return ""
    code, params = fact.explain
    text = phrases[code]

    def fill(name: str) -> str:
        if name == "working":
            return working
        target = params.get(name, "")
        if target == "inputs":
            return "、".join(escape(book[f"figure.{i}"].label) + book.link(f"figure.{i}")
                            for i in fact.inputs if f"figure.{i}" in book)
        if target == "resolves":
            return "、".join(describe(c) if describe else escape(str(c)) for c in fact.inputs[1:])
        if target in book:
            return book.link(target)
        return escape(str(target))

    parts = _PLACEHOLDER.split(text)
    return "".join(fill(part) if index % 2 else escape(part) for index, part in enumerate(parts))


_FIGURE_TOKEN = re.compile(r"^(previous:|Δ)?([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)$")


def working_html(book: FactBook, report, check) -> str:
    """A check's working from its formula: each figure a link to its fact, the result a link to the
    recomputed fact. 597个 ÷ 760个 × 100% = 78.55%."""
    result = f"check.{check.check_id}.recomputed"
    if check.kind == "count_listed":
        names = str(check.working).split(": ", 1)[1] if ": " in str(check.working) else ""
        return f"列出{book.link(result)}项:{escape(names)}"
    pieces = []
    formula = str(check.formula).replace("previous ", "previous:").replace("(", " ( ").replace(")", " ) ")
    for token in formula.split():
        match = _FIGURE_TOKEN.match(token)
        if token == "100":
            if pieces and pieces[-1] == "/":
                pieces.pop()  # "rate / 100": the rate is printed as a percentage already
                continue
            pieces.append(book.link("constant.full"))
        elif match and match.group(1) == "Δ":
            figure_id = match.group(2)
            previous = f"previous.{figure_id}"
            pieces.append(f"({book.link(f'figure.{figure_id}')} − "
                          f"{book.link(previous) if previous in book else book.printer.MISSING})")
        elif match and match.group(1):
            previous = f"previous.{match.group(2)}"
            pieces.append(book.link(previous) if previous in book else book.printer.MISSING)
        elif match:
            pieces.append(book.link(f"figure.{match.group(2)}") if f"figure.{match.group(2)}" in book
                          else escape(token))
        else:
            pieces.append(escape(token))
    for index in range(len(pieces) - 2, 0, -1):  # "( x )" around a single term: no brackets
        if pieces[index - 1] == "(" and pieces[index + 1] == ")":
            pieces[index - 1:index + 2] = [pieces[index]]
    return " ".join(pieces).replace("( ", "(").replace(" )", ")") + f" = {book.link(result)}"
