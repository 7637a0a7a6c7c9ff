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
