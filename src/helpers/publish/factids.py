"""Fact ids: each kind of id is spelt here, once, by a named function.

Every number a page prints is a fact with an id (facts.csv `fact_id`; the page's links end in it:
`#calc-progress.toilets.rate`, `#src-toilets.completed`). The code that makes a fact and the code
that prints it both build its id with these functions, so grep finds them from the id's first word:
`progress.toilets.rate` is `factids.progress(target_id, "rate")`, made in the function facts.csv's
`made_by` names (`helpers.publish.facts:_progress`).

| id | function | made by |
| --- | --- | --- |
| figure.<figure_id> | figure | facts._figures (transcribed) |
| previous.<figure_id> | previous | checkfacts.previous_fact |
| date.<YYYY-MM-DD> | date | facts.date_fact |
| source.<field> | source_date | facts._source_dates |
| constant.full | CONSTANT_FULL | facts._constants |
| stale.<figure_id> | stale | facts._stale_days |
| headline.<name> | headline | facts._headline |
| progress.<target_id>.<target, achieved, rate, gap> | progress | facts._progress |
| audit.* (the checks in all; of each status) | AUDIT_CHECKS, audit_status | checkfacts._checks |
| check.<check_id>.<recomputed, difference, tolerance, lower, upper> | check | checkfacts._mismatch, checkfacts._derived |
| previous.period, changes.<flagged, new, attention> | PREVIOUS_PERIOD, changes | checkfacts._changes |
| change.<id>.<previous, current> | change | checkfacts._changes |
| diagnosis.<figure_id>[.<kind>].<what> | diagnosis | findings.diagnosis_facts, findings._change_fact |
"""

from __future__ import annotations

CONSTANT_FULL = "constant.full"
PREVIOUS_PERIOD = "previous.period"
AUDIT_CHECKS = "audit.checks"

# Kinds whose facts keep the ids they had before the explanations across months: diagnosis.<figure_id>.*
SINGLE_MONTH_DIAGNOSES = ("misprint", "different_base")


def figure(figure_id: str) -> str:
    """A transcribed figure, printed as the source prints it."""
    return f"figure.{figure_id}"


def previous(figure_id: str) -> str:
    """A figure's value in the last period that printed it."""
    return f"previous.{figure_id}"


def is_transcribed(fact_id: str) -> bool:
    """Whether a fact is a figure of a report (this period's or an earlier one's), not a computed number."""
    return fact_id.startswith(("figure.", "previous."))


def date(iso: str) -> str:
    """An as-of date."""
    return f"date.{iso}"


def source_date(field: str) -> str:
    """One of the report's own dates (period_start, period_end, published, dated, retrieved)."""
    return f"source.{field}"


def stale(figure_id: str) -> str:
    """How many days a figure's as-of date falls before the period's end."""
    return f"stale.{figure_id}"


def headline(name: str) -> str:
    """A count the summary states (figures, campaigns, targets, ahead, met, behind, checked, …)."""
    return f"headline.{name}"


def progress(target_id: str, what: str) -> str:
    """A progress row's number: its implied target or achievement, recomputed rate, or gap."""
    return f"progress.{target_id}.{what}"


def audit_status(status: str) -> str:
    """How many checks have a status."""
    return f"audit.status.{status}"


def check(check_id: str, what: str) -> str:
    """A check's number: recomputed, difference, tolerance, or the lower and upper end of a derived range."""
    return f"check.{check_id}.{what}"


def changes(what: str) -> str:
    """A count the month-over-month section states: flagged, new, attention."""
    return f"changes.{what}"


def change(check_id: str, which: str) -> str:
    """A derived quantity's range, last period's or this one's."""
    return f"change.{check_id}.{which}"


def diagnosis(figure_id: str, kind: str, what: str) -> str:
    """A number a diagnosis prints: what it proposes, how many checks it resolves, its arithmetic."""
    base = f"diagnosis.{figure_id}" if kind in SINGLE_MONTH_DIAGNOSES else f"diagnosis.{figure_id}.{kind}"
    return f"{base}.{what}"
