"""`shaoyang-report status`: one line per period, saying what built it and what a run would do.

For each period with a raw folder or published outputs:

- which code commit and environment built it (from its manifest);
- whether its inputs are sealed (every check a run makes before any notebook passes);
- whether a run would republish it, and why: today's code (the files changed since the recorded
  commit), reference data (the tables changed), environment (each package whose version changed),
  notebooks, re-sealed raw files, earlier periods, published files edited by hand, a recorded
  commit out of date;
- whether a publish is pending (an interrupted run committed to one).

It decides "would republish" with the same cache keys and the same rule as `run`
(`runner.republish_reasons`), so `run --all` republishes exactly the periods marked so. It runs no
notebook: `verify --today --period P` rebuilds P and names what would change, by file and fact.
"""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

from ..io.errors import InputError, InputWarning
from ..io.paths import Layout, Period, is_period
from ..io.rawdata import sha256_of
from . import environment, freshness, index, swap
from .contract import MANIFEST, STAGES, RunContext
from .manifest import ManifestProblem, code_commit, read_manifest
from .runner import preflight, republish_reasons

# How each component of a stage's key reads in a status line.
COMPONENT_WORDS = {"notebook": "notebook", "code": "code", "raw inputs": "its raw files (re-sealed)",
                   "parameters": "parameters", "reference tables": "reference data",
                   "earlier periods": "earlier periods", "environment": "environment"}


def short(commit: str) -> str:
    """A commit as people read it: 12 digits, and whether the code had uncommitted changes."""
    if commit.endswith("+uncommitted-changes"):
        return commit[:12] + " with uncommitted changes"
    return commit[:12] if len(commit) == 40 else commit


def periods(layout: Layout) -> list[str]:
    """Every period with a raw folder, published outputs or a pending publish."""
    found = set()
    for folder in (layout.raw, layout.outputs):
        if folder.is_dir():
            found.update(p.name for p in folder.iterdir() if p.is_dir() and is_period(p.name))
    state = layout.outputs / ".state"
    if state.is_dir():
        found.update(p.name.split(".")[0] for p in state.glob("*.publish.json") if is_period(p.name.split(".")[0]))
    return sorted(found)


