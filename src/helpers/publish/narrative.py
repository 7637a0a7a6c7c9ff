"""Stage 3, the narrative: Chinese prose and HTML sections built from data/processed/ at run time.

No number is typed here. Every number in the prose comes from figures.csv, progress.csv,
checks.csv, diagnoses.csv or changes.csv, formatted the way the source prints it (printing.py).
Statuses, flags and diagnoses arrive as codes and are put into words here, from one mapping each;
an unknown code is an error, never a vague stand-in. Every piece of text that comes from data is
HTML-escaped.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd
import yaml

from .charts import Chart, load_chart
from ..io.rawdata import UNKNOWN
from .htmlparts import Html, link, table as _table
from .printing.zh import (BOUND_WORDS, MISSING, date_zh, format_figure, format_percent, format_printed, like,
                       number_range, num as _num, plain_number as _plain_number)
from ..io.readers import read_csv

STATUS_ZH = {"pass": "一致", "mismatch": "不一致", "derived": "推算", "not-checkable": "无法核对",
             "not-applicable": "不适用"}
POSITION_ZH = {"ahead": "超过目标", "behind": "尚未完成", "met": "已完成目标"}
# Month-over-month flag codes (audit/changes.py FLAGS) in Chinese.
FLAG_ZH = {"new": "本期新增", "dropped": "本期未报告", "renamed": "指标已更名,与上期原指标比较",
           "unit_changed": "单位变动", "cumulative_fell": "累计数下降(不应出现)",
           "target_changed": "目标值变动且未说明",
           "implied_target_changed": "推算出的目标与上期推算的范围不重合:目标可能已变动,原文未说明",
           "as_of_earlier": "截止日期早于上期", "stale_as_of": "截止日期早于报告期末{days}天"}
# Diagnosis codes (audit/diagnoses.py KINDS and TYPOS) in Chinese.
DIAGNOSIS_ZH = {"misprint": "很可能是笔误", "different_base": "不像笔误,更可能是有关数字按另一个基数计算"}
TYPO_ZH = {"digit_changed": "只有一位数字不同", "digits_swapped": "只是相邻两位数字顺序颠倒",
           "digit_dropped": "只差漏印的一位数字", "digit_doubled": "只差重复印出的一位数字"}
# Which quantity an implied progress row lacks (progress.csv target_source / achieved_source).
MISSING_ZH = {"target": "目标数", "achieved": "完成数"}


def _words(mapping: dict, code: str, what: str) -> str:
    if code not in mapping:
        raise ValueError(f"unknown {what} code {code!r} (known: {', '.join(mapping)})")
    return mapping[code]


def flag_zh(flag: str, days=None) -> str:
    """Month-over-month flag codes (joined by |) in Chinese; `days` fills in a stale as-of date's gap."""
    return ";".join(_words(FLAG_ZH, code, "month-over-month flag").format(days=_plain_number(days))
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

    def figure(self, figure_id: str) -> pd.Series | None:
        rows = self.figures[self.figures["figure_id"] == figure_id]
        return rows.iloc[0] if len(rows) else None

    def campaign_name(self, campaign: str) -> str:
        rows = self.campaigns[self.campaigns["campaign"] == campaign]
        return rows.iloc[0]["name_zh"] if len(rows) else campaign


def load_report(period: str, processed_dir: Path, raw_dir: Path, reference_dir: Path, figures_dir: Path) -> Report:
    """Read this period's processed tables, its source sidecar and the saved charts."""
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
    )
    names = ["completion", "monitoring"] + [f"campaign_{c}" for c in report.campaigns["campaign"]]
    report.charts = {name: chart for name in names if (chart := load_chart(figures_dir, name))}
    return report


# ---- Numbers in words ----------------------------------------------------------------------

def _when(row) -> str:
    """The date a figure stands at, in words: a year's target is the year's, not a day's."""
    if row.kind == "target" and str(row.as_of_printed) in ("", "今年", "年内", "本年"):
        return "全年目标"
    return f"截至{date_zh(row.as_of)}"


def _is_implied(row) -> bool:
    """A progress row whose target or achievement is worked back from the printed rate."""
    return "implied" in (row.target_source, row.achieved_source)


