"""Every published number as a fact (helpers.publish.facts): the page, facts.csv and the source view agree.

The rule the page is held to: every number a reader sees is printed by a fact link
(`<a class="fact">`), whose text is that fact's `printed` in facts.csv, and which links to the
fact's source mark or calculation. Outside fact links, a digit may appear only in quotations of
the raw text — `<blockquote>` (quoted sentences), `<cite>` (the report's title), the source view
at the end of the page, the original's address — and in names taken from the transcription and
the reviewed tables (figure labels such as 2021年省定危房改造任务, target labels, campaign names).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from helpers.testing import PERIOD
from helpers.publish import facts
from helpers.testing.pages import Document, fact_links, prose

class Page:
    """A published page read back: its own words (outside fact links and quotations), every fact
    link with its text, every id and every mark."""

    def __init__(self, html: str):
        doc = Document(html)
        self.outside = [prose(doc)]
        self.links = fact_links(doc)
        self.ids = set(doc.by_id())
        self.marks = [mark.attrs for mark in doc.find_all("mark")]


def fact_of(href: str) -> str:
    """The fact id a link's address names: #src-<figure_id>, #calc-<id>, #fact-<id>, ../<p>/report.html#src-<id>."""
    address, _, anchor = href.partition("#")
    kind, _, name = anchor.partition("-")
    if address:
        return f"previous.{name}"
    return {"src": f"figure.{name}", "calc": name, "fact": name}[kind]


EDITIONS = {"zh": ("report.html", "facts.csv"), "en": ("report.en.html", "facts.en.csv")}


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def page(built, language):
    return Page((built.outputs / PERIOD / EDITIONS[language][0]).read_text(encoding="utf-8"))


def read_facts(built, language) -> dict[str, dict]:
    text = (built.processed / PERIOD / EDITIONS[language][1]).read_text(encoding="utf-8")
    return {row["fact_id"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture(scope="module")
def table(built, language) -> dict[str, dict]:
    return read_facts(built, language)


@pytest.fixture(scope="module")
def names(built) -> list[str]:
    """Names from the transcription and the reviewed tables (the glossary, in every language), longest first."""
    def column(path: Path, name: str) -> list[str]:
        return [row[name] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))]

    glossary = built.reference / "glossary.csv"
    found = column(built.processed / PERIOD / "figures.csv", "label") + \
        column(built.processed / PERIOD / "progress.csv", "label") \
        + [row[language] for row in csv.DictReader(io.StringIO(glossary.read_text(encoding="utf-8")))
           if row["kind"] in ("figure", "target", "campaign") for language in ("zh", "en")
           if language == "en" or row["kind"] == "campaign"]  # a campaign's Chinese name: the glossary's only
    return sorted(set(found), key=len, reverse=True)


def test_both_editions_print_the_same_facts(built):
    """The same ids, values, units, formulas and inputs; only the printed form and the label differ."""
    zh, en = read_facts(built, "zh"), read_facts(built, "en")
    assert list(zh) == list(en)
    same = ("value", "unit", "formula", "inputs", "as_of", "section")
    assert [i for i in zh if any(zh[i][k] != en[i][k] for k in same)] == []


def test_every_fact_link_prints_its_fact_exactly(page, table):
    assert len(page.links) > 300
    wrong = [(link["href"], link["text"], table.get(fact_of(link["href"]), {}).get("printed"))
             for link in page.links if table.get(fact_of(link["href"]), {}).get("printed") != link["text"]]
    assert wrong == []


def test_no_number_on_the_page_is_outside_a_fact(page, names):
    text = "".join(page.outside)
    for name in names:
        text = text.replace(name, "")
    orphans = [text[max(0, m.start() - 20):m.end() + 20] for m in re.finditer(r"\d", text)]
    assert orphans == [], "numbers printed without a fact"


def test_every_fact_in_facts_csv_is_on_the_page(page, table):
    shown = {fact_of(link["href"]) for link in page.links}
    assert set(table) - shown == set()


def test_every_derived_fact_has_a_formula_inputs_and_a_calculation(page, table):
    for fact_id, row in table.items():
        assert row["formula"], fact_id
        assert row["inputs"] or fact_id.startswith("constant."), fact_id  # 100% is a definition, not computed
        if not fact_id.startswith(("figure.", "previous.")):
            assert f"calc-{fact_id}" in page.ids, f"{fact_id} has no entry under 计算说明"
            assert f"fact-{fact_id}" in page.ids, f"{fact_id}'s calculation cannot link back to it"


