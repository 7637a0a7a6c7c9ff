"""Charts with Chinese labels, saved as deterministic PNG files with alt text beside them.

The font is Noto Sans CJK SC (SIL Open Font License), shipped by the `noto-cjk-sans-otc`
wheel, so no system font is needed and the same bytes come out on every machine.

Every chart is drawn for where it is shown: WIDTH_PX wide, the width it takes on a laptop, and
shrunk to fit a 375 px phone, where its smallest text (TEXT_PT) still reads at 11 CSS px or
more. The layout is fixed in advance (each chart places its titles, panels and legend from the
number of lines its words wrap to), so a chart is drawn once, not twice as `bbox_inches="tight"`
would; and it is saved with a palette of PALETTE_COLOURS colours, a third of the bytes of a
full-colour PNG for flat colours and text. The JSON beside each PNG records the alt text, the
caption and the size of its smallest text in pixels, which the browser test scales by the
width the page gives the image.

The month-by-month charts (`month_charts`) take every word they draw or write from a
`MonthWords` (monthwords.py), so that each edition's language comes from its own words.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")  # charts are files; never open a window
# The one literal-text rule: every string a chart draws comes from data (labels, names, dates),
# and is drawn exactly as written. Without this, "$$" or "$x^2$" in a reference table's label
# would be parsed as mathtext (and an unbalanced "$" would stop the stage).
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from ..io.writers import write_bytes, write_text  # noqa: E402
from .chartlayout import (DPI, LINE, PAD, TEXT_PT, TITLE_PT, WIDTH, WIDTH_PX, Layout, Words,  # noqa: E402, F401
                          legend_columns, px, smallest_text_px, spaced_tick_labels, text_height)
from .edition import CHARTS_FROM_NOTEBOOK, edition_stem, is_source  # noqa: E402
from .monthwords import MonthWords, month_words  # noqa: E402, F401 - the notebook's charts.month_words

FONT_FAMILY = "Noto Sans CJK SC"
PALETTE_COLOURS = 32
COLOURS = {"done": "#2f6f9f", "remaining": "#e0a040", "target": "#555555", "ahead": "#3b8a4f",
           "behind": "#c0392b", "met": "#2f6f9f"}
# A figure's target line: dashed when the report prints the target, dotted when it is implied.
TARGET_STYLES = {"reported": "--", "implied": ":"}


def use_chinese_font() -> str:
    """Register the bundled Noto Sans CJK font with matplotlib and make it the default."""
    import noto_cjk_sans_otc

    path = str(noto_cjk_sans_otc.FONT_PATH)
    if FONT_FAMILY not in {font.name for font in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [FONT_FAMILY, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "shaoyang-report"
    plt.rcParams["text.parse_math"] = False  # the literal-text rule above, kept if a caller reset rcParams
    return path


@dataclass(frozen=True)
class Chart:
    """A saved chart: its file, its alt text and the as-of dates it shows."""

    name: str
    path: Path
    alt: str
    caption: str


def save_chart(fig, directory: Path, name: str, alt: str, caption: str) -> Chart:
    """Draw `fig` once and save it as a palette PNG (no timestamps or software tags, so the bytes are
    reproducible), with its alt text, caption and smallest text size (px) in a JSON file beside it."""
    from PIL import Image

    fig.canvas.draw()
    smallest = smallest_text_px(fig)
    image = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB")
    plt.close(fig)
    buffer = io.BytesIO()
    image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        buffer, format="PNG")
    directory = Path(directory)
    path = write_bytes(directory / f"{name}.png", buffer.getvalue())
    write_text(directory / f"{name}.json",
               json.dumps({"alt": alt, "caption": caption, "smallest_text_px": smallest},
                          ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return Chart(name, path, alt, caption)


def chart_address(chart: Chart) -> str:
    """The chart's address as the executed notebook sees it: CHARTS_FROM_NOTEBOOK and its file name."""
    return CHARTS_FROM_NOTEBOOK + chart.path.name


def load_chart(directory: Path, name: str) -> Chart | None:
    """A chart saved earlier (by the progress notebook), or None if it was not drawn."""
    path = Path(directory) / f"{name}.png"
    meta = Path(directory) / f"{name}.json"
    if not path.is_file() or not meta.is_file():
        return None
    info = json.loads(meta.read_text(encoding="utf-8"))
    return Chart(name, path, info["alt"], info["caption"])


