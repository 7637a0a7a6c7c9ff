"""The diagnoses on the page: each explanation in the edition's words, its arithmetic as facts.

A diagnosis (diagnoses.csv) either resolves mismatches (a misprint, a different base, a base named
by the text, last month's misprint, a dropped list item) and is shown as a finding above the checks
it explains, or resolves none (a note across months: a companion that rose beside a fall, a base
that changed) and is shown among the notes. `diagnosis_facts` makes the numbers each one prints
(report.build_facts calls it); `finding` and `note` write its sentences. Words come from the catalogue
(diagnosis.*), numbers from facts, each a link to its source or its calculation.
"""

from __future__ import annotations

from ..audit.figures import split_ids
from . import factids
from .catalogue import Count
from .checkfacts import in_source_units
from .facts import FactBook, figure_name, makes_facts, previous_period, resolving  # noqa: F401 - resolving for the narrative
from .printing.common import num


def fact_id(diagnosis, what: str) -> str:
    """The id of one of a diagnosis's numbers (factids.diagnosis)."""
    return factids.diagnosis(diagnosis.figure_id, str(diagnosis.kind), what)


@makes_facts
def diagnosis_facts(book: FactBook, report) -> None:
    """The numbers every diagnosis prints: what it proposes, how many checks it explains, and its
    arithmetic (the check recomputed with the proposed value, a range last month, a change)."""
    t = book.edition.t
    for diagnosis in report.diagnoses.itertuples() if not report.diagnoses.empty else []:
        figure = report.figure(diagnosis.figure_id)
        if figure is None:
            continue
        label = figure_name(book, report, diagnosis.figure_id)
        resolves = split_ids(diagnosis.resolves)
        kind = str(diagnosis.kind)
        decimals = int(figure["decimals"])
        if kind != "companion_rose":
            proposed = book.printer.number_range(diagnosis.lower, diagnosis.upper, figure, decimals=decimals)
            book.add(fact_id(diagnosis, "proposed"), t.plain("fact.diagnosis.proposed", label=label), str(diagnosis.proposed),
                     str(figure["unit"]), proposed, f"values of {diagnosis.figure_id} for which "
                     f"{' and '.join(resolves) or 'the shares taken of it'} pass",
                     (diagnosis.figure_id, *resolves), str(figure["as_of"]), "audit",
                     explain=("proposed", {"figure": factids.figure(diagnosis.figure_id), "checks": "resolves"}))
        if resolves:
            book.add(fact_id(diagnosis, "resolves"), t.plain("fact.diagnosis.resolves", label=label), float(len(resolves)),
                     "count", book.printer.plain_number(len(resolves)), f"count({diagnosis.figure_id} resolves)", tuple(resolves),
                     section="audit", explain=("count_resolved", {}))
        recomputed = num(getattr(diagnosis, "recomputed", None))
        if recomputed is not None and resolves and kind != "item_dropped":
            check = report.checks[report.checks["check_id"] == resolves[0]].iloc[0]
            ids = split_ids(check["figure_ids"])
            book.add(fact_id(diagnosis, "recomputed"), t.plain("fact.diagnosis.recomputed", label=label), recomputed,
                     str(check["unit"]), in_source_units(report, book, ids, recomputed),
                     f"{check['formula']} with {diagnosis.figure_id} = {diagnosis.proposed}", tuple(ids),
                     section="audit", explain=("diagnosis_recomputed", {"proposed": fact_id(diagnosis, "proposed")}))
        before = num(getattr(diagnosis, "previous_lower", None))
        if before is not None and kind == "base_changed":
            book.add(fact_id(diagnosis, "previous"), t.plain("fact.diagnosis.previous", label=label),
                     f"{diagnosis.previous_lower}–{diagnosis.previous_upper}", str(figure["unit"]),
                     book.printer.number_range(diagnosis.previous_lower, diagnosis.previous_upper, figure,
                                               decimals=decimals),
                     f"values of {diagnosis.figure_id} for which the shares of {diagnosis.related_period} pass",
                     (f"{diagnosis.related_period}:{diagnosis.figure_id}",), section="audit",
                     explain=("base_fit_previous", {"period": factids.PREVIOUS_PERIOD}))
        if kind == "companion_rose":
            for figure_id, name in ((diagnosis.figure_id, "change"), (str(diagnosis.related), "companion_change")):
                _change_fact(book, report, figure_id, fact_id(diagnosis, name))


@makes_facts
def _change_fact(book: FactBook, report, figure_id: str, change_id: str) -> None:
    """A figure's change since last period, printed like the figure (−37户, 1.348万平方米)."""
    rows = report.changes[report.changes["figure_id"] == figure_id] if not report.changes.empty else []
    if not len(rows) or num(rows.iloc[0]["change"]) is None:
        return
    change = num(rows.iloc[0]["change"])
    book.add(change_id, book.edition.t.plain("fact.diagnosis.change", label=figure_name(book, report, figure_id)),
             change, str(rows.iloc[0]["unit"]), in_source_units(report, book, [figure_id], abs(change), True),
             f"{figure_id} − previous {figure_id}", (figure_id, f"{previous_period(report)}:{figure_id}"),
             section="audit", explain=("change", {"period": factids.PREVIOUS_PERIOD}))


