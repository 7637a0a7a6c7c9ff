"""Carrying last month's transcription over to a new month (helpers.intake.carry).

The months are built by helpers.testing.months from the real 2021-10 folder, each with the transcription
a careful analyst would write for it; the carry-over is checked against that, number by number.
"""

from __future__ import annotations

import pytest

from helpers.testing import months, scoring
from helpers.testing.reference_rows import campaigns_for
from helpers.intake.carry import (CARRIED, NEW, NOT_FOUND, UNCERTAIN, carry_over, mask, refresh,
                                wording_change)


def carry(month: months.Month, base: months.Month | None = None):
    """The carry-over from the month before, with the campaigns its analyst had (whatever later months
    and campaigns the repository holds)."""
    base = base or month.base
    return carry_over(month.text, month.period, base.text, base.period, base.figures, base.non_figures,
                      campaigns=campaigns_for(month))


def ids(outcomes) -> list[str]:
    return [o.row["figure_id"] for o in outcomes]


@pytest.fixture(scope="module")
def november():
    month = months.november()
    return month, carry(month)


@pytest.fixture(scope="module")
def december():
    month = months.december()
    return month, carry(month)


def test_a_month_where_only_numbers_change_is_carried_whole():
    month = months.quiet_november()
    result = carry(month)
    assert [o.status for o in result.outcomes if o.kind == "figure"] == [CARRIED] * 63
    assert all(not o.checks for o in result.of(CARRIED))
    review = scoring.review(month, result.figures)
    assert review.fields_to_edit == 0, review.differences
    assert result.figures == month.figures  # row for row, as the analyst would write them
    assert result.non_figures == month.non_figures  # reasons read again: (截至11月25日), (1-11月)


def test_unchanged_figures_keep_their_ids_new_ones_are_new_dropped_ones_not_found(november):
    month, result = november
    review = scoring.review(month, result.figures)
    assert review.carried_share == 1.0 and review.carried == 61
    assert not review.missing and not review.extra
    assert sorted(o.previous["figure_id"] for o in result.of(NOT_FOUND)) == sorted(month.dropped) == [
        "project_funds.county_budget", "project_funds.review_aspects"]
    new = result.of(NEW)
    assert [o.row["value"] + o.row["unit"] for o in new] == ["126处", "4.3万人"]
    assert [o.start for o in new] == [scoring.figure_position(month.text, row) for row in month.figures
                                      if row["figure_id"] in month.new]


def test_new_figures_get_ids_in_their_campaigns_namespace_and_say_where_it_came_from(november):
    _, result = november
    new = result.of(NEW)
    # The new list item's heading names no known campaign, and the items of 五 are campaigns of
    # their own: a new campaign is proposed, its id and Chinese name read from the heading
    # (推进农村供水保障专项行动), and its figures' metrics from their labels and units.
    assert result.campaigns == [{"campaign": "water_supply", "name_zh": "农村供水保障"}]
    assert ids(new) == ["water_supply.completed_works", "water_supply.drinking_water_persons"]
    assert all(o.row["campaign"] == "water_supply" and o.row["metric"] == o.row["figure_id"].split(".")[1]
               for o in new)
    assert all("names no known campaign: a new campaign, 农村供水保障" in "; ".join(o.hints) for o in new)
    assert [o.row["kind"] for o in new] == ["cumulative", "cumulative"]
    assert [o.row["label"] for o in new] == ["已完成农村供水工程建设", "巩固提升饮水安全人数"]
    assert all(o.row["as_of"] == "截至11月20日" for o in new)


def test_a_reworded_sentence_is_offered_as_uncertain_with_last_month_s_id(november):
    _, result = november
    uncertain = result.of(UNCERTAIN)
    assert ids(uncertain) == ["employment.public_welfare_jobs"]
    assert uncertain[0].row["value"] == "20136"
    assert any(check.startswith("weak match") for check in uncertain[0].checks)
    assert any("wording changed" in check for check in uncertain[0].checks)


