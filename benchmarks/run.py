"""Benchmark the pipeline: speed and memory, as ratios against baselines measured in the same run.

    .venv/bin/python benchmarks/run.py [--repeat 3]

Prints four figures against their targets:
1. full pipeline run / the same analysis code as a plain script in one process (target <= 1.5x);
2. no-op rerun / full run (target <= 5%);
3. two periods one after another / the same two in parallel (target >= 1.7x on 2 cores);
4. peak memory of the pipeline (largest process) and of the plain script.

Every run happens in a temporary copy of the inputs (never in outputs/). Medians of --repeat runs.
Absolute seconds vary from machine to machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


CPU_SECONDS: dict[tuple, list[float]] = {}  # CPU seconds of each command measured, by command


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall time of a command and the peak RSS (KiB) of its largest process.

    os.wait4 returns the child's resource usage, whose ru_maxrss on Linux is the largest of the
    child and the descendants it waited for (the notebook kernels); its CPU seconds (user +
    system, the kernels' included) are kept in CPU_SECONDS, to read beside wall times measured
    on a busy machine.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}")
    CPU_SECONDS.setdefault(tuple(command), []).append(usage.ru_utime + usage.ru_stime)
    return elapsed, usage.ru_maxrss


def run_command(base: Path, *periods: str, force: bool = True) -> list[str]:
    command = [PYTHON, "-m", "helpers", "run", "--root", str(base), "--quiet"]
    for period in periods:
        command += ["--period", period]
    return command + (["--force"] if force else [])


def plain_script(base: Path) -> Path:
    """The notebooks' code cells, in order, as one Python script (the floor a runner can reach).

    The parameters are the ones the runner injects, from the stage contract, for a run whose
    working folder is `base/plain`.
    """
    layout = Layout.default(base)
    plain = base / "plain"
    context = RunContext(PERIOD, layout, plain)
    lines = ["import os, sys", f"os.chdir({str(plain)!r})"]
    for stage in STAGES:
        nb = json.loads(stage.notebook(layout).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            if "parameters" in cell["metadata"].get("tags", []):
                source = "\n".join(f"{key} = {value!r}" for key, value in stage.parameter_values(context).items())
            lines.append(source)
            lines.append("_ = None")
    for folder in (*STAGED_FOLDERS, *folder_products()):  # as a run lays out its staging folder
        (plain / folder).mkdir(parents=True, exist_ok=True)
    script = base / "plain.py"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is reported)")
    args = parser.parse_args()
    from helpers.testing import synthetic

    with tempfile.TemporaryDirectory(prefix="shaoyang-bench-") as temporary:
        base = Path(temporary) / "root"
        layout = mirror_layout(Layout.default(ROOT), PERIOD, base)
        for folder in layout.raw.iterdir():  # only the base period: a real later month must not collide
            if folder.is_dir() and folder.name != PERIOD:
                shutil.rmtree(folder)
        synthetic.make_period(layout.raw, "2021-11")
        script = plain_script(base)
        env_note = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
        print(f"benchmark: {args.repeat} runs each, medians; {env_note}", file=sys.stderr)

        plain, plain_rss, full, full_rss, noop = [], [], [], [], []
        for index in range(args.repeat):
            print(f"  round {index + 1}/{args.repeat}: plain script, full run, no-op rerun", file=sys.stderr)
            seconds, rss = timed([PYTHON, str(script)])
            plain.append(seconds)
            plain_rss.append(rss)
            seconds, rss = timed(run_command(base, PERIOD))
            full.append(seconds)
            full_rss.append(rss)
            noop.append(timed(run_command(base, PERIOD, force=False))[0])

        sequential, parallel = [], []
        for index in range(args.repeat):
            print(f"  round {index + 1}/{args.repeat}: two periods one after another, then in parallel",
                  file=sys.stderr)
            start = time.perf_counter()
            timed(run_command(base, PERIOD))
            timed(run_command(base, "2021-11"))
            sequential.append(time.perf_counter() - start)
            parallel.append(timed(run_command(base, PERIOD, "2021-11") + ["--jobs", "2"])[0])

    cpu_full, cpu_plain = (median(CPU_SECONDS[tuple(command)]) for command in (run_command(base, PERIOD),
                                                                               [PYTHON, str(script)]))
    rows = [
        ("full run / plain script", median(full) / median(plain), "<= 1.5x",
         f"{median(full):.2f} s vs {median(plain):.2f} s (CPU {cpu_full:.2f} s vs {cpu_plain:.2f} s)",
         median(full) / median(plain) <= 1.5),
        ("no-op rerun / full run", median(noop) / median(full), "<= 5%",
         f"{median(noop):.2f} s vs {median(full):.2f} s", median(noop) / median(full) <= 0.05),
        ("2 periods: sequential / parallel", median(sequential) / median(parallel), ">= 1.7x",
         f"{median(sequential):.2f} s vs {median(parallel):.2f} s", median(sequential) / median(parallel) >= 1.7),
        ("peak memory: pipeline / plain script", max(full_rss) / max(plain_rss), "(report)",
         f"{max(full_rss) / 1024:.0f} MiB vs {max(plain_rss) / 1024:.0f} MiB", True),
    ]
    print(f"{'measure':38} {'ratio':>8}  {'target':8}  {'met':4}  detail")
    for name, ratio, target, detail, met in rows:
        shown = f"{ratio:.1%}" if "%" in target else f"{ratio:.2f}x"
        print(f"{name:38} {shown:>8}  {target:8}  {'yes' if met else 'NO':4}  {detail}")
    print(f"(load average at the end: {os.getloadavg()[0]:.1f}; other work on the machine slows wall time, "
          "and the parallel run most)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
