"""The gold set: loading checks, the Label Studio round trip, and `textmine eval` end to end."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SHARED
from textmine.cli import main
from textmine.evaluation.gold import GoldDoc, GoldError, GoldSpan, load_gold, save_gold, source_path
from textmine.evaluation.labelstudio import LABEL_CONFIG, canonical, from_label_studio, to_label_studio

DOC = "corpora/demo_rct_msc.md"


def _span(text, needle, label, occurrence=1, **values):
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "text": needle, "label": label, **values, "links": []}


@pytest.fixture
def small_gold(tmp_path):
    """Three hand-checked spans of the RCT demo document, written as a gold file."""
    text = (ROOT / DOC).read_text(encoding="utf-8")
    spans = [
        _span(text, "One hundred and twenty patients", "sample_size", value=120),
        _span(text, "2 × 10^7 cells per disc", "dose", value=20000000, unit="cells", per="disc"),
        _span(text, "24-month follow-up", "follow_up", value=24, unit="months"),
    ]
    spans[0]["links"] = [{"role": "population", "text": "patients", "start": spans[0]["end"] - 8, "end": spans[0]["end"], "id": "NCBITaxon:9606", "name": "human"}]
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"doc": "demo_rct_msc", "source": DOC, "split": "heldout", "spans": spans}) + "\n")
    return path


def test_load_checks_offsets_against_the_text(small_gold, tmp_path):
    docs = load_gold(small_gold, root=ROOT)
    assert [s.label for s in docs[0].spans] == ["sample_size", "dose", "follow_up"]
    broken = json.loads(small_gold.read_text())
    broken["spans"][0]["start"] += 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(broken) + "\n")
    with pytest.raises(GoldError, match="is 'ne hundred"):
        load_gold(bad, root=ROOT)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(split="train"), "split must be one of"),
    (lambda d: d["spans"][0].update(label="age"), "label must be one of"),
    (lambda d: d.pop("source"), "missing key 'source'"),
])
def test_malformed_gold_is_rejected(small_gold, tmp_path, change, message):
    data = json.loads(small_gold.read_text())
    change(data)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(data) + "\n")
    with pytest.raises(GoldError, match=message):
        load_gold(bad, root=ROOT)


def _round_trip(docs):
    texts = {d.doc: source_path(d.source, ROOT).read_text(encoding="utf-8") for d in docs}
    tasks = json.loads(json.dumps(to_label_studio(docs, texts)))  # through real JSON
    return from_label_studio(tasks)


def test_label_studio_round_trip_loses_nothing(small_gold):
    docs = load_gold(small_gold, root=ROOT)
    # a duplicate span and a link shared by two values must survive too
    s = docs[0].spans
    link = {"role": "intervention", "text": "cells", "start": s[1].end - 14, "end": s[1].end - 9, "id": None, "name": None}
    doubled = GoldDoc(docs[0].doc, docs[0].source, docs[0].split,
                      (*s, s[1], GoldSpan(s[2].start, s[2].end, s[2].text, s[2].label, dict(s[2].values), (link,))))
    back = _round_trip([doubled])
    assert [canonical(d) for d in back] == [canonical(doubled)]


def test_label_config_names_every_label():
    for name in ("sample_size", "dose", "score", "follow_up", "measure", "timepoint", "arm"):
        assert f'value="{name}"' in LABEL_CONFIG


GOLD = ROOT / "gold"


@pytest.mark.skipif(not list(GOLD.glob("*.jsonl")), reason="no gold set yet")
def test_the_whole_gold_set_round_trips():
    docs = [d for d in load_gold(GOLD, root=ROOT) if source_path(d.source, ROOT).exists()]
    assert [canonical(d) for d in _round_trip(docs)] == [canonical(d) for d in docs]


def test_the_gold_set_has_the_size_and_split_it_promises():
    """At least 25 documents and 350 mentions; heldout is at least a third of the documents."""
    docs = load_gold(ROOT / "gold")
    heldout = [d for d in docs if d.split == "heldout"]
    assert len(docs) >= 25 and sum(len(d.spans) for d in docs) >= 350
    assert {d.split for d in docs} == {"tune", "heldout"}
    assert 3 * len(heldout) >= len(docs)


def test_eval_cli_table_errors_and_floor(small_gold, capsys):
    assert main(["eval", "--gold", str(small_gold), "--errors", "--by-rule"]) == 0
    out = capsys.readouterr().out
    assert "sample_size" in out and "micro" in out and "per rule" in out
    # the demo document has more mentions than these three spans, so precision < 1: a floor of 1.0 must fail
    assert main(["eval", "--gold", str(small_gold), "--min-f1", "1.0"]) == 1
    assert "value-F1 below 1.0" in capsys.readouterr().err


def test_eval_cli_json_and_field_filter(small_gold, capsys):
    assert main(["eval", "--gold", str(small_gold), "--format", "json", "--field", "follow_up"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["fields"]) == ["follow_up"]
    assert report["fields"]["follow_up"]["value"]["tp"] == 1


def test_errors_show_sentence_and_rule(small_gold, capsys):
    main(["eval", "--gold", str(small_gold), "--errors", "--field", "sample_size"])
    out = capsys.readouterr().out
    assert "FP sample_size" in out and "rule=ss." in out and "[[" in out


def test_gold_export_import_cli(small_gold, tmp_path):
    tasks = tmp_path / "tasks.json"
    assert main(["gold", "export", "--gold", str(small_gold), "--predictions", "-o", str(tasks)]) == 0
    data = json.loads(tasks.read_text())
    assert data[0]["predictions"][0]["result"]
    back = tmp_path / "back.jsonl"
    assert main(["gold", "import", str(tasks), "-o", str(back)]) == 0
    assert [canonical(d) for d in load_gold(back, root=ROOT)] == [canonical(d) for d in load_gold(small_gold, root=ROOT)]


def test_eval_on_missing_gold_is_one_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "textmine.cli", "eval", "--gold", str(tmp_path / "nope")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "no gold" in proc.stderr and "Traceback" not in proc.stderr


def test_agreement_of_an_identical_annotation_is_perfect(tmp_path, capsys):
    """gold/tools/agreement.py: a second annotation equal to the gold set agrees fully; textmine is measured beside it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("agreement", ROOT / "gold" / "tools" / "agreement.py")
    agreement = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agreement)
    line = next(l for l in (ROOT / "gold" / "gold.jsonl").read_text(encoding="utf-8").splitlines() if '"doc": "demo_rct_msc"' in l)
    (tmp_path / "second.jsonl").write_text(line + "\n", encoding="utf-8")
    assert agreement.main([str(tmp_path / "second.jsonl")]) == 0
    out = capsys.readouterr().out
    assert [r.split()[-1] for r in out.splitlines() if r.startswith("second annotator   micro")] == ["1.000"]
    assert any(r.startswith("textmine           micro") for r in out.splitlines())
