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

import calendar
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import Layout, check_period, earlier_raw_periods, find_previous_raw_period
from ..io.rawdata import (NON_FIGURE_COLUMNS, REVIEW_SHEET, SIDECAR, TRANSCRIPTION_COLUMNS, UNKNOWN, open_period,
                          read_report, read_sidecar)
from ..io.readers import read_csv_strict, read_utf8
from ..io.writers import write_bytes, write_rows, write_text
from .carry import Month, carry_over
from .draft import TRANSCRIPTION_KEYS
from .guesses import load_campaigns
from .header import read_header
from .proposals import apply_rows, first_printed, needed_rows, new_campaign_row
from .review import checks_added, printed_part, review_sheet
from .seal import Say, folder_problems, say_out
from .sidecar import checksums_of, folder_files, render_sidecar


def add_period(report: Path, layout: Layout, period: str | None = None, address: str | None = None,
               retrieved: str | None = None, today: dt.date | None = None, say: Say = say_out) -> Path:
    """Create data/raw/<period>/ from a report text; return the folder. Raises InputError for bad input."""
    report = Path(report)
    data, text = read_report(report)
    header = read_header(text)
    period = _period(report, header, period, say)
    if retrieved is not None:
        _iso_date(retrieved, "--retrieved")
    target = layout.raw_period(period)
    if target.exists():
        raise InputError(target, "the period's folder already exists; add-period never changes an existing folder",
                         fix=f"If it holds a draft to redo, delete it first (git status shows whether it is "
                             f"committed); to record edits made in it, run `shaoyang-report seal --period {period}`")

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
    say(f"Wrote {target}/: report.txt (byte for byte), figures.csv ({len(carry.figures)} figures), "
        f"non_figures.csv ({len(carry.non_figures)} numbers), source.yml and {REVIEW_SHEET}"
        + (f"; added {period} to the periods table of {layout.raw / 'README.md'}." if listed else "."))
    if rows:
        say(f"Added to {layout.reference}/: {len(rows.campaigns)} campaign row(s) to campaigns.csv and "
            f"{len(rows.glossary)} row(s) to glossary.csv (English to translate), each from {period} on.")
    if problems:
        say(f"It does not build yet: fix the {len(problems)} problem(s) under “Before it builds”, then "
            f"`shaoyang-report seal --period {period}`.")
    else:
        say(f"Next: review it (the sections above), `shaoyang-report seal --period {period}`, "
            f"`make report PERIOD={period}`.")
    return target


def _period(report: Path, header, given: str | None, say: Say) -> str:
    if given is not None:
        try:
            check_period(given)
        except ValueError as exc:
            raise InputError("--period", str(exc)) from None
        if header.period and header.period != given:
            say(f"note: the title says {header.period} ({header.title}); using --period {given}")
        return given
    if header.period is None:
        title = f"its title {header.title!r} names no months" if header.title else \
            "no line of it names a year and months (such as 2021年1-11月)"
        raise InputError(report, f"cannot tell which period the report covers: {title}",
                         expected="a title such as 邵阳市2021年1-11月…", fix="Pass --period YYYY-MM (the last month "
                         "the report covers, e.g. --period 2021-11)")
    return header.period


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


def _source_fields(header, period: str, address: str | None, retrieved: str | None, today: dt.date,
                   previous: dict, previous_period: str | None) -> dict:
    year, month = (int(part) for part in period.split("-"))
    # Reports are cumulative from 1 January unless the title names other months (9-11月).
    start = header.period_start if header.period == period and header.period_start else dt.date(year, 1, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    first = start.month
    fields = {
        "period": period,
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
