"""What the notebooks compute, called in-process: for tests of the audit's results on a month,
without a kernel.

`stage_two(layout, period, work)` cleans the period's raw folder as 01_clean does (into a
staging folder `work/<period>/`), then makes what 02_campaign_progress makes from it, through the
same `audit.steps` calls the notebook makes, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..audit import clean, steps
from ..io import rawdata
from ..io.paths import Layout, in_staging
from ..io.writers import write_csv


@dataclass
class StageTwo:
    inputs: steps.ProgressInputs
    checks: pd.DataFrame
    diagnoses: pd.DataFrame
    changes: pd.DataFrame


def stage_two_inputs(layout: Layout, period: str, work: Path) -> steps.ProgressInputs:
    """What notebook 02 loads for `period`, with this period's figures cleaned as stage 1 would."""
    raw = layout.raw_period(period)
    figures, _ = clean.clean_period(raw, rawdata.load_source(raw))
    staged = in_staging(Path(work) / period)
    write_csv(figures, staged["figures"])
    return steps.load_progress_inputs(period, staged["figures"], layout.raw, raw, layout.reference)


def stage_two(layout: Layout, period: str, work: Path) -> StageTwo:
    inputs = stage_two_inputs(layout, period, work)
    checks = steps.run_checks(inputs)
    return StageTwo(inputs, checks, steps.diagnose(inputs, checks), steps.compare_with_previous(inputs, checks))
