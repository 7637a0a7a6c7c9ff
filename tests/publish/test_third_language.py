"""A new edition is a catalogue and glossary columns, and no code (issue 18 item 4, issue 19 item 5).

French and Russian are added the public way (helpers.testing.editions.add_edition: a catalogue
`catalogues/<language>.yml` and glossary columns `<language>`, `<language>_<CLDR category>`), in a
temporary copy, never in the repository. Russian has three plural forms besides `other` (one, few,
many): CLDR, not the catalogue, chooses among them by the number as printed.

- in-process (fast): the registry finds both, the stage table runs a narrative stage for each,
  each page is printed through CLDR (French digits and dates, Russian plural categories) and links
  to every other edition, and the index lists every edition;
- a copy of the repository (slow): the command line builds all four pages, and the editions' tests
  pass there with the two editions present.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html import unescape

import pytest

from helpers.testing import PERIOD, ROOT
from helpers.testing.editions import add_edition, plural_categories

FRENCH = ("fr", "fr_FR", {"section.summary": "Résumé", "page.edition_name": "Édition française",
                          "index.public": "Édition française", "index.title": "Rapports, audités"})
RUSSIAN = ("ru", "ru_RU", {"page.edition_name": "Русское издание", "index.public": "Русское издание",
                           "index.title": "Отчёты, проверенные"})
# What adding the two editions may touch: their catalogues and the glossary's columns.
THIRD_LANGUAGE_FILES = ["catalogues/fr.yml", "glossary.csv (fr, fr_many, fr_one)",
                        "catalogues/ru.yml", "glossary.csv (ru, ru_few, ru_many, ru_one)"]
PAGES = {"zh": "report.html", "en": "report.en.html", "fr": "report.fr.html", "ru": "report.ru.html"}


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def other_editions(page: str) -> set[str]:
    """The pages an edition's switch links to."""
    switch = page.split('<p class="edition-switch">')[1].split("</p>")[0]
    return set(re.findall(r'href="([^"]+)"', switch))


def add_both(catalogues, reference) -> list[str]:
    return [touched for language, locale, words in (FRENCH, RUSSIAN)
            for touched in add_edition(catalogues, reference, language, locale, words)]


def test_adding_an_edition_to_the_repository_itself_is_refused():
    with pytest.raises(ValueError, match="temporary copy"):
        add_edition(ROOT / "src" / "helpers" / "publish" / "catalogues", ROOT / "data" / "reference", "fr", "fr_FR")


def test_russian_needs_three_plural_forms_besides_other():
    assert plural_categories("ru_RU") == ["few", "many", "one", "other"]
    assert plural_categories("en_GB") == ["one", "other"]


@pytest.fixture
def two_more(tmp_path, monkeypatch):
    """The repository's catalogues and reference tables copied, French and Russian added to them, and
    the catalogues' folder pointed at the copy for this test."""
    from helpers.publish import catalogue, edition

    catalogues, reference = tmp_path / "catalogues", tmp_path / "reference"
    shutil.copytree(catalogue.CATALOGUES, catalogues)
    shutil.copytree(ROOT / "data" / "reference", reference)
    touched = add_both(catalogues, reference)
    monkeypatch.setattr(catalogue, "CATALOGUES", catalogues)
    catalogue.load_catalogue.cache_clear()
    edition.printer_for.cache_clear()
    yield reference, touched
    monkeypatch.undo()
    catalogue.load_catalogue.cache_clear()
    edition.printer_for.cache_clear()


def real_report(reference, language: str):
    from helpers.audit import changes, clean, diagnoses, progress, relations, sentences
    from helpers.io import rawdata, readers
    from helpers.io.reference import campaigns_table
    from helpers.publish import narrative

    raw = ROOT / "data" / "raw" / PERIOD
    figures, _ = clean.clean_period(raw, rawdata.load_source(raw))
    text = readers.read_utf8(raw / "report.txt")
    rels = sentences.relations_for(relations.load_relations(reference, PERIOD), figures, text)
    checks = relations.run_checks(figures, rels, text)
    return narrative.Report(
        period=PERIOD, source=rawdata.load_source(raw).raw, figures=figures,
        progress=progress.progress_table(figures, progress.load_targets(reference, PERIOD)), checks=checks,
        changes=changes.compare_periods(figures, None, None, period_end="2021-10-31", checks=checks),
        campaigns=campaigns_table(reference, PERIOD),
        diagnoses=diagnoses.diagnose(checks, rels, figures, text), report_text=text,
        descriptions={r["relation_id"]: r["description"] for r in rels},
        relations={r["relation_id"]: r for r in rels}, language=language)


