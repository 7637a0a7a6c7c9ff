"""Tests for helpers.audit.sentences: the checks a sentence states about its own figures, read from it.

Each reader is tested on sentences (the real October ones, and the shapes a later month prints),
with small figure tables placed in them; the last tests read the whole October text and compare
what it finds with the 31 relations declared by hand before the text was read
(fixtures/checks/october_declared/relations.csv).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.audit import clean, relations, sentences
from helpers.io import rawdata, readers
from helpers.testing import PERIOD, REFERENCE, ROOT
from helpers.testing.tables import figure, table

RAW = ROOT / "data" / "raw" / PERIOD
DECLARED_BY_HAND = Path(__file__).resolve().parent / "fixtures" / "checks" / "october_declared"


def placed(text: str, *specs: tuple) -> pd.DataFrame:
    """Figures placed in `text`: each spec is (figure_id, printed, unit, kind[, label[, printed as]]), found
    in order (a count printed 七大 has the unit 项 and is found as 七大)."""
    rows, at = [], 0
    for spec in specs:
        figure_id, printed, unit, kind = spec[:4]
        label = spec[4] if len(spec) > 4 else figure_id.split(".")[1]
        start = text.index(spec[5] if len(spec) > 5 else printed + unit, at)
        at = start + len(printed)
        rows.append({**figure(figure_id, printed, unit, kind=kind, label=label), "quote": text,
                     "value_start": str(start), "section": "五(五)"})
    return table(*rows)


def read(text: str, *specs: tuple) -> list[tuple]:
    return [(r["relation_id"], r["kind"], r["reported"], r["operands"])
            for r in sentences.read_checks(placed(text, *specs), text)]


# ---- A total and its parts ---------------------------------------------------------------------

MONITORING = ("截至10月底,邵阳市共有监测对象16869户42750人,其中脱贫不稳定户7850户18363人,已消除返贫风险的有4556户"
              "11871人;边缘易致贫户4989户14552人,已消除致贫风险的有4411户13150人;突发严重困难户4030户9835人,已消除致贫"
              "风险的有1819户4932人。")


def test_a_total_stated_with_共_and_its_parts_after_其中_one_per_clause():
    found = read(MONITORING, ("m.households", "16869", "户", "stock"), ("m.persons", "42750", "人", "stock"),
                 ("m.unstable", "7850", "户", "stock"), ("m.unstable_p", "18363", "人", "stock"),
                 ("m.unstable_resolved", "4556", "户", "stock"), ("m.marginal", "4989", "户", "stock"),
                 ("m.marginal_resolved", "4411", "户", "stock"), ("m.sudden", "4030", "户", "stock"))
    # The resolved counts are not parts of the total: each clause's first number in the unit is.
    assert ("m.households.sum", "sum", "m.households", "m.unstable|m.marginal|m.sudden") in found
    # 人 has one part only among the figures given: a part, not a breakdown.
    assert ("m.unstable_p.part_of", "part_of", "m.unstable_p", "m.persons") in found


def test_a_total_and_its_parts_in_parentheses_in_both_units():
    text = "对目前暂未消除风险的6083户12797人(不稳定户3294户6492人、边缘致贫户578户1402人、突发严重困难户2211户4903人),实行帮扶。"
    found = read(text, ("m.rest", "6083", "户", "stock"), ("m.rest_p", "12797", "人", "stock"),
                 ("m.a", "3294", "户", "stock"), ("m.a_p", "6492", "人", "stock"), ("m.b", "578", "户", "stock"),
                 ("m.b_p", "1402", "人", "stock"), ("m.c", "2211", "户", "stock"), ("m.c_p", "4903", "人", "stock"))
    assert found == [("m.rest.sum", "sum", "m.rest", "m.a|m.b|m.c"), ("m.rest_p.sum", "sum", "m.rest_p", "m.a_p|m.b_p|m.c_p")]


def test_a_new_campaigns_total_and_two_parts_in_万户_pass_within_rounding():
    text = "全市共有易地扶贫搬迁群众2.62万户,其中城镇集中安置1.85万户、农村集中安置0.76万户。"
    figures = placed(text, ("r.total", "2.62", "万户", "stock"), ("r.town", "1.85", "万户", "stock"),
                     ("r.village", "0.76", "万户", "stock"))
    rels = sentences.read_checks(figures, text)
    assert [(r["kind"], r["operands"]) for r in rels] == [("sum", "r.town|r.village")]
    row = relations.run_checks(figures, rels, text).iloc[0]
    # 1.85 + 0.76 = 2.61万 against 2.62万: 100 households apart, within the ±50 each printed figure carries.
    assert (row["status"], row["difference"], row["tolerance"]) == ("pass", 100, 150)
    assert row["origin"] == "text"
    assert (int(row["sentence_start"]), int(row["sentence_end"])) == (0, len(text))


def test_a_part_named_with_其中_in_parentheses_is_held_below_its_whole():
    text = "吸纳就业总量40284人(其中脱贫劳动力10943人),104个安置点已全部建设就业帮扶车间。"
    found = read(text, ("w.employed", "40284", "人", "stock"), ("w.poor", "10943", "人", "stock"),
                 ("w.sites", "104", "个", "stock"))
    assert found == [("w.poor.part_of", "part_of", "w.poor", "w.employed")]


def test_two_parts_named_with_其中_are_each_a_part_not_a_breakdown():
    """(其中脱贫劳动力11126人,监测对象1203人) names two of the employed, not all of them."""
    text = "吸纳就业总量40936人(其中脱贫劳动力11126人,监测对象1203人)。"
    found = read(text, ("w.employed", "40936", "人", "stock"), ("w.poor", "11126", "人", "stock"),
                 ("w.monitored", "1203", "人", "stock"))
    assert [f[:2] for f in found] == [("w.poor.part_of", "part_of"), ("w.monitored.part_of", "part_of")]


def test_a_parenthesis_without_numbers_and_a_sentence_opening_with_其中_are_no_totals():
    text = ("今年省定农村改厕任务目标63950户(双清区今年无改厕任务)。邵阳市已实际拆除空心房9055户。其中,武冈市、邵阳县"
            "2个县已全部完成任务。")
    found = read(text, ("t.target", "63950", "户", "target"), ("h.done", "9055", "户", "cumulative"),
                 ("h.counties", "2", "个", "count"))
    assert [f[1] for f in found] == ["count_listed"]


# ---- Shares ------------------------------------------------------------------------------------

PLANNING = ("今年邵阳市计划完成760个村庄规划编制任务。截至10月22日,邵阳市597个村庄已完成村庄规划准备工作,占比80%;"
            "562个村庄已完成村庄规划基础调查工作,占比76%。")


def test_a_share_without_its_whole_in_the_sentence_is_taken_of_the_sections_target():
    found = read(PLANNING, ("v.target", "760", "个", "target"), ("v.prepared", "597", "个", "cumulative"),
                 ("v.prepared_share", "80", "%", "rate"), ("v.surveyed", "562", "个", "cumulative"),
                 ("v.surveyed_share", "76", "%", "rate"))
    assert found == [("v.prepared_share.rate", "rate", "v.prepared_share", "v.prepared|v.target"),
                     ("v.surveyed_share.rate", "rate", "v.surveyed_share", "v.surveyed|v.target")]


def test_a_share_of_the_total_a_part_belongs_to():
    """…总量N人(其中…M人,占比P%): the whole is the total before the parenthesis."""
    text = "全市易地搬迁后续扶持劳动力总量41236人(其中已就业38417人,占比93.16%)。"
    figures = placed(text, ("r.labour", "41236", "人", "stock"), ("r.employed", "38417", "人", "stock"),
                     ("r.share", "93.16", "%", "rate"))
    rels = sentences.read_checks(figures, text)
    assert [(r["kind"], r["reported"], r["operands"]) for r in rels] == [
        ("rate", "r.share", "r.employed|r.labour"), ("part_of", "r.employed", "r.labour")]
    rows = relations.run_checks(figures, rels, text).set_index("check_id")
    assert rows.loc["r.share.rate", "status"] == "pass"  # 38417 ÷ 41236 = 93.164%


def test_a_share_of_the_figure_its_其中_follows_not_of_the_sections_target():
    """已完成…62000户,其中…55800户,占比90%: the whole is the figure right before 其中 (90% of 62000),
    not the section's target printed earlier in the sentence (87.26% of 63950)."""
    text = "农村改厕任务目标63950户,已完成农村改厕任务62000户,其中完成户厕改造验收55800户,占比90%,开工完成率96.95%。"
    figures = placed(text, ("t.target", "63950", "户", "target"), ("t.completed", "62000", "户", "cumulative"),
                     ("t.accepted", "55800", "户", "cumulative"), ("t.accepted_share", "90", "%", "rate"),
                     ("t.completed_rate", "96.95", "%", "rate"))
    rels = sentences.read_checks(figures, text)
    assert ("rate", "t.accepted_share", "t.accepted|t.completed") in [
        (r["kind"], r["reported"], r["operands"]) for r in rels]
    rows = relations.run_checks(figures, rels, text).set_index("check_id")
    assert rows.loc["t.accepted_share.rate", "status"] == "pass"  # 55800 ÷ 62000 = 90%


