"""One notebook run by hand, with the parameters a pipeline run gives it, leaving the tree as it was.

    shaoyang-report notebook 02_campaign_progress --period 2021-10     (or: make notebook NB=…)

The notebook runs in `build/notebooks/<period>/` (ignored by git), laid out like a run's staging
folder: `processed/` and `out/figures/` start as copies of the published `data/processed/<period>/`
and `outputs/<period>/figures/`, so any stage can run alone, and whatever it writes lands there,
never in a published folder. The executed notebook is kept there too, named after the stage, to
open in JupyterLab (`make lab`).

It runs on the kernel the notebook names (`shaoyang-report`, which `make env` installs into the
environment), as JupyterLab or nbconvert would: a kernel missing from the environment is an error
that says how to install it, never a silent fallback to another Python.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import STAGED_FOLDERS, Layout, Period
from ..io.rawdata import open_period
from .contract import STAGE_NAMES, STAGES, Console, RunContext, folder_products, stage

KERNEL = "shaoyang-report"


class ByHandFailed(Exception):
    """The notebook could not run, or stopped at a cell; the message says which and what to do."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def scratch_dir(layout: Layout, period: Period) -> Path:
    return layout.outputs.parent / "build" / "notebooks" / period


def prepare(layout: Layout, period: Period) -> Path:
    """A fresh scratch folder holding copies of what the stages published for the period (every
    stage's products: its tables and charts), laid out as a run's staging folder."""
    scratch = scratch_dir(layout, period)
    if scratch.exists():
        shutil.rmtree(scratch)
    for folder in (*STAGED_FOLDERS, *folder_products()):
        (scratch / folder).mkdir(parents=True, exist_ok=True)
    for staged in dict.fromkeys(staged for s in STAGES for staged in s.product_files.values()):
        published, copy = layout.published(period, staged), scratch / staged
        if published.is_dir():
            shutil.copytree(published, copy, dirs_exist_ok=True)
        elif published.is_file():
            shutil.copyfile(published, copy)
    return scratch


def run_notebook(name: str, period: Period, layout: Layout, console: Console | None = None) -> Path:
    """Run stage `name` for `period` in the scratch folder; return the executed notebook's path."""
    console = console or Console()
    if name not in STAGE_NAMES:
        raise ByHandFailed(f"no stage named {name!r}; the stages are {', '.join(STAGE_NAMES)}", 2)
    try:
        open_period(layout.raw_period(period), period)
    except InputError as exc:
        raise ByHandFailed(str(exc), 2) from None
    chosen = stage(name)
    scratch = prepare(layout, period)
    executed = scratch / f"{name}.ipynb"
    parameters = chosen.parameter_values(RunContext(period, layout, scratch))
    console.say(f"{name}: running {chosen.notebook(layout).name} in {scratch} (parameters: "
                + ", ".join(f"{key}={value}" for key, value in parameters.items()) + ")")

    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(str(chosen.notebook(layout)), str(executed), parameters=parameters,
                                   cwd=str(scratch), progress_bar={"desc": name, "unit": "cell", "leave": False},
                                   log_output=False,
                                   # The kernel warns on every start that local TCP is unencrypted: noise here.
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except NoSuchKernel:
        raise ByHandFailed(f"the notebooks run on the Jupyter kernel {KERNEL!r}, which this environment lacks. "
                           "Install it with: make env (or: python -m ipykernel install --sys-prefix "
                           f"--name {KERNEL})", 2) from None
    except PapermillExecutionError as exc:
        raise ByHandFailed(f"{name} failed at the cell `{exc.source.strip().splitlines()[0]}`: {exc.ename}: "
                           f"{exc.evalue}. The executed notebook, up to that cell, is {executed}", 1) from None
    console.say(f"{name}: done; the executed notebook is {executed}, its files are in {scratch}")
    return executed
