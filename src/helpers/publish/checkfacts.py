"""The numbers of the checks and of month over month, as facts (facts.py describes facts).

`build` adds to a period's book: how many checks there are and of each status; each mismatched
check's recomputed value, difference and tolerance; each derived check's value and the range the
printed figures' rounding leaves; the previous period, the count of figures flagged month over
month, each derived quantity's ranges and last period's value of each figure compared.
"""

from __future__ import annotations

from ..audit.figures import split_ids
from . import factids
from .facts import FactBook, check_description, figure_name, makes_facts, previous_period
from .edition import page_name
from .printing import zh as source_printing
from .printing.common import num
from .sourceview import source_anchor


def build(book: FactBook, report) -> None:
    """Add the checks' and month over month's numbers to `book`."""
    _checks(book, report)
    _changes(book, report)


def in_source_units(report, book: FactBook, ids: list[str], value, difference: bool = False,
                    printer=None) -> str:
    """A computed number in the style of the figures it comes from: 9,802.93万元, 78.55%, 375,458人."""
    printer = printer or book.printer
    number = num(value)
    if number is None:
        return printer.MISSING
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    if len(rows) == 0:
        return printer.plain_number(number)
    first = rows.set_index("figure_id").loc[[i for i in ids if i in set(rows["figure_id"])][0]]
    return printer.like(number, first, difference=difference)


@makes_facts
def _checks(book: FactBook, report) -> None:
    """How many checks there are and of each status; each mismatch's and each derived check's numbers."""
    t, edition = book.edition.t, book.edition
    checks = report.checks
    status = checks["status"].value_counts()
    book.add(factids.AUDIT_CHECKS, t.plain("fact.audit.checks"), float(len(checks)), "count",
             book.printer.plain_number(len(checks)), "count(checks.csv)", tuple(checks["check_id"]), section="audit",
             explain=("count_checks", {}))
    for name in status.index:
        subset = checks[checks["status"] == name]
        words = edition.name("status", name)
        book.add(factids.audit_status(name), t.plain("fact.audit.status", status=words), float(status[name]), "count",
                 book.printer.plain_number(int(status[name])), f"count(checks.csv where status = {name})",
                 tuple(subset["check_id"]), section="audit", explain=("count_status", {"status": words}))
    for check in checks.itertuples():
        if check.status == "mismatch":
            _mismatch(book, report, check)
        elif check.status == "derived":
            _derived(book, report, check)


@makes_facts
def _mismatch(book: FactBook, report, check) -> None:
    """A mismatched check: what it recomputes, how far that is from the printed figure, what rounding allows."""
    t, ids = book.edition.t, split_ids(check.figure_ids)
    description = check_description(book, report, check)
    show = lambda value, difference=False: in_source_units(report, book, ids, value, difference)  # noqa: E731
    recomputed = factids.check(check.check_id, "recomputed")
    book.add(recomputed, t.plain("fact.check.recomputed", description=description),
             num(check.recomputed), str(check.unit), show(check.recomputed), str(check.formula), tuple(ids),
             section="audit", explain=("recomputed", {}))  # its {working} is the check's own, given when printed
    reported = factids.figure(ids[0]) if ids and factids.figure(ids[0]) in book else ""
    book.add(factids.check(check.check_id, "difference"), t.plain("fact.check.difference", description=description),
             abs(num(check.difference) or 0.0), str(check.unit), show(abs(num(check.difference) or 0.0), True),
             f"|{ids[0] if ids else 'reported'} − recomputed|", tuple(ids), section="audit",
             explain=("difference", {"reported": reported, "recomputed": recomputed}))
    book.add(factids.check(check.check_id, "tolerance"), t.plain("fact.check.tolerance", description=description),
             num(check.tolerance), str(check.unit), show(check.tolerance, True),
             "rounding of the printed figures", tuple(ids), section="audit", explain=("tolerance", {}))