def test_a_share_of_a_whole_named_between_占_and_的():
    text = "吸纳就业总量40284人,其中脱贫劳动力10943人,占吸纳就业总量的27.16%。"
    found = read(text, ("w.employed", "40284", "人", "stock"), ("w.poor", "10943", "人", "stock"),
                 ("w.share", "27.16", "%", "rate"))
    assert ("w.share.rate", "rate", "w.share", "w.poor|w.employed") in found


def test_a_share_of_a_whole_printed_between_占_and_的():
    text = "已有597个村庄完成准备工作,占全市760个村庄的78.55%。"
    found = read(text, ("v.prepared", "597", "个", "cumulative"), ("v.all", "760", "个", "stock"),
                 ("v.share", "78.55", "%", "rate"))
    assert found == [("v.share.rate", "rate", "v.share", "v.prepared|v.all")]


# ---- Rates against a target, and 超额完成 -------------------------------------------------------------

TOILETS = ("今年省定邵阳市农村改厕任务目标63950户(双清区今年无改厕任务),截至10月25日,邵阳市已完成农村改厕任务61107户,"
           "开工完成率95.55%,累计完成投资额11836.06万元,完成率为120.74%,超额完成20.74%。")


def test_a_completion_rate_with_its_target_in_the_sentence_an_implied_target_and_an_excess():
    found = read(TOILETS, ("t.target", "63950", "户", "target"), ("t.done", "61107", "户", "cumulative"),
                 ("t.rate", "95.55", "%", "rate"), ("t.investment", "11836.06", "万元", "cumulative"),
                 ("t.investment_rate", "120.74", "%", "rate"), ("t.excess", "20.74", "%", "rate"))
    assert found == [("t.rate.rate", "rate", "t.rate", "t.done|t.target"),
                     ("t.investment.implied_ratio", "implied_ratio", "", "t.investment|t.investment_rate"),
                     ("t.excess.excess", "excess", "t.excess", "t.investment_rate")]