def use_fonts(language: str) -> None:
    """The font order of an edition's charts: CJK first for the source language (Chinese); a Latin
    font first for other languages, so that their quotes and letters are not drawn from the CJK
    font's full-width set (Chinese names in them still fall back to Noto Sans CJK)."""
    latin = "DejaVu Sans"
    order = [FONT_FAMILY, latin] if is_source(language) else [latin, FONT_FAMILY]
    plt.rcParams["font.sans-serif"] = order
    # Named as families, not only as the sans-serif list: matplotlib falls back from one family to
    # the next for a missing glyph, but takes a single font from a generic family, so a Chinese
    # name on an English chart would otherwise be drawn as boxes.
    plt.rcParams["font.family"] = order


def completion_chart(progress: pd.DataFrame, figures: pd.DataFrame, campaigns: pd.DataFrame, edition,
                     directory: Path, name: str = "completion", title: str | None = None) -> Chart | None:
    """Completion against target for each target, with the 100% line and each as-of date, in the
    edition's words (catalogue keys chart.completion.*; names from the glossary). Each rate is
    printed as the page prints it (facts.printed_rate: 95.55%, 104.03%), in the labels and the alt text."""
    from .facts import printed_rate

    if progress.empty:
        return None
    use_fonts(edition.language)
    t, date = edition.t, edition.printer.format_date
    printed = [printed_rate(row, figures, edition.printer) for row in progress.itertuples()]
    labels = [edition.data_name("target", row.target_id, row.label) for row in progress.itertuples()]
    # Readable on a 375 px phone: each label sits above its bar (no tick-label column eating the
    # width), wrapped to the chart's width, with the bar's as-of date.
    words = Words()
    inner = WIDTH_PX - 2 * PAD
    heading = words.wrap(title or t.plain("chart.completion.title"), TITLE_PT, inner)
    bar_texts = [words.wrap(t.plain("chart.completion.bar", label=label, date=date(row.as_of)), TEXT_PT, inner)
                 for row, label in zip(progress.itertuples(), labels)]
    bar, gap = 20, 12
    rows = [text_height(text, TEXT_PT) + 3 + bar + gap for text in bar_texts]
    layout = Layout()
    layout.add("title", PAD + text_height(heading, TITLE_PT) + 4)
    layout.add("bars", sum(rows) + LINE * px(TEXT_PT))  # the last line: the target line's name
    layout.add("ticks", 4 + LINE * px(TEXT_PT) + PAD)
    fig = layout.figure()
    layout.text(fig, "title", heading, TITLE_PT, x=PAD)
    ax = layout.axes(fig, "bars")
    rates = [float(r) for r in progress["computed_rate"]]
    right = max(rates + [100]) * 1.32
    height = dict(layout.rows)["bars"]
    top = height
    for row, text, row_height, shown in zip(progress.itertuples(), bar_texts, rows, printed):
        rate = float(row.computed_rate)
        centre = top - text_height(text, TEXT_PT) - 3 - bar / 2
        ax.barh(centre, rate, height=bar, color=COLOURS.get(row.position, COLOURS["done"]))
        ax.text(0, top, text, fontsize=TEXT_PT, va="top", linespacing=LINE, zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        implied = "*" if "implied" in (row.target_source, row.achieved_source) else ""
        ax.text(rate + right * 0.01, centre, f"{shown}{implied}", va="center", fontsize=TEXT_PT)
        top -= row_height
    ax.axvline(100, color=COLOURS["target"], linestyle="--", linewidth=1, zorder=1)
    ax.text(100, LINE * px(TEXT_PT) / 2, t.plain("chart.completion.target_line"), color=COLOURS["target"],
            fontsize=TEXT_PT, va="center", ha="center", bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    ax.set_yticks([])
    ax.set_xlim(0, right)
    ax.set_ylim(0, height)
    ax.tick_params(axis="x", labelsize=TEXT_PT)
    ax.spines[["top", "right", "left"]].set_visible(False)
    items = [t.plain("chart.completion.alt_item", indicator=edition.indicator(
                 edition.campaign_name(campaigns, r.campaign), label),
                 rate=shown, date=date(r.as_of))
             for r, label, shown in zip(progress.itertuples(), labels, printed)]
    alt = t.plain("chart.completion.alt", items=t.text("list.semicolon").join(items))
    return save_chart(fig, directory, edition_stem(name, edition.language), alt, t.plain("chart.completion.caption"))


MONITORING_CATEGORIES = ("unstable", "marginal", "sudden")


def monitoring_chart(figures: pd.DataFrame, edition, directory: Path, name: str = "monitoring") -> Chart | None:
    """Monitored households and persons by category: resolved against remaining risk, in the edition's words."""
    use_fonts(edition.language)
    t, date, number = edition.t, edition.printer.format_date, edition.printer.format_number
    values = dict(zip(figures["figure_id"], pd.to_numeric(figures["value"])))
    as_of = dict(zip(figures["figure_id"], figures["as_of"]))
    panels = []
    for measure in ("households", "persons"):
        resolved, remaining, names = [], [], []
        for key in MONITORING_CATEGORIES:
            r_id = f"monitoring.{key}_resolved_{measure}"
            left_id = f"monitoring.{key}_remaining_{measure}"
            total_id = f"monitoring.{key}_{measure}"
            if r_id not in values:
                continue
            left = values.get(left_id, values.get(total_id, float("nan")) - values[r_id])
            names.append(t.plain(f"chart.monitoring.category.{key}"))
            resolved.append(values[r_id])
            remaining.append(left)
        if names:
            panels.append((edition.name("unit", measure), names, resolved, remaining))
    if not panels:
        return None
    dates = t.text("list.separator").join(date(d) for d in sorted({as_of[f] for f in as_of
                                                                    if f.startswith("monitoring.")}))
    # Panels stacked, not side by side, so that the chart stays legible on a phone; the legend
    # above them, in two columns (inside a panel it would cover the shorter bars).
    words = Words()
    inner = WIDTH_PX - 2 * PAD
    names_width = max(words.width(n, TEXT_PT) for _, names, _, _ in panels for n in names)
    note = words.wrap(t.plain("chart.monitoring.as_of", dates=dates), TEXT_PT, inner)
    titles = [words.wrap(t.plain("chart.monitoring.title", unit=unit), TEXT_PT, inner) for unit, *_ in panels]
    layout = Layout()
    layout.add("legend", PAD + LINE * px(TEXT_PT) + 6)
    for index, (panel, heading) in enumerate(zip(panels, titles)):
        layout.add(f"title{index}", text_height(heading, TEXT_PT) + 4)
        layout.add(f"bars{index}", 26 * len(panel[1]))
        layout.add(f"ticks{index}", 4 + LINE * px(TEXT_PT) + 10)
    layout.add("note", text_height(note, TEXT_PT) + PAD)
    fig = layout.figure()
    for index, ((unit, names, resolved, remaining), heading) in enumerate(zip(panels, titles)):
        ax = layout.axes(fig, f"bars{index}", left=PAD + names_width + 6, right=PAD + 20)  # room for a tick label
        ax.barh(names, resolved, color=COLOURS["done"], label=t.plain("chart.monitoring.resolved"))
        ax.barh(names, remaining, left=resolved, color=COLOURS["remaining"], label=t.plain("chart.monitoring.remaining"))
        for y, (a, b) in enumerate(zip(resolved, remaining)):
            ax.text(a + b, y, f" {number(int(a + b))}", va="center", fontsize=TEXT_PT)
        ax.set_title(heading, loc="left", fontsize=TEXT_PT, pad=3, linespacing=LINE, y=1,
                     x=-(names_width + 6) / ax.get_position().width / WIDTH_PX)
        ax.invert_yaxis()
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=TEXT_PT)
        ax.set_xlim(0, max(a + b for a, b in zip(resolved, remaining)) * 1.3)
        if index == 0:
            handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=TEXT_PT, loc="upper left", ncol=2, frameon=False,
               bbox_to_anchor=(0, 1 - (PAD - 4) / layout.height), borderaxespad=0.2)
    layout.text(fig, "note", note, TEXT_PT)
    items = [t.plain("chart.monitoring.alt_item", category=category, unit=unit, resolved=number(int(a)),
                     remaining=number(int(b)))
             for unit, names, resolved, remaining in panels for category, a, b in zip(names, resolved, remaining)]
    alt = t.plain("chart.monitoring.alt", dates=dates, items=t.text("list.semicolon").join(items))
    return save_chart(fig, directory, edition_stem(name, edition.language), alt, t.plain("chart.monitoring.caption"))


