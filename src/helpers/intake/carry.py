"""Carry last month's transcription over to a new month's text.

The bureau's months share one template: most numbers of a new report stand where last month's
stood, with new values. `carry_over` finds, for every number of the new text, the number of last
month's text that stood in the same place, and lets it keep what the analyst decided about it:

- a figure keeps figure_id, campaign, metric, label, kind and note; its value, unit, qualifier,
  as-of, quote, occurrence and section are read afresh from the new text (the unit the analyst
  chose is kept while the text still prints it);
- a number that was not a figure keeps its reason, with the words it quotes from last month's
  text read again in this month's ("as-of date (截至10月25日)" -> "as-of date (截至11月25日)").

Places are matched by helpers.intake.matching, never by the numbers themselves.

What the reviewer is told (see `Outcome`):
- carried: a confident match (score >= CARRY_SCORE, a clear margin, and last month's and this
  month's readings agree on whether it is a figure); `checks` says what else changed (wording,
  unit, qualifier, as-of), an empty list means only the numbers changed;
- uncertain: the best match is weak or close to another, or the draft reads the number otherwise,
  or a count changes what it counts (个 -> 家: products -> enterprises); the figure is written with
  last month's id all the same, for the reviewer to confirm, with the alternative (a new figure's id);
- new: no place of last month, nor of an earlier month's figures last month did not print (a
  figure that returns after an absence keeps its old id), matches; the figure gets a proposed id
  in its campaign's namespace (helpers.intake.proposals), and a section that names no known
  campaign a proposed new campaign (`CarryOver.campaigns`);
- not found: last month's figures that no number of the new text matches (dropped, or reworded
  beyond recognition).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..text.numbers import CHINESE_DIGITS, locate_value, parse_printed_number, unit_follows
from ..text.segments import SPACES, full_sentence
from .classify import FIGURE
from .draft import DraftedNumber, draft_numbers
from .guesses import guess_campaign, load_campaigns
from .matching import CARRY_SCORE, CLOSEST_SCORE, MARGIN, Match, Place, Similarity, mask, match_places, places
from .proposals import campaign_id, campaign_name, metric_id
from .quantities import normalise_figure
from .wording import NUMBER_PATTERN, refresh, short as _short, wording_change  # noqa: F401 (re-exported)

CARRIED, UNCERTAIN, NEW, NOT_FOUND = "carried", "uncertain", "new", "not found"
KEPT_FIELDS = ("figure_id", "campaign", "metric", "label", "kind", "note")
# A count whose measure word changes (56家企业 -> 93个产品) may count something else: never carried silently.
KIND_CHANGE = "the unit changes kind"


@dataclass
class Outcome:
    """What became of one number of the new text, or of one of last month's figures."""

    status: str  # carried / uncertain / new (this month's numbers); not found (last month's)
    kind: str  # "figure" or "non_figure"
    row: dict  # the figures.csv or non_figures.csv row written (last month's, if not found)
    start: int | None  # the number's offset in this month's text
    previous: dict | None = None  # last month's row it carries
    score: float | None = None
    margin: float | None = None
    checks: list[str] = field(default_factory=list)  # what else changed, or why it is uncertain
    hints: list[str] = field(default_factory=list)  # the draft's notes on a new figure
    closest: tuple[str, float] | None = None  # not found: the closest number of the new text


@dataclass
class CarryOver:
    """A new month's transcription and what the reviewer needs to know about it."""

    period: str
    previous_period: str | None
    outcomes: list[Outcome]  # this month's numbers in text order, then last month's not found
    unlocated: list[dict]  # last month's rows that could not be found in last month's text
    campaigns: list[dict] = field(default_factory=list)  # proposed new campaigns: campaign, name_zh (for the glossary)

    def of(self, status: str, kind: str = "figure") -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status and o.kind == kind]

    @property
    def figures(self) -> list[dict]:
        return [o.row for o in self.outcomes if o.kind == "figure" and o.status != NOT_FOUND]

    @property
    def non_figures(self) -> list[dict]:
        return [o.row for o in self.outcomes if o.kind == "non_figure" and o.status != NOT_FOUND]


