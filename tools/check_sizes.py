"""Committed files within their size limits: a pre-commit hook, and a test over the whole tree.

    python tools/check_sizes.py [FILE ...]    # the given files (pre-commit passes the staged ones)
    python tools/check_sizes.py               # every file git tracks

The first rule whose pattern matches a file's path (relative to the repository) sets its limit.
Exit code 1 names every file over its limit, with its size, the limit and why the limit exists.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = 1000

# (pattern, limit in bytes, why). First match wins.
LIMITS = [
    ("outputs/*/*.html", 500 * KB,
     "a published page (each public edition and the auditor's) is one file read on phones: at most 500 KB, "
     "inline CSS and charts included (issue 19)"),
    ("notebooks/*.ipynb", 100 * KB,
     "source notebooks are committed without outputs; strip them (nbstripout --keep-id, the pre-commit hook)"),
    ("*", 2000 * KB,
     "nothing this large belongs in git: the largest published file (an executed notebook) is about 1 MB"),
]


def limit_for(path: str) -> tuple[int, str]:
    for pattern, limit, why in LIMITS:
        if fnmatch.fnmatch(path, pattern):
            return limit, why
    raise AssertionError("the last rule matches every path")


def oversized(paths: list[str], root: Path = ROOT) -> list[str]:
    problems = []
    for path in paths:
        file = root / path
        if not file.is_file():
            continue  # deleted in this commit
        size = file.stat().st_size
        limit, why = limit_for(Path(path).as_posix())
        if size > limit:
            problems.append(f"{path}: {size / KB:,.0f} KB, over its limit of {limit / KB:,.0f} KB: {why}")
    return problems


def tracked(root: Path = ROOT) -> list[str]:
    return subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True,
                          check=True).stdout.split("\0")[:-1]


def main(argv: list[str]) -> int:
    problems = oversized(argv or tracked())
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
