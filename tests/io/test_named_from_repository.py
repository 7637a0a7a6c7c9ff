"""Words that can reach a published page name files from the repository's root and print no local
path (issue 20): helpers.io.paths.repository_path, helpers.io.errors.format_warning and the errors a
warning quotes."""

from __future__ import annotations

import warnings

from helpers.io.errors import InputError, InputErrors, InputWarning, format_warning, from_repository
from helpers.io.paths import repository_path


def test_a_file_in_a_data_folder_is_named_from_the_repository_s_root():
    assert repository_path("../../../data/raw/2021-09/figures.csv") == "data/raw/2021-09/figures.csv"
    assert repository_path("/home/analyst/shaoyang-report/data/reference/campaigns.csv") == \
        "data/reference/campaigns.csv"
    assert repository_path("/srv/data/raw-texts/x/data/raw/2021-10") == "data/raw/2021-10"  # the last data/ folder
    assert repository_path("/tmp/elsewhere/report.txt") == "/tmp/elsewhere/report.txt"  # not in one: as given


def test_a_warning_prints_its_kind_and_words_but_never_the_code_s_file():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn(InputWarning("../../../data/raw/2021-09/figures.csv", "unknown column 'x' is ignored", row=1))
    shown = format_warning(caught[0].message, caught[0].category, "/tmp/ipykernel_4242/1484259608.py", 3, "code")
    assert shown == "InputWarning: data/raw/2021-09/figures.csv, line 1: unknown column 'x' is ignored\n"


def test_the_errors_a_warning_quotes_are_named_from_the_repository_s_root():
    errors = InputErrors([InputError("../../../data/raw/2021-09/figures.csv", "bad", row=2),
                          InputError("/home/a/repo/data/raw/2021-09/non_figures.csv", "bad", row=3)])
    message = from_repository(errors).message
    assert "  - data/raw/2021-09/figures.csv, line 2: bad" in message
    assert "  - data/raw/2021-09/non_figures.csv, line 3: bad" in message and "../" not in message
