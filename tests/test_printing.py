"""Tests for helpers.publish.printing: numbers as the source prints them, — for what is missing."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.publish.printing import zh as printing


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


@pytest.mark.parametrize("value, bound, expected", [(191.4768, "at_most", "至多191.48%"), (95.5543, "", "95.55%"),
                                                    (101.2, "at_least", "至少101.20%"), (None, "at_most", "—")])
def test_a_bounded_rate_says_which_way(value, bound, expected):
    assert printing.format_percent(value, 2, bound) == expected


def test_an_unknown_bound_fails_loudly():
    with pytest.raises(KeyError):
        printing.format_percent(50, 2, "roughly")


def test_each_language_has_a_printing_module_and_unknown_ones_are_refused():
    from helpers.publish import printing as languages

    assert languages.for_language("zh").format_percent(95.554) == "95.55%"
    with pytest.raises(ValueError, match="no printing module for language 'fr'"):
        languages.for_language("fr")
