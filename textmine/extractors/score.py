"""Scores of outcome measures: values with SD, medians with IQR, changes "from A to B",
and lists resolved with "respectively".

Patterns find *value expressions*; this module then gives each value its measure:
- a list of k values takes the k measures named just before it ("ODI and VAS fell from
  56.7 and 82.1 to 17.5 and 21.9, respectively"), or one measure for all;
- a single value takes the nearest measure before it in the sentence, else one named just
  after it ("7.4 ± 1.2 on the VAS"), else the table's row or column header;
- a value with no measure is not a score and is dropped.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from typing import Iterable

import regex

from textmine.extractors.engine import Candidate, Region, group, group_span
from textmine.regex_cache import longest_first
from textmine.rulebook import Pattern, RuleBook, expand, first_words, load_json
from textmine.values.numbers import NumberFormatError, first_number, parse_number

LABEL = "score"
_AFTER_WINDOW = 40  # characters after a value in which "on the VAS" may name its measure
_NAMED_RIGHT_AFTER = regex.compile(r"\s*\(\s*|\s+(?:on|in)\s+(?:the\s+)?")  # "… (ODI)", "… on the ODI": a measure named right after its value


@dataclass(frozen=True)
class MeasureMention:
    start: int
    end: int
    measure: str


class MeasureFinder:
    """Finds measure names (lexicon plus a document's own abbreviations) in text."""

    def __init__(self, book: RuleBook, aliases: dict[str, str] | None = None):
        self.book = book
        self.aliases = {k.lower(): v for k, v in (aliases or {}).items()}
        extra = "|".join(regex.escape(a) for a in longest_first(self.aliases))
        body = "{MEASURE}" + (f"|{extra}" if extra else "")
        self.regex = regex.compile(rf"(?<![\w-])(?:{expand(body, book.macros)})(?![\w]|-\w)", regex.I)
        names = [n for m in book.measures for n in [m["measure"], *m.get("names", [])]]
        # the words a sentence needs to hold a score: a measure name always starts with its first
        # word, so only first words count ("pain" or "scale" alone name no measure)
        data = load_json("measures.json", book.directory)
        # "74.2 ± 6.6% of disc height": a phrase after a percentage that names its measure (and its trigger words)
        named_after = [m for m in data["measures"] if "after_percent" in m]
        self.after_percent = [(regex.compile(m["after_percent"]["regex"], regex.I), m["measure"]) for m in named_after]
        self.words = first_words(list(_innermost(tuple(names))) + list(self.aliases)) \
            | frozenset(w.lower() for m in named_after for w in m["after_percent"]["words"])
        others = data.get("not_carried_to", [])
        self.other_quantity = regex.compile(r"\b(?:" + "|".join(regex.escape(w) for w in others) + r")\b", regex.I)
        across = data.get("not_across", [])
        self._between = regex.compile(r"\b(?:" + "|".join(regex.escape(w) for w in across) + r")\b", regex.I) if across else None

    def names_other_quantity(self, text: str, start: int, end: int) -> bool:
        return bool(self.other_quantity.search(text, start, end))

    def other_between(self, text: str, start: int, end: int) -> bool:
        """Whether another quantity is named between a measure's name and a value ("… the histological score was 6.1")."""
        return self._between is not None and bool(self._between.search(text, start, end))

    def find(self, text: str, start: int, end: int) -> list[MeasureMention]:
        out = []
        for m in self.regex.finditer(text, start, end):
            measure = self.book.normalise_measure(m.group()) or self.aliases.get(m.group().lower())
            if measure:
                out.append(MeasureMention(m.start(), m.end(), measure))
        return out

    def named_after_percent(self, text: str, end: int) -> str | None:
        """The measure a phrase right after a percentage names ("… 81 ± 6% of their height" → DHI)."""
        if "%" not in text[max(0, end - 12):end]:
            return None
        for compiled, measure in self.after_percent:
            if compiled.match(text, end):
                return measure
        return None

    def measure_of(self, text: str) -> str | None:
        found = self.find(text, 0, len(text))
        return found[0].measure if found else None


@functools.lru_cache(maxsize=8)  # the same names for every document: computed once, not per MeasureFinder
def _innermost(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names that hold no other name as whole words: "pain VAS" holds "VAS", so a
    sentence naming it also holds the word "VAS" (and "pain" need not be a trigger)."""
    lowered = [n.lower() for n in names]

    def holds(name: str, other: str) -> bool:
        return name != other and regex.search(rf"(?<![\w-]){regex.escape(other)}(?![\w-])", name) is not None

    return tuple(n for n, low in zip(names, lowered) if not any(holds(low, other) for other in lowered))


_ITEM = None


def _item_regex(book: RuleBook) -> regex.Pattern:
    global _ITEM
    if _ITEM is None:
        _ITEM = regex.compile(expand(r"(?P<value>{DEC})(?:\s*%)?(?P<sd>{SD})?", book.macros), regex.I)  # "67.9% (SD 8.4)"
    return _ITEM


def _sd(text: str | None) -> float | None:
    return first_number(text)


def make_builder(book: RuleBook):
    """The score builder for ``run_patterns``: one candidate per value expression or list item."""

    def items(m: regex.Match, name: str) -> list[tuple[int, int, float, float | None]]:
        s, e = m.span(name)
        return [(x.start(), x.end(), parse_number(x.group("value")), _sd(x.group("sd")))
                for x in _item_regex(book).finditer(m.string, s, e)]

    def build(m: regex.Match, pattern: Pattern, region: Region) -> Iterable[Candidate]:
        found = list(read(m, pattern))
        if any((c.values.get(k) or 0) < 0 for c in found for k in ("value", "before", "after")):
            return []  # every scale we read starts at 0: a negative number is a change ("SVF −31.4 (22.6)")
        return found

    def read(m: regex.Match, pattern: Pattern) -> Iterable[Candidate]:
        start, end = group_span(m)
        if group(m, "befores") is not None:
            befores, afters = items(m, "befores"), items(m, "afters")
            if len(befores) != len(afters):
                raise NumberFormatError("unequal lists")
            n = len(befores)
            for i, (b, a) in enumerate(zip(befores, afters)):
                yield Candidate(LABEL, b[0], a[1], pattern.id,
                                {"before": b[2], "after": a[2], "before_sd": b[3], "after_sd": a[3]},
                                extras={"list": (start, end), "index": i, "size": n})
            return
        for name, key in (("afters", "after"), ("values", "value")):
            if group(m, name) is not None:
                found = items(m, name)
                for i, (s, e, v, sd) in enumerate(found):
                    values = {key: v, ("after_sd" if key == "after" else "sd"): sd}
                    yield Candidate(LABEL, s, e, pattern.id, values,
                                    extras={"list": (start, end), "index": i, "size": len(found)})
                return
        values: dict = {}
        for key in ("value", "before", "after", "low", "high"):
            text = group(m, key)
            if text is not None:
                values[key] = parse_number(text)
        for key in ("sd", "before_sd", "after_sd"):
            values[key] = _sd(group(m, key))
        yield Candidate(LABEL, start, end, pattern.id, values)

    return build


def assign_measures(candidates: list[Candidate], region: Region, finder: MeasureFinder,
                    header_measure: str | None = None) -> list[Candidate]:
    """Give every score candidate its measure; drop those that have none."""
    candidates = candidates + _continuations(candidates, region, finder)
    out = _flattened_rows(candidates, region, finder)
    placed = {id(c) for c in out}
    candidates = [c for c in candidates if id(c) not in placed]
    by_sentence: dict[tuple[int, int], list[Candidate]] = {}
    for c in candidates:
        by_sentence.setdefault(region.sentence_of(c.start), []).append(c)
    for (s, e), group_ in by_sentence.items():
        measures = finder.find(region.text, s, e)
        if not measures and header_measure is None and not finder.names_other_quantity(region.text, s, e):
            # "DHI fell to … . The 4-week values were 71.2 ± 5.8, …": the measure of one of the two
            # sentences before carries over, but only to values that carry no unit of their own
            carried = _carried_measure(region, s, finder)
            if carried is not None:
                measures = [carried]
                group_ = [c for c in group_ if not _HAS_UNIT.search(region.text, c.start, c.end)]
        group_.sort(key=lambda c: c.start)
        # values that sit inside a measure's own name ("SF-36") are not values
        group_ = [c for c in group_ if not any(mm.start <= c.start < mm.end for mm in measures)]
        if _RESPECTIVELY.search(region.text, s, e):
            _mark_runs(group_, region.text)
        lists: dict[tuple[int, int], list[Candidate]] = {}
        for c in group_:
            if "list" in c.extras:
                lists.setdefault(c.extras["list"], []).append(c)
        done: set[int] = set()
        previous_end = s
        last_names: list[MeasureMention] = []
        percent_measure: str | None = None
        for c in group_:
            if id(c) in done:
                continue
            if "list" in c.extras:
                members = lists[c.extras["list"]]
                list_start = c.extras["list"][0]
                names = _measures_between(measures, previous_end, list_start)
                if not names:  # "... and to 18.3 and 22.9 at 24 months, respectively": same measures again
                    names = last_names if len(last_names) == len(members) else _nearest_before(measures, list_start)
                last_names = names
                if len(names) >= len(members):  # the k measures nearest before a k-value list
                    for member, mm in zip(members, names[len(names) - len(members):]):
                        member.values["measure"] = mm.measure
                        member.extras["measure_at"] = (mm.start, mm.end)
                        out.append(member)
                elif names:
                    for member in members:
                        member.values["measure"] = names[-1].measure
                        member.extras["measure_at"] = (names[-1].start, names[-1].end)
                        out.append(member)
                elif header_measure:
                    for member in members:
                        member.values["measure"] = header_measure
                        out.append(member)
                done.update(id(x) for x in members)
                previous_end = max(x.end for x in members)
                continue
            before = [mm for mm in measures if mm.end <= c.start]
            after = [mm for mm in measures if c.end <= mm.start <= c.end + _AFTER_WINDOW]
            measure = finder.named_after_percent(region.text, c.end)
            if measure:
                percent_measure = measure
            elif percent_measure and not before and region.text[c.end - 1] == "%":
                measure = percent_measure  # "kept 81 ± 6% of their height, against 63 ± 8% with saline"
            elif after and _NAMED_RIGHT_AFTER.fullmatch(region.text, c.end, after[0].start):
                measure = after[0].measure  # "from 42.0 ± 13.8 to 27.3 ± 16.6 (ODI)": the value's own label
                c.extras["measure_at"] = (after[0].start, after[0].end)
            elif before:
                measure = None if finder.other_between(region.text, before[-1].end, c.start) else before[-1].measure
                c.extras["measure_at"] = (before[-1].start, before[-1].end)
            elif after:
                measure = after[0].measure
                c.extras["measure_at"] = (after[0].start, after[0].end)
            elif header_measure:
                measure = header_measure
            if measure:
                c.values["measure"] = measure
                out.append(c)
            previous_end = c.end
    return out


LIST_NEXT_RULE = "score.list_next"
_LIST_NEXT: regex.Pattern | None = None


def _continuations(candidates: list[Candidate], region: Region, finder: MeasureFinder) -> list[Candidate]:
    """The further items of a list that a score value starts: in "mean NRS was 3.8 with the lower
    dose, 3.5 with the higher dose and 5.0 with saline", 3.5 and 5.0 follow 3.8 (and so take its
    measure). A list stops at anything that is not a separator, a short qualifier and a value,
    at a value another pattern already found, and at another measure's name."""
    global _LIST_NEXT
    if _LIST_NEXT is None:
        _LIST_NEXT = regex.compile(expand("{SCORE_LIST_NEXT}", finder.book.macros), regex.I)
    taken = sorted((c.start, c.end) for c in candidates)
    out: list[Candidate] = []
    for c in candidates:
        if "value" not in c.values or c.values.get("before") is not None:
            continue
        pos, end = c.end, region.sentence_of(c.start)[1]
        while (m := _LIST_NEXT.match(region.text, pos, end)) is not None:
            s, e = m.start("value"), m.end("sd") if m.group("sd") else m.end("value")
            if _overlaps(taken, s, e) or finder.find(region.text, pos, s):
                break
            item = Candidate(LABEL, s, e, LIST_NEXT_RULE, {"value": parse_number(m.group("value")), "sd": _sd(m.group("sd"))})
            out.append(item)
            taken.append((s, e))
            pos = e
    return out


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


FLAT_HEADER_LINES = 6  # lines above a flattened table row searched for its header
_ROW_LABEL = regex.compile(r"\s*[A-Za-z]")
_LABEL_ENDS_SENTENCE = regex.compile(r"[.;:]\s*$")
_DATA_LINE = regex.compile(r"±\s*\d")  # a line of values, not a header


def _flattened_rows(candidates: list[Candidate], region: Region, finder: MeasureFinder) -> list[Candidate]:
    """Values of a table that a PDF flattened into lines of text: a line of a row label and k
    values with SDs ("High dose 28 68.2 ± 11.5 30.4 ± 18.2 …") under a header line that names k
    measures ("Arm n VAS 0 VAS 12 mo … ODI 24 mo") takes them in order; a header that names one
    measure gives it to every value."""
    text = region.text
    by_line: dict[int, list[Candidate]] = {}
    for c in candidates:
        if c.values.get("value") is not None and c.values.get("sd") is not None:
            by_line.setdefault(text.rfind("\n", 0, c.start) + 1, []).append(c)
    out: list[Candidate] = []
    for line_start, values in by_line.items():
        line_end = text.find("\n", line_start)
        line_end = region.end if line_end < 0 or line_end > region.end else line_end
        values.sort(key=lambda c: c.start)
        label = text[line_start:values[0].start]
        if len(values) < 2 or not _ROW_LABEL.match(label) or finder.find(text, line_start, line_end) \
                or _LABEL_ENDS_SENTENCE.search(label):
            continue
        pos = line_start - 1  # the header may sit in the block above (a caption or heading line)
        for _ in range(FLAT_HEADER_LINES):
            above = text.rfind("\n", 0, pos) + 1
            if pos <= 0 or not text[above:pos].strip():
                break
            names = finder.find(text, above, pos)
            if names and not _DATA_LINE.search(text, above, pos) and (len(names) == len(values) or len({n.measure for n in names}) == 1):
                for k, c in enumerate(values):
                    named = names[k] if len(names) == len(values) else names[0]
                    c.values["measure"] = named.measure
                    c.extras["measure_at"] = (named.start, named.end)
                    out.append(c)
                break
            pos = above - 1
    return out


CARRY_SENTENCES = 2
_HAS_UNIT = regex.compile(r"\d\s*(?:mm|cm|kg|g|mL|ml|min|h|hours?|days?|weeks?|months?|years?|°|mmHg)\b", regex.I)


def _carried_measure(region: Region, sentence_start: int, finder: MeasureFinder) -> MeasureMention | None:
    """The last measure named in the ``CARRY_SENTENCES`` sentences before this one (same block)."""
    i = bisect.bisect_left(region.starts, sentence_start)
    for j in range(i - 1, max(-1, i - 1 - CARRY_SENTENCES), -1):
        found = finder.find(region.text, *region.sentences[j])
        if found:
            return MeasureMention(sentence_start, sentence_start, found[-1].measure)
    return None


_RESPECTIVELY = regex.compile(r"\brespectively\b", regex.I)
_RUN_GAP = regex.compile(r"\s*(?:,|;|and|,\s*and|;\s*and)\s*")


def _mark_runs(candidates: list[Candidate], text: str) -> None:
    """In a "respectively" sentence, values joined only by "," / "and" form a list ("82.1 to 21.9 and 56.7 to 17.5")."""
    run: list[Candidate] = []

    def close() -> None:
        if len(run) > 1:
            span = (run[0].start, run[-1].end)
            for i, c in enumerate(run):
                c.extras.update(list=span, index=i, size=len(run))

    for c in candidates:
        if "list" in c.extras:
            close()
            run = []
            continue
        if run and _RUN_GAP.fullmatch(text, run[-1].end, c.start):
            run.append(c)
        else:
            close()
            run = [c]
    close()


def _measures_between(measures: list[MeasureMention], start: int, end: int) -> list[MeasureMention]:
    return [mm for mm in measures if start <= mm.start and mm.end <= end]


def _nearest_before(measures: list[MeasureMention], end: int) -> list[MeasureMention]:
    before = [mm for mm in measures if mm.end <= end]
    return before[-1:]
