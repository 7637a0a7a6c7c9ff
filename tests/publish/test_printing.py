"""Tests for helpers.publish.printing: numbers as the source prints them (zh) and in English (en), the
same number in both editions, — for what is missing, words from the glossary."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.audit.clean import clean_period
from helpers.io.rawdata import load_source
from helpers.publish import edition
from helpers.publish.glossary import MissingName, load_glossary
from helpers.publish.printing import generic, zh
from helpers.publish.printing import zh as printing
from helpers.testing import ROOT

en = edition.printer_for("en")  # the generic printer: CLDR's en_GB and the words of catalogues/en.yml


@pytest.mark.parametrize("printed, expected", [
    ("16869户", "16,869户"), ("11836.06万元", "11,836.06万元"), ("2.35亿元", "2.35亿元"), ("141.5万余吨", "141.5万余吨"),
    ("约5000户", "约5,000户"), ("七项", "七项"), ("一轮以上", "一轮以上"), ("0.5%", "0.5%"),
])
def test_group_digits_touches_only_the_whole_part(printed, expected):
    assert printing.group_digits(printed) == expected


@pytest.mark.parametrize("printed, expected", [("23500万元", "23,500万元"), ("", "—"), (None, "—"),
                                               (float("nan"), "—")])
def test_a_printed_cell_or_a_bare_dash(printed, expected):
    assert printing.format_printed(printed) == expected


VILLAGES = pd.Series({"unit_printed": "个", "unit": "count", "decimals": 0})
PEOPLE = pd.Series({"unit_printed": "万人", "unit": "persons", "decimals": 4})
SHARE = pd.Series({"unit_printed": "%", "unit": "percent", "decimals": 0})


@pytest.mark.parametrize("lower, upper, template, decimals, expected", [
    (742, 744, VILLAGES, None, "742至744个"),
    (17012, 17012, VILLAGES, None, "17,012个"),
    (375439.52, 375476.57, PEOPLE, None, "37.5440至37.5477万人"),
    (79.6, 80.4, SHARE, 0, "80%"),  # both ends print alike: one number
    (None, 3, VILLAGES, None, "—"),
])
def test_a_range_in_a_figures_style_names_its_unit_once(lower, upper, template, decimals, expected):
    assert printing.number_range(lower, upper, template, decimals) == expected


@pytest.mark.parametrize("language, value, bound, expected", [
    ("zh", 191.4768, "at_most", "至多191.48%"), ("zh", 95.5543, "", "95.55%"), ("zh", 101.2, "at_least", "至少101.20%"),
    ("zh", None, "at_most", "—"),
    ("en", 191.4768, "at_most", "at most 191.48%"), ("en", 95.5543, "", "95.55%"),
    ("en", 101.2, "at_least", "at least 101.20%"), ("en", 99.9, "approximate", "about 99.90%"), ("en", None, "at_most", "—"),
])
def test_a_bounded_rate_says_which_way(language, value, bound, expected):
    assert edition.printer_for(language).format_percent(value, 2, bound) == expected


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_unknown_bound_fails_loudly(language):
    with pytest.raises(KeyError):
        edition.printer_for(language).format_percent(50, 2, "roughly")


def test_each_language_has_a_printing_module_and_unknown_ones_are_refused():
    assert edition.printer_for("zh").format_percent(95.554) == "95.55%"
    with pytest.raises(ValueError, match="no printing module for language 'xx'"):
        edition.printer_for("xx")


# ---- The English printing module ---------------------------------------------------------------

RAW_2021_10 = ROOT / "data" / "raw" / "2021-10"


def test_zh_and_every_other_language_expose_the_same_public_names():
    """printing/zh.py and the generic printer: the same functions, so an edition never asks for one
    that its language lacks (date_zh is zh's own old name for format_date)."""
    assert set(zh.__all__) - {"date_zh"} == set(generic.PUBLIC)
    assert all(hasattr(zh, name) for name in zh.__all__)
    assert all(hasattr(en, name) for name in generic.PUBLIC)
    defined = {name for name, value in vars(zh).items() if callable(value) and not name.startswith("_")
               and getattr(value, "__module__", "").startswith("helpers.publish.printing")}
    assert defined <= set(zh.__all__), f"zh defines {defined - set(zh.__all__)} outside __all__"


def test_both_languages_are_listed_and_share_the_language_neutral_helpers():
    assert edition.printer_for("zh") is zh and isinstance(edition.printer_for("en"), generic.Printer)
    assert edition.printer_for("en").language == "en"
    assert en.MISSING == zh.MISSING == "—"
    assert en.plain_number(1234.5) == zh.plain_number(1234.5) == "1,234.5"
    assert zh.format_date("2021-10-31") == zh.date_zh("2021-10-31") == "2021年10月31日"


@pytest.fixture(scope="module")
def october() -> pd.DataFrame:
    figures, _ = clean_period(RAW_2021_10, load_source(RAW_2021_10))
    return figures.set_index("figure_id", drop=False)


@pytest.mark.parametrize("figure_id, expected", [
    ("employment.employed", "390,589 persons"),           # 39.0589万人: 万 written out
    ("monitoring.households_total", "16,869 households"),
    ("monitoring.persons_total", "42,750 persons"),
    ("toilets.investment", "RMB 118.3606 million"),       # 11836.06万元: millions, at the source's precision
    ("industry.support_funds", "RMB 11.00 million"),      # 1100万元 is known to 10,000 yuan: 0.01 million
    ("project_funds.county_budget", "RMB 305.97 million"),
    ("toilets.completed_rate", "95.55%"),
    ("housing.completed_rate", "100%"),
    ("hollow_houses.target_area", "at least 564,000 m²"),  # 56.4万平方米以上
    ("hollow_houses.demolished_area", "1,079,930 m²"),
    ("village_cleaning.farm_waste", "more than 1,415,000 tonnes"),  # 141.5万余吨
    ("village_cleaning.ditches", "16,083 km"),
    ("rectification.leadership_research_rounds", "at least 1"),     # 一轮以上: a count is a bare number
    ("rural_construction.special_actions", "7"),                     # 七项: a Chinese numeral
    ("workshops.workshops", "1,053"),
])
def test_english_prints_the_real_october_figures(october, figure_id, expected):
    assert en.format_figure(october.loc[figure_id]) == expected


def test_every_october_figure_prints_in_english_with_its_number(october):
    """No figure of the month is left unprinted or silently passed through in Chinese."""
    for row in october.to_dict("records"):
        printed = en.format_figure(row)
        assert re.search(r"\d", printed) and not re.search(r"[\u4e00-\u9fff]", printed), (row["figure_id"], printed)


@pytest.mark.parametrize("printed, expected", [
    ("141.5万余吨", "more than 1,415,000 tonnes"), ("300余人", "more than 300 persons"), ("5000多户", "more than 5,000 households"),
    ("约5,000户", "about 5,000 households"), ("近80%", "nearly 80%"), ("56.4万平方米以上", "at least 564,000 m²"),
    ("2.35亿元", "RMB 235 million"), ("15.6亿元", "RMB 1.56 billion"), ("50万元", "RMB 500,000"), ("1户", "1 household"),
    ("三万人", "30,000 persons"), ("十二个", "12"), ("1200亩", "1,200 mu"), ("2.5个百分点", "2.5 percentage points"),
    ("", "—"), (None, "—"), (float("nan"), "—"),
])
def test_a_printed_expression_from_a_table_in_english(printed, expected):
    assert en.format_printed(printed) == expected


@pytest.mark.parametrize("printed, expected", [("16869人次", "16,869 person-times"),
                                               ("3.2万人次", "32,000 person-times"), ("12次", "12 times")])
def test_repeated_events_print_in_their_own_units(printed, expected):
    """Issue 10's units: 次 and 人次 are not persons or counts of things."""
    assert en.format_printed(printed) == expected


@pytest.mark.parametrize("printed", ["七大", "16869", "16869人每次", "约"])
def test_what_is_not_a_printed_figure_is_refused(printed):
    with pytest.raises(ValueError, match="not a printed figure"):
        en.format_printed(printed)


@pytest.mark.parametrize("iso, expected", [("2021-10-31", "31 October 2021"), ("2021-01-05", "5 January 2021"),
                                           ("2021-12-09T11:30", "9 December 2021"), ("unknown", "not recorded")])
def test_english_dates(iso, expected):
    assert en.format_date(iso) == expected


def test_the_english_bound_words_are_the_glossarys():
    assert dict(en.BOUND_WORDS) == {"": "", "at_most": "at most", "at_least": "at least", "approximate": "about"}


@pytest.mark.parametrize("number, figure_id, decimals, difference, chinese, english", [
    # The implied employment target: both editions round it alike (37.55万 = 375,500).
    (375458.04, "employment.employed", 2, False, "37.55万人", "375,500 persons"),
    (375458.04, "employment.employed", None, False, "37.5458万人", "375,458 persons"),
    (98029300.5, "toilets.investment", 2, False, "9,802.93万元", "RMB 98.0293 million"),
    (2843, "toilets.target", None, False, "2,843户", "2,843 households"),
    (78.5526, "village_planning.prepared_share", None, False, "78.55%", "78.55%"),
    (-1.45, "village_planning.prepared_share", None, True, "-1.45个百分点", "-1.45 percentage points"),
    (1, "village_planning.prepared_share", 0, True, "1个百分点", "1 percentage point"),
    (None, "toilets.target", None, False, "—", "—"),
])
def test_a_computed_number_is_the_same_number_in_both_editions(october, number, figure_id, decimals, difference,
                                                                chinese, english):
    template = october.loc[figure_id]
    assert zh.like(number, template, decimals, difference) == chinese
    assert en.like(number, template, decimals, difference) == english


@pytest.mark.parametrize("lower, upper, figure_id, decimals, chinese, english", [
    (742, 744, "village_planning.target", None, "742至744个", "742 to 744"),
    (375439.52, 375476.57, "employment.employed", None, "37.5440至37.5477万人", "375,440 to 375,477 persons"),
    (79.6, 80.4, "village_planning.prepared_share", 0, "80%", "80%"),
    (995000, 1010000, "industry.support_funds", None, "99.50至101.00万元", "RMB 0.9950 to 1.0100 million"),
    (None, 3, "village_planning.target", None, "—", "—"),
])
def test_a_range_in_both_editions(october, lower, upper, figure_id, decimals, chinese, english):
    template = october.loc[figure_id]
    assert zh.number_range(lower, upper, template, decimals) == chinese
    assert en.number_range(lower, upper, template, decimals) == english


def _edited_glossary(tmp_path, old: str, new: str):
    text = (ROOT / "data" / "reference" / "glossary.csv").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "glossary.csv").write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_glossary(tmp_path)


