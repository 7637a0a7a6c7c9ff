"""Hygiene as habits: pre-commit hooks that run offline on the environment's own tools, a .gitignore
that covers what running notebooks by hand leaves behind, a named Jupyter kernel, `make lab` as root
or as a user, and a way to run a notebook by hand that leaves the tree clean.

The slow tests work in a copy of the working tree made into its own git repository, so they see
exactly what a fresh clone would, and never touch this checkout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from helpers.testing import ROOT

BIN = Path(sys.executable).parent
ENV = BIN.parent
KERNEL = "shaoyang-report"

spec = importlib.util.spec_from_file_location("check_sizes", ROOT / "tools" / "check_sizes.py")
check_sizes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_sizes)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args], cwd=cwd,
                          capture_output=True, text=True, check=True).stdout


def _clone_of_the_working_tree(target: Path) -> Path:
    """The files a fresh clone of this working tree would hold (tracked and new, not ignored), committed."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split("\0")[:-1]
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)  # keeps mtimes: make sees the environment as up to date
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-qm", "a fresh clone")
    return target


def _environment() -> dict:
    """This test's environment for make and the hooks: the interpreter running the tests, never conda's,
    and no make of an outer `make test` (whose MAKEFLAGS would make a nested make print its directory)."""
    outer = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    return {**{k: v for k, v in os.environ.items() if k not in outer}, "VENV": str(ENV), "CONDA_DEFAULT_ENV": "",
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def test_gitignore_covers_what_by_hand_runs_builds_and_editors_leave():
    leftovers = ["notebooks/01_clean.nbconvert.ipynb", "build/lib/helpers/cli.py", "build/notebooks/2021-10/x.ipynb",
                 "dist/shaoyang_report-0.1.0.tar.gz", "notebooks/.ipynb_checkpoints/01_clean-checkpoint.ipynb",
                 "src/shaoyang_report.egg-info/PKG-INFO", ".ruff_cache/CACHEDIR.TAG", "notes.txt~",
                 "notebooks/.01_clean.ipynb.swp", "data/processed/2021-10/.figures.csv.abc.tmp", ".DS_Store"]
    result = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", "--non-matching", *leftovers], cwd=ROOT,
                            capture_output=True, text=True)
    unignored = [line.split("\t")[1] for line in result.stdout.splitlines() if line.startswith("::")]
    assert unignored == [], f".gitignore does not cover {unignored}"
    # ... and ignores nothing that is committed.
    assert subprocess.run(["git", "ls-files", "-ci", "--exclude-standard"], cwd=ROOT, capture_output=True,
                          text=True).stdout == ""


def test_nbstripout_keeps_committed_notebooks_as_they_are_and_strips_a_run(tmp_path):
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy(path, tmp_path / path.name)
    ran = tmp_path / "run" / "01_clean.ipynb"
    ran.parent.mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "01_clean.ipynb", as_version=4)
    code = next(cell for cell in nb.cells if cell.cell_type == "code")
    code.execution_count = 3
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="/home/analyst/secret/path\n")]
    code.metadata["execution"] = {"iopub.execute_input": "2026-12-01T10:00:00Z"}
    nbformat.write(nb, ran)
    dry_run = subprocess.run([BIN / "nbstripout", "--keep-id", "--dry-run", *sorted(tmp_path.glob("*.ipynb")), ran],
                             capture_output=True, text=True, check=True)
    assert dry_run.stdout.splitlines() == [f"Dry run: would have stripped {ran}"], \
        "the committed notebooks are as the hook leaves them; only the run is stripped"
    subprocess.run([BIN / "nbstripout", "--keep-id", ran], check=True)
    assert ran.read_bytes() == (ROOT / "notebooks" / "01_clean.ipynb").read_bytes(), \
        "stripping a run gives back the committed notebook, cell ids and all"


