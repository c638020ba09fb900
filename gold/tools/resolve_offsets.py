"""Turn annotation drafts (spans written as text) into standoff gold (character offsets).

Annotators write each span as its exact text and, when that text occurs more than once in
the document, which occurrence it is (1-based); links name their text the same way, or are
resolved to the occurrence nearest the span. This script finds the offsets, checks every
span, and merges the documents into ``gold/gold.jsonl`` (one document per line).

    python gold/tools/resolve_offsets.py gold/drafts/*.jsonl -o gold/gold.jsonl

Draft line: {"doc", "source", "split", "spans": [{"text", "occurrence"?, "label", <values>,
"links": [{"role", "text", "occurrence"?, "id"?, "name"?}]}]}
``source`` is a path relative to the repository (corpora/...) or ``seed:<file name>`` for a
document in ../shared/seeds, which is read from there and never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
VALUE_KEYS = ("value", "low", "high", "unit", "per", "measure", "before", "after", "sd", "before_sd", "after_sd")
LABELS = ("sample_size", "dose", "score", "follow_up")
LINK_ROLES = ("measure", "timepoint", "arm", "population", "intervention")


def source_text(source: str) -> str:
    path = SEEDS / source[5:] if source.startswith("seed:") else ROOT / source
    return path.read_text(encoding="utf-8")


def occurrences(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def resolve(draft: dict) -> dict:
    text = source_text(draft["source"])
    spans = []
    for n, span in enumerate(draft["spans"], 1):
        where = f"{draft['doc']} span {n} ({span.get('text')!r})"
        if span.get("label") not in LABELS:
            raise SystemExit(f"{where}: label must be one of {LABELS}")
        unknown = set(span) - {"text", "occurrence", "label", "links", "note", *VALUE_KEYS}
        if unknown:
            raise SystemExit(f"{where}: unknown keys {sorted(unknown)}")
        found = occurrences(text, span["text"])
        k = span.get("occurrence", 1)
        if not found:
            raise SystemExit(f"{where}: text not found in {draft['source']}")
        if len(found) > 1 and "occurrence" not in span:
            raise SystemExit(f"{where}: occurs {len(found)} times; say which with \"occurrence\"")
        if k > len(found):
            raise SystemExit(f"{where}: occurrence {k} but the text occurs {len(found)} times")
        start = found[k - 1]
        out = {"start": start, "end": start + len(span["text"]), "text": span["text"], "label": span["label"]}
        for key in VALUE_KEYS:
            out[key] = span.get(key)
        links = []
        for link in span.get("links", []):
            if link.get("role") not in LINK_ROLES:
                raise SystemExit(f"{where}: link role must be one of {LINK_ROLES}")
            hits = occurrences(text, link["text"])
            if not hits:
                raise SystemExit(f"{where}: link text {link['text']!r} not found")
            if "occurrence" in link:
                at = hits[link["occurrence"] - 1]
            else:  # nearest occurrence, preferring one before the value
                at = min(hits, key=lambda h: (abs(h - start) if h <= start else abs(h - start) + 10_000))
            links.append({"role": link["role"], "text": link["text"], "start": at, "end": at + len(link["text"]),
                          "id": link.get("id"), "name": link.get("name")})
        out["links"] = links
        spans.append(out)
    spans.sort(key=lambda s: (s["start"], s["end"]))
    return {"doc": draft["doc"], "source": draft["source"], "split": draft["split"], "spans": spans}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("drafts", nargs="+")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    docs = []
    for name in args.drafts:
        for line in open(name, encoding="utf-8"):
            if line.strip():
                docs.append(resolve(json.loads(line)))
    docs.sort(key=lambda d: d["doc"])
    with open(args.output, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents, {sum(len(d['spans']) for d in docs)} spans -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
