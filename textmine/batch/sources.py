"""Which files a scan reads: files as given, folders walked, globs expanded.

Paths are taken as given. A folder's symbolic links are followed, but a folder already visited
(a symlink loop) is an error for that path, as is a folder that cannot be listed; nothing hangs.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from dataclasses import dataclass
from typing import Iterable, Iterator

from textmine.parse import SUPPORTED

GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Source:
    """One path to scan, or the reason it cannot be."""

    path: str
    error: str | None = None


def expand(paths: Iterable[str], pattern: str | None = None) -> Iterator[Source]:
    """Every file to scan, each path once, in a stable order.

    A file named on the command line is scanned whatever its extension (an unsupported one is
    then an error for it); in folders, only supported files (``.md``, ``.txt``, ``.pdf`` …) are
    taken, and only those whose name matches ``pattern`` when one is given.
    """
    seen_files: set[str] = set()
    for given in paths:
        if not os.path.lexists(given) and GLOB_CHARS & set(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                yield Source(given, "no file matches this pattern")
            for match in matches:
                yield from _one(match, pattern, seen_files, top=False)
        else:
            yield from _one(given, pattern, seen_files, top=True)


def _one(path: str, pattern: str | None, seen_files: set[str], top: bool) -> Iterator[Source]:
    try:
        is_dir = os.path.isdir(path)
    except OSError as exc:  # pragma: no cover - isdir swallows most errors
        yield Source(path, f"cannot read: {exc.strerror}")
        return
    if is_dir:
        yield from _walk(path, pattern, seen_files, set())
    elif not os.path.lexists(path):
        yield Source(path, "no such file or folder")
    elif top or _wanted(os.path.basename(path), pattern):
        if path not in seen_files:
            seen_files.add(path)
            yield Source(path)


def _walk(folder: str, pattern: str | None, seen_files: set[str], seen_dirs: set[tuple[int, int]]) -> Iterator[Source]:
    try:
        st = os.stat(folder)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Source(folder, f"cannot list folder: {exc.strerror}")
        return
    key = (st.st_dev, st.st_ino)
    if key in seen_dirs:
        yield Source(folder, "symlink loop: this folder is already being scanned")
        return
    seen_dirs = seen_dirs | {key}
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:  # a link to itself: a file for the scan to try, and to record why it cannot
            is_dir = False
        if is_dir:
            yield from _walk(entry.path, pattern, seen_files, seen_dirs)
        elif _wanted(entry.name, pattern) and entry.path not in seen_files:
            seen_files.add(entry.path)
            yield Source(entry.path)


def _wanted(name: str, pattern: str | None) -> bool:
    if not name.lower().endswith(SUPPORTED) or name.startswith("."):
        return False
    return pattern is None or fnmatch.fnmatch(name, pattern)
