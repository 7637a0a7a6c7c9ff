"""Publishing: the executed notebooks as self-contained HTML pages, and the index of periods.

- `report.html`, `report.<language>.html` (public, one per edition): the narrative notebook only, no
  code, prompts, stderr, tracebacks or paths; the edition's `<html lang>`; inline CSS and base64
  charts, so it makes no network request.
- `audit.html` (auditor): all three notebooks of the same run with code and outputs, ending
  with a provenance block (input checksums, package versions, git commit). The analysis notebook's
  charts are embedded; the narrative's, which the public page embeds, are linked to there with
  their alt text (point_at_public_charts), so that each page stays under 500 KB (issue 19).
"""

from __future__ import annotations

import copy
import functools
from html import escape
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "shaoyang"
PACKAGES = ("python", "pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbconvert", "nbformat",
            "nbclient", "ipykernel", "jupyterlab", "pandera", "cn2an", "noto-cjk-sans-otc", "shaoyang-report")


def package_versions() -> dict[str, str]:
    import platform

    found = {}
    for name in PACKAGES:
        if name == "python":
            found[name] = platform.python_version()
            continue
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _css() -> str:
    return (TEMPLATES / TEMPLATE_NAME / "style.css").read_text(encoding="utf-8")


def _exporter(public: bool):
    """The HTML exporter, set for a public page (no code) or the auditor's edition. One per process:
    an exporter compiles nbconvert's templates when it first renders, and a run renders three pages."""
    exporter = _shared_exporter()
    exporter.exclude_input = public
    return exporter


@functools.lru_cache(maxsize=None)
def _shared_exporter():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        """nbconvert's HTML exporter without its last step, which parses the whole page again with
        BeautifulSoup to add `alt` to images that lack it and `tabindex` to the lab template's
        cells, and writes it out anew (half the export's time). Our pages need neither: every
        chart carries its alt text (nbconvert writes it from the output's metadata), our template
        has no lab cells, and every scrolling table wrapper brings its own tabindex.
        The rest is HTMLExporter.from_notebook_node as it stands in nbconvert 7.17, except the
        lexer: code is highlighted as Python, not IPython (our notebooks use no magics or shell
        escapes, and IPython's lexer would import IPython into the runner for it)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer="python3", parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = Exporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES)])
    exporter.optimistic_validation = True  # validate once after the preprocessors, not after each
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    # Markdown headings keep their ids and a hidden ¶ link (style.css): with no text, nbconvert writes
    # the link as <a … />, which a browser reads as an <a> left open around the rest of the page.
    exporter.anchor_link_text = "¶"
    return exporter


def warm_up() -> None:
    """Import nbconvert and compile the pages' templates now: the runner calls this in a thread
    while the kernel runs the notebooks, so the export at the end only renders."""
    _exporter(public=False).from_notebook_node(nbformat.v4.new_notebook(),
                                               resources={"page": {"title": "", "css": "", "edition": "audit"}})


def public_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Only what a reader should see: the reader's markdown and rich (HTML/image) outputs.

    Streams (stdout/stderr), errors, plain-text reprs, the parameters cells and cells with
    nothing left to show are dropped, so no code, traceback or local path can leak.
    """
    nb = copy.deepcopy(nb)
    kept = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "markdown":
            if "notebook-only" not in tags:  # notes for analysts and auditors, not for readers
                kept.append(cell)
            continue
        if cell.cell_type != "code" or {"parameters", "injected-parameters", "hide-output", "notebook-only"} & set(tags):
            continue
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = {k: v for k, v in output.get("data", {}).items() if k in ("text/html", "image/png")}
            if data:
                output = copy.deepcopy(output)
                output["data"] = data
                output.pop("execution_count", None)
                if output["output_type"] == "execute_result":
                    output["execution_count"] = None
                outputs.append(output)
        if outputs:
            cell.outputs = outputs
            cell.source = ""
            kept.append(cell)
    nb.cells = kept
    return nb


