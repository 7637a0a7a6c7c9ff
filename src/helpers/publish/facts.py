"""Every number the public page prints, as a fact: its value, how it is printed, and where it comes from.

The narrative never formats a number itself. `build` reads this period's processed tables once
and makes one `Fact` per number the page may print:

- a transcribed figure (`figure.<figure_id>`), printed as the source prints it and linked to its
  mark in the source view (`#src-<figure_id>`);
- last period's value of a figure (`previous.<figure_id>`), linked to its mark on last period's page;
- a number the page derives (headline counts, gaps, recomputed rates, ranges, diagnoses,
  month-over-month values, days), with its formula over figure ids and check ids and its inputs,
  linked to its entry under 计算说明 (`#calc-<fact_id>`), which links to each input in turn;
- a date (as-of dates, the report's own dates), and the one constant the page uses (100%).

The page takes every number from the book (`FactBook.link`), so the page and
`data/processed/<period>/facts.csv` (facts.<language>.csv for other editions) cannot disagree,
and a test finds every number of the page among the facts. A fact's id, value, unit, formula and
inputs are the same in every edition; its `printed` form and `label` are the edition's own.

Ids are spelt by the functions of factids.py, in the code that makes a fact and in the code that
prints it. Every function that makes facts is marked `@makes_facts`, and each fact records it
(facts.csv `made_by`, `module:function`): from a number on the page, its link gives the fact id,
facts.csv its maker, and the maker the line that computes it.
"""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..audit.figures import split_ids
from ..audit.sentences import describe
from ..io.rawdata import UNKNOWN
from ..io.writers import write_csv
from . import factids
from .edition import Edition
from .printing.common import num, plain_number
from .sourceview import source_anchor
from .wording import require_clean

FACT_COLUMNS = ["fact_id", "label", "value", "unit", "printed", "formula", "inputs", "as_of", "section", "made_by"]

# The function making facts at this moment (`makes_facts`): what each fact records as its maker.
_MAKER: ContextVar[str] = ContextVar("fact_maker", default="")


def makes_facts(function):
    """Mark a function that makes facts: every fact added while it runs (and no inner marked function
    does) names it as its maker, `module:function`, in facts.csv's made_by."""
    maker = f"{function.__module__}:{function.__qualname__}"

    @functools.wraps(function)
    def marked(*args, **kwargs):
        token = _MAKER.set(maker)
        try:
            return function(*args, **kwargs)
        finally:
            _MAKER.reset(token)
    return marked


@dataclass
class Fact:
    fact_id: str
    label: str
    value: object
    unit: str
    printed: str
    formula: str = ""
    inputs: tuple = ()
    as_of: str = ""
    section: str = ""
    href: str = ""
    explain: tuple = ()  # (catalogue key under explain., {placeholder: fact id, "inputs", "resolves" or text})
    made_by: str = ""  # the function that made it, module:function

    @property
    def derived(self) -> bool:
        return not factids.is_transcribed(self.fact_id)


