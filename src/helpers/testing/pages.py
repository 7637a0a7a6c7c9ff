"""Published pages, read back as a small tree: what the page-level tests share.

One parser (`Document`, on the standard library's html.parser) and a few ways to read a page:

    doc = Document(html)
    doc.by_id()["summary"][0].text()                      # an element's visible text
    doc.find_all("a", "fact")                             # elements by tag and class
    text_outside(doc.root, lambda e: e.attrs.get("lang", "").startswith("zh"))  # text not in Chinese
    fact_links(doc)                                       # every fact link: href, id, its text

Nothing here knows a page's content; the tests say what to look for.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Callable

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# What is not the page's own prose: quotations of the report, its source view, addresses, and the
# content of style, script and title.
QUOTATIONS = {"blockquote", "cite"}
QUOTATION_CLASSES = {"source-view", "address"}
NOT_TEXT = {"style", "script", "title"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent: "Element | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list = []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list["Element"]:
        return [e for e in self.iter() if e is not self and (tag is None or e.tag == tag)
                and (cls is None or cls in e.classes)]

    def find(self, tag: str | None = None, cls: str | None = None) -> "Element | None":
        found = self.find_all(tag, cls)
        return found[0] if found else None

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def element_children(self) -> list["Element"]:
        return [c for c in self.children if isinstance(c, Element)]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def text(self) -> str:
        """Visible text (entities decoded), without the content of <style> and <script>."""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("style", "script"):
                parts.append(child.text())
        return "".join(parts)


class Document(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.doctype = ""
        self._stack = [self.root]
        self.feed(source)
        self.close()

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, self._stack[-1])
        self._stack[-1].children.append(element)
        if tag not in VOID:
            self._stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data):
        self._stack[-1].children.append(data)

    # Conveniences
    def find_all(self, tag=None, cls=None):
        return self.root.find_all(tag, cls)

    def find(self, tag=None, cls=None):
        return self.root.find(tag, cls)

    def by_id(self) -> dict[str, list[Element]]:
        ids: dict[str, list[Element]] = {}
        for element in self.root.iter():
            if "id" in element.attrs:
                ids.setdefault(element.attrs["id"], []).append(element)
        return ids

    def css(self) -> str:
        """Every stylesheet on the page: <style> elements and style="" attributes."""
        blocks = ["".join(c for c in e.children if isinstance(c, str)) for e in self.find_all("style")]
        blocks += [e.attrs["style"] for e in self.root.iter() if "style" in e.attrs]
        return CSS_COMMENT.sub("", "\n".join(blocks))

    def position(self, element: Element) -> int:
        for index, candidate in enumerate(self.root.iter()):
            if candidate is element:
                return index
        raise ValueError("element not in document")


def text_outside(element: Element, skip: Callable[[Element], bool]) -> str:
    """The text under `element` that is not inside an element `skip` is true of."""
    parts = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child)
        elif not skip(child):
            parts.append(text_outside(child, skip))
    return "".join(parts)


def is_fact_link(element: Element) -> bool:
    return element.tag == "a" and "fact" in element.classes


def is_quotation(element: Element) -> bool:
    return element.tag in QUOTATIONS or bool(element.classes & QUOTATION_CLASSES) or element.tag in NOT_TEXT


def fact_links(doc: "Document") -> list[dict]:
    """Every fact link in page order: its address, its id and the text it shows."""
    return [{"href": a.attrs.get("href", ""), "id": a.attrs.get("id"), "text": a.text()}
            for a in doc.find_all("a", "fact")]


def prose(doc: "Document") -> str:
    """The page's own words: its text outside fact links and quotations."""
    return text_outside(doc.root, lambda e: is_fact_link(e) or is_quotation(e))


def block_text(element: Element) -> str:
    """Visible text with a line break before each paragraph that follows some text (how a fragment reads)."""
    parts: list[str] = []

    def walk(node: Element) -> None:
        for child in node.children:
            if isinstance(child, str):
                parts.append(child)
                continue
            if child.tag == "p" and "".join(parts):
                parts.append("\n")
            walk(child)

    walk(element)
    return "".join(parts)
