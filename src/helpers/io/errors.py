"""Errors that point at the input that caused them, so the analyst knows what to fix."""

from __future__ import annotations

import re


class InputError(Exception):
    """Bad input: names the file, the row and the field, what was found and what was expected.

    `row` is the 1-based line number in the file (the header is line 1), so it matches
    what an editor shows.
    """

    def __init__(self, file, problem: str, *, row: int | None = None, field: str | None = None,
                 expected: str | None = None, fix: str | None = None):
        self.file = str(file)
        self.row = row
        self.field = field
        self.problem = problem
        self.expected = expected
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", line {self.row}"
        if self.field is not None:
            where += f", field '{self.field}'"
        text = f"{where}: {self.problem}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.fix:
            text += f". {self.fix}"
        return text


class InputWarning(UserWarning):
    """Input that runs but deserves a look (an unknown column, say), named like an InputError."""

    def __init__(self, file, problem: str, **where):
        self.error = InputError(file, problem, **where)
        super().__init__(self.error.message)


# How many errors of one kind are shown before the rest are summarised; a 10 MB report must
# not print 243,000 lines.
SHOWN_PER_KIND = 5
SHOWN_IN_ALL = 30


def error_kind(error: InputError) -> tuple:
    """Errors of one kind: the same file, field and problem once numbers and quoted text are masked."""
    problem = re.sub(r"'[^']*'|\"[^\"]*\"|…[^…]*…", "…", error.problem)
    problem = re.sub(r"\d+", "N", problem)
    return (error.file, error.field, problem)


class InputErrors(InputError):
    """Several input errors found in one pass, reported together, repeated kinds summarised."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.problem, row=first.row, field=first.field, expected=first.expected,
                         fix=first.fix)

    @property
    def message(self) -> str:
        lines = [f"{len(self.errors)} problem(s) in the input:"]
        shown: dict[tuple, int] = {}
        hidden: dict[tuple, int] = {}
        for error in self.errors:
            kind = error_kind(error)
            if shown.get(kind, 0) < SHOWN_PER_KIND and sum(shown.values()) < SHOWN_IN_ALL:
                shown[kind] = shown.get(kind, 0) + 1
                lines.append(f"  - {error.message}")
            else:
                hidden[kind] = hidden.get(kind, 0) + 1
        for (file, field, problem), count in hidden.items():
            where = file + (f", field '{field}'" if field else "")
            lines.append(f"  … and {count:,} more like this ({where}: {problem})")
        return "\n".join(lines)
