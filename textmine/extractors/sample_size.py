"""Sample sizes: "n=26", "Twenty-six patients", "18 per group", "a total of 1,299 patients"."""

from __future__ import annotations

from typing import Iterable

import regex

from textmine.extractors.engine import Candidate, Region, group, group_span
from textmine.rulebook import Pattern
from textmine.values.numbers import NumberFormatError, parse_number

LABEL = "sample_size"


def parse_count(text: str) -> int:
    """A whole, positive count ("1,299", "2 567", "Twenty-six")."""
    value = parse_number(text)
    if value != int(value) or value < 1:
        raise NumberFormatError(f"not a count: {text!r}")
    stripped = text.strip()
    if stripped.isdigit() and len(stripped) == 4 and 1900 <= value <= 2099:
        raise NumberFormatError(f"looks like a year: {text!r}")
    return int(value)


def build(m: regex.Match, pattern: Pattern, region: Region) -> Iterable[Candidate]:
    start, end = group_span(m)
    value_start = m.start("value")
    if value_start > 0 and m.string[value_start - 1] == "-" and (value_start < 2 or not m.string[value_start - 2].isalnum()):
        raise NumberFormatError("a negative number is not a count")  # "-12 in the low-dose cohort" (a change)
    extras = {}
    population = group(m, "population")
    if population:
        extras["population"] = (m.start("population"), m.end("population"))
    yield Candidate(LABEL, start, end, pattern.id, {"value": parse_count(m.group("value"))}, extras=extras)
