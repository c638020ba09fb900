"""Entity normalisation measured against the entity gold (``gold/entities/gold.jsonl``).

Each gold mention has the ontology id it means, or ``null`` when no concept of the lexicon's
inventory means it (with the nearest ``broader`` one, if any); see ``gold/entities/GUIDELINES.md``.

- precision: of the entities textmine finds in the annotated documents, the share that overlap
  a gold mention with the same id (an entity where gold has no mention, or a different or null
  id, is a false positive);
- recall: of the gold mentions that have an id, the share that an entity with that id overlaps;
- lenient precision also accepts the gold mention's ``broader`` id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textmine.evaluation.gold import GoldError, source_path
from textmine.parse import load_document


@dataclass
class EntityReport:
    split: str
    documents: list[str] = field(default_factory=list)
    predicted: int = 0
    correct_predicted: int = 0
    lenient_predicted: int = 0
    gold_with_id: int = 0
    found_gold: int = 0
    gold_without_id: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 0.0

    @property
    def lenient_precision(self) -> float:
        return self.lenient_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found_gold / self.gold_with_id if self.gold_with_id else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"split": self.split, "documents": len(self.documents),
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "lenient_precision": round(self.lenient_precision, 4),
                "predicted": self.predicted, "correct_predicted": self.correct_predicted,
                "gold_with_id": self.gold_with_id, "found_gold": self.found_gold,
                "gold_without_id": self.gold_without_id, "errors": self.errors}


def load_entity_gold(path: Path) -> list[dict]:
    docs = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read: {exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            doc["doc"], doc["source"], doc["split"], doc["entities"]  # noqa: B018 - the keys must be there
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise GoldError(f"{path}:{n}: not an entity gold document ({exc.__class__.__name__}: {exc})") from None
        docs.append(doc)
    return docs


def _overlaps(a: dict, b) -> bool:
    return min(a["end"], b.end) > max(a["start"], b.start)


def evaluate_entities(docs: list[dict], pipeline, split: str = "all", root: Path | None = None) -> EntityReport:
    """Find the entities of each gold document of ``split`` as ``textmine entities`` does, and compare."""
    report = EntityReport(split)
    for doc in docs:
        if split != "all" and doc["split"] != split:
            continue
        document = load_document(source_path(doc["source"], root))
        for g in doc["entities"]:
            if document.text[g["start"]:g["end"]] != g["text"]:
                raise GoldError(f"entity gold {doc['doc']}: {g['text']!r} is not at {g['start']}-{g['end']} (the document changed?)")
        found = pipeline.entities(document)
        report.documents.append(doc["doc"])
        gold = doc["entities"]
        for e in found:
            report.predicted += 1
            over = [g for g in gold if _overlaps(g, e)]
            if any(g["id"] == e.id for g in over):
                report.correct_predicted += 1
                report.lenient_predicted += 1
                continue
            if any(g.get("broader") == e.id for g in over):
                report.lenient_predicted += 1
            report.errors.append({"kind": "FP", "doc": doc["doc"], "text": e.text, "id": e.id, "name": e.name,
                                  "gold": [f"{g['text']} = {g['id'] or 'null'}" for g in over]})
        for g in gold:
            if g["id"] is None:
                report.gold_without_id += 1
                continue
            report.gold_with_id += 1
            if any(e.id == g["id"] and _overlaps(g, e) for e in found):
                report.found_gold += 1
            else:
                report.errors.append({"kind": "FN", "doc": doc["doc"], "text": g["text"], "id": g["id"], "name": g["name"],
                                      "gold": [f"found {e.text} = {e.id}" for e in found if _overlaps(g, e)]})
    return report


def render_entities(report: EntityReport, errors: bool = False) -> str:
    lines = [f"entity normalisation ({len(report.documents)} documents of gold/entities, split {report.split}):",
             f"  precision  {report.precision:.3f}  ({report.correct_predicted}/{report.predicted})"
             f"   lenient (a broader id accepted) {report.lenient_precision:.3f}",
             f"  recall     {report.recall:.3f}  ({report.found_gold}/{report.gold_with_id} gold mentions with an id;"
             f" {report.gold_without_id} more name no concept of the lexicon)"]
    if errors:
        for e in report.errors:
            lines.append(f"  {e['kind']} {e['doc']}: {e['text']!r} {e['id']} {e['name']}  [{'; '.join(e['gold'])}]")
    return "\n".join(lines) + "\n"
