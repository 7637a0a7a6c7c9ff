"""Tests for helpers.intake.draft: drafting a figure transcription from a report's text.

Each test feeds small, realistic sentences in the bureau's style and checks the exact
values, units, qualifiers and as-of expressions drafted; the last tests check recall on
the real 2021-10 report against the hand transcription.
"""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from helpers.intake.command import draft_command
from helpers.intake.draft import (
    COLUMNS,
    COMPARE_COLUMNS,
    compare_with_transcription,
    draft_figures,
)
from helpers.text.numbers import CHINESE_DIGITS, find_number_tokens, normalise
from helpers.testing import ROOT

REPORT = ROOT / "data" / "raw" / "2021-10" / "report.txt"
TRANSCRIPTION = ROOT / "data" / "raw" / "2021-10" / "figures.csv"
NON_FIGURES = ROOT / "data" / "raw" / "2021-10" / "non_figures.csv"


def draft(text: str, period: str | None = "2021-10") -> pd.DataFrame:
    """The draft without campaign guessing, so tests do not depend on the reference tables."""
    return draft_figures(text, period, campaigns={})


def figures(text: str, period: str | None = "2021-10") -> pd.DataFrame:
    table = draft(text, period)
    return table[table["status"] == "figure"].reset_index(drop=True)


def row_at(table: pd.DataFrame, printed: str, nth: int = 1) -> pd.Series:
    """The draft row of the nth number printed as `printed` (without 万/亿), in text order."""
    rows = table[table["value"] == printed]
    assert len(rows) >= nth, f"the draft has {len(rows)} number(s) printed {printed!r}, expected at least {nth}"
    return rows.iloc[nth - 1]


def triples(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(table["value"], table["unit"], table["qualifier"]))


# --------------------------------------------------------------------------------------
# Arabic numbers, units and multipliers
# --------------------------------------------------------------------------------------

def test_pair_of_households_and_persons_gives_two_figures():
    text = "截至10月底,邵阳市共有监测对象16869户42750人,其中脱贫不稳定户7850户18363人。"
    found = figures(text)
    assert triples(found) == [("16869", "户", ""), ("42750", "人", ""), ("7850", "户", ""), ("18363", "人", "")]
    assert list(found["base_unit"]) == ["households", "persons", "households", "persons"]
    assert list(found["value_normalised"]) == ["16869", "42750", "7850", "18363"]
    # The two of a pair share their words, and each says what it counts.
    assert list(found["label"]) == ["监测对象户数", "监测对象人数", "脱贫不稳定户户数", "脱贫不稳定户人数"]


def test_decimal_with_wan_keeps_the_printed_value_and_puts_wan_in_the_unit():
    text = "截至10月底,邵阳市脱贫劳动力已就业39.0589万人,完成目标任务数的104.03%。"
    found = figures(text)
    assert triples(found) == [("39.0589", "万人", ""), ("104.03", "%", "")]
    assert list(found["value_normalised"]) == ["390589", "104.03"]
    assert list(found["base_unit"]) == ["persons", "percent"]
    assert list(found["kind"]) == ["cumulative", "rate"]


def test_yi_multiplier_and_wan_yuan():
    text = "今年全市累计发放小额信贷1.73亿元,市财政继续安排产业帮扶资金1100万元。"
    found = figures(text)
    assert triples(found) == [("1.73", "亿元", ""), ("1100", "万元", "")]
    assert list(found["value_normalised"]) == ["173000000", "11000000"]
    assert list(found["base_unit"]) == ["yuan", "yuan"]


def test_thousands_separator_is_part_of_the_number():
    text = "截至10月25日，邵阳市建设就业帮扶车间1,053家，吸纳就业总量40,284人。"
    found = figures(text)
    assert triples(found) == [("1,053", "家", ""), ("40,284", "人", "")]
    assert list(found["value_normalised"]) == ["1053", "40284"]
    assert list(found["base_unit"]) == ["count", "persons"]


def test_ascii_comma_between_clauses_does_not_join_numbers():
    # 6日,2021 must not read as one number "6,2021"-like token or hide the date.
    text = "截至10月25日,2021年省定危房改造任务3441户,已经全部竣工,竣工率100%。"
    table = draft(text)
    assert row_at(table, "2021")["reason"] == "year"
    assert triples(table[table["status"] == "figure"]) == [("3441", "户", ""), ("100", "%", "")]


def test_percentages_and_percentage_points():
    text = "开工完成率95.55%,同比增长2.3个百分点;村集体经济收入占比提高到76％。"
    table = draft(text)
    found = table[table["status"] == "figure"]
    assert triples(found) == [("95.55", "%", ""), ("2.3", "个百分点", ""), ("76", "%", "")]
    assert list(found["base_unit"]) == ["percent", "percentage_points", "percent"]
    assert list(found["kind"]) == ["rate", "rate", "rate"]
    # The 百 inside 个百分点 is a Chinese numeral token, but part of the unit.
    hundred = row_at(table, "百")
    assert (hundred["status"], hundred["reason"]) == ("not-figure", "part of a unit")
    # A full-width ％ is drafted as %, the unit the cleaning stage knows, with a note.
    assert "printed ％" in row_at(table, "76")["note"]


