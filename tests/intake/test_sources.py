"""Issue 20, the intake's side: add-period and draft read bounded input; seal seals only the
repository's own files and readable reference tables; a byte order mark is removed with a note; a
text that is not this bureau's report for the period is refused unless accepted (then recorded, and
seal never says it passes unrecorded); a month added before months already added says which it
changes. Every refusal is one line naming the file or argument, exit code 2, and leaves the
repository's data (and anything published) as it was: the tests hash them before and after.

Each test works in a temporary copy of the repository's inputs (the `layout` fixture: raw root with
only 2021-10), without running a notebook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap

import pytest
import yaml

from helpers.cli import main
from helpers.intake.add_period import add_period
from helpers.intake.header import read_header, source_mismatches, title_place
from helpers.io.rawdata import load_source, open_period
from helpers.testing import PERIOD, months
from helpers.testing.layouts import save_as_gbk, tree_hashes

TODAY = dt.date(2026, 11, 30)
BOM = b"\xef\xbb\xbf"
PASSES = "passes the cleaning checks"


def quiet(_message: str) -> None:
    pass


def repository(layout) -> dict[str, str]:
    """sha256 of every file the intake could change or a run publishes: raw, reference, processed, outputs."""
    return tree_hashes(layout.raw, layout.reference, layout.processed, layout.outputs)


def root_of(layout) -> str:
    return str(layout.raw.parents[1])


def command(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def other_bureau(text: str) -> str:
    """The same report as another bureau would publish it: its place in the title, its name as publisher."""
    return (text.replace("邵阳市2021年", "湘西州2021年", 1)
            .replace("信息来源: 邵阳市乡村振兴局", "信息来源: 湘西土家族苗族自治州乡村振兴局", 1))


@pytest.fixture(scope="module")
def november():
    return months.november()


# ---- 1. Bounded input: add-period and draft on what is not a report text ----------------------------------

READ_ALL = textwrap.dedent("""
    import contextlib, io, json, sys, tracemalloc
    import helpers.intake.add_period, helpers.intake.command  # imported before measuring
    from helpers.cli import main
    root, results = sys.argv[1], []
    for path in sys.argv[2:]:
        for args in (["add-period", path, "--root", root], ["draft", path]):
            err = io.StringIO()
            tracemalloc.start()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(args)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            results.append({"command": args[0], "path": path, "code": code, "err": err.getvalue(), "peak": peak})
    print(json.dumps(results))
