"""One edition of the public page: its language's words, names and way of printing numbers.

    edition = load_edition("en", reference_dir)
    edition.t("section.summary")              # words, from catalogues/en.yml
    edition.name("flag", "cumulative_fell")   # names, from data/reference/glossary.csv
    edition.printer.format_figure(row)        # numbers, units and dates, from printing/generic.py

The Chinese edition names figures, targets and campaigns as the month's own data does (the
transcribed label, targets.csv label_zh, campaigns.csv name_zh); other editions take them from
the glossary. A figure new this month that the glossary does not name yet is shown by its
Chinese label with a note, and listed in `untranslated` so the run can say so: never silently.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from . import printing
from .catalogue import Catalogue, languages, load_catalogue
from .glossary import Glossary, load_glossary

SOURCE_LANGUAGE = "zh"  # the language of the reports, their transcriptions and the reference tables


def editions() -> tuple[str, ...]:
    """The editions of the public page: one per catalogue (catalogues/<language>.yml), the source
    language first. pipeline/contract.py runs one narrative stage for each."""
    found = languages()
    return (SOURCE_LANGUAGE,) + tuple(language for language in found if language != SOURCE_LANGUAGE)


LANGUAGES = editions()


def edition_stem(stem: str, language: str) -> str:
    """A file stem in an edition: the source language's plain (report, facts, completion), any other
    language's marked (report.en, facts.en, completion.en)."""
    return stem if language == SOURCE_LANGUAGE else f"{stem}.{language}"


# Where an executed notebook finds the charts: it is kept in <period>/notebooks/, beside
# <period>/figures/ (pipeline/contract.py). The narrative points at a chart by this address, so
# that the notebook does not carry the PNG a second time; the pages embed it (pages.inline_charts).
CHARTS_FROM_NOTEBOOK = "../figures/"


def page_name(language: str) -> str:
    """An edition's public page: report.html, report.en.html."""
    return f"{edition_stem('report', language)}.html"


def facts_name(language: str) -> str:
    """An edition's facts in data/processed/<period>/: facts.csv, facts.en.csv."""
    return f"{edition_stem('facts', language)}.csv"


def facts_files() -> list[str]:
    """Every edition's facts file, the source language's first: what a period's data package lists."""
    return [facts_name(language) for language in editions()]


@dataclass
class Edition:
    language: str
    t: Catalogue
    printer: object  # BoundPrinter over printing/zh.py (Chinese) or printing/generic.py (the others)
    glossary: Glossary
    untranslated: list = field(default_factory=list)

    @property
    def is_source_language(self) -> bool:
        return self.language == SOURCE_LANGUAGE

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
        """A campaign's name in this edition, from campaigns.csv's name_zh or the glossary."""
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
    printer = BoundPrinter(printing.for_language(language), glossary)
    return Edition(language, load_catalogue(language), printer, glossary)
