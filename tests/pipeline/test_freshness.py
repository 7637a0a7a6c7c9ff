"""The code hash leaves out only code no run executes (helpers.pipeline.freshness.COMMAND_LINE_ONLY).

A module the notebooks import but listed as command-line only is left out of the code hash, so an
edit to it would let a run reuse outputs the old code made; a module no run loads but left in the
hash reruns every stage for nothing. Both are found by loading, in a fresh interpreter, what a run
loads: every notebook's imports, the pages' export, and each edition's printer (imported by name
when first asked for, edition.printer_for).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from helpers.pipeline import freshness
from helpers.testing import ROOT

LOADER = """
import json, sys
{imports}
from helpers.publish import pages  # the runner exports the executed notebooks with it (manifest.export)
from helpers.publish import edition
from helpers.publish.catalogue import languages
for language in languages():
    edition.printer_for(language)
print(json.dumps(sorted(module.__file__ for name, module in sys.modules.items()
                        if name.split(".")[0] == "helpers" and getattr(module, "__file__", None))))
"""


def notebook_imports() -> list[str]:
    """Every import statement of the notebooks' code cells, as written."""
    statements = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            for node in ast.parse(source).body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    statements.append(ast.get_source_segment(source, node))
    return statements


@lru_cache(maxsize=1)
def loaded_by_a_run() -> frozenset[Path]:
    """The helpers package's files a run loads into the notebooks' kernel and its export."""
    code = LOADER.format(imports="\n".join(notebook_imports()))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return frozenset(Path(name).resolve() for name in json.loads(result.stdout.splitlines()[-1]))


def misfiled(loaded: frozenset[Path]) -> tuple[list[str], list[str]]:
    """(modules a run loads but listed as command-line only, modules no run loads but hashed)."""
    def name(path: Path) -> str:
        return path.relative_to(freshness.PACKAGE).as_posix()

    listed = sorted(name(path) for path in loaded if freshness.command_line_only(path))
    hashed = {path.resolve() for path in freshness.code_files() if path.suffix == ".py"}
    unused = sorted(name(path) for path in hashed - loaded)
    return listed, unused


def test_the_notebooks_import_helpers_and_nothing_of_the_intake():
    statements = notebook_imports()
    assert any("helpers.audit" in s for s in statements) and any("helpers.publish" in s for s in statements)
    loaded = {path.relative_to(freshness.PACKAGE).as_posix() for path in loaded_by_a_run()}
    assert "publish/printing/generic.py" in loaded  # imported only when the English edition asks for it
    assert not [name for name in loaded if name.startswith(("intake/", "cli.py", "pipeline/", "testing/"))]


def test_the_code_hash_holds_exactly_the_code_a_run_loads():
    listed, unused = misfiled(loaded_by_a_run())
    assert listed == [], ("listed in freshness.COMMAND_LINE_ONLY but loaded by a run, so an edit to them would "
                          f"reuse stale outputs: {listed}")
    assert unused == [], ("hashed but loaded by no run, so an edit to them reruns every stage for nothing: add "
                          f"them to freshness.COMMAND_LINE_ONLY (or move them into intake/): {unused}")


def test_a_wrong_list_is_caught(monkeypatch):
    loaded = loaded_by_a_run()
    monkeypatch.setattr(freshness, "COMMAND_LINE_ONLY", freshness.COMMAND_LINE_ONLY + ("audit/relations.py",))
    assert misfiled(loaded)[0] == ["audit/relations.py"]
    monkeypatch.setattr(freshness, "COMMAND_LINE_ONLY", tuple(p for p in freshness.COMMAND_LINE_ONLY if p != "intake/"))
    assert "intake/draft.py" in misfiled(loaded)[1]


def test_a_commit_to_the_intake_or_the_tests_support_alone_leaves_the_code_commit(tmp_path):
    """The recorded code commit is the last commit of what a run executes: a later commit that
    touches only helpers.intake or helpers.testing (which no run imports) does not move it, and one
    that touches the audit does."""
    import subprocess

    from helpers.pipeline.manifest import NOT_RUN, code_commit

    def git(*args):
        return subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    for folder in (*NOT_RUN, "src/helpers/audit"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "x.py").write_text("a = 1\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "first")
    first = git("rev-parse", "HEAD")
    for folder in NOT_RUN:
        (tmp_path / folder / "x.py").write_text("a = 2\n", encoding="utf-8")
        git("commit", "-qam", f"change {folder}")
        assert code_commit(tmp_path) == first
    (tmp_path / "src/helpers/testing/x.py").write_text("a = 3\n", encoding="utf-8")
    assert code_commit(tmp_path) == first  # an uncommitted edit there does not mark the code changed either
    (tmp_path / "src/helpers/audit/x.py").write_text("a = 2\n", encoding="utf-8")
    assert code_commit(tmp_path) == first + "+uncommitted-changes"
    git("commit", "-qam", "change the audit")
    assert code_commit(tmp_path) == git("rev-parse", "HEAD")
