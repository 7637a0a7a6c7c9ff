"""The source sidecar (helpers.intake.sidecar) and the page facts it is written from (helpers.intake.header)."""

from __future__ import annotations

import pytest
import yaml

from helpers.testing import months
from helpers.testing import ROOT
from helpers.intake.sidecar import recorded_checksums, render_sidecar, scalar, seal_text
from helpers.intake.header import period_of_title, read_header

OCTOBER_SIDECAR = (ROOT / "data" / "raw" / "2021-10" / "source.yml").read_text(encoding="utf-8")


def test_seal_text_edits_only_the_sha256_lines_and_keeps_comments_and_order():
    sealed = seal_text(OCTOBER_SIDECAR, {"figures.csv": "a" * 64})
    before, after = OCTOBER_SIDECAR.splitlines(), sealed.splitlines()
    assert len(before) == len(after)
    assert [(a, b) for a, b in zip(before, after) if a != b] == [
        ("    sha256: c7928d676af58cb9ee43b652aaa05493fa1d2d03e957c1e698903a0332dba682", "    sha256: " + "a" * 64)]
    assert after[0].startswith("# Source sidecar for data/raw/2021-10/")


def test_seal_text_adds_a_file_not_listed_yet_and_handles_other_layouts():
    sealed = seal_text(OCTOBER_SIDECAR, {"review.md": "b" * 64})
    assert sealed.startswith(OCTOBER_SIDECAR)  # appended at the end of the files block
    entry = yaml.safe_load(sealed)["files"]["review.md"]
    assert entry["sha256"] == "b" * 64 and "review sheet" in entry["description"]
    # One-line entries, an entry without sha256, comments and blank lines after the block.
    text = ("period: \"2021-11\"  # the period\nfiles:\n  report.txt: " + "c" * 64 + "  # as captured\n"
            "  'figures.csv':\n    description: x\n\n# the end\n")
    sealed = seal_text(text, {"report.txt": "d" * 64, "figures.csv": "e" * 64})
    assert recorded_checksums(yaml.safe_load(sealed)) == {"report.txt": "d" * 64, "figures.csv": "e" * 64}
    assert "  # as captured" in sealed and sealed.endswith("\n# the end\n") and "# the period" in sealed
    with pytest.raises(ValueError, match="files"):
        seal_text("files: [report.txt]\n", {"report.txt": "f" * 64})


def test_render_sidecar_reads_back_as_written():
    fields = {"period": "2021-11", "title": "邵阳市2021年1-11月…: 报告", "publisher": "邵阳市乡村振兴局",
              "address": "unknown", "published": "2022-01-12T10:05:00+08:00", "dated": "2021-12-16",
              "period_covered": {"start": "2021-01-01", "end": "2021-11-30", "note": "cumulative (1-11月)"},
              "retrieved": "2026-11-30", "where": None}
    text = render_sidecar(fields, {"report.txt": "1" * 64}, ["made by a test"])
    data = yaml.safe_load(text)
    assert text.startswith("# made by a test\nperiod: \"2021-11\"\n")
    assert {k: v for k, v in data.items() if k != "files"} == {k: v for k, v in fields.items() if v is not None}
    assert data["files"]["report.txt"]["sha256"] == "1" * 64
    for value in ("2021-11", "yes", "a: b", "#1", "x # y", "12", "null", ""):
        assert yaml.safe_load(f"k: {scalar(value)}") == {"k": value}


def test_the_header_of_the_bureau_s_pages():
    october = read_header(months.october().text)
    assert (october.title, october.period, october.first_month) == (
        "邵阳市2021年1-10月落实乡村振兴工作的进展情况总体报告", "2021-10", 1)
    assert (october.publisher, october.published, october.dated) == (
        "邵阳市乡村振兴局", "2021-12-09T11:30:00+08:00", "2021-11-17")
    assert october.breadcrumb == "首页 > 专题专栏 > 答卷2021 > 乡村振兴"
    december = read_header(months.december().text)  # full-width colons and brackets
    assert (december.period, december.published, december.dated) == ("2021-12", "2022-02-10T16:20:00+08:00",
                                                                      "2022-01-14")
    bare = read_header("邵阳市乡村振兴工作情况\n正文。\n")
    assert (bare.period, bare.publisher, bare.published, bare.dated) == (None, None, None, None)


@pytest.mark.parametrize("title, expected", [
    ("邵阳市2021年1-11月落实乡村振兴工作的进展情况总体报告", ("2021-11", 1)),
    ("邵阳市2022年1—3月工作进展", ("2022-03", 1)),
    ("邵阳市2022年7月工作进展", ("2022-07", 7)),
    ("邵阳市2023年上半年巩固拓展脱贫攻坚成果工作总结", ("2023-06", 1)),
    ("邵阳市2021年前三季度工作总结", ("2021-09", 1)),
    ("邵阳市乡村振兴工作进展", (None, None)),
    ("邵阳市2021年1-13月", (None, None)),
])
def test_the_period_of_a_title(title, expected):
    assert period_of_title(title) == expected
