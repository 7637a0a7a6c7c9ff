"""Stage 3, the narrative: the public page's sections, in one edition's language, assembled from facts.

Three things are kept apart:
- numbers: every number on the page is a fact (facts.py), printed by the edition's printing
  module and linked to where it comes from;
- words: the edition's message catalogue (catalogues/<language>.yml) and, for names of
  campaigns, figures, targets and codes, the glossary (data/reference/glossary.csv);
- layout: one Jinja template per section (templates/sections/*.html.j2), autoescaped, with
  undefined names an error.

The functions here choose what each section says (which rows, which sentence) and hand the
template its pieces; they never format a number or hold a sentence of any language. What they read
is a `Report` (publish/report.py); the notebook gets it with `narrative.load_report` and its facts
with `narrative.build_facts`, both defined there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from ..audit.figures import split_ids
from ..audit.kinds import EPSILON
from ..io.rawdata import UNKNOWN
from . import explanations, factids, facts as facts_module, findings as findings_module
from .catalogue import Count
from .charts import Chart, chart_address
from .edition import chart_anchor, edition_links
from .facts import FactBook, bound, explained_checks, is_implied, previous_period, resolving, stale_days
from .htmlparts import Html, link
from .printing.common import num
from .report import Report, build_facts, load_report  # noqa: F401 - the notebook's narrative.load_report, .build_facts
from .sourceview import figure_anchor, source_view as _source_view
from .wording import require_clean

TEMPLATES = Path(__file__).parent / "templates" / "sections"


# ---- Rendering ----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def render(template: str, book: FactBook, **context) -> Html:
    """A section's template, with the edition's words (t), its facts (fact) and this section's pieces;
    a section that would print an unfilled placeholder or a doubled measure word stops the build
    (wording.require_clean)."""
    edition = book.edition
    html = _environment().get_template(template).render(t=edition.t, fact=book.link, name=edition.name, **context)
    html = " ".join(line.strip() for line in html.splitlines() if line.strip())
    return Html(require_clean(html, f"the {edition.language} page's section {template}"))


def _campaign(book: FactBook, report: Report, campaign: str) -> str:
    return book.edition.campaign_name(report.campaigns, campaign)


def _figure_label(book: FactBook, report: Report, figure_id: str) -> str:
    return facts_module.figure_name(book, report, figure_id)


def _figure(book: FactBook, figure_id: str) -> Markup:
    return book.link(factids.figure(figure_id))


def count(book: FactBook, fact_id: str) -> Count:
    """A counted fact as a message's number: its link, and its value for the words to agree with."""
    return Count(book[fact_id].value, book.link(fact_id))


def _link_or_missing(book: FactBook, fact_id: str) -> Markup:
    return book.link(fact_id) if fact_id in book else _missing(book)


def _missing(book: FactBook) -> Markup:
    return Markup(escape(book.printer.MISSING))


def _source_date(book: FactBook, key: str) -> Markup:
    """One of the report's own dates, or not recorded where source.yml records it as unknown."""
    if factids.source_date(key) in book:
        return book.link(factids.source_date(key))
    return Markup(escape(book.edition.t.text("text.not_recorded")))


def _when(report: Report, book: FactBook, row) -> Markup:
    """The date a figure stands at, in words: a year's target is the year's, not a day's."""
    t = book.edition.t
    if row.kind == "target" and str(row.as_of_printed) in ("", "今年", "年内", "本年"):
        return t("campaign.when_year")
    return t("campaign.when_date", date=book.link(factids.date(row.as_of)))


def _description(report: Report, book: FactBook, check) -> Markup:
    """A check's description with each figure it names a link to that figure's fact."""
    template = facts_module.description_template(book, report, check.check_id)
    if template is None:
        return Markup(escape(facts_module.check_description(book, report, check)))
    pieces = facts_module.PLACEHOLDER.split(template)
    full = str(book.link(factids.CONSTANT_FULL)) if "100%" in template else ""
    # A figure this period lacks (a check that does not apply) is the page's mark for a missing value:
    # a placeholder never reaches the page.
    return Markup("").join((_figure(book, part) if factids.figure(part) in book else _missing(book))
                           if index % 2 else Markup(str(escape(part)).replace("100%", full))
                           for index, part in enumerate(pieces))