def _missing_quantity(row) -> str:
    """What an implied progress row lacks in the text: 目标数 or 完成数."""
    return MISSING_ZH["target" if row.target_source == "implied" else "achieved"]


def _bound(row) -> str:
    return str(getattr(row, "rate_bound", "") or "")


def _printed_rate(report: Report, row) -> str:
    """The completion rate exactly as the report prints it (80%, 95.55%), or — if it gives none."""
    ids = [i for i in str(row.figure_ids).split("|") if i]
    rates = report.figures[report.figures["figure_id"].isin(ids) & (report.figures["unit"] == "percent")]
    return format_figure(rates.iloc[0]) if len(rates) else MISSING


def _stale_days(report: Report) -> dict[str, float]:
    """Figures whose as-of date is well before the period's end (changes.csv), and by how many days."""
    changes = report.changes
    if changes.empty or "as_of_gap_days" not in changes:
        return {}
    stale = changes[changes["flag"].map(lambda flag: "stale_as_of" in str(flag).split("|"))]
    return dict(zip(stale["figure_id"], stale["as_of_gap_days"]))


# ---- HTML pieces -------------------------------------------------------------------------------

def _figure_html(chart: Chart) -> str:
    data = base64.b64encode(chart.path.read_bytes()).decode("ascii")
    return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{escape(chart.alt)}" '
            f'loading="eager"><figcaption>{escape(chart.caption)}</figcaption></figure>')


def sections(report: Report) -> list[tuple[str, str]]:
    """The report's sections in order, as (anchor id, title): the table of contents."""
    items = [("summary", "摘要"), ("progress", "目标完成情况")]
    items += [(f"campaign-{c}", report.campaign_name(c)) for c in present_campaigns(report)]
    missing = absent_campaigns(report)
    if missing:
        items.append(("absent", "本期未报告的工作"))
    items += [("audit", "数据核查"), ("changes", "与上期比较"), ("about", "数据来源与说明")]
    return items


def present_campaigns(report: Report) -> list[str]:
    """Campaigns that have figures this period, in the reference order (unknown ones last)."""
    order = {c: i for i, c in enumerate(report.campaigns["campaign"])}
    found = list(dict.fromkeys(report.figures["campaign"]))
    return sorted(found, key=lambda c: (order.get(c, len(order)), found.index(c)))


def absent_campaigns(report: Report) -> list[str]:
    present = set(report.figures["campaign"])
    return [c for c in report.campaigns["campaign"] if c not in present]


def title_block(report: Report) -> Html:
    """Title, publisher, period, publication date and a link to the source."""
    s = report.source
    covered = s["period_covered"]
    published = str(s["published"])[:10]
    address = str(s["address"])
    source_link = "原文链接未记录" if address == UNKNOWN else link(address)
    return Html(
        f'<header class="masthead"><p class="kicker">数据复核与进展报告</p>'
        f'<h1>{escape(str(s["title"]))}</h1>'
        f'<dl class="meta"><dt>发布单位</dt><dd>{escape(date_zh(s["publisher"]) if str(s["publisher"]) == UNKNOWN else str(s["publisher"]))}</dd>'
        f'<dt>报告期</dt><dd>{date_zh(covered["start"])}至{date_zh(covered["end"])}(累计)</dd>'
        f'<dt>原文发布</dt><dd>{date_zh(published)}</dd>'
        f'<dt>原文落款</dt><dd>{date_zh(str(s["dated"]))}</dd>'
        f'<dt>原文链接</dt><dd>{source_link}</dd>'
        f'</dl></header>')


def table_of_contents(report: Report) -> Html:
    links = "".join(f'<li><a href="#{anchor}">{escape(title)}</a></li>' for anchor, title in sections(report))
    return Html(f'<nav class="toc" aria-label="目录"><h2>目录</h2><ol>{links}</ol></nav>')


