"""Matching predictions to gold, and counting: pure functions, no I/O.

Two matchings, side by side:
- **span**: same label and overlapping character spans;
- **value**: span matching plus the same normalised values — counts exactly, other numbers
  within 1%, the same measure for scores, the same unit and ``per`` for doses.

Matching is one-to-one over *lists* (never sets, which silently merge duplicates): each gold
item and each prediction is used at most once, the largest overlaps first.

>>> g = [Item("score", 10, 20, {"measure": "VAS", "value": 7.5})]
>>> p = [Item("score", 12, 20, {"measure": "VAS", "value": 7.52}), Item("score", 30, 35, {"measure": "VAS", "value": 1.0})]
>>> m = match(g, p, "value")
>>> (len(m.pairs), len(m.false_positives), len(m.false_negatives))
(1, 1, 0)
"""

from __future__ import annotations

import regex

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

NUMERIC = ("value", "low", "high", "before", "after", "sd", "before_sd", "after_sd")
EXACT_BY_LABEL = {"score": ("measure",), "dose": ("unit", "per"), "sample_size": (), "follow_up": ()}
COUNT_LABELS = ("sample_size",)
RELATIVE_TOLERANCE = 0.01
MODES = ("span", "value")


@dataclass(frozen=True)
class Item:
    """A gold span or a predicted mention, reduced to what matching needs."""

    label: str
    start: int
    end: int
    values: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    links: tuple[dict, ...] = field(default=(), hash=False, compare=False)
    doc: str = ""
    text: str = ""
    rule: str | None = None


@dataclass
class Matching:
    pairs: list[tuple[Item, Item]]  # (gold, prediction)
    false_positives: list[Item]
    false_negatives: list[Item]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if self.fn == 0 else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else (1.0 if self.fp == 0 else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def numbers_close(a: Any, b: Any, relative: float = RELATIVE_TOLERANCE) -> bool:
    """Both missing, or both numbers within ``relative`` of the larger (exactly equal for zero)."""
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    return abs(a - b) <= relative * max(abs(a), abs(b)) + 1e-12


def same_values(gold: Item, pred: Item) -> bool:
    """Same label and the same normalised values (see module docstring)."""
    if gold.label != pred.label:
        return False
    g, p = gold.values, pred.values
    for key in EXACT_BY_LABEL.get(gold.label, ()):
        if (g.get(key) or None) != (p.get(key) or None):
            return False
    if gold.label in COUNT_LABELS:
        return g.get("value") is not None and g.get("value") == p.get("value")
    return all(numbers_close(g.get(k), p.get(k)) for k in NUMERIC)


def differing_keys(gold: Item, pred: Item) -> list[str]:
    """The value keys on which two items of one label disagree (as ``same_values`` judges them).

    >>> differing_keys(Item("dose", 0, 5, {"value": 2, "unit": "mL", "per": "disc"}), Item("dose", 0, 5, {"value": 2, "unit": "mL"}))
    ['per']
    """
    g, p = gold.values, pred.values
    keys = [k for k in EXACT_BY_LABEL.get(gold.label, ()) if (g.get(k) or None) != (p.get(k) or None)]
    if gold.label in COUNT_LABELS:
        return keys + (["value"] if g.get("value") != p.get("value") else [])
    return keys + [k for k in NUMERIC if not numbers_close(g.get(k), p.get(k))]


def overlap(a: Item, b: Item) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match(gold: Sequence[Item], predicted: Sequence[Item], mode: str = "span") -> Matching:
    """One-to-one matching of one document's items (largest overlap first, then nearest start)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            if g.label == p.label and overlap(g, p) > 0 and (mode == "span" or same_values(g, p)):
                candidates.append((-overlap(g, p), abs(g.start - p.start), gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], predicted[pi]))
    return Matching(
        pairs=pairs,
        false_positives=[p for i, p in enumerate(predicted) if i not in used_p],
        false_negatives=[g for i, g in enumerate(gold) if i not in used_g],
    )


def count(matching: Matching) -> Counts:
    return Counts(len(matching.pairs), len(matching.false_positives), len(matching.false_negatives))


def counts_by_label(gold: Iterable[Item], predicted: Iterable[Item], labels: Sequence[str], mode: str) -> dict[str, Counts]:
    """Per-label counts for one document."""
    gold, predicted = list(gold), list(predicted)
    out = {}
    for label in labels:
        out[label] = count(match([g for g in gold if g.label == label], [p for p in predicted if p.label == label], mode))
    return out


def micro(counts: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in counts:
        total.add(c)
    return total


def link_agreement(gold: Item, pred: Item, role: str, by_place: bool = False) -> bool | None:
    """Whether the prediction links ``role`` to what gold links it to (``None``: gold has no such link).

    Agreement is the same ontology id, overlapping link spans, or the same words: "DHI" in a
    table's header names the same measure as "DHI" in its caption, and "baseline" the same time
    as "Baseline" (within one document). ``by_place`` drops the last: only id or span count.
    """
    wanted = [link for link in gold.links if link.get("role") == role]
    if not wanted:
        return None
    got = [link for link in pred.links if link.get("role") == role]
    return any((w.get("id") and w.get("id") == g.get("id")) or min(w["end"], g["end"]) > max(w["start"], g["start"])
               or (not by_place and _words(w.get("text", "")) and _words(w.get("text", "")) == _words(g.get("text", "")))
               for w in wanted for g in got)


def _words(text: str) -> str:
    """A link's text compared by its words: case, spacing and punctuation aside."""
    return " ".join(regex.findall(r"[\p{L}\p{N}]+", text.casefold()))
