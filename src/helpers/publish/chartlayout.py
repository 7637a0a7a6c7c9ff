"""Sizing and placing a chart's words before it is drawn: the sizes every chart uses, text
measured and wrapped to a width, and rows stacked into a fixed layout.

A chart is drawn once, at the size it is shown (charts.py): so its words must fit before
drawing, not be found too wide by a first draw (`bbox_inches="tight"` drew every chart twice).
`Words` measures text as the figure will draw it and wraps it; `Layout` stacks a chart's rows
(titles, panels, tick labels, legend) from the top, in pixels, and turns them into figure
coordinates once the chart's height, their sum, is known.
"""

from __future__ import annotations

import re

import matplotlib
import matplotlib.dates as mdates
from matplotlib import font_manager
from matplotlib.text import Text

DPI = 100
WIDTH_PX = 440  # the width a chart takes on a laptop; a 375 px phone shows it at about 346 px
WIDTH = WIDTH_PX / DPI  # in inches
TEXT_PT = 11.0  # the smallest text on a chart: 15.3 px, about 12 CSS px on a phone
TITLE_PT = 12.5
LINE = 1.3  # line height, in font sizes
PAD = 8  # px around a chart's edges


def smallest_text_px(fig) -> float:
    """The size, in the image's pixels, of the smallest text the figure draws."""
    sizes = [text.get_fontsize() for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]
    return round(min(sizes) * fig.dpi / 72, 2) if sizes else 0.0


class Words:
    """Text measured and wrapped to a width, in the figure's pixels, as the figure will draw it.

    Widths are summed from each character's advance, measured once per font order and size for
    the whole process (kerning is ignored, and a margin allows for it): wrapping a label costs a
    dictionary lookup per character."""

    _renderer = None
    _advance: dict[tuple[tuple[str, ...], str, float], float] = {}

    def __init__(self):
        self.family = tuple(matplotlib.rcParams["font.family"])

    def width(self, text: str, size: float) -> float:
        return max((sum(self._char(char, size) for char in line) for line in text.split("\n")), default=0.0) * 1.03

    def _char(self, char: str, size: float) -> float:
        key = (self.family, char, size)
        if key not in Words._advance:
            prop = font_manager.FontProperties(family=list(self.family), size=size)
            Words._advance[key] = self._measure().get_text_width_height_descent(char, prop, ismath=False)[0]
        return Words._advance[key]

    @classmethod
    def _measure(cls):
        if cls._renderer is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            cls._renderer = FigureCanvasAgg(Figure(figsize=(WIDTH, 1), dpi=DPI)).get_renderer()
        return cls._renderer

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


def px(points: float) -> float:
    """A size in points (fonts, line widths) in the figure's pixels."""
    return points * DPI / 72


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
        import matplotlib.pyplot as plt  # a pyplot figure, which save_chart closes

        return plt.figure(figsize=(WIDTH, self.height / DPI), dpi=DPI)

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


def legend_columns(labels: list[str], measure: Words, width: float) -> int:
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


def spaced_tick_labels(ax, ticks, labels: list[str], measure: Words) -> list[str]:
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
