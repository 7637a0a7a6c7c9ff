"""Tests for helpers.publish.narrative: Chinese prose and HTML built from the processed tables.

Figures are formatted as the source printed them, every piece of text from the data is
escaped, absent campaigns are left out with a note, and the headline's numbers come from the
data. Reports are built in-process (clean + checks, no notebooks), either from the real
2021-10 data or from small tables.
"""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest

from helpers.audit import changes, diagnoses, progress, relations, sentences
from helpers.audit import clean
from helpers.publish import narrative
from helpers.publish.report import reported_before
from helpers.publish.printing import zh as printing
from helpers.io import rawdata, readers
from helpers.audit import steps
from helpers.io.paths import in_staging
from helpers.io.reference import campaigns_table
from helpers.testing import PERIOD, ROOT

RAW = ROOT / "data" / "raw" / "2021-10"
REFERENCE = ROOT / "data" / "reference"
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --------------------------------------------------------------------------------------
# Numbers and dates
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, unit, qualifier, expected", [
    ("39.0589", "万人", "", "39.0589万人"),
    ("16869", "户", "", "16,869户"),
    ("141.5", "万吨", "余", "141.5万余吨"),
    ("56.4", "万平方米", "以上", "56.4万平方米以上"),
    ("95.55", "%", "", "95.55%"),
    ("11836.06", "万元", "", "11,836.06万元"),
    ("1.73", "亿元", "余", "1.73亿余元"),
    ("一", "轮", "以上", "一轮以上"),
    ("七", "项", "", "七项"),
    ("5000", "户", "约", "约5,000户"),
    ("4900", "人", "近", "近4,900人"),
    ("30", "户", "多", "30多户"),
    ("300", "人", "余", "300余人"),
])
def test_format_figure(printed, unit, qualifier, expected):
    row = pd.Series({"value_printed": printed, "unit_printed": unit, "qualifier": qualifier})
    assert printing.format_figure(row) == expected


def test_format_figure_accepts_a_plain_mapping():
    assert printing.format_figure({"value_printed": "61107", "unit_printed": "户", "qualifier": ""}) == "61,107户"


@pytest.mark.parametrize("iso, expected", [
    ("2021-10-31", "2021年10月31日"),
    ("2021-09-06", "2021年9月6日"),
    ("2021-12-09T11:30:00+08:00", "2021年12月9日"),
])
def test_date_zh(iso, expected):
    assert printing.date_zh(iso) == expected


def test_date_zh_rejects_garbage():
    with pytest.raises(ValueError):
        printing.date_zh("10月底")


@pytest.mark.parametrize("value, decimals, expected", [(95.5543, 2, "95.55%"), (104.03, 1, "104.0%"),
                                                       (None, 2, "—"), (float("nan"), 2, "—")])
def test_format_percent(value, decimals, expected):
    assert printing.format_percent(value, decimals) == expected


# --------------------------------------------------------------------------------------
# The real data, in-process
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_inputs():
    source = rawdata.load_source(RAW)
    figures, coverage = clean.clean_period(RAW, source)
    return {"source": source, "figures": figures, "coverage": coverage,
            "text": readers.read_utf8(RAW / "report.txt"), "relations": relations.load_relations(REFERENCE, PERIOD),
            "targets": progress.load_targets(REFERENCE, PERIOD), "campaigns": campaigns_table(REFERENCE, PERIOD)}


def build_report(inputs: dict, figures: pd.DataFrame | None = None,
                 campaigns: pd.DataFrame | None = None) -> narrative.Report:
    figures = inputs["figures"] if figures is None else figures
    text = figures.attrs.get("text", inputs["text"])  # a text the figures were reprinted in
    inputs = {**inputs, "text": text}
    rels = sentences.relations_for(inputs["relations"], figures, inputs["text"])
    check_table = relations.run_checks(figures, rels, inputs["text"])
    return narrative.Report(
        period="2021-10", source=inputs["source"].raw, figures=figures,
        progress=progress.progress_table(figures, inputs["targets"]),
        checks=check_table,
        changes=changes.compare_periods(figures, None, None, period_end="2021-10-31", checks=check_table),
        campaigns=inputs["campaigns"] if campaigns is None else campaigns,
        diagnoses=diagnoses.diagnose(check_table, rels, figures, inputs["text"]),
        report_text=inputs["text"], descriptions={r["relation_id"]: r["description"] for r in rels},
        relations={r["relation_id"]: r for r in rels})


