"""The number normaliser: every way a paper writes a number, as a table of cases."""

import pytest

from textmine.values.numbers import NumberFormatError, as_json_number, fold, parse_amount, parse_number, parse_scientific, parse_words


@pytest.mark.parametrize("text, expected", [
    ("26", 26), ("1,299", 1299), ("15,8", 15.8), ("0,58", 0.58), ("1,29", 1.29), ("2 567", 2567), ("1\u2009299", 1299), ("1\u00a0299", 1299),
    ("28.5", 28.5), ("0.01", 0.01), ("\u22121.7", -1.7), ("12,345,678", 12345678),
    ("Twenty-six", 26), ("One hundred and twenty", 120), ("twelve", 12), ("ninety nine", 99),
    ("two thousand three hundred and five", 2305), ("One thousand", 1000),
])
def test_plain_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,2345", "12,34,567", "seventy-eleven", "1.2.3"])
def test_not_numbers(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


@pytest.mark.parametrize("text, expected", [
    ("2 × 10^7", 2e7), ("2×10⁷", 2e7), ("2 x 10(7)", 2e7), ("2 X 10^7", 2e7), ("2*10^7", 2e7),
    ("2.5E+06", 2.5e6), ("10e6", 1e7), ("10^6", 1e6), ("10⁶", 1e6), ("1 × 10^-3", 1e-3), ("10(7)", 1e7),
    ("2 × 107", 2e7), ("25×106", 25e6), ("0.4 × 108", 0.4e8), ("6×106", 6e6), ("18×106", 18e6),
    ("4 × 1010", 4e10),
])
def test_scientific(text, expected):
    assert parse_scientific(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "107",          # no mantissa and no times sign: just a number
    "2 × 101",      # exponent 1 is outside the flattened range: ambiguous
    "2 × 10",       # a product, not a power of ten
])
def test_flattened_powers_are_repaired_only_when_unambiguous(text):
    with pytest.raises(NumberFormatError):
        parse_scientific(text)


@pytest.mark.parametrize("text, expected", [
    ("6 million", 6e6), ("15.1 million", 15.1e6), ("Six million", 6e6), ("2 billion", 2e9),
    ("1,000,000", 1e6), ("2 × 10^7", 2e7),
])
def test_amounts(text, expected):
    assert parse_amount(text) == pytest.approx(expected)


def test_words_reject_non_number_words():
    with pytest.raises(NumberFormatError):
        parse_words("patients")


def test_fold_keeps_length_and_unifies_variants():
    text = "10 μL − 2 – 5\u2009mL"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "10 µL - 2 - 5 mL"


@pytest.mark.parametrize("x, expected", [(26.0, 26), (2e7, 20000000), (15.1e6, 15100000), (0.01, 0.01), (12 / 52 * 12, 2.769231), (None, None)])
def test_json_numbers(x, expected):
    out = as_json_number(x)
    assert out == expected and type(out) is type(expected)
