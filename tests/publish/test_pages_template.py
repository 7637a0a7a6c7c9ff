"""The index of periods comes from a template like every other page, with the same bytes as before."""

from __future__ import annotations

import inspect
import shutil

from helpers.io.paths import Layout
from helpers.pipeline.manifest import write_index
from helpers.publish import pages
from helpers.testing import ROOT


def test_the_index_is_rendered_from_its_template_not_from_python_strings():
    assert (pages.TEMPLATES / "pages" / "index.html.j2").is_file()
    source = inspect.getsource(pages.index_html)
    assert "<html" not in source and "<li>" not in source and "<a " not in source, "markup belongs in the template"


def test_the_published_index_is_what_the_template_renders(tmp_path):
    """outputs/index.html, rewritten from the published periods, is byte for byte the committed one."""
    shutil.copytree(ROOT / "outputs", tmp_path / "outputs", ignore=shutil.ignore_patterns("notebooks", "figures"))
    layout = Layout.default(ROOT)
    write_index(Layout(layout.raw, layout.processed, tmp_path / "outputs", layout.reference, layout.notebooks))
    assert (tmp_path / "outputs" / "index.html").read_bytes() == (ROOT / "outputs" / "index.html").read_bytes()


def test_the_index_escapes_every_value_it_is_given():
    page = pages.index_html([{"period": "2021-10", "title": 'a "quoted" <b>title</b> & more',
                              "editions": [("zh", 'report.html"><script>')]}])
    assert "<b>" not in page and "<script>" not in page
    assert "a &#34;quoted&#34; &lt;b&gt;title&lt;/b&gt; &amp; more" in page
    assert page.endswith("</html>\n") and page.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
