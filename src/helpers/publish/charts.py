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
`MonthWords` the caller passes, so that each edition's language comes from its own words and
the drawing is shared; `chinese_month_words` makes the Chinese set.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

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
from matplotlib.text import Text  # noqa: E402

from ..io.writers import write_bytes, write_text  # noqa: E402
from .edition import CHARTS_FROM_NOTEBOOK, edition_stem  # noqa: E402

FONT_FAMILY = "Noto Sans CJK SC"
DPI = 100
WIDTH_PX = 440  # the width a chart takes on a laptop; a 375 px phone shows it at about 346 px
WIDTH = WIDTH_PX / DPI  # in inches
TEXT_PT = 11.0  # the smallest text on a chart: 15.3 px, about 12 CSS px on a phone
TITLE_PT = 12.5
LINE = 1.3  # line height, in font sizes
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
    image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, format="PNG")
    directory = Path(directory)
    path = write_bytes(directory / f"{name}.png", buffer.getvalue())
    write_text(directory / f"{name}.json",
               json.dumps({"alt": alt, "caption": caption, "smallest_text_px": smallest},
                          ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return Chart(name, path, alt, caption)


def smallest_text_px(fig) -> float:
    """The size, in the image's pixels, of the smallest text the figure draws."""
    sizes = [text.get_fontsize() for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]
    return round(min(sizes) * fig.dpi / 72, 2) if sizes else 0.0


class Words:
    """Text measured and wrapped to a width, in the figure's pixels, as the figure will draw it.

    Widths are summed from each character's advance, measured once per size (kerning is ignored,
    and a margin allows for it): wrapping a label costs a dictionary lookup per character."""

    def __init__(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.renderer = FigureCanvasAgg(Figure(figsize=(WIDTH, 1), dpi=DPI)).get_renderer()
        self.family = list(plt.rcParams["font.family"])
        self._advance: dict[tuple[str, float], float] = {}

    def width(self, text: str, size: float) -> float:
        return max((sum(self._char(char, size) for char in line) for line in text.split("\n")), default=0.0) * 1.03

    def _char(self, char: str, size: float) -> float:
        key = (char, size)
        if key not in self._advance:
            prop = font_manager.FontProperties(family=self.family, size=size)
            self._advance[key] = self.renderer.get_text_width_height_descent(char, prop, ismath=False)[0]
        return self._advance[key]

    def wrap(self, text: str, size: float, width: float) -> str:
        """`text` in lines no wider than `width` px: broken between Chinese characters or at spaces,
        never inside a run of Latin letters, digits and signs (a number stays whole)."""
        lines = []
        for paragraph in text.split("\n"):
            line = ""
            for piece in re.findall(r"[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+|.", paragraph):
                if line.strip() and self.width((line + piece).rstrip(), size) > width:
                    lines.append(line.rstrip())
                    line = piece.lstrip()
                else:
                    line += piece
            lines.append(line.rstrip())
        return "\n".join(lines)


def lines_of(text: str) -> int:
    return text.count("\n") + 1


def chart_address(chart: Chart) -> str:
    """The chart's address as the executed notebook sees it: ../figures/completion.png."""
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
    """The font order of an edition's charts: CJK first for Chinese; a Latin font first for other
    languages, so that their quotes and letters are not drawn from the CJK font's full-width set
    (Chinese names in them still fall back to Noto Sans CJK)."""
    latin = "DejaVu Sans"
    order = [FONT_FAMILY, latin] if language == "zh" else [latin, FONT_FAMILY]
    plt.rcParams["font.sans-serif"] = order
    # Named as families, not only as the sans-serif list: matplotlib falls back from one family to
    # the next for a missing glyph, but takes a single font from a generic family, so a Chinese
    # name on an English chart would otherwise be drawn as boxes.
    plt.rcParams["font.family"] = order


def px(points: float) -> float:
    """A size in points (fonts, line widths) in the figure's pixels."""
    return points * DPI / 72


PAD = 8  # px around a chart's edges


class Layout:
    """A chart's rows, stacked from the top in pixels, turned into figure coordinates once the
    figure's height (the sum of its rows) is known: a fixed layout, computed before drawing."""

    def __init__(self):
        self.rows: list[tuple[str, float]] = []

    def add(self, name: str, height: float) -> None:
        self.rows.append((name, height))

    @property
    def height(self) -> float:
        return sum(height for _, height in self.rows)

    def top(self, name: str) -> float:
        """The row's top edge, in pixels from the figure's bottom."""
        above = 0.0
        for row, height in self.rows:
            if row == name:
                return self.height - above
            above += height
        raise KeyError(name)

    def figure(self):
        fig = plt.figure(figsize=(WIDTH, self.height / DPI), dpi=DPI)
        return fig

    def axes(self, fig, name: str, left: float = PAD, right: float = PAD):
        """An axes filling the row `name`, between `left` and `right` px from the edges."""
        height = dict(self.rows)[name]
        bottom = self.top(name) - height
        return fig.add_axes((left / WIDTH_PX, bottom / self.height, (WIDTH_PX - left - right) / WIDTH_PX,
                             height / self.height))

    def text(self, fig, name: str, text: str, size: float, x: float = PAD, ha_center: bool = False, **kwargs):
        """`text` at the top of the row `name`, left-aligned at `x` px (or centred on it)."""
        return fig.text(x / WIDTH_PX, self.top(name) / self.height, text, fontsize=size, va="top",
                        ha="center" if ha_center else "left", linespacing=LINE, **kwargs)


def text_height(text: str, size: float) -> float:
    return lines_of(text) * LINE * px(size)


def completion_chart(progress: pd.DataFrame, campaigns: pd.DataFrame, edition, directory: Path,
                     name: str = "completion", title: str | None = None) -> Chart | None:
    """Completion against target for each target, with the 100% line and each as-of date, in the
    edition's words (catalogue keys chart.completion.*; names from the glossary)."""
    if progress.empty:
        return None
    use_fonts(edition.language)
    t, date = edition.t, edition.printer.format_date
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
    for row, text, row_height in zip(progress.itertuples(), bar_texts, rows):
        rate = float(row.computed_rate)
        centre = top - text_height(text, TEXT_PT) - 3 - bar / 2
        ax.barh(centre, rate, height=bar, color=COLOURS.get(row.position, COLOURS["done"]))
        ax.text(0, top, text, fontsize=TEXT_PT, va="top", linespacing=LINE, zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        implied = "*" if "implied" in (row.target_source, row.achieved_source) else ""
        ax.text(rate + right * 0.01, centre, f"{rate:.1f}%{implied}", va="center", fontsize=TEXT_PT)
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
                 rate=f"{float(r.computed_rate):.1f}%", date=date(r.as_of))
             for r, label in zip(progress.itertuples(), labels)]
    alt = t.plain("chart.completion.alt", items=t.text("list.semicolon").join(items))
    return save_chart(fig, directory, edition_stem(name, edition.language), alt, t.plain("chart.completion.caption"))


MONITORING_CATEGORIES = ("unstable", "marginal", "sudden")


def monitoring_chart(figures: pd.DataFrame, edition, directory: Path, name: str = "monitoring") -> Chart | None:
    """Monitored households and persons by category: resolved against remaining risk, in the edition's words."""
    use_fonts(edition.language)
    t, date = edition.t, edition.printer.format_date
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
            ax.text(a + b, y, f" {int(a + b):,}", va="center", fontsize=TEXT_PT)
        ax.set_title(heading, loc="left", fontsize=TEXT_PT, pad=3, linespacing=LINE, x=-(names_width + 6) / ax.get_position().width / WIDTH_PX)
        ax.invert_yaxis()
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=TEXT_PT)
        ax.set_xlim(0, max(a + b for a, b in zip(resolved, remaining)) * 1.3)
        if index == 0:
            handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=TEXT_PT, loc="upper left", ncol=2, frameon=False,
               bbox_to_anchor=(0, 1 - (PAD - 4) / layout.height), borderaxespad=0.2)
    layout.text(fig, "note", note, TEXT_PT)
    items = [t.plain("chart.monitoring.alt_item", category=category, unit=unit, resolved=f"{int(a):,}",
                     remaining=f"{int(b):,}")
             for unit, names, resolved, remaining in panels for category, a, b in zip(names, resolved, remaining)]
    alt = t.plain("chart.monitoring.alt", dates=dates, items=t.text("list.semicolon").join(items))
    return save_chart(fig, directory, edition_stem(name, edition.language), alt, t.plain("chart.monitoring.caption"))


