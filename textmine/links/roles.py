"""Finding what a value belongs to in its context: timepoints and arms (patterns from
``patterns/links.json``), and the header cells of the table a value sits in.

These are pure functions over the document text; ``textmine.links.Linker`` decides which of
the candidates each value takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from textmine.document import Block, Cell
from textmine.rulebook import load_json


@dataclass(frozen=True)
class Span:
    """A stretch of the document that a link may point at."""

    start: int
    end: int
    text: str


class RoleFinder:
    """The timepoint and arm phrases of a text (one compiled alternation per role)."""

    def __init__(self, directory: Path | None = None) -> None:
        data = load_json("links.json", directory)
        self.timepoint = _alternation(data["timepoint"])
        self.arm = _alternation(data["arm"])
        self.arm_not = _alternation([regex.escape(p) for p in data.get("arm_not", [])]) if data.get("arm_not") else None

    def timepoints(self, text: str, start: int, end: int) -> list[Span]:
        return [Span(m.start(), m.end(), m.group()) for m in self.timepoint.finditer(text, start, end)]

    def arms(self, text: str, start: int, end: int) -> list[Span]:
        out = []
        for m in self.arm.finditer(text, start, end):
            if self.arm_not is not None and self.arm_not.match(text, m.start()):
                continue
            out.append(Span(m.start(), m.end(), m.group()))
        return out


def _alternation(patterns: list[str]) -> regex.Pattern:
    return regex.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])", regex.I)


def nearest(spans: list[Span], start: int, end: int, after_bonus: int = 0) -> Span | None:
    """The span closest to the value at ``start``–``end`` (by the gap between them); a span after
    the value counts ``after_bonus`` characters closer ("VAS fell to 21.9 at 36 months")."""
    best, best_gap = None, None
    for s in spans:
        if s.end <= start:
            gap = start - s.end
        elif s.start >= end:
            gap = s.start - end - after_bonus
        else:
            continue  # inside the value itself
        if best_gap is None or gap < best_gap:
            best, best_gap = s, gap
    return best


@dataclass(frozen=True)
class TablePlace:
    """Where a value sits in a table: its column's header cell and its row's first cell."""

    column_header: Cell | None
    row_header: Cell | None
    caption: Span | None = None


def table_place(block: Block, offset: int) -> TablePlace | None:
    """The header cells of the table cell holding ``offset`` (``None`` outside a table's body)."""
    if block.kind != "table" or not block.rows:
        return None
    header = block.rows[0]
    row_header: Cell | None = None
    for row in block.rows[1:]:
        if row and row[0].text.strip():
            row_header = row[0]  # an empty first cell continues the row label above
        for col, cell in enumerate(row):
            if cell.start <= offset < max(cell.end, cell.start + 1):
                column = header[col] if col < len(header) else None
                return TablePlace(column if col > 0 else None, row_header if col > 0 else None)
    for col, cell in enumerate(header):
        if cell.start <= offset < cell.end:
            return TablePlace(None, None)
    return None
