"""The repository's own promises: clean notebooks, one environment on both paths, immutable raw data."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml

from helpers.io.dictionary import DICTIONARY, dictionary_markdown
from helpers.testing import ROOT



def test_source_notebooks_carry_no_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert [p.name for p in notebooks] == ["01_clean.ipynb", "02_campaign_progress.ipynb", "03_narrative.ipynb"]
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], f"{path.name} has outputs; clear them before committing"
                assert cell["execution_count"] is None, f"{path.name} has execution counts"


def test_notebooks_are_thin_and_explained():
    """Parameters cell first, a plain sentence above every code cell, no function definitions."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert "parameters" in code[0]["metadata"].get("tags", []), f"{path.name}: first code cell must be parameters"
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            assert "def " not in source and "class " not in source, f"{path.name}: logic belongs in src/helpers"
            lines = [line for line in source.splitlines() if line.strip()]
            assert len(lines) <= 6, f"{path.name}: a code cell is one call or one table"
            if index and "parameters" not in cell["metadata"].get("tags", []):
                assert cells[index - 1]["cell_type"] == "markdown", f"{path.name}: cell {index} lacks a sentence above"


def test_parameters_are_plain_typed_values_with_comments():
    """A literal, or an empty dictionary: the files a run passes by name (`upstream`, `products`), which a
    run by hand leaves empty rather than typing a file name of the pipeline's."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        source = "".join(next(c for c in cells if "parameters" in c["metadata"].get("tags", []))["source"])
        for line in source.splitlines():
            assert re.match(r'^\w+: ((str|int|float|bool) = ("[^"]*"|[\d.]+|True|False)|dict = \{\})  # \S', line), \
                f"{path.name}: parameter line {line!r} should be `name: type = literal  # comment`"


def test_raw_report_is_a_byte_copy_of_the_shared_source_and_matches_its_sidecar():
    raw = ROOT / "data" / "raw" / "2021-10"
    source = yaml.safe_load((raw / "source.yml").read_text(encoding="utf-8"))
    for name, entry in source["files"].items():
        assert hashlib.sha256((raw / name).read_bytes()).hexdigest() == entry["sha256"], name
    assert source["files"]["report.txt"]["sha256"] == "4ef418278736194e6f3bdc1e634516352ce336b25f9dea8c4ebc4772d31f72a2"
    shared = ROOT.parent / "shared" / "sources" / "shaoyang-2021-10" / "report.txt"
    if shared.is_file():
        assert (raw / "report.txt").read_bytes() == shared.read_bytes()


def test_data_dictionary_readme_is_generated_from_the_dictionary():
    assert (ROOT / "data" / "processed" / "README.md").read_text(encoding="utf-8") == dictionary_markdown()


def test_committed_processed_tables_are_fully_described(repo_layout):
    for path in sorted(repo_layout.processed.glob("*/*.csv")):
        if path.name == "dictionary.csv":
            continue
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        name = re.sub(r"^facts\.[a-z]{2,3}\.csv$", "facts.csv", path.name)  # each edition's facts, one format
        described = [column for column, *_ in DICTIONARY[name]]
        assert header == described, f"{path}: columns differ from the data dictionary"


def test_readme_shows_both_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme
    assert "Words of caution" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_design_folders_exist():
    for folder in ("notebooks", "data/raw", "data/processed", "src/helpers", "outputs", "tests"):
        assert (ROOT / folder).is_dir(), folder


# The package's rooms, lowest first: a room may import only rooms below it (and itself). The
# monthly intake sits above the pipeline: it runs the cleaning stage's checks on a drafted folder
# (audit) and nothing the notebooks or the runner import depends on it.
ROOMS = ["io", "text", "audit", "publish", "pipeline", "intake", "cli", "testing"]


def _room_of(module: str) -> str:
    """helpers.audit.clean -> audit; helpers.cli -> cli; helpers.__main__ -> cli."""
    parts = module.split(".")
    return parts[1] if parts[1] in ROOMS else "cli"


def import_graph(package: Path) -> dict[str, set[str]]:
    """Every module of `package` (a copy of src/helpers) -> the helpers modules it imports, at the
    top or inside a function ('from .x import y' names both x and x.y)."""
    import ast

    graph = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).with_suffix("")
        module = ".".join(relative.parts)
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        package_parts = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
                targets |= {prefix} if node.module else {f"{prefix}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers."):
                targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("helpers.")}
        graph[module] = {target for target in targets if target.count(".") >= 1}
    return graph


def upward_imports(package: Path) -> list[str]:
    """Every import in `package` (a copy of src/helpers) of a room above the importing module's."""
    offences = []
    for module, targets in import_graph(package).items():
        if module == "helpers":
            continue
        room = _room_of(module)
        for target in sorted(targets):
            other = _room_of(target)
            if ROOMS.index(other) > ROOMS.index(room):
                offences.append(f"{module} ({room}) imports {target} ({other})")
    return offences