""")


def test_add_period_and_draft_refuse_a_device_a_fifo_a_folder_and_a_huge_file_at_once(layout, tmp_path):
    """/dev/zero once took add-period to 23 GB; each is now refused before reading more than the limit."""
    fifo, folder, huge = tmp_path / "report.fifo", tmp_path / "report folder", tmp_path / "report 1GB.txt"
    os.mkfifo(fifo)
    folder.mkdir()
    with open(huge, "wb") as stream:
        stream.truncate(1_000_000_000)  # sparse: 1 GB that takes no disk
    before = repository(layout)
    script = tmp_path / "read_all.py"
    script.write_text(READ_ALL, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), root_of(layout), "/dev/zero", str(fifo), str(folder),
                           str(huge)], capture_output=True, text=True, timeout=120)  # a guard: /dev/zero never ends
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) == 8
    words = {"/dev/zero": "is a device", str(fifo): "is a FIFO", str(folder): "is a folder",
             str(huge): "the file is 1000.0 MB; a bureau report is a few KB; expected at most 1 MB of report text"}
    for result in results:
        error = one_error(result["err"])
        assert result["code"] == 2 and result["path"] in error and words[result["path"]] in error, result
        assert result["peak"] < 100_000_000, result
    assert repository(layout) == before
    assert sorted(p.name for p in layout.raw.iterdir()) == [PERIOD, "README.md"]  # no staging left


def test_draft_writes_through_a_pipe_and_never_replaces_it(tmp_path, november, capsys):
    """`draft --out /dev/full` once replaced the device with a regular file (an atomic write renames a
    temporary file over its destination): a device or a pipe is written through, a folder refused."""
    report = november.write_text(tmp_path / "november.txt")
    pipe = tmp_path / "draft.pipe"
    os.mkfifo(pipe)
    reader = subprocess.Popen(["cat", str(pipe)], stdout=subprocess.PIPE)  # waits for a writer
    try:
        code, _, err = command(["draft", str(report), "--out", str(pipe)], capsys)
        assert code == 0 and stat.S_ISFIFO(os.lstat(pipe).st_mode), "the pipe is still a pipe"
        assert reader.communicate(timeout=60)[0].decode("utf-8").startswith("figure_id,section,campaign,metric")
    finally:
        reader.kill()
    code, _, err = command(["draft", str(report), "--out", str(tmp_path)], capsys)
    assert code == 2 and f"{tmp_path}: is a folder" in one_error(err)


def test_a_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["add-period", "report.txt", "--period", "2021-13"])
    error = one_error(capsys.readouterr().err)
    assert exit_info.value.code == 2 and "argument --period: period '2021-13'" in error
    assert "See `shaoyang-report add-period --help`" in error


# ---- 2. seal seals only the repository's own files ----------------------------------------------------------

@pytest.mark.parametrize("how, name", [("symlink", "report.txt"), ("hard link", "figures.csv"),
                                       ("symlink", "reference/campaigns.csv"),
                                       ("hard link", "reference/glossary.csv"),
                                       ("symlinked folder", "reference/extra")])
def test_seal_refuses_a_file_linked_from_outside_the_repository(layout, tmp_path, capsys, how, name):
    """A link's content is not in git: sealed, the published content would come from elsewhere."""
    folder = layout.reference if name.startswith("reference/") else layout.raw / PERIOD
    path = folder / name.removeprefix("reference/")
    outside = tmp_path / "elsewhere" / path.name
    outside.parent.mkdir()
    if how == "symlinked folder":
        outside.mkdir()
        os.symlink(outside, path)
    else:
        shutil.copy2(path, outside)  # the same bytes: the checksums match, only the link is wrong
        path.unlink()
        (os.link if how == "hard link" else os.symlink)(outside, path)
    before = repository(layout)
    code, out, err = command(["seal", "--period", PERIOD, "--root", root_of(layout)], capsys)
    error = one_error(err)
    assert code == 2 and str(path) in error and PASSES not in out
    assert ("hard links" if how == "hard link" else "is a symbolic link") in error
    assert repository(layout) == before


def test_add_period_refuses_a_reference_table_linked_from_outside(layout, tmp_path, november, capsys):
    path = layout.reference / "campaigns.csv"
    outside = tmp_path / "campaigns.csv"
    shutil.copy2(path, outside)
    path.unlink()
    os.symlink(outside, path)
    before = repository(layout)
    report = november.write_text(tmp_path / "november.txt")
    code, _, err = command(["add-period", str(report), "--root", root_of(layout)], capsys)
    assert code == 2 and str(path) in one_error(err) and "is a symbolic link" in err
    assert repository(layout) == before and outside.read_bytes() == path.read_bytes()


def test_rename_campaign_refuses_a_reference_table_linked_from_outside(layout, tmp_path, capsys):
    month = months.november()
    month.write(layout.raw, layout.reference)  # adds water_supply since 2021-11
    path = layout.reference / "campaigns.csv"
    outside = tmp_path / "campaigns.csv"
    shutil.copy2(path, outside)
    path.unlink()
    os.symlink(outside, path)
    before = repository(layout) | {"outside": hashlib.sha256(outside.read_bytes()).hexdigest()}
    code, _, err = command(["rename-campaign", "water_supply", "drinking_water", "--period", "2021-11", "--root",
                            root_of(layout)], capsys)
    assert code == 2 and str(path) in one_error(err) and "is a symbolic link" in err
    assert repository(layout) | {"outside": hashlib.sha256(outside.read_bytes()).hexdigest()} == before
    assert path.is_symlink()


