"""The published pages in a real browser: Debian's Chromium at /usr/bin/chromium, driven by Playwright.

Each page is opened from disk (file://) with the network blocked: every request other than the
page itself is aborted and recorded, so a script, stylesheet, font or image that is not inside
the file fails the test instead of loading from a CDN. The page must load with no console error,
every chart decoded, and no horizontal scrolling at 375 px (a phone) and 1280 px (a laptop).

Full-page screenshots are left in outputs/screenshots/ (gitignored) for a person to review:
report-375.png, report-1280.png and audit-1280.png.

No browser is downloaded: Playwright drives the system Chromium (`apt-get install chromium`). The
machine may have no CJK font, so the browser is given the Noto Sans CJK font that the project
already installs (the `noto-cjk-sans-otc` wheel, used for the charts) through a fontconfig file,
the way a Chinese reader's phone has a CJK font; the page itself still loads no font.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers.testing import ROOT

PERIOD = "2021-10"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "outputs" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run",
               "--disable-gpu", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"{CHROMIUM} is missing: install it with "
                       "`apt-get install chromium` (CI does) to run the browser tests"),
]


@pytest.fixture(scope="module")
def fontconfig(tmp_path_factory) -> dict[str, str]:
    """Environment for Chromium: the system fonts plus the project's Noto Sans CJK, if installed."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return {}
    folder = tmp_path_factory.mktemp("fontconfig")
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{Path(noto_cjk_sans_otc.FONT_PATH).parent}</dir>\n"
        f"  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n", encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


@pytest.fixture(scope="module")
def browser(fontconfig):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS,
                                              env={**os.environ, **fontconfig})
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """One page opened in the browser, with everything it tried to do."""

    page: object
    url: str
    blocked: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)

    def evaluate(self, script: str):
        return self.page.evaluate(script)

    def assert_clean(self) -> None:
        assert not self.blocked, f"the page tried to load {len(self.blocked)} resource(s): {self.blocked[:5]}"
        assert not self.failed, f"failed requests: {self.failed[:5]}"
        assert not self.console_errors, f"console errors: {self.console_errors[:5]}"

    def assert_images_loaded(self, expected: int) -> None:
        images = self.evaluate("""() => [...document.images].map(i => ({
            alt: i.alt, complete: i.complete, width: i.naturalWidth, shown: i.getBoundingClientRect().width,
            src: i.currentSrc.slice(0, 40)}))""")
        assert len(images) == expected, f"{len(images)} <img> on the page, expected {expected}"
        broken = [i for i in images if not (i["complete"] and i["width"] > 0)]
        assert not broken, f"images that did not load: {broken}"
        assert all(i["src"].startswith("data:image/png;base64,") for i in images)
        assert all(i["shown"] > 0 for i in images), "an image is on the page but not displayed"

    def assert_no_horizontal_scroll(self) -> None:
        sizes = self.evaluate("""() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
            body: document.body.scrollWidth, htmlOverflow: getComputedStyle(document.documentElement).overflowX,
            bodyOverflow: getComputedStyle(document.body).overflowX})""")
        assert sizes["scroll"] <= sizes["inner"] and sizes["body"] <= sizes["inner"], \
            f"the page scrolls sideways: {sizes['scroll']} px wide in a {sizes['inner']} px window"
        # Hiding the overflow would cut content off instead of fitting it.
        assert sizes["htmlOverflow"] == "visible" and sizes["bodyOverflow"] == "visible", sizes
        wider = self.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5)
                && !(e.parentElement && e.parentElement.closest('.table-wrap, .output_subarea, figure.chart, pre'));
        }).map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert not wider, f"elements stick out of the window: {wider}"

    def assert_charts_fully_visible(self) -> None:
        """No chart is cut off by the window or by a scrolling or clipping box around it."""
        clipped = self.evaluate("""() => [...document.querySelectorAll('figure.chart img')].flatMap(img => {
            const r = img.getBoundingClientRect();
            const problems = [];
            if (r.left < -0.5 || r.right > window.innerWidth + 0.5) problems.push('outside the window');
            for (let box = img.parentElement; box && box !== document.body; box = box.parentElement) {
                const style = getComputedStyle(box);
                if (style.overflowX === 'visible') continue;
                const b = box.getBoundingClientRect();
                if (r.left < b.left - 0.5 || r.right > b.right + 0.5) problems.push('clipped by ' + box.className);
            }
            return problems.map(p => img.alt.slice(0, 20) + ': ' + p);
        })""")
        assert not clipped, f"charts cut off: {clipped}"

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def visit(browser):
    """Open a page from disk at a given width, with every other request aborted and recorded."""
    contexts = []

    def open_page(path: Path, width: int, height: int = 800, media: str = "screen") -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=True)
        contexts.append(context)
        url = path.resolve().as_uri()
        seen = Visit(page=None, url=url)

        def route(route_):
            request_url = route_.request.url
            if request_url == url or request_url.startswith("data:"):
                route_.continue_()
            else:
                seen.blocked.append(request_url)
                route_.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.emulate_media(media=media)
        page.on("requestfailed", lambda r: seen.failed.append(f"{r.url[:100]} ({r.failure})"))
        page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.console_errors.append(str(e)))
        page.goto(url, wait_until="load")
        page.evaluate("() => document.fonts.ready")
        seen.page = page
        return seen

    yield open_page
    for context in contexts:
        context.close()


