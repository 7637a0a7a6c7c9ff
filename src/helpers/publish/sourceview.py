"""The source view: the report's text in full, at the end of both pages, every transcribed figure marked.

Each mark carries the id `src-<figure_id>`, so that every number the page prints can link to
the place it was read from, and links back to the place the page prints that figure
(`fig-<figure_id>`). It works without JavaScript: anchors, and a CSS `:target` highlight.
The text is shown line by line as captured (breadcrumb, header and footer included), each line
HTML-escaped.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from .htmlparts import Html


def source_anchor(figure_id: str) -> str:
    """The id of a figure's mark in the source view."""
    return f"src-{figure_id}"


def figure_anchor(figure_id: str) -> str:
    """The id of the place the page prints a figure (its row in the campaign's table)."""
    return f"fig-{figure_id}"


def marked_lines(report_text: str, figures: pd.DataFrame) -> list[str]:
    """The report's lines as HTML, each transcribed figure's number wrapped in a linked mark."""
    spans = sorted((int(row.value_start), int(row.value_start) + len(str(row.value_printed)), str(row.figure_id),
                    str(row.label)) for row in figures.itertuples())
    for (start, end, figure_id, _), following in zip(spans, spans[1:]):
        if following[0] < end:
            raise ValueError(f"figures {figure_id} and {following[2]} overlap in the text at offset {following[0]}")
    pieces, cursor = [], 0
    for start, end, figure_id, label in spans:
        printed = report_text[start:end]
        pieces.append(escape(report_text[cursor:start]))
        pieces.append(f'<mark id="{escape(source_anchor(figure_id), quote=True)}" class="figure-mark">'
                      f'<a href="#{escape(figure_anchor(figure_id), quote=True)}" '
                      f'title="{escape(label, quote=True)}">{escape(printed)}</a></mark>')
        cursor = end
    pieces.append(escape(report_text[cursor:]))
    return "".join(pieces).split("\n")


def source_view(report_text: str, figures: pd.DataFrame, heading: str = "原文", intro: str = "") -> Html:
    """The section that ends both pages: the text as captured, one paragraph per line."""
    lines = [line for line in marked_lines(report_text, figures) if line.strip()]
    body = "".join(f"<p>{line.strip()}</p>" for line in lines)
    intro_html = f"<p class=\"source-intro\">{escape(intro)}</p>" if intro else ""
    return Html(f'<section id="source" class="source-view"><h2>{escape(heading)}</h2>{intro_html}'
                f'<div class="source-text" lang="zh-CN">{body}</div></section>')
