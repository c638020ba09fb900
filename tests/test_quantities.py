"""Quantities with units, normalised: cells, mL, mg, months."""

import pytest

from textmine.values.numbers import NumberFormatError
from textmine.values.quantities import normalise_per, parse_cells, parse_duration, parse_mass, parse_volume


@pytest.mark.parametrize("text, value, low, high", [
    ("6 million", 6e6, None, None),
    ("2 × 10^7", 2e7, None, None),
    ("15.1–51.6 million", None, 15.1e6, 51.6e6),
    ("between 15 and 50 million", None, 15e6, 50e6),
    ("from 2×10⁶ to 4×10⁷", None, 2e6, 4e7),
    ("25×106", 25e6, None, None),
])
def test_cells(text, value, low, high):
    q = parse_cells(text)
    assert (q.value, q.low, q.high, q.unit) == (pytest.approx(value) if value else None,
                                                pytest.approx(low) if low else None,
                                                pytest.approx(high) if high else None, "cells")


@pytest.mark.parametrize("text, months", [
    ("36 months", 36), ("3-year", 36), ("28.5 months", 28.5), ("12 weeks", 12 * 12 / 52),
    ("30 days", 30 * 12 / 365.25), ("week 13", 3), ("Twelve weeks", 12 * 12 / 52), ("1 year", 12),
    ("6-month", 6), ("2 yrs", 24),
])
def test_durations(text, months):
    assert parse_duration(text).value == pytest.approx(months)


def test_duration_ranges():
    q = parse_duration("4–6 years")
    assert (q.value, q.low, q.high) == (None, 48, 72)


@pytest.mark.parametrize("text", ["36 parsecs", "months", "twelve"])
def test_not_durations(text):
    with pytest.raises(NumberFormatError):
        parse_duration(text)


@pytest.mark.parametrize("text, ml", [("2 mL", 2), ("10 µL", 0.01), ("10 μL", 0.01), ("1.5 ml", 1.5), ("3 cc", 3)])
def test_volumes(text, ml):
    assert parse_volume(text).value == pytest.approx(ml)


@pytest.mark.parametrize("text, value, unit", [("5 mg", 5, "mg"), ("10 µg", 0.01, "mg"), ("1.25 U", 1.25, "U"), ("2 g", 2000, "mg")])
def test_masses(text, value, unit):
    q = parse_mass(text)
    assert (q.value, q.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize("text, per", [("disc", "disc"), ("kg body weight", "kg"), ("IVD", "disc"), ("level", "level"), (None, None)])
def test_per(text, per):
    assert normalise_per(text) == per


@pytest.mark.parametrize("text, months", [("twenty-four weeks", 24 * 12 / 52), ("Thirty-six months", 36)])
def test_compound_number_words_are_not_ranges(text, months):
    q = parse_duration(text)
    assert (q.value, q.low) == (pytest.approx(months), None)


def test_a_word_that_is_not_a_unit_of_time_is_a_number_error_not_a_crash():
    """The extractor skips a match whose duration unit is not one (NumberFormatError); a KeyError would escape."""
    from textmine.values.quantities import duration_factor

    assert duration_factor("weeks") == pytest.approx(12 / 52)
    with pytest.raises(NumberFormatError, match="not a unit of time: 'and'"):
        duration_factor("and")
