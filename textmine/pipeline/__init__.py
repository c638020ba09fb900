"""The pipeline: document → sentences and abbreviations → extractors → mentions.

Build one ``Pipeline`` and reuse it: loading patterns and the spaCy components happens once.

>>> from textmine.parse import parse_text
>>> p = Pipeline()
>>> doc = parse_text("Twenty-six patients received 2 × 10^7 cells per disc.", "<example>")
>>> [(m.field, m.value, m.per) for m in p.run(doc)]
[('sample_size', 26, None), ('dose', 20000000.0, 'disc')]
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex
from pathlib import Path

from textmine.document import Document
from textmine.extractors import dose, follow_up, sample_size, score
from textmine.extractors.engine import Candidate, Region, resolve_overlaps, run_patterns, sentence_windows
from textmine.extractors.tables import TableReader
from textmine.links import Entity, Linker
from textmine.mentions import Link, Mention
from textmine.pipeline.abbreviations import Abbreviation, AbbreviationFinder
from textmine.pipeline.sentences import split_sentences
from textmine.pipeline.triggers import TriggerIndex
from textmine.rulebook import RuleBook
from textmine.values.numbers import fold, lower_folded

TEXT_BLOCKS = ("paragraph", "heading", "caption", "footnote")


@dataclass(frozen=True)
class PipelineConfig:
    """Every option of the pipeline, with its one default."""

    patterns_dir: Path | None = None  # None: the patterns shipped with textmine
    abbreviations: bool = True  # run scispaCy's abbreviation detector
    prefilter: bool = True  # search only sentences with a number and a trigger (same results, much faster)
    links: bool = True  # tie each value to its measure, timepoint, arm, population, intervention
    normalise: bool = True  # link entity wordings the lexicon does not list (TF-IDF over its aliases)


@dataclass
class Analysis:
    """What the pipeline found in one document."""

    mentions: list[Mention]
    abbreviations: list[Abbreviation] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)  # those of the blocks that hold values


class Pipeline:
    def __init__(self, config: PipelineConfig | None = None):
        self.config = config or PipelineConfig()
        self.book = RuleBook.load(self.config.patterns_dir)
        self.builders = {
            "sample_size": sample_size.build,
            "dose": dose.make_builder(self.book),
            "follow_up": follow_up.build,
            "score": score.make_builder(self.book),
        }
        self.tables = TableReader(self.book)
        self._abbreviations: AbbreviationFinder | None = None
        self._base_finder = score.MeasureFinder(self.book)
        self.triggers = TriggerIndex(self.book)
        self.linker = Linker(self.config.patterns_dir, normalise=self.config.normalise)

    @property
    def abbreviation_finder(self) -> AbbreviationFinder:
        if self._abbreviations is None:
            self._abbreviations = AbbreviationFinder()
        return self._abbreviations

    def run(self, document: Document) -> list[Mention]:
        return self.analyse(document).mentions

    def entities(self, document: Document, recognizer=None) -> list[Entity]:
        """Every entity of a whole document (not only where values are), with the abbreviations it
        defines carried to their long form's concept: what `textmine entities` lists and what
        the entity gold measures. ``recognizer`` replaces the pipeline's (one with a knowledge base)."""
        regions = [(b.start, b.end) for b in document.blocks if b.kind != "references"]
        abbreviations = self.abbreviation_finder.find(document.text, regions)
        return (recognizer or self.linker.entities).find(document, abbreviations)

    def analyse(self, document: Document) -> Analysis:
        text = document.text
        folded = fold(text)
        lowered = lower_folded(text, folded)  # prefilters run case-sensitively on this: much faster than IGNORECASE
        text_blocks = [b for b in document.blocks if b.kind in TEXT_BLOCKS]
        abbreviations: list[Abbreviation] = []
        finder = self._base_finder
        if self.config.abbreviations:
            abbreviations = self.abbreviation_finder.find(text, [(b.start, b.end) for b in text_blocks])
            aliases = {a.short: self.book.normalise_measure(a.long) for a in abbreviations}
            aliases = {k: v for k, v in aliases.items() if v and not self.book.normalise_measure(k)}
            if aliases:
                finder = score.MeasureFinder(self.book, aliases)

        def run_field(label: str, region: Region) -> list[Candidate]:
            return run_patterns(self.book, label, region, self.builders[label])

        candidates: list[Candidate] = []
        sentence_of: dict[int, tuple[int, int]] = {}
        previous = None
        for block in document.blocks:
            caption = ""
            if block.kind == "table" and previous is not None and previous.kind in ("caption", "heading", "paragraph"):
                caption = _table_title(text[previous.start:previous.end])
            previous = block
            if block.kind in TEXT_BLOCKS:
                region = Region(folded, block.start, block.end, tuple(split_sentences(text, block.start, block.end)))
                scan = self.triggers.scan(lowered, block.start, block.end, finder.words)
                numbers = scan.numbers
                if not numbers:
                    continue
                found = []
                for label in ("sample_size", "dose", "follow_up", "score"):
                    hits = scan.hits[label]
                    if label == "score" and hits:  # a measure carries over to the next sentences' values
                        hits = _with_following_sentences(region, hits, score.CARRY_SENTENCES)
                    if label == "score" and hits is not None and self.config.prefilter:
                        above = _header_lines_above(text, block.start)  # a flattened table's header line
                        if above < block.start and self.triggers.scan(lowered, above, block.start, finder.words).hits["score"]:
                            hits = sorted({*hits, *(s for s, _ in region.sentences)})
                    if self.config.prefilter:
                        windows = sentence_windows(region, numbers, hits) if hits is not None else None
                        starts = numbers if hits is None or label == "score" else _near(numbers, hits, TRIGGER_REACH)
                        labelled = Region(folded, block.start, block.end, region.sentences, windows, tuple(starts), lowered)
                    else:
                        labelled = region
                    if label == "score":
                        found += score.assign_measures(run_field(label, labelled), region, finder)
                    elif label == "sample_size":
                        counts = run_field(label, labelled)
                        counts += sample_size.list_items(counts, region, self.book.macros)
                        counts = sample_size.event_clauses(counts, region, self.book.macros)
                        found += counts + sample_size.parts_of_totals(counts, labelled, self.book.macros)
                    elif label == "dose":
                        doses = run_field(label, labelled)
                        found += doses + dose.list_items(doses, region, self.book.macros)
                    else:
                        found += run_field(label, labelled)
                for c in found:
                    sentence_of[id(c)] = region.sentence_of(c.start)
                candidates += found
            elif block.kind == "table":
                found = self.tables.read(text, folded, block, run_field, finder, caption)
                for c in found:
                    sentence_of[id(c)] = _row_of(block, c.start)
                candidates += found
        candidates = _last_sacrifice_only(resolve_overlaps(candidates), document)
        entities: list[Entity] = []
        if self.config.links and candidates:
            entities = self.linker.document_entities(document, abbreviations, _value_blocks(document, candidates))
            starts = [e.start for e in entities]
            peers: dict[tuple, list[Candidate]] = {}
            for c in sorted(candidates, key=lambda c: c.start):
                peers.setdefault((c.field, sentence_of[id(c)]), []).append(c)
            links = {id(c): self.linker.links(document, c, sentence_of[id(c)], finder, entities, starts,
                                              peers[(c.field, sentence_of[id(c)])]) for c in candidates}
        else:
            links = {}
        mentions = [self._mention(document, c, sentence_of[id(c)], links.get(id(c), ())) for c in candidates]
        mentions.sort(key=lambda m: (m.start, m.end, m.field))
        return Analysis(mentions, abbreviations, entities)

    def _mention(self, document: Document, c: Candidate, sentence: tuple[int, int],
                 links: tuple[Link, ...] = ()) -> Mention:
        v = c.values
        return Mention(
            doc=document.source, field=c.field, text=document.text[c.start:c.end], start=c.start, end=c.end,
            sentence=document.text[sentence[0]:sentence[1]], rule=c.rule, page=document.page_at(c.start),
            value=v.get("value"), low=v.get("low"), high=v.get("high"),
            unit=v.get("unit"),
            per=v.get("per"), measure=v.get("measure"), before=v.get("before"), after=v.get("after"),
            sd=v.get("sd"), before_sd=v.get("before_sd"), after_sd=v.get("after_sd"),
            links=links,
        )


