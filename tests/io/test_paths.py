"""Where things live (helpers.io.paths): a period parsed once into a Period, and the one mapping from
a run's staging folder to the published folders."""

from __future__ import annotations

import ast
import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from helpers.io.paths import Layout, Period, earlier_raw_periods, find_previous_raw_period, published_name
from helpers.testing import ROOT


# ---- Period --------------------------------------------------------------------------------------------

def test_a_period_carries_its_year_month_and_dates():
    period = Period("2021-02")
    assert (period.year, period.month) == (2021, 2)
    assert (period.start, period.end) == (dt.date(2021, 1, 1), dt.date(2021, 2, 28))
    assert Period("2024-02").end == dt.date(2024, 2, 29) and Period("2021-12").end == dt.date(2021, 12, 31)


@pytest.mark.parametrize("text", ["2021-13", "2021-00", "2021-1", "2021-10\n", " 2021-10", "2021-10 ", "0000-01",
                                  "1999-12", "2100-01", "2021/10", "October", "", None, 202110])
def test_anything_but_exactly_yyyy_mm_in_range_is_refused_saying_what_is_expected(text):
    with pytest.raises(ValueError) as refused:
        Period(text)
    message = str(refused.value)
    assert "YYYY-MM" in message and "2000-2099" in message and repr(text) in message


@pytest.mark.parametrize("text", ["2000-01", "2099-12", "2021-10"])
def test_the_calendar_range_is_inclusive(text):
    assert Period(text) == text


def test_a_period_is_its_text_wherever_text_goes():
    period = Period("2021-10")
    assert str(period) == "2021-10" and f"{period}" == "2021-10" and repr(period) == "'2021-10'"
    assert {"2021-10": 1}[period] == 1 and "2021-09" < period < "2021-11"
    assert json.dumps({period: period}) == '{"2021-10": "2021-10"}'
    assert Path("data") / period == Path("data/2021-10")
    copy = pickle.loads(pickle.dumps(period))  # a pool's worker gets a Period back
    assert type(copy) is Period and copy == period


def test_a_period_is_parsed_once():
    period = Period("2021-10")
    assert Period(period) is period


def test_the_periods_of_dated_folders_are_periods(tmp_path):
    for name in ("2021-08", "2021-09", "2021-10", "notes", "2021-9", "1999-12"):
        (tmp_path / name).mkdir()
    (tmp_path / "2021-09" / "source.yml").write_text("period: 2021-09\n", encoding="utf-8")
    earlier = earlier_raw_periods(tmp_path, Period("2021-10"))
    assert earlier == ["2021-08", "2021-09"] and all(type(p) is Period for p in earlier)
    assert type(find_previous_raw_period(tmp_path, Period("2021-10"))) is Period


def test_no_module_validates_a_period_but_the_period_type():
    """The calendar rule is written once: no module of the package matches YYYY-MM itself or calls a
    checker of its own (check_period is gone)."""
    offenders = []
    for path in sorted((ROOT / "src" / "helpers").rglob("*.py")):
        if path.name == "paths.py" and path.parent.name == "io":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in ("PERIOD_PATTERN", "check_period"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.id}")
            elif isinstance(node, ast.alias) and node.name in ("PERIOD_PATTERN", "check_period"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.name}")
    assert offenders == []


# ---- Staged -> published: one mapping ------------------------------------------------------------------

def test_a_staged_file_is_published_under_its_period():
    layout = Layout.under(Path("/r"))
    assert layout.published(Period("2021-10"), "processed/figures.csv") == Path("/r/data/processed/2021-10/figures.csv")
    assert layout.published(Period("2021-10"), "out/figures/completion.png") == \
        Path("/r/outputs/2021-10/figures/completion.png")
    assert layout.published(Period("2021-10"), "out") == Path("/r/outputs/2021-10")
    assert layout.published(Period("2021-10"), "processed") == Path("/r/data/processed/2021-10")


def test_a_published_name_is_from_the_repository_s_root_whatever_the_layout():
    assert published_name(Period("2021-10"), "processed/figures.csv") == "data/processed/2021-10/figures.csv"
    assert published_name(Period("2021-10"), "out/notebooks/01_clean.ipynb") == \
        "outputs/2021-10/notebooks/01_clean.ipynb"
    elsewhere = Layout(raw=Path("/a"), processed=Path("/b"), outputs=Path("/c"), reference=Path("/d"),
                       notebooks=Path("/e"))
    assert elsewhere.published(Period("2021-10"), "out/report.html") == Path("/c/2021-10/report.html")


def test_a_name_outside_the_staging_folders_is_refused():
    with pytest.raises(ValueError, match="staging folder"):
        Layout.under(Path("/r")).published(Period("2021-10"), "figures/completion.png")


def test_the_mapping_is_written_once():
    """No module of the package spells the published folders of a staged file itself: each asks
    Layout.published or published_name."""
    offenders = []
    for path in sorted((ROOT / "src" / "helpers").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in ('f"outputs/{period}', 'f"data/processed/{period}', "processed_period(period) / ",
                        "outputs_period(period) / "):
            if pattern in text:
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []
