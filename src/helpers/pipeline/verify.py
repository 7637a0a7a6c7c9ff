"""`shaoyang-report verify`: rebuild a period in a temporary folder and compare with what was published.

The rebuild mirrors the repository's layout (data/raw, data/reference, data/processed, outputs)
so that the relative paths recorded in the notebooks are the same, and the outputs must match
byte for byte. The one field allowed to differ is the git commit the run was made from.
For HTML files that differ, every published number that changed is listed.
"""

from __future__ import annotations

import difflib
import html
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

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:万|亿)?%?")
COMMIT_LINE = re.compile(r"(Code commit: <code>)[^<]*(</code>)")


def mirror_layout(layout: Layout, period: str, base: Path) -> Layout:
    """A copy of the inputs under `base`, laid out like the repository, with empty outputs."""
    mirror = Layout(raw=base / "data" / "raw", processed=base / "data" / "processed", outputs=base / "outputs",
                    reference=base / "data" / "reference", notebooks=layout.notebooks)
    shutil.copytree(layout.raw, mirror.raw)
    shutil.copytree(layout.reference, mirror.reference)
    mirror.processed.mkdir(parents=True)
    return mirror


def _without_commit(name: str, data: bytes) -> bytes:
    """The bytes with the git commit blanked (it names the checkout, not the content)."""
    if name.endswith("manifest.json"):
        manifest = json.loads(data)
        manifest["git_commit"] = "-"
        manifest["outputs"] = {k: ("-" if k.endswith(("audit.html", "manifest.json")) else v)
                               for k, v in manifest.get("outputs", {}).items()}
        return json.dumps(manifest, sort_keys=True).encode()
    if name.endswith("audit.html"):
        return COMMIT_LINE.sub(r"\1-\2", data.decode("utf-8")).encode("utf-8")
    return data


def published_numbers(page: str) -> list[str]:
    """The numbers a reader sees on a page, each with the words just before it."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    text = re.sub(r"data:image/[^\"']+", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\s+", " ", text)
    found = []
    for match in NUMBER.finditer(text):
        # The words before the number, with other numbers masked, so that one changed number
        # is reported once and not again as the context of its neighbour.
        context = NUMBER.sub("#", text[max(0, match.start() - 16):match.start()]).strip()[-12:]
        found.append(f"{context} ⟨{match.group()}⟩")
    return found


def number_changes(published: str, rebuilt: str) -> list[str]:
    """Each published number that changed, was removed or was added, in reading order."""
    before, after = published_numbers(published), published_numbers(rebuilt)
    changes = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for old, new in zip(before[a0:a1], after[b0:b1]):
            changes.append(f"changed: {old}  ->  {new}")
        for old in before[a0 + (b1 - b0):a1]:
            changes.append(f"removed: {old}")
        for new in after[b0 + (a1 - a0):b1]:
            changes.append(f"added:   {new}")
    return changes


def compare(published: dict[str, Path], rebuilt: dict[str, Path]) -> tuple[list[str], list[str]]:
    """Differences (each a line for the analyst) and notes that are not failures."""
    differences, notes = [], []
    for name in sorted(set(published) | set(rebuilt)):
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
            notes.append(f"{name}: differs only in the git commit it records")
            continue
        differences.append(f"differs: {name}")
        if name.endswith(".html"):
            changed = number_changes(old.decode("utf-8"), new.decode("utf-8"))
            differences += [f"    {line}" for line in changed] or ["    (no published number changed; markup differs)"]
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
