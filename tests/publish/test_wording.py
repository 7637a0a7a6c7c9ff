"""The wording defects issue 17 found on published pages, each held at its root (helpers.publish.wording
and the code that wrote each one): no unfilled placeholder, no doubled measure word, English plurals,
a label never run into its number, an explanation that names its operation, a derived value inside
its own range, numbers in the source's precision in the CSVs and the auditor's panel, and new figures
counted apart from those that need attention.

In-process, on the real 2021-10 data or small tables: no notebook runs here.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.audit import changes
from helpers.io.writers import csv_text
from helpers.publish import explanations, facts, narrative, wording
from helpers.publish.catalogue import load_catalogue
from helpers.publish.edition import load_edition
from helpers.publish.htmlparts import mismatch_panel
from helpers.testing import ROOT

from . import test_narrative
from .test_narrative import build_report, changes_report, section, visible

real_inputs = test_narrative.real_inputs  # the fixture: the real 2021-10 data, in-process

REFERENCE = ROOT / "data" / "reference"


# ---- The guard: what no page may print, the build stops on ------------------------------------------

@pytest.mark.parametrize("text, problem", [
    ("“回头看”聚焦{project_funds.review_aspects}个方面", "an unfilled placeholder"),
    ("截止日期早于报告期末{days}天", "an unfilled placeholder"),
    ('列出<a class="fact" href="#calc-x">6项</a>项:甲、乙', "a measure word doubled"),
    ("<td>Monitored households</td><td>17,102 households</td>", "two cells with no space between them"),
])
def test_what_no_page_may_print_stops_the_build(text, problem):
    with pytest.raises(wording.WordingError, match=problem):
        wording.require_clean(text, "a section")


@pytest.mark.parametrize("text", ['列出<a class="fact" href="#calc-x">6项</a>:甲、乙', "<td>a</td> <td>1</td>",
                                  "脱贫不稳定户户数7,850户", "{}", "a {b c}"])
def test_what_reads_right_passes(text):
    assert wording.require_clean(text, "a section") == text


def test_a_section_with_a_placeholder_left_in_it_fails_the_build(real_inputs, monkeypatch):
    """The guard is on every section the narrative renders, not a test of the finished page: here a
    message prints a placeholder's braces as text (as a glossary name or a description would)."""
    report = build_report(real_inputs)
    book = narrative.build_facts(report)
    words = book.edition.t
    monkeypatch.setitem(words.messages, "intro.audit", words.messages["intro.audit"] + "{{project_funds.review_aspects}}")
    with pytest.raises(wording.WordingError, match=r"section audit.html.j2: an unfilled placeholder"):
        narrative.audit_section(report, book)


def test_a_check_about_a_figure_the_month_lacks_prints_the_missing_mark_not_its_placeholder(real_inputs):
    """Issue 17's {project_funds.review_aspects}: a not-applicable check's description names a figure
    this period does not print; the page shows — there, in both editions."""
    figures = real_inputs["figures"]
    report = build_report(real_inputs, figures[figures["figure_id"] != "rectification.inspection_teams"])
    for language in ("zh", "en"):
        book = narrative.build_facts(report, edition=load_edition(language, REFERENCE, "2021-10"))
        check = report.checks[report.checks["check_id"] == "rectification.inspection_teams"].iloc[0]
        if language == "zh":
            assert "{" not in facts.check_description(book, report, check)
        html = str(narrative.audit_section(report, book))
        assert "{rectification" not in html
        assert ("组织了—督导组" if language == "zh" else "—") in visible(html)


# ---- Measure words are never doubled ---------------------------------------------------------------

@facts.makes_facts
def _listed_count(book, printed: str) -> None:
    book.add("check.listed.count_listed.recomputed", "listed", 6.0, "count", printed)