@dataclass(frozen=True)
class Month:
    """An earlier month's reviewed transcription, to carry from: its text, figures and non-figures."""

    period: str
    text: str
    figures: list[dict]
    non_figures: list[dict] = ()


def carry_over(text: str, period: str, previous_text: str | None = None, previous_period: str | None = None,
               previous_figures: list[dict] = (), previous_non_figures: list[dict] = (),
               campaigns: dict[str, str] | None = None, earlier: list[Month] = ()) -> CarryOver:
    """Transcribe `text` by carrying last month's transcription over (see the module docstring).

    Without a previous month every figure is new. `campaigns` (id -> Chinese name) lets the draft
    guess a new section's campaign; None reads data/reference/campaigns.csv's rows that apply to the
    period. `earlier` are the
    months before the previous one, newest first: a number no place of last month matches is
    matched against their figures that no later month printed (a figure returning after an absence).
    """
    if campaigns is None:
        campaigns = load_campaigns(period=period)
    numbers = draft_numbers(text, period, campaigns=campaigns)
    by_start = {number.start: number for number in numbers}
    old_rows: dict[int, tuple[str, dict]] = {}
    unlocated: list[dict] = []
    old_by_start: dict[int, DraftedNumber] = {}
    matches: list[Match] = []
    similarity = Similarity()
    old_places: list[Place] = []
    new_places = places(text, numbers)
    if previous_text is not None:
        old_numbers = draft_numbers(previous_text, previous_period, campaigns={})
        old_by_start = {number.start: number for number in old_numbers}
        old_rows, unlocated = _locate(previous_text, old_by_start, previous_figures, previous_non_figures)
        status = {start: ("figure" if kind == "figure" else "not-figure") for start, (kind, _) in old_rows.items()}
        old_places = places(previous_text, old_numbers, status)
        matches = match_places(old_places, new_places, similarity)
    matched = {m.new: m for m in matches}
    printed_since = {row.get("figure_id", "") for row in previous_figures}
    returning = _returning(text, by_start, [p for p in new_places if p.start not in matched], earlier,
                           printed_since, previous_period, similarity)

    outcomes: list[Outcome] = []
    for number in numbers:
        match = matched.get(number.start)
        if match is not None:
            kind, previous = old_rows[match.old]
            outcomes.append(_carried(text, number, previous_text, old_by_start[match.old], kind, previous, match))
        else:
            outcomes.append(returning.get(number.start) or _new(text, number))
    proposed = _propose(outcomes, by_start, campaigns)

    # Last month's figures that nothing matched, each with the closest number left unmatched.
    taken = {m.old for m in matches}
    free = [p for p in new_places if p.start not in matched and p.start not in returning]
    for place in old_places:
        kind, previous = old_rows[place.start]
        if place.start in taken or kind != "figure":
            continue
        score, start = max(((similarity.score(place, p), p.start) for p in free), default=(0.0, None))
        closest = None
        if start is not None and score >= CLOSEST_SCORE:
            near = by_start[start]
            closest = (f"{near.quantity.value}{near.quantity.unit} in “{_short(text[near.quote_start:near.quote_end])}”",
                       round(score, 2))
        outcomes.append(Outcome(NOT_FOUND, "figure", dict(previous), None, previous=dict(previous), closest=closest))
    return CarryOver(period, previous_period, outcomes, unlocated, proposed)


def _returning(text: str, by_start: dict[int, DraftedNumber], free: list[Place], earlier: list[Month],
               printed_since: set, previous_period: str | None, similarity: Similarity) -> dict[int, Outcome]:
    """Numbers of the new text that stand where a figure of an earlier month stood, one that no
    month since printed (a budget last printed two months back): start -> its outcome, which keeps
    the old id and says since when the figure was missing."""
    found: dict[int, Outcome] = {}
    printed_since = set(printed_since)
    for month in earlier:
        absent = [row for row in month.figures if row.get("figure_id") not in printed_since]
        free = [place for place in free if place.start not in found]
        if absent and free:
            numbers = {number.start: number for number in draft_numbers(month.text, month.period, campaigns={})}
            rows, _ = _locate(month.text, numbers, absent, ())
            old_places = places(month.text, list(numbers.values()), {start: "figure" for start in rows})
            for match in match_places(old_places, free, similarity):
                kind, previous = rows[match.old]
                outcome = _carried(text, by_start[match.new], month.text, numbers[match.old], kind, previous, match)
                outcome.checks.append(f"returns after an absence: last printed in {month.period}"
                                      + (f", not in {previous_period}" if previous_period else ""))
                found[match.new] = outcome
        printed_since |= {row.get("figure_id", "") for row in month.figures}
    return found


