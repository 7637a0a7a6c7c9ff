"""Issue 20, the run's side: the environment in the cache key, the index as a published file, every
changed number named, bounded reads, any file systems, inputs that are the repository's own, and a
named error (one line, exit code 2, published files unchanged) for every fault of the system and
every malformed argument.

Faults of the system are simulated: the tests run as root, which a read-only mode does not stop, so
a read-only or full folder is the operating system's error raised by the functions that write.
"""

from __future__ import annotations

import builtins
import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from helpers.cli import main as cli_main
from helpers.io.paths import Layout
from helpers.pipeline import kernel as kernels, swap
from helpers.pipeline.contract import Console
from helpers.pipeline.freshness import published_files
from helpers.pipeline.runner import run_period
from helpers.pipeline.verify import compare
from helpers.testing import PERIOD, replay, synthetic
from helpers.testing.layouts import copy_built, save_as_gbk, tree_hashes
from helpers.testing.runs import fail_if_called, stop_and_record


def run(layout: Layout, **kwargs) -> tuple[int, str]:
    console = Console(quiet=True)
    code = run_period(PERIOD, layout, console=console, progress=False, **kwargs)
    return code, "\n".join(console.lines)


def published(layout: Layout) -> dict[str, str]:
    """sha256 of every published file: the period's two folders and the index with its manifest."""
    found = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    for name in ("index.html", "manifest.json"):
        path = layout.outputs / name
        found[name] = path.read_bytes().hex() if path.is_file() else None
    return found