def _reach(edges: dict[str, set[str]], start: str) -> set[str]:
    """The modules `start` imports, directly or through others."""
    found, todo = set(), [start]
    while todo:
        for target in edges[todo.pop()]:
            if target not in found:
                found.add(target)
                todo.append(target)
    return found


def import_cycles(package: Path) -> list[list[str]]:
    """Groups of modules that import one another, directly or through others (a house whose every
    module reads top to bottom has none)."""
    graph = import_graph(package)
    edges = {module: {t for t in targets if t in graph and t != module} for module, targets in graph.items()}
    cycles, seen = [], set()
    for start in sorted(edges):
        reach = _reach(edges, start)
        if start in reach and start not in seen:
            cycle = sorted(module for module in reach if start in _reach(edges, module))
            seen.update(cycle)
            cycles.append(cycle)
    return cycles


def test_each_room_imports_only_the_rooms_below_it():
    offences = upward_imports(ROOT / "src" / "helpers")
    assert offences == [], "a room imports a room above it:\n" + "\n".join(offences)


def test_no_module_imports_itself_through_others():
    cycles = import_cycles(ROOT / "src" / "helpers")
    assert cycles == [], f"modules that import one another: {cycles}"


def test_the_room_rule_catches_an_upward_import(tmp_path):
    """io importing publish, relatively or absolutely, is reported; publish importing io is not."""
    package = tmp_path / "helpers"
    (package / "io").mkdir(parents=True)
    (package / "publish").mkdir()
    (package / "io" / "paths.py").write_text("from ..publish import narrative\nimport helpers.publish.charts\n")
    (package / "publish" / "narrative.py").write_text("from ..io.paths import Layout\n")
    assert upward_imports(package) == ["helpers.io.paths (io) imports helpers.publish (publish)",
                                       "helpers.io.paths (io) imports helpers.publish.charts (publish)"]


def test_the_rules_catch_the_intake_imported_from_below_and_a_circle(tmp_path):
    package = tmp_path / "helpers"
    for room in ("pipeline", "intake"):
        (package / room).mkdir(parents=True)
    (package / "pipeline" / "runner.py").write_text("def f():\n    from ..intake import draft\n")
    (package / "intake" / "draft.py").write_text("from .carry import carry_over\n")
    (package / "intake" / "carry.py").write_text("from .draft import draft_numbers\n")
    assert upward_imports(package) == ["helpers.pipeline.runner (pipeline) imports helpers.intake (intake)"]
    assert import_cycles(package) == [["helpers.intake.carry", "helpers.intake.draft"]]


MAX_MODULE_LINES = 500


def test_no_module_is_over_500_lines():
    """A module over 500 lines holds several jobs: split it along them (issue 18)."""
    long = {path.relative_to(ROOT).as_posix(): n for path in sorted((ROOT / "src" / "helpers").rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_make_env_compiles_the_environment_and_the_project_and_rebuilds_on_its_inputs():
    """No run compiles a library from source (PYTHONDONTWRITEBYTECODE is set on these machines): the
    environment is compiled when it is made, and src/ whenever a module changed; the environment
    is remade when the lock file or the project metadata changes."""
    import subprocess

    dry = subprocess.run(["make", "-n", "-B", "env"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    installs = [line for line in dry.splitlines() if "uv pip install" in line and "requirements.lock" in line]
    assert installs and all("--compile-bytecode" in line for line in installs), installs
    assert any("compileall" in line and line.rstrip().endswith(" src") for line in dry.splitlines()), dry
    database = subprocess.run(["make", "-p", "-n", "env"], cwd=ROOT, capture_output=True, text=True).stdout
    stamp = next(line for line in database.splitlines() if line.startswith(".venv/.installed:"))
    assert "requirements.lock" in stamp and "pyproject.toml" in stamp, stamp
    compiled = next(line for line in database.splitlines() if line.startswith(".venv/.compiled:"))
    assert ".venv/.installed" in compiled and "src/helpers/cli.py" in compiled, compiled
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
