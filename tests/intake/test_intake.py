"""`add-period` and `seal` (helpers.intake.add_period, helpers.intake.seal): a new month's folder, drafted and sealed.

Every test works in a temporary copy of the repository's inputs (helpers.testing.layouts.temp_layout, whose raw
root holds only 2021-10), with next months built by helpers.testing.months.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess

import pytest
import yaml

from helpers.testing import months
from helpers.testing import ROOT
from helpers.cli import main
from helpers.io.errors import InputError
from helpers.io.rawdata import NON_FIGURE_COLUMNS, TRANSCRIPTION_COLUMNS, load_source, open_period
from helpers.intake.add_period import add_period
from helpers.intake.seal import folder_problems, seal_period

TODAY = dt.date(2026, 11, 30)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def november():
    return months.november()


@pytest.fixture
def report(tmp_path, november):
    return november.write_text(tmp_path / "downloads" / "shaoyang november.txt")


def quiet(_message: str) -> None:
    pass


def test_add_period_makes_a_folder_that_builds_as_drafted(layout, report, november, capsys):
    target = add_period(report, layout, retrieved="2026-11-28", today=TODAY)
    assert target == layout.raw / "2021-11"
    assert (target / "report.txt").read_bytes() == report.read_bytes()  # byte for byte
    assert sorted(p.name for p in target.iterdir()) == ["figures.csv", "non_figures.csv", "report.txt", "review.md",
                                                        "source.yml"]
    assert (target / "figures.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(TRANSCRIPTION_COLUMNS)
    assert (target / "non_figures.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(NON_FIGURE_COLUMNS)
    assert len(rows(target / "figures.csv")) == 63 and len(rows(target / "non_figures.csv")) == 67
    # The sidecar, from the text: every fact the page gives, unknown for the address, every file's sha256.
    source = yaml.safe_load((target / "source.yml").read_text(encoding="utf-8"))
    assert source["title"] == "邵阳市2021年1-11月落实乡村振兴工作的进展情况总体报告"
    assert source["publisher"] == "邵阳市乡村振兴局"
    assert source["published"] == "2022-01-12T10:05:00+08:00"
    assert source["dated"] == "2021-12-16"
    assert source["period_covered"] == {"start": "2021-01-01", "end": "2021-11-30",
                                        "note": "cumulative (1-11月); individual figures carry their own as-of dates"}
    assert (source["retrieved"], source["address"]) == ("2026-11-28", "unknown")
    assert source["publisher_en"] == "Shaoyang City Rural Revitalization Bureau"  # same publisher as 2021-10
    assert {name: entry["sha256"] for name, entry in source["files"].items()} == {
        name: sha256(target / name) for name in ("report.txt", "figures.csv", "non_figures.csv", "review.md")}
    open_period(target, "2021-11")
    assert folder_problems(target, "2021-11", layout) == []
    assert not [p for p in layout.raw.iterdir() if p.name.startswith(".")]  # no staging folder left behind
    # The review sheet: printed without its long no-action table, written whole.
    out = capsys.readouterr().out
    sheet = (target / "review.md").read_text(encoding="utf-8")
    for heading in ("## New figures (2)", "## Uncertain matches (1)", "## Not found: 2021-10 figures",
                    "## Carried, with more than the numbers changed (4)"):
        assert heading in out and heading in sheet
    assert "## Carried with only their numbers changed (56)" in sheet
    assert "## Carried with only their numbers changed" not in out and "56 figures carried with only" in out
    assert "address: unknown (not in the text" in out
    assert "seal --period 2021-11" in out
    # The periods table of data/raw/README.md gains the month's row, after 2021-10's (replacing
    # the row of a real 2021-11 the repository may hold: this raw root has no such folder).
    table = [line for line in (layout.raw / "README.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("| 20")]
    assert [line[2:9] for line in table][:2] == ["2021-10", "2021-11"]
    assert table[1] == (f"| 2021-11 | {source['title']} | 邵阳市乡村振兴局 | unknown | 2022-01-12 10:05 | 2026-11-28 | "
                        f"`{sha256(target / 'report.txt')}` |")


def test_the_period_comes_from_the_title_or_from_period(layout, tmp_path):
    text = months.october().text.replace("1-10月", "1-11月")
    report = tmp_path / "report.txt"
    report.write_text(text, encoding="utf-8")
    messages = []
    # A title that covers another period than --period is refused (issue 20), unless accepted.
    with pytest.raises(InputError, match="its title covers 2021-11 .*, not 2021-12.*--accept-mismatch"):
        add_period(report, layout, period="2021-12", today=TODAY, say=messages.append)
    target = add_period(report, layout, period="2021-12", today=TODAY, say=messages.append, accept_mismatch=True)
    assert target.name == "2021-12"
    assert any("its title covers 2021-11" in m and "accepted with --accept-mismatch" in m for m in messages)
    assert load_source(target).period_end == dt.date(2021, 12, 31)


def test_an_existing_folder_is_refused_and_left_untouched(layout, tmp_path):
    report = months.october().write_text(tmp_path / "report.txt")
    before = {p.name: sha256(p) for p in (layout.raw / "2021-10").iterdir()}
    with pytest.raises(InputError, match="already exists") as error:
        add_period(report, layout, today=TODAY, say=quiet)
    assert "seal --period 2021-10" in error.value.message
    assert {p.name: sha256(p) for p in (layout.raw / "2021-10").iterdir()} == before


def test_text_that_is_not_utf8_is_refused_with_what_to_do(layout, tmp_path, november):
    report = tmp_path / "gbk.txt"
    report.write_bytes(november.text.encode("gb18030"))
    with pytest.raises(InputError) as error:
        add_period(report, layout, today=TODAY, say=quiet)
    message = error.value.message
    assert str(report) in message and "not UTF-8" in message and "GB18030" in message and "UTF-8" in message
    assert sorted(p.name for p in layout.raw.iterdir() if p.is_dir()) == ["2021-10"]  # nothing written, no staging left


def test_a_text_far_too_large_is_refused_at_once(layout, tmp_path, november):
    """Issue 12: a report repeated 1,829 times (10 MB) once took minutes to draft; now a named error."""
    report = tmp_path / "huge.txt"
    report.write_text(november.text * 250, encoding="utf-8")
    with pytest.raises(InputError, match=r"the file is \d+\.\d MB; a bureau report is a few KB"):
        add_period(report, layout, today=TODAY, say=quiet)
    assert sorted(p.name for p in layout.raw.iterdir() if p.is_dir()) == ["2021-10"]


def test_a_period_that_cannot_be_inferred_says_to_pass_period(layout, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("邵阳市乡村振兴工作进展情况\n\n截至11月底,全市共有监测对象16915户。\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"--period YYYY-MM"):
        add_period(report, layout, today=TODAY, say=quiet)
    with pytest.raises(InputError, match="not a date"):
        add_period(report, layout, period="2021-11", retrieved="30.11.2026", today=TODAY, say=quiet)
    assert sorted(p.name for p in layout.raw.iterdir() if p.is_dir()) == ["2021-10"]  # nothing written, no staging left
    target = add_period(report, layout, period="2021-11", today=TODAY, say=quiet)
    source = load_source(target)  # what the text lacks is recorded as unknown, and accepted
    assert (source.address, source.published, source.dated, source.publisher) == ("unknown",) * 4
    assert source.retrieved == "2026-11-30"


def test_the_command_line_reports_bad_input_without_a_traceback(layout, report, capsys):
    root = str(layout.raw.parents[1])
    assert main(["add-period", str(report), "--root", root, "--address", "https://example.org/a.shtml"]) == 0
    assert load_source(layout.raw / "2021-11").address == "https://example.org/a.shtml"
    capsys.readouterr()
    assert main(["add-period", str(report), "--root", root]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "already exists" in err and "Traceback" not in err
    assert main(["add-period", str(report.with_name("missing.txt")), "--root", root]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["seal", "--period", "2021-09", "--root", root]) == 2
    assert "no folder for period 2021-09" in capsys.readouterr().err


def test_seal_records_only_what_changed_and_keeps_the_sidecar_as_written(layout, report, capsys):
    target = add_period(report, layout, today=TODAY, say=quiet)
    sidecar = target / "source.yml"
    before = sidecar.read_text(encoding="utf-8")
    figures = target / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("water_supply.completed_works,五(七),"
                                                                     "water_supply,completed_works",
                                                                     "water_supply.projects,五(七),"
                                                                     "water_supply,projects"),
                       encoding="utf-8")
    assert seal_period("2021-11", layout) is True
    out = capsys.readouterr().out
    assert "figures.csv      changed" in out and "report.txt       unchanged" in out
    assert "1 checksum(s) recorded" in out and "make report PERIOD=2021-11" in out
    after = sidecar.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(before.splitlines()) == len(after.splitlines()) and len(changed) == 1
    assert changed[0][1].strip() == f"sha256: {sha256(figures)}"
    open_period(target, "2021-11")
    assert seal_period("2021-11", layout, say=quiet) is True
    assert sidecar.read_text(encoding="utf-8") == after  # nothing changed, nothing written


def test_seal_refuses_a_changed_report_text_and_reports_what_does_not_build(layout, report, capsys):
    target = add_period(report, layout, today=TODAY, say=quiet)
    with (target / "report.txt").open("ab") as stream:
        stream.write("\n补记".encode("utf-8"))
    before = (target / "source.yml").read_bytes()
    with pytest.raises(InputError, match="report text changed") as error:
        seal_period("2021-11", layout, say=quiet)
    assert "--include-report" in error.value.message
    assert (target / "source.yml").read_bytes() == before
    # A figure filed under a campaign the reference table lacks: sealed, but it does not build yet,
    # and the message asks for the columns campaigns.csv has (no name_en: it has none).
    figures = target / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(
        "water_supply.completed_works,五(七),water_supply,completed_works", "drinking_water.projects,五(七),"
        "drinking_water,projects"), encoding="utf-8")
    root = str(layout.raw.parents[1])
    assert main(["seal", "--period", "2021-11", "--root", root, "--include-report"]) == 1
    out = capsys.readouterr().out
    assert "campaign 'drinking_water' (figure drinking_water.projects) has no row in" in out
    assert "does not build yet" in out
    header = (layout.reference / "campaigns.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    asked = re.search(r"add one with (.*); or file", out).group(1)
    assert re.findall(r"(\w+) \(", asked) == header and "name_en" not in out
    # and its name, which only the glossary holds
    assert f"{layout.reference / 'glossary.csv'}: campaign,drinking_water,<Chinese name>,,,,to translate,2021-11," in out
    months.add_campaigns(layout.reference, [{"campaign": "drinking_water", "name_zh": "农村饮水", "order": "14",
                                             "since": "2021-11"}])
    assert main(["seal", "--period", "2021-11", "--root", root]) == 0


def test_make_targets_pass_the_period_only_when_given():
    def dry(*args):
        return subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True)

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    assert "add-period \"x.txt\"  " in dry("add-period", "REPORT=x.txt").stdout
    assert "add-period \"x.txt\" --period 2021-11" in dry("add-period", "REPORT=x.txt", "PERIOD=2021-11").stdout
    assert "seal --period 2021-11" in dry("seal", "PERIOD=2021-11").stdout
    assert "--accept-mismatch" not in dry("add-period", "REPORT=x.txt").stdout
    accepting = dry("add-period", "REPORT=x.txt", "ACCEPT_MISMATCH=1").stdout.splitlines()
    assert [line for line in accepting if "shaoyang-report add-period" in line][0].endswith("--accept-mismatch")
    refused = subprocess.run(["make", "seal"], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode != 0 and "usage: make seal PERIOD=YYYY-MM" in refused.stdout


def test_text_to_built_report_with_fixes_only_where_the_sheet_points(months_built, november):
    """The monthly loop: add-period, edit only the rows the sheet lists, seal, build (the `months`
    scenario went through it for November and December)."""
    layout = months_built
    target = layout.raw / "2021-11"
    sheet = (target / "review.md").read_text(encoding="utf-8")
    drafted = rows(layout.raw.parent / "drafts" / "2021-11.figures.csv")
    # The reviewer's edits: the month's truth, row by row. Each row they change is one the sheet
    # lists for action (new, uncertain, or carried with more than its numbers changed).
    action = sheet.split("## Carried with only their numbers changed")[0]
    edited = [line for line, (mine, truth) in enumerate(zip(drafted, november.figures), start=2) if mine != truth]
    assert edited and all(f"| {line} |" in action for line in edited), edited
    assert rows(target / "figures.csv") == november.figures
    assert (layout.outputs / "2021-11" / "report.html").is_file()
    changes = {row["figure_id"]: row["flag"] for row in rows(layout.processed / "2021-11" / "changes.csv")}
    assert changes["water_supply.projects"] == changes["water_supply.persons"] == "new"
    assert changes["project_funds.county_budget"] == "dropped"
    assert changes["employment.public_welfare_jobs"] == ""  # carried: compared with its October self


def test_the_periods_table_keeps_period_order_and_one_row_per_period(tmp_path):
    from helpers.intake.add_period import add_period_row

    readme = tmp_path / "README.md"
    readme.write_text("# raw\n\n## Periods\n\n| period | title | x |\n| --- | --- | --- |\n| 2021-10 | a | b |\n"
                      "| 2021-12 | c | d |\n\nafter\n", encoding="utf-8")
    fields = {"title": "t", "publisher": "p", "address": "unknown", "published": "2022-01-12T10:05:00+08:00",
              "retrieved": "2026-11-30"}
    assert add_period_row(readme, "2021-11", fields, "f" * 64)
    assert add_period_row(readme, "2021-11", {**fields, "address": "https://example.org"}, "e" * 64)
    lines = readme.read_text(encoding="utf-8").splitlines()
    assert [line[:9] for line in lines if line.startswith("| 20")] == ["| 2021-10", "| 2021-11", "| 2021-12"]
    assert "| 2021-11 | t | p | https://example.org | 2022-01-12 10:05 | 2026-11-30 | `" + "e" * 64 + "` |" in lines
    assert lines[-1] == "after"
    assert not add_period_row(tmp_path / "missing.md", "2021-11", fields, "f" * 64)
