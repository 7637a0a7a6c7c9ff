"""Tests for the history of every period up to this one (helpers.audit.history, history.csv), and
for stage 2's cache key covering every earlier raw folder.

Later months are helpers.testing.months's realistic November and December, made from the real
October text, written into temporary layouts, never into data/raw/. November drops a campaign
(project funds) and adds one (water supply); December keeps both changes.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from helpers.testing import months
from helpers.testing import synthetic
from helpers.testing import PERIOD, ROOT
from helpers.testing.layouts import copy_built, temp_layout
from helpers.testing.stages import stage_two_inputs
from helpers.audit import clean, history, steps
from helpers.io import rawdata
from helpers.io.dictionary import DICTIONARY
from helpers.io.errors import InputError, InputWarning
from helpers.io.paths import in_staging
from helpers.io.reference import append_rows
from helpers.pipeline import contract, freshness
from helpers.pipeline.contract import Console, RunContext


def history_of(layout, period: str, tmp_path: Path) -> pd.DataFrame:
    return steps.build_history(stage_two_inputs(layout, period, tmp_path), period, layout.reference)


def row(table: pd.DataFrame, period: str, figure_id: str) -> pd.Series:
    found = table[(table["period"] == period) & (table["figure_id"] == figure_id)]
    assert len(found) == 1, f"{figure_id} in {period}: {len(found)} rows"
    return found.iloc[0]


@pytest.fixture(scope="module")
def later_months():
    """November and December (built once: about a second)."""
    return months.november(), months.december()


@pytest.fixture
def three_months(tmp_path, later_months):
    layout = temp_layout(tmp_path / "root")
    for month in later_months:
        month.write(layout.raw, layout.reference)
    return layout


def raw_ids(layout, period: str) -> list[str]:
    text = (layout.raw / period / "figures.csv").read_text(encoding="utf-8")
    return [entry["figure_id"] for entry in csv.DictReader(io.StringIO(text))]


# ---- One period --------------------------------------------------------------------------------------

def test_with_one_period_the_history_is_that_period_s_figures(layout, tmp_path):
    table = history_of(layout, PERIOD, tmp_path)
    figures = pd.read_csv(ROOT / "data" / "raw" / PERIOD / "figures.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == history.HISTORY_COLUMNS
    assert set(table["period"]) == {PERIOD}
    assert list(table["figure_id"]) == list(figures["figure_id"])
    assert (table["source_figure_id"] == table["figure_id"]).all()
    toilets = row(table, PERIOD, "toilets.completed")
    assert (toilets["value"], toilets["as_of"], toilets["unit"]) == (61107, "2021-10-25", "households")
    assert (toilets["target_id"], toilets["target_figure_id"], toilets["target"], toilets["target_source"]) == \
        ("toilets", "toilets.target", 63950, "reported")


def test_an_implied_target_is_carried_and_a_figure_without_one_has_none(layout, tmp_path):
    table = history_of(layout, PERIOD, tmp_path)
    employed = row(table, PERIOD, "employment.employed")
    assert (employed["target_source"], employed["target_figure_id"]) == ("implied", "")
    assert employed["target"] == pytest.approx(390589 / 1.0403, abs=0.01)
    ponds = row(table, PERIOD, "village_cleaning.ponds")
    assert (ponds["target_id"], ponds["target_source"]) == ("", "") and pd.isna(ponds["target"])


def test_the_history_columns_are_the_data_dictionary_s(layout, tmp_path):
    table = history_of(layout, PERIOD, tmp_path)
    path = steps.save_history(in_staging(tmp_path)["history"], table)
    header = (tmp_path / "processed" / "history.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == [column for column, *_ in DICTIONARY["history.csv"]]
    assert list(path["rows"]) == [63]


# ---- Two and three periods --------------------------------------------------------------------------

def test_with_three_periods_the_history_holds_every_period_oldest_first(three_months, tmp_path):
    table = history_of(three_months, "2021-12", tmp_path)
    assert list(dict.fromkeys(table["period"])) == ["2021-10", "2021-11", "2021-12"]
    for period in ("2021-10", "2021-11", "2021-12"):  # every figure of every period, in figures.csv order
        assert list(table.loc[table["period"] == period, "figure_id"]) == raw_ids(three_months, period)
    completed = table[table["figure_id"] == "toilets.completed"]
    assert list(completed["value"]) == [61107, 62307, 63188]
    assert list(completed["as_of"]) == ["2021-10-25", "2021-11-25", "2021-12-25"]  # not month ends
    area = table[table["figure_id"] == "hollow_houses.demolished_area"]
    assert list(area["value"]) == [1079930, 1098560, 1112040]
    assert list(area["value_printed"]) == ["107.993", "109.856", "111.204"]
    assert set(area["target_figure_id"]) == {"hollow_houses.target_area"}
    # A campaign dropped in November and one added then: each is in the periods that print it.
    assert set(table.loc[table["campaign"] == "project_funds", "period"]) == {"2021-10"}
    assert set(table.loc[table["campaign"] == "water_supply", "period"]) == {"2021-11", "2021-12"}


def test_a_period_s_history_stops_at_that_period(three_months, tmp_path):
    table = history_of(three_months, "2021-11", tmp_path)
    assert sorted(set(table["period"])) == ["2021-10", "2021-11"]


def test_the_previous_period_is_still_the_one_compared_month_over_month(three_months, tmp_path):
    inputs = stage_two_inputs(three_months, "2021-12", tmp_path)
    assert inputs.previous_period == "2021-11"
    assert sorted(inputs.earlier) == ["2021-10", "2021-11"]
    assert inputs.previous is inputs.earlier["2021-11"]
    assert "62307户" in inputs.previous_text and "63188户" not in inputs.previous_text


# ---- Renames -----------------------------------------------------------------------------------------

def rename_in_raw(folder: Path, old: str, new: str) -> None:
    """Give a figure a new id in one period's transcription (and reseal it)."""
    path = folder / "figures.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for entry in rows:
        if entry["figure_id"] == old:
            entry["figure_id"], entry["metric"] = new, new.split(".", 1)[1]
    synthetic._write_csv(path, rows)
    synthetic.reseal(folder, "figures.csv")


