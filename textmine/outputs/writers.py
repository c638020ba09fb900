"""Write mentions as JSONL, CSV or a readable terminal table."""

from __future__ import annotations

import csv
import json
from typing import Iterable, TextIO

from textmine.mentions import CONTRACT_KEYS, EXTRA_KEYS, Mention

FORMATS = ("jsonl", "csv", "table")


def write_jsonl(mentions: Iterable[Mention], out: TextIO) -> None:
    for m in mentions:
        out.write(json.dumps(m.to_dict(), ensure_ascii=False) + "\n")


def write_csv(mentions: Iterable[Mention], out: TextIO, header: bool = True) -> None:
    """RFC 4180 CSV, every field quoted where needed; links as a JSON string."""
    writer = csv.DictWriter(out, fieldnames=list(CONTRACT_KEYS + EXTRA_KEYS), quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writeheader()
    for m in mentions:
        row = m.to_dict()
        row["links"] = json.dumps(row["links"], ensure_ascii=False)
        writer.writerow(row)


def describe(m: Mention) -> str:
    """The normalised value in words: "2e+07 cells/disc", "VAS 82.1 → 21.9", "48–72 months"."""

    def num(x: float | None) -> str:
        if x is None:
            return "?"
        if abs(x) >= 1e5:
            return f"{x:.3g}"
        return f"{x:g}" if x == int(x) else f"{x:.4g}"

    def with_sd(x, sd):
        return num(x) + (f" ± {num(sd)}" if sd is not None else "")

    if m.before is not None or m.after is not None:
        core = f"{with_sd(m.before, m.before_sd) if m.before is not None else '…'} → {with_sd(m.after, m.after_sd)}"
    elif m.value is not None:
        core = with_sd(m.value, m.sd)
        if m.low is not None:
            core += f" ({num(m.low)}–{num(m.high)})"
    elif m.low is not None:
        core = f"{num(m.low)}–{num(m.high)}"
    else:
        core = "?"
    if m.measure:
        core = f"{m.measure} {core}"
    if m.unit:
        core += f" {m.unit}"
    if m.per:
        core += f"/{m.per}"
    return core


def write_table(mentions: list[Mention], out: TextIO) -> None:
    """A plain-text table grouped by document: field, value, exact text, rule."""
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc, []).append(m)
    for doc, items in by_doc.items():
        out.write(f"\n{doc}  ({len(items)} mentions)\n")
        rows = [(m.field, describe(m), m.text.replace("\n", " "), m.rule) for m in items]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(("field", "value", "text", "rule"))]
        widths[2] = min(widths[2], 44)
        line = "  ".join(f"{h:<{w}}" for h, w in zip(("field", "value", "text", "rule"), widths))
        out.write(line + "\n" + "  ".join("-" * w for w in widths) + "\n")
        for r in rows:
            text = r[2] if len(r[2]) <= widths[2] else r[2][: widths[2] - 1] + "…"
            out.write("  ".join(f"{c:<{w}}" for c, w in zip((r[0], r[1], text, r[3]), widths)).rstrip() + "\n")
