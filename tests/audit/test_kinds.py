"""Tests for helpers.audit.kinds: a kind of check is one object, and adding one is one function plus data rows.

The last test registers a new kind (an average against a total ÷ a count), gives it data rows in a
temporary copy of data/reference (a relation that uses it and its names in the glossary), and sees
it evaluated, explained by a diagnosis and printed on both editions of the page, without touching
any other module.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from html import unescape

import pandas as pd
import pytest

from helpers.audit import changes, clean, diagnoses, kinds, progress, relations
from helpers.io import rawdata, readers
from helpers.io.reference import append_rows
from helpers.publish import edition as edition_module, narrative
from helpers.testing import PERIOD, REFERENCE, ROOT
from helpers.testing.tables import figure, table

RAW = ROOT / "data" / "raw" / PERIOD


def test_every_kind_is_one_object_with_its_arity_and_hooks():
    assert set(kinds.KINDS) == set(relations.KINDS)
    for code, kind in kinds.KINDS.items():
        assert kind.code == code and kind.meaning and callable(kind.evaluate)
        assert kind.operands in (0, 1, 2, "2+")
    assert kinds.derived_kinds() == ("implied_ratio", "implied_product", "implied_sum") == relations.DERIVED_KINDS
    assert kinds.target_kinds() == ("implied_ratio",)
    assert [c for c, k in kinds.KINDS.items() if k.one_sided] == ["part_of"]
    assert [c for c, k in kinds.KINDS.items() if k.needs_previous] == ["flow"]
    assert [c for c, k in kinds.KINDS.items() if k.working_key] == ["count_listed"]
    assert {c: k.divides_by for c, k in kinds.KINDS.items() if k.divides_by is not None} == \
        {"rate": 1, "implied_ratio": 1}
    assert kinds.KINDS["sum"].arity_ok(2) and not kinds.KINDS["sum"].arity_ok(1)
    assert kinds.KINDS["excess"].arity_ok(1) and not kinds.KINDS["excess"].arity_ok(2)


def test_no_module_asks_for_a_kind_by_name_outside_the_registry():
    """The sign of a missing registry: `kind == "…"` ladders in several modules. Only kinds.py names kinds."""
    offenders = []
    for path in sorted((ROOT / "src" / "helpers").rglob("*.py")):
        if path.name == "kinds.py":
            continue
        text = path.read_text(encoding="utf-8")
        for code in kinds.KINDS:
            if re.search(rf"""kind"?\]?\s*(?:==|!=|in)\s*\(?["']{code}["']""", text):
                offenders.append(f"{path.relative_to(ROOT)}: {code}")
    assert offenders == []


# ---- A new kind: one function plus data rows ------------------------------------------------------

AVERAGE_ROW = {"relation_id": "workshops.average_employed", "kind": "average", "reported": "workshops.average_employed",
               "operands": "workshops.employed|workshops.workshops"}  # its description: its glossary row
GLOSSARY_ROWS = [
    {"kind": "relation_kind", "id": "average", "zh": "平均数", "en": "average",
     "reference": "descriptive translation", "note": "a test's kind"},
    {"kind": "relation", "id": "workshops.average_employed",
     "zh": "每个车间平均吸纳就业{workshops.average_employed} = 吸纳就业总量 ÷ 车间数",
     "en": "Average employed per workshop {workshops.average_employed} = employed ÷ workshops",
     "reference": "descriptive translation", "note": "a test's relation"},
    {"kind": "figure", "id": "workshops.average_employed", "zh": "车间平均吸纳就业", "en": "average employed per workshop",
     "reference": "descriptive translation", "note": "a test's figure"},
]
SENTENCE = "平均每个车间吸纳就业83.3人。"  # 40,284 ÷ 1,053 = 38.26: 83.3 has two digits swapped


@pytest.fixture
def average_kind(monkeypatch):
    """The kind `average`, registered for one test (the registry is restored afterwards)."""
    monkeypatch.setitem(kinds.KINDS, "average", None)

    @kinds.register("average", "a stated average against a total ÷ a count", operands=2, divides_by=1)
    def _average(x: kinds.Operands) -> dict:
        total, count = x.operands
        recomputed = total.value / count.value
        return {"recomputed": recomputed,
                "tolerance": x.reported.precision + total.precision / count.value,
                "formula": f"{total.figure_id} ÷ {count.figure_id}",
                "working": f"{total.value:,.0f} ÷ {count.value:,.0f} = {recomputed:.4f}"}
    return kinds.KINDS["average"]


@pytest.fixture
def reference_copy(tmp_path):
    """data/reference with the new kind's data rows: a relation using it, its names in the glossary."""
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    append_rows(reference / "relations.csv", [AVERAGE_ROW])  # by column, whatever columns the table has
    text = (reference / "glossary.csv").read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=header, lineterminator="\n").writerows(
        {column: row.get(column, "") for column in header} for row in GLOSSARY_ROWS)
    (reference / "glossary.csv").write_text(text + buffer.getvalue(), encoding="utf-8")
    return reference