def test_every_link_lands_on_the_page_in_both_directions(page, built):
    figures = list(csv.DictReader(io.StringIO((built.processed / PERIOD / "figures.csv").read_text(encoding="utf-8"))))
    marked = {attrs["id"] for attrs in page.marks}
    assert marked == {f"src-{row['figure_id']}" for row in figures}, "every figure is marked in the source view"
    for link in page.links:
        address, _, anchor = link["href"].partition("#")
        if not address:
            assert anchor in page.ids, f"{link['href']} lands nowhere"
    for row in figures:
        assert f"fig-{row['figure_id']}" in page.ids, f"the mark of {row['figure_id']} cannot link back"


def test_facts_csv_is_documented_and_each_fact_anchored_once(table, page):
    from helpers.io.dictionary import DICTIONARY

    assert [column for column, *_ in DICTIONARY["facts.csv"]] == facts.FACT_COLUMNS
    anchored = [link["id"][len("fact-"):] for link in page.links if link["id"]]
    assert len(anchored) == len(set(anchored)) and set(anchored) == set(table)


def test_the_narrative_notebook_answers_each_question_in_one_cell(built, language):
    """LA Times style: a ### question, then one cell whose output is the published number(s)."""
    import nbformat

    stage = "03_narrative" if language == "zh" else f"03_narrative.{language}"
    nb = nbformat.read(built.outputs / PERIOD / "notebooks" / f"{stage}.ipynb", as_version=4)
    questions = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown" and cell.source.startswith("### ")]
    assert len(questions) >= 8
    for index in questions:
        answer = nb.cells[index + 1]
        assert answer.cell_type == "code" and "notebook-only" in answer.metadata.get("tags", [])
        assert any("text/html" in output.get("data", {}) for output in answer.outputs), nb.cells[index].source
    audit = (built.outputs / PERIOD / "audit.html").read_text(encoding="utf-8")
    public = (built.outputs / PERIOD / EDITIONS[language][0]).read_text(encoding="utf-8")
    question = nb.cells[questions[0]].source[4:]
    assert question in audit and question not in public


# ---- Every fact names its maker ---------------------------------------------------------------------

def resolve_maker(made_by: str):
    """The function a made_by names (module:function), or None if there is none."""
    import importlib

    module_name, _, qualname = made_by.partition(":")
    try:
        target = importlib.import_module(module_name)
    except ImportError:
        return None
    for part in qualname.split("."):
        target = getattr(target, part, None)
    return target if callable(target) else None


def test_every_fact_names_the_function_that_made_it(table):
    """made_by is module:function, a real function marked @makes_facts whose own code adds facts: from a
    number's fact id, facts.csv leads to the code that computes it."""
    import inspect

    makers = {row["made_by"] for row in table.values()}
    assert all(row["made_by"] for row in table.values())
    assert {"helpers.publish.facts:_figures", "helpers.publish.facts:_progress",
            "helpers.publish.checkfacts:_derived"} <= makers
    for made_by in makers:
        function = resolve_maker(made_by)
        assert function is not None, f"made_by {made_by!r} names no function"
        assert "book.add(" in inspect.getsource(inspect.unwrap(function)), made_by


def test_a_made_by_that_names_nothing_is_caught():
    assert resolve_maker("helpers.publish.facts:_progress") is not None
    assert resolve_maker("helpers.publish.facts:_nowhere") is None
    assert resolve_maker("helpers.publish.nowhere:_progress") is None


def test_a_fact_made_outside_a_marked_function_is_refused():
    from helpers.publish.edition import load_edition
    from helpers.testing import ROOT

    book = facts.FactBook(load_edition("zh", ROOT / "data" / "reference"))
    with pytest.raises(ValueError, match="made outside a function marked @makes_facts"):
        book.add("headline.figures", "x", 1.0, "count", "1")

    @facts.makes_facts
    def make(book):
        book.add("headline.figures", "x", 1.0, "count", "1")

    make(book)
    assert book["headline.figures"].made_by.endswith("test_a_fact_made_outside_a_marked_function_is_refused.<locals>.make")
