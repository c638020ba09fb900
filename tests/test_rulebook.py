"""Pattern data is validated on load: mistakes are errors naming the file and line."""

import json
import shutil

import pytest

from textmine.rulebook import ANCHOR_REACH, KINDS, LABELS, PatternError, RuleBook, patterns_dir


def test_every_shipped_pattern_file_loads():
    book = RuleBook.load()
    assert {p.label for p in book.patterns} == set(LABELS)
    assert {p.kind for p in book.patterns} <= set(KINDS)
    ids = [p.id for p in book.patterns]
    assert len(ids) == len(set(ids))
    for p in book.patterns:
        assert p.id.split(".")[0] in ("ss", "dose", "score", "fu"), p.id
        assert p.literal, f"{p.id} has no human-readable example (literal)"


@pytest.fixture
def patterns_copy(tmp_path):
    target = tmp_path / "patterns"
    shutil.copytree(patterns_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def _append(directory, name, entry):
    with open(directory / name, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


@pytest.mark.parametrize("entry, message", [
    ({"id": "ss.n_equals", "label": "sample_size", "kind": "regex", "pattern": r"(?P<value>\d+)"}, "duplicate pattern id"),
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": "n", "colour": "red"}, "unknown key"),
    ({"id": "ss.x", "label": "age", "kind": "regex", "pattern": "n"}, "unknown label"),
    ({"id": "ss.x", "label": "sample_size", "kind": "glob", "pattern": "n"}, "unknown kind"),
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": "{NOPE}"}, "unknown macro"),
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": "(unclosed"}, "bad regex"),
    ({"id": "ss.x", "label": "sample_size", "kind": "regex"}, "missing key"),
    ({"id": "ss.x", "label": "sample_size", "kind": "phrase", "role": "veto", "pattern": []}, "phrase pattern"),
    ({"id": "ss.x", "label": "sample_size", "kind": "token", "role": "veto", "pattern": "n"}, "token pattern"),
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": "n", "role": "maybe"}, "unknown role"),
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": r"(?P<value>\d+) pts", "near": ["pts"],
      "near_within": 10}, "near_within"),  # not anchored
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": r"(?P<value>\d+) pts", "near": ["pts"],
      "anchored": True, "near_within": 500}, "near_within"),  # beyond the anchored reach
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": r"(?P<value>\d+) pts",
      "context_scope": "document"}, "context_scope"),  # a scope without a context
    ({"id": "ss.x", "label": "sample_size", "kind": "regex", "pattern": r"(?P<value>\d+) pts", "context": "pts",
      "context_scope": "paragraph"}, "context_scope"),  # an unknown scope
])
def test_invalid_patterns_are_rejected(patterns_copy, entry, message):
    _append(patterns_copy, "sample_size.jsonl", entry)
    with pytest.raises(PatternError) as err:
        RuleBook.load(patterns_copy)
    assert message in str(err.value) and "sample_size.jsonl:" in str(err.value)


def test_duplicate_keys_in_a_data_file_are_rejected(patterns_copy):
    (patterns_copy / "lexicons.json").write_text('{"population": ["rats"], "population": ["mice"]}')
    with pytest.raises(PatternError, match="duplicate key 'population'"):
        RuleBook.load(patterns_copy)


def test_a_phrase_pattern_added_as_data_extracts(patterns_copy):
    from textmine.parse import parse_text
    from textmine.pipeline import Pipeline, PipelineConfig

    _append(patterns_copy, "sample_size.jsonl", {"id": "ss.sample_words", "label": "sample_size", "kind": "regex",
                                                 "literal": "a sample of 40", "pattern": r"sample\s+of\s+(?P<span>(?P<value>{COUNT}))"})
    pipeline = Pipeline(PipelineConfig(patterns_dir=patterns_copy, abbreviations=False))
    mentions = pipeline.run(parse_text("We studied a sample of 40.", "x.md"))
    assert [(m.rule, m.value) for m in mentions] == [("ss.sample_words", 40)]


