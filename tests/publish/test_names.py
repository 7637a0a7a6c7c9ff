"""Every name said once (issue 18): the glossary is the one table of names.

A campaign's, a target's and a relation's Chinese name (and its other languages) live only in
data/reference/glossary.csv; campaigns.csv, targets.csv and relations.csv hold ids, order, operands
and bounds. Renaming is then one edit in one file, and a name that is missing is an error that says
where to add it (or, for a language other than the reports', the English page's "to translate" note).

The tests build their states in temporary copies of data/reference/ as it stood at the base period,
so they hold whatever months and rows the repository holds.
"""

from __future__ import annotations

import re
import shutil

import pytest

from helpers.audit import changes, clean, diagnoses, progress, relations, sentences
from helpers.intake.guesses import load_campaigns
from helpers.io import rawdata, readers
from helpers.io.errors import InputError
from helpers.io.reference import NAMED, campaigns_table, read_rows, write_rows
from helpers.publish import narrative
from helpers.publish.edition import load_edition
from helpers.testing import BASE_RAW, PERIOD, REFERENCE
from helpers.testing.reference_rows import reference_as_of

# A column that would hold a name: name_zh, label_zh, description, name, label_en, a language code …
NAME_COLUMN = re.compile(r"(name|label|description|title)(_\w+)?|[a-z]{2}(_(zero|one|two|few|many))?")
CJK = re.compile(r"[\u3400-\u9fff]")
# The id columns and free notes a table may hold besides its ids (a reviewer's note may quote the text).
NOT_NAMES = {"id", "note"}


@pytest.fixture
def reference(tmp_path):
    """A copy of data/reference/ as it stood at the base period."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    reference_as_of(folder, PERIOD)
    return folder


def set_cell(path, match: dict, column: str, value: str) -> None:
    header, rows = read_rows(path)
    hits = [row for row in rows if all(row.get(key) == want for key, want in match.items())]
    assert len(hits) == 1, hits
    hits[0][column] = value
    write_rows(path, header, rows)


def drop_rows(path, match: dict) -> None:
    header, rows = read_rows(path)
    kept = [row for row in rows if not all(row.get(key) == want for key, want in match.items())]
    assert len(kept) == len(rows) - 1
    write_rows(path, header, kept)


# ---- (a) No table but the glossary has a name ------------------------------------------------------

@pytest.mark.parametrize("table", sorted(p.name for p in REFERENCE.glob("*.csv") if p.name != "glossary.csv"))
def test_no_reference_table_but_the_glossary_has_a_name_column(table):
    """Not a column named like a name, and no Chinese in any cell but a reviewer's note."""
    header, rows = read_rows(REFERENCE / table)
    assert [name for name in header if NAME_COLUMN.fullmatch(name) and name not in NOT_NAMES] == []
    assert {(row.get(header[0]), name, value) for row in rows for name, value in row.items()
            if name != "note" and value and CJK.search(value)} == set()


@pytest.mark.parametrize("table", sorted(NAMED))
def test_a_table_that_names_its_rows_itself_is_refused_saying_where_names_live(reference, table):
    """An old-style table (campaigns.csv with name_zh, …) is refused on its header line, never read."""
    kind, key, column = NAMED[table]
    header, rows = read_rows(reference / table)
    write_rows(reference / table, header + [column], [dict(row, **{column: "名称"}) for row in rows])
    loaders = {"campaigns.csv": lambda: campaigns_table(reference, PERIOD),
               "targets.csv": lambda: progress.load_targets(reference, PERIOD),
               "relations.csv": lambda: relations.load_relations(reference, PERIOD)}
    with pytest.raises(InputError) as info:
        loaders[table]()
    error = info.value
    assert (error.file, error.row, error.field) == (str(reference / table), 1, column)
    assert f"glossary.csv's row ({kind}, <{key}>)" in error.fix


def test_the_names_of_campaigns_targets_and_relations_are_the_glossarys(reference):
    """What every reader gets is the glossary's Chinese for the period: one source, nothing to hold equal."""
    header, rows = read_rows(reference / "glossary.csv")
    zh = {(row["kind"], row["id"]): row["zh"] for row in rows}
    campaigns = campaigns_table(reference, PERIOD)
    assert dict(zip(campaigns["campaign"], campaigns["name_zh"])) == \
        {c: zh["campaign", c] for c in campaigns["campaign"]}
    assert load_campaigns(reference / "campaigns.csv", PERIOD) == dict(zip(campaigns["campaign"], campaigns["name_zh"]))
    assert {t["target_id"]: t["label_zh"] for t in progress.load_targets(reference, PERIOD)} == \
        {id: name for (kind, id), name in zh.items() if kind == "target"}
    assert {r["relation_id"]: r["description"] for r in relations.load_relations(reference, PERIOD)} == \
        {id: name for (kind, id), name in zh.items() if kind == "relation"}


# ---- (b) Renaming is one edit in one file, and it reaches the page -----------------------------------

