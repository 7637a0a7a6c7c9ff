"""A misprinted November and a realistic year-end month, each with its truth and the problems planted in it.

Built like helpers.testing.months (edits of the real October text, with the transcription a
careful analyst would write): `misprinted_november()` from October, `year_end()` from it. Each
`Month` comes with `PLANTED`: what the audit must catch and how it must explain it, so that a
test can hold the audit to every planted problem and to no other.

November (2021-11):
- the monitored households' total is printed 16951 for 16915 (two digits swapped): the total's
  sum, the remainder and the month's flow fail, and one misprint explains the three;
- the project-funds review (二是扶贫项目资金管理“回头看”) is dropped and the items after it renumbered,
  so 七大专项行动 lists six: the short list is linked to the dropped item and its figures;
- the village shares (83%, 79%) fit the plan's 760 villages, where October's fit 742–744: the base
  changed between the months.

December (2021-12), the year-end month, with every feature of issue 17's case:
- sections reordered (三 industry and 四 employment change places);
- a new campaign, 易地扶贫搬迁后续扶持, in a section of its own: a total of 2.62万户 and its two parts
  (1.85万 + 0.76万 = 2.61万: equal within rounding, no alarm), and a new share with a misprint,
  劳动力总量41236人(其中已就业38417人,占比39.16%) for 93.16% (two digits swapped);
- the industry section reworded, its funds printed in 亿元 (0.11亿元 for 1100万元), employment in
  人 (391841人 for 39.1202万人): units change, values do not jump;
- Chinese numerals: 十一个县市区(…eleven names…), a count that its list confirms;
- a figure that returns after a month's absence: the county budget, last printed in October
  (30597万元), now 3.21亿元, with the review item it belongs to (the list has seven again);
- a base different from the plan's: 全市758个村庄已全部完成村庄规划准备工作;702个村庄已完成…基础调查工作,
  占比92.61%, 702 ÷ 758 exactly, two villages fewer than the plan's 760, and the base fitting the
  shares changes again (760 → 758);
- a flow that inherits November's misprint: the monitoring numbers add up, but the flow from
  November's printed 16951 fails by 36; with November's corrected 16915 it passes;
- companions that move apart: the demolished hollow houses fall (9217户 → 9180户) while their
  area rises (109.856 → 111.204万平方米).

    from helpers.testing import year_end
    november = year_end.misprinted_november()
    december = year_end.year_end(november)
    year_end.PLANTED["2021-12"]       # what the audit must find there
"""

from __future__ import annotations

from ..text.numbers import find_number_tokens
from .months import (MONITORING_OCTOBER, MONITORING_NOVEMBER, QUIET_NOVEMBER, Fields, Month, Replace, Swap,
                     next_month, november_to_december, october, renumber)

RELOCATION = {"campaign": "relocation", "name_zh": "易地扶贫搬迁后续扶持", "order": "13"}

# November's monitoring numbers, the households' total misprinted (16915 adds up).
MISPRINTED_TOTAL, MEANT_TOTAL = "16951", "16915"
MONITORING_MISPRINTED = [MISPRINTED_TOTAL] + MONITORING_NOVEMBER[1:]
# December's monitoring numbers add up, and flow from November's meant total: 5765 + 43 − 220 = 5588.
MONITORING_DECEMBER = ["16958", "42949", "7870", "18390", "4790", "12510", "5015", "14601", "4570", "13600",
                       "4073", "9958", "2010", "5520", "5588", "11319", "3080", "5880", "445", "1001", "2063",
                       "4438"]

DROPPED_ITEM = ("二是扶贫项目资金管理“回头看”专项行动。9-10月邵阳市重点聚焦项目库情况、扶贫项目发挥作用情况、"
                "项目开工情况、财政专项扶贫资金投入情况、资金安排使用情况、资金支出进度情况、财政扶贫资金带贫效果、"
                "财政补贴资金“一卡通”自查自纠情况等8个方面组织开展“回头看”。截至10月15日,各县市区在项目库建设和"
                "衔接资金使用方面各项指标有了大幅提高,衔接资金落实到项目安排率、开工率、支出率都有大幅提高。"
                "县市区本级衔接资金预算投入总金额30597万元。")

