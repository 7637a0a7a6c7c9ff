"""Stage 3, the narrative: the public page's sections, in Chinese, assembled from facts.

No number is typed or formatted here: every number on the page is a fact (facts.py), printed as
the book prints it and linked to where it comes from — a transcribed figure to its mark in the
source view at the end of the page, a derived number to its calculation under 计算说明, which links
to each of its inputs. Statuses, flags and diagnoses arrive as codes and are put into words here,
from one mapping each; an unknown code is an error, never a vague stand-in. Every piece of text
that comes from data is HTML-escaped.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd
import yaml

from ..audit.figures import split_ids
from ..audit.relations import PLACEHOLDER, load_relations
from ..io.rawdata import UNKNOWN
from ..io.readers import read_csv, read_utf8
from . import facts as facts_module
from .charts import Chart, load_chart
from .facts import FactBook, bound, explained_checks, is_implied, previous_period, stale_days
from .htmlparts import Html, link, table as _table
from .printing.zh import BOUND_WORDS, MISSING
from .sourceview import figure_anchor, source_view as _source_view
from .words import DIAGNOSIS_ZH, FLAG_ZH, MISSING_ZH, POSITION_ZH, STATUS_ZH, TYPO_ZH, words as _words

def flag_zh(flag: str, days: str = "") -> str:
    """Month-over-month flag codes (joined by |) in Chinese; `days` (HTML) fills in a stale as-of date's gap."""
    return ";".join(_words(FLAG_ZH, code, "month-over-month flag").format(days=days)
                    for code in filter(None, str(flag).split("|")))


@dataclass
class Report:
    """Everything the narrative reads for one period."""

    period: str
    source: dict
    figures: pd.DataFrame
    progress: pd.DataFrame
    checks: pd.DataFrame
    changes: pd.DataFrame
    campaigns: pd.DataFrame
    charts: dict = field(default_factory=dict)
    diagnoses: pd.DataFrame = field(default_factory=pd.DataFrame)
    report_text: str = ""
    descriptions: dict = field(default_factory=dict)  # relation id -> description with {figure_id}s

    def figure(self, figure_id: str) -> pd.Series | None:
        rows = self.figures[self.figures["figure_id"] == figure_id]
        return rows.iloc[0] if len(rows) else None

    def campaign_name(self, campaign: str) -> str:
        rows = self.campaigns[self.campaigns["campaign"] == campaign]
        return rows.iloc[0]["name_zh"] if len(rows) else campaign


def load_report(period: str, processed_dir: Path, raw_dir: Path, reference_dir: Path, figures_dir: Path) -> Report:
    """Read this period's processed tables, its text and source sidecar, and the saved charts."""
    processed_dir = Path(processed_dir)
    source = yaml.safe_load((Path(raw_dir) / "source.yml").read_text(encoding="utf-8"))
    changes_path, diagnoses_path = processed_dir / "changes.csv", processed_dir / "diagnoses.csv"
    report = Report(
        period=period, source=source,
        figures=read_csv(processed_dir / "figures.csv"),
        progress=read_csv(processed_dir / "progress.csv"),
        checks=read_csv(processed_dir / "checks.csv"),
        changes=read_csv(changes_path) if changes_path.is_file() else pd.DataFrame(),
        campaigns=read_csv(Path(reference_dir) / "campaigns.csv"),
        diagnoses=read_csv(diagnoses_path) if diagnoses_path.is_file() else pd.DataFrame(),
        report_text=read_utf8(Path(raw_dir) / "report.txt"),
        descriptions={r["relation_id"]: r["description"] for r in load_relations(reference_dir)},
    )
    names = ["completion", "monitoring"] + [f"campaign_{c}" for c in report.campaigns["campaign"]]
    report.charts = {name: chart for name in names if (chart := load_chart(figures_dir, name))}
    return report


def build_facts(report: Report) -> FactBook:
    """Every number the page may print (facts.build), for the notebook's one-cell-per-finding sections."""
    return facts_module.build(report)


# ---- Small pieces ----------------------------------------------------------------------------

def _when(report: Report, book: FactBook, row) -> str:
    """The date a figure stands at, in words: a year's target is the year's, not a day's."""
    if row.kind == "target" and str(row.as_of_printed) in ("", "今年", "年内", "本年"):
        return "全年目标"
    return f"截至{book.link(f'date.{row.as_of}')}"


