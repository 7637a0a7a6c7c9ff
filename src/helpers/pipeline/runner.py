"""The pipeline runner: raw -> 01_clean -> 02_campaign_progress -> 03_narrative -> HTML.

How a run protects what was published:
- every input is checked (period, raw folder, checksums) before any notebook starts;
- the notebooks write into a staging folder (`outputs/.staging/<period>/`); the published
  folders (`data/processed/<period>/`, `outputs/<period>/`) are replaced only when every stage
  has succeeded, by renaming, so an interrupted run leaves them as they were;
- a failing notebook is kept, executed up to the failing cell, in `outputs/<period>/failed/`.

How a run stays quick and reproducible:
- a stage is skipped when its notebook, the helpers' code, its inputs and its parameters hash
  the same as at its last successful run (recorded in `manifest.json`);
- executed notebooks are normalised (no timings, fixed cell ids, relative paths), charts carry
  no timestamps, so the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..io.errors import InputError
from ..io.writers import write_json, write_text
from ..io.paths import Layout, check_period, find_previous_raw_period
from ..io.rawdata import load_source, open_period, sha256_of

STAGES = ("01_clean", "02_campaign_progress", "03_narrative")
# What each stage leaves behind, relative to the staging folder (processed/ and out/).
PRODUCTS = {
    "01_clean": ["processed/figures.csv", "processed/coverage.csv", "processed/dictionary.csv"],
    "02_campaign_progress": ["processed/progress.csv", "processed/checks.csv", "processed/diagnoses.csv",
                             "processed/changes.csv", "out/figures/*"],
    "03_narrative": [],
}
# What each stage reads from earlier stages (hashed into its key).
UPSTREAM = {
    "01_clean": [],
    "02_campaign_progress": PRODUCTS["01_clean"],
    "03_narrative": PRODUCTS["01_clean"] + PRODUCTS["02_campaign_progress"],
}
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

# jsonschema (pulled in by nbformat) builds an IRI grammar at import when rfc3987_syntax is
# installed (by jupyterlab's dependencies): about a second per process, for a format check that
# notebook validation never uses. Declaring the module absent makes jsonschema skip it.
sys.modules.setdefault("rfc3987_syntax", None)


class RunFailed(Exception):
    """A notebook failed; the message says which notebook, which cell and why."""

    def __init__(self, message: str, bad_input: bool = False):
        super().__init__(message)
        self.bad_input = bad_input


@dataclass
class Console:
    """Progress lines on stderr, prefixed with the period when several run at once."""

    prefix: str = ""
    quiet: bool = False
    lines: list = field(default_factory=list)

    def say(self, text: str) -> None:
        self.lines.append(text)
        if not self.quiet:
            print(f"{self.prefix}{text}", file=sys.stderr, flush=True)


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


PACKAGE = Path(__file__).resolve().parents[1]
# Code the notebooks never import (relative to the package): changing it must not rerun them.
COMMAND_LINE_ONLY = ("cli.py", "__main__.py", "pipeline/", "text/draft.py")


def code_files() -> list[Path]:
    """The code the notebooks run: the helpers package's modules and templates."""
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and not p.relative_to(PACKAGE).as_posix().startswith(COMMAND_LINE_ONLY))


def _expand(staging: Path, patterns: list[str]) -> list[Path]:
    found = []
    for pattern in patterns:
        found += sorted(p for p in staging.glob(pattern) if p.is_file())
    return found


def stage_parameters(stage: str, period: str, layout: Layout, staging: Path) -> dict:
    """Papermill parameters for one stage: paths relative to the staging folder (the kernel's cwd)."""
    rel = lambda p: os.path.relpath(p, staging)  # noqa: E731 - short local helper
    common = {"period": period, "raw_dir": rel(layout.raw_period(period))}
    if stage == "01_clean":
        return {**common, "processed_dir": "processed"}
    if stage == "02_campaign_progress":
        return {**common, "reference_dir": rel(layout.reference), "processed_dir": "processed",
                "raw_root": rel(layout.raw), "figures_dir": "out/figures"}
    return {**common, "reference_dir": rel(layout.reference), "processed_dir": "processed",
            "figures_dir": "out/figures"}


