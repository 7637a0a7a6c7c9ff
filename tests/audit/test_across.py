"""Tests for helpers.audit.across: explanations that need more than one month or one check.

Small sentences first (a base named by the text, companions that move apart), then the realistic
months of helpers.testing.year_end (a misprinted November, the year-end December), audited
in-process through the same steps notebook 02 calls: every problem planted there is caught and
explained by the right kind, with its arithmetic, and nothing else is.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.audit import across, changes, diagnoses, relations, sentences
from helpers.testing import year_end
from helpers.testing.layouts import temp_layout
from helpers.testing.stages import stage_two
from helpers.testing.tables import figure, table

PLANNING = ("今年邵阳市计划完成760个村庄规划编制任务。截至12月22日,全市758个村庄已全部完成村庄规划准备工作;"
            "702个村庄已完成村庄规划基础调查工作,占比{share}%。")


def planning(share: str) -> tuple[pd.DataFrame, str]:
    text = PLANNING.format(share=share)
    rows = []
    for figure_id, printed, unit, kind in (("v.target", "760", "个", "target"), ("v.prepared", "758", "个", "cumulative"),
                                           ("v.surveyed", "702", "个", "cumulative"), ("v.share", share, "%", "rate")):
        start = text.index(printed + unit)
        rows.append({**figure(figure_id, printed, unit, kind=kind), "quote": text, "value_start": str(start),
                     "section": "五(四)"})
    return table(*rows), text


def explained(figures: pd.DataFrame, text: str) -> pd.DataFrame:
    rels = sentences.relations_for([], figures, text)
    checks = relations.run_checks(figures, rels, text)
    found = diagnoses.diagnose(checks, rels, figures, text)
    result = across.explain(found, checks, rels, figures, text)
    assert list(result.columns) == diagnoses.DIAGNOSIS_COLUMNS
    return result


def test_a_share_that_fits_a_base_printed_beside_it_is_explained_even_alone():
    figures, text = planning("92.61")
    found = explained(figures, text)
    (row,) = found.to_dict("records")
    assert (row["figure_id"], row["kind"], row["proposed"], row["related"]) == \
        ("v.target", "named_base", "758", "v.prepared")
    assert row["resolves"] == "v.share.rate"
    assert row["recomputed"] == pytest.approx(702 / 758 * 100, abs=1e-6)
    assert "702 ÷ 758 × 100 = 92.6121" in row["explanation"] and "in the same sentence" in row["explanation"]


def test_a_share_that_fits_no_printed_number_gets_no_named_base():
    """92.80% fits neither 760 nor 758: one mismatch, no number of the text explains it."""
    figures, text = planning("92.80")
    assert explained(figures, text).empty


def test_a_share_that_fits_its_plan_needs_no_explanation():
    figures, text = planning("92.37")
    assert explained(figures, text).empty


def test_companions_that_move_apart():
    sentence = "截至12月15日,邵阳市已实际拆除空心房{}户{}万平方米。"

    def month(households: str, area: str) -> pd.DataFrame:
        text = sentence.format(households, area)
        return table({**figure("h.households", households, "户", kind="cumulative"), "quote": text},
                     {**figure("h.area", area, "万平方米", kind="cumulative"), "quote": text})

    fell_and_rose = changes.companions_apart(month("9180", "111.204"), month("9217", "109.856"))
    assert [(fell, companion) for fell, companion, _ in fell_and_rose] == [("h.households", "h.area")]
    assert changes.companions_apart(month("9180", "109.000"), month("9217", "109.856")) == []  # both fell
    flagged = changes.compare_periods(month("9180", "111.204"), month("9217", "109.856"), "2021-11")
    assert flagged.set_index("figure_id").loc["h.households", "flag"] == "cumulative_fell|companion_rose"


# ---- The realistic months ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """Stage 2 of the misprinted November and the year-end December, in-process, on a layout holding
    October and both (their reviewed transcriptions)."""
    folder = tmp_path_factory.mktemp("year_end")
    layout = temp_layout(folder / "root")
    for month in year_end.months():
        month.write(layout.raw, layout.reference)
    return {period: stage_two(layout, period, folder / "work") for period in ("2021-11", "2021-12")}


@pytest.mark.parametrize("period", ["2021-11", "2021-12"])
def test_every_planted_mismatch_is_caught_and_explained_by_its_kind_and_nothing_else_fails(audited, period):
    stage, planted = audited[period], year_end.PLANTED[period]
    mismatched = set(stage.checks.loc[stage.checks["status"] == "mismatch", "check_id"])
    assert mismatched == set(planted["mismatches"])
    explained_by = {}
    for row in stage.diagnoses.to_dict("records"):
        for check_id in filter(None, str(row["resolves"]).split("|")):
            explained_by.setdefault(check_id, row["kind"])
    assert explained_by == planted["mismatches"]


@pytest.mark.parametrize("period", ["2021-11", "2021-12"])
def test_every_planted_note_is_made_and_no_other(audited, period):
    found = audited[period].diagnoses
    notes = found[found["resolves"] == ""]
    assert set(zip(notes["figure_id"], notes["kind"])) == year_end.PLANTED[period]["notes"]


@pytest.mark.parametrize("period", ["2021-11", "2021-12"])
def test_every_flag_is_planted(audited, period):
    flagged = audited[period].changes
    flagged = flagged[flagged["flag"] != ""]
    assert dict(zip(flagged["figure_id"], flagged["flag"])) == year_end.PLANTED[period]["flags"]


def test_novembers_short_list_is_linked_to_the_item_it_dropped(audited):
    found = audited["2021-11"].diagnoses.set_index("kind")
    row = found.loc["item_dropped"]
    assert (row["figure_id"], row["printed"], row["proposed"]) == ("rural_construction.special_actions", "七", "6")
    assert row["related_text"] == "扶贫项目资金管理“回头看”专项行动"
    assert row["related"] == "project_funds.review_aspects|project_funds.county_budget"
    assert row["related_period"] == "2021-10"


def test_novembers_shares_fit_the_plan_where_octobers_fit_742_to_744(audited):
    row = audited["2021-11"].diagnoses.set_index("kind").loc["base_changed"]
    assert (row["previous_lower"], row["previous_upper"]) == (742, 744)
    assert (row["lower"], row["upper"], row["proposed"]) == (760, 764, "760–764")
    assert "the printed 760个 among them" in row["explanation"]


def test_decembers_flow_fails_on_novembers_misprint_and_passes_with_its_correction(audited):
    stage = audited["2021-12"]
    flow = stage.checks.set_index("check_id").loc["monitoring.remaining_households_flow"]
    assert (flow["reported"], flow["recomputed"]) == (5588, 5552)  # from November's printed 16951
    row = stage.diagnoses.set_index("kind").loc["previous_misprint"]
    assert (row["figure_id"], row["printed"], row["proposed"], row["typo"]) == \
        ("monitoring.households_total", "16951", "16915", "digits_swapped")
    assert (row["recomputed"], row["related_period"]) == (5588, "2021-11")
    assert "5,765 + (16,958 − 16,915) − (11,370 − 11,150) = 5,588" in row["explanation"]


def test_decembers_share_is_taken_of_the_758_villages_its_sentence_prints(audited):
    row = audited["2021-12"].diagnoses.set_index("kind").loc["named_base"]
    assert (row["figure_id"], row["proposed"], row["related"]) == \
        ("village_planning.target", "758", "village_planning.prepared")
    assert round(row["recomputed"], 2) == 92.61
    changed = audited["2021-12"].diagnoses.set_index("kind").loc["base_changed"]
    assert (changed["previous_lower"], changed["previous_upper"], changed["proposed"]) == (760, 764, "758")


def test_decembers_new_campaign_adds_up_within_rounding_and_its_misprinted_share_is_found(audited):
    checks = audited["2021-12"].checks.set_index("check_id")
    total = checks.loc["relocation.households.sum"]
    assert (total["status"], total["difference"], total["origin"]) == ("pass", 100, "text")  # 2.62万 vs 2.61万
    row = audited["2021-12"].diagnoses.set_index("figure_id").loc["relocation.employed_share"]
    assert (row["kind"], row["proposed"], row["typo"]) == ("misprint", "93.16", "digits_swapped")


def test_decembers_eleven_counties_and_its_returning_budget(audited):
    stage = audited["2021-12"]
    counties = stage.checks.set_index("check_id").loc["toilets.counties_completed.count_listed"]
    assert (counties["status"], counties["recomputed"]) == ("pass", 11)
    budget = stage.changes.set_index("figure_id").loc["project_funds.county_budget"]
    assert (budget["flag"], budget["previous_period"], budget["previous_printed"], budget["current_printed"]) == \
        ("returned", "2021-10", "30597万元", "3.21亿元")
    assert budget["change"] == pytest.approx(321_000_000 - 305_970_000)


def test_units_that_change_raise_no_flag(audited):
    """391841人 for 39.1202万人, 0.11亿元 for 1100万元: the same base units, compared as numbers."""
    rows = audited["2021-12"].changes.set_index("figure_id")
    assert (rows.loc["employment.employed", "flag"], rows.loc["industry.support_funds", "flag"]) == ("", "")
    assert rows.loc["industry.support_funds", "change"] == 0
