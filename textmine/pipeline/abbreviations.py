"""Abbreviation definitions ("Oswestry Disability Index (ODI)") with scispaCy's detector.

scispaCy's ``AbbreviationDetector`` (Schwartz & Hearst) runs on a blank English pipeline —
no model download. A definition always has a parenthesis, and Schwartz & Hearst look at
most 16 words back from it, so the detector runs only on short windows that end at a
parenthesis which could hold a short or a long form — not on whole documents, where it
slows down badly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Iterable

import regex

MAX_CHUNK = 100_000  # characters per Doc; longer windows are cut at whitespace
WORDS_BEFORE = 20  # Schwartz & Hearst search min(|SF| + 5, 2|SF|) <= 16 words before the parenthesis
_PARENS = regex.compile(r"\(([^()\n]{1,120})\)")


@dataclass(frozen=True)
class Abbreviation:
    short: str
    long: str
    short_start: int
    long_start: int


class AbbreviationFinder:
    """Wraps a blank spaCy pipeline with scispaCy's abbreviation detector; built once, reused."""

    def __init__(self) -> None:
        import scispacy.abbreviation  # noqa: F401  (registers the "abbreviation_detector" factory)

        from textmine.pipeline.spacy_base import blank_english

        self.nlp = blank_english()  # shared: the other users only tokenise, which runs no component
        if "abbreviation_detector" not in self.nlp.pipe_names:
            self.nlp.add_pipe("abbreviation_detector")
        detector = self.nlp.get_pipe("abbreviation_detector")
        # After finding the definitions, scispaCy adds a Matcher rule per short form, re-scans
        # the text for further occurrences and removes the rules again: over half its time.
        # We read only the definitions (short → long, resolved document-wide by the pipeline),
        # so its global matcher is replaced by one that finds nothing. The definitions found
        # are the same (tested); this also avoids spaCy's W036 warning for an empty matcher.
        detector.global_matcher = _NoFurtherOccurrences()

    def find(self, text: str, spans: Iterable[tuple[int, int]]) -> list[Abbreviation]:
        """Definitions inside the given (start, end) spans of ``text``, with document offsets.

        One Doc per window: joining a document's windows into one Doc is slower, as the
        detector's parenthesis pattern matches every "(" with every later ")"."""
        out: list[Abbreviation] = []
        seen: set[tuple[int, int]] = set()
        for start, end in spans:
            for c_start, c_end in (c for w in candidate_windows(text, start, end) for c in _chunks(text, *w)):
                doc = self.nlp(text[c_start:c_end])
                for span in doc._.abbreviations:
                    long = span._.long_form
                    key = (c_start + span.start_char, c_start + long.start_char)
                    if key not in seen and not is_formula(span.text, long.text):
                        seen.add(key)
                        out.append(Abbreviation(span.text, long.text, *key))
        return sorted(out, key=lambda a: a.short_start)


class _NoFurtherOccurrences:
    """Stands in for scispaCy's global matcher: accepts its rules, finds no further occurrences."""

    def add(self, key: str, patterns: list) -> None:
        pass

    def __call__(self, doc) -> list:
        return []


def candidate_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Merged windows of up to ``WORDS_BEFORE`` words before a parenthesis through its close.

    A parenthesis qualifies only if it passes Schwartz & Hearst's necessary condition in
    one of its two readings — "long form (SF)" or "SF (long form)": the short form starts
    with a letter and its letters and digits appear in order in the long form, the first
    at the start of a word. scispaCy accepts nothing that fails it, so nothing is missed.
    """
    windows: list[list[int]] = []
    for m in _PARENS.finditer(text, start, end):
        w_start = m.start()
        for _ in range(WORDS_BEFORE):
            space = text.rfind(" ", start, w_start - 1)
            if space < start:
                w_start = start
                break
            w_start = space
        w_start = start if w_start <= start else w_start + 1
        content = m.group(1).strip()
        before_text = text[w_start:m.start()]
        before = before_text.rsplit(None, 1)[-1] if before_text.strip() else ""
        # the short form before a parenthesis may be the last part of a hyphenated word, as
        # spaCy splits "post-treatment" into post, -, treatment
        last_part = regex.split(r"[-/]", before)[-1] if before else ""
        if not (could_define(content, before_text) or any(w and could_define(w, content) for w in (before, last_part))):
            continue
        w_end = text.find(" ", m.end(), min(end, m.end() + 40))  # the rest of the word after ")"
        w_end = end if w_end < 0 and m.end() + 40 >= end else (w_end if w_end >= 0 else m.end())
        if windows and w_start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], w_end)
        else:
            windows.append([w_start, w_end])
    return [(s, e) for s, e in windows]


@functools.lru_cache(maxsize=None)
def _word_start(char: str) -> regex.Pattern:
    return regex.compile(rf"(?<![^\W_]){regex.escape(char)}")


def is_formula(short: str, long: str) -> bool:
    """A "long form" that holds the short form itself is a formula, not a definition.

    >>> is_formula("DHI", "DHI x 100")
    True
    >>> is_formula("DHI", "disc height index")
    False
    """
    # plain string search: compiling a pattern for every new short form cost more than the rest
    start = long.find(short)
    while start >= 0:
        end = start + len(short)
        if (start == 0 or not _is_word(long[start - 1])) and (end == len(long) or not _is_word(long[end])):
            return True
        start = long.find(short, start + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def could_define(short: str, long: str) -> bool:
    """Schwartz & Hearst's necessary condition for ``long`` to define ``short``.

    >>> could_define("ODI", "the Oswestry Disability Index")
    True
    >>> could_define("HR, 0.75", "hazard ratio")
    False
    """
    if len(short) < 2 or not short[0].isalpha():
        return False
    chars = [c for c in short.lower() if c.isalnum()]
    low = long.lower()
    # the first letter must start a word (after any non-alphanumeric, as spaCy splits "[hazard")
    if not _word_start(chars[0]).search(low):
        return False
    pos = 0
    for c in chars:
        pos = low.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def _chunks(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    while end - start > MAX_CHUNK:
        cut = text.rfind(" ", start, start + MAX_CHUNK)
        cut = cut if cut > start else start + MAX_CHUNK
        yield start, cut
        start = cut
    yield start, end
