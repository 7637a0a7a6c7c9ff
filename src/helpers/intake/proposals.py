"""What add-period proposes for what a new month brings, so that the review confirms instead of types.

- A new campaign (a section whose heading names no known campaign): its Chinese name from the
  heading (巩固易地扶贫搬迁后续扶持成果 -> 易地扶贫搬迁后续扶持) and an id made of the words the
  project's ids use (relocation_follow_up); the reviewer renames it once, everywhere, with
  `shaoyang-report rename-campaign` (helpers.intake.rename).
- A new figure's metric: the words of its label the project's ids use, then the metric word of its
  unit (monitored_persons, employed_rate, prepared_share, resettled_households), never new_count.
- The reference rows the period needs (`needed_rows`): a campaigns.csv row for each new
  campaign (its id, order and since: no name), and a glossary row for each new campaign and each
  figure id the glossary lacks, the Chinese filled in (the one place a name is said) and the
  the other editions' names left to translate. Each carries since = the period, so that it
  changes no earlier month (data/reference/README.md). A missing translated name blocks nothing:
  that edition's page shows the Chinese with a note until it is filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..io.reference import append_rows, read_reference, read_rows, write_rows
from ..io.schemas import GLOSSARY
from .vocabulary import (GENERIC_HEADING_WORDS, HEADING_CLOSERS, HEADING_OPENERS, ID_WORDS, MONEY_WORDS,
                         SHARE_WORDS, UNIT_METRIC_WORDS)

CAMPAIGNS, GLOSSARY_FILE = "campaigns.csv", "glossary.csv"
MAX_ID_WORDS = 2  # words of a proposed id before its unit word: relocation_follow_up, labour_employed_persons


def to_translate(period: str) -> str:
    """The glossary note of a row whose names in the other editions' languages are still to be written."""
    return f"to translate (added for {period} by add-period)"


def translations() -> tuple[str, ...]:
    """The languages a new name is left to translate into: every edition but the source's (en, and
    fr once a French catalogue is added: publish/edition.py)."""
    from ..publish.edition import editions, is_source

    return tuple(language for language in editions() if not is_source(language))


def translations_wanted() -> str:
    """How the sheet and the messages say what is left to translate: 'en to translate', 'en, fr to translate'."""
    return f"{', '.join(translations()) or 'nothing'} to translate"


def untranslated(row: dict) -> bool:
    """A glossary row none of whose other languages has a name yet."""
    return not any(row.get(language) for language in translations())


def is_to_translate(note: str) -> bool:
    return str(note).startswith("to translate")


# ---- Words -------------------------------------------------------------------------------------

def id_words(chinese: str) -> list[str]:
    """The id words of a Chinese phrase, in the order they stand in it, each once (ID_WORDS, longest
    first; a word inside a longer one already taken is skipped): 搬迁劳动力中已就业人数 ->
    relocation, labour, employed."""
    taken: list[tuple[int, int, str]] = []
    for word in sorted(ID_WORDS, key=len, reverse=True):
        for match in re.finditer(re.escape(word), chinese):
            if any(start < match.end() and match.start() < end for start, end, _ in taken):
                continue
            taken.append((match.start(), match.end(), ID_WORDS[word]))
    words = []
    for _, _, english in sorted(taken):
        if english and english not in words:
            words.append(english)
    return words


def campaign_name(heading: str) -> str:
    """A campaign's Chinese name from its section's heading, without the verbs that open it and the
    nouns that close it: 巩固易地扶贫搬迁后续扶持成果 -> 易地扶贫搬迁后续扶持."""
    name = heading.strip().split("。")[0].split("，")[0].split(",")[0]
    name = HEADING_CLOSERS.sub("", HEADING_OPENERS.sub("", name))
    return name or heading.strip()


def campaign_id(heading: str, section: str, taken) -> str:
    """A proposed id for a new campaign: the id words of its name (at most MAX_ID_WORDS), else
    campaign_<section>; never one already taken."""
    words = id_words(GENERIC_HEADING_WORDS.sub("", campaign_name(heading)))[:MAX_ID_WORDS]
    base = "_".join(words) or f"campaign_{section or 'new'}"
    return _free(base, set(taken))


