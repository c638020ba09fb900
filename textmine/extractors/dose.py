"""Doses: absolute cell counts (with ``per``), volumes in mL, masses in mg (or U/IU)."""

from __future__ import annotations

from typing import Iterable

import regex

from textmine.extractors.engine import Candidate, Region, group, group_span
from textmine.rulebook import Pattern
from textmine.values.numbers import NumberFormatError, fold
from textmine.values.quantities import Quantity, normalise_per, parse_cells, parse_mass, parse_volume, units

LABEL = "dose"
MIN_BARE_CELLS = 1e4  # a unit-less power of ten below this is not a cell dose


def build(m: regex.Match, pattern: Pattern, region: Region) -> Iterable[Candidate]:
    start, end = group_span(m)
    amount = m.group("amount")
    unit_text = group(m, "unit")
    per = normalise_per(group(m, "per"))
    unit_key = fold(unit_text).strip() if unit_text else None
    if unit_key is None:
        q = parse_cells(amount)
        if (q.value or q.low or 0) < MIN_BARE_CELLS:
            raise NumberFormatError(f"too small for a unit-less cell dose: {amount!r}")
    elif unit_key in units()["volume_to_ml"]:
        q = parse_volume(amount, unit_key)
    elif unit_key in units()["mass_to_mg"] or unit_key in units()["activity_units"]:
        q = parse_mass(amount, unit_key)
    else:
        q = parse_cells(amount)
    yield Candidate(LABEL, start, end, pattern.id, _values(q, per))


def _values(q: Quantity, per: str | None) -> dict:
    return {"value": q.value, "low": q.low, "high": q.high, "unit": q.unit, "per": per}
