"""A December that brings new things, built like months.december() from november()'s text: what
add-period must propose for, rather than carry.

On top of December's edits (months.december_edits):
- a new campaign: a sixth section, 巩固易地扶贫搬迁后续扶持成果, with households and persons in
  万户/万人, a part printed right after its whole (8.12万人中已就业7.96万人), a rate, an amount in
  亿元 and a count of what is left (剩余88个安置点将于明年…);
- a figure that returns after a month's absence: the county budget (县市区本级衔接资金预算投入总金额),
  printed in October, dropped in November, printed again under 四;
- a reworded sentence whose count changes what it counts: 58家企业93个产品 -> 61家企业和23家合作社
  (the products are gone; the cooperatives are new, printed where the products stood);
- a count whose clause says what will happen (105个村庄将于明年完成).

Its truth is what a careful analyst writes for it: the new campaign is `relocation`.

    month = news.december_with_news()
    month.write(layout.raw, layout.reference)   # a reviewed, sealed 2021-12 folder (and its campaign row)
"""

from __future__ import annotations

from .months import Month, Replace, december_edits, next_month, november

RELOCATION = {"campaign": "relocation", "name_zh": "易地扶贫搬迁后续扶持", "order": "14", "since": "2021-12"}
NEW_SECTION = ("\n    六、巩固易地扶贫搬迁后续扶持成果。截至12月底,邵阳市易地扶贫搬迁安置群众共计3.21万户13.05万人,"
               "其中搬迁劳动力8.12万人中已就业7.96万人,就业率98.03%。累计投入后续扶持资金2.35亿元,"
               "剩余88个安置点将于明年完成配套设施建设。")


def _figure(figure_id: str, label: str, kind: str, unit: str, as_of: str = "", note: str = "") -> dict:
    campaign, metric = figure_id.split(".")
    return {"figure_id": figure_id, "campaign": campaign, "metric": metric, "label": label, "kind": kind,
            "unit": unit, "qualifier": "", "as_of": as_of, "note": note}


def news_edits() -> list:
    """The edits that bring the new things (applied before December's punctuation turns full-width)."""
    relocation = "截至12月底"
    return [
        Replace("现有58家企业93个产品入选", "现有61家企业和23家合作社入选", removed=(1,), added={
            1: _figure("industry.brand_cooperatives", "入选“邵阳红”产品目录合作社", "stock", "家")}),
        Replace("中央投资初步规划5115万元。", "中央投资初步规划5115万元。县市区本级衔接资金预算投入总金额31820万元。", added={
            1: _figure("project_funds.county_budget", "县市区本级衔接资金预算投入总金额", "stock", "万元")}),
        Replace("今年邵阳市计划完成760个村庄规划编制任务。", "今年邵阳市计划完成760个村庄规划编制任务,其中105个村庄将于明年完成。",
                added={1: _figure("village_planning.next_year", "将于明年完成规划编制的村庄", "plan", "个")}),
        Replace("\n\n\n邵阳市乡村振兴局", NEW_SECTION + "\n\n\n邵阳市乡村振兴局", added={
            0: "section number (六、)", 1: f"as-of date ({relocation})",
            2: _figure("relocation.households", "易地扶贫搬迁安置群众户数", "stock", "万户", relocation),
            3: _figure("relocation.persons", "易地扶贫搬迁安置群众人数", "stock", "万人", relocation),
            4: _figure("relocation.labour", "搬迁劳动力", "stock", "万人", relocation),
            5: _figure("relocation.labour_employed", "搬迁劳动力中已就业人数", "stock", "万人", relocation),
            6: _figure("relocation.employed_rate", "搬迁劳动力就业率", "rate", "%", relocation),
            7: _figure("relocation.support_funds", "累计投入后续扶持资金", "cumulative", "亿元", relocation),
            8: _figure("relocation.sites_remaining", "剩余安置点", "stock", "个", relocation)}),
    ]


def december_with_news(base: Month | None = None) -> Month:
    """December (months.december) with a new campaign, a returning figure, a count that changes
    what it counts and labels to make noun phrases of; built from november()."""
    return next_month(base or november(), "2021-12", december_edits(news_edits()), campaigns=[RELOCATION])
