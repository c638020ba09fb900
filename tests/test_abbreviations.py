"""Abbreviation definitions with scispaCy's detector, run on short windows around parentheses.

The finder runs the detector only on windows that end at a parenthesis able to hold a short
or long form, and skips scispaCy's search for further occurrences of each short form. Both
are speed-ups: every definition the stock detector finds in a whole paragraph must be found.
(The windows may also keep a second definition of the same short form, which the stock
detector drops as already seen.)
"""

import pytest

from tests.conftest import CORPORA, SHARED
from textmine.pipeline.abbreviations import AbbreviationFinder, could_define, is_formula


@pytest.fixture(scope="module")
def finder():
    return AbbreviationFinder()


@pytest.fixture(scope="module")
def stock():
    """scispaCy's detector as shipped, on whole texts."""
    import spacy
    import scispacy.abbreviation  # noqa: F401

    nlp = spacy.blank("en")
    nlp.max_length = 2_000_000
    nlp.add_pipe("abbreviation_detector")
    return nlp


def definitions(abbreviations):
    return {(a.short, a.long) for a in abbreviations}


def stock_definitions(nlp, text):
    out = set()
    for paragraph in text.split("\n"):
        if paragraph.strip():
            doc = nlp(paragraph)
            # "%DHI (postoperative DHI / preoperative DHI x 100)" gives the stock detector ("DHI",
            # "DHI x 100"): a formula, which the finder rejects (is_formula)
            out |= {(s.text, s._.long_form.text) for s in doc._.abbreviations
                    if not is_formula(s.text, s._.long_form.text)}
    return out


@pytest.mark.parametrize("text, expected", [
    ("Pain was rated on the Oswestry Disability Index (ODI) at entry.", {("ODI", "Oswestry Disability Index")}),
    ("Autologous mesenchymal stem cells (MSCs) were expanded.", {("MSCs", "mesenchymal stem cells")}),
    ("We used a visual analogue scale (VAS) and the Roland-Morris Disability Questionnaire (RDQ).",
     {("VAS", "visual analogue scale"), ("RDQ", "Roland-Morris Disability Questionnaire")}),
    ("Patients (n = 26) were aged 45 years (range 30-60).", set()),
    ("The hazard ratio (HR, 0.75) favoured treatment.", set()),
    ("Height was given as %DHI (postoperative DHI / preoperative DHI x 100).", set()),  # a formula
])
def test_definitions(finder, text, expected):
    assert definitions(finder.find(text, [(0, len(text))])) == expected


@pytest.mark.parametrize("short, long, ok", [
    ("ODI", "the Oswestry Disability Index", True),
    ("MSC", "mesenchymal stem cell", True),
    ("HR, 0.75", "hazard ratio", False),  # a short form starts with a letter, and "0" and "7" are not in order
    ("n = 26", "Patients", False),
    ("X", "anything", False),  # one character is not a short form
])
def test_schwartz_hearst_necessary_condition(short, long, ok):
    assert could_define(short, long) is ok


def _texts():
    yield from sorted(p for p in CORPORA.glob("*") if p.suffix in (".md", ".txt"))
    pico = SHARED / "external" / "pico-corpus-mutinda2022" / "brat"
    if pico.is_dir():
        yield from sorted(pico.glob("*.txt"))[:200]


@pytest.mark.filterwarnings("ignore:.*W036")  # the stock detector, with an empty global matcher
def test_windows_find_what_the_stock_detector_finds(finder, stock):
    texts = list(_texts())
    assert len(texts) > 20
    for path in texts:
        text = path.read_text(encoding="utf-8")
        spans, start = [], 0
        for paragraph in text.split("\n"):
            spans.append((start, start + len(paragraph)))
            start += len(paragraph) + 1
        ours, theirs = definitions(finder.find(text, spans)), stock_definitions(stock, text)
        assert theirs <= ours, path.name
        assert {short for short, _ in ours} == {short for short, _ in theirs}, path.name
