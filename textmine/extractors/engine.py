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

from textmine.rulebook import ANCHOR_REACH, BEFORE_REACH, Pattern, RuleBook
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
    windows: tuple[tuple[int, int], ...] | None = None  # the sentences worth searching; None: everywhere
    numbers: tuple[int, ...] | None = None  # where numbers start; None: not computed (anchored patterns scan)
    lowered: str | None = None  # the lower-cased text, for the `near` checks of anchored patterns
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
        if pattern.compiled_context is not None and pattern.context_scope == "document" \
                and not pattern.compiled_context.search(region.text):  # e.g. "Data are mean (SD)" in Methods
            continue
        for m in (_anchored_matches(pattern.compiled, region, pattern.near, pattern.before, pattern.near_within)
                  if pattern.anchored and region.numbers is not None
                  else _finditer(pattern.compiled, region, pattern.near)):
            if pattern.compiled_context is not None and pattern.context_scope == "sentence":
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
    vetoes = _veto_spans(book, label, region, candidates) if candidates else []
    if vetoes:
        candidates = [c for c in candidates if not _overlaps_any(c.start, c.end, vetoes)]
    return resolve_overlaps(candidates)


def holds_any(lowered: str, literals: tuple[str, ...], start: int, end: int) -> bool:
    """Whether ``lowered[start:end]`` contains one of ``literals`` (the `near` prefilter; str.find beats a regex call)."""
    for literal in literals:
        if lowered.find(literal, start, end) >= 0:
            return True
    return False


def _finditer(compiled: regex.Pattern, region: Region, near: tuple[str, ...] = ()) -> Iterable[regex.Match]:
    """Matches of a pattern in the region's windows; a window holding none of its ``near`` strings is skipped."""
    check = bool(near) and region.lowered is not None
    for start, end in region.windows if region.windows is not None else ((region.start, region.end),):
        if check and not holds_any(region.lowered, near, start, end):
            continue
        yield from compiled.finditer(region.text, start, end)


def _anchored_matches(compiled: regex.Pattern, region: Region, near: tuple[str, ...] = (),
                      before: tuple[str, ...] = (), near_within: int | None = None) -> Iterable[regex.Match]:
    """Matches that begin where a number begins, inside the region's windows (no scanning).

    ``near``: strings one of which every match contains; where none starts within
    ``near_within`` characters (default: the whole reach), the regex is not tried at all (one
    literal search costs far less than a failing match)."""
    lowered = region.lowered if (near or before) else None
    find = lowered.find if lowered is not None and near else None
    find_before = lowered.find if lowered is not None and before else None
    text, match = region.text, compiled.match
    windows = region.windows if region.windows is not None else ((region.start, region.end),)
    numbers = region.numbers or ()
    near_reach = near_within or ANCHOR_REACH
    last_end = -1
    for start, end in windows:
        i = bisect.bisect_left(numbers, start)
        while i < len(numbers) and numbers[i] < end:
            pos = numbers[i]
            i += 1
            if pos < last_end:
                continue  # inside the previous match, as finditer would skip it
            m = None
            reach = pos + ANCHOR_REACH  # bounding endpos stops the regex engine searching far ahead
            if reach > end:             # for a required literal ("(", "%", "later") on every call
                reach = end
            if find_before is not None:
                for literal in before:
                    if find_before(literal, pos - BEFORE_REACH if pos > BEFORE_REACH else 0, pos) >= 0:
                        break
                else:
                    continue
            if find is not None:  # holds_any(), inlined: this loop runs for every number of every window
                for literal in near:  # starting within near_reach, ending within reach
                    if find(literal, pos, min(reach, pos + near_reach + len(literal))) >= 0:
                        break
                else:
                    continue
            if pos > start and text[pos - 1] == "-" and pos - 1 >= last_end:
                m = match(text, pos - 1, reach)  # a negative number starts at its sign
            m = m or match(text, pos, reach)
            if m:
                last_end = m.end()
                yield m