def _source_date(book: FactBook, key: str) -> str:
    """One of the report's own dates, or 未记录 where source.yml records it as unknown."""
    return book.link(f"source.{key}") if f"source.{key}" in book else "未记录"


def _figure(book: FactBook, figure_id: str) -> str:
    return book.link(f"figure.{figure_id}")


def _description(report: Report, book: FactBook, check) -> str:
    """A check's description with each figure it names a link to that figure."""
    template = report.descriptions.get(check.check_id)
    if template is None:
        return escape(str(check.description))
    pieces = PLACEHOLDER.split(template)
    return "".join((_figure(book, part) if f"figure.{part}" in book else escape(str(check.description)))
                   if index % 2 else escape(part) for index, part in enumerate(pieces))


def _check_description(report: Report, book: FactBook, check_id: str) -> str:
    rows = report.checks[report.checks["check_id"] == check_id]
    return _description(report, book, next(rows.itertuples())) if len(rows) else escape(check_id)


def _figure_html(chart: Chart) -> str:
    data = base64.b64encode(chart.path.read_bytes()).decode("ascii")
    return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{escape(chart.alt)}" '
            f'loading="eager"><figcaption>{escape(chart.caption)}</figcaption></figure>')


def _ids(row) -> list[str]:
    return split_ids(row.figure_ids)


def _target_and_achieved(book: FactBook, report: Report, row) -> tuple[str, str]:
    """Fact ids of a progress row's target and achievement: the figures, or the implied facts."""
    ids = _ids(row)
    target = facts_module.first_figure(report, ids, "target")
    achieved = facts_module.first_figure(report, ids, "achieved")
    target_id = (f"figure.{target['figure_id']}" if row.target_source == "reported" and target is not None
                 else f"progress.{row.target_id}.target")
    achieved_id = (f"figure.{achieved['figure_id']}" if row.achieved_source == "reported" and achieved is not None
                   else f"progress.{row.target_id}.achieved")
    return target_id, achieved_id


def _amount(book: FactBook, fact_id: str) -> str:
    if fact_id not in book:
        return MISSING
    if fact_id.startswith("progress."):
        return f"约{book.link(fact_id)}(推算)"
    return book.link(fact_id)


def _printed_rate(book: FactBook, report: Report, row) -> str:
    rate = facts_module.rate_figure(report, _ids(row))
    return _figure(book, rate["figure_id"]) if rate is not None else MISSING


def _computed_rate(book: FactBook, row) -> str:
    """The recomputed rate as shown in tables: — when it would be circular, 至多 when it is a bound."""
    fact_id = f"progress.{row.target_id}.rate"
    if is_implied(row) or fact_id not in book:
        return MISSING
    return BOUND_WORDS[bound(row)] + book.link(fact_id)


def _indicator(report: Report, row) -> str:
    name = report.campaign_name(row.campaign)
    return name if name == row.label else f"{name}:{row.label}"


# ---- Sections ----------------------------------------------------------------------------------

def sections(report: Report) -> list[tuple[str, str]]:
    """The report's sections in order, as (anchor id, title): the table of contents."""
    items = [("summary", "摘要"), ("progress", "目标完成情况")]
    items += [(f"campaign-{c}", report.campaign_name(c)) for c in present_campaigns(report)]
    if absent_campaigns(report):
        items.append(("absent", "本期未报告的工作"))
    items += [("audit", "数据核查"), ("changes", "与上期比较"), ("about", "数据来源与说明"),
              ("calculations", "计算说明"), ("source", "原文")]
    return items


def present_campaigns(report: Report) -> list[str]:
    """Campaigns that have figures this period, in the reference order (unknown ones last)."""
    order = {c: i for i, c in enumerate(report.campaigns["campaign"])}
    found = list(dict.fromkeys(report.figures["campaign"]))
    return sorted(found, key=lambda c: (order.get(c, len(order)), found.index(c)))


def absent_campaigns(report: Report) -> list[str]:
    present = set(report.figures["campaign"])
    return [c for c in report.campaigns["campaign"] if c not in present]


