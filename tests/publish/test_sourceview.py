"""The source view (helpers.publish.sourceview): the report's text with every transcribed figure marked."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.audit import clean
from helpers.io import rawdata, readers
from helpers.publish import sourceview
from helpers.testing import ROOT
from helpers.testing.pages import Document, block_text

RAW = ROOT / "data" / "raw" / "2021-10"


@pytest.fixture(scope="module")
def real():
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    return readers.read_utf8(RAW / "report.txt"), figures


class Text:
    """The visible text of a fragment, and the ids and hrefs of its marks."""

    def __init__(self, html: str):
        doc = Document(html)
        self.text = block_text(doc.root)
        self.marks = [mark.attrs["id"] for mark in doc.find_all("mark")]
        self.links = [link.attrs["href"] for link in doc.find_all("a")]


def test_every_figure_is_marked_once_and_links_back(real):
    text, figures = real
    parsed = Text(str(sourceview.source_view(text, figures)))
    assert parsed.marks == [f"src-{i}" for i in figures.sort_values("value_start")["figure_id"]]
    assert parsed.links == [f"#fig-{i}" for i in figures.sort_values("value_start")["figure_id"]]


def test_the_text_is_shown_in_full_line_by_line(real):
    text, figures = real
    parsed = Text(str(sourceview.source_view(text, figures, heading="")))
    shown = parsed.text.split("\n")
    expected = [line.strip() for line in text.split("\n") if line.strip()]
    assert shown == expected


def test_each_mark_holds_exactly_the_printed_number(real):
    text, figures = real
    html = str(sourceview.source_view(text, figures))
    for row in figures.itertuples():
        mark = re.search(rf'<mark id="src-{re.escape(row.figure_id)}"[^>]*><a [^>]*>([^<]*)</a></mark>', html)
        assert mark and mark.group(1) == row.value_printed, row.figure_id


def test_text_from_the_report_is_escaped():
    text = "甲<script>alert(1)</script>乙16869户丙\n"
    figures = pd.DataFrame({"figure_id": ["a.b"], "value_start": [text.index("16869")], "value_printed": ["16869"],
                            "label": ['x"><img src=x>']})
    html = str(sourceview.source_view(text, figures))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html


def test_overlapping_figures_are_refused():
    figures = pd.DataFrame({"figure_id": ["a.b", "a.c"], "value_start": [0, 2], "value_printed": ["1234", "34"],
                            "label": ["", ""]})
    with pytest.raises(ValueError, match="overlap"):
        sourceview.marked_lines("1234户", figures)
