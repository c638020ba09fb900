"""Shared fixtures: one pipeline per test session (patterns and spaCy load once)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