def test_more_units_as_printed():
    text = ("清理村内水塘数量19475口,清理村内沟渠16083公里,已实际拆除空心房9055户107.993万平方米,"
            "开发公益岗位19882个,共清理农村生活垃圾68.3万吨。")
    found = figures(text)
    assert triples(found) == [("19475", "口", ""), ("16083", "公里", ""), ("9055", "户", ""),
                              ("107.993", "万平方米", ""), ("19882", "个", ""), ("68.3", "万吨", "")]
    assert list(found["base_unit"]) == ["count", "kilometres", "households", "square_metres", "count", "tonnes"]
    assert list(found["value_normalised"]) == ["19475", "16083", "9055", "1079930", "19882", "683000"]


# --------------------------------------------------------------------------------------
# Qualifiers
# --------------------------------------------------------------------------------------

def test_qualifier_yi_shang_after_the_unit():
    text = "今年邵阳市计划拆除农村“空心房”5640户,56.4万平方米以上。"
    found = figures(text)
    assert triples(found) == [("5640", "户", ""), ("56.4", "万平方米", "以上")]
    assert found.loc[1, "value_normalised"] == "564000"
    assert list(found["kind"]) == ["target", "target"]


def test_qualifier_yu_between_wan_and_the_unit():
    text = "清理畜禽养殖粪污等农业生产废弃物141.5万余吨。"
    assert triples(figures(text)) == [("141.5", "万吨", "余")]
    assert figures(text).loc[0, "value_normalised"] == "1415000"


def test_qualifiers_yu_and_duo_before_the_unit_and_before_wan():
    text = "培训学员300余人,开发乡村公益性岗位2000多个,带动农户增收3000多万元。"
    found = figures(text)
    assert triples(found) == [("300", "人", "余"), ("2000", "个", "多"), ("3000", "万元", "多")]
    assert found.loc[2, "value_normalised"] == "30000000"


def test_qualifiers_yue_and_jin_before_the_number():
    text = "近3万户农户参与产业帮扶，约50%的村实现集体经济收入10万元以上，节约资金20万元。"
    found = figures(text)
    assert triples(found) == [("3", "万户", "近"), ("50", "%", "约"), ("10", "万元", "以上"), ("20", "万元", "")]
    assert found.loc[0, "value_normalised"] == "30000"


# --------------------------------------------------------------------------------------
# Dates, times, years and ranges are not figures
# --------------------------------------------------------------------------------------

def test_dates_times_years_and_ranges_are_not_figures():
    text = ("邵阳市2021年1-10月落实乡村振兴工作的进展情况总体报告\n"
            "发布时间: 2021-12-09 11:30\n"
            "5-6月,邵阳市集中开展了专项行动。根据8月30日全省视频会议精神,9月6日至11日,市乡村振兴局组织了4个督导组。")
    table = draft(text)
    expected = {
        ("2021", 1): "year", ("1", 1): "date range", ("10", 1): "date range",
        ("2021", 2): "date", ("12", 1): "date", ("09", 1): "date", ("11", 1): "time", ("30", 1): "time",
        ("5", 1): "date range", ("6", 1): "date range", ("8", 1): "date", ("30", 2): "date",
        ("9", 1): "date range", ("6", 2): "date range", ("11", 2): "date range",
    }
    for (printed, nth), reason in expected.items():
        row = row_at(table, printed, nth)
        assert (row["status"], row["reason"]) == ("not-figure", reason), (printed, nth)
    assert triples(table[table["status"] == "figure"]) == [("4", "个", "")]


def test_a_date_after_jiezhi_is_an_as_of_date():
    table = draft("截至10月25日,邵阳市建设就业帮扶车间1053家。根据8月30日会议精神开展督查。")
    assert list(zip(table["value"], table["reason"], table["note"]))[:2] == [
        ("10", "as-of date", "截至10月25日"), ("25", "as-of date", "截至10月25日")]
    assert row_at(table, "8")["reason"] == "date"


def test_full_width_date_range_and_chinese_month():
    text = "２０２１年以来，全市于9月至10月开展排查，十月共走访农户2.1万户。"
    table = draft(text)
    assert row_at(table, "9")["reason"] == "date range"
    assert row_at(table, "十")["reason"] == "date"
    assert triples(table[table["status"] == "figure"]) == [("2.1", "万户", "")]


# --------------------------------------------------------------------------------------
# As-of expressions
# --------------------------------------------------------------------------------------

def test_as_of_carries_over_to_later_sentences_until_a_new_section():
    text = ("    二、扶贫项目资金。截至10月15日,各县市区衔接资金落实到项目。县市区本级衔接资金预算投入总金额30597万元。"
            "截至10月25日,已完成农村改厕任务61107户。\n"
            "    三、加快发展乡村产业。现有56家企业入选产品目录。")
    found = figures(text)
    assert list(zip(found["value"], found["as_of"], found["as_of_date"])) == [
        ("30597", "截至10月15日", "2021-10-15"),
        ("61107", "截至10月25日", "2021-10-25"),
        ("56", "", "2021-10-31"),  # new section: no as-of carried in; stands at the period end
    ]