def inline_charts(nb: nbformat.NotebookNode, figures: Path | None) -> nbformat.NotebookNode:
    """The notebook with every chart its HTML outputs point at (CHARTS_FROM_NOTEBOOK, beside the
    executed notebook) embedded as a data: address, so that the page is one self-contained file.

    The notebook itself keeps the address: its charts are published once, in figures/.
    A chart that is not in `figures` is left as it is (and the page tests say so)."""
    import base64
    import re

    from .edition import CHARTS_FROM_NOTEBOOK

    if figures is None:
        return nb
    address = re.compile(r'src="' + re.escape(CHARTS_FROM_NOTEBOOK) + r'([\w.-]+\.png)"')
    embedded: dict[str, str] = {}

    def embed(match: re.Match) -> str:
        name = match.group(1)
        if name not in embedded:
            path = Path(figures) / name
            if not path.is_file():
                return match.group(0)
            embedded[name] = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'src="data:image/png;base64,{embedded[name]}"'

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html and CHARTS_FROM_NOTEBOOK in (html if isinstance(html, str) else "".join(html)):
                output["data"]["text/html"] = address.sub(embed, html if isinstance(html, str) else "".join(html))
    return nb


def point_at_public_charts(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with every chart its HTML outputs point at (the narrative's charts, which the
    public page embeds) shown as its alt text and a link to the same chart on the public page
    beside it (report.html#chart-completion), not embedded a second time: the auditor's edition
    stays one file under 500 KB as the months' charts accumulate (issue 19). The charts the
    analysis notebook shows as images (its working) stay embedded."""
    import re

    from .edition import CHARTS_FROM_NOTEBOOK, SOURCE_LANGUAGE, chart_anchor, page_name

    image = re.compile(r'<img src="' + re.escape(CHARTS_FROM_NOTEBOOK) + r'([\w.-]+)\.png"([^>]*)>')

    def link(match: re.Match) -> str:
        stem = match.group(1)
        alt = re.search(r'alt="([^"]*)"', match.group(2))
        _, dot, language = stem.partition(".")
        href = f"{page_name(language if dot else SOURCE_LANGUAGE)}#{chart_anchor(stem)}"
        return (f'<p class="chart-elsewhere"><a href="{escape(href)}">图表见公开页面</a>'
                f'{":" + alt.group(1) if alt else ""}</p>')

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html:
                html = html if isinstance(html, str) else "".join(html)
                if CHARTS_FROM_NOTEBOOK in html:
                    output["data"]["text/html"] = image.sub(link, html)
    return nb


def export_public(nb: nbformat.NotebookNode, title: str, language: str | None = None,
                  figures: Path | None = None) -> str:
    """One edition's public page (the source language's when `language` is None), in its language (the
    <html lang> and the page title), its charts embedded from `figures`."""
    from .catalogue import load_catalogue
    from .edition import SOURCE_LANGUAGE

    words = load_catalogue(language or SOURCE_LANGUAGE)
    body, _ = _exporter(public=True).from_notebook_node(
        inline_charts(public_notebook(nb), figures),
        resources={"page": {"title": f"{title} · {words.text('page.kicker')}", "css": _css(), "edition": "public",
                            "lang": words.text("lang")}})
    return body


def combined_notebook(notebooks: list[tuple[str, nbformat.NotebookNode]]) -> nbformat.NotebookNode:
    """The three executed notebooks as one, each under its own heading, cell ids kept unique."""
    combined = nbformat.v4.new_notebook()
    combined.metadata = copy.deepcopy(notebooks[0][1].metadata)
    for name, nb in notebooks:
        heading = nbformat.v4.new_markdown_cell(f'<h1 class="notebook-title" id="nb-{name}">Notebook {name}</h1>')
        heading.id = f"nb-{name}"
        combined.cells.append(heading)
        for cell in nb.cells:
            cell = copy.deepcopy(cell)
            cell.id = f"{name}-{cell.get('id', '')}"
            combined.cells.append(cell)
    return combined


def provenance_html(inputs: dict[str, str], versions: dict[str, str], commit: str, parameters: dict) -> str:
    rows_in = "".join(f"<tr><td><code>{escape(k)}</code></td> <td><code>{escape(v)}</code></td></tr>"
                      for k, v in sorted(inputs.items()))
    rows_v = "".join(f"<tr><td>{escape(k)}</td> <td>{escape(v)}</td></tr>" for k, v in versions.items())
    rows_p = "".join(f"<tr><td><code>{escape(k)}</code></td> <td><code>{escape(str(v))}</code></td></tr>"
                     for k, v in sorted(parameters.items()))
    return (
        '<section id="provenance" class="provenance"><h2>Provenance</h2>'
        f"<p>Code commit: <code>{escape(commit)}</code> (the last commit that changed code, notebooks, "
        "reference tables or raw data).</p>"
        '<h3>Input checksums (sha256)</h3><div class="table-wrap"><table><thead><tr><th>file</th> <th>sha256</th>'
        f"</tr></thead><tbody>{rows_in}</tbody></table></div>"
        '<h3>Parameters</h3><div class="table-wrap"><table><thead><tr><th>name</th> <th>value</th></tr></thead>'
        f"<tbody>{rows_p}</tbody></table></div>"
        '<h3>Package versions</h3><div class="table-wrap"><table><thead><tr><th>package</th> <th>version</th>'
        f"</tr></thead><tbody>{rows_v}</tbody></table></div></section>")


def export_audit(notebooks: list[tuple[str, nbformat.NotebookNode]], title: str, provenance: str,
                 figures: Path | None = None, beside_public: bool = False) -> str:
    """The auditor's edition. `beside_public`: the public pages are published beside it, so the
    narrative's charts point at them (point_at_public_charts) instead of being embedded again; a
    failed run's page, which has no public page beside it, embeds them from `figures`."""
    from pygments.formatters import HtmlFormatter

    css = _css() + "\n" + HtmlFormatter(style="default").get_style_defs(".highlight")
    toc = ('<header><p class="kicker">Auditor\'s edition · 审计版</p>'
           f"<h1>{escape(title)}</h1><p>All three notebooks of the run that produced the public page, with "
           "their code, parameters, checks and coverage tables, then the provenance of the run.</p>"
           '<nav class="toc"><ol>' + "".join(f'<li><a href="#nb-{escape(n)}">{escape(n)}</a></li>' for n, _ in notebooks)
           + '<li><a href="#provenance">Provenance</a></li></ol></nav></header>')
    body, _ = _exporter(public=False).from_notebook_node(
        (point_at_public_charts if beside_public else lambda nb: inline_charts(nb, figures))(
            combined_notebook(notebooks)),
        resources={"page": {"title": f"{title}(审计版)", "css": css, "edition": "audit", "before": toc,
                            "after": provenance}})
    return body


def _page_template(name: str):
    """A whole page's template (templates/pages/), autoescaped like the sections'."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(str(TEMPLATES / "pages")), autoescape=True,
                              undefined=StrictUndefined, keep_trailing_newline=True)
    return environment.get_template(name)


def index_html(entries: list[dict]) -> str:
    """outputs/index.html: every published period, newest first, with links to every edition.

    The page is in the source language (the bureau's website), its title repeated in every other
    edition's language; each link is named in its edition's own words, from the catalogues. The
    markup is templates/pages/index.html.j2."""
    from .catalogue import load_catalogue
    from .edition import SOURCE_LANGUAGE, edition_links, html_lang, page_name

    source = load_catalogue(SOURCE_LANGUAGE)
    periods = []
    for e in sorted(entries, key=lambda e: e["period"], reverse=True):
        links = []
        for language, page in e.get("editions", [(SOURCE_LANGUAGE, page_name(SOURCE_LANGUAGE))]):
            words = load_catalogue(language)
            links.append({"href": f"{e['period']}/{page}", "lang": words.text("lang"), "text": words.text("index.public")})
        links.append({"href": f"{e['period']}/audit.html", "lang": "", "text": source.text("index.audit")})
        periods.append({"period": e["period"], "title": e.get("title", ""), "links": links})
    subtitles = [{"lang": link.lang, "text": link.text} for link in edition_links(SOURCE_LANGUAGE, key="index.title")]
    return _page_template("index.html.j2").render(lang=html_lang(SOURCE_LANGUAGE), title=source.text("index.title"),
                                                  subtitles=subtitles, css=_css(), periods=periods)
