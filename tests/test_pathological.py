"""Pathological input finishes: no catastrophic backtracking (linear-time patterns).

These are guards against hangs, not speed measurements (see benchmarks/ for figures): a
quadratic pattern on these inputs would take minutes, a linear one well under a second.
"""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textmine.parse import parse_text

LIMIT_SECONDS = 60  # a hang guard: quadratic behaviour on these inputs takes many minutes


def run(pipeline, text):
    started = time.perf_counter()
    mentions = pipeline.run(parse_text(text, "<stress>"))
    assert time.perf_counter() - started < LIMIT_SECONDS
    return mentions


def test_a_100000_digit_number(pipeline):
    run(pipeline, "n = " + "7" * 100_000 + " patients and 2 × 10^" + "9" * 100_000 + " cells")


def test_a_1_mb_line(pipeline):
    run(pipeline, ("VAS fell from 7.4 ± 1.2 to 3.1 and 26 patients were followed for 12 months " * 14_000)[:1_000_000])


def test_deeply_repeated_separators(pipeline):
    for sep in (",", " ", "-", "±", "×", "(", " to ", " and ", "1,", "n=", "10^", "| "):
        run(pipeline, "1" + sep * 50_000 + "patients")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-–×x^()±n=%/|abcdeilmnoprstuvwyABC\n")), max_size=3000))
def test_random_number_soup_never_crashes(pipeline, text):
    for m in run(pipeline, text):
        assert 0 <= m.start < m.end <= len(text)
