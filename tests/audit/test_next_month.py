"""A realistic next month, built from the real October text: the audit holds month after month.

November moves every date a month on, raises the cumulative counts consistently, resolves
nothing new in monitoring (143 households newly identified), lists one more county with the count
raised to match, and fixes the village shares. Then each test adds one trouble at a time: a
misprinted total, or a toilet-investment target that changes without a word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.testing import synthetic
from helpers.testing import ROOT
from helpers.testing.layouts import temp_layout
from helpers.testing.stages import stage_two
from helpers.testing.synthetic import make_november
from helpers.audit import changes, clean, diagnoses, relations, sentences
from helpers.io import rawdata, readers

REFERENCE = ROOT / "data" / "reference"
def audit_month(raw_root: Path):
    """Stage 2 of November in-process: checks, diagnoses and changes against the real October."""
    october, november = raw_root / "2021-10", raw_root / "2021-11"
    previous, _ = clean.clean_period(october, rawdata.load_source(october))
    figures, _ = clean.clean_period(november, rawdata.load_source(november))
    declared = relations.load_relations(REFERENCE, "2021-11")
    text, previous_text = readers.read_utf8(november / "report.txt"), readers.read_utf8(october / "report.txt")
    rels = sentences.relations_for(declared, figures, text)
    checks = relations.run_checks(figures, rels, text, previous)
    found = diagnoses.diagnose(checks, rels, figures, text, previous)
    previous_checks = relations.run_checks(previous, sentences.relations_for(declared, previous, previous_text),
                                           previous_text)
    change_table = changes.compare_periods(figures, previous, "2021-10", period_end="2021-11-30", checks=checks,
                                           previous_checks=previous_checks)
    return checks.set_index("check_id", drop=False), found, change_table.set_index("figure_id", drop=False)



def test_a_synthetic_month_s_changes_are_flagged_as_its_edits_say(tmp_path):
    """synthetic.NOVEMBER: toilets rise (as of 10月25日, stale by November's end), ponds fall (an
    impossible fall of a cumulative count), the housing target changes without a note. Stage 2's
    calls, in-process, flag each, and the toilets' rate no longer matches its printed value."""
    layout = temp_layout(tmp_path / "root")
    synthetic.make_period(layout.raw, "2021-11")
    found = stage_two(layout, "2021-11", tmp_path / "work")
    flagged = dict(zip(found.changes["figure_id"], found.changes["flag"]))
    assert flagged["village_cleaning.ponds"] == "cumulative_fell|stale_as_of"  # as of 10月29日: 32 days old
    assert flagged["housing.target"] == "target_changed"
    assert flagged["toilets.completed"] == "stale_as_of"  # rose as it should, but as of 10月25日
    rate = found.checks.set_index("check_id").loc["toilets.completed_rate.rate"]
    assert (rate["kind"], rate["status"]) == ("rate", "mismatch")


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
    row = checks.loc["hollow_houses.counties_completed.count_listed"]
    assert (row["status"], row["reported"], row["recomputed"]) == ("pass", 9, 9)
    assert row["description"] == "已全部完成任务的县市 = 武冈市…隆回县"
    assert row["working"].endswith("城步县、隆回县")


def test_the_flows_hold_across_the_two_months(clean_november):
    checks, _, _ = clean_november
    flow = checks.loc["monitoring.remaining_households_flow"]
    assert (flow["status"], flow["recomputed"]) == ("pass", 6226)
    assert flow["working"] == "6,083 + (17,012 − 16,869) − (10,786 − 10,786) = 6,226"
    assert checks.loc["monitoring.remaining_persons_flow", "status"] == "pass"