def title_block(report: Report, book: FactBook) -> Html:
    """Title, publisher, period, publication date and a link to the source."""
    s = report.source
    address = str(s["address"])
    source_link = "原文链接未记录" if address == UNKNOWN else link(address)
    publisher = "未记录" if str(s["publisher"]) == UNKNOWN else str(s["publisher"])
    return Html(
        f'<header class="masthead"><p class="kicker">数据复核与进展报告</p>'
        f'<h1><cite>{escape(str(s["title"]))}</cite></h1>'
        f'<dl class="meta"><dt>发布单位</dt><dd>{escape(publisher)}</dd>'
        f'<dt>报告期</dt><dd>{_source_date(book, "period_start")}至{_source_date(book, "period_end")}(累计)</dd>'
        f'<dt>原文发布</dt><dd>{_source_date(book, "published")}</dd>'
        f'<dt>原文落款</dt><dd>{_source_date(book, "dated")}</dd>'
        f'<dt>原文链接</dt><dd class="address">{source_link}</dd>'
        f'</dl></header>')


def table_of_contents(report: Report) -> Html:
    links = "".join(f'<li><a href="#{anchor}">{escape(title)}</a></li>' for anchor, title in sections(report))
    return Html(f'<nav class="toc" aria-label="目录"><h2>目录</h2><ol>{links}</ol></nav>')


def headline(report: Report, book: FactBook) -> Html:
    """The headline: how many figures, how many targets ahead and behind, how many checks failed."""
    h = lambda name: book.link(f"headline.{name}")  # noqa: E731
    lines = [f"本报告逐项整理了原文中的{h('figures')}个数据,涉及{h('campaigns')}项工作,每个数据均可追溯到原文句子。"]
    progress = report.progress
    if len(progress):
        targets = h("targets")  # in the order the sentence prints them
        parts = [f"{h(position)}项{words}" for position, words in
                 (("ahead", "超过目标"), ("met", "已完成目标"), ("behind", "尚未完成"))
                 if len(progress[progress["position"] == position])]
        lines.append(f"有目标可比的{targets}项指标中," + "、".join(parts) + "。")
    mismatched = int((report.checks["status"] == "mismatch").sum())
    if mismatched:
        explained = len([c for c in explained_checks(report) if c in set(
            report.checks.loc[report.checks["status"] == "mismatch", "check_id"])])
        diagnosed = len(report.diagnoses)
        if not diagnosed:
            why = ""
        elif explained == mismatched and diagnosed == 1:
            why = ",均可由同一个数字的出入解释"
        else:
            why = f",其中{h('explained')}项可由{h('diagnosed')}个数字的出入解释"
        lines.append(f"对原文所列的比率、合计与余数共复算{h('checked')}项,其中{h('mismatched')}项与原文不一致{why}"
                     "(详见“数据核查”)。")
    else:
        lines.append(f"对原文所列的比率、合计与余数共复算{h('checked')}项,全部与原文一致。")
    items = "".join(f"<li>{line}</li>" for line in lines)
    return Html(f'<section id="summary"><h2>摘要</h2><ul class="headline">{items}</ul></section>')


