"""The editions of the public page, as a registry: which there are, and what each one is.

An edition is a language with a catalogue, `catalogues/<language>.yml`: that file is what makes it
exist. `editions()` lists them, the source language first; everything that makes something per
edition reads that list, never a literal language:

- the stage table runs the narrative notebook once per edition (its executed notebook is that
  edition's page, so it can only make one), with the edition's language as its `language` parameter;
- every other stage is run once and makes its products for every edition itself: stage 2 draws each
  chart once per edition, over `editions()`;
- each page links to every other edition (`edition_links`), and outputs/index.html lists them all.

One edition's words, names and way of printing numbers:

    edition = load_edition("en", reference_dir)
    edition.t("section.summary")              # words, from catalogues/en.yml
    edition.name("flag", "cumulative_fell")   # names, from data/reference/glossary.csv
    edition.printer.format_figure(row)        # numbers, units and dates: printing/zh.py for the source
                                              # language, printing/generic.py (CLDR, through Babel) for the others

The Chinese edition names figures as the month's own data does (the transcribed label), and
targets and campaigns by the glossary's Chinese (their one name, said only there); other editions
take them from the glossary's column of their language. A figure new this month that the glossary does not name yet is shown by its
Chinese label with a note, and listed in `untranslated` so the run can say so: never silently.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from importlib import import_module

from .catalogue import Catalogue, languages, load_catalogue
from .glossary import Glossary, load_glossary

SOURCE_LANGUAGE = "zh"  # the language of the reports, their transcriptions and the reference tables


def editions() -> tuple[str, ...]:
    """The editions of the public page: one per catalogue (catalogues/<language>.yml), the source
    language first. pipeline/contract.py runs one narrative stage for each."""
    found = languages()
    return (SOURCE_LANGUAGE,) + tuple(language for language in found if language != SOURCE_LANGUAGE)


def is_source(language: str) -> bool:
    """Whether `language` is the source language's edition (the one that prints as the bureau prints)."""
    return language == SOURCE_LANGUAGE


def edition_stem(stem: str, language: str) -> str:
    """A file stem in an edition: the source language's plain (report, facts, completion), any other
    language's marked (report.en, facts.en, completion.en)."""
    return stem if is_source(language) else f"{stem}.{language}"


# Where an executed notebook finds the charts: it is kept in <period>/notebooks/, beside
# <period>/figures/ (pipeline/contract.py). The narrative points at a chart by this address, so
# that the notebook does not carry the PNG a second time; the pages embed it (pages.inline_charts).
CHARTS_FROM_NOTEBOOK = "../figures/"


def chart_anchor(stem: str) -> str:
    """The id of a chart's figure on its public page (chart-completion, chart-completion.en): the
    auditor's edition points at it rather than embedding the same chart a second time. Here, not
    in charts.py, so that the export can name it without importing matplotlib (0.66 s)."""
    return f"chart-{stem}"


def page_name(language: str) -> str:
    """An edition's public page: report.html, report.en.html."""
    return f"{edition_stem('report', language)}.html"


def facts_name(language: str) -> str:
    """An edition's facts in data/processed/<period>/: facts.csv, facts.en.csv."""
    return f"{edition_stem('facts', language)}.csv"


def facts_files() -> list[str]:
    """Every edition's facts file, the source language's first: what a period's data package lists."""
    return [facts_name(language) for language in editions()]


@functools.lru_cache(maxsize=None)
def printer_for(language: str):
    """The printing functions of an edition: the source language's own module (printing/zh.py), or
    the generic printer for any other (printing/generic.py); an unknown language is an error."""
    known = editions()
    if language not in known:
        raise ValueError(f"no printing module for language {language!r} (known: {', '.join(known)})")
    if is_source(language):
        return import_module(f".printing.{SOURCE_LANGUAGE}", __package__)
    from .printing.generic import Printer

    return Printer(language)


def html_lang(language: str) -> str:
    """An edition's language as HTML names it (<html lang>, hreflang): its catalogue's `lang`."""
    return load_catalogue(language).text("lang")


@dataclass(frozen=True)
class EditionLink:
    """A link to one edition's page, named in that edition's own language."""

    language: str
    href: str
    lang: str  # the HTML language tag of the page it leads to, for lang= and hreflang=
    text: str  # the edition's name in its own language (its catalogue's page.edition_name)


def edition_links(language: str | None = None, prefix: str = "", key: str = "page.edition_name") -> list[EditionLink]:
    """A link to every edition but `language`'s (every edition when None), in the registry's order,
    each named by its own catalogue's `key`; `prefix` goes before each page's name (2021-10/)."""
    return [EditionLink(other, f"{prefix}{page_name(other)}", html_lang(other), load_catalogue(other).text(key))
            for other in editions() if other != language]


@dataclass
class Edition:
    language: str
    t: Catalogue
    printer: object  # BoundPrinter over printing/zh.py (the source language) or printing/generic.py (the others)
    glossary: Glossary
    untranslated: list = field(default_factory=list)

    @property
    def is_source_language(self) -> bool:
        return is_source(self.language)

    def name(self, kind: str, code: str) -> str:
        """A code's or an id's name in this language, from the glossary (an error if it has none)."""
        return self.glossary.name(kind, str(code), self.language)

    def data_name(self, kind: str, id: str, chinese: str) -> str:
        """The name of a campaign, figure or target: this month's own Chinese in the Chinese edition,
        else the glossary's, else the Chinese with a note (recorded in `untranslated`)."""
        if self.is_source_language:
            return str(chinese)
        if self.glossary.missing(kind, [id], self.language):
            self.untranslated.append(f"{kind} {id}")
            return f"{chinese}{self.t.text('text.untranslated')}"
        return self.name(kind, id)

    def campaign_name(self, campaigns, campaign: str) -> str:
        """A campaign's name in this edition: the glossary's (campaigns_table joins its Chinese as name_zh)."""
        rows = campaigns[campaigns["campaign"] == campaign]
        return self.data_name("campaign", campaign, rows.iloc[0]["name_zh"] if len(rows) else campaign)

    def indicator(self, campaign: str, label: str) -> str:
        """A target's name with its campaign's, each said once: 农村改厕户数 already names 农村改厕, so
        it stands alone; 村庄规划准备工作 does not, so it becomes 村庄规划编制:村庄规划准备工作."""
        if label.casefold().startswith(campaign.casefold()):
            return label
        return self.t.plain("progress.indicator", campaign=campaign, label=label)

    def join(self, items) -> str:
        return self.t.text("list.separator").join(str(item) for item in items)


class BoundPrinter:
    """A printing module with this run's glossary passed to every function that takes one, so that
    a temporary layout (a test's, verify's) prints with its own copy of the glossary."""

    def __init__(self, module: ModuleType, glossary: Glossary):
        self.module, self.glossary = module, glossary

    def __getattr__(self, name: str):
        value = getattr(self.module, name)
        if callable(value) and "glossary" in inspect.signature(value).parameters:
            return functools.partial(value, glossary=self.glossary)
        return value


def load_edition(language: str, reference_dir: Path, period: str | None = None) -> Edition:
    """The catalogue, printing module and glossary of `language`; each refuses a language it lacks.
    With a period, the glossary's rows that apply to it (a name changed from a later month on
    leaves this one's page as it was)."""
    glossary = load_glossary(reference_dir, period)
    printer = BoundPrinter(printer_for(language), glossary)
    return Edition(language, load_catalogue(language), printer, glossary)