def test_a_rate_of_a_target_not_printed_implies_it():
    text = "截至10月底,邵阳市脱贫劳动力已就业39.0589万人,完成目标任务数的104.03%。"
    assert read(text, ("e.employed", "39.0589", "万人", "cumulative"), ("e.rate", "104.03", "%", "rate")) == [
        ("e.employed.implied_ratio", "implied_ratio", "", "e.employed|e.rate")]


def test_a_rate_after_the_target_itself_implies_the_achievement():
    text = "截至10月25日,2021年省定危房改造任务3441户,已经全部竣工,竣工率100%。"
    assert read(text, ("h.target", "3441", "户", "target"), ("h.rate", "100", "%", "rate")) == [
        ("h.target.implied_product", "implied_product", "", "h.target|h.rate")]


# ---- Remainders ---------------------------------------------------------------------------------

def test_a_remainder_against_its_plan_minus_what_is_done():
    text = "今年计划改造农村公路120条,已完成95条,剩余25条将于年底前完工。"
    figures = placed(text, ("r.plan", "120", "条", "target"), ("r.done", "95", "条", "cumulative"),
                     ("r.left", "25", "条", "stock"))
    rels = sentences.read_checks(figures, text)
    assert [(r["relation_id"], r["kind"], r["operands"]) for r in rels] == [
        ("r.left.difference", "difference", "r.plan|r.done")]
    assert relations.run_checks(figures, rels, text).iloc[0]["status"] == "pass"
    other = "全市共排查隐患点88处,已整改到位71处,尚有17处正在整改。"
    assert [f[1] for f in read(other, ("s.all", "88", "处", "stock"), ("s.done", "71", "处", "cumulative"),
                               ("s.left", "17", "处", "stock"))] == ["difference"]


# ---- Counts and the items they list -------------------------------------------------------------

def test_a_count_with_the_names_before_it():
    text = "其中,武冈市、邵阳县、洞口县、新宁县、邵东市、绥宁县、新邵县、城步县8个县已全部完成任务。"
    (relation,) = sentences.read_checks(placed(text, ("h.counties", "8", "个", "count", "已全部完成任务的县市")), text)
    assert (relation["kind"], relation["description"]) == ("count_listed", "已全部完成任务的县市 = 武冈市…城步县")


def test_a_count_in_chinese_numerals_with_the_names_after_it():
    text = "全市十一个县市区(双清区、大祥区、北塔区、邵东市、新邵县、邵阳县、隆回县、洞口县、绥宁县、新宁县、城步县)均已完成。"
    figures = placed(text, ("c.districts", "十一", "个", "count"))
    rels = sentences.read_checks(figures, text)
    assert [r["kind"] for r in rels] == ["count_listed"]
    row = relations.run_checks(figures, rels, text).iloc[0]
    assert (row["status"], row["recomputed"]) == ("pass", 11)
    assert row["working"].startswith("11 names: 双清区、大祥区")