def _check_description(report: Report, book: FactBook, check_id: str) -> Markup:
    rows = report.checks[report.checks["check_id"] == check_id]
    return _description(report, book, next(rows.itertuples())) if len(rows) else escape(check_id)


def _chart(chart: Chart | None) -> Markup:
    """A chart by its address beside the executed notebook (the pages embed it: pages.inline_charts)."""
    if chart is None:
        return Markup("")
    return Markup('<figure class="chart" id="{}"><img src="{}" alt="{}" loading="eager">'
                  "<figcaption>{}</figcaption></figure>").format(chart_anchor(chart.path.stem), chart_address(chart),
                                                                 chart.alt, chart.caption)


def _ids(row) -> list[str]:
    return split_ids(row.figure_ids)


def _amount(book: FactBook, fact_id: str) -> Markup:
    if fact_id not in book:
        return _missing(book)
    if fact_id.startswith("progress."):
        return book.edition.t("progress.implied", amount=book.link(fact_id))
    return book.link(fact_id)


def _printed_rate(book: FactBook, report: Report, row) -> Markup:
    rate = facts_module.rate_figure(report, _ids(row))
    return _figure(book, rate["figure_id"]) if rate is not None else _missing(book)


def _bounded(book: FactBook, code: str, value) -> Markup:
    """`value` (Markup) as a bound: the printer's words around it (至多…, at most …), from the glossary."""
    before, after = book.printer.bound_affixes(code, glossary=book.edition.glossary)
    return Markup("{}{}{}").format(before, value, after)


def _bound_word(book: FactBook, code: str) -> str:
    """The words a bound puts before its value (至多, "at most "), for a message that places them
    itself (campaign.computed: 完成率复算至多为…)."""
    return book.printer.bound_affixes(code, glossary=book.edition.glossary)[0]


def _computed_rate(book: FactBook, row) -> Markup:
    """The recomputed rate as shown in tables: — when it would be circular, 至多 when it is a bound."""
    fact_id = factids.progress(row.target_id, "rate")
    if is_implied(row) or fact_id not in book:
        return _missing(book)
    return _bounded(book, bound(row), book.link(fact_id))


def _indicator(book: FactBook, report: Report, row) -> str:
    # 农村改厕户数 already names its campaign (农村改厕): no need to say it twice.
    return book.edition.indicator(_campaign(book, report, row.campaign), facts_module.target_label(book, row))


# ---- Sections ----------------------------------------------------------------------------------

def sections(report: Report, book: FactBook) -> list[tuple[str, str]]:
    """The page's sections in order, as (anchor id, title): the table of contents."""
    t = book.edition.t
    items = [("summary", t.text("section.summary")), ("progress", t.text("section.progress"))]
    items += [(f"campaign-{c}", _campaign(book, report, c)) for c in present_campaigns(report)]
    if absent_campaigns(report):
        items.append(("absent", t.text("section.absent")))
    items += [("audit", t.text("section.audit")), ("changes", t.text("section.changes")),
              ("months", t.text("section.months")), ("about", t.text("section.about")),
              ("calculations", t.text("section.calculations")), ("source", t.text("section.source"))]
    return items


def present_campaigns(report: Report) -> list[str]:
    """Campaigns that have figures this period, in the reference order (unknown ones last)."""
    order = {c: i for i, c in enumerate(report.campaigns["campaign"])}
    found = list(dict.fromkeys(report.figures["campaign"]))
    return sorted(found, key=lambda c: (order.get(c, len(order)), found.index(c)))


def absent_campaigns(report: Report) -> list[str]:
    """Campaigns reported before and missing now (本期报告未给出数据), in the reference order: a
    campaign that applies to the period (campaigns.csv since/until) and that an earlier period
    reported. A campaign that did not exist yet is not absent."""
    present = set(report.figures["campaign"])
    before = report.reported_before
    return [c for c in report.campaigns["campaign"] if c not in present and (before is None or c in before)]