def test_an_unchanged_implied_target_is_not_flagged(clean_november):
    _, _, change_table = clean_november
    assert change_table.loc["employment.employed.implied_ratio", "flag"] == ""
    assert change_table.loc["toilets.investment.implied_ratio", "flag"] == ""


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
    assert mismatched == ["monitoring.households_total.sum", "monitoring.remaining_households",
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
    row = change_table.loc["toilets.investment.implied_ratio"]
    assert (row["kind"], row["flag"]) == ("derived", "implied_target_changed")
    assert row["previous_upper"] < row["current_lower"]
    assert change_table.loc["employment.employed.implied_ratio", "flag"] == ""


# ---- Both months through the pipeline: what the pages show ------------------------------------------

def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_november_through_the_pipeline(november_built):
    """A misprinted total and a silently changed target, in a month whose list grew: the pages show one
    explained finding, the changed target, the month's own words, and no false alarm. (The scenario
    is `make_november(total="17021", investment=("12100.50", "110.00", "10.00"))`, built with
    October by `run --period 2021-10 --period 2021-11`.)"""
    layout = november_built
    processed = layout.processed / "2021-11"
    checks = pd.read_csv(processed / "checks.csv", keep_default_na=False)
    assert list(checks.loc[checks["status"] == "mismatch", "check_id"]) == [
        "monitoring.households_total.sum", "monitoring.remaining_households", "monitoring.remaining_households_flow"]
    found = pd.read_csv(processed / "diagnoses.csv", keep_default_na=False, dtype=str)
    assert list(found.loc[found["resolves"] != "", "figure_id"]) == ["monitoring.households_total"]
    # And a note across months: October's shares fit 742–744 villages, November's the plan's 760.
    assert list(zip(found.loc[found["resolves"] == "", "figure_id"], found.loc[found["resolves"] == "", "kind"])) == [
        ("village_planning.target", "base_changed")]
    change_table = pd.read_csv(processed / "changes.csv", keep_default_na=False).set_index("figure_id")
    assert change_table.loc["toilets.investment.implied_ratio", "flag"] == "implied_target_changed"

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
    assert "已全部完成任务的县市 = 武冈市…隆回县" in auditor and "武冈市…城步县" not in auditor
    assert "DIAGNOSIS (misprint) monitoring.households_total" in auditor


# ---- A year of months: the generic month the benchmarks build -------------------------------------------

@pytest.fixture(scope="module")
def year_start(tmp_path_factory):
    """October to February through helpers.testing.year.following (December to January crosses a
    year), written as reviewed folders, with stage 2 of December, January and February in-process."""
    from helpers.testing import year

    layout = temp_layout(tmp_path_factory.mktemp("year"))
    chain = year.year_of_months(5)
    for month in chain[1:]:
        month.write(layout.raw, layout.reference)
    work = tmp_path_factory.mktemp("work")
    return chain, {period: stage_two(layout, period, work) for period in ("2021-12", "2022-01", "2022-02")}


def test_a_generic_month_reads_as_the_next_period(year_start):
    chain, _ = year_start
    assert [m.period for m in chain] == ["2021-10", "2021-11", "2021-12", "2022-01", "2022-02"]
    from helpers.intake.header import read_header

    for month in chain[3:]:
        header = read_header(month.text)
        assert header.period == month.period  # 2022年1月, then 2022年1-2月
        assert header.published > read_header(chain[chain.index(month) - 1].text).published


def test_a_generic_month_s_printed_rates_agree_with_its_figures(year_start):
    """Cumulative figures grew and the rates over them were recomputed: no check fails that did not
    fail in December, and no cumulative figure fell."""
    _, found = year_start
    mismatched = {period: set(f.checks.loc[f.checks["status"] == "mismatch", "check_id"]) for period, f in found.items()}
    assert mismatched["2022-01"] <= mismatched["2021-12"] and mismatched["2022-02"] <= mismatched["2021-12"], mismatched
    for period in ("2022-01", "2022-02"):
        flags = found[period].changes["flag"]
        assert not flags.str.contains("cumulative_fell").any(), period
    grown = found["2022-02"].inputs.figures.set_index("figure_id")["value"].astype(float)
    before = found["2022-01"].inputs.figures.set_index("figure_id")["value"].astype(float)
    assert grown["toilets.investment"] > before["toilets.investment"]
    assert grown["village_planning.prepared"] <= grown["village_planning.target"]  # a count stops at its target


def test_the_reviewers_english_names_fill_the_rows_left_to_translate(tmp_path):
    """The benchmarks' year of months names its new campaign and figures in English as a reviewer
    would: a row the month left to translate gets the name, keeping its since (once it was skipped,
    and the English pages said 'no English name yet' for a campaign the review had named)."""
    from helpers.io.reference import read_rows
    from helpers.testing import year

    layout = temp_layout(tmp_path / "root")
    for month in year.year_of_months(3)[1:]:
        month.write(layout.raw, layout.reference)
    year.add_reviewed_glossary(layout.reference)
    rows = {(row["kind"], row["id"]): row for row in read_rows(layout.reference / "glossary.csv")[1]}
    for reviewed in year.REVIEWED_GLOSSARY:
        row = rows[reviewed["kind"], reviewed["id"]]
        assert row["en"] == reviewed["en"], reviewed["id"]
    assert rows["campaign", "water_supply"]["since"] == "2021-11"
