"""`seal`: record a period's checksums after a review edit, and say whether its folder builds.

    shaoyang-report seal --period YYYY-MM

`seal_period` first refuses what would make its record meaningless (`check_reference`, and
`check_own_files` on the period's folder): a file under data/raw/<period>/ or data/reference/ that
is a link to a file elsewhere, or a reference table that cannot be read (another encoding, a row
cut short). It then records every file's sha256 in source.yml after a review edit (only the sha256
lines change, so comments and order survive: helpers.intake.sidecar), says which files changed,
keeps the reference rows added for the period in step with its figures (a glossary row for each new
id, the other languages to translate; none left for an id the review removed: `sync_reference`), and checks
that the folder will build. `folder_problems` is that check, which add-period runs on
the folder it drafts too: the runner's checks of a raw folder, the cleaning stage's, and campaigns
missing from data/reference/campaigns.csv. It never says a folder passes whose text is not this
bureau's report for the period unless source.yml records that this was accepted
(`unrecorded_mismatches`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..audit.clean import clean_period
from ..io.errors import InputError, InputErrors
from ..io.paths import Layout, earlier_raw_periods
from ..io.rawdata import SIDECAR, check_own_files, open_period, parse_sidecar, read_report, read_sidecar
from ..io.readers import read_csv_strict, read_utf8
from ..io.reference import read_reference, read_rows
from ..io.writers import write_text
from .guesses import load_campaigns
from .header import read_header, source_mismatches
from .proposals import apply_rows, first_printed, needed_rows, translations_wanted, unused_rows
from .sidecar import checksums_of, folder_files, recorded_checksums, seal_text

Say = Callable[[str], None]


def say_out(message: str) -> None:
    """Print a line of progress at once (add-period and seal talk to the analyst on stdout)."""
    print(message, flush=True)


def folder_problems(folder: Path, period: str, layout: Layout, also_known: set = frozenset()) -> list[str]:
    """What stops the folder from building: the runner's checks, the cleaning stage's checks, and
    campaigns with no row of data/reference/campaigns.csv that applies to the period (`also_known`:
    campaigns about to be added). Empty when it builds."""
    try:
        source, _ = open_period(folder, period)
        figures, _ = clean_period(folder, source)
    except InputErrors as exc:
        return [error.message for error in exc.errors]
    except InputError as exc:
        return [exc.message]
    path = layout.reference / "campaigns.csv"
    names = load_campaigns(path, period)
    known = set(names) | set(also_known)
    problems = []
    for campaign in sorted(set(figures["campaign"]) - known) if known else ():
        first = figures[figures["campaign"] == campaign].iloc[0]["figure_id"]
        columns = ", ".join(f"{name} ({CAMPAIGN_COLUMNS.get(name, 'may be left empty')})"
                            for name in read_rows(path)[0])
        problems.append(f"campaign {campaign!r} (figure {first}) has no row in {path} that applies to {period}: "
                        f"add one with {columns}, and its Chinese name, a heading on the public page, in a row of "
                        f"{layout.reference / 'glossary.csv'}: campaign,{campaign},<Chinese name>,,,,to translate,"
                        f"{period},; or file the figure under a known campaign "
                        f"(`shaoyang-report rename-campaign --period {period} {campaign} <known campaign>`)")
    for campaign in sorted(set(figures["campaign"]) & {c for c, name in names.items() if not name.strip()}):
        problems.append(f"campaign {campaign!r} has no Chinese name in {layout.reference / 'glossary.csv'} that "
                        f"applies to {period} (a campaign's name is said only there): add the row "
                        f"campaign,{campaign},<Chinese name>,,,,to translate,{period},")
    return problems


def check_reference(layout: Layout, period: str) -> None:
    """Refuse reference tables a run could not read for `period`: a file under data/reference/ that is a
    link to one elsewhere (or has other hard links), or a table that is not UTF-8, is cut short, or
    has rows whose periods overlap. InputError naming the file and line."""
    check_own_files(layout.reference, "data/reference/")
    for path in sorted(layout.reference.glob("*.csv")):
        read_reference(path, [], period, allow_empty=True)


def unrecorded_mismatches(folder: Path, period: str) -> list[str]:
    """The ways the folder's text is not this bureau's report for `period` (helpers.intake.header) that
    its source.yml does not record as accepted (`accepted_mismatch`), each as a line that says what
    to do. Empty when there are none, or when the text or sidecar cannot be read (named elsewhere)."""
    try:
        _, text = read_report(Path(folder) / "report.txt")
        recorded = read_sidecar(folder).get("accepted_mismatch")
    except InputError:
        return []
    recorded = recorded if isinstance(recorded, dict) else {}
    found = source_mismatches(read_header(text.removeprefix("\ufeff")), period)
    return [f"{Path(folder) / 'report.txt'}: not this bureau's report for {period}: {words}, and {SIDECAR} records "
            f"no accepted mismatch of its {kind}. If it is the right text all the same, record it in {SIDECAR} "
            f"(accepted_mismatch: with a line `{kind}: …`, as add-period --accept-mismatch writes it); otherwise "
            f"replace the folder with the right text" for kind, words in found.items() if kind not in recorded]


# What each column of campaigns.csv takes, for the message that asks for a row.
CAMPAIGN_COLUMNS = {"campaign": "the id", "order": "its place among the campaigns", "since": "the first period that reports it",
                    "until": "empty"}


def sync_reference(period: str, layout: Layout, say: Say = say_out) -> None:
    """Keep the reference rows added for `period` in step with its figures.csv: a glossary row (Chinese
    filled in, the other languages to translate, since = the period) for each figure and campaign id that lacks
    one, and none left for an id the review removed or renamed (helpers.intake.proposals)."""
    _, figures, _ = read_csv_strict(layout.raw_period(period) / "figures.csv", ["figure_id", "campaign", "label"],
                                    allow_empty=True)
    later = [name for name in earlier_raw_periods(layout.raw, "9999-12") if name >= period]
    used_figures, used_campaigns = set(), set()
    for name in later:
        try:
            _, rows, _ = read_csv_strict(layout.raw_period(name) / "figures.csv", ["figure_id", "campaign"],
                                         allow_empty=True)
        except InputError:
            continue
        used_figures |= {row["figure_id"] for row in rows}
        used_campaigns |= {row["campaign"] for row in rows}
    rows = needed_rows(figures, period, layout.reference, first_seen=first_printed(layout.raw, period))
    rows.removed = unused_rows(period, layout.reference, used_campaigns, used_figures).removed
    if rows:
        apply_rows(layout.reference, rows)
        added = [f"{row['kind']} {row['id']}" for row in rows.glossary]
        relabelled = [f"{kind} {id}" for kind, id in rows.relabelled]
        say("  data/reference/glossary.csv  " + "; ".join(
            part for part in (f"added {', '.join(added)} ({translations_wanted()})" if added else "",
                              f"Chinese of {', '.join(relabelled)} set to the reviewed label" if relabelled else "",
                              f"removed {', '.join(rows.removed)} (no longer used)" if rows.removed else "") if part))


def seal_period(period: str, layout: Layout, include_report: bool = False, say: Say = say_out) -> bool:
    """Record every file's sha256 in data/raw/<period>/source.yml; return whether the folder builds.

    Raises InputError, and writes nothing, when the folder or its sidecar is missing or unreadable,
    when a file of the folder or of data/reference/ is a link to one elsewhere, when a reference table
    cannot be read (`check_reference`), or when report.txt changed and `include_report` is not set
    (the text must stay exactly as published). Returns False when the folder does not build yet, or
    when its text is not this bureau's report for the period and source.yml does not record that
    this was accepted.
    """
    folder = layout.raw_period(period)
    sidecar = folder / SIDECAR
    if not folder.is_dir():
        raise InputError(folder, f"no folder for period {period}",
                         fix="Create it with `shaoyang-report add-period REPORT.txt`")
    if not sidecar.is_file():
        raise InputError(sidecar, "no source sidecar to record checksums in",
                         fix="add-period writes one; see data/raw/README.md for its fields")
    check_own_files(folder, f"data/raw/{period}/")  # a checksum of a link would seal content from elsewhere
    check_reference(layout, period)
    text = read_utf8(sidecar)
    recorded = recorded_checksums(parse_sidecar(text, sidecar))
    names = folder_files(folder)
    current = checksums_of(folder, names)
    changed = {name: current[name] for name in names if recorded.get(name) != current[name]}
    if "report.txt" in changed and recorded.get("report.txt") and not include_report:
        raise InputError(folder / "report.txt", "the report text changed since it was recorded",
                         expected="report.txt to stay exactly as published",
                         fix="Restore it (git checkout -- <file>); if you replaced it with a corrected capture "
                             "on purpose, run seal again with --include-report")
    width = max(len(name) for name in names) if names else 10
    for name in names:
        if name not in changed:
            say(f"  {name:<{width}}  unchanged")
        elif recorded.get(name):
            say(f"  {name:<{width}}  changed: {recorded[name][:12]}… -> {current[name][:12]}…")
        else:
            say(f"  {name:<{width}}  recorded: {current[name][:12]}…")
    for name in sorted(set(recorded) - set(names)):
        say(f"  {name:<{width}}  listed in {SIDECAR} but not in the folder (left as it is)")
    if changed:
        try:
            write_text(sidecar, seal_text(text, changed))
        except ValueError as exc:
            raise InputError(sidecar, str(exc), field="files") from None
        say(f"sealed {period}: {len(changed)} checksum(s) recorded in {sidecar}")
    else:
        say(f"sealed {period}: nothing changed")
    sync_reference(period, layout, say)
    problems = folder_problems(folder, period, layout)
    if problems:
        return _refused(f"{period} does not build yet ({len(problems)} problem(s)):", problems,
                        f"Fix them, then run `shaoyang-report seal --period {period}` again.", say)
    mismatched = unrecorded_mismatches(folder, period)
    if mismatched:
        return _refused(f"{period} builds, but its text is not this bureau's report for {period}:", mismatched,
                        f"Then run `shaoyang-report seal --period {period}` again.", say)
    say(f"{period} passes the cleaning checks: build it with `make report PERIOD={period}`")
    return True


def _refused(heading: str, problems: list[str], then: str, say) -> bool:
    """Say why a folder is not sealed as passing: a heading, each problem, what to do next."""
    say(heading)
    for problem in problems:
        say(f"  - {problem}")
    say(then)
    return False
