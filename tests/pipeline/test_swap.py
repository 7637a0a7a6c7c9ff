"""The journaled swap that publishes a period's two folders together (helpers.pipeline.swap).

Each test builds a published generation and a staged one in a temporary layout, interrupts the
publish at one of its renames (the stand-in for a kill: the exception stops it there, as a kill
would), and checks that the journal is left behind, that nothing reads as complete, and that the
next roll-forward publishes both folders of the new generation and nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers.io.paths import Layout
from helpers.pipeline import swap

PERIOD = "2021-10"


def make_layout(base: Path) -> Layout:
    return Layout(raw=base / "data" / "raw", processed=base / "data" / "processed", outputs=base / "outputs",
                  reference=base / "data" / "reference", notebooks=base / "notebooks")


def generation(layout: Layout, processed: Path, out: Path, name: str) -> None:
    for folder, file in ((processed, "figures.csv"), (out, "report.html")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(name, encoding="utf-8")


def state(layout: Layout) -> tuple[str | None, str | None]:
    def read(path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return (read(layout.processed_period(PERIOD) / "figures.csv"), read(layout.outputs_period(PERIOD) / "report.html"))


@pytest.fixture
def layout(tmp_path) -> Layout:
    layout = make_layout(tmp_path)
    generation(layout, layout.processed_period(PERIOD), layout.outputs_period(PERIOD), "old")
    staging = swap.staging_dir(layout, PERIOD)
    generation(layout, staging / "processed", staging / "out", "new")
    return layout


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, not even `except Exception` handlers."""


def killing_rename(after: int):
    real, calls = os.rename, {"n": 0}

    def rename(source, target):
        calls["n"] += 1
        if calls["n"] > after:
            raise Killed()
        real(source, target)
    return rename


def test_an_uninterrupted_publish_replaces_both_folders_and_leaves_nothing_behind(layout):
    swap.publish(layout, PERIOD)
    assert state(layout) == ("new", "new")
    assert not swap.pending(layout, PERIOD)
    assert not swap.staging_dir(layout, PERIOD).exists()
    leftovers = [p.name for p in layout.outputs.iterdir()] + [p.name for p in layout.processed.iterdir()]
    assert not [name for name in leftovers if name.startswith(".old-")]


@pytest.mark.parametrize("after", [0, 1, 2, 3])
def test_a_publish_killed_at_any_rename_is_completed_by_the_next_run(layout, monkeypatch, after):
    monkeypatch.setattr(swap.os, "rename", killing_rename(after))
    with pytest.raises(Killed):
        swap.publish(layout, PERIOD)
    monkeypatch.undo()
    # The journal says a publish is under way: verify refuses and the next run completes it.
    assert swap.pending(layout, PERIOD)
    assert state(layout) != ("new", "new")
    assert swap.recover(layout, PERIOD).startswith("completed the publish")
    assert state(layout) == ("new", "new") and not swap.pending(layout, PERIOD)


@pytest.mark.parametrize("first, second", [(1, 0), (2, 0), (2, 1), (3, 0)])
def test_a_roll_forward_killed_in_turn_is_completed_by_the_one_after(layout, monkeypatch, first, second):
    monkeypatch.setattr(swap.os, "rename", killing_rename(first))
    with pytest.raises(Killed):
        swap.publish(layout, PERIOD)
    monkeypatch.setattr(swap.os, "rename", killing_rename(second))
    with pytest.raises(Killed):
        swap.recover(layout, PERIOD)
    monkeypatch.undo()
    swap.recover(layout, PERIOD)
    assert state(layout) == ("new", "new") and not swap.pending(layout, PERIOD)


def test_a_kill_before_the_journal_leaves_the_published_generation(layout):
    """No journal: the staged generation was never committed to; the next run discards it."""
    assert swap.recover(layout, PERIOD) == ""
    assert state(layout) == ("old", "old")


def test_a_first_publish_has_nothing_to_move_aside(tmp_path):
    layout = make_layout(tmp_path)
    staging = swap.staging_dir(layout, PERIOD)
    generation(layout, staging / "processed", staging / "out", "new")
    swap.publish(layout, PERIOD)
    assert state(layout) == ("new", "new")


def test_an_old_style_half_swap_is_repaired(tmp_path):
    """Left by the swap of an earlier runner: the published folder moved aside, the new one not in."""
    layout = make_layout(tmp_path)
    old = layout.outputs / f".old-{PERIOD}"
    old.mkdir(parents=True)
    (old / "report.html").write_text("published", encoding="utf-8")
    assert "restored" in swap.recover(layout, PERIOD)
    assert (layout.outputs_period(PERIOD) / "report.html").read_text(encoding="utf-8") == "published"
    assert not old.exists()
