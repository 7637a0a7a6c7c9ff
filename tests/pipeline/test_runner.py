"""The pipeline end to end through papermill: outputs, reproducibility, incremental reruns, failures."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from helpers.testing import PERIOD, ROOT
from helpers.testing.layouts import temp_layout
from helpers.cli import main as cli_main
from helpers.io.paths import Layout
from helpers.pipeline import contract, kernel as kernels
from helpers.pipeline.contract import Console
from helpers.pipeline.freshness import published_files
from helpers.pipeline.runner import run_period
from helpers.pipeline.verify import compare, verify_period
from helpers.testing.layouts import copy_built, tree_hashes
from helpers.testing import replay, scenarios
from helpers.testing.runs import fail_if_called, stop_and_record


# ---- A normal run ----------------------------------------------------------------------------------

def test_report_html_exists_and_holds_figures_from_the_report(built):
    page = (built.outputs / PERIOD / "report.html").read_text(encoding="utf-8")
    for printed in ("39.0589万人", "16,869户", "95.55%", "11,836.06万元", "141.5万余吨"):
        assert printed in page, printed
    for name in ("01_clean", "02_campaign_progress", "03_narrative"):
        assert (built.outputs / PERIOD / "notebooks" / f"{name}.ipynb").is_file()
    assert (built.outputs / PERIOD / "audit.html").is_file()
    assert (built.outputs / "index.html").is_file()
    assert {p.name for p in (built.processed / PERIOD).iterdir()} >= {
        "figures.csv", "coverage.csv", "progress.csv", "checks.csv", "changes.csv", "dictionary.csv"}


def test_manifest_records_every_output_with_its_checksum(built):
    manifest = json.loads((built.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == PERIOD
    assert manifest["inputs"][f"data/raw/{PERIOD}/report.txt"].startswith("4ef41827")
    for name, digest in manifest["outputs"].items():
        base = built.outputs.parent
        path = base / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name
    assert "01_clean.period" in manifest["parameters"]
    assert manifest["packages"]["papermill"] and manifest["git_commit"]
    assert set(manifest["stages"]) == set(contract.STAGE_NAMES)


def test_executed_notebooks_carry_no_timings_or_random_ids(built):
    for path in (built.outputs / PERIOD / "notebooks").glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        for word in ("start_time", "end_time", "\"duration\"", "\"execution\":", str(ROOT), "/tmp/"):
            assert word not in text, f"{path.name} contains {word}"
        nb = json.loads(text)
        injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert injected and injected[0]["id"].endswith("injected-parameters")


def test_two_forced_runs_give_identical_bytes(built, tmp_path):
    again = temp_layout(tmp_path / "again")
    assert run_period(PERIOD, again, force=True, console=Console(quiet=True), progress=False) == 0
    first = tree_hashes(built.outputs / PERIOD, built.processed / PERIOD)
    second = tree_hashes(again.outputs / PERIOD, again.processed / PERIOD)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_no_op_rerun_does_no_notebook_work(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    before = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    # Nor does it read the notebooks' parameters (papermill): the manifest recorded them, per notebook.
    def read_again(notebook):
        raise AssertionError(f"{notebook} was inspected again")
    monkeypatch.setattr(contract, "notebook_parameters", read_again)
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, console=console, progress=False) == 0
    assert any("up to date" in line for line in console.lines)
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before


def test_a_stage_reruns_only_when_its_inputs_change_and_says_why(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    glossary = layout.reference / "glossary.csv"  # a campaign's name: one line of the one table of names
    text = glossary.read_text(encoding="utf-8")
    assert text.count("campaign,toilets,农村改厕,") == 1
    glossary.write_text(text.replace("campaign,toilets,农村改厕,", "campaign,toilets,农村厕所革命,"), encoding="utf-8")
    executed = []
    real_execute = kernels.execute

    def spy(notebook, executed_path, *args, **kwargs):
        executed.append(Path(executed_path).stem)  # the stage: one notebook may run as several (editions)
        return real_execute(notebook, executed_path, *args, **kwargs)

    monkeypatch.setattr(kernels, "execute", spy)
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, console=console, progress=False) == 0
    assert executed == ["02_campaign_progress", "03_narrative", "03_narrative.en"]
    assert any("01_clean: unchanged" in line for line in console.lines)
    assert any("02_campaign_progress: running (changed: reference tables" in line for line in console.lines)
    assert "农村厕所革命" in (layout.outputs / PERIOD / "report.html").read_text(encoding="utf-8")


def test_force_reruns_every_stage(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    executed = []

    monkeypatch.setattr(kernels, "execute", stop_and_record(executed))
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, force=True, console=console, progress=False) == 1
    assert executed == ["01_clean"]  # nothing changed, yet the first stage runs
    assert any("forced" in line for line in console.lines)


# ---- Bad input stops before any notebook, and changes nothing ----------------------------------------

def _published_sentinel(layout: Layout) -> dict[str, str]:
    out = layout.outputs / PERIOD
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text("<p>published earlier</p>", encoding="utf-8")
    return tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)


def test_a_period_without_a_raw_folder_stops_with_a_clear_message(layout, monkeypatch, capsys):
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    console = Console(quiet=True)
    assert run_period("2022-03", layout, console=console, progress=False) == 2
    message = "\n".join(console.lines)
    assert "2022-03" in message and "no raw folder" in message and "data/raw/README.md" in message
    assert not (layout.outputs / "2022-03").exists()


@pytest.mark.parametrize("argument", ["2021-13", "2021-1", "October", "2021/10"])
def test_a_malformed_period_is_refused_by_the_command_line(argument, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["run", "--period", argument])
    assert exit_info.value.code == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_a_changed_raw_file_is_refused_before_any_notebook_starts(layout, monkeypatch):
    before = _published_sentinel(layout)
    report = layout.raw / PERIOD / "report.txt"
    report.write_bytes(report.read_bytes().replace("61107".encode(), "61108".encode()))
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, console=console, progress=False) == 2
    message = "\n".join(console.lines)
    assert "report.txt" in message and "changed since it was recorded" in message and "source.yml" in message
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before


def test_a_missing_raw_file_is_named(layout, monkeypatch):
    (layout.raw / PERIOD / "non_figures.csv").unlink()
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, console=console, progress=False) == 2
    assert "non_figures.csv" in "\n".join(console.lines)


def test_a_sidecar_copied_from_another_month_is_refused(layout, monkeypatch):
    sidecar = layout.raw / PERIOD / "source.yml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace('end: "2021-10-31"', 'end: "2021-09-30"'),
                       encoding="utf-8")
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, console=console, progress=False) == 2
    assert "period_covered.end" in "\n".join(console.lines)


def test_a_hand_edited_output_is_not_republished_as_the_pipeline_s(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    figures = layout.processed / PERIOD / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",63950,", ",60000,"), encoding="utf-8")
    executed = []

    monkeypatch.setattr(kernels, "execute", stop_and_record(executed))
    console = Console(quiet=True)
    run_period(PERIOD, layout, console=console, progress=False)
    assert executed == ["01_clean"]
    assert any("edited by hand" in line for line in console.lines)


# ---- A failing notebook keeps what was published, and is kept for debugging ---------------------------

def test_a_failing_notebook_is_kept_and_the_published_outputs_are_untouched(failed_run):
    layout = failed_run  # 39.0589万只 in figures.csv, over a page published earlier; the run failed (exit 2)
    raw = layout.raw / PERIOD
    message = scenarios.console_of(layout, PERIOD)
    assert "01_clean failed at the cell" in message
    # Files are named relative to where the command runs, not to the staging folder the kernel used.
    assert os.path.relpath(raw / "figures.csv") in message and ".staging" not in message
    assert "figures.csv" in message and "'unit'" in message and "万只" in message
    kept = layout.outputs / PERIOD / "failed" / "01_clean.ipynb"
    assert kept.is_file()
    rendered = (layout.outputs / PERIOD / "failed" / "01_clean.html").read_text(encoding="utf-8")
    assert "万只" in rendered and "InputError" in rendered
    nb = json.loads(kept.read_text(encoding="utf-8"))
    assert any("papermill-error-cell-tag" in "".join(c["source"]) or "An Exception was encountered" in "".join(c["source"])
               for c in nb["cells"])
    published = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    assert published == {f"{PERIOD}/report.html": hashlib.sha256(scenarios.PUBLISHED_EARLIER.encode()).hexdigest()}
    assert not (layout.outputs / ".staging" / PERIOD).exists()


@pytest.mark.parametrize("moment, marker", [
    ("while the first notebook runs", "executed/01_clean.ipynb"),
    ("while the last notebook runs", "executed/03_narrative.ipynb"),
])
def test_killing_a_run_leaves_the_previous_outputs_intact(built, tmp_path, monkeypatch, moment, marker):
    layout = copy_built(built, tmp_path / "copy")
    before = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    staging = layout.outputs / ".staging" / PERIOD
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers", "run", "--period", PERIOD, "--force", "--quiet",
         "--root", str(layout.outputs.parent)], start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (staging / marker).exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    still_running = process.poll() is None
    if still_running:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert still_running, f"the run finished before it could be killed {moment}"
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before
    # The killed run's kernel sockets are left in the temporary folder; the next run's kernel removes them.
    from helpers.pipeline.kernel import SOCKETS_PREFIX, remove_stray_socket_folders

    left = set(Path(tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}{process.pid}-*"))
    assert left <= set(remove_stray_socket_folders(Path(tempfile.gettempdir())))
    assert not any(path.exists() for path in left)
    # The next run recovers (staging left behind by the kill is discarded) and republishes the same
    # bytes; its notebooks are played back from the session's build of the same inputs.
    played = replay.install(monkeypatch.setattr, built, PERIOD)
    assert run_period(PERIOD, layout, force=True, console=Console(quiet=True), progress=False) == 0
    assert played == list(contract.STAGE_NAMES)
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before


KILL_BEFORE_PUBLISH = """
import os, sys
from pathlib import Path
from helpers.io.paths import Layout
from helpers.pipeline import runner
from helpers.testing import replay
def killed(*args, **kwargs):
    os.kill(os.getpid(), 9)
