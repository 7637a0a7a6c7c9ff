"""A realistic next month, built from the real October text: the audit holds month after month.

November moves every date a month on, raises the cumulative counts consistently, resolves
nothing new in monitoring (143 households newly identified), lists one more county with the count
raised to match, and fixes the village shares. Then each test adds one trouble at a time: a
misprinted total, or a toilet-investment target that changes without a word.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.testing import synthetic
from helpers.testing import ROOT
from helpers.testing.layouts import temp_layout
from helpers.testing.synthetic import Edit
from helpers.audit import changes, clean, diagnoses, relations
from helpers.io import rawdata, readers

REFERENCE = ROOT / "data" / "reference"
DATES = {"截至10月底": "截至11月底", "截至10月25日": "截至11月25日", "截至10月22日": "截至11月22日",
         "截至10月15日": "截至11月15日", "截至10月29日": "截至11月29日"}


def november_edits(total: str = "17012", investment: tuple[str, str, str] = ("12100.50", "123.44", "23.44")) -> list:
    """The edits that make October's text into November's. `total` is the monitored households'
    total as printed (17012 adds up); `investment` is the toilets' amount, rate and excess."""
    amount, rate, excess = investment
    return [
        ("1-10月", "1-11月"),
        *[(old, new) for old, new in DATES.items()],
        # Monitoring: 50 + 30 + 63 households newly identified, none resolved.
        Edit("共有监测对象16869户", f"共有监测对象{total}户", {"monitoring.households_total": total}),
        Edit("脱贫不稳定户7850户", "脱贫不稳定户7900户", {"monitoring.unstable_households": "7900"}),
        Edit("边缘易致贫户4989户", "边缘易致贫户5019户", {"monitoring.marginal_households": "5019"}),
        Edit("突发严重困难户4030户", "突发严重困难户4093户", {"monitoring.sudden_households": "4093"}),
        Edit("暂未消除风险的6083户", "暂未消除风险的6226户", {"monitoring.remaining_households": "6226"}),
        Edit("不稳定户3294户", "不稳定户3344户", {"monitoring.unstable_remaining_households": "3344"}),
        Edit("边缘致贫户578户", "边缘致贫户608户", {"monitoring.marginal_remaining_households": "608"}),
        Edit("突发严重困难户2211户", "突发严重困难户2274户", {"monitoring.sudden_remaining_households": "2274"}),
        # Employment: more people at a higher rate of the same (implied) target.
        Edit("已就业39.0589万人,完成目标任务数的104.03%", "已就业39.4213万人,完成目标任务数的105.00%",
             {"employment.employed": "39.4213", "employment.employed_rate": "105.00"}),
        Edit("公益岗位19882个", "公益岗位20115个", {"employment.public_welfare_jobs": "20115"}),
        Edit("就业帮扶车间1053家,吸纳就业总量40284人(其中脱贫劳动力10943人)",
             "就业帮扶车间1060家,吸纳就业总量40915人(其中脱贫劳动力11102人)",
             {"workshops.workshops": "1060", "workshops.employed": "40915",
              "workshops.employed_poverty_labour": "11102"}),
        Edit("已完成农村改厕任务61107户,开工完成率95.55%,累计完成投资额11836.06万元,完成率为120.74%,超额完成20.74%",
             f"已完成农村改厕任务62307户,开工完成率97.43%,累计完成投资额{amount}万元,完成率为{rate}%,"
             f"超额完成{excess}%",
             {"toilets.completed": "62307", "toilets.completed_rate": "97.43", "toilets.investment": amount,
              "toilets.investment_rate": rate, "toilets.investment_excess": excess}),
        Edit("597个村庄已完成村庄规划准备工作,占比80%;562个村庄已完成村庄规划基础调查工作,占比76%",
             "640个村庄已完成村庄规划准备工作,占比84%;601个村庄已完成村庄规划基础调查工作,占比79%",
             {"village_planning.prepared": "640", "village_planning.prepared_share": "84",
              "village_planning.surveyed": "601", "village_planning.surveyed_share": "79"}),
        Edit("已实际拆除空心房9055户107.993万平方米", "已实际拆除空心房9310户110.512万平方米",
             {"hollow_houses.demolished_households": "9310", "hollow_houses.demolished_area": "110.512"}),
        # One more county, and the count raised to match.
        Edit("城步县8个县", "城步县、隆回县9个县", {"hollow_houses.counties_completed": "9"}),
        Edit("生活垃圾68.3万吨,清理村内水塘数量19475口,清理村内沟渠16083公里,清理畜禽养殖粪污等农业生产废弃物141.5万余吨",
             "生活垃圾71.2万吨,清理村内水塘数量20110口,清理村内沟渠16790公里,清理畜禽养殖粪污等农业生产废弃物146.2万余吨",
             {"village_cleaning.household_waste": "71.2", "village_cleaning.ponds": "20110",
              "village_cleaning.ditches": "16790", "village_cleaning.farm_waste": "146.2"}),
    ]


