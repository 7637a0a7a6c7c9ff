"""The one reader and writer every stage and command uses (helpers.io): errors that name the file, bounded
report reads, one sidecar reader, one CSV format."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from helpers.io import rawdata
from helpers.io.errors import InputError
from helpers.io.readers import read_csv_strict, read_utf8
from helpers.io.writers import write_rows
from helpers.testing import BASE_RAW


def test_a_missing_file_or_a_folder_is_an_input_error_naming_it(tmp_path):
    with pytest.raises(InputError, match="no such file") as error:
        read_utf8(tmp_path / "missing.txt")
    assert error.value.file == str(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_csv_strict(tmp_path, ["figure_id"])


def test_text_that_is_not_utf8_names_its_line_byte_and_likely_encoding(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("第一行\n截至10月底".encode("gbk"))
    with pytest.raises(InputError) as error:
        read_utf8(path)
    assert error.value.row == 1 and error.value.problem.startswith("not UTF-8: byte offset 0 holds b'\\xb5'")
    assert "decodes as GBK/GB18030" in error.value.problem and "iconv -f GBK -t UTF-8" in error.value.fix
    path.write_bytes(b"\xff\xfe\x00")  # neither UTF-8 nor GB18030: no hint
    with pytest.raises(InputError) as error:
        read_utf8(path)
    assert "GBK" not in error.value.problem


def test_a_report_is_read_whole_with_its_byte_order_mark_or_refused_past_its_size(tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes("\ufeff邵阳市\n".encode("utf-8"))
    data, text = rawdata.read_report(report)
    assert data == report.read_bytes() and text == "\ufeff邵阳市\n"
    report.write_bytes(b"x" * (rawdata.MAX_REPORT_BYTES + 1))
    with pytest.raises(InputError, match=r"the file is 1\.0 MB; a bureau report is a few KB"):
        rawdata.read_report(report)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_an_endless_file_is_refused_without_reading_it_all():
    """Issue 20: `add-period /dev/zero` once ran out of memory; the reader refuses a device on the open
    file, before reading a byte (and any file past the limit, by reading at most limit + 1 bytes)."""
    with pytest.raises(InputError, match=r"/dev/zero: is a device \(such as /dev/zero\); expected a file"):
        rawdata.read_report(Path("/dev/zero"))


def test_the_sidecar_has_one_reader_that_names_what_is_wrong(tmp_path):
    assert rawdata.read_sidecar(BASE_RAW)["period"] == "2021-10"
    folder = tmp_path / "2021-11"
    folder.mkdir()
    with pytest.raises(InputError, match="no such file"):
        rawdata.read_sidecar(folder)
    (folder / rawdata.SIDECAR).write_text("period: [2021-11\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        rawdata.read_sidecar(folder)
    (folder / rawdata.SIDECAR).write_text("- a list\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty or not a mapping") as error:
        rawdata.read_sidecar(folder)
    assert "fields period, title, publisher, address" in error.value.message


def test_the_sidecar_fields_are_said_once():
    assert list(rawdata.SIDECAR_FIELDS)[:3] == ["period", "title", "publisher"]
    assert rawdata.REQUIRED_SIDECAR_FIELDS == ("period", "title", "publisher", "address", "published", "dated",
                                               "period_covered", "retrieved", "files")
    assert set(rawdata.read_sidecar(BASE_RAW)) <= set(rawdata.SIDECAR_FIELDS)  # the 2021-10 sidecar uses no other
    assert set(rawdata.REQUIRED_RAW_FILES) <= set(rawdata.RAW_FILES)


def test_rows_are_written_as_the_csv_module_writes_them(tmp_path):
    columns = ["figure_id", "quote", "note"]
    rows = [{"figure_id": "a.b", "quote": "截至10月底,共有16869户", "note": 'a "quoted" word'},
            {"figure_id": "c.d", "quote": "一\n二"}]  # a missing cell is empty; a line end is quoted
    written = write_rows(tmp_path / "t.csv", columns, rows).read_bytes()
    expected = io.StringIO()
    writer = csv.DictWriter(expected, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: row.get(column, "") for column in columns} for row in rows)
    assert written == expected.getvalue().encode("utf-8")
    assert write_rows(tmp_path / "empty.csv", columns, []).read_text(encoding="utf-8") == "figure_id,quote,note\n"
