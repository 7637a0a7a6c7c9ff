"""Issue 12, replayed end to end: published pages that can't drift, safe links, strict
transcriptions, manifests of the wrong shape, kills during the swap, literal chart text and
bounded failures. Each case ends in a rebuilt, correct output or a named error with exit code
not 0, and never in a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings

import pytest
import yaml

from helpers.testing import PERIOD
from helpers.audit import clean
from helpers.io import rawdata
from helpers.io.writers import write_csv
from helpers.io.errors import InputWarning
from helpers.pipeline import freshness, kernel as kernels, manifest, swap
from helpers.pipeline.contract import STAGE_NAMES, Console
from helpers.pipeline.runner import run_period
from helpers.pipeline.verify import verify_period
from helpers.testing import replay, synthetic
from helpers.testing.layouts import copy_built, tree_hashes
from helpers.testing.runs import fail_if_called

def run(layout, **kwargs) -> tuple[int, str]:
    console = Console(quiet=True)
    code = run_period(PERIOD, layout, console=console, progress=False, **kwargs)
    return code, "\n".join(console.lines)


# ---- 1. A published page can't drift silently -----------------------------------------------------

def test_a_hand_edited_page_is_named_and_republished(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    page = layout.outputs / PERIOD / "report.html"
    text = page.read_text(encoding="utf-8")
    assert "16,869" in text
    page.write_text(text.replace("16,869", "16,896", 1), encoding="utf-8")
    monkeypatch.setattr(kernels, "execute", fail_if_called)  # the stages are reused; only the pages are rebuilt
    code, said = run(layout)
    assert code == 0
    assert f"outputs/{PERIOD}/report.html differs from what manifest.json records" in said
    assert page.read_bytes() == (built.outputs / PERIOD / "report.html").read_bytes()


def test_a_deleted_page_is_named_and_rebuilt(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    (layout.outputs / PERIOD / "audit.html").unlink()
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    assert code == 0 and f"outputs/{PERIOD}/audit.html is missing" in said
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == \
        tree_hashes(built.outputs / PERIOD, built.processed / PERIOD)


def test_a_hand_edited_processed_table_reruns_its_stage(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    checks = layout.processed / PERIOD / "checks.csv"
    checks.write_text(checks.read_text(encoding="utf-8").replace("mismatch", "pass"), encoding="utf-8")
    played = replay.install(monkeypatch.setattr, built, PERIOD)  # the stage's notebook, played back
    code, said = run(layout)
    assert code == 0 and "02_campaign_progress: running (its published outputs are missing or were edited" in said
    assert played == ["02_campaign_progress"]
    assert checks.read_bytes() == (built.processed / PERIOD / "checks.csv").read_bytes()


def test_a_file_the_pipeline_did_not_make_stops_the_run_and_is_named(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    (layout.outputs / PERIOD / "notes-for-the-webmaster.txt").write_text("keep me", encoding="utf-8")
    before = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout, force=True)
    assert code == 2 and f"outputs/{PERIOD}/notes-for-the-webmaster.txt" in said and "Move them elsewhere" in said
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before


# ---- 2 and 7. Data drawn into pages and charts: links only for http(s), text always literal ---------

@pytest.mark.slow
def test_a_javascript_address_and_a_dollar_label_publish_safely(layout):
    source = layout.raw / PERIOD / "source.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["address"] = "javascript:alert(4)"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    glossary = layout.reference / "glossary.csv"  # the target's label, said only there
    text = glossary.read_text(encoding="utf-8")
    assert text.count("target,toilets,农村改厕户数,") == 1
    glossary.write_text(text.replace("target,toilets,农村改厕户数,", "target,toilets,农村改厕户数$$,"), encoding="utf-8")
    code, said = run(layout)
    assert code == 0, said
    published = [layout.outputs / PERIOD / name for name in ("report.html", "audit.html",
                                                             "notebooks/03_narrative.ipynb")]
    for path in published:
        text = path.read_text(encoding="utf-8").lower()
        assert "javascript:alert(4)" in text, f"the address is shown in {path.name}"
        assert 'href="javascript' not in text and "href=\\\"javascript" not in text, path.name
    alt = json.loads((layout.outputs / PERIOD / "figures" / "completion.json").read_text(encoding="utf-8"))["alt"]
    assert "农村改厕户数$$" in alt


# ---- 3, 4 and 9. Strict transcriptions, named before any notebook starts ------------------------------

def _rewrite_header(layout, old: str, new: str) -> None:
    path = layout.raw / PERIOD / "figures.csv"
    lines = path.read_text(encoding="utf-8").split("\n", 1)
    header = lines[0].split(",")
    if new:
        header[header.index(old)] = new
        path.write_text(",".join(header) + "\n" + lines[1], encoding="utf-8")
    else:  # drop the column from every row
        import csv
        import io

        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        index = rows[0].index(old)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([r[:index] + r[index + 1:] for r in rows])
        path.write_text(buffer.getvalue(), encoding="utf-8")
    synthetic.reseal(layout.raw / PERIOD, "figures.csv")


@pytest.mark.parametrize("old, new, words", [
    ("label", "", "figures.csv, line 1, field 'label': missing column(s) label"),
    ("note", "notes", "figures.csv, line 1, field 'note': missing column(s) note"),
])
def test_a_transcription_without_a_required_column_is_refused(layout, monkeypatch, old, new, words):
    _rewrite_header(layout, old, new)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    assert code == 2 and words in said
    if new:
        assert "'notes' looks like 'note'" in said
    assert not (layout.outputs / PERIOD).exists()


def test_an_unknown_column_is_named_in_a_warning(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    path = layout.raw / PERIOD / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",reviewer"] + [line + "," for line in lines[1:]]) + "\n", encoding="utf-8")
    synthetic.reseal(layout.raw / PERIOD, "figures.csv")
    # The cleaning ignores the column: the same figures as without it (what 01_clean computes) ...
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        with_column, _ = clean.clean_period(layout.raw / PERIOD, rawdata.load_source(layout.raw / PERIOD))
    written = write_csv(with_column, tmp_path / "figures.csv")
    assert written.read_bytes() == (built.processed / PERIOD / "figures.csv").read_bytes()
    # ... so the run's notebooks are played back from the build without it.
    replay.install(monkeypatch.setattr, built, PERIOD, allow={"raw inputs"})
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        code, said = run(layout)
    assert code == 0
    assert "warning: " in said and "field 'reviewer': unknown column 'reviewer' is ignored" in said
    assert said.count("unknown column 'reviewer'") == 1, "named once, on the console"
    assert not [w for w in leaked if "reviewer" in str(w.message)], "and not again as a Python warning"


@pytest.mark.parametrize("content, words", [
    (b"", "report.txt: the file is empty"),
    (b"x" * 1_500_000, "report.txt: the file is 1.5 MB; a bureau report is a few KB"),
])
def test_an_empty_or_huge_report_is_refused_before_any_notebook(layout, monkeypatch, content, words):
    (layout.raw / PERIOD / "report.txt").write_bytes(content)
    synthetic.reseal(layout.raw / PERIOD, "report.txt")
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    assert code == 2 and words in said and "Traceback" not in said


# ---- 5. A manifest of the wrong shape ------------------------------------------------------------------

MANIFEST_SHAPES = ['{"stages": "x"}', "[1, 2]", '{"outputs": {}, "stages": {"01_clean": 3}, "inputs": {}}', "not json"]


@pytest.mark.parametrize("content", MANIFEST_SHAPES)
def test_a_manifest_of_the_wrong_shape_is_named(tmp_path, content):
    path = tmp_path / "manifest.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(manifest.ManifestProblem, match="manifest.json is not"):
        manifest.read_manifest(path)


@pytest.mark.parametrize("force", [False, True])
def test_a_manifest_of_the_wrong_shape_makes_every_stage_rerun_to_the_same_outputs(built, tmp_path, monkeypatch,
                                                                                  force):
    layout = copy_built(built, tmp_path / "copy")
    (layout.outputs / PERIOD / "manifest.json").write_text(MANIFEST_SHAPES[0], encoding="utf-8")
    played = replay.install(monkeypatch.setattr, built, PERIOD)
    code, said = run(layout, force=force)
    assert code == 0 and "Traceback" not in said
    assert "manifest.json is not" in said
    assert played == list(STAGE_NAMES), "every stage reruns"
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == \
        tree_hashes(built.outputs / PERIOD, built.processed / PERIOD)


# ---- 6. Both folders published together ----------------------------------------------------------------

KILLER = textwrap.dedent("""
    import os, sys
    from helpers.pipeline import swap
    from helpers.cli import main
    real, calls = os.rename, {"n": 0}
    def rename(source, target):
        calls["n"] += 1
        if calls["n"] > int(sys.argv[1]):
            os.kill(os.getpid(), 9)
        real(source, target)
    swap.os.rename = rename
    sys.exit(main(["run", "--period", "2021-10", "--root", sys.argv[2], "--quiet"]))