def headline(report: Report) -> Html:
    """The headline: how many figures, how many targets ahead and behind, how many checks failed."""
    progress = report.progress
    ahead = progress[progress["position"] == "ahead"]
    behind = progress[progress["position"] == "behind"]
    met = progress[progress["position"] == "met"]
    status = report.checks["status"].value_counts()
    checked = int(status.get("pass", 0)) + int(status.get("mismatch", 0))
    mismatched = int(status.get("mismatch", 0))
    campaigns = present_campaigns(report)
    lines = [
        f"本报告逐项整理了原文中的{len(report.figures)}个数据,涉及{len(campaigns)}项工作,"
        f"每个数据均可追溯到原文句子。",
    ]
    if len(progress):
        parts = []
        if len(ahead):
            parts.append(f"{len(ahead)}项超过目标")
        if len(met):
            parts.append(f"{len(met)}项已完成目标")
        if len(behind):
            parts.append(f"{len(behind)}项尚未完成")
        lines.append(f"有目标可比的{len(progress)}项指标中," + "、".join(parts) + "。")
    if mismatched:
        explained = len(_explained(report))
        diagnosed = len(report.diagnoses)
        if not diagnosed:
            why = ""
        elif explained == mismatched and diagnosed == 1:
            why = ",均可由同一个数字的出入解释"
        else:
            why = f",其中{explained}项可由{diagnosed}个数字的出入解释"
        lines.append(f"对原文所列的比率、合计与余数共复算{checked}项,其中{mismatched}项与原文不一致{why}"
                     "(详见“数据核查”)。")
    else:
        lines.append(f"对原文所列的比率、合计与余数共复算{checked}项,全部与原文一致。")
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return Html(f'<section id="summary"><h2>摘要</h2><ul class="headline">{items}</ul></section>')


def _explained(report: Report) -> dict[str, int]:
    """Mismatched check id -> the row of diagnoses.csv that explains it."""
    explained = {}
    if report.diagnoses.empty:
        return explained
    for position, row in enumerate(report.diagnoses.itertuples()):
        for check_id in str(row.resolves).split("|"):
            explained.setdefault(check_id, position)
    return explained


def _amount_for(report: Report, row, which: str) -> str:
    """Target or achieved of a progress row: as printed when reported, else computed in the source's style."""
    ids = [i for i in str(row.figure_ids).split("|") if i]
    own = _first_figure(report, ids, which)
    if getattr(row, f"{which}_source") == "reported" and own is not None:
        return format_figure(own)
    # Computed: borrow the printed unit (with 万 if the source uses it) from the other figure.
    other = _first_figure(report, ids, "achieved" if which == "target" else "target")
    template = other if other is not None else own
    value = _num(getattr(row, which))
    if template is None or value is None:
        return MISSING
    return f"约{like(value, template, decimals=2)}(推算)"


def _first_figure(report: Report, ids: list[str], which: str) -> pd.Series | None:
    """The progress row's target or achieved figure (targets.csv lists target, achieved, rate ids)."""
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    kinds = ("target",) if which == "target" else ("cumulative", "stock", "count")
    rows = rows[rows["kind"].isin(kinds)]
    return rows.iloc[0] if len(rows) else None


def _gap_text(report: Report, row, word: str) -> str:
    """The gap to the target after `word` (超出/尚差), in the source's style; 至多/至少 first when the
    target or achievement is a bound."""
    ids = [i for i in str(row.figure_ids).split("|") if i]
    template = _first_figure(report, ids, "target")
    if template is None:
        template = _first_figure(report, ids, "achieved")
    gap = abs(float(row.gap))
    # An upper bound on the rate is an upper bound on a surplus, and a lower bound on a shortfall.
    flipped = {"at_most": "at_least", "at_least": "at_most"}
    bound = _bound(row) if row.position == "ahead" else flipped.get(_bound(row), _bound(row))
    amount = like(gap, template, decimals=2) if template is not None else f"{gap:,.0f}"
    return BOUND_WORDS[bound] + word + amount


def _computed_rate(row) -> str:
    """The recomputed rate as shown in tables: — when it would be circular, 至多 when it is a bound."""
    return MISSING if _is_implied(row) else format_percent(_num(row.computed_rate), 2, _bound(row))


def _indicator(report: Report, row) -> str:
    name = report.campaign_name(row.campaign)
    return name if name == row.label else f"{name}:{row.label}"


