"""Benchmark what a year of months does to the pages and the repository.

    .venv/bin/python benchmarks/pages.py [--months 12]

Builds 2021-10 and the realistic months after it (`helpers.testing.year.year_of_months`:
November and December as the tests make them, then a generic month each: cumulative figures
grow, printed rates follow, dates move on) in a temporary copy of the inputs, as reviewed
folders (the reviewer's glossary rows added), runs `shaoyang-report run --all`, and measures:

1. the size of every page of the last month (report.html, report.en.html and the auditor's
   audit.html, at most 500 kB each, as tools/check_sizes.py holds every committed page: the
   auditor's edition points at the public page's charts instead of embedding them again);
2. what each month adds to the committed outputs (`outputs/<period>/` and
   `data/processed/<period>/`): the files' bytes, the bytes git stores for them (each file
   compressed as git compresses an object), and, once all months are committed to a git
   repository, what the last month adds to its packed size;
3. the smallest chart text on the last month's public pages at 375 px, in CSS pixels: each
   chart's smallest text as drawn (the JSON beside it) times the width the page gives the image,
   measured in headless Chromium (Debian's /usr/bin/chromium through Playwright; skipped with a
   note where either is missing).

Exit code 1 when a target is missed. It never touches outputs/. Sizes do not depend on the
machine; the build time is printed for information only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from helpers.io.paths import Layout
from helpers.testing import year as realistic
from helpers.testing.layouts import temp_layout

PAGE_LIMIT = 500_000  # bytes, each page (issue 19)
GROWTH_LIMIT = 1_500_000  # bytes a month adds to the committed outputs (issue 21)
TEXT_LIMIT = 11.0  # CSS px, the smallest chart text at 375 px (issue 19)
CHROMIUM = Path("/usr/bin/chromium")
PAGES = ("report.html", "report.en.html", "audit.html")


def build(base: Path, count: int) -> tuple[Layout, list[str], float]:
    layout = temp_layout(base)
    chain = realistic.year_of_months(count)
    for month in chain[1:]:
        month.write(layout.raw, layout.reference)
    realistic.add_reviewed_glossary(layout.reference)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "helpers", "run", "--all", "--root", str(base), "--quiet", "--jobs", "2"],
                   check=True, stdout=subprocess.DEVNULL)
    return layout, [month.period for month in chain], time.perf_counter() - start


def committed_files(layout: Layout, period: str) -> list[Path]:
    return sorted(p for folder in (layout.outputs_period(period), layout.processed / period)
                  for p in folder.rglob("*") if p.is_file())


def added_by(layout: Layout, period: str) -> tuple[int, int]:
    """The bytes of a month's committed files, and the bytes git stores for them (zlib, as a loose object)."""
    raw = stored = 0
    for path in committed_files(layout, period):
        data = path.read_bytes()
        raw += len(data)
        stored += len(zlib.compress(f"blob {len(data)}\0".encode() + data, 6))
    return raw, stored


def packed_growth(layout: Layout, periods: list[str]) -> int:
    """What the last month adds to a git repository's packed size, all earlier months committed first."""
    root = layout.outputs.parent
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@b"}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout

    def packed() -> int:
        git("gc", "--quiet")
        counts = dict(line.split(": ") for line in git("count-objects", "-v").splitlines())
        return int(counts["size-pack"]) * 1024

    git("init", "--quiet")
    for period in periods[:-1]:
        git("add", "-f", *(str(p.relative_to(root)) for p in committed_files(layout, period)))
        git("commit", "--quiet", "-m", period)
    before = packed()
    git("add", "-f", *(str(p.relative_to(root)) for p in committed_files(layout, periods[-1])))
    git("commit", "--quiet", "-m", periods[-1])
    return packed() - before


def smallest_chart_text(layout: Layout, period: str) -> dict[str, float] | str:
    """The smallest chart text (CSS px) of each public page at 375 px, or why it was not measured."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "not measured: Playwright is not installed"
    if not CHROMIUM.is_file():
        return f"not measured: {CHROMIUM} is missing"
    out = layout.outputs_period(period)
    drawn = {hashlib.sha256(p.read_bytes()).hexdigest(): json.loads(p.with_suffix(".json").read_text("utf-8"))
             for p in (out / "figures").glob("*.png")}
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        for page_name in PAGES[:2]:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.goto((out / page_name).resolve().as_uri(), wait_until="load")
            images = page.evaluate("""() => [...document.querySelectorAll('figure.chart img')].map(i => ({
                src: i.getAttribute('src'), shown: i.getBoundingClientRect().width, natural: i.naturalWidth}))""")
            sizes = []
            for image in images:
                digest = hashlib.sha256(base64.b64decode(image["src"].split(",", 1)[1])).hexdigest()
                sizes.append(drawn[digest]["smallest_text_px"] * image["shown"] / image["natural"])
            found[page_name] = min(sizes)
            page.close()
        browser.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--months", type=int, default=12, help="how many months to build (from 2021-10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shaoyang-pages-") as temporary:
        print(f"benchmark: building {args.months} months (load average {os.getloadavg()[0]:.1f})", file=sys.stderr)
        layout, periods, seconds = build(Path(temporary) / "root", args.months)
        last = periods[-1]
        pages = {name: (layout.outputs_period(last) / name).stat().st_size for name in PAGES}
        growth = {period: added_by(layout, period) for period in periods[1:]}
        packed = packed_growth(layout, periods)
        text = smallest_chart_text(layout, last)
    raw_last, stored_last = growth[last]
    stored_mean = statistics.mean(stored for _, stored in growth.values())
    # Every page, the auditor's edition included, within the limit tools/check_sizes.py holds.
    rows = [(f"page: {name} ({last}, {len(periods)} months)", f"{size / 1000:.0f} kB", f"<= {PAGE_LIMIT // 1000} kB",
             size <= PAGE_LIMIT, "") for name, size in pages.items()]
    rows.append((f"repository growth, month {len(periods)} (git objects)", f"{stored_last / 1e6:.2f} MB",
                 f"<= {GROWTH_LIMIT / 1e6:.1f} MB", stored_last <= GROWTH_LIMIT,
                 f"files {raw_last / 1e6:.2f} MB; mean of months 2-{len(periods)}: {stored_mean / 1e6:.2f} MB; "
                 f"packed repository +{packed / 1e6:.2f} MB"))
    if isinstance(text, dict):
        for name, size in text.items():
            rows.append((f"smallest chart text at 375 px: {name}", f"{size:.1f} px", f">= {TEXT_LIMIT:.0f} px",
                         size >= TEXT_LIMIT, ""))
    else:
        rows.append(("smallest chart text at 375 px", "-", f">= {TEXT_LIMIT:.0f} px", True, text))
    print(f"{'measure':52} {'value':>9}  {'target':9}  {'met':4}  detail")
    for name, value, target, met, detail in rows:
        print(f"{name:52} {value:>9}  {target:9}  {'yes' if met else 'NO':4}  {detail}")
    print(f"(built in {seconds:.0f} s, load average {os.getloadavg()[0]:.1f}; per month, git objects: "
          + ", ".join(f"{p} {s / 1e6:.2f}" for p, (_, s) in growth.items()) + " MB)")
    return 0 if all(met for _, _, _, met, _ in rows) else 1  # a missed target fails the benchmark


if __name__ == "__main__":
    sys.exit(main())