def whole_page(report: narrative.Report) -> str:
    """Every section, in order, sharing one book of facts, as the notebook assembles them."""
    return str(narrative.page(report, narrative.build_facts(report)))


def visible(html: str) -> str:
    """What a reader sees of an HTML fragment: the text, tags stripped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", str(html)))


def section(function, report: narrative.Report, *args) -> str:
    """One section's HTML, with a fresh book of facts."""
    return str(function(report, narrative.build_facts(report), *args))


def headline_items(report: narrative.Report) -> list[str]:
    return [visible(item) for item in re.findall(r"<li>(.*?)</li>", section(narrative.headline, report))]


def test_headline_on_the_real_data(real_inputs):
    assert headline_items(build_report(real_inputs)) == [
        "本报告逐项整理了原文中的63个数据,涉及12项工作,每个数据均可追溯到原文句子。",
        "有目标可比的8项指标中,4项超过目标、1项已完成目标、3项尚未完成。",
        "对原文所列的比率、合计与余数共复算22项,其中2项与原文不一致,均可由同一个数字的出入解释(详见“数据核查”)。",
    ]


def corrected_share(figures: pd.DataFrame, figure_id: str, printed: str, text: str | None = None) -> pd.DataFrame:
    """The figures with one share re-printed to two decimals (as if the report had been exact), in a
    text re-printed to match (figures.attrs["text"]): the sentence's own check reads the new value."""
    text = figures.attrs.get("text", text if text is not None else readers.read_utf8(RAW / "report.txt"))
    figures = figures.copy()
    mask = figures["figure_id"] == figure_id
    row = figures[mask].iloc[0]
    start, old = int(row["value_start"]), str(row["value_printed"])
    figures.loc[mask, ["value", "precision", "value_printed", "decimals"]] = [float(printed), 0.005, printed, 2]
    shift = len(printed) - len(old)
    later = figures["value_start"].astype(int) > start
    figures.loc[later, "value_start"] = figures.loc[later, "value_start"].astype(int) + shift
    figures.attrs["text"] = text[:start] + printed + text[start + len(old):]
    return figures


def test_headline_follows_the_data(real_inputs):
    one_fixed = corrected_share(real_inputs["figures"], "village_planning.prepared_share", "78.55")
    # With the first share exact, no base fits both; 76% is one digit away from the 74% that fits.
    assert headline_items(build_report(real_inputs, one_fixed))[2] == (
        "对原文所列的比率、合计与余数共复算22项,其中1项与原文不一致,均可由同一个数字的出入解释(详见“数据核查”)。")
    both_fixed = corrected_share(one_fixed, "village_planning.surveyed_share", "73.95")
    assert headline_items(build_report(real_inputs, both_fixed))[2] == "对原文所列的比率、合计与余数共复算22项,全部与原文一致。"

    no_housing = real_inputs["figures"][real_inputs["figures"]["campaign"] != "housing"]
    items = headline_items(build_report(real_inputs, no_housing))
    assert items[0] == "本报告逐项整理了原文中的60个数据,涉及11项工作,每个数据均可追溯到原文句子。"
    assert items[1] == "有目标可比的7项指标中,4项超过目标、3项尚未完成。"
    # housing's restatement check is no longer computable: 21 checks, still two mismatches.
    assert items[2] == "对原文所列的比率、合计与余数共复算21项,其中2项与原文不一致,均可由同一个数字的出入解释(详见“数据核查”)。"


def test_campaign_section_uses_the_printed_forms(real_inputs):
    report = build_report(real_inputs)
    employment = visible(section(narrative.campaign_section, report, "employment"))
    assert "脱贫劳动力已就业39.0589万人(截至2021年10月31日)" in employment
    # The target is worked back from the printed rate, so the rate cannot be recomputed independently.
    assert "原文完成率为104.03%(超过目标);原文未列出目标数,无法独立复算" in employment
    # Housing prints its target; what it does not print is the completed count.
    housing = visible(section(narrative.campaign_section, report, "housing"))
    assert "农村危房改造户数:原文完成率为100%(已完成目标);原文未列出完成数,无法独立复算" in housing
    assert "原文未列出目标数" not in housing
    toilets = visible(section(narrative.campaign_section, report, "toilets"))
    assert "农村改厕户数完成率复算为95.55%(尚未完成),原文为95.55%" in toilets
    assert "省定农村改厕任务目标63,950户(全年目标)" in toilets
    cleaning = visible(section(narrative.campaign_section, report, "village_cleaning"))
    assert "141.5万余吨" in cleaning and "68.3万吨" in cleaning and "19,475口" in cleaning
    hollow = visible(section(narrative.campaign_section, report, "hollow_houses"))
    assert "56.4万平方米以上" in hollow
    # Against a target of at least 56.4万: the rate is an upper bound.
    assert "空心房拆除面积完成率复算至多为191.48%(超过目标)" in hollow
    assert "空心房拆除户数完成率复算为160.55%(超过目标)" in hollow
    rectification = visible(section(narrative.campaign_section, report, "rectification"))
    assert "截至2021年9月11日(早于报告期末50天)" in rectification


