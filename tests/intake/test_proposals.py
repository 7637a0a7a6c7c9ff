"""What add-period proposes for a month that brings new things (helpers.intake.proposals, carry,
review, rename), on months made by editing the real text (helpers.testing.months, news).

The review must confirm, not type: a new campaign comes with its name and an id renamed once
everywhere; new figures with ids made of the project's metric words and labels that are noun
phrases; glossary rows with the Chinese filled in; a figure back after an absence keeps its id; a
count that changes what it counts is never carried silently; every section of the sheet is there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from helpers.cli import main
from helpers.intake import proposals
from helpers.intake.add_period import add_period
from helpers.intake.carry import CARRIED, KIND_CHANGE, NEW, UNCERTAIN, Month as Earlier, carry_over
from helpers.intake.rename import rename_campaign
from helpers.intake.review import SECTIONS, review_sheet
from helpers.intake.seal import folder_problems, seal_period
from helpers.io.errors import InputError
from helpers.io.reference import read_reference
from helpers.publish.glossary import load_glossary
from helpers.testing import months, news
from helpers.testing.reference_rows import campaigns_for

TODAY = dt.date(2026, 11, 30)
PERIOD = "2021-12"


def quiet(_message: str) -> None:
    pass


def rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def news_month():
    return news.december_with_news()


@pytest.fixture(scope="module")
def carried(news_month):
    """The carry-over of the news month from november(), with October as the earlier month."""
    base, october = news_month.base, months.october()
    return carry_over(news_month.text, PERIOD, base.text, base.period, base.figures, base.non_figures,
                      campaigns=campaigns_for(news_month), earlier=[Earlier(october.period, october.text, october.figures, october.non_figures)])


@pytest.fixture
def added(layout, news_month, tmp_path):
    """The news month added to a layout holding 2021-10 and november() (reviewed and sealed)."""
    news_month.base.write(layout.raw, layout.reference)
    report = news_month.write_text(tmp_path / "downloads" / "december.txt")
    return add_period(report, layout, today=TODAY, say=quiet)


def by_id(result) -> dict:
    return {o.row["figure_id"]: o for o in result.outcomes if o.kind == "figure" and o.status != "not found"}


# ---- A new campaign -----------------------------------------------------------------------------

def test_a_new_section_gets_a_campaign_named_from_its_heading(carried):
    assert carried.campaigns == [{"campaign": "relocation_follow_up", "name_zh": "易地扶贫搬迁后续扶持"}]
    mine = [o for o in carried.of(NEW) if o.row["section"] == "六"]
    assert len(mine) == 7 and {o.row["campaign"] for o in mine} == {"relocation_follow_up"}
    assert all("a new campaign, 易地扶贫搬迁后续扶持" in o.hints[0] for o in mine)


def test_add_period_writes_the_campaign_and_glossary_rows_from_the_period_on(added, layout):
    campaigns = read_reference(layout.reference / "campaigns.csv", ["campaign"]).rows
    # campaigns.csv holds its id and order; its name is its glossary row's, English to translate
    assert campaigns[-1] == {"campaign": "relocation_follow_up", "order": "14"}
    assert "relocation_follow_up" not in [r["campaign"] for r in
                                          read_reference(layout.reference / "campaigns.csv", ["campaign"], "2021-11").rows]
    written = {(r["kind"], r["id"]): r for r in rows(layout.reference / "glossary.csv") if r["since"]}
    figures = {r["figure_id"]: r for r in rows(added / "figures.csv")}
    new_ids = [f for f in figures if f not in {r["figure_id"] for r in rows(layout.raw / "2021-11" / "figures.csv")}
               and f != "project_funds.county_budget"]  # back from October, which the glossary names
    assert written["campaign", "relocation_follow_up"]["since"] == PERIOD and len(new_ids) == 9
    assert (written["campaign", "relocation_follow_up"]["zh"], written["campaign", "relocation_follow_up"]["en"]) == \
        ("易地扶贫搬迁后续扶持", "") and proposals.is_to_translate(written["campaign", "relocation_follow_up"]["note"])
    assert all(written["figure", f]["since"] == PERIOD for f in new_ids)
    # November's new figures, which nobody had named: their rows apply from November, which prints them.
    assert written["figure", "water_supply.projects"]["since"] == "2021-11"
    for figure_id in new_ids:  # the Chinese is the figure's label, the English is left to translate
        row = written["figure", figure_id]
        assert row["zh"] == figures[figure_id]["label"] and row["en"] == "" and proposals.is_to_translate(row["note"])
    assert folder_problems(added, PERIOD, layout) == []  # the new campaign builds as drafted
    # The earlier months read none of these rows.
    assert ("figure", "relocation_follow_up.resettled_households") not in load_glossary(layout.reference, "2021-11")
    sheet = (added / "review.md").read_text(encoding="utf-8")
    # a campaign row, 12 glossary rows (November's campaign water_supply got its name, which only the
    # glossary holds, when November was added: no second row for it here)
    assert "## Reference rows added for 2021-12 (13)" in sheet
    assert "glossary.csv: campaign `water_supply`" not in sheet
    assert "rename-campaign --period 2021-12 relocation_follow_up <new id>" in sheet


def test_the_proposed_campaign_is_renamed_once_everywhere(added, layout, capsys):
    root = str(layout.raw.parents[1])
    assert main(["rename-campaign", "--period", PERIOD, "relocation_follow_up", "relocation", "--root", root]) == 0
    assert "seal --period 2021-12" in capsys.readouterr().out
    everywhere = "".join(path.read_text(encoding="utf-8") for path in
                         [added / "figures.csv", *layout.reference.glob("*.csv")])
    assert "relocation_follow_up" not in everywhere
    figures = rows(added / "figures.csv")
    assert [r["figure_id"] for r in figures if r["campaign"] == "relocation"][:2] == [
        "relocation.resettled_households", "relocation.resettled_persons"]
    assert rows(layout.reference / "campaigns.csv")[-1]["campaign"] == "relocation"
    assert ("campaign", "relocation") in load_glossary(layout.reference, PERIOD)
    assert seal_period(PERIOD, layout, say=quiet) is True


def test_seal_keeps_the_rows_still_to_translate_in_step_with_the_review(added, layout):
    """The reviewer relabels a new figure and gives another a better id: seal sets the row's Chinese
    to the new label, names the new id, and removes the row of the id no figure has any more."""
    path = added / "figures.csv"
    figures = rows(path)
    for row in figures:
        if row["figure_id"] == "relocation_follow_up.employed_rate":
            row["label"] = "搬迁劳动力就业率"
        if row["figure_id"] == "relocation_follow_up.funds":
            row["figure_id"], row["metric"] = "relocation_follow_up.support_funds", "support_funds"
    months.write_rows(path, list(figures[0]), figures)
    assert seal_period(PERIOD, layout, say=quiet) is True
    glossary = load_glossary(layout.reference, PERIOD)
    assert glossary.name("figure", "relocation_follow_up.employed_rate", "zh") == "搬迁劳动力就业率"
    assert ("figure", "relocation_follow_up.support_funds") in glossary
    assert ("figure", "relocation_follow_up.funds") not in glossary


def test_renaming_onto_a_known_campaign_files_the_figures_under_it(added, layout):
    rename_campaign(PERIOD, "relocation_follow_up", "workshops", layout, say=quiet)
    assert "relocation_follow_up" not in (layout.reference / "campaigns.csv").read_text(encoding="utf-8")
    assert [r for r in rows(layout.reference / "glossary.csv") if r["kind"] == "campaign" and r["id"] == "workshops"] \
        and not [r for r in rows(layout.reference / "glossary.csv") if "relocation_follow_up" in r["id"]]
    assert "workshops.resettled_households" in [r["figure_id"] for r in rows(added / "figures.csv")]
    assert seal_period(PERIOD, layout, say=quiet) is True


@pytest.mark.parametrize("old, new, message", [
    ("industry", "local_industry", "campaign 'industry' was not added for 2021-12"),
    ("relocation_follow_up", "Relocation Support", "'Relocation Support' is not a campaign id"),
])
def test_an_established_campaign_or_a_bad_id_is_refused(added, layout, old, new, message):
    before = (added / "figures.csv").read_bytes()
    with pytest.raises(InputError, match=message):
        rename_campaign(PERIOD, old, new, layout, say=quiet)
    assert (added / "figures.csv").read_bytes() == before


# ---- New figures: ids, labels, glossary rows ------------------------------------------------------

def test_new_figure_ids_are_made_of_the_project_s_metric_words(carried):
    new = {o.row["figure_id"] for o in carried.of(NEW)}
    assert not [figure_id for figure_id in new if re.search(r"\.new_|_\d+$", figure_id)]
    assert {"relocation_follow_up.resettled_households", "relocation_follow_up.resettled_persons",
            "relocation_follow_up.labour_employed_persons", "relocation_follow_up.employed_rate",
            "workshops.monitored_persons"} <= new
    assert all(o.row["metric"] == o.row["figure_id"].split(".", 1)[1] for o in carried.of(NEW))


@pytest.mark.parametrize("label, base_unit, metric", [
    ("已完成村庄规划准备工作占比", "percent", "completed_village_planning_share"),
    ("搬迁劳动力就业率", "percent", "labour_employed_rate"),
    ("监测对象户数", "households", "monitored_households"),
    ("县市区本级衔接资金预算投入总金额", "yuan", "counties_funds"),
    ("产业帮扶资金", "yuan", "industry_funds"),
    ("清理村内水塘", "count", "count"),
    ("某项新指标", "persons", "persons"),
])
def test_a_metric_ends_in_its_unit_s_word(label, base_unit, metric):
    assert proposals.metric_id(label, base_unit, "", "relocation", set()) == metric
    assert proposals.metric_id(label, base_unit, "", "relocation", {metric}) == f"{metric}_2"


def test_new_labels_stand_alone_as_noun_phrases(carried):
    labels = {o.row["figure_id"]: o.row["label"] for o in carried.of(NEW)}
    assert labels["relocation_follow_up.labour_employed_persons"] == "搬迁劳动力中已就业人数"
    assert labels["relocation_follow_up.remaining_resettlement_sites"] == "剩余安置点"
    assert labels["village_planning.completed_villages"] == "将于明年完成的村庄"
    for label in labels.values():
        assert not label.startswith(("中", "的", "其中")) and not re.search(r"[将于在]$|\d", label), label


@pytest.mark.parametrize("text, labels", [
    ("全市易地搬迁脱贫劳动力总量41236人(其中已就业38417人,占比93.16%)。",
     ["易地搬迁脱贫劳动力总量", "易地搬迁脱贫劳动力总量中已就业人数", "易地搬迁脱贫劳动力总量中已就业占比"]),
    ("其中搬迁劳动力8.12万人中已就业7.96万人。", ["搬迁劳动力", "搬迁劳动力中已就业人数"]),
    ("剩余88个安置点将于明年完成配套设施建设。", ["剩余安置点"]),
    ("今年计划完成760个村庄规划编制任务,其中105个村庄将于12月底前完成。", ["村庄规划编制任务", "将完成的村庄"]),
    # A part that is a noun phrase of its own keeps its words (October's monitoring).
    ("共有监测对象16869户42750人,其中脱贫不稳定户7850户18363人。",
     ["监测对象户数", "监测对象人数", "脱贫不稳定户户数", "脱贫不稳定户人数"]),
])
def test_a_part_or_a_remainder_is_labelled_as_a_noun_phrase(text, labels):
    from helpers.intake.draft import draft_numbers

    assert [n.label for n in draft_numbers(text, "2021-12", campaigns={}) if n.status == "figure"] == labels


# ---- What is carried, and what is not carried silently ----------------------------------------------

def test_a_figure_back_after_an_absence_keeps_its_old_id(carried, news_month):
    returning = by_id(carried)["project_funds.county_budget"]
    assert returning.status in (CARRIED, UNCERTAIN) and returning.row["value"] == "31820"
    assert any("returns after an absence: last printed in 2021-10, not in 2021-11" in c for c in returning.checks)
    # Without the earlier month it would be new: the carry-over looks back beyond last month.
    base = news_month.base
    alone = carry_over(news_month.text, PERIOD, base.text, base.period, base.figures, base.non_figures,
                       campaigns=campaigns_for(news_month))
    assert "project_funds.county_budget" not in by_id(alone)


def test_add_period_looks_back_beyond_last_month(added):
    assert "project_funds.county_budget" in [r["figure_id"] for r in rows(added / "figures.csv")]
    assert "returns after an absence: last printed in 2021-10" in (added / "review.md").read_text(encoding="utf-8")


def test_a_count_that_changes_what_it_counts_is_uncertain_with_the_alternative(carried):
    outcome = by_id(carried)["industry.brand_products"]
    assert outcome.status == UNCERTAIN and outcome.row["unit"] == "家"
    kind = next(c for c in outcome.checks if c.startswith(KIND_CHANGE))
    assert "个 -> 家" in kind
    assert any(c.startswith("or a new figure: `industry.") and "合作社" in c for c in outcome.checks)


def test_a_change_of_scale_is_not_a_change_of_kind():
    from helpers.intake.carry import changes_kind

    assert changes_kind("个", "家") and changes_kind("万个", "家")
    assert not changes_kind("万人", "人") and not changes_kind("万元", "亿元") and not changes_kind("个", "万个")


# ---- The review sheet ---------------------------------------------------------------------------

@pytest.mark.parametrize("build", [months.quiet_november, news.december_with_news])
def test_every_section_of_the_sheet_is_there_saying_none_where_empty(build):
    month = build()
    base = month.base
    result = carry_over(month.text, month.period, base.text, base.period, base.figures, base.non_figures,
                        campaigns=campaigns_for(month))
    sheet = review_sheet(result, [("title", "t")], [])
    headings = [line for line in sheet.splitlines() if line.startswith("## ")]
    assert len(headings) == len(SECTIONS)
    for section, heading in zip(SECTIONS, headings):
        assert heading.startswith(f"## {section}"), (section, heading)
    for block in sheet.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if re.search(r"\(0\)", title):
            assert body.strip().startswith("None"), title
    if build is months.quiet_november:
        assert "## New figures (0): confirm each proposed id, metric, label and kind\n\nNone." in sheet
        assert "## Before it builds (0)\n\nNone: the folder builds as drafted." in sheet


def test_new_names_are_left_to_translate_into_every_edition_s_language(monkeypatch):
    """With a French edition beside the English one, a proposed name is left to translate into both,
    and a row is still to translate only while none of them has a name (issue 18: a language is data)."""
    from helpers.intake import review
    from helpers.publish import edition

    assert proposals.translations() == tuple(language for language in edition.editions() if language != "zh")
    monkeypatch.setattr(edition, "editions", lambda: ("zh", "en", "fr"))
    assert proposals.translations() == ("en", "fr")
    assert proposals.translations_wanted() == "en, fr to translate"
    assert proposals.untranslated({"zh": "易地扶贫搬迁后续扶持", "en": "", "fr": ""})
    assert not proposals.untranslated({"zh": "易地扶贫搬迁后续扶持", "en": "", "fr": "Suivi des relogements"})
    sheet = "\n".join(review._reference_rows(proposals.ReferenceRows(glossary=[
        {"kind": "campaign", "id": "relocation", "zh": "易地扶贫搬迁后续扶持"}]), "2021-12"))
    assert "campaign `relocation`, 易地扶贫搬迁后续扶持: en, fr to translate" in sheet and "(en, fr)" in sheet
