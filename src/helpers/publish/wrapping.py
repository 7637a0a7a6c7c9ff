"""Chart titles wrapped at spaces, measured as plain text: never as mathematics.

matplotlib's own `wrap=True` measures each candidate line with `cbook.is_math_text`, whatever its
parse_math setting says (matplotlib 3.11), so a title from data holding two dollar signs and a space
(a campaign named `农村改厕 $$ 行动`) is parsed as mathtext, and the chart stage stops with a
ParseException. `wrap_literally` breaks the same lines the same way (at spaces, each line as long as
fits between the text's position and the figure's edge, at the resolution the chart is saved at),
but measures every line as the literal text it is; the text is then drawn with wrap off.
"""

from __future__ import annotations

import math


def wrap_literally(text, dpi: float):
    """Break the matplotlib Text `text` at spaces so that each line fits the width matplotlib's
    wrap=True would give it (from its position to the figure's edge, by its horizontal alignment),
    measured as plain text at `dpi`, the resolution the figure is saved at. Returns `text`.
    Text without spaces (Chinese) is left as one line, as matplotlib leaves it."""
    from matplotlib.backends.backend_agg import RendererAgg

    figure = text.get_figure(root=True)
    scale = dpi / figure.dpi
    renderer = RendererAgg(max(1, int(figure.bbox.width * scale)), max(1, int(figure.bbox.height * scale)), dpi)
    x0 = text.get_transform().transform(text.get_position())[0] * scale
    left, right = figure.bbox.x1 * scale - x0, x0 - figure.bbox.x0 * scale
    alignment = text.get_horizontalalignment()
    width = left if alignment == "left" else right if alignment == "right" else 2 * min(left, right)
    font = text.get_fontproperties()

    def fits(line: str) -> bool:
        return math.ceil(renderer.get_text_width_height_descent(line, font, ismath=False)[0]) <= width

    lines = []
    for paragraph in text.get_text().split("\n"):
        words = paragraph.split(" ")
        line = words[0]
        for word in words[1:]:
            if fits(f"{line} {word}"):
                line = f"{line} {word}"
            else:
                lines.append(line)
                line = word
        lines.append(line)
    text.set_wrap(False)
    text.set_text("\n".join(lines))
    return text