def one_error(said: str) -> str:
    errors = [line for line in said.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in said, said
    return errors[0]


def manifest_of(layout: Layout) -> dict:
    return json.loads((layout.outputs / PERIOD / "manifest.json").read_text(encoding="utf-8"))


# ---- 2. status marks the months a run would republish, and run --all republishes exactly those ----------

def _republished(err: str) -> list[str]:
    return sorted(line.split("] ", 1)[1].split(":")[0] for line in err.splitlines() if ": published " in line)


@pytest.mark.slow
def test_run_all_republishes_exactly_the_months_status_marks(november_built, tmp_path, monkeypatch, capsys):
    from helpers.pipeline.status import marked

    layout = copy_built(november_built, tmp_path / "copy")
    root = str(layout.outputs.parent)
    for folder in (layout.processed / "2021-11", layout.outputs / "2021-11"):
        shutil.rmtree(folder)  # a new month: never built; October is up to date
    assert marked(layout) == ["2021-11"]
    replay.install(monkeypatch.setattr, november_built, "2021-11")  # November's notebooks, played back
    assert cli_main(["run", "--all", "--jobs", "1", "--root", root]) == 0
    assert _republished(capsys.readouterr().err) == ["2021-11"]
    assert marked(layout) == []
    page = layout.outputs / PERIOD / "report.html"  # October's page edited by hand: only October is marked
    page.write_text(page.read_text(encoding="utf-8").replace("16,869", "16,896", 1), encoding="utf-8")
    lines = []
    from helpers.pipeline.status import status

    status(layout, out=lines.append)
    october = next(line for line in lines if line.startswith(PERIOD))
    assert "a run would republish it: published files edited or deleted by hand (report.html)" in october
    assert marked(layout) == [PERIOD]
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    assert cli_main(["run", "--all", "--jobs", "1", "--root", root]) == 0
    assert _republished(capsys.readouterr().err) == [PERIOD]
    assert marked(layout) == []


@pytest.mark.slow
def test_status_names_a_changed_package_and_a_pending_publish(built, tmp_path, monkeypatch):
    from helpers.pipeline import environment
    from helpers.pipeline.status import status

    layout = copy_built(built, tmp_path / "copy")
    recorded = manifest_of(layout)["environment"]["distributions"]
    monkeypatch.setattr(environment, "installed", lambda: dict(recorded, matplotlib="3.10.9"))
    lines = []
    status(layout, out=lines.append)
    october = next(line for line in lines if line.startswith(PERIOD))
    assert f"environment (matplotlib {recorded['matplotlib']} -> 3.10.9)" in october
    swap.journal_path(layout, PERIOD).write_text("{}", encoding="utf-8")
    lines = []
    status(layout, out=lines.append)
    assert "publish pending" in next(line for line in lines if line.startswith(PERIOD))


# ---- 3. The environment in the freshness key ------------------------------------------------------------

@pytest.mark.slow
def test_a_changed_package_reruns_the_stages_that_import_it_and_is_named(built, tmp_path, monkeypatch):
    from helpers.pipeline import environment

    layout = copy_built(built, tmp_path / "copy")
    recorded = manifest_of(layout)["environment"]["distributions"]
    here = dict(recorded, matplotlib="3.10.9")
    monkeypatch.setattr(environment, "installed", lambda: here)
    executed = []
    monkeypatch.setattr(kernels, "execute", stop_and_record(executed))
    code, said = run(layout)
    assert executed == ["02_campaign_progress"], said  # 01_clean imports no matplotlib
    assert "[1/4] 01_clean: unchanged" in said
    assert (f"[2/4] 02_campaign_progress: running (changed: environment (matplotlib {recorded['matplotlib']} -> "
            "3.10.9))") in said


@pytest.mark.slow
def test_a_changed_package_only_the_pages_import_republishes_them_and_is_named(built, tmp_path, monkeypatch):
    from helpers.pipeline import environment

    layout = copy_built(built, tmp_path / "copy")
    recorded = manifest_of(layout)["environment"]["distributions"]
    here = dict(recorded, nbconvert="7.0.0")
    monkeypatch.setattr(environment, "installed", lambda: here)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    assert code == 0, said
    assert f"the environment changed for the pages: nbconvert {recorded['nbconvert']} -> 7.0.0" in said
    assert manifest_of(layout)["environment"]["distributions"]["nbconvert"] == "7.0.0"


# ---- 4. The index, a published file ------------------------------------------------------------------

KILL_WHILE_WRITING_THE_INDEX = textwrap.dedent("""
    import os, sys
    from helpers.io import writers
    real = os.replace
    def replace(source, target):
        if str(target).endswith("index.html"):
            os.kill(os.getpid(), 9)  # the temporary file is written; the rename never happens
        real(source, target)
    writers.os.replace = replace
    from helpers.cli import main
    sys.exit(main(["run", "--period", "2021-10", "--root", sys.argv[1], "--quiet"]))
""")


@pytest.mark.slow
def test_a_kill_while_the_index_is_written_leaves_no_month_off_it_and_no_stray_file(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    for name in ("index.html", "manifest.json"):  # the month's first publish: no index lists it yet
        (layout.outputs / name).unlink(missing_ok=True)
    (layout.outputs / PERIOD / "audit.html").unlink()  # something to republish, without running a notebook
    script = tmp_path / "killer.py"
    script.write_text(KILL_WHILE_WRITING_THE_INDEX, encoding="utf-8")
    killed = subprocess.run([sys.executable, str(script), str(layout.outputs.parent)], capture_output=True,
                            text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr
    assert list(layout.outputs.glob(".index.html.*.tmp")), "the kill left the temporary index behind"
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    assert code == 0, said
    assert f'href="{PERIOD}/report.html"' in (layout.outputs / "index.html").read_text(encoding="utf-8")
    assert not list(layout.outputs.glob(".*.tmp")), "no temporary file outlives a run"
    assert (layout.outputs / "index.html").read_bytes() == (built.outputs / "index.html").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_an_index_deleted_or_edited_is_named_and_repaired(built, tmp_path, monkeypatch, damage):
    from helpers.pipeline.status import status
    from helpers.pipeline.verify import index_differences

    layout = copy_built(built, tmp_path / "copy")
    page = layout.outputs / "index.html"
    if damage == "deleted":
        page.unlink()
    else:
        page.write_text(page.read_text(encoding="utf-8").replace(f"{PERIOD}/report.html", "elsewhere.html"),
                        encoding="utf-8")
    words = "is missing" if damage == "deleted" else "differs from what outputs/manifest.json records"
    assert any(words in line for line in index_differences(layout, PERIOD, today=False))
    lines = []
    status(layout, out=lines.append)
    assert any(line.startswith("index.html  a run would repair it") and words in line for line in lines)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    assert code == 0 and f"outputs/index.html: repaired (outputs/index.html {words}" in said, said
    assert page.read_bytes() == (built.outputs / "index.html").read_bytes()
    assert index_differences(layout, PERIOD, today=True) == []


# ---- 5. verify names every changed number on every page ----------------------------------------------

@pytest.mark.slow
def test_verify_names_a_number_edited_on_a_page_by_its_fact_id(built, tmp_path):
    copy = copy_built(built, tmp_path / "copy")
    page = copy.outputs / PERIOD / "report.html"
    text = page.read_text(encoding="utf-8")
    assert "42,750人" in text and ">42750</a>" in text
    page.write_text(text.replace("42,750人", "42,705人").replace(">42750</a>", ">42705</a>"), encoding="utf-8")
    english = copy.outputs / PERIOD / "report.en.html"
    english.write_text(english.read_text(encoding="utf-8").replace(">95.55%<", ">95.56%<"), encoding="utf-8")
    differences, _ = compare(published_files(copy, PERIOD), published_files(built, PERIOD))
    zh = differences[differences.index(f"differs: outputs/{PERIOD}/report.html") + 1:]
    assert zh[0] == "    figure.monitoring.persons_total (监测对象人数): 42,705人 -> 42,750人; 42705 -> 42750"
    en = differences[differences.index(f"differs: outputs/{PERIOD}/report.en.html") + 1:]
    assert en[0].startswith("    progress.toilets.rate (") and en[0].endswith("): 95.56% -> 95.55%")


# ---- 6. Bounded input ----------------------------------------------------------------------------------

READ = textwrap.dedent("""
    import sys, tracemalloc
    from helpers.io.errors import InputError
    from helpers.pipeline.manifest import ManifestProblem, read_manifest
    from helpers.io.readers import read_utf8
    tracemalloc.start()  # the read's memory, not the imports' (traced, they took over a second)
    try:
        (read_manifest if sys.argv[2] == "manifest" else read_utf8)(__import__("pathlib").Path(sys.argv[1]))
        print("read")
    except (InputError, ManifestProblem) as exc:
        print("refused:", exc)
    print("peak", tracemalloc.get_traced_memory()[1])
""")


@pytest.fixture
def unreadable(tmp_path, request):
    kind = request.param
    if kind == "/dev/zero":
        return Path("/dev/zero")
    path = tmp_path / f"input.{kind}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        with open(path, "wb") as stream:
            stream.truncate(1_000_000_000)  # sparse: 1 GB that takes no disk
    return path


@pytest.mark.parametrize("unreadable", ["/dev/zero", "fifo", "folder", "1GB"], indirect=True)
@pytest.mark.parametrize("reader", ["text", "manifest"])
def test_a_reader_refuses_a_device_a_fifo_a_folder_and_a_huge_file_at_once(unreadable, reader, tmp_path):
    script = tmp_path / "read.py"
    script.write_text(READ, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(unreadable), reader], capture_output=True, text=True,
                          timeout=60)  # a guard: an unbounded read of /dev/zero never returns
    assert done.returncode == 0, done.stderr
    said, peak = done.stdout.splitlines()
    assert said.startswith("refused:") and str(unreadable.name) in said
    assert any(words in said for words in ("is a device", "is a FIFO", "is a folder", "over the limit of 20 MB"))
    assert int(peak.split()[1]) < 100_000_000


@pytest.mark.parametrize("nesting", ["json", "yaml"])
def test_deeply_nested_input_is_named_not_a_recursion_error(tmp_path, nesting):
    from helpers.io.errors import InputError
    from helpers.io.rawdata import load_source
    from helpers.pipeline.manifest import ManifestProblem, read_manifest

    if nesting == "json":
        path = tmp_path / "manifest.json"
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
        with pytest.raises(ManifestProblem, match="manifest.json is not a manifest this runner wrote: it is nested "
                                                  "too deeply"):
            read_manifest(path)
    else:
        path = tmp_path / "source.yml"
        path.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
        # libyaml refuses the depth itself, and names the line.
        with pytest.raises(InputError, match=r"source\.yml, line 1: not valid YAML: exceeded maximum nesting depth"):
            load_source(tmp_path)


@pytest.mark.slow
def test_verify_and_status_name_a_deep_manifest(built, tmp_path, capsys):
    from helpers.pipeline.status import status
    from helpers.pipeline.verify import verify_period

    layout = copy_built(built, tmp_path / "copy")
    (layout.outputs / PERIOD / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert verify_period(PERIOD, layout) == 2
    error = one_error(capsys.readouterr().err)
    assert "manifest.json" in error and "nested too deeply" in error and "run --period 2021-10 --force" in error
    lines = []
    status(layout, out=lines.append)
    assert any(line.startswith(PERIOD) and "nested too deeply" in line for line in lines)


# ---- 7. Any file systems ---------------------------------------------------------------------------

def _another_file_system(tmp_path: Path) -> Path:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs /dev/shm on a file system other than the temporary folder's")
    folder = shm / f"shaoyang-test-{uuid.uuid4().hex}"
    folder.mkdir()
    return folder


@pytest.fixture
def other_fs(tmp_path):
    folder = _another_file_system(tmp_path)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_outputs_on_another_file_system_publish_and_leave_no_tracked_file_aside(built, tmp_path, other_fs,
                                                                               monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    processed_before = tree_hashes(layout.processed / PERIOD)
    # The notebooks, played back: the publish is under test. Their parameters differ from the
    # recording's only in the path from the staging folder (now on the other file system) to data/raw.
    replay.install(monkeypatch.setattr, built, PERIOD, allow={"parameters"})
    code = cli_main(["run", "--period", PERIOD, "--root", str(layout.outputs.parent), "--outputs-dir",
                     str(other_fs / "outputs"), "--quiet"])
    assert code == 0
    assert (other_fs / "outputs" / PERIOD / "report.html").is_file()
    assert tree_hashes(layout.processed / PERIOD) == processed_before  # the same tables, in place
    assert sorted(p.name for p in layout.processed.iterdir()) == [PERIOD]  # nothing aside, no copy left
    assert not (other_fs / "outputs" / ".staging" / PERIOD).exists()


@pytest.mark.slow
def test_a_full_disk_while_copying_across_file_systems_changes_nothing(built, tmp_path, other_fs, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    shutil.copytree(layout.processed, other_fs / "processed")
    moved = Layout(layout.raw, other_fs / "processed", layout.outputs, layout.reference, layout.notebooks)
    (moved.outputs / PERIOD / "audit.html").unlink()  # something to republish, without running a notebook
    before = tree_hashes(moved.processed / PERIOD)

    def full(source, target, *args, **kwargs):
        Path(target).mkdir(parents=True)
        (Path(target) / "half.csv").write_text("half", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(Path(target) / "half.csv"))

    monkeypatch.setattr(swap.shutil, "copytree", full)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    console = Console(quiet=True)
    code = run_period(PERIOD, moved, console=console, progress=False)
    said = "\n".join(console.lines)
    assert code == 2 and "no space left on the device" in one_error(said) and "unchanged" in said
    assert tree_hashes(moved.processed / PERIOD) == before
    assert sorted(p.name for p in moved.processed.iterdir()) == [PERIOD]
    assert not swap.pending(moved, PERIOD)


def test_a_failed_rename_during_a_publish_is_undone(tmp_path, monkeypatch):
    """The second folder's rename fails (a folder made read-only): the first is put back."""
    layout = Layout(raw=tmp_path / "data" / "raw", processed=tmp_path / "data" / "processed",
                    outputs=tmp_path / "outputs", reference=tmp_path / "data" / "reference",
                    notebooks=tmp_path / "notebooks")
    for folder, name in ((layout.processed_period(PERIOD), "figures.csv"), (layout.outputs_period(PERIOD), "report.html"),
                         (swap.staging_dir(layout, PERIOD) / "processed", "figures.csv"),
                         (swap.staging_dir(layout, PERIOD) / "out", "report.html")):
        folder.mkdir(parents=True)
        (folder / name).write_text("new" if ".staging" in str(folder) else "old", encoding="utf-8")
    real = os.rename

    def rename(source, target):
        if str(source) == str(layout.outputs_period(PERIOD)):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(source))
        real(source, target)

    monkeypatch.setattr(swap.os, "rename", rename)
    with pytest.raises(swap.PublishError, match="permission denied.*the published outputs are unchanged"):
        swap.publish(layout, PERIOD)
    monkeypatch.undo()
    assert (layout.processed_period(PERIOD) / "figures.csv").read_text(encoding="utf-8") == "old"
    assert (layout.outputs_period(PERIOD) / "report.html").read_text(encoding="utf-8") == "old"
    assert not swap.pending(layout, PERIOD) and not swap.staging_dir(layout, PERIOD).exists()
    assert sorted(p.name for p in layout.processed.iterdir()) == [PERIOD]


# ---- 8. Inputs are the repository's own files -------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("how", ["symlink", "hard link", "reference symlink"])
def test_an_input_linked_from_outside_the_repository_is_refused(built, tmp_path, monkeypatch, how):
    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)
    folder = layout.reference if how == "reference symlink" else layout.raw / PERIOD
    name = "campaigns.csv" if how == "reference symlink" else "report.txt"
    outside = tmp_path / "elsewhere" / name
    outside.parent.mkdir()
    shutil.copy2(folder / name, outside)  # the same bytes: the checksums match, only the link is wrong
    (folder / name).unlink()
    (os.link if how == "hard link" else os.symlink)(outside, folder / name)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout, force=True)
    error = one_error(said)
    assert code == 2 and str(folder / name) in error
    assert ("hard links" if how == "hard link" else "is a symbolic link") in error
    assert published(layout) == before


# ---- 9. Named errors for faults of the system and malformed arguments --------------------------------

def _denying(monkeypatch, folder: Path, code: int) -> None:
    """Make `folder` behave as read-only (EROFS) or forbidden (EACCES): every function that writes
    under it raises the operating system's error, as it would on a read-only mount."""
    folder = os.path.abspath(folder)

    def inside(path) -> bool:
        return os.path.abspath(os.fspath(path)).startswith(folder)

    def deny(path):
        raise OSError(code, os.strerror(code), os.fspath(path))

    real_open, real_builtin_open = os.open, builtins.open
    real = {name: getattr(os, name) for name in ("mkdir", "rename", "replace", "unlink", "rmdir", "remove")}
    real_rmtree = shutil.rmtree

    def os_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND):
            deny(path)
        return real_open(path, flags, *args, **kwargs)

    def builtin_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and inside(file) and any(c in mode for c in "wax+"):
            deny(file)
        return real_builtin_open(file, mode, *args, **kwargs)

    def mkdir(path, *args, **kwargs):
        if inside(path):
            if os.path.isdir(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(path))
            deny(path)
        return real["mkdir"](path, *args, **kwargs)

    def two(name):
        def call(source, target, *args, **kwargs):
            if inside(source) or inside(target):
                deny(source)
            return real[name](source, target, *args, **kwargs)
        return call

    def one(name):
        def call(path, *args, **kwargs):
            if kwargs.get("dir_fd") is None and inside(path):
                deny(path)
            return real[name](path, *args, **kwargs)
        return call

    def rmtree(path, *args, **kwargs):
        if inside(path):
            if kwargs.get("ignore_errors"):
                return None
            deny(path)
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", builtin_open)
    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "rename", two("rename"))
    monkeypatch.setattr(os, "replace", two("replace"))
    for name in ("unlink", "rmdir", "remove"):
        monkeypatch.setattr(os, name, one(name))
    monkeypatch.setattr(shutil, "rmtree", rmtree)