def campaign_chart(progress: pd.DataFrame, figures: pd.DataFrame, campaign: str, campaigns: pd.DataFrame, edition,
                   directory: Path) -> Chart | None:
    """Achieved against target for one campaign's targets (None if it has no target)."""
    rows = progress[progress["campaign"] == campaign]
    if rows.empty:
        return None
    title = edition.t.plain("chart.campaign.title", campaign=edition.campaign_name(campaigns, campaign))
    return completion_chart(rows, figures, campaigns, edition, directory, name=f"campaign_{campaign}", title=title)


def show(chart: Chart | None, absent: str = "no chart this period"):
    """The chart as a notebook output, carrying its alt text (nbconvert writes it into <img alt>)."""
    from IPython.display import Image

    if chart is None:
        return absent
    return Image(filename=str(chart.path), metadata={"alt": chart.alt})


# ---- Month by month ----------------------------------------------------------------------------------

def month_charts(history: pd.DataFrame, words: MonthWords, directory: Path) -> list[Chart] | None:
    """One chart per campaign of its cumulative figures by as-of date, when two or more periods exist.

    None when the history holds a single period (there is no earlier period to draw); otherwise
    the charts drawn, in the order the latest period lists the campaigns (a campaign whose
    cumulative figures appear in one period only has none).
    """
    if history["period"].nunique() < 2:
        return None
    cumulative = history[history["kind"] == "cumulative"]
    campaigns = _latest_first_order(cumulative, "campaign")
    drawn = [month_chart(history, campaign, words, directory) for campaign in campaigns]
    return [chart for chart in drawn if chart is not None]