def test_as_of_carries_over_until_a_new_list_item():
    text = ("五、推进乡村建设。一是推进就业帮扶车间专项行动。截至10月25日,邵阳市建设就业帮扶车间1053家。"
            "二是扶贫项目资金管理专项行动。邵阳市开展8个方面的“回头看”。")
    found = figures(text)
    assert list(zip(found["section"], found["value"], found["as_of"])) == [
        ("五(一)", "1053", "截至10月25日"), ("五(二)", "8", "")]


def test_period_at_a_clause_start_frames_only_its_sentence():
    text = ("今年省定邵阳市农村改厕任务目标63950户(双清区今年无改厕任务),截至10月25日,邵阳市已完成农村改厕任务61107户。"
            "9-10月邵阳市重点聚焦8个方面组织开展“回头看”。开发公益岗位19882个。")
    found = figures(text)
    assert list(zip(found["value"], found["as_of"], found["as_of_date"])) == [
        ("63950", "今年", "2021-10-31"),
        ("61107", "截至10月25日", "2021-10-25"),
        ("8", "9-10月", "2021-10-31"),
        ("19882", "", "2021-10-31"),  # 9-10月 framed only its sentence, and ends the 截至 before it
    ]


def test_as_of_now_and_date_ranges():
    text = ("对目前暂未消除风险的6083户12797人实行结对帮扶。"
            "9月6日至11日,市乡村振兴局组织了4个督导组。截至目前,已调度12次。")
    found = figures(text)
    assert list(zip(found["value"], found["as_of"], found["as_of_date"])) == [
        ("6083", "目前", "2021-10-31"), ("12797", "目前", "2021-10-31"),
        ("4", "9月6日至11日", "2021-09-11"), ("12", "截至目前", "2021-10-31")]


def test_as_of_date_without_a_period_takes_the_year_from_the_title():
    text = "邵阳市2022年1-3月工作情况\n截至3月底,全市累计发放小额信贷1.73亿元。今年以来,新增就业2000人。"
    found = figures(text, period=None)
    assert list(zip(found["as_of"], found["as_of_date"])) == [("截至3月底", "2022-03-31"), ("今年以来", "2022-03-31")]
    # Without a year anywhere in the text, dates are left empty rather than guessed.
    bare = figures("截至3月底,全市累计发放小额信贷1.73亿元。", period=None)
    assert list(zip(bare["as_of"], bare["as_of_date"])) == [("截至3月底", "")]


def test_as_of_comes_from_the_sentence_or_its_section_and_an_inferred_one_says_so():
    text = ("    四、努力扩大就业。截至10月底,邵阳市脱贫劳动力已就业39.0589万人。开发公益岗位19882个。\n"
            "    五、推进乡村建设。二是资金管理专项行动。截至10月15日,各县市区衔接资金使用有了大幅提高。"
            "县市区本级衔接资金预算投入总金额30597万元。"
            "六是空心房整治专项行动。截至10月15日,已实际拆除空心房9055户。其中,武冈市、邵阳县2个县已全部完成任务。"
            "此外,新建示范村12个。\n")
    found = figures(text)
    assert list(zip(found["value"], found["as_of"])) == [
        ("39.0589", "截至10月底"),
        ("19882", ""),  # another sentence about other things: not carried in
        ("30597", "截至10月15日"),  # led by a 截至 sentence that holds no figure of its own
        ("9055", "截至10月15日"),
        ("2", "截至10月15日"),  # 其中 continues the sentence before
        ("12", ""),  # 此外 starts something else
    ]
    notes = dict(zip(found["value"], found["note"]))
    assert "as-of date taken from an earlier sentence of its section: 截至10月15日" in notes["30597"]
    assert "as-of date taken from the sentence before (其中 continues it): 截至10月15日" in notes["2"]
    assert "as-of" not in notes["39.0589"] + notes["9055"] + notes["19882"]


def test_clauses_joined_by_a_semicolon_share_the_as_of_that_opens_them():
    text = "截至10月底,邵阳市共有监测对象16869户;边缘易致贫户4989户14552人。"
    assert list(figures(text)["as_of"]) == ["截至10月底"] * 3


def test_a_bad_period_is_refused():
    with pytest.raises(ValueError, match="YYYY-MM"):
        draft_figures("共有监测对象16869户。", "2021-13", campaigns={})


# --------------------------------------------------------------------------------------
# Chinese numerals, section markers, list ordinals, names and words
# --------------------------------------------------------------------------------------