def test_a_heading_count_and_its_ordinals_once_per_section():
    text = ("    五、以“党建+七大专项行动”为抓手。扎实开展“党建+七大专项行动”。一是推进车间。二是回头看。三是改厕。四是危房。"
            "五是规划。六是空心房。\n    六、其他。")
    figures = placed(text, ("r.actions", "七", "项", "count", "actions", "七大"),
                     ("r.actions_again", "七", "项", "count", "actions", "七大"))
    rels = sentences.read_checks(figures, text)
    assert [(r["relation_id"], r["description"]) for r in rels] == [
        ("r.actions.count_listed", "actions = 一是…六是")]  # the restatement is declared, not read
    assert relations.run_checks(figures, rels, text).iloc[0]["status"] == "mismatch"  # seven announced, six listed


def test_counts_that_list_nothing_or_count_no_names_get_no_check():
    text = ("9月6日至11日,市乡村振兴局组织了4个督导组,聚焦责任落实、政策落实、工作落实和巩固成效方面内容。"
            "市委、市政府主要领导和分管领导带队深入一线开展了一轮以上调研指导。")
    rows = placed(text, ("r.teams", "4", "个", "count"), ("r.rounds", "一", "轮", "count"))
    rows.loc[1, "qualifier"] = "以上"
    assert sentences.read_checks(rows, text) == []


# ---- Declared and read: one check per set of figures ----------------------------------------------

def test_a_declared_relation_over_the_same_figures_is_kept_and_the_sentences_dropped():
    text = "吸纳就业总量40284人(其中脱贫劳动力10943人)。"
    figures = placed(text, ("w.employed", "40284", "人", "stock"), ("w.poor", "10943", "人", "stock"))
    declared = [{"relation_id": "w.poor_within", "kind": "part_of", "reported": "w.poor", "operands": "w.employed",
                 "description": "车间吸纳的脱贫劳动力不超过吸纳就业总量"}]
    merged = sentences.relations_for(declared, figures, text)
    assert [(r["relation_id"], r["origin"]) for r in merged] == [("w.poor_within", "declared")]
    assert [r["origin"] for r in sentences.relations_for([], figures, text)] == ["text"]


# ---- October: what the text alone finds of the 31 checks declared by hand ------------------------

@pytest.fixture(scope="module")
def october():
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    return figures, readers.read_utf8(RAW / "report.txt")


def test_octobers_text_alone_finds_15_of_the_31_declared_checks_and_agrees_with_each(october):
    figures, text = october
    compared = sentences.against_declared(relations.load_relations(DECLARED_BY_HAND), figures, text)
    assert len(compared) == 31
    found = compared[compared["read_as"] != ""]
    assert len(found) == 15
    assert set(found["agree"]) == {"yes"}  # same verdict, same recomputed value or range
    # What the text cannot give: remainders in another sentence than their totals, flows, implied
    # totals, restatements and figures with nothing to check them against.
    assert compared.loc[compared["read_as"] == "", "kind"].value_counts().to_dict() == {
        "difference": 8, "flow": 2, "implied_sum": 2, "not_checkable": 2, "restatement": 2}


def test_october_reads_no_check_the_hand_table_did_not_have(october):
    figures, text = october
    read = sentences.read_checks(figures, text)
    compared = sentences.against_declared(relations.load_relations(DECLARED_BY_HAND), figures, text)
    assert len(read) == 15 and set(compared["read_as"]) - {""} == {r["relation_id"] for r in read}


def test_relations_csv_keeps_only_what_the_text_cannot_give(october):
    figures, text = october
    declared = relations.load_relations(REFERENCE, PERIOD)  # the rows that apply to October
    merged = sentences.relations_for(declared, figures, text)
    assert len(merged) == len(declared) + 15  # nothing declared is read again
    assert {r["kind"] for r in declared} == {"difference", "flow", "implied_sum", "not_checkable", "restatement"}


def test_figures_separated_by_顿号_are_not_a_list_of_names():
    """企业61家、产品98个: the count 98 follows 、, but what precedes it are figures, not the items it counts."""
    text = "入选“邵阳红”产品目录的企业61家、产品98个,接入品牌溯源系统的企业42家。"
    assert read(text, ("i.enterprises", "61", "家", "count"), ("i.products", "98", "个", "count"),
                ("i.traced", "42", "家", "count")) == []
