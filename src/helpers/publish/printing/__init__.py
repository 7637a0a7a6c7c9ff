"""Numbers, units and dates as each edition prints them: the same functions for every language.

- zh (printing/zh.py): as the bureau prints them, 39.0589万人 — the source's own forms;
- every other language (printing/generic.py): one printer configured by the language's catalogue
  (catalogues/<language>.yml) and named by its glossary column: 390,589 persons.

    from helpers.publish import printing
    printing.for_language("en").format_figure(row)

A language exists when it has a catalogue; an unknown one is an error, never a fallback.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from ..catalogue import languages

SOURCE_LANGUAGE = "zh"


@lru_cache(maxsize=None)
def for_language(language: str):
    """The printing functions of `language`: the zh module, or the generic printer for its catalogue."""
    known = languages()
    if language not in known:
        raise ValueError(f"no printing module for language {language!r} (known: {', '.join(known)})")
    if language == SOURCE_LANGUAGE:
        return import_module(f".{language}", __name__)
    from .generic import Printer

    return Printer(language)
