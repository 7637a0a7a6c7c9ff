"""The words of a derived fact's calculation, with a link to each of its inputs.

`explanation_html` says in the edition's words how a derived fact was computed (its catalogue key
under explain.), `working_html` writes a check's working from its formula (597个 ÷ 760个 × 100% =
78.55%); every figure and result in them is a link to its own fact (facts.py). The narrative's
audit section and 计算说明 print them.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..audit.kinds import KINDS
from . import factids
from .catalogue import Count
from .facts import Fact, FactBook

def explanation_html(book: FactBook, fact: Fact, working: Markup = Markup(""), describe=None) -> Markup:
    """A derived fact's explanation in the edition's words, each input a link to its own fact.

    `describe` turns a check id into its description (HTML); the page passes it."""
    if not fact.explain:
        return Markup("")
    code, params = fact.explain
    key = f"explain.{code}"
    wanted = set(re.findall(r"\{(\w+)\}", book.edition.t.text(key)))
    values = {}
    for name in wanted:
        target = params.get(name, "")
        if name == "working":
            values[name] = working
        elif target == "inputs":
            values[name] = book.edition.t.join(
                Markup("{}{}").format(book[factids.figure(i)].label, book.link(factids.figure(i)))
                for i in fact.inputs if factids.figure(i) in book)
        elif target == "resolves":
            values[name] = book.edition.t.join(describe(c) if describe else escape(c) for c in fact.inputs[1:])
        elif target in book:
            values[name] = book.link(target)
        else:
            values[name] = str(target)
    return book.edition.t(key, **values)


_FIGURE_TOKEN = re.compile(r"^(previous:|Δ)?([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)$")


def working_html(book: FactBook, report, check) -> Markup:
    """A check's working from its formula: each figure a link to its fact, the result a link to the
    recomputed fact. 597个 ÷ 760个 × 100% = 78.55%."""
    result = factids.check(check.check_id, "recomputed")
    kind = KINDS.get(check.kind)
    if kind is not None and kind.working_key:  # a list: how many items, and which
        names = str(check.working).split(": ", 1)[1] if ": " in str(check.working) else ""
        return book.edition.t(kind.working_key, count=Count(book[result].value, book.link(result)), names=names)
    pieces: list = []
    formula = str(check.formula).replace("previous ", "previous:").replace("(", " ( ").replace(")", " ) ")
    for token in formula.split():
        match = _FIGURE_TOKEN.match(token)
        if token == "100":
            if pieces and pieces[-1] == "/":
                pieces.pop()  # "rate / 100": the rate is printed as a percentage already
                continue
            pieces.append(book.link(factids.CONSTANT_FULL))
        elif match and match.group(1) == "Δ":
            figure_id = match.group(2)
            previous = factids.previous(figure_id)
            pieces.append(Markup("({} − {})").format(
                book.link(factids.figure(figure_id)), book.link(previous) if previous in book else book.printer.MISSING))
        elif match and match.group(1):
            previous = factids.previous(match.group(2))
            pieces.append(book.link(previous) if previous in book else book.printer.MISSING)
        elif match and factids.figure(match.group(2)) in book:
            pieces.append(book.link(factids.figure(match.group(2))))
        else:
            pieces.append(escape(token))
    for index in range(len(pieces) - 2, 0, -1):  # "( x )" around a single term: no brackets
        if pieces[index - 1] == "(" and pieces[index + 1] == ")":
            pieces[index - 1:index + 2] = [pieces[index]]
    joined = Markup(" ").join(pieces).replace("( ", "(").replace(" )", ")")
    return Markup("{} = {}").format(Markup(joined), book.link(result))