def _locate(text: str, numbers: dict[int, DraftedNumber], figures, non_figures):
    """Last month's rows by the offset of their number in last month's text."""
    rows: dict[int, tuple[str, dict]] = {}
    unlocated = []
    for row in figures:
        quote_start = text.find(row.get("quote", "")) if row.get("quote") else -1
        occurrence = int(row["occurrence"]) if str(row.get("occurrence", "")).strip().isdigit() else 1
        offset = locate_value(row.get("quote", ""), row.get("value", ""), occurrence) if quote_start >= 0 else None
        start = quote_start + offset if offset is not None else None
        if start is None or start not in numbers:
            unlocated.append(dict(row))
            continue
        rows[start] = ("figure", dict(row))
    for row in non_figures:
        start = int(row["start"]) if str(row.get("start", "")).isdigit() else None
        if start is None or start not in numbers or start in rows:
            continue
        rows[start] = ("non_figure", dict(row))
    return rows, unlocated


def _carried(text: str, number: DraftedNumber, previous_text: str, old: DraftedNumber, kind: str,
             previous: dict, match: Match) -> Outcome:
    checks = []
    drafted = "figure" if number.status == FIGURE else "non_figure"
    if drafted != kind:
        checks.append("last month's transcription says it is a figure, the draft reads it as "
                      f"{number.reason or 'not a figure'}" if kind == "figure"
                      else "last month it was listed as not a figure, the draft reads it as a figure")
    if mask(text[slice(*full_sentence(text, number.start))]) != \
            mask(previous_text[slice(*full_sentence(previous_text, old.start))]):
        checks.append("wording changed: " + wording_change(previous_text, old.start, text, number.start))
    if kind == "figure":
        row, more = _carried_figure(text, number, previous_text, old, previous)
        checks += more
    else:
        row = _non_figure_row(text, number, refresh(previous.get("reason", ""), previous_text, old.start,
                                                    text, number.start))
    # A non-figure's reason is documentation: only a disagreement on what it is needs a person.
    weak = kind == "figure" and match.score < CARRY_SCORE
    close = kind == "figure" and match.margin < MARGIN
    if weak:
        checks.insert(0, f"weak match ({match.score:.2f})")
    elif close:
        checks.insert(0, f"another place fits almost as well (margin {match.margin:.2f})")
    uncertain = weak or close or drafted != kind or any(check.startswith(KIND_CHANGE) for check in checks)
    return Outcome(UNCERTAIN if uncertain else CARRIED, kind, row, number.start, previous=dict(previous),
                   score=match.score, margin=match.margin, checks=checks)


