"""Tests for helpers.audit relations, progress and changes: recomputing what the report states, with tolerances
from printed precision, and comparing it with the previous month.

Small figure tables are built with `helpers.testing.tables.figure()`, shaped like data/processed/<period>/figures.csv as
the progress notebook reads it back (every cell text). Values and precisions come from
`helpers.text.numbers.normalise`, so '95.55%' carries ±0.005 and '80%' ±0.5 exactly as in the pipeline.
The last part runs the checks on the real 2021-10 figures, cleaned in-process.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.audit import changes, diagnoses, progress, relations, sentences
from helpers.audit import clean
from helpers.io import rawdata, readers
from helpers.io.errors import InputError
from helpers.testing.tables import check, figure, relation, table
from helpers.testing import ROOT

RAW = ROOT / "data" / "raw" / "2021-10"
REFERENCE = ROOT / "data" / "reference"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"


# --------------------------------------------------------------------------------------
# rate
# --------------------------------------------------------------------------------------

TOILETS = (figure("toilets.completed", "61107", "户", kind="cumulative"),
           figure("toilets.target", "63950", "户", kind="target"))
RATE = relation("rate", "toilets.completed_rate", ("toilets.completed", "toilets.target"))


def test_rate_two_decimals_passes_within_half_a_hundredth():
    row = check(RATE, *TOILETS, figure("toilets.completed_rate", "95.55", "%", kind="rate"))
    assert row["status"] == "pass"
    assert row["recomputed"] == pytest.approx(95.554339, abs=1e-6)
    assert row["difference"] == pytest.approx(-0.004339, abs=1e-6)
    assert row["tolerance"] == 0.005  # exact counts: no propagated rounding
    assert row["unit"] == "percent"
    assert row["formula"] == "toilets.completed ÷ toilets.target × 100"
    assert row["working"] == "61,107 ÷ 63,950 × 100 = 95.5543"
    assert row["figure_ids"] == "toilets.completed_rate|toilets.completed|toilets.target"


def test_rate_two_decimals_fails_one_hundredth_off():
    row = check(RATE, *TOILETS, figure("toilets.completed_rate", "95.56", "%", kind="rate"))
    assert row["status"] == "mismatch"
    assert row["difference"] == pytest.approx(0.005661, abs=1e-6)
    assert row["tolerance"] == 0.005


SHARE = relation("rate", "planning.prepared_share", ("planning.prepared", "planning.target"))
PLANNING = (figure("planning.prepared", "597", "个"), figure("planning.target", "760", "个", kind="target"))


def test_rate_whole_percent_passes_within_half_a_percent():
    row = check(SHARE, *PLANNING, figure("planning.prepared_share", "79", "%", kind="rate"))
    assert row["status"] == "pass"
    assert row["tolerance"] == 0.5
    assert row["difference"] == pytest.approx(0.447368, abs=1e-6)


def test_rate_whole_percent_fails_beyond_half_a_percent():
    row = check(SHARE, *PLANNING, figure("planning.prepared_share", "80", "%", kind="rate"))
    assert row["status"] == "mismatch"
    assert row["difference"] == pytest.approx(1.447368, abs=1e-6)


def test_rate_tolerance_adds_rounding_of_the_operands():
    # 1.5万 (±500) of 5万 (±5000) is 30%; rounding alone could make it 100 × (500/50000 + 15000·5000/50000²) = 4
    # points more, so the tolerance is 0.5 (whole percent) + 4.
    parts = (figure("x.done", "1.5", "万人"), figure("x.all", "5", "万人"))
    rel = relation("rate", "x.share", ("x.done", "x.all"))
    passing = check(rel, *parts, figure("x.share", "34", "%"))
    assert passing["status"] == "pass"
    assert passing["recomputed"] == 30
    assert passing["tolerance"] == pytest.approx(4.5)
    failing = check(rel, *parts, figure("x.share", "35", "%"))
    assert failing["status"] == "mismatch"
    assert failing["difference"] == 5


# --------------------------------------------------------------------------------------
# sum and difference
# --------------------------------------------------------------------------------------

CATEGORIES = (figure("m.unstable", "7850", "户"), figure("m.marginal", "4989", "户"), figure("m.sudden", "4030", "户"))
SUM = relation("sum", "m.total", ("m.unstable", "m.marginal", "m.sudden"))


def test_sum_passes_when_parts_add_up():
    row = check(SUM, figure("m.total", "16869", "户"), *CATEGORIES)
    assert (row["status"], row["recomputed"], row["difference"], row["tolerance"]) == ("pass", 16869, 0, 0)
    assert row["working"] == "7,850 + 4,989 + 4,030 = 16,869"
    assert row["formula"] == "m.unstable + m.marginal + m.sudden"


def test_sum_fails_one_household_off():
    row = check(SUM, figure("m.total", "16870", "户"), *CATEGORIES)
    assert (row["status"], row["difference"]) == ("mismatch", 1)


def test_sum_tolerance_is_the_rounding_of_every_printed_figure():
    parts = (figure("w.a", "8000", "吨"), figure("w.b", "0.95", "万吨"))  # 8000 exact + 9500 ± 50
    rel = relation("sum", "w.total", ("w.a", "w.b"))
    passing = check(rel, figure("w.total", "1.7", "万吨"), *parts)  # 17000 ± 500
    assert (passing["status"], passing["difference"], passing["tolerance"]) == ("pass", -500, 550)
    failing = check(rel, figure("w.total", "1.6", "万吨"), *parts)
    assert (failing["status"], failing["difference"]) == ("mismatch", -1500)


DIFFERENCE = relation("difference", "m.remaining", ("m.total", "m.resolved"))


def test_difference_passes():
    row = check(DIFFERENCE, figure("m.remaining", "3294", "户"), figure("m.total", "7850", "户"),
                figure("m.resolved", "4556", "户"))
    assert (row["status"], row["recomputed"], row["difference"]) == ("pass", 3294, 0)
    assert row["working"] == "7,850 − 4,556 = 3,294"


def test_difference_fails():
    row = check(DIFFERENCE, figure("m.remaining", "3295", "户"), figure("m.total", "7850", "户"),
                figure("m.resolved", "4556", "户"))
    assert (row["status"], row["difference"]) == ("mismatch", 1)


# --------------------------------------------------------------------------------------
# count_listed: the items are counted in this month's text, never taken from a fixed list
# --------------------------------------------------------------------------------------

# Real sentences of the 2021-10 report.
COUNTIES_TEXT = "其中,武冈市、邵阳县、洞口县、新宁县、邵东市、绥宁县、新邵县、城步县8个县已全部完成任务。"
ASPECTS_TEXT = ("9-10月邵阳市重点聚焦项目库情况、扶贫项目发挥作用情况、项目开工情况、财政专项扶贫资金投入情况、"
                "资金安排使用情况、资金支出进度情况、财政扶贫资金带贫效果、财政补贴资金“一卡通”自查自纠情况等8个方面"
                "组织开展“回头看”。")
REPORT = (ROOT / "data" / "raw" / "2021-10" / "report.txt").read_text(encoding="utf-8")
SECTION_FIVE = REPORT[REPORT.rindex("\n", 0, REPORT.index("五、以")) + 1:REPORT.rindex("邵阳市乡村振兴局")]
HEADING = SECTION_FIVE[:SECTION_FIVE.index("。") + 1]  # indented with en spaces, as published


def counted(figure_id: str, printed: str, unit: str, text: str, sentence: str, before: str = "") -> dict:
    """A count figure whose quote is `sentence` of `text`, placed where `printed` follows `before`."""
    row = figure(figure_id, printed, unit, kind="count")
    start = text.index(before + printed) + len(before) if before else text.index(printed)
    return {**row, "quote": sentence, "value_start": str(start)}


def count_check(printed: str, text: str, sentence: str | None = None, before: str = "", unit: str = "个",
                qualifier: str = "") -> pd.Series:
    sentence = sentence if sentence is not None else text
    row = counted("h.counties", printed, unit, text, sentence, before)
    row["qualifier"] = qualifier
    return check(relation("count_listed", "h.counties", description="已全部完成任务的{h.counties}县"), row, text=text)


def test_count_listed_counts_the_names_before_the_count_in_its_sentence():
    row = count_check("8", COUNTIES_TEXT, before="城步县")
    assert (row["status"], row["recomputed"], row["difference"]) == ("pass", 8, 0)
    assert row["working"] == "8 names: 武冈市、邵阳县、洞口县、新宁县、邵东市、绥宁县、新邵县、城步县"
    assert row["description"] == "已全部完成任务的8个县"


def test_a_grown_list_with_its_count_raised_passes_and_its_description_follows():
    """Next month lists one more county and says 9: no false alarm, and the words are that month's."""
    grown = COUNTIES_TEXT.replace("城步县8个县", "城步县、隆回县9个县")
    row = count_check("9", grown, before="隆回县")
    assert (row["status"], row["recomputed"]) == ("pass", 9)
    assert row["working"].endswith("城步县、隆回县")
    assert row["description"] == "已全部完成任务的9个县"


