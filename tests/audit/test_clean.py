"""Tests for helpers.audit.clean: the hand transcription becomes figures.csv, every figure tied to its text.

The first half runs the cleaning stage on the real 2021-10 raw folder and checks provenance and
normalisation figure by figure. The second half feeds it bad input, one defect per fixture
(tests/audit/fixtures/clean/, see its README), and checks that the error names the file, the line
and the field, and that nothing reaches the processed folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.audit import clean
from helpers.text import numbers
from helpers.io import rawdata, readers
from helpers.audit import steps
from helpers.io.paths import in_staging
from helpers.io.errors import InputError, InputErrors, InputWarning
from helpers.testing import ROOT

RAW = ROOT / "data" / "raw" / "2021-10"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "clean"
BASE = FIXTURES / "base"


@pytest.fixture(scope="module")
def report_text() -> str:
    return readers.read_utf8(RAW / "report.txt")


@pytest.fixture(scope="module")
def cleaned() -> tuple[pd.DataFrame, pd.DataFrame]:
    return clean.clean_period(RAW, rawdata.load_source(RAW))


@pytest.fixture(scope="module")
def figures(cleaned) -> pd.DataFrame:
    return cleaned[0].set_index("figure_id", drop=False)


@pytest.fixture(scope="module")
def coverage(cleaned) -> pd.DataFrame:
    return cleaned[1]


def errors_of(exc: InputError) -> list[InputError]:
    return exc.errors if isinstance(exc, InputErrors) else [exc]


# --------------------------------------------------------------------------------------
# The real 2021-10 data
# --------------------------------------------------------------------------------------

def test_real_data_has_63_figures_with_unique_ids(figures):
    assert len(figures) == 63
    assert figures["figure_id"].is_unique
    transcribed = pd.read_csv(RAW / "figures.csv", dtype=str, keep_default_na=False)
    assert list(figures["figure_id"]) == list(transcribed["figure_id"])


def test_every_quote_is_found_at_its_recorded_offsets(figures, report_text):
    for row in figures.itertuples():
        assert report_text[row.quote_start:row.quote_end] == row.quote, row.figure_id
        assert row.quote_end - row.quote_start == len(row.quote)


def test_value_start_points_at_the_printed_value_inside_the_quote(figures, report_text):
    for row in figures.itertuples():
        printed = row.value_printed
        assert report_text[row.value_start:row.value_start + len(printed)] == printed, row.figure_id
        assert row.quote_start <= row.value_start < row.quote_end, row.figure_id


def test_value_start_of_specific_figures(figures, report_text):
    employed = figures.loc["employment.employed"]
    assert report_text[employed.value_start:employed.value_start + 9] == "39.0589万人"
    # 一 of 一轮以上, not the 一 of 一线 earlier in the same sentence (occurrence 2).
    rounds = figures.loc["rectification.leadership_research_rounds"]
    assert report_text[rounds.value_start:rounds.value_start + 4] == "一轮以上"
    # 20.74 of 超额完成20.74%, not the tail of 120.74 before it.
    excess = figures.loc["toilets.investment_excess"]
    assert report_text[excess.value_start - 4:excess.value_start + 6] == "超额完成20.74%"


@pytest.mark.parametrize("figure_id, value, unit, precision, qualifier, meaning", [
    ("employment.employed", 390589, "persons", 0.5, "", "exact"),
    ("toilets.investment", 118360600, "yuan", 50, "", "exact"),
    ("toilets.completed_rate", 95.55, "percent", 0.005, "", "exact"),
    ("village_planning.prepared_share", 80, "percent", 0.5, "", "exact"),
    ("monitoring.households_total", 16869, "households", 0, "", "exact"),
    ("hollow_houses.target_area", 564000, "square_metres", 500, "以上", "at_least"),
    ("hollow_houses.demolished_area", 1079930, "square_metres", 5, "", "exact"),
    ("village_cleaning.farm_waste", 1415000, "tonnes", 500, "余", "more_than"),
    ("rectification.leadership_research_rounds", 1, "count", 0, "以上", "at_least"),
    ("rural_construction.special_actions", 7, "count", 0, "", "exact"),
    ("industry.support_funds", 11000000, "yuan", 5000, "", "exact"),
])
def test_normalised_values(figures, figure_id, value, unit, precision, qualifier, meaning):
    row = figures.loc[figure_id]
    assert row["value"] == value
    assert row["unit"] == unit
    assert row["precision"] == precision
    assert row["qualifier"] == qualifier
    assert row["qualifier_meaning"] == meaning


def test_printed_forms_are_kept(figures):
    row = figures.loc["village_cleaning.farm_waste"]
    assert (row["value_printed"], row["unit_printed"], row["decimals"]) == ("141.5", "万吨", 1)
    row = figures.loc["rectification.leadership_research_rounds"]
    assert (row["value_printed"], row["unit_printed"]) == ("一", "轮")


@pytest.mark.parametrize("figure_id, printed, as_of", [
    ("monitoring.households_total", "截至10月底", "2021-10-31"),
    ("monitoring.remaining_households", "目前", "2021-10-31"),
    ("rectification.inspection_teams", "9月6日至11日", "2021-09-11"),
    ("industry.brand_enterprises", "", "2021-10-31"),
    ("industry.support_funds", "今年", "2021-10-31"),
    ("workshops.workshops", "截至10月25日", "2021-10-25"),
    ("project_funds.review_aspects", "9-10月", "2021-10-31"),
    ("project_funds.county_budget", "截至10月15日", "2021-10-15"),
    ("village_planning.prepared", "截至10月22日", "2021-10-22"),
    ("village_cleaning.ponds", "截至10月29日", "2021-10-29"),
])
def test_as_of_resolution(figures, figure_id, printed, as_of):
    assert figures.loc[figure_id, "as_of_printed"] == printed
    assert figures.loc[figure_id, "as_of"] == as_of


def test_every_as_of_lies_inside_the_period(figures):
    dates = figures["as_of"].map(dt.date.fromisoformat)
    assert dates.min() >= dt.date(2021, 1, 1)
    assert dates.max() == dt.date(2021, 10, 31)


def test_coverage_accounts_for_every_number(coverage, figures, report_text):
    assert (coverage["status"] == "unaccounted").sum() == 0
    assert coverage["status"].value_counts().to_dict() == {"not a figure": 70, "figure": 63}
    # The audit saw every number in the text ...
    assert list(coverage["start"]) == [t.start for t in numbers.find_number_tokens(report_text)]
    # ... and each is exactly one transcribed figure or one listed non-figure.
    listed = pd.read_csv(RAW / "non_figures.csv", dtype=str, keep_default_na=False)
    listed_starts = set(listed["start"].astype(int))
    figure_starts = set(figures["value_start"])
    assert listed_starts.isdisjoint(figure_starts)
    as_figure = coverage[coverage["status"] == "figure"]
    assert set(as_figure["start"]) == figure_starts
    assert dict(zip(as_figure["start"], as_figure["figure_id"])) == dict(zip(figures["value_start"],
                                                                          figures["figure_id"]))
    assert set(coverage.loc[coverage["status"] == "not a figure", "start"]) == listed_starts
    assert (coverage.loc[coverage["status"] == "not a figure", "reason"] != "").all()


def test_coverage_row_for_a_wan_number(coverage):
    row = coverage[coverage["figure_id"] == "employment.employed"].iloc[0]
    assert (row["number"], row["script"], row["status"]) == ("39.0589万", "arabic", "figure")


def test_provenance_summary_counts(cleaned):
    summary = clean.provenance_summary(*cleaned).set_index("check")["result"]
    assert summary["quotes found verbatim in report.txt"] == "63 of 63"
    assert summary["numbers in the text that are not figures (with a reason)"] == "70"
    assert summary["numbers in the text unaccounted for"] == "0"


def test_cleaning_the_real_folder_writes_nothing_into_it(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    before = {p.name: p.read_bytes() for p in raw.iterdir()}
    clean.clean_period(raw, rawdata.load_source(raw))
    assert {p.name: p.read_bytes() for p in raw.iterdir()} == before


# --------------------------------------------------------------------------------------
# locate_value
# --------------------------------------------------------------------------------------

def test_locate_value_skips_a_number_inside_a_longer_one():
    quote = "累计完成投资额11836.06万元,完成率为120.74%,超额完成20.74%。"
    assert clean.locate_value(quote, "20.74") == quote.index("超额完成") + 4
    assert clean.locate_value(quote, "120.74") == quote.index("120.74")
    assert clean.locate_value(quote, "1836.06") is None
    assert clean.locate_value(quote, "0.74") is None
    assert clean.locate_value(quote, "120") is None


def test_locate_value_skips_a_digit_inside_a_number():
    quote = "边缘易致贫户4989户14552人"
    assert clean.locate_value(quote, "4") is None
    assert clean.locate_value("组织了4个督导组,覆盖14552人", "4") == 3


def test_locate_value_thousands_separators():
    assert clean.locate_value("建设车间1,053家", "1,053") == 4
    assert clean.locate_value("建设车间1,053家", "053") is None
    assert clean.locate_value("建设车间1,053家", "1") is None


def test_locate_value_chinese_numerals_and_occurrence():
    quote = "领导带队深入一线开展了一轮以上调研指导"
    assert clean.locate_value(quote, "一") == quote.index("一线")
    assert clean.locate_value(quote, "一", 2) == quote.index("一轮")
    assert clean.locate_value(quote, "一", 3) is None
    assert clean.locate_value("共十一个", "一") is None
    assert clean.locate_value("共十一个", "十一") == 1


# --------------------------------------------------------------------------------------
# Bad input, one defect per fixture
# --------------------------------------------------------------------------------------

def make_raw(tmp_path: Path, case: str | None = None) -> Path:
    """The base fixture, with the case's damaged file laid over it."""
    raw = tmp_path / "raw" / "2021-10"
    shutil.copytree(BASE, raw)
    if case:
        for damaged in (FIXTURES / case).iterdir():
            shutil.copyfile(damaged, raw / damaged.name)
    return raw


