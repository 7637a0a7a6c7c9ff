"""The states the slow tests read, each built once per test run by the real pipeline.

Each builder makes one scenario under the folder it is given, laid out like the repository
(`Layout.default(folder)`), and returns the layout. The test suite builds each scenario once per
run (tests/conftest.py shares it between pytest-xdist workers) and never changes it: a test that
needs to change something works on `layouts.copy_built(scenario, tmp_path / "copy")`.

- `base`: 2021-10, the real report, built alone.
- `november`: 2021-10 and a consistent November with a misprinted total (17021 for 17012) and
  a toilet-investment target that changes without a word, built in parallel by the command line.
- `months`: 2021-10, then November and December from `months.py` (a new campaign, a dropped one,
  reworded and merged sentences, moved sections, full-width punctuation), each added as an analyst
  does (`add-period`, the edits the review sheet points at, `seal`); November and December are
  built (October's build is the base scenario's); what add-period
  drafted is kept in `data/drafts/<period>.figures.csv`, each run's console lines in
  `console/<period>.txt`.
- `year_end`: 2021-10, a misprinted November and the year-end December of `year_end.py` (every
  feature of issue 17's case, each planted problem listed in `year_end.PLANTED`), their reviewed
  transcriptions written as they are; November and December built in parallel (October, as `base`
  builds it, is not rebuilt); console lines in `console/<period>.txt`.
- `failed`: 2021-10 with a unit the cleaning does not know (万只), over a page published earlier:
  the run fails in 01_clean; its console lines are in `console/2021-10.txt`.

    layout = scenarios.months(tmp_path / "months")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..io.paths import Layout
from . import PERIOD, months as realistic, synthetic, year_end as year_end_months
from .layouts import temp_layout

# The date the analyst adds each month in the `months` scenario (it lands in source.yml).
INTAKE_DAY = dt.date(2026, 11, 30)
PUBLISHED_EARLIER = "<p>published earlier</p>"


def _run(period: str, layout: Layout, console_dir: Path | None = None, force: bool = True) -> int:
    from ..pipeline.contract import Console
    from ..pipeline.runner import run_period

    console = Console(quiet=True)
    code = run_period(period, layout, force=force, console=console, progress=False)
    if console_dir is not None:
        console_dir.mkdir(parents=True, exist_ok=True)
        (console_dir / f"{period}.txt").write_text("\n".join(console.lines) + "\n", encoding="utf-8")
    return code


def _require(code: int, what: str) -> None:
    if code != 0:
        raise RuntimeError(f"building the scenario failed at {what} (exit {code}); "
                           "run the same command with shaoyang-report to see why")


def base(folder: Path) -> Layout:
    layout = temp_layout(folder)
    _require(_run(PERIOD, layout), f"run --period {PERIOD}")
    return layout


def november(folder: Path) -> Layout:
    from ..cli import main as cli_main

    layout = temp_layout(folder)
    synthetic.make_november(layout.raw, total="17021", investment=("12100.50", "110.00", "10.00"))
    code = cli_main(["run", "--root", str(folder), "--period", PERIOD, "--period", "2021-11", "--quiet"])
    _require(code, "run --period 2021-10 --period 2021-11")
    return layout


def add_month(layout: Layout, month: realistic.Month) -> Path:
    """A month added as the README's loop does: add-period from the text as received, the
    reviewer's edits (a proposed campaign renamed to the month's own id with rename-campaign, the
    month's truth, row by row, and any campaign add-period did not propose), then seal."""
    from ..intake.add_period import add_period
    from ..intake.rename import rename_campaign
    from ..intake.seal import seal_period
    from ..io.reference import read_rows

    def quiet(_message: str) -> None:
        pass

    report = month.write_text(layout.raw.parent / "downloads" / f"{month.period}.txt")
    target = add_period(report, layout, today=INTAKE_DAY, say=quiet)
    drafts = layout.raw.parent / "drafts"  # what add-period drafted, before the review (for the tests)
    drafts.mkdir(parents=True, exist_ok=True)
    (drafts / f"{month.period}.figures.csv").write_bytes((target / "figures.csv").read_bytes())
    proposed = {row["name_zh"]: row["campaign"] for row in read_rows(layout.reference / "campaigns.csv")[1]
                if row.get("since") == month.period}
    for row in month.campaigns:
        if proposed.get(row["name_zh"], row["campaign"]) != row["campaign"]:
            rename_campaign(month.period, proposed[row["name_zh"]], row["campaign"], layout, say=quiet)
    realistic.write_rows(target / "figures.csv", realistic.TRANSCRIPTION_COLUMNS, month.figures)
    realistic.add_campaigns(layout.reference, month.campaigns)
    if not seal_period(month.period, layout, say=quiet):
        raise RuntimeError(f"the {month.period} folder of the scenario does not build after its review")
    return target


def months(folder: Path) -> Layout:
    layout = temp_layout(folder)
    november_month = realistic.november()
    for month in (november_month, realistic.december(november_month)):
        add_month(layout, month)
    # November and December are built (each cleans the months before it from data/raw); October's
    # build is the base scenario's.
    _run_in_parallel(("2021-11", "2021-12"), folder)
    return layout


def _run_recorded(period: str, root: str) -> int:
    return _run(period, Layout.default(Path(root)), Path(root) / "console")


def _run_in_parallel(periods: tuple[str, ...], root: Path) -> None:
    """Build several periods on two processes, each keeping its console lines (as `run --period A
    --period B` does, from a fresh fork server: never fork a process that has run kernels)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["helpers.pipeline.runner", "papermill", "nbformat"])
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        codes = dict(zip(periods, pool.map(_run_recorded, periods, [str(root)] * len(periods))))
    for period, code in codes.items():
        _require(code, f"run --period {period}")


def year_end(folder: Path) -> Layout:
    layout = temp_layout(folder)
    for month in year_end_months.months():  # through the README's loop, as an analyst adds them
        add_month(layout, month)
    _run_in_parallel(("2021-11", "2021-12"), folder)  # each cleans the months before it from data/raw
    return layout


def failed(folder: Path) -> Layout:
    layout = temp_layout(folder)
    out = layout.outputs_period(PERIOD)
    out.mkdir(parents=True)
    (out / "report.html").write_text(PUBLISHED_EARLIER, encoding="utf-8")
    raw = layout.raw_period(PERIOD)
    figures = raw / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",39.0589,万人,", ",39.0589,万只,"),
                       encoding="utf-8")
    synthetic.reseal(raw, "figures.csv")
    code = _run(PERIOD, layout, folder / "console", force=False)
    if code != 2:
        raise RuntimeError(f"the failed-run scenario was meant to fail with bad input (exit 2), got {code}")
    return layout


def console_of(scenario: Layout, period: str) -> str:
    """What a scenario's run of `period` printed (its console lines)."""
    return (scenario.outputs.parent / "console" / f"{period}.txt").read_text(encoding="utf-8")


BUILDERS = {"base": base, "november": november, "months": months, "year_end": year_end, "failed": failed}
