"""`rename-campaign`: give a campaign add-period proposed its final id, in every row at once.

    shaoyang-report rename-campaign --period 2021-12 relocation_follow_up relocation

add-period proposes a new campaign's id from its heading (helpers.intake.proposals). The reviewer
renames it once, and the rename reaches every row that names it: the period's figures.csv (campaign,
and the figure ids `old.*` become `new.*`), the campaign's row in data/reference/campaigns.csv, and
the glossary's rows of the campaign (its Chinese name lives only there) and its figures (and any
relations.csv or targets.csv row added for the period, with its glossary row). Renaming it to a campaign that exists files its figures under that one (the
proposed campaign's own rows are removed). Only a campaign the period introduced can be renamed
(its campaigns.csv row has since = the period, and no earlier period uses it): an established id
is part of the published months. The folder is then sealed again with `seal`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import Layout, earlier_raw_periods
from ..io.rawdata import TRANSCRIPTION_COLUMNS, check_own_files
from ..io.readers import read_csv_strict
from ..io.reference import read_rows, write_rows
from ..io.writers import write_rows as write_transcription
from .seal import Say, check_reference, say_out

ID = re.compile(r"^[a-z][a-z0-9_]*$")


def rename_campaign(period: str, old: str, new: str, layout: Layout, say: Say = say_out) -> int:
    """Rename campaign `old` to `new` in the period's rows; return how many rows changed. InputError
    when the period or the campaign cannot be found, `new` is no id, `old` is not the period's own, or
    a file it would rewrite is a link to one elsewhere or a reference table cannot be read."""
    if not ID.match(new):
        raise InputError("rename-campaign", f"{new!r} is not a campaign id",
                         expected="lower-case letters, digits and _, starting with a letter (relocation)")
    folder = layout.raw_period(period)
    figures_path = folder / "figures.csv"
    if not figures_path.is_file():
        raise InputError(folder, f"no transcription for period {period}",
                         fix="Create the period with `shaoyang-report add-period REPORT.txt`")
    check_own_files(folder, f"data/raw/{period}/")  # rewritten in place: never a file elsewhere
    check_reference(layout, period)
    campaigns_path = layout.reference / "campaigns.csv"
    header, campaigns = read_rows(campaigns_path)
    own = [row for row in campaigns if row["campaign"] == old]
    if not own or any(row.get("since") != period for row in own):
        raise InputError(campaigns_path, f"campaign {old!r} was not added for {period}", field="campaign",
                         expected=f"a campaign whose row has since = {period} (one add-period proposed)",
                         fix="An established campaign keeps its id; to file figures elsewhere, edit their rows")
    for earlier in earlier_raw_periods(layout.raw, period):
        _, rows, _ = read_csv_strict(layout.raw_period(earlier) / "figures.csv", ["campaign"], allow_empty=True)
        if any(row["campaign"] == old for row in rows):
            raise InputError(campaigns_path, f"campaign {old!r} is used by {earlier} already", field="campaign",
                             fix="An established campaign keeps its id")
    exists = any(row["campaign"] == new for row in campaigns)

    def renamed(figure_id: str) -> str:
        return new + figure_id[len(old):] if figure_id.startswith(old + ".") else figure_id

    _, transcription, _ = read_csv_strict(figures_path, TRANSCRIPTION_COLUMNS[:1], allow_empty=True)
    count = 0
    for row in transcription:
        if row.get("campaign") == old:
            row["campaign"], row["figure_id"] = new, renamed(row["figure_id"])
            count += 1
    taken = [row["figure_id"] for row in transcription]
    clash = sorted({f for f in taken if taken.count(f) > 1})
    if clash:
        raise InputError(figures_path, f"the rename would give two figures the id {clash[0]}", field="figure_id",
                         fix="Rename one of them in figures.csv first, then run rename-campaign again")
    write_transcription(figures_path, TRANSCRIPTION_COLUMNS, transcription)
    kept = [row for row in campaigns if not (row["campaign"] == old and exists)]
    for row in kept:
        if row["campaign"] == old:
            row["campaign"] = new
    write_rows(campaigns_path, header, kept)
    count += len(own)
    count += _rename_in_reference(layout.reference / "glossary.csv", period, old, new, exists, renamed)
    for name, columns in (("relations.csv", ("relation_id", "reported", "operands")),
                          ("targets.csv", ("target_id", "campaign", "target", "achieved", "reported_rate"))):
        count += _rename_ids(layout.reference / name, period, old, new, columns)
    say(f"renamed campaign {old} to {new}{' (an existing campaign: its figures are filed under it)' if exists else ''}"
        f" in {count} row(s) of figures.csv and data/reference/. Seal the folder again: "
        f"`shaoyang-report seal --period {period}`")
    return count


def _rename_in_reference(path: Path, period: str, old: str, new: str, exists: bool, renamed) -> int:
    """The glossary: the campaign's row, which holds its name (dropped when `new` exists and has one),
    its figures' rows, and the rows of relations and targets added for the period that name it (their
    id, and the {figure_id} placeholders of a relation's description in every language)."""
    header, rows = read_rows(path)
    named = {(row["kind"], row["id"]) for row in rows}
    pattern = _id_pattern(old)
    out, count = [], 0
    for row in rows:
        if row.get("since") == period and row["kind"] == "campaign" and row["id"] == old:
            count += 1
            if exists and ("campaign", new) in named:
                continue
            row = dict(row, id=new)
        elif row.get("since") == period and row["kind"] == "figure" and row["id"].startswith(old + "."):
            row, count = dict(row, id=renamed(row["id"])), count + 1
        elif row.get("since") == period and row["kind"] in ("relation", "target"):
            before = row
            row = {column: pattern.sub(new, value) if column not in ("kind", "reference", "note", "since", "until")
                   and value else value for column, value in row.items()}
            count += row != before
        out.append(row)
    if count:
        write_rows(path, header, out)
    return count


def _rename_ids(path: Path, period: str, old: str, new: str, columns: tuple[str, ...]) -> int:
    """Rows added for the period (since = period) that name the campaign or its figures."""
    if not path.is_file():
        return 0
    header, rows = read_rows(path)
    pattern = _id_pattern(old)
    count = 0
    for row in rows:
        if row.get("since") != period:
            continue
        before = dict(row)
        for column in columns:
            if column in row:
                row[column] = pattern.sub(new, row[column])
        count += row != before
    if count:
        write_rows(path, header, rows)
    return count


def _id_pattern(old: str) -> re.Pattern:
    """`old` as a campaign id or the campaign part of a figure id, in a cell or a {placeholder}."""
    return re.compile(rf"(?<![\w.]){re.escape(old)}(?=\.|$|\||\}})")