def month_with_an_average() -> tuple[pd.DataFrame, str]:
    """October's figures and text, with a sentence printing the workshops' average."""
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    text = readers.read_utf8(RAW / "report.txt") + SENTENCE
    row = figure("workshops.average_employed", "83.3", "人", label="车间平均吸纳就业", as_of="2021-10-25")
    row.update(section="五(一)", quote=SENTENCE, value_start=str(text.index("83.3")))
    return pd.concat([figures, table(row)], ignore_index=True), text


def test_a_new_kind_is_evaluated_explained_and_printed(average_kind, reference_copy):
    rels = relations.load_relations(reference_copy, PERIOD)  # the table's validation knows the new kind
    figures, text = month_with_an_average()
    checks = relations.run_checks(figures, rels, text)
    row = checks.set_index("check_id").loc["workshops.average_employed"]
    assert (row["kind"], row["status"], row["formula"]) == ("average", "mismatch", "workshops.employed ÷ workshops.workshops")
    assert row["recomputed"] == pytest.approx(40284 / 1053, abs=1e-6)
    assert row["description"] == "每个车间平均吸纳就业83.3人 = 吸纳就业总量 ÷ 车间数"

    found = diagnoses.diagnose(checks, rels, figures, text)
    misprint = found.set_index("figure_id").loc["workshops.average_employed"]
    assert (misprint["kind"], misprint["proposed"], misprint["typo"]) == ("misprint", "38.3", "digits_swapped")

    report = narrative.Report(
        period=PERIOD, source=rawdata.load_source(RAW).raw, figures=figures,
        progress=progress.progress_table(figures, progress.load_targets(reference_copy)), checks=checks,
        changes=changes.compare_periods(figures, None, None, period_end="2021-10-31", checks=checks),
        campaigns=readers.read_csv(reference_copy / "campaigns.csv"), diagnoses=found, report_text=text,
        descriptions={r["relation_id"]: r["description"] for r in rels})
    pages = {}
    for language in ("zh", "en"):
        book = narrative.build_facts(report, reference_copy, edition_module.load_edition(language, reference_copy))
        pages[language] = unescape(re.sub(r"<[^>]+>", "", str(narrative.audit_section(report, book))))
    assert "每个车间平均吸纳就业83.3人 = 吸纳就业总量 ÷ 车间数" in pages["zh"]
    assert "40,284人 ÷ 1,053家 = " in pages["zh"]  # its working, written from its formula
    assert "车间平均吸纳就业:原文为83.3人;若为" in pages["zh"] and "很可能是笔误" in pages["zh"]
    assert "Average employed per workshop 83.3 persons = employed ÷ workshops" in pages["en"]
    assert "average employed per workshop: printed as 83.3 persons" in pages["en"]


def test_a_kind_nobody_registered_is_refused_with_its_line(reference_copy):
    """Without its function, the data rows alone are an unknown kind (named, with the kinds known)."""
    from helpers.io.errors import InputError

    with pytest.raises(InputError) as caught:
        relations.load_relations(reference_copy)
    assert caught.value.problem == "unknown relation kind 'average'"
    assert caught.value.field == "kind"
