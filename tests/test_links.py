"""Links and entities (issue [4/6]): each value tied to its measure, timepoint, arm,
population or intervention, and entities normalised to ontology ids from ``patterns/entities``."""

from __future__ import annotations

import json

import pytest

from textmine.cli import main
from textmine.links.entities import Concept, EntityRecognizer, load_lexicon
from textmine.parse import parse_text
from textmine.rulebook import PatternError, patterns_dir


def _links(pipeline, text):
    """(value text, {role: link text}) for every mention of a text."""
    doc = parse_text(text, "<test>")
    out = []
    for m in pipeline.run(doc):
        for link in m.links:
            assert doc.text[link.start:link.end] == link.text  # offsets point at the linked text
        out.append((m.text, {link.role: link.text for link in m.links}))
    return out


@pytest.mark.parametrize("text, value, expected", [
    ("At 12 months, the VAS was 3.1 ± 1.8 in the MSC group.", "3.1 ± 1.8",
     {"measure": "VAS", "timepoint": "At 12 months", "arm": "MSC group"}),
    ("The ODI improved from 46.8 ± 9.5 to 24.0 ± 11.2 with MSCs.", "46.8 ± 9.5 to 24.0 ± 11.2",
     {"measure": "ODI", "arm": "MSCs"}),
    ("Mean NRS was 3.8 with the low dose and 5.0 with saline at week 52.", "3.8",
     {"measure": "NRS", "timepoint": "at week 52", "arm": "low dose"}),
])
def test_a_score_links_to_its_measure_timepoint_and_arm(pipeline, text, value, expected):
    found = dict(_links(pipeline, text))
    assert found[value] == expected


def test_respectively_gives_each_value_its_own_measure(pipeline):
    text = "ODI and VAS fell from 56.7 and 82.1 to 17.5 and 21.9 at 36 months, respectively."
    doc = parse_text(text, "<test>")
    measures = [(m.measure, next(link.text for link in m.links if link.role == "measure"),
                 next(link.start for link in m.links if link.role == "measure")) for m in pipeline.run(doc)]
    assert measures == [("ODI", "ODI", 0), ("VAS", "VAS", 8)]
    timepoints = {next(link.text for link in m.links if link.role == "timepoint") for m in pipeline.run(doc)}
    assert timepoints == {"at 36 months"}


def test_a_table_cell_links_to_its_column_and_row_headers(pipeline):
    text = ("Table 2. Outcomes by arm.\n\n"
            "| Arm | VAS baseline | VAS 12 months |\n|---|---|---|\n"
            "| MSC group | 7.4 ± 1.2 | 3.1 ± 1.8 |\n| Saline group | 7.3 ± 1.1 | 4.9 ± 2.0 |\n")
    found = dict(_links(pipeline, text))
    assert found["3.1 ± 1.8"] == {"measure": "VAS", "timepoint": "12 months", "arm": "MSC group"}
    assert found["7.3 ± 1.1"] == {"measure": "VAS", "timepoint": "baseline", "arm": "Saline group"}


def test_a_measure_named_in_an_earlier_sentence_is_linked_where_it_is_printed(pipeline):
    text = "Disc height index (DHI) was measured on radiographs. At 4 weeks the cell group stood at 84.0 ± 5.1%."
    doc = parse_text(text, "<test>")
    (m,) = [m for m in pipeline.run(doc) if m.field == "score"]
    measure = next(link for link in m.links if link.role == "measure")
    assert doc.text[measure.start:measure.end] in ("Disc height index", "DHI")


@pytest.mark.parametrize("text, value, role, linked, concept", [
    ("Twenty-six patients were enrolled.", "Twenty-six patients", "population", "patients", "MESH:D006801"),
    ("We treated 24 Sprague-Dawley rats.", "24 Sprague-Dawley rats", "population", "Sprague-Dawley rats", "MESH:D017207"),
    ("Each disc received 2 × 10^7 mesenchymal stem cells in 2 mL.", "2 × 10^7", "intervention",
     "mesenchymal stem cells", "MESH:D059630"),
])
def test_counts_and_doses_link_to_who_and_what_with_ontology_ids(pipeline, text, value, role, linked, concept):
    doc = parse_text(text, "<test>")
    m = next(m for m in pipeline.run(doc) if m.text.startswith(value))
    link = next(link for link in m.links if link.role == role)
    assert (link.text, link.id) == (linked, concept)


