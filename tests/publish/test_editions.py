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


THIRD_LANGUAGE_FILES = ["src/helpers/publish/catalogues/fr.yml", "data/reference/glossary.csv (columns fr, fr_one)"]


def test_a_third_language_is_a_catalogue_and_glossary_columns_and_no_code(tmp_path, monkeypatch):
    """French, made here from the English catalogue (a few words changed) and a glossary whose fr
    column is the English one: every piece of the pipeline finds it, and the page is built in it."""
    import csv
    import io
    import shutil

    from helpers.audit import changes, clean, diagnoses, progress, relations, sentences
    from helpers.io import rawdata, readers
    from helpers.pipeline import contract
    from helpers.publish import catalogue, edition, narrative, printing
    from helpers.io.reference import campaigns_table
    from helpers.testing import ROOT

    catalogues = tmp_path / "catalogues"
    shutil.copytree(catalogue.CATALOGUES, catalogues)
    english = (catalogues / "en.yml").read_text(encoding="utf-8")
    (catalogues / "fr.yml").write_text(
        english.replace("lang: en", "lang: fr").replace('number.decimal: .', 'number.decimal: ","')
        .replace('number.group: ","', 'number.group: " "').replace("section.summary: Summary", "section.summary: Résumé"),
        encoding="utf-8")
    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", reference)
    rows = list(csv.DictReader(io.StringIO((reference / "glossary.csv").read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) + ["fr", "fr_one"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "fr": row["en"], "fr_one": row["en_one"]} for row in rows)
    (reference / "glossary.csv").write_text(buffer.getvalue(), encoding="utf-8")

    monkeypatch.setattr(catalogue, "CATALOGUES", catalogues)
    catalogue.load_catalogue.cache_clear()
    printing.for_language.cache_clear()
    try:
        assert edition.editions() == ("zh", "en", "fr")
        assert [s.name for s in contract.narrative_stages(edition.editions())] == \
            ["03_narrative", "03_narrative.en", "03_narrative.fr"]
        french = edition.load_edition("fr", reference, PERIOD)
        raw = ROOT / "data" / "raw" / PERIOD
        figures, _ = clean.clean_period(raw, rawdata.load_source(raw))
        text = readers.read_utf8(raw / "report.txt")
        rels = sentences.relations_for(relations.load_relations(reference, PERIOD), figures, text)
        checks = relations.run_checks(figures, rels, text)
        report = narrative.Report(
            period=PERIOD, source=rawdata.load_source(raw).raw, figures=figures,
            progress=progress.progress_table(figures, progress.load_targets(reference, PERIOD)), checks=checks,
            changes=changes.compare_periods(figures, None, None, period_end="2021-10-31", checks=checks),
            campaigns=campaigns_table(reference, PERIOD),
            diagnoses=diagnoses.diagnose(checks, rels, figures, text), report_text=text,
            descriptions={r["relation_id"]: r["description"] for r in rels},
            relations={r["relation_id"]: r for r in rels}, language="fr")
        page = str(narrative.page(report, narrative.build_facts(report, reference, french)))
        assert ">Résumé</h2>" in page and "390 589 persons" in page and "RMB 118,3606 million" in page
    finally:
        catalogue.load_catalogue.cache_clear()
        printing.for_language.cache_clear()
        monkeypatch.undo()
