"""The review sheet: what a person must look at after a month was carried over.

`review_sheet` writes Markdown (review.md in the period's folder; the same text, without the
last section, is printed): first what stops the folder from building, then the figures that need
a decision (new, uncertain, not found), then the carried figures whose sentence changed, then
the new numbers read as not figures, and last, for reference, the figures carried with only their
numbers changed. Line numbers point into figures.csv and non_figures.csv as an editor shows
them (the header is line 1). The sheet holds no timestamp: the same inputs give the same sheet.
"""

from __future__ import annotations

from .carry import CARRIED, NEW, NOT_FOUND, UNCERTAIN, CarryOver

NO_ACTION = "## Carried with only their numbers changed"


def review_sheet(carry: CarryOver, facts: list[tuple[str, str]], problems: list[str]) -> str:
    """The sheet for `carry`. `facts` are the sidecar's (field, value) pairs worth a glance;
    `problems` the reasons the folder does not build yet (empty when it does)."""
    period, previous = carry.period, carry.previous_period
    line_of = _line_numbers(carry)
    carried = carry.of(CARRIED)
    quiet = [o for o in carried if not o.checks]
    changed = [o for o in carried if o.checks]
    uncertain, new, lost = carry.of(UNCERTAIN), carry.of(NEW), carry.of(NOT_FOUND)
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
            f"| new: choose id, metric, label, kind | {len(new)} |",
            f"| {previous or 'last period'}'s figures not found | {len(lost)} |",
            f"| numbers that are not figures | {others} ({len(new_others)} new) |", ""]
    out += ["## Source facts (source.yml)", ""] + [f"- {name}: {value}" for name, value in facts] + [""]
    if problems:
        out += [f"## Before it builds ({len(problems)})", ""] + [f"- {_cell(p, 400)}" for p in problems] + [""]
    if new:
        out += [f"## New figures ({len(new)}): give each an id, metric, label and kind", "",
                "| line | proposed id | value | label | kind | as of | sentence | notes |",
                "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        out += [_row(line_of[id(o)], f"`{o.row['figure_id']}`", _value(o.row), o.row["label"], o.row["kind"],
                     o.row["as_of"] or "(period end)", _cell(o.row["quote"]), "; ".join(o.hints + _note(o.row)))
                for o in new] + [""]
    if uncertain:
        out += [f"## Uncertain matches ({len(uncertain)}): confirm the id or fix the row", "",
                "| line | figure id | last month | this month | match | why | sentence |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        out += [_row(line_of[id(o)], f"`{o.row.get('figure_id', '')}`" if o.kind == "figure" else "(not a figure)",
                     _value(o.previous) if o.kind == "figure" else o.previous.get("reason", ""),
                     _value(o.row) if o.kind == "figure" else o.row["text"], f"{o.score:.2f}", "; ".join(o.checks),
                     _cell(o.row.get("quote") or o.row.get("context", "")))
                for o in uncertain + carry.of(UNCERTAIN, "non_figure")] + [""]
    if lost:
        out += [f"## Not found: {previous} figures with no place this month ({len(lost)}): dropped, or reworded?", "",
                "If one was reworded, give the new figure of the sentence it moved to this id.", "",
                f"| figure id | {previous} | {previous}'s sentence | closest number left this month |",
                "| --- | --- | --- | --- |"]
        out += [_row(f"`{o.row['figure_id']}`", _value(o.row), _cell(o.row.get("quote", "")),
                     f"{o.closest[0]} (match {o.closest[1]:.2f})" if o.closest else "—") for o in lost] + [""]
    if carry.unlocated:
        out += [f"## Not located in {previous}'s own text ({len(carry.unlocated)}): not carried over", "",
                f"Their quote or value is not in {previous}'s report.txt, so they have no place to match; "
                "transcribe them afresh if this month prints them.", "",
                "| figure id | value | quote |", "| --- | --- | --- |"]
        out += [_row(f"`{row.get('figure_id', '')}`", _value(row), _cell(row.get("quote", ""))) for row in carry.unlocated]
        out += [""]
    if changed:
        out += [f"## Carried, with more than the numbers changed ({len(changed)}): check label, as-of and note", "",
                "| line | figure id | last month → this month | match | what changed | note |",
                "| --- | --- | --- | --- | --- | --- |"]
        out += [_row(line_of[id(o)], f"`{o.row['figure_id']}`", f"{_value(o.previous)} → {_value(o.row)}",
                     f"{o.score:.2f}", "; ".join(o.checks), o.row.get("note", "")) for o in changed] + [""]
    if new_others:
        out += [f"## New numbers read as not figures ({len(new_others)}): check each reason in non_figures.csv", "",
                "| line | number | reason | context |", "| --- | --- | --- | --- |"]
        out += [_row(line_of[id(o)], o.row["text"], o.row["reason"], _cell(o.row["context"])) for o in new_others]
        out += [""]
    if quiet:
        out += [f"{NO_ACTION} ({len(quiet)}): no action needed", "",
                "| line | figure id | label | last month → this month | match |", "| --- | --- | --- | --- | --- |"]
        out += [_row(line_of[id(o)], f"`{o.row['figure_id']}`", o.row["label"],
                     f"{_value(o.previous)} → {_value(o.row)}", f"{o.score:.2f}") for o in quiet] + [""]
    return "\n".join(out)


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
    if not row:
        return ""
    qualifier = row.get("qualifier", "")
    value, unit = row.get("value", ""), row.get("unit", "")
    if qualifier in ("约", "近"):
        return f"{qualifier}{value}{unit}"
    if qualifier in ("余", "多") and unit[:1] in ("万", "亿"):
        return f"{value}{unit[0]}{qualifier}{unit[1:]}"
    return f"{value}{qualifier if qualifier in ('余', '多') else ''}{unit}{qualifier if qualifier == '以上' else ''}"


def _note(row: dict) -> list[str]:
    return [row["note"]] if row.get("note") else []


def _cell(text: str, width: int = 60) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[:width - 1] + "…"


def _row(*cells) -> str:
    return "| " + " | ".join(_cell(cell, 400) for cell in cells) + " |"
