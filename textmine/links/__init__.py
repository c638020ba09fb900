"""Links: tie each value to what it belongs to (issue [4/6]).

- a score links to its ``measure`` (the name the extractor gave it, found where it is printed:
  the table header, the sentence, or a sentence before), its ``timepoint`` and its ``arm``;
- a dose links to its ``intervention`` (the cells or product given) and its ``arm``;
- a sample size links to its ``population`` and, for a group's count, its ``arm``;
- a follow-up links to a ``population`` only where the text names a subgroup.

A value in a table cell links to its column and row headers; elsewhere to the nearest phrase of
the role in its sentence. Entities with ontology ids (``textmine.links.entities``) give links
their ``id`` and ``name`` where the linked text names one.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Sequence

import regex

from textmine.document import Block, Cell, Document
from textmine.extractors.engine import Candidate
from textmine.extractors.score import MeasureFinder
from textmine.links.entities import EntityRecognizer, Entity
from textmine.links.roles import (CLAUSE_BREAK, NUMBER_WORD, RoleFinder, Span, TablePlace, inherited_header, nearest,
                                 table_place)
from textmine.mentions import Link

__all__ = ["Linker", "Entity", "EntityRecognizer"]

AFTER_BONUS = 12  # "VAS fell to 21.9 at 36 months": a timepoint right after its value is preferred
MEASURE_BLOCKS_BACK = 3  # blocks above a value searched for its measure's name (a table's title, a heading)
ARM_CLAUSE_PENALTY = 60  # "cohort 1 (n = 3) received 1 × 10^6 cells/kg, cohort 2 (n = 6) …": a group across a comma is further
TIMEPOINT_CLAUSE_PENALTY = 40  # "at month 3 … 3.82 in group A, and at month 6 it was 2.80": the clause's own time
APPOSITION = regex.compile(r"[\s,:()–-]*(?:(?:which|that)\s+(?:was|were|is)\s+)?(?:the|their|its)?\s*", regex.I)
STARTING = regex.compile(r"baseline|\bbase\b|\bBL\b|\bpre|before|entry|inclusion|screening", regex.I)  # a first measurement's time
# a line that is a table row: a label of one to four words, then only numbers up to the value
ROW_LINE = regex.compile(r"\s*(?P<label>\p{L}[\p{L}\p{N}+\-]*(?:[ /]\p{L}[\p{L}\p{N}+\-]*){0,3})(?:\s*\(\s*n\s*=\s*\d+\s*\))?"
                         r"(?:\s+[\d.,±()\[\]%–−-]+)*\s+$")  # "C1 (n=6)   6.8 (1.0)   4.6 (2.2)"
ROW_LINE_MAX = 300
FLAT_HEADER_REACH = 800  # how far above a flattened table row its header line is looked for
FLAT_ROW_MAX = 120  # a flattened table's row is a short line
COUNTED = regex.compile(r"\s*[(\[]\s*[nN]\s*=\s*\d+\s*[)\]]")  # "(n = 38)" after a group's name in a header
SEGMENT_LABEL = regex.compile(r"\s*(?P<label>\p{Lu}[\p{L}\p{N}+\-]*(?: [\p{L}\p{N}+\-]+){0,3})\s+(?:\d+\s*/\s*)?")  # "Sham 1/20": a denominator too
# a line of one value per group after its label: "Overall Number of Participants Analyzed: 18 / 19 / 17"
VALUE_LIST_LINE = regex.compile(r"[^:\n]{1,100}:[ \t]*(?P<values>[^:\n]+)")
VALUE_SEPARATOR = regex.compile(r"\s*(?:\||\s/\s|;)\s*")
# a line naming the columns of the lists below it: "RESULTS (columns: Low dose | High dose | Sham)"
COLUMN_NAMES = regex.compile(r"(?:^|[(:])[ \t]*(?P<names>[^\d|()\n:]{1,40}(?:[ \t]\|[ \t][^\d|()\n:]{1,40})+)[ \t]*\)?[ \t]*$", regex.M)
COLUMN_NAMES_REACH = 3000
RESPECTIVELY_REACH = 400  # how far back a "respectively" looks for its groups when its sentence lists none
SEGMENT_CUT = regex.compile(r"[;|]")
SEGMENT_STARTS = ";|,("  # "(PO 71.2 ± 6.8 %, AS 70.5 ± 7.0 %, AH 71.9 ± 6.1 %)"
# a count taken at a time: "22 were assessed at week 12", "53 attended the 6-month visit"
ASSESSED = regex.compile(r"\b(?:assessed|analy[sz]ed|attended|completed|evaluated|examined|seen|available|reviewed|"
                         r"killed|sacrificed|euthanised|euthanized|harvested|followed|remained|returned|re-?examined)\b", regex.I)
GROUP_WORD = regex.compile(r"\b(?:groups?|arms?|cohorts?|subgroups?|dose|levels?)\b", regex.I)
HUMANS = "MESH:D006801"
POPULATION_REACH = 40  # "26 patients", "n = 26 rats with …": the population follows its count closely


class Linker:
    """Builds the links of a document's candidates; one per pipeline (the patterns load once)."""

    def __init__(self, directory: Path | None = None, normalise: bool = True) -> None:
        self.roles = RoleFinder(directory)
        self.entities = EntityRecognizer(directory, normalise=normalise)
        self._text: str | None = None  # the document the per-sentence cache below belongs to
        self._per_sentence: dict[tuple, object] = {}

    def _sentence(self, kind: str, text: str, sentence: tuple[int, int], find):
        """``find(text, *sentence)`` once per sentence of a document (a 1 MB line holds thousands
        of values: searching its sentence for each one would be quadratic)."""
        if text is not self._text:
            self._text, self._per_sentence = text, {}
        key = (kind, sentence)
        if key not in self._per_sentence:
            self._per_sentence[key] = find(text, *sentence)
        return self._per_sentence[key]

    def document_entities(self, document: Document, abbreviations=(), spans=None) -> list[Entity]:
        return self.entities.find(document, abbreviations, spans)

    def links(self, document: Document, c: Candidate, sentence: tuple[int, int], finder: MeasureFinder,
              entities: list[Entity], entity_starts: list[int], peers: Sequence[Candidate] = ()) -> tuple[Link, ...]:
        """The links of candidate ``c``; ``peers`` are the values of its field in its sentence, in
        order (a "respectively" list of groups is matched to them)."""
        text = document.text
        block = _block_at(document, c.start)
        place = None
        if block is not None and block.kind == "table":
            header = self._sentence("header", text, (block.start, block.end),
                                    lambda *_: inherited_header(document.blocks, block))
            place = table_place(block, c.start, header)
        out: list[Link] = []
        if c.field == "score":
            measure = self._measure(document, c, sentence, finder, block, place)
            if measure is not None:
                out.append(self._link("measure", measure, entities, entity_starts))
            timepoint = self._timepoint(document, c, sentence, block, place)
            if timepoint is not None:
                out.append(Link("timepoint", timepoint.text, timepoint.start, timepoint.end))
        elif c.field == "sample_size":  # "| Week 2 | 3 | 3 |", "22 were assessed at week 12": how many, when
            timepoint = self._count_time(text, c, sentence, place)
            if timepoint is not None:
                out.append(Link("timepoint", timepoint.text, timepoint.start, timepoint.end))
        if c.field in ("score", "dose", "sample_size") or (c.field == "follow_up" and place is not None):
            arm = self._arm(text, c, sentence, place, finder, peers, block)
            if arm is not None:
                out.append(self._link("arm", arm, entities, entity_starts))
        if c.field == "dose":
            own = [e for e in _between(entities, entity_starts, c.start, c.end) if e.type in ("cell", "intervention")]
            named = self.roles.given(text, c.end, sentence[1]) if not own else None
            if named is not None:  # "1 g of cefazolin": what follows "of" is what was given
                out.append(self._link("intervention", named, entities, entity_starts))
            else:
                given = self._nearest_entity(entities, entity_starts, ("cell", "intervention"), c, sentence, block)
                if given is not None:
                    out.append(Link("intervention", given.text, given.start, given.end, given.id, given.name))
        if c.field == "sample_size":
            who = self._population(entities, entity_starts, c, sentence)
            if who is not None:
                out.append(Link("population", who.text, who.start, who.end, who.id, who.name))
        return tuple(out)

    # --- roles -------------------------------------------------------------------------------

    def _measure(self, document: Document, c: Candidate, sentence: tuple[int, int], finder: MeasureFinder,
                 block: Block | None, place: TablePlace | None) -> Span | None:
        """Where the value's measure is named: its table headers, its sentence (before the value,
        then after it), then the paragraph before it."""
        name = c.values.get("measure")
        if not name:
            return None
        text = document.text
        if "measure_at" in c.extras and c.extras["measure_at"][1] > c.extras["measure_at"][0]:
            s, e = c.extras["measure_at"]  # where the extractor found the name it gave
            return Span(s, e, text[s:e])

        def named(start: int, end: int) -> list[Span]:
            return [Span(m.start, m.end, text[m.start:m.end]) for m in finder.find(text, start, end) if m.measure == name]

        if place is not None:
            for cell in (place.column_header, place.row_header):
                if cell is not None and (hit := named(cell.start, cell.end)):
                    return hit[0]
        before = named(sentence[0], c.start)
        if before:
            return before[-1]
        after = named(c.end, sentence[1])
        if after:
            return after[0]
        if block is not None:
            earlier = named(block.start, sentence[0])
            if earlier:
                return earlier[-1]
            index = document.blocks.index(block)  # a title or heading above: "3. Secondary: EQ-5D-5L Index …"
            for previous in document.blocks[max(0, index - MEASURE_BLOCKS_BACK):index][::-1]:
                if previous.kind != "references" and (hit := named(previous.start, previous.end)):
                    return hit[-1]
        return None

    def _timepoint(self, document: Document, c: Candidate, sentence: tuple[int, int], block: Block | None,
                   place: TablePlace | None) -> Span | None:
        """When the value was measured: its table headers, the nearest time in its sentence, the
        last one earlier in its paragraph, then a title or heading above ("Table 1. Baseline …",
        "[Time Frame: 12 months]")."""
        text = document.text
        if place is not None:
            found = self._in_table(place, self.roles.timepoints, text)
        else:
            spans = self._sentence("timepoints", text, sentence, self.roles.timepoints)
            later = c.values.get("before") is not None and c.values.get("after") is not None
            if later:  # "from 7.2 to 3.1": the value is the later measurement's, not the baseline's
                spans = [t for t in spans if not STARTING.search(t.text)]
            found = nearest(spans, c.start, c.end, AFTER_BONUS, text=text, clause_penalty=TIMEPOINT_CLAUSE_PENALTY)
            if found is not None and not regex.search(r"\d", found.text):
                # "at 24 months, which was their final visit" / "at the final, 24-month visit": the dated one
                found = next((t for t in spans if regex.search(r"\d", t.text) and APPOSITION.fullmatch(
                    text, min(t.end, found.end), max(t.start, found.start))), found)
            if found is None and block is not None:
                earlier = [t for t in self.roles.timepoints(text, block.start, sentence[0])
                           if not (later and STARTING.search(t.text))]
                found = earlier[-1] if earlier else None
        if found is None and block is not None:
            index = document.blocks.index(block)
            for previous in document.blocks[max(0, index - MEASURE_BLOCKS_BACK):index][::-1]:
                if previous.kind in ("heading", "caption", "paragraph") and (hit := self.roles.timepoints(text, previous.start, previous.end)):
                    return hit[-1]
        return found

    def _count_time(self, text: str, c: Candidate, sentence: tuple[int, int], place: TablePlace | None) -> Span | None:
        """When a count was taken: its table's time ("Baseline (n = 56)", "| Week 2 | 3 |"), or in
        prose the time of its own clause when the clause says it was assessed then ("22 were
        assessed at week 12", "At 12 months, 602 patients were analysed")."""
        if place is not None:
            return self._in_table(place, self.roles.timepoints, text)
        clause = (max([sentence[0], *(m.end() for m in CLAUSE_BREAK.finditer(text, max(sentence[0], c.start - 80), c.start))]),
                  min([sentence[1], *(m.start() for m in CLAUSE_BREAK.finditer(text, c.end, min(sentence[1], c.end + 80)))][:2]))
        if not ASSESSED.search(text, *clause):
            return None
        spans = [t for t in self._sentence("timepoints", text, sentence, self.roles.timepoints)
                 if max(clause[0] - 30, sentence[0]) <= t.start and t.end <= clause[1]]
        return nearest(spans, c.start, c.end, AFTER_BONUS, text=text, clause_penalty=TIMEPOINT_CLAUSE_PENALTY)

    def _in_table(self, place: TablePlace, find, text: str) -> Span | None:
        """The first of the value's header cells (column, row labels, row; for a value in a
        header, its own cell) that holds a time; a vague one ("Entry", "final") gives way to a
        dated one in another header."""
        own = place.cell if place.column_header is None and place.row_header is None else None  # "Baseline (n = 56)"
        hits = [hit[0] for cell in (place.column_header, *place.row_labels, place.row_header, own)
                if cell is not None and (hit := find(text, cell.start, cell.end))]
        if hits and not regex.search(r"\d", hits[0].text) and not STARTING.search(hits[0].text):
            return next((h for h in hits if regex.search(r"\d", h.text)), hits[0])
        return hits[0] if hits else None

    def _arm(self, text: str, c: Candidate, sentence: tuple[int, int], place: TablePlace | None,
             finder: MeasureFinder, peers: Sequence[Candidate], block: Block | None = None) -> Span | None:
        """Which group the value belongs to: in a table, the row or column header (or the value's
        own cell) that names one; in prose, its place in a "respectively" list of groups, the
        phrase before its bracket ("hyaluronan alone (n = 30)"), else the nearest group phrase
        of its sentence."""
        if place is not None:
            return self._table_arm(text, c, place, finder)
        if (column := self._flat_column(text, c, peers, block)) is not None:
            return column
        if (row := self._row_label(text, c, finder) or self._segment_label(text, c, finder)
                or self._listed_column(text, c, peers, finder)) is not None:
            return row
        # "62.4 ± 7.7 (puncture only), 64.0 ± 8.1 (vehicle)": the group in brackets right after the value
        if (own := self.roles.label_in_brackets(text, c.end, sentence[1])) is not None \
                and not finder.find(text, own.start, own.end):
            return own
        listed = next((lst for lst in self._sentence("listed", text, sentence, self.roles.listed_arms)
                       if lst[0] == sentence[0] or self._names_groups(text, lst, peers, finder)), None)
        if listed is None and len(peers) >= 2:
            after = self.roles.listed_after(text, peers[-1].end, sentence[1])
            listed = (sentence[0], peers[-1].end, after) if after else None
        if listed is None and len(peers) >= 2 and block is not None:
            listed = self._listed_before(text, c, sentence, peers, block, finder)
        if listed is not None:
            lo, hi, items = listed
            picked = _in_order(c, [p for p in peers if lo <= p.start and p.end <= hi], items)
            # "… arms, respectively (n = 7, 7, 8 and 8)": counts in the bracket right after the list
            opened = text.find("(", items[-1].end, min(sentence[1], items[-1].end + 30))
            closed = text.find(")", opened) if opened >= 0 else -1
            after = [p for p in peers if opened < p.start and p.end <= closed] if closed > 0 else []
            if picked is None and len(after) == len(items):
                picked = _in_order(c, after, items)
            if picked is not None:
                return picked
        if c.field == "sample_size" and (own := self.roles.count_label(text, c.start, c.end)) is not None:
            return own
        for label in (self.roles.label_after(text, c.end, sentence[1], count=c.field == "sample_size"),
                      self.roles.label_before(text, c.start, c.end, sentence[0])):
            if label is not None and not finder.find(text, label.start, label.end) \
                    and not self.roles.timepoints(text, label.start, label.end):
                return label
        arms = self._sentence("arms", text, sentence, self.roles.arms)
        # "In the low-dose arm (n = 12), each disc was given 5 × 10^4 cells in 2 µL of saline":
        # a phrase that names a group outranks a product word
        groups = [a for a in arms if GROUP_WORD.search(a.text)]
        if c.field == "dose":  # "the gel-only arm received 25 µL of gel": who received it is the clause's subject
            subject = [a for a in groups or arms if a.end <= c.start and not CLAUSE_BREAK.search(text, a.end, c.start)]
            if subject:
                return subject[-1]
        found = nearest(groups or arms, c.start, c.end, text=text, clause_penalty=ARM_CLAUSE_PENALTY, breaks=CLAUSE_BREAK)
        if block is not None and (found is None or (c.field == "sample_size" and not _next_to(text, found, c))):
            # a review's paragraph: a count that no group names is the whole study's
            studies = self._sentence("studies", text, (block.start, block.end), self.roles.studies)
            k = bisect.bisect_right([s.end for s in studies], c.start)
            if k:
                return studies[k - 1]
        return found

    def _row_label(self, text: str, c: Candidate, finder: MeasureFinder) -> Span | None:
        """A table row flattened into a line (a PDF's text, a pasted table): "Vehicle 28 70.1 ±
        12.8 45.0 ± 21.4" -> "Vehicle" for every value after the label."""
        if (line := _short_line(text, c)) is None:
            return None  # a long line is prose, not a table's row
        line_start, line_end = line
        m = ROW_LINE.match(text, line_start, c.start)
        if m is None or not m.group("label")[0].isupper() \
                or not regex.search(r"\d", text[m.end("label"):c.start] + text[c.end:line_end]) \
                or not regex.fullmatch(r"[\d.,±()\[\]%–−\s-]*", text[c.end:line_end]):
            return None  # one to several values, and nothing but values after it
        a, b = m.span("label")
        words = m.group("label").split()
        if any(w.lower() in self.roles.boundary_words for w in words) or finder.find(text, a, b) \
                or self.roles.timepoints(text, a, b) or all(w.lower() in self.roles.label_words for w in words):
            return None
        return Span(a, b, m.group("label"))

    def _flat_column(self, text: str, c: Candidate, peers: Sequence[Candidate], block: Block | None) -> Span | None:
        """A table flattened into lines (a PDF's text) whose header names its groups with their
        counts: "Outcome Ethanol gel (n = 38) Steroid (n = 37) p" over "ODI, baseline 46.2 ± 12.0
        44.9 ± 11.4 0.63" -> the k-th value of a row is the k-th group's, when the row has one
        value per group. The lines between are rows too: short, with numbers."""
        if block is not None and block.kind == "table":
            return None
        if (line := _short_line(text, c)) is None:
            return None
        line_start, line_end = line
        row = [p for p in peers if line_start <= p.start and p.end <= line_end]
        for header_start in _line_starts_back(text, max(0, line_start - FLAT_HEADER_REACH), line_start):
            header_end = text.find("\n", header_start, line_start)
            groups = self._sentence("flat_header", text, (header_start, header_end), self._counted_groups)
            if groups:
                index = next((k for k, p in enumerate(row) if p is c), None)
                return groups[index] if index is not None and len(row) == len(groups) else None
            line = text[header_start:header_end].strip()
            if not regex.search(r"\d", line) or line.endswith(".") or header_end - header_start > FLAT_ROW_MAX:
                return None  # not a row of the same table
        return None

    def _counted_groups(self, text: str, start: int, end: int) -> list[Span]:
        """The groups of a header line that gives each its count: "Outcome Ethanol gel (n = 38)
        Steroid (n = 37) p" -> Ethanol gel, Steroid (none unless two or more, each of at most
        four words, with at most a "p" column after them)."""
        groups, pos = [], start
        for m in COUNTED.finditer(text, start, end):
            words = list(regex.finditer(r"[\p{L}\p{N}][\p{L}\p{N}+/'’-]*", text[pos:m.start()]))
            while words and words[0].group().lower() in self.roles.label_words:
                words.pop(0)  # the corner: "Outcome", "Variable"
            if not words or len(words) > 4:
                return []
            groups.append(Span(pos + words[0].start(), pos + words[-1].end(), text[pos + words[0].start():pos + words[-1].end()]))
            pos = m.end()
        if len(groups) < 2 or not regex.fullmatch(r"\s*(?:p(?:[ -]value)?)?\s*", text[pos:end], regex.I):
            return []
        return groups

    def _listed_column(self, text: str, c: Candidate, peers: Sequence[Candidate], finder: MeasureFinder) -> Span | None:
        """A value in a line of one value per group ("Overall Number of Participants Analyzed: 18 /
        19 / 17"), the groups named in the same order by the next line's segments ("Mean (SD): Low
        dose 30.4 (14.2); High dose 25.1 (12.9); Sham 36.8 (15.5)") or by a line above that names
        the columns ("RESULTS (columns: Low dose | High dose | Sham)")."""
        if (line := _short_line(text, c)) is None:
            return None
        line_start, line_end = line
        m = VALUE_LIST_LINE.fullmatch(text, line_start, line_end)
        row = [p for p in peers if line_start <= p.start and p.end <= line_end]
        if m is None or len(row) < 2 or row[0].start < m.start("values"):
            return None
        if any(not VALUE_SEPARATOR.fullmatch(text, a.end, b.start) for a, b in zip(row, row[1:])):
            return None  # the values and nothing else between them
        index = next((k for k, p in enumerate(row) if p is c), None)
        if index is None:
            return None
        following = text.find("\n", line_end + 1)
        groups = self._segment_labels(text, line_end + 1, len(text) if following < 0 else following, finder)
        if len(groups) != len(row):
            groups = self._column_names(text, line_start)
        return groups[index] if len(groups) == len(row) else None

    def _segment_labels(self, text: str, start: int, end: int, finder: MeasureFinder) -> list[Span]:
        """The group that opens each segment of a line of values ("Mean (SD): Low dose 30.4 (14.2);
        High dose 25.1 (12.9); Sham 36.8 (15.5)" -> Low dose, High dose, Sham)."""
        m = VALUE_LIST_LINE.fullmatch(text, start, end)
        if m is None:
            return []
        labels, pos = [], m.start("values")
        for stop in [*(cut.start() for cut in SEGMENT_CUT.finditer(text, pos, end)), end]:
            label = SEGMENT_LABEL.match(text, pos, stop)
            if label is None or not regex.match(r"[-−]?\d", text[label.end():stop]):
                return []
            a, b = label.span("label")
            if finder.find(text, a, b) or all(w.lower() in self.roles.label_words for w in label.group("label").split()):
                return []
            labels.append(Span(a, b, label.group("label")))
            pos = stop + 1
        return labels

    def _column_names(self, text: str, line_start: int) -> list[Span]:
        """The nearest line above that names columns with "|" between them."""
        lo = max(0, line_start - COLUMN_NAMES_REACH)
        found = None
        for found in COLUMN_NAMES.finditer(text, lo, line_start):
            pass
        if found is None:
            return []
        names, pos = [], found.start("names")
        for part in regex.split(r"\|", found.group("names")):
            a = pos + len(part) - len(part.lstrip())
            b = pos + len(part.rstrip())
            names.append(Span(a, b, text[a:b]))
            pos += len(part) + 1
        return names

    def _segment_label(self, text: str, c: Candidate, finder: MeasureFinder) -> Span | None:
        """A value right after the group that opens its segment of a list: "Low dose 30.4 (14.2);
        High dose 25.1 (12.9); Sham 36.8 (15.5)", "BMC 29 | Methylprednisolone 27"; after a comma
        or bracket, a one-word group only ("(PO 71.2 ± 6.8 %, AS 70.5 ± 7.0 %, …)")."""
        start = max(text.rfind(d, max(0, c.start - 60), c.start) for d in SEGMENT_STARTS)
        line = text.rfind("\n", max(0, c.start - 60), c.start)
        line_end = text.find("\n", c.end)
        if line > start and SEGMENT_CUT.search(text, c.end, len(text) if line_end < 0 else line_end):
            start = line  # the first segment of its line: "A 90.1 ± 8.4 | B 70.8 ± 6.4 | C 69.9 ± 6.2"
        elif start < 0 or text.find("\n", start, c.start) >= 0:
            return None
        m = SEGMENT_LABEL.fullmatch(text, start + 1, c.start)
        if m is None:
            return None
        a, b = m.span("label")
        words = m.group("label").split()
        if text[start] in ",(\n" and len(words) > 1:
            return None
        if finder.find(text, a, b) or self.roles.timepoints(text, a, b) \
                or all(w.lower() in self.roles.label_words for w in words):
            return None
        return Span(a, b, m.group("label"))

    def _listed_before(self, text: str, c: Candidate, sentence: tuple[int, int], peers: Sequence[Candidate],
                       block: Block, finder: MeasureFinder) -> tuple[int, int, list[Span]] | None:
        """A "respectively" whose groups were listed in a sentence before ("… two saline patients
        withdrew. Week-52 data were available for 34 and 33 patients, respectively."): the
        nearest list of as many groups in the paragraph, up to ``RESPECTIVELY_REACH`` back."""
        marker = self.roles.respectively.search(text, c.end, sentence[1])
        if marker is None:
            return None
        values = [p for p in peers if p.end <= marker.start()]
        if not values or len(finder.find(text, sentence[0], values[0].start)) >= 2:
            return None  # "mean ODI and VAS in the MSC group were 22.4 and 3.0, respectively": measures
        lo = max(block.start, sentence[0] - RESPECTIVELY_REACH)
        lists = [items for m in self.roles.arm_list_sentence.finditer(text, lo, sentence[0])
                 if (items := self.roles._items(m, 0)) and len(items) == len(values)]
        if not lists:
            return None
        listed = (sentence[0], marker.start(), lists[-1])
        return listed if self._names_groups(text, listed, values, finder) else None

    def _names_groups(self, text: str, listed: tuple[int, int, list[Span]], peers: Sequence[Candidate],
                      finder: MeasureFinder) -> bool:
        """Whether a list met before the values of a "respectively" names their groups: as many
        values (or a multiple) follow it, and no item is a measure, a time or a number."""
        lo, hi, items = listed
        values = [p for p in peers if lo <= p.start and p.end <= hi]
        if regex.match(r"\s*(?:et\s+al\.?\s*)?\(?(?:19|20)\d\d\b", text[items[-1].end:items[-1].end + 20]):
            return False  # "Yoon and Park (2021)": authors, not groups
        return bool(values) and len(values) % len(items) == 0 and not any(
            finder.find(text, i.start, i.end) or self.roles.timepoints(text, i.start, i.end)
            or regex.search(r"\d", i.text) or NUMBER_WORD.fullmatch(i.text.split()[0]) for i in items)

    def _table_arm(self, text: str, c: Candidate, place: TablePlace, finder: MeasureFinder) -> Span | None:
        """A table value's group: its place in a list the column header gives ("Patients,
        active/control" over "30/28"), the label before it in its own cell ("PRP (32) vs
        contrast agent (31)"), else the row header, label cells, column header or own cell that
        names one."""
        cell = place.cell
        if cell is not None and place.column_header is not None \
                and (items := self.roles.header_items(text, place.column_header)) is not None:
            index = self.roles.list_position(text, cell, c.start, c.end, len(items))
            if index is not None:
                return items[index]
        if cell is not None:
            for own in (self.roles.label_before(text, c.start, c.end, cell.start),
                        self.roles.label_in_brackets(text, c.end, cell.end)):
                if own is not None and not finder.find(text, own.start, own.end) \
                        and not self.roles.timepoints(text, own.start, own.end):
                    return own
        if self.roles.is_study(place.row_header, text):
            # a review's row of one study: its dose is the study's; a count or score may sit in a
            # column of one group ("PRP total", "Control")
            header = place.column_header
            if c.field != "dose" and header is not None:
                taken = [(m.start, m.end) for m in finder.find(text, header.start, header.end)]
                taken += [(i.start, i.end) for i in self.roles.header_items(text, header) or ()]
                if self.roles.names_arm(text, header, taken):
                    return Span(header.start, header.end, header.text)
            return Span(place.row_header.start, place.row_header.end, place.row_header.text)
        codes = place.corner is not None and bool(GROUP_WORD.search(place.corner.text))
        if codes and place.row_header is not None and (named := self._coded_group(text, place)) is not None:
            return named
        labels = [cell for cell in place.row_labels if not regex.match(r"\s*[\d.,–-]", cell.text)]  # not "15 × 10⁶ per level"
        for cell in (place.row_header, *labels, place.column_header, place.cell):
            if cell is None:
                continue
            taken = [(m.start, m.end) for m in finder.find(text, cell.start, cell.end)] + [(c.start, c.end)]
            if cell is place.row_header and len(taken) > 1 and place.column_header is not None:
                # a row of one measure: "ODI, cells" names its group after the comma; "VAS low back
                # pain, mm, Mean (SD)" names none, and the column does
                part = next((p for p in _comma_parts(text, cell) if not finder.find(text, p.start, p.end)
                             and self.roles.names_arm(text, Cell(p.start, p.end, p.text), [])), None)
                if part is not None:
                    return part
                continue
            if self.roles.names_arm(text, cell, taken, codes=codes and cell is place.row_header):
                return Span(cell.start, cell.end, cell.text)
        return None

    def _coded_group(self, text: str, place: TablePlace) -> Span | None:
        """A row headed by a bare number under a "Cohort" or "Group" column ("| 1 | 1 × 10^6 | 3 |"):
        the group is where the text names it in full ("cohort 1"), the nearest mention before the
        table, else the first after it."""
        code = place.row_header.text.strip()
        word = GROUP_WORD.search(place.corner.text)
        if not regex.fullmatch(r"\p{N}{1,2}", code):  # a letter code names its group itself ("A", "C1")
            return None
        stem = regex.escape(word.group().rstrip("sS"))
        mentions = self._sentence(f"coded {stem} {code}", text, (0, len(text)), lambda t, *_: list(
            regex.finditer(rf"\b{stem}s?\s+{regex.escape(code)}\b", t, regex.I)))  # once per document
        before = [m for m in mentions if m.end() <= place.row_header.start]
        m = before[-1] if before else (mentions[0] if mentions else None)
        return Span(m.start(), m.end(), m.group()) if m is not None else None

    def _nearest_entity(self, entities: list[Entity], starts: list[int], types: tuple[str, ...], c: Candidate,
                        sentence: tuple[int, int], block: Block | None) -> Entity | None:
        """The nearest entity of these types in the sentence, else the last one before it in its block."""
        inside = _between(entities, starts, sentence[0], sentence[1])
        spans = [e for e in inside if e.type in types]
        own = [e for e in spans if c.start <= e.start and e.end <= c.end]  # "2 × 10^7 MSCs per disc"
        best = own[0] if own else nearest(spans, c.start, c.end)  # type: ignore[arg-type]
        if best is None and block is not None:
            earlier = [e for e in _between(entities, starts, block.start, sentence[0]) if e.type in types]
            best = earlier[-1] if earlier else None
        return best  # type: ignore[return-value]

    def _population(self, entities: list[Entity], starts: list[int], c: Candidate,
                    sentence: tuple[int, int]) -> Entity | None:
        """Who was counted: a species or population word inside or right after the count
        ("26 patients", "n = 12 sheep"), else the nearest species or condition in the sentence."""
        inside = _between(entities, starts, sentence[0], sentence[1])
        close = [e for e in inside if e.type == "species" and c.start <= e.start <= c.end + POPULATION_REACH]
        condition = nearest([e for e in inside if e.type == "disease"], c.start, c.end)  # type: ignore[arg-type]
        if condition is not None and (not close or close[0].id == HUMANS):
            return condition  # "26 patients with chronic discogenic low back pain": who they are is the condition
        if close:
            return close[0]
        return nearest([e for e in inside if e.type in ("species", "disease")], c.start, c.end)  # type: ignore[return-value]

    def _link(self, role: str, span: Span, entities: list[Entity], starts: list[int]) -> Link:
        """A link to ``span``, with the id of the entity it names (the longest inside it)."""
        inside = [e for e in _between(entities, starts, span.start, span.end) if e.end <= span.end]
        named = max(inside, key=lambda e: e.end - e.start) if inside else None
        return Link(role, span.text, span.start, span.end, named.id if named else None, named.name if named else None)