def progress_overview(report: Report) -> Html:
    """Completion against target: the chart, then what is ahead and what is behind."""
    parts = ['<section id="progress"><h2>目标完成情况</h2>']
    if report.progress.empty:
        parts.append("<p>本期报告没有可与目标对比的数据。</p></section>")
        return Html("".join(parts))
    if "completion" in report.charts:
        parts.append(_figure_html(report.charts["completion"]))
    rows = []
    for row in report.progress.itertuples():
        rows.append([escape(_indicator(report, row)), escape(_amount_for(report, row, "target")),
                     escape(_amount_for(report, row, "achieved")), _computed_rate(row),
                     escape(_printed_rate(report, row)), escape(POSITION_ZH.get(row.position, row.position)),
                     date_zh(row.as_of)])
    caption = ("完成率 = 完成数 ÷ 目标 × 100%;“推算”为原文未列出、由原文其他数字与原文完成率推算的数量,"
               "此时无法独立复算完成率(记为—)")
    if any(_bound(row) == "at_most" for row in report.progress.itertuples()):
        caption += ";“至多”:原文目标为下限(如“以上”),实际完成率不会高于此数"
    parts.append(_table(["指标", "目标", "完成", "复算完成率", "原文完成率", "状态", "截止日期"], rows, caption))
    for position, heading in (("behind", "尚未完成目标的指标"), ("ahead", "超过目标的指标")):
        subset = report.progress[report.progress["position"] == position]
        if subset.empty:
            continue
        word = "尚差" if position == "behind" else "超出"
        items = [f"{_indicator(report, row)},完成率"
                 f"{_printed_rate(report, row) if _is_implied(row) else _computed_rate(row)},"
                 f"{_gap_text(report, row, word)}(截至{date_zh(row.as_of)})" for row in subset.itertuples()]
        parts.append(f"<h3>{heading}</h3><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
    parts.append("</section>")
    return Html("".join(parts))


def campaign_section(report: Report, campaign: str) -> str:
    """One campaign: its key numbers in a sentence list, its chart if it has a target, a short table."""
    name = report.campaign_name(campaign)
    rows = report.figures[report.figures["campaign"] == campaign]
    parts = [f'<section id="campaign-{escape(campaign)}"><h2>{escape(name)}</h2>']
    key = rows[rows["kind"].isin(["target", "cumulative", "stock"])].head(4)
    if len(key):
        facts = [f"{row.label}{format_figure(row._asdict())}({_when(row)})" for row in key.itertuples()]
        parts.append('<p class="key">' + escape(";".join(facts)) + "。</p>")
    progress = report.progress[report.progress["campaign"] == campaign]
    for row in progress.itertuples():
        position = POSITION_ZH.get(row.position, row.position)
        printed_rate = _printed_rate(report, row)
        if _is_implied(row):
            sentence = (f"{row.label}:原文完成率为{printed_rate}({position});"
                        f"原文未列出{_missing_quantity(row)},无法独立复算")
        else:
            sentence = (f"{row.label}完成率复算{BOUND_WORDS[_bound(row)]}为"
                        f"{format_percent(_num(row.computed_rate), 2)}({position})")
            if printed_rate != MISSING:
                sentence += f",原文为{printed_rate}"
        parts.append(f"<p>{escape(sentence)}。</p>")
    chart_name = "monitoring" if campaign == "monitoring" else f"campaign_{campaign}"
    if chart_name in report.charts:
        parts.append(_figure_html(report.charts[chart_name]))
    stale = _stale_days(report)
    table_rows = [[escape(str(row.label)), escape(format_figure(row._asdict())),
                   escape(_when(row) + (f"(早于报告期末{_plain_number(stale[row.figure_id])}天)"
                                        if row.figure_id in stale else ""))]
                  for row in rows.itertuples()]
    parts.append(_table(["指标", "数值(原文)", "截止日期"], table_rows))
    parts.append("</section>")
    return "".join(parts)


def campaign_sections(report: Report) -> Html:
    """Every campaign present this period, then a note on those absent."""
    html = "".join(campaign_section(report, c) for c in present_campaigns(report))
    missing = absent_campaigns(report)
    if missing:
        names = "、".join(report.campaign_name(c) for c in missing)
        html += (f'<section id="absent"><h2>本期未报告的工作</h2><p>{escape(names)}:本期报告未给出数据,'
                 f"故略去相应章节。</p></section>")
    return Html(html)


def audit_section(report: Report) -> Html:
    """Every mismatch (grouped under the diagnosis that explains it), every derived figure, each with
    the sentences it comes from; then, once, the checks that do not apply this period."""
    quotes = dict(zip(report.figures["figure_id"], report.figures["quote"]))
    status = report.checks["status"].value_counts()
    parts = ['<section id="audit"><h2>数据核查</h2>',
             "<p>" + escape("共核查{}项:{}。".format(len(report.checks), "、".join(
                 f"{STATUS_ZH[s]}{int(status.get(s, 0))}项" for s in STATUS_ZH if int(status.get(s, 0))))) + "</p>"]

    def card(check) -> str:
        ids = [i for i in check.figure_ids.split("|") if i]
        cited = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in dict.fromkeys(quotes[i] for i in ids if i in quotes))
        show = lambda value: escape(_in_source_units(report, ids, value))  # noqa: E731
        if check.status == "mismatch":
            gap = lambda value: escape(_in_source_units(report, ids, value, difference=True))  # noqa: E731
            reported = report.figure(ids[0]) if ids else None
            as_printed = escape(format_figure(reported)) if reported is not None else show(check.reported)
            numbers = (f"原文:{as_printed};按原文数据复算:{show(check.recomputed)};"
                       f"相差{gap(abs(float(check.difference)))}(舍入误差最多可解释±{gap(check.tolerance)})")
            working = f'<p class="working">{escape(check.working)}</p>'
        else:
            if str(check.bound_by or "") == "all_done":
                numbers = f"推算值为{show(check.recomputed)}(原文写明已全部完成,故等于任务数)"
            elif show(check.lower) == show(check.upper):
                numbers = f"推算值为{show(check.recomputed)}(由原文数字直接相加,无舍入误差)"
            else:
                numbers = (f"推算值约为{show(check.recomputed)};按原文数字的舍入误差,"
                           f"实际值在{show(check.lower)}至{show(check.upper)}之间")
            working = ""
        return (f'<div class="check check-{check.status}"><p><strong>{escape(check.description)}</strong></p>'
                f"<p>{numbers}</p>{working}{cited}</div>")

    mismatched = report.checks[report.checks["status"] == "mismatch"]
    parts.append("<h3>与原文不一致的数据</h3>")
    if mismatched.empty:
        parts.append("<p>未发现不一致。</p>")
    explained = _explained(report)
    by_id = {check.check_id: check for check in mismatched.itertuples()}
    for position, diagnosis in enumerate(report.diagnoses.itertuples()):
        inside = [by_id[c] for c in str(diagnosis.resolves).split("|") if explained.get(c) == position and c in by_id]
        parts.append(f'<div class="finding">{_diagnosis_html(report, diagnosis)}'
                     + "".join(card(check) for check in inside) + "</div>")
    parts += [card(check) for check in mismatched.itertuples() if check.check_id not in explained]

    derived = report.checks[report.checks["status"] == "derived"]
    parts.append("<h3>由原文推算的数据</h3>")
    parts.append("<p>无。</p>" if derived.empty else "".join(card(check) for check in derived.itertuples()))
    parts.append(_not_applicable(report))
    parts.append("</section>")
    return Html("".join(parts))


