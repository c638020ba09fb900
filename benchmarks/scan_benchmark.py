"""Batch-scan throughput: documents/s and pages/s with 1 and 2 workers, the scaling ratio, peak
memory per worker, start-up, and a fully cached rerun.

Corpus, read in place (never copied): the 1,011 PICO-Corpus abstracts and the 19 open-access
article PDFs in ../shared/external/ when present; otherwise the bundled corpora/ (fewer than
1,000 documents, so the figures are only indicative).

    .venv/bin/python benchmarks/scan_benchmark.py [--workers 1 2] [--repeat 3] [--keep DIR]

Each run is its own process (`python scan_benchmark.py --one N …`), as a user's scan is: timed
from process start to exit, into a fresh store, start-up included (imports, the pipeline built,
the pool started). Runs alternate between the worker counts and the medians are reported. The
compiled-pattern cache (textmine/regex_cache.py) is warmed first, as after any earlier textmine
command; the first run on a machine pays the compilation once, printed as the cold start-up.
The cached rerun is the command line itself (`textmine scan … -o STORE`) on the last store.
"""

from __future__ import annotations

import time

PROCESS_START = time.perf_counter()  # a scan run (--one) is timed from here

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
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


def one(workers: int, store: Path, paths_file: Path, process_start: float) -> None:
    """In the child: one scan; prints its figures as JSON."""
    from textmine.batch import ScanOptions, scan

    paths = paths_file.read_text().split("\n")
    began = time.perf_counter()
    summary = scan(paths, store, ScanOptions(workers=workers, progress=False))
    with sqlite3.connect(store) as conn:
        pdf_pages, pdf_seconds = conn.execute(
            "SELECT COALESCE(SUM(pages), 0), COALESCE(SUM(seconds), 0) FROM documents WHERE format = 'pdf'").fetchone()
    imports = began - process_start
    ready = summary.ready if summary.ready is not None else summary.first_result
    print(json.dumps({"workers": workers, "done": summary.done, "failed": summary.failed, "pages": summary.pages,
                      "startup": imports + (ready or 0.0), "pdf_pages": pdf_pages, "pdf_seconds": pdf_seconds,
                      "peak_mb": max(summary.worker_peak_mb.values(), default=0.0)}))


def run(workers: int, store: Path, paths_file: Path) -> dict:
    """In the parent: one scan in a fresh process, timed from its start to its exit."""
    for leftover in store.parent.glob(store.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--one", str(workers), "--store", str(store),
                          "--paths", str(paths_file)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    r = json.loads(out.stdout.strip().splitlines()[-1])
    documents = r["done"] + r["failed"]
    r.update(wall=wall, documents=documents, docs_s=documents / wall, pages_s=r["pages"] / wall,
             steady_s=documents / (wall - r["startup"]))
    return r


def cold_and_warm_startup() -> tuple[float, float]:
    """Seconds to build the pipeline in a fresh process: with an empty compiled-pattern cache,
    then with the one that run left."""
    code = ("import time; t = time.perf_counter(); from textmine.batch import worker; worker.preload(); "
            "print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "TEXTMINE_CACHE_DIR": cache}
        times = [float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                      check=True).stdout) for _ in range(2)]
    return times[0], times[1]


def cached_rerun(paths_file: Path, store: Path) -> tuple[float, str]:
    command = [str(Path(sys.executable).parent / "textmine"), "scan", "--quiet", "-o", str(store)]
    started = time.perf_counter()
    out = subprocess.run(command + paths_file.read_text().split("\n"), capture_output=True, text=True)
    return time.perf_counter() - started, out.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="runs per worker count (the median is reported)")
    parser.add_argument("--keep", metavar="DIR", help="keep the stores here")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, Path(args.store), Path(args.paths), PROCESS_START)
        return
    name, paths = corpus()
    print(f"corpus: {name}; {len(paths)} documents; {os.cpu_count()} cores")
    folder = Path(args.keep or tempfile.mkdtemp(prefix="textmine-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    paths_file = folder / "paths.txt"
    paths_file.write_text("\n".join(paths))
    cold, warm = cold_and_warm_startup()
    subprocess.run([sys.executable, "-c", "from textmine.batch import worker; worker.preload()"], check=True)
    runs: dict[int, list[dict]] = {w: [] for w in args.workers}
    for round_ in range(args.repeat):
        for workers in args.workers:
            r = run(workers, folder / f"scan-{workers}w.sqlite", paths_file)
            runs[workers].append(r)
            print(f"  round {round_ + 1}, {workers} worker(s): {r['done']} done, {r['failed']} failed in "
                  f"{r['wall']:.1f} s (start-up {r['startup']:.1f} s)", flush=True)
    results = [_median(runs[w]) for w in args.workers]
    rerun_s, rerun_line = cached_rerun(paths_file, folder / f"scan-{args.workers[-1]}w.sqlite")

    print(f"\nmedian of {args.repeat} run(s) each; wall = the scan's process, start to exit")
    print("| workers | documents | wall s | documents/s | PDF pages/s | start-up s | documents/s after start-up "
          "| peak RSS per worker (MB) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['workers']} | {r['documents']} | {r['wall']:.1f} | {r['docs_s']:.1f} | "
              f"{r['pages_s']:.2f} | {r['startup']:.1f} | {r['steady_s']:.1f} | {r['peak_mb']:.0f} |")
    if len(results) >= 2:
        first, last = results[0], results[-1]
        print(f"\nscaling, {last['workers']} vs {first['workers']} worker(s): "
              f"{first['wall'] / last['wall']:.2f}x end to end, "
              f"{last['steady_s'] / first['steady_s']:.2f}x after start-up")
        rounds = [a["wall"] / b["wall"] for a, b in zip(runs[first["workers"]], runs[last["workers"]])]
        print("  end to end, round by round: " + ", ".join(f"{x:.2f}x" for x in rounds))
    pdf_pages = sum(r["pdf_pages"] for r in runs[args.workers[0]])
    pdf_seconds = sum(r["pdf_seconds"] for r in runs[args.workers[0]])
    if pdf_seconds:
        print(f"PDF pages per second of one worker's analysis time: {pdf_pages / pdf_seconds:.2f}")
    print(f"pipeline start-up in a fresh process: {cold:.1f} s cold (no compiled-pattern cache), {warm:.1f} s warm")
    print(f"fully cached rerun of {len(paths)} documents (the command, start to exit): {rerun_s:.2f} s")
    print(f"  {rerun_line}")


def _median(runs: list[dict]) -> dict:
    """The run with the median wall time (its own figures, not a mix of runs)."""
    return sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]


if __name__ == "__main__":
    main()
