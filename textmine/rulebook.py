"""The rule book: load and validate pattern data from ``patterns/``.

Every pattern is one JSON line with an ``id``, a ``label`` (the field it extracts), an
explicit ``kind`` (``regex``, ``phrase`` or ``token``) and the ``pattern`` itself. Values are
read by regex patterns through named groups; phrase lists and spaCy token patterns (run by
spaCy's Matcher) are vetoes that rule candidates out. Unknown
keys, duplicate ids, unknown labels, kinds or macros are errors raised at load time, with
the file and line named — a misspelt option never silently vanishes.

Regex patterns may use macros such as ``{NUM}`` or ``{MEASURE}``; they are expanded from
``patterns/macros.json`` and the lexicons before compiling.

>>> book = RuleBook.load()
>>> sorted({p.label for p in book.patterns})
['dose', 'follow_up', 'sample_size', 'score']
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import regex

from textmine import regex_cache

LABELS = ("sample_size", "dose", "score", "follow_up")
KINDS = ("regex", "phrase", "token")
ROLES = ("extract", "veto")
PATTERN_FILES = tuple(f"{label}.jsonl" for label in LABELS)
_ALLOWED_KEYS = {"id", "label", "kind", "pattern", "role", "literal", "context", "description", "anchored", "near", "near_within", "before", "context_scope"}
ANCHOR_REACH = 200  # no anchored match is longer (the engine bounds its regex calls by it)
BEFORE_REACH = 10  # characters before an anchored match searched for its `before` strings
_REQUIRED_KEYS = {"id", "label", "kind", "pattern"}
# the named groups a field's builder reads from an extract pattern (at least one of each tuple)
REQUIRED_GROUPS = {
    "sample_size": ("value",),
    "dose": ("amount",),
    "follow_up": ("value", "low"),
    "score": ("value", "before", "after", "befores", "afters", "values"),
}


class PatternError(ValueError):
    """A pattern file is malformed; the message names the file and line."""


def patterns_dir() -> Path:
    """Where pattern data lives: ``$TEXTMINE_PATTERNS`` or the ``patterns/`` shipped with textmine."""
    env = os.environ.get("TEXTMINE_PATTERNS")
    if env:
        return Path(env)
    return Path(str(resources.files("textmine.patterns")))


def load_json(name: str, directory: Path | None = None) -> Any:
    """Load one JSON data file, rejecting duplicate keys (a silent overwrite is a bug)."""
    path = (directory or patterns_dir()) / name

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise PatternError(f"{path}: duplicate key {key!r}")
            seen[key] = value
        return seen

    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise PatternError(f"{path}: invalid JSON: {exc}") from None


@dataclass(frozen=True)
class Pattern:
    """One validated pattern. ``compiled`` is the regex that finds it in text."""

    id: str
    label: str
    kind: str
    pattern: Any
    role: str = "extract"
    literal: str = ""
    description: str = ""
    context: str | None = None
    context_scope: str = "sentence"  # where `context` must occur: the match's sentence, or anywhere in the document
    anchored: bool = False  # the match begins at a number (extract) or where its candidate begins (veto)
    near: tuple[str, ...] = ()  # one of these lower-case strings occurs in every match (a cheap prefilter)
    before: tuple[str, ...] = ()  # anchored: one of these occurs in the BEFORE_REACH characters before every match
    near_within: int | None = None  # anchored: a `near` string starts within this many characters of the match start
    source: str = ""
    compiled: Any = field(default=None, compare=False, repr=False)
    compiled_context: Any = field(default=None, compare=False, repr=False)


_WORD_PARTS = regex.compile(r"[a-zµ]+")


def trigger_words(phrases: Iterable[str]) -> frozenset[str]:
    """The lower-case words of phrases, and their hyphen parts ("BM-MSCs" → bm-mscs, bm, mscs)."""
    out: set[str] = set()
    for phrase in phrases:
        for token in regex.findall(r"[\w\-µ]+", phrase.lower()):
            out.add(token)
            out.update(_WORD_PARTS.findall(token))
    return frozenset(out)


def first_words(phrases: Iterable[str]) -> frozenset[str]:
    """The first word of each phrase, lower-cased, as the trigger scan splits words
    ("Oswestry Disability Index" → oswestry, "SF-36" → sf-36)."""
    out: set[str] = set()
    for phrase in phrases:
        words = regex.findall(r"[a-zµ0-9]+(?:-[a-zµ0-9]+)*", phrase.lower())
        if words:
            out.add(words[0])
    return frozenset(out)


@dataclass(frozen=True)
class Trigger:
    """A prefilter for one field: words (set lookup) or a lower-case regex, optionally near a number."""

    words: frozenset[str] = frozenset()
    compiled: Any = None
    number_within: int | None = None


def _trigger(entry: Any, lexicons: dict, macros: dict[str, str], where: str) -> Trigger:
    allowed = {"words", "lexicons", "regex", "number_within"}
    if not isinstance(entry, dict) or set(entry) - allowed or not set(entry) & {"words", "lexicons", "regex"}:
        raise PatternError(f"{where}: a trigger is an object with 'words', 'lexicons' or 'regex' (and optionally 'number_within')")
    number_within = entry.get("number_within")
    if number_within is not None and (not isinstance(number_within, int) or number_within < 0):
        raise PatternError(f"{where}: number_within must be a non-negative integer")
    phrases = list(entry.get("words", []))
    for name in entry.get("lexicons", []):
        if name not in lexicons:
            raise PatternError(f"{where}: unknown lexicon {name!r}")
        phrases += lexicons[name]
    compiled = compile_lowercase(expand(entry["regex"], macros, where), where) if "regex" in entry else None
    return Trigger(trigger_words(phrases), compiled, number_within)


def _token_requirements(tokens: list[dict]) -> list[frozenset[str]]:
    """For each token spec naming literal words (ORTH, LOWER or an IN list), the words one of which the text must hold."""
    out = []
    for spec in tokens:
        if spec.get("OP") in ("?", "*"):
            continue
        for key in ("LOWER", "ORTH", "TEXT"):
            value = spec.get(key)
            words = value.get("IN") if isinstance(value, dict) else [value] if isinstance(value, str) else None
            if words:
                out.append(frozenset(w.lower() for w in words))
                break
    return out


class RuleBook:
    """All patterns, macros and lexicons of one ``patterns/`` directory."""

    def __init__(self, directory: Path, patterns: list[Pattern], macros: dict[str, str], measures: list[dict],
                 triggers: dict[str, list["Trigger"]] | None = None):
        self.directory = directory
        self.patterns = patterns
        self.macros = macros
        self.measures = measures
        self.triggers = triggers or {}
        self._by_label: dict[tuple[str, str], list[Pattern]] = {}

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, directory: Path | str | None = None) -> "RuleBook":
        directory = Path(directory) if directory else patterns_dir()
        measures = load_json("measures.json", directory)["measures"]
        lexicons = load_json("lexicons.json", directory)
        macros = _expand_macros(load_json("macros.json", directory), lexicons, measures, directory)
        patterns: list[Pattern] = []
        seen: dict[str, str] = {}
        for name in PATTERN_FILES:
            path = directory / name
            for lineno, entry in _read_jsonl(path):
                where = f"{path}:{lineno}"
                pat = _validate(entry, where, macros)
                if pat.id in seen:
                    raise PatternError(f"{where}: duplicate pattern id {pat.id!r} (first in {seen[pat.id]})")
                seen[pat.id] = where
                patterns.append(pat)
        triggers: dict[str, list[Trigger]] = {}
        if (directory / "triggers.json").exists():
            for label, entries in load_json("triggers.json", directory).items():
                if label.startswith("_"):
                    continue
                where = f"{directory / 'triggers.json'} ({label})"
                if label not in LABELS:
                    raise PatternError(f"{where}: unknown label {label!r}")
                triggers[label] = [_trigger(entry, lexicons, macros, where) for entry in entries]
        return cls(directory, patterns, macros, measures, triggers)

    def token_matcher(self, label: str):
        """spaCy's Matcher over the label's token vetoes, with a blank tokenizer (``None`` if it has none)."""
        key = ("token", label)
        if key not in self._by_label:
            patterns = [p for p in self.for_label(label, "veto") if p.kind == "token"]
            if not patterns:
                self._by_label[key] = None
            else:
                from spacy.matcher import Matcher

                from textmine.pipeline.spacy_base import blank_english

                nlp = blank_english()
                matcher = Matcher(nlp.vocab, validate=True)
                for p in patterns:
                    try:
                        matcher.add(p.id, [p.pattern])
                    except ValueError as exc:
                        raise PatternError(f"{p.source}: bad token pattern: {exc}") from None
                self._by_label[key] = (nlp, matcher, [_token_requirements(p.pattern) for p in patterns])
        return self._by_label[key]

    def for_label(self, label: str, role: str = "extract") -> list[Pattern]:
        key = (label, role)
        if key not in self._by_label:
            self._by_label[key] = [p for p in self.patterns if p.label == label and p.role == role]
        return self._by_label[key]

    @cached_property
    def measure_names(self) -> dict[str, str]:
        """Lower-cased name or abbreviation → standard measure abbreviation."""
        out: dict[str, str] = {}
        for m in self.measures:
            for name in [m["measure"], *m.get("names", [])]:
                out[_measure_key(name)] = m["measure"]
        return out

    def normalise_measure(self, text: str) -> str | None:
        return self.measure_names.get(_measure_key(text))


def _measure_key(text: str) -> str:
    return regex.sub(r"[\s\-–]+", " ", text.lower()).strip().replace("analog ", "analogue ")


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict]]:
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PatternError(f"{path}:{lineno}: invalid JSON: {exc}") from None
            if not isinstance(entry, dict):
                raise PatternError(f"{path}:{lineno}: a pattern must be a JSON object")
            yield lineno, entry


def _validate(entry: dict, where: str, macros: dict[str, str]) -> Pattern:
    unknown = set(entry) - _ALLOWED_KEYS
    if unknown:
        raise PatternError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_ALLOWED_KEYS)}")
    missing = _REQUIRED_KEYS - set(entry)
    if missing:
        raise PatternError(f"{where}: missing key(s) {sorted(missing)}")
    if entry["label"] not in LABELS:
        raise PatternError(f"{where}: unknown label {entry['label']!r}; expected one of {LABELS}")
    if entry["kind"] not in KINDS:
        raise PatternError(f"{where}: unknown kind {entry['kind']!r}; expected one of {KINDS}")
    role = entry.get("role", "extract")
    if role not in ROLES:
        raise PatternError(f"{where}: unknown role {role!r}; expected one of {ROLES}")
    kind, raw = entry["kind"], entry["pattern"]
    if kind != "regex" and role != "veto":
        raise PatternError(f"{where}: {kind} patterns are vetoes (role \"veto\"); values are read by regex patterns with named groups")
    if kind == "regex":
        if not isinstance(raw, str):
            raise PatternError(f"{where}: a regex pattern must be a string")
        compiled = _compile(expand(raw, macros, where), where)
        if role == "extract" and not set(compiled.groupindex) & set(REQUIRED_GROUPS[entry["label"]]):
            raise PatternError(f"{where}: a {entry['label']} pattern needs a named group among {REQUIRED_GROUPS[entry['label']]}")
    elif kind == "phrase":
        phrases = [raw] if isinstance(raw, str) else raw
        if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise PatternError(f"{where}: a phrase pattern is a non-empty string or list of strings")
        alternation = "|".join(regex.escape(p) for p in regex_cache.longest_first(phrases))
        compiled = _compile(rf"(?<!\w)(?:{alternation})(?!\w)", where)
    else:  # token: a spaCy Matcher pattern, a list of token dicts
        if not (isinstance(raw, list) and raw and all(isinstance(t, dict) for t in raw)):
            raise PatternError(f"{where}: a token pattern is a non-empty list of token objects")
        compiled = None
    context = entry.get("context")
    compiled_context = _compile(expand(context, macros, where), where) if context else None
    anchored = entry.get("anchored", False)
    if not isinstance(anchored, bool):
        raise PatternError(f"{where}: anchored must be true or false")
    if anchored and kind != "regex":
        raise PatternError(f"{where}: only regex patterns can be anchored")
    near = entry.get("near", [])
    if near and (kind != "regex" or not isinstance(near, list) or not all(isinstance(s, str) and s and s == s.lower() for s in near)):
        raise PatternError(f"{where}: near is a list of lower-case strings (regex patterns only)")
    before = entry.get("before", [])
    if before and (not anchored or not isinstance(before, list) or not all(isinstance(s, str) and s and s == s.lower() for s in before)):
        raise PatternError(f"{where}: before is a list of lower-case strings, for anchored patterns only")
    near_within = entry.get("near_within")
    if near_within is not None and (not anchored or not near or type(near_within) is not int
                                    or not 0 < near_within <= ANCHOR_REACH):
        raise PatternError(f"{where}: near_within is a number of characters (1–{ANCHOR_REACH}), "
                           f"for anchored patterns with `near` only")
    context_scope = entry.get("context_scope", "sentence")
    if context_scope not in ("sentence", "document") or (context_scope != "sentence" and not context):
        raise PatternError(f"{where}: context_scope is \"sentence\" or \"document\", and needs a context")
    return Pattern(
        id=entry["id"], label=entry["label"], kind=kind, pattern=raw, role=role,
        literal=entry.get("literal", ""), description=entry.get("description", ""),
        context=context, context_scope=context_scope, anchored=anchored, near=tuple(near), before=tuple(before), near_within=near_within,
        source=where,
        compiled=compiled, compiled_context=compiled_context,
    )


_MACRO_REF = regex.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def expand(text: str, macros: dict[str, str], where: str = "") -> str:
    """Replace ``{NAME}`` macro references (regex quantifiers like ``{0,3}`` are left alone)."""

    def sub(m: regex.Match) -> str:
        name = m.group(1)
        if name not in macros:
            raise PatternError(f"{where}: unknown macro {{{name}}}")
        return f"(?:{macros[name]})"

    return _MACRO_REF.sub(sub, text)


_UPPER_ESCAPE = regex.compile(r"\\[SWDBPNAZGX]|\(\?P")


def compile_lowercase(pattern: str, where: str = "") -> regex.Pattern:
    """Compile a prefilter that runs case-sensitively on lower-cased text (much faster than IGNORECASE)."""
    if _UPPER_ESCAPE.search(pattern):
        raise PatternError(f"{where}: a trigger runs on lower-cased text; it cannot use \\S, \\W, \\D, \\B or named groups")
    try:
        return regex_cache.compile(pattern.lower())
    except regex.error as exc:
        raise PatternError(f"{where}: bad regex: {exc}") from None


def _compile(pattern: str, where: str) -> regex.Pattern:
    try:
        return regex_cache.compile(pattern, regex.IGNORECASE)
    except regex.error as exc:
        raise PatternError(f"{where}: bad regex: {exc}") from None


def _alternation(items: Iterable[str]) -> str:
    return "|".join(regex.escape(s) for s in regex_cache.longest_first(set(items)))


def _expand_macros(raw: dict, lexicons: dict, measures: list[dict], directory: Path) -> dict[str, str]:
    """Build the macro table: lexicon alternations, number words, then the macro file in order."""
    from textmine.values.numbers import words  # numbers.json is data in the same folder

    w = words()
    macros: dict[str, str] = {
        "NUMWORD": w.word_regex,
        "TIMES": w.times_class,
        "DASH": w.dash_class,
        "SEP": w.sep_class,
        "SUP": w.superscript_class,
        "MULTIPLIER": _alternation(w.multipliers),
        "NUMBER_WORD": _alternation(list(w.units) + list(w.tens)),
        "MEASURE": _alternation(n for m in measures for n in [m["measure"], *m.get("names", [])]),
    }
    for name, items in lexicons.items():
        if name.startswith("_"):
            continue
        macros[name.upper()] = _alternation(items)
    for name, body in raw.items():
        if name.startswith("_"):
            continue
        if name in macros:
            raise PatternError(f"{directory / 'macros.json'}: macro {name} is already defined")
        macros[name] = expand(body, macros, f"{directory / 'macros.json'} ({name})")
    return macros
