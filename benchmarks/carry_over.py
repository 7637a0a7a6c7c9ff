"""Benchmark the monthly loop: how much of a new month add-period gets right, and how fast.

    .venv/bin/python benchmarks/carry_over.py [--repeat 3] [--only NAME]

On the realistic next months the tests build (helpers.testing.months: a quiet month, a month with every
kind of change issue 10 lists, the month after it with full-width punctuation; helpers.testing.news:
a December that brings a new campaign, a figure back after an absence, a count that changes what it
counts; helpers.testing.year_end: a misprinted November and issue 17's year-end month built from
it), it prints:

1. the share of carried figures (printed last month and this month) that get their right id
   with no edit (target >= 95%);
2. the fields a reviewer must still edit to reach the month's reviewed transcription, new figures
   included, against the 241 the issue counted by hand, the 70 of issue 17's year-end case, and
   the draft alone (no carry-over) measured here; a missing row counts as all its fields, an extra
   row as one. A campaign add-period proposed is renamed to the month's own id first, as the
   reviewer does with one command (`rename-campaign`), which the "renames" column counts;
3. the rows the review sheet lists for action (new, uncertain, not found, changed wording);
4. the time from text to built report, review excluded: `shaoyang-report add-period`, then
   `seal` and a forced `run` of the period, each a fresh process as the analyst runs them
   (target <= 30 s). The review itself is replayed between the timed steps (the rename, the
   month's reviewed transcription).

Everything happens in temporary copies of the inputs (never in data/raw/ or outputs/), whose
reference tables stand as they did at 2021-10. Medians of --repeat runs; seconds vary from
machine to machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.intake.carry import CARRIED, NEW, NOT_FOUND, UNCERTAIN, Month as Earlier, carry_over
from helpers.io.paths import Layout
from helpers.io.rawdata import TRANSCRIPTION_COLUMNS
from helpers.io.reference import read_rows
from helpers.testing import months, news, scoring, year_end
from helpers.testing.layouts import temp_layout
from helpers.testing.reference_rows import campaigns_for

HAND_BASELINE = 241  # field edits the trial made to 64 rows, with the draft alone
YEAR_END_BASELINE = 70  # field edits issue 17's trial made to its year-end month, with the carry-over of then
PYTHON = sys.executable
MONTHS = {"quiet 2021-11": months.quiet_november, "2021-11 (every change)": months.november,
          "2021-12 (after 2021-11)": months.december, "2021-12 (new things)": news.december_with_news,
          "2021-11 (misprinted)": year_end.misprinted_november, "2021-12 (year end)": year_end.year_end}


def chain(month: months.Month) -> list[months.Month]:
    """The months before `month`, after 2021-10, oldest first."""
    found, earlier = [], month.base
    while earlier is not None and earlier.period != "2021-10":
        found.insert(0, earlier)
        earlier = earlier.base
    return found


def earlier_months(month: months.Month) -> list[Earlier]:
    """The months before the previous one, newest first (what add-period looks back into)."""
    months_before, earlier = [], month.base.base if month.base else None
    while earlier is not None:
        months_before.append(Earlier(earlier.period, earlier.text, earlier.figures, earlier.non_figures))
        earlier = earlier.base
    return months_before


def renamed_as_reviewed(result, month: months.Month) -> tuple[list[dict], int]:
    """The drafted figures with each proposed campaign renamed to the month's own id (matched by
    its Chinese name), as one `rename-campaign` does; and how many renames that took."""
    names = {row["name_zh"]: row["campaign"] for row in month.campaigns}
    renames = {row["campaign"]: names[row["name_zh"]] for row in result.campaigns
               if row["name_zh"] in names and names[row["name_zh"]] != row["campaign"]}
    figures = []
    for row in result.figures:
        old = row["campaign"]
        if old in renames:
            row = dict(row, campaign=renames[old], figure_id=renames[old] + row["figure_id"][len(old):])
        figures.append(row)
    return figures, len(renames)


def accuracy(month: months.Month) -> dict:
    base = month.base
    carried = carry_over(month.text, month.period, base.text, base.period, base.figures, base.non_figures,
                         campaigns=campaigns_for(month), earlier=earlier_months(month))
    alone = carry_over(month.text, month.period, campaigns=campaigns_for(month))  # the draft alone: every figure new
    figures, renames = renamed_as_reviewed(carried, month)
    review = scoring.review(month, figures)
    sheet_rows = (len(carried.of(NEW)) + len(carried.of(UNCERTAIN)) + len(carried.of(NOT_FOUND))
                  + sum(1 for o in carried.of(CARRIED) if o.checks))
    return {"share": review.carried_share, "right": review.carried_right, "carried": review.carried,
            "fields": review.fields_to_edit, "renames": renames, "new": len(month.new),
            "draft_alone": scoring.review(month, alone.figures).fields_to_edit,
            "edits": {k: v for k, v in review.edits.items() if v}, "sheet_rows": sheet_rows,
            "figures": len(month.figures)}


def layout_for(base: Path, month: months.Month) -> Layout:
    """A copy of the inputs holding the months before `month`, reviewed (the reference as at 2021-10)."""
    layout = temp_layout(base)
    for previous in chain(month):
        previous.write(layout.raw, layout.reference)
    return layout


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"benchmark command failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return time.perf_counter() - start


def loop_time(month: months.Month) -> dict:
    with tempfile.TemporaryDirectory(prefix="carry-over-bench-") as folder:
        base = Path(folder)
        layout = layout_for(base / "root", month)
        report = month.write_text(base / "report.txt")
        root = ["--root", str(base / "root")]
        add = timed([PYTHON, "-m", "helpers", "add-period", str(report), *root])
        # The review (not timed): a proposed campaign renamed, the month's reviewed transcription.
        proposed = {row["zh"]: row["id"] for row in read_rows(layout.reference / "glossary.csv")[1]
                    if row["kind"] == "campaign" and row.get("since") == month.period}
        for row in month.campaigns:
            if proposed.get(row["name_zh"], row["campaign"]) != row["campaign"]:
                timed([PYTHON, "-m", "helpers", "rename-campaign", "--period", month.period,
                       proposed[row["name_zh"]], row["campaign"], *root])
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
    parser.add_argument("--only", default=None, help="only the months whose name contains this")
    args = parser.parse_args()
    builders = dict(MONTHS)
    print(f"{'month':<26}{'right ids':>14}{'fields to edit':>16}{'renames':>9}{'draft alone':>13}{'sheet rows':>12}"
          f"{'text -> report':>16}   add + seal + run")
    worst_share, worst_time = 1.0, 0.0
    for name, build in builders.items():
        if args.only and args.only not in name:
            continue
        month = build()
        found = accuracy(month)
        times = [loop_time(month) for _ in range(args.repeat)]
        median = {key: statistics.median(t[key] for t in times) for key in times[0]}
        worst_share, worst_time = min(worst_share, found["share"]), max(worst_time, median["total"])
        print(f"{name:<26}{found['right']:>5}/{found['carried']:<3}{found['share']:>5.0%}"
              f"{found['fields']:>16}{found['renames']:>9}{found['draft_alone']:>13}"
              f"{found['sheet_rows']:>8}/{found['figures']:<3}"
              f"{median['total']:>14.1f} s   {median['add']:.1f} + {median['seal']:.1f} + {median['run']:.1f} s")
        if found["edits"]:
            print(f"{'':<26}  fields to edit ({found['new']} new figures): "
                  + ", ".join(f"{k} {v}" for k, v in found["edits"].items()))
    print()
    print(f"carried figures with the right id, no edit: worst {worst_share:.0%} (target >= 95%): "
          f"{'met' if worst_share >= 0.95 else 'NOT met'}")
    print(f"fields to edit: see above, against {HAND_BASELINE} in the issue's hand trial and {YEAR_END_BASELINE} "
          "on issue 17's year-end case")
    print(f"text to built report, review excluded: worst median {worst_time:.1f} s (target <= 30 s): "
          f"{'met' if worst_time <= 30 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