def test_units_and_qualifiers_are_words_from_the_glossary(october, tmp_path):
    glossary = _edited_glossary(tmp_path, "unit,households,户,households,household,",
                                "unit,households,户,homes,home,")
    assert en.format_figure(october.loc["monitoring.households_total"], glossary=glossary) == "16,869 homes"
    assert en.format_printed("1户", glossary=glossary) == "1 home"
    glossary = _edited_glossary(tmp_path, "qualifier,以上,以上,at least,", "qualifier,以上,以上,no less than,")
    assert en.format_figure(october.loc["hollow_houses.target_area"], glossary=glossary) == "no less than 564,000 m²"


def test_a_unit_without_an_english_name_is_an_error_not_a_fallback(october, tmp_path):
    glossary = _edited_glossary(tmp_path, "unit,tonnes,吨,tonnes,tonne,", "unit,tonnes,吨,,,")
    with pytest.raises(MissingName, match="unit 'tonnes' has no en name"):
        en.format_figure(october.loc["village_cleaning.household_waste"], glossary=glossary)
    with pytest.raises(MissingName, match="unit 'tonnes' has no en name"):
        en.like(5, october.loc["village_cleaning.household_waste"], glossary=glossary)


# ---- CLDR through Babel: the project picks the digits, the locale writes them ------------------------

