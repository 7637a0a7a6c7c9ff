"""environment.yml, generated from pyproject.toml and requirements.lock: the conda path has no list of its own.

    python tools/conda_env.py            # print the environment.yml these two files give
    python tools/conda_env.py --write    # write it (`make lock` does, after re-resolving the lock)
    python tools/conda_env.py --check    # exit 1, saying what differs, if environment.yml is stale

Every package pyproject.toml declares (runtime, test tier, build backend) is listed under its
conda-forge name, at the minor version requirements.lock pins (pandas 3.1.1 -> pandas=3.1), so
the two paths run the same releases. conda-forge publishes a PyPI release days after PyPI and
sometimes under a different name, and conda cannot be reached from the machines that build this
project, so the names come from the table below, each with the evidence it rests on; a package
with no row stops the generator. The few packages conda-forge does not carry are installed by
pip, pinned exactly as in the lock. The project itself is not listed: `make` installs it (`pip
install -e .` from the checkout, whatever the directory conda was run from) with its kernel.

Standard library only (Python 3.11: tomllib), so it runs in either environment.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_NAME = "shaoyang-report"

# PyPI name -> (conda-forge name, evidence). "not checked here" marks a name taken to be the same
# on both (the conda-forge default for pure-Python packages) that no stored page confirmed.
CONDA_FORGE = {
    "jupyterlab": ("jupyterlab", "feedstock conda-forge/jupyterlab-feedstock"),
    "pandas": ("pandas", "not checked here"),
    # conda-forge's `matplotlib` adds a Qt binding (pyside6); `matplotlib-base` is matplotlib alone.
    "matplotlib": ("matplotlib-base", "conda-forge/matplotlib-feedstock recipe/recipe.yaml: outputs "
                                      "matplotlib-base, and matplotlib = matplotlib-base + pyside6"),
    # conda-forge's `seaborn` adds statsmodels and scipy (PyPI's seaborn[stats]).
    "seaborn": ("seaborn-base", "https://anaconda.org/conda-forge/seaborn-base"),
    "papermill": ("papermill", "https://anaconda.org/conda-forge/papermill"),
    # conda-forge's `nbconvert` adds pandoc (nbconvert-pandoc); `nbconvert-core` is PyPI's nbconvert.
    "nbconvert": ("nbconvert-core", "https://anaconda.org/conda-forge/nbconvert-core"),
    "nbformat": ("nbformat", "not checked here"),
    "ipykernel": ("ipykernel", "not checked here"),
    "pandera": ("pandera", "pandera's README (unionai-oss/pandera): conda install -c conda-forge pandera"),
    "pyyaml": ("pyyaml", "not checked here"),
    "jinja2": ("jinja2", "not checked here"),
    "markupsafe": ("markupsafe", "not checked here"),
    "babel": ("babel", "https://anaconda.org/conda-forge/babel"),
    "pytest": ("pytest", "not checked here"),
    "pytest-xdist": ("pytest-xdist", "https://anaconda.org/conda-forge/pytest-xdist"),
    "pytest-timeout": ("pytest-timeout", "https://anaconda.org/conda-forge/pytest-timeout"),
    "filelock": ("filelock", "not checked here"),
    # conda-forge's `playwright` is the Node.js package (conda-forge/playwright-feedstock: npm list -g
    # playwright, runs on nodejs); the Python binding is `playwright-python`.
    "playwright": ("playwright-python", "https://anaconda.org/conda-forge/playwright-python"),
    "frictionless": ("frictionless", "https://anaconda.org/conda-forge/frictionless"),
    "pre-commit": ("pre-commit", "not checked here"),
    "nbstripout": ("nbstripout", "https://anaconda.org/conda-forge/nbstripout"),
    "ruff": ("ruff", "conda-forge ruff, used by Quantco/pre-commit-mirrors-ruff"),
    "setuptools": ("setuptools", "not checked here"),
}
# On PyPI only: no conda-forge package was found. Installed by conda's pip section, pinned exactly.
PIP_ONLY = {
    "cn2an": "Chinese numerals to numbers; no conda-forge package found",
    "noto-cjk-sans-otc": "the OFL-licensed Noto Sans CJK font for the charts; no conda-forge package found",
}
# What the conda path needs that pyproject.toml cannot declare.
CONDA_ONLY = [
    ("pip", "for the pip section below, and for `make` to install the project"),
    ("nodejs>=20", "npm, which installs axe-core (package-lock.json) for the accessibility test"),
]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0])


def read_lock(text: str) -> dict[str, dict]:
    """requirements.lock -> {name: {"version": "3.1.1", "via": {"seaborn", "shaoyang-report"}}}."""
    packages, current, in_via = {}, None, False
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            current = normalise(match.group(1))
            packages[current] = {"version": match.group(2), "via": set()}
            in_via = False
            continue
        comment = line.strip()
        if current is None or not comment.startswith("#"):
            continue
        if comment.startswith("# via"):
            rest = comment[len("# via"):].strip()
            in_via = not rest
            if rest:
                packages[current]["via"].add(requirement_name(rest))
        elif in_via and comment.startswith("#   "):
            packages[current]["via"].add(requirement_name(comment[1:]))
    return packages


def python_spec(requires_python: str) -> str:
    """'>=3.11,<3.12' -> 'python=3.11' (the one minor version the project supports)."""
    match = re.search(r">=\s*(\d+)\.(\d+)", requires_python)
    if not match:
        raise ValueError(f"requires-python {requires_python!r} has no lower bound to pin conda's python to")
    return f"python={match.group(1)}.{match.group(2)}"


def minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def declared(pyproject: dict) -> dict[str, list[str]]:
    """The packages pyproject.toml declares, by group, in its own order."""
    project = pyproject["project"]
    groups = {"runtime (pyproject.toml [project] dependencies)": project["dependencies"]}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        groups[f"the {extra} tier (pyproject.toml optional-dependencies.{extra})"] = requirements
    groups["the build backend (pyproject.toml [build-system]); make installs the project with it"] = \
        pyproject["build-system"]["requires"]
    return {group: [requirement_name(r) for r in requirements] for group, requirements in groups.items()}


def pip_only_closure(lock: dict[str, dict]) -> list[str]:
    """PIP_ONLY packages and what only they pull in (cn2an -> proces), in lock order."""
    found = set(PIP_ONLY)
    changed = True
    while changed:
        changed = False
        for name, entry in lock.items():
            if name not in found and entry["via"] and entry["via"] <= found:
                found.add(name)
                changed = True
    return [name for name in lock if name in found]


def generate(pyproject_text: str, lock_text: str) -> str:
    pyproject = tomllib.loads(pyproject_text)
    lock = read_lock(lock_text)
    groups = declared(pyproject)
    names = [name for requirements in groups.values() for name in requirements]
    unmapped = [name for name in names if name not in CONDA_FORGE and name not in PIP_ONLY]
    if unmapped:
        raise SystemExit(f"error: {', '.join(unmapped)} has no row in tools/conda_env.py (CONDA_FORGE or "
                         "PIP_ONLY). Find its conda-forge name (anaconda.org/conda-forge/<name>, or its feedstock) "
                         "and add it with that evidence, then run: make lock")
    missing = [name for name in names if name not in lock and name != "setuptools"]
    if missing:
        raise SystemExit(f"error: {', '.join(missing)} is declared in pyproject.toml but not pinned in "
                         "requirements.lock. Run: make lock")

    lines = [
        "# Generated by `make lock` (tools/conda_env.py) from pyproject.toml and requirements.lock: do not edit.",
        "# Conda or mamba users, with no other step:",
        "#   conda env create -f environment.yml && conda activate shaoyang-report && make report",
        "# (make sees the active environment, installs the project and its Jupyter kernel into it, and",
        "# creates no .venv/). Names are conda-forge's (see the table in tools/conda_env.py); versions are",
        "# the lock's, to the minor release. The pip path (`make env`) is the one that rebuilds the",
        "# published outputs byte for byte: conda-forge's matplotlib draws with a newer FreeType.",
        f"name: {ENV_NAME}",
        "channels:",
        "  - conda-forge",
        "  - nodefaults",
        "dependencies:",
        f"  - {python_spec(pyproject['project']['requires-python'])}",
    ]
    for spec, why in CONDA_ONLY:
        lines.append(f"  - {spec}  # {why}")
    build_requires = {requirement_name(r): r for r in pyproject["build-system"]["requires"]}
    for group, requirements in groups.items():
        conda = [name for name in requirements if name in CONDA_FORGE]
        if not conda:
            continue
        lines.append(f"  # {group}")
        for name in conda:
            conda_name = CONDA_FORGE[name][0]
            if name in build_requires and name not in lock:
                bound = build_requires[name][len(name):].strip()  # setuptools>=77 -> >=77
                lines.append(f"  - {conda_name}{bound}")
            else:
                lines.append(f"  - {conda_name}={minor(lock[name]['version'])}")
    lines += ["  - pip:", "      # on PyPI only (tools/conda_env.py, PIP_ONLY), pinned exactly as in requirements.lock"]
    for name in pip_only_closure(lock):
        lines.append(f"      - {name}=={lock[name]['version']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = generate((ROOT / "pyproject.toml").read_text(encoding="utf-8"),
                    (ROOT / "requirements.lock").read_text(encoding="utf-8"))
    target = ROOT / "environment.yml"
    if "--write" in argv:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    elif "--check" in argv:
        if target.read_text(encoding="utf-8") != text:
            print("error: environment.yml is out of step with pyproject.toml and requirements.lock. Run: make lock",
                  file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
