"""The review sheet: what a person must look at after a month was carried over.

`review_sheet` writes Markdown (review.md in the period's folder; the same text, without the
last section, is printed): first what stops the folder from building, then the rows add-period
added to data/reference/ (a new campaign, names to translate), then the figures that need a
decision (new, uncertain, not found), then the carried figures whose sentence changed, then the
new numbers read as not figures, and last, for reference, the figures carried with only their
numbers changed. Every section is there (SECTIONS), saying "none" when it has nothing to review. Line numbers point into figures.csv and non_figures.csv as an editor shows
them (the header is line 1). The sheet holds no timestamp: the same inputs give the same sheet.
"""

from __future__ import annotations

from pathlib import Path

from ..audit.clean import clean_period
from ..audit.figures import printed_expression
from ..audit.sentences import read_checks
from ..io.errors import InputError, InputErrors
from ..io.rawdata import load_source
from ..io.readers import read_utf8
from .carry import CARRIED, NEW, NOT_FOUND, UNCERTAIN, CarryOver
from .proposals import ReferenceRows, translations, translations_wanted

NO_ACTION = "## Carried with only their numbers changed"


def review_sheet(carry: CarryOver, facts: list[tuple[str, str]], problems: list[str],
                 checks: list[dict] | None = None, reference: ReferenceRows | None = None) -> str:
    """The sheet for `carry`. `facts` are the sidecar's (field, value) pairs worth a glance;
    `problems` the reasons the folder does not build yet (empty when it does); `checks` those the
    month's text adds (checks_added; None: not known until the folder builds); `reference` the rows
    add-period adds to data/reference/ for the month (a new campaign, glossary rows to translate).
    Every section is there, saying "none" when it has nothing to review."""
    period, previous = carry.period, carry.previous_period
    reference = reference or ReferenceRows()
    line_of = _line_numbers(carry)
    carried = carry.of(CARRIED)
    quiet = [o for o in carried if not o.checks]
    changed = [o for o in carried if o.checks]
    uncertain, new, lost = carry.of(UNCERTAIN), carry.of(NEW), carry.of(NOT_FOUND)
    uncertain_all = uncertain + carry.of(UNCERTAIN, "non_figure")
    new_others = carry.of(NEW, "non_figure")
    others = len(carry.non_figures)
    out = [f"# Review sheet: {period}", ""]
    if previous:
        out += [f"Drafted by `shaoyang-report add-period` from report.txt, carrying over the reviewed transcription "
                f"of {previous}. Numbers were matched by the words around them, never by their values.", ""]
    else:
        out += ["Drafted by `shaoyang-report add-period` from report.txt. There is no earlier period to carry "
                "from: every figure is new.", ""]
    out += [f"Edit `data/raw/{period}/figures.csv` and `non_figures.csv` where the sections below say, then "
            f"record the files' checksums with `shaoyang-report seal --period {period}` and build with "
            f"`make report PERIOD={period}`.", ""]
    out += ["| | count |", "| --- | --- |",
            f"| figures carried from {previous or '—'} | {len(carried)} ({len(quiet)} with only numbers changed) |",
            f"| uncertain: confirm or fix | {len(uncertain)} |",
            f"| new: confirm id, metric, label, kind | {len(new)} |",
            f"| {previous or 'last period'}'s figures not found | {len(lost)} |",
            f"| numbers that are not figures | {others} ({len(new_others)} new) |",
            f"| reference rows added (data/reference/) | {len(reference.campaigns) + len(reference.glossary)} |", ""]
    out += _section("Source facts (source.yml)", None, [f"- {name}: {value}" for name, value in facts])
    out += _section("Before it builds", len(problems), [f"- {_cell(p, 400)}" for p in problems],
                    "none: the folder builds as drafted")
    out += checks_section(checks)
    out += _section(f"Reference rows added for {period}", len(reference.campaigns) + len(reference.glossary),
                    _reference_rows(reference, period), "none: every campaign and figure id is named already")
    out += _section("New figures: confirm each proposed id, metric, label and kind", len(new), [
        "| line | proposed id | value | label | kind | as of | sentence | notes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |"] + [
        _row(line_of[id(o)], f"`{o.row['figure_id']}`", _value(o.row), o.row["label"], o.row["kind"],
             o.row["as_of"] or "(period end)", _cell(o.row["quote"]), "; ".join(o.hints + _note(o.row)))
        for o in new], "none")
    out += _section("Uncertain matches: confirm the id or fix the row", len(uncertain_all), [
        "| line | figure id | before | this month | match | why | sentence |",
        "| --- | --- | --- | --- | --- | --- | --- |"] + [
        _row(line_of[id(o)], f"`{o.row.get('figure_id', '')}`" if o.kind == "figure" else "(not a figure)",
             _value(o.previous) if o.kind == "figure" else o.previous.get("reason", ""),
             _value(o.row) if o.kind == "figure" else o.row["text"], f"{o.score:.2f}", "; ".join(o.checks),
             _cell(o.row.get("quote") or o.row.get("context", "")))
        for o in uncertain_all], "none")
    out += _section(f"Not found: {previous or 'last period'} figures with no place this month: dropped, or reworded?",
                    len(lost), [
        "If one was reworded, give the new figure of the sentence it moved to this id.", "",
        f"| figure id | {previous} | {previous}'s sentence | closest number left this month |",
        "| --- | --- | --- | --- |"] + [
        _row(f"`{o.row['figure_id']}`", _value(o.row), _cell(o.row.get("quote", "")),
             f"{o.closest[0]} (match {o.closest[1]:.2f})" if o.closest else "—") for o in lost], "none")
    out += _section(f"Not located in {previous or 'last period'}'s own text: not carried over", len(carry.unlocated), [
        f"Their quote or value is not in {previous}'s report.txt, so they have no place to match; "
        "transcribe them afresh if this month prints them.", "",
        "| figure id | value | quote |", "| --- | --- | --- |"] + [
        _row(f"`{row.get('figure_id', '')}`", _value(row), _cell(row.get("quote", ""))) for row in carry.unlocated],
        "none")
    out += _section("Carried, with more than the numbers changed: check label, as-of and note", len(changed), [
        "| line | figure id | before → this month | match | what changed | note |",
        "| --- | --- | --- | --- | --- | --- |"] + [
        _row(line_of[id(o)], f"`{o.row['figure_id']}`", f"{_value(o.previous)} → {_value(o.row)}",
             f"{o.score:.2f}", "; ".join(o.checks), o.row.get("note", "")) for o in changed], "none")
    out += _section("New numbers read as not figures: check each reason in non_figures.csv", len(new_others), [
        "| line | number | reason | context |", "| --- | --- | --- | --- |"] + [
        _row(line_of[id(o)], o.row["text"], o.row["reason"], _cell(o.row["context"])) for o in new_others], "none")
    out += _section(NO_ACTION[3:] + ": no action needed", len(quiet), [
        "| line | figure id | label | last month → this month | match |", "| --- | --- | --- | --- | --- |"] + [
        _row(line_of[id(o)], f"`{o.row['figure_id']}`", o.row["label"],
             f"{_value(o.previous)} → {_value(o.row)}", f"{o.score:.2f}") for o in quiet], "none")
    return "\n".join(out)


