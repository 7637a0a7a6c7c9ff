"""The pipeline runner: raw -> 01_clean -> 02_campaign_progress -> 03_narrative -> HTML.

How a run protects what was published:
- every input is checked (period, raw folder, sidecar, checksums, the report text's size and
  encoding, the transcription's columns, the reference tables' and catalogues' encoding, and that
  every input is the repository's own file, not a link to one elsewhere) before any notebook starts;
- a fault of the operating system (a read-only folder, a full disk, a lock that cannot be taken)
  is one line naming the file and what to do, exit code 2, and the published files unchanged;
- what was published is compared with its manifest: a file edited or removed by hand is named
  and republished; a file the pipeline did not make stops the run, named;
- the notebooks write into a staging folder; both published folders (`data/processed/<period>/`,
  `outputs/<period>/`) and the index are replaced only when every stage has succeeded, by a
  journaled swap that the next run completes if it is interrupted (see `swap.py`, `index.py`);
- a failing notebook is kept, executed up to the failing cell and bounded in size, in
  `outputs/<period>/failed/`.

How a run stays quick and reproducible:
- a stage is skipped when its cache key is unchanged (see `freshness.py`);
- the notebooks run in one shared kernel (see `kernel.py`) and are normalised (no timings, fixed
  cell ids, relative paths); charts carry no timestamps, so the same inputs give the same bytes.

The stages and their files are declared once, in `contract.py`; each stage's parameters, with
their meanings, in its notebook's parameters cell.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from ..io.errors import InputError, InputWarning, describe_os_error
from ..io.paths import STAGED_FOLDERS, Layout, Period, earlier_raw_periods
from ..io.rawdata import check_own_files, open_period, sha256_of
from ..io.readers import read_utf8
from . import environment, freshness, index, kernel as kernels, swap
from .contract import (EDITIONS, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, MANIFEST, NOTEBOOKS, STAGES, Console,
                       RunContext, RunFailed, folder_products)
from .locks import LockError
from .manifest import ManifestProblem, code_commit, export, read_manifest


def preflight(period: Period, layout: Layout) -> dict:
    """Every check that can stop a run before any notebook starts. Returns the raw files' sha256."""
    from ..publish.catalogue import load_catalogue

    raw_sums = open_period(layout.raw_period(period), period)[1]
    for earlier in earlier_raw_periods(layout.raw, period):
        check_own_files(layout.raw_period(earlier), f"data/raw/{earlier}/")
    check_own_files(layout.reference, "data/reference/")
    for path in sorted(layout.reference.glob("*.csv")):
        read_utf8(path)  # the encoding of every reference table, named with its file and line
    for language in EDITIONS:
        load_catalogue(language)  # a catalogue that is not UTF-8 or not YAML, named with its file and line
    return raw_sums


def _checked_inputs(period: Period, layout: Layout, console: Console) -> dict | None:
    """preflight, with its warnings printed and its errors turned into one line and None."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InputWarning)
            raw_sums = preflight(period, layout)
    except (InputError, ValueError) as exc:
        console.say(f"error: {exc}")
        return None
    for warning in caught:
        if isinstance(warning.message, InputWarning):
            console.warn(str(warning.message))
    for line in untranslated(period, layout):
        console.warn(line)
    return raw_sums


def untranslated(period: Period, layout: Layout) -> list[str]:
    """What the editions other than Chinese cannot name yet (a figure or campaign new this month):
    the page shows its Chinese name with a note, and the run says so here, naming the file to edit."""
    from ..io.readers import read_csv_strict
    from ..io.schemas import FIGURES
    from ..publish.edition import is_source
    from ..publish.glossary import load_glossary

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)  # preflight has named every column already
            glossary = load_glossary(layout.reference, period)
            _, rows, _ = read_csv_strict(layout.raw_period(period) / "figures.csv", FIGURES)
    except InputError as exc:
        return [str(exc)]
    lines = []
    for language in (e for e in EDITIONS if not is_source(e)):
        for kind, ids in (("figure", [r["figure_id"] for r in rows]), ("campaign", [r["campaign"] for r in rows])):
            missing = glossary.missing(kind, ids, language)
            if missing:
                lines.append(f"{glossary.path}: {len(missing)} {kind}(s) have no {language} name yet "
                             f"({', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}); the {language} page "
                             f"shows their Chinese names with a note. Add a row for each (kind {kind}).")
    return lines


def run_period(period: Period, layout: Layout | None = None, force: bool = False, console: Console | None = None,
               progress: bool = True) -> int:
    """Run the whole pipeline for one period. Returns an exit code (0 ok, 1 failed, 2 bad input)."""
    layout = layout or Layout.default()
    console = console or Console()
    started = time.perf_counter()
    raw_sums = _checked_inputs(period, layout, console)
    if raw_sums is None:
        return EXIT_BAD_INPUT
    try:
        return _run_locked(period, layout, force, console, progress, raw_sums, started)
    except OSError as exc:
        console.say(f"error: {describe_os_error(exc)}; the published outputs are unchanged")
    except (LockError, swap.PublishError) as exc:
        console.say(f"error: {exc}")
    return EXIT_BAD_INPUT


def check_writable(folder: Path) -> None:
    """Raise the operating system's error (named by the caller) if `folder` cannot take a new file:
    found before any notebook runs, not at the publish."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, probe = tempfile.mkstemp(dir=folder, prefix=".write-probe.", suffix=".tmp")
    os.close(handle)
    os.unlink(probe)


