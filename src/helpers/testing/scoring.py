"""How far a drafted transcription is from a month's truth: the fields a reviewer must still edit.

    from helpers.testing import months, scoring
    month = months.november()
    scoring.review(month, carry_over(...).figures).fields_to_edit   # 0: nothing left to type

Used by the carry-over's tests and by benchmarks/carry_over.py, which counts the edits per month.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..io.paths import Period
from ..text.numbers import locate_value, resolve_as_of
from .months import Month

# The fields a reviewer may have to edit in a figures.csv row. `place` stands for quote and
# occurrence together: right when they point at the same number of the text as the truth's
# (any verbatim quote that holds it will do). `as_of` is right when it resolves to the same day.
REVIEW_FIELDS = ("figure_id", "section", "campaign", "metric", "label", "kind", "value", "unit", "qualifier",
                 "as_of", "place", "note")


@dataclass
class Review:
    """What a reviewer must still change to turn a drafted transcription into the month's truth."""

    edits: dict  # field -> number of rows where it must be edited
    missing: list[str]  # truth figures the draft lacks (each a whole row to type)
    extra: list[str]  # drafted figures that are not figures (each a row to delete)
    carried_right: int  # last month's figures still printed that kept their id with no edit
    carried: int
    differences: list[tuple[str, str, str, str]]  # (figure id, field, drafted, truth)

    @property
    def fields_to_edit(self) -> int:
        """Every field edit, a missing row counting as all its fields, an extra row as one."""
        return sum(self.edits.values()) + len(self.missing) * len(REVIEW_FIELDS) + len(self.extra)

    @property
    def carried_share(self) -> float:
        return self.carried_right / self.carried if self.carried else 1.0


def figure_position(text: str, row: dict) -> int | None:
    quote_start = text.find(row["quote"])
    if quote_start < 0:
        return None
    offset = locate_value(row["quote"], row["value"], int(row.get("occurrence") or 1))
    return None if offset is None else quote_start + offset


def review(month: Month, figures: list[dict]) -> Review:
    """Compare drafted figures.csv rows with `month`'s truth, number by number."""
    period_end = Period(month.period).end

    def as_of_day(printed: str):
        try:
            return resolve_as_of(printed, period_end.year, period_end)
        except ValueError:
            return printed

    drafted = {figure_position(month.text, row): row for row in figures}
    truth = {figure_position(month.text, row): row for row in month.figures}
    edits = dict.fromkeys(REVIEW_FIELDS, 0)
    differences, missing, right = [], [], 0
    carried = set(month.carried)
    for position, expected in truth.items():
        row = drafted.get(position)
        if row is None:
            missing.append(expected["figure_id"])
            continue
        for name in REVIEW_FIELDS:
            if name == "place":
                continue  # the row was found at the truth's position
            mine, theirs = row.get(name, ""), expected.get(name, "")
            same = as_of_day(mine) == as_of_day(theirs) if name == "as_of" else mine == theirs
            if not same:
                edits[name] += 1
                differences.append((expected["figure_id"], name, mine, theirs))
        if expected["figure_id"] in carried and row.get("figure_id") == expected["figure_id"]:
            right += 1
    extra = [row["figure_id"] for position, row in drafted.items() if position not in truth]
    return Review(edits, missing, extra, right, len(carried), differences)
