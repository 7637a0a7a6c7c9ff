"""Freshness: whether a stage must rerun, and whether what was published is still what was made.

A stage is skipped when every component of its cache key (its notebook, the code the notebooks
import, the inputs it reads, its parameters, the files of earlier stages it reads, and the
versions of Python and of every installed distribution it imports) hashes the same as at its last
successful run, as recorded in `manifest.json`, and its products on disk
still have the sha256 the manifest recorded. Independently, every run compares every published
file with the manifest: a file edited, removed or added by hand is named, and the run
republishes (or, for a file the pipeline did not make, refuses and names it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..io.paths import STAGED_FOLDERS, Layout, Period, earlier_raw_periods, published_name
from ..io.rawdata import sha256_of
from ..io.reference import reference_digest
from . import environment
from .contract import MANIFEST, NOTEBOOKS, RunContext, Stage

PACKAGE = Path(__file__).resolve().parents[1]
# Code that neither the notebooks nor the pages' export runs (relative to the package): the
# commands, the runner, the monthly intake and test support. Changing it must not rerun a stage;
# everything else is in the code hash. tests/pipeline/test_freshness.py holds this list to what
# the notebooks import (a module they import but listed here would let a run reuse stale outputs).
COMMAND_LINE_ONLY = ("cli.py", "__main__.py", "pipeline/", "intake/", "testing/")
# Inside outputs/<period>/, kept by failed runs for debugging: never published, never compared.
NOT_PUBLISHED = ("failed",)


def hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        with open(path, "rb") as stream:  # in blocks: a large input never sits in memory whole
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def command_line_only(path: Path) -> bool:
    """Whether a file of the helpers package is code no notebook runs (COMMAND_LINE_ONLY)."""
    path = Path(path) if Path(path).is_relative_to(PACKAGE) else Path(path).resolve()
    return path.relative_to(PACKAGE).as_posix().startswith(COMMAND_LINE_ONLY)


def code_files() -> list[Path]:
    """The code the notebooks run: the helpers package's modules and templates."""
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and not command_line_only(p))


def code_hash() -> str:
    return hash_files(code_files(), PACKAGE)


def expand(staging: Path, staged) -> list[Path]:
    """The files that staged names stand for in `staging`, in order: a file itself if it is there, a
    folder (a name ending in /) every file under it, sorted."""
    found = []
    for name in staged:
        path = staging / name
        if name.endswith("/"):
            found += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        elif path.is_file():
            found.append(path)
    return found


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def stage_distributions(stage: Stage, layout: Layout, notebook: str, code: str, before: dict | None) -> list[str]:
    """The distributions a stage imports: as its last run recorded them when its notebook and the
    code are the same (what is imported depends on nothing else, and reading the code costs most of
    a no-op run), else found afresh."""
    if isinstance(before, dict) and isinstance(before.get("distributions"), list):
        recorded = before.get("components", {})
        if recorded.get("notebook") == notebook and recorded.get("code") == code:
            return list(before["distributions"])
    return environment.stage_distributions(stage.notebook(layout))


def stage_parameters(stage: Stage, layout: Layout, notebook: str, before: dict | None) -> list[str] | None:
    """The parameters a stage's notebook declares, as its last run recorded them when the notebook is
    the same (`notebook`: its sha256), else None: read it afresh (Stage.parameter_values)."""
    if isinstance(before, dict) and isinstance(before.get("parameters"), list) \
            and before.get("components", {}).get("notebook") == notebook:
        return [str(name) for name in before["parameters"]]
    return None


