"""A knowledge base of concepts and the normaliser that links variant wordings to it.

The lexicon (``patterns/entities/*.jsonl``), or a knowledge base built from a MeSH descriptor file
(``textmine kb build``), becomes a ``scispacy.linking_utils.KnowledgeBase``. Its aliases, in a
normal form (lower case, hyphens as spaces, plurals and common suffixes cut: "lower-back pains"
and "low back pain" meet), are embedded as character 3-gram TF-IDF vectors in an nmslib index
that we build here, and scispaCy's ``CandidateGenerator`` searches it. (scispaCy's own
``create_tfidf_ann_index`` drops aliases of a small knowledge base, ``min_df=10``, and insists on
an old scipy; its linker pipe downloads UMLS. Neither is used.)

``Normaliser.find`` proposes phrases that end in the last word of some alias and keeps the best
concept of each when its similarity reaches the configured threshold (``patterns/normalise.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

import regex

from textmine.errors import InputError
from textmine.links.roles import NUMBER_WORD
from textmine.regex_cache import longest_first
from textmine.rulebook import PatternError, load_json

EXACT_INDEX_LIMIT = 50_000  # aliases; above this (a full MeSH) the index is approximate (HNSW), built when first used
WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’]*(?:[-/‐‑–][\p{L}\p{N}][\p{L}\p{N}'’]*)*")


@dataclass(frozen=True)
class Settings:
    min_similarity: float
    neighbours: int
    max_words: int
    min_words: int
    suffixes: tuple[str, ...]
    min_stem: int
    stop_words: frozenset[str]
    distinguishing: frozenset[str] = frozenset()

    @classmethod
    def load(cls, directory: Path | None = None) -> "Settings":
        raw = load_json("normalise.json", directory)
        where = "normalise.json"
        try:
            settings = cls(float(raw["min_similarity"]), int(raw["neighbours"]), int(raw["max_words"]),
                           int(raw["min_words"]), tuple(longest_first(raw["suffixes"])),
                           int(raw["min_stem"]), frozenset(w.lower() for w in raw["stop_words"]))
            settings = replace(settings, distinguishing=frozenset(
                normal_form(w, settings) for w in raw.get("distinguishing_words", [])))
        except (KeyError, TypeError, ValueError) as exc:
            raise PatternError(f"{where}: {exc.__class__.__name__}: {exc}") from None
        if not 0 < settings.min_similarity <= 1:
            raise PatternError(f"{where}: min_similarity must be in (0, 1], not {settings.min_similarity}")
        return settings


def normal_form(text: str, settings: Settings) -> str:
    """"Lower-Back Pains" -> "low back pain": the form aliases and phrases are compared in."""
    words = []
    for word in regex.split(r"[\s\-/–—_]+", text.lower()):
        word = regex.sub(r"[^\p{L}\p{N}]", "", word)
        if not word:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
        for suffix in settings.suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= settings.min_stem:
                word = word[: -len(suffix)]
                break
        words.append(word)
    return " ".join(words)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    id: str
    similarity: float


class KnowledgeIndex:
    """A scispaCy KnowledgeBase with a TF-IDF index over its aliases' normal forms."""

    def __init__(self, entities: Iterable, settings: Settings) -> None:
        from scispacy.candidate_generation import CandidateGenerator
        from scispacy.linking_utils import Entity, KnowledgeBase

        self.settings = settings
        keyed = []
        for e in entities:
            forms = sorted({normal_form(a, settings) for a in [e.canonical_name, *e.aliases]} - {""})
            keyed.append(Entity(e.concept_id, e.canonical_name, forms, list(e.types), e.definition))
        self.kb = KnowledgeBase(keyed)
        self.aliases = sorted(self.kb.alias_to_cuis)
        # the last word of every alias: a phrase is a candidate only if it ends in one
        self.heads = frozenset(a.rsplit(" ", 1)[-1] for a in self.aliases)
        # the aliases a phrase could cover, by the key of each of their words: a phrase is sent to
        # the index only if it holds every word of some alias that has its last word
        self.alias_keys: dict[str, set[frozenset[str]]] = {}
        for alias in self.aliases:
            keys = frozenset(_key(w) for w in alias.split())
            for k in keys:
                self.alias_keys.setdefault(k, set()).add(keys)
        self.vectorizer, index = _build_index(self.aliases)
        self.generator = CandidateGenerator(index, self.vectorizer, self.aliases, self.kb)

    def best(self, phrases: list[str]) -> list[tuple[str, float] | None]:
        """The best concept and its similarity for each phrase (already in normal form)."""
        out: list[tuple[str, float] | None] = [None] * len(phrases)
        todo = []
        for i, p in enumerate(phrases):
            cuis = self.kb.alias_to_cuis.get(p)
            if cuis and len(cuis) == 1:
                out[i] = (next(iter(cuis)), 1.0)
            else:
                todo.append(i)
        if todo:
            for i, candidates in zip(todo, self.generator([phrases[i] for i in todo], self.settings.neighbours)):
                fits = [(c.concept_id, [sim for alias, sim in zip(c.aliases, c.similarities)
                                        if _covers(phrases[i], alias, self.settings.distinguishing)]) for c in candidates]
                scored = sorted(((max(sims), cid) for cid, sims in fits if sims), key=lambda t: (-t[0], t[1]))
                # two concepts equally close is no answer
                if scored and (len(scored) == 1 or scored[0][0] > scored[1][0] + 1e-6):
                    out[i] = (scored[0][1], float(scored[0][0]))
        return out


