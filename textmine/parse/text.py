"""Markdown and plain text → ``Document``.

Both formats share one reader: paragraphs are separated by blank lines (or, in text where
every line is a paragraph, by line breaks that end a sentence or start a heading), lines
starting with ``|`` form tables (a ``|---|`` line after the first row marks it as the
header), so do runs of lines laid out in aligned columns (plain-text tables: cells
separated by two or more spaces or a tab, the first line the header; one or two header lines
with fewer cells than the body, as when the corner is empty or a label column has no header,
have each cell placed over the column it stands above), ``#`` lines are
headings, and a "References" heading starts the references block, from which nothing is
extracted.
"""

from __future__ import annotations

import regex

from textmine.document import Block, Cell, Document

_TABLE_SEPARATOR = regex.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = regex.compile(r"^\s{0,3}#{1,6}\s+\S")
_REFERENCES = regex.compile(r"^\s{0,3}(?:#{1,6}\s*)?(?:\d+\.?\s*)?(?:references|bibliography|literature cited)\s*:?\s*$", regex.I)
_COLUMN_GAP = regex.compile(r"\t+|  +")
# a row label that runs into its first value with one space: "Symptom duration (months) 38.6 (27.0)"
_LABEL_THEN_VALUE = regex.compile(r"(?<=[A-Za-z)\]%])\s(?=[-−]?\d[\d.,]*(?:\s*(?:\([^()]*\)|\[[^\[\]]*\]))?$)")
MIN_COLUMNS = 3  # fewer aligned columns is more likely indented prose than a table
_CAPTION = regex.compile(r"^\s*(?:\*\*)?(?:table|fig\.?|figure)\s+\d+[.:]?", regex.I)


def parse_text(text: str, source: str, fmt: str = "text") -> Document:
    """Split text into heading, paragraph, caption, table and references blocks.

    >>> doc = parse_text("# Methods\\n\\nTwenty rats.\\n\\n| Group | n |\\n|---|---|\\n| MSC | 10 |\\n", "x.md", "markdown")
    >>> [b.kind for b in doc.blocks]
    ['heading', 'paragraph', 'table']
    """
    blocks: list[Block] = []
    lines = _lines_with_offsets(text)
    in_references = False
    para: list[tuple[int, int]] = []

    def flush_paragraph() -> None:
        if para:
            kind = "references" if in_references else "paragraph"
            blocks.append(Block(kind, para[0][0], para[-1][1]))
            para.clear()

    i = 0
    while i < len(lines):
        start, end = lines[i]
        line = text[start:end]
        stripped = line.strip()
        if not stripped:
            flush_paragraph()
            i += 1
            continue
        if stripped.startswith("|"):
            flush_paragraph()
            j = i
            while j < len(lines) and text[lines[j][0]:lines[j][1]].strip().startswith("|"):
                j += 1
            blocks.append(_table_block(text, lines[i:j], in_references))
            i = j
            continue
        header = _header_lines(text, lines, i)
        if header:  # "        Low dose   High dose" / "        (n = 36)   (n = 36)" over "VAS  month 12   38.4   33.9"
            flush_paragraph()
            body = _aligned_rows(text, lines, i + header, body=True)
            blocks.append(_placed_table_block(text, lines[i:i + header + body], header, in_references))
            i += header + body
            continue
        aligned = _aligned_rows(text, lines, i)
        if aligned >= 2:
            flush_paragraph()
            blocks.append(_aligned_table_block(text, lines[i:i + aligned], in_references))
            i += aligned
            continue
        if _REFERENCES.match(stripped):
            flush_paragraph()
            blocks.append(Block("heading", start + len(line) - len(line.lstrip()), end))
            in_references = True
            i += 1
            continue
        if _HEADING.match(line) or (fmt == "text" and _looks_like_heading(stripped, lines, i, text)):
            flush_paragraph()
            blocks.append(Block("references" if in_references else "heading", start + len(line) - len(line.lstrip()), end))
            if _HEADING.match(line) and in_references and not _REFERENCES.match(stripped):
                in_references = False
                blocks[-1] = Block("heading", blocks[-1].start, blocks[-1].end)
            i += 1
            continue
        if _CAPTION.match(stripped) and not para:
            blocks.append(Block("references" if in_references else "caption", start, end))
            i += 1
            continue
        if para and _ends_paragraph(text[para[-1][0]:para[-1][1]], stripped):
            flush_paragraph()
        para.append((start + len(line) - len(line.lstrip()), end))
        i += 1
    flush_paragraph()
    return Document(text=text, source=source, format=fmt, blocks=tuple(blocks))


