"""Every path and module a docstring or comment in src/ names exists, so that stale references cannot rot.

Three kinds of reference are checked, wherever a docstring or comment of src/helpers names one:
- a repository path (tests/pipeline/test_freshness.py, data/reference/campaigns.csv, src/helpers/...), or
  one inside the package (publish/printing/zh.py, catalogues/en.yml), relative to the repository,
  to src/helpers or to the naming module's own package; a placeholder (<period>, <language>, *)
  stands for any name; under outputs/, what a run makes at run time (outputs/<period>/failed/,
  outputs/.staging/) is checked up to its first placeholder or hidden folder; the test support
  (helpers.testing) describes the temporary layouts it builds (data/raw/2021-11/, console/…), so
  there only paths under src/, tests/, notebooks/ and benchmarks/ are checked;
- a module path with a function (audit/figures.printed_expression);
- a dotted module, optionally with a name it defines (helpers.intake.carry, io.rawdata.read_sidecar,
  helpers.testing.layouts.temp_layout).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from helpers.testing import ROOT

PACKAGE = ROOT / "src" / "helpers"
ROOMS = ("io", "text", "audit", "publish", "pipeline", "intake", "testing")
EXTENSIONS = ("py", "csv", "yml", "yaml", "md", "json", "j2", "txt", "ipynb", "html", "toml", "lock", "png")
# Names in the code's own staging folder, not in the repository.
NOT_REPOSITORY_PATHS = {"processed/figures.csv", "out/x"}

PATH = re.compile(r"(?<![\w./<>*{}-])((?:[\w.<>*{}-]+/)+[\w.<>*{}-]*)")
DOTTED = re.compile(rf"(?<![\w./])((?:helpers|{'|'.join(ROOMS)})(?:\.[A-Za-z_]\w*)+)")


def notes(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring of a module."""
    source = path.read_text(encoding="utf-8")
    found = [(token.start[0], token.string) for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                found.append((node.body[0].lineno, docstring))
    return found


def _defines(module: Path, name: str) -> bool:
    """Whether a module defines (or imports) `name` at its top level."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return name in names


def _module_file(parts: list[str]) -> Path | None:
    base = PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def dotted_exists(reference: str) -> bool:
    """helpers.a.b, a.b (a room) or either followed by one name the module defines."""
    parts = reference.split(".")
    if parts[0] == "helpers":
        parts = parts[1:]
    if not parts:
        return True
    for split in range(len(parts), 0, -1):
        module = _module_file(parts[:split])
        if module is not None:
            rest = parts[split:]
            return not rest or (len(rest) == 1 and _defines(module, rest[0]))
    return False


def path_exists(reference: str, folder: Path) -> bool:
    """Whether a path named in `folder`'s module exists, from the repository, the package or the folder."""
    if reference.startswith("outputs/"):
        # What a run makes: only the part before a placeholder or a hidden folder exists in a clone.
        kept = []
        for part in reference.rstrip("/").split("/"):
            if part.startswith(".") or re.search(r"[<>{}*]", part):
                break
            kept.append(part)
        reference = "/".join(kept)
    pattern = re.sub(r"<[^<>/]*>|\{[^{}/]*\}", "*", reference.rstrip("/"))
    bases = [ROOT, PACKAGE, *[parent for parent in (folder, *folder.parents) if parent.is_relative_to(PACKAGE)]]
    for base in bases:
        if "*" in pattern:
            if any(base.glob(pattern)):
                return True
        elif (base / pattern).exists():
            return True
    # audit/figures.printed_expression: a module and a name it defines.
    stem, dot, name = pattern.rpartition(".")
    if dot and name.isidentifier() and name not in EXTENSIONS:
        return any((base / f"{stem}.py").is_file() and _defines(base / f"{stem}.py", name) for base in bases)
    return False


def is_path(reference: str, folder: Path) -> bool:
    """Whether `reference` (a/b/c) means a file or folder, not words (GBK/GB18030, stdout/stderr, 万/亿)."""
    if not reference.isascii() or reference in NOT_REPOSITORY_PATHS:
        return False
    first = reference.split("/")[0]
    if re.search(rf"\.(?:{'|'.join(EXTENSIONS)})$", reference.rstrip("/")):
        return True
    bases = [ROOT, PACKAGE, *[parent for parent in (folder, *folder.parents) if parent.is_relative_to(PACKAGE)]]
    return first in ("src", "tests", "data", "notebooks", "benchmarks", "outputs") or \
        any((base / first).is_dir() for base in bases)


def references(path: Path) -> list[tuple[int, str, str]]:
    """(line, kind, reference) of every path and dotted module a module's comments and docstrings name."""
    found = []
    scenario_layouts = path.is_relative_to(PACKAGE / "testing")
    for line, text in notes(path):
        for match in PATH.finditer(text):
            reference = match.group(1).rstrip(".,:;")
            context = text[max(0, match.start() - 10):match.end()]
            if "://" in context or "www." in context or not is_path(reference, path.parent):
                continue
            if scenario_layouts and not reference.startswith(("src/", "tests/", "notebooks/", "benchmarks/")):
                continue
            found.append((line, "path", reference))
        for match in DOTTED.finditer(text):
            reference = match.group(1).rstrip(".")
            if reference.rsplit(".", 1)[-1] not in EXTENSIONS:  # audit.html is a file, not a module
                found.append((line, "module", reference))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=[m.relative_to(PACKAGE).as_posix() for m in MODULES])
def test_every_reference_in_a_docstring_or_comment_exists(module):
    stale = [f"{module.relative_to(ROOT)}:{line}: {reference}" for line, kind, reference in references(module)
             if not (path_exists(reference, module.parent) if kind == "path" else dotted_exists(reference))]
    assert stale == [], "named in a docstring or comment but not found:\n" + "\n".join(stale)


def test_the_references_found_include_every_kind_and_a_stale_one_is_caught(tmp_path):
    found = {reference for module in MODULES for _, _, reference in references(module)}
    assert {"data/reference/campaigns.csv", "tests/pipeline/test_freshness.py", "helpers.intake.carry",
            "audit/figures.printed_expression"} <= found
    assert not {"GBK/GB18030", "stdout/stderr", "万/亿"} & found
    module = tmp_path / "stale.py"
    module.write_text('"""Read by helpers.text.draft (see tests/test_draft.py and data/reference/x.csv),\n'
                      'printed by publish/charts.no_such_function; src/helpers/io/readers.py holds it."""\n'
                      "# catalogues/<language>.yml, data/raw/<period>/figures.csv: each exists\n", encoding="utf-8")
    missing = [reference for _, kind, reference in references(module)
               if not (path_exists(reference, PACKAGE / "publish") if kind == "path" else dotted_exists(reference))]
    assert missing == ["tests/test_draft.py", "data/reference/x.csv", "publish/charts.no_such_function",
                       "helpers.text.draft"]