def _comma_parts(text: str, cell) -> list[Span]:
    """The parts of a header cell between commas: "ODI, cells" -> ODI, cells."""
    parts, pos = [], cell.start
    for stop in [*(m.start() for m in regex.finditer(",", text[cell.start:cell.end])), cell.end - cell.start]:
        a, b = pos, cell.start + stop
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            parts.append(Span(a, b, text[a:b]))
        pos = cell.start + stop + 1
    return parts


def _short_line(text: str, c: Candidate) -> tuple[int, int] | None:
    """The line holding a value, if shorter than ``ROW_LINE_MAX`` (a table's row, a registry's
    line of values); ``None`` for a long line, which is prose."""
    start = text.rfind("\n", max(0, c.start - ROW_LINE_MAX), c.start) + 1
    end = text.find("\n", c.end, c.end + ROW_LINE_MAX)
    if end < 0 and len(text) - c.end < ROW_LINE_MAX:
        end = len(text)
    if (start == 0 and c.start > ROW_LINE_MAX) or end < 0 or end - start >= ROW_LINE_MAX:
        return None
    return start, end


def _line_starts_back(text: str, lo: int, line_start: int):
    """The starts of the lines above ``line_start``, nearest first, down to offset ``lo``."""
    end = line_start - 1
    while end > lo:
        start = text.rfind("\n", lo, end) + 1
        if start <= lo:
            return
        yield start
        end = start - 1


def _in_order(c: Candidate, values: list[Candidate], items: list[Span]) -> Span | None:
    """The item of a "respectively" list that value ``c`` takes: values and items pair in order
    (two measures over three groups: the sixth value is the third group's)."""
    k = len(items)
    if len(values) % k:
        values = values[-k:]
    for i, v in enumerate(values):
        if v is c:
            return items[i % k]
    return None


def _next_to(text: str, span: Span, c: Candidate) -> bool:
    """Whether a phrase stands right by a value, in its clause ("in the saline group, 12 …")."""
    gap = (span.end, c.start) if span.end <= c.start else (c.end, span.start)
    return gap[1] - gap[0] <= 25 and not CLAUSE_BREAK.search(text, *gap)


def _between(entities: list[Entity], starts: list[int], start: int, end: int) -> list[Entity]:
    return entities[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]


def _block_at(document: Document, offset: int) -> Block | None:
    for block in document.blocks:
        if block.start <= offset < block.end:
            return block
    return None
