"""Reference rows that apply from a period (helpers.io.reference): since/until, read by one loader
for every reference table, so that rows added for a later month never change an earlier one."""

from __future__ import annotations

import shutil

import pytest

from helpers.audit import progress, relations
from helpers.io.errors import InputError
from helpers.io.reference import append_rows, applies, campaigns_table, read_reference, reference_digest
from helpers.publish.glossary import load_glossary
from helpers.testing import REFERENCE
from helpers.testing.reference_rows import reference_as_of, relabel

CAMPAIGNS = "campaign,order,since,until\n"
GLOSSARY = "kind,id,zh,en,reference,note,since,until\n"


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


@pytest.mark.parametrize("since, until, period, expected", [
    ("", "", "2021-10", True), ("2021-12", "", "2021-10", False), ("2021-12", "", "2021-12", True),
    ("2021-12", "", "2022-03", True), ("", "2021-11", "2021-11", True), ("", "2021-11", "2021-12", False),
    ("2021-11", "2021-11", "2021-11", True),
])
def test_a_row_applies_from_its_since_to_its_until(since, until, period, expected):
    assert applies(since, until, period) is expected


def test_a_table_read_for_a_period_holds_the_rows_that_apply_without_the_bounds(tmp_path):
    path = write(tmp_path, "campaigns.csv", CAMPAIGNS + "toilets,1,,\n" "relocation,2,2021-12,\n" "funds,3,,2021-11\n")
    october = read_reference(path, ["campaign"], "2021-10")
    assert [row["campaign"] for row in october.rows] == ["toilets", "funds"]
    assert october.header == ["campaign", "order"] and "since" not in october.rows[0]
    assert october.lines == [2, 4]
    assert [row["campaign"] for row in read_reference(path, ["campaign"], "2021-12").rows] == ["toilets", "relocation"]
    # Without a period: every key's latest row.
    assert [row["campaign"] for row in read_reference(path, ["campaign"]).rows] == ["toilets", "relocation", "funds"]


def test_a_relabelled_row_gives_each_period_its_own_words(tmp_path):
    """A target's label is said once, in the glossary: relabelled there from 2021-12 on, targets.csv untouched."""
    write(tmp_path, "targets.csv", "target_id,campaign,target,achieved,reported_rate,note,since,until\n"
          "toilets,toilets,toilets.target,toilets.completed,toilets.completed_rate,,,\n")
    write(tmp_path, "glossary.csv", GLOSSARY + "target,toilets,农村改厕户数,Toilets,,,,2021-11\n"
          "target,toilets,农村户厕改造户数,Household toilets,,,2021-12,\n")
    assert [t["label_zh"] for t in progress.load_targets(tmp_path, "2021-11")] == ["农村改厕户数"]
    assert [t["label_zh"] for t in progress.load_targets(tmp_path, "2021-12")] == ["农村户厕改造户数"]
    assert [t["label_zh"] for t in progress.load_targets(tmp_path)] == ["农村户厕改造户数"]


@pytest.mark.parametrize("rows, message", [
    ("toilets,1,,\ntoilets,1,,\n", r"line 3, field 'campaign': campaign 'toilets' is listed twice "
                                 r"\(first on line 2\)"),
    ("toilets,1,,2021-12\ntoilets,2,2021-12,\n", r"line 3, field 'since': campaign 'toilets' has two rows "
                                             r"that apply to the same period \(the other is line 2\)"),
    ("toilets,1,2021-13,\n", r"line 2, field 'since': '2021-13' is not a period; expected YYYY-MM"),
    ("toilets,1,2021-12,2021-10\n", r"line 2, field 'until': the row applies from 2021-12 until 2021-10"),
])
def test_bad_bounds_and_overlapping_rows_are_named_with_their_lines(tmp_path, rows, message):
    path = write(tmp_path, "campaigns.csv", CAMPAIGNS + rows)
    with pytest.raises(InputError, match=message):
        read_reference(path, ["campaign"], "2021-12")


