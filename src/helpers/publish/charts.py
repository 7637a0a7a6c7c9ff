"""Charts with Chinese labels, saved as deterministic PNG files with alt text beside them.

The font is Noto Sans CJK SC (SIL Open Font License), shipped by the `noto-cjk-sans-otc`
wheel, so no system font is needed and the same bytes come out on every machine.

The month-by-month charts (`month_charts`) take every word they draw or write from a
`MonthWords` the caller passes, so that each edition's language comes from its own words and
the drawing is shared; `chinese_month_words` makes the Chinese set.
"""

from __future__ import annotations

import io
import json
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
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from ..io.writers import write_bytes, write_text  # noqa: E402
from .edition import edition_stem  # noqa: E402
from .wrapping import wrap_literally  # noqa: E402

FONT_FAMILY = "Noto Sans CJK SC"
DPI = 110
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
    """Save `fig` as PNG (no timestamps or software tags, so the bytes are reproducible)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    directory = Path(directory)
    path = write_bytes(directory / f"{name}.png", buffer.getvalue())
    write_text(directory / f"{name}.json",
               json.dumps({"alt": alt, "caption": caption}, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return Chart(name, path, alt, caption)


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
    plt.rcParams["font.sans-serif"] = [FONT_FAMILY, latin] if language == "zh" else [latin, FONT_FAMILY]


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
    # width), one short line, with the bar's as-of date; the figure is narrow so text stays large.
    count = len(progress)
    fig, ax = plt.subplots(figsize=(5.2, 0.85 * count + 0.9))
    rates = [float(r) for r in progress["computed_rate"]]
    right = max(rates + [100]) * 1.32
    for index, (row, label) in enumerate(zip(progress.itertuples(), labels)):
        y = count - 1 - index
        rate = float(row.computed_rate)
        ax.barh(y, rate, height=0.42, color=COLOURS.get(row.position, COLOURS["done"]))
        ax.text(0, y + 0.27, t.plain("chart.completion.bar", label=label, date=date(row.as_of)), fontsize=10,
                va="bottom", zorder=3, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        implied = "*" if "implied" in (row.target_source, row.achieved_source) else ""
        ax.text(rate + right * 0.01, y, f"{rate:.1f}%{implied}", va="center", fontsize=10)
    ax.axvline(100, color=COLOURS["target"], linestyle="--", linewidth=1, zorder=1)
    ax.text(100, -0.55, t.plain("chart.completion.target_line"), color=COLOURS["target"], fontsize=9, va="top",
            ha="center")
    ax.set_yticks([])
    ax.set_xlim(0, right)
    ax.set_ylim(-0.9, count - 0.2)
    ax.tick_params(axis="x", labelsize=9)
    wrap_literally(ax.set_title(title or t.plain("chart.completion.title"), fontsize=11, loc="left"), DPI)
    ax.spines[["top", "right", "left"]].set_visible(False)
    items = [t.plain("chart.completion.alt_item", campaign=edition.campaign_name(campaigns, r.campaign), label=label,
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
    # Panels stacked, not side by side, so that the chart stays legible on a phone.
    fig, axes = plt.subplots(len(panels), 1, figsize=(5.2, 2.3 * len(panels) + 0.5), squeeze=False)
    for ax, (unit, names, resolved, remaining) in zip(axes[:, 0], panels):
        ax.barh(names, resolved, color=COLOURS["done"], label=t.plain("chart.monitoring.resolved"))
        ax.barh(names, remaining, left=resolved, color=COLOURS["remaining"], label=t.plain("chart.monitoring.remaining"))
        for y, (a, b) in enumerate(zip(resolved, remaining)):
            ax.text(a + b, y, f" {int(a + b):,}", va="center", fontsize=9)
        ax.set_title(t.plain("chart.monitoring.title", unit=unit), fontsize=10)
        ax.invert_yaxis()
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=9)
        ax.set_xlim(0, max(a + b for a, b in zip(resolved, remaining)) * 1.25)
    # The legend above the panels, in two columns: inside a panel it would cover the shorter bars.
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=9, loc="upper center", ncol=2, frameon=False, bbox_to_anchor=(0.5, 1.0))
    dates = t.text("list.separator").join(date(d) for d in sorted({as_of[f] for f in as_of
                                                                    if f.startswith("monitoring.")}))
    fig.suptitle(t.plain("chart.monitoring.as_of", dates=dates), fontsize=9, y=0.01, va="bottom")
    fig.tight_layout(rect=(0, 0.05, 1, 0.965))
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
    fig, axes = plt.subplots(len(figure_ids), 1, figsize=(5.2, 1.7 * len(figure_ids) + 0.9), squeeze=False)
    alt_figures, styles_used = [], set()
    for ax, figure_id in zip(axes[:, 0], figure_ids):
        series = rows[rows["figure_id"] == figure_id].sort_values(["as_of", "period"], kind="stable")
        alt_figure, styles = _month_panel(ax, series.assign(date=pd.to_datetime(series["as_of"])), history, words,
                                          x_range, tick_text)
        alt_figures.append(alt_figure)
        styles_used |= styles
    axes[-1][0].set_xlabel(words.text["date_axis"], fontsize=9)
    handles = [Line2D([], [], color=COLOURS["done"], marker="o", linewidth=1.8, label=words.text["legend_achieved"])]
    for source, key in (("reported", "legend_target"), ("implied", "legend_implied_target")):
        if source in styles_used:
            handles.append(Line2D([], [], color=COLOURS["target"], linestyle=TARGET_STYLES[source], linewidth=1.2,
                                  label=words.text[key]))
    name = words.campaign(campaign)
    # Long titles wrap (at spaces) inside the figure instead of widening it: as literal text (wrapping.py).
    wrap_literally(fig.suptitle(words.text["title"].format(campaign=name), fontsize=11, x=0.01, ha="left"), DPI)
    fig.legend(handles=handles, loc="lower left", ncol=len(handles), frameon=False, fontsize=9,
               bbox_to_anchor=(0.0, 0.0))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _drop_overlapping_labels(fig)
    alt = words.text["alt"].format(campaign=name, figures=words.text["figure_list"].join(alt_figures))
    return save_chart(fig, directory, month_chart_name(campaign, words.language), alt, words.text["caption"])


def _month_panel(ax, series: pd.DataFrame, history: pd.DataFrame, words: MonthWords, x_range,
                 tick_text: Callable[[str], str]) -> tuple[str, set]:
    """One figure's panel: its points by as-of date (seaborn), its targets, its title and ticks.
    Returns the figure's part of the alt text and the target line styles drawn."""
    sns.lineplot(data=series, x="date", y="value", ax=ax, estimator=None, errorbar=None, sort=False,
                 marker="o", markersize=6, linewidth=1.8, color=COLOURS["done"], legend=False, zorder=3)
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
    _label_points(ax, series, words)
    figure = words.figure(series["figure_id"].iloc[0])
    targets = _target_values(series, history, words)
    shown, listed = _target_words(targets, words) if targets else ("", "")
    wrap_literally(ax.set_title(words.text["panel_with_targets"].format(figure=figure, targets=shown) if targets
                                else figure, fontsize=10, loc="left"), DPI)
    # From zero: the distance to the target and the size of a month's change stay true to scale
    # (the values are printed above the points, so no value axis is needed).
    top = max([*series["value"], *series["target"].dropna()])
    ax.set_ylim(0, top * 1.3 if top > 0 else 1)
    ax.set_xlim(*x_range)
    ticks = sorted(set(series["date"]))
    upright = len(ticks) <= 4
    ax.set_xticks(ticks)
    ax.set_xticklabels([tick_text(day.date().isoformat()) for day in ticks], fontsize=9,
                       rotation=0 if upright else 35, ha="center" if upright else "right")
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.spines[["top", "right", "left"]].set_visible(False)
    points = words.text["list"].join(
        words.text["alt_point"].format(date=words.date(row["as_of"]), value=words.value(row))
        for _, row in series.iterrows())
    if targets:
        return words.text["alt_figure_with_targets"].format(figure=figure, targets=listed, points=points), styles
    return words.text["alt_figure"].format(figure=figure, points=points), styles


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


def _label_points(ax, series: pd.DataFrame, words: MonthWords) -> None:
    """Each point's value above it, as printed: the first label runs right from its point and the
    last runs left, so that labels stay inside the panel (and the PNG keeps its width)."""
    labelled = series.drop_duplicates(["as_of", "value"])
    last = len(labelled) - 1
    for position, (_, row) in enumerate(labelled.iterrows()):
        align = "center" if last == 0 else "left" if position == 0 else "right" if position == last else "center"
        ax.annotate(words.value(row), (row["date"], row["value"]), xytext=(0, 7), textcoords="offset points",
                    ha=align, va="bottom", fontsize=9, zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})


def _drop_overlapping_labels(fig) -> None:
    """Once the layout is final: keep the latest value's label, then each earlier one that overlaps
    no label kept, so that labels never overlap on a phone (the alt text lists every value)."""
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        kept = []
        for text in reversed(list(ax.texts)):
            box = text.get_window_extent(renderer)
            if any(box.overlaps(other) for other in kept):
                text.remove()
            else:
                kept.append(box)
