"""Locks between runs: one run per period at a time, and one writer of the index at a time.

A lock is an advisory `flock` on a file in `outputs/.state/`, released by the operating system when
its holder exits, even when killed. A run that finds a lock taken says who holds it and waits, up to
LOCK_TIMEOUT; a lock that cannot be taken at all (a file system without locks, a read-only folder)
is an error that names the lock file and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path
from typing import Callable

# How long a run waits for another run of the same period (a run takes seconds; a verify a minute).
LOCK_TIMEOUT = 30 * 60.0
POLL = 0.1


class LockError(Exception):
    """A lock that cannot be taken: the message names the lock file and what to do."""


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(path.read_text(encoding="ascii").strip() or 0)
        if pid:
            return f"process {pid}"
    return "another process"


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _flock(handle: int, path: Path, blocking: bool) -> bool:
    """Take the lock; False if another process holds it (only when not blocking)."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return False
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise LockError(f"{path}: the lock cannot be taken ({reason}). The file system of that folder may not "
                        "support locks (a network share?): build on a local disk with --outputs-dir") from None


@contextlib.contextmanager
def hold(path: Path, what: str, say: Callable[[str], None] | None = None, timeout: float | None = None):
    """Hold the lock at `path` for the block; wait (saying so) while another process holds it."""
    path = Path(path)
    handle = _open(path)
    try:
        if not _flock(handle, path, blocking=False):
            holder = _holder(path)
            if say:
                say(f"waiting for {what} to finish ({holder} holds {path}) ...")
            deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
            while not _flock(handle, path, blocking=False):
                if time.monotonic() >= deadline:
                    raise LockError(f"{path}: {holder} has held this lock for {what} longer than "
                                    f"{LOCK_TIMEOUT if timeout is None else timeout:.0f} s. If no such run is going "
                                    f"on, delete the file and run again")
                time.sleep(POLL)
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode("ascii"))
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


@contextlib.contextmanager
def attempt(path: Path):
    """Hold the lock at `path` for the block if nobody else does; yields whether it was taken.
    For tidying up after other runs: a lock that is taken means that run is still going."""
    path = Path(path)
    try:
        handle = _open(path)
    except OSError:
        yield False
        return
    try:
        try:
            taken = _flock(handle, path, blocking=False)
        except LockError:
            taken = False
        try:
            yield taken
        finally:
            if taken:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
