"""Publishing a run: both folders of a period, and the index, replaced together, or not at all.

A period is published in two folders, `data/processed/<period>/` and `outputs/<period>/`, in
two different trees (possibly on two file systems), and listed in `outputs/index.html`, so no
single rename can replace them all. The swap is therefore journaled:

1. A run builds both folders completely in `outputs/.staging/<period>/` (`processed/`, `out/`).
   A kill up to here leaves the published folders untouched; the next run discards the staging.
2. Each staged folder is put on its destination's file system: where `outputs/` and
   `data/processed/` are on different file systems (`--outputs-dir` on a tmpfs, say), the staged
   folder is copied next to its destination (`.incoming-<period>`, complete only once renamed from
   `.incoming-<period>.partial`), so that every rename that follows stays on one file system. A
   fault here (a full disk) removes the copies, and nothing published has changed.
3. It writes the journal `outputs/.state/<period>.publish.json` (atomically). From this moment
   the new generation is committed: whatever happens next, it will be published.
4. It rolls forward: for each folder, the published one is renamed aside (`.old-<period>`) and
   the staged one renamed into place; then the index is written again from what is published (see
   `index.py`), and the old folders and the journal are removed. If a rename fails (a folder made
   read-only), the renames already made are undone, the journal removed, and the error named: the
   published folders are as they were.
5. The next run of the period looks for its journal before it reads anything, and rolls it
   forward first. Rolling forward is idempotent, so a kill during step 4, or during a
   roll-forward, is completed by the next run; `verify` refuses to compare while a journal is
   pending and says how to complete it.

Between a kill in step 4 and the next run the two folders can belong to different runs; the
journal records that, and nothing reads the published folders without completing it first.
Without a journal, a `.old-<period>` folder can only come from the swap of an older version of
this runner; it is restored if its folder is missing, otherwise removed. What a killed run leaves
that no journal refers to (staging, `.incoming-` copies, temporary files) is removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from ..io.paths import STAGED_FOLDERS, Layout, Period, is_period
from ..io.writers import write_json
from . import index, locks


class PublishError(Exception):
    """A publish that could not be made; the message says whether the published files changed."""


def staging_dir(layout: Layout, period: Period) -> Path:
    return layout.outputs / ".staging" / period


def journal_path(layout: Layout, period: Period) -> Path:
    return layout.outputs / ".state" / f"{period}.publish.json"


def lock_path(layout: Layout, period: Period) -> Path:
    return layout.outputs / ".state" / f"{period}.lock"


def _pairs(layout: Layout, period: Period) -> list[tuple[Path, Path, Path]]:
    """(staged folder, published folder, its copy on the published folder's file system)."""
    staging = staging_dir(layout, period)
    pairs = []
    for staged, target in ((staging / top, layout.published(period, top)) for top in STAGED_FOLDERS):
        pairs.append((staged, target, target.parent / f".incoming-{target.name}"))
    return pairs


def _old(target: Path) -> Path:
    return target.parent / f".old-{target.name}"


@contextlib.contextmanager
def period_lock(layout: Layout, period: Period, say=None):
    """One run per period at a time; a second waits (saying so) rather than trampling the staging folder."""
    with locks.hold(lock_path(layout, period), f"the run of {period}", say):
        yield


def _device(path: Path) -> int:
    return os.stat(path).st_dev


def prepare(layout: Layout, period: Period) -> None:
    """Step 2: put each staged folder on its destination's file system (before the journal)."""
    for staged, target, incoming in _pairs(layout, period):
        if not staged.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if _device(staged.parent) == _device(target.parent):
            continue
        partial = incoming.with_name(incoming.name + ".partial")
        for leftover in (partial, incoming):
            if leftover.exists():
                shutil.rmtree(leftover)
        try:
            shutil.copytree(staged, partial)
            os.rename(partial, incoming)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        shutil.rmtree(staged)


def publish(layout: Layout, period: Period) -> None:
    """Publish the complete staging folder of `period`: copies, journal, then roll forward.

    Raises PublishError if it could not, with the published files as they were (or, if even the
    undo failed, the journal left for the next run to complete)."""
    try:
        prepare(layout, period)
    except OSError:
        discard(layout, period)
        raise
    write_json(journal_path(layout, period), {
        "period": period, "index": os.path.relpath(index.index_path(layout), layout.outputs),
        "folders": [[os.path.relpath(staged, layout.outputs), os.path.relpath(target, layout.outputs)]
                    for staged, target, _ in _pairs(layout, period)]})
    roll_forward(layout, period, undo_on_error=True)


def roll_forward(layout: Layout, period: Period, undo_on_error: bool = False) -> bool:
    """Complete a journaled publish of `period`, if one is pending. Returns whether there was one.

    With `undo_on_error` (a publish just committed, not a recovery), a failed rename undoes the
    renames made so far and removes the journal, so that the published folders are as they were."""
    journal = journal_path(layout, period)
    if not journal.is_file():
        return False
    done: list[tuple[Path, Path]] = []
    try:
        for staged, target, incoming in _pairs(layout, period):
            source = incoming if incoming.exists() else staged
            if not source.exists():
                continue  # moved in by an earlier, interrupted roll-forward
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                if _old(target).exists():
                    shutil.rmtree(_old(target))  # left by an earlier, completed swap
                os.rename(target, _old(target))
                done.append((target, _old(target)))
            os.rename(source, target)
            done.append((source, target))
    except OSError as exc:
        if undo_on_error and _undo(done):
            with contextlib.suppress(OSError):
                journal.unlink()
            discard(layout, period)
            raise PublishError(_fault(exc, "the published outputs are unchanged")) from None
        raise PublishError(_fault(exc, f"the publish of {period} is committed but not complete; once the cause is "
                                       f"fixed, complete it with: shaoyang-report run --period {period}")) from None
    try:
        index.update(layout)
    except OSError as exc:
        raise PublishError(_fault(exc, f"{period} is published but outputs/index.html could not be written; once "
                                       f"the cause is fixed, complete it with: shaoyang-report run --period "
                                       f"{period}")) from None
    for _, target, _ in _pairs(layout, period):
        if _old(target).exists():
            shutil.rmtree(_old(target))
    journal.unlink()
    discard(layout, period)
    return True


def _fault(exc: OSError, consequence: str) -> str:
    from ..io.errors import describe_os_error

    return f"{describe_os_error(exc, 'publishing')}; {consequence}"


def _undo(done: list[tuple[Path, Path]]) -> bool:
    """Rename back, newest first. Returns whether every rename was undone."""
    for source, target in reversed(done):
        try:
            os.rename(target, source)
        except OSError:
            return False
    return True


def discard(layout: Layout, period: Period) -> None:
    """Remove what an unpublished run of `period` left: its staging folder and its copies."""
    shutil.rmtree(staging_dir(layout, period), ignore_errors=True)
    for _, _, incoming in _pairs(layout, period):
        for path in (incoming, incoming.with_name(incoming.name + ".partial")):
            shutil.rmtree(path, ignore_errors=True)


def recover(layout: Layout, period: Period) -> str:
    """Before a run reads anything (holding the period's lock): complete a pending publish, or
    repair an old-style half swap, and remove what a killed run left. Returns what was done."""
    if roll_forward(layout, period):
        return "completed the publish an interrupted run had committed to"
    discard(layout, period)
    for stray in (layout.outputs / ".state").glob(f".{period}.publish.json.*.tmp"):
        stray.unlink(missing_ok=True)
    repaired = []
    for _, target, _ in _pairs(layout, period):
        old = _old(target)
        if old.exists():
            if target.exists():
                shutil.rmtree(old)
            else:
                os.rename(old, target)
                repaired.append(str(target))
    return f"restored {', '.join(repaired)} from an interrupted swap" if repaired else ""


def sweep(layout: Layout) -> list[str]:
    """Remove what killed runs of other periods left (staging folders, copies, temporary journal
    files), for every period whose lock is free and whose publish is not pending. Returns the
    periods tidied."""
    periods = set()
    staging_root = layout.outputs / ".staging"
    for folder in (staging_root, layout.outputs, layout.processed):
        if folder.is_dir():
            for path in folder.iterdir():
                name = path.name.removeprefix(".incoming-").removesuffix(".partial")
                if is_period(name) and (folder == staging_root or path.name != name):
                    periods.add(name)
    state = layout.outputs / ".state"
    if state.is_dir():
        for path in state.glob(".*.publish.json.*.tmp"):
            periods.add(path.name[1:].split(".", 1)[0])
    tidied = []
    for period in sorted(p for p in periods if is_period(p)):
        if pending(layout, period):
            continue
        with locks.attempt(lock_path(layout, period)) as taken:
            if taken and not pending(layout, period):
                discard(layout, period)
                for stray in state.glob(f".{period}.publish.json.*.tmp"):
                    stray.unlink(missing_ok=True)
                tidied.append(period)
    return tidied


def pending(layout: Layout, period: Period) -> bool:
    return journal_path(layout, period).is_file()
