"""Stage 3, the narrative: Chinese prose and HTML sections built from data/processed/ at run time.

No number is typed here. Every number in the prose comes from figures.csv, progress.csv or
checks.csv, formatted the way the source prints it (万 where the source uses 万, thousands
separators otherwise, percentages at the source's precision). Every piece of text that comes
from data is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd
import yaml

from .charts import Chart, load_chart
from ..io.rawdata import UNKNOWN
from .htmlparts import Html, link, table as _table
from ..io.readers import read_csv

UNIT_WORDS = {"households": "户", "persons": "人", "yuan": "元", "square_metres": "平方米", "tonnes": "吨",
              "kilometres": "公里", "percent": "%", "percentage_points": "个百分点", "count": "", "mu": "亩"}
STATUS_ZH = {"pass": "一致", "mismatch": "不一致", "derived": "推算", "not-checkable": "无法核对"}
POSITION_ZH = {"ahead": "超过目标", "behind": "尚未完成", "met": "已完成目标"}
FLAG_ZH = {"new this period": "本期新增", "dropped this period": "本期未报告",
           "impossible: a cumulative figure fell": "累计数下降(不应出现)",
           "target changed without a note": "目标值变动且未说明", "unit changed": "单位变动",
           "as-of date earlier than last period": "截止日期早于上期"}


def _flag_zh(flag: str) -> str:
    """A month-over-month flag (several joined by '; ') in Chinese."""
    parts = []
    for part in filter(None, flag.split("; ")):
        if part.startswith("renamed from "):
            parts.append("指标已更名,与上期原指标比较")  # ids are internal; the reader sees the label
        else:
            parts.append(FLAG_ZH.get(part, "需要核对"))
    return ";".join(parts)


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
    changes_path = processed_dir / "changes.csv"
    report = Report(
        period=period, source=source,
        figures=read_csv(processed_dir / "figures.csv"),
        progress=read_csv(processed_dir / "progress.csv"),
        checks=read_csv(processed_dir / "checks.csv"),
        changes=read_csv(changes_path) if changes_path.is_file() else pd.DataFrame(),
        campaigns=read_csv(Path(reference_dir) / "campaigns.csv"),
    )
    names = ["completion", "monitoring"] + [f"campaign_{c}" for c in report.campaigns["campaign"]]
    report.charts = {name: chart for name in names if (chart := load_chart(figures_dir, name))}
    return report


# ---- Numbers, the way a Chinese reader expects them ----------------------------------------

def format_figure(row: pd.Series) -> str:
    """A figure as the source printed it, with thousands separators: 39.0589万人, 16,869户, 95.55%."""
    printed, unit = str(row["value_printed"]), str(row["unit_printed"])
    qualifier = str(row.get("qualifier", ""))
    if printed.replace(".", "").isdigit():
        whole, _, fraction = printed.partition(".")
        printed = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    if qualifier in ("余", "多"):
        # 141.5万余吨, 300余人: the qualifier sits after 万/亿, before the measure word.
        if unit.startswith(("万", "亿")):
            return f"{printed}{unit[0]}{qualifier}{unit[1:]}"
        return f"{printed}{qualifier}{unit}"
    if qualifier in ("约", "近"):
        return f"{qualifier}{printed}{unit}"
    return f"{printed}{unit}{qualifier}"


def _when(row) -> str:
    """The date a figure stands at, in words: a year's target is the year's, not a day's."""
    if row.kind == "target" and str(row.as_of_printed) in ("", "今年", "年内", "本年"):
        return "全年目标"
    return f"截至{date_zh(row.as_of)}"


def _is_implied(row) -> bool:
    """A progress row whose target or achievement is worked back from the printed rate."""
    return "implied" in (row.target_source, row.achieved_source)


def _printed_rate(report: Report, row) -> str:
    """The completion rate exactly as the report prints it (80%, 95.55%), or — if it gives none."""
    ids = [i for i in str(row.figure_ids).split("|") if i]
    rates = report.figures[report.figures["figure_id"].isin(ids) & (report.figures["unit"] == "percent")]
    return format_figure(rates.iloc[0]) if len(rates) else "—"


