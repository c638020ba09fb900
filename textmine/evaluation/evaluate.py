"""Run the pipeline over the gold documents and measure it: P/R/F1 per field under span and
value matching, link accuracy per role, every error with its sentence and rule, per-rule counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from textmine.evaluation.gold import GoldDoc, mention_item, source_path
from textmine.evaluation.matching import MODES, Counts, Item, differing_keys, link_agreement, match, micro, same_values
from textmine.mentions import FIELDS
from textmine.parse import load_document
from textmine.pipeline import Pipeline
from textmine.pipeline.sentences import split_sentences

LINK_ROLES_MEASURED = ("measure", "timepoint", "arm", "population", "intervention")


@dataclass
class ErrorCase:
    kind: str  # "FP" or "FN"
    doc: str
    label: str
    text: str
    sentence: str  # with the span marked [[like this]]
    rule: str | None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Report:
    split: str
    documents: list[str]
    skipped: list[str]
    counts: dict[str, dict[str, Counts]]  # mode -> field -> counts
    links: dict[str, Counts]  # role -> (tp = correct, fn = wrong/missing) over value-matched mentions
    errors: list[ErrorCase] = field(default_factory=list)
    by_rule: dict[str, Counter] = field(default_factory=dict)
    fields: tuple[str, ...] = FIELDS
    mismatched_keys: dict[str, Counter] = field(default_factory=dict)  # field -> value key -> span-matched pairs that differ on it
    links_by_place: dict[str, Counts] = field(default_factory=dict)  # the same, agreeing by id or span only

    def micro(self, mode: str) -> Counts:
        return micro(self.counts[mode][f] for f in self.fields)

    def failing(self, min_f1: float) -> list[str]:
        return [f for f in self.fields if self.counts["value"][f].f1 < min_f1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "documents": self.documents,
            "skipped": self.skipped,
            "fields": {f: {mode: self.counts[mode][f].as_dict() for mode in MODES} for f in self.fields},
            "micro": {mode: self.micro(mode).as_dict() for mode in MODES},
            "links": {role: {"correct": c.tp, "total": c.tp + c.fn,
                             "accuracy": round(c.tp / (c.tp + c.fn), 4) if c.tp + c.fn else None,
                             "correct_by_place": self.links_by_place[role].tp if role in self.links_by_place else None}
                      for role, c in self.links.items()},
            "by_rule": {rule: dict(c) for rule, c in sorted(self.by_rule.items())},
            "mismatched_keys": {f: dict(c) for f, c in self.mismatched_keys.items()},
            "errors": [e.as_dict() for e in self.errors],
        }


def evaluate(docs: Sequence[GoldDoc], pipeline: Pipeline, split: str = "all", fields: Sequence[str] = FIELDS,
             root: Path | None = None) -> Report:
    """Measure ``pipeline`` on the gold documents of ``split`` ("tune", "heldout" or "all")."""
    chosen = [d for d in docs if split == "all" or d.split == split]
    counts = {mode: {f: Counts() for f in fields} for mode in MODES}
    links = {role: Counts() for role in LINK_ROLES_MEASURED}
    by_place = {role: Counts() for role in LINK_ROLES_MEASURED}
    errors: list[ErrorCase] = []
    by_rule: dict[str, Counter] = {}
    mismatched = {f: Counter() for f in fields}
    done, skipped = [], []
    for doc in chosen:
        path = source_path(doc.source, root)
        if not path.exists():
            skipped.append(f"{doc.doc} ({path} is absent)")
            continue
        document = load_document(path)
        done.append(doc.doc)
        gold = [s.item(doc.doc) for s in doc.spans if s.label in fields]
        predicted = [mention_item(m, doc.doc) for m in pipeline.run(document) if m.field in fields]
        for f in fields:
            g = [x for x in gold if x.label == f]
            p = [x for x in predicted if x.label == f]
            span_match = match(g, p, "span")
            value_match = match(g, p, "value")
            counts["span"][f].add(Counts(len(span_match.pairs), len(span_match.false_positives), len(span_match.false_negatives)))
            counts["value"][f].add(Counts(len(value_match.pairs), len(value_match.false_positives), len(value_match.false_negatives)))
            for gi, pi in span_match.pairs:  # found at the right place but normalised differently: on which keys?
                if not same_values(gi, pi):
                    mismatched[f].update(differing_keys(gi, pi))
            for gi, pi in value_match.pairs:
                by_rule.setdefault(pi.rule or "?", Counter())["tp"] += 1
                for role in LINK_ROLES_MEASURED:
                    agree = link_agreement(gi, pi, role)
                    if agree is not None:
                        links[role].add(Counts(tp=int(agree), fn=int(not agree)))
                        placed = link_agreement(gi, pi, role, by_place=True)
                        by_place[role].add(Counts(tp=int(placed), fn=int(not placed)))
            for pi in value_match.false_positives:
                by_rule.setdefault(pi.rule or "?", Counter())["fp"] += 1
                errors.append(_error("FP", document.text, pi, _closest(pi, g)))
            for gi in value_match.false_negatives:
                errors.append(_error("FN", document.text, gi, _closest(gi, p)))
    return Report(split, done, skipped, counts, links, errors, by_rule, tuple(fields), mismatched, by_place)


def _closest(item: Item, others: list[Item]) -> str:
    """What the other side had at this place, to explain a value mismatch."""
    near = [o for o in others if min(o.end, item.end) > max(o.start, item.start)]
    if not near:
        return "nothing overlapping on the other side"
    o = near[0]
    values = {k: v for k, v in o.values.items() if v is not None}
    return f"overlaps {o.text!r} {values}" + (f" (rule {o.rule})" if o.rule else "")


def _error(kind: str, text: str, item: Item, detail: str) -> ErrorCase:
    sentence = _sentence(text, item.start, item.end)
    values = {k: v for k, v in item.values.items() if v is not None}
    return ErrorCase(kind, item.doc, item.label, f"{item.text} {values}", sentence, item.rule, detail)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a span (within its line), the span marked [[ ]]."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    for s, e in split_sentences(text, line_start, line_end):
        if s <= start < e:
            e = max(e, end)
            return (text[s:start] + "[[" + text[start:end] + "]]" + text[end:e]).replace("\n", " ")
    return text[start:end]
