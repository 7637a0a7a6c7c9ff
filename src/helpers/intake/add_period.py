"""A new month in one command: `add-period` drafts the period's folder (`seal` records its checksums).

    shaoyang-report add-period REPORT.txt [--period YYYY-MM] [--address URL] [--retrieved DATE]

`add_period` copies the text byte for byte into a new data/raw/<period>/, writes figures.csv and
non_figures.csv by carrying the previous period's reviewed transcription over (helpers.intake.carry),
writes source.yml from the page's own facts (helpers.intake.header) with every file's sha256, runs
the cleaning stage's checks on the result, and writes and prints the review sheet. It never
touches an existing folder: the new one appears whole or not at all. After a review edit,
`seal` (helpers.intake.seal) records the edited files' checksums.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import Layout, Period, earlier_raw_periods, find_previous_raw_period
from ..io.rawdata import (NON_FIGURE_COLUMNS, REVIEW_SHEET, SIDECAR, TRANSCRIPTION_COLUMNS, UNKNOWN, open_period,
                          read_report, read_sidecar)
from ..io.readers import read_csv_strict, read_utf8, starts_with_bom
from ..io.writers import write_bytes, write_rows, write_text
from .carry import Month, carry_over
from .draft import TRANSCRIPTION_KEYS
from .guesses import load_campaigns
from .header import BUREAU, read_header, source_mismatches
from .proposals import apply_rows, first_printed, needed_rows, new_campaign_row, translations_wanted
from .review import checks_added, printed_part, review_sheet
from .seal import Say, check_reference, folder_problems, say_out
from .sidecar import checksums_of, folder_files, render_sidecar


def add_period(report: Path, layout: Layout, period: str | None = None, address: str | None = None,
               retrieved: str | None = None, today: dt.date | None = None, say: Say = say_out,
               accept_mismatch: bool = False) -> Path:
    """Create data/raw/<period>/ from a report text; return the folder. Raises InputError for bad input
    (nothing is then written), and for a text that is not this bureau's report for the period unless
    `accept_mismatch` (the mismatch is then recorded in source.yml)."""
    report = Path(report)
    data, text = read_report(report)
    saved = data
    if starts_with_bom(data):  # an editor's mark, not the page's text: every offset would be one off
        data, text = data[len(codecs.BOM_UTF8):], text.removeprefix("\ufeff")
    header = read_header(text)
    period = _period(report, header, period)
    mismatches = source_mismatches(header, period)
    if mismatches and not accept_mismatch:
        raise InputError(report, f"not this bureau's report for {period}: " + "; ".join(mismatches.values()),
                         expected=f"a report of {BUREAU} covering {period}",
                         fix="Is it the right text (and the right --period)? If it is all the same, pass "
                             "--accept-mismatch: the mismatch is then recorded in source.yml and shown on the audit "
                             "page")
    if retrieved is not None:
        _iso_date(retrieved, "--retrieved")
    target = layout.raw_period(period)
    if target.exists():
        raise InputError(target, "the period's folder already exists; add-period never changes an existing folder",
                         fix=f"If it holds a draft to redo, delete it first (git status shows whether it is "
                             f"committed); to record edits made in it, run `shaoyang-report seal --period {period}`")
    check_reference(layout, period)  # the rows it reads and adds to: the repository's own, readable

    previous_period = find_previous_raw_period(layout.raw, period)
    previous = _previous(layout, previous_period, say) if previous_period else None
    campaigns = load_campaigns(layout.reference / "campaigns.csv", period)
    say(f"add-period {period}: drafting from {report}"
        + (f", carrying over {previous_period}" if previous else " (no earlier period to carry from)"))
    carry = carry_over(text, period, previous["text"] if previous else None, previous_period if previous else None,
                       previous["figures"] if previous else (), previous["non_figures"] if previous else (),
                       campaigns=campaigns, earlier=_earlier(layout, period, previous_period, say))
    new_campaigns = [new_campaign_row(row["campaign"], row["name_zh"], period, layout.reference)
                     for row in carry.campaigns]
    for index, row in enumerate(new_campaigns):  # several new campaigns: one after the other
        row["order"] = str(int(row["order"]) + index)
    rows = needed_rows(carry.figures, period, layout.reference, new_campaigns, first_printed(layout.raw, period))

    layout.raw.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".add-{period}-", dir=layout.raw))
    try:
        write_bytes(staging / "report.txt", data)
        write_rows(staging / "figures.csv", TRANSCRIPTION_COLUMNS, carry.figures)
        write_rows(staging / "non_figures.csv", NON_FIGURE_COLUMNS, carry.non_figures)
        fields = _source_fields(header, period, address, retrieved, today or dt.date.today(),
                                previous["source"] if previous else {}, previous_period)
        if data != saved:
            fields["capture_note"] = (f"the text as saved began with a byte order mark (the bytes EF BB BF, which the "
                                      f"editor that saved it adds; the page has none): add-period removed it, so "
                                      f"report.txt is the saved file less its first 3 bytes (the saved file's sha256: "
                                      f"{hashlib.sha256(saved).hexdigest()})")
        if mismatches:
            fields["accepted_mismatch"] = dict(mismatches)
        _write_sidecar(staging, fields, period, previous_period)  # so that the folder can be checked
        problems = [message.replace(str(staging), str(target)) for message in
                    folder_problems(staging, period, layout, also_known={row["campaign"] for row in rows.campaigns})]
        facts = [(name, fields[name]) for name in ("title", "publisher", "published", "dated", "address", "retrieved")]
        facts.append(("period covered", f"{fields['period_covered']['start']} to {fields['period_covered']['end']}"))
        added = checks_added(staging, period, layout.raw_period(previous_period) if previous else None)
        sheet = review_sheet(carry, [(n, _fact(v)) for n, v in facts], problems, added, reference=rows)
        write_text(staging / REVIEW_SHEET, sheet)
        _write_sidecar(staging, fields, period, previous_period)
        os.chmod(staging, 0o755)  # mkdtemp makes folders private; data/raw is for everyone
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:  # the reference rows the month needs, each from this period on (data/reference/README.md)
        apply_rows(layout.reference, rows)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # the folder appears whole, with its rows, or not at all
        raise
    listed = add_period_row(layout.raw / "README.md", period, fields, checksums_of(target, ["report.txt"])["report.txt"])
    say("")
    say(printed_part(sheet))
    if data != saved:
        say(f"note: {report} began with a byte order mark (BOM: the bytes EF BB BF, added by the editor that saved it); "
            f"it is removed, so report.txt is the page's text and every offset counts from its first character. "
            f"source.yml records this (capture_note).")
    if mismatches:
        say("note: accepted with --accept-mismatch, and recorded in source.yml (accepted_mismatch) and on the audit "
            "page: " + "; ".join(mismatches.values()) + ".")
    later = later_periods(layout, period)
    if later:
        say(later_months_note(period, later, previous_period))
    say(f"Wrote {target}/: report.txt (byte for byte), figures.csv ({len(carry.figures)} figures), "
        f"non_figures.csv ({len(carry.non_figures)} numbers), source.yml and {REVIEW_SHEET}"
        + (f"; added {period} to the periods table of {layout.raw / 'README.md'}." if listed else "."))
    if rows:
        say(f"Added to {layout.reference}/: {len(rows.campaigns)} campaign row(s) to campaigns.csv and "
            f"{len(rows.glossary)} row(s) to glossary.csv ({translations_wanted()}), each from {period} on.")
    if problems:
        say(f"It does not build yet: fix the {len(problems)} problem(s) under “Before it builds”, then "
            f"`shaoyang-report seal --period {period}`.")
    else:
        say(f"Next: review it (the sections above), `shaoyang-report seal --period {period}`, "
            f"`make report PERIOD={period}`.")
    return target


def later_periods(layout: Layout, period: str) -> list[str]:
    """The months already added after `period` (a folder in data/raw/), oldest first."""
    return [name for name in earlier_raw_periods(layout.raw, "9999-12") if name > period]


def later_months_note(period: str, later: list[str], previous_period: str | None) -> str:
    """What adding `period` before the months already added (`later`) changes in them: the next one's
    month over month (it compares with the latest month before it: `period`, no longer
    `previous_period`) and every later one's history."""
    following = later[0]
    instead = f"instead of {previous_period}" if previous_period else "which had no month before it"
    periods = " ".join(f"--period {name}" for name in later)
    return (f"note: {period} comes before {len(later)} month(s) already added ({', '.join(later)}). Back-filling is "
            f"fine, but once {period} passes its checks it changes them: {following}'s month over month will compare "
            f"with {period} ({instead}), and the history of {', '.join(later)} (history.csv and the month-by-month "
            f"charts) will include {period}. After sealing {period}, republish them: "
            f"`shaoyang-report run {periods}` (`shaoyang-report status` lists them).")


