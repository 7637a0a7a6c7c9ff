"""The command line: help that explains, clear refusals, and the notebooks' own defaults."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers.testing import ROOT
from helpers.cli import build_parser, main


def test_help_lists_every_command_and_example(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for word in ("run", "verify", "draft", "add-period", "seal", "--period 2021-10", "exit codes"):
        assert word in text


@pytest.mark.parametrize("command", ["run", "verify", "draft", "add-period", "seal"])
def test_every_option_is_explained(command):
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]
    for action in sub._actions:
        if action.dest != "help":
            assert action.help and len(action.help) > 15, f"{command} {action.dest} lacks a helpful --help line"


def test_run_without_a_period_says_how_to_give_one(capsys):
    assert main(["run"]) == 2
    assert "--period YYYY-MM" in capsys.readouterr().err


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_console_script_and_module_entry_points_answer():
    result = subprocess.run([sys.executable, "-m", "helpers", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "shaoyang-report" in result.stdout
    script = shutil.which("shaoyang-report", path=str(ROOT / ".venv" / "bin")) or shutil.which("shaoyang-report")
    if script:
        assert subprocess.run([script, "run", "--help"], capture_output=True).returncode == 0


def test_draft_command_writes_a_csv_for_the_real_report(tmp_path, capsys):
    out = tmp_path / "draft.csv"
    assert main(["draft", str(ROOT / "data" / "raw" / "2021-10" / "report.txt"), "--period", "2021-10",
                 "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("figure_id,section,campaign,metric")
    assert sum(",figure," in line for line in lines) == 63


@pytest.mark.slow
def test_notebooks_run_top_to_bottom_with_their_default_parameters(tmp_path):
    """As in JupyterLab: each notebook's defaults, run from notebooks/ in a copy of the repository."""
    import papermill

    base = tmp_path / "repo"
    for folder in ("notebooks", "data/raw", "data/reference"):
        shutil.copytree(ROOT / folder, base / folder)
    for name in ("01_clean", "02_campaign_progress", "03_narrative"):
        papermill.execute_notebook(str(base / "notebooks" / f"{name}.ipynb"), str(tmp_path / f"{name}.out.ipynb"),
                                   kernel_name="python3", cwd=str(base / "notebooks"), progress_bar=False)
    assert (base / "data" / "processed" / "2021-10" / "checks.csv").is_file()
    assert (base / "outputs" / "2021-10" / "figures" / "completion.png").is_file()


# ---- Parallel periods --------------------------------------------------------------------------------

def test_workers_are_forked_only_from_a_process_with_one_thread_and_no_zeromq(monkeypatch):
    """A process that has loaded ZeroMQ (it ran kernels) or runs other threads forks its workers
    from a fresh server; the command line, which has neither, forks them itself."""
    import threading

    from helpers import cli

    monkeypatch.delitem(sys.modules, "zmq", raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert cli._fork_is_safe()
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not cli._fork_is_safe()
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setitem(sys.modules, "zmq", object())
    assert not cli._fork_is_safe()


@pytest.mark.slow
def test_the_command_line_builds_two_periods_on_forked_workers(built, tmp_path):
    """`run --period A --period B` from the command line: each period handled by a forked worker,
    with its own console lines (October, built already, is up to date; November is published)."""
    from helpers.testing import synthetic
    from helpers.testing.layouts import copy_built

    layout = copy_built(built, tmp_path / "copy")
    synthetic.make_period(layout.raw, "2021-11")
    probe = ("import multiprocessing, runpy, sys; chosen = []; get = multiprocessing.get_context\n"
             "multiprocessing.get_context = lambda method=None: chosen.append(method) or get(method)\n"
             "sys.argv = ['shaoyang-report', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('helpers', run_name='__main__')\n"
             "finally:\n    print('contexts:', chosen)\n")
    done = subprocess.run([sys.executable, "-c", probe, "run", "--root", str(tmp_path / "copy"), "--period", "2021-10",
                           "--period", "2021-11", "--jobs", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "contexts: ['fork']" in done.stdout
    said = done.stdout + done.stderr
    assert "[2021-10] 2021-10 is up to date: nothing to do" in said  # built already: its worker says so
    assert "[2021-11] 2021-11: published" in said
    assert (layout.outputs / "2021-11" / "report.html").is_file()