@pytest.mark.slow
@pytest.mark.parametrize("where, code, words", [
    ("outputs", errno.EROFS, "the file system is read-only"),
    ("processed", errno.EACCES, "permission denied"),
])
def test_a_read_only_folder_is_named_and_nothing_published_changes(built, tmp_path, monkeypatch, where, code, words):
    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)
    _denying(monkeypatch, layout.outputs if where == "outputs" else layout.processed, code)
    monkeypatch.setattr(kernels, "execute", fail_if_called)  # found before any notebook runs
    status, said = run(layout, force=True)
    monkeypatch.undo()
    error = one_error(said)
    assert status == 2 and words in error and str(layout.outputs if where == "outputs" else layout.processed) in error
    assert "--outputs-dir" in error and "unchanged" in error
    assert published(layout) == before


@pytest.mark.slow
def test_a_full_disk_met_by_papermill_is_named_and_nothing_published_changes(built, tmp_path, monkeypatch):
    import papermill.execute

    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)

    def full(nb, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(papermill.execute, "write_ipynb", full)
    code, said = run(layout, force=True)
    error = one_error(said)
    assert code == 2 and "no space left on the device" in error and "01_clean.ipynb" in error
    assert "Free some space" in error and "unchanged" in error
    assert published(layout) == before
    assert not (layout.outputs / ".staging" / PERIOD).exists()


@pytest.mark.slow
def test_a_lock_the_file_system_cannot_give_is_named(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)

    def no_locks(handle, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout, force=True)
    monkeypatch.undo()
    error = one_error(said)
    assert code == 2 and f"{PERIOD}.lock" in error and "No locks available" in error and "--outputs-dir" in error
    assert published(layout) == before


@pytest.mark.slow
def test_a_lock_held_too_long_by_another_run_is_named(built, tmp_path, monkeypatch):
    from helpers.pipeline import locks

    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)
    lock = layout.outputs / ".state" / f"{PERIOD}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        monkeypatch.setattr(locks, "LOCK_TIMEOUT", 0.3)
        monkeypatch.setattr(kernels, "execute", fail_if_called)
        code, said = run(layout, force=True)
    error = one_error(said)
    assert code == 2 and f"{PERIOD}.lock" in error and "delete the file and run again" in error
    assert "waiting for the run of 2021-10" in said
    assert published(layout) == before


