"""Stage 1, cleaning: the hand transcription becomes figures.csv, every figure tied to its sentence.

Load inputs -> validate the transcription (schema, then provenance against the text) ->
normalise values and dates -> audit that every number in the text is accounted for ->
write data/processed/<period>/ in one go (nothing is written if anything fails).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..io.errors import InputError, InputErrors
from ..io.rawdata import TRANSCRIPTION_COLUMNS, Source, check_report_text
from ..io.schemas import FIGURES, NON_FIGURES
from ..io.readers import read_csv_strict, read_utf8
from ..text import numbers
from ..text.numbers import locate_value, unit_follows  # noqa: F401 - re-exported: part of this stage's interface

# What a figure measures, which decides what month-over-month changes are plausible.
KINDS = {
    "cumulative": "achieved since the start of the year; should never fall from one month to the next",
    "stock": "a level at the as-of date; may rise or fall",
    "target": "a goal for the year; should not change without a note",
    "rate": "a percentage stated in the report",
    "plan": "an amount planned or allocated",
    "count": "a count of listed or named things",
}

FIGURE_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"


def _value_parses(value: str) -> bool:
    try:
        numbers.parse_printed_number(value)
        return True
    except ValueError:
        return False


# The transcription's schema: each column's type and allowed values. Failures are turned into
# errors naming the file, line and field (see `_schema_errors`).
TRANSCRIPTION_SCHEMA = pa.DataFrameSchema(
    {
        "figure_id": pa.Column(str, [pa.Check.str_matches(FIGURE_ID, error="campaign.metric in lower-case snake_case")]),
        "section": pa.Column(str, pa.Check.str_length(min_value=1, error="a section marker such as 一 or 五(三)")),
        "campaign": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="a campaign id such as toilets")),
        "metric": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="a metric id such as completed")),
        "kind": pa.Column(str, pa.Check.isin(list(KINDS), error="one of " + ", ".join(KINDS))),
        "value": pa.Column(str, pa.Check(lambda s: s.map(_value_parses), element_wise=False,
                                         error="a number as printed, e.g. 39.0589 or 七")),
        "unit": pa.Column(str, pa.Check.isin(list(numbers.BASE_UNITS),
                                             error="a known unit: " + " ".join(numbers.BASE_UNITS))),
        "qualifier": pa.Column(str, pa.Check.isin(list(numbers.QUALIFIERS),
                                                  error="empty or one of " + " ".join(q for q in numbers.QUALIFIERS if q))),
        "quote": pa.Column(str, pa.Check.str_length(min_value=1, error="the verbatim sentence from report.txt")),
        "occurrence": pa.Column(str, pa.Check.str_matches(r"^\d*$", error="empty or a whole number such as 2"),
                                required=False),
    },
    strict=False,
)


def _schema_errors(exc: pa.errors.SchemaErrors, path: Path, lines: list[int]) -> list[InputError]:
    """Turn pandera's failure cases into errors with file, line and field."""
    errors = []
    cases = exc.failure_cases
    for _, case in cases.iterrows():
        index = case.get("index")
        row = lines[int(index)] if index is not None and not pd.isna(index) else None
        check = str(case.get("check"))
        schema_column = TRANSCRIPTION_SCHEMA.columns.get(case.get("column"))
        expected = check
        if schema_column is not None:
            for column_check in schema_column.checks:
                if column_check.error and (str(column_check) == check or column_check.error in check
                                           or check in (column_check.name or "")):
                    expected = column_check.error
        errors.append(InputError(path, f"invalid value {case.get('failure_case')!r}", row=row,
                                 field=case.get("column"), expected=expected))
    return errors