def test_progress_overview_labels_upper_bounds_and_names_what_is_derived(real_inputs):
    overview = section(narrative.progress_overview, build_report(real_inputs))
    assert re.search(r'<td data-label="复算完成率">至多<a class="fact"[^>]*>191.48%</a></td>', overview)
    overview = visible(overview)
    assert "完成率至多191.48%,至多超出51.59万平方米" in overview
    assert "由原文其他数字与原文完成率推算" in overview
    assert "“至多”:原文目标为下限" in overview


def test_audit_section_shows_both_mismatches_as_one_explained_finding(real_inputs):
    html = section(narrative.audit_section, build_report(real_inputs))
    assert html.count('class="finding"') == 1
    assert html.count('class="check check-mismatch"') == 2 and html.count('class="check check-derived"') == 5
    finding = html.split('<div class="finding">')[1]
    assert finding.count('class="check check-mismatch"') == 2  # the checks keep their verdict, inside the finding
    assert '<blockquote lang="zh-CN">今年邵阳市计划完成760个村庄规划编制任务。</blockquote>' in finding
    audit = visible(html)
    # Read from its sentence: the share, its part and its whole, named as the month's transcription names them.
    assert audit.count("已完成村庄规划准备工作占比 = 已完成村庄规划准备工作的村庄 ÷ 计划完成村庄规划编制") == 1
    assert "计划完成村庄规划编制:原文为760个;若为742至744个,以下2项核对均与原文一致。" in audit
    assert "742至744个与原文的760个相差较大,不像笔误,更可能是有关数字按另一个基数计算。" in audit
    assert "597个 ÷ 760个 × 100% = 78.55%" in audit
    assert "原文:80%;按原文数据复算:78.55%;相差1.45个百分点(舍入误差最多可解释±0.50个百分点)" in audit
    assert "原文:76%;按原文数据复算:73.95%;相差2.05个百分点(舍入误差最多可解释±0.50个百分点)" in audit
    # Each derived value says the operation it did (issue 17: a division was explained as a sum).
    assert "推算值约为37.5458万人(由原文数字除以原文比率推算);按原文数字的舍入误差,实际值在37.5440万人至37.5477万人之间" in audit
    assert "推算值为10,786户(由原文数字直接相加,无舍入误差)" in audit
    # 全部竣工: the completed count is the target, not a range reaching 3,458.
    assert "推算值为3,441户(原文写明已全部完成,故等于任务数)" in audit and "3,458" not in audit
    assert "占比80%" in audit
    assert "共核查31项:一致20项、不一致2项、推算5项、无法核对2项、不适用2项。" in audit
    # The flows have no previous month: named once, with the reason.
    assert audit.count("(没有上一期报告可比)") == 2 and html.count("<h3>本期不适用的核对</h3>") == 1


def test_in_process_report_equals_the_one_read_back_from_csv(real_inputs, tmp_path):
    """The notebooks read the tables back as text; the HTML must not depend on which."""
    report = build_report(real_inputs)
    staged = in_staging(tmp_path)  # no charts drawn there
    steps.save_clean(staged, report.figures, real_inputs["coverage"], rawdata.load_source(RAW), ["facts.csv"])
    steps.save_progress(staged, report.progress, report.checks, report.changes, report.diagnoses)
    loaded = narrative.load_report("2021-10", staged, RAW, REFERENCE)
    assert loaded.charts == {}
    assert whole_page(loaded) == whole_page(report)


def test_no_nan_or_none_anywhere_on_the_real_page(real_inputs):
    html = whole_page(build_report(real_inputs))
    assert not re.search(r"\bnan\b|\bNone\b", html, flags=re.IGNORECASE)


# --------------------------------------------------------------------------------------
# Absent campaigns
# --------------------------------------------------------------------------------------

