"""A scan store read back as pandas DataFrames (``textmine.load``), and exported to files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textmine.batch.store import Store
from textmine.errors import TextmineError

if TYPE_CHECKING:
    import pandas as pd

WHAT = ("mentions", "records", "entities", "documents")
EXPORT_FORMATS = ("parquet", "csv", "xlsx", "jsonl")

QUERIES = {
    "documents": "SELECT * FROM documents ORDER BY doc_id",
    "mentions": "SELECT d.path AS doc, d.hash, m.* FROM mentions m JOIN documents d USING (doc_id) "
                "ORDER BY m.doc_id, m.ordinal",
    "records": "SELECT d.path AS doc, d.hash, r.* FROM records r JOIN documents d USING (doc_id) ORDER BY r.doc_id",
    "entities": "SELECT d.path AS doc, d.hash, e.* FROM entities e JOIN documents d USING (doc_id) "
                "ORDER BY e.doc_id, e.ordinal",
}
JSON_COLUMNS = {"mentions": ("links",), "records": ("form",)}


@dataclass(frozen=True)
class Tables:
    """The four tables of a store: ``documents``, ``mentions``, ``records``, ``entities``."""

    documents: "pd.DataFrame"
    mentions: "pd.DataFrame"
    records: "pd.DataFrame"
    entities: "pd.DataFrame"

    def __getitem__(self, name: str) -> "pd.DataFrame":
        return getattr(self, name)


def read_table(store: Store, what: str, parse_json: bool = True) -> "pd.DataFrame":
    import pandas as pd

    frame = pd.read_sql_query(QUERIES[what], store.conn)
    if parse_json:
        for column in JSON_COLUMNS.get(what, ()):
            frame[column] = frame[column].map(lambda v: json.loads(v) if isinstance(v, str) else v)
    return frame


def load(path: str | Path) -> Tables:
    """The store at ``path`` as DataFrames (links and forms parsed from JSON).

    >>> tables = textmine.load("scan.sqlite")           # doctest: +SKIP
    >>> tables.mentions.groupby("field").size()          # doctest: +SKIP
    """
    with Store(path, readonly=True) as store:
        return Tables(*(read_table(store, what) for what in ("documents", "mentions", "records", "entities")))


def export(path: str | Path, fmt: str, what: str, output: str | Path | None, stream=None) -> int:
    """Write one table of the store; returns the number of rows. Parquet and XLSX need ``output``."""
    if fmt not in EXPORT_FORMATS or what not in WHAT:
        raise TextmineError(f"unknown export {fmt!r} of {what!r}")
    with Store(path, readonly=True) as store:
        frame = read_table(store, what, parse_json=False)
    if fmt == "parquet":
        try:
            frame.to_parquet(output, index=False)
        except ImportError:
            raise TextmineError("parquet export needs pyarrow: pip install 'textmine[parquet]'") from None
    elif fmt == "xlsx":
        from textmine.outputs.forms import spreadsheet_safe

        frame = frame.map(spreadsheet_safe)
        frame.to_excel(output, index=False, sheet_name=what)
    elif fmt == "csv":
        frame.to_csv(output if output else stream, index=False, encoding="utf-8-sig" if output else None)
    else:
        rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        out = open(output, "w", encoding="utf-8") if output else stream
        try:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if output:
                out.close()
    return len(frame)