def stage_components(stage: Stage, context: RunContext, raw_sums: dict, code: str,
                     before: dict | None = None) -> dict:
    """The hashes that decide whether a stage must rerun, by component (for the printed reason).
    `before` is the stage's record in the last manifest, if any."""
    layout = context.layout
    notebook = sha256_of(stage.notebook(layout))
    components = {
        "notebook": notebook,
        "code": code,
        "environment": environment.key(stage_distributions(stage, layout, notebook, code, before)),
        "raw inputs": _digest(raw_sums),
        "parameters": _digest(stage.parameter_values(context, stage_parameters(stage, layout, notebook, before))),
        "upstream outputs": hash_files(expand(context.staging, stage.upstream_files.values()), context.staging),
    }
    if "reference" in stage.reads:
        # The rows that apply to the period (io/reference.py): a row added for a later month
        # neither reruns this one nor changes what it publishes.
        components["reference tables"] = reference_digest(layout.reference, context.period)
    if "earlier" in stage.reads:
        # The history and month over month clean every earlier period's raw folder afresh, so
        # each of those folders is an input too: a change to any of them (not only to the
        # previous period's) reruns the stage.
        earlier = earlier_raw_periods(layout.raw, context.period)
        files = [path for name in earlier for path in (layout.raw / name).glob("*") if path.is_file()]
        components["earlier periods"] = f"{','.join(earlier)}:{hash_files(files, layout.raw)}" if earlier else "none"
    return components


def changed_components(stage: Stage, components: dict, before: dict, previous: dict, layout: Layout,
                       ignore: tuple[str, ...] = ()) -> list[str]:
    """The components of a stage's key that differ from its last run, each with what changed where
    the manifest can say: "environment (matplotlib 3.11.2 -> 3.10.9)"."""
    recorded = before.get("components", {}) if isinstance(before, dict) else {}
    changed = []
    for name, value in components.items():
        if name in ignore or recorded.get(name) == value:
            continue
        if name == "environment":
            names = before.get("distributions") or environment.stage_distributions(stage.notebook(layout))
            detail = environment.differences(previous.get("environment"), environment.record(), names)
            if not detail and not isinstance(previous.get("environment"), dict):
                detail = ["not recorded by the last run"]
            changed.append(f"environment ({', '.join(detail)})" if detail else name)
        else:
            changed.append(name)
    return changed


def reusable_products(stage: Stage, record: dict, layout: Layout, period: Period, recorded: dict) -> list | None:
    """(published file, staged name) for each product of a stage's last run, or None if any is
    missing or its bytes differ from the sha256 the manifest recorded: a hand-edited output is
    never republished as if the pipeline made it."""
    pairs = []
    for staged in list(record.get("products", [])) + [f"{NOTEBOOKS}/{stage.name}.ipynb"]:
        source = layout.published(period, staged)
        if not source.is_file() or recorded.get(published_name(period, staged)) != sha256_of(source):
            return None
        pairs.append((source, staged))
    return pairs


def published_files(layout: Layout, period: Period) -> dict[str, Path]:
    """Every published file of `period`, by its name from the repository's root (paths.published_name)."""
    files = {}
    for top in STAGED_FOLDERS:
        folder = layout.published(period, top)
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            relative = path.relative_to(folder)
            if path.is_file() and not (top == "out" and relative.parts[0] in NOT_PUBLISHED):
                files[published_name(period, f"{top}/{relative.as_posix()}")] = path
    return files


def drift(layout: Layout, period: Period, manifest: dict) -> tuple[list[str], list[str]]:
    """Published files that no longer match the manifest: (changed or missing, not made by the pipeline).

    The manifest itself is not in its own list; it is checked for shape when it is read.
    """
    recorded = manifest.get("outputs", {})
    on_disk = published_files(layout, period)
    manifest_name = published_name(period, MANIFEST)
    changed = []
    for name, digest in sorted(recorded.items()):
        path = on_disk.get(name)
        if path is None:
            changed.append(f"{name} is missing")
        elif sha256_of(path) != digest:
            changed.append(f"{name} differs from what manifest.json records (edited by hand?)")
    foreign = sorted(name for name in on_disk if name not in recorded and name != manifest_name)
    return changed, foreign
