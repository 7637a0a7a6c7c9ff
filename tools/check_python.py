"""Refuse a Python that pyproject.toml's requires-python excludes, with a message that says what to do.

    python tools/check_python.py [PYTHON]     # checks PYTHON (default: this interpreter)

It runs before any environment exists, on whatever `python3` the machine has, so it uses the
standard library only and the oldest syntax that matters (Python 3.6+). pip enforces
requires-python; uv's `pip install -e .` did not (3.12 went through), so `make env` asks here first.
Exit codes: 0 accepted, 2 refused (the message names the version found and the one required).
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPERATORS = {
    ">=": lambda found, bound: found >= bound, ">": lambda found, bound: found > bound,
    "<=": lambda found, bound: found <= bound, "<": lambda found, bound: found < bound,
    "==": lambda found, bound: found[:len(bound)] == bound, "!=": lambda found, bound: found[:len(bound)] != bound,
}


def required(pyproject_text):
    """The requires-python specifier of pyproject.toml's text: '>=3.11,<3.12'."""
    match = re.search(r'^requires-python\s*=\s*"([^"]+)"', pyproject_text, re.MULTILINE)
    if not match:
        raise ValueError("pyproject.toml has no requires-python")
    return match.group(1)


def accepts(specifier, version):
    """Whether a version tuple (3, 11, 7) satisfies a specifier such as '>=3.11,<3.12'."""
    for clause in specifier.split(","):
        match = re.match(r"\s*(>=|<=|==|!=|>|<)\s*([\d.]+)(\.\*)?\s*$", clause)
        if not match:
            raise ValueError("cannot read the requires-python clause {!r}".format(clause))
        operator, bound = match.group(1), tuple(int(part) for part in match.group(2).split("."))
        found = tuple(version[:len(bound)]) if operator in ("<", "<=", ">", ">=") else tuple(version)
        if not OPERATORS[operator](found, bound):
            return False
    return True


def version_of(python):
    output = subprocess.check_output([python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"])
    return tuple(int(part) for part in output.decode().strip().split("."))


def main(argv):
    python = argv[1] if len(argv) > 1 else sys.executable
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as stream:
        specifier = required(stream.read())
    try:
        version = version_of(python)
    except (OSError, subprocess.CalledProcessError) as exc:
        print("error: cannot run {} to read its version ({}). Install Python {} and run: make env PYTHON=/path/to/python3.11"
              .format(python, exc, specifier), file=sys.stderr)
        return 2
    if not accepts(specifier, version):
        print("error: {} is Python {}, but this project requires Python {} (pyproject.toml, requires-python). "
              "Install a matching Python and run: make env PYTHON=/path/to/python3.11"
              .format(python, ".".join(map(str, version)), specifier), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