def _key(word: str) -> str:
    return word[:5]


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 5 and a[:5] == b[:5] and abs(len(a) - len(b)) <= 3)


def _covers(phrase: str, alias: str, distinguishing: frozenset[str] = frozenset()) -> bool:
    """Whether a phrase can mean an alias it resembles: every word of the alias is in the phrase
    (modifiers may be added: "chronic discogenic low back pain"), and the phrase's last word is
    one of the alias's ("porcine lumbar disc" is a disc, not a pig). Words match when equal or
    sharing their first five letters ("analog"/"analogu")."""
    words, alias_words = phrase.split(), alias.split()
    if any(w in distinguishing and w not in alias_words for w in words):
        return False  # "nucleus pulposus progenitor cells" are not nucleus pulposus cells
    return all(any(_same_word(a, w) for w in words) for a in alias_words) and \
        any(_same_word(words[-1], a) for a in alias_words)


def _build_index(aliases: list[str]):
    import nmslib
    from sklearn.feature_extraction.text import TfidfVectorizer
    import numpy

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=1, dtype=numpy.float32)
    vectors = vectorizer.fit_transform(aliases)
    exact = len(aliases) <= EXACT_INDEX_LIMIT
    index = nmslib.init(method="seq_search" if exact else "hnsw", space="cosinesimil_sparse",
                        data_type=nmslib.DataType.SPARSE_VECTOR)
    index.addDataPointBatch(vectors)
    index.createIndex({} if exact else {"M": 30, "efConstruction": 200, "post": 0, "indexThreadQty": 2},
                      print_progress=False)
    if not exact:
        index.setQueryTimeParams({"efSearch": 200})
    return vectorizer, index


class Normaliser:
    """Finds variant wordings of a knowledge base's concepts in text."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self.settings = index.settings
        self._forms: dict[str, str] = {}  # word -> its normal form (words repeat: this is most of the work)

    def _form(self, word: str) -> str:
        form = self._forms.get(word)
        if form is None:
            if len(self._forms) > 200_000:
                self._forms.clear()
            form = self._forms[word] = normal_form(word, self.settings)
        return form

    def _worth_asking(self, words: list[str]) -> bool:
        """Whether some alias could match: one whose words are all among the phrase's and that
        holds its last word (single words must be aliases exactly)."""
        if len(words) == 1:
            return words[0] in self.index.kb.alias_to_cuis
        keys = frozenset(_key(w) for w in words)
        return any(alias <= keys for alias in self.index.alias_keys.get(_key(words[-1]), ()))

    def phrases(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
        """Every run of 1..max_words content words in ``text[start:end]`` that ends in an alias's last word."""
        s = self.settings
        run: list[tuple[int, int, str]] = []  # the current run of content words: (start, end, normal form)
        last_end = start
        for m in WORD.finditer(text, start, end):
            gap = text[last_end:m.start()]
            word = m.group().lower()
            stop = word in s.stop_words or any(ch.isdigit() for ch in word) or NUMBER_WORD.fullmatch(word) is not None
            if stop or (run and not gap.isspace() and gap):
                run = []
            last_end = m.end()
            if stop:
                continue
            run.append((m.start(), m.end(), self._form(word)))
            if not run[-1][2] or run[-1][2].rsplit(" ", 1)[-1] not in self.index.heads:
                continue
            for k in range(1, min(s.max_words, len(run)) + 1):
                form = " ".join(w[2] for w in run[-k:])
                if self._worth_asking(form.split()):
                    yield run[-k][0], m.end(), form

    def _threshold(self, form: str) -> float:
        # a phrase shorter than min_words must be an alias exactly ("sciatica"), not merely close
        return self.settings.min_similarity if form.count(" ") + 1 >= self.settings.min_words else 1.0

    def find(self, text: str, regions: Iterable[tuple[int, int]]) -> list[Match]:
        """Non-overlapping matches at or above the threshold; of overlapping ones the longest wins."""
        spans = [p for s, e in regions for p in self.phrases(text, s, e)]
        if not spans:
            return []
        scored = self.index.best([p[2] for p in spans])
        hits = [Match(a, b, text[a:b], best[0], best[1]) for (a, b, form), best in zip(spans, scored)
                if best is not None and best[1] >= self._threshold(form)]
        hits.sort(key=lambda h: (-(h.end - h.start), -h.similarity, h.start))
        kept: list[Match] = []
        taken: set[int] = set()  # offsets already inside a kept match
        for h in hits:
            if not taken.intersection(range(h.start, h.end)):
                kept.append(h)
                taken.update(range(h.start, h.end))
        return sorted(kept, key=lambda h: h.start)


def lexicon_entities(concepts) -> list:
    """The lexicon's concepts as scispaCy KnowledgeBase entities."""
    from scispacy.linking_utils import Entity

    return [Entity(c.id, c.name, list(c.synonyms), [c.type]) for c in concepts]


def read_kb(path: Path) -> list:
    """A knowledge base written by ``textmine kb build`` (JSONL of scispaCy entities)."""
    from scispacy.linking_utils import Entity

    kb_file = path / "kb.jsonl" if path.is_dir() else path
    if not kb_file.is_file():
        raise InputError(str(path), "no knowledge base here (expected a folder with kb.jsonl, written by `textmine kb build`)")
    entities = []
    for n, line in enumerate(kb_file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            entities.append(Entity(data["concept_id"], data["canonical_name"], list(data.get("aliases", [])),
                                   list(data.get("types", [])), data.get("definition")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{kb_file}:{n}", f"not a knowledge-base entity ({exc.__class__.__name__}: {exc})") from None
    return entities
