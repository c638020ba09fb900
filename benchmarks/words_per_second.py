"""Words per second of the whole pipeline (parse → sentences → abbreviations → extractors).

Corpus: the PICO-Corpus abstracts in ../shared/external/ (read in place, never copied) when
present, else the bundled corpora/ repeated; at least 1 MB of text either way. One core,
pipeline built once beforehand (its start-up is reported separately).

    .venv/bin/python benchmarks/words_per_second.py [--corpus pico|bundled] [--min-bytes N] [--repeat K]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PICO = ROOT.parent / "shared" / "external" / "pico-corpus-mutinda2022" / "brat"


def corpus(min_bytes: int, which: str) -> tuple[str, list[tuple[str, str]]]:
    if which == "pico" and PICO.is_dir():
        files = sorted(PICO.glob("*.txt"))
        name = f"PICO-Corpus abstracts ({len(files)} files, ../shared/external)"
    else:
        files = sorted(p for p in (ROOT / "corpora").glob("*") if p.suffix in (".md", ".txt"))
        name = f"bundled corpora/ ({len(files)} files, repeated)"
    docs, size = [], 0
    while size < min_bytes:
        for f in files:
            text = f.read_text(encoding="utf-8")
            docs.append((f"{f.name}#{len(docs)}", text))
            size += len(text.encode("utf-8"))
    return name, docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-bytes", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="timed passes; the best is reported")
    ap.add_argument("--corpus", choices=("pico", "bundled"), default="pico",
                    help="pico: RCT abstracts from ../shared/external (falls back to bundled); bundled: our corpora/ repeated")
    args = ap.parse_args()

    from textmine.parse import parse_text
    from textmine.pipeline import Pipeline

    t0 = time.perf_counter()
    pipeline = Pipeline()
    pipeline.abbreviation_finder  # build spaCy + scispaCy now, not inside the timing
    startup = time.perf_counter() - t0

    name, docs = corpus(args.min_bytes, args.corpus)
    words = sum(len(text.split()) for _, text in docs)
    size = sum(len(text.encode("utf-8")) for _, text in docs)
    best, best_cpu, mentions = float("inf"), float("inf"), 0
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        mentions = sum(len(pipeline.run(parse_text(text, doc, "text"))) for doc, text in docs)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    print(f"corpus      {name}")
    print(f"size        {size / 1e6:.2f} MB, {len(docs)} documents, {words:,} words, {mentions:,} mentions")
    print(f"start-up    {startup:.2f} s (patterns, spaCy blank pipeline, abbreviation detector)")
    print(f"time        {best:.2f} s wall, {best_cpu:.2f} s CPU (best of {args.repeat})")
    print(f"wall        {words / best:,.0f} words/s (sensitive to other load on the machine)")
    print(f"throughput  {words / best_cpu:,.0f} words/s of CPU time on one core")


if __name__ == "__main__":
    main()
