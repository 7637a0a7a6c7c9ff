"""The Python environment of a run: recorded in the manifest, part of each stage's cache key, and
checked by `verify` before it rebuilds a month as it was built.

- `installed()`: every distribution importable here, by normalised name, with its version. The
  manifest records all of them and the Python version (`environment` in manifest.json).
- `stage_distributions(stage)`: the distributions a stage imports. Found without running anything:
  the modules its notebook imports, the helpers modules those import in turn (read with `ast`,
  imports inside functions included), each outside module's distribution, and everything those
  distributions require, plus what executes every notebook (papermill in an ipykernel). A changed
  version of any of them reruns the stage, and the run names the package.
- `page_distributions()`: the same for the export of the HTML pages (nbconvert and what it
  requires, and the packages whose versions the auditor's edition prints).
- `differences(...)`: what differs between two environments, by name, for messages.
"""

from __future__ import annotations

import ast
import hashlib
import json
import platform
import re
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # src/helpers
PROJECT = "shaoyang-report"  # this project's own distribution: its code is keyed by hash, not version
# What executes every notebook, whatever the notebook imports: papermill runs it in an ipykernel,
# and the executed notebook records papermill's and Python's versions.
EXECUTION = ("papermill", "nbformat", "nbclient", "ipykernel")
# The code that writes the HTML pages and the manifest (relative to the helpers package).
EXPORT_MODULES = ("helpers.publish.pages", "helpers.pipeline.manifest")


def normalise(name: str) -> str:
    """A distribution's name as PEP 503 compares them: matplotlib, pyyaml, noto-cjk-sans-otc."""
    return re.sub(r"[-_.]+", "-", name).lower()


def python_version() -> str:
    return platform.python_version()


@lru_cache(maxsize=None)
def _installed() -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name, version = _name_and_version(dist)
        if name:
            found.setdefault(normalise(name), version)  # the first on sys.path is the one imported
    return tuple(sorted(found.items()))