def test_merged_sentences_a_grown_list_and_a_shifted_section_keep_their_ids(november):
    month, result = november
    changed = {o.row["figure_id"]: o for o in result.of(CARRIED) if o.checks}
    assert sorted(changed) == sorted(set(month.reworded) - {"employment.public_welfare_jobs"})
    # Two sentences merged: the quote is the merged sentence.
    assert changed["industry.brand_enterprises"].row["quote"].startswith("市财政继续安排产业帮扶资金1100万元,推进")
    # The list grew: the count is carried with the new value, and the sheet shows what changed.
    grown = changed["hollow_houses.counties_completed"]
    assert grown.row["value"] == "9" and "+、隆回县" in "; ".join(grown.checks)
    assert grown.row["note"].endswith("、城步县、隆回县")  # "listed: …" names this month's list
    # Sections 三 and 四 changed places: the ids follow the words, the section labels the text.
    rows = {row["figure_id"]: row for row in result.figures}
    assert rows["industry.support_funds"]["section"] == "四" and rows["employment.employed"]["section"] == "三"
    # A dropped list item renumbers those after it; 五(三) is now 五(二) and its reason says 二是.
    assert rows["toilets.completed"]["section"] == "五(二)"
    reasons = {row["context"]: row["reason"] for row in result.non_figures}
    assert "list ordinal (二是)" in [reason for context, reason in reasons.items() if "二是农村改厕" in context]


def test_carried_figures_read_value_unit_qualifier_and_as_of_from_the_new_text(november):
    month, result = november
    rows = {row["figure_id"]: row for row in result.figures}
    assert (rows["employment.employed"]["value"], rows["employment.employed"]["unit"]) == ("39.1202", "万人")
    assert rows["employment.employed"]["as_of"] == "截至11月底"
    assert (rows["village_cleaning.farm_waste"]["value"], rows["village_cleaning.farm_waste"]["qualifier"]) == (
        "146.2", "余")
    # The analyst's unit (项 for 七大专项行动) and readings (今年 for 1100万元) are kept.
    assert rows["rural_construction.special_actions"]["unit"] == "项"
    assert rows["industry.support_funds"]["as_of"] == "今年"
    # Notes that quote the text are read again: printed 141.5万余吨 -> printed 146.2万余吨.
    assert rows["village_cleaning.farm_waste"]["note"].startswith("printed 146.2万余吨")
    # ；-joined clauses: the analyst quoted the whole sentence last month, and still does.
    assert rows["monitoring.sudden_households"]["quote"].startswith("截至11月底,邵阳市共有监测对象16915户")
    review = scoring.review(month, result.figures)
    assert review.edits["value"] == review.edits["unit"] == review.edits["as_of"] == review.edits["section"] == 0


def test_a_month_after_a_carried_month_with_full_width_punctuation_a_split_sentence_and_moved_items(december):
    month, result = december
    review = scoring.review(month, result.figures)
    assert review.carried_share == 1.0 and not review.missing and not review.extra
    assert [o.previous["figure_id"] for o in result.of(NOT_FOUND)] == ["toilets.investment_excess"]
    new = result.of(NEW)
    # A figure added to a sentence whose other figures are carried takes their campaign.
    assert ids(new) == ["workshops.monitored_persons"] and new[0].row["kind"] == "stock"
    assert "campaign from the carried figures of its section" in new[0].hints
    assert not result.of(UNCERTAIN)
    assert review.fields_to_edit <= 3  # the new figure's id, metric and label
    assert result.non_figures == month.non_figures


def test_matching_never_uses_values():
    """Last month's total becomes this month's count of persons and the reverse: ids follow places."""
    october = months.october()
    swapped = months.next_month(october, "2021-11", [
        months.Replace("共有监测对象16869户42750人", "共有监测对象42750户16869人"),
        months.Replace("已就业39.0589万人,完成目标任务数的104.03%", "已就业104.03万人,完成目标任务数的39.0589%"),
    ])
    result = carry(swapped)
    rows = {row["figure_id"]: row["value"] for row in result.figures}
    assert rows["monitoring.households_total"] == "42750" and rows["monitoring.persons_total"] == "16869"
    assert rows["employment.employed"] == "104.03" and rows["employment.employed_rate"] == "39.0589"
    assert scoring.review(swapped, result.figures).fields_to_edit == 0


def test_a_number_last_month_listed_as_not_a_figure_stays_so_but_is_uncertain_when_the_draft_disagrees():
    october = months.october()
    teams = next(row for row in october.figures if row["figure_id"] == "rectification.inspection_teams")
    start = scoring.figure_position(october.text, teams)
    base = months.Month("2021-10", october.text, [row for row in october.figures if row is not teams],
                        october.non_figures + [{"start": str(start), "text": "4", "reason": "not counted (judgement)",
                                                "context": ""}])
    month = months.next_month(months.october(), "2021-11", [months.Replace("10月底", "11月底", every=True)])
    result = carry(month, base)
    outcome = next(o for o in result.outcomes if o.start == start)
    assert (outcome.kind, outcome.status, outcome.row["reason"]) == ("non_figure", UNCERTAIN, "not counted (judgement)")
    assert "the draft reads it as a figure" in outcome.checks[0]
    assert "rectification.inspection_teams" not in ids(result.of(CARRIED)) + ids(result.of(NEW))


