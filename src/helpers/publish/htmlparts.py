"""Small HTML building blocks shared by the notebooks: escaped tables and highlighted panels."""

from __future__ import annotations

import re
from html import escape, unescape

from ..text.numbers import plain_number


class Html(str):
    """A fragment of HTML that Jupyter displays as HTML (and nbconvert exports as is).

    Its plain-text form (what a viewer without HTML shows, and what a notebook stores beside the
    HTML) is one short line, not the HTML again: repeated as a quoted string, a page section with
    its charts doubled the executed narrative notebook (950 KB, most of it this repr).
    """

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(plain_summary(self))


def plain_summary(html: str) -> str:
    """An HTML fragment in one line of plain text: its first heading (or first words) and its size."""
    heading = re.search(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", heading.group(1) if heading else html)
    words = " ".join(unescape(text).split())
    words = words if len(words) <= 60 else words[:59] + "…"
    return f"<HTML: {words} ({len(html):,} characters)>" if words else f"<HTML ({len(html):,} characters)>"


# The one rule for addresses that come from data: only these schemes ever become a link.
LINK_SCHEMES = ("http", "https")


def link(url: str, text: str | None = None) -> str:
    """An address from data as HTML: a link if it is http(s), else plain escaped text.

    `javascript:`, `data:`, relative paths and anything unparsable are shown, never followed.
    """
    from urllib.parse import urlsplit

    url = str(url).strip()
    shown = escape(text if text is not None else url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return shown
    if parts.scheme.lower() in LINK_SCHEMES and parts.netloc and not any(c in url for c in "\r\n\t "):
        return f'<a href="{escape(url, quote=True)}">{shown}</a>'
    return shown


def mismatch_panel(mismatches, diagnoses=None) -> Html:
    """Every mismatch in a red panel: the two numbers side by side, then the source quotes.

    Mismatches that a diagnosis explains (diagnoses.csv) are grouped under it, as one finding.
    """
    notes = 0 if diagnoses is None or len(diagnoses) == 0 else int((diagnoses["resolves"].astype(str).str.strip() == "").sum())
    if len(mismatches) == 0 and not notes:
        return Html('<div style="border:2px solid #3b8a4f;padding:.5em 1em"><strong>No mismatches:</strong> '
                    "every stated rate, total and remainder agrees with the report's own figures.</div>")

    def card(row) -> str:
        return ('<div style="border:2px solid #c0392b;background:#fdf0ee;padding:.5em 1em;margin:.5em 0">'
                f"<p><strong>MISMATCH {escape(str(row.check_id))}</strong>: {escape(str(row.description))}</p>"
                # A narrow screen scrolls the numbers, not the panel: the scrolling box takes the focus.
                f'<div class="table-wrap" tabindex="0" role="region" aria-label="{escape(str(row.check_id))}: numbers">'
                '<table><tr><th>reported</th> <th>recomputed</th> <th>difference</th> <th>tolerance</th></tr>'
                f"<tr><td>{escape(plain_number(row.reported))}</td> <td>{escape(plain_number(row.recomputed))}</td> "
                f"<td>{escape(plain_number(row.difference))}</td> <td>±{escape(plain_number(row.tolerance))}</td>"
                "</tr></table></div>"
                f'<p><code style="overflow-wrap:anywhere">{escape(str(row.working))}</code></p>'
                f"<blockquote>{escape(str(row.quotes))}</blockquote></div>")

    findings, placed = [], set()
    for diagnosis in ([] if diagnoses is None else diagnoses.itertuples()):
        resolves = [c for c in str(diagnosis.resolves).split("|") if c and c not in placed]
        inside = [row for row in mismatches.itertuples() if row.check_id in resolves]
        placed |= set(resolves)
        what = "DIAGNOSIS" if str(diagnosis.resolves).strip() else "NOTE ACROSS MONTHS"
        findings.append(
            '<div style="border-left:6px solid #6c3483;padding:.1em 0 .1em .6em;margin:.8em 0;overflow-wrap:anywhere">'
            f"<p><strong>{what} ({escape(str(diagnosis.kind))}) {escape(str(diagnosis.figure_id))}</strong>: "
            f"printed {escape(str(diagnosis.printed))}, proposed {escape(str(diagnosis.proposed))} "
            f"{escape(str(diagnosis.unit_printed))}. {escape(str(diagnosis.explanation))}</p>"
            + "".join(card(row) for row in inside) + "</div>")
    findings += [card(row) for row in mismatches.itertuples() if not row.diagnosis]
    return Html(f"<p><strong>{len(mismatches)} mismatch(es), {len(findings)} finding(s)</strong></p>"
                + "".join(findings))


def frame_html(frame) -> str:
    """A DataFrame as an accessible table: no index column (its <th> would be empty), numbers as
    people read them, and a wrapper that can scroll sideways and be reached from the keyboard."""
    import pandas as pd

    rows = pd.get_option("display.max_rows")
    table = frame.to_html(index=False, border=0, na_rep="—", max_rows=rows,
                          float_format=lambda value: plain_number(value, grouped=False),
                          classes="dataframe", escape=True)
    label = f"table: {len(frame):,} rows, {len(frame.columns)} columns"
    return f'<div class="table-wrap" tabindex="0" role="region" aria-label="{escape(label)}">{table}</div>'


def readable_tables() -> None:
    """In a notebook, show every DataFrame through `frame_html` (the auditor's edition is built from
    these outputs). Does nothing outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, frame_html)
