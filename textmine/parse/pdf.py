"""PDF → ``Document``: characters with their geometry, laid out in reading order.

pypdfium2 gives every character with its box, baseline and font size (hundreds of pages a
second). From them:

1. lines: characters that follow each other on one baseline band; a smaller character
   raised above the baseline is a superscript ("10" + raised "7" → ``10^7``), a lowered one a
   subscript (``CO_2``); word gaps are measured, not taken from the PDF's own guesses;
2. reading order: a page with a gutter free of text near its middle has two columns; lines
   that cross the gutter (titles, wide tables) stay where they are, and between them the
   left column is read before the right;
3. clean-up: running headers and footers (the same text at the top or bottom of several
   pages), page numbers and line numbers are dropped; ligatures expand (ﬁ → fi); a word split
   at a line end is joined only where a real word results ("trans-" + "plantation"), never
   where the first part holds a digit or a capital after its first letter ("T2-weighted");
4. blocks: a line set in a larger font is a heading; a run of lines whose words sit in
   aligned columns with wide gaps is a table (written as a Markdown table, so the table
   reader sees its header and cells); the rest are paragraphs.

The laid-out text is parsed like Markdown (headings, tables, captions, a "References" heading
that starts the references block), and every character of it keeps its page and box
(``Document.geometry``), so mentions carry their page.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from textmine.document import Document
from textmine.errors import InputError
from textmine.parse.pdf_lines import _drop_running_lines, _page_lines, _reading_order
from textmine.parse.pdf_render import PageMap, _render

__all__ = ["load_pdf", "PageMap"]


def load_pdf(path: str | Path, data: bytes | None = None) -> Document:
    """Parse a PDF file into a ``Document`` (``InputError`` naming the file and the problem)."""
    import pypdfium2 as pdfium

    name = str(path)
    try:
        pdf = pdfium.PdfDocument(data if data is not None else name)
    except pdfium.PdfiumError as exc:
        raise InputError(name, _why_unreadable(str(exc), data if data is not None else Path(name).read_bytes())) from None
    try:
        if len(pdf) == 0:
            raise InputError(name, "PDF with no pages")
        with _collector_paused():  # the characters and lines are freed before it resumes
            text, geometry = _layout(pdf, name)
    finally:
        pdf.close()
    from textmine.parse.text import parse_text

    document = parse_text(text, name, "markdown")
    blocks = tuple(replace(b, page=geometry.page_at(_first_char(text, b.start, b.end))) for b in document.blocks)
    return Document(document.text, name, "pdf", blocks, geometry)


def _layout(pdf, name: str) -> tuple[str, PageMap]:
    """The laid-out text of an open PDF and the page map of its characters."""
    read = [_page_lines(pdf, i, name) for i in range(len(pdf))]
    pages = [lines for lines, _ in read]
    widths = [size[0] for _, size in read]
    heights = [size[1] for _, size in read]
    if not any(pages):
        raise InputError(name, "no text layer; OCR is not supported")
    pages = _drop_running_lines(pages, heights)
    return _render([_reading_order(lines, width) for lines, width in zip(pages, widths)])


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector while a PDF's characters are made and laid out: hundreds
    of thousands of small objects, none in a cycle, would otherwise trigger collections that
    scan them all again and again (about a tenth of the parse time). They are freed (by their
    reference counts) before it resumes, so no collection has to scan them afterwards either.
    It resumes as it was, even on an error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _why_unreadable(message: str, data: bytes) -> str:
    """Why pdfium could not open a file. Its error code can be stale (left by an earlier file),
    so the file's own bytes decide between encrypted, empty and damaged."""
    if re.search(rb"/Encrypt\b", data):
        return "encrypted PDF: it needs a password"
    for tree in re.finditer(rb"<<([^<>]{0,300})>>", data):
        if re.search(rb"/Type\s*/Pages\b", tree.group(1)) and re.search(rb"/Count\s*0\b", tree.group(1)):
            return "PDF with no pages"
    reason = re.search(r"PDFium: ([^)]*)", message)
    reason_text = reason.group(1).strip().lower() if reason else ""
    if not data.lstrip().startswith(b"%PDF"):
        return "not a readable PDF (no PDF header: not a PDF file)"
    if reason_text in ("", "success", "incorrect password error"):
        reason_text = "damaged or truncated"
    return f"not a readable PDF ({reason_text})"


def _first_char(text: str, start: int, end: int) -> int:
    for i in range(start, end):
        if not text[i].isspace() and text[i] not in "#|":
            return i
    return start
