"""Reference data that grows without rewriting the past (data/reference/README.md, "Rows that apply
from a period"): rows added for December leave October's build as it was, and rerun none of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers.pipeline import kernel as kernels
from helpers.pipeline.contract import Console
from helpers.pipeline.runner import run_period
from helpers.testing import PERIOD
from helpers.testing.layouts import copy_built, tree_hashes
from helpers.testing.reference_rows import grow_for_december
from helpers.testing.runs import fail_if_called

def without_reference_checksums(name: str, data: bytes) -> bytes:
    """The bytes with what records the reference tables' files blanked: their sha256 in the manifest's
    inputs and in the auditor's edition's provenance (and the two files' own sha256 in the manifest)."""
    if name.endswith("manifest.json"):
        manifest = json.loads(data)
        manifest["inputs"] = {k: ("-" if k.startswith("data/reference/") else v) for k, v in manifest["inputs"].items()}
        manifest["outputs"] = {k: ("-" if k.endswith(("audit.html", "manifest.json")) else v)
                               for k, v in manifest["outputs"].items()}
        return json.dumps(manifest, sort_keys=True).encode()
    return re.sub(rb"(<code>data/reference/[^<]+</code></td><td><code>)[0-9a-f]{64}", rb"\1-", data)


def test_rows_added_for_a_later_month_change_nothing_of_an_earlier_one(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    folders = (layout.outputs / PERIOD, layout.processed / PERIOD)
    before = tree_hashes(*folders)
    manifest_before = json.loads((layout.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    grow_for_december(layout.reference)

    # Nothing reruns: each stage's key holds only the reference rows that apply to October.
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    console = Console(quiet=True)
    assert run_period(PERIOD, layout, console=console, progress=False) == 0
    assert any("up to date" in line for line in console.lines), console.lines
    assert tree_hashes(*folders) == before
    monkeypatch.undo()

    # Rebuilt from scratch, every published file is the same, but for the record of the reference files.
    records = (f"{PERIOD}/audit.html", f"{PERIOD}/manifest.json")  # what records the inputs and the code
    old = {name: (layout.outputs / name).read_bytes() for name in records}
    assert run_period(PERIOD, layout, force=True, console=Console(quiet=True), progress=False) == 0
    after = tree_hashes(*folders)
    assert set(after) == set(before)
    assert sorted(name for name in before if before[name] != after[name]) == list(records)
    for name in records:
        new = (layout.outputs / name).read_bytes()
        assert without_reference_checksums(name, new) == without_reference_checksums(name, old[name])
    page = (layout.outputs / PERIOD / "report.html").read_text(encoding="utf-8")
    assert "易地扶贫搬迁后续扶持" not in page and "本期报告未给出数据" not in page and "农村户厕改造户数" not in page
    manifest = json.loads((layout.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert {name: stage["components"]["reference tables"] for name, stage in manifest["stages"].items()
            if "reference tables" in stage["components"]} == \
        {name: stage["components"]["reference tables"] for name, stage in manifest_before["stages"].items()
         if "reference tables" in stage["components"]}
