"""End to end: October, the misprinted November and the year-end December, built by the pipeline.

The layout is the session scenario `year_end_built` (`helpers.testing.scenarios.year_end`, built once per run): the real October
and the two realistic months of `helpers.testing.year_end`, every feature of issue 17's year-end
case in them, each added through the README's loop (add-period, the reviewer's rows, seal), November and December built (October's build is the `base` scenario's). Each planted problem (`year_end.PLANTED`) must be caught and explained in the
published tables and on both pages, each explanation with its numbers as facts, and nothing else
may be flagged as a problem.
"""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest

from helpers.testing import year_end

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # builds three periods through the pipeline once


@pytest.fixture(scope="module")
def layout(year_end_built):
    return year_end_built


def table(layout, period: str, name: str) -> pd.DataFrame:
    return pd.read_csv(layout.processed / period / name, keep_default_na=False, dtype=str)


def section(layout, period: str, name: str, language: str = "zh") -> str:
    page = (layout.outputs / period / ("report.html" if language == "zh" else f"report.{language}.html")).read_text(
        encoding="utf-8")
    return page.split(f'<section id="{name}">')[1].split("</section>")[0]


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


@pytest.mark.parametrize("period", ["2021-11", "2021-12"])
def test_each_month_came_through_the_readme_s_loop(layout, period):
    """add-period drafted the month (its review sheet and its draft are there), the reviewer's rows
    replaced the draft, and seal recorded every file: the loop an analyst follows, not a folder
    written as it should end up."""
    folder = layout.raw / period
    assert (folder / "review.md").read_text(encoding="utf-8").startswith("#")
    assert (layout.raw.parent / "drafts" / f"{period}.figures.csv").is_file()
    from helpers.intake.sidecar import checksums_of, folder_files, recorded_checksums
    from helpers.io.rawdata import read_sidecar

    names = folder_files(folder)
    assert {"report.txt", "figures.csv", "review.md"} <= set(names)
    assert recorded_checksums(read_sidecar(folder)) == checksums_of(folder, names)


@pytest.mark.parametrize("period", ["2021-11", "2021-12"])
def test_every_planted_problem_is_caught_and_explained_and_nothing_else(layout, period):
    planted = year_end.PLANTED[period]
    checks, found, changes = (table(layout, period, n) for n in ("checks.csv", "diagnoses.csv", "changes.csv"))
    assert set(checks.loc[checks["status"] == "mismatch", "check_id"]) == set(planted["mismatches"])
    explained = {}
    for row in found.to_dict("records"):
        for check_id in filter(None, row["resolves"].split("|")):
            explained.setdefault(check_id, row["kind"])
    assert explained == planted["mismatches"]
    notes = found[found["resolves"] == ""]
    assert set(zip(notes["figure_id"], notes["kind"])) == planted["notes"]
    flagged = changes[changes["flag"] != ""]
    assert dict(zip(flagged["figure_id"], flagged["flag"])) == planted["flags"]


def test_novembers_page_explains_the_misprint_the_short_list_and_the_base(layout):
    audit = visible(section(layout, "2021-11", "audit"))
    assert "监测对象户数:原文为16,951户;若为16,915户,以下3项核对均与原文一致。" in audit
    assert "“党建+七大专项行动”专项行动数:原文为七项,本期只列出6项。" in audit
    assert ("上期(2021年10月)列出的“扶贫项目资金管理“回头看”专项行动”本期未再报告(其数据“回头看”聚焦方面8个、"
            "县市区本级衔接资金预算投入总金额30,597万元本期也未出现):少列的正是这一项。") in audit
    assert ("计划完成村庄规划编制:上期(2021年10月)的占比按742至744个计算才一致,本期的占比按760至764个计算一致"
            "(原文为760个):两期占比所用的基数不同。") in audit
    english = visible(section(layout, "2021-11", "audit", "en"))
    assert "last period's (October 2021) shares agree only with a base of 742 to 744" in english


def test_decembers_page_explains_each_planted_problem_with_its_arithmetic(layout):
    audit = visible(section(layout, "2021-12", "audit"))
    assert "易地搬迁脱贫劳动力就业占比:原文为39.16%;若为93.16%,这一项核对即与原文一致。" in audit
    assert "监测对象户数:上期(2021年11月)原文为16,951户;若为16,915户,这一项核对即与原文一致。" in audit
    assert "按16,915户计算得5,588户,与本期原文一致" in audit
    assert "5,765户 + (16,958户 − 16,951户)" in audit  # the failing flow's working, from November's print
    assert "758个正是原文同一句或相邻句印出的已完成村庄规划准备工作的村庄:按它计算得92.61%,与原文一致。" in audit
    assert ("已实际拆除空心房户数由上期的9,217户降至9,180户(减少37户),而同一句中的已实际拆除空心房面积由"
            "109.856万平方米增至111.204万平方米(增加1.348万平方米)") in audit
    assert "上期(2021年11月)的占比按760至764个计算才一致,本期的占比按758个计算一致(原文为760个)" in audit
    changes = visible(section(layout, "2021-12", "changes"))
    assert "累计数下降(不应出现);同一句中相关数据却上升" in changes
    # The table's cells are separated (issue 17: a label run into its number).
    assert "县市区本级衔接资金预算投入总金额 30,597万元 3.21亿元 上期未报告,与此前最近一期比较" in changes


def test_every_number_an_explanation_prints_is_a_fact(layout):
    """In the findings and notes, a number is a link to its fact (or sits in a quotation of the text)."""
    for period in ("2021-11", "2021-12"):
        for language in ("zh", "en"):
            html = section(layout, period, "audit", language)
            pieces = re.findall(r'<p class="diagnosis">.*?</p>\s*<p>.*?</p>|<div class="note"><p>.*?</p>', html, re.S)
            assert pieces, (period, language)
            for piece in pieces:
                bare = visible(re.sub(r'<a class="fact"[^>]*>.*?</a>', "", piece))
                assert not re.search(r"\d", bare), (period, language, bare)


def test_the_returning_budget_links_to_the_page_that_last_printed_it(layout):
    html = section(layout, "2021-12", "changes")
    assert 'href="../2021-10/report.html#src-project_funds.county_budget"' in html