def title_block(report: Report, book: FactBook) -> Html:
    """Title, publisher, period, publication date, the source link, and a link to every other edition."""
    s, t = report.source, book.edition.t
    address = str(s["address"])
    publisher = _publisher(report, book)
    return render("title.html.j2", book, title=str(s["title"]), publisher=publisher,
                  subtitle=t("page.subtitle", publisher=publisher, period=_period_words(book)) if t.text(
                      "page.subtitle") else "",
                  start=_source_date(book, "period_start"), end=_source_date(book, "period_end"),
                  published=_source_date(book, "published"), dated=_source_date(book, "dated"),
                  address=Markup(escape(t.text("meta.address_unknown"))) if address == UNKNOWN else Markup(link(address)),
                  editions=edition_links(book.edition.language))


def _period_words(book: FactBook) -> Markup:
    return book.edition.t("meta.period_value", start=_source_date(book, "period_start"),
                          end=_source_date(book, "period_end"))


def _publisher(report: Report, book: FactBook) -> str:
    """The publisher's name in the edition's language: source.yml's publisher_<language> where it
    gives one (publisher_en: Shaoyang City Rural Revitalization Bureau), else as published."""
    s = report.source
    if str(s["publisher"]) == UNKNOWN:
        return book.edition.t.text("text.not_recorded")
    return str(s.get(f"publisher_{book.edition.language}") or s["publisher"])


def introduction(report: Report, book: FactBook) -> Html:
    return render("introduction.html.j2", book, publisher=_publisher(report, book))


def table_of_contents(report: Report, book: FactBook) -> Html:
    return render("contents.html.j2", book, items=sections(report, book))


def headline(report: Report, book: FactBook) -> Html:
    """The headline: how many figures, how many targets ahead and behind, how many checks failed."""
    t, edition = book.edition.t, book.edition
    h = lambda name: count(book, factids.headline(name))  # noqa: E731 - a count, which the words agree with
    lines = [t("headline.figures", figures=h("figures"), campaigns=h("campaigns"))]
    progress = report.progress
    if len(progress):
        targets = h("targets")  # in the order the sentence prints them
        parts = [t("headline.position", count=h(position), position=edition.name("position", position))
                 for position in ("ahead", "met", "behind") if len(progress[progress["position"] == position])]
        lines.append(t("headline.targets", targets=targets, parts=t.join(parts)))
    mismatched = report.checks[report.checks["status"] == "mismatch"]
    if len(mismatched):
        checked, mismatched_count = h("checked"), h("mismatched")
        explained = [c for c in explained_checks(report) if c in set(mismatched["check_id"])]
        if resolving(report.diagnoses).empty:
            why = Markup("")
        elif len(explained) == len(mismatched) and len(resolving(report.diagnoses)) == 1:
            why = t("headline.why_one")
        else:
            why = t("headline.why_some", explained=h("explained"), diagnosed=h("diagnosed"))
        lines.append(t("headline.checked_mismatch", checked=checked, mismatched=mismatched_count, why=why))
    else:
        lines.append(t("headline.checked_all", checked=h("checked")))
    return render("summary.html.j2", book, lines=lines)


def progress_overview(report: Report, book: FactBook) -> Html:
    """Completion against target: the chart, then what is ahead and what is behind."""
    edition = book.edition
    rows, lists = [], {"behind": [], "ahead": []}
    for row in report.progress.itertuples():
        target_id, achieved_id = facts_module.progress_fact_ids(report, row)
        rows.append([escape(_indicator(book, report, row)), _amount(book, target_id), _amount(book, achieved_id),
                     _computed_rate(book, row), _printed_rate(book, report, row),
                     escape(edition.name("position", row.position)), book.link(factids.date(row.as_of))])
    for position in ("behind", "ahead"):
        for row in report.progress[report.progress["position"] == position].itertuples():
            rate = _printed_rate(book, report, row) if is_implied(row) else _computed_rate(book, row)
            flipped = {"at_most": "at_least", "at_least": "at_most"}
            code = bound(row) if position == "ahead" else flipped.get(bound(row), bound(row))
            gap = factids.progress(row.target_id, "gap")
            lists[position].append(edition.t(
                "progress.item", indicator=_indicator(book, report, row), rate=rate,
                gap=_bounded(book, code, edition.t(f"progress.gap.{position}")),
                amount=book.link(gap) if gap in book else _missing(book), date=book.link(factids.date(row.as_of))))
    return render("progress.html.j2", book, empty=report.progress.empty, chart=_chart(report.charts.get("completion")),
                  rows=rows, at_most=any(bound(row) == "at_most" for row in report.progress.itertuples()),
                  lists=lists)