def _link_or_missing(book: FactBook, wanted: str):
    return book.link(wanted) if wanted in book else book.printer.MISSING


def finding(report, book: FactBook, diagnosis, figure_link) -> dict:
    """A diagnosis that explains mismatches, in plain words: the printed number, the number that would
    make the checks agree, why, and the sentence it is printed in."""
    edition, t = book.edition, book.edition.t
    kind = str(diagnosis.kind)
    figure = report.figure(diagnosis.figure_id)
    printed = lambda: figure_link(diagnosis.figure_id)  # noqa: E731 - each use is its own link
    proposed = lambda: book.link(fact_id(diagnosis, "proposed"))  # noqa: E731
    label = figure_name(book, report, diagnosis.figure_id)
    count = len(split_ids(diagnosis.resolves))
    agree = t("diagnosis.agree_one") if count == 1 else t("diagnosis.agree_some", count=Count(
        book[fact_id(diagnosis, "resolves")].value, book.link(fact_id(diagnosis, "resolves"))))
    quote = str(figure["quote"])
    if kind == "previous_misprint":
        last = _link_or_missing(book, factids.previous(diagnosis.figure_id))
        head = t("diagnosis.head_previous", label=label, period=_period(book), printed=last, proposed=proposed(),
                 agree=agree)
        why = t("diagnosis.previous_misprint", printed=_link_or_missing(book, factids.previous(diagnosis.figure_id)),
                proposed=proposed(), typo=edition.name("typo", diagnosis.typo),
                recomputed=book.link(fact_id(diagnosis, "recomputed")))
    elif kind == "item_dropped":
        check = split_ids(diagnosis.resolves)[0]
        head = t("diagnosis.head_listed", label=label, printed=printed(),
                 listed=book.link(factids.check(check, "recomputed")))
        gone = [i for i in split_ids(diagnosis.related) if factids.previous(i) in book]
        labels = dict(zip(report.changes["figure_id"], report.changes["label"])) if not report.changes.empty else {}
        figures = t("diagnosis.item_figures", figures=t.join(
            t("diagnosis.named_value", name=figure_name(book, report, i, labels.get(i, i)),
              value=book.link(factids.previous(i))) for i in gone)) if gone else ""
        why = t("diagnosis.item_dropped", period=_period(book), items=str(diagnosis.related_text), figures=figures)
    else:
        head = t("diagnosis.head", label=label, printed=printed(), proposed=proposed(), agree=agree)
        if kind == "misprint":
            why = t("diagnosis.misprint", proposed=proposed(), printed=printed(),
                    typo=edition.name("typo", diagnosis.typo), kind=edition.name("diagnosis", kind))
        elif kind == "named_base":
            named = str(diagnosis.related)
            quote = str(report.figure(named)["quote"]) if report.figure(named) is not None else quote
            why = t("diagnosis.named_base", proposed=proposed(), named=figure_name(book, report, named),
                    recomputed=book.link(fact_id(diagnosis, "recomputed")), printed=printed())
        else:
            why = t("diagnosis.different", proposed=proposed(), printed=printed(), kind=edition.name("diagnosis", kind))
    return {"head": head, "why": why, "quote": quote}


def note(report, book: FactBook, diagnosis, figure_link) -> dict:
    """A note across months (a diagnosis that explains no mismatch), with the sentence it concerns."""
    t, kind = book.edition.t, str(diagnosis.kind)
    figure = report.figure(diagnosis.figure_id)
    label = figure_name(book, report, diagnosis.figure_id)
    if kind == "companion_rose":
        companion = str(diagnosis.related)
        words = t("diagnosis.companion_rose", label=label,
                  before=_link_or_missing(book, factids.previous(diagnosis.figure_id)),
                  now=figure_link(diagnosis.figure_id), change=_link_or_missing(book, fact_id(diagnosis, "change")),
                  companion=figure_name(book, report, companion),
                  companion_before=_link_or_missing(book, factids.previous(companion)), companion_now=figure_link(companion),
                  companion_change=_link_or_missing(book, fact_id(diagnosis, "companion_change")))
    else:
        words = t("diagnosis.base_changed", label=label, period=_period(book),
                  previous=book.link(fact_id(diagnosis, "previous")), now=book.link(fact_id(diagnosis, "proposed")),
                  printed=figure_link(diagnosis.figure_id))
    return {"words": words, "quote": str(figure["quote"])}


def _period(book: FactBook):
    return book.link(factids.PREVIOUS_PERIOD) if factids.PREVIOUS_PERIOD in book else book.printer.MISSING
