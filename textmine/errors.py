"""Errors a user can act on. Each names the file and the problem in one line."""

from __future__ import annotations


class TextmineError(Exception):
    """Base class for textmine's expected errors (shown as one line, never a traceback)."""


class InputError(TextmineError):
    """A file cannot be read as a document: missing, empty, binary, undecodable, unsupported."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
