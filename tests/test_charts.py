"""Tests for helpers.publish.charts: Chinese labels without missing glyphs, reproducible PNG bytes, alt text.

The charts are drawn on the real 2021-10 data (cleaned and checked in-process), the way the
progress notebook draws them: `use_chinese_font()` first, then each chart. Each test runs in
its own `matplotlib.rc_context`, so the font settings do not leak into other tests.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib import font_manager

from helpers.publish import charts
from helpers.audit import progress as audit_progress
from helpers.audit import clean
from helpers.io import rawdata
from helpers.io.readers import read_csv

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "2021-10"
REFERENCE = ROOT / "data" / "reference"
GLYPH_WORDS = ("Glyph", "missing from font", "findfont")


@pytest.fixture(scope="module")
def data():
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    progress = audit_progress.progress_table(figures, audit_progress.load_targets(REFERENCE))
    campaigns = read_csv(REFERENCE / "campaigns.csv")
    return figures, progress, dict(zip(campaigns["campaign"], campaigns["name_zh"]))


@pytest.fixture
def isolated_rc():
    with matplotlib.rc_context():
        yield


def draw_both(data, directory: Path) -> tuple[charts.Chart, charts.Chart]:
    figures, progress, names = data
    return charts.completion_chart(progress, names, directory), charts.monitoring_chart(figures, directory)


def draw_recording(data, directory: Path, caplog, set_font: bool = True):
    """Draw both charts, recording every warning and every matplotlib log record at WARNING or above."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="matplotlib"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if set_font:
            charts.use_chinese_font()
        drawn = draw_both(data, directory)
    records = [r for r in caplog.records if r.name.startswith("matplotlib")]
    return drawn, [str(w.message) for w in caught], [r.getMessage() for r in records]


def test_drawing_emits_no_glyph_warnings(data, tmp_path, caplog, isolated_rc):
    (completion, monitoring), warned, logged = draw_recording(data, tmp_path, caplog)
    assert completion is not None and monitoring is not None
    assert [w for w in warned if any(word in w for word in GLYPH_WORDS)] == []
    assert warned == []
    assert logged == []


def test_the_warning_check_would_catch_missing_glyphs(data, tmp_path, caplog, isolated_rc):
    """Control: with only DejaVu Sans (no CJK), the same drawing does warn, so the test above can fail."""
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    _, warned, logged = draw_recording(data, tmp_path, caplog, set_font=False)
    glyphs = [w for w in warned + logged if "missing from font" in w]
    assert glyphs, "expected missing-glyph warnings when no CJK font is set"
    assert any("Glyph" in w and "DejaVu Sans" in w for w in glyphs)


def test_the_font_is_the_bundled_noto_sans_cjk(isolated_rc):
    path = charts.use_chinese_font()
    assert Path(path).is_file()
    assert matplotlib.rcParams["font.sans-serif"][0] == charts.FONT_FAMILY == "Noto Sans CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=charts.FONT_FAMILY), fallback_to_default=False)
    assert Path(found) == Path(path)


def test_saving_the_same_chart_twice_gives_identical_bytes(data, tmp_path, isolated_rc):
    charts.use_chinese_font()
    first = draw_both(data, tmp_path / "first")
    second = draw_both(data, tmp_path / "second")
    for a, b in zip(first, second):
        assert a.path.name == b.path.name
        data_a, data_b = a.path.read_bytes(), b.path.read_bytes()
        assert data_a.startswith(b"\x89PNG\r\n\x1a\n")
        assert data_a == data_b
        # No software tag or timestamp that would change between machines or runs.
        assert b"matplotlib" not in data_a.lower()
        assert b"tIME" not in data_a


def test_redrawing_into_the_same_folder_overwrites_with_the_same_bytes(data, tmp_path, isolated_rc):
    charts.use_chinese_font()
    completion, _ = draw_both(data, tmp_path)
    before = completion.path.read_bytes()
    completion_again, _ = draw_both(data, tmp_path)
    assert completion_again.path == completion.path
    assert completion_again.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["completion.json", "completion.png",
                                                          "monitoring.json", "monitoring.png"]


def test_alt_text_sits_beside_the_png_and_names_the_as_of_dates(data, tmp_path, isolated_rc):
    charts.use_chinese_font()
    completion, monitoring = draw_both(data, tmp_path)
    _, progress, _ = data

    meta = json.loads((tmp_path / "completion.json").read_text(encoding="utf-8"))
    assert (tmp_path / "completion.png").is_file()
    assert set(meta) == {"alt", "caption"}
    assert meta["alt"] == completion.alt
    for iso in sorted(set(progress["as_of"])):  # 10-15, 10-22, 10-25, 10-31
        year, month, day = (int(part) for part in iso.split("-"))
        assert f"截至{year}年{month}月{day}日" in meta["alt"]
    assert "农村改厕农村改厕户数完成率95.6%(截至2021年10月25日)" in meta["alt"]

    meta = json.loads((tmp_path / "monitoring.json").read_text(encoding="utf-8"))
    assert (tmp_path / "monitoring.png").is_file()
    assert meta["alt"] == monitoring.alt
    assert "截至2021年10月31日" in meta["alt"]
    assert "脱贫不稳定户户数已消除风险4,556、暂未消除3,294" in meta["alt"]


def test_load_chart_reads_back_what_was_saved(data, tmp_path, isolated_rc):
    charts.use_chinese_font()
    completion, _ = draw_both(data, tmp_path)
    loaded = charts.load_chart(tmp_path, "completion")
    assert loaded == completion
    assert charts.load_chart(tmp_path, "campaign_toilets") is None


def test_no_chart_without_data(tmp_path, isolated_rc):
    charts.use_chinese_font()
    empty = pd.DataFrame(columns=audit_progress.PROGRESS_COLUMNS)
    assert charts.completion_chart(empty, {}, tmp_path) is None
    no_monitoring = pd.DataFrame({"figure_id": ["toilets.target"], "value": ["63950"], "as_of": ["2021-10-31"]})
    assert charts.monitoring_chart(no_monitoring, tmp_path) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("label", ["$$", "户数$x^2$", "\\frac{1}{2}$", "50$ 以上 $", "$\\alpha"])
def test_text_from_data_is_drawn_literally(data, tmp_path, isolated_rc, label):
    """The replay of issue 12: `$$` in targets.csv's label_zh once stopped the chart stage in mathtext."""
    import matplotlib.pyplot as plt

    _, progress, names = data
    progress = progress.copy()
    progress["label"] = progress["label"].astype(str) + label
    captured = []
    real_save = charts.save_chart

    def keep_texts(fig, *args, **kwargs):
        captured.extend((t.get_text(), t.get_parse_math()) for ax in fig.axes for t in ax.texts + [ax.title])
        fig.canvas.draw()  # rendering is where mathtext would fail
        return real_save(fig, *args, **kwargs)

    charts.use_chinese_font()
    try:
        charts.save_chart = keep_texts
        chart = charts.completion_chart(progress, names, tmp_path)
    finally:
        charts.save_chart = real_save
        plt.close("all")
    assert chart is not None and label in chart.alt
    drawn = [parse_math for text, parse_math in captured if label in text]
    assert len(drawn) >= len(progress) and not any(drawn), "a label from data was parsed as mathtext"
