"""PDF lines → Markdown-like text and the page map of its characters: the second half of the
PDF parser (``pdf.py``).

The lines of all pages are read as one flow: footnotes move to the end of their page, figure
labels above a "Figure N" caption are dropped, a caption dropped into a sentence moves after
it, larger lines become headings, aligned rows with wide gaps become Markdown tables, and
paragraphs end at a gap, an indent or a caption. Superscripts and subscripts are marked
(``10^7``, ``CO_2``) and line-end hyphens joined where a real word results.
"""

from __future__ import annotations

import re
from array import array

from textmine.parse.pdf_lines import SOFT_HYPHEN, Char, Line, _segments

_SCRIPT_SIGNS = frozenset("*∗†‡§+−-")  # raised or lowered with letters and digits: "10^−3", "a^∗"
_CAPTION_START = re.compile(r"\s*(?:table|fig\.?|figure)\s+\d+[.:]", re.I)
_CAPTION_TITLE = re.compile(r"\s*(?:Table|Fig\.?|Figure)\s+\d+\s+[A-Z(]")  # "Table 1 Baseline data" (BMC)


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
    flow = _without_figure_text(flow, body_size)
    for _ in range(2):  # a float moved to a paragraph's end may land in the next sentence break
        flow = _after_paragraph(_after_sentence(flow, body_size), body_size)
    _render_lines(flow, body_size, words, out)
    return out.text(), out.geometry


def _is_caption(line: Line, body_size: float) -> bool:
    """"Table 2: …", "Figure 3. …", or a caption in small print with no stop after its number
    ("Table 1 Locations and activities"), which in body type would be a sentence ("Table 1 shows")."""
    return bool(_CAPTION_START.match(line.plain)) or line.size < 0.95 * body_size and bool(_CAPTION_TITLE.match(line.plain))


def _without_figure_text(lines: list[Line], body_size: float) -> list[Line]:
    """Drop the text drawn inside a figure (axis labels, ticks, legends): the lines just above a
    "Figure N:" caption on its page that are short, small or mostly numbers, up to the first line
    of body text."""
    drop: set[int] = set()
    for i, line in enumerate(lines):
        if not (_is_caption(line, body_size) and line.plain.lstrip()[:1] in "Ff"):  # a figure's caption
            continue
        k = i - 1
        while k >= 0 and lines[k].page == line.page and _figure_like(lines[k], body_size):
            drop.add(k)
            k -= 1
    return [line for n, line in enumerate(lines) if n not in drop] if drop else lines


def _after_sentence(lines: list[Line], body_size: float, reach: int = 120) -> list[Line]:
    """A caption (with its table) that a column's flow drops into the middle of a sentence moves
    to after that sentence: "… can lead | Table 1: … | to fatigue." reads on, then the table."""
    out = list(lines)
    i = 1
    while i < len(out):
        previous = out[i - 1].plain.rstrip()
        if not _is_caption(out[i], body_size) or not previous or previous.endswith((".", ":", "?", "!")) \
                or out[i - 1].size < 0.95 * body_size:
            i += 1
            continue
        resume = None
        floats_only = True  # every line so far is a caption, a table row or small print
        k = i + 1
        while k < min(len(out), i + reach):
            rows = _table_rows(out, k)
            body = out[k].size >= 0.95 * body_size
            if body and not rows and out[k].plain.lstrip()[:1].islower():
                resume = k
                break
            if out[k].page != out[i].page and not floats_only:
                break  # the next page: only past a page of floats (a float page, a figure at its head)
            floats_only = floats_only and (not body or bool(rows) or _is_caption(out[k], body_size))
            k += rows or 1
        if resume is None:
            i += 1
            continue
        end = _paragraph_end(out, resume, body_size)
        out[i:end + 1] = out[resume:end + 1] + out[i:resume]
        i = end + 1  # past the moved float: it is not moved again
    return out


def _after_paragraph(lines: list[Line], body_size: float, reach: int = 30) -> list[Line]:
    """A caption set in a smaller font (with its table) that falls between two sentences of one
    paragraph moves to the paragraph's end: the text after it goes on at the same left edge,
    unindented, in the same column, so the paragraph did not end there."""
    out = list(lines)
    i = 1
    while i < len(out):
        before, caption = out[i - 1], out[i]
        if caption.size >= 0.95 * body_size or before.size < 0.95 * body_size or not _is_caption(caption, body_size) \
                or not before.plain.rstrip().endswith((".", "?", "!")):
            i += 1
            continue
        above = out[i - 2] if i >= 2 else None
        # the line before the caption runs to the column's right edge like the one above it: the
        # paragraph does not end there (a paragraph's last line stops short)
        full = above is not None and above.page == before.page and before.x1 >= above.x1 - before.size
        if not full:  # or the flow put the float between two adjacent lines
            full = any(_next_line(before, out[k]) and before.x1 >= out[k].x1 - before.size
                       for k in range(i + 1, min(len(out), i + reach)))
        if not full:
            i += 1
            continue
        k = i + 1  # the float: the caption's small lines and the table rows under it
        while k < min(len(out), i + reach):  # over a page of floats, too
            rows = _table_rows(out, k)
            if rows:
                k += rows
            elif out[k].size < 0.95 * body_size:
                k += 1
            else:
                break
        if k >= len(out) or out[k].page != before.page or abs(out[k].x0 - before.x0) > 0.6 * before.size \
                or out[k].top <= before.bottom:
            i += 1
            continue  # not the same column going on below the float
        end = _paragraph_end(out, k, body_size)
        out[i:end + 1] = out[k:end + 1] + out[i:k]
        i = end + 1  # past the moved float: it is not moved again
    return out


