"""Batch scanning (issue [6/6]): ``textmine scan`` into a resumable SQLite store, bad documents
recorded and skipped past, a killed run finished by the next, the same work on a Dask cluster,
and the store read back (``textmine.load``) and exported."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import textmine
from textmine.batch import SCHEMA_VERSION, ScanOptions, Store, StoreError, scan
from textmine.batch.progress import Progress
from textmine.batch.sources import expand
from textmine.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
PDFS = Path(__file__).parent / "fixtures" / "pdf"
SAMPLE = sorted(CORPORA.glob("[a-h]0[1-4]_*"))  # 32 of our own documents, Markdown and text


def _corpus(folder: Path, documents=SAMPLE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc in documents:
        shutil.copy(doc, folder / doc.name)
    return folder


def _rows(store: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(store) as conn:
        return conn.execute(sql, args).fetchall()


def _quiet(**kw) -> ScanOptions:
    return ScanOptions(progress=False, **kw)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """One uninterrupted scan of the sample corpus: what every other run must match."""
    folder = _corpus(tmp_path_factory.mktemp("corpus") / "papers")
    store = folder.parent / "reference.sqlite"
    summary = scan([str(folder)], store, _quiet(workers=2))
    assert (summary.done, summary.failed) == (len(SAMPLE), 0)
    return folder, store


def _by_hash(store: Path) -> dict[str, tuple]:
    """Each document's status and counts, and the (field, value, start) of its mentions."""
    out = {}
    for doc_id, digest, status, n in _rows(store, "SELECT doc_id, hash, status, mentions FROM documents"):
        found = _rows(store, 'SELECT field, value, "start" FROM mentions WHERE doc_id = ? ORDER BY ordinal', doc_id)
        out[digest] = (status, n, tuple(found))
    return out


def test_a_scan_stores_every_document_with_its_mentions_records_and_entities(reference):
    folder, store = reference
    documents = _rows(store, "SELECT path, status, words, mentions, seconds FROM documents")
    assert len(documents) == len(SAMPLE) and {d[1] for d in documents} == {"done"}
    assert all(words > 0 and seconds > 0 for _, _, words, _, seconds in documents)
    # every mention row points back at its document, with provenance
    n_mentions = _rows(store, "SELECT COUNT(*) FROM mentions")[0][0]
    assert n_mentions == sum(d[3] for d in documents) > 100
    assert _rows(store, "SELECT COUNT(*) FROM records")[0][0] == len(SAMPLE)
    assert _rows(store, "SELECT COUNT(*) FROM entities")[0][0] > 0
    text = (folder / "a01_mpc_saline_structured_abstract.txt").read_text(encoding="utf-8")
    for start, end, quote in _rows(store, 'SELECT m."start", m."end", m.text FROM mentions m JOIN documents d '
                                          "USING (doc_id) WHERE d.path LIKE '%a01_mpc%'"):
        assert text[start:end] == quote
    assert _rows(store, "PRAGMA journal_mode")[0][0] == "wal"


def test_a_rerun_skips_what_is_done_and_duplicates_nothing(reference, tmp_path):
    folder, store = reference
    copy = tmp_path / "store.sqlite"
    shutil.copy(store, copy)
    extra = tmp_path / "more"
    _corpus(extra, [SAMPLE[0], CORPORA / "i01_leckie_hutc_rabbit.md"])  # one already done, one new
    summary = scan([str(folder), str(extra)], copy, _quiet(workers=1))
    assert (summary.done, summary.skipped, summary.failed) == (1, len(SAMPLE) + 1, 0)
    assert _rows(copy, "SELECT COUNT(*), COUNT(DISTINCT hash) FROM documents")[0] == (len(SAMPLE) + 1,) * 2


def test_a_run_killed_with_sigkill_is_completed_by_the_next_with_nothing_lost_or_doubled(reference, tmp_path):
    folder, reference_store = reference
    store = tmp_path / "killed.sqlite"
    command = [sys.executable, "-c", "from textmine.cli import main; raise SystemExit(main())",
               "scan", str(folder), "-o", str(store), "--workers", "2", "--quiet"]
    run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
            if store.exists():
                try:
                    done = _rows(store, "SELECT COUNT(*) FROM documents")[0][0]
                except sqlite3.OperationalError:  # the schema is being created
                    continue
                if done >= 3:
                    break
        assert run.poll() is None and 3 <= done < len(SAMPLE), "the scan must be killed mid-run"
        os.kill(run.pid, signal.SIGKILL)  # the scan itself, without warning
        run.wait(timeout=10)
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)  # and its orphaned workers
        except ProcessLookupError:
            pass
    kept = _rows(store, "SELECT COUNT(*) FROM documents")[0][0]
    assert 3 <= kept < len(SAMPLE)
    summary = scan([str(folder)], store, _quiet(workers=2))
    assert (summary.skipped, summary.done, summary.failed) == (kept, len(SAMPLE) - kept, 0)
    assert _by_hash(store) == _by_hash(reference_store)  # every document, each once, each whole
    assert _rows(store, "SELECT COUNT(*) FROM mentions")[0][0] == _rows(reference_store, "SELECT COUNT(*) FROM mentions")[0][0]


