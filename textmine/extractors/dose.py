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
        per = _per_from_sentence(region, start)
    values = _values(q, per)
    if group(m, "range") is not None and q.value is not None:  # "7.4 × 10^7 cells (range 5.2–9.8 × 10^7)"
        r = parse_cells(m.group("range"))
        if r.low is not None and r.high is not None and r.low <= q.value <= r.high:
            values["low"], values["high"] = r.low, r.high
    if sd is not None:
        values["sd"] = sd
    yield Candidate(LABEL, start, end, pattern.id, values)


_PER_SENTENCE: regex.Pattern | None = None


def _per_from_sentence(region: Region, offset: int) -> str | None:
    """A dose without its own ``per`` takes one from its sentence: "… into each punctured disc"."""
    global _PER_SENTENCE
    if _PER_SENTENCE is None:
        _PER_SENTENCE = regex.compile(units()["per_from_sentence"], regex.I)
    s, e = region.sentence_of(offset)
    cut = region.text.rfind(";", s, offset)  # semicolons end a clause
    s = cut + 1 if cut >= 0 else s
    nxt = region.text.find(";", offset, e)
    e = nxt if nxt >= 0 else e
    clause = region.text[s:e]
    rel = offset - s
    # a parenthesis is its own clause, and other parentheses do not speak for this dose:
    # "(…, and 2 mL was injected per disc), group B (median 3.1 × 10^7 cells)"
    spots = [_mask_parentheses(clause)]
    depth_open = clause.rfind("(", 0, rel)
    if depth_open > clause.rfind(")", 0, rel):
        close = clause.find(")", rel)
        spots.append(clause[depth_open + 1:close if close >= 0 else len(clause)])
    for text in spots:
        if _TOTAL.search(text):  # "a total of 2 × 10^6 cells was divided between the two discs"
            continue
        found = [normalise_per(next(g for g in m.groups() if g)) for m in _PER_SENTENCE.finditer(text)]
        if found:  # a disc or level named by the delivery phrase beats "in each rabbit"
            return next((p for p in found if p in _SITES), found[0])
    return None


_TOTAL = regex.compile(r"\b(?:a\s+total\s+of|in\s+total|total\s+(?:dose|cell\s+number|number\s+of\s+cells)|(?:divided|split|shared)\s+(?:between|among|across|over))\b", regex.I)
_SITES = ("disc", "level", "IVD")


def _mask_parentheses(text: str) -> str:
    """Blank out parenthesised content (length kept)."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        out.append(" " if depth else ch)
        if ch == ")" and depth:
            depth -= 1
    return "".join(out)


def _values(q: Quantity, per: str | None) -> dict:
    return {"value": q.value, "low": q.low, "high": q.high, "unit": q.unit, "per": per}