def test_ruff_passes_on_the_tree_and_catches_a_mistake(tmp_path):
    result = subprocess.run([BIN / "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "mistake.py").write_text("import os\n\n\ndef f():\n    return undefined_name\n", encoding="utf-8")
    result = subprocess.run([BIN / "ruff", "check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and "F401" in result.stdout and "F821" in result.stdout


def test_committed_files_are_within_their_size_limits(tmp_path):
    assert check_sizes.oversized(check_sizes.tracked()) == []
    assert check_sizes.limit_for("outputs/2021-10/report.html")[0] == 500_000
    assert check_sizes.limit_for("outputs/2021-10/report.en.html")[0] == 500_000
    # The auditor's edition too (it once had the general 2,000 KB limit and reached 632 KB with a year of months).
    assert check_sizes.limit_for("outputs/2021-10/audit.html")[0] == 500_000
    assert check_sizes.limit_for("outputs/2021-10/notebooks/03_narrative.ipynb")[0] == 2_000_000
    page = tmp_path / "outputs" / "2021-11" / "report.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(b"x" * 600_000)
    (problem,) = check_sizes.oversized(["outputs/2021-11/report.html"], root=tmp_path)
    assert problem.startswith("outputs/2021-11/report.html: 600 KB, over its limit of 500 KB: a published page")
    (page.parent / "audit.html").write_bytes(b"x" * 632_000)
    (problem,) = check_sizes.oversized(["outputs/2021-11/audit.html"], root=tmp_path)
    assert problem.startswith("outputs/2021-11/audit.html: 632 KB, over its limit of 500 KB")


def test_the_notebooks_name_the_project_kernel_and_the_environment_has_it():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"] == KERNEL, path.name
    spec_file = ENV / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json"
    assert spec_file.is_file(), f"no {KERNEL} kernel in {ENV}: run make env"
    argv = json.loads(spec_file.read_text(encoding="utf-8"))["argv"]
    assert Path(argv[0]).resolve() == Path(sys.executable).resolve(), "the kernel runs this environment's Python"


def test_make_lab_adds_allow_root_for_root_only_and_passes_lab_args():
    def plan(*args):
        result = subprocess.run(["make", "-n", "lab", *args], cwd=ROOT, capture_output=True, text=True, env=_environment())
        return result.stdout.strip().splitlines()[-1]

    assert plan("USER_ID=0", "LAB_ARGS=--port 8899 --no-browser").endswith(
        "jupyter lab notebooks/ --allow-root --port 8899 --no-browser")
    assert "--allow-root" not in plan("USER_ID=1000")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_make_lab_starts_here_with_a_port_from_lab_args_and_offers_the_project_kernel(tmp_path):
    clone = _clone_of_the_working_tree(tmp_path / "clone")
    port = _free_port()
    args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token=t --ServerApp.open_browser=False"
    lab = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}", "-o", f"{ENV}/.installed"], cwd=clone,
                           env={**_environment(), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        specs, deadline = None, time.monotonic() + 90
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs?token=t", timeout=2) as reply:
                    specs = json.load(reply)
                break
            except OSError:
                time.sleep(0.5)
        if specs is None:
            lab.terminate()
            pytest.fail(f"JupyterLab did not answer on port {port}:\n{lab.communicate(timeout=30)[0][-3000:]}")
        assert KERNEL in specs["kernelspecs"], f"JupyterLab offers {sorted(specs['kernelspecs'])}"
        assert specs["kernelspecs"][KERNEL]["spec"]["argv"][0] == str(BIN / "python")
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, 15)
            lab.wait(timeout=30)
    assert _git(clone, "status", "--porcelain") == ""


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_running_a_notebook_by_hand_leaves_the_tree_clean(tmp_path):
    clone = _clone_of_the_working_tree(tmp_path / "clone")
    # The documented way: make notebook NB=… runs it with a run's parameters in build/.
    result = subprocess.run(["make", "notebook", "NB=01_clean", "-o", f"{ENV}/.installed"], cwd=clone,
                            capture_output=True, text=True, env=_environment())
    assert result.returncode == 0, result.stderr[-3000:]
    executed = clone / "build" / "notebooks" / "2021-10" / "01_clean.ipynb"
    nb = nbformat.read(executed, as_version=4)
    assert any(cell.get("outputs") for cell in nb.cells), "the executed notebook keeps its outputs to read"
    assert (clone / "build" / "notebooks" / "2021-10" / "processed" / "figures.csv").is_file()
    assert _git(clone, "status", "--porcelain") == ""
    # The Jupyter way, on the kernel the notebook names: its copy beside the notebook is ignored, and
    # what it rewrites in the published folder comes out byte for byte the same.
    result = subprocess.run([BIN / "jupyter", "nbconvert", "--to", "notebook", "--execute",
                             "notebooks/01_clean.ipynb"], cwd=clone, capture_output=True, text=True, env=_environment())
    assert result.returncode == 0, result.stderr[-3000:]
    assert (clone / "notebooks" / "01_clean.nbconvert.ipynb").is_file()
    assert _git(clone, "status", "--porcelain") == ""


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_pre_commit_hooks_run_offline_and_stop_a_notebook_with_outputs(tmp_path):
    clone = _clone_of_the_working_tree(tmp_path / "clone")
    env = {**_environment(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}
    run_all = subprocess.run([BIN / "pre-commit", "run", "--all-files"], cwd=clone, capture_output=True, text=True, env=env)
    assert run_all.returncode == 0, run_all.stdout
    subprocess.run([BIN / "pre-commit", "install"], cwd=clone, check=True, capture_output=True, env=env)
    notebook = clone / "notebooks" / "02_campaign_progress.ipynb"
    committed = notebook.read_bytes()
    nb = nbformat.read(notebook, as_version=4)
    code = next(cell for cell in nb.cells if cell.cell_type == "code")
    code.execution_count, code.outputs = 1, [nbformat.v4.new_output("stream", name="stdout", text="run by hand\n")]
    nbformat.write(nb, notebook)
    (clone / "scratch.py").write_text("import os\n", encoding="utf-8")
    _git(clone, "add", "-A")
    attempt = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e.org", "commit", "-m", "outputs"],
                             cwd=clone, capture_output=True, text=True, env=env)
    report = attempt.stdout + attempt.stderr
    assert attempt.returncode != 0, "the commit is stopped"
    assert "(nbstripout)" in report and "Failed" in report and "files were modified by this hook" in report
    assert "F401" in report, "ruff names the unused import"
    assert notebook.read_bytes() == committed, "the hook stripped the notebook back to its committed form"
