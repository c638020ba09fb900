"""Follow-up durations in months: "36 months", "a 3-year follow-up", "4–6 years later"."""

from __future__ import annotations

from typing import Iterable

import regex

from textmine.extractors.engine import Candidate, Region, group, group_span
from textmine.rulebook import Pattern
from textmine.values.numbers import NumberFormatError, first_number
from textmine.values.quantities import duration_factor, parse_duration, parse_range_bounds

LABEL = "follow_up"
_UNIT_AT_END = regex.compile(r"([a-z]+)\s*$", regex.I)
_UNIT_AFTER = regex.compile(r"\)?\s*([a-z]+)", regex.I)  # the unit right after a mean (and its SD)


def build(m: regex.Match, pattern: Pattern, region: Region) -> Iterable[Candidate]:
    start, end = group_span(m)
    values: dict = {"value": None, "low": None, "high": None}
    if group(m, "low") is not None:  # "from 12 months to 6 years"
        low, high = parse_duration(m.group("low")), parse_duration(m.group("high"))
        values["low"] = low.value if low.value is not None else low.low
        values["high"] = high.value if high.value is not None else high.high
    elif group(m, "value") is not None:
        q = parse_duration(m.group("value"))
        values.update(value=q.value, low=q.low, high=q.high)
        rng = group(m, "range")
        if rng:  # "28.5 months (range 12–41 months)"
            unit = _UNIT_AT_END.search(rng) or _UNIT_AT_END.search(m.group("value"))
            number_part = rng[: rng.rfind(unit.group(1))] if unit and rng.rstrip().endswith(unit.group(1)) else rng
            values["low"], values["high"] = parse_range_bounds(number_part, duration_factor(unit.group(1)))
    dur_sd = group(m, "dur_sd")
    if dur_sd and group(m, "value") is not None:  # "23.1 months (SD 1.9)"
        unit = _UNIT_AT_END.search(m.group("value"))
        values["sd"] = first_number(dur_sd) * (duration_factor(unit.group(1)) if unit else 1.0)
    mean = group(m, "mean")
    if mean:  # "average (9.2±1.8) months", "a mean observation period of 24.6 ± 1.1 months"
        after = m.end("mean_sd") if group(m, "mean_sd") else m.end("mean")
        # a list item names its unit in a `unit` group ("for 14, 22 and 36 months"); else the word after it
        unit = group(m, "unit") or _word(_UNIT_AFTER.match(m.string, after) or _UNIT_AT_END.search(group(m, "span") or m.group()))
        factor = duration_factor(unit) if unit else 1.0
        values["value"] = float(mean) * factor
        sd = group(m, "mean_sd")
        if sd:
            values["sd"] = first_number(sd) * factor
        rng = group(m, "range")
        if rng and group(m, "value") is None:  # "27.4 ± 8.9 months (range 12–44 months)"
            r_unit = _UNIT_AT_END.search(rng)
            number_part = rng[: rng.rfind(r_unit.group(1))] if r_unit else rng
            values["low"], values["high"] = parse_range_bounds(number_part, duration_factor(r_unit.group(1)) if r_unit else factor)
    if values["value"] is None and values["low"] is None:
        raise NumberFormatError(f"no duration in {m.group()!r}")
    values["unit"] = "months"
    yield Candidate(LABEL, start, end, pattern.id, values)


def _word(found: regex.Match | None) -> str | None:
    return found.group(1) if found else None
