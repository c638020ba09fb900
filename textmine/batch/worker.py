"""One document's work, in a worker process: bytes in, a plain dict of results out.

The pipeline (spaCy, the patterns, the entity lexicon) is built once per worker process. Where
the pool forks its workers (Linux), the scan builds it once in the main process first
(``preload``), and every worker starts ready, sharing those pages; elsewhere each worker builds
its own. A document that takes longer than the per-document limit is stopped with
``SIGALRM`` where the work runs in a process's main thread (the process pool); on a Dask worker
thread it cannot be interrupted, and is recorded as failed when it ends.
"""

from __future__ import annotations

import gc
import os
import resource
import signal
import threading
import time
from typing import Any

from textmine import regex_cache
from textmine.errors import InputError, TextmineError

_STATE: dict[str, Any] = {}

# Read once by ``preload`` so that what the pipeline loads on first use (the entity index and
# scikit-learn under it, the abbreviation detector, lazily built patterns) is loaded before a fork.
WARM_UP = ("Forty adults with chronic low back pain were randomised, 20 per group, to 2 mL of "
           "platelet-rich plasma (PRP) or saline. The visual analogue scale (VAS) fell from 7.2 ± 1.1 "
           "to 3.4 ± 0.9 at the 12-month follow-up.")


class DocumentTimeout(Exception):
    pass


def init_worker() -> None:
    """Build the pipeline and the form rules (once per process)."""
    if "pipeline" not in _STATE:
        from textmine.api import default_pipeline
        from textmine.records.form import FormRules

        _STATE["pipeline"] = default_pipeline()
        _STATE["rules"] = FormRules.load()


def preload() -> None:
    """Build the pipeline here and run it once, then freeze what it holds out of the garbage
    collector's way (its scans would otherwise write to, and so copy, the pages forked workers
    share). A pool forked after this starts ready to work."""
    init_worker()
    if not _STATE.get("warm"):
        _analyse("warm-up.txt", WARM_UP.encode())
        _STATE["warm"] = True
        regex_cache.save()  # the patterns compiled on first use, too
        gc.freeze()


def init_pool_worker() -> None:
    """A process pool worker: Ctrl-C is the scan's to handle, not each worker's; then build."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    init_worker()


def process(task: dict[str, Any]) -> dict[str, Any]:
    """Analyse one document: ``task`` has ``path``, ``hash``, ``data`` (bytes) and ``timeout``
    (seconds, or None). Returns the store's row for it, ``status`` ``done`` or ``failed``."""
    init_worker()
    started = time.perf_counter()
    result: dict[str, Any] = {"hash": task["hash"], "path": task["path"], "bytes": len(task["data"])}
    timeout = task.get("timeout")
    alarm = bool(timeout) and threading.current_thread() is threading.main_thread()
    if alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result.update(_analyse(task["path"], task["data"]))
        result["status"] = "done"
    except DocumentTimeout:
        result.update(status="failed", error=f"timed out: took longer than the {timeout:g} s per-document limit")
    except InputError as exc:
        result.update(status="failed", error=exc.problem)
    except TextmineError as exc:
        result.update(status="failed", error=str(exc))
    except RecursionError:
        result.update(status="failed", error="too deeply nested to analyse (recursion limit)")
    except MemoryError:
        result.update(status="failed", error="out of memory while analysing")
    except Exception as exc:  # a bug must not stop the scan: record it with its type, go on
        result.update(status="failed", error=f"internal error: {exc.__class__.__name__}: {exc}")
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    result["seconds"] = round(time.perf_counter() - started, 4)
    if timeout and result["status"] == "done" and result["seconds"] > timeout:  # a Dask thread: not interruptible
        result = {k: result[k] for k in ("hash", "path", "bytes", "seconds", "format", "pages", "words") if k in result}
        result.update(status="failed", error=f"timed out: took {result['seconds']:.1f} s, over the {timeout:g} s limit")
    if not _STATE.get("saved"):  # what building and the first document compiled, for the next run's
        # workers: a pool or Dask worker exits without running atexit
        regex_cache.save()
        _STATE["saved"] = True
    result["pid"] = os.getpid()
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # this process's peak so far
    if result["status"] == "failed":
        result.pop("mentions", None)
        result.pop("entities", None)
        result.pop("form", None)
    return result


def process_batch(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Several documents in one hand-over (each with its own time limit and its own row)."""
    return [process(task) for task in tasks]


def _on_alarm(signum, frame):
    raise DocumentTimeout()


def _analyse(path: str, data: bytes) -> dict[str, Any]:
    from textmine.parse import document_from_bytes
    from textmine.records.form import form_of

    document = document_from_bytes(data, path)
    geometry = document.geometry
    pages = max(geometry.pages) if geometry is not None and len(geometry.pages) else None  # PDFs only
    form, mentions, entities = form_of(document, _STATE["pipeline"], _STATE["rules"])
    return {"format": document.format, "pages": pages, "words": len(document.text.split()),
            "mentions": [m.to_dict() for m in mentions], "entities": [e.to_dict() for e in entities], "form": form}
