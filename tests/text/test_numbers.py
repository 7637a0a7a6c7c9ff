"""Tests for helpers.text.numbers: numbers as the bureau prints them.

Every expectation is an exact value: token offsets and texts, Decimal values in base units,
half-widths of the printed precision, and resolved as-of dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from helpers.text.numbers import (
    NumberToken,
    decimals_of,
    find_number_tokens,
    normalise,
    parse_printed_number,
    resolve_as_of,
)

PERIOD_END = dt.date(2021, 10, 31)


def tokens(text: str) -> list[tuple[int, str, str]]:
    return [(t.start, t.text, t.script) for t in find_number_tokens(text)]


# --------------------------------------------------------------------------------------
# find_number_tokens
# --------------------------------------------------------------------------------------

def test_tokens_plain_arabic_numbers_with_offsets():
    text = "共有监测对象16869户42750人。"
    assert tokens(text) == [(6, "16869", "arabic"), (12, "42750", "arabic")]
    first = find_number_tokens(text)[0]
    assert (first.start, first.end) == (6, 11)
    assert text[first.start:first.end] == "16869"


def test_tokens_merge_wan_and_yi_into_the_arabic_number():
    text = "已就业39.0589万人,投资1.73亿元,资金1100万元"
    found = find_number_tokens(text)
    assert [t.text for t in found] == ["39.0589万", "1.73亿", "1100万"]
    assert [t.digits for t in found] == ["39.0589", "1.73", "1100"]
    assert all(t.script == "arabic" for t in found)
    assert text[found[0].start:found[0].end] == "39.0589万"


def test_tokens_thousands_separators_make_one_number():
    assert tokens("建设车间1,053家,吸纳12,345,678人") == [(4, "1,053", "arabic"), (13, "12,345,678", "arabic")]


def test_tokens_comma_not_followed_by_three_digits_separates_numbers():
    # "1,05" is not a thousands-separated number: two numbers, the comma is punctuation.
    assert tokens("1,05") == [(0, "1", "arabic"), (2, "05", "arabic")]


def test_tokens_decimals_stay_whole():
    assert tokens("开工完成率95.55%,完成率为120.74%") == [(5, "95.55", "arabic"), (16, "120.74", "arabic")]


def test_tokens_chinese_numerals_as_runs():
    assert tokens("七大专项行动,十二个村,一对一") == [
        (0, "七", "chinese"), (7, "十二", "chinese"), (12, "一", "chinese"), (14, "一", "chinese")]


def test_tokens_mixed_in_text_order():
    found = tokens("9月6日至11日,组织了4个督导组,开展了一轮以上调研")
    assert found == [(0, "9", "arabic"), (2, "6", "arabic"), (5, "11", "arabic"), (12, "4", "arabic"),
                     (21, "一", "chinese")]


def test_tokens_none_in_text_without_numbers():
    assert find_number_tokens("邵阳市乡村振兴局") == []


def test_number_token_digits_of_chinese_token_is_its_text():
    assert NumberToken(0, 2, "十二", "chinese").digits == "十二"


# --------------------------------------------------------------------------------------
# parse_printed_number
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, expected", [
    ("39.0589", Decimal("39.0589")),
    ("1,053", Decimal("1053")),
    ("1，053", Decimal("1053")),  # full-width comma as separator
    (" 16869 ", Decimal("16869")),
    ("七", Decimal("7")),
    ("十二", Decimal("12")),
    ("一", Decimal("1")),
    ("两", Decimal("2")),
    ("二十一", Decimal("21")),
    ("三万", Decimal("30000")),
])
def test_parse_printed_number(printed, expected):
    assert parse_printed_number(printed) == expected


@pytest.mark.parametrize("garbage", ["", "   ", "abc", "4275O", "1.2.3", "3万", "万", "-5", "12%"])
def test_parse_printed_number_rejects_garbage(garbage):
    with pytest.raises(ValueError):
        parse_printed_number(garbage)


def test_parse_printed_number_message_names_the_text():
    with pytest.raises(ValueError, match="4275O"):
        parse_printed_number("4275O")


@pytest.mark.parametrize("printed, decimals", [("95.55", 2), ("80", 0), ("七", 0), ("1,053.5", 1), ("39.0589", 4)])
def test_decimals_of(printed, decimals):
    assert decimals_of(printed) == decimals


# --------------------------------------------------------------------------------------
# normalise
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, unit, value, base, half", [
    ("39.0589", "万人", Decimal("390589"), "persons", Decimal("0.5")),
    ("11836.06", "万元", Decimal("118360600"), "yuan", Decimal("50")),
    ("56.4", "万平方米", Decimal("564000"), "square_metres", Decimal("500")),
    ("107.993", "万平方米", Decimal("1079930"), "square_metres", Decimal("5")),
    ("1.73", "亿元", Decimal("173000000"), "yuan", Decimal("500000")),
    ("141.5", "万吨", Decimal("1415000"), "tonnes", Decimal("500")),
    ("1100", "万元", Decimal("11000000"), "yuan", Decimal("5000")),  # rounded to the 万 shown
    ("16869", "户", Decimal("16869"), "households", Decimal("0")),
    ("1,053", "家", Decimal("1053"), "count", Decimal("0")),
    ("七", "项", Decimal("7"), "count", Decimal("0")),
    ("16083", "公里", Decimal("16083"), "kilometres", Decimal("0")),
    ("95.55", "%", Decimal("95.55"), "percent", Decimal("0.005")),
    ("80", "%", Decimal("80"), "percent", Decimal("0.5")),
    ("100", "%", Decimal("100"), "percent", Decimal("0.5")),
    ("2", "个百分点", Decimal("2"), "percentage_points", Decimal("0.5")),
])
def test_normalise(printed, unit, value, base, half):
    got_value, got_base, got_half = normalise(printed, unit)
    assert got_value == value
    assert got_base == base
    assert got_half == half


def test_normalise_whole_counts_are_exact_but_percentages_are_rounded():
    assert normalise("4", "个")[2] == 0
    assert normalise("4", "%")[2] == Decimal("0.5")


def test_normalise_unknown_unit_raises_naming_the_unit():
    with pytest.raises(ValueError, match="unknown unit '公顷'"):
        normalise("12", "公顷")


def test_normalise_known_unit_with_garbage_value_raises():
    with pytest.raises(ValueError, match="not a number"):
        normalise("12x", "户")


# --------------------------------------------------------------------------------------
# resolve_as_of
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, expected", [
    ("截至10月底", dt.date(2021, 10, 31)),
    ("截止10月末", dt.date(2021, 10, 31)),
    ("截至6月底", dt.date(2021, 6, 30)),
    ("截至10月25日", dt.date(2021, 10, 25)),
    ("9-10月", dt.date(2021, 10, 31)),
    ("5-6月", dt.date(2021, 6, 30)),
    ("9月6日至11日", dt.date(2021, 9, 11)),
    ("9月30日至10月2日", dt.date(2021, 10, 2)),
    ("10月", dt.date(2021, 10, 31)),
    ("截至2021年9月30日", dt.date(2021, 9, 30)),
    ("今年", PERIOD_END),
    ("今年以来", PERIOD_END),
    ("目前", PERIOD_END),
    ("截至目前", PERIOD_END),
    ("", PERIOD_END),
    ("  ", PERIOD_END),
])
def test_resolve_as_of(printed, expected):
    assert resolve_as_of(printed, 2021, PERIOD_END) == expected


def test_resolve_as_of_month_end_uses_the_given_year():
    assert resolve_as_of("2月底", 2020, dt.date(2020, 2, 29)) == dt.date(2020, 2, 29)
    assert resolve_as_of("2月底", 2021, dt.date(2021, 2, 28)) == dt.date(2021, 2, 28)


def test_resolve_as_of_printed_year_overrides_the_period_year():
    assert resolve_as_of("2020年12月底", 2021, PERIOD_END) == dt.date(2020, 12, 31)


@pytest.mark.parametrize("garbage", ["上半年", "foo", "近期", "13月", "2月30日", "10月32日"])
def test_resolve_as_of_rejects_garbage(garbage):
    with pytest.raises(ValueError, match=garbage):
        resolve_as_of(garbage, 2021, PERIOD_END)


@pytest.mark.parametrize("printed, expected", [
    ("9月6日－11日", "2021-09-11"), ("9月6日–11日", "2021-09-11"), ("9月6日～11日", "2021-09-11"),
    ("9月6日—11日", "2021-09-11"), ("10月上旬", "2021-10-10"), ("10月中旬", "2021-10-20"),
    ("10月下旬", "2021-10-31"), ("9－10月", "2021-10-31"), ("截至10月25日以来", "2021-10-25"),
])
def test_as_of_range_separators_and_ten_day_periods(printed, expected):
    assert resolve_as_of(printed, 2021, dt.date(2021, 10, 31)).isoformat() == expected


@pytest.mark.parametrize("printed", ["10月某日", "截至10月底前后", "10月第二周"])
def test_as_of_with_words_it_does_not_understand_is_refused(printed):
    with pytest.raises(ValueError, match="not understood"):
        resolve_as_of(printed, 2021, dt.date(2021, 10, 31))


@pytest.mark.parametrize("value, grouped, expected", [
    (16869.0, True, "16,869"), (16869.0, False, "16869"), (118360600.0, False, "118360600"),
    (95.55434, True, "95.5543"), (104.03, False, "104.03"), ("", True, "—"), (float("nan"), False, "—"),
    (None, True, "—"), ("7", True, "7"),
])
def test_plain_number_is_the_one_way_a_computed_number_is_written_plainly(value, grouped, expected):
    from helpers.text.numbers import plain_number

    assert plain_number(value, grouped=grouped) == expected