def month_chart_name(campaign: str, language: str) -> str:
    """months_<campaign> (Chinese) or months_<campaign>.<language>: one file per campaign and edition."""
    return edition_stem(f"months_{campaign}", language)


PANEL_PX = 84  # the height of a month chart's panel


def month_chart(history: pd.DataFrame, campaign: str, words: MonthWords, directory: Path) -> Chart | None:
    """One campaign's cumulative figures by month: a panel per figure (units differ), stacked for a
    phone, each point at the figure's own as-of date, its target as a reference line.

    None when the campaign's cumulative figures appear in fewer than two periods.
    """
    rows = history[(history["campaign"] == campaign) & (history["kind"] == "cumulative")]
    if rows["period"].nunique() < 2:
        return None
    use_fonts(words.language)
    figure_ids = _latest_first_order(rows, "figure_id")
    # Plain records from here on: a chart reads a few dozen values, and pandas' per-call cost
    # (a filter, a sort, a date parse per panel) was a fifth of drawing it.
    records = rows.assign(date=pd.to_datetime(rows["as_of"])).to_dict("records")
    dates = [row["date"] for row in records]
    pad = max((max(dates) - min(dates)) * 0.12, pd.Timedelta(days=6))
    # Every panel spans the same dates, so that panels line up in time; each has its own ticks.
    x_range = (min(dates) - pad, max(dates) + pad)
    tick_text = words.short_date if len({day.year for day in dates}) == 1 else words.date
    measure, inner = Words(), WIDTH_PX - 2 * PAD
    name = words.campaign(campaign)
    title = measure.wrap(words.text["title"].format(campaign=name), TITLE_PT, inner)
    printed = _printed_targets(records, history)
    panels = []
    for figure_id in figure_ids:
        series = sorted((row for row in records if row["figure_id"] == figure_id),
                        key=lambda row: (row["as_of"], row["period"]))
        panels.append((series, _panel_title(series, printed, words)))
    layout = Layout()
    layout.add("title", PAD + text_height(title, TITLE_PT) + 6)
    for index, (_, (heading, _)) in enumerate(panels):
        heading = measure.wrap(heading, TEXT_PT, inner)
        panels[index] = (panels[index][0], (heading, panels[index][1][1]))
        layout.add(f"heading{index}", text_height(heading, TEXT_PT) + 4)
        layout.add(f"panel{index}", PANEL_PX)
        layout.add(f"ticks{index}", 4 + LINE * px(TEXT_PT) + 8)
    layout.add("axis", LINE * px(TEXT_PT) + 4)
    handles = [Line2D([], [], color=COLOURS["done"], marker="o", linewidth=1.8, label=words.text["legend_achieved"])]
    for source, key in (("reported", "legend_target"), ("implied", "legend_implied_target")):
        if any(row["target_source"] == source for row in records):
            handles.append(Line2D([], [], color=COLOURS["target"], linestyle=TARGET_STYLES[source], linewidth=1.2,
                                  label=words.text[key]))
    columns = legend_columns([handle.get_label() for handle in handles], measure, inner)
    layout.add("legend", -(-len(handles) // columns) * LINE * px(TEXT_PT) + PAD)
    fig = layout.figure()
    layout.text(fig, "title", title, TITLE_PT)
    alt_figures = []
    for index, (series, (heading, alt_figure)) in enumerate(panels):
        ax = layout.axes(fig, f"panel{index}")
        ax.set_title(heading, loc="left", fontsize=TEXT_PT, pad=3, linespacing=LINE, y=1)
        _month_panel(ax, series, words, x_range, tick_text, measure)
        alt_figures.append(alt_figure)
    layout.text(fig, "axis", words.text["date_axis"], TEXT_PT, x=WIDTH_PX / 2, ha_center=True)
    fig.legend(handles=handles, loc="lower left", ncol=columns, frameon=False, fontsize=TEXT_PT,
               bbox_to_anchor=(0, PAD / 2 / layout.height), borderaxespad=0, handlelength=1.8, columnspacing=1.2,
               handletextpad=0.6, labelspacing=LINE - 1)
    alt = words.text["alt"].format(campaign=name, figures=words.text["figure_list"].join(alt_figures))
    return save_chart(fig, directory, month_chart_name(campaign, words.language), alt, words.text["caption"])


def _panel_title(series: list[dict], printed: dict, words: MonthWords) -> tuple[str, str]:
    """A figure's panel title (its name, and its targets when it has any) and its part of the alt text."""
    figure = words.figure(series[0]["figure_id"])
    targets = _target_values(series, printed, words)
    shown, listed = _target_words(targets, words) if targets else ("", "")
    points = words.text["list"].join(
        words.text["alt_point"].format(date=words.date(row["as_of"]), value=words.value(row)) for row in series)
    if targets:
        return (words.text["panel_with_targets"].format(figure=figure, targets=shown),
                words.text["alt_figure_with_targets"].format(figure=figure, targets=listed, points=points))
    return figure, words.text["alt_figure"].format(figure=figure, points=points)


def _month_panel(ax, series: list[dict], words: MonthWords, x_range, tick_text: Callable[[str], str],
                 measure: Words) -> set:
    """One figure's panel: its points by as-of date, its targets and ticks. Returns the
    target line styles drawn."""
    ax.plot([row["date"] for row in series], [row["value"] for row in series], marker="o", markersize=6,
            linewidth=1.8, color=COLOURS["done"], zorder=3)
    styles = set()
    for source, style in TARGET_STYLES.items():
        steps = [row for row in series if row["target_source"] == source]
        if not steps:
            continue
        styles.add(source)
        # A step line: each period's target from its as-of date on, reaching both edges, so a
        # target that changed shows when it changed; an unchanged one is a plain reference line.
        xs = [x_range[0], *(row["date"] for row in steps), x_range[1]]
        ys = [steps[0]["target"], *(row["target"] for row in steps), steps[-1]["target"]]
        ax.plot(xs, ys, drawstyle="steps-post", linestyle=style, linewidth=1.2, color=COLOURS["target"], zorder=2)
    # From zero: the distance to the target and the size of a month's change stay true to scale
    # (the values are printed above the points, so no value axis is needed). The headroom keeps
    # the highest value's label inside the panel.
    top = max([row["value"] for row in series] + [row["target"] for row in series if not pd.isna(row["target"])])
    ax.set_ylim(0, top * 1.45 if top > 0 else 1)
    ax.set_xlim(*x_range)
    _label_points(ax, series, words, measure)
    ticks = sorted({row["date"] for row in series})
    ax.set_xticks(ticks)
    labels = ax.set_xticklabels(spaced_tick_labels(ax, ticks, [tick_text(day.date().isoformat()) for day in ticks],
                                                    measure), fontsize=TEXT_PT)
    if len(labels) > 1:  # the first and the latest date run inwards from their ticks, to stay inside the chart
        labels[0].set_horizontalalignment("left")
        labels[-1].set_horizontalalignment("right")
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.spines[["top", "right", "left"]].set_visible(False)
    return styles


def _latest_first_order(rows: pd.DataFrame, column: str) -> list[str]:
    """Values of `column` in the order the latest period lists them, then those of earlier periods."""
    order: list[str] = []
    for period in sorted(set(rows["period"]), reverse=True):
        for value in rows.loc[rows["period"] == period, column]:
            if value not in order:
                order.append(value)
    return order


def _printed_targets(records: list[dict], history: pd.DataFrame) -> dict:
    """Each target figure the chart's figures are measured against, as printed, by (period, figure id):
    the first row, as the table lists them."""
    wanted = {row["target_figure_id"] for row in records if row["target_source"] != ""}
    printed: dict = {}
    for row in history[history["figure_id"].isin(wanted)].to_dict("records"):
        printed.setdefault((row["period"], row["figure_id"]), row)
    return printed


def _target_values(series: list[dict], printed: dict, words: MonthWords) -> list[tuple[str, str]]:
    """A figure's targets in time order, as (source, value), each one that differs from the one before:
    printed as the target figure is printed when the report prints it, in the figure's style when
    it is implied."""
    values: list[tuple[str, str]] = []
    for row in series:
        if row["target_source"] == "":
            continue
        if row["target_source"] == "reported":
            value = words.value(printed[(row["period"], row["target_figure_id"])])
        else:
            value = words.value_like(row["target"], row)
        if not values or values[-1] != (row["target_source"], value):
            values.append((row["target_source"], value))
    return values


def _target_words(values: list[tuple[str, str]], words: MonthWords) -> tuple[str, str]:
    """The targets as a panel's title shows them, and as the alt text lists them (every one).

    A printed target that changed shows its first and latest value (目标3,441户→3,541户). An
    implied target shows its latest value only: worked back from a rounded rate, it moves a
    little every month without changing (changes.csv flags it when its ranges stop overlapping).
    """
    template = {"reported": words.text["target"], "implied": words.text["implied_target"]}
    every = [template[source].format(value=value) for source, value in values]
    (first_source, first), (last_source, last) = values[0], values[-1]
    if last_source == "reported" and first_source == "reported" and first != last:
        shown = template["reported"].format(value=words.text["target_change"].format(first=first, last=last))
    else:
        shown = every[-1]
    return shown, words.text["list"].join(every)


def _label_points(ax, series: list[dict], words: MonthWords, measure: Words) -> None:
    """Each point's value above it, as printed: the first label runs right from its point and the
    last runs left, so that labels stay inside the panel (and the PNG keeps its width). Labels
    never overlap on a phone: the latest value's label always stays, then each other one that
    overlaps no label kept, the first next (the alt text lists every value). Overlaps are worked out from the
    measured width of each label before it is drawn, as the layout is fixed."""
    labelled, seen = [], set()
    for row in series:  # each (date, value) once, the first row of it
        if (row["as_of"], row["value"]) not in seen:
            seen.add((row["as_of"], row["value"]))
            labelled.append(row)
    last = len(labelled) - 1
    height, lift = LINE * px(TEXT_PT), px(6)
    boxes, shown = [], {}
    for position in dict.fromkeys([last, 0, *range(last - 1, 0, -1)]):
        row = labelled[position]
        align = "center" if last == 0 else "left" if position == 0 else "right" if position == last else "center"
        text = words.value(row)
        x, y = ax.transData.transform((mdates.date2num(row["date"]), row["value"]))
        width = measure.width(text, TEXT_PT)
        left = x - {"left": 0, "center": width / 2, "right": width}[align]
        box = (left - 2, y + lift - 2, left + width + 2, y + lift + height + 2)
        if not any(box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
                   for other in boxes):
            boxes.append(box)
            shown[position] = (text, row, align)
    for position in sorted(shown):
        text, row, align = shown[position]
        ax.annotate(text, (row["date"], row["value"]), xytext=(0, 6), textcoords="offset points",
                    ha=align, va="bottom", fontsize=TEXT_PT, zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