def campaign_chart(progress: pd.DataFrame, campaign: str, campaigns: pd.DataFrame, edition,
                   directory: Path) -> Chart | None:
    """Achieved against target for one campaign's targets (None if it has no target)."""
    rows = progress[progress["campaign"] == campaign]
    if rows.empty:
        return None
    title = edition.t.plain("chart.campaign.title", campaign=edition.campaign_name(campaigns, campaign))
    return completion_chart(rows, campaigns, edition, directory, name=f"campaign_{campaign}", title=title)


def show(chart: Chart | None, absent: str = "no chart this period"):
    """The chart as a notebook output, carrying its alt text (nbconvert writes it into <img alt>)."""
    from IPython.display import Image

    if chart is None:
        return absent
    return Image(filename=str(chart.path), metadata={"alt": chart.alt})


# ---- Month by month ----------------------------------------------------------------------------------

# The words a month-by-month chart needs, by key; `MonthWords.text` must hold every one.
# Templates are filled with str.format: {campaign}, {figure}, {targets}, {value}, {date}, ….
MONTH_TEXT_KEYS = {
    "title": "the chart's title: {campaign}",
    "date_axis": "the label of the date axis",
    "legend_achieved": "the legend's entry for the figures' line",
    "legend_target": "the legend's entry for a printed target",
    "legend_implied_target": "the legend's entry for an implied target",
    "target": "a printed target in a panel's title: {value}",
    "implied_target": "an implied target in a panel's title: {value}",
    "target_change": "a target that changed, in a panel's title: {first}, {last} (the first and the latest value)",
    "panel_with_targets": "a panel's title when its figure has targets: {figure}, {targets} (may hold a line break)",
    "alt": "the alt text: {campaign}, {figures} (each figure's alt_figure, joined by figure_list)",
    "alt_figure": "one figure in the alt text: {figure}, {points}",
    "alt_figure_with_targets": "one figure with targets in the alt text: {figure}, {targets} (every one), {points}",
    "alt_point": "one point in the alt text: {date}, {value}",
    "list": "the separator of points and of targets (、 or , )",
    "figure_list": "the separator of figures in the alt text (; or ; )",
    "caption": "the caption under the chart",
}

