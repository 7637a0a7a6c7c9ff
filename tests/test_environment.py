"""The environment on both paths: a hashed lock for pip, a conda-forge environment generated from it,
a Python version check, and a Makefile that uses an active conda environment instead of making .venv/.

No conda channel is reachable from the machines that run these tests, so the conda path is checked
statically: environment.yml is what tools/conda_env.py makes of pyproject.toml and the lock, every
name in it comes from the mapping table (with its evidence), and `make -n` shows what make would do
inside an activated conda environment.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from helpers.testing import ROOT

spec = importlib.util.spec_from_file_location("conda_env", ROOT / "tools" / "conda_env.py")
conda_env = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conda_env)
check_spec = importlib.util.spec_from_file_location("check_python", ROOT / "tools" / "check_python.py")
check_python = importlib.util.module_from_spec(check_spec)
check_spec.loader.exec_module(check_python)

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
# conda-forge names that are a different package than PyPI's of the same name (tools/conda_env.py).
WRONG_ON_CONDA_FORGE = {"matplotlib": "pulls in Qt", "playwright": "is the Node.js package",
                        "nbconvert": "pulls in pandoc", "seaborn": "pulls in statsmodels"}


# make's own variables from an outer `make test`, which would make a nested make print its directory.
OUTER_MAKE = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}


def _make_env(**extra: str) -> dict:
    return {**{k: v for k, v in os.environ.items() if k not in OUTER_MAKE}, "CONDA_DEFAULT_ENV": "", **extra}


def _environment() -> tuple[dict[str, str], dict[str, str]]:
    """environment.yml as {conda name: version spec} and {pip name: version}."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, {}
    for dependency in env["dependencies"]:
        if isinstance(dependency, dict):
            for requirement in dependency["pip"]:
                assert not requirement.startswith("-e"), "an editable install depends on conda's working directory"
                name, version = requirement.split("==")
                pip[conda_env.normalise(name)] = version
        else:
            match = re.fullmatch(r"([a-z0-9][a-z0-9._-]*)\s*((?:=|>=|<=|==|<|>)[\w.*]+)?", dependency)
            assert match, f"{dependency!r} is not a conda match spec"
            conda[match.group(1)] = match.group(2) or ""
    return conda, pip


def test_environment_yml_is_generated_from_pyproject_and_the_lock():
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == conda_env.generate(PYPROJECT, LOCK), \
        "environment.yml is stale: run `make lock` (it regenerates environment.yml)"
    assert subprocess.run([sys.executable, str(ROOT / "tools" / "conda_env.py"), "--check"]).returncode == 0


def test_environment_yml_declares_the_same_packages_as_pyproject_and_lock():
    """Every declared package, under its conda-forge name, at the lock's version (to the minor release)."""
    pyproject = tomllib.loads(PYPROJECT)
    declared = {conda_env.requirement_name(r) for r in pyproject["project"]["dependencies"]} | \
        {conda_env.requirement_name(r) for r in pyproject["project"]["optional-dependencies"]["test"]}
    lock = {name: entry["version"] for name, entry in conda_env.read_lock(LOCK).items()}
    conda, pip = _environment()
    from_env = {}
    for pypi_name, (conda_name, _) in conda_env.CONDA_FORGE.items():
        if conda_name in conda:
            from_env[pypi_name] = conda[conda_name]
    from_env.update(pip)
    from_env.pop("setuptools", None)
    assert set(from_env) - {"proces"} == declared, f"environment.yml and pyproject.toml differ: " \
                                                   f"{(set(from_env) - {'proces'}) ^ declared}"
    for name, version in from_env.items():
        if name in pip:
            assert lock.get(name) == version, f"{name}: environment.yml pins {version}, requirements.lock {lock.get(name)}"
        else:
            assert lock[name].startswith(version.lstrip("=") + "."), \
                f"{name}: environment.yml asks for {version}, requirements.lock pins {lock[name]}"
    assert conda["python"] == "=3.11"


def test_every_conda_name_is_mapped_with_evidence_and_none_is_the_wrong_package():
    conda, pip = _environment()
    mapped = {conda_name for conda_name, _ in conda_env.CONDA_FORGE.values()}
    extra = {re.split(r"[<>=]", spec)[0] for spec, _ in conda_env.CONDA_ONLY}
    assert set(conda) - {"python"} <= mapped | extra, f"unmapped conda names: {set(conda) - mapped - extra - {'python'}}"
    for pypi_name, (conda_name, evidence) in conda_env.CONDA_FORGE.items():
        assert evidence, f"{pypi_name}: the mapping needs its evidence (or 'not checked here')"
        if conda_name != pypi_name:
            assert evidence != "not checked here", f"{pypi_name} -> {conda_name} is a renaming: say where it comes from"
    for name, why in WRONG_ON_CONDA_FORGE.items():
        assert name not in conda, f"conda-forge's {name} {why}"
    assert {"matplotlib-base", "playwright-python", "nbconvert-core", "seaborn-base"} <= set(conda)
    assert conda["nodejs"].startswith(">="), "npm (for axe-core) comes from nodejs"
    assert conda["setuptools"] == ">=77", "the build backend pyproject.toml declares"
    assert set(pip) == {"cn2an", "noto-cjk-sans-otc", "proces"}, "only what conda-forge lacks goes through pip"
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] == "shaoyang-report" and env["channels"] == ["conda-forge", "nodefaults"]