def _name_and_version(dist: metadata.Distribution) -> tuple[str | None, str | None]:
    """A distribution's Name and Version, read from the header of its metadata file. Both come before
    the first blank line; `dist.metadata` parses the whole file as an email message, description
    included (0.2 s for the environment's 250 distributions, before every run)."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    header = text.split("\n\n", 1)[0]
    name = re.search(r"^Name:[ \t]*(.*?)\s*$", header, re.M)
    version = re.search(r"^Version:[ \t]*(.*?)\s*$", header, re.M)
    if name is None or version is None:  # not the usual layout: the full parse
        return dist.metadata["Name"], dist.version
    return name.group(1), version.group(1)


def installed() -> dict[str, str]:
    """Every installed distribution, by normalised name, with its version."""
    return dict(_installed())


def record() -> dict:
    """What the manifest records of the environment."""
    return {"python": python_version(), "distributions": installed()}


# --------------------------------------------------------------------------------------
# What a stage imports
# --------------------------------------------------------------------------------------

def _module_file(module: str) -> Path | None:
    """The file of a helpers module (helpers.audit.clean -> src/helpers/audit/clean.py), if it is one."""
    parts = module.split(".")
    if parts[0] != "helpers":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(source: str, module: str, is_package: bool) -> set[str]:
    """The absolute module names a piece of code imports (`from x import y` gives x and x.y)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[:len(base_parts) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _notebook_source(path: Path) -> str:
    """A notebook's code cells as Python (IPython magics and shell lines left out)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = "".join(cell.get("source", []))
            lines += [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


@lru_cache(maxsize=None)
def _outside_modules(roots: tuple[tuple[str, str], ...]) -> frozenset[str]:
    """The top-level outside modules imported by the roots (code, module name) and by every helpers
    module they import, transitively."""
    outside: set[str] = set()
    seen: set[str] = set()
    pending = [(source, module, False) for source, module in roots]
    while pending:
        source, module, is_package = pending.pop()
        for name in _imports(source, module, is_package):
            top = name.split(".")[0]
            if top != "helpers":
                if top and top not in sys.stdlib_module_names and top != "__future__":
                    outside.add(top)
                continue
            # Importing a submodule runs the __init__.py of every package above it too.
            parts = name.split(".")
            for length in range(1, len(parts) + 1):
                prefix = ".".join(parts[:length])
                if prefix in seen:
                    continue
                path = _module_file(prefix)
                if path is not None:
                    seen.add(prefix)
                    pending.append((path.read_text(encoding="utf-8"), prefix, path.name == "__init__.py"))
    return frozenset(outside)


@lru_cache(maxsize=None)
def _module_distributions() -> dict[str, tuple[str, ...]]:
    """Top-level module -> the distributions that provide it: importlib.metadata's
    packages_distributions(), read faster (each distribution's name from its metadata header, its
    modules from top_level.txt or the paths in its RECORD, without parsing either into objects)."""
    found: dict[str, set[str]] = {}
    for dist in metadata.distributions():
        name, _ = _name_and_version(dist)
        if not name:
            continue
        for module in _top_level_modules(dist):
            found.setdefault(module, set()).add(normalise(name))
    return {module: tuple(sorted(names)) for module, names in found.items()}


def _top_level_modules(dist: metadata.Distribution) -> set[str]:
    """What packages_distributions() finds in a distribution (Python 3.11): the names top_level.txt
    declares, or else, for every .py file it installs, the first part of its path (the file's name
    for a top-level module)."""
    import csv
    import io
    from pathlib import PurePosixPath

    declared = (dist.read_text("top_level.txt") or "").split()
    if declared:
        return set(declared)
    record = dist.read_text("RECORD")
    if record is None:  # not a wheel's layout (an egg's, say): the full reading
        paths = [PurePosixPath(str(path)) for path in dist.files or ()]
    else:
        paths = [PurePosixPath(row[0]) for row in csv.reader(io.StringIO(record)) if row and row[0].endswith(".py")]
    return {path.parts[0] if len(path.parts) > 1 else path.with_suffix("").name
            for path in paths if path.suffix == ".py"}


def _requirements(name: str, extras: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
    """The distributions `name` requires (with the extras asked of them), markers evaluated here."""
    try:
        requires = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return []
    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:  # pragma: no cover - packaging comes with the environment; without it, keep every name
        return [(normalise(re.split(r"[\s;<>=!~\[(]", line, maxsplit=1)[0]), frozenset()) for line in requires]
    found = []
    for line in requires:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not any(
                requirement.marker.evaluate({"extra": extra}) for extra in ("",) + tuple(sorted(extras))):
            continue
        found.append((normalise(requirement.name), frozenset(requirement.extras)))
    return found


@lru_cache(maxsize=None)
def closure(names: tuple[str, ...]) -> tuple[str, ...]:
    """The installed distributions among `names` and everything they require, transitively."""
    present = installed()
    seen: dict[str, frozenset[str]] = {}
    pending = [(normalise(name), frozenset()) for name in names]
    while pending:
        name, extras = pending.pop()
        if name == PROJECT or name not in present:
            continue
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, frozenset()) | extras
        pending += _requirements(name, seen[name])
    return tuple(sorted(seen))


def _distributions_of(roots: tuple[tuple[str, str], ...], extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    by_module = _module_distributions()
    names = set(extra)
    for module in _outside_modules(roots):
        names.update(by_module.get(module, ()))
    return closure(tuple(sorted(names)))


def _printed_packages() -> tuple[str, ...]:
    """The packages whose versions the auditor's edition prints (publish/pages.py's PACKAGES), read
    from the source: importing the page code would cost a second for a list of names."""
    tree = ast.parse((PACKAGE / "publish" / "pages.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PACKAGES" for t in node.targets):
            return tuple(normalise(name) for name in ast.literal_eval(node.value) if name != "python")
    return ()


def stage_distributions(notebook: Path) -> list[str]:
    """The distributions a stage that runs `notebook` imports (see the module's docstring)."""
    notebook = Path(notebook)
    return list(_distributions_of(((_notebook_source(notebook), "__main__"),), EXECUTION))


def page_distributions() -> list[str]:
    """The distributions the export of the pages and the manifest imports, and those whose versions
    the auditor's edition prints."""
    roots = tuple((_module_file(module).read_text(encoding="utf-8"), module) for module in EXPORT_MODULES)
    present = installed()
    printed = [name for name in _printed_packages() if name in present and name != PROJECT]
    return sorted(set(_distributions_of(roots)) | set(printed))


def key(names, environment: dict | None = None) -> str:
    """The cache-key component of an environment for `names`: Python's version and theirs."""
    environment = environment or record()
    versions = {name: environment["distributions"].get(name, "not installed") for name in names}
    return hashlib.sha256(json.dumps([environment["python"], versions], sort_keys=True).encode()).hexdigest()


def differences(before: dict | None, after: dict, names=None) -> list[str]:
    """What changed from the environment `before` to `after` ("matplotlib 3.11.2 -> 3.10.9",
    "pillow 12.0.0 -> not installed"), for `names` only when given. [] when `before` records none."""
    if not isinstance(before, dict) or not isinstance(before.get("distributions"), dict):
        return []
    lines = []
    if before.get("python") != after.get("python"):
        lines.append(f"Python {before.get('python')} -> {after.get('python')}")
    old, new = before["distributions"], after["distributions"]
    for name in sorted(set(old) | set(new) if names is None else set(names)):
        if old.get(name) != new.get(name):
            lines.append(f"{name} {old.get(name) or 'not installed'} -> {new.get(name) or 'not installed'}")
    return lines