def _run_locked(period: Period, layout: Layout, force: bool, console: Console, progress: bool, raw_sums: dict,
                started: float) -> int:
    published_out = layout.outputs_period(period)
    with swap.period_lock(layout, period, console.say):
        repaired = swap.recover(layout, period)
        if repaired:
            console.say(f"{period}: {repaired}")
        for tidied in swap.sweep(layout):
            console.say(f"{tidied}: removed what an interrupted run left")
        check_writable(layout.processed)
        try:
            previous = read_manifest(layout.published(period, MANIFEST))
            unusable = ""
        except ManifestProblem as exc:
            previous, unusable = {}, str(exc)
            console.say(f"{period}: {unusable}; every stage reruns")
        drifted, foreign = freshness.drift(layout, period, previous) if previous else ([], [])
        if foreign:
            console.say(f"error: {len(foreign)} file(s) in the published folders were not made by this pipeline "
                        f"(manifest.json does not list them): {', '.join(foreign)}. Move them elsewhere or delete "
                        "them, then run again; a run replaces the whole folder")
            return EXIT_BAD_INPUT
        for line in drifted:
            console.say(f"{line}: republishing")
        staging = swap.staging_dir(layout, period)
        if staging.exists():
            shutil.rmtree(staging)
        for folder in (*STAGED_FOLDERS, NOTEBOOKS, *folder_products()):
            (staging / folder).mkdir(parents=True, exist_ok=True)
        context = RunContext(period, layout, staging)
        background = Background()
        try:
            executed_any, record = _run_stages(context, raw_sums, previous, unusable, force, console, progress,
                                               background)
            commit = background.result("commit") or code_commit(layout.notebooks.parent)
            reasons = republish_reasons(previous, commit, force=force, executed_any=executed_any, drifted=drifted)
            if not reasons:
                console.say(f"{period} is up to date: nothing to do ({time.perf_counter() - started:.1f} s)")
                shutil.rmtree(staging)
                _update_index(layout, console)
                return EXIT_OK
            tick = time.perf_counter()
            background.result("export ready")
            export(context, raw_sums, record, commit)
            console.say(f"export: report.html and audit.html written in {time.perf_counter() - tick:.1f} s"
                        + "".join(f"; {r}" for r in reasons if r.startswith("the environment")))
        except RunFailed as exc:
            background.result("export ready")  # keep_failed renders pages too: never two at once
            kept = kernels.keep_failed(staging, published_out)
            fault = _os_fault(str(exc))
            console.say(f"error: {exc}" + (f". {fault}" if fault else ""))
            console.say(f"the failed notebook is kept in {kept}; the published outputs are unchanged")
            shutil.rmtree(staging, ignore_errors=True)
            return EXIT_BAD_INPUT if exc.bad_input or fault else EXIT_FAILED
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        swap.publish(layout, period)
    console.say(f"{period}: published {published_out / 'report.html'} and audit.html "
                f"in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


class Background:
    """What a run can prepare while the kernel runs the notebooks and the runner mostly waits for
    it, in threads: the export (nbconvert imported, its templates compiled, the distributions the
    pages import found: environment.py caches what it reads) and the code commit (two git
    commands). Started only when a notebook runs, so that a run with nothing to do stays instant.
    A task that fails gives None: the caller then does the work itself, and meets and reports the
    failure there."""

    def __init__(self):
        self._futures: dict = {}
        self._pool = None

    def start(self, layout: Layout) -> None:
        from concurrent.futures import ThreadPoolExecutor

        def warm_up() -> None:
            from ..publish import pages  # imported here: nbformat and nbconvert load in the thread

            pages.warm_up()
            environment.page_distributions()

        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="run-background")
        self._futures = {"export ready": self._pool.submit(warm_up),
                         "commit": self._pool.submit(code_commit, layout.notebooks.parent)}
        self._pool.shutdown(wait=False)

    def result(self, name: str):
        future = self._futures.get(name)
        if future is None:
            return None
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - see the class docstring
            return None


def _update_index(layout: Layout, console: Console) -> None:
    repaired = index.update(layout, only_if_drifted=True)
    if repaired:
        console.say(f"outputs/index.html: repaired ({repaired})")


def _os_fault(message: str) -> str:
    """What to do about an operating-system fault a notebook met (a full disk while it wrote a table),
    or "" if the failure was not one."""
    import errno

    found = re.search(r"\[Errno (\d+)\]", message)
    code = int(found.group(1)) if found else 0
    if code not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EIO):
        return ""
    return describe_os_error(OSError(code, os.strerror(code))).split(". ", 1)[-1]


