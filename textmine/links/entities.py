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

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import regex

from textmine.document import Document
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
    """The lexicon's concepts found in text; built once (the matcher compiles the lexicon)."""

    def __init__(self, directory: Path | None = None, concepts: list[Concept] | None = None) -> None:
        self.concepts = load_lexicon(directory) if concepts is None else concepts
        self.by_id = {c.id: c for c in self.concepts}
        self._known_forms = {s for c in self.concepts for s in c.synonyms}
        self._nlp = None
        self._matcher = None

    def _build(self) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self._nlp = spacy.blank("en")
        self._nlp.max_length = 5_000_000
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        for concept in self.concepts:
            forms = set(concept.synonyms)
            # a plural "s" on the last word; not on one- or two-letter forms ("ha" + "s" is "has")
            forms |= {s + "s" for s in concept.synonyms if len(s) > 2 and s[-1:].isalpha() and not s.endswith("s")}
            self._matcher.add(concept.id, list(self._nlp.tokenizer.pipe(sorted(forms))))

    def find_in(self, text: str, start: int = 0, end: int | None = None) -> list[Entity]:
        """Entities in ``text[start:end]``, with offsets into ``text``."""
        if not self.concepts:
            return []
        if self._matcher is None:
            self._build()
        end = len(text) if end is None else end
        doc = self._nlp.make_doc(text[start:end])
        spans = sorted(((s, e, key) for key, s, e in self._matcher(doc)), key=lambda t: (-(t[1] - t[0]), t[0]))
        taken = [False] * len(doc)
        out = []
        for s, e, key in spans:  # the longest first; a token belongs to one entity
            if any(taken[s:e]):
                continue
            taken[s:e] = [True] * (e - s)
            concept = self.by_id[self._nlp.vocab.strings[key]]
            a, b = start + doc[s].idx, start + doc[e - 1].idx + len(doc[e - 1].text)
            out.append(Entity(a, b, text[a:b], concept.id, concept.name, concept.type))
        return sorted(out, key=lambda x: x.start)

    def find(self, document: Document, abbreviations: Iterable = (), spans: Iterable[tuple[int, int]] | None = None
             ) -> list[Entity]:
        """Entities of a document (or of the given spans of it): lexicon matches, plus every use
        of a short form whose definition's long form names a concept."""
        text = document.text
        regions = [(b.start, b.end) for b in document.blocks if b.kind != "references"] if spans is None else list(spans)
        found: list[Entity] = []
        for s, e in regions:
            found += self.find_in(text, s, e)
        short_forms: dict[str, Entity] = {}
        for a in abbreviations:
            named = [x for x in self.find_in(a.long) if x.end - x.start >= 0.6 * len(a.long.strip())]
            if named and self.by_id.get(named[-1].id) and a.short.lower() not in self._known_forms:
                short_forms[a.short] = named[-1]
        if short_forms:
            pattern = regex.compile(r"(?<![\w-])(?:" + "|".join(regex.escape(k) for k in
                                                           sorted(short_forms, key=len, reverse=True)) + r")(?![\w-])")
            taken = [(x.start, x.end) for x in found]
            for s, e in regions:
                for m in pattern.finditer(text, s, e):
                    if any(a < m.end() and m.start() < b for a, b in taken):
                        continue
                    concept = short_forms[m.group()]
                    found.append(Entity(m.start(), m.end(), m.group(), concept.id, concept.name, concept.type))
        return sorted(found, key=lambda x: (x.start, x.end))