# The sections, in order: every sheet has each of them, with "none" when it is empty.
SECTIONS = ("Source facts", "Before it builds", "Checks the text adds", "Reference rows added", "New figures", "Uncertain matches",
            "Not found", "Not located", "Carried, with more than the numbers changed", "New numbers read as not figures",
            NO_ACTION[3:])


def _section(title: str, count: int | None, body: list[str], empty: str = "none") -> list[str]:
    """A section of the sheet: its title with its count before the last ": " (## Not found: 2021-10 figures
    with no place this month (2): dropped, or reworded?), then its body, or `empty` when count is 0."""
    if count is None:
        return [f"## {title}", ""] + body + [""]
    head, mark, tail = title.rpartition(": ")
    heading = f"## {head} ({count}): {tail}" if mark else f"## {title} ({count})"
    return [heading, ""] + (body if count else [f"{empty[:1].upper()}{empty[1:]}."]) + [""]


def _reference_rows(reference: ReferenceRows, period: str) -> list[str]:
    lines = [f"Each applies from the first period that prints it (since = {period}, unless an earlier month printed "
             "it unnamed), so no earlier month changes. The other editions' names are left to translate "
             f"({', '.join(translations())}): until they are filled in, those pages show the Chinese with a note, "
             "and nothing fails.", ""]
    names = {row["id"]: row["zh"] for row in reference.glossary if row["kind"] == "campaign"}
    for row in reference.campaigns:
        lines.append(f"- campaigns.csv: `{row['campaign']}`, {names.get(row['campaign'], '')}, order {row['order']} "
                     f"(its name is its glossary.csv row). A proposed id: "
                     f"to rename it everywhere (figures.csv, campaigns.csv, glossary.csv) run "
                     f"`shaoyang-report rename-campaign --period {period} {row['campaign']} <new id>`; to file its "
                     f"figures under a known campaign, give that campaign's id instead.")
    for row in reference.glossary:
        lines.append(f"- glossary.csv: {row['kind']} `{row['id']}`, {row['zh']}: {translations_wanted()}")
    return lines


