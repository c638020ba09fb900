"""What extraction produces: ``Mention`` (one value with provenance) and ``Link``.

``Mention.to_dict`` is the JSONL contract of ``textmine extract``: keys and their order are
pinned by tests. Later issues may add keys, never remove or retype one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textmine.values.numbers import as_json_number

FIELDS = ("sample_size", "dose", "score", "follow_up")
CONTRACT_KEYS = ("doc", "field", "text", "start", "end", "page", "sentence", "rule", "value", "low", "high",
                 "unit", "per", "measure", "before", "after", "sd", "links")
EXTRA_KEYS = ("before_sd", "after_sd")
NUMERIC_KEYS = ("value", "low", "high", "before", "after", "sd", "before_sd", "after_sd")


@dataclass(frozen=True)
class Link:
    """A tie from a value to what it belongs to (measure, arm, timepoint, population, …)."""

    role: str
    text: str
    start: int
    end: int
    id: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "start": self.start, "end": self.end, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class Mention:
    """One extracted value, its normalised form and where it came from."""

    doc: str
    field: str
    text: str
    start: int
    end: int
    sentence: str
    rule: str
    page: int | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    per: str | None = None
    measure: str | None = None
    before: float | None = None
    after: float | None = None
    sd: float | None = None
    before_sd: float | None = None
    after_sd: float | None = None
    links: tuple[Link, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: contract keys first, in order; numbers as JSON numbers (counts as ints)."""
        out: dict[str, Any] = {}
        for key in CONTRACT_KEYS + EXTRA_KEYS:
            v = getattr(self, key)
            if key in NUMERIC_KEYS:
                v = as_json_number(v)
            elif key == "links":
                v = [link.to_dict() for link in v]
            out[key] = v
        return out