def _carried_figure(text: str, number: DraftedNumber, previous_text: str, old: DraftedNumber,
                    previous: dict) -> tuple[dict, list[str]]:
    quantity = number.quantity
    checks = []
    unit = previous.get("unit", "")
    if not unit_follows(text[number.start + len(quantity.value):], unit, quantity.qualifier, quantity.value):
        if changes_kind(unit, quantity.unit):
            checks.append(f"{KIND_CHANGE}: {unit} -> {quantity.unit}, so it may count something else "
                          f"(last month “{previous.get('label', '')}”)")
        elif quantity.unit != unit:
            checks.append(f"unit {unit} -> {quantity.unit}")
        unit = quantity.unit
    if quantity.qualifier != previous.get("qualifier", ""):
        checks.append(f"qualifier {previous.get('qualifier') or '(none)'} -> {quantity.qualifier or '(none)'}")
    as_of, note = number.as_of, previous.get("note", "")
    old_as_of = previous.get("as_of", "")
    if number.as_of_source and not old_as_of:
        as_of = ""  # last month the analyst did not take an as-of from another sentence either
    elif not number.as_of and old_as_of:
        if re.search(r"\d", old_as_of):
            checks.append(f"as-of: last month {old_as_of}, none found this month (the period end)")
        else:
            as_of = old_as_of  # 今年, 目前: a reading of the text that still holds
    if as_of != old_as_of and re.sub(NUMBER_PATTERN, "#", as_of) != re.sub(NUMBER_PATTERN, "#", old_as_of):
        checks.append(f"as-of {old_as_of or '(period end)'} -> {as_of or '(period end)'}")
    # A quote holding ；-joined clauses was the analyst's choice of the whole sentence.
    old_quote = previous.get("quote", "")
    whole = any(mark in old_quote for mark in ";；")
    quote_start, quote_end = full_sentence(text, number.start) if whole else (number.quote_start, number.quote_end)
    lead = old_quote[:len(old_quote) - len(old_quote.lstrip(SPACES))]  # "    五、…": the line's indent too
    if lead and text[max(0, quote_start - len(lead)):quote_start] == lead:
        quote_start -= len(lead)
    row = _figure_row(text, number, quote_start, quote_end, unit=unit, as_of=as_of,
                      note=refresh(note, previous_text, old.start, text, number.start))
    row.update({name: previous.get(name, "") for name in KEPT_FIELDS if name != "note"})
    return row, checks


def changes_kind(old_unit: str, new_unit: str) -> bool:
    """Whether two units count different things: both counts, with other measure words (个 -> 家).
    万人 -> 人 or 万元 -> 亿元 is the same quantity printed at another scale."""
    old_base, new_base = normalise_figure("1", old_unit)[1], normalise_figure("1", new_unit)[1]
    return old_base == new_base == "count" and old_unit.lstrip("万亿") != new_unit.lstrip("万亿")


def _figure_row(text: str, number: DraftedNumber, quote_start: int, quote_end: int, **values) -> dict:
    quote = text[quote_start:quote_end]
    value = number.quantity.value
    occurrence = next((k for k in range(1, 100) if locate_value(quote, value, k) == number.start - quote_start), 1)
    row = dict.fromkeys(("figure_id", "campaign", "metric", "label", "kind", "note"), "")
    row.update(section=number.section, value=value, unit=number.quantity.unit, qualifier=number.quantity.qualifier,
               as_of=number.as_of, quote=quote, occurrence="" if occurrence == 1 else str(occurrence))
    row.update(values)
    return row


def _non_figure_row(text: str, number: DraftedNumber, reason: str) -> dict:
    return {"start": str(number.start), "text": number.token.text, "reason": reason,
            "context": context_of(text, number.start, len(number.token.text))}


def context_of(text: str, start: int, length: int) -> str:
    """The non_figures.csv context: 8 characters either side, line ends as spaces."""
    return re.sub(r"\s", " ", text[max(0, start - 8):start + length + 8])


def _new(text: str, number: DraftedNumber) -> Outcome:
    if number.status != FIGURE:
        reason = number.reason if not number.note or number.note == number.reason else f"{number.reason} ({number.note})"
        return Outcome(NEW, "non_figure", _non_figure_row(text, number, reason), number.start)
    row = _figure_row(text, number, number.quote_start, number.quote_end, label=number.label, kind=number.kind,
                      note=number.as_of_source)
    hints = [hint for hint in number.note.split("; ") if hint]
    return Outcome(NEW, "figure", row, number.start, hints=hints)


