"""Shared fixtures: the repository's folders, and one pipeline build of 2021-10 per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.io.paths import Layout

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2021-10"


@pytest.fixture(scope="session")
def repo_layout() -> Layout:
    return Layout.default(ROOT)


def temp_layout(base: Path) -> Layout:
    """A copy of the repository's inputs under `base`, laid out like the repository (so the relative
    paths a run records are the same), with empty processed and outputs folders.

    Its raw root holds only the base period, so a synthetic later month built in it can never
    collide with a real month the analyst has added to data/raw/.
    """
    from helpers.pipeline.verify import mirror_layout

    layout = mirror_layout(Layout.default(ROOT), PERIOD, base)
    for folder in layout.raw.iterdir():
        if folder.is_dir() and folder.name != PERIOD:
            shutil.rmtree(folder)
    return layout


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Layout:
    """The 2021-10 pipeline run once, into a temporary folder (never into outputs/)."""
    from helpers.pipeline.contract import Console
    from helpers.pipeline.runner import run_period

    layout = temp_layout(tmp_path_factory.mktemp("built"))
    code = run_period(PERIOD, layout, force=True, console=Console(quiet=True), progress=False)
    assert code == 0, "the 2021-10 pipeline failed; run `shaoyang-report run --period 2021-10` to see why"
    return layout


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A writable copy of data/raw/ for tests that damage raw files."""
    target = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", target)
    return target


@pytest.fixture
def layout(tmp_path) -> Layout:
    """A fresh, writable mirror of the repository's inputs for one test."""
    return temp_layout(tmp_path / "root")
