"""Each edition's words: a message catalogue per language, keyed by codes, never by sentences.

    words = load_catalogue("en")
    words("headline.targets", targets=link, parts=...)   # Markup: the words escaped, the values as given

A catalogue is a flat YAML file, `catalogues/<language>.yml`. Every catalogue has the same keys,
and each message the same {placeholders} (or is empty: not said in that language); a test holds
them in step. A key that is missing is an error naming the key and the file, never a fallback.
Placeholder values that are Markup (fact links, names already escaped) go in as they are; any
other value is escaped.

A message whose words agree with a number (1 figure, 2 figures; in Russian 1, 2 and 5 take three
forms) is a mapping: `plural` names the placeholder it agrees with, and each CLDR plural category
of the catalogue's `locale` has its form (English: one, other; Chinese needs none, so its messages
stay plain). The code passes that number as a `Count`, its value and how the page shows it; a
message may nest a second mapping in a form, for a second number:

    headline.why_some:
      plural: diagnosed
      one: "; {diagnosed} number explains {explained} of them"
      other: "; {diagnosed} numbers explain {explained} of them"

Adding a language: a catalogue here and its columns in data/reference/glossary.csv. Its numbers,
units and dates are printed by publish/printing/generic.py, through CLDR for the catalogue's
`locale`; no code changes.
"""

from __future__ import annotations

import re
import string
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from ..text.numbers import plain_number

CATALOGUES = Path(__file__).parent / "catalogues"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class CatalogueError(KeyError):
    """A message the code asks for is not in a catalogue, or is asked for with the wrong values."""

    def __str__(self) -> str:
        return str(self.args[0])


class Count:
    """A number that a message's words agree with: its value (which picks the plural form) and how
    the page shows it (a fact's link, or plain digits)."""

    def __init__(self, number, shown):
        self.number, self.shown = number, shown

    def __html__(self) -> str:
        return str(escape(self.shown))

    def __str__(self) -> str:
        return str(self.shown)

    @property
    def printed(self) -> Decimal:
        """The number as printed, for its plural category: 1 (one in English), not 1.0 (other)."""
        return Decimal(plain_number(self.number, grouped=False))


class Catalogue:
    """The messages of one language."""

    def __init__(self, language: str, messages: dict[str, str | dict], path: Path):
        self.language = language
        self.messages = messages
        self.path = path

    @cached_property
    def locale(self):
        """The catalogue's CLDR locale (its `locale`), for plural categories."""
        from babel import Locale

        return Locale.parse(self.text("locale"))

    def __call__(self, key: str, **values) -> Markup:
        text = self._form(key, values)
        wanted = set(PLACEHOLDER.findall(text))
        missing = wanted - set(values)
        if missing:
            raise CatalogueError(f"{self.path.name}: message {key!r} needs {', '.join(sorted(missing))}")
        return Markup(string.Formatter().vformat(str(escape(text)), (), {k: escape(v) for k, v in values.items()}))

    def plain(self, key: str, **values) -> str:
        """A message as plain text (a label in a CSV, a chart's title): nothing escaped."""
        text = self._form(key, values)
        missing = set(PLACEHOLDER.findall(text)) - set(values)
        if missing:
            raise CatalogueError(f"{self.path.name}: message {key!r} needs {', '.join(sorted(missing))}")
        return string.Formatter().vformat(text, (), {k: str(v) for k, v in values.items()})

    def text(self, key: str) -> str:
        """The raw message (for attributes and plain text); a message with plural forms is an error here."""
        message = self._message(key)
        if isinstance(message, dict):
            raise CatalogueError(f"{self.path.name}: message {key!r} has plural forms: ask for it with its values, "
                                 f"{message.get('plural', '?')} as a Count")
        return message

    def _message(self, key: str) -> str | dict:
        if key not in self.messages:
            raise CatalogueError(f"{self.path.name} has no message {key!r}: add it to every catalogue in "
                                 f"{CATALOGUES.relative_to(CATALOGUES.parents[2])}")
        return self.messages[key]

    def _form(self, key: str, values: dict) -> str:
        """The message's form for `values`: a plural mapping's form for its number's CLDR category."""
        message = self._message(key)
        while isinstance(message, dict):
            name = message.get("plural", "")
            count = values.get(name)
            if not isinstance(count, Count):
                raise CatalogueError(f"{self.path.name}: message {key!r} agrees with {name or 'a number (plural: …)'}, "
                                     "which must be given as a Count")
            category = self.locale.plural_form(count.printed)
            if category not in message:
                raise CatalogueError(f"{self.path.name}: message {key!r} has no {category!r} form "
                                     f"(for {count.printed}): add it")
            message = message[category]
        return message

    def forms(self, key: str) -> list[str]:
        """Every text a message may take: itself, or each form of its plural mappings."""
        def walk(message) -> list[str]:
            if isinstance(message, dict):
                return [text for category, form in message.items() if category != "plural" for text in walk(form)]
            return [message]
        return walk(self._message(key))

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
    return Catalogue(language, {str(k): _message(v) for k, v in messages.items()}, path)


def _message(value) -> str | dict:
    """A message as loaded: text ('' for an empty one), or a plural mapping of texts."""
    if isinstance(value, dict):
        return {str(k): _message(v) for k, v in value.items()}
    return "" if value is None else str(value)