def _lines_with_offsets(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body.rstrip())))
        pos += len(line)
    return out


def _looks_like_heading(stripped: str, lines, i: int, text: str) -> bool:
    """In plain text a short line without final punctuation, followed by more text, is a heading."""
    if len(stripped) > 60 or stripped[-1] in ".,;:)!?" or not stripped[0].isupper():
        return False
    return i + 1 < len(lines) and bool(text[lines[i + 1][0]:lines[i + 1][1]].strip())


def _ends_paragraph(previous: str, next_line: str) -> bool:
    """A line break ends a paragraph when the previous line ends a sentence and the next starts one."""
    prev = previous.rstrip()
    return bool(prev) and prev[-1] in ".!?:" and (next_line[0].isupper() or next_line[0] in "#*-•>")


def _table_block(text: str, lines: list[tuple[int, int]], in_references: bool) -> Block:
    rows: list[tuple[Cell, ...]] = []
    spans: list[tuple[int, int]] = []
    for start, end in lines:
        line = text[start:end]
        if _TABLE_SEPARATOR.match(line):
            continue
        cells = []
        pos = start + line.index("|") + 1
        for part in line[line.index("|") + 1:].split("|"):
            raw_start, raw_end = pos, pos + len(part)
            pos = raw_end + 1
            inner = text[raw_start:raw_end]
            if raw_end == end and not inner.strip():
                continue  # the trailing pipe
            lead = len(inner) - len(inner.lstrip())
            c_start, c_end = raw_start + lead, raw_start + len(inner.rstrip())
            cells.append(Cell(c_start, max(c_start, c_end), text[c_start:max(c_start, c_end)]))
        rows.append(tuple(cells))
        spans.append((start, end))
    # a pipe table after the references heading is still a table: a float that a PDF's layout
    # placed after the reference list (a reference list has no header row of cells)
    return Block("table", lines[0][0], lines[-1][1], rows=tuple(rows), row_spans=tuple(spans))


