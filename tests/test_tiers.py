"""The rules tests/conftest.py enforces, each shown failing on a small suite run by pytester:

- a test that starts a notebook kernel without being marked slow fails, saying to mark it;
- a test that uses a scenario is marked slow (so `make check` leaves it out);
- a test that changes a shared scenario fails the run, naming the file it changed;
- a test that hangs fails at its time limit with a stack trace.

The scenarios here are stand-ins (a folder with one file), so no notebook runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
# The real conftest, with scenario builders that write one small file instead of running the pipeline.
STUB_BUILDERS = r'''
def _stub(folder):
    with open(folder.parent / "builds.log", "a", encoding="utf-8") as log:
        log.write(folder.name + "\n")
    folder.mkdir(parents=True)
    (folder / "outputs").mkdir()
    (folder / "outputs" / "page.html").write_text("built once", encoding="utf-8")

@pytest.fixture(scope="session", autouse=True)
def _stub_builders():
    # pytester runs this suite in the same process: restore the real builders afterwards
    saved = dict(scenarios.BUILDERS)
    scenarios.BUILDERS.update({name: _stub for name in saved})
    yield
    scenarios.BUILDERS.update(saved)
'''


@pytest.fixture
def suite(pytester):
    pytester.makeconftest(CONFTEST + STUB_BUILDERS)
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\nmarkers =\n    slow: a slow test\n    browser: a browser test\n")
    return pytester


def test_a_fast_test_that_starts_a_kernel_fails_and_says_to_mark_it(suite):
    suite.makepyfile(test_x=r'''
        import pytest
        from helpers.pipeline import kernel

        def test_unmarked(tmp_path):
            kernel.SharedKernel(tmp_path)

        @pytest.mark.slow
        def test_marked(monkeypatch, tmp_path):
            # marked slow, it may start one; the stand-in records that the real __init__ was reached
            reached = []
            monkeypatch.setattr(kernel.SharedKernel, "__init__", lambda self, cwd: reached.append(cwd))
            kernel.SharedKernel(tmp_path)
            assert reached == [tmp_path]
    ''')
    result = suite.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_unmarked starts a notebook kernel: mark it @pytest.mark.slow*"])


def test_a_test_using_a_scenario_is_slow_and_left_out_of_the_fast_tier(suite):
    suite.makepyfile(test_x=r'''
        def test_reads_the_build(built):
            assert (built.outputs / "page.html").read_text(encoding="utf-8") == "built once"

        def test_plain():
            pass
    ''')
    suite.runpytest("-m", "not slow").assert_outcomes(passed=1, deselected=1)
    suite.runpytest("-m", "slow").assert_outcomes(passed=1, deselected=1)


def test_a_scenario_is_built_once_and_a_test_that_changes_it_fails_the_run(suite):
    suite.makepyfile(test_x=r'''
        def test_reads(built):
            assert (built.outputs / "page.html").is_file()

        def test_reads_again(built):
            assert (built.outputs / "page.html").is_file()
            assert (built.outputs.parent.parent / "builds.log").read_text(encoding="utf-8") == "base\n"

        def test_writes(built):
            (built.outputs / "page.html").write_text("changed", encoding="utf-8")
    ''')
    result = suite.runpytest()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*a test changed a shared scenario*base: base/outputs/page.html*"])


def test_the_stand_in_builders_do_not_outlive_the_small_suite(suite):
    from helpers.testing import scenarios

    real = dict(scenarios.BUILDERS)
    suite.makepyfile(test_x="def test_reads(built):\n    assert (built.outputs / 'page.html').is_file()\n")
    suite.runpytest().assert_outcomes(passed=1)
    assert scenarios.BUILDERS == real


def test_a_hanging_test_fails_at_its_time_limit(suite):
    suite.makepyfile(test_x=r'''
        import time
        import pytest

        @pytest.mark.timeout(1)
        def test_hangs():
            time.sleep(30)
    ''')
    result = suite.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Timeout*"])
