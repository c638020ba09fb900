"""Sample sizes: "n=26", "Twenty-six patients", "18 per group", "a total of 1,299 patients"."""

from __future__ import annotations

from typing import Iterable

import regex

from textmine.extractors.engine import Candidate, Region, group, group_span
from textmine.rulebook import Pattern, expand
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


LIST_RULE = "ss.labelled_list"
LIST_REACH = 150  # characters before a count searched for the arms listed with it
_NOT_BEFORE_LIST = regex.compile(r"(?:\b(?:of|than|aged|to|from|between|and|or|at|in|on|by|for)|[\d=/<>±])\s*$", regex.I)
_LISTS: dict[str, tuple[regex.Pattern, regex.Pattern, regex.Pattern]] = {}


def list_items(candidates: list[Candidate], region: Region, macros: dict[str, str]) -> list[Candidate]:
    """The earlier counts of a list of arms that share the last count's population noun: in "31
    ADCT and 27 control patients", 31 is a sample size too. Only a count that survived its own
    vetoes lends its noun ("adverse events occurred in 7 MPC and 3 saline participants" gives none)."""
    key = macros["SS_LIST_BEFORE"]
    if key not in _LISTS:
        _LISTS[key] = (regex.compile(expand("{SS_LIST_BEFORE}", macros), regex.I),
                       regex.compile(expand("{SS_LIST_SEP}", macros), regex.I),
                       regex.compile(expand("(?:{COUNT})", macros), regex.I))
    before, sep, count = _LISTS[key]
    taken = [(c.start, c.end) for c in candidates]
    out: list[Candidate] = []
    for c in candidates:
        if "population" not in c.extras or count.match(region.text, c.start) is None:
            continue
        s0 = max(region.sentence_of(c.start)[0], c.start - LIST_REACH)
        m = before.search(region.text, s0, c.start)
        if m is None or _NOT_BEFORE_LIST.search(region.text, s0, m.start("items")):
            continue
        pos = m.start("items")
        for piece in sep.split(m.group("items")):
            item = count.match(piece)
            s = region.text.index(piece, pos)
            e, pos = s + (item.end() if item else 0), s + len(piece)
            if item is None or any(a < e and s < b for a, b in taken):
                continue
            try:
                value = parse_count(item.group())
            except NumberFormatError:
                continue
            out.append(Candidate(LABEL, s, e, LIST_RULE, {"value": value}))
            taken.append((s, e))
    return out