def _columns(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of one line of a plain-text table: runs separated by 2+ spaces or tabs."""
    line = text[start:end]
    cells, pos = [], len(line) - len(line.lstrip())
    for gap in _COLUMN_GAP.finditer(line, pos):
        if gap.start() > pos:
            cells.append((start + pos, start + gap.start()))
        pos = gap.end()
    if pos < len(line):
        cells.append((start + pos, end))
    return cells


def _row_columns(text: str, start: int, end: int, n: int, starts: tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """The cells of a table row expected to have ``n`` (the header's columns begin at ``starts``,
    relative to their line): a row one short is either indented (its first cell is empty) or has a
    label that runs into its first value with a single space; an indented row with fewer cells,
    each under a column of the header ("                 7.0 -> 6.2 (contrast)"), continues the row
    above in those columns."""
    cells = _columns(text, start, end)
    indented = text[start:start + 2].isspace()
    if len(cells) == n - 1 and cells and indented:
        return [(cells[0][0], cells[0][0]), *cells]  # an indented row continues the row header above
    if len(cells) == n - 1 and cells:
        s, e = cells[0]
        split = _LABEL_THEN_VALUE.search(text, s, e)
        if split is not None:
            cells = [(s, split.start()), (split.end(), e), *cells[1:]]
    elif 0 < len(cells) < n - 1 and indented and len(starts) == n:
        placed: dict[int, tuple[int, int]] = {}
        for s, e in cells:
            col = max((k for k, c in enumerate(starts) if c <= s - start + 2), default=0)
            if col == 0 or col in placed:
                return cells
            placed[col] = (s, e)
        return [placed.get(k, (start + starts[k], start + starts[k])) for k in range(n)]
    return cells


def _aligned_rows(text: str, lines: list[tuple[int, int]], i: int, body: bool = False) -> int:
    """How many lines from ``i`` form a plain-text table (0 or 1: none): the same number of
    columns, at least ``MIN_COLUMNS``, and no line ending like a sentence. In a ``body`` (under
    a header already found), a row label wrapped onto a line of its own ("Overall Number of
    Baseline" over "Participants   40   40   80") belongs to the table too."""
    if body and _wrapped_label(text, lines, i):
        rest = _aligned_rows(text, lines, i + 1)
        return rest + 1 if rest else 0
    first = _columns(text, *lines[i])
    n, model = _width(text, lines, i)
    if n < MIN_COLUMNS:
        return 0
    starts = tuple(s - lines[model][0] for s, _ in _columns(text, *lines[model]))
    count = 0
    while i + count < len(lines):
        start, end = lines[i + count]
        line = text[start:end].strip()
        if count and _wrapped_label(text, lines, i + count) \
                and len(_row_columns(text, *lines[i + count + 1], n, starts)) == n:
            count += 1
            continue
        if not line or line[-1] in ".:!?" or len(_row_columns(text, start, end, n, starts)) != n:
            break
        count += 1
    return count if first else 0


def _wrapped_label(text: str, lines: list[tuple[int, int]], i: int) -> bool:
    """Whether line ``i`` is the first part of a row label that goes on at the start of the next
    line: one short cell of words, at the same indentation as the next line, which is a row."""
    if i + 1 >= len(lines):
        return False
    (start, end), (after, after_end) = lines[i], lines[i + 1]
    cells, following = _columns(text, start, end), _columns(text, after, after_end)
    line = text[start:end].strip()
    return len(cells) == 1 and len(following) >= 2 and 0 < len(line) <= 40 and line[-1] not in ".:;!?" \
        and not regex.search(r"\d", line) and cells[0][0] - start == following[0][0] - after


def _width(text: str, lines: list[tuple[int, int]], i: int) -> tuple[int, int]:
    """How many columns the table row at line ``i`` has, and the line that shows them: one more
    than its cells when its label runs into its first value ("Overall number 20   20   60") and
    the next line has that many."""
    n = len(_columns(text, *lines[i]))
    if i + 1 < len(lines) and n and len(_columns(text, *lines[i + 1])) == n + 1:
        s, e = _columns(text, *lines[i])[0]
        if _LABEL_THEN_VALUE.search(text, s, e):
            return n + 1, i + 1
    return n, i


def _header_lines(text: str, lines: list[tuple[int, int]], i: int) -> int:
    """How many lines from ``i`` (1 or 2; 0: none) are a header over an aligned table with more
    columns than they have cells, each cell standing over its own column."""
    for h in (1, 2):
        if i + h >= len(lines):
            return 0
        start, end = lines[i + h - 1]
        line = text[start:end].strip()
        if not line or line[-1] in ".;:!?" or len(_columns(text, start, end)) < 2:
            return 0
        body = _aligned_rows(text, lines, i + h, body=True)
        if body < 1 or _width(text, lines, i + h + _wrapped_label(text, lines, i + h))[0] <= max(len(_columns(text, *lines[k])) for k in range(i, i + h)):
            continue
        extents = _column_extents(text, lines[i + h:i + h + body])
        if all(_place(text, lines[k], extents) is not None for k in range(i, i + h)):
            return h
    return 0


def _column_extents(text: str, rows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where each column of an aligned table lies, relative to the start of its lines."""
    n, model = _width(text, rows, int(_wrapped_label(text, rows, 0)))
    starts = tuple(s - rows[model][0] for s, _ in _columns(text, *rows[model]))
    extents = [(10 ** 6, -1)] * n
    for start, end in rows:
        cells = _row_columns(text, start, end, n, starts)
        for k, (s, e) in enumerate(cells[:n]):
            if e > s:
                extents[k] = (min(extents[k][0], s - start), max(extents[k][1], e - start))
    return extents


def _place(text: str, line: tuple[int, int], extents: list[tuple[int, int]]) -> dict[int, tuple[int, int]] | None:
    """Each cell of a header line under a column, in order, each over the column it overlaps most
    (or is nearest to); ``None`` if it has more cells than the columns left to it. The label column
    takes a cell only if the cell starts where the labels do: a group name indented over a wide
    label column ("Serious adverse events, affected/at risk   2/39   1/40") names a value column."""
    cells = [(s, e, s - line[0], e - line[0]) for s, e in _columns(text, *line)]
    first = 0 if cells and cells[0][2] <= extents[0][0] + 2 else 1
    columns = list(range(first, len(extents)))
    if len(cells) > len(columns):
        return None

    def fit(a: int, b: int, k: int) -> tuple[int, int]:
        return min(b, extents[k][1]) - max(a, extents[k][0]), -abs((a + b) - sum(extents[k]))

    # best[i][j]: the best fit of the first i cells within the first j columns, keeping their order
    best = [[(0, 0)] * (len(columns) + 1)] + [[(-10 ** 9, 0)] * (len(columns) + 1) for _ in cells]
    for i, (_, _, a, b) in enumerate(cells, 1):
        for j in range(i, len(columns) + 1):
            here = fit(a, b, columns[j - 1])
            take = (best[i - 1][j - 1][0] + here[0], best[i - 1][j - 1][1] + here[1])
            best[i][j] = max(best[i][j - 1], take)
    placed: dict[int, tuple[int, int]] = {}
    j = len(columns)
    for i in range(len(cells), 0, -1):  # walk back through the choices
        while best[i][j] == best[i][j - 1] and j > i:
            j -= 1
        placed[columns[j - 1]] = cells[i - 1][:2]
        j -= 1
    return placed


def _placed_table_block(text: str, lines: list[tuple[int, int]], header: int, in_references: bool) -> Block:
    """A plain-text table whose ``header`` lines have fewer cells than its body: each header cell
    goes to the column under it, the others are empty."""
    body = lines[header:]
    extents = _column_extents(text, body)
    model = _width(text, body, int(_wrapped_label(text, body, 0)))[1]
    n, starts = len(extents), tuple(s - body[model][0] for s, _ in _columns(text, *body[model]))
    rows = []
    for start, end in lines[:header]:
        placed = _place(text, (start, end), extents) or {}
        cells = []
        for k in range(n):
            s, e = placed.get(k, (min(end, start + max(extents[k][0], 0)),) * 2)
            cells.append(Cell(s, e, text[s:e]))
        rows.append(tuple(cells))
    rows += [tuple(Cell(s, e, text[s:e]) for s, e in _row_columns(text, start, end, n, starts)) for start, end in body]
    spans = tuple((start + len(text[start:end]) - len(text[start:end].lstrip()), end) for start, end in lines)
    return Block("references" if in_references else "table", spans[0][0], lines[-1][1], rows=tuple(rows), row_spans=spans)


def _aligned_table_block(text: str, lines: list[tuple[int, int]], in_references: bool) -> Block:
    model = lines[_width(text, lines, 0)[1]]
    columns = _columns(text, *model)
    n, starts = len(columns), tuple(s - model[0] for s, _ in columns)
    rows = tuple(tuple(Cell(s, e, text[s:e]) for s, e in _row_columns(text, start, end, n, starts)) for start, end in lines)
    spans = tuple((start + len(text[start:end]) - len(text[start:end].lstrip()), end) for start, end in lines)
    kind = "references" if in_references else "table"
    return Block(kind, spans[0][0], lines[-1][1], rows=rows, row_spans=spans)