def campaign_section(report: Report, book: FactBook, campaign: str) -> Html:
    """One campaign: its key numbers in a sentence list, its chart if it has a target, a short table."""
    edition, t = book.edition, book.edition.t
    rows = report.figures[report.figures["campaign"] == campaign]
    key = [t("campaign.key_item", label=_figure_label(book, report, row.figure_id), value=_figure(book, row.figure_id),
             when=_when(report, book, row))
           for row in rows[rows["kind"].isin(["target", "cumulative", "stock"])].head(4).itertuples()]
    sentences = []
    for row in report.progress[report.progress["campaign"] == campaign].itertuples():
        position = edition.name("position", row.position)
        printed_rate = _printed_rate(book, report, row)
        label = facts_module.target_label(book, row)
        if is_implied(row):
            missing = edition.name("missing_quantity", "target" if row.target_source == "implied" else "achieved")
            sentences.append(t("campaign.implied", label=label, rate=printed_rate, position=position, missing=missing))
        else:
            printed = t("campaign.printed_rate", rate=printed_rate) if printed_rate != _missing(book) else Markup("")
            sentences.append(t("campaign.computed", label=label, bound=_bound_word(book, bound(row)),
                               rate=book.link(factids.progress(row.target_id, "rate")), position=position,
                               printed=printed))
    stale = stale_days(report)
    table_rows = []
    for row in rows.itertuples():
        when = _when(report, book, row)
        if row.figure_id in stale:
            when = Markup("{}{}").format(when, t("campaign.stale", days=count(book, factids.stale(row.figure_id))))
        value = Markup('<span id="{}">{}</span>').format(figure_anchor(row.figure_id), _figure(book, row.figure_id))
        table_rows.append([escape(_figure_label(book, report, row.figure_id)), value, when])
    chart = report.charts.get("monitoring" if campaign == "monitoring" else f"campaign_{campaign}")
    return render("campaign.html.j2", book, anchor=f"campaign-{campaign}", title=_campaign(book, report, campaign),
                  key=key, sentences=sentences, chart=_chart(chart), rows=table_rows)


def campaign_sections(report: Report, book: FactBook) -> Html:
    """Every campaign present this period, then a note on those absent."""
    parts = [campaign_section(report, book, c) for c in present_campaigns(report)]
    missing = absent_campaigns(report)
    absent = render("absent.html.j2", book, names=book.edition.join(_campaign(book, report, c) for c in missing)) \
        if missing else ""
    return Html(render("campaigns.html.j2", book) + "".join(parts) + absent)