def _period(report: Path, header, given: str | None) -> Period:
    """The period, as given (--period) or read from the report's title: parsed here, where it enters."""
    if given is not None:
        try:
            return Period(given)
        except ValueError as exc:
            raise InputError("--period", str(exc)) from None
    if header.period is None:
        title = f"its title {header.title!r} names no months" if header.title else \
            "no line of it names a year and months (such as 2021年1-11月)"
        raise InputError(report, f"cannot tell which period the report covers: {title}",
                         expected="a title such as 邵阳市2021年1-11月…", fix="Pass --period YYYY-MM (the last month "
                         "the report covers, e.g. --period 2021-11)")
    try:
        return Period(header.period)
    except ValueError as exc:
        raise InputError(report, f"its title {header.title!r} names a period this project cannot take: {exc}",
                         fix="Pass --period YYYY-MM (the last month the report covers)") from None


def _iso_date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(name, f"{value!r} is not a date", expected="an ISO date such as 2026-11-28") from None


# How many months back a figure that returns after an absence is looked for.
LOOK_BACK = 12


def _earlier(layout: Layout, period: str, previous_period: str | None, say: Say) -> list[Month]:
    """The months before the previous one (newest first, at most LOOK_BACK), for figures that return."""
    if previous_period is None:
        return []
    months = []
    for name in reversed(earlier_raw_periods(layout.raw, previous_period)[-LOOK_BACK:]):
        month = _previous(layout, name, say, check=False)
        if month is not None:
            months.append(Month(name, month["text"], month["figures"], month["non_figures"]))
    return months