def test_chinese_numerals_that_count_things_are_figures():
    text = ("    五、以“党建+七大专项行动”为抓手,大力推进乡村建设。\n"
            "    市委主要领导带队深入一线开展了一轮以上调研指导,组织了4个督导组,计划新建三个示范园、两大产业集群。")
    found = figures(text)
    # 七大专项行动 counts actions (项), 两大产业集群 clusters (个): units the cleaning stage knows.
    assert triples(found) == [("七", "项", ""), ("一", "轮", "以上"), ("4", "个", ""), ("三", "个", ""),
                              ("两", "个", "")]
    assert "printed 七大专项行动" in found.loc[0, "note"]
    assert list(found["value_normalised"]) == ["7", "1", "4", "3", "2"]
    assert set(found["base_unit"]) == {"count"}
    assert found.loc[0, "label"] == "专项行动"
    assert found.loc[1, "occurrence"] == 2  # the 一 of 一线 comes first in the same sentence


def test_section_markers_list_ordinals_names_and_words_are_not_figures():
    text = ("    一、强化防止返贫动态监测帮扶。实行“一对一”结对帮扶,落实了低保、五保等措施,做到动态清零。\n"
            "    二、开展排查整改。紧盯“两不愁、三保障”,开展了“四不两直”暗访督查,带队深入一线。\n"
            "    五、推进乡村建设。一是纳入“湘九味”产业集群。二是推进“多规合一”村庄规划。"
            "七是推进“三清一改”村庄清洁。财政补贴资金“一卡通”自查自纠。\n扫一扫在手机打开当前页")
    table = draft(text)
    expected = [
        ("一", 1, "section number"), ("一", 2, "part of a name"), ("一", 3, "part of a name"),
        ("五", 1, "part of a name"), ("零", 1, "word"), ("二", 1, "section number"),
        ("两", 1, "part of a name"), ("三", 1, "part of a name"), ("四", 1, "part of a name"),
        ("两", 2, "part of a name"), ("一", 4, "word"), ("五", 2, "section number"), ("一", 5, "list ordinal"),
        ("九", 1, "part of a name"), ("二", 2, "list ordinal"), ("一", 6, "part of a name"),
        ("七", 1, "list ordinal"), ("三", 2, "part of a name"), ("一", 7, "part of a name"),
        ("一", 8, "part of a name"), ("一", 9, "word"),
    ]
    for printed, nth, reason in expected:
        row = row_at(table, printed, nth)
        assert (row["status"], row["reason"]) == ("not-figure", reason), (printed, nth, row["note"])
    assert (table["status"] == "not-figure").all()


def test_sections_and_sub_sections():
    text = ("    四、努力扩大就业。开发公益岗位19882个。\n"
            "    五、推进乡村建设。一是推进就业帮扶车间专项行动,建设车间1053家。三是农村改厕,完成61107户。\n"
            "    六、其他工作（一）务工就业。新增就业2000人。（二）技能培训。培训学员300人。")
    found = figures(text)
    assert list(zip(found["section"], found["value"])) == [
        ("四", "19882"), ("五(一)", "1053"), ("五(三)", "61107"), ("六(一)", "2000"), ("六(二)", "300")]


def test_document_numbers_and_idioms_are_not_figures():
    text = ("根据《关于做好防止返贫监测工作的通知》(湘乡振发〔2021〕1号)和邵政办发﹝2021﹞3号文件精神,"
            "全市无一人返贫,无一户漏评,培训学员300人。")
    table = draft(text)
    for printed, nth, reason in (("2021", 1, "document number"), ("1", 1, "document number"),
                                 ("2021", 2, "document number"), ("3", 1, "document number"),
                                 ("一", 1, "word"), ("一", 2, "word")):
        row = row_at(table, printed, nth)
        assert (row["status"], row["reason"]) == ("not-figure", reason), (printed, nth)
    assert triples(table[table["status"] == "figure"]) == [("300", "人", "")]


def test_person_times_and_times_have_base_units_of_their_own():
    text = "组织专场招聘会46场,服务求职者3.2万人次,入户走访1200户次,召开调度会12次。"
    found = figures(text)
    assert triples(found) == [("46", "场", ""), ("3.2", "万人次", ""), ("1200", "户次", ""), ("12", "次", "")]
    assert list(found["base_unit"]) == ["count", "person_times", "household_times", "times"]
    assert list(found["value_normalised"]) == ["46", "32000", "1200", "12"]
    assert normalise("3.2", "万人次")[:2] == (32000, "person_times")


def test_labels_are_whole_noun_phrases():
    text = ("截至10月25日,104个超过100名脱贫人口的易地搬迁安置点已全部建设就业帮扶车间。"
            "全市12个县市区开展了“回头看”。今年省定邵阳市农村改厕任务目标63950户,完成率为95.55%,超额完成20.74%。"
            "开发环境卫生保洁员、生态护林员、物业保安等公益岗位19882个。")
    found = figures(text)
    assert list(zip(found["value"], found["label"])) == [
        ("104", "超过100名脱贫人口的易地搬迁安置点"),  # too long with what is said of it
        ("12", "开展“回头看”的县市区"),
        ("63950", "省定农村改厕任务目标"),
        ("95.55", "完成率"),
        ("20.74", "超额完成比例"),
        ("19882", "公益岗位"),
    ]


