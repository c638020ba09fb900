"""Which unit a dose is given per, when its own expression does not say.

"Each punctured disc received 5 × 10^4 cells in 2 µL" gives both doses ``per`` disc; in
"2 × 10^7 cells per disc in 2 mL" the 2 mL has none, and in "… 1 mL of HA, that is 10 mg of HA
per disc" the "per disc" belongs to the 10 mg only. The phrases are data
(``per_from_sentence`` in ``patterns/units.json``); this module decides where they apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from textmine.extractors.engine import mask_parentheses
from textmine.values.quantities import normalise_per, units

SITES = ("disc", "level", "IVD", "segment")
_LOOK_BEHIND = 80  # characters before a dose searched for "total" and "cells/disc in"


@dataclass(frozen=True)
class _Rules:
    distributors: tuple[tuple[regex.Pattern, str | None], ...]  # (pattern, its fixed per, if the text names no noun)
    attached: tuple[regex.Pattern, ...]
    clause_break: regex.Pattern
    fronted_clause: regex.Pattern
    total_before: regex.Pattern
    total_after: regex.Pattern
    vehicle_of_own_per: regex.Pattern


_RULES: _Rules | None = None


def _rules() -> _Rules:
    global _RULES
    if _RULES is None:
        data = units()["per_from_sentence"]
        compile_ = lambda p: regex.compile(p, regex.I)  # noqa: E731
        _RULES = _Rules(
            tuple((compile_(e["pattern"]), e.get("per")) for e in data["distributors"]),
            tuple(compile_(e["pattern"]) for e in data["attached"]),
            compile_(data["clause_break"]), compile_(data["fronted_clause"]), compile_(data["total_before"]), compile_(data["total_after"]),
            compile_(data["vehicle_of_own_per"]))
    return _RULES


def per_from_context(text: str, sentence: tuple[int, int], start: int, end: int) -> str | None:
    """The ``per`` that the dose at ``text[start:end]`` takes from its clause, or None."""
    rules = _rules()
    before = text[max(sentence[0], start - _LOOK_BEHIND):start]
    after = text[end:sentence[1]]
    if rules.total_before.search(before) or rules.total_after.search(after):
        return None  # "a total of 2 × 10^6 cells", "4 mL in all", "… split between two levels"
    if rules.vehicle_of_own_per.search(before):
        return None  # the 2 mL of "2 × 10^7 cells per disc in 2 mL"
    for pattern in rules.attached:  # "2 mL of gel per disc"
        m = pattern.search(after)
        if m:
            return normalise_per(_first_group(m))
    clause_start, clause_end = _clause(text, sentence, start)
    clause, rel = text[clause_start:clause_end], start - clause_start
    spots = [mask_parentheses(clause)]
    opened = clause.rfind("(", 0, rel)
    if opened > clause.rfind(")", 0, rel):
        # a parenthesis is its own clause, and other parentheses do not speak for this dose:
        # "(…, and 2 mL was injected per disc), group B (median 3.1 × 10^7 cells)"
        close = clause.find(")", rel)
        spots.append(clause[opened + 1:close if close >= 0 else len(clause)])
    lead_in = _list_lead_in(text, start)
    if lead_in:  # "Each punctured disc received one of the following:" over "- low dose: 1 × 10^5 MSCs"
        spots.append(lead_in)
    for spot in spots:
        found = [normalise_per(fixed or _first_group(m)) for pattern, fixed in rules.distributors for m in pattern.finditer(spot)]
        if found:  # a disc or level named by the delivery phrase beats "in each rabbit"
            return next((p for p in found if p in SITES), found[0])
    return None


_LIST_ITEM = regex.compile(r"[ \t]*(?:[-*•+]|\d{1,2}[.)])\s")
_LEAD_IN_LINES = 12  # list items searched upwards for the line that introduces them


def _list_lead_in(text: str, offset: int) -> str:
    """The line ending in ':' that introduces the list item ``offset`` is on, or ''."""
    line_start = text.rfind("\n", 0, offset) + 1
    if not _LIST_ITEM.match(text, line_start):
        return ""
    for _ in range(_LEAD_IN_LINES):
        if line_start == 0:
            return ""
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        line = text[prev_start:line_start - 1]
        if line.strip() and not _LIST_ITEM.match(line):
            return line if line.rstrip().endswith(":") else ""
        line_start = prev_start
    return ""


def _clause(text: str, sentence: tuple[int, int], offset: int) -> tuple[int, int]:
    """The clause of the sentence around ``offset``: a semicolon, 'while' or ', so that' ends one,
    and so does the comma closing a fronted 'After …,' clause."""
    s, e = sentence
    masked = mask_parentheses(text[s:e])  # a break inside parentheses ends nothing outside them
    start, end = s, e
    breaks = [m.span() for m in _rules().clause_break.finditer(masked)]
    fronted = _rules().fronted_clause.match(masked)  # "After 1 mL of lidocaine had been infiltrated, …"
    if fronted is not None:
        breaks = sorted([*breaks, (fronted.end() - 1, fronted.end())])
    for b_start, b_end in breaks:
        if s + b_end <= offset:
            start = s + b_end
        elif s + b_start >= offset:
            end = s + b_start
            break
    return start, end


def _first_group(m: regex.Match) -> str:
    return next(g for g in m.groups() if g)