def _previous(layout: Layout, period: str, say: Say, check: bool = True) -> dict | None:
    """The previous period's text, transcription and sidecar, or None (with a warning) if unreadable."""
    folder = layout.raw_period(period)
    try:
        text = read_utf8(folder / "report.txt")
        _, figures, _ = read_csv_strict(folder / "figures.csv", TRANSCRIPTION_KEYS, allow_empty=True)
        _, non_figures, _ = read_csv_strict(folder / "non_figures.csv", NON_FIGURE_COLUMNS, allow_empty=True)
        source = read_sidecar(folder)
    except InputError as exc:
        say(f"warning: cannot carry over {period} ({exc}); " + ("every figure will be drafted as new" if check else
                                                                "its figures are not looked for"))
        return None
    try:
        if check:
            open_period(folder, period)
    except InputError as exc:
        say(f"warning: {period} does not pass its own checks ({exc}); carrying it over all the same")
    return {"text": text, "figures": figures, "non_figures": non_figures, "source": source}


def _source_fields(header, period: Period, address: str | None, retrieved: str | None, today: dt.date,
                   previous: dict, previous_period: str | None) -> dict:
    # Reports are cumulative from 1 January unless the title names other months (9-11月).
    start = header.period_start if header.period == period and header.period_start else period.start
    end, month = period.end, period.month
    first = start.month
    fields = {
        "period": str(period),  # as text: YAML writes no other kind of string
        "title": header.title or UNKNOWN,
        "publisher": header.publisher or UNKNOWN,
        "where": f"page breadcrumb: {header.breadcrumb}" if header.breadcrumb else None,
        "address": address or UNKNOWN,
        "published": header.published or UNKNOWN,
        "dated": header.dated or UNKNOWN,
        "period_covered": {"start": start.isoformat(), "end": end.isoformat(),
                           "note": f"cumulative ({first}-{month}月); individual figures carry their own as-of dates"},
        "retrieved": retrieved or today.isoformat(),
    }
    # What the page does not say but the previous period's sidecar does, for the same publisher.
    if previous.get("publisher") == fields["publisher"]:
        for name in ("publisher_en", "licence"):
            if previous.get(name):
                fields[name] = previous[name]
    return fields


def _write_sidecar(folder: Path, fields: dict, period: str, previous_period: str | None) -> None:
    names = [name for name in folder_files(folder)]
    comments = [f"Source sidecar for data/raw/{period}/, written by `shaoyang-report add-period` from report.txt"
                + (f" (publisher_en and licence copied from {previous_period})"
                   if previous_period and "publisher_en" in fields else "") + ".",
                f"A fact the text does not give is recorded as `{UNKNOWN}` (see data/raw/README.md).",
                "The pipeline refuses to run if a file's sha256 differs from the value recorded here; after a",
                f"review edit, record the new checksums with `shaoyang-report seal --period {period}`."]
    write_text(folder / SIDECAR, render_sidecar(fields, checksums_of(folder, names), comments))


def add_period_row(readme: Path, period: str, fields: dict, report_sha256: str) -> bool:
    """Add the period's row to the "Periods" table of data/raw/README.md, in period order (a
    row left from an earlier try at the same period is replaced).

    Returns False (and changes nothing) when the file or its table is missing."""
    try:
        lines = read_utf8(readme).splitlines(keepends=True)
    except (InputError, OSError):
        return False
    header = next((i for i, line in enumerate(lines) if line.startswith("| period | title |")), None)
    if header is None or header + 1 >= len(lines):
        return False
    end = header + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    published = fields["published"]
    published = published[:16].replace("T", " ") if published != UNKNOWN else UNKNOWN
    row = (f"| {period} | {fields['title']} | {fields['publisher']} | {fields['address']} | {published} | "
           f"{fields['retrieved']} | `{report_sha256}` |\n")
    same = next((i for i in range(header + 2, end) if lines[i].startswith(f"| {period} |")), None)
    if same is not None:
        lines[same] = row
    else:
        lines.insert(next((i for i in range(header + 2, end) if lines[i][2:9] > period), end), row)
    write_text(readme, "".join(lines))
    return True


def _fact(value) -> str:
    if value == UNKNOWN:
        return f"{UNKNOWN} (not in the text; edit source.yml if you know it, then seal)"
    return str(value)