@makes_facts
def _derived(book: FactBook, report, check) -> None:
    """A derived check: the quantity it works out, and the range the printed figures' rounding leaves."""
    t, ids = book.edition.t, split_ids(check.figure_ids)
    description = check_description(book, report, check)
    show = lambda value: in_source_units(report, book, ids, value)  # noqa: E731
    book.add(factids.check(check.check_id, "recomputed"), t.plain("fact.check.derived", description=description),
             num(check.recomputed), str(check.unit), show(check.recomputed), str(check.formula), tuple(ids),
             section="audit", explain=("recomputed", {}))  # its {working} is the check's own, given when printed
    # Whether rounding leaves a range is decided at the source's precision, the same in every edition.
    in_source = lambda value: in_source_units(report, book, ids, value, printer=source_printing)  # noqa: E731
    if str(check.bound_by or "") != "all_done" and in_source(check.lower) != in_source(check.upper):
        for end in ("lower", "upper"):
            book.add(factids.check(check.check_id, end), t.plain(f"fact.check.{end}", description=description),
                     num(getattr(check, end)), str(check.unit), show(getattr(check, end)),
                     f"{check.formula} at the {end} end of the printed figures' rounding", tuple(ids),
                     section="audit", explain=(f"range_{end}", {}))


@makes_facts
def previous_fact(book: FactBook, report, figure_id: str, printed: str, value, label: str, period: str = "") -> str:
    """Last period's value of a figure (or, for one that returns, the last period that printed it),
    linked to its mark on that period's page of the same edition."""
    fact_id = factids.previous(figure_id)
    period = period or previous_period(report)
    if fact_id not in book:
        book.add(fact_id, book.edition.t.plain("fact.previous", label=figure_name(book, report, figure_id, label)),
                 num(value), "", book.printer.format_printed(printed), f"{period} figures.csv: {figure_id}",
                 (f"{period}:{figure_id}",), section="changes",
                 href=f"../{period}/{page_name(book.edition.language)}#{source_anchor(figure_id)}",
                 explain=("previous_figure", {"period": factids.PREVIOUS_PERIOD}))
    return fact_id


@makes_facts
def _changes(book: FactBook, report) -> None:
    """Month over month: the previous period, how many figures are flagged, each derived quantity's
    ranges, and last period's value of each figure compared."""
    t = book.edition.t
    changes = report.changes
    if changes.empty:
        return
    period = previous_period(report)
    if period:
        book.add(factids.PREVIOUS_PERIOD, t.plain("fact.previous_period"), period, "period",
                 book.printer.format_period(period), "changes.csv previous_period", (period,), section="changes",
                 explain=("previous_period", {}))
    flags = changes["flag"].map(lambda flag: set(flag.split("|")) - {""} if isinstance(flag, str) else set())
    attention = changes[flags.map(lambda codes: bool(codes - {"new"}))]
    book.add(factids.changes("attention"), t.plain("fact.changes.attention"), float(len(attention)), "count",
             book.printer.plain_number(len(attention)), "count(changes.csv where flag has a code other than new)",
             tuple(attention["figure_id"]), section="changes", explain=("count_attention", {}))
    if period:
        new = changes[flags.map(lambda codes: "new" in codes)]
        book.add(factids.changes("new"), t.plain("fact.changes.new"), float(len(new)), "count",
                 book.printer.plain_number(len(new)), "count(changes.csv where flag has new)",
                 tuple(new["figure_id"]), section="changes", explain=("count_new", {}))
    for r in changes.itertuples():
        if r.kind == "derived":
            rows = report.checks[report.checks["check_id"] == r.figure_id]
            template = report.figure(split_ids(rows.iloc[0]["figure_ids"])[0]) if len(rows) else None
            if template is None:
                continue
            label = check_description(book, report, next(rows.itertuples()))
            for which in ("previous", "current"):
                lower, upper = getattr(r, f"{which}_lower"), getattr(r, f"{which}_upper")
                if num(lower) is None:
                    continue
                book.add(factids.change(r.figure_id, which), t.plain(f"fact.change.{which}", label=label),
                         f"{lower}–{upper}", str(r.unit), book.printer.number_range(lower, upper, template),
                         f"{r.figure_id} {which} range", (r.figure_id,), section="changes",
                         explain=(f"{which}_range", {"period": factids.PREVIOUS_PERIOD}))
        elif period and str(r.previous_printed or "").strip():
            previous_fact(book, report, r.figure_id, str(r.previous_printed), r.previous_value, str(r.label),
                          r.previous_period if isinstance(r.previous_period, str) else "")
