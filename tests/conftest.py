"""Shared fixtures: the repository's folders, and one pipeline build of 2021-10 per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.io.paths import Layout
from helpers.testing import PERIOD, ROOT
from helpers.testing.layouts import temp_layout


@pytest.fixture(scope="session")
def repo_layout() -> Layout:
    return Layout.default(ROOT)


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