def metric_id(label: str, base_unit: str, unit: str, campaign: str, taken) -> str:
    """A proposed metric for a new figure: the id words of its label (those not already in its
    campaign's id), then its unit's metric word: _households, _persons, _yuan (unless a word says
    money already), _share or _rate for a percentage; a count ends in what it counts."""
    own = set(campaign.split("_"))
    words = [w for w in id_words(label) if not set(w.split("_")) <= own][:MAX_ID_WORDS]
    if base_unit == "percent":
        last = "share" if SHARE_WORDS.search(label) else "rate"
    elif base_unit == "yuan":
        money = [w for w in id_words(label) if w in MONEY_WORDS]  # the word that says what the money is
        words, last = ([w for w in words if w not in MONEY_WORDS][:MAX_ID_WORDS - 1] + money[:1], "") if money \
            else (words, "yuan")
    elif base_unit == "count":
        last = "" if words else "count"
    else:
        last = UNIT_METRIC_WORDS.get(base_unit, "")
    parts = words + ([last] if last and last not in words else [])
    return _free("_".join(parts) or base_unit or "figure", set(taken))


def _free(base: str, taken: set) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


# ---- The reference rows a period needs ---------------------------------------------------------

@dataclass
class ReferenceRows:
    """Rows add-period (or seal) adds to data/reference/ for one period, and rows it removed."""

    campaigns: list[dict] = field(default_factory=list)
    glossary: list[dict] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # 'glossary.csv: figure x.y', …
    relabelled: dict = field(default_factory=dict)  # (kind, id) -> Chinese, for rows still to translate

    def __bool__(self) -> bool:
        return bool(self.campaigns or self.glossary or self.removed or self.relabelled)


NAME = "name_zh"  # a proposed campaign's Chinese name: it goes to the glossary, not to campaigns.csv


def new_campaign_row(campaign: str, name: str, period: str, reference_dir: Path) -> dict:
    """A campaign new this period: its campaigns.csv row (after every other in the page's order), and
    under `name_zh` its Chinese name, which `needed_rows` writes into its glossary row instead."""
    _, rows = read_rows(Path(reference_dir) / CAMPAIGNS)
    orders = [int(row["order"]) for row in rows if str(row.get("order", "")).strip().isdigit()]
    return {"campaign": campaign, NAME: name, "order": str(max(orders, default=0) + 1), "since": period}


def needed_rows(figures: list[dict], period: str, reference_dir: Path, campaigns: list[dict] = (),
                first_seen: dict | None = None) -> ReferenceRows:
    """The rows the period needs and data/reference/ lacks: `campaigns` (new_campaign_row's) whose id
    has no row that applies to the period, as campaigns.csv rows without their name, and a glossary
    row for each of them and for each figure id of `figures` that has none (Chinese from the
    campaign's proposed name or the figure's label, the other languages to translate). Each row has since = the
    period, or the earlier period an id was first printed in (`first_seen`: id -> period), so that
    the months that print it read it too."""
    reference_dir = Path(reference_dir)
    known = {row["campaign"] for row in read_reference(reference_dir / CAMPAIGNS, ["campaign"], period).rows}
    proposed: dict[str, str] = {}  # a new campaign's id -> its Chinese name, for its glossary row
    result = ReferenceRows()
    for row in campaigns:
        if row["campaign"] not in known:
            result.campaigns.append({name: value for name, value in row.items() if name != NAME})
            known.add(row["campaign"])
            proposed[row["campaign"]] = row.get(NAME, "")
    glossary = read_reference(reference_dir / GLOSSARY_FILE, GLOSSARY, period).rows
    named = {(row["kind"], row["id"]) for row in glossary}
    labels = {figure.get("figure_id"): figure.get("label", "") for figure in figures}
    # A row still to translate follows the label the review gave its figure (its Chinese is what the
    # translator will read); one with a translated name keeps the words it was translated from.
    result.relabelled = {("figure", row["id"]): labels[row["id"]] for row in glossary
                         if row["kind"] == "figure" and row["id"] in labels and labels[row["id"]]
                         and untranslated(row) and is_to_translate(row["note"]) and row["zh"] != labels[row["id"]]}
    note = to_translate(period)

    def name_campaign(campaign: str) -> None:
        if ("campaign", campaign) not in named:
            named.add(("campaign", campaign))
            result.glossary.append({"kind": "campaign", "id": campaign, "zh": proposed[campaign], "note": note,
                                    "since": min(period, (first_seen or {}).get(campaign, period))})

    for figure in figures:
        campaign = figure.get("campaign", "")
        if campaign in proposed:
            name_campaign(campaign)
        if figure.get("figure_id") and ("figure", figure["figure_id"]) not in named:
            named.add(("figure", figure["figure_id"]))
            result.glossary.append({"kind": "figure", "id": figure["figure_id"], "zh": figure.get("label", ""),
                                    "note": note, "since": min(period, (first_seen or {}).get(figure["figure_id"],
                                                                                            period))})
    for campaign in proposed:  # a new campaign no figure is filed under yet still has its name
        name_campaign(campaign)
    return result


