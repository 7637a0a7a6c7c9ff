"""Charts with Chinese labels, saved as deterministic PNG files with alt text beside them.

The font is Noto Sans CJK SC (SIL Open Font License), shipped by the `noto-cjk-sans-otc`
wheel, so no system font is needed and the same bytes come out on every machine.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # charts are files; never open a window
# The one literal-text rule: every string a chart draws comes from data (labels, names, dates),
# and is drawn exactly as written. Without this, "$$" or "$x^2$" in a reference table's label
# would be parsed as mathtext (and an unbalanced "$" would stop the stage).
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from ..io.writers import write_bytes, write_text  # noqa: E402

FONT_FAMILY = "Noto Sans CJK SC"
DPI = 110
COLOURS = {"done": "#2f6f9f", "remaining": "#e0a040", "target": "#555555", "ahead": "#3b8a4f",
           "behind": "#c0392b", "met": "#2f6f9f"}


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


def _date_zh(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def completion_chart(progress: pd.DataFrame, campaigns: dict[str, str], directory: Path,
                     name: str = "completion", title: str = "完成率(完成数 ÷ 目标)") -> Chart | None:
    """Completion against target for each target, with the 100% line and each as-of date."""
    if progress.empty:
        return None
    # Readable on a 375 px phone: each label sits above its bar (no tick-label column eating the
    # width), one short line, with the bar's as-of date; the figure is narrow so text stays large.
    count = len(progress)
    fig, ax = plt.subplots(figsize=(5.2, 0.85 * count + 0.9))
    rates = [float(r) for r in progress["computed_rate"]]
    right = max(rates + [100]) * 1.32
    for index, row in enumerate(progress.itertuples()):
        y = count - 1 - index
        rate = float(row.computed_rate)
        ax.barh(y, rate, height=0.42, color=COLOURS.get(row.position, COLOURS["done"]))
        day = row.as_of.split("-")
        ax.text(0, y + 0.27, f"{row.label}(截至{int(day[0])}年{int(day[1])}月{int(day[2])}日)", fontsize=10,
                va="bottom", zorder=3, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        implied = "*" if "implied" in (row.target_source, row.achieved_source) else ""
        ax.text(rate + right * 0.01, y, f"{rate:.1f}%{implied}", va="center", fontsize=10)
    ax.axvline(100, color=COLOURS["target"], linestyle="--", linewidth=1, zorder=1)
    ax.text(100, -0.55, "目标100%", color=COLOURS["target"], fontsize=9, va="top", ha="center")
    ax.set_yticks([])
    ax.set_xlim(0, right)
    ax.set_ylim(-0.9, count - 0.2)
    ax.tick_params(axis="x", labelsize=9)
    ax.set_title(title, fontsize=11, loc="left")
    ax.spines[["top", "right", "left"]].set_visible(False)
    alt = "条形图:" + ";".join(
        f"{campaigns.get(r.campaign, r.campaign)}{r.label}完成率{float(r.computed_rate):.1f}%(截至{_date_zh(r.as_of)})"
        for r in progress.itertuples())
    caption = ("虚线为目标线(完成数等于目标),括号内为数据截止日期。标*者报告未列出目标数或完成数,"
               "由原文完成率推算。")
    return save_chart(fig, directory, name, alt, caption)


def monitoring_chart(figures: pd.DataFrame, directory: Path, name: str = "monitoring") -> Chart | None:
    """Monitored households and persons by category: resolved against remaining risk."""
    values = dict(zip(figures["figure_id"], pd.to_numeric(figures["value"])))
    as_of = dict(zip(figures["figure_id"], figures["as_of"]))
    categories = [("unstable", "脱贫不稳定户"), ("marginal", "边缘易致贫户"), ("sudden", "突发严重困难户")]
    panels = []
    for measure, unit_zh in (("households", "户"), ("persons", "人")):
        resolved, remaining, names = [], [], []
        for key, label in categories:
            r_id = f"monitoring.{key}_resolved_{measure}"
            left_id = f"monitoring.{key}_remaining_{measure}"
            total_id = f"monitoring.{key}_{measure}"
            if r_id not in values:
                continue
            left = values.get(left_id, values.get(total_id, float("nan")) - values[r_id])
            names.append(label)
            resolved.append(values[r_id])
            remaining.append(left)
        if names:
            panels.append((measure, unit_zh, names, resolved, remaining))
    if not panels:
        return None
    # Panels stacked, not side by side, so that the chart stays legible on a phone.
    fig, axes = plt.subplots(len(panels), 1, figsize=(5.2, 2.3 * len(panels) + 0.5), squeeze=False)
    for ax, (measure, unit_zh, names, resolved, remaining) in zip(axes[:, 0], panels):
        ax.barh(names, resolved, color=COLOURS["done"], label="已消除风险")
        ax.barh(names, remaining, left=resolved, color=COLOURS["remaining"], label="暂未消除风险")
        for y, (a, b) in enumerate(zip(resolved, remaining)):
            ax.text(a + b, y, f" {int(a + b):,}", va="center", fontsize=9)
        ax.set_title(f"监测对象({unit_zh})", fontsize=10)
        ax.invert_yaxis()
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=9)
        ax.set_xlim(0, max(a + b for a, b in zip(resolved, remaining)) * 1.25)
    axes[0][0].legend(fontsize=9, loc="lower right", frameon=False)
    dates = sorted({as_of[f] for f in as_of if f.startswith("monitoring.")})
    fig.suptitle("截至" + "、".join(_date_zh(d) for d in dates), fontsize=9, y=0.01, va="bottom")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    alt = "分组条形图(截至" + "、".join(_date_zh(d) for d in dates) + "):" + ";".join(
        f"{label}{unit_zh}数已消除风险{int(a):,}、暂未消除{int(b):,}"
        for measure, unit_zh, names, resolved, remaining in panels
        for label, a, b in zip(names, resolved, remaining))
    caption = "蓝色为已消除风险,橙色为暂未消除风险;条形末端为该类监测对象总数。"
    return save_chart(fig, directory, name, alt, caption)


def campaign_chart(progress: pd.DataFrame, campaign: str, campaign_name: str, directory: Path) -> Chart | None:
    """Achieved against target for one campaign's targets (None if it has no target)."""
    rows = progress[progress["campaign"] == campaign]
    if rows.empty:
        return None
    return completion_chart(rows, {campaign: campaign_name}, directory, name=f"campaign_{campaign}",
                            title=f"{campaign_name}:完成率")


def show(chart: Chart | None, absent: str = "no chart this period"):
    """The chart as a notebook output, carrying its alt text (nbconvert writes it into <img alt>)."""
    from IPython.display import Image

    if chart is None:
        return absent
    return Image(filename=str(chart.path), metadata={"alt": chart.alt})