def stage_components(stage: str, period: str, layout: Layout, staging: Path, raw_sums: dict,
                     code_hash: str) -> dict:
    """The hashes that decide whether a stage must rerun, by component (for the printed reason)."""
    reference = sorted(layout.reference.glob("*.csv"))
    components = {
        "notebook": sha256_of(layout.notebooks / f"{stage}.ipynb"),
        "code": code_hash,
        "raw inputs": hashlib.sha256(json.dumps(raw_sums, sort_keys=True).encode()).hexdigest(),
        "reference tables": _hash_files(reference, layout.reference) if reference else "",
        "parameters": hashlib.sha256(json.dumps(stage_parameters(stage, period, layout, staging),
                                                sort_keys=True).encode()).hexdigest(),
        "upstream outputs": _hash_files(_expand(staging, UPSTREAM[stage]), staging),
    }
    if stage == "02_campaign_progress":
        # Month-over-month compares with the previous period, so its raw files are an input too.
        previous = find_previous_raw_period(layout.raw, period)
        components["previous period"] = (
            f"{previous}:{_hash_files(sorted((layout.raw / previous).glob('*')), layout.raw)}" if previous else "none")
    if stage == "01_clean":
        del components["reference tables"]  # cleaning reads only the raw folder
    return components


def normalise_notebook(nb, stage: str) -> None:
    """Remove what differs between two identical runs: timings, random ids, machine paths."""
    meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        meta.pop(key, None)
    meta["input_path"] = f"notebooks/{stage}.ipynb"
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            # A shared kernel keeps counting across notebooks; number each notebook from 1.
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = count
        papermill = cell.metadata.get("papermill")
        if papermill is not None:
            for key in ("start_time", "end_time", "duration"):
                papermill.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = f"{stage[:2]}-injected-parameters"


def _git_commit(root: Path) -> str:
    """The last commit that changed what a run reads, so that committing outputs does not change it."""
    paths = ["src", "notebooks", "data/raw", "data/reference", "pyproject.toml", "requirements.lock"]
    try:
        commit = subprocess.run(["git", "log", "-1", "--format=%H", "--", *paths], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *paths], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    if not commit:
        return "unknown (no commits)"
    return commit + ("+uncommitted-changes" if dirty else "")


def _previous_manifest(published: Path) -> dict:
    path = published / "manifest.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def _period_lock(layout: Layout, period: str):
    """One run per period at a time; a second waits rather than trampling the staging folder."""
    lock_dir = layout.outputs / ".state"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"{period}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _recover(target: Path) -> None:
    """Finish or undo a swap that a kill interrupted: the published folder is never left missing."""
    old = target.parent / f".old-{target.name}"
    if old.exists():
        if target.exists():
            shutil.rmtree(old)
        else:
            os.rename(old, target)


def _swap_in(new: Path, target: Path) -> None:
    """Replace `target` with `new` by two renames; `_recover` repairs a kill between them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.parent / f".old-{target.name}"
    _recover(target)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    if old.exists():
        shutil.rmtree(old)


def preflight(period: str, layout: Layout) -> dict:
    """Every check that can stop a run before any notebook starts. Returns the raw files' sha256."""
    check_period(period)
    return open_period(layout.raw_period(period), period)[1]


class SharedKernel:
    """One kernel for the three notebooks of a run, started early and reset between notebooks.

    Starting a kernel and importing pandas, pandera and matplotlib in it costs more than the
    analysis itself; doing it once per run instead of once per notebook roughly halves a run.
    The kernel starts before the runner imports papermill and nbconvert, so the two overlap.
    Between notebooks the namespace is cleared (%reset -f) and pandas' display options are
    restored, so each notebook sees only its own variables, as in a fresh kernel.
    """

    RESET = "\n".join([
        'get_ipython().run_line_magic("reset", "-f")',
        "import pandas as _pd",
        '_pd.reset_option(r"^display\\.")',
        "del _pd",
    ])

    def __init__(self, cwd: Path):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self.km = AsyncKernelManager(kernel_name="python3")
        self.used = False
        # The kernel warns on every start that local TCP is unencrypted; that is noise on one machine.
        run_sync(self.km.start_kernel)(cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=ERROR"])

    def prepare(self) -> None:
        """Clear what the previous notebook left in the kernel."""
        if self.used:
            import nbformat
            import papermill

            reset = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(self.RESET)])
            reset.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
            papermill.execute_notebook(reset, None, kernel_name="python3", progress_bar=False, km=self.km)
        self.used = True

    def shutdown(self) -> None:
        try:
            self._run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone needs no shutdown
            pass


