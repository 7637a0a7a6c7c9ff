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
from helpers.pipeline import freshness, kernel as kernels, swap
from helpers.pipeline.contract import Console
from helpers.pipeline.runner import run_period
from helpers.pipeline.verify import verify_period

from helpers.testing import synthetic
from helpers.testing.layouts import copy_built, tree_hashes
from helpers.testing.runs import fail_if_called

pytestmark = pytest.mark.slow


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


def test_a_hand_edited_processed_table_reruns_its_stage(built, tmp_path):
    layout = copy_built(built, tmp_path / "copy")
    checks = layout.processed / PERIOD / "checks.csv"
    checks.write_text(checks.read_text(encoding="utf-8").replace("mismatch", "pass"), encoding="utf-8")
    code, said = run(layout)
    assert code == 0 and "02_campaign_progress: running (its published outputs are missing or were edited" in said
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

def test_a_javascript_address_and_a_dollar_label_publish_safely(layout):
    source = layout.raw / PERIOD / "source.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["address"] = "javascript:alert(4)"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    targets = layout.reference / "targets.csv"
    targets.write_text(targets.read_text(encoding="utf-8").replace(",农村改厕户数,", ",农村改厕户数$$,"),
                       encoding="utf-8")
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

@pytest.mark.parametrize("content", ['{"stages": "x"}', "[1, 2]", '{"outputs": {}, "stages": {"01_clean": 3}, '
                                     '"inputs": {}}', "not json"])
@pytest.mark.parametrize("force", [False, True])
def test_a_manifest_of_the_wrong_shape_is_named_and_everything_rebuilt(built, tmp_path, content, force):
    layout = copy_built(built, tmp_path / "copy")
    (layout.outputs / PERIOD / "manifest.json").write_text(content, encoding="utf-8")
    code, said = run(layout, force=force)
    assert code == 0 and "Traceback" not in said
    assert "manifest.json is not" in said
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
    """The replay of `strace -e inject=rename:signal=SIGKILL`: a real SIGKILL between the swap's renames."""
    layout = copy_built(built, tmp_path / "copy")
    campaigns = layout.reference / "campaigns.csv"
    campaigns.write_text(campaigns.read_text(encoding="utf-8").replace("农村改厕,", "农村厕所革命,"), encoding="utf-8")
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    process = subprocess.run([sys.executable, str(script), str(renames), str(layout.outputs.parent)],
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == -9, process.stderr
    assert swap.pending(layout, PERIOD), "the kill must leave the journal that says a publish is under way"
    assert verify_period(PERIOD, layout) == 2  # nothing compares a half-published period
    code, said = run(layout)
    assert code == 0 and "completed the publish an interrupted run had committed to" in said
    manifest = json.loads((layout.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert freshness.drift(layout, PERIOD, manifest) == ([], []), "both folders must be the same generation"
    assert "农村厕所革命" in (layout.outputs / PERIOD / "report.html").read_text(encoding="utf-8")
    assert "up to date" in said


# ---- 8. Failures are bounded ---------------------------------------------------------------------------

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
