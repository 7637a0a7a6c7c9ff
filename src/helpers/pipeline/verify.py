"""`shaoyang-report verify`: rebuild a period and compare it, byte for byte, with what was published.

Two questions, two modes:

- `verify --period P` asks whether P's published files are what built them: it rebuilds P from
  the code commit its manifest records (a temporary checkout of that commit, so whatever was
  committed since does not matter), from exactly the inputs the manifest records (each checked
  by its sha256), in the environment the manifest records (the running one, when Python and every
  distribution the stages and pages import have the recorded versions; otherwise it names each
  difference and stops, since it cannot make that environment here).
- `verify --today --period P` asks what today's code, reference data and environment would change:
  it rebuilds P with them, in a temporary folder, and names every difference.

Either way the rebuild mirrors the repository's layout (data/raw, data/reference, data/processed,
outputs), so the relative paths recorded in the notebooks are the same. Each difference is named
as the published number that changed (see compare.py): facts.csv first (fact id, label, old and new
as printed), then every number on every page, mapped back to its fact id by the page's fact links,
then every other file. The index of periods is checked too: its bytes against its manifest, and
that it lists P.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..io.paths import Layout, Period
from ..io.rawdata import sha256_of
from . import environment, freshness, index, swap
from .compare import _used_distributions, compare, fact_changes  # noqa: F401 - verify.compare, as before
from .contract import MANIFEST, Console
from .freshness import published_files
from .manifest import ManifestProblem, read_manifest
from .runner import run_period

FULL_COMMIT = re.compile(r"[0-9a-f]{40}")


def mirror_layout(layout: Layout, period: Period, base: Path) -> Layout:
    """A copy of the inputs under `base`, laid out like the repository, with empty outputs."""
    mirror = Layout.under(base, layout.notebooks)
    shutil.copytree(layout.raw, mirror.raw)
    shutil.copytree(layout.reference, mirror.reference)
    mirror.processed.mkdir(parents=True)
    return mirror


def index_differences(layout: Layout, period: Period, today: bool) -> list[str]:
    """What is wrong with the published index, as far as it concerns `period`."""
    found = []
    for problem in index.problems(layout, today=today):
        if " lists " in problem or " does not list " in problem:
            if period not in problem:
                continue
        found.append(f"index: {problem}")
    return found


# --------------------------------------------------------------------------------------
# Rebuilding as built
# --------------------------------------------------------------------------------------

class CannotRebuild(Exception):
    """The period cannot be rebuilt as it was built; the message says why and what to do."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def _check_environment(period: Period, manifest: dict) -> str:
    """"" when this environment is the one recorded (for what the stages and pages import), a note
    when none is recorded; raises CannotRebuild naming each difference otherwise."""
    recorded = manifest.get("environment")
    if not isinstance(recorded, dict):
        return ("the manifest records no environment (the period was built before environments were "
                "recorded): rebuilding in this one")
    used = _used_distributions(manifest)
    current = environment.record()
    differences = environment.differences(recorded, current, used)
    if not differences:
        return ""
    old, new = recorded["distributions"], current["distributions"]
    pins = [f"'{name}=={old[name]}'" for name in sorted(used) if old.get(name) and old[name] != new.get(name)]
    extra = [name for name in sorted(used) if new.get(name) and not old.get(name)]
    gone = [name for name in sorted(used) if old.get(name) and not new.get(name)]
    installer = Path(sys.executable).parent / "uv"
    installer = f"{installer} pip install" if installer.exists() else f"{sys.executable} -m pip install"
    steps = [f"use Python {recorded.get('python')}"] if recorded.get("python") != current["python"] else []
    if pins:
        steps.append(f"install the recorded versions: {installer} {' '.join(pins)}")
    if extra:
        steps.append(f"uninstall {', '.join(extra)}")
    raise CannotRebuild(
        f"{period} was built in an environment that is not this one (recorded -> here: {'; '.join(differences)})"
        + (f"; gone from here: {', '.join(gone)}" if gone else "")
        + f". To rebuild it as it was built, {' and '.join(steps)}, then verify again; or compare with today's "
          f"environment: shaoyang-report verify --today --period {period}")


