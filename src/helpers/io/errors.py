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


# What the operating system's faults mean for the analyst, and what to do about each.
_OS_FAULTS = {
    "EROFS": ("the file system is read-only",
              "Make the folder writable, or build elsewhere with --outputs-dir and --processed-dir"),
    "EACCES": ("permission denied", "Make the folder writable for this user (chmod/chown), or build elsewhere with "
                                    "--outputs-dir and --processed-dir"),
    "EPERM": ("operation not permitted", "Make the folder writable for this user, or build elsewhere with "
                                         "--outputs-dir and --processed-dir"),
    "ENOSPC": ("no space left on the device", "Free some space (df -h shows what is left) and run again"),
    "EDQUOT": ("the disk quota is exceeded", "Free some space or ask for a larger quota, and run again"),
    "ENOLCK": ("no locks available", "The folder's file system does not support locks (a network share?): "
                                     "build on a local disk with --outputs-dir"),
    "EMFILE": ("too many open files", "Close other programs or raise the limit (ulimit -n), and run again"),
    "ENFILE": ("too many open files on the system", "Close other programs and run again"),
    "EIO": ("an input/output error", "The disk may be failing: check it (dmesg) before running again"),
    "ENAMETOOLONG": ("the file name is too long", "Use a shorter folder"),
    "ENOENT": ("no such file or folder", "Check the folder exists"),
}


def describe_os_error(exc: OSError, doing: str = "") -> str:
    """One line for an operating-system fault: the file, what went wrong, and what to do."""
    import errno as errno_names

    code = errno_names.errorcode.get(exc.errno or 0, "")
    reason, fix = _OS_FAULTS.get(code, (exc.strerror or str(exc), "Fix the cause and run again"))
    where = str(exc.filename) if exc.filename is not None else ""
    if exc.filename2 is not None:
        where += f" -> {exc.filename2}"
    text = f"{where}: {reason}" if where else reason
    if doing:
        text += f" ({doing})"
    return f"{text}. {fix}"
