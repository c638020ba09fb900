"""Where each field is worth searching: number starts and trigger words, from one pass over the words.

Every pattern reads a number and needs a field-specific word or symbol nearby, so the
pipeline searches only the sentences that hold both. Finding them must cost much less than
the patterns it saves: one tokenisation per block with the standard ``re`` engine, one dict
lookup per word — no big case-insensitive alternation scans.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from textmine.rulebook import LABELS, RuleBook, trigger_words
from textmine.values.numbers import words as number_vocabulary

_WORD = re.compile(r"[a-zµ0-9]+(?:-[a-zµ0-9]+)*")
_LETTERS = re.compile(r"[a-zµ]+")
_ARTICLES = frozenset(("a", "an"))
_TIME_WORDS = ("year", "month", "week", "full year", "full month", "full week")  # "a year", "a full year" are durations


@dataclass(frozen=True)
class Scan:
    """Number starts and, per field, trigger offsets within one block."""

    numbers: list[int]
    hits: dict[str, list[int] | None]  # None: the field has no trigger (search everywhere)


class TriggerIndex:
    """The trigger words of every field (from ``patterns/triggers.json``), looked up by word."""

    def __init__(self, book: RuleBook):
        self.book = book
        # word -> [(label, number_within), ...]
        self.lookup: dict[str, list[tuple[str, int | None]]] = {}
        for label, triggers in book.triggers.items():
            for trigger in triggers:
                for word in trigger.words:
                    self.lookup.setdefault(word, []).append((label, trigger.number_within))
        vocab = number_vocabulary()
        self.number_words = frozenset(list(vocab.units) + list(vocab.tens))

    def scan(self, lowered: str, start: int, end: int, measure_words: frozenset[str]) -> Scan:
        """Number starts and trigger offsets in ``lowered[start:end]`` (lower-cased, folded text)."""
        numbers: list[int] = []
        raw: dict[str, list[tuple[int, int | None]]] = {label: [] for label in LABELS}
        lookup, number_words = self.lookup, self.number_words
        for m in _WORD.finditer(lowered, start, end):
            word = m.group()
            hyphen = "-" in word
            if not hyphen and word not in lookup and word not in number_words and word not in measure_words \
                    and not word[0].isdigit():
                if word in _ARTICLES and lowered.startswith(_TIME_WORDS, m.end() + 1):
                    numbers.append(m.start())  # "followed for a year": the article is the number
                continue  # most words: nothing to record
            pos = m.start()
            head = word.split("-", 1)[0] if hyphen else word
            if head in _VISIT_UNITS and _NUMBER_NEXT.match(lowered, pos + len(head)):
                numbers.append(pos)  # "week 52", "month-24": a named visit time starts at its unit
            if word[0].isdigit():
                if pos == 0 or lowered[pos - 1] not in ".,0123456789":
                    numbers.append(pos)
                entries = lookup.get(word) or [e for part in _LETTERS.findall(word) for e in lookup.get(part, ())]
            else:
                if (word.split("-", 1)[0] if hyphen else word) in number_words:
                    numbers.append(pos)
                entries = lookup.get(word)
                if entries is None and hyphen:
                    entries = [e for part in _LETTERS.findall(word) for e in lookup.get(part, ())]
            if hyphen:  # "70-80": the second number starts after the hyphen
                offset = 0
                for part in word.split("-")[1:]:
                    offset = word.index("-", offset) + 1
                    if part[:1].isdigit():
                        numbers.append(pos + offset)
            if entries:
                for label, within in entries:
                    raw[label].append((pos, within))
            if word in measure_words or (hyphen and any(p in measure_words for p in word.split("-"))):
                raw["score"].append((pos, None))
        hits: dict[str, list[int] | None] = {}
        for label in LABELS:
            if label != "score" and label not in self.book.triggers:
                hits[label] = None
                continue
            found = [pos for pos, within in raw[label] if within is None or _number_near(numbers, pos, within)]
            for trigger in self.book.triggers.get(label, ()):
                if trigger.compiled is not None:
                    found += [m.start() for m in trigger.compiled.finditer(lowered, start, end)]
            hits[label] = sorted(found)
        return Scan(numbers, hits)


_VISIT_UNITS = frozenset({"day", "week", "month", "year"})
_NUMBER_NEXT = re.compile(r"[- ]?\d")


def _number_near(numbers: list[int], pos: int, distance: int) -> bool:
    i = bisect.bisect_left(numbers, pos - distance)
    return i < len(numbers) and numbers[i] <= pos + distance