def _recorded_inputs(period: Period, manifest: dict, layout: Layout) -> dict[str, Path]:
    """The raw inputs the build read, here, each checked against its recorded sha256."""
    inputs = {name: sha for name, sha in manifest.get("inputs", {}).items() if name.startswith("data/raw/")}
    # A manifest written before earlier periods' files were recorded names them in the key of the
    # stage that reads them ("2021-09,2021-10:<hash>"); their files are then checked by that hash.
    earlier_key = None
    for record in manifest.get("stages", {}).values():
        value = record.get("components", {}).get("earlier periods") if isinstance(record, dict) else None
        if isinstance(value, str) and ":" in value:
            earlier_key = value
    found, problems = {}, []
    for name, sha in sorted(inputs.items()):
        path = layout.raw / name[len("data/raw/"):]
        if not path.is_file() or path.is_symlink():
            problems.append(f"{name} is missing")
        elif sha256_of(path) != sha:
            problems.append(f"{name} has changed since the build (its sha256 is no longer {sha[:12]}…)")
        else:
            found[name] = path
    if earlier_key:
        periods = earlier_key.split(":", 1)[0].split(",")
        if not any(name.startswith(f"data/raw/{periods[0]}/") for name in inputs):
            files = [path for p in periods for path in (layout.raw / p).glob("*") if path.is_file()]
            if freshness.hash_files(files, layout.raw) != earlier_key.split(":", 1)[1]:
                problems.append(f"the raw folders of {', '.join(periods)} have changed since the build")
            for path in files:
                found[f"data/raw/{path.relative_to(layout.raw).as_posix()}"] = path
    if problems:
        raise CannotRebuild(f"the inputs that built {period} are not all here: {'; '.join(problems)}. Restore them "
                            f"(git checkout -- data/raw), or compare with today's inputs: "
                            f"shaoyang-report verify --today --period {period}")
    return found