def test_the_catalogues_keep_only_words_cldr_does_digits_and_dates():
    """No catalogue spells out digit marks, month names or date patterns: Babel has them for its locale."""
    from helpers.publish.catalogue import languages, load_catalogue

    for language in languages():
        keys = set(load_catalogue(language).messages)
        assert not {k for k in keys if k.startswith("date.") or k in ("number.group", "number.decimal")}, language
        assert load_catalogue(language).text("locale")


def test_english_dates_and_periods_come_from_cldr():
    assert (en.format_period("2021-09"), en.format_short_date("2021-10-25")) == ("September 2021", "25 Oct")


@pytest.mark.parametrize("printed, expected", [("1户", "1 household"), ("1.0户", "1.0 households"),
                                               ("21户", "21 households")])
def test_the_unit_follows_the_plural_category_of_the_number_as_printed(printed, expected):
    """CLDR: in English "1" is one, "1.0" (a visible decimal) is other."""
    assert en.format_printed(printed) == expected


def test_the_project_rounds_babel_only_writes():
    """Half up, to the places the project asks for, whatever Babel's own rounding (half even) would do."""
    assert en.format_number(2.5) == zh.format_number(2.5) == f"{2.5:.0f}"  # as the Chinese page rounds it
    assert en.format_number(1234567.125, 2) == zh.format_number(1234567.125, 2) == "1,234,567.12"
    assert en.plain_number(1053) == "1,053" and en.plain_number(95.5544) == "95.5544"
    assert en.like(0.5, SHARE, 0, True) == zh.like(0.5, SHARE, 0, True).replace("个百分点", " percentage points")


