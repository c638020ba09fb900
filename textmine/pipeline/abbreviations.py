"""Abbreviation definitions ("Oswestry Disability Index (ODI)") with scispaCy's detector.

scispaCy's ``AbbreviationDetector`` (Schwartz & Hearst) runs on a blank English pipeline —
no model download. It is run per block, and only on blocks that contain a parenthesis (the
only place a definition can be), because it slows down on one huge ``Doc``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Iterable

MAX_CHUNK = 100_000  # characters per Doc; longer blocks are cut at whitespace


@dataclass(frozen=True)
class Abbreviation:
    short: str
    long: str
    short_start: int
    long_start: int


class AbbreviationFinder:
    """Wraps a blank spaCy pipeline with scispaCy's abbreviation detector; built once, reused."""

    def __init__(self) -> None:
        import spacy
        import scispacy.abbreviation  # noqa: F401  (registers the "abbreviation_detector" factory)

        self.nlp = spacy.blank("en")
        self.nlp.max_length = MAX_CHUNK + 1000
        self.nlp.add_pipe("abbreviation_detector")

    def find(self, text: str, spans: Iterable[tuple[int, int]]) -> list[Abbreviation]:
        """Definitions inside the given (start, end) spans of ``text``, with document offsets."""
        out: list[Abbreviation] = []
        for start, end in spans:
            for c_start, c_end in _chunks(text, start, end):
                if "(" not in text[c_start:c_end]:
                    continue
                with warnings.catch_warnings():  # W036: scispaCy's global matcher is empty by design
                    warnings.filterwarnings("ignore", message=r"\[W036\]")
                    doc = self.nlp(text[c_start:c_end])
                for span in doc._.abbreviations:
                    long = span._.long_form
                    out.append(Abbreviation(span.text, long.text, c_start + span.start_char, c_start + long.start_char))
        return out


def _chunks(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    while end - start > MAX_CHUNK:
        cut = text.rfind(" ", start, start + MAX_CHUNK)
        cut = cut if cut > start else start + MAX_CHUNK
        yield start, cut
        start = cut
    yield start, end
