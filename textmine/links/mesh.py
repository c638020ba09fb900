"""A knowledge base from a MeSH descriptor file (``desc20XX.xml``, downloaded by the user).

    textmine kb build desc2025.xml -o mesh_kb/

Each ``DescriptorRecord`` becomes one scispaCy ``Entity``: ``MESH:<DescriptorUI>``, its heading,
every term of every concept as an alias, and a type from its tree numbers (``mesh_tree_types``
in ``patterns/normalise.json``). The file is streamed, so the full MeSH (≈300 MB) needs little
memory. The knowledge base is written as ``kb.jsonl`` (scispaCy's KnowledgeBase format) with a
``meta.json`` saying where it came from.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

from textmine import __version__
from textmine.errors import TextmineError
from textmine.rulebook import load_json


def _tree_types(directory: Path | None = None) -> list[tuple[str, str]]:
    table = load_json("normalise.json", directory).get("mesh_tree_types", {})
    return sorted(((k, v) for k, v in table.items() if not k.startswith("_")), key=lambda kv: -len(kv[0]))


def descriptor_type(tree_numbers: list[str], table: list[tuple[str, str]]) -> str:
    """The type of the first tree number that a prefix in the table covers; else "other"."""
    for number in tree_numbers:
        for prefix, kind in table:
            if number.startswith(prefix):
                return kind
    return "other"


def read_mesh(path: Path, directory: Path | None = None) -> Iterator[dict]:
    """One KnowledgeBase record per descriptor of a MeSH descriptor XML file."""
    table = _tree_types(directory)
    seen = 0
    try:
        for _, element in ET.iterparse(str(path), events=("end",)):
            if element.tag != "DescriptorRecord":
                continue
            ui = (element.findtext("DescriptorUI") or "").strip()
            name = (element.findtext("DescriptorName/String") or "").strip()
            if not ui or not name:
                raise TextmineError(f"{path}: descriptor record {seen + 1} has no DescriptorUI or name")
            aliases = list(dict.fromkeys(t.text.strip() for t in element.iterfind("ConceptList/Concept/TermList/Term/String")
                                         if t.text and t.text.strip() and t.text.strip() != name))
            trees = [t.text.strip() for t in element.iterfind("TreeNumberList/TreeNumber") if t.text]
            note = element.findtext("ConceptList/Concept[@PreferredConceptYN='Y']/ScopeNote")
            seen += 1
            yield {"concept_id": f"MESH:{ui}", "canonical_name": name, "aliases": aliases,
                   "types": [descriptor_type(trees, table)], "definition": note.strip() if note else None}
            element.clear()
    except ET.ParseError as exc:
        raise TextmineError(f"{path}: not a well-formed XML file ({exc})") from None
    except OSError as exc:
        raise TextmineError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not seen:
        raise TextmineError(f"{path}: no MeSH DescriptorRecord found (is this a MeSH descriptor file, desc20XX.xml?)")


def build_kb(source: Path, out: Path, directory: Path | None = None) -> dict:
    """Write ``out/kb.jsonl`` and ``out/meta.json`` from a MeSH descriptor file; returns the meta."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    aliases = 0
    partial = out / "kb.jsonl.partial"
    try:
        with partial.open("w", encoding="utf-8") as f:
            for record in read_mesh(source, directory):
                counts[record["types"][0]] = counts.get(record["types"][0], 0) + 1
                aliases += 1 + len(record["aliases"])
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out / "kb.jsonl")  # only a complete knowledge base takes the name
    meta = {"source": str(source), "descriptors": sum(counts.values()), "aliases": aliases, "types": counts,
            "textmine": __version__}
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta
