"""Tests for helpers.publish.charts: Chinese labels without missing glyphs, reproducible PNG bytes, alt text,
and the month-by-month charts (on helpers.testing.months's realistic months, made from the real text).

The charts are drawn on the real 2021-10 data (cleaned and checked in-process), the way the
progress notebook draws them: `use_chinese_font()` first, then each chart. Each test runs in
its own `matplotlib.rc_context`, so the font settings do not leak into other tests.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import warnings
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib import font_manager

from helpers.testing.layouts import temp_layout
from helpers.publish import charts
from helpers.audit import history as audit_history
from helpers.audit import progress as audit_progress
from helpers.audit import clean
from helpers.io import rawdata
from helpers.io.reference import campaigns_table
from helpers.testing import ROOT

RAW = ROOT / "data" / "raw" / "2021-10"
REFERENCE = ROOT / "data" / "reference"
GLYPH_WORDS = ("Glyph", "missing from font", "findfont")


@pytest.fixture(scope="module")
def data():
    figures, _ = clean.clean_period(RAW, rawdata.load_source(RAW))
    progress = audit_progress.progress_table(figures, audit_progress.load_targets(REFERENCE, "2021-10"))
    campaigns = campaigns_table(REFERENCE, "2021-10")
    return figures, progress, campaigns


def chinese_edition():
    from helpers.publish.edition import load_edition

    return load_edition("zh", REFERENCE)


@pytest.fixture
def isolated_rc():
    with matplotlib.rc_context():
        yield


def draw_both(data, directory: Path) -> tuple[charts.Chart, charts.Chart]:
    figures, progress, campaigns = data
    edition = chinese_edition()
    return (charts.completion_chart(progress, figures, campaigns, edition, directory),
            charts.monitoring_chart(figures, edition, directory))


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


def test_the_warning_check_would_catch_missing_glyphs(data, tmp_path, caplog, isolated_rc, monkeypatch):
    """Control: with only DejaVu Sans (no CJK), the same drawing does warn, so the test above can fail."""
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    monkeypatch.setattr(charts, "FONT_FAMILY", "DejaVu Sans")  # the charts' own font order then has no CJK
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
    assert set(meta) == {"alt", "caption", "smallest_text_px"}
    assert meta["alt"] == completion.alt
    for iso in sorted(set(progress["as_of"])):  # 10-15, 10-22, 10-25, 10-31
        year, month, day = (int(part) for part in iso.split("-"))
        assert f"截至{year}年{month}月{day}日" in meta["alt"]
    # The target's name already names its campaign (农村改厕): said once, not 农村改厕农村改厕户数.
    assert "农村改厕户数完成率95.55%(截至2021年10月25日)" in meta["alt"]
    assert "农村改厕农村改厕" not in meta["alt"]
    # A target whose name does not: the campaign, then the target.
    assert "“多规合一”实用性村庄规划编制:村庄规划准备工作完成率78.55%(截至2021年10月22日)" in meta["alt"]

    meta = json.loads((tmp_path / "monitoring.json").read_text(encoding="utf-8"))
    assert (tmp_path / "monitoring.png").is_file()
    assert meta["alt"] == monitoring.alt
    assert "截至2021年10月31日" in meta["alt"]
    assert "脱贫不稳定户户数已消除风险4,556、暂未消除3,294" in meta["alt"]


def test_rates_are_printed_as_the_page_prints_them(data, tmp_path, isolated_rc):
    """Issue 17: the charts printed every rate at one decimal (95.6%, 104.0%) where the page prints
    95.55% and the report's own 104.03%. Each is now the page's printed form: the recomputed rate at
    the report's two decimals, or the report's rate as printed when the row is worked back from it."""
    from helpers.publish.facts import printed_rate

    figures, progress, campaigns = data
    charts.use_chinese_font()
    edition = chinese_edition()
    chart = charts.completion_chart(progress, figures, campaigns, edition, tmp_path)
    assert "农村改厕户数完成率95.55%" in chart.alt  # recomputed, as fact progress.toilets.rate prints it
    assert "脱贫劳动力就业完成率104.03%" in chart.alt  # the target is implied: the report's 104.03%
    assert "农村危房改造户数完成率100%" in chart.alt  # the achievement is implied: the report's 100%
    assert not re.search(r"\d\.\d%", chart.alt.replace("104.03%", "")), chart.alt
    printed = [printed_rate(row, figures, edition.printer) for row in progress.itertuples()]
    assert all(f"完成率{rate}" in chart.alt for rate in printed)


def test_the_english_alt_text_names_each_thing_once(data, tmp_path, isolated_rc):
    from helpers.publish.edition import load_edition

    figures, progress, campaigns = data
    charts.use_chinese_font()
    edition = load_edition("en", REFERENCE)
    chart = charts.completion_chart(progress, figures, campaigns, edition, tmp_path)
    assert "Rural toilet renovation (households): completion 95.55% (as of 25 October 2021)" in chart.alt
    assert "Rural toilet renovation, Rural toilet renovation" not in chart.alt
    names = [edition.campaign_name(campaigns, c) for c in campaigns["campaign"]]
    for item in chart.alt.split(": ", 1)[1].split("; "):
        assert all(item.count(name) <= 1 for name in names), f"a campaign named twice: {item}"


def test_load_chart_reads_back_what_was_saved(data, tmp_path, isolated_rc):
    charts.use_chinese_font()
    completion, _ = draw_both(data, tmp_path)
    loaded = charts.load_chart(tmp_path, "completion")
    assert loaded == completion
    assert charts.load_chart(tmp_path, "campaign_toilets") is None


def test_no_chart_without_data(tmp_path, isolated_rc):
    charts.use_chinese_font()
    empty = pd.DataFrame(columns=audit_progress.PROGRESS_COLUMNS)
    assert charts.completion_chart(empty, pd.DataFrame(columns=["figure_id", "unit"]),
                                   pd.DataFrame({"campaign": [], "name_zh": []}), chinese_edition(), tmp_path) is None
    no_monitoring = pd.DataFrame({"figure_id": ["toilets.target"], "value": ["63950"], "as_of": ["2021-10-31"]})
    assert charts.monitoring_chart(no_monitoring, chinese_edition(), tmp_path) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("label", ["$$", "户数$x^2$", "\\frac{1}{2}$", "50$ 以上 $", "$\\alpha"])
def test_text_from_data_is_drawn_literally(data, tmp_path, isolated_rc, label):
    """The replay of issue 12: `$$` in a target's Chinese name (then targets.csv's label_zh, now its glossary row) once stopped the chart stage in mathtext."""
    import matplotlib.pyplot as plt

    figures, progress, names = data
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
        chart = charts.completion_chart(progress, figures, names, chinese_edition(), tmp_path)
    finally:
        charts.save_chart = real_save
        plt.close("all")
    assert chart is not None and label in chart.alt
    drawn = [parse_math for text, parse_math in captured if label in text]
    assert len(drawn) >= len(progress) and not any(drawn), "a label from data was parsed as mathtext"


# ---- Month by month --------------------------------------------------------------------------------

# A small English set of words, standing in for the glossary and printing/en.py the lead will wire.
ENGLISH_TEXT = {
    "title": "{campaign}: cumulative figures by month",
    "date_axis": "as-of date",
    "legend_achieved": "cumulative figure",
    "legend_target": "target",
    "legend_implied_target": "implied target",
    "target": "target {value}",
    "implied_target": "implied target {value}",
    "target_change": "{first} → {last}",
    "panel_with_targets": "{figure}\n({targets})",
    "alt": "Line chart: {campaign}, cumulative figures by their own as-of dates. {figures}.",
    "alt_figure": "{figure}: {points}",
    "alt_figure_with_targets": "{figure} ({targets}): {points}",
    "alt_point": "{value} on {date}",
    "list": ", ",
    "figure_list": "; ",
    "caption": "Each point is one report's figure, at the figure's own as-of date; dashed: target.",
}
ENGLISH_UNITS = {"households": "households", "persons": "persons", "yuan": "yuan", "count": "",
                 "square_metres": "m²", "tonnes": "tonnes", "kilometres": "km"}


def english_words(history: pd.DataFrame) -> charts.MonthWords:
    def value(row) -> str:
        return f"{float(row['value']):,.0f} {ENGLISH_UNITS[row['unit']]}".strip()

    def value_like(number, row) -> str:
        return f"{float(number):,.0f} {ENGLISH_UNITS[row['unit']]}".strip()

    campaigns = {campaign: campaign.replace("_", " ").capitalize() for campaign in set(history["campaign"])}
    figures = {figure_id: figure_id.split(".", 1)[1].replace("_", " ") for figure_id in set(history["figure_id"])}
    return charts.MonthWords(
        language="en", text=ENGLISH_TEXT, campaigns=campaigns, figures=figures, value=value, value_like=value_like,
        date=lambda iso: f"{dt.date.fromisoformat(iso):%d %B %Y}".lstrip("0"),
        short_date=lambda iso: f"{dt.date.fromisoformat(iso):%d %b}".lstrip("0"))


@pytest.fixture(scope="module")
def month_layout(tmp_path_factory):
    """October, and helpers.testing.months's realistic November and December, in a temporary layout
    (its campaigns.csv gains November's new campaign, water supply); each month cleaned."""
    from helpers.testing import months

    layout = temp_layout(tmp_path_factory.mktemp("months"))
    for month in (months.november(), months.december()):
        month.write(layout.raw, layout.reference)
    cleaned = {}
    for period in ("2021-10", "2021-11", "2021-12"):
        raw = layout.raw / period
        cleaned[period], _ = clean.clean_period(raw, rawdata.load_source(raw))
    return layout, cleaned


def history_up_to(month_layout, last: str, renames: dict | None = None,
                  renamed_in: tuple[str, ...] = ()) -> pd.DataFrame:
    """The history of October to `last`. The periods in `renamed_in` print the new ids of `renames`
    themselves; targets.csv is read with the new ids, as it would be after the rename was recorded."""
    layout, cleaned = month_layout
    renames = renames or {}
    by_period = {}
    for period, figures in cleaned.items():
        if period <= last:
            by_period[period] = figures.assign(figure_id=figures["figure_id"].replace(renames)) \
                if period in renamed_in else figures
    targets = [{key: renames.get(value, value) for key, value in spec.items()}
               for spec in audit_progress.load_targets(layout.reference, last)]
    return audit_history.history_table(by_period, targets, renames)


@pytest.fixture(scope="module")
def one_month(month_layout):
    return history_up_to(month_layout, "2021-10")


@pytest.fixture(scope="module")
def two_months(month_layout):
    return history_up_to(month_layout, "2021-11")


@pytest.fixture(scope="module")
def three_months(month_layout):
    return history_up_to(month_layout, "2021-12")


@pytest.fixture(scope="module")
def chinese(month_layout):
    campaigns = campaigns_table(month_layout[0].reference, "2021-12")
    return lambda history: charts.month_words(chinese_edition(), campaigns, history)


def drawn_panels(monkeypatch) -> dict:
    """Record what each month chart draws, by chart name (filled as charts are saved): per panel its
    points, ticks, tick labels, reference lines (style, values, whether they span the panel),
    title and point labels; and every text of the figure, and those parsed as mathtext."""
    drawn = {}
    real_save = charts.save_chart

    def as_number(x) -> float:  # seaborn leaves its line's dates as matplotlib date numbers
        return float(x) if isinstance(x, (int, float)) else float(mdates.date2num(x))

    def as_day(x) -> str:
        return mdates.num2date(as_number(x)).date().isoformat()

    def record(fig, directory, name, alt, caption):
        fig.canvas.draw()  # rendering is where mathtext would fail
        panels = []
        for ax in fig.axes:
            lines = [line for line in ax.get_lines() if len(line.get_xdata())]
            points = next(line for line in lines if line.get_marker() == "o")
            left, right = ax.get_xlim()
            panels.append({
                "title": ax.get_title(loc="left"),
                "points": [(as_day(x), float(y)) for x, y in zip(points.get_xdata(), points.get_ydata())],
                "ticks": [mdates.num2date(t).date().isoformat() for t in ax.get_xticks()],
                "tick_labels": [label.get_text() for label in ax.get_xticklabels()],
                "references": [(line.get_linestyle(), sorted({float(y) for y in line.get_ydata()}),
                                as_number(line.get_xdata()[0]) <= left and as_number(line.get_xdata()[-1]) >= right)
                               for line in lines if line is not points],
                "labels": [text.get_text() for text in ax.texts],
            })
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
        drawn[name] = {"panels": panels, "texts": [t.get_text() for t in texts],
                       "math": [t.get_text() for t in texts if t.get_parse_math()]}
        return real_save(fig, directory, name, alt, caption)

    monkeypatch.setattr(charts, "save_chart", record)
    return drawn


def test_with_one_period_no_month_chart_is_drawn(one_month, chinese, tmp_path, isolated_rc):
    charts.use_chinese_font()
    assert set(one_month["period"]) == {"2021-10"}
    assert charts.month_charts(one_month, chinese(one_month), tmp_path) is None
    assert charts.month_chart(one_month, "toilets", chinese(one_month), tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_with_two_periods_each_campaign_with_cumulative_figures_has_a_chart(two_months, chinese, tmp_path,
                                                                          isolated_rc, monkeypatch):
    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    made = charts.month_charts(two_months, chinese(two_months), tmp_path)
    assert [chart.name for chart in made] == ["months_employment", "months_toilets",
                                              "months_village_planning", "months_hollow_houses",
                                              "months_village_cleaning"]  # water supply: November only
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{chart.name}.{ext}" for chart in made for ext in ("png", "json"))
    toilets = drawn["months_toilets"]["panels"]
    # The implied target moves with the rounded rate (9,802.93 then 9,802.81万元): the title names the
    # latest, the dotted line steps.
    assert [panel["title"] for panel in toilets] == ["已完成农村改厕(目标63,950户)",
                                                     "农村改厕累计完成投资额(推算目标9,802.81万元)"]
    assert toilets[0]["points"] == [("2021-10-25", 61107.0), ("2021-11-25", 62307.0)]
    assert toilets[0]["ticks"] == ["2021-10-25", "2021-11-25"]  # the figures' own as-of dates, not month ends
    assert toilets[0]["tick_labels"] == ["10月25日", "11月25日"]
    assert toilets[0]["references"] == [("--", [63950.0], True)]  # the target, across the whole panel
    assert toilets[1]["references"] == [(":", [98028106.27, 98029319.2], True)]  # implied: dotted
    assert toilets[0]["labels"] == ["61,107户", "62,307户"]
    cleaning = drawn["months_village_cleaning"]["panels"]
    assert len(cleaning) == 4 and all(panel["references"] == [] for panel in cleaning)  # no target, no line


def test_with_three_periods_every_panel_has_three_points_at_its_as_of_dates(three_months, chinese, tmp_path,
                                                                            isolated_rc, monkeypatch):
    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    chart = charts.month_chart(three_months, "hollow_houses", chinese(three_months), tmp_path)
    households, area = drawn["months_hollow_houses"]["panels"]
    assert households["points"] == [("2021-10-15", 9055.0), ("2021-11-15", 9217.0), ("2021-12-15", 9355.0)]
    assert area["ticks"] == ["2021-10-15", "2021-11-15", "2021-12-15"]
    assert area["tick_labels"] == ["10月15日", "11月15日", "12月15日"]
    assert area["title"] == "已实际拆除空心房面积(目标56.4万平方米以上)"  # printed as the source prints it
    assert area["references"] == [("--", [564000.0], True)]
    assert "数据截止日期" in drawn["months_hollow_houses"]["texts"]
    assert chart.alt == ("折线图:农村“空心房”整治的累计完成数,按各期报告中数字本身的截止日期排列。"
                         "已实际拆除空心房户数(目标5,640户):截至2021年10月15日为9,055户、截至2021年11月15日为9,217户、"
                         "截至2021年12月15日为9,355户;已实际拆除空心房面积(目标56.4万平方米以上):截至2021年10月15日为"
                         "107.993万平方米、截至2021年11月15日为109.856万平方米、截至2021年12月15日为111.204万平方米。")
    saved = json.loads((tmp_path / "months_hollow_houses.json").read_text(encoding="utf-8"))
    assert saved == {"alt": chart.alt, "caption": chart.caption, "smallest_text_px": saved["smallest_text_px"]}
    assert "截止日期" in chart.caption and "虚线" in chart.caption


def test_a_target_that_changed_is_a_step_and_its_first_and_latest_values_are_named(three_months, chinese,
                                                                                   tmp_path, isolated_rc,
                                                                                   monkeypatch):
    history = three_months.copy()
    later = (history["figure_id"] == "toilets.completed") & (history["period"] == "2021-12")
    history.loc[later, "target"] = 64950.0
    target_row = (history["figure_id"] == "toilets.target") & (history["period"] == "2021-12")
    history.loc[target_row, ["value", "value_printed"]] = [64950.0, "64950"]
    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    chart = charts.month_chart(history, "toilets", chinese(history), tmp_path)
    completed = drawn["months_toilets"]["panels"][0]
    assert completed["title"] == "已完成农村改厕(目标63,950户→64,950户)"
    assert completed["references"] == [("--", [63950.0, 64950.0], True)]
    assert "已完成农村改厕(目标63,950户、目标64,950户)" in chart.alt


def test_a_renamed_figure_is_one_panel(month_layout, chinese, tmp_path, isolated_rc, monkeypatch):
    renames = {"toilets.completed": "toilets.households_completed"}
    history = history_up_to(month_layout, "2021-12", renames=renames, renamed_in=("2021-11", "2021-12"))
    # The later months print the new id themselves; October's is renamed by figure_renames.csv.
    assert set(history.loc[history["figure_id"] == "toilets.households_completed", "period"]) == \
        {"2021-10", "2021-11", "2021-12"}
    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    charts.month_chart(history, "toilets", chinese(history), tmp_path)
    panels = drawn["months_toilets"]["panels"]
    assert len(panels) == 2
    assert panels[0]["points"] == [("2021-10-25", 61107.0), ("2021-11-25", 62307.0), ("2021-12-25", 63188.0)]


def test_month_charts_are_the_same_bytes_on_every_draw(three_months, chinese, tmp_path, isolated_rc):
    charts.use_chinese_font()
    first = charts.month_charts(three_months, chinese(three_months), tmp_path / "first")
    second = charts.month_charts(three_months, chinese(three_months), tmp_path / "second")
    assert len(first) == 6
    for a, b in zip(first, second):
        data = a.path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and data == b.path.read_bytes()
        assert b"matplotlib" not in data.lower() and b"tIME" not in data
        assert (tmp_path / "first" / f"{a.name}.json").read_bytes() == (tmp_path / "second" / f"{b.name}.json").read_bytes()


# The width a 375 px phone gives a chart: the page's column less its padding (0.9rem each side).
PHONE_CHART_PX = 375 - 2 * 0.9 * 16


def test_month_charts_fit_a_phone(three_months, chinese, tmp_path, isolated_rc):
    """As wide as the other charts (WIDTH_PX, shrunk to fit a 375 px phone), so text keeps its size:
    the smallest text, so shrunk, is 11 CSS px or more (the browser test measures it on the page)."""
    from PIL import Image

    charts.use_chinese_font()
    for chart in charts.month_charts(three_months, chinese(three_months), tmp_path):
        width, height = Image.open(chart.path).size
        assert width == charts.WIDTH_PX, (chart.name, width)
        smallest = json.loads(chart.path.with_suffix(".json").read_text(encoding="utf-8"))["smallest_text_px"]
        assert smallest * PHONE_CHART_PX / width >= 11, (chart.name, smallest)


def test_every_chart_text_is_at_least_the_smallest_size(data, three_months, chinese, tmp_path, isolated_rc,
                                                        monkeypatch):
    """What the JSON records is what was drawn: no text on any chart is smaller than TEXT_PT."""
    drawn = []
    real_save = charts.save_chart

    def sizes(fig, *args, **kwargs):
        drawn.append([t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()])
        return real_save(fig, *args, **kwargs)

    monkeypatch.setattr(charts, "save_chart", sizes)
    charts.use_chinese_font()
    made = [*draw_both(data, tmp_path), *charts.month_charts(three_months, chinese(three_months), tmp_path)]
    assert len(drawn) == len(made) == 8
    for chart, found in zip(made, drawn):
        assert min(found) >= charts.TEXT_PT, chart.name
        recorded = json.loads(chart.path.with_suffix(".json").read_text(encoding="utf-8"))["smallest_text_px"]
        assert recorded == round(min(found) * charts.DPI / 72, 2), chart.name


def test_the_smallest_text_check_can_fail(tmp_path, isolated_rc):
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(charts.WIDTH, 1), dpi=charts.DPI)
    fig.text(0.1, 0.5, "small", fontsize=6)
    fig.text(0.5, 0.5, "large", fontsize=12)
    chart = charts.save_chart(fig, tmp_path, "small", "alt", "caption")
    assert json.loads(chart.path.with_suffix(".json").read_text(encoding="utf-8"))["smallest_text_px"] == \
        round(6 * charts.DPI / 72, 2)


def test_the_english_words_draw_an_english_chart_beside_the_chinese(three_months, tmp_path, isolated_rc,
                                                                   monkeypatch, caplog):

    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="matplotlib"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart = charts.month_chart(three_months, "toilets", english_words(three_months), tmp_path)
    assert [str(w.message) for w in caught] == [] and [r for r in caplog.records if r.name.startswith("matplotlib")] == []
    assert chart.name == "months_toilets.en" and chart.path.name == "months_toilets.en.png"
    panels = drawn["months_toilets.en"]["panels"]
    assert panels[0]["title"] == "completed\n(target 63,950 households)"
    assert panels[0]["tick_labels"] == ["25 Oct", "25 Nov", "25 Dec"]
    # At 11 pt on a chart a phone shows whole, the first and the latest labels fit; the middle one
    # would overlap them, so it is left to the alt text.
    assert panels[0]["labels"] == ["61,107 households", "63,188 households"]
    assert "62,307 households" in chart.alt
    assert chart.alt.startswith("Line chart: Toilets, cumulative figures by their own as-of dates. completed "
                                "(target 63,950 households): 61,107 households on 25 October 2021, ")
    assert chart.caption == ENGLISH_TEXT["caption"]
    cjk = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    assert [text for text in drawn["months_toilets.en"]["texts"] if cjk.search(text)] == []
    assert not cjk.search(chart.alt)


def project_english_words(history: pd.DataFrame, campaigns: list[str]) -> charts.MonthWords:
    """English words as the lead will wire them: names from glossary.csv, numbers and dates from printing/en."""
    from helpers.publish import edition
    from helpers.publish.glossary import load_glossary

    glossary, en = load_glossary(REFERENCE), edition.printer_for("en")
    figure_ids = set(history.loc[history["campaign"].isin(campaigns), "figure_id"])
    return charts.MonthWords(
        language="en", text=ENGLISH_TEXT, campaigns={c: glossary.name("campaign", c, "en") for c in campaigns},
        figures={figure_id: glossary.name("figure", figure_id, "en") for figure_id in figure_ids},
        value=en.format_figure, value_like=en.like, date=en.format_date,
        short_date=lambda iso: en.format_date(iso).rsplit(" ", 1)[0])


def test_the_project_s_glossary_and_english_printing_plug_in(three_months, tmp_path, isolated_rc, monkeypatch):
    """The English edition is a call away."""
    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    chart = charts.month_chart(three_months, "toilets", project_english_words(three_months, ["toilets"]), tmp_path)
    completed, investment = drawn["months_toilets.en"]["panels"]
    assert completed["title"] == "Rural toilet renovations completed\n(target 63,950 households)"
    assert completed["tick_labels"] == ["25 October", "25 November", "25 December"]
    # At the source's precision the labels are wider: only the latest fits, the others are left to the alt text.
    assert investment["labels"] == ["RMB 123.5380 million"]
    assert "RMB 121.0255 million" in chart.alt and "RMB 118.3606 million" in chart.alt
    assert "61,107 households on 25 October 2021" in chart.alt


def test_long_english_words_keep_the_phone_width_and_labels_apart(three_months, tmp_path, isolated_rc,
                                                                  monkeypatch):
    """A long title wraps instead of widening the PNG; a label that would overlap another is left out
    (the latest value's label always stays; the alt text keeps every value)."""
    from PIL import Image

    charts.use_chinese_font()
    words = project_english_words(three_months, ["village_cleaning"])
    real_save = charts.save_chart
    boxes = []

    def measure(fig, *args, **kwargs):
        renderer = fig.canvas.get_renderer()
        boxes.extend([text.get_window_extent(renderer) for text in ax.texts] for ax in fig.axes)
        return real_save(fig, *args, **kwargs)

    monkeypatch.setattr(charts, "save_chart", measure)
    chart = charts.month_chart(three_months, "village_cleaning", words, tmp_path)
    assert Image.open(chart.path).size[0] == charts.WIDTH_PX
    for panel in boxes:
        assert not any(a.overlaps(b) for i, a in enumerate(panel) for b in panel[i + 1:])
    farm_waste = boxes[3]
    assert len(farm_waste) == 1  # "more than 1,462,000 tonnes" twice side by side would overlap
    assert "more than 1,462,000 tonnes on 29 November 2021" in chart.alt


def test_dates_across_a_new_year_carry_the_year(two_months, chinese, tmp_path, isolated_rc, monkeypatch):
    history = two_months.copy()
    november = history["period"] == "2021-11"
    history.loc[november, "period"] = "2022-01"
    history.loc[november, "as_of"] = history.loc[november, "as_of"].str.replace("2021-11-", "2022-01-")
    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    charts.month_chart(history, "toilets", chinese(history), tmp_path)
    assert drawn["months_toilets"]["panels"][0]["tick_labels"] == ["2021年10月25日", "2022年1月25日"]


def test_words_missing_a_template_or_a_name_are_refused(three_months, tmp_path, isolated_rc):
    words = english_words(three_months)
    with pytest.raises(ValueError, match="lack caption"):
        charts.MonthWords(**{**words.__dict__, "text": {k: v for k, v in ENGLISH_TEXT.items() if k != "caption"}})
    partial = charts.MonthWords(**{**words.__dict__, "figures": {"toilets.completed": "completed"}})
    charts.use_chinese_font()
    with pytest.raises(ValueError, match="no name for figure 'toilets.investment'"):
        charts.month_chart(three_months, "toilets", partial, tmp_path)


@pytest.mark.parametrize("label", ["$$", "户数$x^2$", "\\frac{1}{2}$"])
def test_month_chart_text_is_drawn_literally(three_months, chinese, tmp_path, isolated_rc, monkeypatch, label):
    history = three_months.copy()
    history["label"] = history["label"] + label
    charts.use_chinese_font()
    drawn = drawn_panels(monkeypatch)
    chart = charts.month_chart(history, "toilets", chinese(history), tmp_path)
    assert chart is not None and label in chart.alt
    assert drawn["months_toilets"]["math"] == []
    assert any(label in text for text in drawn["months_toilets"]["texts"])


# ---- Titles from data wrap as literal text (issue 20) ------------------------------------------------
# matplotlib's wrap=True measures a text as mathtext whatever text.parse_math says, so a name holding
# `$$` and a space once stopped the chart stage; chart text is now wrapped by the charts' own layout
# (helpers.publish.chartlayout.Words), which measures it as plain text.

DOLLAR_NAME = "农村改厕 $$ 行动"


def test_no_chart_text_is_wrapped_by_matplotlib():
    import ast

    calls = []
    for path in sorted((ROOT / "src" / "helpers" / "publish").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and any(keyword.arg == "wrap" and getattr(keyword.value, "value", None)
                                                  is True for keyword in node.keywords):
                calls.append(f"{path.name}:{node.lineno}")
    assert calls == [], "wrap=True measures text as mathtext: wrap with helpers.publish.chartlayout.Words"


def test_a_campaign_name_with_dollars_and_spaces_draws_literally(data, month_layout, three_months, tmp_path,
                                                                  isolated_rc, monkeypatch):
    import matplotlib.pyplot as plt

    figures, progress, campaigns = data
    campaigns = campaigns.assign(name_zh=campaigns["name_zh"].where(campaigns["campaign"] != "toilets", DOLLAR_NAME))
    charts.use_chinese_font()
    titles = []
    real_save = charts.save_chart

    def keep_titles(fig, *args, **kwargs):
        fig.canvas.draw()  # rendering is where mathtext would fail
        drawn = [fig.get_suptitle(), *(text.get_text() for text in fig.texts)]
        for ax in fig.axes:
            drawn += [ax.get_title(loc="left"), *(text.get_text() for text in ax.texts)]
        titles.append([" ".join(text.split()) for text in drawn if text])  # a wrapped line joins again
        return real_save(fig, *args, **kwargs)

    monkeypatch.setattr(charts, "save_chart", keep_titles)
    try:
        chart = charts.campaign_chart(progress, figures, "toilets", campaigns, chinese_edition(), tmp_path)
        history = three_months.assign(label=three_months["label"] + " $$ 行动")
        names = campaigns_table(month_layout[0].reference, "2021-12")
        names = names.assign(name_zh=names["name_zh"].where(names["campaign"] != "toilets", DOLLAR_NAME))
        words = charts.month_words(chinese_edition(), names, history)
        months = charts.month_chart(history, "toilets", words, tmp_path)
    finally:
        plt.close("all")
    assert chart is not None and months is not None
    # Each chart's title, drawn as written: the campaign chart's, then the month chart's and its panels'.
    campaign_texts, month_texts = titles
    assert f"{DOLLAR_NAME}:完成率" in campaign_texts, campaign_texts
    assert f"{DOLLAR_NAME}:累计完成数逐月变化" in month_texts, month_texts
    panels = [text for text in month_texts if "$$ 行动(" in text]
    assert panels, month_texts
