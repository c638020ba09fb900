"""Shared fixtures: one pipeline per test session (patterns and spaCy load once)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Compiled patterns are cached in a folder of this test run's own (every subprocess inherits it),
# not in the user's cache: the tests neither depend on nor change what an earlier run left.
if not os.environ.get("TEXTMINE_CACHE_DIR"):
    os.environ["TEXTMINE_CACHE_DIR"] = tempfile.mkdtemp(prefix="textmine-test-cache-")
    atexit.register(shutil.rmtree, os.environ["TEXTMINE_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pipeline():
    from textmine.api import default_pipeline

    return default_pipeline()


@pytest.fixture(scope="session")
def extract_text(pipeline):
    """Extract from a string; returns the mentions."""
    from textmine.api import extract

    def run(text: str):
        return extract(text, pipeline).mentions

    return run
