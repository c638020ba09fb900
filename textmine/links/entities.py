"""Entities with ontology ids: the domain lexicon (``patterns/entities/*.jsonl``) matched with
spaCy's ``PhraseMatcher``, and abbreviations the paper defines carried to every later use.

Each lexicon line is one concept::

    {"id": "MESH:D055959", "name": "Intervertebral Disc Degeneration", "type": "disease",
     "synonyms": ["disc degeneration", "ddd", ...], "evidence": "<where the id was checked>"}

Matching is on lower-cased tokens of spaCy's tokenizer (a blank English pipeline, nothing to
download), a plural "s" is allowed on the last token, and of overlapping matches the longest
wins. A definition such as "adipose tissue-derived MSCs (AT-MSCs)" makes every later
"AT-MSCs" the entity its long form names.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import regex

from textmine.document import Document
from textmine.regex_cache import longest_first
from textmine.rulebook import PatternError, patterns_dir

TYPES = ("disease", "cell", "intervention", "measure", "species", "anatomy")
ID_PREFIXES = ("MESH:", "MONDO:", "CL:", "NCBITaxon:", "UBERON:")


@dataclass(frozen=True)
class Concept:
    id: str
    name: str
    type: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Entity:
    """One mention of a concept in a document."""

    start: int
    end: int
    text: str
    id: str
    name: str
    type: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "id": self.id, "name": self.name,
                "type": self.type}


NOT_ENTITY = "NOT_ENTITY"
MAX_ENTITY_CHARS = 200  # no lexicon match is longer: how far back to look for one inside a variant


def _not_entities(directory: Path | None = None) -> set[str]:
    """The phrases of ``patterns/entities/not_entities.json``: they hold a concept's name but are
    not the concept."""
    path = (directory or patterns_dir()) / "entities" / "not_entities.json"
    if not path.is_file():
        return set()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {p.strip().lower() for p in data["phrases"] if p.strip()}
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise PatternError(f"{path}: {exc.__class__.__name__}: {exc}") from None


def load_lexicon(directory: Path | None = None) -> list[Concept]:
    """Every concept of ``patterns/entities/*.jsonl``, validated (errors name the file and line)."""
    folder = (directory or patterns_dir()) / "entities"
    concepts: list[Concept] = []
    owner: dict[str, str] = {}
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PatternError(f"{where}: not JSON ({exc.msg})") from None
            missing = {"id", "name", "type", "synonyms"} - set(data)
            if missing:
                raise PatternError(f"{where}: missing {sorted(missing)}")
            if not str(data["id"]).startswith(ID_PREFIXES):
                raise PatternError(f"{where}: id {data['id']!r} is not one of {ID_PREFIXES}")
            if data["type"] not in TYPES:
                raise PatternError(f"{where}: type {data['type']!r} is not one of {TYPES}")
            synonyms = tuple(dict.fromkeys(s.strip().lower() for s in [data["name"], *data["synonyms"]] if s.strip()))
            for s in synonyms:
                if s in owner and owner[s] != data["id"]:
                    raise PatternError(f"{where}: synonym {s!r} is already {owner[s]}")
                owner[s] = data["id"]
            concepts.append(Concept(data["id"], data["name"], data["type"], synonyms))
    return concepts


class EntityRecognizer:
    """The lexicon's concepts found in text; built once (the matcher compiles the lexicon).

    With ``normalise`` (the default), variant wordings the lexicon does not list are linked too,
    through ``textmine.links.knowledge``: against the lexicon and any extra knowledge-base entities
    (``kb``, e.g. from ``textmine kb build``)."""

    def __init__(self, directory: Path | None = None, concepts: list[Concept] | None = None,
                 kb: list | None = None, normalise: bool = True) -> None:
        self.directory = directory
        self.concepts = load_lexicon(directory) if concepts is None else concepts
        self.by_id = {c.id: c for c in self.concepts}
        for e in kb or ():  # the lexicon's own name and type win over a knowledge base's
            if e.concept_id not in self.by_id:
                self.by_id[e.concept_id] = Concept(e.concept_id, e.canonical_name, (e.types or ["other"])[0], ())
        self._kb = list(kb or ())
        self.normalise = normalise
        self._known_forms = {s for c in self.concepts for s in c.synonyms}
        self._lexicon_ids = {c.id for c in self.concepts}
        self._nlp = None
        self._matcher = None
        self._normaliser = None

    @property
    def normaliser(self):
        if self._normaliser is None:
            from textmine.links.knowledge import KnowledgeIndex, Normaliser, Settings, lexicon_entities

            index = KnowledgeIndex(lexicon_entities(self.concepts) + self._kb, Settings.load(self.directory))
            self._normaliser = Normaliser(index)
        return self._normaliser

    def _build(self) -> None:
        from spacy.matcher import PhraseMatcher

        from textmine.pipeline.spacy_base import blank_english

        self._nlp = blank_english()
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        blocked = _not_entities(self.directory)
        if blocked:
            self._matcher.add(NOT_ENTITY, list(self._nlp.tokenizer.pipe(sorted(blocked | {b + "s" for b in blocked}))))
        for concept in self.concepts:
            forms = set(concept.synonyms)
            # a plural "s" on the last word; not on one- or two-letter forms ("ha" + "s" is "has")
            forms |= {s + "s" for s in concept.synonyms if len(s) > 2 and s[-1:].isalpha() and not s.endswith("s")}
            self._matcher.add(concept.id, list(self._nlp.tokenizer.pipe(sorted(forms))))

    def find_in(self, text: str, start: int = 0, end: int | None = None) -> list[Entity]:
        """Entities in ``text[start:end]``, with offsets into ``text``."""
        return self._match(text, start, end)[0]

    def _match(self, text: str, start: int = 0, end: int | None = None) -> tuple[list[Entity], list[tuple[int, int]]]:
        """Lexicon entities in ``text[start:end]`` and the spans of not-entity phrases there."""
        if not self.concepts:
            return [], []
        if self._matcher is None:
            self._build()
        end = len(text) if end is None else end
        doc = self._nlp.make_doc(text[start:end])
        spans = sorted(((s, e, key) for key, s, e in self._matcher(doc)), key=lambda t: (-(t[1] - t[0]), t[0]))
        taken = [False] * len(doc)
        out, blocked = [], []
        for s, e, key in spans:  # the longest first; a token belongs to one entity
            if any(taken[s:e]):
                continue
            taken[s:e] = [True] * (e - s)
            a, b = start + doc[s].idx, start + doc[e - 1].idx + len(doc[e - 1].text)
            if self._nlp.vocab.strings[key] == NOT_ENTITY:
                blocked.append((a, b))  # "disc height index": its words are taken, nothing is reported
                continue
            concept = self.by_id[self._nlp.vocab.strings[key]]
            out.append(Entity(a, b, text[a:b], concept.id, concept.name, concept.type))
        return sorted(out, key=lambda x: x.start), blocked

    def find(self, document: Document, abbreviations: Iterable = (), spans: Iterable[tuple[int, int]] | None = None
             ) -> list[Entity]:
        """Entities of a document (or of the given spans of it): lexicon matches, plus every use
        of a short form whose definition's long form names a concept."""
        text = document.text
        regions = [(b.start, b.end) for b in document.blocks if b.kind != "references"] if spans is None else list(spans)
        found: list[Entity] = []
        blocked: list[tuple[int, int]] = []
        for s, e in regions:
            entities, stopped = self._match(text, s, e)
            found += entities
            blocked += stopped
        if self.normalise:
            found = self._with_variants(text, regions, found, blocked)
        short_forms: dict[str, Entity] = {}
        abbreviations = [a for a in abbreviations if a.short.lower() not in self._known_forms]
        # the long forms, one per line of one text: a single pass of the matcher and the normaliser
        longs = "\n".join(a.long for a in abbreviations)
        bounds, at = [], 0
        for a in abbreviations:
            bounds.append((at, at + len(a.long)))
            at += len(a.long) + 1
        named_all, stopped_all = [], []
        for s, e in bounds:
            named, stopped = self._match(longs, s, e)
            named_all += named
            stopped_all += stopped
        if self.normalise and bounds:
            named_all = self._with_variants(longs, bounds, named_all, stopped_all)
        for a, (s, e) in zip(abbreviations, bounds):
            named = [x for x in named_all if s <= x.start and x.end <= e and x.end - x.start >= 0.6 * len(a.long.strip())]
            if named and self.by_id.get(named[-1].id):
                short_forms[a.short] = named[-1]
        if short_forms:
            pattern = regex.compile(r"(?<![\w-])(?:" + "|".join(regex.escape(k) for k in
                                                           longest_first(short_forms)) + r")(?![\w-])")
            taken = [(x.start, x.end) for x in found]
            for s, e in regions:
                for m in pattern.finditer(text, s, e):
                    if any(a < m.end() and m.start() < b for a, b in taken):
                        continue
                    concept = short_forms[m.group()]
                    found.append(Entity(m.start(), m.end(), m.group(), concept.id, concept.name, concept.type))
        return sorted(found, key=lambda x: (x.start, x.end))

    def _with_variants(self, text: str, regions: list[tuple[int, int]], found: list[Entity],
                       blocked: list[tuple[int, int]] = ()) -> list[Entity]:
        """Lexicon matches plus the normaliser's: a variant replaces the matches it contains
        ("lower-back pain" over "back pain"); one that cuts across a lexicon match, or touches a
        not-entity phrase, is dropped."""
        found = sorted(found, key=lambda x: x.start)
        starts = [x.start for x in found]
        blocked = sorted(blocked)
        blocked_starts = [a for a, _ in blocked]
        dropped: set[int] = set()  # indexes into found of lexicon matches a variant replaces
        added: list[Entity] = []
        for m in self.normaliser.find(text, regions):  # matches do not overlap one another
            if m.id in self._lexicon_ids and not regex.search(r"[\s\-/–]", m.text):
                continue  # one word of a lexicon concept is the matcher's to find ("adult" is not "adults")
            i = bisect.bisect_left(blocked_starts, m.end)
            if i and blocked[i - 1][1] > m.start or any(a < m.end and m.start < b for a, b in blocked[max(0, i - 3):i]):
                continue
            lo, hi = bisect.bisect_left(starts, m.start - MAX_ENTITY_CHARS), bisect.bisect_left(starts, m.end)
            inside = [j for j in range(lo, hi) if found[j].end > m.start]
            if any(found[j].start < m.start or found[j].end > m.end for j in inside):
                continue
            if any(found[j].start == m.start and found[j].end == m.end for j in inside):
                continue
            concept = self.by_id[m.id]
            dropped.update(inside)
            added.append(Entity(m.start, m.end, m.text, concept.id, concept.name, concept.type))
        out = [x for j, x in enumerate(found) if j not in dropped] + added
        return sorted(out, key=lambda x: (x.start, x.end))