# ---- 4. Causes named: a reference table in another encoding, a byte order mark ------------------------------

@pytest.mark.parametrize("table", ["campaigns.csv", "glossary.csv", "targets.csv", "relations.csv"])
def test_seal_never_passes_over_a_reference_table_it_cannot_read(layout, capsys, table):
    """A GBK campaigns.csv once left seal saying the folder "passes"."""
    path = layout.reference / table
    save_as_gbk(path)
    before = repository(layout)
    code, out, err = command(["seal", "--period", PERIOD, "--root", root_of(layout)], capsys)
    error = one_error(err)
    assert code == 2 and f"{path}, line " in error and "not UTF-8" in error and "GBK/GB18030" in error
    assert PASSES not in out and repository(layout) == before


def test_seal_never_passes_over_a_reference_table_cut_short(layout, capsys):
    path = layout.reference / "figure_renames.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(f"{header}\ntoilets.old,toilets.new\n", encoding="utf-8")
    code, out, err = command(["seal", "--period", PERIOD, "--root", root_of(layout)], capsys)
    error = one_error(err)
    assert code == 2 and f"{path}, line 2" in error and "fields where the header has" in error
    assert PASSES not in out


@pytest.mark.parametrize("table", ["campaigns.csv", "glossary.csv", "targets.csv"])
def test_add_period_names_a_reference_table_in_another_encoding(layout, tmp_path, november, capsys, table):
    path = layout.reference / table
    save_as_gbk(path)
    before = repository(layout)
    report = november.write_text(tmp_path / "november.txt")
    code, _, err = command(["add-period", str(report), "--root", root_of(layout)], capsys)
    error = one_error(err)
    assert code == 2 and f"{path}, line " in error and "GBK/GB18030" in error
    assert repository(layout) == before


def test_add_period_removes_a_byte_order_mark_with_a_note_and_records_it(layout, tmp_path, november, capsys):
    """A BOM once gave 70 "not at offset" errors and never said BOM."""
    saved = BOM + november.text.encode("utf-8")
    report = tmp_path / "saved by notepad.txt"
    report.write_bytes(saved)
    code, out, err = command(["add-period", str(report), "--root", root_of(layout)], capsys)
    assert code == 0 and err == ""
    target = layout.raw / "2021-11"
    # report.txt is the page's text: the saved file less the editor's mark, so every offset counts from
    # its first character; the sidecar says so, with the saved file's sha256.
    assert (target / "report.txt").read_bytes() == saved[len(BOM):]
    assert "byte order mark (BOM: the bytes EF BB BF" in out and str(report) in out
    assert "not at offset" not in out
    assert "## Before it builds (0)\n\nNone: the folder builds as drafted" in (target / "review.md").read_text("utf-8")
    note = load_source(target).raw["capture_note"]
    assert "byte order mark" in note and hashlib.sha256(saved).hexdigest() in note
    open_period(target, "2021-11")
    code, out, _ = command(["seal", "--period", "2021-11", "--root", root_of(layout)], capsys)
    assert code == 0 and "passes the cleaning checks" in out


def test_the_auditor_sees_what_the_sidecar_records_about_the_source(layout, tmp_path, november):
    from helpers.audit.steps import source_notes

    assert source_notes(load_source(layout.raw / PERIOD)).startswith("none: ")
    report = tmp_path / "xiangxi.txt"
    report.write_bytes(BOM + other_bureau(november.text).encode("utf-8"))
    target = add_period(report, layout, today=TODAY, say=quiet, accept_mismatch=True)
    notes = source_notes(load_source(target))
    assert list(notes["note"]) == ["accepted mismatch: publisher", "accepted mismatch: place", "capture"]
    assert "湘西土家族苗族自治州乡村振兴局, not 邵阳市乡村振兴局" in notes.iloc[0, 1]
    assert "byte order mark" in notes.iloc[2, 1]