def _value_blocks(document: Document, candidates: list[Candidate]) -> list[tuple[int, int]]:
    """The blocks that hold values, and the block before each (a table's title, the sentence
    that names the cells given): where their links may point."""
    wanted: set[int] = set()
    starts = [b.start for b in document.blocks]
    for c in candidates:
        i = bisect.bisect_right(starts, c.start) - 1
        if i >= 0:
            wanted.update((i - 1, i) if i > 0 else (i,))
    return [(document.blocks[i].start, document.blocks[i].end) for i in sorted(wanted)
            if document.blocks[i].kind != "references"]


SACRIFICE_RULE = "fu.sacrificed"
TRIGGER_REACH = 120  # an anchored match of sample size, dose or follow-up starts this close to one of its trigger words


def _near(numbers: list[int], hits: list[int], reach: int) -> list[int]:
    """The numbers within ``reach`` characters of a trigger hit (both lists sorted)."""
    out, j = [], 0
    for n in numbers:
        while j < len(hits) and hits[j] < n - reach:
            j += 1
        if j < len(hits) and hits[j] <= n + reach:
            out.append(n)
    return out


def _last_sacrifice_only(candidates: list[Candidate], document: Document) -> list[Candidate]:
    """Of several sacrifice times in one paragraph, only the last is the follow-up (the others are timepoints)."""
    last: dict[int, float] = {}
    for c in candidates:
        if c.rule == SACRIFICE_RULE:
            block = _block_index(document, c.start)
            last[block] = max(last.get(block, 0), c.values.get("value") or 0)
    if not last:
        return candidates
    return [c for c in candidates
            if c.rule != SACRIFICE_RULE or (c.values.get("value") or 0) >= last[_block_index(document, c.start)]]


