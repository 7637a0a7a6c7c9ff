"""Where a forced run's time goes: the largest costs of one period (both editions), seen from both sides.

    .venv/bin/python benchmarks/costs.py [--repeat 3] [--top 10]

Measured in a temporary copy of the inputs (never in outputs/), medians of --repeat:
- **the run's timeline**, from the runner's own progress lines, each stamped as it reaches this
  script: the start (interpreter, imports, freshness key) up to the first stage, each stage from
  its "running" line to its "done" line (the kernel's start is inside the first), the gap between
  stages (the runner's bookkeeping: recording, hashing, the next notebook's parameters), the export
  and the publish;
- **the notebooks' cells**, timed one by one in one plain Python process (the baseline of
  benchmarks/run.py), named by the sentence above each cell.
The table lists the largest phases of the run, then the largest cells inside them, and the run's
"overhead": the stages' time beyond what their cells cost in the plain process (papermill,
nbclient messaging, the kernel's start). Absolute seconds vary with the machine and its load;
compare shares.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from helpers.io.paths import STAGED_FOLDERS, Layout, Period  # noqa: E402
from helpers.pipeline.contract import STAGES, RunContext, folder_products  # noqa: E402
from helpers.pipeline.verify import mirror_layout  # noqa: E402

PERIOD = Period("2021-10")
PYTHON = sys.executable
RUNNING = re.compile(r"^\[(\d+)/\d+\] (\S+): running")
DONE = re.compile(r"^\[(\d+)/\d+\] (\S+): done")


def timeline(base: Path) -> dict[str, float]:
    """One forced run's phases, in seconds, from the stamps of its progress lines."""
    command = [PYTHON, "-m", "helpers", "run", "--root", str(base), "--period", PERIOD, "--force"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
    stamps: list[tuple[float, str]] = []
    line = b""
    while chunk := process.stdout.read(1):
        if chunk in (b"\r", b"\n"):
            text = line.decode("utf-8", "replace").strip()
            if text and not re.search(r"\d+%\|", text):
                stamps.append((time.perf_counter() - start, text))
            line = b""
        else:
            line += chunk
    if process.wait() != 0:
        raise SystemExit(f"benchmark run failed: {' '.join(command)}")
    end = time.perf_counter() - start
    phases: dict[str, float] = {}
    last_done = None
    for at, text in stamps:
        if m := RUNNING.match(text):
            if last_done is None:
                phases["start: interpreter, imports, freshness key"] = at
            else:
                phases[f"between stages, before {m.group(2)}"] = at - last_done
            opened = at
        elif m := DONE.match(text):
            phases[f"stage {m.group(2)} (runner side, kernel start included)"] = at - opened
            last_done = at
        elif text.startswith("export:"):
            phases["export (nbconvert, the pages)"] = at - last_done
            last_done = at
    phases["publish (journaled swap, manifest, index)"] = end - last_done
    phases["total"] = end
    return phases


def cell_script(base: Path, record: Path) -> Path:
    """The notebooks' code cells as one script that times each cell and writes the times to `record`."""
    layout = Layout.default(base)
    plain = base / "plain"
    context = RunContext(PERIOD, layout, plain)
    lines = ["import os, sys, time, json", f"os.chdir({str(plain)!r})", "_costs = []"]
    for stage in STAGES:
        nb = json.loads(stage.notebook(layout).read_text(encoding="utf-8"))
        sentence = ""
        for number, cell in enumerate(nb["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                sentence = source.strip().splitlines()[-1].lstrip("#").strip() if source.strip() else ""
                continue
            if "parameters" in cell["metadata"].get("tags", []):
                source = "\n".join(f"{key} = {value!r}" for key, value in stage.parameter_values(context).items())
            name = f"{stage.name} cell {number}: {sentence}"[:66]
            lines += ["_t = time.perf_counter()", source, "_ = None",
                      f"_costs.append(({name!r}, time.perf_counter() - _t))"]
    lines.append(f"open({str(record)!r}, 'w').write(json.dumps(_costs))")
    for folder in (*STAGED_FOLDERS, *folder_products()):  # as a run lays out its staging folder
        (plain / folder).mkdir(parents=True, exist_ok=True)
    script = base / "cells.py"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def cells(base: Path) -> dict[str, float]:
    record = base / "cells.json"
    subprocess.run([PYTHON, str(cell_script(base, record))], check=True, stdout=subprocess.DEVNULL)
    return dict(json.loads(record.read_text(encoding="utf-8")))


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run.get(key, 0.0) for run in runs) for key in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is reported)")
    parser.add_argument("--top", type=int, default=10, help="how many of the largest cells to list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shaoyang-costs-") as temporary:
        base = Path(temporary) / "root"
        layout = mirror_layout(Layout.default(ROOT), PERIOD, base)
        for folder in layout.raw.iterdir():  # only the base period
            if folder.is_dir() and folder.name != PERIOD:
                import shutil
                shutil.rmtree(folder)
        print(f"costs: {args.repeat} runs each, medians; {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f}", file=sys.stderr)
        runs, cell_runs = [], []
        for index in range(args.repeat):
            print(f"  round {index + 1}/{args.repeat}", file=sys.stderr)
            runs.append(timeline(base))
            cell_runs.append(cells(base))
    run, cell = medians(runs), medians(cell_runs)
    total = run.pop("total")
    plain_total = sum(cell.values())
    stage_total = sum(v for k, v in run.items() if k.startswith("stage "))
    print(f"{'the run, by phase':<68}{'seconds':>8}{'share':>8}")
    for name, seconds in sorted(run.items(), key=lambda item: -item[1]):
        print(f"{name:<68}{seconds:8.2f}{seconds / total:8.0%}")
    print(f"{'  of the stages: cells (as timed in the plain process)':<68}{plain_total:8.2f}{plain_total / total:8.0%}")
    overhead = stage_total - plain_total
    print(f"{'  of the stages: the rest (kernel start, papermill, messaging)':<68}{overhead:8.2f}{overhead / total:8.0%}")
    print(f"{'total':<68}{total:8.2f}")
    print(f"\n{'the largest cells (plain process)':<68}{'seconds':>8}{'share':>8}")
    for name, seconds in sorted(cell.items(), key=lambda item: -item[1])[:args.top]:
        print(f"{name:<68}{seconds:8.2f}{seconds / total:8.0%}")
    print(f"(load average at the end: {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