def audit_section(report: Report, book: FactBook) -> Html:
    """Every mismatch (grouped under the diagnosis that explains it), every derived figure, each with
    the sentences it comes from; then, once, the checks that do not apply this period."""
    edition, t = book.edition, book.edition.t
    quotes = dict(zip(report.figures["figure_id"], report.figures["quote"]))
    counts = report.checks["status"].value_counts()
    statuses = ("pass", "mismatch", "derived", "not-checkable", "not-applicable")
    tally = t.join(t("audit.tally_item", status=edition.name("status", s), count=count(book, factids.audit_status(s)))
                   for s in statuses if int(counts.get(s, 0)))

    def card(check) -> dict:
        ids = _ids(check)
        fact = lambda what: factids.check(check.check_id, what)  # noqa: E731
        if check.status == "mismatch":
            reported = _figure(book, ids[0]) if ids and factids.figure(ids[0]) in book else _missing(book)
            numbers = t("audit.mismatch", reported=reported, recomputed=book.link(fact("recomputed")),
                        difference=book.link(fact("difference")), tolerance=book.link(fact("tolerance")))
            working = explanations.working_html(book, report, check)
        else:
            # Each says the operation it did: a sum, a division by a rate, a product with one.
            operation = t.text(f"audit.operation.{check.kind}")
            if str(check.bound_by or "") == "all_done":
                numbers = t("audit.derived_all_done", value=book.link(fact("recomputed")))
            elif fact("lower") in book:
                numbers = t("audit.derived_range", value=book.link(fact("recomputed")), operation=operation,
                            lower=book.link(fact("lower")), upper=book.link(fact("upper")))
            elif abs((num(check.upper) or 0) - (num(check.lower) or 0)) <= EPSILON:
                numbers = t("audit.derived_exact", value=book.link(fact("recomputed")), operation=operation)
            else:  # a range that the printed precision rounds to one number
                numbers = t("audit.derived_rounded", value=book.link(fact("recomputed")), operation=operation)
            working = Markup("")
        return {"status": check.status, "description": _description(report, book, check), "numbers": numbers,
                "working": working, "quotes": list(dict.fromkeys(quotes[i] for i in ids if i in quotes))}

    mismatched = report.checks[report.checks["status"] == "mismatch"]
    explained = explained_checks(report)
    by_id = {check.check_id: check for check in mismatched.itertuples()}
    findings, notes, figure = [], [], lambda figure_id: _figure(book, figure_id)
    for position, diagnosis in enumerate(report.diagnoses.itertuples() if not report.diagnoses.empty else []):
        if not split_ids(diagnosis.resolves):  # a note across months: it explains no mismatch
            notes.append(findings_module.note(report, book, diagnosis, figure))
            continue
        inside = [by_id[c] for c in split_ids(diagnosis.resolves) if explained.get(c) == position and c in by_id]
        findings.append({"diagnosis": findings_module.finding(report, book, diagnosis, figure),
                         "cards": [card(c) for c in inside]})
    lone = [card(check) for check in mismatched.itertuples() if check.check_id not in explained]
    derived = [card(check) for check in report.checks[report.checks["status"] == "derived"].itertuples()]
    return render("audit.html.j2", book, tally=t("audit.tally", checks=count(book, factids.AUDIT_CHECKS), tally=tally),
                  any_mismatch=not mismatched.empty, findings=findings, lone=lone, derived=derived, notes=notes,
                  not_applicable=_not_applicable(report, book))


def _not_applicable(report: Report, book: FactBook) -> list:
    """The checks that do not apply this period, named once each with the reason."""
    t = book.edition.t
    rows = report.checks[report.checks["status"] == "not-applicable"]
    present = set(report.figures["figure_id"])
    earlier = "audit.reason.previous_lacks" if previous_period(report) else "audit.reason.no_previous"
    items = []
    for check in rows.itertuples():
        # Every figure is here: what is missing is last month's (a flow).
        reason = earlier if all(i in present for i in _ids(check)) else "audit.reason.absent"
        items.append(t("audit.not_applicable_item", description=_description(report, book, check), reason=t(reason)))
    return items


