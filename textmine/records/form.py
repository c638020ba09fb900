"""One paper's extraction form (issue [5/6]): study-level values reasoned from its mentions.

A curator's form is not the first match of each field. ``build_form`` reads all of a paper's
mentions and entities and decides:

- ``sample_size``: the study's enrolment — a count no group owns, in a sentence that says the
  participants were enrolled, randomised, treated … and not that they were screened, analysed or
  lost; the number most often given so, the earliest on a tie. Without one, the sum of the
  groups' counts, else the largest count no group owns;
- ``follow_up_months``: the longest follow-up stated (a mean's value, a range's upper end; a mean
  given with its range speaks for the whole study, over each patient's own);
- ``arms``: each group a value links to, with its count where one is given;
- ``doses`` and ``scores``: the mentions, as in the extract contract (each with its links);
- ``design``, ``population``, ``intervention`` (cell type or product, source, route) and
  ``comparator`` from the patterns of ``patterns/form.json`` and the paper's entities.

A review's form leaves the study-level fields (sample size, follow-up, arms, doses) empty: its
figures belong to the studies it discusses (``textmine extract`` lists them with their links).

Every filled field has ``evidence``: the mention(s) it came from, with offsets, page and sentence.
Where a field is not found it is ``None`` (or empty) — never guessed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import regex

from textmine.document import Document

from textmine.links.entities import Entity
from textmine.mentions import Mention
from textmine.pipeline.sentences import split_sentences
from textmine.rulebook import PatternError, patterns_dir
from textmine.values.numbers import parse_number

FORM_KEYS = ("doc", "title", "design", "sample_size", "follow_up_months", "arms", "doses", "scores",
             "population", "intervention", "comparator", "evidence")
HUMANS = "MESH:D006801"
ARM_NOISE = {"a", "an", "the", "group", "groups", "arm", "arms", "cohort"}  # words that do not tell groups apart
REVIEWS = ("systematic review and meta-analysis", "meta-analysis", "systematic review", "narrative review",
           "summary of several studies")  # designs whose figures are other studies'; their forms stay empty


@dataclass(frozen=True)
class FormRules:
    """The study-level patterns of ``patterns/form.json``."""

    design: tuple[tuple[str, regex.Pattern], ...]
    opening: int
    enrolled: regex.Pattern
    not_enrolled: regex.Pattern
    not_participants: regex.Pattern
    later: regex.Pattern
    allocated: regex.Pattern
    enrolled_subject: regex.Pattern
    cited: regex.Pattern
    per_group: regex.Pattern
    groups: regex.Pattern
    reviews_from: int
    comparator: regex.Pattern
    source: tuple[tuple[str, regex.Pattern], ...]
    route: tuple[tuple[str, regex.Pattern], ...]

    @classmethod
    def load(cls, directory: Path | None = None) -> "FormRules":
        path = (directory or patterns_dir()) / "form.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))

            def pairs(key: str) -> tuple[tuple[str, regex.Pattern], ...]:
                return tuple((label, regex.compile(p, regex.I)) for label, p in data[key])

            return cls(pairs("design"), int(data["opening"]), regex.compile(data["enrolled"], regex.I),
                       regex.compile(data["not_enrolled"], regex.I), regex.compile(data["not_participants"], regex.I),
                       regex.compile(data["later"], regex.I), regex.compile(data["allocated"], regex.I),
                       regex.compile(data["enrolled_subject"], regex.I), regex.compile(data["cited"], regex.I),
                       regex.compile(data["per_group"], regex.I), regex.compile(data["groups"], regex.I),
                       int(data["reviews_from"]),
                       regex.compile(data["comparator"], regex.I),
                       pairs("source"), pairs("route"))
        except OSError as exc:
            raise PatternError(f"{path}: cannot read: {exc.strerror}") from None
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, regex.error) as exc:
            raise PatternError(f"{path}: {exc.__class__.__name__}: {exc}") from None


def evidence_of(m: Mention) -> dict[str, Any]:
    """Where a value came from: what a curator needs to check it."""
    return {"field": m.field, "text": m.text, "start": m.start, "end": m.end, "page": m.page,
            "sentence": m.sentence, "rule": m.rule}


def _entity_evidence(e: Entity, document: Document) -> dict[str, Any]:
    return _match_evidence(document, "entity", e.start, e.end, f"entity:{e.id}")


def _match_evidence(document: Document, field: str, start: int, end: int, rule: str) -> dict[str, Any]:
    """Evidence of a value read from the text by a pattern of ``patterns/form.json`` or an entity."""
    return {"field": field, "text": document.text[start:end], "start": start, "end": end,
            "page": document.page_at(start), "sentence": _sentence_around(document, start), "rule": rule}


def _sentence_around(document: Document, start: int) -> str:
    """The sentence holding offset ``start``, by the pipeline's own splitter over its block."""
    block = next((b for b in document.blocks if b.start <= start < b.end), None)
    lo, hi = (block.start, block.end) if block is not None else (0, len(document.text))
    span = next(((a, b) for a, b in split_sentences(document.text, lo, hi) if a <= start < b), (lo, hi))
    return document.text[span[0]:span[1]]


