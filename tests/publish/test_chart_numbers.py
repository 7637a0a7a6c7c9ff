"""Numbers on charts are printed as the page prints them (issue 17: "numbers are printed in the
source's precision everywhere"), and the auditor's edition stays under 500 KB as months accumulate
(issue 19: it points at the public page's charts instead of embedding them a second time).

A chart's alt text says in words every number the chart draws (its labels): each number in it must
be one the page prints as a fact (facts.csv's `printed`, facts.en.csv for the English charts), so
that a chart never shows 95.6% where the page and the facts say 95.55%.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from helpers.testing import PERIOD

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
EDITIONS = {"zh": ("facts.csv", lambda name: not name.endswith(".en.json")),
            "en": ("facts.en.csv", lambda name: name.endswith(".en.json"))}


def printed_numbers(facts: Path) -> set[str]:
    """Every number in the printed form of a page's facts."""
    with facts.open(encoding="utf-8", newline="") as handle:
        return {number for row in csv.DictReader(handle) for number in NUMBER.findall(row["printed"])}


def numbers_not_printed(figures: Path, printed: set[str], wanted) -> dict[str, list[str]]:
    """For each chart of an edition in `figures`, the numbers of its alt text that no fact prints."""
    found = {}
    for meta in sorted(figures.glob("*.json")):
        if wanted(meta.name):
            alt = json.loads(meta.read_text(encoding="utf-8"))["alt"]
            found[meta.name] = [number for number in NUMBER.findall(alt) if number not in printed]
    return found


def test_the_check_finds_a_rate_printed_at_another_precision(tmp_path):
    """The check can fail: a chart that says 95.6% where the facts print 95.55%."""
    facts = tmp_path / "facts.csv"
    facts.write_text("fact_id,printed\nprogress.toilets.rate,95.55%\ndate.2021-10-25,2021年10月25日\n", encoding="utf-8")
    (tmp_path / "completion.json").write_text(json.dumps({"alt": "农村改厕户数完成率95.6%(截至2021年10月25日)"}),
                                              encoding="utf-8")
    assert numbers_not_printed(tmp_path, printed_numbers(facts), EDITIONS["zh"][1]) == {"completion.json": ["95.6"]}


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_every_number_a_chart_says_is_a_fact_the_page_prints(built, language):
    facts, wanted = EDITIONS[language]
    printed = printed_numbers(built.processed_period(PERIOD) / facts)
    found = numbers_not_printed(built.outputs_period(PERIOD) / "figures", printed, wanted)
    assert found and any(name.startswith("completion") for name in found)
    assert not any(found.values()), f"numbers on charts that the page does not print: {found}"


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_every_number_on_the_month_charts_is_a_fact_some_month_prints(built, months_built, language):
    """A month-by-month chart shows earlier months' figures too: each is a fact of its month's page
    (the scenario builds November and December; its October is the one `built` builds)."""
    facts, wanted = EDITIONS[language]
    periods = sorted(p.name for p in months_built.processed.iterdir() if (p / facts).is_file())
    assert periods == ["2021-11", "2021-12"]
    pages = [built.processed_period(PERIOD) / facts, *(months_built.processed_period(p) / facts for p in periods)]
    printed = set().union(*(printed_numbers(page) for page in pages))
    last = months_built.outputs_period(periods[-1]) / "figures"
    found = numbers_not_printed(last, printed, wanted)
    assert any(name.startswith("months_") for name in found)
    assert not any(found.values()), f"numbers on charts that no page prints: {found}"


def test_the_audit_edition_points_at_the_public_charts_and_stays_under_500_kb(months_built):
    """The narrative's charts are the public page's: the auditor's edition links to each (its alt
    text beside the link) rather than embedding it a second time; the analysis notebook's own
    charts stay embedded, each once. benchmarks/pages.py measures a year of months."""
    out = months_built.outputs_period("2021-12")
    audit = (out / "audit.html").read_text(encoding="utf-8")
    public = (out / "report.html").read_text(encoding="utf-8")
    size = (out / "audit.html").stat().st_size
    assert size < 500_000, f"audit.html is {size:,} bytes with three months (limit 500,000)"
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', audit)
    assert images and len(images) == len(set(images)), "a chart embedded twice in the auditor's edition"
    links = re.findall(r'<a href="report\.html#(chart-[\w.-]+)"', audit)
    assert any(link.startswith("chart-months_") for link in links)
    for anchor in links:
        assert f'id="{anchor}"' in public, f"audit.html links to {anchor}, which report.html lacks"