def test_threshold_inside_a_definition_is_not_a_figure():
    text = "104个超过100名脱贫人口的易地搬迁安置点已全部建设就业帮扶车间。"
    table = draft(text)
    assert triples(table[table["status"] == "figure"]) == [("104", "个", "")]
    assert row_at(table, "100")["reason"] == "threshold"


def test_campaign_is_guessed_from_the_section_heading():
    campaigns = {"housing": "农村危房改造", "toilets": "农村改厕", "employment": "脱贫劳动力就业"}
    text = "五、推进乡村建设。三是农村改厕秋冬攻坚专项督导行动。完成61107户。四是推进农村危房改造专项行动。任务3441户。"
    table = draft_figures(text, "2021-10", campaigns=campaigns)
    found = table[table["status"] == "figure"]
    assert list(zip(found["value"], found["campaign"])) == [("61107", "toilets"), ("3441", "housing")]


# --------------------------------------------------------------------------------------
# Quotes, offsets, occurrence and the table's shape
# --------------------------------------------------------------------------------------

def test_quote_is_the_verbatim_sentence_and_offsets_point_into_the_text():
    text = ("    三、加快发展乡村产业。推进“邵阳红”品牌建设,现有56家企业90个产品入选“邵阳红”产品目录。"
            "占比80%;562个村庄已完成,占比76%。\n")
    table = draft(text)
    for _, row in table.iterrows():
        assert text[row["quote_start"]:row["quote_end"]] == row["quote"]
        assert text.startswith(row["value"], row["token_start"])
        assert row["quote_start"] <= row["token_start"] < row["quote_end"]
    assert row_at(table, "56")["quote"] == "推进“邵阳红”品牌建设,现有56家企业90个产品入选“邵阳红”产品目录。"
    assert row_at(table, "80")["quote"] == "占比80%;"  # a sentence also ends at ;
    assert row_at(table, "三")["quote"] == "三、加快发展乡村产业。"  # leading spaces left out
    assert list(figures(text)["label"][:2]) == ["企业", "入选“邵阳红”产品目录的产品"]


def test_occurrence_counts_the_same_value_within_the_quote():
    text = "今年邵阳市农村危房改造任务3441户,已完成3441户,完成率100%;下达资金3441万元。"
    found = figures(text)
    assert list(zip(found["value"], found["occurrence"])) == [
        ("3441", 1), ("3441", 2), ("100", 1), ("3441", 1)]  # the last is in the next sentence


def test_columns_ids_and_types():
    text = "截至10月底,邵阳市共有监测对象16869户42750人。"
    table = draft(text)
    assert list(table.columns) == COLUMNS
    assert list(table["figure_id"]) == ["draft.001", "draft.002", "draft.003"]
    assert list(table["status"]) == ["not-figure", "figure", "figure"]
    assert table["token_start"].tolist() == sorted(table["token_start"])
    for column in ("occurrence", "quote_start", "quote_end", "token_start"):
        assert table[column].dtype == "int64"


# --------------------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------------------

GOVERNMENT_TEXT = """邵阳市2023年上半年巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作总结

发布时间：2023-07-15 09:05  来源：邵阳市乡村振兴局

    一、总体情况。今年以来，全市上下坚持以习近平新时代中国特色社会主义思想为指导，全面落实“四个不摘”要求，守住不发生规模性返贫底线。截至6月底，全市共有脱贫人口28.6万户97.5万人，监测对象1.2万户3.4万人，风险消除率达62.5%，同比提高3.8个百分点。
    二、产业帮扶。（一）资金投入。全市统筹衔接资金18.6亿元，用于产业发展的比例为58.2%，较去年提高近5个百分点。（二）主体培育。新培育市级以上龙头企业35家、农民专业合作社1,268个，带动脱贫户4.6万余户增收，户均增收约2300元。
    三、就业帮扶。1-6月，全市脱贫劳动力外出务工38.9万人，完成年度目标任务的102.3%；开发乡村公益性岗位8000多个。5月10日至20日，组织“春风行动”专场招聘会46场，提供岗位3.2万个。
    四、下一步工作。一是持续抓好防止返贫动态监测；二是推进“一县一特”产业发展；三是扎实开展“三清一改”村庄清洁行动，确保全年完成改厕任务2万户以上。

邵阳市乡村振兴局
2023年7月10日
"""


