"""Compiled regular expressions, kept on disk between runs.

The ``regex`` module parses and compiles a pattern in Python. textmine's rule book, built from
large lexicon alternations, takes about 3 s to compile: every command and every batch worker
paid it before reading a word. A compiled ``regex`` pattern pickles as its compiled code, so
loading one back takes microseconds. This module keeps one file of compiled patterns per
``regex`` version and Python version, keyed by the exact pattern text and flags: an edited
pattern is a new key and is compiled afresh, so a stale pattern is never used.

The file is read with an unpickler that accepts nothing but ``regex``'s own pattern constructor,
so a tampered file cannot run code; a file that cannot be read is ignored and rewritten. The
cache only ever saves time: when it cannot be read or written, patterns are compiled as before.

Where: ``$TEXTMINE_CACHE_DIR``; else ``$XDG_CACHE_HOME/textmine``; else ``~/.cache/textmine``.
``TEXTMINE_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterable

import regex
from regex import _regex

MAX_ENTRIES = 5000  # past this, a save keeps only the patterns this process used

_lock = threading.Lock()
_patterns: dict[tuple[str, int], regex.Pattern] | None = None  # loaded on first use
_new: set[tuple[str, int]] = set()  # compiled by this process, not yet saved
_used: set[tuple[str, int]] = set()
_hooked = False


def longest_first(items: Iterable[str]) -> list[str]:
    """Alternatives in the order an alternation needs them, longest first, ties alphabetically:
    never the order of a set, which changes with the hash seed and would make every process
    build, and compile, different pattern texts."""
    return sorted(items, key=lambda s: (-len(s), s))


def cache_file() -> Path | None:
    """This interpreter's cache file, or None when the cache is off."""
    configured = os.environ.get("TEXTMINE_CACHE_DIR")
    if configured is not None and configured.strip().lower() in ("", "off", "0", "none"):
        return None
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "textmine"
    version = f"regex-{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
    return folder / f"compiled-{version}.pickle"


def compile(pattern: str, flags: int = 0) -> regex.Pattern:  # noqa: A001 - mirrors regex.compile
    """``regex.compile(pattern, flags)``, from the cache when this pattern was compiled before."""
    global _patterns, _hooked
    key = (pattern, int(flags))
    with _lock:
        if _patterns is None:
            _patterns = _read(cache_file())
        _used.add(key)
        found = _patterns.get(key)
        if found is not None:
            return found
    compiled = regex.compile(pattern, flags)  # outside the lock: a bad pattern raises as usual
    with _lock:
        _patterns[key] = compiled
        _new.add(key)
        if not _hooked:
            atexit.register(save)
            _hooked = True
    return compiled


def save() -> None:
    """Write what this process compiled (merged with what other processes wrote meanwhile).
    Called at exit; a worker process, which exits without running ``atexit``, calls it itself."""
    path = cache_file()
    with _lock:
        if not _new or path is None or _patterns is None:
            return
        ours = {k: _patterns[k] for k in _new}
        _new.clear()
        used = {k: _patterns[k] for k in _used if k in _patterns}
    merged = _read(path)
    merged.update(ours)
    if len(merged) > MAX_ENTRIES:
        merged = used | ours
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(merged, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)  # readers see the old file or the new one, never half of one
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass  # a read-only home, a full disk: the next run compiles again


def clear_memory() -> None:
    """Forget the patterns held in memory (the next ``compile`` reads the file again). For tests."""
    global _patterns
    with _lock:
        _patterns = None
        _new.clear()
        _used.clear()


class _PatternsOnly(pickle.Unpickler):
    """Builds ``regex`` patterns and plain containers, and refuses any other callable."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("regex._regex", "compile"):
            return _regex.compile
        raise pickle.UnpicklingError(f"not a compiled pattern: {module}.{name}")


def _read(path: Path | None) -> dict[tuple[str, int], regex.Pattern]:
    if path is None:
        return {}
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    try:
        loaded = _PatternsOnly(io.BytesIO(data)).load()
    except Exception:  # truncated, tampered or from another format: compile afresh, rewrite
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items()
            if isinstance(k, tuple) and len(k) == 2 and isinstance(k[0], str) and isinstance(k[1], int)
            and isinstance(v, regex.Pattern) and v.pattern == k[0]}
