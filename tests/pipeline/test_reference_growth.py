"""Reference data that grows without rewriting the past (data/reference/README.md, "Rows that apply
from a period"): rows added for December leave October's build as it was, rerun none of it, and
October still verifies."""

from __future__ import annotations

import json

from helpers.pipeline import kernel as kernels
from helpers.pipeline.contract import Console
from helpers.pipeline.runner import run_period
from helpers.pipeline.verify import verify_period
from helpers.testing import PERIOD
from helpers.testing.layouts import copy_built, tree_hashes
from helpers.testing.reference_rows import grow_for_december
from helpers.testing.runs import fail_if_called


def test_rows_added_for_a_later_month_change_nothing_of_an_earlier_one(built, tmp_path, monkeypatch, capsys):
    layout = copy_built(built, tmp_path / "copy")
    folders = (layout.outputs / PERIOD, layout.processed / PERIOD)
    before = tree_hashes(*folders)
    keys = {name: stage["components"] for name, stage in
            json.loads((layout.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))["stages"].items()}
    grow_for_december(layout.reference)

    # Nothing reruns: each stage's key holds only the reference rows that apply to October.
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, console=console, progress=False) == 0
    assert any("up to date" in line for line in console.lines), console.lines
    assert tree_hashes(*folders) == before
    monkeypatch.undo()

    # Rebuilt from scratch with December's rows, every published file is the same but for what
    # records the reference files (their sha256 in manifest.json and in the auditor's provenance):
    # verify says so, and passes.
    capsys.readouterr()
    assert verify_period(PERIOD, layout, keep=tmp_path / "rebuilt", today=True) == 0
    out = capsys.readouterr().out
    assert f"{PERIOD}: verified" in out
    assert sorted(line.split(":")[1].strip() for line in out.splitlines() if line.startswith("note:")) == [
        f"outputs/{PERIOD}/audit.html", f"outputs/{PERIOD}/manifest.json"]
    rebuilt = tmp_path / "rebuilt" / "outputs" / PERIOD
    page = (rebuilt / "report.html").read_text(encoding="utf-8")
    assert "易地扶贫搬迁后续扶持" not in page and "本期报告未给出数据" not in page and "农村户厕改造户数" not in page
    manifest = json.loads((rebuilt / "manifest.json").read_text(encoding="utf-8"))
    assert {name: stage["components"]["reference tables"] for name, stage in manifest["stages"].items()
            if "reference tables" in stage["components"]} == \
        {name: components["reference tables"] for name, components in keys.items() if "reference tables" in components}
    assert manifest["inputs"]["data/reference/campaigns.csv"] != \
        json.loads((layout.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))["inputs"][
            "data/reference/campaigns.csv"]  # the file did change: only what applies to October did not
