"""A sentence splitter that knows scientific text.

It breaks after ``.``, ``!`` or ``?`` followed by space and a capital, digit or bracket, but
not after "et al.", "vs.", "Fig.", "e.g.", single initials, nor inside decimals ("p < .01",
"7.5") — the list of such words is data in ``patterns/sentences.json``. Line breaks end a
sentence where the paragraph reader already separated blocks. Pure function; no spaCy.

>>> text = "Smith et al. enrolled 26 patients (Fig. 2). VAS fell vs. baseline (p < .01). Done."
>>> [text[s:e] for s, e in split_sentences(text)]
['Smith et al. enrolled 26 patients (Fig. 2).', 'VAS fell vs. baseline (p < .01).', 'Done.']
"""

from __future__ import annotations

import regex

from textmine.rulebook import load_json

_CANDIDATE = regex.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])|\n\s*\n")
_WORD_BEFORE = regex.compile(r"([\w.]+)$")
_NO_BREAK: frozenset[str] | None = None
MAX_SENTENCE = 2000  # characters; longer runs (no punctuation) are cut at a space to bound the work per sentence


def _no_break() -> frozenset[str]:
    global _NO_BREAK
    if _NO_BREAK is None:
        _NO_BREAK = frozenset(w.lower() for w in load_json("sentences.json")["no_break_after"])
    return _NO_BREAK


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (document offsets, whitespace trimmed) within ``text[start:end]``."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sent_start = start
    no_break = _no_break()
    for m in _CANDIDATE.finditer(text, start, end):
        if m.group().startswith("."):
            before = _WORD_BEFORE.search(text, max(start, m.start() - 20), m.start())
            word = before.group(1).lower().rstrip(".") if before else ""
            last = word.rsplit(".", 1)[-1] if "." in word and word not in no_break else word
            if word in no_break or last in no_break or (len(last) == 1 and last.isalpha()):
                continue
        _add(text, spans, sent_start, m.end())
        sent_start = m.end()
    _add(text, spans, sent_start, end)
    return spans


def _add(text: str, spans: list[tuple[int, int]], s: int, e: int) -> None:
    while e - s > MAX_SENTENCE:
        cut = text.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
        cut = cut if cut > s else s + MAX_SENTENCE
        _add(text, spans, s, cut)
        s = cut
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))