def test_triggers_are_validated(patterns_copy):
    (patterns_copy / "triggers.json").write_text('{"dose": [{"lexicons": ["no_such_list"]}]}')
    with pytest.raises(PatternError, match="unknown lexicon 'no_such_list'"):
        RuleBook.load(patterns_copy)


def test_anchored_must_be_boolean(patterns_copy):
    _append(patterns_copy, "dose.jsonl", {"id": "dose.x", "label": "dose", "kind": "regex", "pattern": r"(?P<amount>\d+)", "anchored": "yes"})
    with pytest.raises(PatternError, match="anchored must be true or false"):
        RuleBook.load(patterns_copy)


@pytest.mark.parametrize("entry, message", [
    ({"id": "dose.y", "label": "dose", "kind": "phrase", "pattern": ["x"]}, "phrase patterns are vetoes"),
    ({"id": "dose.y", "label": "dose", "kind": "regex", "pattern": r"\d+ cells"}, "needs a named group among ('amount',)"),
])
def test_extract_patterns_must_be_readable(patterns_copy, entry, message):
    _append(patterns_copy, "dose.jsonl", entry)
    with pytest.raises(PatternError, match=regex_escape(message)):
        RuleBook.load(patterns_copy)


def regex_escape(text):
    import re

    return re.escape(text)


def test_near_strings_occur_in_every_example():
    """`near` is a promise that one of its strings occurs in every match; each pattern's examples must keep it."""
    book = RuleBook.load()
    for p in book.patterns:
        if not p.near or p.compiled is None:
            continue
        for example in p.literal.split(";"):
            from textmine.values.numbers import fold

            folded = fold(example)
            for m in p.compiled.finditer(folded):
                # anchored patterns are checked from the match start through the reach (a lookahead may hold the
                # string); other patterns only skip windows (sentences) that hold none, so the example is checked
                seen = folded[m.start():m.start() + ANCHOR_REACH] if p.anchored else folded
                assert any(s in seen.lower() for s in p.near), f"{p.id}: {m.group()!r} holds none of {p.near}"


def test_near_strings_start_within_near_within_in_every_example():
    """`near_within` narrows that promise: a `near` string starts that close to the match start."""
    from textmine.values.numbers import fold

    for p in RuleBook.load().patterns:
        if p.near_within is None:
            continue
        for example in p.literal.split(";"):
            folded = fold(example)
            for m in p.compiled.finditer(folded):
                head = folded[m.start():m.start() + p.near_within + max(map(len, p.near))].lower()
                assert any(0 <= head.find(s) < p.near_within for s in p.near), f"{p.id}: {m.group()!r}"


def test_before_strings_precede_every_example_match():
    from textmine.rulebook import BEFORE_REACH
    from textmine.values.numbers import fold

    for p in RuleBook.load().patterns:
        if not p.before:
            continue
        for example in p.literal.split(";"):
            text = fold(example).lower()
            for m in p.compiled.finditer(fold(example)):
                assert any(s in text[max(0, m.start() - BEFORE_REACH):m.start()] for s in p.before), f"{p.id}: {m.group()!r}"


def test_a_document_scoped_context_reads_the_whole_document(extract_text):
    """"(SD)" declared once licenses bare-parenthesis SDs anywhere in the document, and only there."""
    declared = "Data are mean (SD). Methods were standard.\n\nAt 12 months the VAS was 3.1 (1.4) in the cell arm."
    undeclared = "Methods were standard.\n\nAt 12 months the VAS was 3.1 (1.4) in the cell arm."
    assert [(m.value, m.sd) for m in extract_text(declared) if m.field == "score"] == [(3.1, 1.4)]
    assert all(m.sd != 1.4 for m in extract_text(undeclared) if m.field == "score")


def test_every_example_in_a_literal_is_matched_by_its_pattern():
    """A pattern's `literal` lists the phrasings it exists for ("; "-separated); each must still match it."""
    from textmine.values.numbers import fold

    missed = [(p.id, example.strip())
              for p in RuleBook.load().patterns if p.compiled is not None
              for example in p.literal.split(";") if example.strip()
              if not p.compiled.search(fold(example.strip()))]
    assert missed == []