def record_rename(reference: Path, old: str, new: str, since: str) -> None:
    append_rows(reference / "figure_renames.csv",
                [{"old_figure_id": old, "new_figure_id": new, "since": since, "note": "renamed by the bureau"}])
    for name in ("targets.csv", "relations.csv"):
        path = reference / name
        text = re.sub(rf"{re.escape(old)}(?!\w)", new, path.read_text(encoding="utf-8"))  # not toilets.completed_rate
        path.write_text(text, encoding="utf-8")


def test_a_renamed_figure_is_one_line_across_periods(three_months, tmp_path):
    layout = three_months
    for period in ("2021-11", "2021-12"):
        rename_in_raw(layout.raw / period, "toilets.completed", "toilets.households_completed")
    record_rename(layout.reference, "toilets.completed", "toilets.households_completed", "2021-11")
    table = history_of(layout, "2021-12", tmp_path)
    assert "toilets.completed" not in set(table["figure_id"])
    line = table[table["figure_id"] == "toilets.households_completed"]
    assert list(line["period"]) == ["2021-10", "2021-11", "2021-12"]
    assert list(line["value"]) == [61107, 62307, 63188]
    assert list(line["source_figure_id"]) == ["toilets.completed", "toilets.households_completed",
                                              "toilets.households_completed"]
    assert list(line["target"]) == [63950, 63950, 63950]  # targets.csv speaks the newest id


def test_renames_follow_a_chain_to_the_newest_id():
    assert history.newest_id("a", {"a": "b", "b": "c"}) == "c"
    assert history.newest_id("b", {"a": "b", "b": "c"}) == "c"
    assert history.newest_id("x", {"a": "b"}) == "x"
    assert history.newest_id("a", {"a": "b", "b": "a"}) == "b"  # a cycle stops instead of looping


def test_a_rename_that_would_merge_two_figures_of_one_period_is_refused(layout, tmp_path):
    figures, _ = clean.clean_period(layout.raw / PERIOD, rawdata.load_source(layout.raw / PERIOD))
    with pytest.raises(InputError) as caught:
        history.history_table({PERIOD: figures}, [], {"toilets.completed": "toilets.target"},
                              "data/reference/figure_renames.csv")
    message = str(caught.value)
    assert message.startswith("data/reference/figure_renames.csv")
    assert "toilets.completed and toilets.target" in message and "2021-10" in message


# ---- A period that fails validation ------------------------------------------------------------------

def break_checksum(folder: Path) -> None:
    path = folder / "report.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def test_an_earlier_period_that_fails_validation_is_skipped_and_named(three_months, tmp_path):
    break_checksum(three_months.raw / "2021-10")
    with pytest.warns(InputWarning) as caught:
        inputs = stage_two_inputs(three_months, "2021-12", tmp_path)
    messages = [str(w.message) for w in caught if isinstance(w.message, InputWarning)]
    assert len(messages) == 1
    assert "period 2021-10 is left out of the history, because its raw folder fails validation" in messages[0]
    assert "report.txt" in messages[0] and "not compared month over month" not in messages[0]
    assert inputs.previous_period == "2021-11"  # the comparison with the previous period is intact
    table = steps.build_history(inputs, "2021-12", three_months.reference)
    assert sorted(set(table["period"])) == ["2021-11", "2021-12"]


