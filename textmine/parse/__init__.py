"""Parsers: files in, ``Document`` out. ``load_document`` picks the parser by extension."""

from __future__ import annotations

from pathlib import Path

from textmine.document import Document
from textmine.errors import InputError
from textmine.parse.pdf import load_pdf
from textmine.parse.text import parse_text

TEXT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text"}
SUPPORTED = (*TEXT_SUFFIXES, ".pdf")
MAX_BYTES = 50 * 1024 * 1024


def load_document(path: str | Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read a Markdown, plain-text or PDF file into a ``Document``.

    Raises ``InputError`` (one line naming the file and the problem) for a missing,
    unreadable, empty, binary, undecodable, too large or unsupported file.
    """
    name = str(path)
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(name, _unsupported(suffix))
    try:
        if p.is_dir():
            raise InputError(name, "is a directory, not a file")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(name, f"too large ({size:,} bytes; the limit is {max_bytes:,})")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    return document_from_bytes(data, name)


def document_from_bytes(data: bytes, name: str) -> Document:
    """A file's bytes as a ``Document``, the parser chosen by the extension of ``name`` (a batch
    worker gets bytes, not a path). Raises ``InputError`` as ``load_document`` does."""
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        if not data.strip():
            raise InputError(name, "empty file")
        return load_pdf(name, data)
    if suffix not in TEXT_SUFFIXES:
        raise InputError(name, _unsupported(suffix))
    return parse_bytes(data, name, TEXT_SUFFIXES[suffix])


def _unsupported(suffix: str) -> str:
    return f"unsupported file type {suffix or '(no extension)'!r}; expected one of {', '.join(SUPPORTED)}"


def parse_bytes(data: bytes, name: str, fmt: str) -> Document:
    """Decode and parse text bytes, rejecting empty, binary and non-UTF-8 content."""
    if not data.strip():
        raise InputError(name, "empty file")
    if b"\x00" in data[:8192]:
        raise InputError(name, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.05 * min(len(text), 8192):
        raise InputError(name, "binary file (mostly control characters), not text")
    return parse_text(text, name, fmt)


__all__ = ["load_document", "document_from_bytes", "parse_bytes", "parse_text", "SUPPORTED"]
