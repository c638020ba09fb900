"""The speed-ups (trigger prefilters, anchored matching, veto windows) never change results.

The fast path searches only sentences with a number and a trigger word, tries anchored
patterns only where numbers begin, and vetoes only near candidates. Searching everything
must give exactly the same mentions.
"""

import pytest

from tests.conftest import CORPORA, SHARED
from textmine.parse import load_document, parse_text
from textmine.pipeline import Pipeline, PipelineConfig


@pytest.fixture(scope="module")
def full_scan():
    return Pipeline(PipelineConfig(prefilter=False))


def as_rows(mentions):
    return [m.to_dict() for m in mentions]


@pytest.mark.parametrize("path", sorted(p.name for p in CORPORA.glob("*") if p.suffix in (".md", ".txt")))
def test_bundled_corpus_is_identical(pipeline, full_scan, path):
    doc = load_document(CORPORA / path)
    assert as_rows(pipeline.run(doc)) == as_rows(full_scan.run(doc))


@pytest.mark.parametrize("text", [
    "KPS 70-80 patients were analysed; the change was -1.7 ± 0.3 on the VAS.",
    "Between 15 and 50 million cells (n = 12) were given; 21 of the 26 patients avoided surgery.",
    "Twenty-six rats, sacrificed at 3, 6 and 12 weeks, received 2×10⁷ cells in 10 µL.",
    "ODI and VAS fell from 56.7 and 82.1 to 17.5 and 21.9, respectively, over a 3-year follow-up.",
])
def test_tricky_sentences_are_identical(pipeline, full_scan, text):
    doc = parse_text(text, "<t>")
    assert as_rows(pipeline.run(doc)) == as_rows(full_scan.run(doc))


PICO = SHARED / "external" / "pico-corpus-mutinda2022" / "brat"


@pytest.mark.slow
@pytest.mark.skipif(not PICO.is_dir(), reason="../shared/external/pico-corpus-mutinda2022 is absent (third-party data, read in place)")
def test_third_party_abstracts_are_identical(pipeline, full_scan):
    for path in sorted(PICO.glob("*.txt"))[:150]:
        doc = load_document(path)
        assert as_rows(pipeline.run(doc)) == as_rows(full_scan.run(doc)), path.name


def _examples():
    from textmine.rulebook import RuleBook

    for p in RuleBook.load().patterns:
        if p.role == "extract" and p.label != "score":  # scores need a measure name; assignment drops the rest
            for example in p.literal.split(";"):
                example = example.split("(the last counts)")[0].strip()
                if example:
                    yield pytest.param(p.label, example, id=f"{p.id}:{example[:30]}")


@pytest.mark.parametrize("label, example", list(_examples()))
def test_every_pattern_example_passes_its_trigger(pipeline, label, example):
    """A trigger may be loose but never too narrow: each pattern's own examples must get through."""
    from textmine.values.numbers import lower_folded

    lowered = lower_folded(example)
    scan = pipeline.triggers.scan(lowered, 0, len(lowered), frozenset())
    assert scan.numbers, f"no number found in {example!r}"
    assert scan.hits[label] is None or scan.hits[label], f"the {label} trigger misses {example!r}"


def _all_literals():
    from textmine.rulebook import RuleBook

    for p in RuleBook.load().patterns:
        for example in p.literal.split(";"):
            example = example.split("(")[0].strip() if p.kind != "regex" else example.strip()
            if example:
                yield pytest.param(example, id=f"{p.id}:{example[:30]}")


@pytest.mark.parametrize("example", list(_all_literals()))
def test_every_pattern_example_reads_the_same_fast_and_full(pipeline, full_scan, example):
    """Guards every `anchored` flag and trigger: each pattern's own examples, fast path vs full scan."""
    doc = parse_text(example, "<t>")
    assert as_rows(pipeline.run(doc)) == as_rows(full_scan.run(doc))


def test_score_triggers_are_first_words_of_measure_names(pipeline):
    """A measure name starts with its first word, so only first words trigger the score
    patterns; generic words inside names ("pain", "scale", "index") would wake them in
    every sentence about pain. The tests above prove nothing is lost."""
    from textmine.rulebook import first_words

    assert first_words(["Oswestry Disability Index", "SF-36", "visual analogue scale"]) == {"oswestry", "sf-36", "visual"}
    words = pipeline._base_finder.words
    assert {"vas", "odi", "oswestry", "roland-morris"} <= words
    assert not {"pain", "scale", "index", "score", "disability"} & words
