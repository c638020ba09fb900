"""Sample sizes measured against an independent corpus: PICO-Corpus (Mutinda et al., 2022).

1,011 breast-cancer RCT abstracts with hand-annotated `total-participants`,
`intervention-participants` and `control-participants` spans, read in place from
../shared/external (never copied). Matching as in `textmine eval`: span = overlap, value =
overlap and the same count. The corpus is split by file order: even files may be used to
tune (`--part tune`), odd files are only measured (`--part check`, the default).

    .venv/bin/python benchmarks/pico_sample_size.py [--part tune|check|all] [--errors N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PICO = ROOT.parent / "shared" / "external" / "pico-corpus-mutinda2022" / "brat"
LABELS = ("total-participants", "intervention-participants", "control-participants")
_DIGITS = __import__("re").compile(r"\d{1,3}(?:[ ,]\d{3})+(?!\d)|\d+")


def gold_counts(ann: Path, text: str) -> list[tuple[int, int, int | None, str]]:
    from textmine.values.numbers import NumberFormatError, parse_number

    out = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        _, info, span_text = line.split("\t", 2)
        label, *offsets = info.split()
        if label not in LABELS or ";" in " ".join(offsets):
            continue
        start, end = int(offsets[0]), int(offsets[-1])
        value = None
        digits = _DIGITS.search(span_text)
        for candidate in ((digits.group(),) if digits else ()) + (span_text.strip(),):
            try:
                value = int(parse_number(candidate))
                break
            except (NumberFormatError, ValueError):
                continue
        out.append((start, end, value, text[start:end]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("tune", "check", "all"), default="check")
    ap.add_argument("--errors", type=int, default=0, help="print this many errors (tune part only)")
    args = ap.parse_args()
    if not PICO.is_dir():
        print(f"skipped: {PICO} is absent (third-party data, read in place)")
        return 0
    from textmine.evaluation.matching import Counts, Item, match
    from textmine.parse import parse_text
    from textmine.pipeline import Pipeline

    pipeline = Pipeline()
    files = sorted(PICO.glob("*.txt"))
    files = files[0::2] if args.part == "tune" else files[1::2] if args.part == "check" else files
    span, value = Counts(), Counts()
    shown = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        gold = [Item("sample_size", s, e, {"value": v}, text=t) for s, e, v, t in gold_counts(path.with_suffix(".ann"), text)]
        pred = [Item("sample_size", m.start, m.end, {"value": m.value}, text=m.text, rule=m.rule)
                for m in pipeline.run(parse_text(text, path.name, "text")) if m.field == "sample_size"]
        ms, mv = match(gold, pred, "span"), match(gold, pred, "value")
        span.add(Counts(len(ms.pairs), len(ms.false_positives), len(ms.false_negatives)))
        value.add(Counts(len(mv.pairs), len(mv.false_positives), len(mv.false_negatives)))
        if args.part == "tune" and shown < args.errors:
            for kind, items in (("FP", mv.false_positives), ("FN", mv.false_negatives)):
                for it in items:
                    if shown < args.errors:
                        s = max(0, it.start - 90)
                        print(f"{kind} {path.name} {it.text!r} {it.rule or ''}: …{text[s:it.end + 60]!r}…")
                        shown += 1
    print(f"PICO-Corpus sample sizes, {args.part} part: {len(files)} abstracts")
    for name, c in (("span", span), ("value", value)):
        print(f"  {name:<5}  TP {c.tp:>5}  FP {c.fp:>4}  FN {c.fn:>4}  P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