@pytest.mark.parametrize("argument", ["2021-11\n", "0000-01", "2021-10 ", " 2021-10", "1999-12", "2100-01"])
@pytest.mark.parametrize("command", [["run"], ["verify"], ["verify", "--today"], ["seal"]])
def test_a_malformed_or_out_of_range_period_is_refused_in_one_line(argument, command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(command + ["--period", argument])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "Traceback" not in err
    assert "YYYY-MM" in err and "2000-2099" in err and repr(argument) in err


# ---- 10. Causes named ----------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("table", ["campaigns.csv", "glossary.csv", "targets.csv"])
def test_a_reference_table_in_another_encoding_is_named_with_its_line(built, tmp_path, monkeypatch, table):
    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)
    path = layout.reference / table
    save_as_gbk(path)
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    error = one_error(said)
    assert code == 2 and f"{path}, line " in error and "not UTF-8" in error and "GBK/GB18030" in error
    assert published(layout) == before


@pytest.mark.slow
def test_a_malformed_catalogue_is_named_with_its_file_and_line(built, tmp_path, monkeypatch):
    from helpers.publish import catalogue

    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)
    catalogues = tmp_path / "catalogues"
    shutil.copytree(catalogue.CATALOGUES, catalogues)
    broken = catalogues / "en.yml"
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(9, 'page.broken: "an unclosed quote\n')
    broken.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(catalogue, "CATALOGUES", catalogues)
    catalogue.load_catalogue.cache_clear()
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    try:
        code, said = run(layout)
    finally:
        catalogue.load_catalogue.cache_clear()
    error = one_error(said)
    assert code == 2 and f"{broken}, line " in error and "not valid YAML" in error and "<unicode string>" not in error
    assert published(layout) == before