@dataclass
class FactBook:
    """The facts of one edition's page, and which of them the page has shown, in the order it shows them."""

    edition: Edition
    facts: dict = field(default_factory=dict)
    shown: list = field(default_factory=list)

    @property
    def printer(self):
        return self.edition.printer

    def add(self, fact_id: str, label: str, value, unit: str, printed: str, formula: str = "",
            inputs=(), as_of: str = "", section: str = "", href: str = "", explain: tuple = ()) -> Fact:
        """Make a fact (or return the same one again); two different facts under one id are an error, and so
        is a fact made outside a function marked @makes_facts (it would have no maker)."""
        maker = _MAKER.get()
        if not maker:
            raise ValueError(f"fact {fact_id!r} made outside a function marked @makes_facts: mark the function "
                             "that makes it, so that facts.csv can name it (made_by)")
        for text in (label, printed):
            require_clean(str(text), f"fact {fact_id}")
        fact = Fact(fact_id, label, value, unit, printed, formula, tuple(inputs), as_of, section,
                    href or f"#{calc_anchor(fact_id)}", explain, maker)
        known = self.facts.get(fact_id)
        if known is not None:
            if (known.printed, known.value) != (fact.printed, fact.value):
                raise ValueError(f"fact {fact_id!r} made twice with different values: "
                                 f"{known.printed!r} and {fact.printed!r}")
            return known
        self.facts[fact_id] = fact
        return fact

    def __getitem__(self, fact_id: str) -> Fact:
        if fact_id not in self.facts:
            raise KeyError(f"no fact {fact_id!r}: the page may only print numbers that facts.build made")
        return self.facts[fact_id]

    def __contains__(self, fact_id: str) -> bool:
        return fact_id in self.facts

    def link(self, fact_id: str) -> Markup:
        """The fact as the page prints it, linked to its source mark or its calculation. The first
        time the page shows a fact, the link carries the id its calculation links back to."""
        fact = self[fact_id]
        anchor = ""
        if fact_id not in self.shown:
            self.shown.append(fact_id)
            anchor = Markup(' id="{}"').format(fact_anchor(fact_id))
        return Markup('<a class="fact"{} href="{}">{}</a>').format(anchor, fact.href, fact.printed)

    def backlink(self, fact_id: str) -> Markup:
        """The fact, linked back to the place the page first shows it (for its calculation's entry)."""
        return Markup('<a class="fact" href="#{}">{}</a>').format(fact_anchor(fact_id), self[fact_id].printed)

    def table(self, fact_ids=None) -> pd.DataFrame:
        """The facts (all, or the ids given) as facts.csv's rows."""
        fact_ids = list(self.facts) if fact_ids is None else list(fact_ids)
        rows = [{"fact_id": f.fact_id, "label": f.label, "value": _cell(f.value), "unit": f.unit,
                 "printed": f.printed, "formula": f.formula, "inputs": "|".join(f.inputs), "as_of": f.as_of,
                 "section": f.section, "made_by": f.made_by} for f in (self[i] for i in fact_ids)]
        return pd.DataFrame(rows, columns=FACT_COLUMNS)

    def show(self, *prefixes: str) -> pd.DataFrame:
        """The facts whose ids start with any of `prefixes`: one notebook cell per published finding."""
        return self.table([i for i in self.facts if i.startswith(prefixes)])


def fact_anchor(fact_id: str) -> str:
    return f"fact-{fact_id}"


def calc_anchor(fact_id: str) -> str:
    return f"calc-{fact_id}"


def _cell(value) -> str:
    if isinstance(value, float):
        return plain_number(value).replace(",", "")
    return "" if value is None else str(value)


def save(book: FactBook, path: Path) -> pd.DataFrame:
    """Write the edition's facts file (its stage's product `facts`, facts.csv or facts.<language>.csv):
    every fact its page has shown, in the order it first shows them."""
    table = book.table(book.shown)
    written = write_csv(table, Path(path))
    return pd.DataFrame({"file": [written.name], "rows": [len(table)]})


# ---- Reading the processed tables ----------------------------------------------------------------

def first_figure(report, ids: list[str], which: str) -> pd.Series | None:
    """A progress row's target or achieved figure (targets.csv lists target, achieved, rate ids)."""
    rows = report.figures[report.figures["figure_id"].isin(ids)]
    kinds = ("target",) if which == "target" else ("cumulative", "stock", "count")
    rows = rows[rows["kind"].isin(kinds)]
    return rows.iloc[0] if len(rows) else None


def rate_figure(report, ids: list[str]) -> pd.Series | None:
    rows = report.figures[report.figures["figure_id"].isin(ids) & (report.figures["unit"] == "percent")]
    return rows.iloc[0] if len(rows) else None


RATE_DECIMALS = 2  # a recomputed rate, as the report prints its rates (95.55%)


def printed_rate(row, figures: pd.DataFrame, printer) -> str:
    """A progress row's completion rate as its page prints it, the one printed form the page's fact
    and its charts share: the report's own rate as the report prints it (104.03%, 100%) when the
    target or achievement is worked back from it (the page's fact is that figure), otherwise the
    recomputed rate at the report's precision (95.55%: fact progress.<target>.rate)."""
    if is_implied(row):
        rows = figures[figures["figure_id"].isin(split_ids(row.figure_ids)) & (figures["unit"] == "percent")]
        if len(rows):
            return printer.format_figure(rows.iloc[0])
    return printer.format_percent(num(row.computed_rate), RATE_DECIMALS)