def first_printed(raw_root: Path, before: str) -> dict[str, str]:
    """Each figure id and campaign printed before period `before`, with the first period that prints it."""
    from ..io.paths import earlier_raw_periods
    from ..io.readers import read_csv_strict
    from ..io.errors import InputError

    seen: dict[str, str] = {}
    for name in earlier_raw_periods(raw_root, before):
        try:
            _, rows, _ = read_csv_strict(Path(raw_root) / name / "figures.csv", ["figure_id", "campaign"],
                                         allow_empty=True)
        except InputError:
            continue
        for row in rows:
            seen.setdefault(row["figure_id"], name)
            seen.setdefault(row["campaign"], name)
    return seen


def unused_rows(period: str, reference_dir: Path, used_campaigns: set, used_figures: set) -> ReferenceRows:
    """Rows added for `period` (since = period) that nothing uses any more: a proposed campaign the
    reviewer filed elsewhere, the glossary row of a proposed id the reviewer changed. Only rows of
    the period's own proposals: since = the period, and a glossary row still to translate."""
    result = ReferenceRows()
    _, campaigns = read_rows(Path(reference_dir) / CAMPAIGNS)
    for row in campaigns:
        if row.get("since") == period and row["campaign"] not in used_campaigns:
            result.removed.append(f"{CAMPAIGNS}: campaign {row['campaign']}")
    _, glossary = read_rows(Path(reference_dir) / GLOSSARY_FILE)
    for row in glossary:
        if row.get("since") == period and is_to_translate(row.get("note", "")) and untranslated(row) and (
                (row["kind"] == "figure" and row["id"] not in used_figures)
                or (row["kind"] == "campaign" and row["id"] not in used_campaigns)):
            result.removed.append(f"{GLOSSARY_FILE}: {row['kind']} {row['id']}")
    return result


def apply_rows(reference_dir: Path, rows: ReferenceRows) -> None:
    """Write `rows` into data/reference/: add the new rows, remove the unused ones."""
    reference_dir = Path(reference_dir)
    if rows.campaigns:
        append_rows(reference_dir / CAMPAIGNS, rows.campaigns)
    if rows.glossary:
        append_rows(reference_dir / GLOSSARY_FILE, rows.glossary)
    gone = set(rows.removed)
    if rows.relabelled:
        header, existing = read_rows(reference_dir / GLOSSARY_FILE)
        for row in existing:
            if (row["kind"], row["id"]) in rows.relabelled and untranslated(row) and is_to_translate(row.get("note", "")):
                row["zh"] = rows.relabelled[row["kind"], row["id"]]
        write_rows(reference_dir / GLOSSARY_FILE, header, existing)
    if not gone:
        return
    for name, describe in ((CAMPAIGNS, lambda row: f"campaign {row['campaign']}"),
                           (GLOSSARY_FILE, lambda row: f"{row['kind']} {row['id']}")):
        header, existing = read_rows(reference_dir / name)
        kept = [row for row in existing if not (row.get("since") and f"{name}: {describe(row)}" in gone)]
        if len(kept) != len(existing):
            write_rows(reference_dir / name, header, kept)
