"""Quantities with units: ranges, cell counts, volumes, masses and durations.

Pure functions over the text a pattern captured; unit tables are data in
``patterns/units.json``. Every function returns a ``Quantity`` in the normalised unit.

>>> parse_cells("15.1–51.6 million")
Quantity(value=None, low=15100000.0, high=51600000.0, unit='cells')
>>> parse_duration("4–6 years")
Quantity(value=None, low=48.0, high=72.0, unit='months')
>>> parse_volume("10 µL").value
0.01
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from textmine.rulebook import load_json
from textmine.values.numbers import NumberFormatError, fold, parse_amount, parse_number


@dataclass(frozen=True)
class Quantity:
    """A single value or a low–high range, in ``unit``."""

    value: float | None
    low: float | None = None
    high: float | None = None
    unit: str | None = None


_UNITS: dict | None = None


def units() -> dict:
    global _UNITS
    if _UNITS is None:
        _UNITS = load_json("units.json")
    return _UNITS


_RANGE_SPLIT = regex.compile(r"^\s*(?:between|from)?\s*(.+?)\s*(?:(?<=\d|[a-z⁰-⁹)])\s*-\s*|\s+to\s+|\s+and\s+)(.+?)\s*$", regex.I)


_LEADING_NUMBER = regex.compile(r"\s*(\d+(?:\.\d+)?)")
_NEGATIVE_POWER = regex.compile(r"\s*\d+(?:\.\d+)?\s*[×xX*·]\s*10\s*\^\s*-\d+\s*")


def split_range(text: str) -> tuple[str, str] | None:
    """Split "15–50", "15 to 50", "between 15 and 50" into its two ends; ``None`` if not a range."""
    s = fold(text).strip()
    if s.lstrip().startswith("-"):
        return None
    if s[:1].isalpha():
        try:
            parse_number(s)  # "twenty-four" is one number, not the range twenty–four
            return None
        except NumberFormatError:
            pass
    m = _RANGE_SPLIT.match(s)
    if not m:
        return None
    return m.group(1), m.group(2)


def _with_scale(low_text: str, high_text: str) -> tuple[float, float]:
    """Read both ends; a bare low end borrows the high end's multiplier ("15.1–51.6 million")."""
    high = parse_amount(high_text)
    low = parse_amount(low_text)
    high_plain = _plain(high_text)
    low_plain = _plain(low_text)
    if low_plain is not None and high_plain is not None and high_plain != high and high_plain != 0:
        low = low * (high / high_plain)
    return low, high


def _plain(text: str) -> float | None:
    """The number before any multiplier word or power of ten, if the text has one."""
    m = _LEADING_NUMBER.match(fold(text))
    return float(m.group(1)) if m else None


def _is_bare(text: str) -> bool:
    try:
        parse_number(text)
        return True
    except NumberFormatError:
        return False


def parse_cells(text: str) -> Quantity:
    """An absolute cell count or range: "6 million", "2 × 10^7", "between 15 and 50 million"."""
    parts = split_range(text)
    if parts and not _is_sci_only(text):
        low_t, high_t = parts
        low = parse_amount(low_t) if not _is_bare(low_t) else None
        high = parse_amount(high_t)
        if low is None:
            low, high = _with_scale(low_t, high_t)
        return Quantity(None, low, high, "cells")
    return Quantity(parse_amount(text), unit="cells")


def _is_sci_only(text: str) -> bool:
    """True for a single power-of-ten expression that contains a '-' exponent ("10^-3")."""
    return bool(_NEGATIVE_POWER.fullmatch(fold(text)))


def _scaled(text: str, table: dict[str, float], unit_name: str, unit_text: str) -> Quantity:
    factor = table.get(fold(unit_text).strip())
    if factor is None:
        raise NumberFormatError(f"unknown unit {unit_text!r}")
    parts = split_range(text)
    if parts:
        return Quantity(None, parse_number(parts[0]) * factor, parse_number(parts[1]) * factor, unit_name)
    return Quantity(parse_number(text) * factor, unit=unit_name)


def parse_volume(text: str, unit_text: str | None = None) -> Quantity:
    """A volume in mL: "2 mL", "10 µL" → 0.01, "0.5–1 mL"."""
    number, unit_text = _split_unit(text, unit_text)
    return _scaled(number, units()["volume_to_ml"], "mL", unit_text)


