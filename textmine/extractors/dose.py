"""Doses: absolute cell counts (with ``per``), volumes in mL, masses in mg (or U/IU)."""

from __future__ import annotations

from typing import Iterable

import regex

from textmine.extractors.dose_per import per_from_context
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
    sd = None
    if group(m, "sd_amount") is not None:  # "23 ± 5 × 10^6 cells": mean and SD share the power of ten
        scale = m.group("scale")
        q = parse_cells(amount + scale)
        sd = parse_cells(m.group("sd_amount") + scale).value
    elif unit_key is None:
        q = parse_cells(amount)
        if (q.value or q.low or 0) < MIN_BARE_CELLS:
            raise NumberFormatError(f"too small for a unit-less cell dose: {amount!r}")
    elif unit_key in units()["volume_to_ml"]:
        q = parse_volume(amount, unit_key)
    elif unit_key in units()["mass_to_mg"] or unit_key in units()["activity_units"]:
        q = parse_mass(amount, unit_key)
    else:
        q = parse_cells(amount)
    if per is None:
        per = per_from_context(region.text, region.sentence_of(start), start, end)
    values = _values(q, per)
    if group(m, "range") is not None and q.value is not None:  # "7.4 × 10^7 cells (range 5.2–9.8 × 10^7)"
        r = parse_cells(m.group("range"))
        if r.low is not None and r.high is not None and r.low <= q.value <= r.high:
            values["low"], values["high"] = r.low, r.high
    if sd is not None:
        values["sd"] = sd
    yield Candidate(LABEL, start, end, pattern.id, values)


def _values(q: Quantity, per: str | None) -> dict:
    return {"value": q.value, "low": q.low, "high": q.high, "unit": q.unit, "per": per}
