"""The published HTML: the public report, the auditor's edition and the index of periods.

The pages are parsed with the standard library's `html.parser` (no extra dependency) and checked
against the issue "The published report", point by point, on one pipeline build of 2021-10 in a
temporary folder (the session fixture `built` from conftest.py). Numbers on the page are
compared with the processed tables of the same build, so a number typed by hand, a chart that
was not embedded or a path that leaked shows up as a failure.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import platform
import re
from importlib.metadata import version
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from helpers.io.paths import STAGED
from helpers.publish.printing.zh import BOUND_WORDS
from helpers.testing import ROOT
from helpers.testing.pages import VOID, Document, Element

PERIOD = "2021-10"
MAX_PUBLIC_BYTES = 500_000

# What must never reach the public page (the list, plus nbconvert's markers for code and streams).
FORBIDDEN_TEXT = ("/work", "/tmp", "/root", "/home/", "site-packages", "Traceback", "In [", "ipython")
CODE_CLASSES = {"input", "input_area", "input_prompt", "prompt", "highlight", "output_stream", "output_stderr",
                "output_stdout", "output_error", "output_text", "celltag_parameters", "celltag_injected-parameters"}
CDN_HINTS = ("require.js", "requirejs", "mathjax", "cdn.jsdelivr", "cdnjs", "unpkg.com", "fonts.googleapis",
             "fonts.gstatic", "@font-face")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]*")
HTTP_URL = re.compile(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<>)]*", re.IGNORECASE)


def strip_data_uris(text: str) -> str:
    """The page without its embedded images, so that base64 noise cannot match (or hide) a string."""
    return DATA_URI.sub("data:,", text)


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def date_zh(iso: str) -> str:
    day = dt.date.fromisoformat(str(iso)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table_rows(table: Element) -> tuple[list[str], list[list[str]]]:
    """Header cells and body rows (cell texts) of a table."""
    head = [squash(th.text()) for th in (table.find("thead") or table).find_all("th")]
    body = table.find("tbody") or table
    rows = [[squash(c.text()) for c in tr.element_children if c.tag in ("td", "th")] for tr in body.find_all("tr")]
    return head, [r for r in rows if r]


# ---- Offline: the one check both editions and the index share --------------------------------

def assert_offline(doc: Document, raw: str, allowed_links: set[str]) -> None:
    """No request when the page is opened: no script/stylesheet/font/image from outside the file.

    The only URLs allowed are `<a href>` values in `allowed_links` (and that link's own text).
    """
    problems = []
    for element in doc.root.iter():
        if element.tag == "script" and "src" in element.attrs:
            problems.append(f"<script src={element.attrs['src']!r}>")
        if element.tag == "link":
            problems.append(f"<link {element.attrs}> (stylesheets, icons and fonts must be inline)")
        if element.tag in ("iframe", "object", "embed", "video", "audio", "source", "track", "base", "portal"):
            problems.append(f"<{element.tag}> element")
        if element.tag == "meta" and element.attrs.get("http-equiv", "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
        for name in ("src", "srcset", "poster", "data", "background", "action", "formaction", "xlink:href",
                     "ping", "manifest"):
            value = element.attrs.get(name)
            if value is not None and not value.startswith("data:"):
                problems.append(f"<{element.tag} {name}={value[:80]!r}>")
        if element.tag == "a" and "href" in element.attrs:
            href = element.attrs["href"]
            if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", href, re.IGNORECASE) and href not in allowed_links:
                problems.append(f"<a href={href!r}> (not an allowed link)")
    css = doc.css()
    if re.search(r"@import", css, re.IGNORECASE):
        problems.append("@import in CSS")
    for match in re.finditer(r"url\(\s*['\"]?([^'\")]*)", css, re.IGNORECASE):
        if not match.group(1).startswith("data:") and not match.group(1).startswith("#"):
            problems.append(f"CSS url({match.group(1)[:80]})")
    stripped = CSS_COMMENT.sub("", strip_data_uris(raw))
    for hint in CDN_HINTS:
        if hint.lower() in stripped.lower():
            problems.append(f"{hint!r} in the page")
    for url in HTTP_URL.findall(stripped):
        if url not in allowed_links:
            problems.append(f"URL {url[:100]!r} in the page")
    assert not problems, "the page would make network requests or names outside resources:\n" + "\n".join(problems)


# ---- Fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def out(built) -> Path:
    return built.outputs / PERIOD


@pytest.fixture(scope="module")
def processed(built) -> Path:
    return built.processed / PERIOD


@pytest.fixture(scope="module")
def source() -> dict:
    return yaml.safe_load((ROOT / "data" / "raw" / PERIOD / "source.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report_raw(out) -> str:
    return (out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(report_raw) -> Document:
    return Document(report_raw)


@pytest.fixture(scope="module")
def audit_raw(out) -> str:
    return (out / "audit.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def audit(audit_raw) -> Document:
    return Document(audit_raw)


@pytest.fixture(scope="module")
def manifest(out) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def chart_files(out: Path, language: str = "zh") -> dict[str, Path]:
    """The run's charts of one edition (completion.png in Chinese, completion.en.png in English) by sha256."""
    def edition(path: Path) -> str:
        parts = path.name.split(".")
        return parts[1] if len(parts) == 3 else "zh"

    return {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in sorted((out / "figures").glob("*.png"))
            if edition(p) == language}


def embedded_images(doc: Document) -> list[tuple[Element, str]]:
    """Each <img> with the sha256 of the PNG bytes in its data: URI ('' if it is not a data: URI)."""
    found = []
    for img in doc.find_all("img"):
        src = img.attrs.get("src", "")
        digest = ""
        if src.startswith("data:image/png;base64,"):
            digest = hashlib.sha256(base64.b64decode(src.split(",", 1)[1])).hexdigest()
        found.append((img, digest))
    return found


# ---- The public report -------------------------------------------------------------------------

@pytest.mark.slow
class TestPublicReport:
    def test_is_a_complete_utf8_page_in_simplified_chinese(self, report):
        assert report.doctype.lower() == "doctype html"
        html = report.find("html")
        assert html is not None and html.attrs.get("lang") == "zh-CN", "the public page must set lang=\"zh-CN\""
        assert any(m.attrs.get("charset", "").lower() == "utf-8" for m in report.find_all("meta"))
        viewport = [m for m in report.find_all("meta") if m.attrs.get("name") == "viewport"]
        assert viewport and "width=device-width" in viewport[0].attrs.get("content", ""), \
            "without a viewport meta a phone renders the page at desktop width"

    @pytest.mark.parametrize("forbidden", FORBIDDEN_TEXT)
    def test_no_code_paths_or_tracebacks_leak(self, report_raw, built, forbidden):
        page = strip_data_uris(report_raw)
        needle_found = forbidden in page if forbidden == "In [" else forbidden.lower() in page.lower()
        assert not needle_found, f"{forbidden!r} occurs in the public report"
        for local in {str(built.outputs), str(built.processed), str(ROOT), str(Path.home())}:
            if len(Path(local).parts) < 2:  # a home of "/" says nothing
                continue
            assert local not in page, f"the local path {local} occurs in the public report"

    def test_no_code_cells_prompts_or_streams(self, report, out):
        leaked = [f"<{e.tag} class={e.attrs['class']!r}>" for e in report.root.iter() if e.classes & CODE_CLASSES]
        assert not leaked, f"code, prompts or streams in the public report: {leaked[:5]}"
        assert not report.find_all("pre"), "a <pre> in the public report is a plain-text output (repr or stream)"
        text = report.root.text()
        nb = nbformat.read(out / "notebooks" / "03_narrative.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for line in cell.source.splitlines():
                line = line.strip()
                if len(line) >= 8:
                    assert line not in text, f"the narrative notebook's code {line!r} is on the public page"

    def test_opens_with_title_publisher_period_date_and_source_link(self, report, source):
        title = str(source["title"])
        assert title in report.find("title").text()
        h1s = report.find_all("h1")
        assert len(h1s) == 1 and squash(h1s[0].text()) == title, "one <h1>, the report's title"
        masthead = h1s[0].parent
        assert masthead.tag == "header", "the title sits in the page's <header>"
        text = masthead.text()
        covered = source["period_covered"]
        for expected, what in ((str(source["publisher"]), "publisher"),
                               (date_zh(covered["start"]), "start of the period"),
                               (date_zh(covered["end"]), "end of the period"),
                               (date_zh(str(source["published"])), "publication date")):
            assert expected in text, f"the masthead lacks the {what} ({expected})"
        links = [a for a in masthead.find_all("a") if a.attrs.get("href") == source["address"]]
        assert links, "the masthead must link to the source page"
        # Nothing of substance comes before the masthead: no heading, section, table, chart or nav.
        start = report.position(masthead)
        before = [e for e in report.find("main").iter() if report.position(e) < start
                  and e.tag in ("h1", "h2", "h3", "section", "table", "figure", "img", "nav")]
        assert not before, f"{[e.tag for e in before]} come before the title block"

    def test_table_of_contents_links_resolve_and_cover_every_section(self, report, processed):
        nav = report.find("nav", "toc")
        assert nav is not None, "no <nav class=toc>"
        hrefs = [a.attrs.get("href", "") for a in nav.find_all("a")]
        assert len(hrefs) >= 5
        ids = report.by_id()
        duplicated = sorted(i for i, found in ids.items() if len(found) > 1)
        assert not duplicated, f"ids used more than once: {duplicated}"
        broken = [h for h in hrefs if not h.startswith("#") or h[1:] not in ids]
        assert not broken, f"table-of-contents links that go nowhere: {broken}"
        targets = [ids[h[1:]][0] for h in hrefs]
        positions = [report.position(t) for t in targets]
        assert positions == sorted(positions), "the table of contents is not in page order"
        sections = {s.attrs["id"] for s in report.find_all("section") if "id" in s.attrs}
        assert sections <= {h[1:] for h in hrefs}, f"sections missing from the contents: {sections - set(hrefs)}"
        campaigns = set(read_csv(processed / "figures.csv")["campaign"])
        assert {f"#campaign-{c}" for c in campaigns} <= set(hrefs), "a campaign with figures has no section"

    def test_every_chart_is_embedded_with_alt_text(self, report, out):
        files = chart_files(out)
        assert files, "the run drew no charts"
        images = embedded_images(report)
        not_embedded = [img.attrs.get("src", "")[:60] for img, digest in images if not digest]
        assert not not_embedded, f"<img> not embedded as data:image/png: {not_embedded}"
        assert {d for _, d in images} == set(files), (
            f"embedded charts differ from the run's figures/: missing "
            f"{sorted(files[d].name for d in set(files) - {d for _, d in images})}")
        for img, digest in images:
            alt = img.attrs.get("alt", "").strip()
            assert alt, f"{files[digest].name} has no alt text"
            meta = json.loads(files[digest].with_suffix(".json").read_text(encoding="utf-8"))
            assert alt == meta["alt"].strip(), f"{files[digest].name}: alt text differs from the chart's"
            figure = next((a for a in img.ancestors() if a.tag == "figure"), None)
            assert figure is not None and squash(figure.find("figcaption").text()), \
                f"{files[digest].name} is not in a <figure> with a caption"

    def test_reads_on_a_phone(self, report):
        """Layout pieces that keep a 375 px page from scrolling sideways (the browser test measures it)."""
        css = report.css()
        assert re.search(r"(?:^|[,}\s])img\s*(?:,[^{]*)?\{[^}]*max-width:\s*100%", css), "images must shrink to fit"
        assert re.search(r"\.table-wrap\s*\{[^}]*overflow-x:\s*auto", css), "tables must scroll inside a wrapper"
        unwrapped = [t for t in report.find_all("table") if not any("table-wrap" in a.classes for a in t.ancestors())]
        assert not unwrapped, f"{len(unwrapped)} table(s) not inside .table-wrap would widen the page"
        for element in report.root.iter():
            width = element.attrs.get("width", "")
            assert not (width.isdigit() and int(width) > 375), f"<{element.tag} width={width}> is wider than a phone"
        assert not re.search(r"(?<![-\w])(?:min-)?width:\s*(?:[4-9]\d\d|\d{4,})px", css), \
            "a fixed width over 375 px in the CSS"

    def test_has_a_print_stylesheet(self, report):
        css = report.css()
        match = re.search(r"@media\s+print\s*\{(.*)", css, re.DOTALL)
        assert match, "no @media print rules"
        assert re.search(r"[^{}]+\{[^}]*\}", match.group(1)), "the @media print block is empty"
        assert re.search(r"break-inside:\s*avoid", match.group(1)), "print must not split charts and tables"

    def test_makes_no_network_request(self, report, report_raw, source):
        assert not report.find_all("script"), "the public page needs no script"
        assert_offline(report, report_raw, allowed_links={source["address"]})
        # The source link is the one URL: once as <a href> and once as its text.
        assert strip_data_uris(report_raw).count(source["address"]) >= 1

    def test_is_under_500_kb(self, out):
        size = (out / "report.html").stat().st_size
        assert size < MAX_PUBLIC_BYTES, f"report.html is {size:,} bytes (limit {MAX_PUBLIC_BYTES:,})"
        size = (out / "report.en.html").stat().st_size
        assert size < MAX_PUBLIC_BYTES, f"report.en.html is {size:,} bytes (limit {MAX_PUBLIC_BYTES:,})"


# ---- Numbers come from the data -----------------------------------------------------------------

@pytest.mark.slow
class TestNumbersFromData:
    def headline(self, report) -> str:
        section = report.by_id()["summary"][0]
        return squash(section.text())

    def test_headline_counts_match_the_processed_tables(self, report, processed):
        figures = read_csv(processed / "figures.csv")
        progress = read_csv(processed / "progress.csv")
        checks = read_csv(processed / "checks.csv")
        text = self.headline(report)

        def number(pattern: str) -> int:
            match = re.search(pattern, text)
            assert match, f"the headline has no {pattern!r}: {text}"
            return int(match.group(1))

        assert number(r"原文中的(\d+)个数据") == len(figures), "the headline's count of figures is not len(figures.csv)"
        assert number(r"涉及(\d+)项工作") == figures["campaign"].nunique()
        assert number(r"有目标可比的(\d+)项指标") == len(progress)
        for word, position in (("超过目标", "ahead"), ("已完成目标", "met"), ("尚未完成", "behind")):
            expected = int((progress["position"] == position).sum())
            if expected:
                assert number(rf"(\d+)项{word}") == expected, f"count of {position} targets"
        status = checks["status"].value_counts()
        assert number(r"共复算(\d+)项") == int(status.get("pass", 0)) + int(status.get("mismatch", 0))
        mismatched = int(status.get("mismatch", 0))
        if mismatched:
            assert number(r"其中(\d+)项与原文不一致") == mismatched
        else:
            assert "全部与原文一致" in text

    def test_progress_table_rates_are_the_recomputed_rates(self, report, processed):
        progress = read_csv(processed / "progress.csv")
        section = report.by_id()["progress"][0]
        head, rows = table_rows(section.find("table"))
        assert len(rows) == len(progress), "one row per target in progress.csv"
        column = head.index("复算完成率")
        for row, expected in zip(rows, progress.itertuples()):
            if "implied" in (expected.target_source, expected.achieved_source):
                # Worked back from the printed rate: recomputing it would be circular, so none is shown.
                assert row[column] == "—", f"{expected.label}: a circular rate is shown as {row[column]}"
                continue
            # A rate against a 以上 target is an upper bound, and says so.
            bound = BOUND_WORDS[expected.rate_bound]
            assert row[column].startswith(bound), f"{expected.label}: {row[column]} lacks {bound!r}"
            shown = row[column].removeprefix(bound).rstrip("%")
            decimals = len(shown.partition(".")[2])
            assert decimals == 2, f"{expected.label}: recomputed rates are shown to two decimals"
            assert abs(float(shown) - float(expected.computed_rate)) <= 0.5 * 10 ** -decimals + 1e-9, \
                f"{expected.label}: page shows {row[column]}, progress.csv has {expected.computed_rate}"

    def test_every_figure_is_in_its_campaign_table(self, report, processed):
        figures = read_csv(processed / "figures.csv")
        ids = report.by_id()
        for campaign, group in figures.groupby("campaign", sort=False):
            tables = ids[f"campaign-{campaign}"][0].find_all("table")
            assert tables, f"the {campaign} section has no table of its figures"
            _, rows = table_rows(tables[-1])
            cells = {}
            for row in rows:
                cells.setdefault(row[0], []).append(row[1].replace(",", ""))
            for figure in group.itertuples():
                shown = cells.get(figure.label, [])
                assert any(figure.value_printed in value and figure.unit_printed[-1] in value for value in shown), \
                    f"{figure.figure_id}: {figure.value_printed}{figure.unit_printed} not in its table ({shown})"

    def test_audit_summary_counts_match_checks_csv(self, report, processed):
        checks = read_csv(processed / "checks.csv")
        text = squash(report.by_id()["audit"][0].text())
        match = re.search(r"共核查(\d+)项", text)
        assert match and int(match.group(1)) == len(checks), "the check count is not len(checks.csv)"
        mismatches = checks[checks["status"] == "mismatch"]
        cards = report.find_all("div", "check-mismatch")
        assert len(cards) == len(mismatches), "one card per mismatch in checks.csv"

    def test_each_diagnosis_is_one_finding_holding_the_mismatches_it_explains(self, report, processed):
        checks = read_csv(processed / "checks.csv").set_index("check_id")
        diagnoses = read_csv(processed / "diagnoses.csv")
        findings = report.find_all("div", "finding")
        assert len(findings) == len(diagnoses) == 1, "October: one diagnosis, one finding"
        for finding, diagnosis in zip(findings, diagnoses.itertuples()):
            resolved = diagnosis.resolves.split("|")
            assert len(finding.find_all("div", "check-mismatch")) == len(resolved)
            text = squash(finding.text())
            described = [squash(checks.at[c, "description"]) for c in resolved]
            assert all(d in text for d in described), "each explained check is shown inside its finding"
            # Plain Chinese: the printed number and the number that would make the checks agree.
            assert "原文为760个;若为742至744个" in text


# ---- Text from raw data is escaped ---------------------------------------------------------------

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;"\'</td>'


@pytest.mark.slow
def test_text_from_data_is_escaped(built):
    """Every narrative section, fed hostile labels, names, quotes and a hostile source sidecar."""
    from helpers.publish import narrative

    upstream = {name: built.published(PERIOD, staged) for name, staged in STAGED.items()}
    data = narrative.load_report(PERIOD, upstream, ROOT / "data" / "raw" / PERIOD, ROOT / "data" / "reference")
    data.source = dict(data.source, title=EVIL, publisher=EVIL, address="https://example.org/?a=1&b=\"><script>")
    data.figures = data.figures.copy()
    data.figures["label"] = data.figures["label"].astype(str) + EVIL
    data.figures["quote"] = data.figures["quote"].astype(str) + EVIL
    data.campaigns = data.campaigns.copy()
    data.campaigns["name_zh"] = data.campaigns["name_zh"].astype(str) + EVIL
    data.progress = data.progress.copy()
    data.progress["label"] = data.progress["label"].astype(str) + EVIL
    data.checks = data.checks.copy()
    data.checks["description"] = data.checks["description"].astype(str) + EVIL
    data.checks["working"] = data.checks["working"].astype(str) + EVIL
    data.descriptions = {key: value + EVIL for key, value in data.descriptions.items()}
    data.report_text = data.report_text + EVIL
    book = narrative.build_facts(data)
    parts = [narrative.title_block, narrative.headline, narrative.progress_overview,
             narrative.campaign_sections, narrative.audit_section, narrative.changes_note, narrative.about,
             narrative.calculations, narrative.source_view]
    page = str(narrative.table_of_contents(data, book)) + "".join(str(part(data, book)) for part in parts)
    doc = Document(f"<main>{page}</main>")
    assert not doc.find_all("script"), "a <script> from the data became markup"
    injected = [e for e in doc.root.iter() if any(name.startswith("on") for name in e.attrs)]
    assert not injected, "an event-handler attribute from the data became markup"
    assert not [i for i in doc.find_all("img") if i.attrs.get("src") == "x"], "an <img> from the data became markup"
    text = doc.root.text()
    assert text.count(EVIL) >= len(data.figures), "hostile text must come out as text, character for character"
    link = [a for a in doc.find("header").find_all("a") if "fact" not in a.attrs.get("class", "")][0]
    assert link.attrs["href"] == data.source["address"], "the source address must stay one attribute value"


def test_public_edition_drops_code_streams_errors_and_parameters():
    """publish.public_notebook + the template, on a notebook with everything that must not leak."""
    from helpers.publish import pages as publish

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('raw_dir = "/work/secret/raw"')
    params.metadata["tags"] = ["injected-parameters"]
    noisy = nbformat.v4.new_code_cell("print('SECRET_CODE_LINE')", outputs=[
        nbformat.v4.new_output("stream", name="stderr", text="warning in /root/.local/site-packages/x.py\n"),
        nbformat.v4.new_output("stream", name="stdout", text="/tmp/stdout-path\n"),
        nbformat.v4.new_output("error", ename="ValueError", evalue="boom",
                               traceback=["Traceback (most recent call last)", "ipython-input-1 /home/me"]),
        nbformat.v4.new_output("execute_result", data={"text/plain": "In [1]: plain repr"}, execution_count=1),
    ])
    shown = nbformat.v4.new_code_cell("SECRET_DISPLAY_CALL()", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": "<p id=\"kept\">保留</p>",
                                                     "text/plain": "/work/plain-repr"}),
    ])
    nb.cells = [nbformat.v4.new_markdown_cell("正文"), params, noisy, shown]
    page = publish.export_public(nb, "标题")
    for secret in ("/work", "/root", "/tmp", "/home", "site-packages", "Traceback", "ipython", "In [",
                   "SECRET_CODE_LINE", "SECRET_DISPLAY_CALL", "raw_dir"):
        assert secret not in page, f"{secret!r} leaked into the public edition"
    doc = Document(page)
    assert doc.by_id().get("kept"), "the rich HTML output must be kept"
    assert "正文" in doc.root.text()
    assert doc.find("html").attrs.get("lang") == "zh-CN"
    assert not doc.find_all("script")