def checks_added(folder: Path, period: str, previous: Path | None = None) -> list[dict] | None:
    """The checks this month's sentences state that last month's did not (by check id, which carried
    figures keep): a new sentence's total and parts, share, rate, remainder or listed count. None
    when the folder (or last month's) does not clean yet."""
    def read(raw: Path) -> list[dict]:
        figures, _ = clean_period(raw, load_source(raw))
        return read_checks(figures, read_utf8(raw / "report.txt"))
    try:
        now = read(Path(folder))
        before = {r["relation_id"] for r in read(Path(previous))} if previous is not None else set()
    except (InputError, InputErrors):
        return None
    return [relation for relation in now if relation["relation_id"] not in before]


def checks_section(checks: list[dict] | None) -> list[str]:
    """The sheet's section on the checks the month's text adds: each to confirm it reads the sentence right."""
    if checks is None:
        return ["## Checks the text adds", "", "Listed once the folder builds (fix what stops it first).", ""]
    if not checks:
        return _section("Checks the text adds", 0, [], "none")  # as every empty section says it
    return [f"## Checks the text adds ({len(checks)}): read from new sentences; check each reads them right", "",
            "| check id | kind | what it checks | sentence (offsets in report.txt) |", "| --- | --- | --- | --- |"] + [
        _row(f"`{c['relation_id']}`", c["kind"], c["description"], f"{c['sentence_start']}–{c['sentence_end']}")
        for c in checks] + [""]


def printed_part(sheet: str) -> str:
    """The sheet without its last, no-action section: what add-period prints."""
    head, _, rest = sheet.partition(NO_ACTION)
    if not rest:
        return sheet
    count = rest.split(")", 1)[0].lstrip(" (")
    return head + f"({count} figures carried with only their numbers changed are listed in the sheet's last section.)\n"


def _line_numbers(carry: CarryOver) -> dict[int, int]:
    """id(outcome) -> its line in figures.csv or non_figures.csv (header = line 1)."""
    lines, counters = {}, {"figure": 1, "non_figure": 1}
    for outcome in carry.outcomes:
        if outcome.status == NOT_FOUND:
            continue
        counters[outcome.kind] += 1
        lines[id(outcome)] = counters[outcome.kind]
    return lines


def _value(row: dict | None) -> str:
    """A transcription row's number as the report prints it (141.5万余吨, 约5000户)."""
    return printed_expression(row.get("value", ""), row.get("unit", ""), row.get("qualifier", "")) if row else ""


def _note(row: dict) -> list[str]:
    return [row["note"]] if row.get("note") else []


def _cell(text: str, width: int = 60) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[:width - 1] + "…"


def _row(*cells) -> str:
    return "| " + " | ".join(_cell(cell, 400) for cell in cells) + " |"