def make_november(raw_root: Path, **options) -> Path:
    """data/raw/2021-11/ beside the real 2021-10, with the as-of column moved on like the text."""
    folder = synthetic.make_period(raw_root, "2021-11", november_edits(**options))
    path = folder / "figures.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        row["as_of"] = DATES.get(row["as_of"], row["as_of"])
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    synthetic.reseal(folder, "figures.csv")
    return folder


def audit_month(raw_root: Path):
    """Stage 2 of November in-process: checks, diagnoses and changes against the real October."""
    october, november = raw_root / "2021-10", raw_root / "2021-11"
    previous, _ = clean.clean_period(october, rawdata.load_source(october))
    figures, _ = clean.clean_period(november, rawdata.load_source(november))
    rels = relations.load_relations(REFERENCE)
    text, previous_text = readers.read_utf8(november / "report.txt"), readers.read_utf8(october / "report.txt")
    checks = relations.run_checks(figures, rels, text, previous)
    found = diagnoses.diagnose(checks, rels, figures, text, previous)
    change_table = changes.compare_periods(figures, previous, "2021-10", period_end="2021-11-30", checks=checks,
                                           previous_checks=relations.run_checks(previous, rels, previous_text))
    return checks.set_index("check_id", drop=False), found, change_table.set_index("figure_id", drop=False)


@pytest.fixture(scope="module")
def clean_november(tmp_path_factory):
    layout = temp_layout(tmp_path_factory.mktemp("november"))
    make_november(layout.raw)
    return audit_month(layout.raw)


def test_a_consistent_november_raises_no_false_alarm(clean_november):
    checks, found, _ = clean_november
    assert "mismatch" not in set(checks["status"]), checks[checks["status"] == "mismatch"]["check_id"].tolist()
    assert found.empty


def test_the_grown_list_passes_and_its_words_are_novembers(clean_november):
    checks, _, _ = clean_november
    row = checks.loc["hollow_houses.counties_listed"]
    assert (row["status"], row["reported"], row["recomputed"]) == ("pass", 9, 9)
    assert row["description"].startswith("已全部完成任务的9个县")
    assert row["working"].endswith("城步县、隆回县")


def test_the_flows_hold_across_the_two_months(clean_november):
    checks, _, _ = clean_november
    flow = checks.loc["monitoring.remaining_households_flow"]
    assert (flow["status"], flow["recomputed"]) == ("pass", 6226)
    assert flow["working"] == "6,083 + (17,012 − 16,869) − (10,786 − 10,786) = 6,226"
    assert checks.loc["monitoring.remaining_persons_flow", "status"] == "pass"


def test_an_unchanged_implied_target_is_not_flagged(clean_november):
    _, _, change_table = clean_november
    assert change_table.loc["employment.implied_target", "flag"] == ""
    assert change_table.loc["toilets.implied_investment_target", "flag"] == ""


def test_only_the_inspection_teams_are_stale(clean_november):
    """Every date moved on a month, except 9月6日至11日: 80 days before 30 November."""
    _, _, change_table = clean_november
    stale = change_table[change_table["flag"].str.contains("stale_as_of")]
    assert list(stale["figure_id"]) == ["rectification.inspection_teams"]
    assert stale.iloc[0]["as_of_gap_days"] == 80


