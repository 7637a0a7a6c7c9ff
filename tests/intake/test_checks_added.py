"""The review sheet lists the checks a new month's text adds (helpers.intake.review.checks_added).

The months are the realistic ones of helpers.testing.year_end, written as reviewed folders: November
adds no sentence with a check of its own; the year-end December adds four (the new campaign's total
and parts, its share and its 其中 part, the eleven counties); add-period puts them in the sheet.
"""

from __future__ import annotations

import datetime as dt

import pytest

from helpers.intake.add_period import add_period
from helpers.intake.review import checks_added, checks_section
from helpers.testing import year_end
from helpers.testing.layouts import temp_layout


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checks_added")
    layout = temp_layout(folder / "root")
    november, december = year_end.months()
    november.write(layout.raw, layout.reference)
    truth = folder / "truth"
    december.write(truth, None)
    return layout, december, truth / "2021-12", folder


def test_the_checks_a_month_adds_are_those_its_new_sentences_state(months):
    layout, _, december, _ = months
    assert checks_added(layout.raw / "2021-11", "2021-11", layout.raw / "2021-10") == []
    added = checks_added(december, "2021-12", layout.raw / "2021-11")
    assert [(c["relation_id"], c["kind"]) for c in added] == [
        ("toilets.counties_completed.count_listed", "count_listed"), ("relocation.households.sum", "sum"),
        ("relocation.employed_share.rate", "rate"), ("relocation.employed.part_of", "part_of")]
    assert added[1]["description"] == "易地扶贫搬迁群众户数 = 城镇集中安置户数 + 农村集中安置户数"


def test_the_section_says_none_or_why_it_is_not_known_yet():
    assert checks_section([]) == ["## Checks the text adds (0)", "", "None.", ""]
    assert "once the folder builds" in "\n".join(checks_section(None))
    lines = checks_section([{"relation_id": "a.b.sum", "kind": "sum", "description": "合计 = 甲 + 乙",
                             "sentence_start": 3, "sentence_end": 40}])
    assert lines[-2] == "| `a.b.sum` | sum | 合计 = 甲 + 乙 | 3–40 |"


def test_add_period_lists_them_in_the_review_sheet(months):
    layout, december, _, folder = months
    report = december.write_text(folder / "downloads" / "2021-12.txt")
    target = add_period(report, layout, today=dt.date(2026, 11, 30), say=lambda message: None)
    sheet = (target / "review.md").read_text(encoding="utf-8")
    section = sheet.split("## Checks the text adds")[1].split("\n## ")[0]
    assert "易地扶贫搬迁群众 = 城镇集中安置 + 农村集中安置" in section  # the draft's labels, before review
    # The share and its part are labelled as noun phrases (issue 17), not 占比 and 已就业.
    assert "易地搬迁脱贫劳动力总量中已就业占比 = 易地搬迁脱贫劳动力总量中已就业人数 ÷ 易地搬迁脱贫劳动力总量" in section
    assert "入选“邵阳红”产品目录的企业61家" not in section  # figures listed with 、 are not names a count counts
