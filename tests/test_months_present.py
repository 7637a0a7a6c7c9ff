"""The suite's assumptions about the data hold whatever months the repository holds (issue 17).

A copy of the working tree gains November and a December that brings new things (a campaign, a
returning figure, names still to translate), added through the documented loop (add-period,
rename-campaign, the reviewer's edits, seal: helpers.testing.repository). The fast tests that read
the repository's own data then run in the copy, and must pass there as they do here.

Which tests those are is decided below and checked: every test module that reads the repository's
data (its reference tables, its list of periods, its committed outputs) is either run in the copy,
or left out with the reason it holds by construction. A new module that reads the repository's
data fails `test_every_module_that_reads_the_repository_s_data_is_run_or_said_safe` until it is
placed in one list or the other.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from helpers.testing import ROOT
from helpers.testing.repository import add_months, copy_repository

# Run in the copy: the fast tests that read data/reference/ or the list of periods as the repository
# holds them (together about 12 s of CPU).
RUN_IN_COPY = (
    "tests/publish/test_glossary.py",  # every id of every period named; the Chinese of data ids
    "tests/publish/test_names.py",  # no reference table but the glossary names; renames in a copy as of 2021-10
    "tests/test_repo.py",  # every committed processed table described
    "tests/io/test_reference.py",  # reference rows that apply from a period
    "tests/audit/test_checks.py",  # October's checks from the reference rows that apply to it
    "tests/audit/test_diagnoses.py",
    "tests/audit/test_next_month.py",
    "tests/audit/test_sentences.py",  # the declared relations that apply to October
    "tests/audit/test_kinds.py",  # a new kind's rows added to a copy of the reference
    "tests/intake/test_draft.py",  # the draft guesses campaigns from the reference table
    "tests/intake/test_carry.py",  # the carry-over, with the campaigns each month's analyst had
    "tests/publish/test_narrative.py",  # campaigns present and absent on October's page
    "tests/publish/test_printing.py",  # units and qualifiers from the glossary
    "tests/publish/test_pages_template.py",  # the index of every published period
    "tests/publish/test_wording.py",  # October's page, built in-process with the reference as it stands
)
# Left out, each safe whatever months the repository holds, and why.
SAFE_BY_CONSTRUCTION = {
    "tests/audit/test_clean.py": "reads only 2021-10's raw folder, which never changes",
    "tests/audit/test_datapackage.py": "checks each period the repository publishes, whichever they are, against what "
                                       "the pipeline writes for it (frictionless costs seconds per period)",
    "tests/intake/test_sidecar.py": "reads only 2021-10's sidecar",
    "tests/io/test_readers_writers.py": "reads only 2021-10's sidecar",
    "tests/publish/test_sourceview.py": "reads only 2021-10's raw folder",
    "tests/pipeline/test_cli.py": "drafts 2021-10's text; its run works in a temporary layout",
    "tests/audit/test_history.py": "builds every state it reads in temporary layouts, whose reference is as of 2021-10",
    "tests/pipeline/test_runner.py": "slow: verify of 2021-10 passes however the reference grew (test_reference_growth)",
    "tests/publish/test_html.py": "slow: reads the built scenario and 2021-10's raw folder",
    "tests/publish/test_charts.py": "reads the reference rows that apply to the months it draws (campaigns_table with "
                                    "a period); its charts cost ten seconds",
    "tests/publish/test_editions.py": "reads the reference rows that apply to 2021-10, in a temporary copy",
    "tests/pipeline/test_reference_growth.py": "slow: grows a temporary copy's reference itself",
    "tests/publish/test_facts.py": "reads the glossary only for an empty fact book's edition (no period's rows)",
    "tests/publish/test_third_language.py": "adds its editions to a temporary copy of the reference and builds "
                                            "2021-10, whose raw folder never changes, with the rows that apply to it",
    "tests/pipeline/test_stages.py": "reads the stage table and the notebooks, never a month's data; its run replays "
                                     "the built scenario",
    "tests/test_months_present.py": "this module",
}
# What a module reads the repository's data through.
READS_REPOSITORY_DATA = re.compile(r'\bREFERENCE\b|repo_layout|ROOT / "data"|Layout\.default\(ROOT\)|\bBASE_RAW\b')


def test_every_module_that_reads_the_repository_s_data_is_run_or_said_safe():
    modules = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").rglob("test_*.py")
                     if READS_REPOSITORY_DATA.search(path.read_text(encoding="utf-8")))
    unplaced = [module for module in modules if module not in RUN_IN_COPY and module not in SAFE_BY_CONSTRUCTION]
    assert unplaced == [], f"add each to RUN_IN_COPY or, with the reason it holds, to SAFE_BY_CONSTRUCTION: {unplaced}"
    assert not set(RUN_IN_COPY) & set(SAFE_BY_CONSTRUCTION)
    assert all((ROOT / module).is_file() for module in [*RUN_IN_COPY, *SAFE_BY_CONSTRUCTION])


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_suite_s_data_assumptions_hold_with_three_months_present(tmp_path):
    root = copy_repository(tmp_path / "repository")
    layout = add_months(root)
    assert sorted(p.name for p in layout.raw.iterdir() if p.is_dir()) == ["2021-10", "2021-11", "2021-12"]
    reference = (layout.reference / "campaigns.csv").read_text(encoding="utf-8")
    assert ",2021-11," in reference and ",2021-12," in reference  # the months' campaigns, each from its month on
    environment = dict(os.environ, PYTHONPATH=str(root / "src"), PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                             "-m", "not slow and not browser", *RUN_IN_COPY],
                            cwd=root, env=environment, capture_output=True, text=True, timeout=280)
    assert result.returncode == 0, "the tests fail with three months present:\n" + result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout)
