"""Normalising wordings the lexicon does not list, and knowledge bases built from MeSH
(issue [4/6]): a TF-IDF index over the aliases' normal forms, searched with scispaCy's
CandidateGenerator, and ``textmine kb build``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from textmine.cli import main
from textmine.links.entities import EntityRecognizer
from textmine.links.knowledge import Settings, normal_form, read_kb
from textmine.links.mesh import build_kb, read_mesh
from textmine.parse import parse_text

SAMPLE_XML = Path(__file__).parent / "data" / "mesh_sample.xml"


@pytest.fixture(scope="module")
def recognizer():
    return EntityRecognizer()


def _entities(recognizer, text):
    doc = parse_text(text, "<test>")
    return [(e.text, e.id) for e in recognizer.find(doc)]


@pytest.mark.parametrize("text, expected", [
    ("Lower-Back Pains", "lower back pain"),
    ("Degenerative Disc Disease", "degener disc disease"),
    ("degenerated intervertebral discs", "degener intervertebr disc"),
    ("mesenchymal stromal cells", "mesenchym strom cell"),
    ("Sprague–Dawley rats", "sprague dawley rat"),
])
def test_aliases_and_phrases_meet_in_a_normal_form(text, expected):
    assert normal_form(text, Settings.load()) == expected


@pytest.mark.parametrize("text, span, concept", [
    ("Eleven had lower-back pain for a year.", "lower-back pain", "MESH:D017116"),
    ("Cells went into degenerated intervertebral discs of the rabbits.", "degenerated intervertebral discs", "MESH:D055959"),
    ("We used bone marrow-derived cells.", "bone marrow-derived cells", "MESH:D001854"),
    ("They received adipose tissue-derived stem cells.", "adipose tissue-derived stem cells", "CL:0002570"),
    ("It was chronic discogenic low-back pain.", "chronic discogenic low-back pain", "MESH:D017116"),
    ("Twelve Sprague–Dawley rats were used.", "Sprague–Dawley rats", "MESH:D017207"),
])
def test_variant_wordings_are_linked_to_their_concept(recognizer, text, span, concept):
    assert (span, concept) in _entities(recognizer, text)


@pytest.mark.parametrize("text, not_expected", [
    ("Porcine lumbar discs were harvested.", "MESH:D013552"),  # a disc, not a pig: the last word decides
    ("Two had lower leg pain.", "MESH:D017116"),  # leg pain is not low back pain
    ("The disc height index fell.", "MESH:D007403"),  # a measure with no id, listed in not_entities.json
    ("The ODI fell by 20 points.", "MESH:D004185"),  # the ODI is not "Disability Evaluation", only under it
    # a cell type, carrier or procedure with no descriptor of its own is not the broader concept inside it
    ("Allogeneic disc progenitor cells were injected.", "MESH:D013234"),
    ("Cells were given in a hyaluronan–collagen gel.", "MESH:D003094"),
    ("Autologous disc chondrocyte transplantation followed discectomy.", "MESH:D017690"),
])
def test_near_misses_are_not_linked(recognizer, text, not_expected):
    assert not_expected not in {concept for _, concept in _entities(recognizer, text)}


def test_normalisation_can_be_switched_off():
    plain = EntityRecognizer(normalise=False)
    assert ("lower-back pain", "MESH:D017116") not in _entities(plain, "They had lower-back pain.")


def test_a_mesh_file_becomes_a_knowledge_base(tmp_path):
    records = list(read_mesh(SAMPLE_XML))
    assert [r["concept_id"] for r in records] == ["MESH:D012585", "MESH:D010146", "MESH:D008171", "MESH:D000818"]
    assert records[0]["aliases"] == ["Sciatic Neuralgia"]  # the heading itself is the canonical name
    assert [r["types"][0] for r in records] == ["disease", "disease", "disease", "species"]
    meta = build_kb(SAMPLE_XML, tmp_path / "kb")
    assert meta["descriptors"] == 4 and meta["types"] == {"disease": 3, "species": 1}
    assert sorted(p.name for p in (tmp_path / "kb").iterdir()) == ["kb.jsonl", "meta.json"]
    assert [e.concept_id for e in read_kb(tmp_path / "kb")] == [r["concept_id"] for r in records]


def test_entities_link_beyond_the_lexicon_with_a_built_kb(tmp_path, capsys):
    assert main(["kb", "build", str(SAMPLE_XML), "-o", str(tmp_path / "kb")]) == 0
    paper = tmp_path / "paper.txt"
    paper.write_text("Two patients had sciatic neuralgia and one a pulmonary disease.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["entities", "--kb", str(tmp_path / "kb"), "--format", "jsonl", str(paper)]) == 0
    found = {e["id"]: e for e in json.loads(capsys.readouterr().out)["entities"]}
    assert found["MESH:D012585"]["texts"] == ["sciatic neuralgia"]
    assert found["MESH:D008171"]["texts"] == ["pulmonary disease"]
    assert main(["entities", "--format", "jsonl", str(paper)]) == 0  # without the KB, the lexicon only
    assert "MESH:D008171" not in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    ("<DescriptorRecordSet><DescriptorRecord>", "not a well-formed XML file"),
    ("<PubmedArticleSet></PubmedArticleSet>", "no MeSH DescriptorRecord found"),
    ("<DescriptorRecordSet><DescriptorRecord><DescriptorUI>D1</DescriptorUI></DescriptorRecord></DescriptorRecordSet>",
     "has no DescriptorUI or name"),
])
def test_a_bad_mesh_file_is_one_clear_error_and_leaves_no_kb(tmp_path, capsys, content, message):
    bad = tmp_path / "desc.xml"
    bad.write_text(content, encoding="utf-8")
    assert main(["kb", "build", str(bad), "-o", str(tmp_path / "kb")]) == 1
    err = capsys.readouterr().err
    assert message in err and str(bad) in err and "Traceback" not in err
    assert not (tmp_path / "kb" / "kb.jsonl").exists() and not (tmp_path / "kb" / "kb.jsonl.partial").exists()


def test_a_missing_or_broken_kb_is_one_clear_error(tmp_path, capsys):
    paper = tmp_path / "paper.txt"
    paper.write_text("Sciatica.\n", encoding="utf-8")
    assert main(["entities", "--kb", str(tmp_path / "nowhere"), str(paper)]) == 1
    assert "no knowledge base here" in capsys.readouterr().err
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "kb.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    assert main(["entities", "--kb", str(tmp_path / "kb"), str(paper)]) == 1
    assert "kb.jsonl:1: not a knowledge-base entity" in capsys.readouterr().err


def test_entity_normalisation_is_scored_against_the_entity_gold(tmp_path, pipeline):
    from textmine.evaluation.entities import evaluate_entities

    text = "Patients with lower-back pain received MSCs; the ODI and the disc height index were recorded.\n"
    (tmp_path / "corpora").mkdir()
    (tmp_path / "corpora" / "d.txt").write_text(text, encoding="utf-8")

    def at(s, **kw):
        start = text.index(s)
        return {"start": start, "end": start + len(s), "text": s, **kw}

    gold = [{"doc": "d", "source": "corpora/d.txt", "split": "tune", "entities": [
        at("Patients", type="species", id="MESH:D006801", name="Humans"),
        at("lower-back pain", type="disease", id="MESH:D017116", name="Low Back Pain"),
        at("MSCs", type="cell", id="CL:0002540", name="BM-MSC"),  # gold says a narrower concept: a miss and a false positive
        at("ODI", type="measure", id=None, name="Oswestry Disability Index", broader="MESH:D004185"),
        at("disc height index", type="measure", id=None, name="disc height index"),
    ]}]
    report = evaluate_entities(gold, pipeline, "tune", root=tmp_path)
    assert (report.correct_predicted, report.predicted) == (2, 3)
    assert (report.found_gold, report.gold_with_id, report.gold_without_id) == (2, 3, 2)
    assert [(e["kind"], e["text"]) for e in report.errors] == [("FP", "MSCs"), ("FN", "MSCs")]


def test_the_entity_gold_points_at_its_documents_and_the_inventory():
    from textmine.evaluation.entities import load_entity_gold
    from textmine.evaluation.gold import source_path
    from textmine.links.entities import load_lexicon

    ids = {c.id for c in load_lexicon()}
    docs = load_entity_gold(Path(__file__).parents[1] / "gold" / "entities" / "gold.jsonl")
    assert {d["split"] for d in docs} == {"tune", "heldout"}
    for doc in docs:
        text = source_path(doc["source"]).read_text(encoding="utf-8")
        for e in doc["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]
            assert e["id"] is None or e["id"] in ids, (doc["doc"], e)