def test_a_grown_list_whose_count_was_not_raised_is_a_mismatch():
    grown = COUNTIES_TEXT.replace("城步县8个县", "城步县、隆回县8个县")
    row = count_check("8", grown, before="隆回县")
    assert (row["status"], row["recomputed"], row["difference"]) == ("mismatch", 9, -1)


def test_names_before_the_counted_sentence_do_not_count():
    text = "新宁县产业发展良好。其中,武冈市、邵阳县、洞口县3个县已全部完成任务。"
    row = count_check("3", text, sentence="其中,武冈市、邵阳县、洞口县3个县已全部完成任务。", before="洞口县")
    assert (row["status"], row["recomputed"]) == ("pass", 3)


def test_he_before_the_last_name_separates_it():
    row = count_check("3", "其中,武冈市、邵阳县和洞口县3个县已全部完成任务。", before="洞口县")
    assert (row["status"], row["working"]) == ("pass", "3 names: 武冈市、邵阳县、洞口县")


def test_deng_n_ge_fangmian_counts_the_aspects_and_drops_the_lead_in():
    row = count_check("8", ASPECTS_TEXT, before="等")
    assert (row["status"], row["recomputed"]) == ("pass", 8)
    assert row["working"].startswith("8 names: 项目库情况、扶贫项目发挥作用情况、")


def test_deng_with_fewer_names_than_the_count_is_not_a_contradiction():
    text = "9-10月邵阳市重点聚焦项目库情况、项目开工情况等8个方面组织开展“回头看”。"
    row = count_check("8", text, before="等")
    assert (row["status"], row["recomputed"]) == ("not-checkable", 2)
    assert "等" in row["note"]


def test_deng_with_more_names_than_the_count_is_a_mismatch():
    row = count_check("7", ASPECTS_TEXT.replace("等8个方面", "等7个方面"), before="等")
    assert (row["status"], row["difference"]) == ("mismatch", -1)


def test_ordinals_in_the_section_count_the_special_actions_of_the_heading():
    row = count_check("七", SECTION_FIVE, sentence=HEADING, unit="项")
    assert (row["status"], row["recomputed"], row["reported"]) == ("pass", 7, 7)
    assert row["working"].startswith("7 ordinals 一是…七是: 推进巩固提升就业帮扶车间专项行动、")
    assert row["working"].endswith("推进“三清一改”村庄清洁秋冬战役专项行动")


def test_a_dropped_ordinal_is_a_mismatch():
    without_the_seventh = SECTION_FIVE[:SECTION_FIVE.index("七是")]
    row = count_check("七", without_the_seventh, sentence=HEADING, unit="项")
    assert (row["status"], row["recomputed"], row["difference"]) == ("mismatch", 6, 1)