def test_absent_campaign_is_left_out_with_a_note(real_inputs):
    figures = real_inputs["figures"][real_inputs["figures"]["campaign"] != "housing"]
    report = build_report(real_inputs, figures)
    html = whole_page(report)
    assert 'id="campaign-housing"' not in html
    assert 'id="campaign-toilets"' in html
    absent = re.search(r'<section id="absent">(.*?)</section>', html).group(1)
    assert "本期未报告" in absent
    assert "农村危房改造:本期报告未给出数据,故略去相应章节。" in absent
    assert ("absent", "本期未报告的工作") in narrative.sections(report, narrative.build_facts(report))
    assert not re.search(r"\bnan\b|\bNone\b", html, flags=re.IGNORECASE)


def test_a_campaign_is_absent_only_if_an_earlier_period_reported_it(real_inputs):
    """本期报告未给出数据 is for a campaign reported before and missing now, not for one that did not
    exist yet: the earlier periods' campaigns come from history.csv (report.reported_before)."""
    figures = real_inputs["figures"][real_inputs["figures"]["campaign"] != "housing"]
    report = build_report(real_inputs, figures)
    report.reported_before = set()  # the first period: nothing was reported before
    assert narrative.absent_campaigns(report) == []
    assert "本期报告未给出数据" not in whole_page(report)
    report.reported_before = {"housing", "toilets"}
    assert narrative.absent_campaigns(report) == ["housing"]
    history = pd.DataFrame({"period": ["2021-09", "2021-10", "2021-11"], "campaign": ["housing", "toilets", "relocation"]})
    assert reported_before(history, "2021-10") == {"housing"}
    assert reported_before(history.iloc[0:0], "2021-10") == set()


def test_no_absent_note_when_every_campaign_reports(real_inputs):
    report = build_report(real_inputs)
    assert narrative.absent_campaigns(report) == []
    assert 'id="absent"' not in whole_page(report)


# --------------------------------------------------------------------------------------
# Small reports built from small tables: escaping and missing values
# --------------------------------------------------------------------------------------

def small_figures(label: str = "已完成农村改厕", quote: str = "截至10月25日,已完成农村改厕任务61107户。") -> pd.DataFrame:
    base = {"section": "一", "qualifier": "", "qualifier_meaning": "exact", "as_of_printed": "",
            "quote_start": 0, "quote_end": 0, "value_start": 0, "note": ""}
    rows = [
        dict(base, figure_id="toilets.target", campaign="toilets", metric="target", label="省定农村改厕任务目标",
             kind="target", value=63950.0, unit="households", precision=0.0, decimals=0, value_printed="63950",
             unit_printed="户", as_of="2021-10-31", quote="今年省定农村改厕任务目标63950户。"),
        dict(base, figure_id="toilets.completed", campaign="toilets", metric="completed", label=label,
             kind="cumulative", value=61107.0, unit="households", precision=0.0, decimals=0, value_printed="61107",
             unit_printed="户", as_of="2021-10-25", quote=quote),
        dict(base, figure_id="toilets.completed_rate", campaign="toilets", metric="completed_rate",
             label="开工完成率", kind="rate", value=97.0, unit="percent", precision=0.5, decimals=0,
             value_printed="97", unit_printed="%", as_of="2021-10-25", quote=quote),
    ]
    return pd.DataFrame(rows)


SMALL_CAMPAIGNS = pd.DataFrame({"campaign": ["toilets", "housing"], "name_zh": ["农村改厕", "农村危房改造"],
                                "name_en": ["Toilets", "Housing"], "order": ["1", "2"]})
SMALL_RELATIONS = [{"relation_id": "toilets.completed_rate", "kind": "rate", "reported": "toilets.completed_rate",
                    "operands": "toilets.completed|toilets.target", "items": "",
                    "description": "开工完成率 = 已完成 ÷ 任务目标"}]
SMALL_TARGETS = [{"target_id": "toilets", "campaign": "toilets", "label_zh": "农村改厕户数",
                  "target": "toilets.target", "achieved": "toilets.completed",
                  "reported_rate": "toilets.completed_rate", "note": ""}]