def _bad_corpus(folder: Path) -> dict[str, str]:
    """A folder of bad documents (and one good one); the error each must be recorded with."""
    folder.mkdir()
    shutil.copy(SAMPLE[0], folder / "good.txt")
    shutil.copy(PDFS / "bad_corrupt.pdf", folder / "corrupt.pdf")
    shutil.copy(PDFS / "bad_encrypted.pdf", folder / "encrypted.pdf")
    shutil.copy(PDFS / "bad_image_only.pdf", folder / "scanned.pdf")
    (folder / "empty.md").write_text("")
    (folder / "latin1.txt").write_bytes("Vingt-six patients \xe2g\xe9s de 40 ans.".encode("latin-1"))
    (folder / "huge.md").write_text("26 patients. " * 20000)  # 260 KB
    os.symlink("self.md", folder / "self.md")  # a link to itself
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")  # a folder loop
    return {
        "corrupt.pdf": "not a readable PDF", "encrypted.pdf": "encrypted PDF", "scanned.pdf": "no text layer",
        "empty.md": "empty file", "latin1.txt": "not valid UTF-8", "huge.md": "too large", "self.md": "symlink loop",
        "up": "symlink loop",
    }


def test_every_bad_document_is_recorded_with_its_error_and_the_scan_goes_on(tmp_path):
    expected = _bad_corpus(tmp_path / "bad")
    store = tmp_path / "bad.sqlite"
    summary = scan([str(tmp_path / "bad")], store, _quiet(workers=2, max_bytes=200_000))
    assert summary.done == 1 and summary.failed == len(expected)
    errors = {Path(path).name: error for path, error in _rows(store, "SELECT path, error FROM documents "
                                                                      "WHERE status = 'failed'")}
    assert set(errors) == set(expected)
    for name, words in expected.items():
        assert words in errors[name], (name, errors[name])
    assert _rows(store, "SELECT COUNT(*) FROM documents WHERE status = 'done' AND path LIKE '%good.txt'")[0][0] == 1


def test_a_document_over_the_time_limit_is_recorded_as_timed_out(tmp_path):
    folder = _corpus(tmp_path / "slow", [CORPORA / "c01_orozco.md"])
    (folder / "long.md").write_text((CORPORA / "c01_orozco.md").read_text(encoding="utf-8") * 40, encoding="utf-8")
    summary = scan([str(folder / "long.md")], tmp_path / "s.sqlite", _quiet(workers=1, timeout=0.2))
    assert summary.failed == 1 and "timed out" in summary.failures[0][1]


def test_failed_documents_are_skipped_on_rerun_unless_retried(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "later.txt").write_bytes(b"Twenty patients were treated \xff.")  # not UTF-8: fails
    store = tmp_path / "s.sqlite"
    assert scan([str(folder)], store, _quiet(workers=1)).failed == 1
    again = scan([str(folder)], store, _quiet(workers=1))
    assert (again.failed, again.skipped, again.failed_before) == (0, 1, 1)
    retried = scan([str(folder)], store, _quiet(workers=1, retry_failed=True))
    assert (retried.failed, retried.skipped) == (1, 0)
    assert _rows(store, "SELECT COUNT(*) FROM documents")[0][0] == 1  # replaced, not added


def test_a_worker_that_dies_costs_only_its_own_document(tmp_path, monkeypatch):
    """The pool's workers are forked from this process, so the patched worker crashes for real."""
    import textmine.batch.worker as worker

    real = worker._analyse

    def crashing(path, data):
        if "crash" in path:
            os._exit(3)  # like a segfault in a native library: no exception, the process is gone
        return real(path, data)

    monkeypatch.setattr(worker, "_analyse", crashing)
    folder = _corpus(tmp_path / "papers", SAMPLE[:5])
    shutil.copy(SAMPLE[5], folder / "crash_me.md")
    summary = scan([str(folder)], tmp_path / "s.sqlite", _quiet(workers=2))
    assert (summary.done, summary.failed) == (5, 1)
    assert "worker process died" in summary.failures[0][1] and "crash_me" in summary.failures[0][0]


