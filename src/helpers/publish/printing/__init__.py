"""Numbers, units and dates as each edition prints them: one module per language, the same
functions in each (`zh`: as the bureau prints them, 39.0589万人; `en`: 390,589 persons), and the
language-neutral pieces both share in `common`.

    from helpers.publish import printing
    printing.for_language("zh").format_figure(row)
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

LANGUAGES = ("zh", "en")


def for_language(language: str) -> ModuleType:
    """The printing module of `language`; an unknown language is an error, never a fallback."""
    if language not in LANGUAGES:
        raise ValueError(f"no printing module for language {language!r} (known: {', '.join(LANGUAGES)})")
    return import_module(f".{language}", __name__)
