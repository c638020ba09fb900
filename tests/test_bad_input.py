"""Bad input: one clear line naming the file and the problem; other files still processed."""

import json

import pytest

from tests.conftest import CORPORA
from textmine.cli import main
from textmine.errors import InputError
from textmine.parse import load_document


@pytest.mark.parametrize("name, content, problem", [
    ("empty.txt", b"", "empty file"),
    ("blank.md", b"  \n\n \t\n", "empty file"),
    ("binary.txt", b"\x00\x01\x02PNG\x00\x00" * 50, "binary file"),
    ("latin1.txt", "Twenty-six patients, caf\u00e9".encode("latin-1"), "not valid UTF-8"),
    ("paper.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
    ("noext", b"text", "unsupported file type '(no extension)'"),
])
def test_bad_files_raise_one_clear_error(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_document(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "nowhere.md")


def test_directory(tmp_path):
    (tmp_path / "d.md").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        load_document(tmp_path / "d.md")


def test_a_bad_file_in_a_batch_does_not_lose_the_others(tmp_path, capsys):
    empty = tmp_path / "empty.md"
    empty.write_text("")
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00" * 100)
    good = CORPORA / "demo_rct_msc.md"
    code = main(["extract", str(empty), str(good), str(binary)])
    captured = capsys.readouterr()
    assert code == 1
    docs = {json.loads(line)["doc"] for line in captured.out.splitlines()}
    assert docs == {str(good)}
    errors = [line for line in captured.err.splitlines() if "error" in line]
    assert errors == [f"textmine: error: {empty}: empty file",
                      f"textmine: error: {binary}: binary file (contains NUL bytes), not text"]
    assert "Traceback" not in captured.err
    assert "2 of 3 file(s) failed" in captured.err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["extract", "--format", "xml", "a.md"])
    assert exc.value.code == 2
