"""What no published text may hold: the build fails instead of printing it.

Every section of a page (narrative.render) and every fact's label and printed form (FactBook.add)
pass through `require_clean`, which refuses, naming where and quoting the place:

- an unfilled placeholder, `{project_funds.review_aspects}` or `{days}`: a message, a glossary name
  or a check's description whose value was never put in;
- a measure word doubled around a number, 列出6项项: a catalogue message that adds the measure
  word a number already carries (the number is printed like its figure, 6项);
- two table or definition cells with nothing between them, `</td><td>`: the page's text would run a
  label into its number ("Monitored households17,102 households") for a reader who copies it or a
  tool that reads it.
"""

from __future__ import annotations

import re

from ..text import numbers

# {name} or {figure.id}, as the catalogues, the glossary and the relations' descriptions write them.
PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.]*\}")
# The measure words a printed number may end in (个, 项, 户, 人, 次, …): the one-character units.
MEASURE_WORDS = "".join(sorted({unit[-1] for unit in numbers.BASE_UNITS if re.fullmatch(r"[\u4e00-\u9fff]+", unit)}))
# A number's link ending in a measure word, and the same word again right after it.
DOUBLED = re.compile(rf"([{MEASURE_WORDS}])</a>\1")
GLUED = re.compile(r"</(td|th|dt|dd)><(td|th|dt|dd)\b")


class WordingError(ValueError):
    """Published text that would read wrong: where it is, what is wrong, and the place quoted."""


def problems(text: str) -> list[str]:
    """What is wrong with a piece of published text (HTML or plain), each with the place quoted."""
    found = []
    for pattern, what in ((PLACEHOLDER, "an unfilled placeholder"), (DOUBLED, "a measure word doubled"),
                          (GLUED, "two cells with no space between them")):
        for match in pattern.finditer(text):
            found.append(f"{what}: …{text[max(0, match.start() - 40):match.end() + 20]}…")
    return found


def require_clean(text: str, where: str) -> str:
    """`text`, if nothing in it is wrong; else WordingError naming `where` and each problem."""
    wrong = problems(text)
    if wrong:
        raise WordingError(f"{where}: " + "; ".join(wrong[:3]) + (f" (and {len(wrong) - 3} more)" if len(wrong) > 3 else ""))
    return text
