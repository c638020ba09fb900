"""Write extraction forms (``textmine form``): JSONL, or one spreadsheet row per paper with the
evidence of every filled column beside it (CSV, or XLSX with a second sheet of all mentions)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable, TextIO

from textmine.mentions import CONTRACT_KEYS, EXTRA_KEYS, Mention
from textmine.outputs.writers import describe

FORM_FORMATS = ("jsonl", "csv", "xlsx")
# the spreadsheet's columns: each filled one is followed by "<column> evidence" (page and quote)
COLUMNS = ("doc", "title", "design", "sample_size", "follow_up_months", "arms", "doses", "scores",
           "population", "intervention", "comparator")
MAX_CELL = 32_000  # a spreadsheet cell holds 32,767 characters


def write_forms_jsonl(forms: Iterable[dict[str, Any]], out: TextIO) -> None:
    for form in forms:
        out.write(json.dumps(form, ensure_ascii=False) + "\n")


def form_row(form: dict[str, Any]) -> dict[str, Any]:
    """One spreadsheet row: each column's value in words, then its evidence."""
    row: dict[str, Any] = {}
    for column in COLUMNS:
        row[column] = _cell(column, form)
        if column in ("doc", "title"):
            continue
        items = _evidence_items(column, form)
        row[f"{column} evidence"] = _clip(" | ".join(_quote(item) for item in items)) if items else ""
    return {key: spreadsheet_safe(value) for key, value in row.items()}


def _cell(column: str, form: dict[str, Any]) -> Any:
    value = form.get(column)
    if value is None:
        return ""
    if column == "arms":
        return "; ".join(a["name"] + (f" (n = {a['n']})" if a.get("n") is not None else "") for a in value)
    if column in ("doses", "scores"):
        return _clip("; ".join(_mention_words(d) for d in value))
    if column == "population":
        parts = [value.get("species"), value.get("condition")]
        return "; ".join(f"{p['name']} ({p['id']})" for p in parts if p)
    if column == "intervention":
        extra = ", ".join(x for x in (value.get("source"), value.get("route")) if x)
        return f"{value['name']} ({value['id']})" + (f"; {extra}" if extra else "")
    return value


def _mention_words(d: dict[str, Any]) -> str:
    """A mention dict in words: its normalised value, and its arm and time where linked."""
    m = Mention(**{k: d.get(k) for k in CONTRACT_KEYS + EXTRA_KEYS if k not in ("links",)})
    words = describe(m)
    where = [f"{link['role']}: {link['text']}" for link in d.get("links", []) if link["role"] in ("arm", "timepoint")]
    return words + (f" [{', '.join(where)}]" if where else "")


def _evidence_items(column: str, form: dict[str, Any]) -> list[dict[str, Any]]:
    if column == "arms":
        return [item for arm in form.get("arms") or () for item in arm.get("evidence", [])[:1]]
    return form.get("evidence", {}).get(column, [])


def _quote(item: dict[str, Any]) -> str:
    page = f"p. {item['page']}: " if item.get("page") else ""
    return f"{page}“{item.get('sentence') or item.get('text')}”"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet will not run: one starting like a formula ("=", "+", "-", "@")
    gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_forms_csv(forms: Iterable[dict[str, Any]], out: TextIO) -> None:
    """UTF-8 CSV (with a byte-order mark so spreadsheets read it as UTF-8), every field quoted
    where needed, one row per paper."""
    rows = [form_row(f) for f in forms]
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=_fieldnames(), quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)


def _fieldnames() -> list[str]:
    names = []
    for column in COLUMNS:
        names.append(column)
        if column not in ("doc", "title"):
            names.append(f"{column} evidence")
    return names


def write_forms_xlsx(forms: list[dict[str, Any]], mentions: list[Mention], path: Path) -> None:
    """An XLSX workbook: sheet "forms" (one row per paper, evidence beside each column) and sheet
    "mentions" (every mention of every paper, links as JSON)."""
    import pandas as pd

    rows = [form_row(f) for f in forms]
    forms_frame = pd.DataFrame(rows, columns=_fieldnames())
    mention_rows = []
    for m in mentions:
        d = m.to_dict()
        d["links"] = json.dumps(d["links"], ensure_ascii=False)
        mention_rows.append({key: spreadsheet_safe(value) for key, value in d.items()})
    mentions_frame = pd.DataFrame(mention_rows, columns=list(CONTRACT_KEYS + EXTRA_KEYS))
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        forms_frame.to_excel(writer, sheet_name="forms", index=False)
        mentions_frame.to_excel(writer, sheet_name="mentions", index=False)
