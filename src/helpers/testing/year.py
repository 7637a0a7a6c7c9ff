"""A year of months: October as published, then each month after it made the same way, for the
benchmarks that watch what months do to the pages and the repository (benchmarks/pages.py).

`following(month)` makes the month after any month: every cumulative figure grows, every rate the
report prints is recomputed from its figures as relations.csv defines it, and the dates move on a
month (across a new year too). `year_of_months(12)` is October, `months.november()`,
`months.december()` and nine such months; `add_reviewed_glossary` adds the English names a
reviewer would give what November and December add.

    from helpers.testing import year
    for month in year.year_of_months(12)[1:]:
        month.write(layout.raw, layout.reference)
    year.add_reviewed_glossary(layout.reference)
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..text.numbers import find_number_tokens, locate_value
from . import REFERENCE
from .months import Fields, Month, Replace, december, next_month, november, october, read_rows, renumber

# How much a cumulative figure grows in a month of `following`.
MONTHLY_GROWTH = Decimal("0.015")


def following(base: Month) -> Month:
    """The month after `base`, made the same way for any month: a year of reports in a loop.

    Every cumulative figure grows by MONTHLY_GROWTH (printed with its own decimals), and every
    rate the report prints is recomputed from its figures as relations.csv defines it (a rate
    over a printed target; a rate over an implied target, which stays put; an excess over
    100%), so the month's checks agree as a careful bureau's would. Stocks, counts and
    targets stay. Dates move on a month: the period in the title and the text (1-11月 ->
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
    the rates over them recomputed (relations.csv), each printed with its old number of decimals."""
    old = {row["figure_id"]: row["value"] for row in base.figures}
    kinds = {row["figure_id"]: row["kind"] for row in base.figures}

    def printed(value: Decimal, like: str) -> str:
        places = len(like.split(".")[1]) if "." in like else 0
        return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

    def number(figure_id: str) -> Decimal:
        return Decimal(new.get(figure_id, old[figure_id]))

    new = {figure_id: printed(Decimal(value) * (1 + MONTHLY_GROWTH), value)
           for figure_id, value in old.items() if kinds[figure_id] == "cumulative" and re.fullmatch(r"[\d.]+", value)}
    relations = read_rows(REFERENCE / "relations.csv")
    for relation in relations:  # a count against a printed target stops at the target (760 of 760 villages)
        operands = relation["operands"].split("|")
        if relation["kind"] == "rate" and len(operands) == 2 and operands[0] in new and kinds.get(operands[1]) == "target" \
                and Decimal(old[operands[0]]) <= Decimal(old[operands[1]]):
            new[operands[0]] = printed(min(Decimal(new[operands[0]]), Decimal(old[operands[1]])), old[operands[0]])
    for relation in sorted(relations, key=lambda r: r["kind"] == "excess"):  # an excess follows its rate
        operands = [o for o in relation["operands"].split("|") if o]
        if not all(o in old for o in operands):
            continue
        if relation["kind"] == "rate" and relation["reported"] in old and set(operands) & set(new):
            numerator, denominator = operands
            new[relation["reported"]] = printed(number(numerator) / number(denominator) * 100, old[relation["reported"]])
        elif relation["kind"] == "implied_ratio" and operands[0] in new:
            achieved, rate = operands  # the implied target stays: the rate moves with the achievement
            new[rate] = printed(Decimal(old[rate]) * number(achieved) / Decimal(old[achieved]), old[rate])
        elif relation["kind"] == "excess" and relation["reported"] in old and operands[0] in new:
            new[relation["reported"]] = printed(number(operands[0]) - 100, old[relation["reported"]])
    return new


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
    """Append REVIEWED_GLOSSARY's rows that glossary.csv lacks (what a reviewer does after the run's warning)."""
    path = Path(reference_dir) / "glossary.csv"
    text = path.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    known = {(row["kind"], row["id"]) for row in csv.DictReader(io.StringIO(text))}
    with open(path, "a", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\n")
        for row in REVIEWED_GLOSSARY:
            if (row["kind"], row["id"]) not in known:
                writer.writerow({column: row.get(column, "") for column in header})


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
