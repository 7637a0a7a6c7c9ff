"""A copy of the repository that holds more months, for the test that the suite's assumptions about
the data hold whatever months the repository holds (tests/test_months_present.py).

    root = copy_repository(tmp_path / "repo")   # the working tree as it is: code, tests, data, outputs
    add_months(root)                            # November and a December with new things, as an analyst adds them

The months are added through the documented loop (helpers.testing.scenarios.add_month: add-period,
rename-campaign for a proposed campaign, the reviewer's edits, seal), so the copy holds what a
repository holds after two real months: their raw folders, the rows add-period and seal wrote into
data/reference/ (English names still to translate) and their rows in data/raw/README.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..io.paths import Layout, is_period
from . import ROOT

# What a copy leaves out: version control, environments, caches, and run state that is not published.
IGNORED = shutil.ignore_patterns(".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".staging",
                                 ".state", ".old-*", "screenshots", "*.egg-info", "build")


def copy_repository(dest: Path) -> Path:
    """The working tree (tracked and untracked files alike, as they are now) copied to `dest`."""
    shutil.copytree(ROOT, dest, ignore=IGNORED, symlinks=True)
    return Path(dest)


def add_months(root: Path) -> Layout:
    """November (months.november) and the December that brings new things (news.december_with_news),
    added to the copy at `root` as an analyst adds them. The months the repository itself holds besides
    2021-10 are taken out of the copy first (their raw, processed and published folders, their
    lines of the index, and the reference rows that apply after 2021-10), so that the copy holds these three months whichever
    months the repository holds."""
    from . import PERIOD, months, news, scenarios
    from .reference_rows import reference_as_of

    from ..pipeline import index

    layout = Layout.default(root)
    for folder in (layout.raw, layout.processed, layout.outputs):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_dir() and is_period(path.name) and path.name != PERIOD:
                shutil.rmtree(path)
    index.update(layout)  # the index lists the periods left, as a run would have written it
    reference_as_of(layout.reference, PERIOD)
    november = months.november()
    for month in (november, news.december_with_news(november)):
        scenarios.add_month(layout, month)
    return layout
