"""Run a field's patterns over a stretch of text and turn matches into candidates.

The engine is generic: it runs every ``extract`` pattern of a label, keeps matches whose
sentence satisfies the pattern's ``context``, drops those overlapped by a ``veto`` pattern,
and lets the field's builder read the named groups into normalised values. Overlapping
candidates of one field are resolved: a span contained in another's is dropped (the longer,
more specific reading wins; on a tie the earlier pattern in the file wins).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import regex

from textmine.rulebook import Pattern, RuleBook
from textmine.values.numbers import NumberFormatError


@dataclass
class Candidate:
    """A value found in text, before it becomes a ``Mention`` (mutable while links are resolved)."""

    field: str
    start: int
    end: int
    rule: str
    values: dict[str, Any]
    priority: int = 0
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Region:
    """The text to search (Unicode-folded document text) and the sentence spans inside it."""

    text: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    windows: tuple[tuple[int, int], ...] | None = None  # where numbers are; None: everywhere
    starts: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", tuple(s for s, _ in self.sentences))

    def sentence_of(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        return (self.start, self.end)


Builder = Callable[[regex.Match, Pattern, Region], Iterable[Candidate]]


def group_span(m: regex.Match, name: str = "span") -> tuple[int, int]:
    """The span of a named group if it took part in the match, else the whole match."""
    try:
        s, e = m.span(name)
    except IndexError:
        return m.span()
    return (s, e) if s >= 0 else m.span()


def group(m: regex.Match, name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def run_patterns(book: RuleBook, label: str, region: Region, builder: Builder) -> list[Candidate]:
    """All candidates of one label in a region, context-checked, vetoed and de-overlapped."""
    candidates: list[Candidate] = []
    for priority, pattern in enumerate(book.for_label(label)):
        if pattern.compiled is None:
            continue  # token patterns run in the spaCy stage
        context_ok: dict[tuple[int, int], bool] = {}  # each sentence is searched once per pattern
        for m in _finditer(pattern.compiled, region):
            if pattern.compiled_context is not None:
                sentence = region.sentence_of(m.start())
                if sentence not in context_ok:
                    context_ok[sentence] = bool(pattern.compiled_context.search(region.text, *sentence))
                if not context_ok[sentence]:
                    continue
            try:
                built = list(builder(m, pattern, region))
            except (NumberFormatError, ZeroDivisionError, OverflowError, ValueError):
                continue  # a shape the pattern admits but the value parser rejects is not a value
            for c in built:
                c.priority = priority
                candidates.append(c)
    vetoes = _veto_spans(book, label, region)
    if vetoes:
        candidates = [c for c in candidates if not _overlaps_any(c.start, c.end, vetoes)]
    return resolve_overlaps(candidates)


def _finditer(compiled: regex.Pattern, region: Region) -> Iterable[regex.Match]:
    """Matches of a pattern, searched only in the region's number windows when it has them."""
    for start, end in region.windows if region.windows is not None else ((region.start, region.end),):
        yield from compiled.finditer(region.text, start, end)


def number_windows(anchor: regex.Pattern, text: str, start: int, end: int,
                   left: int = 160, right: int = 240) -> tuple[tuple[int, int], ...]:
    """Merged stretches around every number in ``text[start:end]``.

    Every pattern reads a number, and no pattern reaches further than ``left`` characters
    before its first number or ``right`` after its last, so searching only these windows
    finds exactly what searching everything would — several times faster on prose.
    """
    windows: list[list[int]] = []
    for m in anchor.finditer(text, start, end):
        ws, we = max(start, m.start() - left), min(end, m.end() + right)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], we)
        else:
            windows.append([ws, we])
    return tuple((a, b) for a, b in windows)


def _veto_spans(book: RuleBook, label: str, region: Region) -> list[tuple[int, int]]:
    spans = []
    for pattern in book.for_label(label, role="veto"):
        for m in _finditer(pattern.compiled, region):
            spans.append(group_span(m))
    return sorted(spans)


def _overlaps_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_left(spans, (end, end))
    for s, e in reversed(spans[max(0, i - 64):i]):
        if s < end and start < e:
            return True
    return False


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """One reading per stretch of text and field.

    A candidate inside another's span of the same field is dropped, and so is the shorter
    of two overlapping candidates that read the same values ("n = 5 per group" is one
    sample size, not two). On equal spans the earlier pattern wins.
    """
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), c.priority, c.start))
    longest = max((c.end - c.start for c in ordered), default=0)
    kept: dict[str, list[tuple[int, int, Candidate]]] = {}
    for c in ordered:
        same = kept.setdefault(c.field, [])
        lo = bisect.bisect_left(same, (c.start - longest,))
        hi = bisect.bisect_left(same, (c.end,))
        if not any(k.start < c.end and c.start < k.end
                   and ((k.start <= c.start and c.end <= k.end) or k.values == c.values)
                   for _, _, k in same[lo:hi]):
            bisect.insort(same, (c.start, id(c), c))
    return sorted((c for same in kept.values() for _, _, c in same), key=lambda c: (c.start, c.end))
