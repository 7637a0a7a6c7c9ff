"""Temporary copies of the repository's layout: the inputs to build from, or a build to change.

    layout = temp_layout(tmp_path / "root")    # the inputs, raw root holding only the base period
    copy = copy_built(built, tmp_path / "copy")  # a private, writable copy of a finished build
    tree_hashes(copy.outputs / PERIOD, copy.processed / PERIOD)  # sha256 by file, to compare
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ..io.paths import Layout
from . import PERIOD, ROOT


def temp_layout(base: Path) -> Layout:
    """A copy of the repository's inputs under `base`, laid out like the repository (so the relative
    paths a run records are the same), with empty processed and outputs folders.

    Its raw root holds only the base period, and its reference tables the rows as they stood then
    (none added for a later month), so a later month built in it can never collide with a real
    month the analyst has added to data/raw/ and data/reference/.
    """
    from ..pipeline.verify import mirror_layout
    from .reference_rows import reference_as_of

    layout = mirror_layout(Layout.default(ROOT), PERIOD, base)
    for folder in layout.raw.iterdir():
        if folder.is_dir() and folder.name != PERIOD:
            shutil.rmtree(folder)
    reference_as_of(layout.reference, PERIOD)
    return layout


def copy_built(built: Layout, base: Path) -> Layout:
    """A private, writable copy of a finished build (inputs and outputs) that a test may change.

    A copy, not hard links: a test that rewrites a file in place would change the shared build
    through a link (and as root, read-only modes do not stop it). Copying a build is a few
    megabytes, milliseconds next to rebuilding it.
    """
    shutil.copytree(built.outputs.parent, base)
    for folder, _, _ in os.walk(base):
        os.chmod(folder, 0o755)
    for path in base.rglob("*"):
        if path.is_file():
            os.chmod(path, 0o644)
    return Layout.default(base)


def tree_hashes(*folders: Path) -> dict[str, str]:
    """sha256 of every file under the folders (ignoring kept failures), by relative path."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if path.is_file() and "failed" not in path.relative_to(folder).parts:
                found[f"{folder.name}/{path.relative_to(folder)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def save_as_gbk(path: Path) -> None:
    """A table as an editor saving GBK would write it. A table of ids only (campaigns.csv and
    relations.csv hold no names: the glossary does) is the same bytes in either encoding, so a
    Chinese word is first typed into its last cell, as an analyst might."""
    text = Path(path).read_text(encoding="utf-8")
    if text.isascii():
        text = text.rstrip("\n") + "备注\n"
    Path(path).write_bytes(text.encode("gb18030"))