def sentence_windows(region: Region, *markers: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """The sentences of a region that contain an offset from every marker list, merged.

    Every pattern of a field reads a number and matches inside one sentence that also
    matches the field's trigger; searching only these sentences finds what searching
    everything would, several times faster.
    """
    if not region.sentences:
        return ()
    selected: set[int] | None = None
    for offsets in markers:
        hit = set()
        for offset in offsets:
            i = bisect.bisect_right(region.starts, offset) - 1
            if i >= 0 and offset < region.sentences[i][1]:
                hit.add(i)
        selected = hit if selected is None else selected & hit
    return merge_spans(region.sentences[i] for i in sorted(selected or ()))


VETO_LEFT, VETO_RIGHT = 120, 200  # no veto pattern reaches further from the candidate it vetoes
TOKEN_LEFT, TOKEN_RIGHT = 40, 60  # token vetoes are matched this close around a candidate (tokenising costs)


def _veto_spans(book: RuleBook, label: str, region: Region, candidates: list[Candidate]) -> list[tuple[int, int]]:
    """Veto matches, searched only near candidates (within their sentence)."""
    near = []
    for c in candidates:
        s, e = region.sentence_of(c.start)
        near.append((max(s, c.start - VETO_LEFT), min(max(e, c.end), c.end + VETO_RIGHT)) if region.numbers is not None
                    else (s, max(e, c.end)))
    windows = merge_spans(sorted(near))
    spans = []
    token = book.token_matcher(label)
    if token is not None:  # token vetoes: spaCy's Matcher close around each candidate
        nlp, matcher, requirements = token
        close = []
        for c in candidates:
            s, e = region.sentence_of(c.start)
            close.append((max(s, c.start - TOKEN_LEFT), min(max(e, c.end), c.end + TOKEN_RIGHT)))
        for s, e in merge_spans(sorted(close)):
            window = region.text[s:e].lower()
            if not any(all(any(w in window for w in words) for words in req) for req in requirements):
                continue  # no token pattern can match here: skip tokenising
            doc = nlp.make_doc(region.text[s:e])
            spans += [(s + doc[a].idx, s + doc[b - 1].idx + len(doc[b - 1])) for _, a, b in matcher(doc)]
    for pattern in book.for_label(label, role="veto"):
        if pattern.kind == "token":
            continue
        if pattern.anchored and region.numbers is not None:  # the veto starts at a number of its candidate: try only there
            reach = (pattern.near_within or ANCHOR_REACH) + max(map(len, pattern.near), default=0)
            found = (pattern.compiled.match(region.text, pos, end) for c, (_, end) in zip(candidates, near)
                     for pos in _starts_within(region.numbers, c)
                     if not pattern.near or region.lowered is None
                     or holds_any(region.lowered, pattern.near, pos, min(end, pos + reach)))
        else:
            # overlapped: a veto match must not hide another that starts inside it; a veto with a
            # context is searched only in the sentences that have it
            spots = windows if pattern.compiled_context is None else [
                s for s in merge_spans(sorted({region.sentence_of(c.start) for c in candidates}))
                if pattern.compiled_context.search(region.text, *s)]
            if pattern.near and region.lowered is not None:
                spots = [s for s in spots if holds_any(region.lowered, pattern.near, *s)]
            found = (m for start, end in spots for m in pattern.compiled.finditer(region.text, start, end, overlapped=True))
        for m in found:
            if m and (pattern.compiled_context is None
                      or pattern.compiled_context.search(region.text, *region.sentence_of(m.start()))):
                spans.append(group_span(m))
    return sorted(spans)


def _starts_within(numbers: tuple[int, ...], c: Candidate) -> list[int]:
    """The candidate's start and every number start inside it ("80 to 120 mL": 80 and 120)."""
    i = bisect.bisect_left(numbers, c.start)
    starts = [c.start]
    while i < len(numbers) and numbers[i] < c.end:
        if numbers[i] != c.start:
            starts.append(numbers[i])
        i += 1
    return starts


def mask_parentheses(text: str) -> str:
    """Blank out parenthesised content (length kept)."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        out.append(" " if depth else ch)
        if ch == ")" and depth:
            depth -= 1
    return "".join(out)


def merge_spans(spans: Iterable[tuple[int, int]], gap: int = 2) -> tuple[tuple[int, int], ...]:
    """Sorted spans with touching neighbours (at most ``gap`` characters apart) joined."""
    out: list[list[int]] = []
    for s, e in spans:
        if out and s <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


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
