"""Names in each language, as reviewed data: data/reference/glossary.csv.

Every name an edition prints for a campaign, a figure, a target, a unit or a code (a check status,
a month-over-month flag, …) is one row of the glossary, keyed by (kind, id), with one column per
language. A name that is missing is an error naming the kind, the id, the language and the file:
never a fallback to the id or to another language.

    glossary = load_glossary(reference_dir)
    glossary.name("campaign", "toilets", "en")      # 'Rural toilet renovation'
    glossary.missing("figure", figure_ids, "en")    # ids that have no English name yet
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..io.errors import InputError
from ..io.reference import read_reference
from ..io.schemas import GLOSSARY, GLOSSARY_LANGUAGES

FILE_NAME = "glossary.csv"
# What a row names. Data ids (campaign, figure, target) come from the reference tables and the
# transcriptions; the others are the codes the pipeline writes into its tables.
KINDS = {
    "campaign": "a campaign id of data/reference/campaigns.csv; zh is its name, said only here",
    "figure": "a figure_id of data/raw/<period>/figures.csv; zh is its transcribed label",
    "target": "a target_id of data/reference/targets.csv; zh is its label, said only here",
    "unit": "a base unit (text/numbers.py BASE_UNITS): the word printed after a number",
    "qualifier": "a qualifier as printed (以上, 余, 多, 约, 近): the words put before a number",
    "figure_kind": "what a figure measures (audit/clean.py KINDS)",
    "status": "a check's verdict (audit/relations.py STATUSES)",
    "relation_kind": "a kind of check (audit/kinds.py KINDS)",
    "relation": "a relation_id of data/reference/relations.csv; zh is its description, said only here, with "
                "{figure_id} placeholders filled from the month's figures",
    "bound_by": "what in the text narrows a derived range (audit/kinds.py BOUNDS)",
    "position": "a progress row against its target (progress.csv position)",
    "bound": "which way a computed rate is bounded (progress.csv rate_bound)",
    "missing_quantity": "what an implied progress row lacks in the text (target or achieved)",
    "flag": "a month-over-month flag (audit/changes.py FLAGS); {days} is filled in",
    "diagnosis": "a diagnosis kind (audit/diagnoses.py KINDS)",
    "typo": "how a misprint differs from the proposed number (audit/diagnoses.py TYPOS)",
}


# CLDR's plural categories besides "other" (which is the language's own column): the columns
# <language>_<category> a glossary may have, for the languages whose words change with the number.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many")


def plural_category(language: str, count) -> str:
    """The CLDR plural category of `count` in `language` (Babel): en 1 -> one, 2 -> other; ru 22 -> few."""
    from babel import Locale

    return Locale.parse(language).plural_form(count)


class MissingName(InputError):
    """The glossary has no name for (kind, id) in a language."""


@dataclass(frozen=True)
class Entry:
    kind: str
    id: str
    names: dict[str, str]  # language -> name ('' when not yet translated); after a number, CLDR's "other" form
    # language -> {CLDR plural category: the form after a number of that category} (columns en_one,
    # ru_few, ru_many, …; a category left out or empty is the same word as the name)
    forms: dict[str, dict[str, str]]
    reference: str
    note: str
    line: int


class Glossary:
    """The names of one glossary file, by (kind, id) and language."""

    def __init__(self, path: Path, entries: dict[tuple[str, str], Entry], languages: tuple[str, ...] = GLOSSARY_LANGUAGES):
        self.path = Path(path)
        self.entries = entries
        self.languages = languages

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self.entries

    def name(self, kind: str, id: str, language: str) -> str:
        """The name of `id` in `language`; an error naming what is missing and where to add it."""
        self._check(kind, language)
        entry = self.entries.get((kind, str(id)))
        if entry is None:
            raise MissingName(self.path, f"no {kind} {id!r}, so it has no {language} name", field="id",
                              expected=f"a row with kind {kind!r} and id {id!r}",
                              fix=f"Add it: {kind},{id},<{' name>,<'.join(self.languages)} name>,<reference>,<note>")
        name = entry.names[language]
        if not name:
            raise MissingName(self.path, f"{kind} {id!r} has no {language} name", row=entry.line,
                              field=language, expected=f"the {language} name of {kind} {id!r}",
                              fix=f"Fill in the {language} column of line {entry.line}")
        return name

    def name_for_category(self, kind: str, id: str, language: str, category: str) -> str:
        """The name as it follows a number of CLDR plural `category` (one, two, few, many, other): the
        `<language>_<category>` column where it has a word, else the name."""
        name = self.name(kind, id, language)
        return self.entries[(kind, str(id))].forms.get(language, {}).get(category) or name

    def name_for_count(self, kind: str, id: str, language: str, count) -> str:
        """The name as it follows `count` (a number as printed: 1 is "one" in English, 1.00 is not),
        in the language's CLDR plural category."""
        return self.name_for_category(kind, id, language, plural_category(language, count))

    def words(self, kind: str, language: str) -> dict[str, str]:
        """Every id of `kind` and its name in `language` (an error if any has none)."""
        self._check(kind, language)
        return {id: self.name(kind, id, language) for (k, id) in self.entries if k == kind}

    def ids(self, kind: str) -> list[str]:
        """The ids of `kind`, in file order."""
        return [id for (k, id) in self.entries if k == kind]

    def missing(self, kind: str, ids: Iterable, language: str) -> list[str]:
        """The ids (first occurrence order, once each) that have no name in `language`."""
        self._check(kind, language)
        absent = []
        for id in dict.fromkeys(str(i) for i in ids):
            entry = self.entries.get((kind, id))
            if entry is None or not entry.names[language]:
                absent.append(id)
        return absent

    def require(self, kind: str, ids: Iterable, language: str) -> None:
        """Raise one error listing every id of `kind` without a name in `language`."""
        absent = self.missing(kind, ids, language)
        if absent:
            shown = ", ".join(absent[:10]) + (f" … and {len(absent) - 10} more" if len(absent) > 10 else "")
            raise MissingName(self.path, f"{len(absent)} {kind} id(s) have no {language} name: {shown}",
                              field=language, expected=f"a {language} name for every {kind} the edition prints",
                              fix=f"Add a row (kind {kind!r}) or fill in the {language} column for each")

    def differences(self, kind: str, expected: dict, language: str = GLOSSARY_LANGUAGES[0]) -> dict[str, tuple[str, str]]:
        """Ids whose name in `language` is not the expected one: id -> (in the glossary, expected).
        For instance the zh of each figure against this month's transcribed label."""
        self._check(kind, language)
        found = {}
        for id, want in expected.items():
            entry = self.entries.get((kind, str(id)))
            have = entry.names[language] if entry else ""
            if have != str(want):
                found[str(id)] = (have, str(want))
        return found

    def _check(self, kind: str, language: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown glossary kind {kind!r} (known: {', '.join(KINDS)})")
        if language not in self.languages:
            raise ValueError(f"no {language!r} column in the glossary (languages: {', '.join(self.languages)})")


def load_glossary(reference_dir: Path, period: str | None = None) -> Glossary:
    """Read data/reference/glossary.csv: known kinds only, each (kind, id) once per period, ids
    without spaces. With a period, the rows that apply to it (since/until, helpers.io.reference);
    without, each (kind, id)'s latest row."""
    path = Path(reference_dir) / FILE_NAME
    if not path.is_file():
        raise InputError(path, "the glossary is missing", expected="data/reference/glossary.csv",
                         fix="Restore it from git (git checkout -- data/reference/glossary.csv)")
    table = read_reference(path, GLOSSARY, period)
    header = table.header
    # One column per language: the two every glossary has, then any other a new edition added (fr, …),
    # each with its plural forms' columns where its words need them (en_one; ru_one, ru_few, ru_many).
    # (`id` is a column, not Indonesian.)
    languages = GLOSSARY_LANGUAGES + tuple(c for c in header if re.fullmatch(r"[a-z]{2,3}", c)
                                           and c not in GLOSSARY_LANGUAGES + GLOSSARY.required)
    entries: dict[tuple[str, str], Entry] = {}
    for row, line in zip(table.rows, table.lines):
        kind, id = row["kind"], row["id"]
        if kind not in KINDS:
            raise InputError(path, f"unknown kind {kind!r}", row=line, field="kind",
                             expected="one of " + ", ".join(KINDS))
        if not id or id != id.strip() or any(c.isspace() for c in id):
            raise InputError(path, f"id {id!r} is empty or has spaces", row=line, field="id",
                             expected="an id exactly as the data or the code writes it")
        entries[(kind, id)] = Entry(
            kind, id, names={language: row[language] for language in languages},
            forms={language: {category: row[f"{language}_{category}"] for category in PLURAL_CATEGORIES
                              if row.get(f"{language}_{category}")} for language in languages},
            reference=row["reference"], note=row["note"], line=line)
    return Glossary(path, entries, languages)
