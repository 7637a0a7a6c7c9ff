"""The stage table owns the pipeline's files (helpers.pipeline.contract): each stage declares, by
name, the earlier stages' files it reads and the files it writes; a run passes them to the notebook,
and the notebooks and their steps name no file of the pipeline's themselves."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import nbformat
import pytest

from helpers.io.paths import STAGED, Layout, Period, in_staging, run_files
from helpers.pipeline import contract, freshness
from helpers.pipeline.contract import Console, RunContext
from helpers.testing import PERIOD, ROOT
from helpers.testing.layouts import copy_built, tree_hashes

# The pipeline's own file names (its folders' names are also words: the charts lie in figures/): what
# no notebook or step may type.
FILE_NAMES = sorted({Path(staged).name for staged in STAGED.values() if not staged.endswith("/")}
                    | {Path(staged).name for stage in contract.STAGES for staged in stage.product_files.values()
                       if not staged.endswith("/")})


# ---- The declaration ------------------------------------------------------------------------------------

def test_each_stage_declares_its_files_by_name():
    clean, progress, narrative = (contract.stage(name) for name in ("01_clean", "02_campaign_progress", "03_narrative"))
    assert clean.product_files == {"figures": "processed/figures.csv", "coverage": "processed/coverage.csv",
                                   "dictionary": "processed/dictionary.csv",
                                   "datapackage": "processed/datapackage.json"}
    assert progress.upstream == ("figures",)
    assert list(progress.products) == ["progress", "checks", "diagnoses", "changes", "history", "charts"]
    assert progress.product_files["charts"] == "out/figures/"
    assert narrative.product_files == {"facts": "processed/facts.csv"}
    assert contract.stage("03_narrative.en").product_files == {"facts": "processed/facts.en.csv"}
    assert set(narrative.upstream) == {"figures", "progress", "checks", "diagnoses", "changes", "history", "charts"}


def test_the_named_files_are_the_data_dictionary_s():
    """The processed tables are named once, in the data dictionary, and the stages name them by stem."""
    from helpers.io.dictionary import DATAPACKAGE_FILE, DICTIONARY_FILE, FILES

    processed = {Path(staged).name for staged in STAGED.values() if staged.startswith("processed/")}
    assert processed == set(FILES) | {DICTIONARY_FILE, DATAPACKAGE_FILE}
    written = {staged for stage in contract.STAGES for staged in stage.product_files.values()}
    assert {staged for staged in STAGED.values()} - written == set(), "every named file is some stage's product"


def test_a_stage_reading_what_no_earlier_stage_writes_is_refused():
    first, second = contract.stage("01_clean"), contract.stage("02_campaign_progress")
    with pytest.raises(ValueError, match="02_campaign_progress reads figures, which no earlier stage writes"):
        contract.check_flow((second, first))
    with pytest.raises(ValueError, match="both write figures"):
        contract.check_flow((first, dataclasses.replace(first, name="01_again")))
    contract.check_flow(contract.STAGES)


def test_a_stage_naming_a_file_no_table_names_is_refused():
    with pytest.raises(ValueError, match="names file\\(s\\) figure that no table names"):
        contract.Stage("99_x", "a stage", reads=("raw",), products=("figure",))


def test_a_run_passes_each_stage_its_files_in_the_staging_folder(tmp_path):
    context = RunContext(Period(PERIOD), Layout.default(ROOT), tmp_path)
    values = contract.stage("02_campaign_progress").parameter_values(context)
    assert values["upstream"] == {"figures": "processed/figures.csv"}
    assert values["products"]["checks"] == "processed/checks.csv" and values["products"]["charts"] == "out/figures/"
    assert contract.stage("03_narrative.en").parameter_values(context)["language"] == "en"


def test_unwritten_names_each_declared_product_the_notebook_left_out(tmp_path):
    stage = contract.stage("02_campaign_progress")
    staged = in_staging(tmp_path)
    for name in ("progress", "checks", "diagnoses", "history"):
        staged[name].parent.mkdir(parents=True, exist_ok=True)
        staged[name].write_text("x\n", encoding="utf-8")
    missing = stage.unwritten(tmp_path)
    assert len(missing) == 2 and "'changes' (processed/changes.csv)" in missing[0] and "'charts'" in missing[1]
    assert "products['changes']" in missing[0] and "src/helpers/pipeline/contract.py" in missing[0]
    staged["changes"].write_text("x\n", encoding="utf-8")
    staged["charts"].mkdir(parents=True)  # a folder may stay empty: a month without a chart
    assert stage.unwritten(tmp_path) == []


def test_the_cache_key_hashes_exactly_the_upstream_files(tmp_path):
    stage = contract.stage("02_campaign_progress")
    staged = in_staging(tmp_path)
    for name in ("figures", "coverage"):
        staged[name].parent.mkdir(parents=True, exist_ok=True)
        staged[name].write_text("a\n", encoding="utf-8")
    context = RunContext(Period(PERIOD), Layout.default(ROOT), tmp_path)
    key = lambda: freshness.stage_components(stage, context, {}, "code")["upstream outputs"]  # noqa: E731
    before = key()
    staged["coverage"].write_text("b\n", encoding="utf-8")
    assert key() == before, "a file the stage does not read leaves its key alone"
    staged["figures"].write_text("b\n", encoding="utf-8")
    assert key() != before


def test_run_by_hand_the_files_are_the_period_s_published_ones(tmp_path):
    layout = Layout.under(tmp_path)
    files = run_files(Period("2021-11"), {}, layout)
    assert Path(files["checks"]).resolve() == (tmp_path / "data" / "processed" / "2021-11" / "checks.csv").resolve()
    assert files["charts"].endswith("outputs/2021-11/figures/")
    assert run_files(Period("2021-11"), {"checks": "processed/checks.csv"}) == {"checks": "processed/checks.csv"}


# ---- No notebook or step types a file name of the pipeline's ----------------------------------------------

def typed_file_names(source: str) -> list[str]:
    """The string literals of Python code that are, or end in, a file name: a .csv/.json file, or one
    of the pipeline's own (FILE_NAMES)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if text.endswith((".csv", ".json", *FILE_NAMES)):
                found.append(text)
    return found