def test_government_style_text_drafts_every_number_without_crashing():
    table = draft(GOVERNMENT_TEXT, period=None)
    assert list(table["token_start"]) == [token.start for token in find_number_tokens(GOVERNMENT_TEXT)]
    found = table[table["status"] == "figure"]
    assert ("18.6", "亿元", "") in triples(found)
    assert ("3.8", "个百分点", "") in triples(found)
    assert ("5", "个百分点", "近") in triples(found)
    assert ("1,268", "个", "") in triples(found)
    assert ("4.6", "万户", "余") in triples(found)
    assert ("2300", "元", "约") in triples(found)
    assert ("8000", "个", "多") in triples(found)
    assert ("2", "万户", "以上") in triples(found)
    assert row_at(table, "28.6")["as_of_date"] == "2023-06-30"
    assert row_at(table, "46")["as_of"] == "5月10日至20日"
    for printed, reason in (("2023", "year"), ("07", "date"), ("09", "time"), ("1", "date range")):
        assert row_at(table, printed)["reason"] == reason
    for _, row in table.iterrows():
        assert GOVERNMENT_TEXT[row["quote_start"]:row["quote_end"]] == row["quote"]
        assert row["status"] in ("figure", "not-figure")
        assert (row["status"] == "figure") == (row["reason"] == "")


def test_runs_of_numeral_characters_that_are_not_numbers_are_words():
    # cn2an cannot read these (it even raises KeyError for 十二十二); the draft calls them words.
    table = draft("共有十二十二个,零十二户,千千万万人。")
    assert list(zip(table["value"], table["status"], table["reason"])) == [
        ("十二十二", "not-figure", "word"), ("零十二", "not-figure", "word"), ("千千万万", "not-figure", "word")]


def test_empty_text_and_text_without_numbers_give_an_empty_draft():
    for text in ("", "   \n", "坚持以党建为引领,有条不紊地推进乡村建设。\n邵阳市乡村振兴局"):
        table = draft(text, period=None)
        assert list(table.columns) == COLUMNS
        assert table.empty


@pytest.mark.parametrize("seed", range(20))
def test_random_report_like_text_never_crashes(seed):
    rng = random.Random(seed)
    pieces = ["截至", "10月底", "今年", "邵阳市", "共有", "监测对象", "1,053", "39.0589", "万", "亿", "元", "户", "人",
              "%", "％", "个百分点", "以上", "余", "多", "约", "近", "一是", "七大", "五、", "（三）", "“", "”", ",", "，",
              "。", "；", ";", ":", "：", "(", ")", "\n", "  ", "5-6月", "9月6日至11日", "2021年", "2021-12-09 11:30",
              "第", "十二", "两", "万余吨", "平方米", "123", "0.5", "个", "大", "口", "零", "百", "千", "超过", "的"]
    text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 200)))
    table = draft(text, period=rng.choice([None, "2021-10"]))
    assert list(table.columns) == COLUMNS
    for _, row in table.iterrows():
        assert text[row["quote_start"]:row["quote_end"]] == row["quote"]
        assert text.startswith(row["value"], row["token_start"])


# --------------------------------------------------------------------------------------
# Comparing with a transcription
# --------------------------------------------------------------------------------------

COMPARE_TEXT = ("截至10月22日,邵阳市597个村庄已完成村庄规划准备工作,占比80%;562个村庄已完成村庄规划基础调查工作,占比80%。"
                "今年邵阳市计划完成760个村庄规划编制任务。")


def transcription(rows: list[dict]) -> pd.DataFrame:
    columns = ["figure_id", "value", "unit", "quote", "occurrence"]
    return pd.DataFrame([{column: row.get(column, "") for column in columns} for row in rows], columns=columns)


def test_compare_lists_what_each_side_lacks():
    table = draft(COMPARE_TEXT)
    whole = COMPARE_TEXT[:COMPARE_TEXT.index("今年")]  # a quote longer than the draft's (it spans the ;)
    hand = transcription([
        {"figure_id": "planning.prepared", "value": "597", "unit": "个", "quote": whole},
        # the second 80 in the longer quote: its occurrence picks the right one
        {"figure_id": "planning.surveyed_share", "value": "80", "unit": "%", "quote": whole, "occurrence": "2"},
        {"figure_id": "planning.target", "value": "760", "unit": "个", "quote": "今年邵阳市计划完成760个村庄规划编制任务。"},
        {"figure_id": "planning.typo", "value": "563", "unit": "个", "quote": whole},  # not in the text
    ])
    differences = compare_with_transcription(table, hand)
    assert list(differences.columns) == COMPARE_COLUMNS
    assert list(zip(differences["side"], differences["value"])) == [
        ("only in draft", "80"), ("only in draft", "562"), ("only in transcription", "563")]
    first_80 = differences.iloc[0]
    assert first_80["figure_id"] == row_at(table, "80", 1)["figure_id"]


def test_compare_requires_the_same_normalised_value_and_base_unit():
    table = draft(COMPARE_TEXT)
    hand = transcription([
        {"figure_id": "wrong.unit", "value": "597", "unit": "户", "quote": COMPARE_TEXT},
        {"figure_id": "same.in.wan", "value": "0.0597", "unit": "万个", "quote": COMPARE_TEXT},
    ])
    differences = compare_with_transcription(table, hand)
    assert list(differences[differences["side"] == "only in transcription"]["figure_id"]) == ["wrong.unit",
                                                                                              "same.in.wan"]
    # 0.0597万个 is 597 but printed otherwise: it cannot be found in the quote either.


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------

