"""The PDF parser on PDFs typeset from our own corpus (tests/fixtures/pdf/make_fixtures.py).

The fixtures are two-column LaTeX articles with running headers, page numbers, a footnote,
real superscripts and subscripts, hyphenation, fi/fl ligatures, a table that floats to the
next page and a references section. The extraction results must equal those on the Markdown
source the PDF was typeset from.
"""

from collections import Counter
from pathlib import Path

import pytest

from textmine.api import extract
from textmine.errors import InputError
from textmine.parse import load_document
from textmine.parse.pdf import PageMap
from textmine.parse.pdf_lines import LIGATURES, char_text
from textmine.parse.pdf_render import _join_hyphen

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
ROOT = Path(__file__).parents[1]
RCT = FIXTURES / "two_column_rct.pdf"
TABLE = FIXTURES / "two_column_table.pdf"


@pytest.fixture(scope="module")
def rct():
    return load_document(RCT)


@pytest.fixture(scope="module")
def table():
    return load_document(TABLE)


def values(result):
    keys = ("value", "low", "high", "unit", "per", "measure", "before", "after", "sd", "before_sd", "after_sd")
    return Counter((m.field, tuple((k, round(v, 3) if isinstance(v, float) else v) for k in keys
                                   if (v := getattr(m, k)) is not None)) for m in result.mentions)


@pytest.mark.parametrize("pdf, source", [
    (RCT, "corpora/demo_rct_msc.md"),
    (TABLE, "corpora/a03_bmc_conservative_results_table.md"),
])
def test_a_typeset_pdf_gives_the_values_of_its_markdown_source(pipeline, pdf, source):
    from_pdf = extract(pdf, pipeline)
    assert from_pdf.mentions, "nothing extracted from the PDF"
    assert values(from_pdf) == values(extract(ROOT / source, pipeline))


def test_every_mention_from_a_pdf_carries_its_page(pipeline):
    mentions = extract(TABLE, pipeline).mentions
    assert all(m.page in (1, 2) for m in mentions)
    assert {m.page for m in mentions if m.sentence.startswith("|")} == {2}  # the table floated to page 2
    assert {m.page for m in mentions if m.field == "sample_size" and m.text.startswith("78")} == {1}


@pytest.mark.parametrize("phrase", [
    "2 × 10^7 cells per disc",  # a real superscript, not "107"
    "5% CO_2",  # a subscript
    "Pfirrmann grade III–IV",  # the fi ligature
    "2 mL of buffered carrier",  # the ff ligature
    "modified intention-to-treat",
    "who do not respond to conservative care",  # "re-" + "spond" joined
    "placebo-controlled evidence",  # "evi-" + "dence" joined, the real hyphen kept
    "achieved by 62% of treated patients",  # a sentence across the column break stays whole
    "with well-known methods",
])
def test_superscripts_subscripts_ligatures_hyphens_and_reading_order(rct, phrase):
    assert phrase in rct.text


@pytest.mark.parametrize("phrase", [
    "conservative-care patient underwent fusion",  # a compound split at its hyphen keeps it
    "14 months after randomisation, without",  # "randomi-" + "sation" joined
    "Visits and crossover. Outcomes",  # an indented first line starts a paragraph
])
def test_hyphens_and_paragraphs_in_the_second_fixture(table, phrase):
    assert phrase in table.text


def test_running_headers_and_page_numbers_are_dropped(table):
    assert "textmine test fixture" not in table.text
    assert not any(line.strip().isdigit() for line in table.text.splitlines())


def test_columns_are_read_in_order(rct):
    text = rct.text
    assert text.index("## Methods") < text.index("## Results") < text.index("## Conclusions")


def test_the_footnote_moves_to_the_end_of_its_page(rct):
    assert "62% of treated" in rct.text
    assert rct.text.index("Typeset for the tests") > rct.text.index("## Conclusions")


def test_a_table_becomes_a_table_block_with_its_header(table):
    blocks = [b for b in table.blocks if b.kind == "table"]
    assert len(blocks) == 1
    header = [cell.text for cell in blocks[0].rows[0]]
    assert header == ["Outcome", "Visit", "BMC (n = 40)", "Conservative care (n = 38)"]
    assert blocks[0].page == 2


def test_nothing_is_extracted_from_the_references(pipeline, table):
    references = [b for b in table.blocks if b.kind == "references"]
    assert references
    mentions = extract(TABLE, pipeline).mentions
    assert not any(b.start <= m.start < b.end for b in references for m in mentions)


def test_every_character_maps_back_to_its_page_and_box(table):
    geometry = table.geometry
    assert isinstance(geometry, PageMap)
    i = table.text.index("68.9 ± 12.7")
    assert geometry.page_at(i) == 2
    x0, top, x1, bottom = geometry.box_at(i)
    assert x0 < x1 and top < bottom


@pytest.mark.parametrize("left, right, joined", [
    ("trans-", "plantation was", True),
    ("re-", "spond to", True),
    ("T2-", "weighted images", False),  # a digit: the hyphen belongs
    ("MRI-", "guided needle", False),  # capitals: an abbreviation
    ("IL-", "6 levels", False),
    ("well-", "known methods", False),  # printed with its hyphen elsewhere in the document
])
def test_a_line_end_hyphen_is_joined_only_where_a_real_word_results(left, right, joined):
    assert _join_hyphen(left, right, {"well-known"}) is joined