def _block_index(document: Document, offset: int) -> int:
    for i, block in enumerate(document.blocks):
        if block.start <= offset <= block.end:
            return i
    return -1


def _header_lines_above(text: str, start: int) -> int:
    """Where the contiguous non-blank lines right above ``start`` begin (at most
    ``score.FLAT_HEADER_LINES`` of them): where a flattened table's header may sit."""
    pos = text.rfind("\n", 0, start) + 1  # the start of the block's first line (it may be indented)
    for _ in range(score.FLAT_HEADER_LINES):
        line_start = text.rfind("\n", 0, max(pos - 1, 0)) + 1
        if pos <= 0 or not text[line_start:pos].strip():
            break
        pos = line_start
    return pos


def _with_following_sentences(region: Region, hits: list[int], n: int) -> list[int]:
    """Hits plus the start of the ``n`` sentences after each hit's sentence."""
    out = set(hits)
    for hit in hits:
        i = bisect.bisect_right(region.starts, hit) - 1
        out.update(region.sentences[j][0] for j in range(i + 1, min(len(region.sentences), i + 1 + n)))
    return sorted(out)


_TABLE_TITLE = regex.compile(r"^\W*(?:table|tab\.|figure|fig\.)\s*\d", regex.I)
_LEAD_IN = regex.compile(r"(?:^|(?<=[.!?]\s))[^.!?]*?:\s*$")  # "Findings. DHI, % of pre-injury (mean ± SD):"
TITLE_LENGTH = 160  # a line this short right above a table is its title


def _table_title(block_text: str) -> str:
    """The text above a table that may name what its cells hold: a "Table 2." title, a short
    line, or the sentence ending in a colon that introduces it."""
    stripped = block_text.strip()
    if _TABLE_TITLE.match(stripped) or len(stripped) <= TITLE_LENGTH:
        return stripped
    lead = _LEAD_IN.search(stripped)
    return lead.group() if lead else ""


def _row_of(block, offset: int) -> tuple[int, int]:
    for s, e in block.row_spans:
        if s <= offset <= e:
            return (s, e)
    return (block.start, block.end)


__all__ = ["Pipeline", "PipelineConfig", "Analysis", "Link"]