def _propose(outcomes: list[Outcome], by_start: dict[int, DraftedNumber], campaigns: dict[str, str]) -> list[dict]:
    """Give each new figure a campaign, a kind and an id that builds: the campaign of the carried
    figures in its section (else the campaign its heading names, else the parent section's, unless
    the parent's items are campaigns of their own), the kind of a carried figure in its sentence
    when the draft has none, and `<campaign>.<metric>` (proposals.metric_id). A section that names no
    known campaign gets a proposed new one: returned as (campaign, name_zh), the id for campaigns.csv
    and the Chinese name for its glossary row (proposals.needed_rows)."""
    carried = [o for o in outcomes if o.kind == "figure" and o.status in (CARRIED, UNCERTAIN)]
    in_section: dict[str, Counter] = {}
    for outcome in carried:
        in_section.setdefault(outcome.row["section"], Counter())[outcome.row["campaign"]] += 1
    used = {o.row["figure_id"] for o in carried}
    proposed: dict[str, dict] = {}  # section -> the new campaign proposed for it
    for outcome in outcomes:
        if outcome.status != NEW or outcome.kind != "figure":
            continue
        number = by_start[outcome.start]
        section = number.section
        parent = section.split("(")[0]
        # The list items of 五 are campaigns of their own (workshops, toilets, …): a new item is a new one.
        items_are_campaigns = len({c for s, counts in in_section.items() if s != parent and s.split("(")[0] == parent
                                   for c in counts}) >= 2
        if section in in_section:
            campaign, source = in_section[section].most_common(1)[0][0], "the carried figures of its section"
        elif guess_campaign(number.heading, campaigns):
            campaign, source = guess_campaign(number.heading, campaigns), "its section's heading"
        elif parent in in_section and not items_are_campaigns:
            campaign, source = in_section[parent].most_common(1)[0][0], f"the carried figures of section {parent}"
            outcome.hints.append(f"its heading “{_short(number.heading)}” names no known campaign")
        else:
            if section not in proposed:
                taken = set(campaigns) | {row["campaign"] for row in proposed.values()}
                proposed[section] = {"campaign": campaign_id(number.heading, _digits(section), taken),
                                     "name_zh": campaign_name(number.heading)}
            campaign = proposed[section]["campaign"]
            source = (f"its heading “{_short(number.heading)}”, which names no known campaign: a new campaign, "
                      f"{proposed[section]['name_zh']} (rename it with `shaoyang-report rename-campaign`)")
        outcome.hints.insert(0, f"campaign from {source}")
        kind = outcome.row["kind"]
        if not kind:
            neighbour = _sentence_neighbour(outcome, carried)
            kind = neighbour.row["kind"] if neighbour else ("rate" if number.base_unit == "percent" else "stock")
            outcome.hints.append(f"kind {kind} " + (f"as {neighbour.row['figure_id']} in its sentence" if neighbour
                                                    else "by default"))
        metric = metric_id(outcome.row["label"], number.base_unit, number.quantity.unit, campaign,
                           {figure_id.split(".", 1)[1] for figure_id in used if figure_id.startswith(campaign + ".")})
        figure_id = f"{campaign}.{metric}"
        used.add(figure_id)
        outcome.row.update(figure_id=figure_id, campaign=campaign, metric=metric, kind=kind)
    for outcome in outcomes:  # a count that changed what it counts: the id it would have as a new figure
        if outcome.kind == "figure" and outcome.status == UNCERTAIN and any(
                check.startswith(KIND_CHANGE) for check in outcome.checks):
            number, campaign = by_start[outcome.start], outcome.row["campaign"]
            metric = metric_id(number.label, number.base_unit, number.quantity.unit, campaign,
                               {f.split(".", 1)[1] for f in used if f.startswith(campaign + ".")})
            used.add(f"{campaign}.{metric}")
            outcome.checks.append(f"or a new figure: `{campaign}.{metric}` ({number.label})")
    return list(proposed.values())


def _sentence_neighbour(outcome: Outcome, carried: list[Outcome]) -> Outcome | None:
    """The carried figure nearest to a new one in the same quote, if any."""
    same = [o for o in carried if o.row["quote"] == outcome.row["quote"] and o.start is not None]
    return min(same, key=lambda o: abs(o.start - outcome.start)) if same else None


def _digits(section: str) -> str:
    """五(三) -> 5_3, for a proposed campaign id."""
    parts = []
    for part in re.findall(f"[{CHINESE_DIGITS}0-9]+", section):
        try:
            parts.append(str(int(parse_printed_number(part))))
        except ValueError:
            return ""
    return "_".join(parts)