def _diagnosis_html(report: Report, diagnosis) -> str:
    """One diagnosis in plain Chinese: the printed number, the number that would make the checks
    agree, why, and the sentence it is printed in."""
    figure = report.figure(diagnosis.figure_id)
    printed = format_figure(figure)
    proposed = number_range(diagnosis.lower, diagnosis.upper, figure, decimals=int(figure["decimals"]))
    count = len(str(diagnosis.resolves).split("|"))
    kind = str(diagnosis.kind)
    if kind == "misprint":
        why = f"{proposed}与原文的{printed}{_words(TYPO_ZH, str(diagnosis.typo), 'typo')},{DIAGNOSIS_ZH[kind]}。"
    else:
        why = f"{proposed}与原文的{printed}相差较大,{_words(DIAGNOSIS_ZH, kind, 'diagnosis')}。"
    agree = "这一项核对即与原文一致" if count == 1 else f"以下{count}项核对均与原文一致"
    return (f'<p class="diagnosis"><strong>{escape(str(figure["label"]))}:原文为{escape(printed)};'
            f"若为{escape(proposed)},{agree}。</strong></p>"
            f"<p>{escape(why)}这只是可能的解释,本页不改动原文数字,以下各项仍记为不一致。</p>"
            f"<blockquote>{escape(str(figure['quote']))}</blockquote>")