runner.swap.publish = killed
replay.install(setattr, Layout.default(Path(sys.argv[2])), "2021-10")  # the notebooks, played back
from helpers.cli import main
sys.exit(main(["run", "--period", "2021-10", "--force", "--quiet", "--root", sys.argv[1]]))
"""


def test_a_run_killed_after_export_just_before_the_publish_leaves_the_previous_outputs(built, tmp_path):
    """Killed with every page written to staging, before the journal: nothing published changes."""
    layout = copy_built(built, tmp_path / "copy")
    before = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    script = tmp_path / "kill_before_publish.py"
    script.write_text(KILL_BEFORE_PUBLISH, encoding="utf-8")
    process = subprocess.run([sys.executable, str(script), str(layout.outputs.parent), str(built.outputs.parent)],
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == -9, process.stderr
    assert (layout.outputs / ".staging" / PERIOD / "out" / "audit.html").is_file()
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before
    assert run_period(PERIOD, layout, console=Console(quiet=True), progress=False) == 0
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before
    assert not (layout.outputs / ".staging" / PERIOD).exists()


# ---- Monthly reruns ---------------------------------------------------------------------------------------

def test_a_new_month_runs_in_parallel_and_says_what_changed(november_built):
    """Both months built by one `run --period 2021-10 --period 2021-11` (in parallel): each page is
    the month's own, the index lists the newer first, and November's changes are flagged."""
    layout = november_built
    changes = (layout.processed / "2021-11" / "changes.csv").read_text(encoding="utf-8")
    flagged = {line.split(",")[0]: line.split(",")[-1] for line in changes.splitlines()[1:]}
    assert flagged["toilets.investment.implied_ratio"] == "implied_target_changed"
    assert flagged["toilets.completed"] == ""  # rose as it should, as of 11月25日
    november = (layout.outputs / "2021-11" / "report.html").read_text(encoding="utf-8")
    assert "62,307户" in november and "1-11月" in november
    october = (layout.outputs / "2021-10" / "report.html").read_text(encoding="utf-8")
    assert "61,107户" in october and "1-11月" not in october
    index = (layout.outputs / "index.html").read_text(encoding="utf-8")
    assert index.index("2021-11/report.html") < index.index("2021-10/report.html")


# ---- Verify ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_verify_passes_against_the_committed_outputs(capsys):
    assert verify_period(PERIOD, Layout.default(ROOT)) == 0, capsys.readouterr().out
    assert "verified" in capsys.readouterr().out


def test_verify_names_each_published_fact_that_changed(built, tmp_path):
    """facts.csv first: a changed number is named by its fact id and label, with old and new as printed."""
    copy = copy_built(built, tmp_path / "copy")
    facts = copy.processed / PERIOD / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace(",95.5543,percent,95.55%,", ",95.5643,percent,95.56%,"),
                     encoding="utf-8")
    page = copy.outputs / PERIOD / "report.html"
    page.write_text(page.read_text(encoding="utf-8").replace(">95.55%<", ">95.56%<"), encoding="utf-8")
    differences, _ = compare(published_files(copy, PERIOD), published_files(built, PERIOD))
    assert differences[0] == f"differs: data/processed/{PERIOD}/facts.csv"
    assert differences[1] == ("    changed: progress.toilets.rate (农村改厕户数:复算完成率): 95.56% -> 95.55% "
                              "[value '95.5643' -> '95.5543']")
    assert f"differs: outputs/{PERIOD}/report.html" in differences


# ---- The shared kernel -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_shared_kernel_gives_each_notebook_a_clean_namespace(tmp_path):
    import nbformat

    def notebook(*sources):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        return nb

    nbformat.write(notebook("left_behind = 41", "import pandas as pd\npd.set_option('display.max_rows', 3)"),
                   tmp_path / "first.ipynb")
    nbformat.write(notebook("import pandas as pd\n"
                            "print('left_behind' in globals(), pd.get_option('display.max_rows'))"),
                   tmp_path / "second.ipynb")
    kernel = kernels.SharedKernel(tmp_path)
    try:
        kernels.execute(tmp_path / "first.ipynb", tmp_path / "executed" / "first.ipynb", tmp_path, {},
                        Console(quiet=True), False, kernel)
        client = kernel.km.client()
        executed = kernels.execute(tmp_path / "second.ipynb", tmp_path / "executed" / "second.ipynb", tmp_path, {},
                                   Console(quiet=True), False, kernel)
        # One client for the run: the second notebook and its reset went through the first one's.
        assert kernel.km.client() is client and client.channels_running
    finally:
        kernel.shutdown()
    output = nbformat.read(executed, as_version=4).cells[0].outputs[0]["text"]
    assert output.strip() == "False 60"


# ---- The stage contract -------------------------------------------------------------------------------

def test_every_parameter_a_notebook_declares_is_one_a_run_fills_typed_and_explained():
    """Each notebook's parameters as papermill reads them: a name the contract knows how to fill, the
    type it fills it with, and the comment on its line (its help); and each stage's declared files
    and edition reach its notebook through one of them."""
    import papermill

    layout = Layout.default(ROOT)
    assert sorted(p.stem for p in layout.notebooks.glob("*.ipynb")) == sorted({s.notebook_stem for s in contract.STAGES})
    for stage in contract.STAGES:
        found = papermill.inspect_notebook(str(stage.notebook(layout)))
        assert found and list(found)[0] == "period", stage.name
        assert contract.parameter_problems(stage.notebook(layout)) == [], stage.name
        for name, info in found.items():
            assert name in contract.PARAMETERS, (stage.name, name)
            assert info["inferred_type_name"] == contract.PARAMETERS[name].type, (stage.name, name)
            assert info["help"].strip(), (stage.name, name)
        assert stage.parameters(layout) == found
        # What the stage declares reaches the notebook: its products, what it reads, its edition.
        assert "products" in found and ("upstream" in found) == bool(stage.upstream), stage.name
        assert ("language" in found) == bool(stage.edition), stage.name


@pytest.mark.parametrize("change, said", [
    (("raw_dir: str", "raw_folder: str"), "parameter 'raw_folder' is not one a run can fill"),
    (("raw_dir: str =", "raw_dir ="), "parameter 'raw_dir' is typed None, but a run gives it a str"),
    (("  # the period's raw files (read only)", ""), "parameter 'raw_dir' has no comment on its line"),
])
def test_a_notebook_whose_parameters_a_run_cannot_fill_stops_the_stage_named(tmp_path, change, said):
    """A parameter renamed (raw_dir -> raw_folder), left untyped or left unexplained in the notebook is
    named, with what to do, before the stage runs."""
    stage = contract.stage("01_clean")
    text = stage.notebook(Layout.default(ROOT)).read_text(encoding="utf-8")
    assert change[0] in text
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "01_clean.ipynb").write_text(text.replace(*change), encoding="utf-8")
    layout = Layout(raw=ROOT / "data" / "raw", processed=tmp_path / "processed", outputs=tmp_path / "outputs",
                    reference=ROOT / "data" / "reference", notebooks=notebooks)
    assert any(said in problem for problem in contract.parameter_problems(stage.notebook(layout)))
    with pytest.raises(contract.RunFailed, match=f"01_clean cannot be run: .*{said}"):
        stage.parameter_values(contract.RunContext(PERIOD, layout, tmp_path / "staging"))


def test_runs_inject_exactly_the_contract_s_parameters(built):
    manifest = json.loads((built.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    for stage in contract.STAGES:
        injected = {k.rsplit(".", 1)[1] for k in manifest["parameters"] if k.rsplit(".", 1)[0] == stage.name}
        recorded = set(manifest["stages"][stage.name]["parameters"])
        assert injected == set(stage.parameters(Layout.default(ROOT))) == recorded
        nb = json.loads((built.outputs / PERIOD / "notebooks" / f"{stage.name}.ipynb").read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
        assert {line.split(" = ")[0] for line in "".join(cell["source"]).splitlines() if " = " in line} == injected


def test_only_the_socket_folders_of_runs_that_are_gone_are_removed(tmp_path):
    """A kernel's socket folder is named after its run's pid: removed once that process is gone,
    kept while it runs, and anything else in the temporary folder is left alone."""
    from helpers.pipeline.kernel import SOCKETS_PREFIX, remove_stray_socket_folders

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    gone = tmp_path / f"{SOCKETS_PREFIX}{finished.pid}-abc"
    running = tmp_path / f"{SOCKETS_PREFIX}{os.getpid()}-def"
    other = tmp_path / f"{SOCKETS_PREFIX}notapid-ghi"
    unrelated = tmp_path / "kernel-1234-xyz"
    for folder in (gone, running, other, unrelated):
        folder.mkdir()
        (folder / "k-1").write_text("", encoding="utf-8")
    assert remove_stray_socket_folders(tmp_path) == [gone]
    assert not gone.exists() and running.exists() and other.exists() and unrelated.exists()