def progress_overview(report: Report, book: FactBook) -> Html:
    """Completion against target: the chart, then what is ahead and what is behind."""
    parts = ['<section id="progress"><h2>目标完成情况</h2>']
    if report.progress.empty:
        parts.append("<p>本期报告没有可与目标对比的数据。</p></section>")
        return Html("".join(parts))
    if "completion" in report.charts:
        parts.append(_figure_html(report.charts["completion"]))
    rows = []
    for row in report.progress.itertuples():
        target_id, achieved_id = _target_and_achieved(book, report, row)
        rows.append([escape(_indicator(report, row)), _amount(book, target_id), _amount(book, achieved_id),
                     _computed_rate(book, row), _printed_rate(book, report, row),
                     escape(_words(POSITION_ZH, row.position, "progress position")), book.link(f"date.{row.as_of}")])
    caption = ("完成率 = 完成数 ÷ 目标;“推算”为原文未列出、由原文其他数字与原文完成率推算的数量,"
               "此时无法独立复算完成率(记为—)")
    if any(bound(row) == "at_most" for row in report.progress.itertuples()):
        caption += ";“至多”:原文目标为下限(如“以上”),实际完成率不会高于此数"
    parts.append(_table(["指标", "目标", "完成", "复算完成率", "原文完成率", "状态", "截止日期"], rows, caption))
    for position, heading in (("behind", "尚未完成目标的指标"), ("ahead", "超过目标的指标")):
        subset = report.progress[report.progress["position"] == position]
        if subset.empty:
            continue
        word = "尚差" if position == "behind" else "超出"
        items = []
        for row in subset.itertuples():
            rate = _printed_rate(book, report, row) if is_implied(row) else _computed_rate(book, row)
            gap = f"progress.{row.target_id}.gap"
            flipped = {"at_most": "at_least", "at_least": "at_most"}
            words = BOUND_WORDS[bound(row) if position == "ahead" else flipped.get(bound(row), bound(row))] + word
            amount = book.link(gap) if gap in book else MISSING
            items.append(f"{escape(_indicator(report, row))},完成率{rate},{words}{amount}"
                         f"(截至{book.link(f'date.{row.as_of}')})")
        parts.append(f"<h3>{heading}</h3><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    parts.append("</section>")
    return Html("".join(parts))


def campaign_section(report: Report, book: FactBook, campaign: str) -> str:
    """One campaign: its key numbers in a sentence list, its chart if it has a target, a short table."""
    name = report.campaign_name(campaign)
    rows = report.figures[report.figures["campaign"] == campaign]
    parts = [f'<section id="campaign-{escape(campaign)}"><h2>{escape(name)}</h2>']
    key = rows[rows["kind"].isin(["target", "cumulative", "stock"])].head(4)
    if len(key):
        items = [f"{escape(str(row.label))}{_figure(book, row.figure_id)}({_when(report, book, row)})"
                 for row in key.itertuples()]
        parts.append('<p class="key">' + ";".join(items) + "。</p>")
    for row in report.progress[report.progress["campaign"] == campaign].itertuples():
        position = _words(POSITION_ZH, row.position, "progress position")
        printed_rate = _printed_rate(book, report, row)
        if is_implied(row):
            missing = MISSING_ZH["target" if row.target_source == "implied" else "achieved"]
            sentence = (f"{escape(str(row.label))}:原文完成率为{printed_rate}({position});"
                        f"原文未列出{missing},无法独立复算")
        else:
            sentence = (f"{escape(str(row.label))}完成率复算{BOUND_WORDS[bound(row)]}为"
                        f"{book.link(f'progress.{row.target_id}.rate')}({position})")
            if printed_rate != MISSING:
                sentence += f",原文为{printed_rate}"
        parts.append(f"<p>{sentence}。</p>")
    chart_name = "monitoring" if campaign == "monitoring" else f"campaign_{campaign}"
    if chart_name in report.charts:
        parts.append(_figure_html(report.charts[chart_name]))
    stale = stale_days(report)
    table_rows = []
    for row in rows.itertuples():
        when = _when(report, book, row)
        if row.figure_id in stale:
            when += f"(早于报告期末{book.link(f'stale.{row.figure_id}')}天)"
        value = f'<span id="{escape(figure_anchor(row.figure_id), quote=True)}">{_figure(book, row.figure_id)}</span>'
        table_rows.append([escape(str(row.label)), value, when])
    parts.append(_table(["指标", "数值(原文)", "截止日期"], table_rows))
    parts.append("</section>")
    return "".join(parts)


def campaign_sections(report: Report, book: FactBook) -> Html:
    """Every campaign present this period, then a note on those absent."""
    html = "".join(campaign_section(report, book, c) for c in present_campaigns(report))
    missing = absent_campaigns(report)
    if missing:
        names = "、".join(report.campaign_name(c) for c in missing)
        html += (f'<section id="absent"><h2>本期未报告的工作</h2><p>{escape(names)}:本期报告未给出数据,'
                 f"故略去相应章节。</p></section>")
    return Html(html)


def audit_section(report: Report, book: FactBook) -> Html:
    """Every mismatch (grouped under the diagnosis that explains it), every derived figure, each with
    the sentences it comes from; then, once, the checks that do not apply this period."""
    quotes = dict(zip(report.figures["figure_id"], report.figures["quote"]))
    counts = report.checks["status"].value_counts()
    tally = "、".join(f"{STATUS_ZH[s]}{book.link(f'audit.status.{s}')}项" for s in STATUS_ZH if int(counts.get(s, 0)))
    parts = ['<section id="audit"><h2>数据核查</h2>', f"<p>共核查{book.link('audit.checks')}项:{tally}。</p>"]

    def card(check) -> str:
        ids = _ids(check)
        cited = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in dict.fromkeys(quotes[i] for i in ids if i in quotes))
        base = f"check.{check.check_id}"
        if check.status == "mismatch":
            reported = _figure(book, ids[0]) if ids and f"figure.{ids[0]}" in book else MISSING
            numbers = (f"原文:{reported};按原文数据复算:{book.link(base + '.recomputed')};"
                       f"相差{book.link(base + '.difference')}(舍入误差最多可解释±{book.link(base + '.tolerance')})")
            working = f'<p class="working">{facts_module.working_html(book, report, check)}</p>'
        else:
            if str(check.bound_by or "") == "all_done":
                numbers = f"推算值为{book.link(base + '.recomputed')}(原文写明已全部完成,故等于任务数)"
            elif base + ".lower" not in book:
                numbers = f"推算值为{book.link(base + '.recomputed')}(由原文数字直接相加,无舍入误差)"
            else:
                numbers = (f"推算值约为{book.link(base + '.recomputed')};按原文数字的舍入误差,"
                           f"实际值在{book.link(base + '.lower')}至{book.link(base + '.upper')}之间")
            working = ""
        return (f'<div class="check check-{check.status}"><p><strong>{_description(report, book, check)}</strong></p>'
                f"<p>{numbers}</p>{working}{cited}</div>")

    mismatched = report.checks[report.checks["status"] == "mismatch"]
    parts.append("<h3>与原文不一致的数据</h3>")
    if mismatched.empty:
        parts.append("<p>未发现不一致。</p>")
    explained = explained_checks(report)
    by_id = {check.check_id: check for check in mismatched.itertuples()}
    for position, diagnosis in enumerate(report.diagnoses.itertuples() if not report.diagnoses.empty else []):
        inside = [by_id[c] for c in split_ids(diagnosis.resolves) if explained.get(c) == position and c in by_id]
        parts.append(f'<div class="finding">{_diagnosis_html(report, book, diagnosis)}'
                     + "".join(card(check) for check in inside) + "</div>")
    parts += [card(check) for check in mismatched.itertuples() if check.check_id not in explained]

    derived = report.checks[report.checks["status"] == "derived"]
    parts.append("<h3>由原文推算的数据</h3>")
    parts.append("<p>无。</p>" if derived.empty else "".join(card(check) for check in derived.itertuples()))
    parts.append(_not_applicable(report, book))
    parts.append("</section>")
    return Html("".join(parts))