# ---- 5. Wrong-source texts ----------------------------------------------------------------------------------

def test_the_bureau_s_own_facts_and_another_s():
    october = read_header(months.october().text)
    assert source_mismatches(october, "2021-10") == {} and title_place(october.title) == "邵阳市"
    assert source_mismatches(october, "2021-09") == {
        "period": "its title covers 2021-10 (邵阳市2021年1-10月落实乡村振兴工作的进展情况总体报告), not 2021-09"}
    other = read_header(other_bureau(months.october().text))
    assert set(source_mismatches(other, "2021-10")) == {"publisher", "place"}
    assert title_place("2021年1-10月工作进展") is None  # a title without a place: nothing to compare
    assert source_mismatches(read_header("截至11月底,全市共有监测对象16915户。\n"), "2021-11") == {}


@pytest.mark.parametrize("case", ["another bureau", "another period in range", "a period out of range"])
def test_add_period_refuses_a_text_that_is_not_this_bureau_s_for_the_period(layout, tmp_path, november, capsys,
                                                                          case):
    """Another bureau's text was once added with no warning, and --period 9999-12 on a 1-11月 text
    printed only a note."""
    report = tmp_path / "report.txt"
    report.write_text(other_bureau(november.text) if case == "another bureau" else november.text, encoding="utf-8")
    period = {"another bureau": [], "another period in range": ["--period", "2021-12"],
              "a period out of range": ["--period", "9999-12"]}[case]
    before = repository(layout)
    if case == "a period out of range":
        with pytest.raises(SystemExit) as exit_info:
            main(["add-period", str(report), "--root", root_of(layout), *period])
        err = capsys.readouterr().err
        assert exit_info.value.code == 2 and "'9999-12'" in err and "2000-2099" in err and "Traceback" not in err
    else:
        code, _, err = command(["add-period", str(report), "--root", root_of(layout), *period], capsys)
        error = one_error(err)
        assert code == 2 and str(report) in error and "not this bureau's report for 2021-1" in error
        assert "--accept-mismatch" in error
        assert ("湘西土家族苗族自治州乡村振兴局, not 邵阳市乡村振兴局" in error and "names 湘西州, not 邵阳" in error
                if case == "another bureau" else "its title covers 2021-11" in error)
    assert repository(layout) == before


@pytest.mark.parametrize("case", ["another bureau", "another period in range"])
def test_an_accepted_mismatch_is_recorded_and_seal_never_passes_one_unrecorded(layout, tmp_path, november, capsys,
                                                                             case):
    report = tmp_path / "report.txt"
    report.write_text(other_bureau(november.text) if case == "another bureau" else november.text, encoding="utf-8")
    period = "2021-12" if case == "another period in range" else "2021-11"
    code, out, _ = command(["add-period", str(report), "--root", root_of(layout), "--period", period,
                            "--accept-mismatch"], capsys)
    assert code == 0 and "accepted with --accept-mismatch" in out
    sidecar = layout.raw / period / "source.yml"
    recorded = yaml.safe_load(sidecar.read_text(encoding="utf-8"))["accepted_mismatch"]
    assert set(recorded) == ({"publisher", "place"} if case == "another bureau" else {"period"})
    code, out, _ = command(["seal", "--period", period, "--root", root_of(layout)], capsys)
    assert code == 0 and "passes the cleaning checks" in out
    # The record taken out by hand: seal says what is wrong, and never that it passes.
    sidecar.write_text(re.sub(r"accepted_mismatch:\n(?:  .*\n)+", "", sidecar.read_text(encoding="utf-8")),
                       encoding="utf-8")
    code, out, _ = command(["seal", "--period", period, "--root", root_of(layout)], capsys)
    assert code == 1 and PASSES not in out and "not this bureau's report" in out
    assert f"records no accepted mismatch of its {sorted(recorded)[0]}" in out


