"""PDF parsing: fidelity against the publisher's XML, and speed beside pdftotext and pdfplumber.

    .venv/bin/python benchmarks/pdf_fidelity.py [--dir ../shared/external/open-access-clinical-pdfs]

For each of the 19 open-access articles (read in place, never copied), with the XML's body
paragraphs as ground truth:

- character error rate (CER): each XML body paragraph is located in the parsed text (by its
  first or last words) and compared character by character (Levenshtein distance over the
  paragraph's length); a paragraph that cannot be located counts as wholly wrong. Both texts
  are normalised the same way (NFKC, one kind of dash and quote, collapsed spaces), and the
  parser's superscript and subscript marks (``10^7``, ``CO_2``) are removed first, because the
  XML prints ``10<sup>7</sup>`` as "107";
- superscript recall: every ``<sup>`` of the XML body (as a multiset per article) must appear
  marked as a superscript in the parsed text ("^7"); powers of ten ("× 10<sup>7</sup>") are
  reported on their own;
- pages per second: textmine's parser, ``pdftotext`` (poppler) and pdfplumber's
  ``extract_text``, one after the other in one run, on one core.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textmine.parse import load_document  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "external" / "open-access-clinical-pdfs"
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
_MARK = re.compile(r"(?<=\S)[\^_](?=\w)")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text)
    for a, b in _QUOTES.items():
        text = text.replace(a, b)
    return " ".join(text.split())


def xml_body(path: Path) -> tuple[list[str], list[str]]:
    """The body paragraphs of an article's XML (BMC 'art' or JATS), and its superscripts."""
    tree = ET.parse(path)
    root = tree.getroot()
    body = root.find(".//bdy") if root.find(".//bdy") is not None else root.find(".//body")
    if body is None:
        return [], []
    skip = {"table", "tbl", "table-wrap", "fig", "tblbdy", "tblfn", "caption", "title"}
    paragraphs, sups = [], []

    def walk(node, inside_skip: bool) -> None:
        tag = node.tag.split("}")[-1]
        hidden = inside_skip or tag in skip
        if tag == "p" and not hidden:
            text = normalise("".join(node.itertext()))
            if len(text) > 40:
                paragraphs.append(text)
            sups.extend(normalise("".join(s.itertext())) for s in node.iter() if s.tag.split("}")[-1] == "sup")
            return
        for child in node:
            walk(child, hidden)

    walk(body, False)
    return paragraphs, [s for s in sups if s]


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy row at a time (the insertion chain as a running minimum)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(b) + 1)
    row = index.copy()
    for i, ch in enumerate(a.encode("utf-32-le").decode("utf-32-le"), 1):
        cost = (bb != ord(ch)).astype(np.int64)
        diag = row[:-1] + cost
        up = row[1:] + 1
        best = np.minimum(diag, up)
        new = np.empty_like(row)
        new[0] = i
        new[1:] = best
        row = np.minimum.accumulate(new - index) + index  # left neighbour + 1, chained
    return int(row[-1])


def locate(paragraph: str, text: str, limit: int = 5) -> list[tuple[int, int]]:
    """Where the paragraph may sit in the text: every place its first words (or, failing them,
    a later run of words) occur, up to ``limit``."""
    words = paragraph.split()
    n = min(6, len(words))
    for k in range(0, max(1, len(words) - n), max(1, n)):
        head = " ".join(words[k:k + n])
        places, start = [], text.find(head)
        while start >= 0 and len(places) < limit:
            begin = max(0, start - len(" ".join(words[:k])) - (1 if k else 0))
            places.append((begin, min(len(text), begin + len(paragraph) + 40)))
            start = text.find(head, start + 1)
        if places:
            return places
    return []


def cer(paragraphs: list[str], text: str) -> tuple[int, int]:
    errors = total = 0
    for p in paragraphs:
        total += len(p)
        places = locate(p, text)
        if not places:
            errors += len(p)
            continue
        # the best place, and the best end of the window: the paragraph's length, give or take
        errors += min(levenshtein(p, text[s:e][:len(p) + d]) for s, e in places for d in (-10, 0, 10, 40) if len(p) + d > 0)
    return errors, total