def is_implied(row) -> bool:
    """A progress row whose target or achievement is worked back from the printed rate."""
    return "implied" in (row.target_source, row.achieved_source)


def bound(row) -> str:
    return str(getattr(row, "rate_bound", "") or "")


def resolving(diagnoses: pd.DataFrame) -> pd.DataFrame:
    """The diagnoses that explain mismatches (the others are notes across months)."""
    return diagnoses[diagnoses["resolves"].map(lambda value: bool(split_ids(value)))] if len(diagnoses) else diagnoses


def explained_checks(report) -> dict[str, int]:
    """Mismatched check id -> the position in diagnoses.csv of the diagnosis that explains it."""
    explained = {}
    for position, row in enumerate(report.diagnoses.itertuples()) if not report.diagnoses.empty else []:
        for check_id in split_ids(row.resolves):
            explained.setdefault(check_id, position)
    return explained


def previous_period(report) -> str:
    """The period changes.csv compares with, or '' for the first period."""
    if report.changes.empty or "previous_period" not in report.changes:
        return ""
    # The latest: a figure that returns after an absence is compared with an older period.
    return max((p for p in report.changes["previous_period"] if isinstance(p, str) and p.strip()), default="")


def stale_days(report) -> dict[str, float]:
    """Figures whose as-of date is well before the period's end (changes.csv), and by how many days."""
    changes = report.changes
    if changes.empty or "as_of_gap_days" not in changes:
        return {}
    stale = changes[changes["flag"].map(lambda flag: "stale_as_of" in str(flag).split("|"))]
    return dict(zip(stale["figure_id"], stale["as_of_gap_days"]))


def figure_name(book: FactBook, report, figure_id: str, chinese: str | None = None) -> str:
    """A figure's label in the edition's language."""
    row = report.figure(figure_id)
    chinese = chinese if chinese is not None else (row["label"] if row is not None else figure_id)
    return book.edition.data_name("figure", figure_id, chinese)


def description_template(book: FactBook, report, check_id: str) -> str | None:
    """A check's description with {figure_id} placeholders, in the edition's language: checks.csv's own in
    the source language; a check read from a sentence names its figures in the edition's language; a
    declared one takes the glossary's, or None (recorded as untranslated) where it has none."""
    edition = book.edition
    if edition.is_source_language:
        return report.descriptions.get(check_id)
    if report.relations.get(check_id, {}).get("origin") == "text":
        return describe(report.relations[check_id], lambda figure_id: figure_name(book, report, figure_id))
    if edition.glossary.missing("relation", [check_id], edition.language):
        edition.untranslated.append(f"relation {check_id}")
        return None
    return edition.name("relation", check_id)


def check_description(book: FactBook, report, check) -> str:
    """A check's description as plain text in the edition's language (its figures as printed; a
    figure this period lacks as the page's mark for a missing value, never as its placeholder)."""
    template = description_template(book, report, check.check_id)
    if template is None:
        marked = "" if book.edition.is_source_language else book.edition.t.text("text.untranslated")
        return f"{check.description}{marked}"
    return PLACEHOLDER.sub(lambda m: book[factids.figure(m.group(1))].printed if factids.figure(m.group(1)) in book
                           else book.printer.MISSING, template)


PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


# ---- Building the facts of a period ------------------------------------------------------------

def build(report, edition: Edition) -> FactBook:
    """The figures, dates, headline counts and progress of the period, made once from its processed
    tables; checkfacts.build adds the checks' and month over month's numbers, findings.diagnosis_facts
    the diagnoses' (report.build_facts makes the whole book)."""
    book = FactBook(edition)
    for make in (_constants, _source_dates, _figures, _stale_days, _headline, _progress):
        make(book, report)
    return book


@makes_facts
def _constants(book: FactBook, report) -> None:
    book.add(factids.CONSTANT_FULL, book.edition.t.plain("fact.constant.full"), 100.0, "percent",
             book.printer.format_percent(100.0, 0), "definition", section="progress", explain=("constant_full", {}))