@pytest.mark.parametrize("language, printed, expected", [
    ("zh", "6项", "列出6项:一是、二是"),  # the count carries its measure word, as its figure (七项) does
    ("en", "6", "6 items listed: 一是、二是"),
])
def test_a_listed_count_says_its_measure_word_once(language, printed, expected):
    """Issue 17: 列出6项项."""
    book = facts.FactBook(load_edition(language, REFERENCE, "2021-10"))
    _listed_count(book, printed)
    check = pd.Series({"check_id": "listed.count_listed", "kind": "count_listed",
                       "working": "6 ordinals 一是…六是: 一是、二是"})
    html = explanations.working_html(book, None, check)
    assert visible(html) == expected
    wording.require_clean(str(html), "the working")


# ---- English plurals (the catalogue's plural forms: tests/publish/test_catalogue.py) ----------------

def test_the_headline_says_one_number_in_the_singular(real_inputs):
    """Issue 17: "1 numbers explain 2 of them"; the real month has one number explaining two checks."""
    report = build_report(real_inputs)
    book = narrative.build_facts(report, edition=load_edition("en", REFERENCE, "2021-10"))
    words = load_catalogue("en")
    from helpers.publish.catalogue import Count

    assert words.plain("headline.why_some", diagnosed=Count(1, "1"), explained=Count(2, "2")) == \
        "; 1 number explains 2 of them"
    assert "1 numbers" not in visible(narrative.headline(report, book))


# ---- A label and its number are never run together ---------------------------------------------------

def test_table_cells_and_definitions_are_separated(real_inputs):
    """Issue 17: "Monitored households17,102 households" — adjacent cells with nothing between them."""
    report = build_report(real_inputs)
    book = narrative.build_facts(report, edition=load_edition("en", REFERENCE, "2021-10"))
    page = str(narrative.title_block(report, book)) + str(narrative.campaign_sections(report, book))
    assert "</td> <td" in page and "</dt> <dd" in page
    assert not re.search(r"</(td|th|dt|dd)><(td|th|dt|dd)", page)
    text = re.sub(r"\s+", " ", visible(page))
    assert "Monitored households 16,869 households" in text


def test_the_auditors_panel_separates_its_cells_and_prints_whole_numbers_whole():
    """Issue 17: "12.0" for a whole number; the panel's cells run together."""
    mismatches = pd.DataFrame([{"check_id": "monitoring.households_total.sum", "description": "监测对象户数 = …",
                                "reported": 17021.0, "recomputed": 17012.0, "difference": 9.0, "tolerance": 0.0,
                                "working": "7,900 + 5,019 + 4,093 = 17,012", "quotes": "…", "diagnosis": ""}])
    html = str(mismatch_panel(mismatches))
    assert "<td>17,021</td> <td>17,012</td> <td>9</td> <td>±0</td>" in html
    assert not re.search(r"\d\.0\b", visible(html)) and not re.search(r"</t[dh]><t[dh]", html)


# ---- An explanation names the operation it did -------------------------------------------------------

def test_a_derived_value_says_how_it_was_derived(real_inputs):
    """Issue 17: a target worked out by a division was explained as "由原文数字直接相加". A division whose
    range rounds to one printed number says so, and that it divided."""
    report = build_report(real_inputs)
    derived = report.checks["kind"] == "implied_ratio"
    row = report.checks[derived].index[0]
    value = float(report.checks.at[row, "recomputed"])
    report.checks.loc[row, ["lower", "upper"]] = [value - 0.01, value + 0.01]  # rounds to one number
    audit = visible(section(narrative.audit_section, report))
    assert "由原文数字除以原文比率推算;原文数字的舍入误差不改变这一结果" in audit
    assert "(由原文数字直接相加,无舍入误差)" in audit  # the sums are still sums
    assert audit.count("直接相加") == (report.checks["kind"] == "implied_sum").sum()


def test_every_derived_kind_names_its_operation_in_every_edition():
    from helpers.audit.kinds import derived_kinds
    from helpers.publish.catalogue import languages

    for language in languages():
        words = load_catalogue(language)
        assert all(words.text(f"audit.operation.{kind}") for kind in derived_kinds()), language


# ---- A rounded derived value stays inside its own range ------------------------------------------------

