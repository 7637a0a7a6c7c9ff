"""Benchmark the audit's checks on realistic months: how many each month gets, and how many the text gave.

    .venv/bin/python benchmarks/checks.py

On October and the realistic later months the tests build (helpers.testing.months: a quiet
November, a November with every kind of change, the December after it; helpers.testing.year_end:
a misprinted November and the year-end December), each written as its reviewed transcription into
a temporary copy of the inputs, it runs stage 2's calls in-process (the same `audit.steps` calls
notebook 02 makes) and prints, per month:

1. checks: every check of checks.csv, then how many were read from the month's sentences (`origin`
   text) and how many come from data/reference/relations.csv (declared), and how many of those
   could be evaluated (not `not-applicable`);
2. mismatches, and how many a diagnosis explains (diagnoses.csv resolves them);
3. notes across months (explanations that resolve no check) and flagged problems month over month
   (flags other than new, dropped, returned, renamed and stale_as_of).

Then, for October, how many of the 31 checks declared by hand before the text was read
(tests/audit/fixtures/checks/october_declared/relations.csv) the text alone finds, and whether
any of them disagree. Nothing is timed; the counts do not vary from run to run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from helpers.audit import clean, relations, sentences  # noqa: E402
from helpers.io import rawdata, readers  # noqa: E402
from helpers.testing import months, year_end  # noqa: E402
from helpers.testing.layouts import temp_layout  # noqa: E402
from helpers.testing.stages import stage_two  # noqa: E402

DECLARED_BY_HAND = ROOT / "tests" / "audit" / "fixtures" / "checks" / "october_declared"
# Flags that say what changed, not that something is wrong.
INFORMATIVE = {"new", "dropped", "returned", "renamed", "stale_as_of"}


def chains() -> dict[str, list[months.Month]]:
    """Each realistic month with the months it was built from (October first, not listed)."""
    november = months.november()
    misprinted = year_end.misprinted_november()
    return {"2021-10": [], "quiet 2021-11": [months.quiet_november()], "2021-11 (every change)": [november],
            "2021-12 (after it)": [november, months.december(november)], "2021-11 (misprinted)": [misprinted],
            "2021-12 (year end)": [misprinted, year_end.year_end(misprinted)]}


def measure(chain: list[months.Month], folder: Path) -> dict:
    layout = temp_layout(folder / "root")
    for month in chain:
        month.write(layout.raw, layout.reference)
    period = chain[-1].period if chain else "2021-10"
    stage = stage_two(layout, period, folder / "work")
    checks, found, changes = stage.checks, stage.diagnoses, stage.changes
    applicable = checks[checks["status"] != "not-applicable"]
    explained = {c for value in found["resolves"] for c in str(value).split("|") if c} if len(found) else set()
    mismatched = set(checks.loc[checks["status"] == "mismatch", "check_id"])
    flags = [code for value in changes["flag"] for code in str(value).split("|") if code and code not in INFORMATIVE]
    return {"checks": len(checks), "text": int((checks["origin"] == "text").sum()),
            "declared": int((checks["origin"] == "declared").sum()),
            "applicable": len(applicable), "text_applicable": int((applicable["origin"] == "text").sum()),
            "mismatches": len(mismatched), "explained": len(mismatched & explained),
            "notes": int((found["resolves"].astype(str) == "").sum()) if len(found) else 0, "flags": len(flags)}


def october_against_hand() -> tuple[int, int, int]:
    raw = ROOT / "data" / "raw" / "2021-10"
    figures, _ = clean.clean_period(raw, rawdata.load_source(raw))
    compared = sentences.against_declared(relations.load_relations(DECLARED_BY_HAND), figures,
                                          readers.read_utf8(raw / "report.txt"))
    found = compared[compared["read_as"] != ""]
    return len(compared), len(found), int((found["agree"] != "yes").sum())


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    print(f"{'month':<24}{'checks':>7}{'text':>6}{'declared':>10}{'evaluated (text)':>18}"
          f"{'mismatches':>12}{'explained':>11}{'notes':>7}{'flags':>7}")
    with tempfile.TemporaryDirectory(prefix="checks-bench-") as folder:
        for index, (name, chain) in enumerate(chains().items()):
            m = measure(chain, Path(folder) / str(index))
            print(f"{name:<24}{m['checks']:>7}{m['text']:>6}{m['declared']:>10}"
                  f"{m['applicable']:>11} ({m['text_applicable']:>2}){m['mismatches']:>12}{m['explained']:>11}"
                  f"{m['notes']:>7}{m['flags']:>7}")
    total, found, disagree = october_against_hand()
    print()
    print(f"October: the text alone finds {found} of the {total} checks declared by hand; {disagree} disagree.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