def _execute(stage: str, layout: Layout, staging: Path, parameters: dict, console: Console, progress: bool,
             kernel: SharedKernel) -> Path:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    executed = staging / "executed" / f"{stage}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    kernel.prepare()
    try:
        papermill.execute_notebook(
            str(layout.notebooks / f"{stage}.ipynb"), str(executed), parameters=parameters, kernel_name="python3",
            cwd=str(staging), progress_bar={"desc": f"{console.prefix}{stage}", "unit": "cell", "leave": False}
            if progress else False,
            log_output=False, request_save_on_cell_execute=False, record_timing=False, km=kernel.km)
    except PapermillExecutionError as exc:
        first_line = next((line for line in exc.source.splitlines() if line.strip()), "")
        # The kernel ran in the staging folder; name files as the analyst sees them.
        evalue = re.sub(r"(?:\.\./)+[\w./-]+", lambda m: _from_here(staging, m.group()), exc.evalue)
        raise RunFailed(f"{stage} failed at the cell `{first_line}`: {exc.ename}: {evalue}",
                        bad_input=exc.ename in ("InputError", "InputErrors")) from exc
    return executed


def _from_here(staging: Path, relative: str) -> str:
    """A path relative to the staging folder, rewritten relative to the current directory."""
    resolved = os.path.normpath(staging / relative)
    try:
        return os.path.relpath(resolved)
    except ValueError:  # pragma: no cover - different drives on Windows
        return resolved


def run_period(period: str, layout: Layout | None = None, force: bool = False, console: Console | None = None,
               progress: bool = True) -> int:
    """Run the whole pipeline for one period. Returns an exit code (0 ok, 1 failed, 2 bad input)."""
    layout = layout or Layout.default()
    console = console or Console()
    started = time.perf_counter()
    try:
        raw_sums = preflight(period, layout)
    except (InputError, ValueError) as exc:
        console.say(f"error: {exc}")
        return EXIT_BAD_INPUT
    published_out = layout.outputs_period(period)
    published_processed = layout.processed_period(period)
    with _period_lock(layout, period):
        _recover(published_out)
        _recover(published_processed)
        previous = _previous_manifest(published_out)
        staging = layout.outputs / ".staging" / period
        if staging.exists():
            shutil.rmtree(staging)
        (staging / "processed").mkdir(parents=True)
        (staging / "out" / "notebooks").mkdir(parents=True)
        (staging / "out" / "figures").mkdir(parents=True)
        code_hash = _hash_files(code_files(), PACKAGE)
        stages_record, executed_any, kernel = {}, False, None
        try:
            for number, stage in enumerate(STAGES, start=1):
                components = stage_components(stage, period, layout, staging, raw_sums, code_hash)
                before = previous.get("stages", {}).get(stage, {})
                changed = [name for name, value in components.items() if before.get("components", {}).get(name) != value]
                reusable = not force and not changed and _reuse(stage, before, published_out, published_processed,
                                                                staging, previous.get("outputs", {}))
                if reusable:
                    console.say(f"[{number}/3] {stage}: unchanged, reusing the last run's outputs")
                else:
                    reason = ("forced (--force)" if force else "first run" if not before else
                              "changed: " + ", ".join(changed) if changed else
                              "its published outputs are missing or were edited by hand")
                    console.say(f"[{number}/3] {stage}: running ({reason})")
                    tick = time.perf_counter()
                    params = stage_parameters(stage, period, layout, staging)
                    if kernel is None:
                        kernel = SharedKernel(staging)
                    executed = _execute(stage, layout, staging, params, console, progress, kernel)
                    import nbformat

                    nb = nbformat.read(executed, as_version=4)
                    normalise_notebook(nb, stage)
                    write_text(staging / "out" / "notebooks" / f"{stage}.ipynb", nbformat.writes(nb) + "\n")
                    executed_any = True
                    console.say(f"[{number}/3] {stage}: done in {time.perf_counter() - tick:.1f} s")
                products = [str(p.relative_to(staging)) for p in _expand(staging, PRODUCTS[stage])]
                stages_record[stage] = {"components": components, "products": products}
            export_needed = executed_any or not (published_out / "report.html").is_file() or force
            if not export_needed and previous:
                console.say(f"{period} is up to date: nothing to do ({time.perf_counter() - started:.1f} s)")
                shutil.rmtree(staging)
                return EXIT_OK
            tick = time.perf_counter()
            _export(period, layout, staging, raw_sums, stages_record)
            console.say(f"export: report.html and audit.html written in {time.perf_counter() - tick:.1f} s")
        except RunFailed as exc:
            kept = _keep_failed(staging, published_out)
            console.say(f"error: {exc}")
            console.say(f"the failed notebook is kept in {kept}; the published outputs are unchanged")
            shutil.rmtree(staging, ignore_errors=True)
            return EXIT_BAD_INPUT if exc.bad_input else EXIT_FAILED
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            if kernel is not None:
                kernel.shutdown()
        _swap_in(staging / "processed", published_processed)
        _swap_in(staging / "out", published_out)
        shutil.rmtree(staging, ignore_errors=True)
    write_index(layout)
    console.say(f"{period}: published {published_out / 'report.html'} and audit.html "
                f"in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _reuse(stage: str, before: dict, published_out: Path, published_processed: Path, staging: Path,
           recorded: dict) -> bool:
    """Copy a stage's products from the last published run into staging.

    False (so the stage reruns) if any product is missing or its bytes differ from the sha256 the
    manifest recorded: a hand-edited output is never republished as if the pipeline made it.
    """
    products = before.get("products", [])
    period = published_out.name
    sources = []
    for product in products + [f"out/notebooks/{stage}.ipynb"]:
        base, _, rest = product.partition("/")
        source = (published_processed if base == "processed" else published_out) / rest
        name = f"data/processed/{period}/{rest}" if base == "processed" else f"outputs/{period}/{rest}"
        if not source.is_file() or recorded.get(name) != sha256_of(source):
            return False
        sources.append((source, staging / product))
    for source, destination in sources:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    return True