def superscripts(expected: list[str], parsed: str) -> tuple[int, int]:
    """How many of the XML's superscripts the parsed text marks as superscripts (multisets)."""
    want = Counter(expected)
    have = Counter(re.findall(r"\^([0-9A-Za-z*∗†‡§+−-]+)", parsed))  # the run the parser marked
    return sum(min(n, have[s]) for s, n in want.items()), sum(want.values())


def powers_of_ten(xml: Path, parsed: str) -> tuple[int, int]:
    raw = xml.read_text(encoding="utf-8", errors="replace")
    want = Counter(re.findall(r"10\s*<sup>\s*(-?\d+)\s*</sup>", raw))
    have = Counter(re.findall(r"10\^(-?\d+)", parsed))
    return sum(min(n, have[p]) for p, n in want.items()), sum(want.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    folders = sorted(p.parent for p in args.dir.glob("*/fulltext.pdf"))
    if not folders:
        print(f"no PDFs under {args.dir} (the open-access test set lives in ../shared/external)", file=sys.stderr)
        return 1
    import pypdfium2 as pdfium

    pages = {f: len(pdfium.PdfDocument(str(f / "fulltext.pdf"))) for f in folders}
    total_pages = sum(pages.values())

    print(f"{'article':24} {'pages':>5} {'CER':>7} {'sup found':>10} {'10^n found':>11}")
    errors = chars = sup_found = sup_total = pow_found = pow_total = 0
    for f in folders:
        parsed = load_document(f / "fulltext.pdf").text
        paragraphs, sups = xml_body(f / "fulltext.xml")
        e, n = cer(paragraphs, normalise(_MARK.sub("", parsed)))
        found, want = superscripts(sups, parsed)
        pf, pw = powers_of_ten(f / "fulltext.xml", parsed)
        errors, chars = errors + e, chars + n
        sup_found, sup_total, pow_found, pow_total = sup_found + found, sup_total + want, pow_found + pf, pow_total + pw
        print(f"{f.name:24} {pages[f]:>5} {e / max(n, 1):>7.3%} {found:>4}/{want:<5} {pf:>5}/{pw:<5}")
    print(f"{'all':24} {total_pages:>5} {errors / max(chars, 1):>7.3%} {sup_found:>4}/{sup_total:<5} {pow_found:>5}/{pow_total:<5}")
    print()

    def best_of(fn, runs: int) -> float:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    speeds = {}
    speeds["textmine (pypdfium2 + layout)"] = total_pages / best_of(
        lambda: [load_document(f / "fulltext.pdf") for f in folders], args.runs)
    if shutil.which("pdftotext"):
        speeds["pdftotext (poppler)"] = total_pages / best_of(
            lambda: [subprocess.run(["pdftotext", str(f / "fulltext.pdf"), "-"], capture_output=True, check=True)
                     for f in folders], args.runs)
    try:
        import pdfplumber

        def plumber() -> None:
            for f in folders:
                with pdfplumber.open(f / "fulltext.pdf") as pdf:
                    for page in pdf.pages:
                        page.extract_text()
        speeds["pdfplumber extract_text"] = total_pages / best_of(plumber, 1)
    except ImportError:
        pass
    print(f"{'parser':32} {'pages/s':>8}")
    for name, value in speeds.items():
        print(f"{name:32} {value:>8.1f}")
    ours = speeds["textmine (pypdfium2 + layout)"]
    if "pdfplumber extract_text" in speeds:
        print(f"textmine / pdfplumber: {ours / speeds['pdfplumber extract_text']:.1f}x (target >= 10x)")
    if "pdftotext (poppler)" in speeds:
        print(f"pdftotext / textmine: {speeds['pdftotext (poppler)'] / ours:.1f}x (target <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