def _checkout(repo: Path, commit: str, period: Period, base: Path) -> Path:
    """A temporary checkout of `commit` under `base` (a clone sharing the repository's objects, so
    nothing is written into the repository)."""
    if _git(repo, "rev-parse", "--git-dir").returncode != 0:
        raise CannotRebuild(f"{repo} is not a git repository, so the code commit {commit[:12]} that built {period} "
                            f"cannot be checked out. Compare with today's code instead: "
                            f"shaoyang-report verify --today --period {period}")
    if _git(repo, "cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        raise CannotRebuild(f"the code commit {commit} that built {period} is not in this repository (a shallow "
                            f"clone?). Fetch it (git fetch --unshallow), or compare with today's code: "
                            f"shaoyang-report verify --today --period {period}")
    checkout = base / "code"
    for args in (["clone", "--quiet", "--shared", "--no-checkout", str(repo), str(checkout)],
                 ["-C", str(checkout), "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit]):
        done = subprocess.run(["git", *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise CannotRebuild(f"could not check out the code commit {commit[:12]} that built {period}: "
                                f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'git failed'}")
    return checkout


def _rebuild_as_built(period: Period, layout: Layout, manifest: dict, base: Path) -> Layout:
    """Rebuild `period` from its recorded commit and inputs under `base`. Returns the rebuilt layout."""
    commit = manifest.get("git_commit", "")
    if not FULL_COMMIT.fullmatch(commit):
        why = ("uncommitted changes to the code, which no commit holds" if commit.endswith("+uncommitted-changes")
               else f"code whose commit is {commit or 'not recorded'}")
        raise CannotRebuild(f"{period} was built from {why}, so it cannot be rebuilt as it was built. Commit the code, "
                            f"rebuild it (shaoyang-report run --period {period}) and commit the outputs; or compare "
                            f"with today's code: shaoyang-report verify --today --period {period}")
    inputs = _recorded_inputs(period, manifest, layout)
    checkout = _checkout(layout.notebooks.parent, commit, period, base)
    for folder in ("outputs", "data/processed", "data/raw"):
        shutil.rmtree(checkout / folder, ignore_errors=True)
    for name, path in inputs.items():
        target = checkout / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    rebuilt = Layout.default(checkout)
    reference = {f"data/reference/{p.name}": sha256_of(p) for p in sorted(rebuilt.reference.glob("*.csv"))}
    recorded = {k: v for k, v in manifest.get("inputs", {}).items() if k.startswith("data/reference/")}
    if recorded and reference != recorded:
        changed = sorted(k for k in set(reference) | set(recorded) if reference.get(k) != recorded.get(k))
        raise CannotRebuild(f"the reference tables at commit {commit[:12]} are not those {period} was built with "
                            f"({', '.join(changed)}): it was built with uncommitted reference data. Compare with "
                            f"today's: shaoyang-report verify --today --period {period}")
    command = [sys.executable, "-m", "helpers", "run", "--period", period, "--force", "--quiet",
               "--root", str(checkout)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(checkout / "src")] + [p for p in [
        os.environ.get("PYTHONPATH", "")] if p]))
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise RebuildFailed(f"the rebuild of {period} from commit {commit[:12]} failed (exit code "
                            f"{done.returncode}):\n{tail}", done.returncode)
    return rebuilt


class RebuildFailed(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------

def verify_period(period: Period, layout: Layout, keep: Path | None = None, today: bool = False) -> int:
    """Rebuild `period` and compare. Exit code 0 when identical, 1 when anything differs, 2 when it
    cannot be rebuilt (bad input, a pending publish, another environment, a missing commit)."""
    if swap.pending(layout, period):
        print(f"error: the publish of {period} was interrupted and is not complete; complete it with: "
              f"shaoyang-report run --period {period}", file=sys.stderr)
        return 2
    if not published_files(layout, period):
        print(f"error: nothing published for {period} under {layout.outputs_period(period)}; "
              f"build it first with: shaoyang-report run --period {period}", file=sys.stderr)
        return 2
    try:
        manifest = read_manifest(layout.published(period, MANIFEST))
    except ManifestProblem as exc:
        print(f"error: {layout.published(period, MANIFEST)}: {exc}; without it nothing says what "
              f"built {period}. Rebuild it with: shaoyang-report run --period {period} --force", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix=f"verify-{period}-") as temporary:
        base = Path(keep) if keep else Path(temporary)
        try:
            if today:
                print(f"rebuilding {period} with today's code, reference data and environment in a temporary "
                      f"folder ...", file=sys.stderr)
                rebuilt = mirror_layout(layout, period, base)
                code = run_period(period, rebuilt, force=True, console=Console(prefix="  "), progress=False)
                if code != 0:
                    print(f"error: the rebuild of {period} failed (exit code {code})", file=sys.stderr)
                    return code
            else:
                note = _check_environment(period, manifest)
                if note:
                    print(f"note: {note}")
                commit = manifest.get("git_commit", "")
                print(f"rebuilding {period} as it was built: code commit {commit[:12]}, the recorded inputs, "
                      f"Python {environment.python_version()} (a temporary checkout) ...", file=sys.stderr)
                rebuilt = _rebuild_as_built(period, layout, manifest, base)
        except CannotRebuild as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except RebuildFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.code
        differences, notes = compare(published_files(layout, period), published_files(rebuilt, period))
    differences += index_differences(layout, period, today)
    for note in notes:
        print(f"note: {note}")
    if differences:
        print(f"{period}: {'today' + chr(39) + 's code would change' if today else 'the rebuild differs from'} "
              "the published outputs:")
        for line in differences:
            print(line)
        return 1
    how = "with today's code, reference data and environment" if today else "as it was built"
    print(f"{period}: verified {how} — every published file was rebuilt byte for byte "
          f"({len(published_files(layout, period))} files), and the index lists it")
    return 0