# ---- Bound words: the glossary's alone ---------------------------------------------------------------

def test_bound_words_are_the_glossarys_alone(tmp_path):
    """Issue 18 item 5: 至多/至少/约 lived in printing/zh.py and the glossary, printed two ways. Both
    printers take them from the glossary's `bound` rows, and the page prints them through the
    printer's bound_affixes: rewording a row rewords every edition."""
    import shutil

    from helpers.publish.glossary import load_glossary

    shutil.copytree(ROOT / "data" / "reference", tmp_path / "reference")
    glossary_csv = tmp_path / "reference" / "glossary.csv"
    text = glossary_csv.read_text(encoding="utf-8")
    assert "bound,at_most,至多,at most," in text
    glossary_csv.write_text(text.replace("bound,at_most,至多,at most,", "bound,at_most,最多,no more than,"),
                            encoding="utf-8")
    reworded = load_glossary(tmp_path / "reference")
    assert zh.bound_affixes("at_most", glossary=reworded) == ("最多", "")
    assert en.bound_affixes("at_most", glossary=reworded) == ("no more than ", "")
    assert en.format_percent(191.48, 2, "at_most", glossary=reworded) == "no more than 191.48%"
    assert zh.format_percent(191.476, 2, "at_most") == "至多191.48%" and zh.bound_affixes("") == ("", "")
    # Both editions' rates print with the run's glossary (the Chinese one once read the repository's).
    from helpers.publish.edition import BoundPrinter

    assert BoundPrinter(zh, reworded).format_percent(191.476, 2, "at_most") == "最多191.48%"
    assert BoundPrinter(en, reworded).format_percent(191.48, 2, "at_most") == "no more than 191.48%"
    assert en.bound_affixes("approximate") == ("about ", "")


def test_no_printing_code_spells_a_bound_word():
    """No module of publish/ writes a bound word itself (约 is left out: the source's own qualifier,
    约5,000户, is parsed by it; 'about' is a section's id)."""
    import ast

    from helpers.publish.printing.common import GlossaryWords

    assert isinstance(zh.BOUND_WORDS, GlossaryWords) and isinstance(en.BOUND_WORDS, GlossaryWords)
    words = {"至多", "至少", "at most", "at least"}
    spelled = []
    for path in sorted((ROOT / "src" / "helpers" / "publish").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() in words:
                spelled.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert spelled == []
