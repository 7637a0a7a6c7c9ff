"""Stage 2, diagnoses: one explanation for mismatches that one printed number could cause.

For every figure that takes part in a mismatch, search for the values of that figure alone that
make every check it takes part in pass (the mismatched ones, and those that pass already). Then:

- **misprint**: exactly one such value is the printed number with one digit changed, two adjacent
  digits swapped, a digit dropped or a digit doubled (when several typos fit, none is singled out);
- **different_base**: values fit, but none looks like a typo (October's village shares: a base of
  742–744 villages fits both 80% and 76%, and 742–744 is not a typo of 760).

Any single mismatch can be "explained" by changing one of its numbers, so a diagnosis is kept
only when it resolves two or more checks at once, or is a likely misprint; and a check that a
broader diagnosis already explains gets no second one. A diagnosis explains; it corrects
nothing: the checks keep their verdict.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from ..text import numbers
from .figures import Figure, figure_index, printed_number, split_ids
from .kinds import EPSILON, KINDS as RELATION_KINDS
from .relations import evaluate

DIAGNOSIS_COLUMNS = ["figure_id", "printed", "proposed", "unit_printed", "lower", "upper", "kind", "typo",
                     "resolves", "related", "related_text", "related_period", "recomputed", "previous_lower",
                     "previous_upper", "explanation"]
KINDS = {
    "misprint": "a value one typo away from the printed number makes the checks pass",
    "different_base": "a value or a range makes the checks pass, but none is one typo away from the printed number",
    # Explanations across months and checks (audit/across.py):
    "named_base": "a share matches exactly against another number printed in the same or a neighbouring sentence",
    "previous_misprint": "last month's misprint, diagnosed then, explains this month's mismatch",
    "item_dropped": "a listed count falls short in the month an item of last month's list is no longer reported",
    "companion_rose": "a cumulative figure fell while a companion printed in the same sentence rose",
    "base_changed": "the base a figure's shares fit this month does not overlap last month's",
}
# How the printed number differs from the proposed one (for misprints).
TYPOS = {
    "digit_changed": "one digit changed",
    "digits_swapped": "two adjacent digits swapped",
    "digit_dropped": "a digit dropped",
    "digit_doubled": "a digit doubled",
}
# At most this many printable values are tried one by one in a range; wider ranges are narrowed
# from both ends.
MAX_TRIED = 2000
_ARABIC = re.compile(r"\d+(?:\.\d+)?")


def typo_variants(printed: str) -> dict[str, str]:
    """What the bureau may have meant, one typo away from the printed number: variant -> typo code.

    The code says what the print did to the variant: digit_changed ('17121' for '17021'),
    digits_swapped ('17012'), digit_dropped (the print lost a digit: '170221'), digit_doubled (the
    print repeats a digit: '1021' for '10021'). Chinese numerals have none.
    """
    if not _ARABIC.fullmatch(printed):
        return {}
    variants: dict[str, str] = {}

    def add(text: str, code: str) -> None:
        well_formed = _ARABIC.fullmatch(text) and not (len(text.split(".")[0]) > 1 and text[0] == "0")
        if well_formed and text != printed and text not in variants:
            variants[text] = code

    for i, char in enumerate(printed):
        if char.isdigit():
            for digit in "0123456789":
                add(printed[:i] + digit + printed[i + 1:], "digit_changed")
    for i in range(len(printed) - 1):
        if printed[i].isdigit() and printed[i + 1].isdigit():
            add(printed[:i] + printed[i + 1] + printed[i] + printed[i + 2:], "digits_swapped")
    for i in range(len(printed) + 1):  # the print lost a digit the variant has
        for digit in "0123456789":
            add(printed[:i] + digit + printed[i:], "digit_dropped")
    for i in range(len(printed) - 1):  # the print repeats a digit the variant has once
        if printed[i].isdigit() and printed[i] == printed[i + 1]:
            add(printed[:i] + printed[i + 1:], "digit_doubled")
    return variants


def _value_of(text: str, figure: Figure) -> float:
    """A number written in `figure`'s printed unit ('39.0598' in 万人) in base units."""
    return float(text) * numbers.BASE_UNITS.get(figure.unit_printed, ("", 1))[1]