def _code_files_changed(root: Path, commit: str) -> list[str]:
    """The files the notebooks run that differ from `commit` (committed since, or not committed)."""
    commit = commit.removesuffix("+uncommitted-changes")
    done = subprocess.run(["git", "-C", str(root), "diff", "--name-only", commit, "--", "src", "notebooks"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        return []
    package = "src/helpers/"
    return [name for name in done.stdout.split() if name.startswith("notebooks/") or (
        name.startswith(package) and not name[len(package):].startswith(freshness.COMMAND_LINE_ONLY))]


def _reference_changed(layout: Layout, manifest: dict) -> list[str]:
    recorded = {k.rsplit("/", 1)[1]: v for k, v in manifest.get("inputs", {}).items()
                if k.startswith("data/reference/")}
    current = {p.name: sha256_of(p) for p in sorted(layout.reference.glob("*.csv"))}
    return sorted(name for name in set(recorded) | set(current) if recorded.get(name) != current.get(name))


def why_changed(period: Period, layout: Layout, manifest: dict, raw_sums: dict, commit: str) -> list[str]:
    """Why a run would republish `period` ([] if it would not), in words."""
    context = RunContext(period, layout, swap.staging_dir(layout, period))
    code = freshness.code_hash()
    by_component: dict[str, str] = {}
    for stage in STAGES:
        before = manifest.get("stages", {}).get(stage.name, {})
        components = freshness.stage_components(stage, context, raw_sums, code, before)
        if not before:
            by_component.setdefault("stage", f"stage {stage.name} never ran")
        for change in freshness.changed_components(stage, components, before, manifest, layout,
                                                   ignore=("upstream outputs",)):
            by_component.setdefault(change.split(" (")[0], change)
    drifted, foreign = freshness.drift(layout, period, manifest)
    republish = republish_reasons(manifest, commit, drifted=drifted, stages_change=bool(by_component))
    stale_commit = "the code commit it records is out of date" in republish
    code_files = _code_files_changed(layout.notebooks.parent, manifest.get("git_commit", "")) \
        if "code" in by_component or stale_commit else []
    reasons = []
    if "code" in by_component or code_files:
        shown = f"{', '.join(code_files[:6])}{' …' if len(code_files) > 6 else ''}"
        reasons.append("code" + (f" ({shown})" if code_files else ""))
    for name, change in by_component.items():
        if name == "code":
            continue
        if name == "reference tables":
            files = _reference_changed(layout, manifest)
            reasons.append("reference data" + (f" ({', '.join(files)})" if files else ""))
        elif name == "environment":
            reasons.append(change)
        else:
            reasons.append(COMPONENT_WORDS.get(name, name) if name != "stage" else change)
    for reason in republish:
        if reason == "a stage's inputs changed":
            continue
        if reason == "published files drifted":
            reasons.append("published files edited or deleted by hand (" + ", ".join(
                line.split(" ")[0].rsplit("/", 1)[-1] for line in drifted[:4]) + (" …" if len(drifted) > 4 else "") + ")")
        elif reason == "the code commit it records is out of date":
            if not reasons:
                reasons.append(f"it records commit {short(manifest.get('git_commit', ''))}, the code is at {short(commit)}")
        elif reason.startswith("the environment changed") and "environment" in by_component:
            continue  # said once, by the stages' environment
        else:
            reasons.append(reason)
    if foreign:
        reasons.append(f"a run would stop: {len(foreign)} file(s) the pipeline did not make ({', '.join(foreign[:3])})")
    return reasons


def period_line(period: Period, layout: Layout, commit: str) -> tuple[str, bool]:
    """The status line of one period, and whether a run would republish it."""
    parts = []
    manifest, problem = {}, ""
    try:
        manifest = read_manifest(layout.published(period, MANIFEST))
    except ManifestProblem as exc:
        problem = str(exc)
    if manifest:
        env = manifest.get("environment")
        built = (f"Python {env['python']}, {len(env['distributions'])} distributions" if isinstance(env, dict)
                 else "environment not recorded")
        parts.append(f"built by {short(manifest.get('git_commit', 'an unknown commit'))} ({built})")
    elif problem:
        parts.append(f"manifest unusable ({problem}): a run rebuilds it")
    else:
        parts.append("not built yet")
    raw_sums = None
    if layout.raw_period(period).is_dir():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InputWarning)
                raw_sums = preflight(period, layout)
            parts.append("inputs sealed")
        except (InputError, ValueError, OSError) as exc:
            parts.append(f"inputs not ready: {str(exc).splitlines()[0]}")
    else:
        parts.append("no raw folder")
    changed = False
    if swap.pending(layout, period):
        parts.append("publish pending: an interrupted run committed to it; run it to complete")
        changed = True
    elif raw_sums is not None:
        reasons = why_changed(period, layout, manifest, raw_sums, commit) if manifest else \
            ["first run" if not problem else "its manifest is unusable"]
        changed = bool(reasons)
        parts.append(f"a run would republish it: {'; '.join(reasons)}" if reasons else "up to date")
    return f"{period}  " + " | ".join(parts), changed


def status(layout: Layout, out=print) -> int:
    """Print one line per period and one for the index. Exit code 0."""
    commit = code_commit(layout.notebooks.parent)
    env = environment.record()
    out(f"code: commit {short(commit)}; "
        f"environment: Python {env['python']}, {len(env['distributions'])} distributions")
    found = periods(layout)
    if not found:
        out("no periods yet: add one with shaoyang-report add-period REPORT.txt")
    for period in found:
        line, _ = period_line(period, layout, commit)
        out(line)
    problems = index.problems(layout)
    out("index.html  " + ("up to date" if not problems else "a run would repair it: " + "; ".join(problems)))
    if found:
        out("(shaoyang-report verify --today --period P rebuilds P and names what would change, by file and fact)")
    return 0


def marked(layout: Layout) -> list[str]:
    """The periods a run would republish (status's "a run would republish it" or a pending publish)."""
    commit = code_commit(layout.notebooks.parent)
    return [period for period in periods(layout) if period_line(period, layout, commit)[1]]