def small_report(figures: pd.DataFrame, rels: list[dict] = SMALL_RELATIONS) -> narrative.Report:
    source = rawdata.load_source(RAW).raw
    text = "\n".join(dict.fromkeys(figures["quote"]))  # a report made of the quotes, so each figure has its place
    figures = figures.copy()
    seen: dict[str, int] = {}
    for index, row in figures.iterrows():
        start = text.find(row["quote"])
        offset = text.find(row["value_printed"], start + seen.get(row["quote"], 0))
        seen[row["quote"]] = offset - start + len(row["value_printed"])
        figures.at[index, "value_start"] = offset
    return narrative.Report(period="2021-10", source=source, figures=figures,
                            progress=progress.progress_table(figures, SMALL_TARGETS),
                            checks=relations.run_checks(figures, rels, ""),
                            changes=pd.DataFrame(), campaigns=SMALL_CAMPAIGNS, report_text=text,
                            descriptions={r["relation_id"]: r["description"] for r in rels})


def test_small_report_has_one_mismatch_to_show():
    """Guard the fixture: 61107 ÷ 63950 = 95.55%, printed 97% (±0.5), so the audit shows the sentence."""
    report = small_report(small_figures())
    assert list(report.checks["status"]) == ["mismatch"]
    assert report.checks.iloc[0]["difference"] == pytest.approx(1.445661, abs=1e-6)
    assert list(report.progress["position"]) == ["behind"]


def test_label_and_quote_with_script_are_escaped():
    figures = small_figures(label=SCRIPT, quote=f"截至10月25日,{SCRIPT}已完成农村改厕任务61107户。")
    rels = [dict(SMALL_RELATIONS[0], description=f"开工完成率{SCRIPT}")]
    report = small_report(figures, rels)
    sections = section(narrative.campaign_sections, report)
    audit = section(narrative.audit_section, report)
    for html in (sections, audit, whole_page(report)):
        assert "<script" not in html.lower()
    assert ESCAPED_SCRIPT in sections  # the label, in the key facts and the table
    assert sections.count(ESCAPED_SCRIPT) >= 2
    assert ESCAPED_SCRIPT in audit  # the description and the quoted sentence
    assert f'<blockquote lang="zh-CN">截至10月25日,{ESCAPED_SCRIPT}已完成农村改厕任务61107户。</blockquote>' in audit


def test_small_report_absent_campaign_and_no_nan():
    report = small_report(small_figures())
    html = whole_page(report)
    assert narrative.present_campaigns(report) == ["toilets"]
    assert narrative.absent_campaigns(report) == ["housing"]
    assert 'id="campaign-housing"' not in html
    assert "农村危房改造:本期报告未给出数据" in html
    assert "没有更早一期的报告可供比较" in html  # no previous period
    assert not re.search(r"\bnan\b|\bNone\b", html, flags=re.IGNORECASE)


def test_every_code_the_audit_writes_has_words_in_every_edition_and_an_unknown_one_fails_loudly():
    from helpers.publish.edition import load_edition
    from helpers.publish.glossary import MissingName

    for language in ("zh", "en"):
        edition = load_edition(language, REFERENCE)
        for kind, codes in (("flag", changes.FLAGS), ("diagnosis", diagnoses.KINDS), ("typo", diagnoses.TYPOS),
                            ("status", relations.STATUSES), ("position", progress.POSITIONS)):
            assert all(edition.name(kind, code) for code in codes), (language, kind)
        with pytest.raises(MissingName, match="no flag 'impossible: a cumulative figure fell'"):
            edition.name("flag", "impossible: a cumulative figure fell")
    assert load_edition("zh", REFERENCE).name("flag", "stale_as_of") == "截止日期早于报告期末{days}天"


def changes_report(real_inputs, previous: pd.DataFrame, current: pd.DataFrame) -> narrative.Report:
    report = build_report(real_inputs, current)
    report.changes = changes.compare_periods(current, previous, "2021-09", period_end="2021-10-31")
    return report


def reprinted(figures: pd.DataFrame, figure_id: str, printed: str, unit_printed: str, value: float) -> pd.DataFrame:
    """The figures with one figure printed otherwise, as a cumulative amount."""
    figures = figures.copy()
    mask = figures["figure_id"] == figure_id
    figures.loc[mask, ["value_printed", "unit_printed", "value", "kind"]] = [printed, unit_printed, value, "cumulative"]
    return figures


