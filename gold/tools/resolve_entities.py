"""Turn entity drafts (mentions written as text) into standoff entity gold.

Each draft file is one document, ``gold/entities/drafts/<document stem>.jsonl``, one line per
mention or group of mentions (see ``gold/entities/GUIDELINES.md``)::

    {"text": "MSCs", "occurrence": "all", "type": "cell", "id": "MESH:D059630", "name": "..."}

The document is found through ``gold/gold.jsonl`` (same stem), which also gives its split.
Every id must be in the lexicon's inventory (``patterns/entities/*.jsonl``) or null; mentions
may not overlap. Output: one document per line,
``{"doc", "source", "split", "entities": [{"start", "end", "text", "type", "id", "name", "broader"}]}``.

    python3 gold/tools/resolve_entities.py gold/entities/drafts/*.jsonl -o gold/entities/gold.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPES = ("disease", "cell", "intervention", "measure", "species", "anatomy")


def inventory() -> dict[str, str]:
    ids = {}
    for path in sorted((ROOT / "patterns" / "entities").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                concept = json.loads(line)
                ids[concept["id"]] = concept["name"]
    return ids


def documents() -> dict[str, dict]:
    docs = {}
    for line in (ROOT / "gold" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        docs[doc["doc"]] = {"doc": doc["doc"], "source": doc["source"], "split": doc["split"]}
    return docs


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    pattern = re.compile(r"(?<![^\W_])" + re.escape(needle) + r"(?![^\W_])")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def resolve(path: Path, docs: dict, ids: dict) -> tuple[dict, list[str]]:
    errors: list[str] = []
    stem = path.stem
    if stem not in docs:
        return {}, [f"{path}: no document {stem!r} in gold/gold.jsonl"]
    doc = dict(docs[stem])
    if not doc["source"].startswith("corpora/"):
        return {}, [f"{path}: {doc['source']} is not a corpora/ document"]
    text = (ROOT / doc["source"]).read_text(encoding="utf-8")
    entities = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"{where}: not JSON ({error.msg})")
            continue
        if item.get("type") not in TYPES:
            errors.append(f"{where}: type {item.get('type')!r} is not one of {', '.join(TYPES)}")
        concept = item.get("id")
        if concept is not None and concept not in ids:
            errors.append(f"{where}: id {concept!r} is not in the inventory (use null and 'broader')")
        broader = item.get("broader")
        if broader is not None and broader not in ids:
            errors.append(f"{where}: broader {broader!r} is not in the inventory")
        found = occurrences(text, item.get("text") or "")
        wanted = item.get("occurrence", "all")
        if not found:
            errors.append(f"{where}: {item.get('text')!r} does not occur in {doc['source']}")
            continue
        if wanted == "all":
            chosen = found
        elif isinstance(wanted, int):
            chosen = [found[wanted - 1]] if 1 <= wanted <= len(found) else []
        elif isinstance(wanted, list) and all(isinstance(n, int) for n in wanted):
            chosen = [found[n - 1] for n in wanted if 1 <= n <= len(found)]
            if len(chosen) != len(wanted):
                errors.append(f"{where}: occurrence {wanted} but {item['text']!r} occurs {len(found)} times")
        else:
            errors.append(f"{where}: occurrence must be \"all\", a number or a list of numbers")
            continue
        for start, end in chosen:
            entities.append({"start": start, "end": end, "text": text[start:end], "type": item.get("type"),
                             "id": concept, "name": item.get("name") or ids.get(concept),
                             "broader": broader, "line": number})
    entities.sort(key=lambda e: (e["start"], -e["end"]))
    for before, after in zip(entities, entities[1:]):
        if after["start"] < before["end"]:
            errors.append(f"{path}: lines {before['line']} and {after['line']} overlap at "
                          f"{before['text']!r} / {after['text']!r} (offset {after['start']})")
    for entity in entities:
        del entity["line"]
    doc["entities"] = entities
    return doc, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drafts", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    docs, ids = documents(), inventory()
    resolved, errors = [], []
    for path in args.drafts:
        doc, problems = resolve(path, docs, ids)
        errors.extend(problems)
        if doc:
            resolved.append(doc)
    for problem in errors:
        print(problem, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s); nothing written", file=sys.stderr)
        return 1
    count = sum(len(doc["entities"]) for doc in resolved)
    if args.output:
        with args.output.open("w", encoding="utf-8") as out:
            for doc in sorted(resolved, key=lambda d: d["doc"]):
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    print(f"{len(resolved)} documents, {count} mentions" + (f" -> {args.output}" if args.output else " (checked)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