def _paragraph_end(lines: list[Line], k: int, body_size: float, reach: int = 80) -> int:
    """The last line of the paragraph that line ``k`` is in. A paragraph goes on to the line
    set under it in its column (no gap, no indent) and from a column's foot to the head of the
    next column or page; it ends at a line that stops short of the column's edge, at a gap,
    an indent, a caption, a table or small print."""
    end = k
    while end + 1 < min(len(lines), k + reach):
        cur, nxt = lines[end], lines[end + 1]
        if _is_caption(nxt, body_size) or _table_rows(lines, end + 1):
            break
        if not cur.plain.rstrip().endswith((".", ":", "?", "!")) and nxt.page == cur.page \
                and 0 <= nxt.top - cur.bottom < 0.8 * cur.size:
            end += 1  # mid-sentence, and the next line right under it (an equation in a smaller font)
            continue
        if nxt.size < 0.95 * body_size or abs(nxt.size - cur.size) > 1.0 or _short(lines, end):
            break
        same_column = nxt.page == cur.page and nxt.top > cur.top and abs(nxt.x0 - cur.x0) < 3 * cur.size
        if same_column:
            if nxt.top - cur.bottom > 0.8 * cur.size or nxt.x0 - cur.x0 > 0.6 * cur.size:
                break  # a gap or an indent
        else:  # the head of the next column: not indented against the line under it
            under = lines[end + 2] if end + 2 < len(lines) else None
            if under is not None and under.page == nxt.page and 0 <= under.top - nxt.bottom < 0.8 * nxt.size \
                    and nxt.x0 - under.x0 > 0.6 * nxt.size:
                break
        end += 1
    return end


def _short(lines: list[Line], i: int) -> bool:
    """Whether line ``i`` stops short of its column's right edge (as a paragraph's last line
    does), judged against its neighbours in the column."""
    line = lines[i]
    for j in (i - 1, i + 1):
        if 0 <= j < len(lines):
            other = lines[j]
            if other.page == line.page and abs(other.x0 - line.x0) < 3 * line.size \
                    and abs(other.top - line.top) < 2.5 * line.size:
                return line.x1 < other.x1 - 1.5 * line.size
    return False


def _next_line(line: Line, other: Line) -> bool:
    """Whether ``other`` is the line set right under ``line`` in its paragraph: the same page and
    left edge, one line's spacing below."""
    return other.page == line.page and abs(other.x0 - line.x0) < 0.6 * line.size \
        and 0 <= other.top - line.bottom < 0.8 * line.size


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
        if line.size >= 1.15 * body_size and len(line.plain) < 200:
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
            caption = _is_caption(line, body_size) and previous.plain.rstrip().endswith((".", ":", "?", "!"))
            if line.page != previous.page or gap < -size:  # the next column or page: the flow goes on
                ended = previous.plain.rstrip().endswith((".", ":", "?", "!"))
                new_paragraph = ended and not line.plain.lstrip()[:1].islower() or caption
            else:
                indented = 0.6 * size < line.x0 - previous.x0 < 4 * size  # a paragraph's first line
                new_paragraph = gap > 0.8 * size or indented or caption
            if new_paragraph or abs(line.size - previous.size) > 1.0:
                flush()
        paragraph.append(line)
        i += 1
    flush()


def _write_lines(lines: list[Line], words: set[str], out: _Writer) -> None:
    """Lines joined by spaces; a word hyphenated at a line end is joined where a real word results."""
    for n, line in enumerate(lines):
        last = line.chars[-1].text if line.chars else ""
        following = lines[n + 1].plain if n + 1 < len(lines) else ""
        join = last in ("-", SOFT_HYPHEN) and bool(following) \
            and _join_hyphen(line.plain.rstrip(SOFT_HYPHEN + "-") + "-", following, words)
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
        words.update(w.lower() for w in _WORD.findall(line.plain.replace(SOFT_HYPHEN, " ")))
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
