"""The extract contract: keys, offsets, types — pinned, because later issues build on it."""

import csv
import io
import json
import subprocess
import sys

import pytest

from tests.conftest import CORPORA
from textmine.cli import main

CONTRACT = ["doc", "field", "text", "start", "end", "page", "sentence", "rule", "value", "low", "high",
            "unit", "per", "measure", "before", "after", "sd", "links"]


@pytest.fixture(scope="module")
def jsonl_lines(tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "mentions.jsonl"
    files = sorted(str(p) for p in CORPORA.glob("*") if p.suffix in (".md", ".txt"))
    assert main(["extract", *files, "--format", "jsonl", "-o", str(out)]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_every_mention_has_the_contract_keys_in_order(jsonl_lines):
    assert jsonl_lines, "the bundled corpus yields mentions"
    for row in jsonl_lines:
        assert list(row)[: len(CONTRACT)] == CONTRACT


def test_offsets_index_the_document_text(jsonl_lines):
    texts = {}
    for row in jsonl_lines:
        text = texts.setdefault(row["doc"], open(row["doc"], encoding="utf-8").read())
        assert text[row["start"]:row["end"]] == row["text"]
        assert row["text"] in row["sentence"]
        assert row["page"] is None  # Markdown and text have no pages


def test_value_types_and_units(jsonl_lines):
    fields = {row["field"] for row in jsonl_lines}
    assert fields == {"sample_size", "dose", "score", "follow_up"}
    for row in jsonl_lines:
        assert row["rule"] and isinstance(row["links"], list)
        if row["field"] == "sample_size":
            assert isinstance(row["value"], int)
        if row["field"] == "follow_up":
            assert row["unit"] == "months"
        if row["field"] == "dose":
            assert row["unit"] in ("cells", "mL", "mg", "U", "IU")
            if row["unit"] == "cells":
                assert all(isinstance(row[k], int) for k in ("value", "low", "high") if row[k] is not None)
        if row["field"] == "score":
            assert row["measure"]
            assert row["value"] is not None or row["after"] is not None


def test_python_api_and_dataframe():
    import textmine

    result = textmine.extract(CORPORA / "demo_rct_msc.md")
    df = result.to_dataframe()
    assert list(df.columns)[: len(CONTRACT)] == CONTRACT
    assert len(df) == len(result.mentions) > 0
    assert set(df["field"]) == {"sample_size", "dose", "score", "follow_up"}


def test_text_input_has_a_placeholder_doc():
    import textmine

    mentions = textmine.extract("Thirty rats (n = 30) were followed for 12 weeks.").mentions
    assert {m.doc for m in mentions} == {"<text>"}


def test_csv_is_one_header_and_quoted_rows(tmp_path):
    out = tmp_path / "m.csv"
    files = [str(CORPORA / "demo_rct_msc.md"), str(CORPORA / "demo_registry.txt")]
    assert main(["extract", *files, "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0])[: len(CONTRACT)] == CONTRACT
    assert {r["doc"] for r in rows} == set(files)
    assert sum(1 for r in rows if r["field"] == "field") == 0  # no repeated header


def test_table_output_names_fields_and_rules(capsys):
    assert main(["extract", str(CORPORA / "demo_case_series.txt"), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "sample_size" in out and "ss.count_population" in out and "Twenty-six patients" in out


def test_console_script_runs_as_a_subprocess():
    proc = subprocess.run([sys.executable, "-m", "textmine.cli", "extract", str(CORPORA / "demo_rct_msc.md")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    first = json.loads(proc.stdout.splitlines()[0])
    assert first["field"] in ("sample_size", "dose", "score", "follow_up")