def _diagnosis_html(report: Report, book: FactBook, diagnosis) -> str:
    """One diagnosis in plain Chinese: the printed number, the number that would make the checks
    agree, why, and the sentence it is printed in."""
    figure = report.figure(diagnosis.figure_id)
    printed = lambda: _figure(book, diagnosis.figure_id)  # noqa: E731 - each use is its own link
    proposed = lambda: book.link(f"diagnosis.{diagnosis.figure_id}.proposed")  # noqa: E731
    count = len(split_ids(diagnosis.resolves))
    agree = ("这一项核对即与原文一致" if count == 1
             else f"以下{book.link(f'diagnosis.{diagnosis.figure_id}.resolves')}项核对均与原文一致")
    head = (f'<p class="diagnosis"><strong>{escape(str(figure["label"]))}:原文为{printed()};'
            f"若为{proposed()},{agree}。</strong></p>")
    kind = str(diagnosis.kind)
    if kind == "misprint":
        why = f"{proposed()}与原文的{printed()}{_words(TYPO_ZH, str(diagnosis.typo), 'typo')},{DIAGNOSIS_ZH[kind]}。"
    else:
        why = f"{proposed()}与原文的{printed()}相差较大,{_words(DIAGNOSIS_ZH, kind, 'diagnosis')}。"
    return (head + f"<p>{why}这只是可能的解释,本页不改动原文数字,以下各项仍记为不一致。</p>"
            f"<blockquote>{escape(str(figure['quote']))}</blockquote>")


def _not_applicable(report: Report, book: FactBook) -> str:
    """The checks that do not apply this period, named once each with the reason."""
    rows = report.checks[report.checks["status"] == "not-applicable"]
    if rows.empty:
        return ""
    present = set(report.figures["figure_id"])
    earlier = "上一期报告未给出所需数据" if previous_period(report) else "没有上一期报告可比"
    items = []
    for check in rows.itertuples():
        # Every figure is here: what is missing is last month's (a flow).
        reason = earlier if all(i in present for i in _ids(check)) else "本期报告未给出所需数据"
        items.append(f"<li>{_description(report, book, check)}({reason})</li>")
    return f"<h3>本期不适用的核对</h3><ul>{''.join(items)}</ul>"


