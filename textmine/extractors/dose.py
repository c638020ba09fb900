"""Doses: absolute cell counts (with ``per``), volumes in mL, masses in mg (or U/IU)."""

from __future__ import annotations

from typing import Iterable

import regex

from textmine import regex_cache
from textmine.extractors.dose_per import per_from_context
from textmine.extractors.engine import Builder, Candidate, Region, group, group_span
from textmine.rulebook import Pattern, RuleBook, expand
from textmine.values.numbers import NumberFormatError, fold, parse_number
from textmine.values.quantities import Quantity, normalise_per, parse_cells, parse_mass, parse_volume, units

LABEL = "dose"
MIN_BARE_CELLS = 1e4  # a unit-less power of ten below this is not a cell dose


def make_builder(book: RuleBook) -> Builder:
    """The dose builder for ``run_patterns``."""
    range_after = regex_cache.compile(expand("{DOSE_RANGE_AFTER}", book.macros), regex.I)

    def build(m: regex.Match, pattern: Pattern, region: Region) -> Iterable[Candidate]:
        start, end = group_span(m)
        amount = m.group("amount")
        unit_text = group(m, "unit")
        per = normalise_per(group(m, "per"))
        unit_key = fold(unit_text).strip() if unit_text else None
        sd = spread = None
        if group(m, "sd_amount") is not None:  # "23 ± 5 × 10^6 cells": mean and SD share the power of ten
            scale = m.group("scale")
            q = parse_cells(amount + scale)
            sd = parse_cells(m.group("sd_amount") + scale).value
            if start > 0 and m.string[start - 1] == "(" and ")" in m.string[start:m.start("scale")]:
                start -= 1  # "(3.2 ± 1.1) × 10^7": the match starts at the number, the span at the bracket
        elif group(m, "lo_amount") is not None:  # "1.9 (1.3 to 2.6) × 10^8 cells": the range shares it too
            scale = m.group("scale")
            q = parse_cells(amount + scale)
            spread = parse_cells(m.group("lo_amount") + scale).value, parse_cells(m.group("hi_amount") + scale).value
        elif group(m, "other") is not None:  # "27.6 (8.4) × 10^6 cells" with no word saying what 8.4 is
            q = parse_cells(amount + m.group("scale"))
        elif group(m, "sd_sci") is not None:  # "118 ×10⁶ (SD 41 ×10⁶) cells"
            q = parse_cells(amount)
            sd = parse_cells(m.group("sd_sci")).value
        elif unit_key is None:
            q = parse_cells(amount)
            if (q.value or q.low or 0) < MIN_BARE_CELLS:
                raise NumberFormatError(f"too small for a unit-less cell dose: {amount!r}")
        else:
            q = _parse(amount, unit_key)
            if group(m, "sd_plain") is not None:  # "1.4 ± 0.3 mL per disc"
                sd = _parse(m.group("sd_plain"), unit_key).value
        if per is None:
            per = per_from_context(region.text, region.sentence_of(start), start, end)
        values = _values(q, per)
        range_text = group(m, "range")
        if spread is not None and q.value is not None and spread[0] <= q.value <= spread[1]:
            values["low"], values["high"] = spread
        elif range_text is None and q.value is not None:
            # "3.2E+07 (range 1.9E+07–4.6E+07)", "3 mL (range 1.5–4 mL)", "41×106 (IQR 28–55×106)"
            after = range_after.match(region.text, end, region.sentence_of(start)[1])
            if after is not None:
                range_text, range_end = after.group("range"), after.end()
        else:
            range_end = end
        if range_text is not None and q.value is not None:
            r = parse_cells(range_text) if unit_key is None else _parse(range_text, unit_key)
            if r.low is not None and r.high is not None and r.low <= q.value <= r.high:
                values["low"], values["high"] = r.low, r.high
                end = max(end, range_end)
        if sd is not None:
            values["sd"] = sd
        yield Candidate(LABEL, start, end, pattern.id, values)

    return build


def _parse(amount: str, unit_key: str) -> Quantity:
    if unit_key in units()["volume_to_ml"]:
        return parse_volume(amount, unit_key)
    if unit_key in units()["mass_to_mg"] or unit_key in units()["activity_units"] or unit_key in units()["milli_activity_units"]:
        return parse_mass(amount, unit_key)
    return parse_cells(amount)


def _values(q: Quantity, per: str | None) -> dict:
    return {"value": q.value, "low": q.low, "high": q.high, "unit": q.unit, "per": per}


LIST_RULE = "dose.list_item"
LIST_REACH = 120  # characters before a dose searched for the items that share its unit
_LEAD = regex.compile(r"(?:\d{1,3}(?:,\d{3})++(?!\d)|\d++(?:\.\d++)?)")
_LISTS: dict[str, tuple[regex.Pattern, regex.Pattern]] = {}  # compiled per rule book's macro text


def list_items(candidates: list[Candidate], region: Region, macros: dict[str, str]) -> list[Candidate]:
    """The earlier items of a list that share a dose's unit: in "0.1, 0.5 and 1 million cells per
    disc" or "1, 2 or 4 mL of PRP", 0.1 and 0.5 (1 and 2) are doses too, scaled like the last item
    and given its unit and ``per``. An item with its own multiplier keeps it ("0.5 million or
    5 million MPCs"); an item already found on its own takes the list's ``per`` if it has none.
    The list (``DOSE_LIST_BEFORE`` in ``patterns/macros.json``) must end in
    "and"/"or" right before the dose."""
    key = macros["DOSE_LIST_BEFORE"]
    if key not in _LISTS:
        _LISTS[key] = (regex_cache.compile(expand("{DOSE_LIST_BEFORE}", macros), regex.I),
                       regex_cache.compile(expand("{DOSE_LIST_ITEM}", macros), regex.I))
    before, item = _LISTS[key]
    taken = [(c.start, c.end) for c in candidates]
    out: list[Candidate] = []
    for c in candidates:
        v = c.values
        lead = _LEAD.match(region.text, c.start)
        if v.get("value") is None or v.get("sd") is not None or lead is None:
            continue
        lead_value = parse_number(lead.group())
        if not lead_value:
            continue
        m = before.search(region.text, max(region.sentence_of(c.start)[0], c.start - LIST_REACH), c.start)
        if m is None:
            continue
        scale = v["value"] / lead_value
        for it in item.finditer(region.text, m.start("items"), m.end("items")):
            s, e = it.span()
            number = _LEAD.match(it.group())
            own_scale = it.group() != number.group()  # "0.5 million" carries its own multiplier
            if own_scale and v.get("unit") != "cells":
                continue
            value = parse_cells(it.group()).value if own_scale else parse_number(number.group()) * scale
            if not value or not (1e-3 <= value / v["value"] <= 1e3):
                continue
            if any(a < e and s < b for a, b in taken):
                for other in candidates:  # "0.5 million or 4 million MPCs per disc": the item found alone shares the per
                    if other.start < e and s < other.end and other is not c and other.values.get("unit") == v.get("unit") \
                            and other.values.get("per") is None and v.get("per"):
                        other.values["per"] = v["per"]
                continue
            out.append(Candidate(LABEL, s, e, LIST_RULE, _values(Quantity(value, None, None, v.get("unit")), v.get("per"))))
            taken.append((s, e))
    return out