def test_ordinals_stop_at_the_next_top_level_section():
    text = HEADING + "一是推进车间。二是回头看。\n    六、其他工作。三是别的。"
    row = count_check("七", text, sentence=HEADING, unit="项")
    assert (row["status"], row["recomputed"]) == ("mismatch", 2)
    # A section heading is one pattern for the audit and the draft (text.segments): 六． ends it too.
    row = count_check("七", text.replace("六、", "六．"), sentence=HEADING, unit="项")
    assert (row["status"], row["recomputed"]) == ("mismatch", 2)


def test_a_count_with_no_list_is_not_checkable():
    text = "9月6日至11日,市乡村振兴局组织了4个督导组,聚焦责任落实、政策落实、工作落实和巩固成效方面内容。"
    row = count_check("4", text, before="组织了")
    assert row["status"] == "not-checkable"
    assert row["note"].startswith("no list found")


def test_a_relations_table_with_the_old_items_column_is_refused(tmp_path):
    path = tmp_path / "relations.csv"
    path.write_text("relation_id,kind,reported,operands,items\nr.ok,sum,a.t,a.x|a.y,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        relations.load_relations(tmp_path)
    assert (info.value.row, info.value.field) == (1, "items")
    assert "own sentence or section" in str(info.value)


@pytest.mark.parametrize("kind, reported, operands, description, field", [
    ("rate", "a.rate", ("a.x", "a.y", "a.z"), "bad", "operands"),
    ("restatement", "", ("a.x",), "bad", "reported"),
    ("implied_ratio", "a.x", ("a.x", "a.y"), "bad", "reported"),
    ("flow", "a.rest", ("a.x",), "bad", "operands"),
    # The description is said once, as the relation's glossary row: its errors name that row.
    ("count_listed", "a.count", (), "已全部完成任务的8个县", "zh"),  # a typed count
    ("sum", "a.t", ("a.x", "a.y"), "监测对象户数 = 三类之和", "zh"),  # a typed Chinese count
    ("count_listed", "a.count", (), "{a.other}个县", "zh"),  # not one of its figures
])
def test_malformed_relations_are_refused_with_their_line(tmp_path, kind, reported, operands, description, field):
    path = tmp_path / "relations.csv"
    path.write_text("relation_id,kind,reported,operands\n"
                    f"r.ok,sum,a.t,a.x|a.y\nr.bad,{kind},{reported},{'|'.join(operands)}\n", encoding="utf-8")
    (tmp_path / "glossary.csv").write_text(
        "kind,id,zh,en,reference,note\n"
        f"relation,r.ok,超额完成 = 完成率 − 100%,,,\nrelation,r.bad,{description},,,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        relations.load_relations(tmp_path)
    where = tmp_path / ("glossary.csv" if field == "zh" else "relations.csv")
    assert (info.value.row, info.value.field, info.value.file) == (3, field, str(where))
    if field == "zh":
        assert "relation 'r.bad'" in info.value.problem and "relations.csv line 3" in info.value.problem


def test_a_relation_s_description_is_its_glossary_row_filled_from_the_month(tmp_path):
    """The template is said once (the glossary's zh); the check's description fills it from the figures."""
    (tmp_path / "relations.csv").write_text("relation_id,kind,reported,operands\nr.rounds,not_checkable,r.rounds,\n",
                                            encoding="utf-8")
    (tmp_path / "glossary.csv").write_text("kind,id,zh,en,reference,note\n"
                                           "relation,r.rounds,领导带队开展了{r.rounds}调研指导,,,\n", encoding="utf-8")
    [rel] = relations.load_relations(tmp_path)
    assert rel["description"] == "领导带队开展了{r.rounds}调研指导"
    row = check(rel, figure("r.rounds", "一", "轮", qualifier="以上"))
    assert row["description"] == "领导带队开展了一轮以上调研指导"


def test_a_relation_without_its_glossary_row_or_with_its_own_description_is_refused(tmp_path):
    (tmp_path / "relations.csv").write_text("relation_id,kind,reported,operands\nr.ok,sum,a.t,a.x|a.y\n",
                                            encoding="utf-8")
    (tmp_path / "glossary.csv").write_text("kind,id,zh,en,reference,note\nrelation,r.other,合计,,,\n",
                                           encoding="utf-8")
    with pytest.raises(InputError) as info:
        relations.load_relations(tmp_path)
    assert info.value.file == str(tmp_path / "glossary.csv") and info.value.field == "zh"
    assert "relation 'r.ok' (relations.csv line 2)" in info.value.problem
    assert "relation,r.ok,<its Chinese name>" in info.value.fix
    (tmp_path / "relations.csv").write_text("relation_id,kind,reported,operands,description\n"
                                            "r.ok,sum,a.t,a.x|a.y,合计\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        relations.load_relations(tmp_path)
    assert (info.value.file, info.value.row, info.value.field) == (str(tmp_path / "relations.csv"), 1, "description")
    assert "glossary.csv" in info.value.fix


def test_a_zero_denominator_is_not_checkable_not_a_crash():
    row = check(relation("rate", "v.share", ("v.done", "v.plan")), figure("v.share", "80", "%"),
                figure("v.done", "597", "个"), figure("v.plan", "0", "个"))
    assert row["status"] == "not-checkable" and "zero" in row["note"]


def test_a_target_whose_declared_figure_is_absent_is_skipped_not_derived():
    """A renamed achieved count must not be replaced by one worked back from the printed rate."""
    figures = table(figure("v.plan", "760", "个", kind="target"), figure("v.share", "80", "%", kind="rate"))
    spec = {"target_id": "v", "campaign": "v", "label_zh": "规划", "target": "v.plan", "achieved": "v.done",
            "reported_rate": "v.share", "note": ""}
    assert progress.progress_table(figures, [spec]).empty
    skipped = progress.skipped_targets(figures, [spec])
    assert skipped.to_dict("records") == [{"target_id": "v", "campaign": "v", "missing": "v.done"}]


# --------------------------------------------------------------------------------------
# excess, restatement, part_of
# --------------------------------------------------------------------------------------

EXCESS = relation("excess", "t.excess", ("t.rate",))


def test_excess_passes():
    row = check(EXCESS, figure("t.excess", "20.74", "%"), figure("t.rate", "120.74", "%"))
    assert (row["status"], row["recomputed"], row["difference"]) == ("pass", pytest.approx(20.74), pytest.approx(0))
    assert row["tolerance"] == pytest.approx(0.01)


def test_excess_fails():
    row = check(EXCESS, figure("t.excess", "20.84", "%"), figure("t.rate", "120.74", "%"))
    assert row["status"] == "mismatch"
    assert row["difference"] == pytest.approx(0.1)


def test_excess_tolerance_follows_the_coarser_printed_rate():
    # A whole-percent rate (121%, ±0.5) allows 20.74 (±0.005).
    row = check(EXCESS, figure("t.excess", "20.74", "%"), figure("t.rate", "121", "%"))
    assert row["status"] == "pass"
    assert row["tolerance"] == pytest.approx(0.505)


RESTATED = relation("restatement", "h.target_restated", ("h.target",))


def test_restatement_passes():
    row = check(RESTATED, figure("h.target_restated", "3441", "户", kind="target"),
                figure("h.target", "3441", "户", kind="target"))
    assert (row["status"], row["working"]) == ("pass", "3,441 = 3,441")


def test_restatement_of_a_chinese_numeral_as_itself():
    row = check(RESTATED, figure("h.target_restated", "七", "项"), figure("h.target", "七", "项"))
    assert (row["status"], row["reported"], row["recomputed"]) == ("pass", 7, 7)


def test_restatement_fails():
    row = check(RESTATED, figure("h.target_restated", "3414", "户", kind="target"),
                figure("h.target", "3441", "户", kind="target"))
    assert (row["status"], row["difference"]) == ("mismatch", -27)


PART = relation("part_of", "w.poverty_labour", ("w.employed",))


def test_part_of_passes_when_the_part_is_smaller():
    row = check(PART, figure("w.poverty_labour", "10943", "人"), figure("w.employed", "40284", "人"))
    assert (row["status"], row["difference"], row["working"]) == ("pass", -29341, "10,943 ≤ 40,284")


def test_part_of_passes_when_the_part_is_the_whole():
    row = check(PART, figure("w.poverty_labour", "40284", "人"), figure("w.employed", "40284", "人"))
    assert row["status"] == "pass"


def test_part_of_fails_when_the_part_exceeds_the_whole():
    row = check(PART, figure("w.poverty_labour", "40285", "人"), figure("w.employed", "40284", "人"))
    assert (row["status"], row["difference"]) == ("mismatch", 1)


# --------------------------------------------------------------------------------------
# implied_ratio, implied_product, implied_sum, not_checkable
# --------------------------------------------------------------------------------------

def test_implied_ratio_derives_the_unprinted_target_with_bounds():
    row = check(relation("implied_ratio", "", ("e.employed", "e.rate")),
                figure("e.employed", "39.0589", "万人"), figure("e.rate", "104.03", "%"))
    assert row["status"] == "derived"
    assert row["recomputed"] == pytest.approx(390589 / 1.0403, abs=1e-6)
    # The extremes: the smallest count over the largest rate, and the other way round.
    assert row["lower"] == pytest.approx(390588.5 / 1.04035, abs=1e-6)
    assert row["upper"] == pytest.approx(390589.5 / 1.04025, abs=1e-6)
    assert row["tolerance"] == pytest.approx((row["upper"] - row["lower"]) / 2, abs=1e-6)
    assert row["reported"] is None or pd.isna(row["reported"])
    assert row["unit"] == "persons"
    assert row["note"] == "the report implies this quantity but does not print it"


def test_implied_ratio_notes_qualified_operands():
    row = check(relation("implied_ratio", "", ("e.employed", "e.rate")),
                figure("e.employed", "39", "万人", qualifier="余"), figure("e.rate", "104", "%"))
    assert row["status"] == "derived"
    assert row["note"].endswith("; qualified figures: e.employed")


def test_implied_product_derives_the_unprinted_count():
    row = check(relation("implied_product", "", ("h.target", "h.rate")),
                figure("h.target", "3441", "户", kind="target"), figure("h.rate", "100", "%"))
    assert (row["status"], row["recomputed"]) == ("derived", 3441)
    assert (row["lower"], row["upper"]) == (pytest.approx(3423.795), pytest.approx(3458.205))


def test_implied_sum_of_exact_counts_has_no_spread():
    row = check(relation("implied_sum", "", ("m.a", "m.b", "m.c")),
                figure("m.a", "4556", "户"), figure("m.b", "4411", "户"), figure("m.c", "1819", "户"))
    assert (row["status"], row["recomputed"], row["lower"], row["upper"]) == ("derived", 10786, 10786, 10786)
    assert row["note"] == "the report implies this total but does not print it"


def test_implied_sum_spread_follows_printed_precision():
    row = check(relation("implied_sum", "", ("m.a", "m.b")), figure("m.a", "1.2", "万人"), figure("m.b", "300", "人"))
    assert (row["recomputed"], row["lower"], row["upper"]) == (12300, 11800, 12800)


def test_not_checkable_is_reported_as_such():
    row = check(relation("not_checkable", "r.rounds"), figure("r.rounds", "一", "轮", qualifier="以上"))
    assert (row["status"], row["working"], row["reported"]) == ("not-checkable", "一轮", 1)


# --------------------------------------------------------------------------------------
# Missing and qualified figures
# --------------------------------------------------------------------------------------

def test_missing_figure_makes_the_check_not_applicable_and_names_it():
    row = check(RATE, TOILETS[0], figure("toilets.completed_rate", "95.55", "%"))
    assert row["status"] == "not-applicable"
    assert row["note"] == "absent from this period's figures: toilets.target"
    assert row["figure_ids"] == "toilets.completed_rate|toilets.completed|toilets.target"
    assert row["recomputed"] is None


def test_several_missing_figures_are_all_named():
    row = check(SUM, figure("m.total", "16869", "户"), CATEGORIES[0])
    assert row["note"] == "absent from this period's figures: m.marginal, m.sudden"


def test_qualified_figure_mismatch_is_not_checkable():
    # 56.4万平方米以上 is a floor, so a restatement of 56.9万 does not contradict it.
    rel = relation("restatement", "h.area_restated", ("h.area",))
    row = check(rel, figure("h.area_restated", "56.9", "万平方米"), figure("h.area", "56.4", "万平方米", qualifier="以上"))
    assert row["status"] == "not-checkable"
    assert row["difference"] == 5000
    assert row["note"] == "qualified figures: h.area"


def test_qualified_figure_that_agrees_still_passes():
    rel = relation("restatement", "h.area_restated", ("h.area",))
    row = check(rel, figure("h.area_restated", "56.4", "万平方米"), figure("h.area", "56.4", "万平方米", qualifier="以上"))
    assert (row["status"], row["note"]) == ("pass", "")


def test_qualified_count_listed_mismatch_is_not_checkable():
    row = count_check("4", "其中,武冈市、邵阳县、洞口县4个多县已全部完成任务。", before="洞口县", qualifier="多")
    assert (row["status"], row["recomputed"]) == ("not-checkable", 3)
    assert row["note"] == "qualified figures: h.counties"


def test_a_description_shows_this_months_printed_figure_qualifier_included():
    rel = relation("not_checkable", "r.rounds", description="领导带队开展了{r.rounds}调研指导")
    row = check(rel, figure("r.rounds", "一", "轮", qualifier="以上"))
    assert row["description"] == "领导带队开展了一轮以上调研指导"
    absent = check(relation("not_checkable", "r.rounds", description="开展了{r.rounds}调研"),
                   figure("r.other", "4", "个"))
    assert (absent["status"], absent["description"]) == ("not-applicable", "开展了—调研")


# --------------------------------------------------------------------------------------
# flow: last month's remainder, plus what was added, minus what was resolved
# --------------------------------------------------------------------------------------

FLOW = relation("flow", "m.remaining", ("m.total", "m.resolved"))
OCTOBER = (figure("m.remaining", "6083", "户"), figure("m.total", "16869", "户"), figure("m.resolved", "10786", "户"))


def test_flow_passes_when_the_month_adds_up():
    # 143 households identified, 0 resolved: 6,083 + 143 − 0 = 6,226.
    row = check(FLOW, figure("m.remaining", "6226", "户"), figure("m.total", "17012", "户"),
                figure("m.resolved", "10786", "户"), previous=OCTOBER)
    assert (row["status"], row["recomputed"], row["tolerance"]) == ("pass", 6226, 0)
    assert row["working"] == "6,083 + (17,012 − 16,869) − (10,786 − 10,786) = 6,226"
    assert row["formula"] == "previous m.remaining + Δm.total − Δm.resolved"


def test_flow_fails_on_a_misprinted_total():
    row = check(FLOW, figure("m.remaining", "6226", "户"), figure("m.total", "17021", "户"),
                figure("m.resolved", "10786", "户"), previous=OCTOBER)
    assert (row["status"], row["difference"]) == ("mismatch", -9)


def test_flow_without_a_previous_period_is_not_applicable():
    row = check(FLOW, *OCTOBER)
    assert (row["status"], row["note"]) == ("not-applicable", "no previous period to compare with")


def test_flow_whose_figure_was_absent_last_period_is_not_applicable():
    row = check(FLOW, *OCTOBER, previous=OCTOBER[:2])
    assert (row["status"], row["note"]) == ("not-applicable", "absent from the previous period's figures: m.resolved")


def test_implied_count_is_fixed_by_the_texts_all_completed():
    """全部竣工: the completed count equals the target, not 3,424 to 3,458 as rounding alone allows."""
    sentence = "截至10月25日,2021年省定危房改造任务3441户,已经全部竣工,竣工率100%。"
    rate = {**figure("h.rate", "100", "%", kind="rate"), "quote": sentence}
    row = check(relation("implied_product", "", ("h.target", "h.rate")),
                figure("h.target", "3441", "户", kind="target"), rate)
    assert (row["status"], row["recomputed"], row["lower"], row["upper"]) == ("derived", 3441, 3441, 3441)
    assert row["bound_by"] == "all_done"
    unclipped = check(relation("implied_product", "", ("h.target", "h.rate")),
                      figure("h.target", "3441", "户", kind="target"), figure("h.rate", "100", "%", kind="rate"))
    assert (unclipped["bound_by"], unclipped["upper"]) == ("", pytest.approx(3458.205))


def test_every_kind_is_evaluated():
    """Guard: the tests above cover every kind the module knows."""
    assert set(relations.KINDS) == {"rate", "sum", "difference", "flow", "count_listed", "excess", "restatement",
                                    "part_of", "implied_ratio", "implied_product", "implied_sum", "not_checkable"}


def test_load_relations_rejects_an_unknown_kind():
    with pytest.raises(InputError) as caught:
        relations.load_relations(FIXTURES / "unknown_kind")
    error = caught.value
    assert Path(error.file) == FIXTURES / "unknown_kind" / "relations.csv"
    assert (error.row, error.field) == (3, "kind")
    assert error.problem == "unknown relation kind 'surplus'"


# --------------------------------------------------------------------------------------
# The real 2021-10 data
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real():
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    text = readers.read_utf8(RAW / "report.txt")
    rels = sentences.relations_for(relations.load_relations(REFERENCE, "2021-10"), figures, text)
    result = relations.run_checks(figures, rels, text)
    return figures, result.set_index("check_id", drop=False), rels


def test_real_every_relation_gives_one_row(real):
    _, result, rels = real
    assert list(result["check_id"]) == [r["relation_id"] for r in rels]
    assert len(result) == 31
    # 16 declared in relations.csv (flows, restatements, remainders printed in another sentence, …),
    # 15 read from the sentences that state them.
    assert result["origin"].value_counts().to_dict() == {"declared": 16, "text": 15}
    assert set(result["status"]) <= set(relations.STATUSES)
    assert result["status"].value_counts().to_dict() == {"pass": 20, "derived": 5, "mismatch": 2, "not-checkable": 2,
                                                         "not-applicable": 2}
    # The first period has nothing to hold the flows to: reported once each, as not applicable.
    flows = result[result["kind"] == "flow"]
    assert list(flows["status"]) == ["not-applicable"] * 2


def test_real_descriptions_are_this_months_words(real):
    _, result, _ = real
    assert result.loc["hollow_houses.counties_completed.count_listed", "description"] == \
        "已全部完成任务的县市 = 武冈市…城步县"  # the month's own list, first and last
    assert result.loc["rectification.inspection_teams", "description"].startswith("市乡村振兴局组织了4个督导组")
    assert result.loc["project_funds.review_aspects.count_listed", "description"].startswith("“回头看”聚焦方面 = 项目库情况…")
    reference = (REFERENCE / "relations.csv").read_text(encoding="utf-8")
    assert "8个县" not in reference and "4个督导组" not in reference  # typed nowhere


def test_real_exactly_two_mismatches_in_village_planning(real):
    _, result, _ = real
    bad = result[result["status"] == "mismatch"]
    assert list(bad["check_id"]) == ["village_planning.prepared_share.rate", "village_planning.surveyed_share.rate"]
    prepared = result.loc["village_planning.prepared_share.rate"]
    assert (prepared["reported"], prepared["tolerance"]) == (80, 0.5)
    assert prepared["recomputed"] == pytest.approx(597 / 760 * 100, abs=1e-6)  # 78.55
    assert round(prepared["recomputed"], 2) == 78.55
    surveyed = result.loc["village_planning.surveyed_share.rate"]
    assert (surveyed["reported"], surveyed["tolerance"]) == (76, 0.5)
    assert round(surveyed["recomputed"], 2) == 73.95


def test_real_mismatch_table_quotes_the_sentence(real):
    figures, result, _ = real
    table_ = diagnoses.mismatches(result.reset_index(drop=True), figures)
    assert list(table_["check_id"]) == ["village_planning.prepared_share.rate", "village_planning.surveyed_share.rate"]
    assert all("占比80%" in q and "占比76%" in q for q in table_["quotes"])
    assert table_.iloc[0]["working"] == "597 ÷ 760 × 100 = 78.5526"


def test_real_derived_employment_target(real):
    _, result, _ = real
    row = result.loc["employment.employed.implied_ratio"]
    assert row["status"] == "derived"
    assert row["recomputed"] == pytest.approx(375458.04, abs=0.01)
    assert row["lower"] == pytest.approx(375439.52, abs=0.01)
    assert row["upper"] == pytest.approx(375476.57, abs=0.01)
    assert row["lower"] < row["recomputed"] < row["upper"]


def test_real_toilets_completed_rate_passes(real):
    _, result, _ = real
    row = result.loc["toilets.completed_rate.rate"]
    assert (row["status"], row["reported"], row["tolerance"]) == ("pass", 95.55, 0.005)
    assert row["difference"] == pytest.approx(-0.004339, abs=1e-6)


def test_real_monitoring_sums_and_remainders_pass(real):
    _, result, _ = real
    monitoring = result[result["check_id"].str.startswith("monitoring.") & result["kind"].isin(["sum", "difference"])]
    assert len(monitoring) == 12
    assert (monitoring["status"] == "pass").all()
    assert (monitoring["difference"] == 0).all()
    assert result.loc["monitoring.remaining_households", "working"] == "16,869 − 4,556 − 4,411 − 1,819 = 6,083"
    assert result.loc["monitoring.resolved_persons", "recomputed"] == 29953


def test_real_check_statuses_of_other_kinds(real):
    _, result, _ = real
    statuses = result["status"].to_dict()
    assert statuses["rural_construction.special_actions.count_listed"] == "pass"
    assert statuses["rural_construction.special_actions_restated"] == "pass"
    assert statuses["workshops.employed_poverty_labour.part_of"] == "pass"
    assert statuses["toilets.investment_excess.excess"] == "pass"
    assert statuses["housing.target_restated.implied_product"] == "derived"
    assert statuses["hollow_houses.counties_completed.count_listed"] == \
        statuses["project_funds.review_aspects.count_listed"] == "pass"
    assert statuses["rectification.leadership_rounds"] == "not-checkable"


# --------------------------------------------------------------------------------------
# progress_table
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_progress(real):
    figures, _, _ = real
    return progress.progress_table(figures, progress.load_targets(REFERENCE, "2021-10")).set_index("target_id", drop=False)


def test_progress_real_rows(real_progress):
    assert list(real_progress["target_id"]) == [
        "employment", "toilets", "toilets_investment", "housing", "village_planning_prepared",
        "village_planning_surveyed", "hollow_houses_households", "hollow_houses_area"]
    assert list(real_progress.columns) == progress.PROGRESS_COLUMNS


def test_progress_implied_target_for_employment(real_progress):
    row = real_progress.loc["employment"]
    assert (row["target"], row["target_source"]) == (375458.04, "implied")
    assert (row["achieved"], row["achieved_source"]) == (390589, "reported")
    assert row["computed_rate"] == 104.03
    assert pd.isna(row["rate_difference"])  # circular: the target came from the rate
    assert (row["position"], row["gap"], row["as_of"]) == ("ahead", -15130.96, "2021-10-31")


def test_progress_implied_achieved_for_housing(real_progress):
    row = real_progress.loc["housing"]
    assert (row["target"], row["target_source"]) == (3441, "reported")
    assert (row["achieved"], row["achieved_source"]) == (3441, "implied")
    assert row["rate_bound"] == ""
    assert (row["position"], row["gap"]) == ("met", 0)
    assert row["figure_ids"] == "housing.target|housing.completed_rate"


def test_progress_behind_with_a_rate_difference(real_progress):
    row = real_progress.loc["toilets"]
    assert (row["position"], row["gap"], row["computed_rate"]) == ("behind", 2843, 95.5543)
    assert row["rate_difference"] == -0.0043
    planning = real_progress.loc["village_planning_prepared"]
    assert (planning["position"], planning["rate_difference"]) == ("behind", 1.4474)


def test_progress_qualified_target_is_carried(real_progress):
    row = real_progress.loc["hollow_houses_area"]
    assert (row["target"], row["target_qualifier"], row["achieved"]) == (564000, "以上", 1079930)
    assert row["position"] == "ahead"
    assert pd.isna(row["reported_rate"])
    # At least 56.4万 planned: 191.48% is the most the rate can be.
    assert (row["computed_rate"], row["rate_bound"]) == (191.477, "at_most")


@pytest.mark.parametrize("target, achieved, bound", [("", "", ""), ("以上", "", "at_most"), ("", "余", "at_least"),
                                                     ("近", "", "at_least"), ("以上", "余", "approximate"),
                                                     ("以上", "近", "at_most"), ("", "约", "approximate"),
                                                     ("近", "余", "at_least"), ("以上", "以上", "approximate")])
def test_rate_bound_follows_the_qualifiers(target, achieved, bound):
    assert progress.rate_bound(target, achieved) == bound


TARGET_SPEC = {"target_id": "t", "campaign": "toilets", "label_zh": "改厕", "target": "toilets.target",
               "achieved": "toilets.completed", "reported_rate": "", "note": ""}


@pytest.mark.parametrize("done, position, gap", [("63950", "met", 0), ("63000", "behind", 950),
                                                 ("64000", "ahead", -50)])
def test_progress_position(done, position, gap):
    frame = table(figure("toilets.target", "63950", "户", kind="target"),
                  figure("toilets.completed", done, "户", kind="cumulative", as_of="2021-10-25"))
    row = progress.progress_table(frame, [TARGET_SPEC]).iloc[0]
    assert (row["position"], row["gap"], row["as_of"]) == (position, gap, "2021-10-25")
    assert row["computed_rate"] == round(int(done) / 63950 * 100, 4)


def test_progress_skips_a_target_whose_figures_are_absent():
    frame = table(figure("toilets.target", "63950", "户", kind="target"))
    assert progress.progress_table(frame, [TARGET_SPEC]).empty


# --------------------------------------------------------------------------------------
# compare_periods: flags are codes
# --------------------------------------------------------------------------------------

def changes_between(current: list[dict], previous: list[dict], **options) -> pd.DataFrame:
    result = changes.compare_periods(table(*current), table(*previous), "2021-09", **options)
    assert list(result.columns) == changes.CHANGE_COLUMNS
    assert set("|".join(result["flag"]).split("|")) - {""} <= set(changes.FLAGS)
    return result.set_index("figure_id", drop=False)


def test_compare_cumulative_figure_falling_is_impossible():
    result = changes_between([figure("toilets.completed", "61107", "户", kind="cumulative")],
                             [figure("toilets.completed", "61200", "户", kind="cumulative")])
    row = result.loc["toilets.completed"]
    assert row["flag"] == "cumulative_fell"
    assert (row["previous_value"], row["current_value"], row["change"]) == (61200, 61107, -93)
    assert (row["previous_printed"], row["current_printed"]) == ("61200户", "61107户")
    assert row["previous_period"] == "2021-09"


def test_compare_cumulative_figure_rising_and_stock_falling_are_fine():
    result = changes_between([figure("toilets.completed", "61107", "户", kind="cumulative"),
                              figure("m.remaining", "6083", "户", kind="stock")],
                             [figure("toilets.completed", "60000", "户", kind="cumulative"),
                              figure("m.remaining", "7000", "户", kind="stock")])
    assert list(result["flag"]) == ["", ""]


def test_compare_target_changed_without_a_note_is_flagged():
    result = changes_between([figure("toilets.target", "63950", "户", kind="target")],
                             [figure("toilets.target", "63000", "户", kind="target")])
    assert result.loc["toilets.target", "flag"] == "target_changed"


def test_compare_target_changed_with_a_note_is_accepted():
    result = changes_between([figure("toilets.target", "63950", "户", kind="target", note="省里10月调整了任务")],
                             [figure("toilets.target", "63000", "户", kind="target")])
    assert result.loc["toilets.target", "flag"] == ""


def test_compare_new_and_dropped_figures_are_flagged():
    result = changes_between([figure("toilets.completed", "61107", "户", kind="cumulative"),
                              figure("housing.target", "3441", "户", kind="target")],
                             [figure("toilets.completed", "60000", "户", kind="cumulative"),
                              figure("industry.brand_products", "90", "个")])
    assert list(result["figure_id"]) == ["toilets.completed", "housing.target", "industry.brand_products"]
    assert result.loc["housing.target", "flag"] == "new"
    assert pd.isna(result.loc["housing.target", "previous_value"])
    assert result.loc["housing.target", "previous_printed"] == ""
    assert result.loc["industry.brand_products", "flag"] == "dropped"
    assert pd.isna(result.loc["industry.brand_products", "current_value"])
    assert result.loc["toilets.completed", "flag"] == ""


def test_the_printed_form_keeps_the_sources_scale_and_qualifier():
    result = changes_between([figure("f.budget", "2.35", "亿元", kind="plan"),
                              figure("v.farm_waste", "141.5", "万吨", qualifier="余", kind="cumulative")],
                             [figure("f.budget", "23500", "万元", kind="plan")])
    assert (result.loc["f.budget", "previous_printed"], result.loc["f.budget", "current_printed"]) == \
        ("23500万元", "2.35亿元")
    assert result.loc["f.budget", "change"] == 0
    assert result.loc["v.farm_waste", "current_printed"] == "141.5万余吨"


def test_a_stale_as_of_date_is_flagged_with_its_gap_in_days():
    result = changes_between([figure("r.teams", "4", "个", kind="count", as_of="2021-09-11"),
                              figure("h.demolished", "9055", "户", kind="cumulative", as_of="2021-10-15")],
                             [figure("r.teams", "4", "个", kind="count", as_of="2021-09-11")], period_end="2021-10-31")
    assert (result.loc["r.teams", "flag"], result.loc["r.teams", "as_of_gap_days"]) == ("stale_as_of", 50)
    assert (result.loc["h.demolished", "flag"], result.loc["h.demolished", "as_of_gap_days"]) == ("new", 16)


def test_without_a_previous_period_every_figure_is_listed_and_only_stale_dates_flagged():
    result = changes.compare_periods(table(figure("toilets.completed", "61107", "户", as_of="2021-10-25"),
                                           figure("r.teams", "4", "个", as_of="2021-09-11")), None, None,
                                     period_end="2021-10-31")
    assert list(result.columns) == changes.CHANGE_COLUMNS
    assert list(result["flag"]) == ["", "stale_as_of"]
    assert list(result["as_of_gap_days"]) == [6, 50]
    assert result["previous_period"].isna().all() and result["previous_value"].isna().all()


def test_a_renamed_figure_is_compared_with_its_old_self():
    def frame(figure_id, value, as_of="2021-10-31"):
        return pd.DataFrame([{"figure_id": figure_id, "campaign": "toilets", "label": "改厕", "unit": "households",
                              "kind": "cumulative", "value": value, "as_of": as_of, "note": ""}])

    previous = frame("toilets.completed", "61107")
    current = frame("toilets.households_completed", "60000", as_of="2021-10-20")
    plain = changes.compare_periods(current, previous, "2021-10")
    assert sorted(plain["flag"]) == ["dropped", "new"]
    renamed = changes.compare_periods(current, previous, "2021-10", {"toilets.completed": "toilets.households_completed"})
    (row,) = renamed.to_dict("records")
    assert row["figure_id"] == "toilets.households_completed" and row["change"] == -1107
    assert row["flag"] == "renamed|cumulative_fell|as_of_earlier"


# Derived quantities across months: the employment target implied by the printed count and rate.

EMPLOYMENT = relation("implied_ratio", "", ("e.employed", "e.rate"), relation_id="e.implied_target",
                      description="就业目标任务数(报告未列出)")


def implied_target(employed: str, rate: str) -> tuple[list[dict], pd.DataFrame]:
    rows = [figure("e.employed", employed, "万人", kind="cumulative"), figure("e.rate", rate, "%", kind="rate")]
    return rows, relations.run_checks(table(*rows), [EMPLOYMENT], "")


def test_an_implied_target_that_moved_out_of_last_months_range_is_flagged():
    october, october_checks = implied_target("39.0589", "104.03")  # 375,439.52 to 375,476.57
    november, november_checks = implied_target("40.1234", "105.12")  # 381,685 or so: a new target
    result = changes_between(november, october, checks=november_checks, previous_checks=october_checks)
    row = result.loc["e.implied_target"]
    assert (row["kind"], row["flag"]) == ("derived", "implied_target_changed")
    assert row["previous_lower"] == pytest.approx(375439.52, abs=0.01)
    assert row["current_lower"] > row["previous_upper"]
    assert row["label"] == "就业目标任务数(报告未列出)"


def test_an_implied_target_within_last_months_range_is_not_flagged():
    october, october_checks = implied_target("39.0589", "104.03")
    november, november_checks = implied_target("39.4213", "105.00")  # 375,440.95: the same target
    result = changes_between(november, october, checks=november_checks, previous_checks=october_checks)
    assert result.loc["e.implied_target", "flag"] == ""
    assert result.loc["e.implied_target", "current_value"] == pytest.approx(375440.95, abs=0.01)


def test_renames_table_may_be_empty_and_is_read(tmp_path):
    path = tmp_path / "figure_renames.csv"
    path.write_text("old_figure_id,new_figure_id,since,note\n", encoding="utf-8")
    assert changes.load_renames(tmp_path) == {}
    path.write_text("old_figure_id,new_figure_id,since,note\na.b,a.c,2021-11,renamed by the bureau\n",
                    encoding="utf-8")
    assert changes.load_renames(tmp_path) == {"a.b": "a.c"}


def test_a_rename_applies_from_its_since_period_on(tmp_path):
    """figure_renames.csv's since is honoured: a rename recorded for December leaves October's and
    November's builds as they were (their ids, their history), and applies from December on."""
    (tmp_path / "figure_renames.csv").write_text(
        "old_figure_id,new_figure_id,since,note\na.b,a.c,2021-12,renamed by the bureau\n", encoding="utf-8")
    assert changes.load_renames(tmp_path, "2021-10") == {}
    assert changes.load_renames(tmp_path, "2021-11") == {}
    assert changes.load_renames(tmp_path, "2021-12") == {"a.b": "a.c"}
    assert changes.load_renames(tmp_path, "2022-03") == {"a.b": "a.c"}


def test_a_rename_without_its_since_period_is_refused(tmp_path):
    (tmp_path / "figure_renames.csv").write_text("old_figure_id,new_figure_id,note\na.b,a.c,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column.*since"):
        changes.load_renames(tmp_path, "2021-12")