def _not_applicable(report: Report) -> str:
    """The checks that do not apply this period, named once each with the reason."""
    rows = report.checks[report.checks["status"] == "not-applicable"]
    if rows.empty:
        return ""
    present = set(report.figures["figure_id"])
    earlier = "上一期报告未给出所需数据" if _previous_period(report) else "没有上一期报告可比"
    items = []
    for check in rows.itertuples():
        ids = [i for i in str(check.figure_ids).split("|") if i]
        # Every figure is here: what is missing is last month's (a flow).
        reason = earlier if all(i in present for i in ids) else "本期报告未给出所需数据"
        items.append(f"<li>{escape(str(check.description))}({reason})</li>")
    return f"<h3>本期不适用的核对</h3><ul>{''.join(items)}</ul>"


def _in_source_units(report: Report, ids: list[str], value, difference: bool = False) -> str:
    """A computed number in the style of the figures it comes from: 9,802.93万元, 78.55%, 375,458人."""
    number = _num(value)
    if number is None:
        return MISSING
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    if len(rows) == 0:
        return _plain_number(number)
    # The first id is the figure checked (or the first operand of a derived value).
    first = rows.set_index("figure_id").loc[[i for i in ids if i in set(rows["figure_id"])][0]]
    return like(number, first, difference=difference)


def changes_note(report: Report) -> Html:
    """What changed since the previous period, and figures whose as-of date is well before the period's end."""
    parts = ['<section id="changes"><h2>与上期比较</h2>']
    changes = report.changes
    if changes.empty:
        parts.append("<p>没有更早一期的报告可供比较。</p></section>")
        return Html("".join(parts))
    previous = _previous_period(report)
    flagged = changes[changes["flag"].map(lambda flag: isinstance(flag, str) and flag != "")]
    if previous:
        parts.append(f"<p>与{escape(previous)}期相比,{len(flagged)}项数据需要注意。</p>")
    else:
        parts.append("<p>没有更早一期的报告可供比较。" + (f"本期有{len(flagged)}项数据需要注意。" if len(flagged) else "")
                     + "</p>")
    rows = []
    for r in flagged.itertuples():
        if r.kind == "derived":
            template = _derived_template(report, r.figure_id)
            before = number_range(r.previous_lower, r.previous_upper, template) if template is not None else MISSING
            now = number_range(r.current_lower, r.current_upper, template) if template is not None else MISSING
        else:
            before, now = format_printed(r.previous_printed), format_printed(r.current_printed)
        rows.append([escape(str(r.label or r.figure_id)), escape(before), escape(now),
                     escape(flag_zh(r.flag, r.as_of_gap_days))])
    if rows:
        parts.append(_table(["指标", "上期", "本期", "提示"], rows,
                            "数值按原文写法;推算的数量给出原文数字舍入误差所允许的范围"))
    parts.append("</section>")
    return Html("".join(parts))


def _previous_period(report: Report) -> str:
    """The period changes.csv compares with, or '' for the first period."""
    if report.changes.empty:
        return ""
    return next((p for p in report.changes["previous_period"] if isinstance(p, str) and p.strip()), "")


def _derived_template(report: Report, check_id: str) -> pd.Series | None:
    """The figure whose style a derived quantity is printed in: its check's first operand."""
    rows = report.checks[report.checks["check_id"] == check_id]
    if rows.empty:
        return None
    first = str(rows.iloc[0]["figure_ids"]).split("|")[0]
    return report.figure(first)


def about(report: Report) -> Html:
    s = report.source
    publisher = "发布单位未记录" if str(s["publisher"]) == UNKNOWN else str(s["publisher"])
    return Html(
        '<section id="about"><h2>数据来源与说明</h2>'
        f"<p>原文:{escape(publisher)}《{escape(str(s['title']))}》,"
        f"发布于{date_zh(str(s['published'])[:10])},获取于{date_zh(str(s['retrieved']))}。</p>"
        "<p>本页所有数字均由程序从原文转录数据计算生成;“复算”为按原文数据重新计算的结果,"
        "“推算”为原文隐含但未列出的数量,其区间来自原文数字的舍入误差。"
        "各项数据的截止日期以原文为准,可能不同。</p></section>")
