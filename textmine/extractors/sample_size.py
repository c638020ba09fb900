"""Sample sizes: "n=26", "Twenty-six patients", "18 per group", "a total of 1,299 patients"."""

from __future__ import annotations

import math
from typing import Iterable

import regex

from textmine import regex_cache
from textmine.extractors.engine import Candidate, Region, group, group_span, mask_parentheses
from textmine.rulebook import Pattern, expand
from textmine.values.numbers import NumberFormatError, parse_number

LABEL = "sample_size"


def parse_count(text: str) -> int:
    """A whole, positive count ("1,299", "2 567", "Twenty-six")."""
    value = parse_number(text)
    if not math.isfinite(value) or value != int(value) or value < 1:
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


def _compiled(cache: dict, macros: dict[str, str], *sources: str) -> tuple[regex.Pattern, ...]:
    """The sources expanded with the rule book's macros and compiled, once for each value of the
    macros they name (this runs for every region, so the key is a few lookups, not an expansion)."""
    names = _NAMES.get(sources)
    if names is None:
        names = _NAMES[sources] = tuple(name for source in sources for name in _NAMED.findall(source))
    key = (sources, *(macros.get(name, "") for name in names))
    if key not in cache:
        cache[key] = tuple(regex_cache.compile(expand(source, macros), regex.I) for source in sources)
    return cache[key]


_NAMED = regex.compile(r"\{(\w+)\}")
_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


LIST_RULE = "ss.labelled_list"
LIST_REACH = 150  # characters before a count searched for the arms listed with it
_LISTS: dict[tuple, tuple[regex.Pattern, ...]] = {}


def list_items(candidates: list[Candidate], region: Region, macros: dict[str, str]) -> list[Candidate]:
    """The earlier counts of a list of arms that share the last count's population noun: in "31
    ADCT and 27 control patients", 31 is a sample size too, and so are both 20s of "20, 20 and 10
    patients" (a bare list needs three items or more: "7 and 20 patients" may be anything). Only a
    count that survived its own vetoes lends its noun ("adverse events occurred in 7 MPC and 3
    saline participants" gives none)."""
    labelled, sep, count, not_after, bare = _compiled(
        _LISTS, macros, "{SS_LIST_BEFORE}", "{SS_LIST_SEP}", "(?:{COUNT})", "{SS_LIST_NOT_AFTER}", "{SS_BARE_LIST_BEFORE}")
    taken = [(c.start, c.end) for c in candidates]
    out: list[Candidate] = []
    for c in candidates:
        if "population" not in c.extras or count.match(region.text, c.start) is None:
            continue
        s0 = max(region.sentence_of(c.start)[0], c.start - LIST_REACH)
        m = labelled.search(region.text, s0, c.start) or bare.search(region.text, s0, c.start)
        if m is None or not_after.search(region.text, s0, m.start("items")):
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


PARTS_RULE = "ss.parts_of_total"
_PARTS: dict[tuple, tuple[regex.Pattern, ...]] = {}