def test_an_abbreviation_the_paper_defines_is_the_entity_of_its_long_form():
    concept = Concept("CL:0002570", "mesenchymal stem cell of adipose tissue", "cell",
                      ("adipose tissue-derived mesenchymal stem cells",))
    recognizer = EntityRecognizer(concepts=[concept])
    from textmine.pipeline.abbreviations import AbbreviationFinder

    text = ("We injected adipose tissue-derived mesenchymal stem cells (ATDS) into the disc. "
            "Later, ATDS were counted.")
    doc = parse_text(text, "<test>")
    abbreviations = AbbreviationFinder().find(doc.text, [(b.start, b.end) for b in doc.blocks])
    entities = recognizer.find(doc, abbreviations)
    assert [(e.text, e.id) for e in entities] == [
        ("adipose tissue-derived mesenchymal stem cells", "CL:0002570"), ("ATDS", "CL:0002570"), ("ATDS", "CL:0002570")]


@pytest.mark.parametrize("text, expected", [
    ("degenerative disc disease", "MESH:D055959"),
    ("Lumbar disc herniations", "MESH:D007405"),
    ("New Zealand White rabbits", "MESH:D011817"),
    ("platelet-rich plasma", "MESH:D053657"),
    ("the nucleus pulposus", "UBERON:0002242"),
    ("it has a role", None),  # "ha" (hyaluronic acid) takes no plural "s"
])
def test_lexicon_terms_and_their_plurals_are_normalised(text, expected):
    entities = EntityRecognizer().find_in(text)
    assert (entities[-1].id if entities else None) == expected


def test_every_lexicon_entry_has_a_checked_id_and_its_evidence():
    folder = patterns_dir() / "entities"
    entries = [json.loads(line) for path in folder.glob("*.jsonl") for line in path.read_text().splitlines() if line.strip()]
    assert len(entries) >= 100
    for e in entries:
        assert e["evidence"], e["id"]
        assert e["id"].split(":")[0] in ("MESH", "MONDO", "CL", "NCBITaxon", "UBERON")
    assert len(load_lexicon()) == len(entries)


@pytest.mark.parametrize("line, message", [
    ('{"id": "MESH:D1", "name": "X", "type": "planet", "synonyms": []}', "type 'planet'"),
    ('{"id": "FOO:1", "name": "X", "type": "disease", "synonyms": []}', "id 'FOO:1'"),
    ('{"id": "MESH:D1", "name": "X", "type": "disease"}', "missing ['synonyms']"),
    ('{"id": "MESH:D1", "name": "X", "type": "disease", "synonyms": ["ddd"]}\n'
     '{"id": "MESH:D2", "name": "Y", "type": "disease", "synonyms": ["DDD"]}', "synonym 'ddd' is already MESH:D1"),
])
def test_a_bad_lexicon_line_is_an_error_naming_file_and_line(tmp_path, line, message):
    (tmp_path / "entities").mkdir()
    (tmp_path / "entities" / "bad.jsonl").write_text(line + "\n")
    with pytest.raises(PatternError, match=r"bad\.jsonl:\d") as info:
        load_lexicon(tmp_path)
    assert message in str(info.value)