def test_seal_never_passes_a_folder_made_by_hand_from_another_bureau_s_text(layout, capsys):
    month = months.november()
    folder = month.write(layout.raw, layout.reference)
    # Another place in the title, as long as 邵阳市, so that every offset of the transcription holds.
    (folder / "report.txt").write_text(month.text.replace("邵阳市2021年", "湘西州2021年", 1), encoding="utf-8")
    code, out, _ = command(["seal", "--period", "2021-11", "--root", root_of(layout), "--include-report"], capsys)
    assert code == 1 and PASSES not in out and "2021-11 builds, but its text is not this bureau's report" in out
    assert "its title names 湘西州, not 邵阳, and source.yml records no accepted mismatch of its place" in out


# ---- 3. An earlier month added later ---------------------------------------------------------------------------

def test_an_earlier_month_added_later_says_which_later_months_it_changes(layout, tmp_path, capsys):
    months.november().write(layout.raw, layout.reference)
    report = tmp_path / "september.txt"
    report.write_text(months.october().text.replace("1-10月", "1-9月"), encoding="utf-8")
    code, out, _ = command(["add-period", str(report), "--root", root_of(layout)], capsys)
    assert code == 0 and (layout.raw / "2021-09").is_dir()  # back-filling is allowed
    note = next(line for line in out.splitlines() if line.startswith("note: 2021-09 comes before"))
    assert "2 month(s) already added (2021-10, 2021-11)" in note
    assert "2021-10's month over month will compare with 2021-09 (which had no month before it)" in note
    assert "the history of 2021-10, 2021-11" in note and "run --period 2021-10 --period 2021-11" in note
    # The latest month says nothing of the kind.
    report = tmp_path / "december.txt"
    report.write_text(months.december().text, encoding="utf-8")
    code, out, _ = command(["add-period", str(report), "--root", root_of(layout)], capsys)
    assert code == 0 and "comes before" not in out


@pytest.mark.slow
def test_a_later_month_republished_after_an_earlier_one_names_no_local_path_and_rebuilds_byte_for_byte(
        built, tmp_path, capsys):
    """October's republished audit.html once held a kernel's temporary file (/tmp/ipykernel_<pid>/…) in a
    warning, so that `verify` of October could never pass."""
    import tempfile

    from helpers.pipeline.contract import Console
    from helpers.pipeline.runner import run_period
    from helpers.pipeline.verify import verify_period
    from helpers.testing import ROOT
    from helpers.testing.layouts import copy_built

    layout = copy_built(built, tmp_path / "copy")
    report = tmp_path / "september.txt"  # its figures keep October's as-of dates: it does not build yet
    report.write_text(months.october().text.replace("1-10月", "1-9月"), encoding="utf-8")
    said = []
    add_period(report, layout, today=TODAY, say=said.append)
    assert run_period(PERIOD, layout, console=Console(quiet=True), progress=False) == 0
    audit = (layout.outputs / PERIOD / "audit.html").read_text(encoding="utf-8")
    assert "InputWarning: data/raw/2021-09: period 2021-09 is left out of the history" in audit
    local = [str(tmp_path), str(ROOT), tempfile.gettempdir() + "/", "ipykernel_", sys.prefix]
    for path in sorted(p for folder in (layout.outputs / PERIOD, layout.processed / PERIOD)
                       for p in folder.rglob("*") if p.is_file() and p.suffix != ".png"):
        text = path.read_text(encoding="utf-8")
        assert not [words for words in local if words in text], path
    capsys.readouterr()
    assert verify_period(PERIOD, layout, today=True) == 0, capsys.readouterr()
    assert any(line.startswith("note: 2021-09 comes before 1 month(s) already added (2021-10)") for line in said)
