"""One declared schema per input table: which columns it must have and which it may have.

Every reader of these files goes through `readers.read_csv_strict(path, SCHEMA)`, so a missing
required column is an error naming the file and column, and a column that is neither required
nor optional is a warning naming it (a misspelled `notes` is never silently ignored). Value-level
rules (types, allowed values) live with the stage that reads the table (audit/clean.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSchema:
    """The columns of one CSV file: required, then optional, in the order they are written."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    meaning: str = ""
    optional_pattern: str = ""  # further columns it may have, by name (a glossary's language columns)

    @property
    def columns(self) -> list[str]:
        return list(self.required + self.optional)


# data/raw/<period>/figures.csv: the hand transcription, one row per figure. `occurrence` may be
# absent (every value is then its quote's first occurrence); `note` may be empty but not absent.
FIGURES = TableSchema(
    "figures.csv",
    required=("figure_id", "section", "campaign", "metric", "label", "kind", "value", "unit", "qualifier",
              "as_of", "quote", "note"),
    optional=("occurrence",),
    meaning="the transcription, one row per figure, each with its verbatim quote",
)
# Column order of a written transcription (draft, add-period): the documented format.
FIGURES_ORDER = ["figure_id", "section", "campaign", "metric", "label", "kind", "value", "unit", "qualifier",
                 "as_of", "quote", "occurrence", "note"]

# data/raw/<period>/non_figures.csv: every other number in the text, with a reason.
NON_FIGURES = TableSchema(
    "non_figures.csv", required=("start", "text", "reason", "context"),
    meaning="every other number in report.txt (dates, section numbers, names), each with the reason it is not a "
            "figure",
)

RAW_TABLES = {schema.name: schema for schema in (FIGURES, NON_FIGURES)}

# data/reference/glossary.csv: every name the editions print, per language, as reviewed data. One
# column per language (GLOSSARY_LANGUAGES), the form after a number of CLDR's plural category "other",
# and, optionally, its form after a number of another category (`en_one`: "household" where `en` is
# "households"; `ru_one`, `ru_few`, `ru_many`); `reference` says where the English term comes from.
GLOSSARY_LANGUAGES = ("zh", "en")  # the columns every glossary has; a further language adds its own
GLOSSARY = TableSchema(
    "glossary.csv",
    required=("kind", "id") + GLOSSARY_LANGUAGES + ("reference", "note"),
    optional=tuple(f"{language}_one" for language in GLOSSARY_LANGUAGES),
    optional_pattern=r"[a-z]{2,3}(_(zero|one|two|few|many))?",
    meaning="the names of campaigns, figures, targets, units and codes in each language, with references",
)
