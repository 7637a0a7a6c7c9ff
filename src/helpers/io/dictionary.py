"""The data dictionary of data/processed/: every file, and every column's meaning, unit, decimals and type.

One definition serves four places: `data/processed/<period>/dictionary.csv`, the committed
`data/processed/README.md`, each period's `datapackage.json` (a Frictionless tabular data package,
which researchers load with `frictionless`, pandas or R), and a test that every written column is
described.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pandas is imported where the table is made, not by the runner
    import pandas as pd

# file -> [(column, meaning, unit, decimals[, type])]. The type is a Frictionless field type
# (number, integer, date); a row without one is a string. An empty cell is a missing value.
DICTIONARY: dict[str, list[tuple[str, ...]]] = {
    "figures.csv": [
        ("figure_id", "stable id of the figure: <campaign>.<metric>", "", ""),
        ("section", "section of the report the figure sits in (一 … 五(七))", "", ""),
        ("campaign", "campaign id (see data/reference/campaigns.csv)", "", ""),
        ("metric", "what the figure counts, within its campaign", "", ""),
        ("label", "short Chinese description of the figure", "", ""),
        ("kind", "cumulative, stock, target, rate, plan or count", "", ""),
        ("value", "the figure normalised to its base unit (39.0589万人 -> 390589)", "see unit", "as printed", "number"),
        ("unit", "base unit: households, persons, yuan, square_metres, tonnes, kilometres, count, percent", "", ""),
        ("qualifier", "qualifier as printed: 以上 (at least), 余/多 (more than), 约 (about), 近 (nearly) or empty", "", ""),
        ("qualifier_meaning", "exact, at_least, more_than, about or nearly", "", ""),
        ("precision", "half a unit of the last printed digit, in base units (0 for whole counts printed in full)",
         "see unit", "as needed", "number"),
        ("decimals", "decimal places of the number as printed", "", "0", "integer"),
        ("value_printed", "the number exactly as printed, without 万/亿", "", ""),
        ("unit_printed", "the unit exactly as printed, with 万/亿 (万人, 万元, %)", "", ""),
        ("as_of", "date the figure stands at, resolved against the period (10月底 -> 2021-10-31)", "ISO date", "", "date"),
        ("as_of_printed", "the as-of expression as printed (截至10月底); empty = end of period", "", ""),
        ("quote", "the verbatim sentence of report.txt in which the figure sits", "", ""),
        ("quote_start", "offset of the quote's first character in report.txt", "characters", "0", "integer"),
        ("quote_end", "offset just past the quote's last character in report.txt", "characters", "0", "integer"),
        ("value_start", "offset of the number in report.txt", "characters", "0", "integer"),
        ("note", "transcriber's note", "", ""),
    ],
    "coverage.csv": [
        ("start", "offset of the number in report.txt", "characters", "0", "integer"),
        ("number", "the number as it appears in the text (with 万/亿)", "", ""),
        ("script", "arabic or chinese numerals", "", ""),
        ("status", "figure, not a figure, or unaccounted (a run never publishes unaccounted numbers)", "", ""),
        ("figure_id", "the figure that accounts for the number, if any", "", ""),
        ("reason", "why the number is not a figure (date, section number, name, …)", "", ""),
        ("context", "the text around the number", "", ""),
    ],
    "progress.csv": [
        ("target_id", "id of the target (data/reference/targets.csv)", "", ""),
        ("campaign", "campaign id", "", ""),
        ("label", "what is measured against the target", "", ""),
        ("unit", "base unit of target, achieved and gap", "", ""),
        ("target", "the target", "see unit", "2", "number"),
        ("target_source", "reported, or implied (achieved ÷ reported rate)", "", ""),
        ("target_qualifier", "qualifier printed with the target (以上 …)", "", ""),
        ("achieved", "the amount achieved", "see unit", "2", "number"),
        ("achieved_source", "reported, or implied (target × reported rate)", "", ""),
        ("as_of", "as-of date of the achieved amount", "ISO date", "", "date"),
        ("computed_rate", "achieved ÷ target × 100", "percent", "4", "number"),
        ("reported_rate", "completion rate as printed, if any", "percent", "as printed", "number"),
        ("rate_difference", "reported_rate − computed_rate", "percentage points", "4", "number"),
        ("rate_bound", "at_most when the target is a lower bound (以上, 余, 多), at_least when the achievement is, "
         "approximate for 约 or bounds pulling both ways; empty when both are exact", "", ""),
        ("gap", "target − achieved (negative: target exceeded)", "see unit", "2", "number"),
        ("position", "ahead, met or behind", "", ""),
        ("figure_ids", "figures used, separated by |", "", ""),
        ("note", "reviewer's note from targets.csv", "", ""),
    ],
    "checks.csv": [
        ("check_id", "id of the check: a relation of data/reference/relations.csv, or, for a check read from a "
         "sentence, the figure it tests and its kind (monitoring.households_total.sum)", "", ""),
        ("kind", "rate, sum, difference, flow, count_listed, excess, restatement, part_of, implied_*, not_checkable "
         "(data/reference/README.md)", "", ""),
        ("description", "what is checked, in Chinese, with this period's printed figures filled in", "", ""),
        ("formula", "the formula, in figure ids", "", ""),
        ("working", "the formula with the numbers filled in (for a listed count: the items found)", "", ""),
        ("reported", "the value the report states", "see unit", "as printed", "number"),
        ("recomputed", "the value recomputed from the report's other figures", "see unit", "6", "number"),
        ("difference", "reported − recomputed", "see unit", "6", "number"),
        ("tolerance", "largest difference that printed rounding explains", "see unit", "6", "number"),
        ("lower", "for derived values: lowest value the printed rounding (and the text) allows", "see unit", "6", "number"),
        ("upper", "for derived values: highest value the printed rounding (and the text) allows", "see unit", "6", "number"),
        ("bound_by", "for derived values: all_done when the text says all were completed (全部竣工), which fixes "
         "the value at the target; empty otherwise", "", ""),
        ("unit", "base unit", "", ""),
        ("status", "pass, mismatch, derived, not-checkable (figures present, nothing to hold them to) or "
         "not-applicable (figures absent this period, or no previous period for a flow)", "", ""),
        ("figure_ids", "figures used, separated by |", "", ""),
        ("note", "why a check could not be made, or what is missing", "", ""),
        ("origin", "where the check comes from: declared (data/reference/relations.csv) or text (read from the "
         "sentence that states it)", "", ""),
        ("sentence_start", "for a check read from the text: offset of its sentence's first character in report.txt",
         "characters", "0", "integer"),
        ("sentence_end", "for a check read from the text: offset just past its sentence in report.txt",
         "characters", "0", "integer"),
    ],
    "diagnoses.csv": [
        ("figure_id", "the figure whose other value would make the checks agree (for a note across months: the "
         "figure it concerns)", "", ""),
        ("printed", "the number as printed, without 万/亿 (in unit_printed); for previous_misprint, as printed "
         "in related_period", "", "as printed"),
        ("proposed", "the value that would make every check on the figure pass, or the range lo–hi of such "
         "values, written like printed (in unit_printed)", "", "as printed"),
        ("unit_printed", "the unit printed and proposed are written in (万人, 个, %)", "", ""),
        ("lower", "lowest proposed value", "base unit of the figure", "6", "number"),
        ("upper", "highest proposed value", "base unit of the figure", "6", "number"),
        ("kind", "misprint (proposed is one typo away from printed), different_base (values fit every check "
         "but none is a typo), named_base (a number printed in the same or a neighbouring sentence, related, "
         "fits), previous_misprint (related_period's misprint, corrected, makes this period's check pass), "
         "item_dropped (a listed count falls short: related_text, listed in related_period, is no longer "
         "reported, nor its figures, related); and two notes that resolve no check: companion_rose (a "
         "cumulative figure fell while related, printed in the same sentence, rose) and base_changed (the "
         "values of the base for which its shares pass do not overlap related_period's)", "", ""),
        ("typo", "for misprints: digit_changed, digits_swapped, digit_dropped (the print lost a digit) or "
         "digit_doubled (the print repeats one)", "", ""),
        ("resolves", "the mismatched checks (check_id) the proposed value would make pass, separated by |; "
         "their verdict stays mismatch; empty for a note", "", ""),
        ("related", "figures the explanation links to, separated by |: the number naming the base, the figure "
         "last period misprinted, the dropped item's figures, the companion that rose", "", ""),
        ("related_text", "words of the text the explanation quotes: the list item no longer reported", "", ""),
        ("related_period", "the earlier period the explanation draws on", "YYYY-MM", ""),
        ("recomputed", "what the resolved check gives with the proposed value", "unit of the check", "6", "number"),
        ("previous_lower", "base_changed: lowest value of the base that fitted related_period's shares; "
         "companion_rose: the fallen figure's value in related_period", "base unit of the figure", "6", "number"),
        ("previous_upper", "base_changed: highest such value; companion_rose: as previous_lower",
         "base unit of the figure", "6", "number"),
        ("explanation", "the diagnosis in words, with its arithmetic, for auditors", "", ""),
    ],
    "changes.csv": [
        ("figure_id", "figure id; for derived quantities, the check_id of the relation that derives them", "", ""),
        ("campaign", "campaign id", "", ""),
        ("label", "short Chinese description (for derived quantities, the relation's description)", "", ""),
        ("unit", "base unit", "", ""),
        ("kind", "cumulative, stock, target, rate, plan, count, or derived", "", ""),
        ("previous_period", "the earlier period compared with (its figures cleaned afresh from data/raw/); "
         "empty for the first period", "YYYY-MM", ""),
        ("previous_printed", "the figure as printed in the earlier period (141.5万余吨); empty if absent", "", ""),
        ("current_printed", "the figure as printed in this period; empty if absent", "", ""),
        ("previous_value", "value in the earlier period (derived: central value)", "see unit", "as printed", "number"),
        ("current_value", "value in this period (derived: central value)", "see unit", "as printed", "number"),
        ("change", "current_value − previous_value", "see unit", "as printed", "number"),
        ("previous_lower", "derived quantities: lowest value last period's rounding allows", "see unit", "6", "number"),
        ("previous_upper", "derived quantities: highest value last period's rounding allows", "see unit", "6", "number"),
        ("current_lower", "derived quantities: lowest value this period's rounding allows", "see unit", "6", "number"),
        ("current_upper", "derived quantities: highest value this period's rounding allows", "see unit", "6", "number"),
        ("as_of", "this period's as-of date of the figure", "ISO date", "", "date"),
        ("as_of_gap_days", "days from the as-of date to the period's end", "days", "0", "integer"),
        ("flag", "codes separated by |: new, dropped, returned (absent last period, compared with the last "
         "period that printed it: previous_period), renamed, unit_changed, cumulative_fell, companion_rose "
         "(beside cumulative_fell: a companion in the same sentence rose), target_changed, "
         "implied_target_changed (the implied ranges of the two periods do not overlap), as_of_earlier, "
         "stale_as_of (as_of_gap_days above 30)", "", ""),
    ],
    "history.csv": [
        ("period", "the period whose report printed the figure (every earlier raw folder that validates, "
         "cleaned afresh, then this period)", "YYYY-MM", ""),
        ("figure_id", "figure id, renamed to its newest id (data/reference/figure_renames.csv) so that a renamed "
         "figure is one line across periods", "", ""),
        ("source_figure_id", "the figure's id in that period's figures.csv (differs from figure_id when renamed)",
         "", ""),
        ("campaign", "campaign id", "", ""),
        ("label", "short Chinese description of the figure, as transcribed that period", "", ""),
        ("kind", "cumulative, stock, target, rate, plan or count", "", ""),
        ("value", "the figure normalised to its base unit", "see unit", "as printed", "number"),
        ("unit", "base unit", "", ""),
        ("qualifier", "qualifier as printed: 以上, 余/多, 约, 近 or empty", "", ""),
        ("decimals", "decimal places of the number as printed", "", "0", "integer"),
        ("value_printed", "the number exactly as printed, without 万/亿", "", ""),
        ("unit_printed", "the unit exactly as printed, with 万/亿", "", ""),
        ("as_of", "date the figure stands at (not the period's end)", "ISO date", "", "date"),
        ("target_id", "for an achieved figure: the target it is measured against that period "
         "(data/reference/targets.csv); empty otherwise", "", ""),
        ("target_figure_id", "the figure that prints that target (newest id); empty when the target is implied", "", ""),
        ("target", "the target that period, as in progress.csv", "see unit", "2", "number"),
        ("target_source", "reported, or implied (achieved ÷ reported rate)", "", ""),
    ],
    "facts.csv": [
        ("fact_id", "id of a number the public page prints: figure.<figure_id> (a transcribed figure), "
         "previous.<figure_id> (its value last period), date.<date>, source.<field> (the sidecar's dates), "
         "headline.*, progress.<target_id>.*, audit.*, check.<check_id>.*, diagnosis.<figure_id>.*, change.*, "
         "changes.*, stale.<figure_id>, constant.full (each spelt by one function of "
         "src/helpers/publish/factids.py)", "", ""),
        ("label", "what the number is, in Chinese", "", ""),
        ("value", "the number in base units (a date as YYYY-MM-DD; a range as lo–hi)", "see unit", "as computed"),
        ("unit", "base unit (households, persons, yuan, percent, count, days, date, period …)", "", ""),
        ("printed", "exactly as the public page prints it (39.0589万人, 16,869户, 2021年10月31日)", "", "as printed"),
        ("formula", "how it is computed, over figure ids and check ids ('transcribed from report.txt' for a "
         "figure)", "", ""),
        ("inputs", "the figure ids, check ids or files it is computed from, separated by |", "", ""),
        ("as_of", "the date the number stands at, where it has one", "", "", "date"),
        ("section", "the page section (its anchor) the number belongs to", "", ""),
        ("made_by", "the function that made the fact, as module:function (helpers.publish.facts:_progress): "
         "the code that computes the number", "", ""),
    ],
}


# What each file is, and the columns that identify a row (its primary key), for the data package.
FILES = {
    "figures.csv": ("one row per figure transcribed from the report: its normalised value and unit, qualifier, "
                    "as-of date, and the verbatim quote with its offsets in report.txt", ("figure_id",)),
    "coverage.csv": ("every number in report.txt and what accounts for it: a figure, or the reason it is not one",
                     ("start",)),
    "progress.csv": ("each target: achieved, computed and reported completion rate, gap", ("target_id",)),
    "checks.csv": ("each consistency check: formula, reported, recomputed, difference, tolerance, verdict",
                   ("check_id",)),
    "diagnoses.csv": ("mismatches that one printed number explains: printed, proposed value or range, misprint or "
                      "different base", ("figure_id",)),
    "changes.csv": ("month over month: every figure and derived quantity against the previous period, with flags",
                    ("figure_id",)),
    "history.csv": ("every period's figures up to this one, renamed figures under their newest id, each achieved "
                    "figure with its target", ("period", "figure_id")),
    "facts.csv": ("every number the public page prints: its value, unit, exactly how it is printed, its formula "
                  "over figure and check ids, its inputs, as-of date and page section", ("fact_id",)),
}
# dictionary.csv describes the others; the data package describes it too.
DICTIONARY_FILE = "dictionary.csv"
# The period's Frictionless data package (datapackage()): every file above, for frictionless, pandas or R.
DATAPACKAGE_FILE = "datapackage.json"
DICTIONARY_COLUMNS = [
    ("file", "the file the column belongs to (facts.csv stands for every edition's facts.<language>.csv)", "", ""),
    ("column", "the column's name, as in the file's header", "", ""),
    ("meaning", "what the column holds", "", ""),
    ("unit", "its unit (see unit: the row's own unit column)", "", ""),
    ("decimals", "the decimals its numbers carry", "", ""),
    ("type", "its type in datapackage.json: string, number, integer or date", "", ""),
]


class Column(NamedTuple):
    name: str
    meaning: str
    unit: str
    decimals: str
    type: str = "string"


def columns(file: str) -> list[Column]:
    """The columns of a file of data/processed/<period>/, in order (facts.<language>.csv as facts.csv)."""
    if file == DICTIONARY_FILE:
        return [Column(*row) for row in DICTIONARY_COLUMNS]
    return [Column(*row) for row in DICTIONARY[file]]


def dictionary_table() -> "pd.DataFrame":
    import pandas as pd

    rows = [(file, *column) for file in DICTIONARY for column in columns(file)]
    return pd.DataFrame(rows, columns=[name for name, *_ in DICTIONARY_COLUMNS])


# A word on a file as a whole, printed above its columns.
NOTES = {
    "facts.csv": "The numbers of the Chinese page. Every other edition writes the same file for its own page, "
                 "`facts.<language>.csv` (`facts.en.csv`): the same rows, ids, values, formulas and inputs, with "
                 "`printed` and `label` as that edition prints them.",
}


def dictionary_markdown() -> str:
    """The text of data/processed/README.md."""
    lines = ["# data/processed/: data dictionary", "",
             "Written by the pipeline (`shaoyang-report run`), one folder per period. Do not edit by hand:",
             "rerun instead. This file is generated from `src/helpers/io/dictionary.py`; a test keeps them in step.",
             "Each period's `datapackage.json` describes the same files as a Frictionless data package (types,",
             "missing values, primary keys); the main README shows how to load it in pandas and R.", ""]
    for file in DICTIONARY:
        description, key = FILES[file]
        lines += [f"## {file}", "", f"{description[0].upper()}{description[1:]}. Each row is identified by "
                  + " and ".join(f"`{name}`" for name in key) + ".", ""]
        if file in NOTES:
            lines += [NOTES[file], ""]
        lines += ["| column | meaning | unit | decimals | type |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.meaning} | {c.unit} | {c.decimals} | {c.type} |" for c in columns(file)]
        lines.append("")
    return "\n".join(lines)


def _resource(path: str, description: str, file_columns: list[Column], key: tuple[str, ...]) -> dict:
    fields = []
    for column in file_columns:
        field = {"name": column.name, "type": column.type, "description": column.meaning}
        if column.unit:
            field["unit"] = column.unit
        if column.decimals:
            field["decimals"] = column.decimals
        fields.append(field)
    return {"name": path.removesuffix(".csv"), "path": path, "profile": "tabular-data-resource",
            "description": description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields, "missingValues": [""], "primaryKey": list(key)}}


def datapackage(period: str, title: str, address: str, facts_files: list[str]) -> dict:
    """The period's datapackage.json (Frictionless, tabular data package, v1): one resource per file of
    data/processed/<period>/, its fields from DICTIONARY. `facts_files` are the editions' facts files
    (facts.csv, facts.en.csv …), each described as facts.csv; `title` and `address` are the report's."""
    resources = []
    for file in DICTIONARY:
        description, key = FILES[file]
        for path in (facts_files if file == "facts.csv" else [file]):
            note = "" if path == "facts.csv" or file != "facts.csv" else \
                f" ({path}: the same rows as facts.csv, printed and labelled as the {path.split('.')[1]} page)"
            resources.append(_resource(path, description + note, columns(file), key))
    resources.append(_resource(DICTIONARY_FILE, "the data dictionary: every column of every file above",
                               columns(DICTIONARY_FILE), ("file", "column")))
    source = {"title": title}
    if address.startswith(("http://", "https://")):
        source["path"] = address
    return {
        "profile": "tabular-data-package",
        "name": f"shaoyang-report-{period}",
        "title": f"{title}: the audited figures, checks and published numbers",
        "description": f"The figures of the Shaoyang City Rural Revitalization Bureau's progress report for {period}, "
                       "each tied to the sentence it came from, the checks that recompute its rates and totals, and "
                       "every number the published pages print. Made by shaoyang-report; see data/processed/README.md.",
        "sources": [source],
        "resources": resources,
    }
