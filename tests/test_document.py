"""The Markdown/text reader: blocks, tables with cells, references excluded."""

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