def changes_note(report: Report, book: FactBook) -> Html:
    """What changed since the previous period, and figures whose as-of date is well before the period's end."""
    edition, t = book.edition, book.edition.t
    changes = report.changes
    if changes.empty:
        return render("changes.html.j2", book, lead=t("changes.none"), rows=[])
    flagged = changes[changes["flag"].map(lambda flag: isinstance(flag, str) and flag != "")]
    # New figures are counted apart from those that need attention (issue 17: "N项数据需要注意",
    # where most of the N were merely new).
    attention, new = book[factids.changes("attention")].value, factids.changes("new")
    if previous_period(report):
        period = book.link(factids.PREVIOUS_PERIOD)
        lead = (t("changes.with_previous", period=period, count=count(book, factids.changes("attention")))
                if attention else t("changes.nothing_to_note", period=period))
        if new in book and book[new].value:
            lead += t("changes.new", count=count(book, new))
    else:
        lead = t("changes.none") + (t("changes.first_flagged", count=count(book, factids.changes("attention")))
                                    if attention else Markup(""))
    rows = []
    for r in flagged.itertuples():
        if r.kind == "derived":
            before = _link_or_missing(book, factids.change(r.figure_id, "previous"))
            now = _link_or_missing(book, factids.change(r.figure_id, "current"))
            label = _check_description(report, book, r.figure_id)
        else:
            before = _link_or_missing(book, factids.previous(r.figure_id))
            now = _link_or_missing(book, factids.figure(r.figure_id))
            label = escape(facts_module.figure_name(book, report, r.figure_id, str(r.label or r.figure_id)))
        flags = []
        for code in filter(None, str(r.flag).split("|")):
            words = escape(edition.name("flag", code))
            if "{days}" in str(words):
                days = _link_or_missing(book, factids.stale(r.figure_id))
                words = Markup(str(words).replace("{days}", str(days)))
            flags.append(words)
        rows.append([label, before, now, Markup(escape(t.text("list.semicolon"))).join(flags)])
    return render("changes.html.j2", book, lead=lead, rows=rows)


def months_section(report: Report, book: FactBook) -> Html:
    """Each campaign's cumulative figures month by month (charts drawn in stage 2), or why there are none."""
    charts = [(c, report.charts[f"months_{c}"]) for c in report.campaigns["campaign"] if f"months_{c}" in report.charts]
    return render("months.html.j2", book, charts=[(_campaign(book, report, c), _chart(chart)) for c, chart in charts])


def about(report: Report, book: FactBook) -> Html:
    s, t = report.source, book.edition.t
    publisher = t.text("about.publisher_unknown") if str(s["publisher"]) == UNKNOWN else _publisher(report, book)
    title = Markup('<cite lang="zh-CN">{}</cite>').format(t.plain("about.title_quoted", title=str(s["title"])))
    return render("about.html.j2", book, source=t("about.source", publisher=publisher, title=title,
                                                   published=_source_date(book, "published"),
                                                   retrieved=_source_date(book, "retrieved")))


def calculations(report: Report, book: FactBook) -> Html:
    """How every derived number the page has shown was computed: its formula, each input a link.

    Listed in the order the page first shows them; each entry links back to that place."""
    items, done = [], set()
    while True:  # an explanation may show a derived fact for the first time: list it too
        waiting = [f for f in book.shown if f not in done and book[f].derived and book[f].href.startswith("#calc-")]
        if not waiting:
            break
        for fact_id in waiting:
            done.add(fact_id)
            fact = book[fact_id]
            working = Markup("")
            if fact_id.startswith("check.") and fact_id.endswith(".recomputed"):
                check = report.checks[report.checks["check_id"] == fact_id[len("check."):-len(".recomputed")]]
                if len(check):
                    working = Markup(str(explanations.working_html(book, report, check.iloc[0])).rsplit(" = ", 1)[0])
            explanation = explanations.explanation_html(book, fact, working=working,
                                                        describe=lambda c: _check_description(report, book, c))
            items.append((facts_module.calc_anchor(fact_id),
                          book.edition.t("calculations.item", fact=book.backlink(fact_id), label=fact.label,
                                         explanation=explanation)))
    return render("calculations.html.j2", book, items=items)


def source_view(report: Report, book: FactBook) -> Html:
    """The report's text in full, each transcribed figure marked and linked back to the page."""
    t = book.edition.t
    return _source_view(report.report_text, report.figures, heading=t.text("section.source"),
                        intro=t.text("intro.source"))


def page(report: Report, book: FactBook) -> Html:
    """The whole public page, section by section (what the notebook's cells show, in one piece)."""
    parts = [title_block, introduction, table_of_contents, headline, progress_overview, campaign_sections,
             audit_section, changes_note, months_section, about, calculations, source_view]
    return Html("".join(str(part(report, book)) for part in parts))