@dataclass(frozen=True)
class MonthWords:
    """Every word a month-by-month chart draws or writes, in one language.

    `text` holds the templates of MONTH_TEXT_KEYS; `campaigns` and `figures` name campaign and
    figure ids; `value` prints a row of history.csv as the edition prints figures, `value_like`
    a computed number (an implied target) in the style of such a row; `date` and `short_date`
    print an ISO date (the short form for the axis, when all dates share a year). A missing
    template or name is an error, never a fallback to another language.
    """

    language: str
    text: Mapping[str, str]
    campaigns: Mapping[str, str]
    figures: Mapping[str, str]
    value: Callable[[Mapping], str]
    value_like: Callable[[float, Mapping], str]
    date: Callable[[str], str]
    short_date: Callable[[str], str]

    def __post_init__(self):
        missing = [key for key in MONTH_TEXT_KEYS if key not in self.text]
        if missing:
            raise ValueError(f"the {self.language} words for the month-by-month charts lack {', '.join(missing)}")

    def campaign(self, campaign: str) -> str:
        return self._name(self.campaigns, "campaign", campaign)

    def figure(self, figure_id: str) -> str:
        return self._name(self.figures, "figure", figure_id)

    def _name(self, names: Mapping[str, str], kind: str, key: str) -> str:
        if key not in names:
            raise ValueError(f"the {self.language} words for the month-by-month charts have no name for {kind} {key!r}")
        return names[key]


