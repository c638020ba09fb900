"""The parsed document: its text and the blocks it is made of.

Every parser (Markdown, plain text, later PDF) produces a ``Document``; everything after it
works on ``Document.text`` by character offsets, so a mention's ``start``/``end`` always
index the text it was found in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "table", "caption", "footnote", "references")


@dataclass(frozen=True)
class Cell:
    """One table cell: its offsets in the document text (whitespace trimmed)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Block:
    """A run of the document with one role. Tables carry their rows of cells; row 0 is the header."""

    kind: str
    start: int
    end: int
    rows: tuple[tuple[Cell, ...], ...] = ()
    row_spans: tuple[tuple[int, int], ...] = ()
    page: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")


@dataclass(frozen=True)
class Document:
    """A document's text, where it came from, and its blocks in reading order."""

    text: str
    source: str
    format: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    geometry: Any = field(default=None, compare=False, repr=False)  # PDFs: page and box of every character

    def page_at(self, offset: int) -> int | None:
        """The page of a character offset (``None`` for formats without pages)."""
        if self.geometry is not None:
            return self.geometry.page_at(offset)
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block.page
        return None
