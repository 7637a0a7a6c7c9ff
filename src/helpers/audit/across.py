"""Explanations across months and checks: what one month's diagnoses cannot see alone.

audit/diagnoses.py explains a month's mismatches by one printed number of that month. Some
explanations need more than that, and each is a row of diagnoses.csv, with its arithmetic:

- **named_base**: a share that fails against its base but matches exactly against another number
  printed in the same or a neighbouring sentence (702个 ÷ 758个 = 92.61%, where 全市758个村庄 is
  printed one clause before): the share was taken of that number. Kept even when only one check
  involves the share.
- **previous_misprint**: a flow that fails because last month's figure was misprinted, as last
  month's own diagnosis found: with the corrected value the flow passes (the value it gives is
  `recomputed`).
- **item_dropped**: a count whose list falls short (七大 with six items) in the month an item of last
  month's list is no longer reported; the dropped figures of that item are `related`.
- **companion_rose** (a note, resolving no check): a cumulative figure that fell while a companion
  printed in the same sentence rose (households demolished fell, the area demolished rose).
- **base_changed** (a note): the values of a base for which its shares pass this month do not
  overlap last month's (October's shares fit 742–744 villages, November's the plan's 760).

`explain` adds these rows to a month's diagnoses; `Earlier` is last month as they need it (its
figures under this month's ids, its text, relations, checks and diagnoses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cn2an
import pandas as pd

from ..text import segments
from .changes import companions_apart
from .diagnoses import DIAGNOSIS_COLUMNS, candidates
from .figures import Figure, figure_index, printed_number, split_ids
from .kinds import EPSILON, KINDS
from .lists import listed_items, locate
from .relations import evaluate

# The kinds of explanation this module adds are listed with the others in diagnoses.KINDS.


@dataclass
class Earlier:
    """Last period, as this period's explanations need it (figures filed under this period's ids)."""

    period: str
    figures: pd.DataFrame
    text: str
    relations: list[dict]
    checks: pd.DataFrame
    diagnoses: pd.DataFrame


def explain(found: pd.DataFrame, checks: pd.DataFrame, relations: list[dict], figures: pd.DataFrame, text: str,
            earlier: Earlier | None = None, before_earlier: pd.DataFrame | None = None) -> pd.DataFrame:
    """The month's diagnoses with the explanations across months and checks added: first those that
    resolve a mismatch no diagnosis of the month explains yet, in the order of the checks, then the
    notes. `before_earlier` holds the figures of the month before last (for last month's flows)."""
    index = figure_index(figures)
    by_id = {relation["relation_id"]: relation for relation in relations}
    explained = {c for value in found["resolves"] for c in split_ids(value)} if len(found) else set()
    mismatched = [row for row in checks.to_dict("records") if row["status"] == "mismatch"
                  and row["check_id"] not in explained and row["check_id"] in by_id]
    rows = []
    for check in mismatched:
        relation = by_id[check["check_id"]]
        row = (_named_base(check, relation, index, text)
               or (earlier is not None and _previous_misprint(check, relation, index, text, earlier))
               or (earlier is not None and _item_dropped(check, index, text, earlier)))
        if row:
            rows.append(row)
    if earlier is not None:
        rows += _companions(figures, earlier)
        rows += _bases_changed(checks, relations, index, text, earlier, before_earlier)
    if not rows:
        return found
    added = pd.DataFrame([{column: row.get(column, "") for column in DIAGNOSIS_COLUMNS} for row in rows],
                         columns=DIAGNOSIS_COLUMNS)
    return pd.concat([found, added], ignore_index=True) if len(found) else added


def _row(figure: Figure, kind: str, **values) -> dict:
    return {**dict.fromkeys(DIAGNOSIS_COLUMNS, ""), "figure_id": figure.figure_id, "printed": figure.value_printed,
            "unit_printed": figure.unit_printed, "kind": kind, **values}


def _with(index: dict, figure_id: str, value: float) -> dict:
    changed = dict(index)
    changed[figure_id] = index[figure_id].with_value(value)
    return changed


# ---- A different base, named by the text ---------------------------------------------------------

def _named_base(check: dict, relation: dict, index: dict, text: str) -> dict | None:
    """A failing share that passes exactly against another number printed nearby, in its base's unit."""
    kind = KINDS[relation["kind"]]
    if kind.divides_by is None or kind.derived:
        return None
    operands = split_ids(relation["operands"])
    base, reported = index.get(operands[kind.divides_by]), index.get(relation["reported"])
    if base is None or reported is None:
        return None
    nearby = _neighbouring_sentences(text, locate(reported, text))
    for figure in index.values():
        start = locate(figure, text)
        if figure.figure_id in operands or figure.unit != base.unit or not any(a <= start < b for a, b in nearby):
            continue
        trial = evaluate(relation, _with(index, base.figure_id, figure.value), text)
        if trial["status"] == "pass":
            where = "in the same sentence" if nearby[0][0] <= start < nearby[0][1] else "in a neighbouring sentence"
            return _row(base, "named_base", proposed=figure.value_printed, lower=figure.value, upper=figure.value,
                        resolves=check["check_id"], related=figure.figure_id, recomputed=round(trial["recomputed"], 6),
                        explanation=(f"Printed {base.printed}; {figure.printed}, printed {where} ({figure.figure_id}), "
                                     f"makes {check['check_id']} pass: {trial['working']}, against the printed "
                                     f"{reported.printed}. The share was probably taken of {figure.printed}, not of "
                                     f"{base.printed}."))
    return None


def _neighbouring_sentences(text: str, position: int) -> list[tuple[int, int]]:
    """The full sentence around `position`, then the one before and the one after."""
    if position < 0:
        return []
    here = segments.full_sentence(text, position)
    found = [here]
    if here[0] > 0:
        found.append(segments.full_sentence(text, max(0, here[0] - 2)))
    if here[1] < len(text):
        found.append(segments.full_sentence(text, min(len(text) - 1, here[1] + 1)))
    return found


# ---- Last month's misprint -------------------------------------------------------------------------

def _previous_misprint(check: dict, relation: dict, index: dict, text: str, earlier: Earlier) -> dict | None:
    """A flow that fails on last month's misprinted figure and passes with last month's correction."""
    if not KINDS[relation["kind"]].needs_previous or earlier.diagnoses.empty:
        return None
    before = figure_index(earlier.figures)
    ids = split_ids(check["figure_ids"])
    for diagnosis in earlier.diagnoses.to_dict("records"):
        figure_id = diagnosis["figure_id"]
        if diagnosis["kind"] != "misprint" or figure_id not in ids or figure_id not in before:
            continue
        corrected = _with(before, figure_id, float(diagnosis["lower"]))
        trial = evaluate(relation, index, text, corrected)
        if trial["status"] == "pass":
            return _row(before[figure_id], "previous_misprint", proposed=diagnosis["proposed"],
                        lower=float(diagnosis["lower"]), upper=float(diagnosis["upper"]), typo=diagnosis["typo"],
                        resolves=check["check_id"], related=figure_id, related_period=earlier.period,
                        recomputed=round(trial["recomputed"], 6),
                        explanation=(f"{earlier.period} printed {before[figure_id].printed}, diagnosed then as a "
                                     f"misprint of {diagnosis['proposed']}. {check['check_id']} takes last month's "
                                     f"figure: with {diagnosis['proposed']} it gives {trial['working']}, against the "
                                     f"printed {_fmt_reported(check)}: it passes."))
    return None


def _fmt_reported(check: dict) -> str:
    reported = check["reported"]
    return f"{reported:,.0f}" if float(reported).is_integer() else str(reported)


# ---- A list that lost an item -----------------------------------------------------------------------

def _item_dropped(check: dict, index: dict, text: str, earlier: Earlier) -> dict | None:
    """A count whose list is short by as many items as last month's list has that this month's lacks."""
    ids = split_ids(check["figure_ids"])
    if not KINDS[check["kind"]].counts_list or not ids or ids[0] not in index:
        return None
    count = index[ids[0]]
    before = figure_index(earlier.figures)
    if count.figure_id not in before:
        return None
    now, then = listed_items(count, text), listed_items(before[count.figure_id], earlier.text)
    if not now or not then or now[0] != "ordinals" or then[0] != "ordinals":
        return None
    short = count.value - len(now[1])
    dropped = [item for item in then[1] if item not in now[1]]
    if short < 1 or len(dropped) != short:
        return None
    spans = _ordinal_spans(earlier.text, locate(before[count.figure_id], earlier.text), len(then[1]))
    gone = [f for f in before.values() if f.figure_id not in index]
    related = [f.figure_id for f in gone
               if any(then[1][i] in dropped and a <= locate(f, earlier.text) < b for i, (a, b) in enumerate(spans))]
    return _row(count, "item_dropped", proposed=str(len(now[1])), lower=float(len(now[1])),
                upper=float(len(now[1])), resolves=check["check_id"], related="|".join(related),
                related_text="、".join(dropped),
                related_period=earlier.period, recomputed=float(len(now[1])),
                explanation=(f"{count.printed} announced, {len(now[1])} listed. {earlier.period}'s list had "
                             f"{len(then[1])}: {'、'.join(dropped)} is not reported this month"
                             + (f", and its figures ({', '.join(related)}) are dropped." if related else ".")))


def _ordinal_spans(text: str, start: int, count: int) -> list[tuple[int, int]]:
    """Where each of the items 一是…N是 runs in `text`, from its marker to the next (the last to its section's end)."""
    end = segments.next_section(text, start) or len(text)
    marks, at = [], start
    for n in range(1, count + 1):
        found = text.find(cn2an.an2cn(n) + "是", at, end)
        if found < 0:
            break
        marks.append(found)
        at = found + 2
    return [(a, b) for a, b in zip(marks, marks[1:] + [end])]


# ---- Companions that move apart ----------------------------------------------------------------------

def _companions(figures: pd.DataFrame, earlier: Earlier) -> list[dict]:
    """Cumulative figures that fell while a companion in the same sentence rose (the flag companion_rose)."""
    rows = []
    for fell, companion, before in companions_apart(figures, earlier.figures):
        now = figure_index(figures)
        f, c = now[fell], now[companion]
        change, rise = f.value - before[fell].value, c.value - before[companion].value
        rows.append(_row(f, "companion_rose", related=companion, related_period=earlier.period,
                         previous_lower=before[fell].value, previous_upper=before[fell].value,
                         lower=f.value, upper=f.value, proposed="",
                         explanation=(f"{before[fell].printed} in {earlier.period}, {f.printed} now "
                                      f"({printed_number(change, f)}{f.unit_printed}), while {companion}, printed in "
                                      f"the same sentence, rose from {before[companion].printed} to {c.printed} "
                                      f"(+{printed_number(rise, c)}{c.unit_printed}): the fall is more likely a "
                                      "correction or a misprint of the count than a real decrease.")))
    return rows


# ---- A base that changed between months ------------------------------------------------------------

def _bases_changed(checks: pd.DataFrame, relations: list[dict], index: dict, text: str, earlier: Earlier,
                   before_earlier: pd.DataFrame | None) -> list[dict]:
    rows = []
    then_index = figure_index(earlier.figures)
    for base_id in _bases(relations, index):
        base = index[base_id]
        if base_id not in then_index or then_index[base_id].value != base.value:
            continue  # a printed base that changed is a changed target, flagged month over month
        now = _fitting(base_id, checks, relations, index, text, None)
        then = _fitting(base_id, earlier.checks, earlier.relations, then_index, earlier.text,
                        figure_index(before_earlier) if before_earlier is not None else None)
        if now is None or then is None or not (now[1] < then[0] - EPSILON or now[0] > then[1] + EPSILON):
            continue
        fits = "the printed " + base.printed + (" among them" if now[0] <= base.value <= now[1] else " not among them")
        rows.append(_row(base, "base_changed", proposed=_range(now, base), lower=now[0], upper=now[1],
                         related_period=earlier.period, previous_lower=then[0], previous_upper=then[1],
                         explanation=(f"In {earlier.period} the shares taken of {base_id} fit a base of "
                                      f"{_range(then, base)}; this month's fit {_range(now, base)} ({fits}): the "
                                      "base the shares are computed on changed between the months.")))
    return rows


def _bases(relations: list[dict], index: dict) -> list[str]:
    """Figures that are the base of a share (the operand a rate divides by), in the order of the relations."""
    found = []
    for relation in relations:
        kind = KINDS[relation["kind"]]
        operands = split_ids(relation["operands"])
        if kind.divides_by is not None and not kind.derived and len(operands) > kind.divides_by:
            base = operands[kind.divides_by]
            if base in index and base not in found:
                found.append(base)
    return found


def _fitting(base_id: str, checks: pd.DataFrame, relations: list[dict], index: dict, text: str,
             previous: dict | None) -> tuple[float, float] | None:
    """The values of the base for which every judged share taken of it passes: (lowest, highest)."""
    judged = set(checks.loc[checks["status"].isin(["pass", "mismatch"]), "check_id"])
    own = [r for r in relations if r["relation_id"] in judged and KINDS[r["kind"]].divides_by is not None
           and not KINDS[r["kind"]].derived and split_ids(r["operands"])[KINDS[r["kind"]].divides_by] == base_id]
    if not own:
        return None
    values, _ = candidates(index[base_id], own, index, text, previous)
    values = [v for v in values if math.isfinite(v)]
    return (min(values), max(values)) if values else None


def _range(bounds: tuple[float, float], template: Figure) -> str:
    low, high = printed_number(bounds[0], template), printed_number(bounds[1], template)
    return low if low == high else f"{low}–{high}"