def test_without_a_previous_month_every_figure_is_new_and_builds_as_drafted():
    month = months.october()
    result = carry_over(month.text, "2021-10", campaigns={})
    assert [o.status for o in result.outcomes if o.kind == "figure"] == [NEW] * 63
    assert len({row["figure_id"] for row in result.figures}) == 63  # unique ids
    assert all(row["kind"] and row["campaign"] for row in result.figures)


def test_refresh_reads_quoted_words_again_in_the_new_text():
    old = "其中,截至10月25日,邵阳市建设车间1053家。三是农村改厕。"
    new = "其中,截至11月25日,邵阳市建设车间1061家。二是农村改厕。"
    assert refresh("as-of date (截至10月25日)", old, old.index("10月"), new, new.index("11月")) == \
        "as-of date (截至11月25日)"
    assert refresh("list ordinal (三是)", old, old.index("三是"), new, new.index("二是")) == "list ordinal (二是)"
    assert refresh("printed 1053家: a count", old, old.index("1053"), new, new.index("1061")) == \
        "printed 1061家: a count"
    # Words that do not quote the text, or quote what is gone, stay as they were.
    assert refresh("a count of workshops", old, 0, new, 0) == "a count of workshops"
    assert refresh("date (8月30日)", old, 0, new, 0) == "date (8月30日)"
    assert refresh("seven (七)", old, 0, new, 0) == "seven (七)"
    old, new = "其中,武冈市、邵阳县2个县已全部完成任务。", "其中,武冈市、邵阳县、隆回县3个县已全部完成任务。"
    assert refresh("listed: 武冈市、邵阳县", old, old.index("2"), new, new.index("3")) == "listed: 武冈市、邵阳县、隆回县"


def test_mask_and_wording_change():
    assert mask("截至10月底，邵阳市共有监测对象16869户42750人") == "截至#月底,邵阳市共有监测对象#户#人"
    old = "开发环境卫生保洁员、物业保安等公益岗位19882个。"
    new = "开发环境卫生保洁员等各类公益岗位20136个。"
    assert wording_change(old, old.index("1"), new, new.index("2")) == "−、物业保安 +各类"


def test_a_previous_row_that_cannot_be_located_is_reported_not_carried():
    from helpers.intake.review import review_sheet

    october = months.october()
    broken = [dict(row) for row in october.figures]
    broken[0]["quote"] = "这句话不在原文里16869户。"
    month = months.quiet_november()
    result = carry_over(month.text, month.period, october.text, october.period, broken, october.non_figures)
    assert [row["figure_id"] for row in result.unlocated] == ["monitoring.households_total"]
    assert "monitoring.households_total" not in [row["figure_id"] for row in result.figures]
    assert [o.start for o in result.of(NEW)] == [scoring.figure_position(month.text, month.figures[0])]
    sheet = review_sheet(result, [], [])
    assert "## Not located in 2021-10's own text (1)" in sheet and "`monitoring.households_total`" in sheet


def test_a_sentence_reworded_past_recognition_gives_a_new_figure_and_names_it_for_the_one_not_found():
    october = months.october()
    month = months.next_month(october, "2021-11", [months.Replace(
        "成功建立“邵阳红”品牌溯源体系平台,36家企业接入溯源系统。", "溯源平台接入企业达到38家。",
        added={0: {"figure_id": "industry.traceability_enterprises"}}, removed=(0,))])
    result = carry(month)
    assert ids(result.of(NEW)) == ["industry.enterprises"]  # in the campaign of its section, named by its words
    lost = result.of(NOT_FOUND)
    assert [o.previous["figure_id"] for o in lost] == ["industry.traceability_enterprises"]
    assert lost[0].closest[0] == "38家 in “溯源平台接入企业达到38家。”"
    assert all(o.status == CARRIED for o in result.outcomes if o.kind == "figure" and o not in lost
               and o.row["figure_id"] != "industry.enterprises")