def changes_note(report: Report, book: FactBook) -> Html:
    """What changed since the previous period, and figures whose as-of date is well before the period's end."""
    parts = ['<section id="changes"><h2>与上期比较</h2>']
    changes = report.changes
    if changes.empty:
        parts.append("<p>没有更早一期的报告可供比较。</p></section>")
        return Html("".join(parts))
    flagged = changes[changes["flag"].map(lambda flag: isinstance(flag, str) and flag != "")]
    if previous_period(report):
        parts.append(f"<p>与{book.link('previous.period')}期相比,{book.link('changes.flagged')}项数据需要注意。</p>")
    else:
        parts.append("<p>没有更早一期的报告可供比较。"
                     + (f"本期有{book.link('changes.flagged')}项数据需要注意。" if len(flagged) else "") + "</p>")
    rows = []
    for r in flagged.itertuples():
        if r.kind == "derived":
            before = book.link(f"change.{r.figure_id}.previous") if f"change.{r.figure_id}.previous" in book else MISSING
            now = book.link(f"change.{r.figure_id}.current") if f"change.{r.figure_id}.current" in book else MISSING
        else:
            before = book.link(f"previous.{r.figure_id}") if f"previous.{r.figure_id}" in book else MISSING
            now = _figure(book, r.figure_id) if f"figure.{r.figure_id}" in book else MISSING
        stale = "stale_as_of" in str(r.flag).split("|") and f"stale.{r.figure_id}" in book
        days = book.link(f"stale.{r.figure_id}") if stale else MISSING
        rows.append([escape(str(r.label or r.figure_id)), before, now, flag_zh(r.flag, days)])
    if rows:
        parts.append(_table(["指标", "上期", "本期", "提示"], rows,
                            "数值按原文写法;推算的数量给出原文数字舍入误差所允许的范围"))
    parts.append("</section>")
    return Html("".join(parts))


def about(report: Report, book: FactBook) -> Html:
    s = report.source
    publisher = "发布单位未记录" if str(s["publisher"]) == UNKNOWN else str(s["publisher"])
    return Html(
        '<section id="about"><h2>数据来源与说明</h2>'
        f"<p>原文:{escape(publisher)}<cite>《{escape(str(s['title']))}》</cite>,"
        f"发布于{_source_date(book, 'published')},获取于{_source_date(book, 'retrieved')}。</p>"
        "<p>本页所有数字均由程序从原文转录数据计算生成,每个数字都链接到它的出处:原文数字链接到页末“原文”中的位置,"
        "计算得出的数字链接到“计算说明”中的算式;“复算”为按原文数据重新计算的结果,"
        "“推算”为原文隐含但未列出的数量,其区间来自原文数字的舍入误差。"
        "各项数据的截止日期以原文为准,可能不同。</p></section>")


def calculations(report: Report, book: FactBook) -> Html:
    """How every derived number the page has shown was computed: its formula, each input a link.

    Listed in the order the page first shows them; each entry links back to that place."""
    items, done = [], set()
    while True:  # an explanation may show a derived fact for the first time: list it too
        waiting = [f for f in book.shown if f not in done and book[f].derived and book[f].href.startswith("#calc-")]
        if not waiting:
            break
        for fact_id in waiting:
            done.add(fact_id)
            fact = book[fact_id]
            working = ""
            if fact_id.startswith("check.") and fact_id.endswith(".recomputed"):
                check = report.checks[report.checks["check_id"] == fact_id[len("check."):-len(".recomputed")]]
                working = facts_module.working_html(book, report, check.iloc[0]) if len(check) else ""
                working = working.rsplit(" = ", 1)[0] if working else ""
            explanation = facts_module.explanation_html(book, fact, working=working,
                                                        describe=lambda c: _check_description(report, book, c))
            items.append(f'<li id="{escape(facts_module.calc_anchor(fact_id), quote=True)}">'
                         f"{book.backlink(fact_id)}({escape(fact.label)}):{explanation}</li>")
    return Html('<section id="calculations"><h2>计算说明</h2><p>本页每个计算得出的数字的算式;点击数字回到它在本页的位置,'
                f'点击算式中的数字查看它的出处。</p><ol class="calculations">{"".join(items)}</ol></section>')


def source_view(report: Report, book: FactBook) -> Html:
    """The report's text in full, each transcribed figure marked and linked back to the page."""
    return _source_view(report.report_text, report.figures, heading="原文",
                        intro="以下为原文全文(按获取时的原样);标出的数字为本页转录的数据,点击可回到它在本页的位置。")