def test_the_entities_command_lists_ids_names_and_counts(tmp_path, capsys):
    paper = tmp_path / "paper.md"
    paper.write_text("Patients with low back pain received MSCs. Low back pain fell in 20 patients.\n")
    assert main(["entities", str(paper), "--format", "jsonl"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    counts = {e["id"]: (e["name"], e["count"]) for e in record["entities"]}
    assert counts["MESH:D017116"] == ("Low Back Pain", 2)
    assert counts["MESH:D006801"] == ("Humans", 2)
    assert main(["entities", str(tmp_path / "absent.md")]) == 1
    assert "absent.md" in capsys.readouterr().err


@pytest.mark.parametrize("text, arms", [
    # a "respectively" list of groups: values and groups pair in order
    ("At 12 months the VAS was 3.8 ± 2.1, 3.5 ± 2.0 and 5.0 ± 2.2 in the low-dose, high-dose and saline arms, respectively.",
     {"3.8 ± 2.1": "low-dose", "3.5 ± 2.0": "high-dose", "5.0 ± 2.2": "saline"}),
    ("DHI at 12 weeks was 89.5 ± 4.8%, 78.0 ± 5.5% and 70.9 ± 6.1% for cells, atelocollagen and nucleotomy only, in that order.",
     {"89.5 ± 4.8%": "cells", "78.0 ± 5.5%": "atelocollagen", "70.9 ± 6.1%": "nucleotomy only"}),
    # the same without the word: the list follows the last value
    ("SF-36 physical scores were 41.8 ± 9.2 and 38.5 ± 8.7 in the PRP and saline groups at 12 months.",
     {"41.8 ± 9.2": "PRP", "38.5 ± 8.7": "saline"}),
    # a group named right after its value
    ("At sacrifice the DHI was 80.9 ± 6.1% with BMSC/HA and 63.7 ± 7.2% with HA alone.",
     {"80.9 ± 6.1%": "BMSC/HA", "63.7 ± 7.2%": "HA alone"}),
    # a bracketed count belongs to the phrase before its bracket
    ("Patients were randomised to cells plus hyaluronan (n = 30) or hyaluronan alone (n = 28).",
     {"n = 30": "cells plus hyaluronan", "n = 28": "hyaluronan alone"}),
    ("Endplates showed pure oedema (Modic I, n = 37) or mixed changes (n = 25).",
     {"n = 37": "Modic I", "n = 25": "mixed changes"}),
    # a count that names its group, and a count followed by its allocation
    ("Eleven of the 15 high-dose patients had a VAS reduction of at least 50%.", {"15 high-dose patients": "high-dose patients"}),
    ("The other 78 were randomised, 40 to bone marrow concentrate and 38 to continued conservative care.",
     {"40": "bone marrow concentrate", "38": "continued conservative care"}),
    # a "respectively" whose groups were listed before the values
    ("At 24 months, the ODI in the BMC and conservative arms was 22.9 (SD 12.0) and 33.9 (SD 14.1), respectively.",
     {"22.9 (SD 12.0)": "BMC", "33.9 (SD 14.1)": "conservative"}),
    # ... but not a list of measures or of authors
    ("In the sham arm, VAS and ODI at the last visit were 52.8 ± 16.0 and 35.1 ± 11.9, respectively.",
     {"52.8 ± 16.0": "sham arm", "35.1 ± 11.9": "sham arm"}),
    # the group in brackets right after each value
    ("At week 6, %DHI was 62.4 ± 7.7 (puncture only), 64.0 ± 8.1 (vehicle) and 81.2 ± 5.6 (high dose).",
     {"62.4 ± 7.7": "puncture only", "64.0 ± 8.1": "vehicle", "81.2 ± 5.6": "high dose"}),
    # a dose given to the clause's subject, a group named with its suffix
    ("Cells went to the two treated arms; the fibrin-only arm received 20 µL of fibrin per disc.", {"20 µL": "fibrin-only arm"}),
    # a count that is its group
    ("The RMDQ target was reached in 22 of 44 PRP recipients and in 24 of 45 controls.",
     {"44 PRP recipients": "PRP recipients", "45 controls": "controls"}),
    ("At 12 weeks (n = 2 per group), the DHI of the treated discs was 90.1 ± 5.0%.", {"90.1 ± 5.0%": None}),  # "2 per group" is no group
    ("A 50% VAS reduction was reached by 12 of the 29 low-dose, 15 of the 30 high-dose and 7 of the 28 saline patients.",
     {"29 low-dose": "low-dose", "30 high-dose": "high-dose"}),
    ("Reoperation was needed in 3 of 31 ADCT and 5 of 27 discectomy patients.", {"31 ADCT": "ADCT"}),
    # a "respectively" whose groups were listed in the sentence before
    ("Patients were randomised to PRP or saline. Month-6 scores were available for 40 and 38 patients, respectively.",
     {"40": "PRP", "38 patients": "saline"}),
    # ... but not where its own sentence lists measures
    ("Patients were randomised to PRP or saline. In the PRP group, NRS and ODI were 3.1 and 20.4, respectively.",
     {"3.1": "PRP group", "20.4": "PRP group"}),
    # a one-word group after a comma or bracket
    ("Disc height index did not differ (C1 74.2 ± 5.0 %, C2 73.9 ± 6.2 %, C3 75.0 ± 5.8 %).",
     {"73.9 ± 6.2 %": "C2", "75.0 ± 5.8 %": "C3"}),
])
def test_a_value_in_prose_links_to_its_group(pipeline, text, arms):
    found = {value: links.get("arm") for value, links in _links(pipeline, text)}
    assert {value: found.get(value) for value in arms} == arms


def test_a_table_value_links_to_the_header_that_names_a_group(pipeline):
    text = ("Table 1. Outcomes by arm, mean ± SD.\n\n"
            "| Outcome | Visit | BMC (n = 40) | Conservative care (n = 38) |\n|---|---|---|---|\n"
            "| VAS | Baseline | 68.9 ± 12.1 | 70.2 ± 11.8 |\n| ODI, 12 months | | 24.1 ± 10.2 | 31.7 ± 12.5 |\n\n"
            "Table 2. Included trials.\n\n"
            "| Study | Design | n | Follow-up |\n|---|---|---|---|\n| Matsuyama 2018 | RCT | 194 | 52 weeks |\n")
    found = {value: links.get("arm") for value, links in _links(pipeline, text)}
    assert found["68.9 ± 12.1"] == "BMC (n = 40)"  # the row names a measure and a visit: the column is the group
    assert found["31.7 ± 12.5"] == "Conservative care (n = 38)"
    assert found["n = 40"] == "BMC"  # a count inside a header cell: the group named before its bracket
    assert found["194"] == "Matsuyama 2018"  # a row that names a study
    assert found["52 weeks"] == "Matsuyama 2018"


@pytest.mark.parametrize("text, arms", [
    # a header that lists the groups in the order the cell gives their values
    ("| Trial | Patients, active/control | Final ODI, active vs control |\n|---|---|---|\n"
     "| Varga 2019 | 42/21 | 28.4 vs 39.0 |\n",
     {"42": "active", "21": "control", "28.4": "active", "39.0": "control"}),
    ("| Study | Animals, n (cells/control) |\n|---|---|\n| Okoro 2016 | 30 (20/10) |\n",
     {"20": "cells", "10": "control", "30": "Okoro 2016"}),  # the total is the study's
    # a review's row: the group named in the cell, else a column of one group, else the study
    ("| Study | Arms (n) | Outcome, baseline → final |\n|---|---|---|\n"
     "| Lindqvist 2021 | PRP (32) vs saline (30) | VAS 6.9 → 3.2 (PRP) |\n",
     {"32": "PRP", "30": "saline", "6.9 → 3.2": "PRP"}),
    ("| Study | VAS, cells | VAS, control |\n|---|---|---|\n| Aydin 2020 | 3.4 ± 2.2 | 4.9 ± 2.5 |\n",
     {"3.4 ± 2.2": "VAS, cells", "4.9 ± 2.5": "VAS, control"}),
    ("| Study | Agent and dose |\n|---|---|\n| Brandt 2012 | condoliase, 1.25 U |\n", {"1.25 U": "Brandt 2012"}),
    # a registry's flow rows name no group: the column does
    ("| | Low dose | Sham |\n|---|---|---|\n| STARTED | 24 | 12 |\n| COMPLETED (Month 12) | 22 | 11 |\n",
     {"24": "Low dose", "11": "Sham"}),
    # a group's code as the row header
    ("| Group | Rabbits | Injected |\n|---|---|---|\n| A | 10 | 0.1 mL PRP |\n| B | 10 | 0.1 mL PBS |\n",
     {"0.1 mL": "A"}),
    ("| Cohort | JOA baseline |\n|---|---|\n| C2 (n = 5) | 14.1 ± 2.0 |\n", {"14.1 ± 2.0": "C2 (n = 5)", "n = 5": "C2"}),
])
def test_a_table_value_links_to_its_group_by_place(pipeline, text, arms):
    found = {}
    for value, links in _links(pipeline, "Table 1. Groups.\n\n" + text):
        found.setdefault(value, links.get("arm"))  # the first of equal values
    assert {value: found.get(value) for value in arms} == arms


@pytest.mark.parametrize("text, arms", [
    # group names indented over a wide label column name the value columns under them
    ("Adverse events\n                                    Cells + gel   Gel alone\n"
     "  Serious adverse events, affected/at risk   1/30 (3.3%)   2/31 (6.5%)\n"
     "  Other adverse events                       9/30          7/31\n",
     {"31": "Gel alone"}),
    # a row label wrapped onto a line of its own stays in the table
    ("Baseline\n                        Cells + gel   Gel alone   Total\n  Overall Number of Baseline\n"
     "  Participants            30            31          61\n  ODI, mean (SD)          44.0 (9.9)    45.3 (10.1)  44.7 (10.0)\n",
     {"44.0 (9.9)": "Cells + gel", "45.3 (10.1)": "Gel alone"}),
    # a table with no header takes the columns of the table above it
    ("Flow\n                Cells + gel   Gel alone\n  STARTED       30            31\n  COMPLETED     28            29\n\n"
     "Outcome 1: ODI at 12 months\n  Overall Number of Participants Analyzed   27   29\n"
     "  Mean (SD)                                 22.1 (11.0)   29.8 (12.7)\n",
     {"27": "Cells + gel", "29.8 (12.7)": "Gel alone"}),
    # a row of one measure: the group after its comma, else the column's
    ("| | Baseline | Month 12 |\n|---|---|---|\n| ODI, cells | 47.0 ± 9.0 | 25.2 ± 11.0 |\n| ODI, carrier | 46.1 ± 8.7 | 33.0 ± 12.1 |\n",
     {"25.2 ± 11.0": "cells", "46.1 ± 8.7": "carrier"}),
    ("| | Low dose | Sham |\n|---|---|---|\n| VAS back pain, mm, mean (SD) | 66.0 (10.1) | 64.8 (11.9) |\n",
     {"66.0 (10.1)": "Low dose", "64.8 (11.9)": "Sham"}),
    # a group's code with its count as the row header
    ("Efficacy at month 12, mean (SD)\n\n                 NRS BL       NRS mo 12\n  C1 (n=4)       6.9 (1.1)    4.4 (2.0)\n  C2 (n=5)       7.0 (0.8)    3.9 (1.8)\n",
     {"4.4 (2.0)": "C1 (n=4)", "7.0 (0.8)": "C2 (n=5)"}),
    # a bare number under "Cohort": the group is where the text names it in full
    ("Cohort 1 received the starting dose and cohort 2 four times as many cells.\n\nTable 2. Pain scores, mean (SD)\n\n"
     "| Cohort | n | NRS, baseline | NRS, week 26 |\n|---|---|---|---|\n| 1 | 3 | 7.1 (0.9) | 3.9 (1.2) |\n| 2 | 6 | 6.9 (1.0) | 3.1 (1.5) |\n",
     {"3.9 (1.2)": "Cohort 1", "6": "cohort 2"}),
])
def test_registry_and_plain_text_tables_give_each_value_its_group(pipeline, text, arms):
    found = {}
    for value, links in _links(pipeline, text):
        found.setdefault(value, links.get("arm"))
    assert {value: found.get(value) for value in arms} == arms


def test_a_flattened_table_whose_header_counts_its_groups(pipeline):
    """PDF text of a table: a header line "Outcome Group (n = 38) Group (n = 37) p" over rows of
    one value per group; the k-th value of a row is the k-th group's."""
    text = ("Table 2 Back pain and disability, mean ± SD\n"
            "Outcome Gel implant (n = 40) Conservative care (n = 39) p\n"
            "VAS back, baseline 7.1 ± 1.2 7.0 ± 1.4 0.61\n"
            "ODI, 12 months 18.2 ± 10.1 27.5 ± 13.3 0.002\n")
    found = {value: links.get("arm") for value, links in _links(pipeline, text)}
    assert found["7.1 ± 1.2"] == "Gel implant" and found["27.5 ± 13.3"] == "Conservative care"


def test_a_plain_text_header_over_a_wider_body_names_its_columns(pipeline):
    """A header with fewer cells than the body (no corner, a label column, a second line of
    counts): each header cell names the column under it."""
    text = ("Table 2. Outcomes, mean (SD)\n\n"
            "                     Low dose       High dose      Saline\n"
            "                     (n = 30)       (n = 31)       (n = 15)\n"
            "VAS   month 12       39.1 (20.5)    34.2 (19.9)    51.0 (22.4)\n"
            "ODI   month 24       27.5 (14.8)    24.9 (13.0)    36.2 (15.1)\n")
    found = dict(_links(pipeline, text))
    assert found["34.2 (19.9)"] == {"measure": "VAS", "timepoint": "month 12", "arm": "High dose"}
    assert found["36.2 (15.1)"]["arm"] == "Saline"
    assert found["n = 31"].get("arm") == "High dose"


def test_a_table_row_flattened_into_a_line_links_to_its_label(pipeline):
    """PDF text often flattens a table: the row's label starts the line and the values follow."""
    text = ("Table 2. VAS (mm), mean ± SD, at baseline, 12 and 24 months\n"
            "Low dose 28 69.4 ± 10.9 38.8 ± 19.7 35.2 ± 18.1\n"
            "Vehicle 28 70.1 ± 12.8 45.0 ± 21.4 47.3 ± 22.6\n")
    found = dict(_links(pipeline, text))
    assert found["38.8 ± 19.7"].get("arm") == "Low dose"
    assert found["47.3 ± 22.6"].get("arm") == "Vehicle"


@pytest.mark.parametrize("text, value, time", [
    ("At 24 months, which was their final visit, the ODI was 19.5 ± 10.3.", "19.5 ± 10.3", "At 24 months"),
    ("The ODI improved from 46.0 ± 11.2 to 21.3 ± 12.5 at the final, 24-month visit.", "46.0 ± 11.2 to 21.3 ± 12.5",
     "24-month visit"),
])
def test_a_vague_time_gives_way_to_the_dated_one_it_stands_beside(pipeline, text, value, time):
    assert dict(_links(pipeline, text))[value].get("timepoint") == time


def test_a_count_in_a_table_takes_the_time_of_its_row(pipeline):
    text = ("Table 3. Rats killed per harvest.\n\n| Harvest | EV, n | Vehicle, n |\n|---|---|---|\n"
            "| Week 2 | 4 | 3 |\n| Week 8 | 4 | 4 |\n")
    found = [links for value, links in _links(pipeline, text) if value == "3"]
    assert found and found[0].get("timepoint") == "Week 2" and found[0].get("arm") == "Vehicle, n"


@pytest.mark.parametrize("text, value, time", [
    ("Sixteen weeks after injection, DHI was 85.7 ± 4.6% in the high-dose arm.", "85.7 ± 4.6%", "Sixteen weeks after injection"),
    ("The ODI fell to 27.1 ± 11.0, from baselines of 48.2 ± 9.4.", "48.2 ± 9.4", "baselines"),
])
def test_times_written_in_words(pipeline, text, value, time):
    assert dict(_links(pipeline, text))[value].get("timepoint") == time


@pytest.mark.parametrize("text, value, study", [
    ("Karppinen and colleagues compared periradicular steroid with saline. They enrolled 160 consecutive patients, "
     "and the steroid gave more relief at 2 weeks.", "160 consecutive patients", "Karppinen and colleagues"),
    ("The trial of Yoon et al. (2021) followed its cohort for three years. It enrolled 46 patients.", "46 patients",
     "Yoon et al. (2021)"),
])
def test_a_count_no_group_names_belongs_to_the_study_the_review_discusses(pipeline, text, value, study):
    assert dict(_links(pipeline, text))[value].get("arm") == study


@pytest.mark.parametrize("text, value, time", [
    ("At the ﬁnal visit the ODI was 22.4 ± 9.0.", "22.4 ± 9.0", "At the ﬁnal visit"),  # a PDF's ligature
    ("Two and a half years later the NRS was 2.1 ± 1.6.", "2.1 ± 1.6", "Two and a half years"),
    ("By the sixth week the DHI had fallen to 70.8 ± 6.4%.", "70.8 ± 6.4%", "the sixth week"),
    ("At death the disc height index was 64.3 ± 5.1%.", "64.3 ± 5.1%", "At death"),
    ("At the end point the DHI was 83.7 ± 6.2%.", "83.7 ± 6.2%", "At the end point"),
])
def test_more_ways_a_time_is_written(pipeline, text, value, time):
    assert dict(_links(pipeline, text))[value].get("timepoint") == time


def test_a_vague_time_in_a_header_gives_way_to_a_dated_one():
    from textmine.links import Linker
    from textmine.links.roles import RoleFinder, table_place
    doc = parse_text("| Outcome | Final visit |\n|---|---|\n| VAS at 24 months | 3.1 ± 1.2 |\n", "<t>", "markdown")
    block = doc.blocks[0]
    offset = doc.text.index("3.1")
    linker = Linker(normalise=False)
    found = linker._in_table(table_place(block, offset), RoleFinder().timepoints, doc.text)
    assert found.text == "at 24 months"  # the row header's, not the column's "Final visit"


@pytest.mark.parametrize("text, value, time", [
    ("Of the 23 treated patients, 22 were assessed at week 12 and 20 at week 52.", "22 were assessed", "at week 12"),
    ("At 12 months, 602 patients were analysed.", "602 patients", "At 12 months"),
    ("| Outcome | Baseline (n = 56) | 6 months (n = 53) |\n|---|---|---|\n| VAS | 71.8 ± 11.6 | 42.5 ± 19.3 |\n",
     "n = 53", "6 months"),
    ("By 6 months the 23 patients enrolled in 2019 had all been injected.", "23 patients", None),  # not assessed then
])
def test_a_count_takes_the_time_it_was_assessed_at(pipeline, text, value, time):
    assert dict(_links(pipeline, text))[value].get("timepoint") == time


@pytest.mark.parametrize("text, arms", [
    # each group opens its segment of a line, after semicolons or bars, the first at the line's start
    ("ODI at month 12, mean (SD): Low dose 30.4 (14.2); High dose 25.1 (12.9); Sham 36.8 (15.5)\n",
     {"25.1 (12.9)": "High dose", "36.8 (15.5)": "Sham"}),
    ("* DHI at week 8:\n   PRP 88.0 ± 6.1 | PBS 71.5 ± 7.0 | Sham 70.2 ± 5.9\n",
     {"88.0 ± 6.1": "PRP", "71.5 ± 7.0": "PBS"}),
    ("Serious adverse events: Low dose 1/20 (5.00%); High dose 2/21 (9.52%); Sham 1/19 (5.26%)\n", {"21": "High dose", "19": "Sham"}),
    # one value per group after a label, the groups named in the same order by the next line ...
    ("2. ODI [Time Frame: Month 12]\nOverall Number of Participants Analyzed: 21 / 22 / 19\n"
     "Mean (Standard Deviation): Low dose 28.0 (12.5); High dose 24.4 (11.9); Sham 35.2 (14.0)\n",
     {"21": "Low dose", "22": "High dose", "19": "Sham"}),
    # ... or by a line above that names the columns
    ("RESULTS (columns: Cells | Carrier | Sham)\n1. VAS back pain at Month 6\n"
     "Overall Number of Participants Analyzed: 14 | 13 | 12\nMean (Standard Deviation): 33.0 (15.1) | 38.2 (16.0) | 47.5 (18.3)\n",
     {"13": "Carrier", "12": "Sham"}),
])
def test_a_value_in_a_line_of_one_value_per_group(pipeline, text, arms):
    """Registry results print each group's value in one line; the groups are named beside each
    value, or once for the line."""
    found = {}
    for value, links in _links(pipeline, text):
        found.setdefault(value, links.get("arm"))
    assert {value: found.get(value) for value in arms} == arms
