"""Running notebooks: one shared kernel per run, papermill execution, and what is kept of them.

The executed notebooks are normalised (no timings, fixed ids, counts from 1) so that the same
inputs give the same bytes, and a failed notebook is kept, bounded in size, for debugging.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from ..io.paths import STAGED
from ..io.writers import write_text
from .contract import Console, RunFailed

# jsonschema (pulled in by nbformat) builds an IRI grammar at import when rfc3987_syntax is
# installed (by jupyterlab's dependencies): about a second per process, for a format check that
# notebook validation never uses. Declaring the module absent makes jsonschema skip it.
sys.modules.setdefault("rfc3987_syntax", None)
# Likewise rfc3986_validator (a URI grammar of regular expressions, compiled at import) and
# isoduration (which imports arrow): ~0.05 s together, for formats notebook validation never checks.
for _unused in ("rfc3986_validator", "isoduration"):
    sys.modules.setdefault(_unused, None)

# A kept failure must stay small enough to open: a cell's output beyond this many characters is cut.
KEPT_OUTPUT_CHARS = 20_000
# Run in the kernel as it starts, leaving no name behind: warnings printed without a local path.
PLAIN_WARNINGS = ("__import__('warnings').formatwarning = "
                  "__import__('helpers.io.errors', fromlist=['format_warning']).format_warning")


class SharedKernel:
    """One kernel, and one client connected to it, for all the notebooks of a run.

    Starting a kernel and importing pandas, pandera and matplotlib in it costs more than the
    analysis itself; doing it once per run instead of once per notebook roughly halves a run.
    The kernel starts before the runner imports papermill and nbconvert, so the two overlap.

    papermill (through nbclient) asks the kernel manager for a client for every notebook, and a
    new client waits for the kernel and then listens for 0.2 s to flush its messages: a fixed
    cost per notebook. The manager here hands out one client, connected once (see
    `kernelclient.py`); the reset between notebooks goes through the same client.
    Between notebooks the namespace is cleared (%reset -f) and pandas' display options are
    restored, so each notebook sees only its own variables, as in a fresh kernel. What survives a
    reset (modules, the shell) is then frozen out of the garbage collector's sight: the reset's
    full collection scanned every object of every imported library (0.05-0.2 s a notebook) and
    now scans only what the last notebook made.
    """

    RESET = "\n".join([
        'get_ipython().run_line_magic("reset", "-f")',
        "import gc as _gc",
        "_gc.freeze()",
        "import pandas as _pd",
        '_pd.reset_option(r"^display\\.")',
        "del _pd, _gc",
    ])

    def __init__(self, cwd: Path, preload: list[str] = ()):
        from jupyter_core.utils import run_sync

        from .kernel_launcher import PRELOAD
        from .kernelclient import OneClientKernelManager

        self._run_sync = run_sync
        # The kernel and its client talk over Unix sockets in a folder of this run's own, not over
        # TCP ports: jupyter_client picks free ports and the kernel binds them a moment later, and in
        # between another process (a second run, a test worker's kernel) could take one ("Address
        # already in use", papermill issue 511). An absolute path, since the kernel runs elsewhere.
        import tempfile

        remove_stray_socket_folders(Path(tempfile.gettempdir()))
        self._sockets = tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-")
        self.km = OneClientKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(self._sockets, "k"))
        self.used = False
        # The kernel warns on every start that local TCP is unencrypted; that is noise on one machine.
        # A warning a cell prints lands on the auditor's page: print it without the file of the code
        # that warned, a temporary /tmp/ipykernel_<pid>/… that changed the page on every run
        # (helpers.io.errors.format_warning; set at start, so it names nothing in the notebooks).
        # Its input history stays in memory: nobody reads it, and a run should not write to ~/.ipython.
        # No cell awaits at top level, so IPython need not compile each cell a second time to see
        # whether it does (1.5 ms a cell, 80 cells a run). It imports what the notebooks import
        # while the runner starts (kernel_launcher.py).
        run_sync(self.km.start_kernel)(cwd=str(cwd), extra_arguments=[
            "--IPKernelApp.log_level=ERROR", f"--IPKernelApp.exec_lines={PLAIN_WARNINGS}",
            "--HistoryManager.hist_file=:memory:", "--InteractiveShell.autoawait=False",
            *([PRELOAD + ",".join(preload)] if preload else [])])

    def prepare(self) -> None:
        """Clear what the previous notebook left in the kernel."""
        if self.used:
            # Straight to the kernel, not through papermill: a one-cell notebook cost a third of a
            # second per stage, for a reset whose output nobody reads.
            client = self.km.client()
            reply = self._run_sync(client.execute_interactive)(self.RESET, timeout=60, store_history=False,
                                                               output_hook=lambda message: None)
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"the shared kernel could not be reset: {reply['content'].get('evalue', '')}")
        self.used = True

    def shutdown(self) -> None:
        try:
            self.km.close_client()
            self._run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is already gone needs no shutdown
            pass
        shutil.rmtree(self._sockets, ignore_errors=True)


SOCKETS_PREFIX = "shaoyang-kernel-"


def remove_stray_socket_folders(folder: Path) -> list[Path]:
    """Remove the kernel socket folders under `folder` whose run is gone (killed, say, before its
    shutdown removed them): each is named shaoyang-kernel-<pid of its run>-<random>. Returns them."""
    removed = []
    for path in folder.glob(f"{SOCKETS_PREFIX}*-*"):
        pid = path.name[len(SOCKETS_PREFIX):].split("-")[0]
        if not pid.isdigit() or not path.is_dir() or path.is_symlink():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:  # its run is gone
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        except (PermissionError, OverflowError):  # another user's live process, or not a pid: leave it
            pass
    return removed


def notebook_imports(notebooks: list[Path]) -> list[str]:
    """The modules the notebooks' code cells import, in order: `import a.b` gives a.b, and
    `from a import b, c` gives a, a.b and a.c (b may be a module or a name; the kernel tries each)."""
    import ast
    import json

    found: list[str] = []
    for path in notebooks:
        for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:
                continue  # the notebook reports it when it runs
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(found))


def execute(notebook: Path, executed: Path, staging: Path, parameters: dict, console: Console, progress: bool,
            kernel: SharedKernel) -> Path:
    """Run one notebook in the shared kernel, writing the executed copy to `executed` (named after the stage)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    stage = executed.stem
    executed.parent.mkdir(parents=True, exist_ok=True)
    kernel.prepare()
    try:
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=parameters, kernel_name="python3",
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