# Each edition: its page, its <html lang>, and the suffix of its charts' files (completion.png, completion.en.png).
EDITIONS = {"zh": ("report.html", "zh-CN", ""), "en": ("report.en.html", "en", ".en")}


def chart_count(built, language: str = "zh") -> int:
    suffix = EDITIONS[language][2]
    return len([p for p in (built.outputs / PERIOD / "figures").glob("*.png")
                if p.name.endswith(f"{suffix}.png") and (suffix or p.name.count(".") == 1)])


@pytest.mark.parametrize("language", sorted(EDITIONS))
@pytest.mark.parametrize("width", [375, 1280])
def test_public_report_offline_and_fits(built, visit, width, language):
    page, lang, _ = EDITIONS[language]
    seen = visit(built.outputs / PERIOD / page, width)
    seen.assert_clean()
    seen.assert_images_loaded(chart_count(built, language))
    seen.assert_no_horizontal_scroll()
    seen.assert_charts_fully_visible()
    assert seen.evaluate("() => document.documentElement.lang") == lang
    sizes = seen.evaluate("""() => ({
        text: parseFloat(getComputedStyle(document.querySelector('main section li')).fontSize),
        table: Math.min(...[...document.querySelectorAll('main td')].map(e => parseFloat(getComputedStyle(e).fontSize)))})""")
    assert sizes["text"] >= 15 and sizes["table"] >= 13, f"text too small to read on a phone: {sizes} (px)"
    seen.screenshot(f"{page.removesuffix('.html')}-{width}.png")


def chart_text_px(seen: Visit, figures: Path) -> dict[str, float]:
    """Each chart's smallest text in CSS px as the page shows it: the size it was drawn at (in the
    image's pixels, from the JSON beside the PNG) times the width the page gives the image."""
    import base64
    import hashlib
    import json

    drawn = {hashlib.sha256(p.read_bytes()).hexdigest(): (p.name, json.loads(p.with_suffix(".json").read_text("utf-8")))
             for p in figures.glob("*.png")}
    images = seen.evaluate("""() => [...document.querySelectorAll('figure.chart img')].map(i => ({
        src: i.getAttribute('src'), shown: i.getBoundingClientRect().width, natural: i.naturalWidth}))""")
    sizes = {}
    for image in images:
        name, meta = drawn[hashlib.sha256(base64.b64decode(image["src"].split(",", 1)[1])).hexdigest()]
        sizes[name] = meta["smallest_text_px"] * image["shown"] / image["natural"]
    return sizes


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_chart_text_reads_at_11_px_on_a_phone(built, visit, language):
    """At 375 px every chart is shrunk to the page's width; its smallest text stays at 11 CSS px or more."""
    seen = visit(built.outputs / PERIOD / EDITIONS[language][0], 375)
    sizes = chart_text_px(seen, built.outputs / PERIOD / "figures")
    assert len(sizes) == chart_count(built, language)
    small = {name: round(size, 1) for name, size in sizes.items() if size < 11}
    assert not small, f"chart text under 11 CSS px at 375 px: {small}"
    # The measure can fail: the same charts shown 30% narrower would not pass.
    assert min(sizes.values()) * 0.7 < 11


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_each_edition_links_to_the_other(built, visit, language):
    page, _, _ = EDITIONS[language]
    other = EDITIONS["en" if language == "zh" else "zh"]
    seen = visit(built.outputs / PERIOD / page, 375)
    link = seen.evaluate("() => { const a = document.querySelector('p.edition-switch a');"
                         " return {href: a.href, lang: a.lang, visible: a.getBoundingClientRect().height > 0}; }")
    assert link["visible"] and link["href"].endswith(f"{PERIOD}/{other[0]}") and link["lang"] == other[1]
    # The visit blocks every other address, so the other edition is opened on its own.
    assert visit(built.outputs / PERIOD / other[0], 375).evaluate("() => document.documentElement.lang") == other[1]


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_public_report_contents_links_scroll_to_their_section(built, visit, language):
    seen = visit(built.outputs / PERIOD / EDITIONS[language][0], 375)
    links = seen.evaluate("() => [...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href'))")
    assert links, "no table of contents"
    seen.page.click(f"nav.toc a[href='{links[-1]}']")
    seen.page.wait_for_function("() => location.hash.length > 1")
    top = seen.evaluate(f"() => document.getElementById('{links[-1][1:]}').getBoundingClientRect().top")
    assert abs(top) < 50 or seen.evaluate("() => window.scrollY + window.innerHeight >= "
                                          "document.documentElement.scrollHeight - 2"), \
        f"clicking {links[-1]} left its section {top}px from the top"
    seen.assert_clean()