def _title(document: Document) -> str | None:
    for block in document.blocks:
        if block.kind in ("heading", "paragraph", "caption"):
            line = document.text[block.start:block.end].strip().splitlines()[0].strip()
            return regex.sub(r"^#+\s*|\*\*", "", line).strip() or None
    return None


def _design(document: Document, rules: FormRules, entities: list[Entity]) -> tuple[str | None, dict | None]:
    text = document.text
    species = Counter(e.id for e in entities if e.type == "species")
    animal = next((sid for sid, _ in species.most_common() if sid != HUMANS), None)
    title = next((document.text[b.start:b.end] for b in document.blocks if b.kind in ("heading", "paragraph")), "")
    for region in (title, text[:rules.opening], text):
        for label, pattern in rules.design:
            m = pattern.search(region, 0, rules.reviews_from if label in REVIEWS + ("trial protocol",) else len(region))
            if m is None:  # a review is one where the paper says so at its start, not where it cites one
                continue
            if animal is not None and label in ("RCT", "case series", "cohort study", "phase I/II trial"):
                label = "animal study"
            return label, _match_evidence(document, "design", m.start(), m.end(), f"design:{label}")
        if animal is not None:
            e = next(e for e in entities if e.id == animal)
            return "animal study", _entity_evidence(e, document)
    return None, None


def _links(m: Mention, role: str) -> list:
    """The mention's links of a role; an "arm" that is the counted species itself ("Twenty New
    Zealand white rabbits") names no group."""
    species = {link.id for link in m.links if link.role == "population" and link.id}
    return [link for link in m.links if link.role == role and not (role == "arm" and link.id in species)]


def _around(m: Mention, before: int = 40, after: int = 60) -> str:
    """The words around a mention in its sentence (where a count's role is said)."""
    at = m.sentence.find(m.text)
    if at < 0:
        return m.sentence
    return m.sentence[max(0, at - before):at + len(m.text) + after]


def _is_total(m: Mention, counts: list[Mention]) -> bool:
    """A count that is the sum of the other counts of its sentence ("114 patients were
    randomised: 58 to cells and 56 to sham"): the whole, whatever group it was linked to."""
    others = [o for o in counts if o is not m and o.sentence == m.sentence and o.start > m.start]
    return len(others) >= 2 and sum(o.value for o in others) == m.value


def _allocated(m: Mention, counts: list[Mention], rules: FormRules) -> bool:
    """The only count of a sentence that allocates it to groups ("218 patients were randomised to
    the allograft or saline"): the whole, whatever group it was linked to."""
    return rules.allocated.search(m.sentence) is not None and not any(
        o is not m and o.sentence == m.sentence for o in counts)


def _is_whole(m: Mention, counts: list[Mention], rules: FormRules) -> bool:
    """A count linked to a group that is nonetheless the whole study: a sum of its sentence's other
    counts, the only count of an allocating sentence, or the subject of the enrolment verb."""
    return (_is_total(m, counts) or _allocated(m, counts, rules)
            or rules.enrolled_subject.search(_around(m, 0, 60)[len(m.text):]) is not None)


def _cited(m: Mention, rules: FormRules) -> bool:
    """A value given after its sentence names another study ("an earlier trial randomised 135
    patients"): that study's figure, not this paper's."""
    at = m.sentence.find(m.text)
    return at > 0 and rules.cited.search(m.sentence, 0, at) is not None


