"""Time the test tiers: wall and CPU seconds of `make check` and `make test`, the load average
beside them, and the slowest tests.

    .venv/bin/python benchmarks/suite.py [--tier check|test|both] [--slowest 20]

Each tier runs in a fresh process exactly as its make target runs it (the command is read from
the Makefile with `make -n`), so the figures are those a developer and CI wait for. CPU seconds
are the user + system time of the run and every process it waited for (workers, kernels,
browsers). The load average is read before and after: a figure measured beside other work is
slower in wall time, not in CPU time, so compare CPU seconds across machines and wall seconds
on a quiet one. Targets (issue 21): `make check` <= 30 s, `make test` <= 120 s wall on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"check": 30.0, "test": 120.0}


def tier_command(tier: str) -> list[str]:
    """The pytest command a make target runs (the last command `make -n` prints for it)."""
    printed = subprocess.run(["make", "-n", tier], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = [line for line in printed.splitlines() if "pytest" in line][-1]
    return shlex.split(line)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tier(tier: str, slowest: int) -> dict:
    command = tier_command(tier) + ["-q", "-p", "no:cacheprovider", f"--durations={slowest}"]
    load_before = os.getloadavg()[0]
    cpu_before = children_cpu()
    start = time.perf_counter()
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu = children_cpu() - cpu_before
    summary = next((line for line in reversed(process.stdout.splitlines()) if " in " in line and "passed" in line),
                   process.stdout.splitlines()[-1] if process.stdout else "")
    durations = [line for line in process.stdout.splitlines() if re.match(r"^\d+\.\d+s (call|setup|teardown)", line)]
    return {"tier": tier, "wall": wall, "cpu": cpu, "load": (load_before, os.getloadavg()[0]),
            "code": process.returncode, "summary": summary.strip("= "), "slowest": durations[:slowest]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", choices=["check", "test", "both"], default="both")
    parser.add_argument("--slowest", type=int, default=20, help="how many of the slowest tests to list")
    args = parser.parse_args(argv)
    tiers = ["check", "test"] if args.tier == "both" else [args.tier]
    results = [run_tier(tier, args.slowest) for tier in tiers]
    print(f"{'tier':<6} {'wall':>8} {'cpu':>8} {'target':>8}  met  load before/after  result")
    for r in results:
        met = "yes" if r["code"] == 0 and r["wall"] <= TARGETS[r["tier"]] else "NO"
        print(f"make {r['tier']:<5}{r['wall']:7.1f}s {r['cpu']:7.1f}s {TARGETS[r['tier']]:7.0f}s  {met:<4} "
              f"{r['load'][0]:5.2f} / {r['load'][1]:5.2f}     {r['summary']}")
    for r in results:
        print(f"\nslowest in make {r['tier']}:")
        for line in r["slowest"]:
            print(f"  {line}")
    return max(r["code"] for r in results)


if __name__ == "__main__":
    sys.exit(main())