@pytest.fixture(scope="module")
def october():
    """The base period's cleaned figures and text (read once)."""
    source = rawdata.load_source(BASE_RAW)
    figures, _ = clean.clean_period(BASE_RAW, source)
    return source, figures, readers.read_utf8(BASE_RAW / "report.txt")


def chinese_page(october, reference) -> str:
    """The Chinese page of the base period, its stages run in-process on the reference tables in `reference`."""
    source, figures, text = october
    rels = sentences.relations_for(relations.load_relations(reference, PERIOD), figures, text)
    checks = relations.run_checks(figures, rels, text)
    report = narrative.Report(
        period=PERIOD, source=source.raw, figures=figures,
        progress=progress.progress_table(figures, progress.load_targets(reference, PERIOD)), checks=checks,
        changes=changes.compare_periods(figures, None, None, period_end="2021-10-31", checks=checks),
        campaigns=campaigns_table(reference, PERIOD), diagnoses=diagnoses.diagnose(checks, rels, figures, text),
        report_text=text, descriptions={r["relation_id"]: r["description"] for r in rels},
        relations={r["relation_id"]: r for r in rels})
    return str(narrative.page(report, narrative.build_facts(report, reference_dir=reference)))


def test_renaming_a_campaign_s_chinese_name_is_one_edit_in_one_file_and_reaches_the_page(october, reference):
    before = {path.name: path.read_text(encoding="utf-8").splitlines() for path in reference.glob("*.csv")}
    old_page = chinese_page(october, reference)
    assert re.search(r'<section id="campaign-toilets"><h2>农村改厕</h2>', old_page)
    set_cell(reference / "glossary.csv", {"kind": "campaign", "id": "toilets"}, "zh", "农村户厕改造")
    after = {path.name: path.read_text(encoding="utf-8").splitlines() for path in reference.glob("*.csv")}
    changed = {name: [(a, b) for a, b in zip(before[name], after[name]) if a != b]
               for name in before if before[name] != after[name]}
    assert list(changed) == ["glossary.csv"] and len(changed["glossary.csv"]) == 1  # one line of one file
    page = chinese_page(october, reference)
    assert re.search(r'<section id="campaign-toilets"><h2>农村户厕改造</h2>', page)
    assert "<h2>农村改厕</h2>" not in page
    assert campaigns_table(reference, PERIOD).set_index("campaign").at["toilets", "name_zh"] == "农村户厕改造"
    assert load_campaigns(reference / "campaigns.csv", PERIOD)["toilets"] == "农村户厕改造"


# ---- (c) A missing name is a clear error, or, in another language, a note -----------------------------

def test_a_campaign_without_a_glossary_row_is_an_error_naming_the_file_the_row_and_what_to_add(reference):
    drop_rows(reference / "glossary.csv", {"kind": "campaign", "id": "toilets"})
    line = next(i for i, row in enumerate(read_rows(reference / "campaigns.csv")[1], start=2)
                if row["campaign"] == "toilets")
    with pytest.raises(InputError) as info:
        campaigns_table(reference, PERIOD)
    error = info.value
    assert (error.file, error.field) == (str(reference / "glossary.csv"), "zh")
    assert f"campaign 'toilets' (campaigns.csv line {line}) has no Chinese name that applies to {PERIOD}" in error.problem
    assert "glossary.csv has no row (campaign, toilets)" in error.problem
    assert "Add the row campaign,toilets,<its Chinese name>" in error.fix
    assert "\n" not in error.message and "Traceback" not in error.message


def test_a_glossary_row_with_an_empty_chinese_name_is_an_error_naming_its_line(reference):
    set_cell(reference / "glossary.csv", {"kind": "target", "id": "housing"}, "zh", "")
    line = next(i for i, row in enumerate(read_rows(reference / "glossary.csv")[1], start=2)
                if (row["kind"], row["id"]) == ("target", "housing"))
    with pytest.raises(InputError) as info:
        progress.load_targets(reference, PERIOD)
    error = info.value
    assert (error.file, error.row, error.field) == (str(reference / "glossary.csv"), line, "zh")
    assert "target 'housing' (targets.csv line" in error.problem and f"line {line}" in error.fix


def test_a_campaign_not_yet_translated_shows_its_chinese_with_a_note_on_the_english_page(reference):
    """For a language other than the reports', a missing name blocks nothing: the Chinese, with a note."""
    set_cell(reference / "glossary.csv", {"kind": "campaign", "id": "toilets"}, "en", "")
    set_cell(reference / "glossary.csv", {"kind": "campaign", "id": "toilets"}, "note",
             f"to translate (added for {PERIOD} by add-period)")
    campaigns = campaigns_table(reference, PERIOD)
    english = load_edition("en", reference, PERIOD)
    assert english.campaign_name(campaigns, "toilets") == "农村改厕" + english.t.text("text.untranslated")
    assert english.untranslated == ["campaign toilets"]
    assert load_edition("zh", reference, PERIOD).campaign_name(campaigns, "toilets") == "农村改厕"
