"""The gold set: standoff annotations in JSONL, one document per line.

    {"doc", "source", "split", "spans": [{"start", "end", "text", "label", <values>, "links"}]}

``source`` is a path relative to the repository root (``corpora/...``) or ``seed:<name>``
for a document in ``../shared/seeds`` — third-party text that is read from there and never
copied. Loading checks every span: its ``text`` must equal the document text at its offsets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from textmine.errors import TextmineError
from textmine.evaluation.matching import Item
from textmine.mentions import FIELDS, Mention

VALUE_KEYS = ("value", "low", "high", "unit", "per", "measure", "before", "after", "sd", "before_sd", "after_sd")
SPLITS = ("tune", "heldout")
LINK_ROLES = ("measure", "timepoint", "arm", "population", "intervention")


class GoldError(TextmineError):
    """The gold file is malformed, or a span does not match its document's text."""


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    text: str
    label: str
    values: dict[str, Any] = field(default_factory=dict, hash=False)
    links: tuple[dict, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text, "label": self.label}
        for key in VALUE_KEYS:
            out[key] = self.values.get(key)
        out["links"] = [dict(link) for link in self.links]
        return out

    def item(self, doc: str) -> Item:
        return Item(self.label, self.start, self.end, dict(self.values), self.links, doc, self.text)


@dataclass(frozen=True)
class GoldDoc:
    doc: str
    source: str
    split: str
    spans: tuple[GoldSpan, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "source": self.source, "split": self.split, "spans": [s.to_dict() for s in self.spans]}


def repo_root() -> Path:
    """The repository root (where gold/ and corpora/ live), found from the working directory upward."""
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "gold").is_dir() and (candidate / "corpora").is_dir():
            return candidate
    return here


def source_path(source: str, root: Path | None = None) -> Path:
    """Where a document's text lives: the repository, or ``../shared/seeds`` for ``seed:`` sources."""
    root = root or repo_root()
    if source.startswith("seed:"):
        return root.parent / "shared" / "seeds" / source[len("seed:"):]
    return root / source


def load_gold(path: str | Path, check_text: bool = True, root: Path | None = None) -> list[GoldDoc]:
    """Read a gold JSONL file (or every ``*.jsonl`` directly in a directory)."""
    path = Path(path)
    if not path.exists():
        raise GoldError(f"{path}: no gold file or directory there")
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise GoldError(f"{path}: no gold *.jsonl files")
    docs: list[GoldDoc] = []
    seen: set[str] = set()
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise GoldError(f"{file}: cannot read: {exc}") from None
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{file}:{lineno}"
            try:
                doc = parse_doc(json.loads(line), where)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{where}: invalid JSON: {exc}") from None
            if doc.doc in seen:
                raise GoldError(f"{where}: document {doc.doc!r} appears twice")
            seen.add(doc.doc)
            if check_text:
                check_spans(doc, root)
            docs.append(doc)
    return docs


def parse_doc(data: dict, where: str = "") -> GoldDoc:
    for key in ("doc", "source", "split", "spans"):
        if key not in data:
            raise GoldError(f"{where}: missing key {key!r}")
    if data["split"] not in SPLITS:
        raise GoldError(f"{where}: split must be one of {SPLITS}")
    spans = []
    for n, s in enumerate(data["spans"], 1):
        if s.get("label") not in FIELDS:
            raise GoldError(f"{where}: span {n}: label must be one of {FIELDS}")
        links = tuple(s.get("links") or ())
        for link in links:
            if link.get("role") not in LINK_ROLES:
                raise GoldError(f"{where}: span {n}: link role must be one of {LINK_ROLES}")
        spans.append(GoldSpan(int(s["start"]), int(s["end"]), s["text"], s["label"],
                              {k: s.get(k) for k in VALUE_KEYS if s.get(k) is not None}, links))
    return GoldDoc(data["doc"], data["source"], data["split"], tuple(spans))


def check_spans(doc: GoldDoc, root: Path | None = None) -> None:
    """Every span's text must equal the document text at its offsets (skipped if the text is absent)."""
    path = source_path(doc.source, root)
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    for span in doc.spans:
        if text[span.start:span.end] != span.text:
            raise GoldError(f"{doc.doc}: span {span.start}-{span.end} is {text[span.start:span.end]!r} in "
                            f"{doc.source}, not {span.text!r}")
        for link in span.links:
            if text[link["start"]:link["end"]] != link["text"]:
                raise GoldError(f"{doc.doc}: link {link['start']}-{link['end']} is not {link['text']!r}")


def save_gold(docs: Iterable[GoldDoc], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for doc in sorted(docs, key=lambda d: d.doc):
            fh.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


def mention_item(m: Mention, doc: str) -> Item:
    values = {k: getattr(m, k) for k in VALUE_KEYS if getattr(m, k) is not None}
    return Item(m.field, m.start, m.end, values, tuple(link.to_dict() for link in m.links), doc, m.text, m.rule)
