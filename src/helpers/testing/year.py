"""A year of months: October as published, then each month after it made the same way, for the
benchmarks that watch what months do to the pages and the repository (benchmarks/pages.py).

`following(month)` makes the month after any month: every cumulative figure grows, every check
the report's figures make is made to agree again (a rate recomputed from its figures), and the
dates move on a month (across a new year too). `year_of_months(12)` is October, `months.november()`,
`months.december()` and nine such months; `add_reviewed_glossary` adds the English names a
reviewer would give what November and December add.

    from helpers.testing import year
    for month in year.year_of_months(12)[1:]:
        month.write(layout.raw, layout.reference)
    year.add_reviewed_glossary(layout.reference)
"""

from __future__ import annotations

import calendar
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from ..audit import sentences
from ..audit.figures import Figure, split_ids
from ..audit.kinds import KINDS, Operands
from ..audit.relations import load_relations
from ..io.reference import read_rows, write_rows
from ..text.numbers import BASE_UNITS, find_number_tokens, locate_value
from . import REFERENCE
from .months import Fields, Month, Replace, december, next_month, november, october, renumber

# How much a cumulative figure grows in a month of `following`.
MONTHLY_GROWTH = Decimal("0.015")


def following(base: Month) -> Month:
    """The month after `base`, made the same way for any month: a year of reports in a loop.

    Every cumulative figure grows by MONTHLY_GROWTH (printed with its own decimals), and every
    check the month makes of them (relations.csv's and its sentences') is made to agree again (a
    rate over a printed target; a rate over an implied target, which stays put; an excess over
    100%; a total of grown parts), so the month's checks agree as a careful bureau's would.
    Stocks, counts and targets stay. Dates move on a month: the period in the title and the text (1-11月 ->
    1-12月; after December, 2022年1月), every 截至 date of the last month, the publication and
    signature dates, and a date of the year's plan (2021年省定). A figure dated before the new
    period starts (the September inspection, in January's report) is dated in the new month,
    as the bureau reports that month's round.
    """
    year, month = (int(part) for part in base.period.split("-"))
    new_year, new_month = (year + 1, 1) if month == 12 else (year, month + 1)
    text = base.text
    edits: list = []
    values = _grown_values(base)
    by_quote: dict[str, list[dict]] = {}
    for row in base.figures:
        if row["figure_id"] in values:
            by_quote.setdefault(row["quote"], []).append(row)
    for quote, rows in by_quote.items():
        tokens = find_number_tokens(quote)
        new = [None] * len(tokens)
        for row in rows:
            offset = locate_value(quote, row["value"], int(row.get("occurrence") or 1))
            index = next(i for i, token in enumerate(tokens) if token.start == offset)
            old_token = tokens[index].text
            new[index] = values[row["figure_id"]] + old_token[len(row["value"]):]  # 39.1202万 keeps its 万
            if old_token in row.get("note", ""):
                edits.append(Fields(row["figure_id"], {"note": row["note"].replace(old_token, new[index])}))
        edits.append(Replace(quote, renumber(quote, new)))

    def day(d: int) -> int:
        return min(d, calendar.monthrange(new_year, new_month)[1])

    if new_month == 1:
        edits += [Replace(f"{year}年1-12月", f"{new_year}年1月", removed=(2,),
                          reasons={1: "date range in the title (1月)"}),
                  Replace("今年1-12月", "今年1月", removed=(1,), reasons={0: "date range (1月)"})]
        if f"{year}年省定" in text:
            edits.append(Replace(f"{year}年省定", f"{new_year}年省定"))
    elif month == 1:
        edits += [Replace(f"{year}年1月", f"{year}年1-2月", added={2: "date range in the title (1-2月)"},
                          reasons={1: "date range in the title (1-2月)"}),
                  Replace("今年1月", "今年1-2月", added={1: "date range (1-2月)"}, reasons={0: "date range (1-2月)"})]
    else:
        edits.append(Replace(f"1-{month}月", f"1-{new_month}月", every=True))
    for d in sorted({int(d) for d in re.findall(rf"截至{month}月(\d{{1,2}})日", text)}):
        edits.append(Replace(f"截至{month}月{d}日", f"截至{new_month}月{day(d)}日", every=True))
    if f"截至{month}月底" in text:
        edits.append(Replace(f"截至{month}月底", f"截至{new_month}月底", every=True))
    for as_of in sorted({row["as_of"] for row in base.figures}):
        if re.fullmatch(r"\d{1,2}月\d{1,2}日(?:至\d{1,2}日)?", as_of) and int(as_of.split("月")[0]) > new_month:
            # Later in the year than the new period: a date of last year, so this month's round.
            days = [int(d) for d in re.findall(r"(\d{1,2})日", as_of)]
            moved = f"{new_month}月{day(days[0])}日" + (f"至{day(days[1])}日" if len(days) > 1 else "")
            edits.append(Replace(as_of, moved, every=True))
    published = re.search(r"(\d{4})-(\d{2})-(\d{2})(?= \d{2}[:：]\d{2})", text)
    signature = re.search(r"\n(\d{4})年(\d{1,2})月(\d{1,2})日\n", text)
    for match, form in ((published, "{y}-{m:02d}-{d:02d}"), (signature, "\n{y}年{m}月{d}日\n")):
        y, m, d = (int(g) for g in match.groups())
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        edits.append(Replace(match.group(0), form.format(y=y, m=m, d=min(d, calendar.monthrange(y, m)[1]))))
    return next_month(base, f"{new_year}-{new_month:02d}", edits)