def load_transcription(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Read and validate a transcription file; return it (all text) and each row's line number."""
    path = Path(path)
    header, rows, lines = read_csv_strict(path, FIGURES)
    frame = pd.DataFrame(rows, columns=header).fillna("")
    for column in TRANSCRIPTION_COLUMNS:
        if column not in frame:
            frame[column] = ""
    frame = frame.astype(str)
    try:
        TRANSCRIPTION_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise InputErrors(_schema_errors(exc, path, lines)) from None
    duplicated = frame["figure_id"].duplicated(keep="first")
    if duplicated.any():
        errors = []
        for index in frame.index[duplicated]:
            figure_id = frame.at[index, "figure_id"]
            first = lines[int(frame.index[frame["figure_id"] == figure_id][0])]
            errors.append(InputError(path, f"duplicated figure id {figure_id!r} (first used on line {first})",
                                     row=lines[index], field="figure_id", expected="a unique id per figure"))
        raise InputErrors(errors)
    mismatched = frame[frame["figure_id"] != frame["campaign"] + "." + frame["metric"]]
    if len(mismatched):
        index = mismatched.index[0]
        raise InputError(path, f"figure id {frame.at[index, 'figure_id']!r} does not match its campaign and metric",
                         row=lines[index], field="figure_id", expected="<campaign>.<metric>")
    return frame, lines


def build_figures(transcription: pd.DataFrame, lines: list[int], report_text: str, source: Source,
                  transcription_path: Path) -> pd.DataFrame:
    """Check every row against the report text and normalise it. Raises on any problem."""
    errors: list[InputError] = []
    records = []
    for index, row in transcription.iterrows():
        line = lines[index]

        def problem(field, text, expected=None):
            errors.append(InputError(transcription_path, text, row=line, field=field, expected=expected))

        quote_start = report_text.find(row["quote"])
        if quote_start < 0:
            problem("quote", "the quote does not occur verbatim in report.txt",
                    "an exact copy of the sentence, punctuation included (ASCII and full-width are not interchangeable)")
            continue
        again = report_text.find(row["quote"], quote_start + 1)
        if again >= 0:
            count = report_text.count(row["quote"])
            problem("quote", f"the quote occurs {count} times in report.txt (at offsets {quote_start} and {again}"
                    f"{' and more' if count > 2 else ''}), so which sentence the figure comes from is ambiguous",
                    "a quote that occurs once: extend it with the words before or after it (the whole sentence)")
            continue
        occurrence = int(row["occurrence"] or 1)
        offset = numbers.locate_value(row["quote"], row["value"], occurrence)
        if offset is None:
            problem("value", f"the value {row['value']!r} does not occur in the quote"
                    + (f" {occurrence} times" if occurrence > 1 else ""),
                    "the number exactly as printed in the quoted sentence")
            continue
        after = row["quote"][offset + len(row["value"]):]
        if not unit_follows(after, row["unit"], row["qualifier"], row["value"]):
            problem("unit", f"the unit {row['unit']!r} does not follow the value in the quote "
                    f"(the text continues {after[:6]!r})",
                    "the unit exactly as printed after the number, 万/亿 included (39.0589万人 -> 万人)")
            continue
        try:
            as_of = numbers.resolve_as_of(row["as_of"], source.year, source.period_end)
        except ValueError as exc:
            problem("as_of", str(exc))
            continue
        if not source.period_start <= as_of <= source.period_end:
            problem("as_of", f"{row['as_of']!r} resolves to {as_of}, outside the period "
                    f"{source.period_start} to {source.period_end}", "a date inside the period the report covers")
            continue
        value, base_unit, half_precision = numbers.normalise(row["value"], row["unit"])
        records.append({
            "figure_id": row["figure_id"],
            "section": row["section"],
            "campaign": row["campaign"],
            "metric": row["metric"],
            "label": row["label"],
            "kind": row["kind"],
            "value": numbers.plain_decimal(value),
            "unit": base_unit,
            "qualifier": row["qualifier"],
            "qualifier_meaning": numbers.QUALIFIERS[row["qualifier"]],
            "precision": numbers.plain_decimal(half_precision),
            "decimals": numbers.decimals_of(row["value"]),
            "value_printed": row["value"],
            "unit_printed": row["unit"],
            "as_of": as_of.isoformat(),
            "as_of_printed": row["as_of"],
            "quote": row["quote"],
            "quote_start": quote_start,
            "quote_end": quote_start + len(row["quote"]),
            "value_start": quote_start + offset,
            "note": row["note"],
        })
    if errors:
        raise InputErrors(errors)
    figures = pd.DataFrame.from_records(records)
    figures["value"] = figures["value"].astype(float)
    figures["precision"] = figures["precision"].astype(float)
    return figures


def load_non_figures(path: Path, report_text: str) -> pd.DataFrame:
    """Read the list of numbers that are not figures, checking each against the text."""
    path = Path(path)
    header, rows, lines = read_csv_strict(path, NON_FIGURES)
    errors = []
    for row, line in zip(rows, lines):
        if not row["start"].isdigit():
            errors.append(InputError(path, f"invalid start {row['start']!r}", row=line, field="start",
                                     expected="the character offset of the number in report.txt"))
            continue
        start = int(row["start"])
        if report_text[start:start + len(row["text"])] != row["text"]:
            errors.append(InputError(path, f"{row['text']!r} is not at offset {start} of report.txt "
                                     f"(found {report_text[start:start + len(row['text'])]!r})", row=line,
                                     field="start", expected="the offset where the number starts"))
        if not row["reason"]:
            errors.append(InputError(path, "no reason given", row=line, field="reason",
                                     expected="why the number is not a figure (date, section number, name, ...)"))
    if errors:
        raise InputErrors(errors)
    frame = pd.DataFrame(rows, columns=header)
    frame["start"] = frame["start"].astype(int)
    frame["line"] = lines  # so that coverage errors about a listing can name its line
    return frame


def coverage_audit(report_text: str, figures: pd.DataFrame, non_figures: pd.DataFrame) -> pd.DataFrame:
    """Every number in the text, and what accounts for it: a figure, a listed non-figure, or nothing."""
    by_figure = {int(start): figure_id for start, figure_id in zip(figures["value_start"], figures["figure_id"])}
    by_listing = {int(start): reason for start, reason in zip(non_figures["start"], non_figures["reason"])}
    rows = []
    for token in numbers.find_number_tokens(report_text):
        context = report_text[max(0, token.start - 10):token.end + 10]
        context = re.sub(r"\s+", " ", context)
        if token.start in by_figure:
            status, figure_id, reason = "figure", by_figure[token.start], ""
        elif token.start in by_listing:
            status, figure_id, reason = "not a figure", "", by_listing[token.start]
        else:
            status, figure_id, reason = "unaccounted", "", ""
        rows.append({"start": token.start, "number": token.text, "script": token.script, "status": status,
                     "figure_id": figure_id, "reason": reason, "context": context})
    return pd.DataFrame(rows, columns=["start", "number", "script", "status", "figure_id", "reason", "context"])


def check_coverage(coverage: pd.DataFrame, figures: pd.DataFrame, non_figures: pd.DataFrame,
                   non_figures_path: Path) -> None:
    """Fail if any number is unaccounted for, or a listing points at no number."""
    unaccounted = coverage[coverage["status"] == "unaccounted"]
    errors = [InputError(non_figures_path, f"the number {row.number!r} at offset {row.start} "
                         f"(…{row.context}…) is neither a transcribed figure nor listed here", field="start",
                         expected="a figures.csv row for it, or a row here with start, text and reason")
              for row in unaccounted.itertuples()]
    token_starts = set(coverage["start"])
    line_of = dict(zip(non_figures["start"].tolist(), non_figures["line"].tolist())) if "line" in non_figures else {}
    for start in sorted(set(non_figures["start"]) - token_starts):
        errors.append(InputError(non_figures_path, f"offset {start} is not the start of a number",
                                 row=line_of.get(start), field="start", expected="the offset where a number starts"))
    doubled = set(non_figures["start"]) & set(figures["value_start"])
    for start in sorted(doubled):
        errors.append(InputError(non_figures_path, f"offset {start} is both a figure and listed as not a figure",
                                 row=line_of.get(start), field="start", expected="each number accounted for once"))
    if errors:
        raise InputErrors(errors)


def provenance_summary(figures: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """The provenance checks and their results, as a table for the notebook."""
    counts = coverage["status"].value_counts()
    rows = [
        ("quotes found verbatim in report.txt", f"{len(figures)} of {len(figures)}"),
        ("values found in their quotes", f"{len(figures)} of {len(figures)}"),
        ("units and qualifiers from the known lists", f"{len(figures)} of {len(figures)}"),
        ("as-of dates inside the period", f"{len(figures)} of {len(figures)}"),
        ("unique figure ids", f"{figures['figure_id'].nunique()} of {len(figures)}"),
        ("numbers in the text that are figures", str(int(counts.get("figure", 0)))),
        ("numbers in the text that are not figures (with a reason)", str(int(counts.get("not a figure", 0)))),
        ("numbers in the text unaccounted for", str(int(counts.get("unaccounted", 0)))),
    ]
    return pd.DataFrame(rows, columns=["check", "result"])


def clean_period(raw_dir: Path, source: Source) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every cleaning step for one period; return the figures and the coverage table."""
    raw_dir = Path(raw_dir)
    check_report_text(raw_dir / "report.txt")
    report_text = read_utf8(raw_dir / "report.txt")
    transcription, lines = load_transcription(raw_dir / "figures.csv")
    try:
        figures = build_figures(transcription, lines, report_text, source, raw_dir / "figures.csv")
        non_figures = load_non_figures(raw_dir / "non_figures.csv", report_text)
        coverage = coverage_audit(report_text, figures, non_figures)
        check_coverage(coverage, figures, non_figures, raw_dir / "non_figures.csv")
    except InputErrors as exc:
        raise _name_the_line_endings(exc, report_text, raw_dir / "report.txt") from None
    return figures, coverage


def _name_the_line_endings(exc: InputErrors, report_text: str, path: Path) -> InputErrors:
    """Offsets count characters of LF text; CRLF line ends shift every offset after the first line
    break. When the text has them, say so first instead of leaving 68 offset errors to puzzle over."""
    crlf = report_text.count("\r\n")
    if not crlf:
        return exc
    cause = InputError(path, f"the text has {crlf} Windows (CRLF) line endings; every offset after the "
                       "first line break is shifted by them", row=report_text[:report_text.find("\r")].count("\n") + 1,
                       expected="the text with LF line endings, as transcribed",
                       fix="Restore the file as captured (git checkout -- report.txt), or convert it with "
                           "dos2unix and reseal")
    return InputErrors([cause] + exc.errors)