def test_the_generator_refuses_a_package_it_has_no_conda_forge_name_for():
    text = PYPROJECT.replace('"jinja2",', '"jinja2",\n    "polars",', 1)
    with pytest.raises(SystemExit, match="polars has no row in tools/conda_env.py"):
        conda_env.generate(text, LOCK)


def test_read_lock_follows_multi_line_annotations():
    lock = conda_env.read_lock(LOCK)
    assert lock["proces"]["via"] == {"cn2an"}
    assert {"seaborn", "shaoyang-report"} <= lock["matplotlib"]["via"]
    assert conda_env.pip_only_closure(lock) == ["cn2an", "noto-cjk-sans-otc", "proces"]


def test_lock_pins_every_package_exactly_with_hashes_and_names_its_command():
    text = LOCK
    requirements = [line for line in text.splitlines() if re.match(r"^[A-Za-z0-9]", line)]
    assert len(requirements) > 50
    assert all("==" in line for line in requirements)
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for block in blocks:
        assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}"
    header = text.splitlines()[:2]
    assert header[0] == "# This file was autogenerated by uv via the following command:"
    dry_run = subprocess.run(["make", "-n", "lock", "VENV=.venv"], cwd=ROOT, capture_output=True, text=True,
                             env=_make_env())
    command = next(line for line in dry_run.stdout.splitlines() if "pip compile" in line)
    assert header[1] == "#    " + command.split("/bin/", 1)[1], "the lock's header names the command `make lock` runs"
    assert "--generate-hashes" in header[1]


def test_the_build_backend_is_new_enough_for_an_spdx_license():
    pyproject = tomllib.loads(PYPROJECT)
    assert pyproject["project"]["license"] == "MIT"
    (requirement,) = [r for r in pyproject["build-system"]["requires"] if r.startswith("setuptools")]
    assert re.fullmatch(r"setuptools>=(\d+)", requirement) and int(requirement.split(">=")[1]) >= 77


def test_the_test_tier_holds_what_the_lead_and_the_hooks_need():
    test = {conda_env.requirement_name(r) for r in tomllib.loads(PYPROJECT)["project"]["optional-dependencies"]["test"]}
    assert {"pytest-xdist", "pytest-timeout", "filelock", "frictionless", "nbstripout", "ruff", "pre-commit"} <= test
    assert set(test) <= set(conda_env.read_lock(LOCK))


@pytest.mark.parametrize("version, accepted", [((3, 11, 7), True), ((3, 11, 0), True), ((3, 12, 1), False),
                                               ((3, 10, 14), False), ((4, 0, 0), False)])
def test_the_python_check_reads_requires_python(version, accepted):
    specifier = check_python.required(PYPROJECT)
    assert specifier == ">=3.11,<3.12"
    assert check_python.accepts(specifier, version) is accepted


def test_make_env_refuses_a_wrong_python_before_making_anything(tmp_path):
    # A Python 3.12 as far as a version query can tell (no 3.12 is installed here to try it for real).
    fake = tmp_path / "python3.12"
    fake.write_text(f'#!/bin/sh\nif [ "$1" = -c ]; then echo 3.12.1; exit 0; fi\nexec {sys.executable} "$@"\n')
    fake.chmod(0o755)
    venv = tmp_path / "venv"
    result = subprocess.run(["make", "env", f"PYTHON={fake}", f"VENV={venv}"], cwd=ROOT, capture_output=True,
                            text=True, env=_make_env())
    assert result.returncode != 0
    assert "is Python 3.12.1, but this project requires Python >=3.11,<3.12" in result.stderr
    assert "make env PYTHON=" in result.stderr, "the message says how to fix it"
    assert not venv.exists(), "nothing is created with the wrong Python"


def _dry_run(*args: str, **env: str) -> str:
    result = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, env=_make_env(**env))
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_inside_an_activated_conda_environment_make_uses_it_and_creates_no_venv(tmp_path):
    prefix = tmp_path / "envs" / "shaoyang-report"
    (prefix / "conda-meta").mkdir(parents=True)
    plan = _dry_run("report", CONDA_DEFAULT_ENV="shaoyang-report", CONDA_PREFIX=str(prefix))
    assert "-m venv" not in plan and ".venv" not in plan
    assert f"{prefix}/bin/python -m pip install" in plan and "--no-build-isolation -e ." in plan
    assert f"{prefix}/bin/python -m ipykernel install --sys-prefix --name shaoyang-report" in plan
    assert f"{prefix}/bin/shaoyang-report run --period 2021-10" in plan
    assert "requirements.lock" not in plan, "conda has resolved the packages; make installs only the project"
    # Any other environment is named on the command line.
    plan = _dry_run("report", f"VENV={prefix}")
    assert f"{prefix}/bin/shaoyang-report run" in plan and "-m venv" not in plan
    # `make clean` never deletes a conda environment.
    assert str(prefix) not in _dry_run("clean", CONDA_DEFAULT_ENV="shaoyang-report", CONDA_PREFIX=str(prefix))


def test_the_pip_path_installs_with_hashes_required_and_the_named_kernel(tmp_path):
    plan = _dry_run("env", f"VENV={tmp_path / 'venv'}")
    assert "-m venv" in plan
    assert "--require-hashes -r requirements.lock" in plan
    assert "ipykernel install --sys-prefix --name shaoyang-report" in plan
    assert plan.index("check_python.py") < plan.index("-m venv"), "the version is checked before anything is made"
