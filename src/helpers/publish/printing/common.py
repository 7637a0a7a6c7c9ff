"""What every language prints alike: the dash for a missing value, numbers read from table cells,
and digits with thousands separators (16,869; 11,836.06). Each language module re-exports these."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from ...io.paths import project_root
from ...text.numbers import MISSING, plain_number, to_number as num  # noqa: F401 - the printers' shared helpers
from ..glossary import Glossary, load_glossary

_FIRST_INTEGER = re.compile(r"\d+")


def group_digits(printed: str) -> str:
    """Thousands separators in the whole part of a printed number: 11836.06万元 -> 11,836.06万元."""
    return _FIRST_INTEGER.sub(lambda m: f"{int(m.group()):,}", str(printed), count=1)




@functools.cache
def project_glossary() -> Glossary:
    """data/reference/glossary.csv, read once: the one table of names (bound words included)."""
    return load_glossary(project_root() / "data" / "reference")


class GlossaryWords(Mapping):
    """A glossary kind's words in one language as a read-only mapping, read when first used: every
    printer's BOUND_WORDS (至多/至少/约, at most/at least/about) is the glossary's `bound` rows."""

    def __init__(self, kind: str, language: str, extra: dict[str, str]):
        self.kind, self.language, self.extra = kind, language, extra

    def _table(self) -> dict[str, str]:
        return {**self.extra, **project_glossary().words(self.kind, self.language)}

    def __getitem__(self, code: str) -> str:
        return self._table()[code]

    def __iter__(self):
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


def bound_words(language: str, glossary: Glossary | None = None) -> Mapping:
    """The words for a bound ('' none, at_most, at_least, approximate) in `language`: the given
    glossary's `bound` rows, or the project's."""
    if glossary is None:
        return GlossaryWords("bound", language, {"": ""})
    return {"": "", **glossary.words("bound", language)}
