"""`shaoyang-report verify`: rebuild a period in a temporary folder and compare with what was published.

The rebuild mirrors the repository's layout (data/raw, data/reference, data/processed, outputs)
so that the relative paths recorded in the notebooks are the same, and the outputs must match
byte for byte. Allowed to differ is only what records the code and reference files a run was made
from: the git commit, and each reference table's sha256 (a row added for a later month changes the
file, not what applies to this period; the rows that apply are in each stage's recorded key).
facts.csv is compared first: every number the public page prints is a fact, so each changed
fact names a published number that changed, by id and label, with its old and new printed forms.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from ..io.paths import Layout, check_period
from . import swap
from .contract import Console
from .freshness import published_files
from .runner import run_period

COMMIT_LINE = re.compile(r"(Code commit: <code>)[^<]*(</code>)")
REFERENCE_SUM = re.compile(r"(<code>data/reference/[^<]+</code></td><td><code>)[0-9a-f]{64}")


def mirror_layout(layout: Layout, period: str, base: Path) -> Layout:
    """A copy of the inputs under `base`, laid out like the repository, with empty outputs."""
    mirror = Layout(raw=base / "data" / "raw", processed=base / "data" / "processed", outputs=base / "outputs",
                    reference=base / "data" / "reference", notebooks=layout.notebooks)
    shutil.copytree(layout.raw, mirror.raw)
    shutil.copytree(layout.reference, mirror.reference)
    mirror.processed.mkdir(parents=True)
    return mirror


def _without_commit(name: str, data: bytes) -> bytes:
    """The bytes with the git commit and the reference files' sha256 blanked: they name the checkout
    and the files, not the content. What of the reference tables applies to the period is kept: each
    stage's key records it (`reference tables`, io/reference.py reference_digest)."""
    if name.endswith("manifest.json"):
        manifest = json.loads(data)
        manifest["git_commit"] = "-"
        manifest["outputs"] = {k: ("-" if k.endswith(("audit.html", "manifest.json")) else v)
                               for k, v in manifest.get("outputs", {}).items()}
        manifest["inputs"] = {k: ("-" if k.startswith("data/reference/") else v)
                              for k, v in manifest.get("inputs", {}).items()}
        return json.dumps(manifest, sort_keys=True).encode()
    if name.endswith("audit.html"):
        text = COMMIT_LINE.sub(r"\1-\2", data.decode("utf-8"))
        return REFERENCE_SUM.sub(r"\1-", text).encode("utf-8")
    return data


def _facts(path: Path) -> dict[str, dict]:
    """facts.csv by fact id (the file is small: a few hundred rows)."""
    import csv
    import io

    return {row["fact_id"]: row for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


def fact_changes(published: Path, rebuilt: Path) -> list[str]:
    """Each published fact that changed, was removed or was added, named by id and label, with
    the values as the page prints them. The page prints every number from these facts."""
    before, after = _facts(published), _facts(rebuilt)
    lines = []
    for fact_id in list(before) + [f for f in after if f not in before]:
        old, new = before.get(fact_id), after.get(fact_id)
        if old is None:
            lines.append(f"added:   {fact_id} ({new['label']}): {new['printed']}")
        elif new is None:
            lines.append(f"removed: {fact_id} ({old['label']}): {old['printed']}")
        elif old != new:
            what = [f"{key} {old[key]!r} -> {new[key]!r}" for key in old if key not in ("fact_id", "printed")
                    and old.get(key) != new.get(key)]
            shown = f"{old['printed']} -> {new['printed']}" if old["printed"] != new["printed"] else old["printed"]
            lines.append(f"changed: {fact_id} ({new['label']}): {shown}" + (f" [{'; '.join(what)}]" if what else ""))
    return lines


def compare(published: dict[str, Path], rebuilt: dict[str, Path]) -> tuple[list[str], list[str]]:
    """Differences (each a line for the analyst) and notes that are not failures.

    facts.csv comes first: every number the page prints is a fact, so a changed fact names the
    published number that changed (id, label, old and new as printed). Then every file, byte for byte.
    """
    differences, notes = [], []
    names = sorted(set(published) | set(rebuilt), key=lambda name: (not name.endswith("/facts.csv"), name))
    for name in names:
        if name not in rebuilt:
            differences.append(f"only in the published outputs: {name}")
            continue
        if name not in published:
            differences.append(f"missing from the published outputs: {name}")
            continue
        old, new = published[name].read_bytes(), rebuilt[name].read_bytes()
        if old == new:
            continue
        if _without_commit(name, old) == _without_commit(name, new):
            notes.append(f"{name}: differs only in the git commit or the reference files' sha256 it records")
            continue
        differences.append(f"differs: {name}")
        if name.endswith("/facts.csv"):
            differences += [f"    {line}" for line in fact_changes(published[name], rebuilt[name])]
        elif name.endswith(".html") and not any(n.endswith("/facts.csv") for n in names):
            differences.append("    (no facts.csv to name the numbers that changed)")
    return differences, notes


def verify_period(period: str, layout: Layout, keep: Path | None = None) -> int:
    """Rebuild `period` and compare. Exit code 0 when identical, 1 when anything differs, 2 on bad input."""
    check_period(period)
    if swap.pending(layout, period):
        print(f"error: the publish of {period} was interrupted and is not complete; complete it with: "
              f"shaoyang-report run --period {period}", file=sys.stderr)
        return 2
    if not published_files(layout, period):
        print(f"error: nothing published for {period} under {layout.outputs_period(period)}; "
              f"build it first with: shaoyang-report run --period {period}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix=f"verify-{period}-") as temporary:
        base = Path(keep) if keep else Path(temporary)
        mirror = mirror_layout(layout, period, base)
        print(f"rebuilding {period} in a temporary folder ...", file=sys.stderr)
        code = run_period(period, mirror, force=True, console=Console(prefix="  "), progress=False)
        if code != 0:
            print(f"error: the rebuild of {period} failed (exit code {code})", file=sys.stderr)
            return code
        differences, notes = compare(published_files(layout, period), published_files(mirror, period))
    for note in notes:
        print(f"note: {note}")
    if differences:
        print(f"{period}: the rebuild differs from the published outputs:")
        for line in differences:
            print(line)
        return 1
    print(f"{period}: verified — every published file was rebuilt byte for byte "
          f"({len(published_files(layout, period))} files)")
    return 0