def format_percent(value: float, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{decimals}f}%"


def date_zh(iso: str) -> str:
    """2021-10-31 -> 2021年10月31日; a date the sidecar records as unknown -> 未记录."""
    if str(iso) == UNKNOWN:
        return "未记录"
    day = dt.date.fromisoformat(str(iso)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def _num(value) -> float | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


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
    lines.append(f"对原文所列的比率、合计与余数共复算{checked}项,"
                 + (f"其中{mismatched}项与原文不一致(详见“数据核查”)。" if mismatched else "全部与原文一致。"))
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return Html(f'<section id="summary"><h2>摘要</h2><ul class="headline">{items}</ul></section>')


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
        return "—"
    return f"约{_like(value, template, decimals=2)}(推算)"


def _first_figure(report: Report, ids: list[str], which: str) -> pd.Series | None:
    """The progress row's target or achieved figure (targets.csv lists target, achieved, rate ids)."""
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    kinds = ("target",) if which == "target" else ("cumulative", "stock", "count")
    rows = rows[rows["kind"].isin(kinds)]
    return rows.iloc[0] if len(rows) else None


def _gap_text(report: Report, row) -> str:
    ids = [i for i in str(row.figure_ids).split("|") if i]
    template = _first_figure(report, ids, "target")
    if template is None:
        template = _first_figure(report, ids, "achieved")
    gap = abs(float(row.gap))
    return _like(gap, template, decimals=2) if template is not None else f"{gap:,.0f}"


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
        computed = "—" if _is_implied(row) else format_percent(_num(row.computed_rate), 2)
        rows.append([escape(_indicator(report, row)), escape(_amount_for(report, row, "target")),
                     escape(_amount_for(report, row, "achieved")), computed, escape(_printed_rate(report, row)),
                     escape(POSITION_ZH.get(row.position, row.position)), date_zh(row.as_of)])
    parts.append(_table(["指标", "目标", "完成", "复算完成率", "原文完成率", "状态", "截止日期"], rows,
                        "完成率 = 完成数 ÷ 目标 × 100%;“推算”为原文未列出、由完成数与原文完成率推算的数量,"
                        "此时无法独立复算完成率(记为—)"))
    for position, heading in (("behind", "尚未完成目标的指标"), ("ahead", "超过目标的指标")):
        subset = report.progress[report.progress["position"] == position]
        if subset.empty:
            continue
        word = "尚差" if position == "behind" else "超出"
        items = [f"{_indicator(report, row)},完成率"
                 f"{_printed_rate(report, row) if _is_implied(row) else format_percent(_num(row.computed_rate), 2)},"
                 f"{word}{_gap_text(report, row)}(截至{date_zh(row.as_of)})" for row in subset.itertuples()]
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
            sentence = f"{row.label}:原文完成率为{printed_rate}({position});原文未列出目标数,无法独立复算"
        else:
            sentence = f"{row.label}完成率复算为{format_percent(_num(row.computed_rate), 2)}({position})"
            if printed_rate != "—":
                sentence += f",原文为{printed_rate}"
        parts.append(f"<p>{escape(sentence)}。</p>")
    chart_name = "monitoring" if campaign == "monitoring" else f"campaign_{campaign}"
    if chart_name in report.charts:
        parts.append(_figure_html(report.charts[chart_name]))
    table_rows = [[escape(str(row.label)), escape(format_figure(row._asdict())), escape(_when(row))]
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
    """Every mismatch and every derived figure, each with the sentences it comes from."""
    quotes = dict(zip(report.figures["figure_id"], report.figures["quote"]))
    status = report.checks["status"].value_counts()
    parts = ['<section id="audit"><h2>数据核查</h2>',
             "<p>" + escape("共核查{}项:{}。".format(len(report.checks), "、".join(
                 f"{STATUS_ZH[s]}{int(status.get(s, 0))}项" for s in STATUS_ZH if int(status.get(s, 0))))) + "</p>"]

    def cards(kind: str, heading: str, empty: str) -> None:
        subset = report.checks[report.checks["status"] == kind]
        parts.append(f"<h3>{heading}</h3>")
        if subset.empty:
            parts.append(f"<p>{empty}</p>")
            return
        for check in subset.itertuples():
            ids = [i for i in check.figure_ids.split("|") if i]
            cited = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in dict.fromkeys(quotes[i] for i in ids if i in quotes))
            show = lambda value: escape(_in_source_units(report, ids, value))  # noqa: E731
            if kind == "mismatch":
                gap = lambda value: escape(_in_source_units(report, ids, value, difference=True))  # noqa: E731
                reported = report.figure(ids[0]) if ids else None
                as_printed = escape(format_figure(reported)) if reported is not None else show(check.reported)
                numbers = (f"原文:{as_printed};按原文数据复算:{show(check.recomputed)};"
                           f"相差{gap(abs(float(check.difference)))}(舍入误差最多可解释±{gap(check.tolerance)})")
                working = f'<p class="working">{escape(check.working)}</p>'
            else:
                if show(check.lower) == show(check.upper):
                    numbers = f"推算值为{show(check.recomputed)}(由原文数字直接相加,无舍入误差)"
                else:
                    numbers = (f"推算值约为{show(check.recomputed)};按原文数字的舍入误差,"
                               f"实际值在{show(check.lower)}至{show(check.upper)}之间")
                working = ""
            parts.append(f'<div class="check check-{kind}"><p><strong>{escape(check.description)}</strong></p>'
                         f"<p>{numbers}</p>{working}{cited}</div>")

    cards("mismatch", "与原文不一致的数据", "未发现不一致。")
    cards("derived", "由原文推算的数据", "无。")
    parts.append("</section>")
    return Html("".join(parts))


def _in_source_units(report: Report, ids: list[str], value, difference: bool = False) -> str:
    """A computed number in the style of the figures it comes from: 9,802.93万元, 78.55%, 375,458人."""
    number = _num(value)
    if number is None:
        return "—"
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    if len(rows) == 0:
        return _plain_number(number)
    # The first id is the figure checked (or the first operand of a derived value).
    first = rows.set_index("figure_id").loc[[i for i in ids if i in set(rows["figure_id"])][0]]
    return _like(number, first, difference=difference)


def _like(number: float, template: pd.Series, decimals: int | None = None, difference: bool = False) -> str:
    """A computed number printed the way `template` (a figure) is: 万/亿 if it uses them, its unit,
    at least two decimals for 万-scaled and percent values (or `decimals`), whole numbers otherwise."""
    unit = str(template["unit_printed"])
    places = decimals if decimals is not None else max(int(template["decimals"]), 2)
    if template["unit"] == "percent":
        # A difference between two percentages is in percentage points, not percent.
        return f"{number:,.{places}f}" + ("个百分点" if difference else "%")
    if unit[:1] in ("万", "亿"):
        scale = 10_000 if unit[0] == "万" else 100_000_000
        return f"{number / scale:,.{places}f}{unit}"
    return f"{number:,.0f}{unit}"


def _plain_number(value) -> str:
    number = _num(value)
    if number is None:
        return "—"
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def changes_note(report: Report) -> Html:
    """What changed since the previous period, if there is one."""
    parts = ['<section id="changes"><h2>与上期比较</h2>']
    if report.changes.empty:
        parts.append("<p>没有更早一期的报告可供比较。</p></section>")
        return Html("".join(parts))
    flagged = report.changes[report.changes["flag"] != ""]
    rows = [[escape(str(r.label or r.figure_id)), escape(_plain_number(r.previous_value) + UNIT_WORDS.get(r.unit, "")),
             escape(_plain_number(r.current_value) + UNIT_WORDS.get(r.unit, "")), escape(_flag_zh(str(r.flag)))]
            for r in flagged.itertuples()]
    previous = report.changes["previous_period"].iloc[0]
    parts.append(f"<p>与{escape(str(previous))}期相比,{len(flagged)}项数据需要注意。</p>")
    if rows:
        parts.append(_table(["指标", "上期", "本期", "提示"], rows))
    parts.append("</section>")
    return Html("".join(parts))


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
