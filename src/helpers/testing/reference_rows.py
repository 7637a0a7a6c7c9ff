"""Reference rows an analyst adds for a later month, written into a test's temporary copy of
data/reference/ (never into the repository's): a new campaign, its glossary rows, a relabelled target.

    grow_for_december(layout.reference)   # December's rows, each with since = 2021-12
"""

from __future__ import annotations

from pathlib import Path

from ..io.reference import append_rows, read_rows, write_rows

DECEMBER = "2021-12"
TO_TRANSLATE = f"to translate (added by add-period for {DECEMBER})"


def previous_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def relabel(path: Path, match: dict, changes: dict, since: str) -> None:
    """A row that changes from `since` on: the row matching `match` ends the period before, and a
    copy with `changes` starts at `since` (data/reference/README.md)."""
    header, rows = read_rows(path)
    out = []
    for row in rows:
        if all(row.get(key) == value for key, value in match.items()):
            out += [dict(row, until=previous_period(since)), dict(row, **changes, since=since, until="")]
        else:
            out.append(row)
    write_rows(path, header, out)


def grow_for_december(reference: Path) -> None:
    """What an analyst adds for a December that brings a new campaign and relabels a target: the
    campaign's row and glossary rows (its name, since 2021-12), and the toilets target's label changed
    from 2021-12 on (in the glossary, the one place a label is said)."""
    append_rows(reference / "campaigns.csv", [{"campaign": "relocation", "order": "13", "since": DECEMBER}])
    relabel(reference / "glossary.csv", {"kind": "target", "id": "toilets"},
            {"zh": "农村户厕改造户数", "en": "Household toilets renovated"}, DECEMBER)
    append_rows(reference / "glossary.csv", [
        {"kind": "campaign", "id": "relocation", "zh": "易地扶贫搬迁后续扶持", "note": TO_TRANSLATE, "since": DECEMBER},
        {"kind": "figure", "id": "relocation.households", "zh": "搬迁户数", "note": TO_TRANSLATE, "since": DECEMBER}])


def campaigns_for(month) -> dict[str, str]:
    """The campaigns (id -> Chinese name) an analyst adding `month` (helpers.testing.months) has: those
    of the base period's reference rows, and those the months between added. Whatever later months
    the repository holds, a test of the carry-over then sees the reference as the month's analyst did."""
    from ..intake.guesses import load_campaigns
    from . import PERIOD, REFERENCE

    known = load_campaigns(REFERENCE / "campaigns.csv", PERIOD)
    for row in (month.base.all_campaigns() if month.base is not None else []):
        known[row["campaign"]] = row["name_zh"]
    return known


def reference_as_of(reference_dir: Path, period: str) -> None:
    """Rewrite a copy of data/reference/ as it stood when `period` was the latest month: rows that
    apply from a later period removed, rows that ended at or after `period` still applying. A test's
    temporary layout then holds no later month's campaign, relation or name."""
    for path in sorted(Path(reference_dir).glob("*.csv")):
        header, rows = read_rows(path)
        if "since" not in header:
            continue
        kept = [dict(row, until="" if row.get("until", "") >= period else row.get("until", ""))
                for row in rows if not (row.get("since") and row["since"] > period)]
        if kept != rows:
            write_rows(path, header, kept)
