"""A recorded notebook run, played back: for tests of the runner's decisions, not of the notebooks.

A test of what the runner decides (a manifest of the wrong shape, a page edited by hand, a table
edited by hand, a kill between two renames) needs the runner to go through its stages, but not
the notebooks to compute again what a finished build of the same inputs already holds. `replay`
stands in for the kernel and for `kernel.execute`: a stage "runs" by copying the executed
notebook and the products of the same stage of a finished build (the recording).

It refuses to play back a stage whose inputs differ from the recording's (the cache-key
components that `freshness.stage_components` computes: notebook, environment, raw inputs,
reference tables, parameters, upstream outputs, earlier periods), so a test can never pass on outputs that its own
inputs would not give. The code's hash is not compared: within one test session the code is the
recording's. A test that changes an input on purpose, and knows that the change leaves the
products as they were, names it in `allow`.

    from helpers.testing import replay
    replay.install(monkeypatch.setattr, built, PERIOD)            # in a test
    replay.install(setattr, Layout.default(recorded_root), PERIOD)  # in a child process
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

from ..io.paths import Layout
from ..pipeline import freshness, kernel as kernels
from ..pipeline.contract import MANIFEST, NOTEBOOKS

# Components that never stop a playback: the code is the session's own.
IGNORED = frozenset({"code"})


class NoKernel:
    """The shared kernel's stand-in: nothing to start, reset or stop."""

    def __init__(self, cwd: Path, preload: list[str] = ()):
        self.cwd = cwd

    def prepare(self) -> None:
        pass

    def shutdown(self) -> None:
        pass


class ReplayRefused(AssertionError):
    """The stage's inputs differ from the recording's: it must run for real."""


def install(setter: Callable, recorded: Layout, period: str, allow: frozenset[str] | set[str] = frozenset()) -> list:
    """Replace the kernel and notebook execution with playback from `recorded` (a finished build
    of `period`). `setter` is `monkeypatch.setattr` (or `setattr` in a child process). Returns the
    list of stages played back, in order, for the test to assert on."""
    manifest = json.loads(recorded.published(period, MANIFEST).read_text(encoding="utf-8"))
    computed: dict[str, dict] = {}
    played: list[str] = []
    real_components = freshness.stage_components

    def components(stage, context, raw_sums, code, before=None):
        found = real_components(stage, context, raw_sums, code, before)
        computed[stage.name] = found
        return found

    def execute(notebook, executed, staging, parameters, console, progress, kernel):
        stage = Path(executed).stem
        record = manifest["stages"].get(stage)
        if record is None:
            raise ReplayRefused(f"the recording of {period} has no stage {stage}")
        differ = sorted(name for name, value in computed.get(stage, {}).items()
                        if name not in IGNORED | set(allow) and record["components"].get(name) != value)
        if differ:
            raise ReplayRefused(f"cannot play back {stage}: its inputs differ from the recording's "
                                f"({', '.join(differ)}); run it for real, or name the change in `allow`")
        executed = Path(executed)
        executed.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(recorded.published(period, f"{NOTEBOOKS}/{stage}.ipynb"), executed)
        for staged in record["products"]:
            target = Path(staging) / staged
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(recorded.published(period, staged), target)
        played.append(stage)
        return executed

    setter(freshness, "stage_components", components)
    setter(kernels, "SharedKernel", NoKernel)
    setter(kernels, "execute", execute)
    return played
