"""Tests for data/reference/glossary.csv and its loader (helpers.publish.glossary).

Every code the pipeline writes has a Chinese and an English name; every id the data holds (figures
of every raw period, campaigns, targets) has a row with its Chinese name, and an English one or a
note that it is still to translate (add-period and seal write such rows for a new month's ids: a
missing English name blocks no build and fails no test). The Chinese of codes is word for word what
the narrative prints today, so switching the narrative to the glossary changes no page; terms are
the same wherever they recur; a missing name is an error that says what to add and where.

These tests hold whatever months and rows the repository holds (issue 17): they check properties of
the glossary against the data, never a count of rows or a month's label.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from helpers.audit import changes, clean, diagnoses, progress, relations
from helpers.io.errors import InputError
from helpers.io.readers import read_csv
from helpers.publish import glossary as glossary_module
from helpers.publish.glossary import Glossary, MissingName, load_glossary
from helpers.intake.proposals import is_to_translate, to_translate
from helpers.io.reference import append_rows, campaigns_table
from helpers.testing.reference_rows import reference_as_of
from helpers.publish.printing import zh
from helpers.text import numbers
from helpers.testing import ROOT

REFERENCE = ROOT / "data" / "reference"
RAW = ROOT / "data" / "raw"


def raw_periods() -> list[Path]:
    return sorted(p for p in RAW.iterdir() if (p / "figures.csv").is_file())


def raw_labels() -> dict[str, str]:
    """Every figure id of every raw period, with its label in the latest period that has it."""
    labels = {}
    for folder in raw_periods():
        table = read_csv(folder / "figures.csv")
        labels.update(zip(table["figure_id"], table["label"]))
    return labels


def every_label() -> dict[str, set[str]]:
    """Every figure id of every raw period, with every label a period printed it under."""
    labels: dict[str, set[str]] = {}
    for folder in raw_periods():
        table = read_csv(folder / "figures.csv")
        for figure_id, label in zip(table["figure_id"], table["label"]):
            labels.setdefault(figure_id, set()).add(label)
    return labels


def required() -> dict[str, list[str]]:
    """What the editions must be able to name: the data's ids and the code lists' codes."""
    campaigns = read_csv(REFERENCE / "campaigns.csv")
    targets = read_csv(REFERENCE / "targets.csv")
    return {
        "campaign": list(campaigns["campaign"]),
        "figure": list(raw_labels()),
        "target": list(targets["target_id"]),
        "unit": list(dict.fromkeys(base for base, _ in numbers.BASE_UNITS.values())),
        "qualifier": [q for q in numbers.QUALIFIERS if q],
        "figure_kind": list(clean.KINDS),
        "status": list(relations.STATUSES),
        "relation_kind": list(relations.KINDS),
        "bound_by": list(relations.BOUNDS),
        "position": list(progress.POSITIONS),
        "bound": list(progress.RATE_BOUNDS),
        "missing_quantity": list(progress.MISSING_QUANTITIES),
        "relation": [row["relation_id"] for row in read_csv(REFERENCE / "relations.csv").to_dict("records")],
        "flag": list(changes.FLAGS),
        "diagnosis": list(diagnoses.KINDS),
        "typo": list(diagnoses.TYPOS),
    }


DATA_KINDS = ("campaign", "figure", "target")  # ids of the data, which a new month adds to


def unnamed(glossary: Glossary, needed: dict[str, list[str]]) -> list[str]:
    """Every (kind, id, language) the glossary cannot name, as 'kind id language'. An id of the data
    whose row says it is still to translate (proposals.is_to_translate) lacks no English name: the
    English page shows its Chinese with a note until a reviewer writes one."""
    def excused(kind: str, id: str, language: str) -> bool:
        entry = glossary.entries.get((kind, id))
        return language != "zh" and kind in DATA_KINDS and entry is not None and is_to_translate(entry.note)
    return [f"{kind} {id} {language}" for kind, ids in needed.items() for language in glossary.languages
            for id in glossary.missing(kind, ids, language) if not excused(kind, id, language)]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(REFERENCE)


# ---- Everything the data and the code name has both names ---------------------------------------

def test_every_kind_of_the_code_lists_is_declared(glossary):
    assert set(required()) == set(glossary_module.KINDS)


def test_every_id_in_the_data_and_every_code_has_a_chinese_and_an_english_name(glossary):
    assert unnamed(glossary, required()) == []


def test_an_id_still_to_translate_fails_nothing_but_an_unmarked_empty_english_does(tmp_path):
    """The rows add-period writes for a new month (English empty, note "to translate …") leave the
    check green; an English name emptied without that note is reported."""
    shutil.copy(REFERENCE / "glossary.csv", tmp_path / "glossary.csv")
    reference_as_of(tmp_path, "2021-10")  # whatever later months the repository holds
    append_rows(tmp_path / "glossary.csv", [
        {"kind": "figure", "id": "checked.households", "zh": "搬迁户数", "note": to_translate("2021-12"),
         "since": "2021-12"},
        {"kind": "figure", "id": "checked.persons", "zh": "搬迁人数", "since": "2021-12"}])
    needed = {kind: [] for kind in glossary_module.KINDS}
    needed["figure"] = ["checked.households", "checked.persons", "checked.missing"]
    loaded = load_glossary(tmp_path)
    others = [language for language in loaded.languages if language != "zh"]  # every other edition's column
    assert unnamed(loaded, needed) == ["figure checked.missing zh"] + [
        f"figure checked.{id} {language}" for language in others for id in ("persons", "missing")]


def test_the_check_fails_when_one_entry_is_removed(tmp_path):
    """Drop one figure's row and one flag's English: the same check names exactly those."""
    lines = (REFERENCE / "glossary.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("figure,toilets.completed,")]
    assert len(kept) < len(lines)  # its row (or rows, one per period it was relabelled in)
    kept = [line.replace(",截止日期早于上期,as-of date earlier than last period's,", ",截止日期早于上期,,", 1)
            for line in kept]
    (tmp_path / "glossary.csv").write_text("".join(kept), encoding="utf-8")
    loaded = load_glossary(tmp_path)
    assert unnamed(loaded, required()) == [
        *(f"figure toilets.completed {language}" for language in loaded.languages), "flag as_of_earlier en"]


def test_nothing_is_named_that_the_data_and_the_code_do_not_hold(glossary):
    """No stale rows: an id dropped from every period, or a retired code, is removed from the glossary."""
    needed = required()
    extra = [f"{kind} {id}" for kind, id in glossary.entries if id not in needed[kind]]
    assert extra == []


def test_a_new_base_unit_or_flag_in_the_code_would_be_caught(glossary):
    """The code lists are read from the modules, so a code added there (a new unit, say) is
    reported until the glossary names it."""
    needed = required()
    needed["unit"] = needed["unit"] + ["bale_times"]
    needed["flag"] = needed["flag"] + ["value_doubled"]
    assert unnamed(glossary, needed) == [f"{kind} {id} {language}" for kind, id in
                                         (("unit", "bale_times"), ("flag", "value_doubled"))
                                         for language in glossary.languages]


# ---- The Chinese words of codes are the glossary's, and agree with the printing module ------------

def test_the_chinese_bound_words_of_printing_are_the_glossarys(glossary):
    """printing/zh.py prints 至多 before a bounded rate; the narrative names bounds from the glossary."""
    assert glossary.words("bound", "zh") == {code: word for code, word in zh.BOUND_WORDS.items() if code}


@pytest.mark.parametrize("period", [None] + [folder.name for folder in raw_periods()])
def test_the_chinese_of_a_figure_is_a_label_a_period_printed_it_under(period):
    """For every period (and for the latest rows), a figure's Chinese is a label some period printed
    it under: the month's own label stays in its figures.csv (issue 18), so relabelling a figure fails
    nothing, and the glossary keeps the words its English was written for. (A campaign's, a target's
    and a relation's Chinese has no second copy to agree with: the glossary is the one place it is
    said, tests/publish/test_names.py.)"""
    glossary = load_glossary(REFERENCE, period)
    labels = every_label()
    assert {id: entry.names["zh"] for (kind, id), entry in glossary.entries.items()
            if kind == "figure" and id in labels and entry.names["zh"] not in labels[id]} == {}
    # every campaign, target and relation of the period has its Chinese name there (else an error)
    assert set(campaigns_table(REFERENCE, period)["campaign"]) <= set(glossary.ids("campaign"))
    assert {t["target_id"] for t in progress.load_targets(REFERENCE, period)} <= set(glossary.ids("target"))
    assert {r["relation_id"] for r in relations.load_relations(REFERENCE, period)} <= set(glossary.ids("relation"))


def test_differences_name_the_id_and_both_words(glossary):
    assert glossary.differences("figure", {"toilets.target": "省定改厕目标"}) == {
        "toilets.target": ("省定农村改厕任务目标", "省定改厕目标")}
    assert glossary.differences("figure", {"toilets.nowhere": "新指标"}) == {"toilets.nowhere": ("", "新指标")}


# ---- Reviewed: references, placeholders, one term for one thing ----------------------------------

def test_every_english_name_says_where_it_comes_from(glossary):
    assert [f"{kind} {id}" for (kind, id), entry in glossary.entries.items()
            if entry.names["en"] and not entry.reference.strip()] == []


def test_a_descriptive_translation_says_why():
    """'descriptive translation' is a choice, not a source: the reference then says what it renders
    or where the nearest usage is (more than the two words)."""
    rows = read_csv(REFERENCE / "glossary.csv")
    bare = rows[rows["reference"].str.strip().str.rstrip(".").str.lower() == "descriptive translation"]
    assert list(bare["id"]) == []


def test_placeholders_are_the_same_in_every_language(glossary):
    for (kind, id), entry in glossary.entries.items():
        found = {language: sorted(re.findall(r"\{[^{}]*\}", entry.names[language])) for language in glossary.languages
                 if entry.names[language]}  # a name still to translate is empty
        assert all(placeholders == found["zh"] for placeholders in found.values()), f"{kind} {id}: {found}"


# One English term for each recurring Chinese term (and, where the Chinese is a pattern, its words).
TERMS = [
    (r"脱贫不稳定户|^不稳定户", "households at risk of returning to poverty"),
    (r"边缘易致贫户|边缘致贫户", "marginal households at risk of falling into poverty"),
    (r"突发严重困难户", "households facing severe difficulties from sudden events"),
    (r"监测对象", "monitored"),
    (r"已消除(?:返贫|致贫)风险", "whose risk has been eliminated"),
    (r"暂未消除风险", "whose risk is not yet eliminated"),
    (r"脱贫劳动力", "workers lifted out of poverty"),
    (r"就业帮扶车间", "employment-support workshop"),
    (r"农村改厕", "rural toilet renovation"),
    (r"危房改造", "renovation of dilapidated"),
    (r"空心房", "“hollow houses”"),
    (r"村庄规划", "village planning"),
    (r"“邵阳红”", "“shaoyang red”"),
    (r"“党建\+七大专项行动”", "“party building + seven special actions”"),
    (r"“回头看”", "look-back review"),
    (r"户数$", "households"),
    (r"人数$", "persons"),
]


@pytest.mark.parametrize("pattern, term", TERMS)
def test_a_recurring_chinese_term_has_one_english_term(glossary, pattern, term):
    rows = [(kind, id, entry.names["zh"], entry.names["en"]) for (kind, id), entry in glossary.entries.items()
            if kind in DATA_KINDS and re.search(pattern, entry.names["zh"]) and entry.names["en"]]
    assert rows, f"no row uses {pattern!r}: the term list is out of date"
    assert [row for row in rows if term not in row[3].lower()] == []


# ---- The loader: clear errors, never a fallback --------------------------------------------------

def test_a_missing_name_names_kind_id_language_and_file(glossary):
    with pytest.raises(MissingName) as caught:
        glossary.name("figure", "toilets.nowhere", "en")
    message = str(caught.value)
    assert "glossary.csv" in message and "figure 'toilets.nowhere'" in message and "en name" in message
    assert "Add it: figure,toilets.nowhere," in message


def test_an_empty_cell_is_a_missing_name_with_its_line(tmp_path):
    text = (REFERENCE / "glossary.csv").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("campaign,toilets,"))
    line = text.splitlines().index(row) + 1
    (tmp_path / "glossary.csv").write_text(text.replace(row, row.replace(",Rural toilet renovation,", ",,")),
                                           encoding="utf-8")
    damaged = load_glossary(tmp_path)
    with pytest.raises(MissingName, match=rf"line {line}, field 'en': campaign 'toilets' has no en name"):
        damaged.name("campaign", "toilets", "en")
    assert damaged.name("campaign", "toilets", "zh") == "农村改厕"
    with pytest.raises(MissingName, match="1 campaign id"):
        damaged.require("campaign", ["industry", "toilets"], "en")


def test_unknown_kinds_and_languages_are_refused_by_the_caller(glossary):
    with pytest.raises(ValueError, match="unknown glossary kind 'metric'"):
        glossary.name("metric", "x", "en")
    with pytest.raises(ValueError, match="no 'xx' column"):
        glossary.name("campaign", "toilets", "xx")


def lines_of(text: str) -> int:
    return len(text.splitlines())


def plus_row(text: str, *cells: str) -> str:
    """The glossary's text with a row added, its cells padded to the header's columns (whatever they are)."""
    width = len(text.splitlines()[0].split(","))
    return text + ",".join(cells + ("",) * (width - len(cells))) + "\n"


@pytest.mark.parametrize("edit, message", [
    # The appended row's line is the file's length + 1, whatever rows the glossary holds.
    (lambda t: plus_row(t, "campaign", "toilets", "农村改厕", "Toilets", "", "ref"),
     lambda t: rf"line {lines_of(t) + 1}, field 'id': campaign 'toilets' is listed twice \(first on line \d+\)"),
    (lambda t: plus_row(t, "metric", "toilets", "农村改厕", "Toilets", "", "ref"),
     lambda t: r"field 'kind': unknown kind 'metric'"),
    (lambda t: plus_row(t, "figure", "toilets target", "x", "y", "", "ref"),
     lambda t: r"field 'id': id 'toilets target' is empty or has spaces"),
    (lambda t: t.replace("kind,id,zh,en,", "kind,id,zh,english,", 1), lambda t: r"missing column\(s\) en"),
])
def test_a_damaged_glossary_is_named_with_its_line(tmp_path, edit, message):
    text = (REFERENCE / "glossary.csv").read_text(encoding="utf-8")
    (tmp_path / "glossary.csv").write_text(edit(text), encoding="utf-8")
    with pytest.raises(InputError, match=message(text)):
        load_glossary(tmp_path)


def test_a_missing_glossary_says_how_to_restore_it(tmp_path):
    with pytest.raises(InputError, match="the glossary is missing.*git checkout"):
        load_glossary(tmp_path)


def test_the_singular_is_used_after_exactly_one(glossary):
    assert glossary.name_for_count("unit", "households", "en", 1) == "household"
    assert glossary.name_for_count("unit", "households", "en", 2) == "households"
    assert glossary.name_for_count("unit", "square_metres", "en", 1) == "m²"  # no en_one: the same word



def test_english_names_are_english(glossary):
    """The English page keeps Chinese only in quotations marked lang="zh-CN"; a name is not one."""
    chinese = [f"{kind} {id}" for (kind, id), entry in glossary.entries.items()
               if re.search(r"[\u3400-\u9fff]", entry.names["en"])]
    assert chinese == []