@pytest.mark.parametrize("code, text", [(0xFB01, "fi"), (0xFB02, "fl"), (0xFB00, "ff"), (0xFB03, "ffi"), (0x41, "A")])
def test_ligatures_expand(code, text):
    assert char_text(code) == text
    assert set(LIGATURES) >= {"ﬁ", "ﬂ", "ﬀ", "ﬃ", "ﬄ"}


@pytest.mark.parametrize("name, message", [
    ("bad_corrupt.pdf", "not a readable PDF"),
    ("bad_not_a_pdf.pdf", "not a readable PDF"),
    ("bad_truncated.pdf", "not a readable PDF"),
    ("bad_encrypted.pdf", "encrypted PDF"),
    ("bad_image_only.pdf", "no text layer; OCR is not supported"),
    ("bad_zero_pages.pdf", "PDF with no pages"),
])
def test_a_bad_pdf_is_a_clear_error_naming_the_file(name, message):
    with pytest.raises(InputError) as caught:
        load_document(FIXTURES / name)
    assert name in str(caught.value) and message in str(caught.value)


def test_a_page_of_100000_tiny_characters_is_parsed_in_bounded_time(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    make_fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_fixtures)
    path = tmp_path / "tiny.pdf"
    path.write_bytes(make_fixtures.tiny_chars_pdf())
    document = load_document(path)  # seconds, not minutes: no step is quadratic in a page's characters
    assert document.text.count("x") == 100_000


def test_the_command_line_reports_a_bad_pdf_and_goes_on(tmp_path, capsys):
    from textmine.cli import main

    out = tmp_path / "out.jsonl"
    code = main(["extract", str(FIXTURES / "bad_corrupt.pdf"), str(RCT), "-o", str(out)])
    assert code != 0
    assert "bad_corrupt.pdf" in capsys.readouterr().err
    assert out.read_text().count('"field"') >= 10  # the good PDF's mentions were written


@pytest.mark.parametrize("pdf", [RCT, TABLE])
def test_the_plain_line_fast_path_writes_what_the_full_path_writes(pdf, monkeypatch):
    """Most lines skip the character-by-character writer; forcing every line through it must
    give the same text and the same page map."""
    from textmine.parse import pdf_render as parser

    fast = load_document(pdf)
    write_chars = parser._write_chars

    def full(line, words, out, drop_last=False):
        smallest, line.smallest = line.smallest, -1.0  # no line qualifies for the fast path
        try:
            return write_chars(line, words, out, drop_last)
        finally:
            line.smallest = smallest

    monkeypatch.setattr(parser, "_write_chars", full)
    slow = load_document(pdf)
    assert fast.text == slow.text
    assert list(fast.geometry.pages) == list(slow.geometry.pages)
    assert list(fast.geometry.boxes) == list(slow.geometry.boxes)


def _line(text, top, size=10.0, page=1):
    from textmine.parse.pdf_lines import Char, Line

    chars = [Char(ch, 50 + 5 * n, 55 + 5 * n, top, top + size, top + 0.8 * size, size) for n, ch in enumerate(text)]
    return Line(chars, page)


def test_a_caption_dropped_into_a_sentence_moves_after_it():
    from textmine.parse.pdf_render import _after_sentence

    lines = [_line("Poor sleep can lead", 100), _line("Table 1: Scores by group.", 112, 8.0),
             _line("to fatigue.", 124), _line("A new paragraph starts.", 136)]
    order = [line.plain for line in _after_sentence(lines, 10.0)]
    assert order == ["Poor sleep can lead", "to fatigue.", "Table 1: Scores by group.", "A new paragraph starts."]


def test_the_labels_drawn_in_a_figure_are_dropped_but_prose_above_it_stays():
    from textmine.parse.pdf_render import _without_figure_text

    lines = [_line("Animals were weighed every week and the mean weight was recorded.", 100),
             _line("Body weight (g)", 112, 7.0), _line("100 80 60 40 20 0", 124, 7.0),
             _line("Figure 2: Body weight over time.", 136, 8.0)]
    kept = [line.plain for line in _without_figure_text(lines, 10.0)]
    assert kept == ["Animals were weighed every week and the mean weight was recorded.", "Figure 2: Body weight over time."]


def test_a_small_caption_between_two_sentences_of_a_paragraph_moves_to_its_end():
    from textmine.parse.pdf_render import _after_paragraph

    lines = [_line("The trial compared two doses with saline.", 88), _line("Pain scores fell in both of the two dose arms.", 100),
             _line("Figure 3: Scores over time.", 112, 8.0), _line("They fell most in the first month.", 124),
             _line("It ends here.", 136), _line("Next paragraph after a gap.", 160)]
    order = [line.plain for line in _after_paragraph(lines, 10.0)]
    assert order == ["The trial compared two doses with saline.", "Pain scores fell in both of the two dose arms.",
                     "They fell most in the first month.", "It ends here.", "Figure 3: Scores over time.",
                     "Next paragraph after a gap."]