@makes_facts
def date_fact(book: FactBook, iso: str, figure_ids=(), section: str = "") -> str:
    """The fact of one as-of date (the figures dated that day are its inputs); returns its id."""
    fact_id = factids.date(iso)
    if fact_id in book:
        known = book[fact_id]
        known.inputs = tuple(dict.fromkeys(known.inputs + tuple(figure_ids)))
        return fact_id
    book.add(fact_id, book.edition.t.plain("fact.date"), iso, "date", book.printer.format_date(iso),
             "as_of of the figures", tuple(figure_ids), iso, section, explain=("date_as_of", {"figures": "inputs"}))
    return fact_id


@makes_facts
def _source_dates(book: FactBook, report) -> None:
    source = report.source
    covered = source.get("period_covered", {})
    for key, value in (("period_start", covered.get("start")), ("period_end", covered.get("end")),
                       ("published", source.get("published")), ("dated", source.get("dated")),
                       ("retrieved", source.get("retrieved"))):
        if value is None or str(value) == UNKNOWN:
            continue  # not a number: the page says it is not recorded
        iso = str(value)[:10]
        field_name = {"period_start": "period_covered.start", "period_end": "period_covered.end"}.get(key, key)
        book.add(factids.source_date(key), book.edition.t.plain(f"fact.source.{key}"), iso, "date",
                 book.printer.format_date(iso), f"source.yml: {field_name}", ("source.yml",), section="about",
                 explain=("source_date", {"field": field_name}))


@makes_facts
def _figures(book: FactBook, report) -> None:
    """Every transcribed figure, printed as the source prints it, and the dates they stand at."""
    for _, row in report.figures.iterrows():
        book.add(factids.figure(row["figure_id"]), figure_name(book, report, row["figure_id"], row["label"]),
                 float(row["value"]), str(row["unit"]), book.printer.format_figure(row), "transcribed from report.txt",
                 (row["figure_id"],), str(row["as_of"]), f"campaign-{row['campaign']}",
                 href=f"#{source_anchor(row['figure_id'])}")
    for as_of, group in report.figures.groupby("as_of", sort=True):
        date_fact(book, str(as_of), tuple(group["figure_id"]))


@makes_facts
def _stale_days(book: FactBook, report) -> None:
    """How many days each figure dated well before the period's end falls before it (changes.csv)."""
    t = book.edition.t
    for figure_id, days in stale_days(report).items():
        row = report.figure(figure_id)
        book.add(factids.stale(figure_id), t.plain("fact.stale", label=figure_name(book, report, figure_id)),
                 float(days), "days", book.printer.plain_number(days), "period_covered.end − as_of",
                 (figure_id, "source.period_end"), str(row["as_of"]), f"campaign-{row['campaign']}",
                 explain=("stale_days", {"end": factids.source_date("period_end"), "as_of": factids.date(row["as_of"])}))


@makes_facts
def _headline(book: FactBook, report) -> None:
    """The counts the summary states."""
    t, edition = book.edition.t, book.edition
    progress, status = report.progress, report.checks["status"].value_counts()
    figures = list(report.figures["figure_id"])
    campaigns = list(dict.fromkeys(report.figures["campaign"]))

    def count(name: str, label: str, value: int, formula: str, inputs, explain) -> None:
        book.add(factids.headline(name), label, float(value), "count", book.printer.plain_number(value), formula,
                 tuple(inputs), section="summary", explain=explain)

    count("figures", t.plain("fact.headline.figures"), len(figures), "count(figures.csv)", figures,
          ("count_figures", {}))
    count("campaigns", t.plain("fact.headline.campaigns"), len(campaigns), "count(distinct campaign in figures.csv)",
          campaigns, ("count_campaigns", {}))
    count("targets", t.plain("fact.headline.targets"), len(progress), "count(progress.csv)", progress["target_id"],
          ("count_targets", {}))
    for position in ("ahead", "met", "behind"):
        subset = progress[progress["position"] == position]
        words = edition.name("position", position)
        count(position, t.plain("fact.headline.position", position=words), len(subset),
              f"count(progress.csv where position = {position})", subset["target_id"],
              ("count_position", {"position": words}))
    judged = report.checks[report.checks["status"].isin(["pass", "mismatch"])]
    mismatched = report.checks[report.checks["status"] == "mismatch"]
    count("checked", t.plain("fact.headline.checked"), len(judged), "count(checks.csv where status in pass, mismatch)",
          judged["check_id"], ("count_checked", {}))
    count("mismatched", t.plain("fact.headline.mismatched"), int(status.get("mismatch", 0)),
          "count(checks.csv where status = mismatch)", mismatched["check_id"], ("count_mismatched", {}))
    explained = [c for c in explained_checks(report) if c in set(mismatched["check_id"])]
    count("explained", t.plain("fact.headline.explained"), len(explained),
          "count(mismatched checks in diagnoses.csv resolves)", explained, ("count_explained", {}))
    diagnosed = list(resolving(report.diagnoses)["figure_id"]) if not report.diagnoses.empty else []
    count("diagnosed", t.plain("fact.headline.diagnosed"), len(diagnosed), "count(diagnoses.csv)", diagnosed,
          ("count_diagnosed", {}))