# ---- The auditor's edition -------------------------------------------------------------------------

@pytest.mark.slow
class TestAuditEdition:
    def test_lang_and_no_network_request(self, audit, audit_raw, source):
        assert audit.find("html").attrs.get("lang") == "zh-CN"
        scripts = audit.find_all("script")
        assert not scripts, f"the audit edition must not load scripts (nbconvert's require.js/MathJax): {scripts}"
        assert_offline(audit, audit_raw, allowed_links={source["address"]})

    def test_contents_links_resolve(self, audit):
        ids = audit.by_id()
        header_nav = audit.find("header").find("nav")
        hrefs = [a.attrs["href"] for a in header_nav.find_all("a")]
        assert "#provenance" in hrefs
        broken = [h for h in hrefs if h[1:] not in ids]
        assert not broken, f"audit contents links that go nowhere: {broken}"

    def test_shows_the_code_of_every_notebook(self, audit, out):
        code = {squash(pre.text()) for pre in audit.find_all("pre")}
        for stage in ("01_clean", "02_campaign_progress", "03_narrative"):
            nb = nbformat.read(out / "notebooks" / f"{stage}.ipynb", as_version=4)
            cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
            assert cells
            missing = [c.source[:60] for c in cells if squash(c.source) not in code]
            assert not missing, f"{stage}: code cells not shown in the audit edition: {missing}"

    def test_shows_the_parameters(self, audit, manifest):
        for tag in ("celltag_parameters", "celltag_injected-parameters"):
            assert len(audit.find_all(cls=tag)) == 3, f"each notebook's {tag} cell must be shown"
        provenance = audit.by_id()["provenance"][0]
        shown = {}
        for table in provenance.find_all("table"):
            head, rows = table_rows(table)
            if head == ["name", "value"]:
                shown = {r[0]: r[1] for r in rows}
        assert shown == {k: str(v) for k, v in manifest["parameters"].items()}, \
            "the provenance block's parameters are not the run's"

    def test_shows_the_checks_table(self, audit, processed):
        checks = read_csv(processed / "checks.csv")
        for table in audit.find_all("table"):
            head, rows = table_rows(table)
            if {"check_id", "status"} <= set(head):
                column = head.index("check_id")
                assert {r[column] for r in rows} == set(checks["check_id"]), "checks table differs from checks.csv"
                return
        pytest.fail("no checks table (check_id, status) in the audit edition")

    def test_shows_the_coverage_table(self, audit, processed):
        coverage = read_csv(processed / "coverage.csv")
        for table in audit.find_all("table"):
            head, rows = table_rows(table)
            if {"number", "status", "reason", "context"} <= set(head):
                assert len(rows) == len(coverage), \
                    f"the coverage table shows {len(rows)} of {len(coverage)} numbers (truncated?)"
                return
        pytest.fail("no coverage table (number, status, reason, context) in the audit edition")

    def test_ends_with_the_provenance_block(self, audit):
        main = audit.find("main")
        last = main.element_children[-1]
        assert last.tag == "section" and last.attrs.get("id") == "provenance", \
            f"the audit edition ends with <{last.tag} id={last.attrs.get('id')!r}>, not the provenance block"
        after = main.children[main.children.index(last) + 1:]
        assert not "".join(c for c in after if isinstance(c, str)).strip(), "text after the provenance block"
        body_after = audit.find("body").children
        tail = body_after[body_after.index(main) + 1:]
        assert not any(isinstance(c, Element) for c in tail), "elements after <main>"

    def test_provenance_checksums_versions_and_commit(self, audit, source, manifest, built):
        provenance = audit.by_id()["provenance"][0]
        tables = [table_rows(t) for t in provenance.find_all("table")]
        sums = next({r[0]: r[1] for r in rows} for head, rows in tables if head == ["file", "sha256"])
        expected = {f"data/raw/{PERIOD}/{name}": hashlib.sha256((ROOT / "data" / "raw" / PERIOD / name).read_bytes())
                    .hexdigest() for name in source["files"]}
        expected[f"data/raw/{PERIOD}/source.yml"] = hashlib.sha256(
            (ROOT / "data" / "raw" / PERIOD / "source.yml").read_bytes()).hexdigest()
        for path in built.reference.glob("*.csv"):  # the tables the run read (as they stood at 2021-10)
            expected[f"data/reference/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        assert sums == expected, "input checksums in the provenance block are not the inputs' sha256"
        versions = next({r[0]: r[1] for r in rows} for head, rows in tables if head == ["package", "version"])
        assert versions.get("python") == platform.python_version()
        for package in ("pandas", "nbconvert", "papermill", "matplotlib", "shaoyang-report"):
            assert versions.get(package) == version(package), f"{package} version in provenance"
        commit = squash(provenance.find("p").find("code").text())
        assert re.fullmatch(r"[0-9a-f]{40}(\+uncommitted-changes)?", commit), f"git commit is {commit!r}"
        assert commit == manifest["git_commit"]

    def test_is_the_same_run_as_the_public_edition(self, report, audit, out, manifest):
        for name in ("report.html", "audit.html"):
            recorded = manifest["outputs"][f"outputs/{PERIOD}/{name}"]
            assert recorded == hashlib.sha256((out / name).read_bytes()).hexdigest(), f"{name} is not the manifest's"
        public_summary = squash(report.by_id()["summary"][0].text())
        audit_summary = [squash(s.text()) for s in audit.by_id().get("summary", [])]
        assert audit_summary == [public_summary], "the audit shows a different headline from the public page"
        # Each of the public page's charts is in the audit edition: embedded (the analysis notebook's
        # charts), or pointed at on the public page with its alt text (the narrative's; issue 19).
        audit_charts = {d for _, d in embedded_images(audit)}
        links = {a.attrs["href"]: squash(a.parent.text()) for a in audit.find_all("a")
                 if a.attrs.get("href", "").startswith("report.html#chart-")}
        assert audit_charts and links
        for figure in report.find_all("figure", cls="chart"):
            ((img, digest),) = embedded_images(figure)
            href = f"report.html#{figure.attrs['id']}"
            assert digest in audit_charts or squash(img.attrs["alt"]) in links.get(href, ""), \
                f"the public page's chart {figure.attrs['id']} is not in the audit edition"
        tables = [table_rows(t) for t in audit.by_id()["provenance"][0].find_all("table")]
        sums = next({r[0]: r[1] for r in rows} for head, rows in tables if head == ["file", "sha256"])
        assert sums == manifest["inputs"], "the audit's input checksums are not the run's manifest"


# ---- The index of periods -----------------------------------------------------------------------

def index_periods(doc: Document) -> list[tuple[str, list[str]]]:
    """(period, hrefs) per list item, in page order."""
    found = []
    for item in doc.find_all("li"):
        match = re.match(r"\s*(\d{4}-\d{2})", item.text())
        if match:
            found.append((match.group(1), [a.attrs.get("href", "") for a in item.find_all("a")]))
    return found


@pytest.mark.slow
def test_index_lists_every_built_period_with_both_editions(built):
    raw = (built.outputs / "index.html").read_text(encoding="utf-8")
    doc = Document(raw)
    assert doc.find("html").attrs.get("lang") == "zh-CN"
    assert_offline(doc, raw, allowed_links=set())
    built_periods = sorted((p.name for p in built.outputs.iterdir()
                            if re.fullmatch(r"\d{4}-\d{2}", p.name) and (p / "report.html").is_file()), reverse=True)
    listed = index_periods(doc)
    assert [p for p, _ in listed] == built_periods, "the index must list every built period, newest first"
    for period, hrefs in listed:
        assert f"{period}/report.html" in hrefs and f"{period}/audit.html" in hrefs, f"{period}: {hrefs}"
        for href in hrefs:
            assert (built.outputs / href).is_file(), f"index link {href} goes nowhere"


def test_index_is_newest_first_and_skips_other_folders(tmp_path):
    from helpers.io.paths import Layout
    from helpers.pipeline.manifest import write_index

    layout = Layout(raw=tmp_path / "raw", processed=tmp_path / "processed", outputs=tmp_path / "outputs",
                    reference=ROOT / "data" / "reference", notebooks=ROOT / "notebooks")
    for period in ("2021-08", "2022-01", "2021-10", "2021-09"):
        (layout.outputs / period).mkdir(parents=True)
        (layout.outputs / period / "report.html").write_text("<p>r</p>", encoding="utf-8")
        (layout.outputs / period / "audit.html").write_text("<p>a</p>", encoding="utf-8")
    (layout.outputs / "2021-07").mkdir()  # a failed first run: nothing published
    (layout.outputs / "screenshots").mkdir()
    (layout.outputs / ".staging").mkdir()
    write_index(layout)
    doc = Document((layout.outputs / "index.html").read_text(encoding="utf-8"))
    listed = index_periods(doc)
    assert [p for p, _ in listed] == ["2022-01", "2021-10", "2021-09", "2021-08"]
    for period, hrefs in listed:
        assert hrefs == [f"{period}/report.html", f"{period}/audit.html"]


def test_index_escapes_titles():
    from helpers.publish import pages as publish

    page = publish.index_html([{"period": "2021-10", "title": EVIL}])
    doc = Document(page)
    assert not doc.find_all("script") and EVIL in doc.root.text()


def test_parser_sees_what_the_checks_rely_on():
    """The checks above are only as good as this parser: make sure it finds what they look for."""
    doc = Document('<!DOCTYPE html><html lang="zh-CN"><head><style>img{max-width:100%}</style>'
                   '<link rel="stylesheet" href="https://cdn.example/x.css"></head><body><main>'
                   '<nav class="toc"><a href="#a">A</a></nav><section id="a"><p>x&amp;y<br>z</p>'
                   '<img src="data:image/png;base64,iVBORw0KGgo=" alt=""></section></main></body></html>')
    assert doc.find("html").attrs["lang"] == "zh-CN"
    assert doc.by_id()["a"][0].find("p").text() == "x&yz"
    assert doc.find("img").parent.attrs["id"] == "a"
    with pytest.raises(AssertionError, match="link"):
        assert_offline(doc, "", allowed_links=set())
    with pytest.raises(AssertionError, match="URL"):
        assert_offline(Document("<p>see https://cdn.example/x.js</p>"), "see https://cdn.example/x.js", set())
    with pytest.raises(AssertionError, match="url"):
        css = "<style>body{background:url(http://x.example/a.png)}</style>"
        assert_offline(Document(css), css, set())


def test_notebook_tables_print_numbers_as_people_read_them_without_an_index_column():
    import pandas as pd

    from helpers.publish import htmlparts

    frame = pd.DataFrame({"figure_id": ["a", "b"], "value": [16869.0, 118360600.0], "rate": [95.55, 104.0333333],
                          "missing": [None, 1.5]})
    html = htmlparts.frame_html(frame)
    assert "e+0" not in html and "16869" in html and "118360600" in html and "104.0333" in html
    assert "<th></th>" not in html and "—" in html
    assert 'tabindex="0"' in html and 'role="region"' in html and 'aria-label="table: 2 rows, 4 columns"' in html


def test_the_audit_edition_has_no_exponents_and_no_empty_headers(built):
    audit = (built.outputs / PERIOD / "audit.html").read_text(encoding="utf-8")
    text = re.sub(r"data:image/[^\"']+", "", audit)
    assert not re.search(r"\d\.\d+e[+-]\d\d", text), "a number printed in exponent form"
    assert "<th></th>" not in text


@pytest.mark.slow
def test_the_english_page_embeds_the_english_charts_with_english_alt_text(out):
    english = Document((out / "report.en.html").read_text(encoding="utf-8"))
    files = chart_files(out, "en")
    images = embedded_images(english)
    assert files and {digest for _, digest in images} == set(files)
    for img, digest in images:
        meta = json.loads(files[digest].with_suffix(".json").read_text(encoding="utf-8"))
        assert img.attrs.get("alt", "").strip() == meta["alt"].strip()
        assert not re.search(r"[\u3400-\u9fff]", meta["alt"] + meta["caption"]), files[digest].name


def test_pages_with_month_charts_stay_under_500_kb(months_built):
    """With three months each page carries six month-by-month charts more; it still fits (and
    benchmarks/pages.py measures a year of months)."""
    out = months_built.outputs_period("2021-12")
    assert sorted(p.name for p in (out / "figures").glob("months_*.png"))  # the month charts are there
    for name in ("report.html", "report.en.html"):
        size = (out / name).stat().st_size
        assert size < MAX_PUBLIC_BYTES, f"{name} is {size:,} bytes with three months (limit {MAX_PUBLIC_BYTES:,})"


def test_notebooks_point_at_their_charts_and_the_pages_embed_them(out):
    """The executed narrative notebooks carry each chart's address, not its bytes (the charts are
    published once, in figures/); every page embeds them, so it still needs nothing beside it."""
    for stage in ("03_narrative", "03_narrative.en"):
        nb = nbformat.read(out / "notebooks" / f"{stage}.ipynb", as_version=4)
        html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
        assert 'src="../figures/' in html, stage
        assert "data:image/png" not in html, f"{stage} carries a chart's bytes"
        assert all((out / "figures" / name).is_file() for name in re.findall(r'src="\.\./figures/([^"]+)"', html))
    for name in ("report.html", "report.en.html", "audit.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert "../figures/" not in page and 'src="figures/' not in page, f"{name} points outside itself"


def test_the_narrative_notebook_does_not_repeat_its_html_as_plain_text(out):
    """A section's plain-text form is one short line (its heading and size), not the HTML again."""
    nb = nbformat.read(out / "notebooks" / "03_narrative.ipynb", as_version=4)
    html_outputs = [o["data"] for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    sections = [d for d in html_outputs if "<section" in d["text/html"]]
    assert sections
    for data in sections:
        assert len(data["text/plain"]) < 120 and data["text/plain"].startswith("<HTML"), data["text/plain"][:200]


def test_every_image_on_every_page_has_alt_text(out):
    """nbconvert's last pass (which added a placeholder alt to an image without one) is skipped:
    every image the pages carry brings its own."""
    for name in ("report.html", "report.en.html", "audit.html"):
        images = Document((out / name).read_text(encoding="utf-8")).find_all("img")
        assert images, name
        missing = [img.attrs.get("src", "")[:40] for img in images if not img.attrs.get("alt", "").strip()]
        assert not missing, f"{name}: images without alt text: {missing}"


def test_no_element_is_written_self_closed_unless_it_is_void(out):
    """A browser ignores the slash of <a … /> and leaves the link open around the rest of the page
    (nbconvert writes an empty heading anchor so; the pages give it a hidden ¶ instead)."""
    self_closed = re.compile(r"<(?!(?:%s)\b)([a-z][a-z0-9]*)\b[^<>]*/>" % "|".join(sorted(VOID)))
    for name in ("report.html", "report.en.html", "audit.html"):
        found = self_closed.findall(strip_data_uris((out / name).read_text(encoding="utf-8")))
        assert not found, f"{name}: elements written self-closed: {sorted(set(found))}"
