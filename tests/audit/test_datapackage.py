"""Each period's datapackage.json: a Frictionless data package, generated from the data dictionary by
the cleaning stage, listed in the manifest, and valid for `frictionless validate` on every published
period. The README's pandas recipe is run as written."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from frictionless import validate

from helpers.io.dictionary import DICTIONARY, DICTIONARY_FILE, columns, datapackage, dictionary_table
from helpers.io.rawdata import load_source
from helpers.publish.edition import facts_files
from helpers.testing import ROOT

PROCESSED = ROOT / "data" / "processed"
PUBLISHED = sorted(path.parent for path in PROCESSED.glob("*/datapackage.json"))


def _errors(report) -> list:
    return report.flatten(["type", "rowNumber", "fieldName", "note"])


def test_every_published_period_has_a_data_package():
    folders = sorted(p for p in PROCESSED.iterdir() if p.is_dir())
    assert folders and folders == PUBLISHED, "every period's data/processed/<period>/ holds its datapackage.json"


@pytest.mark.parametrize("folder", PUBLISHED, ids=[p.name for p in PUBLISHED])
def test_frictionless_validates_every_published_period(folder):
    report = validate(folder / "datapackage.json")
    assert report.valid, _errors(report)
    assert {task.name for task in report.tasks} == {p.stem for p in folder.glob("*.csv")}, \
        "every table of the folder is a resource, and every resource was read"
    # The command the README gives, as a researcher would run it.
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([frictionless, "validate", "--json", str(folder / "datapackage.json")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and json.loads(result.stdout)["valid"] is True


@pytest.mark.parametrize("folder", PUBLISHED, ids=[p.name for p in PUBLISHED])
def test_the_published_package_is_the_dictionary_s_and_the_manifest_lists_it(folder):
    period = folder.name
    source = load_source(ROOT / "data" / "raw" / period)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    editions = sorted(p.name for p in folder.glob("facts*.csv"))
    expected = datapackage(period, source.title, source.address, [f for f in facts_files() if f in editions])
    assert package == expected, "datapackage.json is generated from src/helpers/io/dictionary.py: rebuild the period"
    manifest = json.loads((ROOT / "outputs" / period / "manifest.json").read_text(encoding="utf-8"))
    recorded = manifest["outputs"][f"data/processed/{period}/datapackage.json"]
    assert recorded == hashlib.sha256((folder / "datapackage.json").read_bytes()).hexdigest()
    assert "processed/datapackage.json" in manifest["stages"]["01_clean"]["products"]


def test_the_package_declares_every_column_of_the_dictionary_with_its_type_and_key():
    package = datapackage("2021-11", "邵阳市2021年1-11月…", "unknown", ["facts.csv", "facts.en.csv", "facts.fr.csv"])
    resources = {r["path"]: r for r in package["resources"]}
    assert list(resources) == [*[f for f in DICTIONARY if f != "facts.csv"], "facts.csv", "facts.en.csv",
                               "facts.fr.csv", DICTIONARY_FILE]
    for path, resource in resources.items():
        described = "facts.csv" if path.startswith("facts") else path
        assert [f["name"] for f in resource["schema"]["fields"]] == [c.name for c in columns(described)]
        assert {f["type"] for f in resource["schema"]["fields"]} <= {"string", "number", "integer", "date"}
        assert resource["schema"]["missingValues"] == [""]
        assert set(resource["schema"]["primaryKey"]) <= {f["name"] for f in resource["schema"]["fields"]}
    value = next(f for f in resources["figures.csv"]["schema"]["fields"] if f["name"] == "value")
    assert value == {"name": "value", "type": "number", "unit": "see unit", "decimals": "as printed",
                     "description": "the figure normalised to its base unit (39.0589万人 -> 390589)"}
    assert package["sources"] == [{"title": "邵阳市2021年1-11月…"}], "an unknown address is no link"
    assert package["name"] == "shaoyang-report-2021-11"
    assert list(dictionary_table().columns) == [c.name for c in columns(DICTIONARY_FILE)]


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def _edit(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("damage, error", [
    (lambda rows: rows[1].__setitem__(rows[0].index("value"), "三十"), "type-error"),
    (lambda rows: rows[1].__setitem__(rows[0].index("as_of"), "10月底"), "type-error"),
    (lambda rows: rows.append(list(rows[1])), "primary-key"),
    (lambda rows: rows[0].__setitem__(rows[0].index("note"), "notes"), "incorrect-label"),
])
def test_validation_catches_a_table_that_breaks_its_description(tmp_path, damage, error):
    folder = _copy(PUBLISHED[0], tmp_path)
    _edit(folder / "figures.csv", damage)
    report = validate(folder / "datapackage.json")
    assert not report.valid
    assert error in {row[0] for row in _errors(report)}


def test_the_readme_s_pandas_recipe_loads_typed_tables(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "datapackage.json" in block]
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    figures = namespace["figures"]
    assert len(figures) == len(pd.read_csv(PROCESSED / "2021-10" / "figures.csv"))
    assert figures["value"].dtype == "float64" and figures["decimals"].dtype == "Int64"
    assert str(figures["as_of"].dtype).startswith("datetime64")
    assert figures["note"].dtype == "string"