def test_a_previous_period_that_fails_validation_is_named_for_both_uses(three_months, tmp_path):
    (three_months.raw / "2021-11" / "non_figures.csv").unlink()
    with pytest.warns(InputWarning, match="period 2021-11 is left out of the history and is not compared "
                                          "month over month"):
        inputs = stage_two_inputs(three_months, "2021-12", tmp_path)
    assert inputs.previous_period is None and inputs.previous is None
    assert sorted(inputs.earlier) == ["2021-10"]


def test_a_dated_folder_without_a_sidecar_is_named_too(layout, tmp_path):
    (layout.raw / "2021-09").mkdir()
    with pytest.warns(InputWarning, match="period 2021-09 is left out of the history"):
        inputs = stage_two_inputs(layout, PERIOD, tmp_path)
    assert inputs.previous_period is None and inputs.earlier == {}


def test_without_earlier_periods_nothing_is_warned(layout, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inputs = stage_two_inputs(layout, PERIOD, tmp_path)
    assert inputs.earlier == {} and inputs.previous_period is None


# ---- Stage 2's cache key ----------------------------------------------------------------------------

def earlier_component(layout, period: str) -> str:
    stage = contract.stage("02_campaign_progress")
    context = RunContext(period, layout, layout.outputs / ".staging" / period)
    return freshness.stage_components(stage, context, {}, "code")["earlier periods"]


def change_a_note(folder: Path) -> None:
    """A valid change to a raw folder: a transcriber's note, resealed."""
    path = folder / "figures.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0]["note"] = (rows[0]["note"] + " reviewed again").strip()
    synthetic._write_csv(path, rows)
    synthetic.reseal(folder, "figures.csv")


def test_stage_two_reads_every_earlier_period(three_months):
    stage = contract.stage("02_campaign_progress")
    assert "earlier" in stage.reads and "previous" not in stage.reads
    assert stage.product_files["history"] == "processed/history.csv"
    assert contract.stage("03_narrative").upstream_files["history"] == "processed/history.csv"
    before = earlier_component(three_months, "2021-12")
    assert before.startswith("2021-10,2021-11:")
    change_a_note(three_months.raw / "2021-10")  # not the previous period: two months back
    assert earlier_component(three_months, "2021-12") != before
    assert earlier_component(three_months, "2021-10") == "none"


def test_a_later_period_does_not_change_an_earlier_one_s_key(layout, later_months):
    before = earlier_component(layout, "2021-11")
    for month in later_months:
        month.write(layout.raw, layout.reference)
    assert earlier_component(layout, "2021-11") == before  # 2021-11's own folder and later ones do not count


def test_an_unknown_read_token_is_refused():
    with pytest.raises(ValueError, match="reads unknown input"):
        contract.Stage("99_x", "a stage", reads=("raw", "previos"))


def test_stage_two_reruns_when_a_period_two_months_back_changes(months_built, tmp_path, monkeypatch):
    from helpers.pipeline import kernel as kernels
    from helpers.pipeline.runner import run_period

    processed = months_built.processed / "2021-12"
    saved = pd.read_csv(processed / "history.csv", dtype=str, keep_default_na=False)
    assert list(dict.fromkeys(saved["period"])) == ["2021-10", "2021-11", "2021-12"]
    figures = sorted(p.name for p in (months_built.outputs / "2021-12" / "figures").glob("months_*.png"))
    campaigns = ["employment", "hollow_houses", "toilets", "village_cleaning", "village_planning",
                 "water_supply"]  # water supply: added in November, two periods by December
    # Once per edition: months_<campaign>.png (Chinese), months_<campaign>.en.png (English).
    assert figures == sorted([f"months_{c}.png" for c in campaigns] + [f"months_{c}.en.png" for c in campaigns])

    layout = copy_built(months_built, tmp_path / "copy")
    change_a_note(layout.raw / "2021-10")
    executed = []
    real_execute = kernels.execute

    def spy(notebook, *args, **kwargs):
        executed.append(Path(notebook).stem)
        return real_execute(notebook, *args, **kwargs)

    monkeypatch.setattr(kernels, "execute", spy)
    console = Console(quiet=True)
    assert run_period("2021-12", layout, console=console, progress=False) == 0
    assert executed == ["02_campaign_progress"]  # its outputs are unchanged, so the narrative is not rerun
    assert any("02_campaign_progress: running (changed: earlier periods" in line for line in console.lines)
