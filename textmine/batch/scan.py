"""``textmine scan``: hash each file, skip what the store has done, analyse the rest in parallel.

The main process walks the paths, hashes files and is the store's only writer; workers (a
process pool, or a Dask cluster with ``scheduler``) analyse documents and send back plain rows.
Documents go out in small batches (up to 8 abstracts, or one long paper), two batches per
worker at a time, so memory does not grow with the number of files and the main process's cost
per document stays small beside the analysis. A worker process that dies (a crash in a native
library, the out-of-memory killer) takes only the documents it could have been running: those
are retried one at a time in a one-worker pool, and the one that kills it is recorded as failed.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from textmine.batch.progress import Progress
from textmine.batch.sources import Source, expand
from textmine.batch.store import Store
from textmine.batch.worker import init_pool_worker, preload, process_batch
from textmine.errors import TextmineError
from textmine.parse import MAX_BYTES


@dataclass
class ScanOptions:
    workers: int | None = None  # processes; default: one per core
    scheduler: str | None = None  # a Dask scheduler address (tcp://host:8786) instead of the process pool
    pattern: str | None = None  # only files whose name matches, in folders (--glob)
    retry_failed: bool = False
    max_bytes: int = MAX_BYTES
    timeout: float | None = 300.0  # seconds per document
    progress: bool | None = None  # None: a bar on a terminal, plain lines otherwise; False: silent


@dataclass
class ScanSummary:
    found: int = 0
    done: int = 0
    skipped: int = 0  # done before, a duplicate of another file, or failed before (without --retry-failed)
    failed: int = 0
    failed_before: int = 0  # of the skipped: failed in an earlier run
    seconds: float = 0.0
    ready: float | None = None  # seconds from the start until the workers could start (the pipeline built)
    first_result: float | None = None  # seconds from the start to the first analysed document
    pages: int = 0
    words: int = 0
    worker_peak_mb: dict[int, float] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    interrupted: bool = False

    @property
    def documents_per_second(self) -> float:
        return (self.done + self.failed) / self.seconds if self.seconds else 0.0

    @property
    def steady_documents_per_second(self) -> float:
        """The rate once the workers are ready: documents over the time after start-up. Where the
        workers build their pipelines themselves (no fork, or Dask), start-up runs to the first
        document analysed, and that document is left out."""
        if self.ready is not None and self.seconds > self.ready:
            return (self.done + self.failed) / (self.seconds - self.ready)
        if self.first_result is None or self.seconds <= self.first_result:
            return 0.0
        return (self.done + self.failed - 1) / (self.seconds - self.first_result)

    def text(self) -> str:
        line = (f"textmine scan: {self.done} done, {self.skipped} skipped, {self.failed} failed "
                f"of {self.found} file(s) in {self.seconds:.1f} s")
        if self.done + self.failed:
            line += f" ({self.documents_per_second:.1f} docs/s)"
        if self.failed_before:
            line += f"; {self.failed_before} failed in an earlier run (rerun with --retry-failed)"
        if self.interrupted:
            line += "; interrupted: rerun the same command to finish"
        return line


def scan(paths: Iterable[str], store_path: str | Path, options: ScanOptions | None = None,
         log=None) -> ScanSummary:
    """Scan ``paths`` (files, folders, globs) into the store at ``store_path``.

    ``log(path, error)`` is called for each failure as it happens. Raises ``StoreError`` for a
    store that cannot be used; every problem with a document is recorded, never raised."""
    options = options or ScanOptions()
    started = time.perf_counter()
    summary = ScanSummary()
    store = Store(store_path)
    try:
        statuses = store.statuses()
        pending: list[tuple[str, str]] = []  # (path, hash) to analyse
        seen: set[str] = set()
        for source in expand(paths, options.pattern):
            summary.found += 1
            digest, problem = _check(source, options.max_bytes)
            if problem is not None:
                _record_failure(store, summary, source.path, "path:" + source.path, problem, log)
                continue
            state = statuses.get(digest)
            if digest in seen or state == "done" or (state == "failed" and not options.retry_failed):
                summary.skipped += 1
                summary.failed_before += state == "failed" and digest not in seen
                continue
            seen.add(digest)
            pending.append((source.path, digest))
        # largest first: the long PDFs start early instead of leaving one worker busy at the end
        pending.sort(key=lambda item: -_size(item[0]))
        progress = Progress(len(pending), options.progress)
        try:
            runner: Runner = DaskRunner(options.scheduler) if options.scheduler else PoolRunner(options.workers)
            try:
                for results in runner.run(_tasks(pending, options)):
                    if summary.first_result is None:
                        summary.first_result = time.perf_counter() - started
                    store.write(results)
                    for result in results:
                        _count(summary, result, log)
                        progress.update(failed=result["status"] == "failed")
            finally:
                runner.close()
                if runner.ready_at is not None:
                    summary.ready = runner.ready_at - started
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            progress.close()
    finally:
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _check(source: Source, max_bytes: int) -> tuple[str | None, str | None]:
    """The file's content hash (``sha256:…``) and ``None``, or ``None`` and why it cannot be read."""
    if source.error:
        return None, source.error
    try:
        if os.path.isdir(source.path):
            return None, "is a folder, not a file"
        size = os.stat(source.path).st_size
        if size > max_bytes:
            return None, f"too large ({size:,} bytes; the limit is {max_bytes:,})"
        h = hashlib.sha256()
        with open(source.path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return "sha256:" + h.hexdigest(), None
    except OSError as exc:
        return None, _os_problem(exc)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _os_problem(exc: OSError) -> str:
    if exc.errno == 40:  # ELOOP
        return "symlink loop: the link never reaches a file"
    if isinstance(exc, FileNotFoundError):
        return "no such file (or a broken link)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


def _tasks(pending: list[tuple[str, str]], options: ScanOptions) -> Iterator[dict[str, Any]]:
    for path, digest in pending:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            yield {"path": path, "hash": digest, "error": _os_problem(exc)}
            continue
        now = "sha256:" + hashlib.sha256(data).hexdigest()  # changed since it was hashed: keep what is read
        yield {"path": path, "hash": now, "data": data, "timeout": options.timeout}


def _record_failure(store: Store, summary: ScanSummary, path: str, digest: str, error: str, log) -> None:
    result = {"hash": digest, "path": path, "status": "failed", "error": error}
    store.write([result])
    _count(summary, result, log)


def _count(summary: ScanSummary, result: dict[str, Any], log) -> None:
    if result["status"] == "done":
        summary.done += 1
        summary.pages += result.get("pages") or 0
        summary.words += result.get("words") or 0
    else:
        summary.failed += 1
        summary.failures.append((result["path"], result["error"]))
        if log is not None:
            log(result["path"], result["error"])
    if result.get("pid") is not None:
        pid = result["pid"]
        summary.worker_peak_mb[pid] = max(summary.worker_peak_mb.get(pid, 0.0), result.get("rss_mb") or 0.0)


def _unread(task: dict[str, Any]) -> dict[str, Any] | None:
    """A task whose file could not be read a second time: its failed row, without a worker."""
    if "error" in task:
        return {"hash": "path:" + task["path"], "path": task["path"], "status": "failed",
                "error": task["error"]}
    return None


BATCH_DOCUMENTS = 8  # documents sent to a worker at once: an abstract's analysis is ~20 ms, and
BATCH_BYTES = 64 * 1024  # each hand-over costs the main process ~1 ms; a long paper goes alone


def _batched(tasks: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any] | list[dict[str, Any]]]:
    """Tasks grouped into batches (lists) of up to ``BATCH_DOCUMENTS`` or ``BATCH_BYTES``; a file
    that could not be read is yielded at once as its failed row (a dict)."""
    batch: list[dict[str, Any]] = []
    size = 0
    for task in tasks:
        if (row := _unread(task)) is not None:
            yield row
            continue
        batch.append(task)
        size += len(task["data"])
        if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class Runner:
    """Keeps ``window`` batches of documents in flight and yields each batch's rows (a list) as
    it finishes; a runner says how to submit, wait and collect."""

    window = 1
    ready_at: float | None = None  # when the workers could start (perf_counter), where known

    def run(self, tasks: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        running: dict[Any, list[dict[str, Any]]] = {}
        items = _batched(tasks)
        exhausted = False
        while running or not exhausted:
            while not exhausted and len(running) < self.window:
                item = next(items, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, dict):
                    yield [item]
                else:
                    running[self.submit(item)] = item
            if running:
                yield from self.collect(self.wait_any(running), running)

    def submit(self, batch: list[dict[str, Any]]) -> Any:
        raise NotImplementedError

    def wait_any(self, running: dict[Any, list[dict[str, Any]]]) -> Iterable[Any]:
        raise NotImplementedError

    def collect(self, finished: Iterable[Any], running: dict[Any, list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class PoolRunner(Runner):
    """Documents over a local process pool, started at the first document (a run with nothing to
    do builds nothing). Where workers are forked, the pipeline is built once here and every worker
    starts with it; otherwise each worker builds its own."""

    def __init__(self, workers: int | None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.window = 2 * self.workers
        self.pool: ProcessPoolExecutor | None = None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        if self.ready_at is None and multiprocessing.get_start_method() == "fork":
            preload()
            self.ready_at = time.perf_counter()
        return ProcessPoolExecutor(max_workers=workers, initializer=init_pool_worker)

    def submit(self, batch: list[dict[str, Any]]) -> Any:
        if self.pool is None:
            self.pool = self._new_pool(self.workers)
        return self.pool.submit(process_batch, batch)

    def wait_any(self, running: dict[Any, list[dict[str, Any]]]) -> Iterable[Any]:
        return wait(running, return_when=FIRST_COMPLETED).done

    def collect(self, finished: Iterable[Any], running: dict[Any, list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        broken: list[dict[str, Any]] = []
        for future in finished:
            batch = running.pop(future)
            try:
                yield future.result()
            except BrokenProcessPool:
                broken += batch
        if broken:  # a worker died: every document in flight is a suspect
            for batch in running.values():
                broken += batch
            running.clear()
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
            yield from self._isolate(broken)

    def _isolate(self, suspects: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """The suspects one at a time in a one-worker pool: the one that kills it is recorded as
        failed, and the pool is replaced for the rest."""
        pool = self._new_pool(1)
        try:
            for task in suspects:
                try:
                    yield pool.submit(process_batch, [task]).result()
                except BrokenProcessPool:
                    yield [_lost(task, "the worker process died while analysing it (a crash or out of memory)")]
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._new_pool(1)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner(Runner):
    """Documents over a Dask distributed cluster (``pip install 'textmine[cluster]'``); each worker
    process builds its pipeline on its first document. textmine must be installed on the workers."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise TextmineError("--scheduler needs Dask distributed: pip install 'textmine[cluster]'") from None
        try:
            self.client = Client(address, timeout="15s")
        except (OSError, TimeoutError) as exc:
            raise TextmineError(f"{address}: cannot reach the Dask scheduler ({exc.__class__.__name__}: {exc})") from None
        self.window = 2 * max(1, sum(self.client.nthreads().values()))

    def submit(self, batch: list[dict[str, Any]]) -> Any:
        return self.client.submit(process_batch, batch, pure=False, retries=1)

    def wait_any(self, running: dict[Any, list[dict[str, Any]]]) -> Iterable[Any]:
        from distributed import wait as dask_wait

        return dask_wait(list(running), return_when="FIRST_COMPLETED").done

    def collect(self, finished: Iterable[Any], running: dict[Any, list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        for future in finished:
            batch = running.pop(future)
            try:
                rows = future.result()
            except Exception as exc:  # the worker was lost twice: record its documents, go on
                rows = [_lost(task, f"lost on the cluster: {exc.__class__.__name__}: {exc}") for task in batch]
            finally:
                future.release()
            yield rows

    def close(self) -> None:
        self.client.close()


def _lost(task: dict[str, Any], error: str) -> dict[str, Any]:
    return {"hash": task["hash"], "path": task["path"], "bytes": len(task["data"]), "status": "failed", "error": error}