def parse_mass(text: str, unit_text: str | None = None) -> Quantity:
    """A mass in mg ("5 mg", "10 µg" → 0.01) or an activity in U/IU ("1.25 U")."""
    number, unit_text = _split_unit(text, unit_text)
    activity = units()["activity_units"]
    milli = units().get("milli_activity_units", {})
    if unit_text in milli:  # "10 mU" of chondroitinase ABC is 0.01 U
        q = parse_mass(number, next(k for k, v in activity.items() if v == milli[unit_text]))
        return Quantity(*(None if x is None else x / 1000 for x in (q.value, q.low, q.high)), q.unit)
    if unit_text in activity:
        parts = split_range(number)
        if parts:
            return Quantity(None, parse_number(parts[0]), parse_number(parts[1]), activity[unit_text])
        return Quantity(parse_number(number), unit=activity[unit_text])
    return _scaled(number, units()["mass_to_mg"], "mg", unit_text)


_NUMBER_THEN_UNIT = regex.compile(r"^(.*?\d)\s*([^\d\s][^\s]*)$")


def _split_unit(text: str, unit_text: str | None) -> tuple[str, str]:
    if unit_text is not None:
        return text, unit_text
    m = _NUMBER_THEN_UNIT.match(fold(text).strip())
    if not m:
        raise NumberFormatError(f"no unit in {text!r}")
    return m.group(1), m.group(2)


_DURATION = regex.compile(
    r"^\s*(?:(?P<unit1>day|week|month|year)[- ]?(?P<num1>\d+(?:\.\d+)?)"
    r"|(?P<num2>\d+)(?:st|nd|rd|th)\s+(?P<unit2>day|week|month|year)"
    r"|(?P<num>.+?)\s*-?\s*(?P<unit>[a-z]+))\s*$",
    regex.I,
)


def parse_duration(text: str) -> Quantity:
    """A duration in months: "36 months", "3-year", "4–6 years", "week 13", "Twelve weeks"."""
    s = fold(text).strip()
    m = _DURATION.match(s)
    if not m:
        raise NumberFormatError(f"not a duration: {text!r}")
    table = units()["duration_to_months"]
    if m.group("unit1"):
        return Quantity(float(m.group("num1")) * table[m.group("unit1").lower() + "s"], unit="months")
    if m.group("unit2"):  # "the 12th month"
        return Quantity(float(m.group("num2")) * table[m.group("unit2").lower() + "s"], unit="months")
    unit = m.group("unit").lower()
    if unit not in table:
        raise NumberFormatError(f"unknown duration unit {m.group('unit')!r} in {text!r}")
    factor = table[unit]
    number = regex.sub(r"\s+full$", "", m.group("num").strip(), flags=regex.I)  # "a full year"
    if number.lower() in ("a", "an", "one"):
        return Quantity(factor, unit="months")
    if regex.fullmatch(r"half\s+an?", number, regex.I):  # "half a year"
        return Quantity(factor / 2, unit="months")
    parts = split_range(number)
    if parts:
        return Quantity(None, parse_number(parts[0]) * factor, parse_number(parts[1]) * factor, "months")
    return Quantity(parse_number(number) * factor, unit="months")


def parse_range_bounds(text: str, unit_factor: float = 1.0) -> tuple[float, float]:
    """Two numbers of a plain range ("12–41", "5 to 7") scaled by a factor."""
    parts = split_range(text)
    if not parts:
        raise NumberFormatError(f"not a range: {text!r}")
    return parse_number(parts[0]) * unit_factor, parse_number(parts[1]) * unit_factor


def duration_factor(unit_text: str) -> float:
    """Months per unit ("weeks" → 12/52)."""
    try:
        return units()["duration_to_months"][unit_text.lower()]
    except KeyError:
        raise NumberFormatError(f"not a unit of time: {unit_text!r}") from None


def normalise_per(text: str | None) -> str | None:
    """"/disc", "per kg body weight" → "disc", "kg"."""
    if not text:
        return None
    key = fold(text).strip().split()[0]
    table = units()["dose_per"]
    return table.get(key, table.get(key.lower(), key.lower()))


__all__ = ["Quantity", "parse_cells", "parse_volume", "parse_mass", "parse_duration", "parse_range_bounds",
           "split_range", "normalise_per", "duration_factor"]
