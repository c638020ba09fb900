"""Matching and counting, worked by hand: several labels, duplicates, empty sides.

A known trap (scispaCy's per_class_scorer): a scorer that puts spans in a *set* merges
duplicates. Ours matches lists one-to-one, so two identical gold spans need two predictions.
"""

import pytest

from textmine.evaluation.matching import Counts, Item, counts_by_label, link_agreement, match, micro, numbers_close, same_values

LABELS = ("sample_size", "dose", "score", "follow_up")


def I(label, start, end, **values):
    return Item(label, start, end, values)


def test_exact_match_is_one_true_positive():
    g = [I("sample_size", 0, 4, value=26)]
    p = [I("sample_size", 0, 4, value=26)]
    m = match(g, p, "value")
    assert (len(m.pairs), len(m.false_positives), len(m.false_negatives)) == (1, 0, 0)


def test_overlap_is_enough_for_span_but_values_must_agree_for_value():
    g = [I("sample_size", 10, 25, value=26)]          # "Twenty-six patients"
    p = [I("sample_size", 10, 20, value=25)]          # overlapping, wrong count
    assert len(match(g, p, "span").pairs) == 1
    m = match(g, p, "value")
    assert (len(m.pairs), len(m.false_positives), len(m.false_negatives)) == (0, 1, 1)


def test_labels_never_match_across_fields():
    g = [I("dose", 0, 10, value=2e7, unit="cells")]
    p = [I("sample_size", 0, 10, value=20000000)]
    c = counts_by_label(g, p, LABELS, "span")
    assert (c["dose"].tp, c["dose"].fn, c["sample_size"].fp) == (0, 1, 1)


def test_duplicate_gold_spans_each_need_a_prediction():
    # the same text twice in gold (e.g. "n=26" in two table rows at different offsets) and once more at the same place
    g = [I("sample_size", 0, 4, value=26), I("sample_size", 0, 4, value=26), I("sample_size", 50, 54, value=26)]
    p = [I("sample_size", 0, 4, value=26), I("sample_size", 50, 54, value=26)]
    m = match(g, p, "value")
    assert (len(m.pairs), len(m.false_positives), len(m.false_negatives)) == (2, 0, 1)


def test_duplicate_predictions_are_false_positives():
    g = [I("score", 0, 9, measure="VAS", value=7.5, sd=1.3)]
    p = [I("score", 0, 9, measure="VAS", value=7.5, sd=1.3), I("score", 0, 9, measure="VAS", value=7.5, sd=1.3)]
    m = match(g, p, "value")
    assert (len(m.pairs), len(m.false_positives)) == (1, 1)


def test_duplicate_values_at_different_places_match_by_place():
    # "18 per group" twice; a prediction at the second place must not steal the first
    g = [I("sample_size", 0, 12, value=18), I("sample_size", 100, 112, value=18)]
    p = [I("sample_size", 100, 112, value=18)]
    m = match(g, p, "value")
    assert m.pairs[0][0].start == 100 and m.false_negatives[0].start == 0


def test_largest_overlap_wins_when_one_prediction_could_serve_two():
    g = [I("score", 0, 20, measure="ODI", before=56.7, after=17.5), I("score", 15, 30, measure="VAS", before=82.1, after=21.9)]
    p = [I("score", 14, 30, measure="VAS", before=82.1, after=21.9)]
    m = match(g, p, "span")
    assert m.pairs[0][0].values["measure"] == "VAS"


@pytest.mark.parametrize("gold, pred", [([], []), ([], [I("dose", 0, 3, value=2.0, unit="mL")]), ([I("dose", 0, 3, value=2.0, unit="mL")], [])])
def test_empty_sides(gold, pred):
    c = counts_by_label(gold, pred, LABELS, "value")["dose"]
    assert (c.tp, c.fp, c.fn) == (0, len(pred), len(gold))