def republish_reasons(previous: dict, commit: str, force: bool = False, executed_any: bool = False,
                      drifted=(), stages_change: bool = False) -> list[str]:
    """Why a run republishes a period, [] if it would not: the one decision `run` and `status` share.

    `executed_any` (a run) or `stages_change` (status: a stage's key differs) say a stage reruns."""
    page_changes = []
    if previous:
        before = previous.get("environment")
        if isinstance(before, dict):
            # The distributions the pages import, as recorded: they change only with the code, and a
            # code change reruns the stages and so republishes the pages anyway.
            names = before.get("pages") if isinstance(before.get("pages"), list) else environment.page_distributions()
            page_changes = environment.differences(before, environment.record(), names)
        else:
            page_changes = ["not recorded by the last run"]
    return [why for why, applies in (
        ("forced", force), ("a stage ran", executed_any), ("a stage's inputs changed", stages_change),
        ("published files drifted", bool(drifted)), ("first run", not previous),
        ("the code commit it records is out of date", bool(previous) and previous.get("git_commit") != commit),
        (f"the environment changed for the pages: {', '.join(page_changes)}", bool(page_changes)),
    ) if applies]


def _run_stages(context: RunContext, raw_sums: dict, previous: dict, unusable: str, force: bool,
                console: Console, progress: bool, background: Background | None = None) -> tuple[bool, dict]:
    """Run or reuse each stage in order. Returns whether any notebook ran, and each stage's
    cache key and products for the manifest."""
    code = freshness.code_hash()
    record, executed_any, kernel = {}, False, None
    declared = _declared_parameters(context, previous)
    try:
        for number, stage in enumerate(STAGES, start=1):
            before = previous.get("stages", {}).get(stage.name, {})
            components = freshness.stage_components(stage, context, raw_sums, code, before)
            changed = freshness.changed_components(stage, components, before, previous, context.layout)
            pairs = None
            if not force and not changed:
                pairs = freshness.reusable_products(stage, before, context.layout, context.period,
                                                    previous.get("outputs", {}))
            if pairs is not None:
                for source, staged in pairs:
                    (context.staging / staged).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, context.staging / staged)
                console.say(f"[{number}/{len(STAGES)}] {stage.name}: unchanged, reusing the last run's outputs")
            else:
                reason = ("forced (--force)" if force else "no usable manifest" if unusable else
                          "first run" if not before else "changed: " + ", ".join(changed) if changed else
                          "its published outputs are missing or were edited by hand")
                console.say(f"[{number}/{len(STAGES)}] {stage.name}: running ({reason})")
                tick = time.perf_counter()
                if kernel is None:
                    kernel = kernels.SharedKernel(context.staging, kernels.notebook_imports(
                        list(dict.fromkeys(s.notebook(context.layout) for s in STAGES[number - 1:]))))
                    # papermill (and the nbclient and jupyter_client it imports) loads here, while the
                    # kernel boots, before the background thread imports nbconvert, which imports them
                    # too: two threads importing one package's modules at once can each meet the
                    # other's half-initialised module (ImportError: "partially initialized module").
                    import papermill  # noqa: F401
                    if background is not None:
                        background.start(context.layout)
                executed = kernels.execute(stage.notebook(context.layout),
                                           context.staging / "executed" / f"{stage.name}.ipynb", context.staging,
                                           stage.parameter_values(context, declared[stage.name]), console, progress,
                                           kernel)
                _keep_normalised(executed, context.staging / NOTEBOOKS / f"{stage.name}.ipynb",
                                 stage.notebook_stem)
                executed_any = True
                console.say(f"[{number}/{len(STAGES)}] {stage.name}: done in {time.perf_counter() - tick:.1f} s")
            unwritten = stage.unwritten(context.staging)
            if unwritten:
                raise RunFailed("; ".join(unwritten))
            products = [p.relative_to(context.staging).as_posix()
                        for p in freshness.expand(context.staging, stage.product_files.values())]
            record[stage.name] = {"components": components, "products": products, "parameters": declared[stage.name],
                                  "distributions": freshness.stage_distributions(
                                      stage, context.layout, components["notebook"], code, before)}
    finally:
        if kernel is not None:
            kernel.shutdown()
    return executed_any, record


def _declared_parameters(context: RunContext, previous: dict) -> dict[str, list[str]]:
    """The parameters each stage's notebook declares, found before any stage runs: as the last run
    recorded them for a notebook unchanged since, else read from the notebook and checked
    (Stage.parameter_values), so that a notebook whose parameters a run cannot fill stops the run,
    named, before any notebook runs, and no notebook is read again once the kernel and the
    background thread have started."""
    declared = {}
    for stage in STAGES:
        before = previous.get("stages", {}).get(stage.name, {})
        names = freshness.stage_parameters(stage, context.layout, sha256_of(stage.notebook(context.layout)), before)
        declared[stage.name] = names if names is not None else list(stage.parameter_values(context))
    return declared


def _keep_normalised(executed: Path, destination: Path, stage: str) -> None:
    import nbformat

    from ..io.writers import write_text

    nb = nbformat.read(executed, as_version=4)
    kernels.normalise_notebook(nb, stage)
    write_text(destination, nbformat.writes(nb) + "\n")