def test_the_changes_table_prints_numbers_as_the_source_does(real_inputs):
    """2.35亿元 stays 2.35亿元, not 235,000,000元; a figure new this month shows — with no unit."""
    october = reprinted(real_inputs["figures"], "industry.central_investment_planned", "2.35", "亿元", 235000000.0)
    october = october[october["figure_id"] != "industry.traceability_enterprises"]
    november = reprinted(real_inputs["figures"], "industry.central_investment_planned", "23000", "万元", 230000000.0)
    note = section(narrative.changes_note, changes_report(real_inputs, october, november))
    rows = re.findall(r"<tr>(.*?)</tr>", note)
    cells = {re.findall(r'data-label="指标">(.*?)</td>', r)[0]: [visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
             for r in rows[1:]}
    assert cells["“湘九味”产业集群中央投资初步规划"][1:] == ["2.35亿元", "23,000万元", "累计数下降(不应出现)"]
    assert cells["接入“邵阳红”溯源系统企业"][1:] == ["—", "36家", "本期新增"]
    assert cells["“四不两直”暗访督导组"][3] == "截止日期早于报告期末50天"
    assert "—元" not in note and "235,000,000" not in note


def test_the_first_period_lists_its_stale_figures(real_inputs):
    note = visible(section(narrative.changes_note, build_report(real_inputs)))
    assert "没有更早一期的报告可供比较。本期有1项数据需要注意。" in note
    assert "截止日期早于报告期末50天" in note


# --------------------------------------------------------------------------------------
# Addresses from data: one safe-link rule, and one way to say "not recorded"
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "javascript:alert(4)", "JaVaScRiPt:alert(4)", " javascript:alert(4)", "data:text/html,<script>x</script>",
    "vbscript:msgbox(1)", "//evil.example/x", "/shaoyang/page.shtml", "file:///etc/passwd", "https://",
    "http://exa mple.org/", "未知",
])
def test_only_http_and_https_addresses_become_links(address):
    from helpers.publish.htmlparts import link

    html = link(address)
    assert "<a" not in html and "href" not in html
    assert html == __import__("html").escape(address.strip())


@pytest.mark.parametrize("address", ["https://www.shaoyang.gov.cn/a/b.shtml?x=1&y=2", "HTTP://example.org"])
def test_http_and_https_addresses_are_links_with_one_escaped_attribute(address):
    from helpers.publish.htmlparts import link

    html = link(address)
    assert html.startswith('<a href="') and html.count('"') == 2
    assert ("&amp;" in html) == ("&" in address)


def _title_with(real_inputs, **source):
    report = build_report(real_inputs)
    report.source = dict(report.source, **source)
    book = narrative.build_facts(report)
    return str(narrative.title_block(report, book)) + str(narrative.about(report, book))


def test_a_javascript_address_is_shown_as_text_never_as_a_link(real_inputs):
    page = _title_with(real_inputs, address="javascript:alert(4)")
    assert "href" not in page.split('<dt>原文链接</dt>')[1].split("</dd>")[0]
    assert "javascript:alert(4)" in page


def test_an_unknown_address_and_dates_read_as_not_recorded(real_inputs):
    page = _title_with(real_inputs, address=rawdata.UNKNOWN, published=rawdata.UNKNOWN, dated=rawdata.UNKNOWN)
    link_cell = page.split('<dt>原文链接</dt>')[1].split("</dd>")[0]
    assert link_cell == ' <dd class="address">原文链接未记录' and "<a" not in link_cell
    assert "<dt>原文发布</dt> <dd>未记录</dd>" in page and "<dt>原文落款</dt> <dd>未记录</dd>" in page
    assert "unknown" not in page


def test_the_sidecar_accepts_unknown_for_facts_the_text_lacks(tmp_path):
    import shutil

    import yaml

    folder = tmp_path / "2021-10"
    shutil.copytree(RAW, folder)
    data = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    data.update(address=rawdata.UNKNOWN, published=rawdata.UNKNOWN, dated=rawdata.UNKNOWN)
    (folder / "source.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert rawdata.load_source(folder).address == rawdata.UNKNOWN


@pytest.mark.parametrize("field, value, says", [
    ("address", "", "write `address: unknown`"),
    ("published", "December 2021", "or `unknown` if the report does not say"),
    ("retrieved", rawdata.UNKNOWN, "an ISO date such as"),
    ("period", "", "missing field"),
])
def test_the_sidecar_says_how_to_record_a_missing_fact(tmp_path, field, value, says):
    import shutil

    import yaml

    folder = tmp_path / "2021-10"
    shutil.copytree(RAW, folder)
    data = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    data[field] = value
    (folder / "source.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(rawdata.InputError) as caught:
        rawdata.load_source(folder)
    assert caught.value.field == field and says in str(caught.value)