def test_the_glossary_names_a_relabelled_figure_as_each_period_printed_it(tmp_path):
    shutil.copy(REFERENCE / "glossary.csv", tmp_path / "glossary.csv")
    reference_as_of(tmp_path, "2021-10")
    relabel(tmp_path / "glossary.csv", {"kind": "figure", "id": "toilets.target"}, {"zh": "省定农村户厕改造任务目标"},
            "2021-12")
    assert load_glossary(tmp_path, "2021-10").name("figure", "toilets.target", "zh") == "省定农村改厕任务目标"
    assert load_glossary(tmp_path, "2021-12").name("figure", "toilets.target", "zh") == "省定农村户厕改造任务目标"
    assert load_glossary(tmp_path, "2022-06").name("figure", "toilets.target", "zh") == "省定农村户厕改造任务目标"


def test_relations_apply_from_their_period(tmp_path):
    for name in ("relations.csv", "glossary.csv"):
        shutil.copy(REFERENCE / name, tmp_path / name)
    reference_as_of(tmp_path, "2021-10")
    append_rows(tmp_path / "relations.csv", [{
        "relation_id": "relocation.households_total", "kind": "sum", "reported": "relocation.households",
        "operands": "relocation.a|relocation.b", "since": "2021-12"}])
    append_rows(tmp_path / "glossary.csv", [{"kind": "relation", "id": "relocation.households_total",
                                             "zh": "搬迁户数 = 各部分之和", "note": "to translate", "since": "2021-12"}])
    ids = lambda period: [r["relation_id"] for r in relations.load_relations(tmp_path, period)]  # noqa: E731
    assert "relocation.households_total" not in ids("2021-10")
    assert ids("2021-12")[-1] == "relocation.households_total"
    assert ids("2021-10") == [r["relation_id"] for r in relations.load_relations(REFERENCE, "2021-10")]


def test_the_digest_of_a_period_ignores_rows_that_do_not_apply_to_it(tmp_path):
    """What a stage's cache key holds of the reference tables: a campaign, a glossary row and a
    relabelled target added for December leave October's digest as it was, and change December's."""
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    reference_as_of(reference, "2021-10")  # whatever later months the repository holds
    before = {period: reference_digest(reference, period) for period in ("2021-10", "2021-12")}
    note = "to translate (added by add-period for 2021-12)"
    append_rows(reference / "campaigns.csv", [{"campaign": "relocation", "order": "13", "since": "2021-12"}])
    append_rows(reference / "glossary.csv", [
        {"kind": "campaign", "id": "relocation", "zh": "易地扶贫搬迁后续扶持", "note": note, "since": "2021-12"},
        {"kind": "figure", "id": "relocation.households", "zh": "搬迁户数", "note": note, "since": "2021-12"}])
    relabel(reference / "glossary.csv", {"kind": "target", "id": "toilets"}, {"zh": "农村户厕改造户数"}, "2021-12")
    assert reference_digest(reference, "2021-10") == before["2021-10"]
    assert reference_digest(reference, "2021-12") != before["2021-12"]
    assert list(campaigns_table(reference, "2021-10")["campaign"]) == list(campaigns_table(REFERENCE, "2021-10")["campaign"])
    assert list(campaigns_table(reference, "2021-12")["campaign"])[-1] == "relocation"
    # A row without since applies everywhere: it enters October's key too.
    append_rows(reference / "glossary.csv", [{"kind": "figure", "id": "relocation.persons", "zh": "搬迁人数"}])
    assert reference_digest(reference, "2021-10") != before["2021-10"]


def test_rows_are_added_by_column_name_and_a_column_the_table_lacks_is_refused(tmp_path):
    path = write(tmp_path, "campaigns.csv", CAMPAIGNS + "toilets,1,,\n")
    append_rows(path, [{"campaign": "relocation", "order": "2", "since": "2021-12"}])
    assert path.read_text(encoding="utf-8").splitlines()[-1] == "relocation,2,2021-12,"
    with pytest.raises(InputError, match="no column 'name_zh'"):
        append_rows(path, [{"campaign": "x", "name_zh": "X"}])


def test_a_table_that_cannot_be_read_is_hashed_as_its_bytes(tmp_path):
    write(tmp_path, "campaigns.csv", CAMPAIGNS + "toilets,1,not-a-period,\n")
    first = reference_digest(tmp_path, "2021-10")
    write(tmp_path, "campaigns.csv", CAMPAIGNS + "toilets,1,still-not,\n")
    assert reference_digest(tmp_path, "2021-10") != first