def notebook_file_names(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [name for cell in cells if cell["cell_type"] == "code" for name in typed_file_names("".join(cell["source"]))]


def test_the_notebooks_type_no_pipeline_file_name():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert notebook_file_names(path) == [], f"{path.name} names files itself; take them from upstream/products"


def test_the_steps_the_notebooks_call_type_no_pipeline_file_name():
    for module in ("audit/steps.py", "publish/report.py"):
        source = (ROOT / "src" / "helpers" / module).read_text(encoding="utf-8")
        named = [name for name in typed_file_names(source) if Path(name).name in FILE_NAMES]
        assert named == [], f"{module} names the pipeline's files {named}"


def test_the_file_name_check_finds_a_typed_name(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('steps.save(processed_dir + "/checks.csv")'),
                nbformat.v4.new_code_cell('read(Path(processed_dir) / "figures.csv")\nmeta = "a.json"'),
                nbformat.v4.new_code_cell('products["checks"]  # by name: fine')]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert sorted(notebook_file_names(path)) == ["/checks.csv", "a.json", "figures.csv"]


# ---- A declared product the notebook does not write fails the run ----------------------------------------

def test_a_stage_declaring_a_product_its_notebook_does_not_write_fails_the_run_named(built, tmp_path, monkeypatch):
    """01_clean declares one product more than its notebook writes: the run stops at that stage,
    names the product and says what to do, and publishes nothing."""
    from helpers.pipeline import runner
    from helpers.testing import replay

    layout = copy_built(built, tmp_path / "copy")
    before = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    clean = contract.stage("01_clean")
    declared = dataclasses.replace(clean, products=clean.products + ("summary",),
                                   own=(("summary", "processed/summary.csv"),))
    monkeypatch.setattr(runner, "STAGES", (declared,) + contract.STAGES[1:])
    # The notebook is played back as recorded; its products parameter now names one file more.
    played = replay.install(monkeypatch.setattr, built, PERIOD, allow={"parameters"})
    console = Console(quiet=True)
    assert runner.run_period(Period(PERIOD), layout, force=True, console=console, progress=False) == 1
    said = "\n".join(console.lines)
    assert played == ["01_clean"]
    assert ("error: 01_clean declares the product 'summary' (processed/summary.csv) but its notebook did not write "
            "it: write it through products['summary'], or take 'summary' out of the stage's products") in said
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before


# ---- verify reads the same declaration ---------------------------------------------------------------------

def test_verify_names_a_changed_fact_of_every_edition_by_its_id(tmp_path):
    """Each edition's facts table is the one its stage declares, so a changed English fact is named
    by id and label, like a Chinese one, and comes before the rest."""
    from helpers.pipeline.compare import compare, facts_by_page

    assert facts_by_page() == {f"report{'' if s.edition == 'zh' else '.' + s.edition}.html":
                               Path(s.product_files["facts"]).name for s in contract.STAGES if s.edition}
    header = "fact_id,label,value,unit,printed,formula,inputs,as_of,section\n"
    files = {}
    for side, printed in (("published", "95.56%"), ("rebuilt", "95.55%")):
        folder = tmp_path / side
        folder.mkdir()
        (folder / "facts.en.csv").write_text(header + f"progress.x.rate,rate of x,0.9,percent,{printed},,,,progress\n",
                                             encoding="utf-8")
        (folder / "a.csv").write_text(f"x\n{printed}\n", encoding="utf-8")
        files[side] = {f"data/processed/{PERIOD}/{p.name}": p for p in folder.iterdir()}
    differences, _ = compare(files["published"], files["rebuilt"])
    assert differences[:2] == [f"differs: data/processed/{PERIOD}/facts.en.csv",
                               "    changed: progress.x.rate (rate of x): 95.56% -> 95.55%"]


def test_a_notebook_whose_parameters_a_run_cannot_fill_stops_the_run_before_any_stage_runs(built, tmp_path,
                                                                                             monkeypatch):
    """The runner reads every stage's parameters before it starts a kernel: a notebook that leaves one
    unexplained (the last stage's, here) stops the run, named, with no stage run and nothing published."""
    from helpers.pipeline import runner
    from helpers.testing import replay

    layout = copy_built(built, tmp_path / "copy")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for path in built.notebooks.glob("*.ipynb"):
        (notebooks / path.name).write_bytes(path.read_bytes())
    narrative = notebooks / "03_narrative.ipynb"
    text = narrative.read_text(encoding="utf-8")
    comment = "  # the period's raw files, for the source sidecar (read only)"
    assert comment in text
    narrative.write_text(text.replace(comment, ""), encoding="utf-8")
    layout = dataclasses.replace(layout, notebooks=notebooks)
    before = tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD)
    played = replay.install(monkeypatch.setattr, built, PERIOD)
    console = Console(quiet=True)
    assert runner.run_period(Period(PERIOD), layout, force=True, console=console, progress=False) == 1
    assert played == []
    said = "\n".join(console.lines)
    assert "error: 03_narrative cannot be run: 03_narrative.ipynb: parameter 'raw_dir' has no comment" in said
    assert tree_hashes(layout.outputs / PERIOD, layout.processed / PERIOD) == before