def test_a_misprinted_total_is_one_explained_finding(tmp_path):
    layout = temp_layout(tmp_path / "root")
    make_november(layout.raw, total="17021")
    checks, found, _ = audit_month(layout.raw)
    mismatched = list(checks.loc[checks["status"] == "mismatch", "check_id"])
    assert mismatched == ["monitoring.households_by_category", "monitoring.remaining_households",
                          "monitoring.remaining_households_flow"]
    assert found[["figure_id", "printed", "proposed", "kind", "typo"]].to_dict("records") == [
        {"figure_id": "monitoring.households_total", "printed": "17021", "proposed": "17012", "kind": "misprint",
         "typo": "digits_swapped"}]
    assert found.iloc[0]["resolves"] == "|".join(mismatched)


def test_a_silently_changed_implied_target_is_flagged(tmp_path):
    """12,100.50万元 at 110.00% implies a target of about 11,000万元, not October's 9,802.93万元."""
    layout = temp_layout(tmp_path / "root")
    make_november(layout.raw, investment=("12100.50", "110.00", "10.00"))
    checks, found, change_table = audit_month(layout.raw)
    assert "mismatch" not in set(checks["status"]) and found.empty  # each month is consistent on its own
    row = change_table.loc["toilets.implied_investment_target"]
    assert (row["kind"], row["flag"]) == ("derived", "implied_target_changed")
    assert row["previous_upper"] < row["current_lower"]
    assert change_table.loc["employment.implied_target", "flag"] == ""


# ---- Both months through the pipeline: what the pages show ------------------------------------------

def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


@pytest.mark.slow
def test_november_through_the_pipeline(tmp_path):
    """A misprinted total and a silently changed target, in a month whose list grew: the pages show one
    explained finding, the changed target, the month's own words, and no false alarm."""
    from helpers.cli import main as cli_main

    base = tmp_path / "root"
    layout = temp_layout(base)
    make_november(layout.raw, total="17021", investment=("12100.50", "110.00", "10.00"))
    assert cli_main(["run", "--root", str(base), "--period", "2021-10", "--period", "2021-11", "--quiet"]) == 0
    processed = layout.processed / "2021-11"
    checks = pd.read_csv(processed / "checks.csv", keep_default_na=False)
    assert list(checks.loc[checks["status"] == "mismatch", "check_id"]) == [
        "monitoring.households_by_category", "monitoring.remaining_households", "monitoring.remaining_households_flow"]
    found = pd.read_csv(processed / "diagnoses.csv", keep_default_na=False, dtype=str)
    assert list(found["figure_id"]) == ["monitoring.households_total"]
    change_table = pd.read_csv(processed / "changes.csv", keep_default_na=False).set_index("figure_id")
    assert change_table.loc["toilets.implied_investment_target", "flag"] == "implied_target_changed"

    page = (layout.outputs / "2021-11" / "report.html").read_text(encoding="utf-8")
    audit = text_of(page.split('<section id="audit">')[1].split("</section>")[0])
    assert "监测对象户数:原文为17,021户;若为17,012户,以下3项核对均与原文一致。" in audit
    assert "只是相邻两位数字顺序颠倒,很可能是笔误" in audit
    assert page.count('class="finding"') == 1 and page.count('class="check check-mismatch"') == 3
    assert "其中3项与原文不一致,均可由同一个数字的出入解释" in text_of(page)
    changes_section = text_of(page.split('<section id="changes">')[1].split("</section>")[0])
    assert "推算出的目标与上期推算的范围不重合" in changes_section
    assert "9,802.52至9,803.34万元" in changes_section  # October's range, in the source's 万元
    assert "—元" not in page and "nan" not in changes_section
    hollow = text_of(page.split('id="campaign-hollow_houses"')[1].split("</section>")[0])
    assert "已全部完成任务的县市9个" in hollow

    auditor = (layout.outputs / "2021-11" / "audit.html").read_text(encoding="utf-8")
    assert "已全部完成任务的9个县" in auditor and "已全部完成任务的8个县" not in auditor
    assert "DIAGNOSIS (misprint) monitoring.households_total" in auditor