def test_the_auditors_charts_print_within_the_page(built, visit):
    """The auditor's edition prints at A4 width with its charts whole: the analysis notebook's embedded
    charts and, in their place, the narrative's links to the public page's charts (issue 19)."""
    seen = visit(built.outputs / PERIOD / "audit.html", 718, media="print")
    seen.assert_clean()
    charts = seen.evaluate("""() => [...document.querySelectorAll('img, figure.chart, .chart-elsewhere')].map(e => ({
        tag: e.tagName + '.' + e.className, right: e.getBoundingClientRect().right, width: e.getBoundingClientRect().width}))""")
    assert any(c["tag"].startswith("IMG") for c in charts) and any("chart-elsewhere" in c["tag"] for c in charts)
    cut = [c["tag"] for c in charts if c["right"] > seen.evaluate("() => window.innerWidth") + 0.5 or not c["width"]]
    assert not cut, f"cut off when printed: {cut}"


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_public_report_prints_within_the_page(built, visit, language):
    """In print media at A4 width (about 718 px of content) nothing is cut off at the right edge."""
    seen = visit(built.outputs / PERIOD / EDITIONS[language][0], 718, media="print")
    seen.assert_clean()
    seen.assert_no_horizontal_scroll()
    overflowing = seen.evaluate("""() => [...document.querySelectorAll('main table, main img, main figure')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.tagName)""")
    assert not overflowing, f"cut off when printed: {overflowing}"


def test_audit_edition_offline_and_fits(built, visit):
    audit = built.outputs / PERIOD / "audit.html"
    expected = audit.read_text(encoding="utf-8").count("<img ")
    seen = visit(audit, 1280)
    seen.assert_clean()
    assert not seen.evaluate("() => document.scripts.length"), "the audit edition runs scripts"
    seen.assert_images_loaded(expected)
    seen.assert_no_horizontal_scroll()
    seen.screenshot("audit-1280.png")


def tables_wider_than_their_box(seen: Visit) -> list[str]:
    """Every table that scrolls inside its wrapper (or its notebook output) instead of fitting it."""
    return seen.evaluate("""() => [...document.querySelectorAll('.table-wrap, .output_html')]
        .filter(box => box.querySelector('table') && box.scrollWidth > box.clientWidth + 1)
        .map(box => (box.getAttribute('aria-label') || box.querySelector('table').className || 'table').slice(0, 40)
             + ': ' + box.scrollWidth + ' px in ' + box.clientWidth)""")


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_no_table_scrolls_sideways_on_a_phone(built, months_built, visit, language):
    """Issue 17: English tables overflowed their box at 375 px (12 on one page). Every table of both
    editions fits a phone's width, on the real month and on the multi-month scenario's pages (the
    month-over-month table, new figures' untranslated names)."""
    pages = [built.outputs / PERIOD / EDITIONS[language][0]]
    pages += sorted(months_built.outputs.glob(f"*/{EDITIONS[language][0]}"))
    assert len(pages) >= 3
    wide = {str(page.relative_to(page.parents[1])): tables_wider_than_their_box(visit(page, 375)) for page in pages}
    assert not any(wide.values()), f"tables wider than a 375 px phone: {wide}"


def test_the_auditors_tables_fit_a_laptop(built, months_built, visit):
    """Issue 17: the auditor's month-over-month table was cut off at 1280 px. Every table of the audit
    edition fits the column at 1280 px: a long value wraps inside its cell."""
    pages = [built.outputs / PERIOD / "audit.html", *sorted(months_built.outputs.glob("*/audit.html"))]
    wide = {str(page.relative_to(page.parents[1])): tables_wider_than_their_box(visit(page, 1280)) for page in pages}
    assert not any(wide.values()), f"audit tables wider than the column at 1280 px: {wide}"