class _Trial:
    """Re-evaluates the checks a figure takes part in, with another value in its place."""

    def __init__(self, figure: Figure, relations: list[dict], index: dict, text: str, previous: dict | None):
        self.figure, self.relations, self.index, self.text, self.previous = figure, relations, index, text, previous

    def row(self, relation: dict, value: float) -> dict:
        trial = dict(self.index)
        trial[self.figure.figure_id] = self.figure.with_value(value)
        return evaluate(relation, trial, self.text, self.previous)

    def passes(self, value: float) -> bool:
        return all(self.row(relation, value)["status"] == "pass" for relation in self.relations)

    def interval(self, relation: dict) -> tuple[float, float] | None:
        """The values of the figure for which this one check passes (an interval), or None."""
        v0, step = self.figure.value, self.figure.step
        base = self.row(relation, v0)
        if base["difference"] is None:
            return None
        one_sided = RELATION_KINDS[relation["kind"]].one_sided
        slope = (self.row(relation, v0 + step)["difference"] - base["difference"]) / step
        if abs(slope) < EPSILON:
            return (-math.inf, math.inf) if base["status"] == "pass" else None
        ends = [self._solve(relation, sign) for sign in ((+1,) if one_sided else (+1, -1))]
        if any(end is None for end in ends):
            return None
        if one_sided:
            return (-math.inf, ends[0]) if slope > 0 else (ends[0], math.inf)
        return min(ends), max(ends)

    def _solve(self, relation: dict, sign: int) -> float | None:
        """The value at which difference = sign × tolerance (secant steps: exact for sums and
        remainders, a few steps for a rate's denominator)."""
        def gap(value):
            row = self.row(relation, value)
            if row["difference"] is None:
                return None
            return row["difference"] - sign * row["tolerance"]

        a, b = self.figure.value, self.figure.value + self.figure.step
        fa, fb = gap(a), gap(b)
        for _ in range(50):
            if fa is None or fb is None:
                return None
            if abs(fb) < 1e-9 or fa == fb:
                break
            a, fa, b = b, fb, b - fb * (b - a) / (fb - fa)
            fb = gap(b) if b > 0 or self.figure.value <= 0 else None
        return b if fb is not None and abs(fb) < 1e-6 * max(1.0, abs(b)) else None


def candidates(figure: Figure, relations: list[dict], index: dict, text: str, previous: dict | None):
    """The printable values of `figure` that make all `relations` pass: (values, typo variants that do)."""
    trial = _Trial(figure, relations, index, text, previous)
    typos = {}
    for variant, code in typo_variants(figure.value_printed).items():
        value = _value_of(variant, figure)
        if trial.passes(value):
            typos[variant] = (value, code)
    lower, upper = -math.inf, math.inf
    for relation in relations:
        interval = trial.interval(relation)
        if interval is None:
            return [], typos
        lower, upper = max(lower, interval[0]), min(upper, interval[1])
    if not (math.isfinite(lower) and math.isfinite(upper)) or lower > upper + EPSILON:
        return [], typos
    step = figure.step
    first, last = math.ceil(lower / step - 1e-9), math.floor(upper / step + 1e-9)
    ks = range(first, last + 1)
    if len(ks) <= MAX_TRIED:
        return [k * step for k in ks if trial.passes(k * step)], typos
    low = next((k * step for k in ks[:MAX_TRIED] if trial.passes(k * step)), None)
    high = next((k * step for k in reversed(ks[-MAX_TRIED:]) if trial.passes(k * step)), None)
    return [v for v in (low, high) if v is not None], typos