def _keep_failed(staging: Path, published_out: Path) -> Path:
    """Keep the executed notebooks of a failed run (the failing cell marked by papermill), with an
    HTML rendering of each so the error can be read without starting Jupyter."""
    failed = published_out / "failed"
    if failed.exists():
        shutil.rmtree(failed)  # only the latest failure is kept
    failed.mkdir(parents=True)
    for notebook in sorted((staging / "executed").glob("*.ipynb")):
        shutil.copy2(notebook, failed / notebook.name)
        try:
            import nbformat

            from ..publish import pages as publish

            page = publish.export_audit([(notebook.stem, nbformat.read(notebook, as_version=4))],
                                        f"{notebook.stem} (failed run)", "")
            write_text(failed / f"{notebook.stem}.html", page)
        except Exception:  # noqa: BLE001 - the notebook itself is kept; its rendering is a convenience
            pass
    return failed


def _export(period: str, layout: Layout, staging: Path, raw_sums: dict, stages_record: dict) -> None:
    import nbformat

    from ..publish import pages as publish

    out = staging / "out"
    notebooks = [(stage, nbformat.read(out / "notebooks" / f"{stage}.ipynb", as_version=4)) for stage in STAGES]
    source = load_source(layout.raw_period(period))
    inputs = {f"data/raw/{period}/{name}": sha for name, sha in raw_sums.items()}
    for path in sorted(layout.reference.glob("*.csv")):
        inputs[f"data/reference/{path.name}"] = sha256_of(path)
    versions = publish.package_versions()
    commit = _git_commit(layout.notebooks.parent)
    parameters = {f"{stage}.{k}": v for stage in STAGES
                  for k, v in stage_parameters(stage, period, layout, staging).items()}
    write_text(out / "report.html", publish.export_public(notebooks[2][1], source.title))
    write_text(out / "audit.html", publish.export_audit(
        notebooks, source.title, publish.provenance_html(inputs, versions, commit, parameters)))
    outputs = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        outputs[f"outputs/{period}/{path.relative_to(out)}"] = sha256_of(path)
    for path in sorted((staging / "processed").glob("*")):
        outputs[f"data/processed/{period}/{path.name}"] = sha256_of(path)
    write_json(out / "manifest.json", {
        "period": period, "inputs": inputs, "outputs": outputs, "parameters": parameters,
        "packages": versions, "git_commit": commit, "stages": stages_record,
    })


def write_index(layout: Layout) -> None:
    from ..publish import pages as publish

    entries = []
    for folder in sorted(layout.outputs.iterdir()) if layout.outputs.is_dir() else []:
        try:
            check_period(folder.name)
        except ValueError:
            continue
        if (folder / "report.html").is_file():
            title = ""
            with contextlib.suppress(Exception):
                title = load_source(layout.raw_period(folder.name)).title
            entries.append({"period": folder.name, "title": title})
    write_text(layout.outputs / "index.html", publish.index_html(entries))
