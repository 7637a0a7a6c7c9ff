"""Publishing a run: both folders of a period replaced together, or not at all.

A period is published in two folders, `data/processed/<period>/` and `outputs/<period>/`, in
two different trees, so no single rename can replace both. The swap is therefore journaled:

1. A run builds both folders completely in `outputs/.staging/<period>/` (`processed/`, `out/`).
   A kill up to here leaves the published folders untouched; the next run discards the staging.
2. It writes the journal `outputs/.state/<period>.publish.json` (atomically). From this moment
   the new generation is committed: whatever happens next, it will be published.
3. It rolls forward: for each folder, the published one is renamed aside (`.old-<period>`) and
   the staged one renamed into place; then the old ones and the journal are removed.
4. The next run of the period looks for its journal before it reads anything, and rolls it
   forward first. Rolling forward is idempotent, so a kill during step 3, or during a
   roll-forward, is completed by the next run; `verify` refuses to compare while a journal is
   pending and says how to complete it.

Between a kill in step 3 and the next run the two folders can belong to different runs; the
journal records that, and nothing reads the published folders without completing it first.
Without a journal, a `.old-<period>` folder can only come from the swap of an older version of
this runner; it is restored if its folder is missing, otherwise removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

from ..io.paths import Layout
from ..io.writers import write_json


def staging_dir(layout: Layout, period: str) -> Path:
    return layout.outputs / ".staging" / period


def journal_path(layout: Layout, period: str) -> Path:
    return layout.outputs / ".state" / f"{period}.publish.json"


def _pairs(layout: Layout, period: str) -> list[tuple[Path, Path]]:
    staging = staging_dir(layout, period)
    return [(staging / "processed", layout.processed_period(period)), (staging / "out", layout.outputs_period(period))]


@contextlib.contextmanager
def period_lock(layout: Layout, period: str):
    """One run per period at a time; a second waits rather than trampling the staging folder."""
    lock_dir = layout.outputs / ".state"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"{period}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(layout: Layout, period: str) -> None:
    """Publish the complete staging folder of `period`: journal first, then roll forward."""
    write_json(journal_path(layout, period), {
        "period": period, "folders": [[os.path.relpath(new, layout.outputs), os.path.relpath(target, layout.outputs)]
                                      for new, target in _pairs(layout, period)]})
    roll_forward(layout, period)


def roll_forward(layout: Layout, period: str) -> bool:
    """Complete a journaled publish of `period`, if one is pending. Returns whether there was one."""
    journal = journal_path(layout, period)
    if not journal.is_file():
        return False
    for new, target in _pairs(layout, period):
        old = target.parent / f".old-{target.name}"
        if new.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                if old.exists():
                    shutil.rmtree(old)  # left by an earlier, completed swap
                os.rename(target, old)
            os.rename(new, target)
    for _, target in _pairs(layout, period):
        old = target.parent / f".old-{target.name}"
        if old.exists():
            shutil.rmtree(old)
    journal.unlink()
    shutil.rmtree(staging_dir(layout, period), ignore_errors=True)
    return True


def recover(layout: Layout, period: str) -> str:
    """Before a run reads anything: complete a pending publish, or repair an old-style half swap.

    Returns what was done, for the console ("" if nothing).
    """
    if roll_forward(layout, period):
        return "completed the publish an interrupted run had committed to"
    repaired = []
    for _, target in _pairs(layout, period):
        old = target.parent / f".old-{target.name}"
        if old.exists():
            if target.exists():
                shutil.rmtree(old)
            else:
                os.rename(old, target)
                repaired.append(str(target))
    return f"restored {', '.join(repaired)} from an interrupted swap" if repaired else ""


def pending(layout: Layout, period: str) -> bool:
    return journal_path(layout, period).is_file()
