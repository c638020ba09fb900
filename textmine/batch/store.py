"""The scan store: one SQLite file, written in WAL mode, one transaction per batch of documents.

Tables (``SCHEMA``): ``documents`` (content hash, path, status, error, pages, words, seconds),
``mentions`` (the extract contract, links as JSON), ``records`` (the extraction form) and
``entities``. A worker's batch of documents, each with everything found in it, is committed
together, so a run that is killed keeps every batch it wrote and no document half-written. The
content hash is unique, so a rerun never duplicates rows. ``meta`` holds the schema version; a
store from a newer or older textmine is refused with a clear message. Every statement is
parameterised.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from textmine import __version__
from textmine.errors import TextmineError
from textmine.mentions import CONTRACT_KEYS, EXTRA_KEYS

SCHEMA_VERSION = 1
MENTION_COLUMNS = tuple(k for k in CONTRACT_KEYS + EXTRA_KEYS if k != "doc")
RECORD_COLUMNS = ("title", "design", "sample_size", "follow_up_months")
ENTITY_COLUMNS = ("start", "end", "text", "id", "name", "type")

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    doc_id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,          -- sha256 of the file's bytes ("path:..." where it could not be read)
    path TEXT NOT NULL,
    format TEXT,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error TEXT,
    bytes INTEGER,
    pages INTEGER,
    words INTEGER,
    mentions INTEGER,
    seconds REAL,
    scanned_at TEXT NOT NULL,
    textmine_version TEXT NOT NULL
);
CREATE INDEX documents_path ON documents (path);
CREATE TABLE mentions (
    doc_id INTEGER NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    {", ".join(f'"{c}"' for c in MENTION_COLUMNS)},
    PRIMARY KEY (doc_id, ordinal)
);
CREATE INDEX mentions_field ON mentions (field);
CREATE TABLE records (
    doc_id INTEGER PRIMARY KEY REFERENCES documents (doc_id) ON DELETE CASCADE,
    {", ".join(f'"{c}"' for c in RECORD_COLUMNS)},
    form TEXT NOT NULL                  -- the whole form of `textmine form`, as JSON
);
CREATE TABLE entities (
    doc_id INTEGER NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    {", ".join(f'"{c}"' for c in ENTITY_COLUMNS)},
    PRIMARY KEY (doc_id, ordinal)
);
"""


class StoreError(TextmineError):
    """A store that cannot be used: not a textmine store, another schema version, unwritable."""


class Store:
    """An open scan store. ``Store(path)`` creates it if missing; ``readonly=True`` never writes."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"{path}: no such store")
        try:
            if readonly:
                self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            else:
                self.conn = sqlite3.connect(self.path, timeout=30)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")  # with WAL: a killed process loses nothing committed
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._check_or_create(readonly)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a textmine store ({exc})") from None

    def _check_or_create(self, readonly: bool) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables and not readonly:
            with self.conn:
                self.conn.executescript(SCHEMA)
                self.conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                                      [("schema_version", str(SCHEMA_VERSION)), ("created_by", f"textmine {__version__}"),
                                       ("created_at", _now())])
            return
        if "meta" not in tables:
            raise StoreError(f"{self.path}: not a textmine store (an SQLite file without textmine's tables)")
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        found = int(row[0]) if row and str(row[0]).isdigit() else None
        if found != SCHEMA_VERSION:
            made = self.conn.execute("SELECT value FROM meta WHERE key = 'created_by'").fetchone()
            age = "a newer" if found is not None and found > SCHEMA_VERSION else "an older"
            raise StoreError(f"{self.path}: written by {age} textmine ({made[0] if made else 'unknown'}, store schema "
                             f"{found}); this textmine {__version__} reads schema {SCHEMA_VERSION}. "
                             "Scan into a new store, or use the textmine that wrote it.")

    def statuses(self) -> dict[str, str]:
        """Every document's hash and status (``done`` or ``failed``)."""
        return dict(self.conn.execute("SELECT hash, status FROM documents"))

    def write(self, results: Iterable[dict[str, Any]]) -> None:
        """Documents (a worker's batch) and all that was found in them, in one transaction: an
        interrupted run keeps every batch written before. A failed earlier attempt of the same
        content (or of the same unreadable path) is replaced."""
        with self.conn:
            for result in results:
                self._write(result)

    def _write(self, result: dict[str, Any]) -> None:
        self.conn.execute("DELETE FROM documents WHERE hash = ?", (result["hash"],))
        if result["status"] == "done":  # it is readable now: forget its path's earlier unreadable failure
            self.conn.execute("DELETE FROM documents WHERE hash = ?", ("path:" + result["path"],))
        cur = self.conn.execute(
            "INSERT INTO documents (hash, path, format, status, error, bytes, pages, words, mentions, seconds, "
            "scanned_at, textmine_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (result["hash"], result["path"], result.get("format"), result["status"], result.get("error"),
             result.get("bytes"), result.get("pages"), result.get("words"), len(result.get("mentions") or ()),
             result.get("seconds"), _now(), __version__))
        doc_id = cur.lastrowid
        self._insert("mentions", MENTION_COLUMNS, doc_id, (
            [json.dumps(m[c], ensure_ascii=False) if c == "links" else m.get(c) for c in MENTION_COLUMNS]
            for m in result.get("mentions") or ()))
        self._insert("entities", ENTITY_COLUMNS, doc_id, (
            [e.get(c) for c in ENTITY_COLUMNS] for e in result.get("entities") or ()))
        form = result.get("form")
        if form is not None:
            self.conn.execute(
                f"INSERT INTO records (doc_id, {', '.join(_q(RECORD_COLUMNS))}, form) VALUES (?, ?, ?, ?, ?, ?)",
                (doc_id, *[form.get(c) for c in RECORD_COLUMNS], json.dumps(form, ensure_ascii=False)))

    def _insert(self, table: str, columns: tuple[str, ...], doc_id: int, rows: Iterable[list]) -> None:
        marks = ", ".join("?" * (len(columns) + 2))
        self.conn.executemany(f"INSERT INTO {table} (doc_id, ordinal, {', '.join(_q(columns))}) VALUES ({marks})",
                              ([doc_id, i, *row] for i, row in enumerate(rows)))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _q(columns: Iterable[str]) -> list[str]:
    return [f'"{c}"' for c in columns]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