def target_label(book: FactBook, row) -> str:
    return book.edition.data_name("target", row.target_id, row.label)


@makes_facts
def _progress(book: FactBook, report) -> None:
    """Each progress row's implied target or achievement, recomputed completion rate and gap."""
    p, t = book.printer, book.edition.t
    for row in report.progress.itertuples():
        ids = split_ids(row.figure_ids)
        label = target_label(book, row)
        target, achieved, rate = first_figure(report, ids, "target"), first_figure(report, ids, "achieved"), \
            rate_figure(report, ids)
        date_fact(book, str(row.as_of), ids)
        for which, own, other in (("target", target, achieved), ("achieved", achieved, target)):
            if getattr(row, f"{which}_source") == "reported" and own is not None:
                continue  # the page prints the figure itself
            template = other if other is not None else own
            value = num(getattr(row, which))
            if template is None or value is None:
                continue
            if which == "target":
                formula = f"{achieved['figure_id']} ÷ ({rate['figure_id']} / 100)"
                inputs, explain = (achieved["figure_id"], rate["figure_id"]), ("implied_target", {
                    "achieved": factids.figure(achieved["figure_id"]), "rate": factids.figure(rate["figure_id"])})
            else:
                formula = f"{target['figure_id']} × {rate['figure_id']} / 100"
                inputs, explain = (target["figure_id"], rate["figure_id"]), ("implied_achieved", {
                    "target": factids.figure(target["figure_id"]), "rate": factids.figure(rate["figure_id"])})
            # At the precision of the figures it comes from, as its range is printed (37.5458万人, inside
            # 37.5440至37.5477万人), never rounded further (37.55万人 would fall outside it).
            book.add(factids.progress(row.target_id, which), t.plain(f"fact.progress.{which}", label=label), value,
                     str(row.unit), p.like(value, template), formula, inputs, str(row.as_of), "progress",
                     explain=explain)
        target_id, achieved_id = progress_fact_ids(report, row)
        if not is_implied(row) and num(row.computed_rate) is not None:
            book.add(factids.progress(row.target_id, "rate"), t.plain("fact.progress.rate", label=label),
                     num(row.computed_rate), "percent", printed_rate(row, report.figures, p),
                     f"{achieved_id.split('.', 1)[1]} ÷ {target_id.split('.', 1)[1]} × 100", tuple(ids),
                     str(row.as_of), "progress",
                     explain=("completion_rate", {"achieved": achieved_id, "target": target_id,
                                                  "full": factids.CONSTANT_FULL}))
        template = target if target is not None else achieved
        gap = abs(float(row.gap))
        if template is not None and target_id in book and achieved_id in book:
            book.add(factids.progress(row.target_id, "gap"), t.plain("fact.progress.gap", label=label), gap,
                     str(row.unit), p.like(gap, template), f"|{target_id} − {achieved_id}|", tuple(ids),
                     str(row.as_of), "progress", explain=("gap", {"target": target_id, "achieved": achieved_id}))


def progress_fact_ids(report, row) -> tuple[str, str]:
    """Fact ids of a progress row's target and achievement: the figures, or the implied facts."""
    ids = split_ids(row.figure_ids)
    target = first_figure(report, ids, "target")
    achieved = first_figure(report, ids, "achieved")
    target_id = (factids.figure(target["figure_id"]) if row.target_source == "reported" and target is not None
                 else factids.progress(row.target_id, "target"))
    achieved_id = (factids.figure(achieved["figure_id"]) if row.achieved_source == "reported" and achieved is not None
                   else factids.progress(row.target_id, "achieved"))
    return target_id, achieved_id
