"""The sentence splitter knows scientific abbreviations and decimals."""

import pytest

from textmine.pipeline.sentences import split_sentences


@pytest.mark.parametrize("text, expected", [
    ("Smith et al. enrolled 26 patients. VAS fell.", ["Smith et al. enrolled 26 patients.", "VAS fell."]),
    ("MSC vs. saline was tested. It worked.", ["MSC vs. saline was tested.", "It worked."]),
    ("See Fig. 2 for details. Next.", ["See Fig. 2 for details.", "Next."]),
    ("It fell (p < .01). Then rose.", ["It fell (p < .01).", "Then rose."]),
    ("The mean was 7.5 at baseline. Done.", ["The mean was 7.5 at baseline.", "Done."]),
    ("Cells, e.g. MSCs, were used. J. Smith agreed.", ["Cells, e.g. MSCs, were used.", "J. Smith agreed."]),
    ("Was it? Yes! 26 rats were used.", ["Was it?", "Yes!", "26 rats were used."]),
    ("Data (i.e. VAS) were kept. Fine.", ["Data (i.e. VAS) were kept.", "Fine."]),
])
def test_split(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected
