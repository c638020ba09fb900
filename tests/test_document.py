"""The Markdown/text reader: blocks, tables with cells, references excluded."""

import pytest

from textmine.parse import parse_text

MD = """# Results

Twenty-six patients were enrolled.

| Group | n | VAS at 12 months |
|---|---|---|
| MSC | 13 | 3.1 ± 1.2 |

## References

1. Smith J, et al. A trial of 120 patients. Spine. 2019.
"""


def test_blocks_and_table_cells():
    doc = parse_text(MD, "x.md", "markdown")
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "table", "heading", "references"]
    table = doc.blocks[2]
    assert [c.text for c in table.rows[0]] == ["Group", "n", "VAS at 12 months"]
    cell = table.rows[1][2]
    assert doc.text[cell.start:cell.end] == "3.1 ± 1.2"


def test_table_cells_read_with_their_headers(extract_text):
    found = {(m.field, m.text, m.measure) for m in extract_text(MD)}
    assert ("sample_size", "13", None) in found
    assert ("score", "3.1 ± 1.2", "VAS") in found


def test_nothing_is_extracted_from_references(extract_text):
    assert all(m.value != 120 for m in extract_text(MD))


def test_plain_text_lines_are_paragraphs():
    doc = parse_text("Methods\nWe enrolled 26 patients.\nResults\nVAS fell.\n", "x.txt", "text")
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "heading", "paragraph"]


TABLES = [
    # key–value table: the first cell of the row is the header
    ("| Item | Value |\n|---|---|\n| Patients treated | 10 |\n| Follow-up | 12 months |\n",
     [("sample_size", "10", {"value": 10}), ("follow_up", "12 months", {"value": 12})]),
    # the measure named only in the table's title
    ("Table 2. Disc height index (DHI), mean ± SD\n\n| Group | Week 8 |\n|---|---|\n| MSC | 87.2 ± 4.6 |\n",
     [("score", "87.2 ± 4.6", {"measure": "DHI", "value": 87.2, "sd": 4.6})]),
    # n in a header cell; per from the header; median (range) follow-up with the unit in the header
    ("| Arm (n = 30) | Cells per level | Follow-up, months (median, range) |\n|---|---|---|\n| Low dose | 1 × 10^7 | 24 (23–27) |\n",
     [("sample_size", "n = 30", {"value": 30}), ("dose", "1 × 10^7", {"value": 1e7, "per": "level"}),
      ("follow_up", "24 (23–27)", {"value": 24, "low": 23, "high": 27})]),
]


@pytest.mark.parametrize("text, expected", TABLES, ids=["key-value", "caption-measure", "header-cells"])
def test_tables_read_with_every_kind_of_header(extract_text, text, expected):
    found = extract_text(text)
    for field, span, values in expected:
        hits = [m for m in found if m.field == field and m.text == span]
        assert hits, f"no {field} {span!r} in {[(m.field, m.text) for m in found]}"
        for key, want in values.items():
            assert getattr(hits[0], key) == pytest.approx(want)


PLAIN_TABLE = """Table 1. Cohorts

Cohort   n    Dose (x10^6 cells)   NRS 12 mo    Sacrifice (weeks)
Low      8    10                   5 [4–6]      12
High     9    40                   3 [2–5]      16

The high cohort did best.
"""


def test_aligned_plain_text_columns_are_a_table():
    doc = parse_text(PLAIN_TABLE, "x.txt", "text")
    table = next(b for b in doc.blocks if b.kind == "table")
    assert [c.text for c in table.rows[0]] == ["Cohort", "n", "Dose (x10^6 cells)", "NRS 12 mo", "Sacrifice (weeks)"]
    assert [c.text for c in table.rows[2]] == ["High", "9", "40", "3 [2–5]", "16"]
    assert all(doc.text[c.start:c.end] == c.text for row in table.rows for c in row)
    assert doc.blocks[-1].kind == "paragraph"


def test_aligned_plain_text_table_is_read_by_its_headers(extract_text):
    found = {(m.field, m.text, m.value, m.measure) for m in extract_text(PLAIN_TABLE)}
    assert ("sample_size", "9", 9, None) in found
    assert ("dose", "40", 4e7, None) in found
    assert ("score", "3 [2–5]", 3, "NRS") in found
    assert any(f == "follow_up" and t == "16" and v == pytest.approx(16 * 12 / 52) for f, t, v, _ in found)


@pytest.mark.parametrize("text", [
    "We enrolled  twenty  patients  in total.\nThey  were  all  treated.\n",  # stray double spaces in prose
    "Dose    Volume\n1 mL    2 mL\n",  # two columns: not enough to call it a table
])
def test_prose_with_double_spaces_is_not_a_table(text):
    assert all(b.kind != "table" for b in parse_text(text, "x.txt", "text").blocks)