def parts_of_totals(candidates: list[Candidate], region: Region, macros: dict[str, str]) -> list[Candidate]:
    """The parts a total is split into, when they add up to it: "which left 91 in the per-protocol
    set: 31 low-dose, 30 high-dose and 30 saline", "so 65 were treated: 44 at one level and 21 at
    two levels", "Of twelve minipigs, 9 formed the experimental group and 3 the control group".
    The total is a sample size already, or a number that a grouping verb stands beside."""
    after, part, verb, count, separator = _compiled(
        _PARTS, macros, "{SS_PARTS_AFTER}", "{SS_PART}", "{SS_SPLIT_VERB}",
        "(?<![\\w.,/-])(?:{COUNT})(?![\\w.,/%-]*\\d)", "{SS_PART_SEP}")
    taken = [(c.start, c.end) for c in candidates]
    known = {c.start: c for c in candidates}
    out: list[Candidate] = []
    if region.numbers is not None:  # where numbers start (the prefilter's scan): cheaper than a regex search
        totals = (m for pos in region.numbers if (m := count.match(region.text, pos)) is not None)
    else:
        windows = region.windows if region.windows is not None else ((region.start, region.end),)
        totals = (m for w_start, w_end in windows for m in count.finditer(region.text, w_start, w_end))
    for total in totals:
        follows = region.text[total.end():total.end() + 64]
        if ":" not in follows and "," not in follows:
            continue  # the parts follow a colon or a comma
        s_start = region.sentence_of(total.start())[0]
        if total.start() not in known and not verb.search(region.text, max(s_start, total.start() - 30), total.start()) \
                and not verb.search(region.text, total.end(), total.end() + 64):
            continue  # no grouping verb near: not a total that is split
        try:
            value = parse_count(total.group())
        except NumberFormatError:
            continue
        s_end = region.sentence_of(total.start())[1]
        m = after.match(region.text, total.end(), s_end)
        if m is None:
            continue
        grouped = total.start() in known or verb.search(m.group("gap")) \
            or verb.search(region.text, max(region.sentence_of(total.start())[0], total.start() - 30), total.start())
        items, pos = [], m.start("parts")
        for piece in separator.split(m.group("parts")):
            pos = region.text.index(piece, pos)
            items.append(part.match(region.text, pos, pos + len(piece)))
            pos += len(piece)
        try:
            values = [parse_count(x.group("n")) for x in items]
        except (NumberFormatError, AttributeError):
            continue
        if not grouped or len(values) < 2 or sum(values) != value:
            continue
        for x, v in zip(items, values):
            s, e = x.span("n")
            if not any(a < e and s < b for a, b in taken):
                out.append(Candidate(LABEL, s, e, PARTS_RULE, {"value": v}))
                taken.append((s, e))
        if not any(a < total.end() and total.start() < b for a, b in taken):
            out.append(Candidate(LABEL, total.start(), total.end(), PARTS_RULE, {"value": value}))
            taken.append(total.span())
    return out


EVENT_RULES = frozenset({"ss.count_population", "ss.count_list_respectively", LIST_RULE})
_CLAUSES: dict[tuple, tuple[regex.Pattern, ...]] = {}
_WHOLE = regex.compile(r"\b(?:(?:of|among|amongst)\s+(?:the\s+|all\s+|these\s+|those\s+|our\s+)?|all\s+|(?:the\s+)?(?:other|remaining)\s+)$", regex.I)
_PER_GROUP = regex.compile(r"\b(?:each|every|per)\s+(?:group|arm|cohort)\b", regex.I)


def event_clauses(candidates: list[Candidate], region: Region, macros: dict[str, str]) -> list[Candidate]:
    """Drop a bare count of subjects ("Six patients", "two goats") whose clause tells of an event
    and says nothing of enrolment or analysis: "Six patients (four PRP, two saline) had increased
    back pain", "Rescue tramadol was taken at least once by 21 patients", and a count listed
    under an adverse-event heading ("Adverse events: headache, 2, 3 and 2 participants"). A
    denominator ("of the 21 patients, ...") is kept. Clauses end at ';', ': ', a dash and
    ', so'/', leaving' (data)."""
    breaks, event, sample, heading = _compiled(
        _CLAUSES, macros, "{SS_CLAUSE_BREAK}", "{SS_EVENT_CUE}", "{SS_SAMPLE_CUE}", "{SS_EVENT_HEADING}")
    out = []
    for c in candidates:
        if c.rule in EVENT_RULES and (_event_clause(c, region, breaks, event, sample)
                                      or heading.search(region.text, region.sentence_of(c.start)[0], c.start)):
            continue
        out.append(c)
    return out


def _event_clause(c: Candidate, region: Region, breaks: regex.Pattern, event: regex.Pattern, sample: regex.Pattern) -> bool:
    s_start, s_end = region.sentence_of(c.start)
    text = region.text
    if _WHOLE.search(text, max(s_start, c.start - 30), c.start) or _PER_GROUP.search(text, c.start, c.end):
        return False
    start, end = s_start, s_end
    masked = mask_parentheses(text[s_start:s_end])  # a break inside brackets ends nothing: "(mean age 41 years; 19 women)"
    for m in breaks.finditer(masked):
        if s_start + m.end() <= c.start:
            start = s_start + m.end()
        elif s_start + m.start() >= c.end:
            end = s_start + m.start()
            break
    return event.search(text, start, end) is not None and sample.search(text, start, end) is None