def test_scan_on_a_dask_local_cluster_gives_the_same_store(reference, tmp_path):
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install '.[cluster]')")
    folder, reference_store = reference
    store = tmp_path / "dask.sqlite"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = scan([str(folder)], store, _quiet(scheduler=cluster.scheduler_address))
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    assert (summary.done, summary.failed) == (len(SAMPLE), 0)
    assert len(summary.worker_peak_mb) == 2  # both workers took documents
    assert _by_hash(store) == _by_hash(reference_store)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    pytest.importorskip("distributed", reason="Dask distributed is not installed")
    code = main(["scan", str(SAMPLE[0]), "-o", str(tmp_path / "s.sqlite"), "--scheduler", "tcp://127.0.0.1:9",
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "cannot reach the Dask scheduler" in err and "Traceback" not in err


@pytest.mark.parametrize("version, words", [(SCHEMA_VERSION + 1, "newer textmine"), (0, "older textmine")])
def test_a_store_of_another_schema_version_is_refused_clearly(tmp_path, capsys, version, words):
    store = tmp_path / "s.sqlite"
    Store(store).close()
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    with pytest.raises(StoreError, match=words):
        Store(store)
    assert main(["scan", str(SAMPLE[0]), "-o", str(store), "--quiet"]) == 1
    assert words in capsys.readouterr().err


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path, capsys):
    not_store = tmp_path / "notes.sqlite"
    not_store.write_text("these are my notes, not a database\n" * 100)
    assert main(["scan", str(SAMPLE[0]), "-o", str(not_store), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "not a textmine store" in err and "Traceback" not in err
    assert not_store.read_text().startswith("these are my notes")  # untouched


def test_paths_with_quotes_and_sql_are_stored_as_given(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    name = "it's \"odd\"; DROP TABLE documents;--.md"
    shutil.copy(SAMPLE[0], folder / name)
    store = tmp_path / "s.sqlite"
    assert scan([str(folder)], store, _quiet(workers=1)).done == 1
    assert _rows(store, "SELECT path FROM documents")[0][0] == str(folder / name)


def test_sources_take_files_folders_and_globs(tmp_path):
    folder = _corpus(tmp_path / "papers", SAMPLE[:4])
    (folder / "notes.docx").write_text("not ours")
    (folder / "nested").mkdir()
    shutil.copy(SAMPLE[4], folder / "nested" / SAMPLE[4].name)
    walked = [s.path for s in expand([str(folder)])]
    assert len(walked) == 5 and not any(p.endswith(".docx") for p in walked)  # unsupported files are left out
    only_md = [s.path for s in expand([str(folder)], pattern="*.md")]
    assert only_md and all(p.endswith(".md") for p in only_md)
    globbed = [s.path for s in expand([str(folder / "*.txt")])]
    assert globbed and all(p.endswith(".txt") for p in globbed)
    missing = list(expand([str(tmp_path / "nowhere"), str(tmp_path / "*.pdf")]))
    assert [s.error for s in missing] == ["no such file or folder", "no file matches this pattern"]


def test_scan_command_exit_code_and_summary(tmp_path, capsys):
    _bad_corpus(tmp_path / "bad")
    assert main(["scan", str(tmp_path / "bad"), "-o", str(tmp_path / "s.sqlite"), "--workers", "1", "--quiet",
                 "--max-mb", "0.2"]) == 1
    err = capsys.readouterr().err
    assert "encrypted.pdf: encrypted PDF" in err and "1 done, 0 skipped, 8 failed of 9 file(s)" in err
    good = tmp_path / "good"
    _corpus(good, SAMPLE[:2])
    assert main(["scan", str(good), "-o", str(tmp_path / "g.sqlite"), "--workers", "1", "--quiet"]) == 0


def test_progress_lines_when_not_on_a_terminal():
    stream = io.StringIO()
    progress = Progress(4, stream=stream, every=0)
    for failed in (False, True, False, False):
        progress.update(failed=failed)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("textmine scan: 1/4 documents (25%)") and "docs/s, ETA" in lines[0]
    assert lines[-1].startswith("textmine scan: 4/4 documents (100%)") and lines[-1].endswith("1 failed")


def test_load_returns_dataframes_and_export_writes_every_format(reference, tmp_path, capsys):
    folder, store = reference
    tables = textmine.load(store)
    assert len(tables.documents) == len(SAMPLE)
    assert len(tables.mentions) == tables.documents["mentions"].sum()
    assert set(tables.mentions["field"]) == {"sample_size", "dose", "score", "follow_up"}
    assert isinstance(tables.mentions["links"].iloc[0], list) and isinstance(tables.records["form"].iloc[0], dict)
    assert len(tables["entities"]) > 0

    import pandas as pd

    assert main(["export", str(store), "--format", "parquet", "--what", "mentions", "-o", str(tmp_path / "m.parquet")]) == 0
    assert len(pd.read_parquet(tmp_path / "m.parquet")) == len(tables.mentions)
    assert main(["export", str(store), "--format", "csv", "--what", "records", "-o", str(tmp_path / "r.csv")]) == 0
    assert list(pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")["doc"]) == list(tables.records["doc"])
    assert main(["export", str(store), "--format", "xlsx", "--what", "entities", "-o", str(tmp_path / "e.xlsx")]) == 0
    assert len(pd.read_excel(tmp_path / "e.xlsx", sheet_name="entities")) == len(tables.entities)
    capsys.readouterr()
    assert main(["export", str(store), "--format", "jsonl", "--what", "documents"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(SAMPLE) and rows[0]["status"] == "done"
    assert main(["export", str(store), "--format", "xlsx"]) == 2  # a workbook needs a file


def test_load_of_a_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        textmine.load(tmp_path / "nothing.sqlite")


def test_a_run_with_nothing_to_do_builds_no_pipeline(reference, tmp_path, monkeypatch):
    scanning = sys.modules["textmine.batch.scan"]  # the module (the package's `scan` is the function)

    def refuse():
        raise AssertionError("built a pipeline for a fully cached run")

    monkeypatch.setattr(scanning, "preload", refuse)
    folder, store = reference
    copy = tmp_path / "store.sqlite"
    shutil.copy(store, copy)
    summary = scan([str(folder)], copy, _quiet(workers=2))
    assert (summary.done, summary.skipped, summary.ready) == (0, len(SAMPLE), None)


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from a built pipeline where fork is the default")
def test_forked_workers_start_from_the_pipeline_built_once_here(tmp_path):
    import textmine.batch.worker as worker

    summary = scan([str(_corpus(tmp_path / "papers", SAMPLE[:3]))], tmp_path / "s.sqlite", _quiet(workers=2))
    assert summary.done == 3
    assert worker._STATE.get("warm") and "pipeline" in worker._STATE  # built and run once in this process
    assert summary.ready is not None and summary.ready <= summary.first_result


def _task(name: str, size: int) -> dict:
    return {"path": name, "hash": "sha256:" + name, "data": b"x" * size, "timeout": None}


@pytest.mark.parametrize("sizes, expected", [
    ([100] * 20, [8, 8, 4]),                 # abstracts: eight at a time
    ([900_000, 200_000, 100, 100], [1, 1, 2]),  # long papers alone, then the short ones together
    ([40_000, 30_000, 100], [2, 1]),         # a batch closes once it holds 64 KiB
    ([], []),
])
def test_documents_go_to_workers_in_small_batches(sizes, expected):
    from textmine.batch.scan import _batched

    batches = list(_batched(_task(f"d{i}", s) for i, s in enumerate(sizes)))
    assert [len(b) for b in batches] == expected
    assert [t["path"] for b in batches for t in b] == [f"d{i}" for i in range(len(sizes))]  # order kept


def test_a_file_unreadable_on_the_second_read_is_its_own_failed_row():
    from textmine.batch.scan import _batched

    items = list(_batched([_task("a", 10), {"path": "gone.pdf", "hash": "sha256:g", "error": "permission denied"},
                           _task("b", 10)]))
    assert items[0] == {"hash": "path:gone.pdf", "path": "gone.pdf", "status": "failed", "error": "permission denied"}
    assert [t["path"] for t in items[1]] == ["a", "b"]


def test_a_batch_is_written_whole_or_not_at_all(tmp_path):
    good = {"hash": "sha256:good", "path": "good.md", "status": "done", "mentions": [], "entities": []}
    broken = {"path": "broken.md", "status": "done"}  # no hash: the insert fails mid-batch
    with Store(tmp_path / "s.sqlite") as store:
        with pytest.raises(KeyError):
            store.write([good, broken])
        assert store.statuses() == {}
        store.write([good])
        assert store.statuses() == {"sha256:good": "done"}
