"""The English edition: the whole report readable in English, the same facts as the Chinese page,
Chinese kept only where it is a quotation, and a month with names the glossary lacks said out loud."""

from __future__ import annotations

import re


from helpers.testing import PERIOD, scenarios
from helpers.testing.pages import Document, text_outside

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def test_the_english_page_is_english_but_for_its_quotations(built):
    """Headings, names, units, dates, checks and notes in English; Chinese only inside lang="zh-CN"
    (the report's title, quoted sentences, the source view, names kept as printed)."""
    html = (built.outputs / PERIOD / "report.en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    body = Document(html).find("body")
    text = text_outside(body, lambda e: e.attrs.get("lang", "").startswith("zh") or e.tag in ("style", "title"))
    chinese = sorted({text[max(0, m.start() - 15):m.end() + 15] for m in CJK.finditer(text)})
    assert chinese == [], "Chinese outside a quotation on the English page"
    for words in ("Rural toilet renovation", "63,950 households", "RMB 118.3606 million", "31 October 2021",
                  "ahead of the target", "at least 564,000 m²", "more than 1,415,000 tonnes",
                  "How each number was computed", "742 to 744"):
        assert words in text, words


def test_a_month_with_names_the_glossary_lacks_builds_and_says_so(months_built):
    """November adds a campaign (农村供水保障) and two figures: the English page shows their Chinese
    names, marked, and the run names the glossary rows to add."""
    layout = months_built
    said = scenarios.console_of(layout, "2021-11")
    assert "glossary.csv: 2 figure(s) have no en name yet (water_supply.projects, water_supply.persons)" in said
    assert "1 campaign(s) have no en name yet (water_supply)" in said
    english = (layout.outputs / "2021-11" / "report.en.html").read_text(encoding="utf-8")
    assert "农村供水保障 (no English name yet)" in english
    chinese = (layout.outputs / "2021-11" / "report.html").read_text(encoding="utf-8")
    assert "no English name yet" not in chinese


# A third language, added the public way with its plural forms: tests/publish/test_third_language.py.
