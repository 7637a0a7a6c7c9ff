"""Issue 20, items 1 and 2: a published month is verified against what built it, and `status` says
what built each month and what today's code would change.

One scenario, built once per test run (building it costs a pipeline run; pytest-xdist workers share
it under a file lock, as tests/conftest.py shares its scenarios): a temporary git repository holding
this checkout's code and the 2021-10 inputs, with 2021-10 built and its outputs committed, and then
a later commit that changes code (a comment), reference data that October does not use (a glossary
row) and reference data it does (a relation removed: three of October's published numbers change).
Tests only read it; one that damages something works on a copy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.io.paths import Layout
from helpers.io.reference import append_rows
from helpers.pipeline.contract import Console
from helpers.pipeline.runner import run_period
from helpers.pipeline.verify import verify_period
from helpers.testing import PERIOD, ROOT
from helpers.testing.layouts import tree_hashes

# Slow, and given the scenarios' time limit: the first test waits for the build, and a verify rebuilds.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

GLOSSARY_ROW = {"kind": "figure", "id": "toilets.inspected", "zh": "已验收农村改厕户数",
                "en": "Rural toilet renovations inspected", "reference": "descriptive translation",
                "note": "a figure of a later month"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="session")
def archive(request, tmp_path_factory) -> Layout:
    """A repository where 2021-10 was built and committed, then code and reference data changed;
    built once per run, by whichever worker asks first."""
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    shared = (shared.parent if hasattr(request.config, "workerinput") else shared) / "scenarios"
    shared.mkdir(parents=True, exist_ok=True)
    base = shared / "archive" / "repo"
    with FileLock(str(shared / "archive.lock")):
        if not (shared / "archive.built").is_file():
            if base.parent.exists():
                shutil.rmtree(base.parent)  # a build that died half-way
            _build_archive(base)
            (shared / "archive.built").write_text("built\n", encoding="utf-8")
    return Layout.default(base)


def _build_archive(base: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    for folder in ("src", "notebooks", f"data/raw/{PERIOD}", "data/reference"):
        shutil.copytree(ROOT / folder, base / folder, ignore=ignore)
    for name in ("pyproject.toml", "requirements.lock", ".gitignore"):
        shutil.copy2(ROOT / name, base / name)
    git(base, "init", "--quiet")
    git(base, "add", "-A")
    git(base, "commit", "--quiet", "-m", "The code and the October inputs")
    layout = Layout.default(base)
    assert run_period(PERIOD, layout, force=True, console=Console(quiet=True), progress=False) == 0
    git(base, "add", "-A")
    git(base, "commit", "--quiet", "-m", "Add October 2021 report")
    # Later work, committed after October was published.
    clean = base / "src" / "helpers" / "audit" / "clean.py"
    clean.write_text(clean.read_text(encoding="utf-8") + "\n# A later comment: the code changed after October.\n",
                     encoding="utf-8")
    append_rows(base / "data" / "reference" / "glossary.csv", [GLOSSARY_ROW])  # by column, whatever the columns
    relations = base / "data" / "reference" / "relations.csv"
    relations.write_text("".join(line for line in relations.read_text(encoding="utf-8").splitlines(keepends=True)
                                 if not line.startswith("housing.target_restated,")), encoding="utf-8")
    git(base, "commit", "--quiet", "-am", "Later code and reference data")


def test_a_month_verifies_as_it_was_built_whatever_was_committed_after(archive, capsys):
    before = tree_hashes(archive.outputs, archive.processed)
    assert verify_period(PERIOD, archive) == 0, capsys.readouterr()
    said = capsys.readouterr()
    assert "verified as it was built" in said.out
    built_by = json.loads((archive.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))["git_commit"]
    assert f"code commit {built_by[:12]}" in said.err
    assert tree_hashes(archive.outputs, archive.processed) == before
    assert git(archive.outputs.parent, "status", "--porcelain") == "", "verify writes nothing into the repository"


def test_verify_today_names_what_today_s_code_would_change_by_file_and_fact(archive, capsys):
    assert verify_period(PERIOD, archive, today=True) == 1
    out = capsys.readouterr().out
    assert "today's code would change" in out
    assert f"differs: data/processed/{PERIOD}/facts.csv" in out
    assert "changed: audit.checks (核对总项数): 31 -> 30 [value '31' -> '30'; inputs -housing.target_restated]" in out
    assert f"differs: data/processed/{PERIOD}/checks.csv\n    removed housing.target_restated" in out
    page = out.split(f"differs: outputs/{PERIOD}/report.html\n", 1)[1]
    assert page.startswith("    headline.checked (复算核对项数): 22 -> 21")
    assert "data/reference/relations.csv" in out and "data/reference/glossary.csv" in out  # the manifest's inputs


def test_status_says_what_built_each_month_and_why_today_s_code_would_change_it(archive):
    from helpers.pipeline import environment
    from helpers.pipeline.status import status

    lines = []
    assert status(archive, out=lines.append) == 0
    october = next(line for line in lines if line.startswith(PERIOD))
    built_by = json.loads((archive.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))["git_commit"]
    assert f"built by {built_by[:12]} (Python {environment.python_version()}, " in october
    assert "inputs sealed" in october
    assert "a run would republish it: " in october
    assert "code (src/helpers/audit/clean.py)" in october
    assert "reference data (glossary.csv, relations.csv)" in october
    assert "index.html  up to date" in lines


def test_verify_names_each_package_of_an_environment_it_cannot_make(archive, monkeypatch, capsys):
    from helpers.pipeline import environment

    recorded = json.loads((archive.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))["environment"]
    here = dict(recorded["distributions"], matplotlib="3.10.9")
    del here["pillow"]
    monkeypatch.setattr(environment, "installed", lambda: here)
    assert verify_period(PERIOD, archive) == 2
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if line.startswith("error: ")]) == 1 and "Traceback" not in err
    assert f"matplotlib {recorded['distributions']['matplotlib']} -> 3.10.9" in err
    assert "gone from here: pillow" in err
    assert f"'matplotlib=={recorded['distributions']['matplotlib']}'" in err and "verify --today" in err


@pytest.mark.parametrize("commit, words", [
    ("0" * 40, "is not in this repository"),
    ("1234567890123456789012345678901234567890+uncommitted-changes", "uncommitted changes to the code"),
])
def test_verify_says_why_a_month_cannot_be_rebuilt_as_built(archive, tmp_path, capsys, commit, words):
    copy = tmp_path / "repo"
    shutil.copytree(archive.outputs.parent, copy)
    manifest = copy / "outputs" / PERIOD / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["git_commit"] = commit
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert verify_period(PERIOD, Layout.default(copy)) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and words in errors[0] and "verify --today" in errors[0] and "Traceback" not in err