# What the audit must find: checks that fail (each explained by a diagnosis of the given kind),
# notes across months (diagnoses that resolve no check) and month-over-month flags.
PLANTED = {
    "2021-11": {
        "mismatches": {"monitoring.households_total.sum": "misprint", "monitoring.remaining_households": "misprint",
                       "monitoring.remaining_households_flow": "misprint",
                       "rural_construction.special_actions.count_listed": "item_dropped"},
        "notes": {("village_planning.target", "base_changed")},
        "flags": {"project_funds.review_aspects": "dropped", "project_funds.county_budget": "dropped",
                  "rectification.inspection_teams": "stale_as_of"},
    },
    "2021-12": {
        "mismatches": {"monitoring.remaining_households_flow": "previous_misprint",
                       "relocation.employed_share.rate": "misprint",
                       "village_planning.surveyed_share.rate": "named_base"},
        "notes": {("village_planning.target", "base_changed"),
                  ("hollow_houses.demolished_households", "companion_rose")},
        "flags": {"hollow_houses.demolished_households": "cumulative_fell|companion_rose",
                  "village_planning.prepared_share": "dropped", "project_funds.county_budget": "returned",
                  "rectification.inspection_teams": "stale_as_of",
                  **{f"relocation.{m}": "new" for m in ("households", "town_households", "village_households",
                                                         "labour", "employed", "employed_share")},
                  "toilets.counties_completed": "new"},
    },
}


def _figure(campaign: str, metric: str, label: str, unit: str, as_of: str, kind: str = "stock", note: str = "") -> dict:
    return {"figure_id": f"{campaign}.{metric}", "campaign": campaign, "metric": metric, "label": label,
            "kind": kind, "unit": unit, "qualifier": "", "as_of": as_of, "note": note}


def misprinted_november() -> Month:
    """November from October: a misprinted total, a dropped list item, shares that fit the plan."""
    edits = [
        Replace(DROPPED_ITEM, "", removed=tuple(range(len(find_number_tokens(DROPPED_ITEM))))),
        *[Replace(f"{old}是{words}", f"{new}是{words}", reasons={0: f"list ordinal ({new}是)"})
          for old, new, words in (("三", "二", "农村改厕"), ("四", "三", "推进农村危房"), ("五", "四", "推进“多规合一”"),
                                  ("六", "五", "推进农村“空心房”"), ("七", "六", "推进“三清一改”"))],
        Replace(MONITORING_OCTOBER, renumber(MONITORING_OCTOBER, MONITORING_MISPRINTED)),
    ]
    edits += [edit for edit in QUIET_NOVEMBER if getattr(edit, "old", "") != MONITORING_OCTOBER]
    return next_month(october(), "2021-11", edits)