@pytest.mark.slow
def test_a_byte_order_mark_in_the_report_is_named_as_one(built, tmp_path, monkeypatch):
    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)
    report = layout.raw / PERIOD / "report.txt"
    report.write_bytes(b"\xef\xbb\xbf" + report.read_bytes())
    synthetic.reseal(layout.raw / PERIOD, "report.txt")
    monkeypatch.setattr(kernels, "execute", fail_if_called)
    code, said = run(layout)
    error = one_error(said)
    assert code == 2 and "byte order mark (BOM" in error and "report.txt" in error and "not at offset" not in said
    assert published(layout) == before


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "folder", "1GB", "/dev/zero"])
def test_a_report_that_is_not_a_file_or_is_huge_is_refused_by_run(built, tmp_path, kind):
    layout = copy_built(built, tmp_path / "copy")
    before = published(layout)
    report = layout.raw / PERIOD / "report.txt"
    report.unlink()
    if kind == "fifo":
        os.mkfifo(report)
    elif kind == "folder":
        report.mkdir()
    elif kind == "/dev/zero":
        os.symlink("/dev/zero", report)
    else:
        with open(report, "wb") as stream:
            stream.truncate(1_000_000_000)
    done = subprocess.run([sys.executable, "-m", "helpers", "run", "--period", PERIOD, "--root",
                           str(layout.outputs.parent), "--quiet"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "report.txt" in one_error(done.stderr)
    assert published(layout) == before


def test_the_installed_distributions_are_read_from_their_metadata_headers_as_in_full():
    """The environment reads each distribution's Name and Version from its metadata file's header,
    and its modules from its file list as text, not by parsing whole files into objects: the same
    names, versions and modules importlib.metadata gives."""
    from importlib import metadata

    from helpers.pipeline import environment

    full = {}
    for dist in metadata.distributions():
        if dist.metadata["Name"]:
            full.setdefault(environment.normalise(dist.metadata["Name"]), dist.version)
    assert environment.installed() == full
    assert environment.installed()["shaoyang-report"] == metadata.version("shaoyang-report")
    # Likewise the modules each distribution provides, read from top_level.txt and RECORD as text.
    assert environment._module_distributions() == {
        module: tuple(sorted({environment.normalise(name) for name in names}))
        for module, names in metadata.packages_distributions().items()}