def month_words(edition, campaigns: pd.DataFrame, history: pd.DataFrame) -> MonthWords:
    """An edition's words for the month-by-month charts: templates from its catalogue (chart.months.*),
    campaign and figure names as the edition names them (the Chinese edition: campaigns.csv and each
    figure's label as last transcribed; others: the glossary), numbers and dates from its printing module."""
    latest = history.sort_values("period", kind="stable").drop_duplicates("figure_id", keep="last")
    return MonthWords(language=edition.language,
                      text={key: edition.t.text(f"chart.months.{key}") for key in MONTH_TEXT_KEYS},
                      campaigns={c: edition.campaign_name(campaigns, c) for c in campaigns["campaign"]},
                      figures={row.figure_id: edition.data_name("figure", row.figure_id, row.label)
                               for row in latest.itertuples()},
                      value=edition.printer.format_figure, value_like=edition.printer.like,
                      date=edition.printer.format_date, short_date=edition.printer.format_short_date)


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
    dates = pd.to_datetime(rows["as_of"])
    pad = max((dates.max() - dates.min()) * 0.12, pd.Timedelta(days=6))
    # Every panel spans the same dates, so that panels line up in time; each has its own ticks.
    x_range = (dates.min() - pad, dates.max() + pad)
    tick_text = words.short_date if len({day.year for day in dates}) == 1 else words.date
    measure, inner = Words(), WIDTH_PX - 2 * PAD
    name = words.campaign(campaign)
    title = measure.wrap(words.text["title"].format(campaign=name), TITLE_PT, inner)
    panels = []
    for figure_id in figure_ids:
        series = rows[rows["figure_id"] == figure_id].sort_values(["as_of", "period"], kind="stable")
        panels.append((series.assign(date=pd.to_datetime(series["as_of"])), _panel_title(series, history, words)))
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
        if (rows["target_source"] == source).any():
            handles.append(Line2D([], [], color=COLOURS["target"], linestyle=TARGET_STYLES[source], linewidth=1.2,
                                  label=words.text[key]))
    columns = _legend_columns([handle.get_label() for handle in handles], measure, inner)
    layout.add("legend", -(-len(handles) // columns) * LINE * px(TEXT_PT) + PAD)
    fig = layout.figure()
    layout.text(fig, "title", title, TITLE_PT)
    alt_figures = []
    for index, (series, (heading, alt_figure)) in enumerate(panels):
        ax = layout.axes(fig, f"panel{index}")
        ax.set_title(heading, loc="left", fontsize=TEXT_PT, pad=3, linespacing=LINE)
        _month_panel(ax, series, words, x_range, tick_text, measure)
        alt_figures.append(alt_figure)
    layout.text(fig, "axis", words.text["date_axis"], TEXT_PT, x=WIDTH_PX / 2, ha_center=True)
    fig.legend(handles=handles, loc="lower left", ncol=columns, frameon=False, fontsize=TEXT_PT,
               bbox_to_anchor=(0, PAD / 2 / layout.height), borderaxespad=0, handlelength=1.8, columnspacing=1.2,
               handletextpad=0.6, labelspacing=LINE - 1)
    alt = words.text["alt"].format(campaign=name, figures=words.text["figure_list"].join(alt_figures))
    return save_chart(fig, directory, month_chart_name(campaign, words.language), alt, words.text["caption"])


def _legend_columns(labels: list[str], measure: Words, width: float) -> int:
    """As many columns as fit the chart's width (a handle, its gap and its label per entry, in the
    sizes month_chart gives the legend)."""
    em = px(TEXT_PT)
    for columns in range(len(labels), 1, -1):
        per_column = -(-len(labels) // columns)  # matplotlib fills a legend column by column
        groups = [labels[i:i + per_column] for i in range(0, len(labels), per_column)]
        widest = [max(measure.width(label, TEXT_PT) for label in group) + (1.8 + 0.6) * em for group in groups]
        if sum(widest) + 1.2 * em * (len(widest) - 1) <= width:
            return columns
    return 1


def _panel_title(series: pd.DataFrame, history: pd.DataFrame, words: MonthWords) -> tuple[str, str]:
    """A figure's panel title (its name, and its targets when it has any) and its part of the alt text."""
    figure = words.figure(series["figure_id"].iloc[0])
    targets = _target_values(series, history, words)
    shown, listed = _target_words(targets, words) if targets else ("", "")
    points = words.text["list"].join(
        words.text["alt_point"].format(date=words.date(row["as_of"]), value=words.value(row))
        for _, row in series.iterrows())
    if targets:
        return (words.text["panel_with_targets"].format(figure=figure, targets=shown),
                words.text["alt_figure_with_targets"].format(figure=figure, targets=listed, points=points))
    return figure, words.text["alt_figure"].format(figure=figure, points=points)


def _month_panel(ax, series: pd.DataFrame, words: MonthWords, x_range, tick_text: Callable[[str], str],
                 measure: Words) -> set:
    """One figure's panel: its points by as-of date, its targets and ticks. Returns the
    target line styles drawn."""
    ax.plot(series["date"], series["value"], marker="o", markersize=6, linewidth=1.8, color=COLOURS["done"], zorder=3)
    styles = set()
    for source, style in TARGET_STYLES.items():
        steps = series[series["target_source"] == source]
        if steps.empty:
            continue
        styles.add(source)
        # A step line: each period's target from its as-of date on, reaching both edges, so a
        # target that changed shows when it changed; an unchanged one is a plain reference line.
        xs = [x_range[0], *steps["date"], x_range[1]]
        ys = [steps["target"].iloc[0], *steps["target"], steps["target"].iloc[-1]]
        ax.plot(xs, ys, drawstyle="steps-post", linestyle=style, linewidth=1.2, color=COLOURS["target"], zorder=2)
    # From zero: the distance to the target and the size of a month's change stay true to scale
    # (the values are printed above the points, so no value axis is needed). The headroom keeps
    # the highest value's label inside the panel.
    top = max([*series["value"], *series["target"].dropna()])
    ax.set_ylim(0, top * 1.45 if top > 0 else 1)
    ax.set_xlim(*x_range)
    _label_points(ax, series, words, measure)
    ticks = sorted(set(series["date"]))
    ax.set_xticks(ticks)
    labels = ax.set_xticklabels(_spaced_tick_labels(ax, ticks, [tick_text(day.date().isoformat()) for day in ticks],
                                                    measure), fontsize=TEXT_PT)
    if len(labels) > 1:  # the first and the latest date run inwards from their ticks, to stay inside the chart
        labels[0].set_horizontalalignment("left")
        labels[-1].set_horizontalalignment("right")
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.spines[["top", "right", "left"]].set_visible(False)
    return styles


def _spaced_tick_labels(ax, ticks, labels: list[str], measure: Words) -> list[str]:
    """The tick labels that fit side by side, upright and inside the chart: the latest, the first,
    then each other one, latest first, that keeps a gap from those kept (a point's date is in the
    alt text whether or not it is labelled)."""
    left, right = ax.get_xlim()  # date numbers
    width = ax.get_position().width * WIDTH_PX
    kept, shown = [], [""] * len(labels)
    last = len(labels) - 1
    for index in dict.fromkeys([last, 0, *range(last - 1, 0, -1)]):
        at = (mdates.date2num(ticks[index]) - left) / (right - left) * width
        size = measure.width(labels[index], TEXT_PT)
        # As _month_panel aligns them: the first label runs right from its tick, the latest left.
        span = (at, at + size) if index == 0 and last else (at - size, at) if index == last and last else \
            (at - size / 2, at + size / 2)
        inside = -PAD < span[0] and span[1] < width + PAD
        if inside and all(span[1] + 8 <= other[0] or span[0] >= other[1] + 8 for other in kept):
            kept.append(span)
            shown[index] = labels[index]
    return shown


def _latest_first_order(rows: pd.DataFrame, column: str) -> list[str]:
    """Values of `column` in the order the latest period lists them, then those of earlier periods."""
    order: list[str] = []
    for period in sorted(set(rows["period"]), reverse=True):
        for value in rows.loc[rows["period"] == period, column]:
            if value not in order:
                order.append(value)
    return order


def _target_values(series: pd.DataFrame, history: pd.DataFrame, words: MonthWords) -> list[tuple[str, str]]:
    """A figure's targets in time order, as (source, value), each one that differs from the one before:
    printed as the target figure is printed when the report prints it, in the figure's style when
    it is implied."""
    values: list[tuple[str, str]] = []
    for _, row in series[series["target_source"] != ""].iterrows():
        if row["target_source"] == "reported":
            printed = history[(history["period"] == row["period"]) & (history["figure_id"] == row["target_figure_id"])]
            value = words.value(printed.iloc[0])
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


def _label_points(ax, series: pd.DataFrame, words: MonthWords, measure: Words) -> None:
    """Each point's value above it, as printed: the first label runs right from its point and the
    last runs left, so that labels stay inside the panel (and the PNG keeps its width). Labels
    never overlap on a phone: the latest value's label always stays, then each other one that
    overlaps no label kept, the first next (the alt text lists every value). Overlaps are worked out from the
    measured width of each label before it is drawn, as the layout is fixed."""
    labelled = series.drop_duplicates(["as_of", "value"])
    last = len(labelled) - 1
    height, lift = LINE * px(TEXT_PT), px(6)
    boxes, shown = [], {}
    for position in dict.fromkeys([last, 0, *range(last - 1, 0, -1)]):
        row = labelled.iloc[position]
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