def _grown_values(base: Month) -> dict[str, str]:
    """The new printed value of every figure that changes in `following`: cumulative figures grown,
    then every check over them made to agree again, each figure printed with its old number of
    decimals. The checks are the month's own (relations.csv's and those its sentences state,
    audit/sentences.py); what a check does is asked of its kind (audit/kinds.py): a kind that
    implies a target keeps the target and moves its rate with the achievement; a judged kind with a
    reported figure (a rate, an excess, a total) prints what its evaluate function recomputes."""
    rows = {row["figure_id"]: row for row in base.figures if re.fullmatch(r"[\d.]+", row["value"])}
    old = {figure_id: row["value"] for figure_id, row in rows.items()}

    def multiplier(figure_id: str) -> Decimal:
        return Decimal(BASE_UNITS[rows[figure_id]["unit"]][1])

    def printed(value: Decimal, like: str) -> str:
        places = len(like.split(".")[1]) if "." in like else 0
        return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

    def number(figure_id: str, values: dict[str, str]) -> Decimal:  # in base units
        return Decimal(values.get(figure_id, old[figure_id])) * multiplier(figure_id)

    def figure(figure_id: str) -> Figure:
        row = rows[figure_id]
        return Figure(figure_id, float(number(figure_id, new)), 0.0, BASE_UNITS[row["unit"]][0], row["qualifier"],
                      new.get(figure_id, old[figure_id]), row["unit"])

    new = {figure_id: printed(Decimal(value) * (1 + MONTHLY_GROWTH), value)
           for figure_id, value in old.items() if rows[figure_id]["kind"] == "cumulative"}
    checks = []
    for relation in sentences.relations_for(load_relations(REFERENCE, base.period), _figures_frame(base), base.text):
        ids = split_ids(relation["operands"])
        if ids and all(i in rows for i in ids) and (not relation["reported"] or relation["reported"] in rows):
            checks.append((KINDS[relation["kind"]], relation["reported"], ids))
    for kind, reported, (first, *rest) in checks:  # a count against a printed target stops at the target
        if kind.divides_by == 1 and not kind.derived and first in new and rows[rest[0]]["kind"] == "target" \
                and number(first, old) <= number(rest[0], old):
            new[first] = printed(min(number(first, new), number(rest[0], old)) / multiplier(first), old[first])
    for _ in range(3):  # a check over another's reported figure (an excess over its rate) follows it
        for kind, reported, ids in checks:
            if not set(ids) & set(new):
                continue
            if kind.implies_target:  # the implied target stays: the rate moves with the achievement
                achieved, rate = ids
                new[rate] = printed(Decimal(old[rate]) * number(achieved, new) / number(achieved, old), old[rate])
            elif reported and kind.judged and not (kind.derived or kind.one_sided or kind.needs_previous
                                                   or kind.counts_list):
                result = kind.evaluate(Operands(figure(reported), [figure(i) for i in ids], base.text))
                if "status" not in result and result["recomputed"] >= 0:
                    value = Decimal(repr(result["recomputed"])) / multiplier(reported)
                    new[reported] = printed(value, old[reported])
    return new


def _figures_frame(base: Month) -> pd.DataFrame:
    """What cleaning makes of the month's figures, as far as reading its sentences needs: each
    figure's printed value and unit, base unit, kind, section and label, and its offset in the text."""
    records = []
    for row in base.figures:
        start = base.text.find(row["quote"]) + locate_value(row["quote"], row["value"], int(row.get("occurrence") or 1))
        records.append({"figure_id": row["figure_id"], "value_start": start, "value_printed": row["value"],
                        "unit_printed": row["unit"], "unit": BASE_UNITS.get(row["unit"], ("", 1))[0],
                        "kind": row["kind"], "section": row["section"], "label": row["label"],
                        "qualifier": row["qualifier"]})
    return pd.DataFrame.from_records(records)


# The English names a reviewer adds to glossary.csv for what november() and december() add (the run
# warns until they are there): a year of months then reads as reviewed, in both editions.
REVIEWED_GLOSSARY = [
    {"kind": "campaign", "id": "water_supply", "zh": "农村供水保障", "en": "Rural water supply",
     "reference": "descriptive translation (helpers.testing.months)"},
    {"kind": "figure", "id": "water_supply.projects", "zh": "已完成农村供水工程", "en": "Rural water-supply works completed",
     "reference": "descriptive translation (helpers.testing.months)"},
    {"kind": "figure", "id": "water_supply.persons", "zh": "巩固提升饮水安全人数",
     "en": "Persons whose drinking-water safety was consolidated", "reference": "descriptive translation (helpers.testing.months)"},
    {"kind": "figure", "id": "workshops.employed_monitored", "zh": "就业帮扶车间吸纳监测对象",
     "en": "Monitored persons employed in employment-support workshops",
     "reference": "descriptive translation (helpers.testing.months)"},
]


def add_reviewed_glossary(reference_dir: Path) -> None:
    """Give REVIEWED_GLOSSARY's English names (what a reviewer does after the run's warning): a row
    add-period left to translate gets its name and reference, keeping its since; a missing row is added."""
    path = Path(reference_dir) / "glossary.csv"
    header, rows = read_rows(path)
    at = {(row["kind"], row["id"]): row for row in rows}
    for reviewed in REVIEWED_GLOSSARY:
        row = at.get((reviewed["kind"], reviewed["id"]))
        if row is None:
            rows.append({column: reviewed.get(column, "") for column in header})
        elif not row.get("en"):
            row.update(en=reviewed["en"], reference=reviewed["reference"], note="")
    write_rows(path, header, rows)


def year_of_months(count: int = 12) -> list[Month]:
    """`count` months in a row from 2021-10: October as published, november(), december(), then
    `following` each month before."""
    chain = [october()]
    if count > 1:
        chain.append(november())
    if count > 2:
        chain.append(december(chain[1]))
    while len(chain) < count:
        chain.append(following(chain[-1]))
    return chain
