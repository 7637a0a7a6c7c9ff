"""Errors that point at the input that caused them, so the analyst knows what to fix."""

from __future__ import annotations


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


class InputErrors(InputError):
    """Several input errors found in one pass, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.problem, row=first.row, field=first.field, expected=first.expected)

    @property
    def message(self) -> str:
        lines = [f"{len(self.errors)} problem(s) in the input:"]
        lines += [f"  - {error.message}" for error in self.errors]
        return "\n".join(lines)