def test_command_writes_a_deterministic_csv_and_a_summary(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text("截至10月底,邵阳市共有监测对象16869户42750人。\n", encoding="utf-8")
    out_one, out_two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert draft_command(report, "2021-10", out_one, None) == 0
    assert draft_command(report, "2021-10", out_two, None) == 0
    data = out_one.read_bytes()
    assert data == out_two.read_bytes()
    assert b"\r\n" not in data and data.endswith(b"\n")
    written = pd.read_csv(out_one, dtype=str, keep_default_na=False)
    assert list(written.columns) == COLUMNS
    assert list(written["value"]) == ["10", "16869", "42750"]
    err = capsys.readouterr().err
    assert "2 figure(s), 1 not-figure(s)" in err


def test_command_writes_to_stdout_without_out(tmp_path, capfd):
    report = tmp_path / "report.txt"
    report.write_text("开发公益岗位19882个。", encoding="utf-8")
    assert draft_command(report, None, None, None) == 0
    captured = capfd.readouterr()
    assert captured.out.splitlines()[0] == ",".join(COLUMNS)
    assert "draft.001,,,,开发公益岗位,cumulative,19882,个,,,开发公益岗位19882个。,1,,figure,,19882,count,,0,13,6\n" \
        in captured.out
    assert "1 figure(s)" in captured.err


def test_command_rejects_a_file_that_is_not_utf8(tmp_path, capsys):
    report = tmp_path / "gbk report.txt"
    report.write_bytes("截至10月底,邵阳市共有监测对象16869户。".encode("gbk"))
    assert draft_command(report, "2021-10", tmp_path / "out.csv", None) == 2
    err = capsys.readouterr().err
    assert str(report) in err
    assert "not UTF-8" in err
    assert "byte offset 0" in err and "b'\\xbd'" in err  # 截 is BD D8 in GBK
    assert "decodes as GBK/GB18030" in err  # the hint says what the bytes look like
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_command_refuses_a_text_far_too_large(tmp_path, capsys):
    report = tmp_path / "huge.txt"
    report.write_bytes(("截至10月底,邵阳市共有监测对象16869户。" * 30000).encode("utf-8"))
    assert draft_command(report, "2021-10", tmp_path / "out.csv", None) == 2
    err = capsys.readouterr().err
    assert "MB; a bureau report is a few KB" in err and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_command_reports_a_missing_file(tmp_path, capsys):
    missing = tmp_path / "nothing.txt"
    assert draft_command(missing, None, None, None) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "no such file" in err


def test_command_reports_a_bad_period_and_a_bad_transcription(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text("开发公益岗位19882个。", encoding="utf-8")
    assert draft_command(report, "2021-1", None, None) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    broken = tmp_path / "figures.csv"
    broken.write_text("figure_id,value\nx,1\n", encoding="utf-8")
    assert draft_command(report, None, tmp_path / "out.csv", broken) == 2
    err = capsys.readouterr().err
    assert str(broken) in err and "missing column(s) unit, quote" in err


def test_command_accepts_text_without_figures(tmp_path, capsys):
    for content in ("", "邵阳市乡村振兴局\n扫一扫在手机打开当前页\n"):
        report = tmp_path / "report.txt"
        report.write_text(content, encoding="utf-8")
        out = tmp_path / "out.csv"
        assert draft_command(report, None, out, None) == 0
        assert "no figures found" in capsys.readouterr().err
        assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_command_compares_with_the_periods_transcription_automatically(tmp_path, capsys):
    folder = tmp_path / "data" / "raw" / "2021-10"
    folder.mkdir(parents=True)
    report = folder / "report.txt"
    report.write_text("截至10月底,邵阳市共有监测对象16869户42750人。\n", encoding="utf-8")
    quote = "截至10月底,邵阳市共有监测对象16869户42750人。"
    transcription([
        {"figure_id": "monitoring.households_total", "value": "16869", "unit": "户", "quote": quote},
        {"figure_id": "monitoring.missing", "value": "4556", "unit": "户", "quote": quote},
    ]).to_csv(folder / "figures.csv", index=False)
    assert draft_command(report, "2021-10", tmp_path / "out.csv", None) == 0
    err = capsys.readouterr().err
    assert "1 of 2 transcribed figure(s) found in the draft" in err
    assert "only in transcription: monitoring.missing 4556户" in err
    assert "only in draft: draft.003 42750人" in err
    # Without a period there is nothing to look for.
    assert draft_command(report, None, tmp_path / "out.csv", None) == 0
    assert "compared with" not in capsys.readouterr().err


# --------------------------------------------------------------------------------------
# Recall on the real 2021-10 report
# --------------------------------------------------------------------------------------

def _locate(text: str, quote: str, value: str, occurrence: int) -> int:
    """Where a transcribed value sits in the text: its quote's position plus the
    occurrence-th match of the value in the quote at number boundaries."""
    quote_start = text.find(quote)
    assert quote_start != -1, f"quote not found verbatim in the report: {quote[:30]}"
    if re.fullmatch(f"[{CHINESE_DIGITS}]+", value):
        pattern = rf"(?<![{CHINESE_DIGITS}]){re.escape(value)}(?![{CHINESE_DIGITS}])"
    else:
        pattern = rf"(?<!\d)(?<!\d[.,]){re.escape(value)}(?!\d|\.\d|,\d{{3}}(?!\d))"
    matches = [m.start() for m in re.finditer(pattern, quote)]
    assert len(matches) >= occurrence, f"value {value} appears {len(matches)} time(s) in its quote"
    return quote_start + matches[occurrence - 1]


def test_draft_recalls_every_transcribed_figure_of_the_2021_10_report():
    assert TRANSCRIPTION.is_file(), "data/raw/2021-10/figures.csv is the hand transcription this test checks against"
    text = REPORT.read_text(encoding="utf-8")
    hand = pd.read_csv(TRANSCRIPTION, dtype=str, keep_default_na=False)
    table = draft_figures(text, "2021-10").set_index("token_start")
    missed = []
    for _, row in hand.iterrows():
        occurrence = int(row["occurrence"]) if row["occurrence"].strip() else 1
        start = _locate(text, row["quote"], row["value"], occurrence)
        expected_value, expected_base, _ = normalise(row["value"], row["unit"])
        drafted = table.loc[start] if start in table.index else None
        if drafted is None or drafted["status"] != "figure" or drafted["base_unit"] != expected_base \
                or drafted["value_normalised"] != format(expected_value, "f"):
            missed.append(f"{row['figure_id']} ({row['value']}{row['unit']})")
    assert not missed, f"{len(missed)} of {len(hand)} transcribed figures missing from the draft: {missed}"
    assert len(hand) > 0


def test_draft_of_the_2021_10_report_matches_the_transcription_both_ways():
    text = REPORT.read_text(encoding="utf-8")
    table = draft_figures(text, "2021-10")
    hand = pd.read_csv(TRANSCRIPTION, dtype=str, keep_default_na=False)
    differences = compare_with_transcription(table, hand)
    assert differences.empty, differences.to_string()
    # Every number the transcription lists as not a figure is a not-figure in the draft too.
    others = pd.read_csv(NON_FIGURES, dtype=str, keep_default_na=False)
    by_start = table.set_index("token_start")
    wrong = [f"{row['start']}:{row['text']}" for _, row in others.iterrows()
             if by_start.loc[int(row["start"]), "status"] != "not-figure"
             or by_start.loc[int(row["start"]), "value"] != row["text"]]
    assert not wrong
    assert len(table) == len(hand) + len(others)


def test_full_width_punctuation_drafts_the_same_figures():
    # Later reports print ，：（）； where the 2021-10 report has ASCII punctuation.
    text = REPORT.read_text(encoding="utf-8")
    wide = text.translate(str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；"}))
    assert wide != text and len(wide) == len(text)
    columns = ["section", "value", "unit", "qualifier", "as_of", "status", "reason", "value_normalised", "token_start"]
    assert draft_figures(wide, "2021-10")[columns].equals(draft_figures(text, "2021-10")[columns])


def test_draft_of_the_2021_10_report_guesses_sections_campaigns_and_as_of():
    text = REPORT.read_text(encoding="utf-8")
    table = draft_figures(text, "2021-10")
    hand = pd.read_csv(TRANSCRIPTION, dtype=str, keep_default_na=False)
    found = table[table["status"] == "figure"].reset_index(drop=True)
    assert list(found["section"]) == list(hand["section"])
    # Campaigns come from data/reference/campaigns.csv where a heading names one clearly;
    # section 四 (努力扩大就业) does not, so its figures are left for the analyst.
    agree = (found["campaign"] == hand["campaign"]) | (found["campaign"] == "")
    assert agree.all()
    assert (found["campaign"] != "").sum() >= 60
    assert list(found["qualifier"]) == list(hand["qualifier"])
    # Units agree as printed (七大专项行动 is counted in 项, as the analyst wrote).
    assert list(found["unit"]) == list(hand["unit"])
    # As-of expressions agree but for one judgement call: the analyst read 1100万元 as 今年
    # (今年以来 opens the report, outside section 三); the draft leaves it at the period end.
    differ = found["as_of"] != hand["as_of"]
    assert list(zip(hand["figure_id"][differ], found["as_of"][differ], hand["as_of"][differ])) == [
        ("industry.support_funds", "", "今年")]
    # The two as-of dates taken from another sentence say so, as the analyst's notes do.
    inferred = found[found["note"].str.contains("as-of date taken from")]
    assert list(hand["figure_id"][inferred.index]) == ["project_funds.county_budget", "hollow_houses.counties_completed"]
    # Labels are noun phrases: a third are the analyst's own, none ends with a joining verb.
    assert (found["label"] == hand["label"]).sum() >= 20
    assert not found["label"].str.contains("(?:超过|开展了|了|为|的)$").any()
    assert (found["kind"] == hand["kind"]).sum() >= 45
