"""The extraction form (issue [5/6]): one record per paper, study-level values with evidence,
written as JSONL, CSV or XLSX (``textmine form``)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from textmine.cli import main
from textmine.evaluation.forms import same_dose
from textmine.parse import parse_text
from textmine.records import FORM_KEYS, build_form

TRIAL = """# Cells in a carrier for painful discs: a randomised, sham-controlled trial

Of 131 patients screened, 80 were randomised: 40 to cells and 40 to a sham injection.
Each treated disc received 2 × 10^7 autologous bone marrow MSCs in 2 mL of saline, injected
intradiscally under fluoroscopy. At 12 months the VAS was 2.9 ± 1.8 in the cell group and
4.6 ± 2.0 in the sham group. Seventy-four patients completed the final visit at 24 months,
and the whole cohort was followed for 24 months.
"""


def _form(pipeline, text: str, name: str = "trial.md") -> dict:
    document = parse_text(text, name, "markdown")
    analysis = pipeline.analyse(document)
    return build_form(document, analysis.mentions, pipeline.entities(document))


def test_the_form_has_the_contract_keys_in_order(pipeline):
    assert tuple(_form(pipeline, TRIAL)) == FORM_KEYS == (
        "doc", "title", "design", "sample_size", "follow_up_months", "arms", "doses", "scores", "population",
        "intervention", "comparator", "evidence")


def test_a_trial_form_reasons_at_study_level(pipeline):
    form = _form(pipeline, TRIAL)
    assert form["design"] == "RCT"
    assert form["sample_size"] == 80  # randomised, not the 131 screened nor the 74 who completed
    assert form["follow_up_months"] == 24
    assert {(a["name"], a["n"]) for a in form["arms"]} >= {("cells", 40)}
    assert [d["value"] for d in form["doses"]] == [2e7, 2]
    assert form["intervention"]["source"] == "autologous" and form["intervention"]["route"] == "intradiscal"
    assert form["population"]["species"]["id"] == "MESH:D006801"
    assert form["comparator"] is not None and "sham" in form["comparator"].lower()


def test_every_filled_field_has_evidence_that_points_at_the_text(pipeline):
    form = _form(pipeline, TRIAL)
    for key in ("design", "sample_size", "follow_up_months", "doses", "scores", "population", "intervention"):
        assert form["evidence"].get(key), key
        for item in form["evidence"][key]:
            assert TRIAL[item["start"]:item["end"]] == item["text"]
            assert item["sentence"] and item["rule"]


@pytest.mark.parametrize("text, sample_size", [
    # the enrolment, not a subset
    ("In total, 114 patients were randomised: 58 to the cell group and 56 to the sham group. "
     "Ninety-eight were analysed at month 12.", 114),
    # groups' counts add up when no total is given
    ("Thirty patients received the low dose and 28 patients received the high dose.", 58),
    # only the number eligible is given
    ("Thirty-three patients were eligible and each had a bulging disc on MRI.", 33),
    # a species is no group: the count is the study's
    ("Twenty New Zealand white rabbits, all of them mature males, were studied.", 20),
    # nothing stated: empty, never guessed
    ("The number of animals is not reported in this summary.", None),
    # the subject of the enrolment is the whole, though its sentence names the groups
    ("Forty-five adults were randomised in three groups of 15: cells, carrier and sham.", 45),
    # a count per group times the groups its sentence gives
    ("The sheep were allocated, eight per group, to the three groups of the design.", 24),
    # a count per arm is one arm's; the whole is given elsewhere
    ("Allowing for dropouts, 25 patients per arm were randomised. The 75 randomised patients were all "
     "treated.", 75),
    # the parts of a total need not all be participants to add up to it
    ("Of 210 records, 38 were excluded, leaving 172 patients: 120 treated at one level and 52 at two "
     "levels.", 172),
    # another study's figures are not this study's
    ("We treated 18 patients. A previous trial in another country randomised 140 patients.", 18),
])
def test_the_sample_size_is_the_studys_enrolment(pipeline, text, sample_size):
    assert _form(pipeline, text)["sample_size"] == sample_size


@pytest.mark.parametrize("text, months", [
    ("Visits were at 3, 6 and 12 months, and the study's follow-up lasted 36 months.", 36),
    ("Patients were followed for a mean of 38 months (range 24–60).", 38),
    ("The cohort was re-examined 4–6 years after the injection.", 72),
    # a cited study's follow-up is that study's
    ("Our animals were followed for 3 months; an earlier canine study followed its dogs for 12 months.", 3),
])
def test_the_follow_up_is_the_longest_stated(pipeline, text, months):
    assert _form(pipeline, text)["follow_up_months"] == months


@pytest.mark.parametrize("opening", [
    "# Disc cell injection in three animal models: journal club notes\n\nEach paper is summarised briefly.",
    "# Hydrogels for the disc\n\n*A short review of three early clinical reports.*",
])
def test_a_paper_that_retells_several_studies_gets_no_study_level_fields(pipeline, opening):
    form = _form(pipeline, opening + "\n\nOne group treated 23 patients and followed them for 24 months.\n")
    assert form["design"] == "summary of several studies"
    assert (form["sample_size"], form["follow_up_months"]) == (None, None)


@pytest.mark.parametrize("names, merged", [
    (["High dose (n = 30)", "high-dose arm", "the high-dose group"], ["High dose"]),
    (["Cells implanted, mean ± SD", "cells"], ["Cells implanted", "cells"]),
])
def test_arm_names_are_merged_across_wordings(names, merged):
    from textmine.records.form import _arm_key, _arm_name
    assert len({_arm_key(n) for n in names}) == len(merged)
    assert _arm_name(names[0]) == merged[0]


def test_a_review_leaves_the_study_level_fields_empty(pipeline):
    text = ("# Injectable cell therapies for disc degeneration: a narrative review\n\n"
            "Kim and colleagues randomised 40 patients and gave 2 × 10^7 cells; Park et al. followed "
            "26 patients for 36 months.\n")
    form = _form(pipeline, text)
    assert form["design"] == "narrative review"
    assert (form["sample_size"], form["follow_up_months"], form["doses"], form["arms"]) == (None, None, [], [])


@pytest.mark.parametrize("gold, found, same", [
    ({"value": 2e7, "unit": "cells"}, {"value": 2.0e7, "unit": "cells"}, True),
    ({"value": 2e7, "unit": "cells"}, {"value": 2e6, "unit": "cells"}, False),
    ({"value": 2, "unit": "mL"}, {"value": 2, "unit": "mg"}, False),
    ({"value": 15.1e6, "high": 51.6e6, "unit": "cells"}, {"value": None, "low": 15.1e6, "high": 51.6e6, "unit": "cells"}, True),
    ({"value": 15.1e6, "high": 51.6e6, "unit": "cells"}, {"value": 15.1e6, "unit": "cells"}, False),
])
def test_a_form_dose_matches_the_gold_dose_by_unit_and_value(gold, found, same):
    assert same_dose(gold, found) is same


def test_form_command_writes_jsonl_csv_and_xlsx(tmp_path, capsys):
    import pandas as pd

    paper = tmp_path / "trial.md"
    paper.write_text(TRIAL, encoding="utf-8")
    assert main(["form", str(paper)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["doc"] == str(paper) and record["sample_size"] == 80

    out = tmp_path / "forms.csv"
    assert main(["form", str(paper), "--format", "csv", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["sample_size"] == "80"
    assert "randomised" in rows[0]["sample_size evidence"]  # the quote beside the value

    book = tmp_path / "forms.xlsx"
    assert main(["form", str(paper), "--format", "xlsx", "-o", str(book)]) == 0
    sheets = pd.read_excel(book, sheet_name=None)
    assert list(sheets) == ["forms", "mentions"]
    assert sheets["forms"].loc[0, "follow_up_months"] == 24
    assert len(sheets["mentions"]) >= 5 and set(sheets["mentions"]["field"]) >= {"sample_size", "dose", "score"}


def test_a_spreadsheet_never_runs_a_papers_text_as_a_formula(tmp_path):
    import pandas as pd

    paper = tmp_path / "evil.md"
    paper.write_text("=HYPERLINK(\"http://example.invalid\",\"x\") trial\n\nWe enrolled 26 patients.\n", encoding="utf-8")
    out, book = tmp_path / "f.csv", tmp_path / "f.xlsx"
    assert main(["form", str(paper), "--format", "csv", "-o", str(out)]) == 0
    assert main(["form", str(paper), "--format", "xlsx", "-o", str(book)]) == 0
    row = next(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert row["title"].startswith("'=")
    assert str(pd.read_excel(book, sheet_name="forms").loc[0, "title"]).startswith("'=")


def test_a_bad_file_is_reported_and_the_others_are_still_written(tmp_path, capsys):
    good = tmp_path / "trial.md"
    good.write_text(TRIAL, encoding="utf-8")
    assert main(["form", str(tmp_path / "missing.md"), str(good)]) == 1
    captured = capsys.readouterr()
    assert "missing.md" in captured.err and "Traceback" not in captured.err
    assert json.loads(captured.out)["sample_size"] == 80


def test_xlsx_needs_an_output_path(capsys):
    assert main(["form", "x.md", "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err