def clean_and_save(raw: Path, staging: Path) -> pd.DataFrame:
    """What the clean notebook does: clean the period, then write the processed tables (its products,
    as a run names them in its staging folder: `staging`/processed/)."""
    source = rawdata.load_source(raw)
    figures, coverage = clean.clean_period(raw, source)
    return steps.save_clean(in_staging(staging), figures, coverage, source, ["facts.csv", "facts.en.csv"])


def test_base_fixture_is_valid(tmp_path):
    """The cases below fail only because of their one defect: the base itself cleans."""
    raw = make_raw(tmp_path)
    figures, coverage = clean.clean_period(raw, rawdata.load_source(raw))
    assert list(figures["figure_id"]) == ["monitoring.households_total", "monitoring.persons_total",
                                          "toilets.completed", "toilets.completed_rate", "toilets.investment",
                                          "rectification.leadership_research_rounds"]
    assert list(figures["value"]) == [16869, 42750, 61107, 95.55, 118360600, 1]
    assert coverage["status"].value_counts().to_dict() == {"not a figure": 9, "figure": 6}


# case -> (file named, line, field, words the problem must contain)
CASES = {
    "missing_column": ("figures.csv", 1, "unit", "missing column(s) unit"),
    "label_missing": ("figures.csv", 1, "label", "missing column(s) label"),
    "note_misspelled": ("figures.csv", 1, "note", "missing column(s) note"),
    "non_numeric_value": ("figures.csv", 3, "value", "'4275O'"),
    "unknown_unit": ("figures.csv", 4, "unit", "'套'"),
    "quote_not_in_text": ("figures.csv", 5, "quote", "does not occur verbatim in report.txt"),
    "duplicated_id": ("figures.csv", 3, "figure_id", "duplicated figure id 'monitoring.households_total' "
                                                     "(first used on line 2)"),
    "as_of_outside_period": ("figures.csv", 4, "as_of", "resolves to 2021-11-25, outside the period"),
    "value_not_in_quote": ("figures.csv", 6, "value", "the value '1836.06' does not occur in the quote"),
    "too_few_fields": ("figures.csv", 4, "value", "7 fields where the header has 13"),
    "listed_offset_not_a_number": ("non_figures.csv", 11, "start", "offset 0 is not the start of a number"),
    "listed_offset_wrong": ("non_figures.csv", 10, "start", "'三' is not at offset 126 of report.txt (found '、')"),
    "listed_and_transcribed": ("non_figures.csv", 11, "start",
                               "offset 45 is both a figure and listed as not a figure"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_names_file_line_and_field(tmp_path, case):
    file, line, field, words = CASES[case]
    raw = make_raw(tmp_path, case)
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    errors = errors_of(caught.value)
    assert len(errors) == 1, [e.message for e in errors]
    error = errors[0]
    assert Path(error.file) == raw / file
    assert (error.row, error.field) == (line, field)
    assert words in error.problem
    assert error.expected  # every error says what was expected
    assert f"{file}, line {line}, field '{field}'" in str(caught.value)


def test_unknown_unit_error_lists_the_known_units(tmp_path):
    raw = make_raw(tmp_path, "unknown_unit")
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert "万人" in caught.value.expected and "万平方米" in caught.value.expected


@pytest.mark.parametrize("case, problem", [("empty_file", "the file is empty"),
                                           ("header_only", "the file has a header but no rows")])
def test_empty_transcription(tmp_path, case, problem):
    """An empty file has no line or field to point at: the error names the file and says why."""
    raw = make_raw(tmp_path, case)
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert not isinstance(caught.value, InputErrors)
    assert Path(caught.value.file) == raw / "figures.csv"
    assert caught.value.problem == problem
    assert caught.value.row is None
    assert caught.value.field is None


def test_empty_non_figures_file(tmp_path):
    raw = make_raw(tmp_path)
    (raw / "non_figures.csv").write_bytes(b"  \n")
    with pytest.raises(InputError, match="non_figures.csv: the file is empty") as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert Path(caught.value.file) == raw / "non_figures.csv"


def test_file_cut_mid_row_inside_the_quote(tmp_path):
    raw = make_raw(tmp_path)
    text = (BASE / "figures.csv").read_text(encoding="utf-8")
    cut = text[:text.index("一轮以上调研指导。,,Chinese")]  # the last row stops inside its quote
    (raw / "figures.csv").write_text(cut, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert Path(caught.value.file) == raw / "figures.csv"
    assert (caught.value.row, caught.value.field) == (7, "quote")
    assert "11 fields where the header has 13" in caught.value.problem


def test_file_cut_inside_its_last_field_without_final_newline(tmp_path):
    raw = make_raw(tmp_path)
    text = (BASE / "figures.csv").read_text(encoding="utf-8")
    assert text.endswith(",Chinese numeral\n")
    (raw / "figures.csv").write_text(text[:-len("numeral\n")], encoding="utf-8")  # "...,,Chinese "
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert Path(caught.value.file) == raw / "figures.csv"
    assert (caught.value.row, caught.value.field) == (7, "note")
    assert "does not end with a newline" in caught.value.problem


def test_missing_final_newline_alone_is_refused(tmp_path):
    """Even a complete-looking last row is refused: without the newline it may be cut short."""
    raw = make_raw(tmp_path)
    text = (BASE / "non_figures.csv").read_text(encoding="utf-8")
    (raw / "non_figures.csv").write_text(text.rstrip("\n"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert Path(caught.value.file) == raw / "non_figures.csv"
    assert (caught.value.row, caught.value.field) == (10, "context")


def test_transcription_in_gbk_is_refused_with_its_line(tmp_path):
    raw = make_raw(tmp_path)
    text = (BASE / "figures.csv").read_text(encoding="utf-8")
    (raw / "figures.csv").write_bytes(text.encode("gbk"))
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    error = caught.value
    assert Path(error.file) == raw / "figures.csv"
    # The header is ASCII; the first Chinese character (and so the first GBK byte) is on line 2.
    assert error.row == 2
    assert error.field is None  # the bytes cannot be split into fields until they are decoded
    assert error.problem.startswith("not UTF-8: byte ")
    assert "iconv -f GBK -t UTF-8" in error.fix


def test_report_in_gbk_is_refused(tmp_path):
    raw = make_raw(tmp_path)
    text = (BASE / "report.txt").read_text(encoding="utf-8")
    (raw / "report.txt").write_bytes(text.encode("gbk"))
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert Path(caught.value.file) == raw / "report.txt"
    assert caught.value.row == 1
    assert "not UTF-8" in caught.value.problem


def test_several_defects_are_reported_together(tmp_path):
    raw = make_raw(tmp_path)
    text = (BASE / "figures.csv").read_text(encoding="utf-8")
    text = text.replace(",42750,人,", ",4275O,人,").replace(",61107,户,", ",61107,套,")
    (raw / "figures.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert sorted((e.row, e.field) for e in caught.value.errors) == [(3, "value"), (4, "unit")]
    assert str(caught.value).startswith("2 problem(s) in the input:")


def test_unaccounted_number_names_non_figures_csv(tmp_path):
    raw = make_raw(tmp_path, "unaccounted_number")
    with pytest.raises(InputErrors) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    (error,) = caught.value.errors
    assert Path(error.file) == raw / "non_figures.csv"
    assert error.field == "start"
    assert error.row is None  # the number has no line yet: the fix is to add one
    assert "the number '三' at offset 125" in error.problem
    assert "neither a transcribed figure nor listed here" in error.problem


def test_real_data_with_one_listing_removed_fails_coverage(tmp_path):
    raw = tmp_path / "2021-10"
    shutil.copytree(RAW, raw)
    listing = (raw / "non_figures.csv").read_text(encoding="utf-8")
    line = "900,九,part of a name: “湘九味” (provincial herb brand),功纳入湖南省“湘九味”中药材优势特\n"
    assert line in listing
    (raw / "non_figures.csv").write_text(listing.replace(line, ""), encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    (error,) = caught.value.errors
    assert Path(error.file).name == "non_figures.csv"
    assert "the number '九' at offset 900" in error.problem


# Every failing case: cleaning stops before anything is written.
FAILING = sorted(CASES) + ["unaccounted_number", "empty_file", "header_only", "missing_column"]


@pytest.mark.parametrize("case", sorted(set(FAILING)))
def test_nothing_is_written_when_cleaning_fails(tmp_path, case):
    raw = make_raw(tmp_path, case)
    staging = tmp_path / "staging"
    processed = staging / "processed"
    raw_before = {p.name: p.read_bytes() for p in raw.iterdir()}
    with pytest.raises(InputError):
        clean_and_save(raw, staging)
    assert not processed.exists()
    assert not staging.exists()
    assert {p.name: p.read_bytes() for p in raw.iterdir()} == raw_before


def test_the_same_wrapper_writes_the_tables_on_success(tmp_path):
    raw = make_raw(tmp_path)
    processed = tmp_path / "staging" / "processed"
    written = clean_and_save(raw, tmp_path / "staging")
    assert list(written["file"]) == ["figures.csv", "coverage.csv", "dictionary.csv", "datapackage.json"]
    assert sorted(p.name for p in processed.iterdir()) == ["coverage.csv", "datapackage.json", "dictionary.csv",
                                                           "figures.csv"]
    saved = pd.read_csv(processed / "figures.csv", dtype=str, keep_default_na=False)
    assert list(saved["value"]) == ["16869", "42750", "61107", "95.55", "118360600", "1"]
    assert list(saved["precision"]) == ["0", "0", "0", "0.005", "50", "0"]


# --------------------------------------------------------------------------------------
# The unit must be the one printed after the value
# --------------------------------------------------------------------------------------

def test_a_unit_that_is_not_the_printed_one_is_refused(tmp_path):
    """39.0589 typed with 人 instead of 万人 would be a 10,000-fold error; it must not pass."""
    raw = tmp_path / "raw" / "2021-10"
    shutil.copytree(RAW, raw)
    path = raw / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",39.0589,万人,", ",39.0589,人,"), encoding="utf-8")
    source = rawdata.load_source(raw)
    transcription, lines = clean.load_transcription(path)
    with pytest.raises(InputError) as info:
        clean.build_figures(transcription, lines, (raw / "report.txt").read_text(encoding="utf-8"), source, path)
    (error,) = errors_of(info.value)
    assert error.field == "unit" and error.file == str(path)
    assert error.row == lines[list(transcription["figure_id"]).index("employment.employed")]
    assert "万人" in error.message


@pytest.mark.parametrize("after, unit, qualifier, printed, expected", [
    ("万人,完成", "万人", "", "39.0589", True),
    ("万余吨。", "万吨", "余", "141.5", True),
    ("余人参加", "人", "余", "300", True),
    ("万平方米以上", "万平方米", "以上", "56.4", True),
    ("大专项行动", "项", "", "七", True),
    ("万人,完成", "人", "", "39.0589", False),
    ("户42750人", "人", "", "16869", False),
])
def test_unit_follows(after, unit, qualifier, printed, expected):
    assert clean.unit_follows(after, unit, qualifier, printed) is expected


def test_a_misspelled_column_is_named_with_the_one_it_looks_like(tmp_path):
    raw = make_raw(tmp_path, "note_misspelled")
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert "'notes' looks like 'note'" in str(caught.value)


def test_an_unknown_column_is_named_in_a_warning_and_ignored(tmp_path):
    raw = make_raw(tmp_path, "unknown_column")
    with pytest.warns(InputWarning) as caught:
        figures, _ = clean.clean_period(raw, rawdata.load_source(raw))
    messages = [str(w.message) for w in caught if isinstance(w.message, InputWarning)]
    assert len(messages) == 1 and "figures.csv, line 1, field 'reviewer': unknown column 'reviewer' is ignored" \
        in messages[0]
    assert "reviewer" not in figures.columns and len(figures) == 6


def test_a_quote_that_occurs_twice_is_blamed_on_its_own_line(tmp_path):
    """The replay of issue 12: line 35's quote shortened to a phrase the text has twice."""
    raw = tmp_path / "2021-10"
    shutil.copytree(RAW, raw)
    lines = (raw / "figures.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(csv.reader([lines[34]]))
    assert row[0] == "rural_construction.special_actions_restated"
    row[10] = "“党建+七大专项行动”"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    lines[34] = buffer.getvalue()
    (raw / "figures.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    errors = errors_of(caught.value)
    assert [(Path(e.file).name, e.row, e.field) for e in errors] == [("figures.csv", 35, "quote")]
    assert "occurs 2 times in report.txt" in errors[0].problem and "once" in errors[0].expected


def test_an_empty_report_says_the_file_is_empty(tmp_path):
    raw = make_raw(tmp_path)
    (raw / "report.txt").write_bytes(b"")
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert not isinstance(caught.value, InputErrors)
    assert Path(caught.value.file) == raw / "report.txt" and caught.value.problem == "the file is empty"


def test_crlf_line_endings_are_named_as_the_cause(tmp_path):
    raw = make_raw(tmp_path)
    text = (raw / "report.txt").read_bytes()
    (raw / "report.txt").write_bytes(text.replace(b"\n", b"\r\n"))
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    errors = errors_of(caught.value)
    assert len(errors) > 1
    first = errors[0]
    assert Path(first.file) == raw / "report.txt" and "Windows (CRLF) line endings" in first.problem
    assert first.row == 1 and "dos2unix" in first.fix


def test_a_report_far_too_large_is_refused_before_any_work(tmp_path):
    raw = make_raw(tmp_path)
    text = (raw / "report.txt").read_bytes()
    (raw / "report.txt").write_bytes(text * (1_100_000 // len(text) + 1))
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    assert "MB; a bureau report is a few KB" in caught.value.problem


def test_many_errors_of_one_kind_are_summarised(tmp_path):
    """A report with a table of 3,000 numbers appended: 3,000 unaccounted numbers, a few lines of message."""
    raw = make_raw(tmp_path)
    text = (raw / "report.txt").read_text(encoding="utf-8")
    table = "、".join(f"{i}户" for i in range(1000, 4000))
    (raw / "report.txt").write_text(text + f"    附表:{table}。\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        clean.clean_period(raw, rawdata.load_source(raw))
    message = str(caught.value)
    total = len(errors_of(caught.value))
    assert total == 3000
    assert len(message.splitlines()) <= 40
    assert re.search(r"… and [\d,]+ more like this \(.*non_figures.csv, field 'start': the number", message)
