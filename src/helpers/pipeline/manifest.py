"""The manifest of a published period, the export of both HTML editions, and the index of periods.

`outputs/<period>/manifest.json` records what a run read (the sha256 of every raw file of the
period and of the earlier periods its history reads, and of every reference table), what it
published (the sha256 of every file in both folders), its parameters, the package versions, the
environment (Python's version and every installed distribution's), the code commit, and each
stage's cache key, the distributions it imports and its products. That is what `verify` needs
to rebuild the period as it was built.

The code commit is the last commit that changed the code a run executes (`src/`, `notebooks/`,
`data/reference/`, `pyproject.toml`, `requirements.lock`), with `+uncommitted-changes` if those
paths differ from it. Inputs are identified by their sha256, not by a commit: adding a month's raw
folder, committing it, or committing the outputs does not change what a run records, so the
monthly flow (add-period, review, seal, commit, build) gives outputs that `verify` accepts.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import STAGED, STAGED_FOLDERS, Layout, earlier_raw_periods, published_name
from ..io.rawdata import load_source, sha256_of
from ..io.readers import MANIFEST_LIMIT, read_limited
from ..io.writers import write_json, write_text
from ..publish.edition import page_name
from . import environment
from .contract import MANIFEST, NOTEBOOKS, STAGES, RunContext

# The paths whose last commit is the code commit a run records: what a run executes or reads, and
# not the intake's commands or the tests' support, which no run imports (a commit to them alone
# leaves every published month's recorded commit, and `status`, as they were).
NOT_RUN = ("src/helpers/intake", "src/helpers/testing")
CODE_PATHS = ["src", "notebooks", "data/reference", "pyproject.toml", "requirements.lock",
              *(f":(exclude){path}" for path in NOT_RUN)]


class ManifestProblem(Exception):
    """A manifest that cannot be trusted: the run rebuilds everything and says why."""


def read_manifest(path: Path) -> dict:
    """The manifest at `path`, checked for shape; {} if there is none.

    Raises ManifestProblem for a file that is not JSON or not of the manifest's shape (say
    `{"stages": "x"}`), so that the caller rebuilds instead of crashing on it.
    """
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        data = json.loads(read_limited(path, MANIFEST_LIMIT, "manifest").decode("utf-8"))
    except InputError as exc:
        raise ManifestProblem(f"{path.name} cannot be used: {exc.problem}") from None
    except RecursionError:
        raise ManifestProblem(f"{path.name} is not a manifest this runner wrote: it is nested too deeply to "
                              "read") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestProblem(f"{path.name} is not valid JSON ({exc})") from None
    problem = _shape_problem(data)
    if problem:
        raise ManifestProblem(f"{path.name} is not a manifest this runner wrote: {problem}")
    return data


def _shape_problem(data) -> str:
    if not isinstance(data, dict):
        return "expected a JSON object"
    for key in ("outputs", "stages", "inputs"):
        if not isinstance(data.get(key), dict):
            return f"'{key}' should be an object"
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data["outputs"].items()):
        return "'outputs' should map file names to sha256 strings"
    for name, record in data["stages"].items():
        if not isinstance(record, dict) or not isinstance(record.get("components"), dict) \
                or not isinstance(record.get("products"), list) \
                or not all(isinstance(p, str) for p in record["products"]):
            return f"stage {name!r} should have 'components' (an object) and 'products' (a list of names)"
    if not isinstance(data.get("git_commit", ""), str):
        return "'git_commit' should be a string"
    env = data.get("environment", {"python": "", "distributions": {}})
    if not isinstance(env, dict) or not isinstance(env.get("python"), str) \
            or not isinstance(env.get("distributions"), dict) \
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in env["distributions"].items()):
        return "'environment' should hold 'python' (a version) and 'distributions' (names to versions)"
    for name, record in data["stages"].items():
        for key in ("distributions", "parameters"):
            if not isinstance(record.get(key, []), list):
                return f"stage {name!r}: {key!r} should be a list of names"
    return ""


def code_commit(root: Path) -> str:
    """The last commit that changed the code a run executes, marked if the code has changed since."""
    try:
        commit = subprocess.run(["git", "log", "-1", "--format=%H", "--", *CODE_PATHS], cwd=root,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *CODE_PATHS], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    if not commit:
        return "unknown (no commits)"
    return commit + ("+uncommitted-changes" if dirty else "")


def export(context: RunContext, raw_sums: dict, stages_record: dict, commit: str) -> None:
    """Write report.html, audit.html and manifest.json into the staging folder's out/."""
    import nbformat

    from ..publish import pages

    period, layout, staging = context.period, context.layout, context.staging
    out, charts = staging / "out", staging / STAGED["charts"]  # the pages embed the charts
    notebooks = {stage.name: nbformat.read(staging / NOTEBOOKS / f"{stage.name}.ipynb", as_version=4)
                 for stage in STAGES}
    source = load_source(layout.raw_period(period))
    inputs = {f"data/raw/{period}/{name}": sha for name, sha in raw_sums.items()}
    if any("earlier" in stage.reads for stage in STAGES):
        for earlier in earlier_raw_periods(layout.raw, period):
            for path in sorted(p for p in (layout.raw / earlier).rglob("*") if p.is_file()):
                inputs[f"data/raw/{earlier}/{path.relative_to(layout.raw / earlier).as_posix()}"] = sha256_of(path)
    for path in sorted(layout.reference.glob("*.csv")):
        inputs[f"data/reference/{path.name}"] = sha256_of(path)
    versions = pages.package_versions()
    # As the manifest writes them (its keys sorted), so that the auditor's page shows the same.
    parameters = {f"{stage.name}.{k}": dict(sorted(v.items())) if isinstance(v, dict) else v for stage in STAGES
                  for k, v in stage.parameter_values(context, stages_record[stage.name].get("parameters")).items()}
    for stage in STAGES:
        if stage.edition:
            write_text(out / page_name(stage.edition), pages.export_public(notebooks[stage.name], source.title,
                                                                           stage.edition, charts))
    write_text(out / "audit.html", pages.export_audit(
        [(stage.name, notebooks[stage.name]) for stage in STAGES if stage.in_audit], source.title,
        pages.provenance_html(inputs, versions, commit, parameters), charts, beside_public=True))
    outputs = {}
    for top in STAGED_FOLDERS:
        for path in sorted(p for p in (staging / top).rglob("*") if p.is_file()):
            outputs[published_name(period, path.relative_to(staging).as_posix())] = sha256_of(path)
    env = environment.record()
    env["pages"] = environment.page_distributions()
    write_json(staging / MANIFEST, {
        "period": period, "inputs": inputs, "outputs": outputs, "parameters": parameters,
        "packages": versions, "git_commit": commit, "stages": stages_record, "environment": env,
    })


def write_index(layout: Layout) -> None:
    """outputs/index.html and its manifest: every published period, newest first (see index.py)."""
    from . import index

    index.update(layout)
