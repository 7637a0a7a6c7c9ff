"""Draft a figure transcription from a new report's text.

Each month the bureau publishes a new report. Instead of typing every figure into
`data/raw/<period>/figures.csv` by hand, the analyst runs add-period (which carries last month's
transcription over, helpers.intake.carry) or, for a look at the draft alone,

    shaoyang-report draft REPORT.txt [--period YYYY-MM] [--out FILE] [--compare TRANSCRIPTION.csv]

(helpers.intake.command), and reviews the draft this module makes: one row per number in the
text, in text order, each marked `figure` or `not-figure` with the reason (classify). The first
13 columns are the hand-transcription format; the rest help the review (value in base units,
resolved as-of date, offsets of the quote and of the number).

Everything here is a best guess made from the wording of the text, by jobs of their own:
- the vocabulary (names, words, measure words, units, patterns), as data in one module;
- the report's sentences and sections (helpers.text.segments, shared with the audit);
- reading a number's unit and qualifier (quantities) and its as-of date (asof);
- whether a number is a figure (classify), and its label, kind and campaign (guesses).

Numbers are found and read by the shared module helpers.text.numbers, so the draft and the
cleaning stage see the same tokens, units and as-of dates.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pandas as pd

from ..io.rawdata import TRANSCRIPTION_COLUMNS
from ..text.numbers import BASE_UNITS, NumberToken, find_number_tokens, locate_value
from ..text.segments import BREAKS_AND_SPACES, FULL_STOPS, section_marks, sentence_bounds, sentence_ends
from .asof import ReportDates, assign_as_of
from .classify import FIGURE, NOT_FIGURE, SpanIndex, not_figure_spans, why_not_a_figure
from .guesses import guess_campaign, guess_kind, guess_label, load_campaigns
from .quantities import Quantity, normalise_figure, plain_or_empty, printed_value, read_quantity
from .vocabulary import PAIR_SUFFIXES, QUOTED

# The hand-transcription format (figures.csv), then the review columns the draft adds.
REVIEW_COLUMNS = [
    "status", "reason", "value_normalised", "base_unit", "as_of_date", "quote_start", "quote_end",
    "token_start",
]
COLUMNS = TRANSCRIPTION_COLUMNS + REVIEW_COLUMNS
COMPARE_COLUMNS = ["side", "figure_id", "value", "unit", "quote"]
# What a transcription must hold to be compared with a draft, or carried over to a new month.
TRANSCRIPTION_KEYS = ["figure_id", "value", "unit", "quote"]


@dataclass
class DraftedNumber:
    """One number of a report as the draft reads it: where it stands and what it seems to be.

    Every number gets a status (figure / not-figure), its quantity as printed, its place
    (section, sentence, occurrence in the sentence) and its as-of expression; figures also get
    guesses for label, kind and campaign. The carry-over matches these places month to month.
    """

    token: NumberToken
    status: str
    reason: str  # why it is not a figure ('' for figures)
    note: str  # the words matched for a not-figure; review hints for a figure
    quantity: Quantity
    section: str  # 五(三)
    heading: str  # the words of the innermost section, list item or paragraph heading
    quote_start: int
    quote_end: int
    occurrence: int  # the n-th number printed as this value in its sentence
    as_of: str = ""
    as_of_source: str = ""  # where an as-of taken from another sentence came from ('' if its own)
    label: str = ""
    kind: str = ""
    campaign: str = ""
    value_normalised: str = ""
    base_unit: str = ""

    @property
    def start(self) -> int:
        return self.token.start

    @property
    def value(self) -> str:
        """The printed value: without 万/亿 for a figure, the whole token for a not-figure."""
        return self.quantity.value if self.status == FIGURE else self.token.text


def draft_numbers(text: str, period: str | None = None, *,
                  campaigns: dict[str, str] | None = None) -> list[DraftedNumber]:
    """Read every number token of `text`, in text order (see draft_figures for the table)."""
    if campaigns is None:
        campaigns = load_campaigns(period=period)  # the campaigns that apply to the period drafted
    tokens = find_number_tokens(text)
    spans = SpanIndex(not_figure_spans(text))
    quoted = SpanIndex([(m.start(), m.end(), "quoted", m.group()) for m in QUOTED.finditer(text)])
    ends = sentence_ends(text)
    marks = section_marks(text)
    mark_positions = [mark.pos for mark in marks]
    campaign_of = {}
    for mark in marks:
        parent = mark.label.split("(")[0]
        campaign_of[mark.label] = guess_campaign(mark.heading, campaigns) or campaign_of.get(parent, "")

    numbers: list[DraftedNumber] = []
    unit_floor = 0  # end of the previous figure's unit: numbers inside it belong to it
    previous: DraftedNumber | None = None  # the previous figure
    base_label = ""  # the previous figure's label before a pair suffix
    seen: dict[tuple[int, str], int] = {}  # (quote start, printed value) -> numbers so far
    for token in tokens:
        mark_index = bisect.bisect_right(mark_positions, token.start) - 1
        mark = marks[mark_index] if mark_index >= 0 else None
        quote_start, quote_end = sentence_bounds(text, token.start, ends)
        quantity = read_quantity(text, token)
        # occurrence: the n-th separate number printed as this value in the quote.
        printed = printed_value(token)[0]
        seen[quote_start, printed] = seen.get((quote_start, printed), 0) + 1
        number = DraftedNumber(token, FIGURE, "", "", quantity, mark.label if mark else "",
                               mark.heading if mark else "", quote_start, quote_end, seen[quote_start, printed])
        numbers.append(number)
        why_not = ("part of a unit", text[token.start:token.end]) if token.start < unit_floor else \
            why_not_a_figure(text, token, quantity, spans, quoted, unit_floor)
        if why_not:
            number.status, number.reason, number.note = NOT_FIGURE, why_not[0], why_not[1]
            continue

        value_normalised, base_unit = normalise_figure(quantity.value, quantity.unit)
        notes = list(quantity.notes)
        if not quantity.unit:
            notes.append("no unit printed")
        elif quantity.unit not in BASE_UNITS:
            notes.append(f"unit {quantity.unit} is not in BASE_UNITS")
        if token.script == "chinese":
            notes.append("Chinese numeral")
        # Figures listed one after another (16869户42750人; 5640户,56.4万平方米) describe the
        # same thing: the second takes the first one's label and kind unless it has its own, and
        # each then says what it counts (监测对象户数, 监测对象人数).
        listed = previous is not None and unit_floor > quote_start \
            and not text[unit_floor:token.start].strip(BREAKS_AND_SPACES)
        label = guess_label(text, token.start, quantity, unit_floor, base_label if listed else "",
                            whole_label=base_label if previous is not None else "")
        # A figure whose clause says nothing of its kind takes the kind of the figure before it in
        # the same sentence (边缘易致贫户4989户 after 其中脱贫不稳定户7850户…;).
        same_sentence = previous is not None and not any(ch in FULL_STOPS for ch in text[previous.start:token.start])
        kind = guess_kind(text, token, quantity, base_unit) or (previous.kind if listed or same_sentence else "")
        number.label, number.kind, number.note = label, kind, "; ".join(notes)
        number.campaign = campaign_of.get(number.section, "")
        number.value_normalised, number.base_unit = plain_or_empty(value_normalised), base_unit
        if listed and label == base_label and base_unit != previous.base_unit \
                and base_unit in PAIR_SUFFIXES and previous.base_unit in PAIR_SUFFIXES:
            previous.label = base_label + PAIR_SUFFIXES[previous.base_unit]
            number.label = base_label + PAIR_SUFFIXES[base_unit]
        unit_floor, previous, base_label = quantity.end, number, label

    assign_as_of(text, numbers, marks)
    return numbers


def draft_figures(text: str, period: str | None = None, *, campaigns: dict[str, str] | None = None) -> pd.DataFrame:
    """Draft a figure transcription: one row per number token in `text`, in text order.

    `period` (YYYY-MM) resolves as-of dates; without it the year is taken from the text.
    `campaigns` maps campaign ids to Chinese names for guessing each section's campaign;
    None uses the project's data/reference/campaigns.csv, {} guesses none.
    Columns: COLUMNS (the 13 transcription columns, then the review columns).
    """
    dates = ReportDates.of(text, period)
    rows = []
    for number in draft_numbers(text, period, campaigns=campaigns):
        row = dict.fromkeys(COLUMNS, "")
        row.update(section=number.section, value=number.value, quote=text[number.quote_start:number.quote_end],
                   occurrence=number.occurrence, quote_start=number.quote_start, quote_end=number.quote_end,
                   token_start=number.start, status=number.status, reason=number.reason, note=number.note)
        if number.status == FIGURE:
            notes = [number.note] if number.note else []
            if number.as_of_source:
                notes.append(number.as_of_source)
            row.update(campaign=number.campaign, label=number.label, kind=number.kind, unit=number.quantity.unit,
                       qualifier=number.quantity.qualifier, as_of=number.as_of, note="; ".join(notes),
                       value_normalised=number.value_normalised, base_unit=number.base_unit,
                       as_of_date=dates.resolve(number.as_of))
        rows.append(row)
    width = max(3, len(str(len(rows))))
    for index, row in enumerate(rows, start=1):
        row["figure_id"] = f"draft.{index:0{width}d}"
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("occurrence", "quote_start", "quote_end", "token_start"):
        table[column] = table[column].astype("int64")
    return table


# --------------------------------------------------------------------------------------
# Comparing a draft with a hand transcription
# --------------------------------------------------------------------------------------

def _same_place(quote_a: str, offset_a: int, length_a: int, quote_b: str, offset_b: int, length_b: int) -> bool:
    """True when two quotes of the same text put their numbers at the same place.

    Both quotes are verbatim pieces of one text, so if the numbers sit at the same
    position the text before them agrees as far back as both quotes go, and the text
    after them as far forward.
    """
    left_a, left_b = quote_a[:offset_a], quote_b[:offset_b]
    right_a, right_b = quote_a[offset_a + length_a:], quote_b[offset_b + length_b:]
    left = min(len(left_a), len(left_b))
    right = min(len(right_a), len(right_b))
    return (left == 0 or left_a[-left:] == left_b[-left:]) and right_a[:right] == right_b[:right]


def compare_with_transcription(draft: pd.DataFrame, transcription: pd.DataFrame) -> pd.DataFrame:
    """What the draft's figures and a hand transcription each have that the other lacks.

    Rows match on the normalised value and base unit, and on the number's place in the
    text: the transcription's value is found in its quote (its `occurrence`-th separate
    appearance) and the two quotes must agree around it. Each draft row matches at most
    one transcription row. Returns COMPARE_COLUMNS: draft rows first, then transcription
    rows, each in their own order.
    """
    figures = draft[draft["status"] == FIGURE] if "status" in draft.columns else draft
    candidates: dict[tuple, list[int]] = {}
    for index, row in figures.iterrows():
        key = (str(row["value_normalised"]), str(row["base_unit"]))
        candidates.setdefault(key, []).append(index)
    matched: set = set()
    missing = []
    for _, row in transcription.iterrows():
        value, unit, quote = str(row.get("value", "")), str(row.get("unit", "")), str(row.get("quote", ""))
        occurrence_text = str(row.get("occurrence", "") or "").strip()
        occurrence = int(occurrence_text) if occurrence_text.isdigit() else 1
        normalised, base = normalise_figure(value, unit)
        offset = locate_value(quote, value, occurrence)
        found = None
        if normalised is not None and offset is not None:
            for index in candidates.get((plain_or_empty(normalised), base), []):
                if index in matched:
                    continue
                candidate = figures.loc[index]
                draft_offset = int(candidate["token_start"]) - int(candidate["quote_start"])
                if _same_place(quote, offset, len(value), str(candidate["quote"]), draft_offset,
                               len(str(candidate["value"]))):
                    found = index
                    break
        if found is None:
            missing.append(("only in transcription", str(row.get("figure_id", "")), value, unit, quote))
        else:
            matched.add(found)
    extra = [("only in draft", row["figure_id"], row["value"], row["unit"], row["quote"])
             for index, row in figures.iterrows() if index not in matched]
    return pd.DataFrame(extra + missing, columns=COMPARE_COLUMNS)
