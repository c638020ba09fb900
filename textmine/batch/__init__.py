"""Batch scanning (``textmine scan``): many papers, in parallel, into a resumable SQLite store.

The data flow, one module each:

- ``sources``: paths, folders and globs → the files to read (loops and unreadable paths are
  errors for that path);
- ``worker``: one document's bytes → its mentions, entities and form (each worker process builds
  its pipeline once);
- ``store``: the SQLite store (WAL, one transaction per batch, schema version);
- ``scan``: hashing, skipping what is done, the process pool or Dask cluster, progress;
- ``tables``: the store read back as pandas DataFrames (``textmine.load``) and exported.
"""

from textmine.batch.scan import ScanOptions, ScanSummary, scan
from textmine.batch.store import SCHEMA_VERSION, Store, StoreError
from textmine.batch.tables import Tables, load

__all__ = ["scan", "ScanOptions", "ScanSummary", "Store", "StoreError", "SCHEMA_VERSION", "Tables", "load"]