def _enrolment(mentions: list[Mention], rules: FormRules) -> tuple[int | None, list[Mention]]:
    counts = [m for m in mentions if m.field == "sample_size" and m.value is not None and m.value == int(m.value)
              and not rules.not_participants.search(_around(m, 0, 15))]  # not "30 discs"
    every = [m for m in mentions if m.field == "sample_size" and m.value is not None]  # "55 at two levels" is a part
    per_group = [m for m in counts if rules.per_group.search(_around(m, 0, 40))]
    whole = [m for m in counts if (not _links(m, "arm") or _is_whole(m, every, rules))
             and not _links(m, "timepoint") and m not in per_group]

    def subset(m: Mention) -> bool:  # "Of 131 screened, 80 were randomised": the words by the count,
        # unless it is what was enrolled ("it took 4 years to enrol 51 eligible participants")
        return bool(rules.not_enrolled.search(_around(m, 12, 40))) and not rules.enrolled.search(_around(m, 12, 0))

    enrolled = [m for m in whole if rules.enrolled.search(m.sentence) and not subset(m)]
    if enrolled:
        tally = Counter(int(m.value) for m in enrolled)
        best = max(tally, key=lambda v: (tally[v], -next(i for i, m in enumerate(enrolled) if int(m.value) == v)))
        return best, [m for m in enrolled if int(m.value) == best]
    for m in per_group:  # "twelve per group, to the four groups": the product
        k = rules.groups.search(m.sentence)
        if k is not None:
            return int(m.value) * int(parse_number(k.group("k"))), [m]
    owned = [m for m in counts if _links(m, "arm") and not _links(m, "timepoint") and not subset(m)]
    by_sentence: dict[str, dict[str, Mention]] = {}  # groups' counts given together: "30 … low dose and 28 … high dose"
    for m in owned:
        by_sentence.setdefault(m.sentence, {}).setdefault(_arm_key(_links(m, "arm")[0].text), m)
    per_arm = next((groups for groups in by_sentence.values() if len(groups) >= 2), None)
    if per_arm:
        return sum(int(m.value) for m in per_arm.values()), list(per_arm.values())
    if owned and len({int(m.value) for m in owned}) == 1:  # one group only, however named: the study's
        return int(owned[0].value), owned
    for rest in ([m for m in whole if not subset(m)],
                 [m for m in whole if rules.later.search(_around(m, 12, 40)) and not rules.not_enrolled.search(
                     rules.later.sub("", _around(m, 12, 40)))]):  # "33 patients were eligible": only that is given
        if rest:
            best_m = max(rest, key=lambda m: m.value)
            return int(best_m.value), [best_m]
    return None, []


def _follow_up(mentions: list[Mention]) -> tuple[float | None, list[Mention]]:
    def months(m: Mention) -> float | None:
        return m.value if m.value is not None else m.high

    found = [(months(m), m) for m in mentions if m.field == "follow_up" and months(m) is not None]
    summaries = [(v, m) for v, m in found if m.value is not None and m.low is not None and m.high is not None]
    found = summaries or found  # "a mean follow-up of 22.5 months (range 12–36)" speaks for the study
    if not found:
        return None, []
    longest = max(v for v, _ in found)
    return round(longest, 2), [m for v, m in found if v == longest]


def _arms(mentions: list[Mention], rules: FormRules) -> list[dict[str, Any]]:
    arms: dict[str, dict[str, Any]] = {}
    counts = [m for m in mentions if m.field == "sample_size" and m.value is not None]
    for m in mentions:
        if m.field == "sample_size" and _is_whole(m, counts, rules):
            continue  # "80 were randomised: 40 to cells and 40 to sham": the whole, not a group
        for link in _links(m, "arm"):
            key = _arm_key(link.text)
            arm = arms.setdefault(key, {"name": _arm_name(link.text), "id": link.id, "n": None, "evidence": []})
            if m.field == "sample_size" and arm["n"] is None and m.value is not None and not _links(m, "timepoint"):
                arm["n"] = int(m.value)
                arm["evidence"].append(evidence_of(m))
            elif not arm["evidence"]:
                arm["evidence"].append(evidence_of(m))
    return _merged(arms)


def _merged(arms: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One arm for "high dose" and "high-dose arm against placebo": a name that starts with another
    arm's words is that arm, under the shorter name, in the place of its first mention."""
    order = list(arms)
    kept: dict[str, dict[str, Any]] = {}
    first: dict[str, int] = {}
    for key in sorted(arms, key=lambda k: (len(k.split()), k)):
        words = key.split()
        home = next((k for k in kept if words[:len(k.split())] == k.split()), None)
        if home is None:
            kept[key], first[key] = arms[key], order.index(key)
            continue
        arm, first[home] = kept[home], min(first[home], order.index(key))
        if arm["n"] is None and arms[key]["n"] is not None:
            arm["n"] = arms[key]["n"]
            arm["evidence"] = arms[key]["evidence"] + arm["evidence"]
    return [kept[k] for k in sorted(kept, key=first.get)]


def _arm_name(text: str) -> str:
    """The group's name without what a table header adds: "Low dose (n = 30)" -> "Low dose",
    "Cells implanted, mean ± SD" -> "Cells implanted"."""
    name = regex.sub(r"\s*[(\[][^)\]]*[)\]]", "", text).split(",")[0].strip(" :;-")
    return name or text


def _arm_key(name: str) -> str:
    """One key for the ways a group is named: "the cell group", "cells" and "Cells" -> "cell";
    "high-dose arm" and "High dose (n = 30)" -> "high dose"."""
    words = [w for w in regex.findall(r"[\p{L}\p{N}+/]+", _arm_name(name).lower()) if w not in ARM_NOISE]
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words) or name.lower()


