"""Benchmark the monthly loop: how much of a new month add-period gets right, and how fast.

    .venv/bin/python benchmarks/carry_over.py [--repeat 3]

On the realistic next months the tests build (helpers.testing.months: a quiet month, a month with every
kind of change issue 10 lists, and the month after it with full-width punctuation), it prints:

1. the share of carried figures (printed last month and this month) that get their right id
   with no edit (target >= 95%);
2. the fields a reviewer must still edit to reach the month's reviewed transcription, against
   the 241 the issue counted by hand and against the draft alone (no carry-over) measured here;
   a missing row counts as all its fields, an extra row as one;
3. the rows the review sheet lists for action (new, uncertain, not found, changed wording);
4. the time from text to built report, review excluded: `shaoyang-report add-period`, then
   `seal` and a forced `run` of the period, each a fresh process as the analyst runs them
   (target <= 30 s). The review itself is replayed between the timed steps by writing the
   month's reviewed transcription (and any new campaign) into the folder.

Everything happens in temporary copies of the inputs (never in data/raw/ or outputs/). Medians of
--repeat runs; seconds vary from machine to machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from helpers.testing import months, scoring  # noqa: E402
from helpers.io.paths import Layout  # noqa: E402
from helpers.io.rawdata import TRANSCRIPTION_COLUMNS  # noqa: E402
from helpers.pipeline.verify import mirror_layout  # noqa: E402
from helpers.intake.carry import CARRIED, NEW, NOT_FOUND, UNCERTAIN, carry_over  # noqa: E402

HAND_BASELINE = 241  # field edits the trial made to 64 rows, with the draft alone
PYTHON = sys.executable
MONTHS = {"quiet 2021-11": months.quiet_november, "2021-11 (every change)": months.november,
          "2021-12 (after 2021-11)": months.december}


def layout_for(base: Path, month: months.Month) -> Layout:
    """A copy of the inputs holding the months before `month`, reviewed."""
    layout = mirror_layout(Layout.default(ROOT), "2021-10", base)
    for folder in layout.raw.iterdir():
        if folder.is_dir() and folder.name != "2021-10":
            raise SystemExit(f"data/raw holds {folder.name}: the benchmark's months would collide with it")
    chain, earlier = [], month.base
    while earlier is not None and earlier.period != "2021-10":
        chain.insert(0, earlier)
        earlier = earlier.base
    for previous in chain:
        previous.write(layout.raw, layout.reference)
    return layout


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"benchmark command failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return time.perf_counter() - start


def accuracy(month: months.Month) -> dict:
    base = month.base
    carried = carry_over(month.text, month.period, base.text, base.period, base.figures, base.non_figures)
    alone = carry_over(month.text, month.period)  # the draft alone: every figure new
    review = scoring.review(month, carried.figures)
    sheet_rows = (len(carried.of(NEW)) + len(carried.of(UNCERTAIN)) + len(carried.of(NOT_FOUND))
                  + sum(1 for o in carried.of(CARRIED) if o.checks))
    return {"share": review.carried_share, "right": review.carried_right, "carried": review.carried,
            "fields": review.fields_to_edit, "draft_alone": scoring.review(month, alone.figures).fields_to_edit,
            "edits": {k: v for k, v in review.edits.items() if v}, "sheet_rows": sheet_rows,
            "figures": len(month.figures)}


def loop_time(month: months.Month) -> dict:
    with tempfile.TemporaryDirectory(prefix="carry-over-bench-") as folder:
        base = Path(folder)
        layout = layout_for(base / "root", month)
        report = month.write_text(base / "report.txt")
        root = ["--root", str(base / "root")]
        add = timed([PYTHON, "-m", "helpers", "add-period", str(report), *root])
        # The review (not timed): the month's reviewed transcription and any new campaign.
        months.write_rows(layout.raw / month.period / "figures.csv", TRANSCRIPTION_COLUMNS, month.figures)
        months.add_campaigns(layout.reference, month.all_campaigns())
        seal = timed([PYTHON, "-m", "helpers", "seal", "--period", month.period, *root])
        run = timed([PYTHON, "-m", "helpers", "run", "--period", month.period, "--force", "--quiet", *root])
        if not (layout.outputs / month.period / "report.html").is_file():
            raise SystemExit(f"{month.period}: no report.html was built")
        return {"add": add, "seal": seal, "run": run, "total": add + seal + run}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the timed loop per month (default 3)")
    args = parser.parse_args()
    print(f"{'month':<26}{'right ids':>14}{'fields to edit':>16}{'draft alone':>13}{'sheet rows':>12}"
          f"{'text -> report':>16}   add + seal + run")
    worst_share, worst_time = 1.0, 0.0
    for name, build in MONTHS.items():
        month = build()
        found = accuracy(month)
        times = [loop_time(month) for _ in range(args.repeat)]
        median = {key: statistics.median(t[key] for t in times) for key in times[0]}
        worst_share, worst_time = min(worst_share, found["share"]), max(worst_time, median["total"])
        print(f"{name:<26}{found['right']:>5}/{found['carried']:<3}{found['share']:>5.0%}"
              f"{found['fields']:>16}{found['draft_alone']:>13}{found['sheet_rows']:>8}/{found['figures']:<3}"
              f"{median['total']:>14.1f} s   {median['add']:.1f} + {median['seal']:.1f} + {median['run']:.1f} s")
        if found["edits"]:
            print(f"{'':<26}  fields to edit: " + ", ".join(f"{k} {v}" for k, v in found["edits"].items()))
    print()
    print(f"carried figures with the right id, no edit: worst {worst_share:.0%} (target >= 95%): "
          f"{'met' if worst_share >= 0.95 else 'NOT met'}")
    print(f"fields to edit: see above, against {HAND_BASELINE} in the issue's hand trial")
    print(f"text to built report, review excluded: worst median {worst_time:.1f} s (target <= 30 s): "
          f"{'met' if worst_time <= 30 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
