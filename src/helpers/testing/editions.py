"""Add an edition the public way, for tests: a catalogue and glossary columns, nothing else.

    from helpers.testing import editions
    editions.add_edition(catalogues, reference, "ru", "ru_RU", {"page.edition_name": "Русское издание"})

writes `catalogues/ru.yml` (the English catalogue's words, `lang` and `locale` set, each plural
message given every CLDR plural category of the locale) and the columns `ru`, `ru_one`, `ru_few`,
`ru_many` in `reference/glossary.csv` (the English names; a plural column where English has one).
Each plural form starts with its category in brackets ("[few] Of the …") and a glossary name
after a number of category c ends in "(c)", so that a test can see which form CLDR chose.
`catalogues` and `reference` are folders of a temporary copy: never the repository's own.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from babel import Locale

from . import ROOT


def plural_categories(locale: str) -> list[str]:
    """The CLDR plural categories of `locale`, `other` included (ru: few, many, one, other)."""
    return sorted(set(Locale.parse(locale).plural_form.tags) | {"other"})


def add_edition(catalogues: Path, reference: Path, language: str, locale: str,
                words: dict[str, str] | None = None) -> list[str]:
    """Write `language`'s catalogue into `catalogues` and its glossary columns into
    `reference/glossary.csv`; return what was touched, as 'catalogues/ru.yml' and
    'glossary.csv (ru, ru_few, …)'."""
    own = {(ROOT / "src" / "helpers" / "publish" / "catalogues").resolve(), (ROOT / "data" / "reference").resolve()}
    if {catalogues.resolve(), reference.resolve()} & own:
        raise ValueError(f"{catalogues}, {reference}: add an edition to a temporary copy, never to the repository")
    categories = plural_categories(locale)
    english = yaml.safe_load((catalogues / "en.yml").read_text(encoding="utf-8"))

    def forms(message):
        if not isinstance(message, dict):
            return message
        return {"plural": message["plural"],
                **{category: (f"[{category}] {text}" if isinstance(text, str) else text)
                   for category in categories
                   for text in [forms(message.get(category, message["other"]))]}}

    messages = {key: forms(message) for key, message in english.items()}
    messages.update({"lang": language, "locale": locale, **(words or {})})
    (catalogues / f"{language}.yml").write_text(
        yaml.safe_dump(messages, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")

    glossary = reference / "glossary.csv"
    rows = list(csv.DictReader(io.StringIO(glossary.read_text(encoding="utf-8"))))
    columns = [language] + [f"{language}_{category}" for category in categories if category != "other"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) + columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        plural = bool(row.get("en_one"))  # a name English changes with the number: a unit
        writer.writerow({**row, language: row["en"], **{
            f"{language}_{category}": (f"{row['en']} ({category})" if plural else "")
            for category in categories if category != "other"}})
    glossary.write_text(buffer.getvalue(), encoding="utf-8")
    return [f"catalogues/{language}.yml", f"glossary.csv ({', '.join(columns)})"]
