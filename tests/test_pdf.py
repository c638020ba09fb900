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


def _line(text, top, size=10.0, page=1, x0=50.0, width=None):
    """A line of text set from ``x0``: 5 points a character, or spread over ``width`` points."""
    from textmine.parse.pdf_lines import Char, Line

    step = width / len(text) if width else 5.0
    chars = [Char(ch, x0 + step * n, x0 + step * (n + 1), top, top + size, top + 0.8 * size, size)
             for n, ch in enumerate(text)]
    return Line(chars, page)


def test_a_caption_dropped_into_a_sentence_moves_after_it():
    from textmine.parse.pdf_render import _after_sentence

    lines = [_line("Poor sleep can lead", 100), _line("Table 1: Scores by group.", 112, 8.0),
             _line("to fatigue.", 124), _line("A new paragraph starts.", 136)]
    order = [line.plain for line in _after_sentence(lines, 10.0)]
    assert order == ["Poor sleep can lead", "to fatigue.", "Table 1: Scores by group.", "A new paragraph starts."]


def test_a_page_of_floats_inside_a_sentence_moves_to_the_end_of_its_paragraph():
    """The sentence breaks at the foot of page 3, page 4 holds only a table and a figure caption,
    and the paragraph goes on at the head of page 5: the text reads on, then the floats."""
    from textmine.parse.pdf_render import _after_sentence

    lines = [_line("Because few animals were available, we did", 700, page=3, width=240),
             _line("Table 2: Thickness by layer.", 75, 8.0, page=4),
             _line("Figure 6: The retina of a rat.", 400, 8.0, page=4),
             _line("not measure thickness before the onset of the", 256, page=5, width=240),
             _line("disease. The choroid was thicker in the diabetic", 268, page=5, width=240),
             _line("rats than in the controls.", 280, page=5, width=130),
             _line("A new paragraph starts here, indented.", 292, page=5, x0=60, width=230)]
    order = [line.plain for line in _after_sentence(lines, 10.0)]
    assert order == ["Because few animals were available, we did", "not measure thickness before the onset of the",
                     "disease. The choroid was thicker in the diabetic", "rats than in the controls.",
                     "Table 2: Thickness by layer.", "Figure 6: The retina of a rat.",
                     "A new paragraph starts here, indented."]


def test_a_figure_above_two_lines_of_one_paragraph_moves_below_the_paragraph():
    """A figure at the head of a column: the flow reads the sentence's end first (moved up from
    under the figure), then the caption, then the paragraph's next line, set right under it."""
    from textmine.parse.pdf_render import _after_paragraph

    lines = [_line("deficits, the ability of the mice to learn was kept.", 347, page=6, width=240),
             _line("Figure 5: Grip strength over twelve months.", 194, 8.0, page=6),
             _line("All groups learned where the platform was hidden,", 358, page=6, width=240),
             _line("as escape times fell from trial to trial.", 370, page=6, width=190),
             _line("Next paragraph, indented.", 382, page=6, x0=60, width=150)]
    order = [line.plain for line in _after_paragraph(lines, 10.0)]
    assert order == ["deficits, the ability of the mice to learn was kept.",
                     "All groups learned where the platform was hidden,", "as escape times fell from trial to trial.",
                     "Figure 5: Grip strength over twelve months.", "Next paragraph, indented."]


@pytest.mark.parametrize("text, size, caption", [
    ("Table 2: Baseline characteristics.", 10.0, True),
    ("Figure 3. Pain scores over time.", 10.0, True),
    ("Table 1 Locations and activities of recruitment", 8.0, True),  # BMC: small print, no stop
    ("Table 1 shows the scores by group and time.", 10.0, False),  # body type: a sentence
    ("Tables were compared by arm.", 8.0, False),
])
def test_captions_are_told_from_sentences_about_tables(text, size, caption):
    from textmine.parse.pdf_render import _is_caption

    assert _is_caption(_line(text, 100, size), 10.0) is caption


def test_a_paragraph_runs_on_into_the_next_column_until_a_short_line():
    from textmine.parse.pdf_render import _paragraph_end

    lines = [_line("The trial randomised sixty patients with chronic", 700, width=240),
             _line("low back pain to cells or to saline, and followed", 712, width=240),  # foot of column 1
             _line("them for two years with pain and disability", 90, x0=310, width=240),  # head of column 2
             _line("scores at every visit.", 102, x0=310, width=110),  # stops short: the paragraph ends
             _line("Next paragraph, indented.", 114, x0=320, width=150)]
    assert _paragraph_end(lines, 0, 10.0) == 3
    assert _paragraph_end(lines, 4, 10.0) == 4


def test_two_columns_are_found_under_a_flow_chart_drawn_across_the_gutter():
    """A CONSORT-style chart in small print crosses the gutter at the head of the page; the
    two columns of body text under it are still read as two columns, not line by line across."""
    from textmine.parse.pdf_lines import _gutter, _reading_order

    chart = [_line(text, 100 + 12 * n, 7.5, x0=230, width=130) for n, text in
             enumerate(["Admitted to ward", "Assessed for eligibility", "Excluded (n = 12)", "Consented",
                        "Baseline assessment", "Gait speed, TUG, EQ-5D", "Randomised (n = 198)",
                        "Allocated to usual care", "Allocated to activity", "Discharge assessment"])]
    left = [_line(f"left column line {n} of the methods text", 400 + 12 * n, x0=57, width=234) for n in range(10)]
    right = [_line(f"right column line {n} of the methods text", 400 + 12 * n, x0=305, width=234) for n in range(10)]
    gutter = _gutter(chart + left + right, 595.0)
    assert gutter is not None and 291 <= gutter <= 305
    groups = _reading_order(chart + left + right, 595.0)
    flow = [line.plain for group in groups for line in group]
    assert flow.index("left column line 9 of the methods text") < flow.index("right column line 0 of the methods text")


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
