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

import ctypes
import re
from array import array
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from textmine.document import Document
from textmine.errors import InputError

MAX_CHARS_PER_PAGE = 250_000  # a page beyond this is refused, not parsed for minutes
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
SOFT_HYPHEN = "\ufffe"  # pdfium's mark for a hyphen it removed at a line end
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_DIGITS = re.compile(r"\d+")
_SCRIPT_SIGNS = frozenset("*∗†‡§+−-")  # raised or lowered with letters and digits: "10^−3", "a^∗"
_CAPTION_START = re.compile(r"\s*(?:table|fig\.?|figure)\s+\d+[.:]", re.I)


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float  # distances from the top of the page
    bottom: float
    baseline: float
    size: float


class Line:
    """Characters on one baseline band, left to right; its measures are computed once."""

    def __init__(self, chars: list[Char], page: int) -> None:
        self.chars, self.page = chars, page
        self.cells: list[Line] | None = None  # its table cells, once asked for
        first = chars[0]
        x0, x1, top, bottom = first.x0, first.x1, first.top, first.bottom
        sizes = []
        widest = 0.0  # the widest gap between two inked characters (a table row has wide ones)
        unspaced = 0.0  # the widest such gap with no space between (a word break to measure)
        previous_x1 = None
        spaced = False
        for c in chars:  # one pass: this runs for every line of every page
            if c.text == " ":
                spaced = True
                continue  # a space's box is no one's (the shared marker has none)
            if c.x0 < x0:
                x0 = c.x0
            if c.x1 > x1:
                x1 = c.x1
            if c.top < top:
                top = c.top
            if c.bottom > bottom:
                bottom = c.bottom
            sizes.append(c.size)
            if previous_x1 is not None:
                if c.x0 - previous_x1 > widest:
                    widest = c.x0 - previous_x1
                if not spaced and c.x0 - previous_x1 > unspaced:
                    unspaced = c.x0 - previous_x1
            previous_x1 = c.x1
            spaced = False
        self.x0, self.x1, self.top, self.bottom, self.widest_gap = x0, x1, top, bottom, widest
        self.unspaced_gap = unspaced
        self.plain = "".join([c.text for c in chars])
        if not sizes:
            sizes = [c.size for c in chars]
        sizes.sort()
        self.size = sizes[len(sizes) // 2]
        self.smallest = sizes[0]
        sample = chars if len(chars) <= 24 else chars[::len(chars) // 12]  # a median of a dozen will do
        main = sorted(c.baseline for c in sample if c.text != " " and c.size >= 0.9 * self.size)
        self.baseline = main[len(main) // 2] if main else first.baseline


class PageMap:
    """The page and box of every character of a document's text (``None`` for inserted ones)."""

    def __init__(self) -> None:
        self.pages = array("i")
        self.boxes = array("f")  # x0, top, x1, bottom per character

    def page_at(self, offset: int) -> int | None:
        if 0 <= offset < len(self.pages) and self.pages[offset] > 0:
            return self.pages[offset]
        return None

    def box_at(self, offset: int) -> tuple[float, float, float, float] | None:
        if 0 <= offset < len(self.pages) and self.pages[offset] > 0:
            return tuple(self.boxes[4 * offset:4 * offset + 4])  # type: ignore[return-value]
        return None


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
        read = [_page_lines(pdf, i, name) for i in range(len(pdf))]
        pages = [lines for lines, _ in read]
        widths = [size[0] for _, size in read]
        heights = [size[1] for _, size in read]
    finally:
        pdf.close()
    if not any(pages):
        raise InputError(name, "no text layer; OCR is not supported")
    pages = _drop_running_lines(pages, heights)
    ordered = [_reading_order(lines, width) for lines, width in zip(pages, widths)]
    text, geometry = _render(ordered)
    from textmine.parse.text import parse_text

    document = parse_text(text, name, "markdown")
    blocks = tuple(replace(b, page=geometry.page_at(_first_char(text, b.start, b.end))) for b in document.blocks)
    return Document(document.text, name, "pdf", blocks, geometry)


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


def _page_lines(pdf, index: int, name: str) -> tuple[list[Line], tuple[float, float]]:
    """The page's characters grouped into lines (in the PDF's content order), and its size."""
    import pypdfium2.raw as raw

    page = pdf[index]
    page_width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        n = raw.FPDFText_CountChars(textpage)
        if n > MAX_CHARS_PER_PAGE:
            raise InputError(name, f"page {index + 1} holds {n:,} characters (more than {MAX_CHARS_PER_PAGE:,}); not parsed")
        rect = raw.FS_RECTF()
        get_box = raw.FPDFText_GetLooseCharBox
        handle = textpage.raw  # the bare handle: no wrapper conversion on each of the calls below
        buffer = (ctypes.c_ushort * (n + 1))()
        raw.FPDFText_GetText(handle, 0, n, buffer)  # every code at once: one UTF-16 unit per character index
        codes = buffer[:n]
        chars: list[Char] = []
        append = chars.append
        for k in range(n):
            code = codes[k]
            if code == 13 or code == 10:
                continue  # pdfium's line breaks: lines are rebuilt from the geometry
            if 0xD800 <= code <= 0xDFFF:  # UTF-16: a character beyond the BMP comes in two halves
                if code >= 0xDC00:
                    continue  # the second half, read with the first
                low = codes[k + 1] if k + 1 < n else 0
                text = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)) if 0xDC00 <= low <= 0xDFFF else "\ufffd"
            else:
                text = _TEXT[code]
            if not text:
                continue
            if code == 32:  # a space needs no box of its own: one shared marker stands for them all
                if chars:
                    append(_SPACE)
                continue
            get_box(handle, k, rect)
            # the loose box spans the font's ascent and descent: its height measures the font size
            top, foot = rect.top, rect.bottom
            bottom, size = height - foot, top - foot
            # the baseline sits about a quarter of the box above its foot (the font's descent)
            append(Char(text, rect.left, rect.right, height - top, bottom, bottom - 0.25 * size, size))
    finally:
        textpage.close()
        page.close()
    return _lines(chars, index + 1, page_width), (page_width, height)


def char_text(code: int) -> str:
    """The text of one character code from pdfium: ligatures expanded, a line-end hyphen marked."""
    if code in (0xFFFE, 0x2):
        return SOFT_HYPHEN
    if 0xD800 <= code <= 0xDFFF:
        return ""  # half a character: read with its other half
    text = chr(code) if code else ""
    return LIGATURES.get(text, text)


_TEXT = [char_text(code) for code in range(0x10000)]  # every UTF-16 unit, looked up by index
_SPACE = Char(" ", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def _lines(chars: list[Char], page: int, width: float) -> list[Line]:
    """Lines: first fragments (characters on one baseline band, no gap wider than an em), then
    fragments of one band joined unless the join would cross the page's gutter between two
    columns (a fragment that starts at the right column's left edge starts a line of its own)."""
    fragments = [f for f in _fragments(chars, page) if not _rotated(f)]
    gutter = _gutter(fragments, width)
    if gutter is None:
        return _join(fragments, None)
    right_edge = _column_start([f for f in fragments if f.x0 >= gutter])
    return _join(fragments, (gutter, right_edge))


def _rotated(fragment: Line) -> bool:
    """A glyph or two set sideways (a figure's vertical axis label, a margin stamp): its box is
    wider than tall, and reading down the page splits such text into one-character fragments."""
    ink = [c for c in fragment.chars if c.text != " "]
    return 0 < len(ink) <= 2 and all(c.x1 - c.x0 > 1.1 * c.size for c in ink)


def _fragments(chars: list[Char], page: int) -> list[Line]:
    out: list[Line] = []
    current: list[Char] = []
    base = size = right = left = 0.0
    for c in chars:
        if c.text == " ":
            if current:
                current.append(c)
            continue
        if current:
            cs, x0 = c.size, c.x0
            band = 0.6 * (size if size > cs else cs)
            # a ligature's characters share one box; a superscript follows its base closely
            if -band <= c.baseline - base <= band and x0 >= left - 0.5 and x0 - right < size \
                    and right - 0.5 * size <= x0 + (right - left):
                current.append(c)
                if c.x1 > right:
                    right = c.x1
                left = x0
                if cs >= 0.9 * size:
                    base = c.baseline
                    if cs > size:
                        size = cs
                continue
            out.append(Line(_strip(current), page))
        current, base, size, right, left = [c], c.baseline, c.size, c.x1, c.x0
    if current:
        out.append(Line(_strip(current), page))
    return [f for f in out if f.chars]


def _join(fragments: list[Line], columns: tuple[float, float | None] | None) -> list[Line]:
    """Join fragments that follow each other on one band (a table row's cells, a line with a
    wide space), but never across a column gutter."""
    groups: list[list[Line]] = []
    for f in fragments:
        if groups:
            group = groups[-1]
            last = group[-1]
            right = max(g.x1 for g in group)
            same_band = abs(f.baseline - last.baseline) <= 0.5 * max(f.size, last.size)
            ahead = f.x0 >= right - 0.5 and f.x0 - right < 30 * max(f.size, 1.0)
            # across the gutter, a fragment that starts the right column (at its edge or indented
            # from it), or that follows column text reaching the gutter, begins a line of its own
            # (a band already cut into cells left of the gutter is a table row: it goes on across)
            crosses = columns is not None and right <= columns[0] <= f.x0 and len(group) == 1 and (
                columns[1] is None or columns[1] - 2.0 <= f.x0 <= columns[1] + 3 * f.size
                or right >= columns[0] - 1.5 * last.size)
            if same_band and ahead and not crosses:
                group.append(f)
                continue
        groups.append([f])
    out = []
    for group in groups:
        if len(group) == 1:
            out.append(group[0])
            continue
        chars: list[Char] = []
        for n, f in enumerate(group):
            if n:
                last = group[n - 1]
                chars.append(Char(" ", last.x1, f.x0, last.top, last.bottom, last.baseline, last.size))
            chars += f.chars
        out.append(Line(chars, group[0].page))
    return out


def _column_start(fragments: list[Line]) -> float | None:
    """The most common left edge of fragments (a column's left margin)."""
    if not fragments:
        return None
    counts: dict[int, int] = {}
    for f in fragments:
        counts[round(f.x0)] = counts.get(round(f.x0), 0) + 1
    edge, n = max(counts.items(), key=lambda kv: kv[1])
    return float(edge) if n >= 3 else None


def _strip(chars: list[Char]) -> list[Char]:
    while chars and chars[-1].text == " ":
        chars.pop()
    return chars


def _drop_running_lines(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Drop running headers and footers (the same text, digits aside, near the top or bottom of
    several pages), page numbers, and line numbers in the margins."""
    def zone(line: Line, height: float) -> str | None:
        if line.bottom < 0.08 * height:
            return "top"
        if line.top > 0.92 * height:
            return "bottom"
        return None

    seen: dict[tuple[str, str], int] = {}
    for lines, height in zip(pages, heights):
        for key in {(z, _DIGITS.sub("#", _plain(line)).strip().lower()) for line in lines if (z := zone(line, height))}:
            seen[key] = seen.get(key, 0) + 1
    repeated = {key for key, count in seen.items() if count >= 2}
    out = []
    for lines, height in zip(pages, heights):
        body = [line for line in lines if zone(line, height) is None and not _PAGE_NUMBER.match(_plain(line))]
        left = min((line.x0 for line in body), default=0.0)
        kept = []
        for line in lines:
            z = zone(line, height)
            plain = _plain(line)
            if z and ((z, _DIGITS.sub("#", plain).strip().lower()) in repeated or _PAGE_NUMBER.match(plain)):
                continue
            if _PAGE_NUMBER.match(plain) and (line.x1 < left + 2 or z):  # a line number in the margin
                continue
            kept.append(line)
        out.append(kept)
    return out


def _plain(line: Line) -> str:
    return line.plain


def _reading_order(lines: list[Line], width: float) -> list[list[Line]]:
    """The page's lines as groups in reading order; a two-column page is read column by column
    between the lines (titles, wide tables) that cross its gutter."""
    if not lines:
        return []
    gutter = _gutter(lines, width)
    if gutter is None:
        return [sorted(lines, key=lambda line: (round(line.top, 1), line.x0))]
    groups: list[list[Line]] = []
    left: list[Line] = []
    right: list[Line] = []

    def flush() -> None:
        if left:
            groups.append(sorted(left, key=lambda line: line.top))
        if right:
            groups.append(sorted(right, key=lambda line: line.top))
        left.clear()
        right.clear()

    for line in sorted(lines, key=lambda line: (line.top, line.x0)):
        if line.x1 <= gutter:
            left.append(line)
        elif line.x0 >= gutter:
            right.append(line)
        else:  # crosses the gutter: ends the column section above it
            flush()
            groups.append([line])
    flush()
    return groups


def _gutter(lines: list[Line], width: float) -> float | None:
    """The x of the gap between two columns, if the page has two.

    A gutter is where many lines end just left of it and many begin just right of it (column
    text), and few lines cross it: titles, centred author lines and wide tables may, so each
    candidate is scored by the column lines it separates less three times the lines crossing
    it, and the best needs at least four column lines a side."""
    narrow = [line for line in lines if line.x1 - line.x0 < 0.55 * width]
    if len(narrow) < 8:
        return None
    reach = 0.12 * width
    xs = np.arange(0.3 * width, 0.7 * width + 1e-9, 1.0)[:, None]  # every candidate against every line at once
    x0 = np.array([line.x0 for line in narrow])[None, :]
    x1 = np.array([line.x1 for line in narrow])[None, :]
    left = ((x1 <= xs) & (x1 >= xs - reach)).sum(axis=1)
    right = ((x0 >= xs) & (x0 <= xs + reach)).sum(axis=1)
    crossing = ((x0 < xs) & (x1 > xs)).sum(axis=1)
    score = np.where((left >= 4) & (right >= 4), left + right - 3 * crossing, 0)
    best = int(np.argmax(score))
    return float(xs[best, 0]) if score[best] > 0 else None


# --- rendering -------------------------------------------------------------------------


def _render(pages: list[list[list[Line]]]) -> tuple[str, PageMap]:
    """Markdown-like text (headings, paragraphs, tables) and the page map of its characters.

    The lines are read as one flow in reading order, so a sentence that runs from the foot of
    one column (or page) to the head of the next stays one sentence. Footnotes (small lines at
    the foot of a column) move to the end of their page."""
    all_lines = [line for groups in pages for group in groups for line in group]
    body_size = _body_size(all_lines)
    words = _vocabulary(all_lines)
    flow: list[Line] = []
    for groups in pages:
        lines = [line for group in groups for line in group]
        notes = _footnotes(lines, body_size)
        flow += [line for line in lines if id(line) not in notes] + [line for line in lines if id(line) in notes]
    out = _Writer()
    _render_lines(_after_sentence(_without_figure_text(flow, body_size), body_size), body_size, words, out)
    return out.text(), out.geometry


_FIGURE_CAPTION = re.compile(r"\s*(?:fig\.?|figure)\s+\d+[.:]", re.I)


def _without_figure_text(lines: list[Line], body_size: float) -> list[Line]:
    """Drop the text drawn inside a figure (axis labels, ticks, legends): the lines just above a
    "Figure N:" caption on its page that are short, small or mostly numbers, up to the first line
    of body text."""
    drop: set[int] = set()
    for i, line in enumerate(lines):
        if not _FIGURE_CAPTION.match(line.plain):
            continue
        k = i - 1
        while k >= 0 and lines[k].page == line.page and _figure_like(lines[k], body_size):
            drop.add(k)
            k -= 1
    return [line for n, line in enumerate(lines) if n not in drop] if drop else lines


def _after_sentence(lines: list[Line], body_size: float, reach: int = 25) -> list[Line]:
    """A caption (with its table) that a column's flow drops into the middle of a sentence moves
    to after that sentence: "… can lead | Table 1: … | to fatigue." reads on, then the table."""
    out = list(lines)
    i = 1
    while i < len(out):
        previous = out[i - 1].plain.rstrip()
        if not _CAPTION_START.match(out[i].plain) or not previous or previous.endswith((".", ":", "?", "!")) \
                or out[i - 1].size < 0.95 * body_size:
            i += 1
            continue
        resume = None
        for k in range(i + 1, min(len(out), i + reach)):
            if out[k].page != out[i].page:
                break
            if out[k].size >= 0.95 * body_size and out[k].plain.lstrip()[:1].islower() and not _table_rows(out, k):
                resume = k
                break
        if resume is None:
            i += 1
            continue
        end = next((e for e in range(resume, min(len(out), resume + 10))
                    if out[e].plain.rstrip().endswith((".", "?", "!"))), None)
        if end is None:
            i += 1
            continue
        out[i:end + 1] = out[resume:end + 1] + out[i:resume]
        i += end + 1 - resume
    return out


def _figure_like(line: Line, body_size: float) -> bool:
    text = line.plain.strip()
    if not text or text.endswith((".", ":", ";", ",")) and len(text) > 40:
        return False  # prose ends its sentences; a figure's labels do not
    digits = sum(ch.isdigit() for ch in text)
    return line.size < 0.9 * body_size or len(text) < 30 or digits > 0.3 * len(text)


def _body_size(lines: list[Line]) -> float:
    """The font size that most characters are set in (not the median line: a long reference
    list in a smaller font would make every body line look like a heading)."""
    weight: dict[float, int] = {}
    for line in lines:
        key = round(line.size * 2) / 2
        weight[key] = weight.get(key, 0) + len(line.chars)
    return max(weight.items(), key=lambda kv: kv[1])[0] if weight else 10.0


def _footnotes(lines: list[Line], body_size: float) -> set[int]:
    """Small lines with no body-size line below them in their column: the page's footnotes."""
    notes: set[int] = set()
    for line in lines:
        if line.size >= 0.9 * body_size:
            continue
        below = [o for o in lines if o.top > line.bottom and o.x0 < line.x1 and line.x0 < o.x1]
        above = [o for o in lines if o.bottom < line.top and o.size >= 0.95 * body_size]
        if above and all(o.size < 0.9 * body_size for o in below):
            notes.add(id(line))
    return notes


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.geometry = PageMap()

    def write(self, text: str, page: int = 0, box: tuple[float, float, float, float] = (0, 0, 0, 0)) -> None:
        n = len(text)
        if not n:
            return
        self.parts.append(text)
        self.length += n
        self.geometry.pages.extend((page,) * n)
        self.geometry.boxes.extend(box * n)

    def char(self, c: Char, page: int, text: str | None = None) -> None:
        self.write(c.text if text is None else text, page, (c.x0, c.top, c.x1, c.bottom))

    def ends_with(self, suffix: str) -> bool:
        return "".join(self.parts[-len(suffix):]).endswith(suffix)

    def text(self) -> str:
        return "".join(self.parts)


def _render_lines(lines: list[Line], body_size: float, words: set[str], out: _Writer) -> None:
    i = 0
    paragraph: list[Line] = []

    def flush() -> None:
        if paragraph:
            _write_lines(paragraph, words, out)
            out.write("\n\n")
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        rows = _table_rows(lines, i)
        if rows:
            flush()
            _write_table(lines[i:i + rows], out)
            i += rows
            continue
        if line.size >= 1.15 * body_size and len(_plain(line)) < 200:
            flush()
            heading = [line]
            while i + 1 < len(lines) and abs(lines[i + 1].size - line.size) < 0.5 \
                    and 0 <= lines[i + 1].top - heading[-1].bottom < line.size:
                i += 1
                heading.append(lines[i])
            out.write("## ")
            _write_lines(heading, words, out)
            out.write("\n\n")
            i += 1
            continue
        if paragraph:
            previous = paragraph[-1]
            gap = line.top - previous.bottom
            size = max(line.size, previous.size)
            if line.page != previous.page or gap < -size:  # the next column or page: the flow goes on
                ended = _plain(previous).rstrip().endswith((".", ":", "?", "!"))
                new_paragraph = ended and not _plain(line).lstrip()[:1].islower()
            else:
                indented = 0.6 * size < line.x0 - previous.x0 < 4 * size  # a paragraph's first line
                caption = _CAPTION_START.match(_plain(line)) and _plain(previous).rstrip().endswith((".", ":"))
                new_paragraph = gap > 0.8 * size or indented or bool(caption)
            if new_paragraph or abs(line.size - previous.size) > 1.0:
                flush()
        paragraph.append(line)
        i += 1
    flush()


def _write_lines(lines: list[Line], words: set[str], out: _Writer) -> None:
    """Lines joined by spaces; a word hyphenated at a line end is joined where a real word results."""
    for n, line in enumerate(lines):
        last = line.chars[-1].text if line.chars else ""
        following = _plain(lines[n + 1]) if n + 1 < len(lines) else ""
        join = last in ("-", SOFT_HYPHEN) and bool(following) \
            and _join_hyphen(_plain(line).rstrip(SOFT_HYPHEN + "-") + "-", following, words)
        _write_chars(line, words, out, drop_last=join)
        if n + 1 < len(lines) and not join and last != SOFT_HYPHEN:  # "T2-" + "weighted": no space
            out.write(" ")


def _write_chars(line: Line, words: set[str], out: _Writer, drop_last: bool = False) -> None:
    """A line's characters: measured word gaps, superscript (^) and subscript (_) marks, and a
    pdfium line-end hyphen kept or joined. Written in one go (text and boxes) per line."""
    size, base, page = line.size, line.baseline, line.page
    gap = 0.14 * (size if size > 1.0 else 1.0)
    if line.smallest >= 0.85 * size and line.unspaced_gap <= gap and SOFT_HYPHEN not in line.plain \
            and "  " not in line.plain and not drop_last:
        _write_plain(line, out)  # most lines: no script, no hyphen mark, every word break a space
        return
    texts: list[str] = []
    boxes: list[float] = []
    previous: Char | None = None
    last = out.parts[-1][-1:] if out.parts else ""
    script = ""
    text = line.plain
    chars = line.chars[:-1] if drop_last else line.chars
    ink: Char | None = None  # the last character with a box (spaces share one marker)
    for k, c in enumerate(chars):
        ch = c.text
        if ch == " ":
            previous = c
            continue
        kind = ""
        if c.size < 0.85 * size and (ch.isalnum() or ch in _SCRIPT_SIGNS):
            if base - c.baseline > 0.2 * size:
                kind = "^"
            elif c.baseline - base > 0.1 * size:
                kind = "_"
        if previous is not None and not kind:
            if previous.text != " ":
                if c.x0 - previous.x1 > gap:
                    texts.append(" ")
                    boxes += (previous.x1, previous.top, c.x0, previous.bottom)
                    last = " "
            elif last != " ":
                texts.append(" ")
                boxes += (ink.x1, ink.top, c.x0, ink.bottom) if ink is not None else (c.x0, c.top, c.x0, c.bottom)
                last = " "
        if kind and kind != script and previous is not None and previous.text != " ":
            texts.append(kind)
            boxes += (c.x0, c.top, c.x0, c.bottom)
        script = kind
        if ch == SOFT_HYPHEN:
            left = re.search(r"[\w-]*$", text[:k]).group()
            right = re.match(r"[\w-]*", text[k + 1:]).group()
            if k == len(line.chars) - 1 or not _join_hyphen(left + "-", right, words):
                texts.append("-")
                boxes += (c.x0, c.top, c.x1, c.bottom)
                last = "-"
        else:
            texts.append(ch)
            box = (c.x0, c.top, c.x1, c.bottom)
            boxes += box if len(ch) == 1 else box * len(ch)
            last = ch[-1]
        previous = ink = c
    if texts:
        joined = "".join(texts)
        out.parts.append(joined)
        out.length += len(joined)
        out.geometry.pages.extend((page,) * len(joined))
        out.geometry.boxes.extend(boxes)


def _write_plain(line: Line, out: _Writer) -> None:
    """A line with nothing to decide: its text as read, each space boxed between its neighbours."""
    boxes: list[float] = []
    ink = line.chars[0]
    pending = -1  # where the box of the space before this character waits for its right edge
    for c in line.chars:
        if c.text == " ":
            pending = len(boxes)
            boxes += (ink.x1, ink.top, ink.x1, ink.bottom)
        else:
            if pending >= 0:
                boxes[pending + 2] = c.x0  # a space spans the gap to the next character
                pending = -1
            box = (c.x0, c.top, c.x1, c.bottom)
            boxes += box if len(c.text) == 1 else box * len(c.text)
            ink = c
    out.parts.append(line.plain)
    out.length += len(line.plain)
    out.geometry.pages.extend((line.page,) * len(line.plain))
    out.geometry.boxes.extend(boxes)


def _segments(line: Line) -> list[Line]:
    """The line cut at wide gaps (more than an em): a table row's cells (computed once a line)."""
    if line.cells is None:
        line.cells = _cut(line) if line.widest_gap > 1.0 * max(line.size, 1.0) else [line]
    return line.cells


def _cut(line: Line) -> list[Line]:
    size = max(line.size, 1.0)
    out: list[list[Char]] = [[]]
    previous: Char | None = None
    for c in line.chars:
        if c.text == " ":
            continue
        if previous is not None and c.x0 - previous.x1 > 1.0 * size:
            out.append([])
        if previous is not None and out[-1] and c.x0 - previous.x1 > 0.18 * size:
            out[-1].append(Char(" ", previous.x1, c.x0, previous.top, previous.bottom, previous.baseline, previous.size))
        out[-1].append(c)
        previous = c
    return [Line(chars, line.page) for chars in out if chars]


def _table_rows(lines: list[Line], i: int) -> int:
    """How many lines from ``i`` on form a table: three or more consecutive rows of two or more
    cells, each cell starting at (or right of) a column of the widest row so far."""
    rows = 0
    columns: list[float] = []
    while i + rows < len(lines):
        line = lines[i + rows]
        cells = _segments(line)
        if len(cells) < 2:
            break
        if rows and line.top - lines[i + rows - 1].bottom > 2.5 * line.size:
            break
        starts = [cell.x0 for cell in cells]
        tolerance = 0.6 * max(line.size, 1.0)
        if columns and sum(1 for s in starts if any(abs(s - c) < tolerance for c in columns)) < min(2, len(starts)):
            break  # fewer than two cells on the columns so far: a different layout
        if len(starts) > len(columns):
            columns = starts
        rows += 1
    return rows if rows >= 3 else 0


def _write_table(lines: list[Line], out: _Writer) -> None:
    rows = [_segments(line) for line in lines]
    columns = max((row for row in rows), key=len)
    anchors = [cell.x0 for cell in columns]
    out.write("\n" if out.length and not out.ends_with("\n\n") else "")
    for n, row in enumerate(rows):
        cells: list[list[Line]] = [[] for _ in anchors]
        for cell in row:
            k = max([j for j, a in enumerate(anchors) if a <= cell.x0 + 3] or [0])
            cells[k].append(cell)
        out.write("|")
        for parts in cells:
            out.write(" ")
            for m, part in enumerate(parts):
                if m:
                    out.write(" ")
                _write_chars(part, set(), out)
            out.write(" |")
        out.write("\n")
        if n == 0:
            out.write("|" + "---|" * len(anchors) + "\n")
    out.write("\n")


_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def _vocabulary(lines: list[Line]) -> set[str]:
    """Words of the document as printed (lower case), hyphenated compounds included."""
    words: set[str] = set()
    for line in lines:
        words.update(w.lower() for w in _WORD.findall(_plain(line).replace(SOFT_HYPHEN, " ")))
    return words


def _join_hyphen(left: str, right: str, words: set[str]) -> bool:
    """Whether "left-" at a line end and "right" on the next line make one word."""
    head = re.search(r"([A-Za-z0-9]+)-$", left.rstrip())
    tail = re.match(r"\s*([A-Za-z]+)", right)
    if head is None or tail is None:
        return False
    first, second = head.group(1), tail.group(1)
    if any(ch.isdigit() for ch in first) or any(ch.isupper() for ch in first[1:]) or not second[0].islower():
        return False  # "T2-weighted", "MRI-guided", "IL-6": a hyphen that belongs
    if f"{first}-{second}".lower() in words:
        return False  # the document prints the compound with its hyphen elsewhere
    return True
