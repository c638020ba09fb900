"""How far a second, independent annotation agrees with the gold set, beside textmine on the same documents.

The gold set's own consistency bounds what any extractor can score against it: where two annotators
following GUIDELINES.md disagree on a mention, at least one of them is "wrong" by the other's lights.

    .venv/bin/python gold/tools/agreement.py SECOND.jsonl [--gold gold/gold.jsonl]

SECOND.jsonl holds the second annotator's documents with offsets (as written by resolve_offsets.py).
Both annotations and textmine's output are compared with `textmine eval`'s value matching, the gold
set as reference. Prints one row per field for the second annotator and for textmine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from textmine.api import default_pipeline  # noqa: E402
from textmine.evaluation.gold import load_gold, mention_item, source_path  # noqa: E402
from textmine.evaluation.evaluate import LINK_ROLES_MEASURED  # noqa: E402
from textmine.evaluation.matching import Counts, link_agreement, match, micro  # noqa: E402
from textmine.mentions import FIELDS  # noqa: E402
from textmine.parse import load_document  # noqa: E402


def compare(reference, other) -> dict[str, Counts]:
    """Value-matching counts per field of ``other`` items against ``reference`` items."""
    out = {f: Counts() for f in FIELDS}
    for f in FIELDS:
        g = [x for x in reference if x.label == f]
        p = [x for x in other if x.label == f]
        m = match(g, p, "value")
        out[f].add(Counts(len(m.pairs), len(m.false_positives), len(m.false_negatives)))
    return out


def link_counts(reference, other) -> dict[str, list[int]]:
    """Per link role: [agreeing, total] over value-matched mentions whose gold span has that role
    (the measure of `textmine eval`'s link section)."""
    out = {role: [0, 0] for role in LINK_ROLES_MEASURED}
    for f in FIELDS:
        m = match([x for x in reference if x.label == f], [x for x in other if x.label == f], "value")
        for g, p in m.pairs:
            for role in LINK_ROLES_MEASURED:
                agree = link_agreement(g, p, role)
                if agree is not None:
                    out[role][0] += int(agree)
                    out[role][1] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("second", help="the second annotation, with offsets (JSONL)")
    ap.add_argument("--gold", default=str(ROOT / "gold" / "gold.jsonl"))
    args = ap.parse_args(argv)

    gold = {d.doc: d for d in load_gold(args.gold, root=ROOT)}
    second = load_gold(args.second, root=ROOT)
    missing = [d.doc for d in second if d.doc not in gold]
    if missing:
        print(f"agreement: error: not in the gold set: {', '.join(missing)}", file=sys.stderr)
        return 1
    pipeline = default_pipeline()
    totals = {"second annotator": {f: Counts() for f in FIELDS}, "textmine": {f: Counts() for f in FIELDS}}
    links = {who: {role: [0, 0] for role in LINK_ROLES_MEASURED} for who in totals}
    with_links = any(s.links for d in second for s in d.spans)
    for doc in second:
        reference = [s.item(doc.doc) for s in gold[doc.doc].spans]
        annotated = [s.item(doc.doc) for s in doc.spans]
        predicted = [mention_item(m, doc.doc) for m in pipeline.run(load_document(source_path(doc.source, ROOT)))]
        for who, items in (("second annotator", annotated), ("textmine", predicted)):
            for f, c in compare(reference, items).items():
                totals[who][f].add(c)
            for role, (agree, total) in link_counts(reference, items).items():
                links[who][role][0] += agree
                links[who][role][1] += total

    print(f"{len(second)} documents, {sum(len(gold[d.doc].spans) for d in second)} gold mentions; value matching, gold as reference\n")
    print(f"{'who':18} {'field':12} {'TP':>5} {'FP':>5} {'FN':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for who, per_field in totals.items():
        for f, c in [*per_field.items(), ("micro", micro(per_field.values()))]:
            print(f"{who:18} {f:12} {c.tp:5} {c.fp:5} {c.fn:5} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}")
    if with_links:
        print("\nlinks: agreement with the gold link (same id, overlapping span or the same words), over value-matched mentions whose gold span has the role")
        print(f"{'role':14} {'second annotator':>22} {'textmine':>22}")
        for role in LINK_ROLES_MEASURED:
            cells = []
            for who in totals:
                agree, total = links[who][role]
                cells.append(f"{agree / total:.3f} ({agree}/{total})" if total else "-")
            print(f"{role:14} {cells[0]:>22} {cells[1]:>22}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
