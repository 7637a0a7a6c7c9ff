"""Stand-ins for running a notebook, for tests of the runner's decisions.

    monkeypatch.setattr(kernels, "execute", fail_if_called)          # the run must reuse every stage
    monkeypatch.setattr(kernels, "execute", stop_and_record(executed))  # which stage would run first
"""

from __future__ import annotations

from pathlib import Path

from ..pipeline.contract import RunFailed


def fail_if_called(*args, **kwargs):
    raise AssertionError("a notebook was executed")


def stop_and_record(executed: list):
    """A stand-in for running a notebook: records the stage, then fails the run at once."""
    def stop(notebook, executed_path, *args, **kwargs):
        executed.append(Path(executed_path).stem)
        raise RunFailed("stopped by the test")
    return stop
