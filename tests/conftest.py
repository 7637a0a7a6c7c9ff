"""Shared fixtures: the repository's folders, and each scenario built once per test run.

The tiers (README, "For maintainers"):
- `make check`: every test that runs no notebook and starts no browser (`-m "not slow and not browser"`),
  on two pytest-xdist workers;
- `make test`: the whole suite, on two pytest-xdist workers.

A scenario (`helpers.testing.scenarios`: `built` is 2021-10; `november_built`, `months_built`,
`year_end_built`, `failed_run`) is built once per test run, by whichever worker asks first, under a file lock in
the run's shared temporary folder; the other worker waits and reads the same folder. Tests only
read a scenario; one that needs to change something works on `copy_built(scenario, tmp_path / ...)`.
At the end of the run every scenario is hashed again, and a test run in which one changed fails.

Two rules are enforced here rather than trusted:
- a test that uses a scenario is marked `slow` (and given a longer time limit, since it may be
  the one that waits for the build);
- a test not marked `slow` cannot start a notebook kernel: it fails, saying to mark it.
"""

from __future__ import annotations

import json
import shutil
import traceback
from pathlib import Path

import pytest

from helpers.io.paths import Layout
from helpers.testing import ROOT, scenarios
from helpers.testing.layouts import temp_layout, tree_hashes

# Scenario fixtures, by the builder in helpers.testing.scenarios that makes them.
SCENARIOS = {"built": "base", "november_built": "november", "months_built": "months", "year_end_built": "year_end",
             "failed_run": "failed"}
# A test that may wait for a scenario's build gets this many seconds (pytest-timeout's limit is 60).
SCENARIO_TIMEOUT = 600


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test that uses a scenario as slow (before `-m` selects), with a longer time limit."""
    for item in items:
        if set(getattr(item, "fixturenames", ())) & set(SCENARIOS):
            item.add_marker(pytest.mark.slow)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(SCENARIO_TIMEOUT))


class NotebookInFastTest(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _no_kernel_unless_slow(request, monkeypatch):
    """A test that is not marked slow must not start a notebook kernel (the fast tier runs none)."""
    if request.node.get_closest_marker("slow") is None:
        from helpers.pipeline import kernel as kernels

        def refuse(*args, **kwargs):
            raise NotebookInFastTest(f"{request.node.nodeid} starts a notebook kernel: mark it "
                                     "@pytest.mark.slow (or use a scenario fixture), so `make check` stays fast")
        monkeypatch.setattr(kernels.SharedKernel, "__init__", refuse)
    yield


# ---- Scenarios, built once per run ----------------------------------------------------------------------

def _shared_root(config, tmp_path_factory) -> Path:
    """The run's temporary folder shared by all xdist workers (each worker has its own below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


@pytest.fixture(scope="session")
def _scenario_registry(request, tmp_path_factory):
    """Builds scenarios on demand, once per run, and checks at the end that no test changed one."""
    from filelock import FileLock

    root = _shared_root(request.config, tmp_path_factory) / "scenarios"
    root.mkdir(parents=True, exist_ok=True)
    used: dict[str, Path] = {}

    def get(name: str) -> Layout:
        folder = root / name
        with FileLock(str(root / f"{name}.lock")):
            failed = root / f"{name}.failed"
            if failed.is_file():
                pytest.fail(f"the {name} scenario failed to build earlier in this run:\n"
                            f"{failed.read_text(encoding='utf-8')}", pytrace=False)
            if not (root / f"{name}.hashes.json").is_file():
                if folder.exists():
                    shutil.rmtree(folder)  # a build that died half-way (the worker was killed)
                try:
                    scenarios.BUILDERS[name](folder)
                except Exception:  # noqa: BLE001 - recorded so that every test of the scenario says why
                    failed.write_text(traceback.format_exc(), encoding="utf-8")
                    raise
                (root / f"{name}.hashes.json").write_text(json.dumps(tree_hashes(folder)), encoding="utf-8")
        used[name] = folder
        return Layout.default(folder)

    yield get
    changed = []
    for name, folder in used.items():
        recorded = json.loads((root / f"{name}.hashes.json").read_text(encoding="utf-8"))
        now = tree_hashes(folder)
        differ = sorted(k for k in recorded.keys() | now.keys() if recorded.get(k) != now.get(k))
        if differ:
            changed.append(f"{name}: {', '.join(differ[:5])}{' …' if len(differ) > 5 else ''}")
    assert not changed, ("a test changed a shared scenario (tests must only read it; use "
                         "helpers.testing.layouts.copy_built to change a copy): " + "; ".join(changed))


@pytest.fixture(scope="session")
def built(_scenario_registry) -> Layout:
    """2021-10 built once, into a temporary folder (never into outputs/)."""
    return _scenario_registry("base")


@pytest.fixture(scope="session")
def november_built(_scenario_registry) -> Layout:
    """2021-10 and a consistent November with a misprinted total, built in parallel by the command line."""
    return _scenario_registry("november")


@pytest.fixture(scope="session")
def months_built(_scenario_registry) -> Layout:
    """2021-10, November and December added through the intake loop and built in turn."""
    return _scenario_registry("months")


@pytest.fixture(scope="session")
def year_end_built(_scenario_registry) -> Layout:
    """October, a November with a misprinted total and the year-end month with every new thing
    (helpers.testing.year_end), November and December built."""
    return _scenario_registry("year_end")


@pytest.fixture(scope="session")
def failed_run(_scenario_registry) -> Layout:
    """2021-10 with a unit the cleaning refuses, run over a page published earlier: the run failed."""
    return _scenario_registry("failed")


# ---- Writable copies ---------------------------------------------------------------------------------------

@pytest.fixture
def layout(tmp_path) -> Layout:
    """A fresh, writable mirror of the repository's inputs for one test."""
    return temp_layout(tmp_path / "root")


@pytest.fixture(scope="session")
def repo_layout() -> Layout:
    return Layout.default(ROOT)
