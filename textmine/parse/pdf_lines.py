"""PDF characters → lines in reading order: the first half of the PDF parser (``pdf.py``).

pypdfium2 gives each character's code and loose box; a character's box height measures its
font size and its foot the baseline. Characters on one baseline band with no gap wider than
an em make a fragment; fragments on one band join into a line unless the join would cross a
two-column page's gutter. Running headers, footers, page and line numbers are dropped, and a
page's lines are ordered column by column between the lines that cross the gutter.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import numpy as np

from textmine.errors import InputError

MAX_CHARS_PER_PAGE = 250_000  # a page beyond this is refused, not parsed for minutes
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
SOFT_HYPHEN = "\ufffe"  # pdfium's mark for a hyphen it removed at a line end
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_DIGITS = re.compile(r"\d+")


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
        for key in {(z, _DIGITS.sub("#", line.plain).strip().lower()) for line in lines if (z := zone(line, height))}:
            seen[key] = seen.get(key, 0) + 1
    repeated = {key for key, count in seen.items() if count >= 2}
    out = []
    for lines, height in zip(pages, heights):
        body = [line for line in lines if zone(line, height) is None and not _PAGE_NUMBER.match(line.plain)]
        left = min((line.x0 for line in body), default=0.0)
        kept = []
        for line in lines:
            z = zone(line, height)
            plain = line.plain
            if z and ((z, _DIGITS.sub("#", plain).strip().lower()) in repeated or _PAGE_NUMBER.match(plain)):
                continue
            if _PAGE_NUMBER.match(plain) and (line.x1 < left + 2 or z):  # a line number in the margin
                continue
            kept.append(line)
        out.append(kept)
    return out



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
    it (lines in small print, as in a figure, are not counted), and the best needs at least
    four column lines a side."""
    narrow = [line for line in lines if line.x1 - line.x0 < 0.55 * width]
    if len(narrow) < 8:
        return None
    reach = 0.12 * width
    xs = np.arange(0.3 * width, 0.7 * width + 1e-9, 1.0)[:, None]  # every candidate against every line at once
    x0 = np.array([line.x0 for line in narrow])[None, :]
    x1 = np.array([line.x1 for line in narrow])[None, :]
    left = ((x1 <= xs) & (x1 >= xs - reach)).sum(axis=1)
    right = ((x0 >= xs) & (x0 <= xs + reach)).sum(axis=1)
    # the small print of a figure drawn across the gutter (a flow chart's boxes) does not count
    sizes = np.array([line.size for line in narrow])
    big = (sizes >= 0.9 * float(np.median(sizes)))[None, :]
    crossing = ((x0 < xs) & (x1 > xs) & big).sum(axis=1)
    score = np.where((left >= 4) & (right >= 4), left + right - 3 * crossing, 0)
    best = int(np.argmax(score))
    return float(xs[best, 0]) if score[best] > 0 else None


# --- rendering -------------------------------------------------------------------------


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