def year_end(base: Month | None = None) -> Month:
    """December from the misprinted November: the year-end month (see the module's docstring)."""
    base = base or misprinted_november()
    monitoring_now = renumber(MONITORING_OCTOBER, MONITORING_MISPRINTED)
    relocation = "截至12月底"
    new_section = ("\n    六、扎实做好易地扶贫搬迁后续扶持。截至12月底,全市共有易地扶贫搬迁群众2.62万户,其中城镇集中安置"
                   "1.85万户、农村集中安置0.76万户。全市易地搬迁脱贫劳动力总量41236人(其中已就业38417人,占比39.16%)。")
    counties = "大祥区、北塔区、武冈市、邵东市、新邵县、邵阳县、隆回县、洞口县、绥宁县、新宁县、城步县"
    edits = [
        *november_to_december(days=(25, 15, 22, 29)),
        Replace(monitoring_now, renumber(MONITORING_OCTOBER, MONITORING_DECEMBER)),
        # 万人 -> 人: the same quantity, printed in full.
        Replace("39.1202万人,完成目标任务数的104.19%", "391841人,完成目标任务数的104.36%"),
        Fields("employment.employed", {"unit": "人"}),
        Replace("公益岗位20136个", "公益岗位20417个"),
        # The industry section reworded, its funds in 亿元.
        Replace("加快发展乡村产业。市财政继续安排产业帮扶资金1100万元。推进“邵阳红”品牌建设,现有58家企业93个产品入选"
                "“邵阳红”产品目录。成功建立“邵阳红”品牌溯源体系平台,39家企业接入溯源系统。邵东市和隆回县成功纳入",
                "推动乡村产业提质增效。全年市财政安排产业帮扶资金0.11亿元。“邵阳红”品牌影响力持续扩大,入选“邵阳红”"
                "产品目录的企业61家、产品98个,接入品牌溯源系统的企业42家。邵东市、隆回县纳入"),
        Fields("industry.support_funds", {"unit": "亿元"}),
        Replace("就业帮扶车间1061家,吸纳就业总量40512人(其中脱贫劳动力11008人)",
                "就业帮扶车间1070家,吸纳就业总量40936人(其中脱贫劳动力11126人)"),
        Replace("62307户,开工完成率97.43%,累计完成投资额12102.55万元,完成率为123.46%,超额完成23.46%。",
                "63188户,开工完成率98.81%,累计完成投资额12353.80万元,完成率为126.02%,超额完成26.02%。"
                f"全市有改厕任务的十一个县市区({counties})均已完成年度任务。", added={
                    5: _figure("toilets", "counties_completed", "已完成年度改厕任务的县市区", "个", "截至12月25日",
                               kind="count", note=f"listed: {counties}")}),
        # The base the shares are taken of is printed, two villages fewer than the plan's 760.
        Replace("邵阳市631个村庄已完成村庄规划准备工作,占比83%;604个村庄已完成村庄规划基础调查工作,占比79%",
                "全市758个村庄已全部完成村庄规划准备工作;702个村庄已完成村庄规划基础调查工作,占比92.61%", removed=(1,)),
        # A cumulative count falls while its area rises.
        Replace("空心房9217户109.856万平方米", "空心房9180户111.204万平方米"),
        Replace("70.1万吨,清理村内水塘数量19862口,清理村内沟渠16417公里,清理畜禽养殖粪污等农业生产废弃物146.2万余吨。",
                "72.6万吨,清理村内水塘数量20318口,清理村内沟渠16790公里,清理畜禽养殖粪污等农业生产废弃物150.4万余吨。"
                "七是扶贫项目资金管理“回头看”专项行动。截至12月15日,县市区本级衔接资金预算投入总金额3.21亿元。"
                + new_section, added={
                    4: "list ordinal (七是)", 5: "as-of date (截至12月15日)", 6: "as-of date (截至12月15日)",
                    7: _figure("project_funds", "county_budget", "县市区本级衔接资金预算投入总金额", "亿元", "截至12月15日",
                               note="printed in 2021-10 (30597万元), absent in 2021-11"),
                    8: "section number", 9: f"as-of date ({relocation})",
                    10: _figure("relocation", "households", "易地扶贫搬迁群众户数", "万户", relocation),
                    11: _figure("relocation", "town_households", "城镇集中安置户数", "万户", relocation),
                    12: _figure("relocation", "village_households", "农村集中安置户数", "万户", relocation),
                    13: _figure("relocation", "labour", "易地搬迁脱贫劳动力总量", "人", relocation),
                    14: _figure("relocation", "employed", "易地搬迁脱贫劳动力已就业", "人", relocation),
                    15: _figure("relocation", "employed_share", "易地搬迁脱贫劳动力就业占比", "%", relocation,
                                kind="rate")}),
        Fields("village_cleaning.farm_waste", {"note": "printed 150.4万余吨: 余 sits between 万 and 吨"}),
        # The section order shifts: 三 (industry) and 四 (employment) change places.
        Swap(("推动乡村产业提质增效。", "5115万元。"), ("努力扩大就业。", "公益岗位20417个。")),
    ]
    return next_month(base, "2021-12", edits, campaigns=[RELOCATION])


def months() -> tuple[Month, Month]:
    """The misprinted November and the year-end December built from it."""
    november = misprinted_november()
    return november, year_end(november)
