"""Batch-scan throughput: documents/s and pages/s with 1 and 2 workers, the scaling ratio, peak
memory per worker, and a fully cached rerun.

Corpus, read in place (never copied): the 1,011 PICO-Corpus abstracts and the 19 open-access
article PDFs in ../shared/external/ when present; otherwise the bundled corpora/ (fewer than
1,000 documents, so the figures are only indicative).

    .venv/bin/python benchmarks/scan_benchmark.py [--workers 1 2] [--keep DIR]

Each run scans into a fresh store, start-up included (the pool, and each worker building its
pipeline). The cached rerun is the command line itself (`textmine scan … -o STORE`), timed from
process start to exit, on the store of the last run.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = ROOT.parent / "shared" / "external"
PICO = EXTERNAL / "pico-corpus-mutinda2022" / "brat"
PDFS = EXTERNAL / "open-access-clinical-pdfs"


def corpus() -> tuple[str, list[str]]:
    if PICO.is_dir():
        abstracts = sorted(str(p) for p in PICO.glob("*.txt"))
        pdfs = sorted(str(p) for p in PDFS.glob("*/fulltext.pdf")) if PDFS.is_dir() else []
        return f"{len(abstracts)} PICO-Corpus abstracts + {len(pdfs)} open-access PDFs (../shared/external)", abstracts + pdfs
    files = sorted(str(p) for p in (ROOT / "corpora").iterdir() if p.suffix in (".md", ".txt"))
    return f"{len(files)} bundled corpora/ documents (../shared absent: fewer than 1,000)", files


def run(paths: list[str], store: Path, workers: int) -> dict:
    from textmine.batch import ScanOptions, scan

    started = time.perf_counter()
    summary = scan(paths, store, ScanOptions(workers=workers, progress=False))
    wall = time.perf_counter() - started
    with sqlite3.connect(store) as conn:
        pdf_pages, pdf_seconds = conn.execute(
            "SELECT COALESCE(SUM(pages), 0), COALESCE(SUM(seconds), 0) FROM documents WHERE format = 'pdf'").fetchone()
    return {"workers": workers, "wall": wall, "done": summary.done, "failed": summary.failed,
            "docs_s": (summary.done + summary.failed) / wall, "startup": summary.first_result or 0.0,
            "steady_s": summary.steady_documents_per_second, "pages": summary.pages, "pages_s": summary.pages / wall,
            "pdf_pages_per_worker_s": pdf_pages / pdf_seconds if pdf_seconds else 0.0,
            "peak_mb": max(summary.worker_peak_mb.values(), default=0.0), "n_workers_seen": len(summary.worker_peak_mb)}


def cached_rerun(paths_file: Path, store: Path) -> tuple[float, str]:
    command = [str(Path(sys.executable).parent / "textmine"), "scan", "--quiet", "-o", str(store)]
    started = time.perf_counter()
    out = subprocess.run(command + paths_file.read_text().split("\n"), capture_output=True, text=True)
    return time.perf_counter() - started, out.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", metavar="DIR", help="keep the stores here")
    args = parser.parse_args()
    name, paths = corpus()
    print(f"corpus: {name}; {len(paths)} documents; {os.cpu_count()} cores")
    folder = Path(args.keep or tempfile.mkdtemp(prefix="textmine-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for workers in args.workers:
        store = folder / f"scan-{workers}w.sqlite"
        for leftover in folder.glob(f"scan-{workers}w.sqlite*"):
            leftover.unlink()
        results.append(run(paths, store, workers))
        r = results[-1]
        print(f"  {workers} worker(s): {r['done']} done, {r['failed']} failed in {r['wall']:.1f} s", flush=True)
    paths_file = folder / "paths.txt"
    paths_file.write_text("\n".join(paths))
    rerun_s, rerun_line = cached_rerun(paths_file, folder / f"scan-{args.workers[-1]}w.sqlite")

    print()
    print("| workers | documents | wall s | documents/s | PDF pages/s | start-up s | documents/s after start-up "
          "| peak RSS per worker (MB) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['workers']} | {r['done'] + r['failed']} | {r['wall']:.1f} | {r['docs_s']:.1f} | "
              f"{r['pages_s']:.2f} | {r['startup']:.1f} | {r['steady_s']:.1f} | {r['peak_mb']:.0f} |")
    if len(results) >= 2:
        print(f"\nscaling, {results[-1]['workers']} vs {results[0]['workers']} worker(s): "
              f"{results[-1]['docs_s'] / results[0]['docs_s']:.2f}x end to end, "
              f"{results[-1]['steady_s'] / results[0]['steady_s']:.2f}x after start-up")
    print(f"PDF pages per second of one worker's analysis time: {results[0]['pdf_pages_per_worker_s']:.2f}")
    print(f"fully cached rerun of {len(paths)} documents (the command, start to exit): {rerun_s:.2f} s")
    print(f"  {rerun_line}")


if __name__ == "__main__":
    main()
