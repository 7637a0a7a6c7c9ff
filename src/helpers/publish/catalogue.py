"""Each edition's words: a message catalogue per language, keyed by codes, never by sentences.

    words = load_catalogue("en")
    words("headline.targets", targets=link, parts=...)   # Markup: the words escaped, the values as given

A catalogue is a flat YAML file, `catalogues/<language>.yml`. Every catalogue has the same keys,
and each message the same {placeholders} (or is empty: not said in that language); a test holds
them in step. A key that is missing is an error naming the key and the file, never a fallback.
Placeholder values that are Markup (fact links, names already escaped) go in as they are; any
other value is escaped.

Adding a language: a catalogue here and its columns in data/reference/glossary.csv. Its numbers,
units and dates are printed by publish/printing/generic.py, configured by the catalogue's number.*
and date.* keys; no code changes.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

CATALOGUES = Path(__file__).parent / "catalogues"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class CatalogueError(KeyError):
    """A message the code asks for is not in a catalogue, or is asked for with the wrong values."""

    def __str__(self) -> str:
        return str(self.args[0])


class Catalogue:
    """The messages of one language."""

    def __init__(self, language: str, messages: dict[str, str], path: Path):
        self.language = language
        self.messages = messages
        self.path = path

    def __call__(self, key: str, **values) -> Markup:
        text = self.text(key)
        wanted = set(PLACEHOLDER.findall(text))
        missing = wanted - set(values)
        if missing:
            raise CatalogueError(f"{self.path.name}: message {key!r} needs {', '.join(sorted(missing))}")
        return Markup(string.Formatter().vformat(str(escape(text)), (), {k: escape(v) for k, v in values.items()}))

    def plain(self, key: str, **values) -> str:
        """A message as plain text (a label in a CSV, a chart's title): nothing escaped."""
        text = self.text(key)
        missing = set(PLACEHOLDER.findall(text)) - set(values)
        if missing:
            raise CatalogueError(f"{self.path.name}: message {key!r} needs {', '.join(sorted(missing))}")
        return string.Formatter().vformat(text, (), {k: str(v) for k, v in values.items()})

    def text(self, key: str) -> str:
        """The raw message (for attributes and plain text)."""
        if key not in self.messages:
            raise CatalogueError(f"{self.path.name} has no message {key!r}: add it to every catalogue in "
                                 f"{CATALOGUES.relative_to(CATALOGUES.parents[2])}")
        return str(self.messages[key])

    def join(self, items, separator: str = "list.separator") -> Markup:
        return Markup(escape(self.text(separator))).join(escape(item) for item in items)


def languages() -> list[str]:
    return sorted(path.stem for path in CATALOGUES.glob("*.yml"))


@lru_cache(maxsize=None)
def load_catalogue(language: str) -> Catalogue:
    path = CATALOGUES / f"{language}.yml"
    if not path.is_file():
        raise CatalogueError(f"no catalogue for language {language!r} (there are: {', '.join(languages())})")
    from ..io.readers import read_yaml

    messages = read_yaml(path) or {}  # a malformed or non-UTF-8 catalogue is named with its file and line
    if not isinstance(messages, dict):
        raise CatalogueError(f"{path.name} is not a mapping of keys to messages")
    return Catalogue(language, {str(k): "" if v is None else str(v) for k, v in messages.items()}, path)