def test_precision_recall_f1_by_hand():
    c = Counts(tp=8, fp=2, fn=4)
    assert (c.precision, round(c.recall, 4), round(c.f1, 4)) == (0.8, 0.6667, 0.7273)


def test_empty_counts_are_perfect_only_when_nothing_was_expected_or_predicted():
    assert (Counts().precision, Counts().recall) == (1.0, 1.0)
    assert Counts(fp=3).precision == 0.0 and Counts(fn=2).recall == 0.0


def test_micro_average_sums_counts():
    total = micro([Counts(5, 1, 0), Counts(3, 0, 2), Counts(0, 0, 0)])
    assert (total.tp, total.fp, total.fn) == (8, 1, 2)


@pytest.mark.parametrize("a, b, close", [(100, 100.9, True), (100, 101.5, False), (0.0, 0.0, True), (0.0, 0.001, False),
                                         (None, None, True), (None, 1, False), (2.769, 2.7692, True)])
def test_numbers_within_one_percent(a, b, close):
    assert numbers_close(a, b) is close


@pytest.mark.parametrize("gold, pred, same", [
    (I("sample_size", 0, 1, value=26), I("sample_size", 0, 1, value=26.0), True),
    (I("sample_size", 0, 1, value=1299), I("sample_size", 0, 1, value=1300), False),   # counts exactly, not within 1%
    (I("score", 0, 1, measure="VAS", value=7.5), I("score", 0, 1, measure="NRS", value=7.5), False),
    (I("dose", 0, 1, value=2e7, unit="cells", per="disc"), I("dose", 0, 1, value=2e7, unit="cells"), False),
    (I("dose", 0, 1, value=2e7, unit="cells"), I("dose", 0, 1, value=2.01e7, unit="cells"), True),
    (I("follow_up", 0, 1, low=48, high=72), I("follow_up", 0, 1, value=60), False),
    (I("score", 0, 1, measure="ODI", before=56.7, after=17.5), I("score", 0, 1, measure="ODI", before=56.7, after=17.5, sd=None), True),
])
def test_same_values(gold, pred, same):
    assert same_values(gold, pred) is same


def test_eval_reports_which_value_key_differs_on_span_matches():
    from textmine.evaluation.matching import Item, differing_keys

    gold = Item("dose", 0, 6, {"value": 2.0, "unit": "mL", "per": "disc"})
    assert differing_keys(gold, Item("dose", 0, 6, {"value": 2.0, "unit": "mL", "per": None})) == ["per"]
    assert differing_keys(gold, Item("dose", 0, 6, {"value": 2.01, "unit": "mL", "per": "disc"})) == []
    assert differing_keys(Item("sample_size", 0, 2, {"value": 26}), Item("sample_size", 0, 2, {"value": 25})) == ["value"]


def _linked(role, text, start, id=None):
    return Item("score", 0, 4, {}, links=({"role": role, "text": text, "start": start, "end": start + len(text), "id": id},))


@pytest.mark.parametrize("gold, pred, agree, by_place", [
    (_linked("measure", "DHI", 10), _linked("measure", "DHI", 10), True, True),  # the same place
    (_linked("measure", "DHI", 10), _linked("measure", "DHI", 200), True, False),  # the same words elsewhere
    (_linked("timepoint", "Baseline", 10), _linked("timepoint", "baseline", 90), True, False),  # case aside
    (_linked("arm", "PBS", 10), _linked("arm", "PBS group", 90), False, False),  # other words
    (_linked("measure", "Oswestry", 10, "X1"), _linked("measure", "ODI", 90, "X1"), True, True),  # the same id
    (_linked("arm", "sham", 10), Item("score", 0, 4, {}), False, False),  # no link predicted
])
def test_a_link_agrees_by_id_place_or_words(gold, pred, agree, by_place):
    role = gold.links[0]["role"]
    assert link_agreement(gold, pred, role) is agree
    assert link_agreement(gold, pred, role, by_place=True) is by_place
    assert link_agreement(Item("score", 0, 4, {}), pred, role) is None  # gold has no such link: not counted