def keep_failed(staging: Path, published_out: Path) -> Path:
    """Keep the executed notebooks of a failed run (the failing cell marked by papermill), with an
    HTML rendering of each so the error can be read without starting Jupyter.

    Outputs longer than KEPT_OUTPUT_CHARS are cut, so that a failure on a huge input leaves a
    notebook one can open, not hundreds of megabytes.
    """
    import nbformat

    failed = published_out / "failed"
    if failed.exists():
        shutil.rmtree(failed)  # only the latest failure is kept
    failed.mkdir(parents=True)
    for notebook in sorted((staging / "executed").glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        bound_outputs(nb)
        write_text(failed / notebook.name, nbformat.writes(nb) + "\n")
        try:
            from ..publish import pages

            page = pages.export_audit([(notebook.stem, nb)], f"{notebook.stem} (failed run)", "",
                                      staging / STAGED["charts"])
            write_text(failed / f"{notebook.stem}.html", page)
        except Exception:  # noqa: BLE001 - the notebook itself is kept; its rendering is a convenience
            pass
    return failed


def bound_outputs(nb, limit: int = KEPT_OUTPUT_CHARS) -> None:
    """Cut every text output (streams, tracebacks, reprs) to `limit` characters, saying how much was cut."""
    def cut(text: str) -> str:
        if len(text) <= limit:
            return text
        return text[:limit] + f"\n[… {len(text) - limit:,} more characters cut from this output]\n"

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = cut("".join(output["text"]) if isinstance(output["text"], list) else output["text"])
            if "traceback" in output:
                output["traceback"] = [cut(line) for line in output["traceback"][:50]]
            if "evalue" in output:
                output["evalue"] = cut(output["evalue"])
            for mime, value in list(output.get("data", {}).items()):
                if mime.startswith("text/"):
                    output["data"][mime] = cut("".join(value) if isinstance(value, list) else value)