def test_index_offline(built, visit):
    seen = visit(built.outputs / "index.html", 375)
    seen.assert_clean()
    seen.assert_no_horizontal_scroll()
    hrefs = seen.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    assert any(h.endswith(f"{PERIOD}/report.html") for h in hrefs)
    assert any(h.endswith(f"{PERIOD}/report.en.html") for h in hrefs)
    assert any(h.endswith(f"{PERIOD}/audit.html") for h in hrefs)


# ---- Accessibility: axe-core, WCAG 2.1 A and AA, on every published page -----------------------------

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(seen: Visit) -> list[str]:
    """Run axe-core in the page (injected from node_modules, no network) and describe each violation."""
    if not AXE.is_file():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: install it with `npm ci` (.ci/run does)")
    seen.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = seen.page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}));
    }""", WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}, {v['count']} node(s)): {v['help']} — {v['nodes']}" for v in result]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page", [f"{PERIOD}/report.html", f"{PERIOD}/report.en.html", f"{PERIOD}/audit.html",
                                  "index.html"])
def test_every_published_page_passes_axe_wcag_21_aa(built, visit, page, width):
    seen = visit(built.outputs / page, width)
    violations = axe_violations(seen)
    assert violations == [], f"{page} at {width} px:\n" + "\n".join(violations)


def test_axe_finds_a_violation_when_there_is_one(built, visit, tmp_path):
    """The check can fail: an image without alt text and a table header with no text are reported."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head><body>'
                    '<main><h1>t</h1><img src="data:image/png;base64,iVBORw0KGgo="><table><thead><tr><th></th>'
                    "<th>a</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table></main></body></html>",
                    encoding="utf-8")
    violations = axe_violations(visit(page, 1280))
    assert any(v.startswith("image-alt") for v in violations), violations


# ---- The source view: from any number to its sentence and back, without JavaScript ------------------

def _in_view(seen: Visit, element_id: str) -> bool:
    return seen.page.evaluate("""(id) => { const r = document.getElementById(id).getBoundingClientRect();
        return r.top >= -1 && r.bottom <= window.innerHeight + 1; }""", element_id)


@pytest.mark.parametrize("language", sorted(EDITIONS))
@pytest.mark.parametrize("width", [375, 1280])
def test_a_number_leads_to_its_sentence_and_back_in_one_click(built, visit, width, language):
    seen = visit(built.outputs / PERIOD / EDITIONS[language][0], width)
    seen.page.click("section#campaign-toilets a.fact[href='#src-toilets.completed']")
    seen.page.wait_for_function("() => location.hash === '#src-toilets.completed'")
    assert _in_view(seen, "src-toilets.completed"), "the mark in the source text is scrolled into view"
    highlight = seen.page.evaluate("() => getComputedStyle(document.querySelector(':target')).backgroundColor")
    assert highlight == "rgb(255, 233, 168)", "the mark the link landed on is highlighted"
    sentence = seen.page.evaluate("() => document.getElementById('src-toilets.completed').parentElement.textContent")
    assert "已完成农村改厕任务61107户" in sentence
    seen.page.click("mark#src-toilets\\.completed a")
    seen.page.wait_for_function("() => location.hash === '#fig-toilets.completed'")
    assert _in_view(seen, "fig-toilets.completed"), "the mark links back to the figure on the page"
    seen.assert_clean()


def test_a_derived_number_leads_to_its_calculation_and_its_inputs(built, visit):
    seen = visit(built.outputs / PERIOD / "report.html", 375)
    seen.page.click("a.fact[href='#calc-progress.toilets.gap']")
    seen.page.wait_for_function("() => location.hash === '#calc-progress.toilets.gap'")
    assert _in_view(seen, "calc-progress.toilets.gap")
    inputs = seen.page.evaluate("""() => [...document.getElementById('calc-progress.toilets.gap')
        .querySelectorAll('a.fact')].map(a => a.getAttribute('href'))""")
    assert inputs == ["#fact-progress.toilets.gap", "#src-toilets.target", "#src-toilets.completed"]
    seen.page.click("li#calc-progress\\.toilets\\.gap a.fact[href='#src-toilets.target']")
    seen.page.wait_for_function("() => location.hash === '#src-toilets.target'")
    assert _in_view(seen, "src-toilets.target")
    seen.page.go_back()
    seen.page.click("li#calc-progress\\.toilets\\.gap a.fact[href='#fact-progress.toilets.gap']")
    seen.page.wait_for_function("() => location.hash === '#fact-progress.toilets.gap'")
    assert _in_view(seen, "fact-progress.toilets.gap")