def _named(entities: Iterable[Entity], types: tuple[str, ...], skip: Iterable[str] = ()) -> Entity | None:
    """The most mentioned entity of these types (the earliest on a tie)."""
    skip = set(skip)
    chosen = [e for e in entities if e.type in types and e.id not in skip]
    if not chosen:
        return None
    tally = Counter(e.id for e in chosen)
    best = max(tally, key=lambda i: (tally[i], -next(k for k, e in enumerate(chosen) if e.id == i)))
    return next(e for e in chosen if e.id == best)


def _first_label(text: str, pairs: tuple[tuple[str, regex.Pattern], ...]) -> tuple[str | None, regex.Match | None]:
    hits = [(m.start(), label, m) for label, p in pairs if (m := p.search(text))]
    if not hits:
        return None, None
    _, label, m = min(hits, key=lambda h: h[0])
    return label, m


def build_form(document: Document, mentions: list[Mention], entities: list[Entity],
               rules: FormRules | None = None) -> dict[str, Any]:
    """The extraction form of one paper: the keys of ``FORM_KEYS``, in that order."""
    rules = rules or FormRules.load()
    text = document.text
    evidence: dict[str, list[dict[str, Any]]] = {}

    design, design_evidence = _design(document, rules, entities)
    if design_evidence:
        evidence["design"] = [design_evidence]
    review = design in REVIEWS  # a form is for one primary study: a review's figures are its studies'
    scores = [m.to_dict() for m in mentions if m.field == "score"]
    if scores:
        evidence["scores"] = [evidence_of(m) for m in mentions if m.field == "score"]
    mentions = [m for m in mentions if not _cited(m, rules)]
    sample_size, from_mentions = _enrolment(mentions, rules) if not review else (None, [])
    if from_mentions:
        evidence["sample_size"] = [evidence_of(m) for m in from_mentions]
    follow_up, from_mentions = _follow_up(mentions) if not review else (None, [])
    if from_mentions:
        evidence["follow_up_months"] = [evidence_of(m) for m in from_mentions]
    arms = _arms(mentions, rules) if not review else []
    doses = [m.to_dict() for m in mentions if m.field == "dose"] if not review else []
    if doses:
        evidence["doses"] = [evidence_of(m) for m in mentions if m.field == "dose"]

    species = _named(entities, ("species",))
    condition = _named(entities, ("disease",))
    population = None
    if species or condition:
        population = {"species": {"text": species.text, "id": species.id, "name": species.name} if species else None,
                      "condition": {"text": condition.text, "id": condition.id, "name": condition.name} if condition else None}
        evidence["population"] = [_entity_evidence(e, document) for e in (species, condition) if e]

    given = [e for m in mentions if m.field == "dose" for link in _links(m, "intervention") if link.id
             for e in [Entity(link.start, link.end, link.text, link.id, link.name or link.text, "intervention")]]
    product = _named(given, ("intervention",)) or _named(entities, ("cell",))
    intervention = None
    if product is not None:
        source, source_m = _first_label(text, rules.source)
        route, route_m = _first_label(text, rules.route)
        intervention = {"text": product.text, "id": product.id, "name": product.name, "source": source, "route": route}
        evidence["intervention"] = [_entity_evidence(product, document)] + [
            _match_evidence(document, key, m.start(), m.end(), f"{key}:{label}")
            for key, label, m in (("source", source, source_m), ("route", route, route_m)) if m is not None]

    comparator = next((a for a in arms if rules.comparator.search(a["name"])), None)
    if comparator is not None:
        evidence["comparator"] = comparator["evidence"][:1]
    form = {"doc": document.source, "title": _title(document), "design": design, "sample_size": sample_size,
            "follow_up_months": follow_up, "arms": arms, "doses": doses, "scores": scores, "population": population,
            "intervention": intervention, "comparator": comparator["name"] if comparator else None, "evidence": evidence}
    return {key: form[key] for key in FORM_KEYS}


def form_of(document: Document, pipeline, rules: FormRules | None = None) -> tuple[dict[str, Any], list[Mention], list[Entity]]:
    """A document's form, with the mentions and entities it was built from (one analysis)."""
    mentions = pipeline.analyse(document).mentions
    entities = pipeline.entities(document)
    return build_form(document, mentions, entities, rules), mentions, entities