""")


@pytest.mark.parametrize("renames", [1, 2, 3])
def test_a_run_killed_between_the_renames_is_completed_consistently(built, tmp_path, renames):
    """The replay of `strace -e inject=rename:signal=SIGKILL`: a real SIGKILL between the swap's renames.

    The run republishes a page edited by hand (no notebook runs: every stage is reused), so the
    generation it publishes differs from the one it replaces; tests/pipeline/test_swap.py kills
    the swap at every rename on small folders."""
    layout = copy_built(built, tmp_path / "copy")
    page = layout.outputs / PERIOD / "report.html"
    page.write_text(page.read_text(encoding="utf-8").replace("16,869", "16,896", 1), encoding="utf-8")
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    process = subprocess.run([sys.executable, str(script), str(renames), str(layout.outputs.parent)],
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == -9, process.stderr
    assert swap.pending(layout, PERIOD), "the kill must leave the journal that says a publish is under way"
    assert verify_period(PERIOD, layout) == 2  # nothing compares a half-published period
    code, said = run(layout)
    assert code == 0 and "completed the publish an interrupted run had committed to" in said
    recorded = json.loads((layout.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert freshness.drift(layout, PERIOD, recorded) == ([], []), "both folders must be the same generation"
    assert page.read_bytes() == (built.outputs / PERIOD / "report.html").read_bytes(), "the new generation"
    assert "up to date" in said


# ---- 8. Failures are bounded ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_failure_with_thousands_of_errors_prints_a_summary_and_keeps_a_small_notebook(layout):
    report = layout.raw / PERIOD / "report.txt"
    table = "、".join(f"{i}户" for i in range(10000, 40000))
    report.write_text(report.read_text(encoding="utf-8") + f"    附表:{table}。\n", encoding="utf-8")
    synthetic.reseal(layout.raw / PERIOD, "report.txt")
    code, said = run(layout)
    assert code == 2
    assert len(said.splitlines()) < 60 and "… and 29,9" in said and "more like this" in said
    failed = layout.outputs / PERIOD / "failed"
    sizes = {p.name: p.stat().st_size for p in failed.iterdir()}
    assert sizes and max(sizes.values()) < 1_000_000, sizes