def test_two_more_editions_are_a_catalogue_and_glossary_columns_each_and_no_code(two_more):
    from helpers.pipeline import contract
    from helpers.publish import edition, narrative, pages

    reference, touched = two_more
    assert touched == THIRD_LANGUAGE_FILES
    assert edition.editions() == ("zh", "en", "fr", "ru")
    assert [s.name for s in contract.narrative_stages(edition.editions())] == \
        ["03_narrative", "03_narrative.en", "03_narrative.fr", "03_narrative.ru"]
    built = {}
    for language in ("zh", "fr", "ru"):
        report = real_report(reference, language)
        built[language] = str(narrative.page(report, narrative.build_facts(
            report, reference, edition.load_edition(language, reference, PERIOD))))
    # Every page links to every other edition.
    for language, page in built.items():
        assert other_editions(page) == set(PAGES.values()) - {PAGES[language]}, language
    # CLDR's French digits (a narrow no-break space groups them, a comma points them) and dates.
    french = built["fr"]
    assert ">Résumé</h2>" in french and "390\u202f589 persons" in french and "RMB 118,3606 million" in french
    assert "31 octobre 2021" in french
    # Russian: the plural form CLDR chooses for the number as printed, in the catalogue's messages
    # and the glossary's unit names (2 843 few, 18 363 few, 390 589 many; 31 checks: one).
    russian = visible(built["ru"])  # CLDR's no-break spaces read as spaces here
    assert "31 октября 2021" in russian
    assert "2 843 households (few)" in russian and "18 363 persons (few)" in russian
    assert "390 589 persons (many)" in russian and "16 869 households (many)" in russian
    assert "[one] 31 check:" in russian  # 31 is 'one' in Russian (English says 31 checks)
    assert "[few] Of the 22 rates" in russian and "[many] This page transcribes 63 figures" in russian
    assert "1 numbers" not in russian and "[other]" not in russian  # whole numbers are never 'other' in Russian
    # The index lists every edition, each named in its own words.
    index = pages.index_html([{"period": PERIOD, "title": "t", "editions": list(PAGES.items())}])
    for language, page in PAGES.items():
        assert f'href="{PERIOD}/{page}"' in index, language
    assert "Édition française" in index and "Русское издание" in index and "Отчёты, проверенные" in index


# ---- The public way, end to end: a copy of the repository ------------------------------------------------

# The editions' unit tests: they iterate over the editions the registry finds, so they run with four.
EDITION_TESTS = ["tests/publish/test_catalogue.py", "tests/publish/test_glossary.py", "tests/publish/test_printing.py",
                 "tests/publish/test_wording.py", "tests/publish/test_charts.py"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_in_a_copy_with_two_more_editions_the_command_builds_every_page_and_the_editions_tests_pass(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "outputs", "__pycache__",
                                                              ".pytest_cache", "*.egg-info", ".ruff_cache"))
    assert add_both(copy / "src" / "helpers" / "publish" / "catalogues", copy / "data" / "reference") == \
        THIRD_LANGUAGE_FILES
    env = dict(os.environ, PYTHONPATH=str(copy / "src"))  # the copy's code, in every kernel too
    run = subprocess.run([sys.executable, "-m", "helpers.cli", "run", "--period", PERIOD], cwd=copy, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    published = copy / "outputs" / PERIOD
    for language, page in PAGES.items():
        html = (published / page).read_text(encoding="utf-8")
        assert other_editions(html) == set(PAGES.values()) - {page}, language
    assert "[few]" in (published / "report.ru.html").read_text(encoding="utf-8")
    index = (copy / "outputs" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{PERIOD}/{page}"' in index for page in PAGES.values())
    tests = subprocess.run([sys.executable, "-m", "pytest", *EDITION_TESTS, "-q", "-m", "not slow", "-p", "no:xdist",
                            "-p", "no:cacheprovider"], cwd=copy, env=env, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert re.search(r"\d+ passed", tests.stdout)