def diagnose(checks: pd.DataFrame, relations: list[dict], figures: pd.DataFrame, report_text: str,
             previous: pd.DataFrame | None = None, renames: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per diagnosis: a figure whose other value would resolve one or more mismatches."""
    index = figure_index(figures)
    before = figure_index(previous, renames) if previous is not None else None
    by_id = {relation["relation_id"]: relation for relation in relations}
    judged_kinds = [code for code, kind in RELATION_KINDS.items() if kind.judged]
    judged = checks[checks["status"].isin(["pass", "mismatch"]) & checks["kind"].isin(judged_kinds)]
    mismatched = list(judged.loc[judged["status"] == "mismatch", "check_id"])
    if not mismatched:
        return pd.DataFrame(columns=DIAGNOSIS_COLUMNS)
    order = {figure_id: i for i, figure_id in enumerate(index)}
    ids_of = dict(zip(checks["check_id"], checks["figure_ids"]))
    involved = sorted({f for c in mismatched for f in split_ids(ids_of[c]) if f in index}, key=order.get)
    found = []
    for figure_id in involved:
        figure = index[figure_id]
        own = [c for c in judged["check_id"] if figure_id in split_ids(ids_of[c])]
        values, typos = candidates(figure, [by_id[c] for c in own], index, report_text, before)
        resolves = [c for c in own if c in mismatched]
        if len(typos) == 1:  # when several typos fit (10943, 30943 … for a part above its whole), none is named
            ((variant, (value, code)),) = typos.items()
            found.append(_row(figure, [value], "misprint", code, resolves, variant))
        elif values and len(resolves) >= 2:
            found.append(_row(figure, values, "different_base", "", resolves))
    # The broadest explanation first; a check already explained gets no second diagnosis.
    found.sort(key=lambda row: (-len(row["resolves"].split("|")), row["kind"] != "misprint", order[row["figure_id"]]))
    kept, explained = [], set()
    for row in found:
        resolved = set(row["resolves"].split("|"))
        if resolved - explained:
            kept.append(row)
            explained |= resolved
    kept.sort(key=lambda row: min(mismatched.index(c) for c in row["resolves"].split("|")))
    return pd.DataFrame(kept, columns=DIAGNOSIS_COLUMNS)


def _row(figure: Figure, values: list[float], kind: str, typo: str, resolves: list[str],
         variant: str | None = None) -> dict:
    lower, upper = min(values), max(values)
    low, high = printed_number(lower, figure), printed_number(upper, figure)
    proposed = variant or (low if low == high else f"{low}–{high}")
    checks = ", ".join(resolves)
    if kind == "misprint":
        explanation = (f"Printed {figure.value_printed}{figure.unit_printed}; {proposed} would make {checks} pass, "
                       f"and keep every other check on this figure passing. {proposed} and "
                       f"{figure.value_printed} differ by {TYPOS[typo]}: likely a misprint.")
    else:
        fits = f"any value from {low} to {high}" if low != high else low
        explanation = (f"Printed {figure.value_printed}{figure.unit_printed}; {fits} would make {checks} all pass. "
                       f"No value one typo away from {figure.value_printed} does: the stated figures were probably "
                       "computed on a different base.")
    return {**dict.fromkeys(DIAGNOSIS_COLUMNS, ""), "figure_id": figure.figure_id, "printed": figure.value_printed,
            "proposed": proposed, "unit_printed": figure.unit_printed, "lower": round(lower, 6),
            "upper": round(upper, 6), "kind": kind, "typo": typo, "resolves": "|".join(resolves),
            "explanation": explanation}


def mismatches(checks: pd.DataFrame, figures: pd.DataFrame, diagnoses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every mismatch with the two numbers side by side, the quotes they come from, and the figure
    whose diagnosis explains it (if any)."""
    quotes = dict(zip(figures["figure_id"], figures["quote"]))
    explained = {}
    if diagnoses is not None:
        for row in diagnoses.itertuples():
            for check_id in split_ids(row.resolves):
                explained.setdefault(check_id, row.figure_id)
    rows = []
    for check in checks[checks["status"] == "mismatch"].itertuples():
        ids = split_ids(check.figure_ids)
        rows.append({"check_id": check.check_id, "description": check.description,
                     "reported": check.reported, "recomputed": check.recomputed, "difference": check.difference,
                     "tolerance": check.tolerance, "working": check.working,
                     "quotes": " / ".join(dict.fromkeys(quotes[i] for i in ids if i in quotes)),
                     "diagnosis": explained.get(check.check_id, "")})
    return pd.DataFrame(rows, columns=["check_id", "description", "reported", "recomputed", "difference",
                                       "tolerance", "working", "quotes", "diagnosis"])