def test_a_derived_target_is_printed_inside_its_range(real_inputs):
    """Issue 17: the progress table printed the implied employment target as 约37.55万人, outside the
    37.5440至37.5477万人 the audit section gives for it. Both are printed at the figures' precision."""
    report = build_report(real_inputs)
    book = narrative.build_facts(report)
    overview = visible(narrative.progress_overview(report, book))
    audit = visible(narrative.audit_section(report, book))
    assert "约37.5458万人(推算)" in overview and "37.5440万人至37.5477万人" in audit
    number = lambda printed: float(re.sub(r"[^\d.]", "", printed))  # noqa: E731
    ranges = {fact.value: (number(book[fact.fact_id.replace("recomputed", "lower")].printed),
                           number(book[fact.fact_id.replace("recomputed", "upper")].printed))
              for fact in book.facts.values()
              if fact.fact_id.endswith(".recomputed") and fact.fact_id.replace("recomputed", "lower") in book}
    implied = [fact for fact in book.facts.values() if re.fullmatch(r"progress\..*\.(target|achieved)", fact.fact_id)]
    assert implied
    for fact in implied:
        for value, (lower, upper) in ranges.items():
            if abs(float(value) - float(fact.value)) < 1e-6:
                assert lower <= number(fact.printed) <= upper, (fact.fact_id, fact.printed, lower, upper)


# ---- Numbers in the source's precision, CSVs included ---------------------------------------------------

def test_a_change_between_months_keeps_the_printed_precision():
    """Issue 17: 0.679999999999993 in changes.csv for 104.03% -> 104.71%."""
    assert changes.exact_difference(104.71, 104.03) == 0.68 and changes.exact_difference(97.43, 95.55) == 1.88
    assert 104.71 - 104.03 != 0.68  # what binary floats give
    table = pd.DataFrame({"change": [changes.exact_difference(104.71, 104.03), changes.exact_difference(61107, 62307)]})
    assert csv_text(table) == "change\n0.68\n-1200\n"


# ---- New figures are counted apart from problems ---------------------------------------------------------

def test_the_month_over_month_summary_counts_new_figures_apart(real_inputs):
    """Issue 17: "N项数据需要注意" where most of the N were merely new figures."""
    figures = real_inputs["figures"]
    dropped = ["industry.traceability_enterprises", "workshops.workshops"]
    october = figures[~figures["figure_id"].isin(dropped)]
    report = changes_report(real_inputs, october, figures)
    flags = report.changes.set_index("figure_id")["flag"]
    assert all(flags[i] == "new" for i in dropped)
    attention = int(flags.map(lambda f: bool(set(str(f).split("|")) - {"new", "", "nan"})).sum())
    zh = visible(section(narrative.changes_note, report))
    assert f"与2021年9月期相比,{attention}项数据需要注意。另有2项为本期新增的数据。" in zh
    book = narrative.build_facts(report, edition=load_edition("en", REFERENCE, "2021-10"))
    en = re.sub(r"\s+", " ", visible(narrative.changes_note(report, book)))
    assert "2 figures are new this period." in en
    assert (f"{attention} figure needs attention." if attention == 1 else f"{attention} figures need attention.") in en


# ---- A check's title keeps the text's words --------------------------------------------------------------

def test_a_check_read_from_the_text_is_titled_in_the_months_own_words(real_inputs):
    """Issue 17: a check titled 县 where the text says 县市区. A check read from a sentence is titled by the
    month's labels (figures.csv), never by a name the glossary keeps for the same id; here the month's
    label says 县市区 and the glossary's 县市."""
    figures = real_inputs["figures"].copy()
    row = figures["figure_id"] == "hollow_houses.counties_completed"
    figures.loc[row, "label"] = "已全部完成任务的县市区"
    report = build_report(real_inputs, figures)
    check = report.checks[report.checks["check_id"] == "hollow_houses.counties_completed.count_listed"].iloc[0]
    assert check["description"].startswith("已全部完成任务的县市区 = ")
    book = narrative.build_facts(report)
    assert facts.check_description(book, report, check).startswith("已全部完成任务的县市区 = ")
