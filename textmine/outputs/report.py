"""The evidence report (``textmine report FILE -o report.html``): one self-contained HTML page per
paper where a curator checks every value against its source.

The page shows the document's text with every mention highlighted by field (hover, focus or click
one for its normalised value, rule and links), the paper's extraction form beside it (each cell's
evidence is a button that scrolls to its span and flashes it), and the paper's entities with their
ids. For PDFs, page numbers are shown where the page changes.

Nothing is loaded from anywhere: the CSS and JS (``report.css``, ``report.js`` beside this module)
are inline, and a Content-Security-Policy allows only those two, by hash. Everything that comes from
the document or from values is escaped: text and attributes with ``html.escape``, and the JSON the
script reads with ``script_json`` (so ``</script>`` in a paper cannot end the script).

Spans may overlap (a count inside an entity, an entity crossing a value): ``markup`` nests the
elements and splits a span that crosses another; the first part of a span carries its id, every
part its ``data-ref``.

>>> from textmine.document import Document
>>> markup(Document("a 3-year study", "<text>", "text"), [Mark(2, 8, "m-2-8", "mark mention f-follow_up")])
'a <span id="m-2-8" data-ref="m-2-8" class="mark mention f-follow_up">3-year</span> study'
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

from textmine.document import Document
from textmine.errors import TextmineError
from textmine.links.entities import Entity
from textmine.mentions import FIELDS, Mention
from textmine.outputs.writers import describe

FIELD_LABELS = {"sample_size": "sample size", "dose": "dose", "score": "score", "follow_up": "follow-up"}
STYLED_BLOCKS = ("heading", "table")  # block kinds the page styles (bold headings, monospaced tables)
# the nesting order of marks over the same span: block, then value, then other evidence, then entity
RANK = {"block": 0, "mention": 1, "evidence": 2, "entity": 3}
QUOTE_CHARS = 48  # how much of an evidence quote a form button shows
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                 "\u2028": "\\u2028", "\u2029": "\\u2029"})

Target = Callable[[dict[str, Any]], "str | None"]  # an evidence item -> the id of its element


@dataclass(frozen=True)
class Mark:
    """A span of the text to wrap in an element. ``ref`` is its id (``None`` for a styled block)."""

    start: int
    end: int
    ref: str | None
    classes: str
    attrs: tuple[tuple[str, str], ...] = ()
    rank: int = RANK["mention"]


# --- escaping ---------------------------------------------------------------------------------

def esc(value: Any) -> str:
    """Text or an attribute value, escaped for HTML (quotes too)."""
    return html.escape(str(value), quote=True)


def attributes(pairs: Iterable[tuple[str, Any]]) -> str:
    """``name="value"`` pairs, values escaped; ``None`` values left out. Names are ours, never the document's."""
    return "".join(f' {name}="{esc(value)}"' for name, value in pairs if value is not None)


def script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028 and U+2029 as \\u escapes.

    >>> script_json({"t": "</script>"})
    '{"t":"\\\\u003c/script\\\\u003e"}'
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).translate(_SCRIPT_ESCAPES)


# --- the marks: which spans become elements ---------------------------------------------------

class Marks:
    """The spans to mark in a text, the details the page's script shows for each, and where each
    span's element is (so the form's evidence can point at it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks: list[Mark] = []
        self.details: dict[str, dict[str, Any]] = {}
        self._by_span: dict[tuple, str] = {}

    def add(self, start: int, end: int, prefix: str, kind: str, classes: str, attrs: tuple, details: dict) -> str | None:
        """Mark ``text[start:end]``; its id is ``<prefix>-<start>-<end>`` (``-2``, ``-3`` … for a repeat)."""
        if not (0 <= start < end <= len(self.text)):
            return None
        ref, n = f"{prefix}-{start}-{end}", 1
        while ref in self.details:
            n += 1
            ref = f"{prefix}-{start}-{end}-{n}"
        self.marks.append(Mark(start, end, ref, f"mark {kind} {classes}".strip(), attrs, RANK[kind]))
        self.details[ref] = {"kind": kind, **details}
        self._by_span.setdefault((start, end, details.get("field")), ref)
        self._by_span.setdefault((start, end), ref)
        return ref

    def mention(self, m: Mention) -> str | None:
        value = describe(m)
        return self.add(m.start, m.end, "m", "mention", f"f-{m.field}",
                        (("data-field", m.field), ("data-rule", m.rule), ("data-value", value), ("tabindex", "0")),
                        {"field": m.field, "label": FIELD_LABELS.get(m.field, m.field), "text": m.text, "value": value,
                         "rule": m.rule, "page": m.page, "links": [_link(link) for link in m.links]})

    def entity(self, e: Entity, page: int | None = None) -> str | None:
        return self.add(e.start, e.end, "e", "entity", "",
                        (("data-field", "entity"), ("data-entity", e.id), ("tabindex", "-1")),
                        {"field": "entity", "label": f"entity · {e.type}", "text": e.text, "id": e.id, "name": e.name,
                         "type": e.type, "page": page})

    def target(self, item: dict[str, Any]) -> str | None:
        """The element of an evidence item: the mention or entity of its span, else a mark of its own."""
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            return None
        field = item.get("field")
        ref = self._by_span.get((start, end, field)) or self._by_span.get((start, end))
        if ref is not None:
            return ref
        return self.add(start, end, "x", "evidence", "",
                        (("data-field", field), ("data-rule", item.get("rule")), ("tabindex", "-1")),
                        {"field": field, "label": f"evidence · {field}", "text": self.text[start:end],
                         "value": self.text[start:end], "rule": item.get("rule"), "page": item.get("page")})


def _link(link) -> dict[str, Any]:
    return {"role": link.role, "text": link.text, "id": link.id, "name": link.name}


def block_marks(document: Document) -> list[Mark]:
    """The blocks the page styles: headings bold, tables monospaced so their columns line up."""
    return [Mark(b.start, b.end, None, f"blk blk-{b.kind}", (), RANK["block"])
            for b in document.blocks if b.kind in STYLED_BLOCKS and 0 <= b.start < b.end <= len(document.text)]


def page_changes(document: Document) -> dict[int, int]:
    """Where a new page starts: offset -> page number (empty for documents without pages)."""
    if document.geometry is not None:  # a PDF: every character knows its page
        starts = [(offset, document.page_at(offset)) for offset in range(len(document.text))]
    else:
        starts = sorted((b.start, b.page) for b in document.blocks if b.page is not None)
    changes: dict[int, int] = {}
    last = None
    for offset, page in starts:
        if page is not None and page != last:
            changes[offset] = page
            last = page
    return changes


# --- the text with its marks ------------------------------------------------------------------

def _open_tag(mark: Mark, first: bool) -> str:
    """A mark's opening tag; only its first part carries the id (and is a tab stop)."""
    attrs = [(name, value) for name, value in mark.attrs if first or name != "tabindex"]
    return f"<span{attributes([('id', mark.ref if first else None), ('data-ref', mark.ref), ('class', mark.classes)] + attrs)}>"


def _page_tag(page: int) -> str:
    return f'<span class="page-mark" data-page="{esc(page)}" role="note" aria-label="page {esc(page)}"></span>'


def markup(document: Document, marks: list[Mark], pages: dict[int, int] | None = None) -> str:
    """The document's text as HTML, each mark an element, a page marker where a page starts.

    Elements always nest: at each offset the marks that end close (with any opened inside them,
    which reopen as further parts), then the marks that start open, longest outermost."""
    text = document.text
    pages = pages or {}
    starting: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        starting[mark.start].append(mark)
    cuts = sorted({0, len(text), *starting, *(m.end for m in marks), *(p for p in pages if 0 <= p < len(text))})
    out: list[str] = []
    stack: list[Mark] = []
    seen: set[str] = set()
    for pos, nxt in zip(cuts, cuts[1:] + [len(text)]):
        reopen = _close_ending(stack, pos, out)
        if pos in pages:
            out.append(_page_tag(pages[pos]))
        for mark in sorted(reopen + starting.get(pos, []), key=lambda m: (-m.end, m.rank)):
            out.append(_open_tag(mark, first=mark.ref is not None and mark.ref not in seen))
            if mark.ref is not None:
                seen.add(mark.ref)
            stack.append(mark)
        out.append(esc(text[pos:nxt]))
    out.append("</span>" * len(stack))
    return "".join(out)


def _close_ending(stack: list[Mark], pos: int, out: list[str]) -> list[Mark]:
    """Close the marks that end at ``pos`` and everything opened inside them; return those of the
    closed that go on (to reopen as their next part)."""
    ending = [i for i, mark in enumerate(stack) if mark.end <= pos]
    if not ending:
        return []
    depth = ending[0]
    closed = stack[depth:]
    del stack[depth:]
    out.append("</span>" * len(closed))
    return [mark for mark in closed if mark.end > pos]


# --- the side panel ---------------------------------------------------------------------------

def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


def evidence_buttons(items: Iterable[dict[str, Any]] | None, cell: str, target: Target) -> str:
    """One button per evidence item: its quote and page; clicking scrolls to and flashes its span."""
    buttons = []
    for item in items or ():
        ref = target(item)
        if ref is None:
            continue
        page = f" · p. {item['page']}" if item.get("page") is not None else ""
        label = f"“{_quote(item.get('text', ''))}”{page}"
        buttons.append(f"<button type=\"button\" class=\"ev\"{attributes([('data-target', ref), ('data-cell', cell), ('title', item.get('sentence') or item.get('text'))])}>"
                       f"{esc(label)}</button>")
    return " ".join(buttons)


def _cell(value: Any, buttons: str = "", extra: str = "") -> str:
    if value is None or value == "":
        return '<td class="empty">not found</td>'
    return f'<td><span class="val">{esc(value)}</span>{extra} {buttons}</td>'


def _row(label: str, cell: str, content: str) -> str:
    return f'<tr data-row="{esc(cell)}"><th scope="row">{esc(label)}</th>{content}</tr>'


def _concept(thing: dict[str, Any] | None) -> tuple[str | None, str]:
    """A named thing's value and its id in small print: "patients", " Humans MESH:D006801"."""
    if not thing:
        return None, ""
    note = " ".join(esc(x) for x in (thing.get("name"), thing.get("id")) if x and x != thing.get("text"))
    return thing.get("text"), f' <span class="sub">{note}</span>' if note else ""


def _by_rule(items: list[dict[str, Any]] | None, rule: str) -> list[dict[str, Any]]:
    return [item for item in items or () if item.get("rule") == rule]


def _by_field(items: list[dict[str, Any]] | None, field: str) -> list[dict[str, Any]]:
    return [item for item in items or () if item.get("field") == field]


def study_rows(form: dict[str, Any], target: Target) -> str:
    """The study-level cells: design, sample size, follow-up, population, intervention, comparator."""
    ev = form.get("evidence") or {}
    months = form.get("follow_up_months")
    rows = [_row("Design", "design", _cell(form.get("design"), evidence_buttons(ev.get("design"), "design", target))),
            _row("Sample size", "sample_size",
                 _cell(form.get("sample_size"), evidence_buttons(ev.get("sample_size"), "sample_size", target))),
            _row("Follow-up", "follow_up_months",
                 _cell(None if months is None else f"{months:g} months",
                       evidence_buttons(ev.get("follow_up_months"), "follow_up_months", target)))]
    population = form.get("population") or {}
    for key, label in (("species", "Population"), ("condition", "Condition")):
        value, note = _concept(population.get(key))
        items = _by_rule(ev.get("population"), f"entity:{(population.get(key) or {}).get('id')}")
        rows.append(_row(label, f"population.{key}", _cell(value, evidence_buttons(items, f"population.{key}", target), note)))
    intervention = form.get("intervention") or {}
    value, note = _concept(intervention or None)
    rows.append(_row("Intervention", "intervention", _cell(
        value, evidence_buttons(_by_field(ev.get("intervention"), "entity"), "intervention", target), note)))
    for key, label in (("source", "Source"), ("route", "Route")):
        rows.append(_row(label, f"intervention.{key}", _cell(
            intervention.get(key), evidence_buttons(_by_field(ev.get("intervention"), key), f"intervention.{key}", target))))
    rows.append(_row("Comparator", "comparator",
                     _cell(form.get("comparator"), evidence_buttons(ev.get("comparator"), "comparator", target))))
    return f'<table class="form">{"".join(rows)}</table>'


def arms_table(arms: list[dict[str, Any]] | None, target: Target) -> str:
    """The groups: name (and concept id), n where given, and the evidence of each."""
    if not arms:
        return '<p class="empty">No groups found.</p>'
    return f'<table class="form">{"".join(_arm_row(arm, target) for arm in arms)}</table>'


def _arm_row(arm: dict[str, Any], target: Target) -> str:
    concept = f"<br><code>{esc(arm['id'])}</code>" if arm.get("id") else ""
    n = f"n = {esc(arm['n'])}" if arm.get("n") is not None else '<span class="empty">n not given</span>'
    return (f'<tr data-row="arm"><th scope="row">{esc(arm.get("name"))}{concept}</th>'
            f"<td>{n} {evidence_buttons(arm.get('evidence'), 'arm', target)}</td></tr>")


def value_list(values: list[dict[str, Any]] | None, mentions: dict[tuple, Mention], cell: str, target: Target) -> str:
    """Doses or scores: each in words, with what it belongs to and a button to its span."""
    if not values:
        return '<p class="empty">None found.</p>'
    items = []
    for v in values:
        m = mentions.get((v.get("start"), v.get("end"), v.get("field")))
        words = describe(m) if m is not None else v.get("text", "")
        context = "; ".join(f"{link['role']}: {link['text']}" for link in v.get("links") or () if link.get("role") != "measure")
        items.append(f"<li><span class=\"val\">{esc(words)}</span>"
                     + (f' <span class="sub">{esc(context)}</span>' if context else "")
                     + f" {evidence_buttons([v], cell, target)}</li>")
    return f'<ul class="items">{"".join(items)}</ul>'


def form_panel(form: dict[str, Any], mentions: list[Mention], target: Target) -> str:
    by_span = {(m.start, m.end, m.field): m for m in mentions}
    scores = form.get("scores") or []
    return ("<section><h2>Extraction form</h2>" + study_rows(form, target) + "</section>"
            + "<section><h2>Groups</h2>" + arms_table(form.get("arms"), target) + "</section>"
            + "<section><h2>Doses</h2>" + value_list(form.get("doses"), by_span, "doses", target) + "</section>"
            + f"<section><details><summary><h2>Outcomes ({len(scores)})</h2></summary>"
            + value_list(scores, by_span, "scores", target) + "</details></section>")


def entity_panel(entities: list[Entity], marks: Marks) -> str:
    """One line per concept, most mentioned first: name, id, type, count and the wordings printed;
    the name jumps to its first mention and flashes them all."""
    groups: dict[str, list[Entity]] = {}
    for e in entities:
        groups.setdefault(e.id, []).append(e)
    if not groups:
        return '<section><h2>Entities</h2><p class="empty">None found.</p></section>'
    lines = []
    for eid, found in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        first = marks.target({"start": found[0].start, "end": found[0].end, "field": "entity"})
        wordings = ", ".join(dict.fromkeys(e.text for e in found))
        lines.append(f"<li><button type=\"button\" class=\"ent\"{attributes([('data-target', first), ('data-entity', eid)])}>"
                     f"{esc(found[0].name)}</button> <code>{esc(eid)}</code> <span class=\"sub\">{esc(found[0].type)}</span> "
                     f"<span class=\"count\" data-entity-count=\"{esc(eid)}\">×{len(found)}</span> "
                     f"<span class=\"sub\">({esc(wordings)})</span></li>")
    return f'<section><h2>Entities ({len(groups)})</h2><ul class="entities">{"".join(lines)}</ul></section>'


def legend(mentions: list[Mention]) -> str:
    """The colour of each field with its count; a checkbox shows or hides that field's highlights."""
    counts = {field: sum(m.field == field for m in mentions) for field in FIELDS}
    items = [f'<li><label><input type="checkbox" checked data-toggle="{field}"> <span class="swatch f-{field}"></span> '
             f'{esc(FIELD_LABELS[field])} <span class="count" data-field-count="{field}">{counts[field]}</span></label></li>'
             for field in FIELDS]
    items += ['<li><label><input type="checkbox" checked data-toggle="entity"> <span class="swatch entity"></span> entity</label></li>',
              '<li><label><input type="checkbox" checked data-toggle="evidence"> <span class="swatch evidence"></span> '
              'other evidence</label></li>']
    return f'<section><h2>Highlights</h2><ul class="legend">{"".join(items)}</ul></section>'


# --- the page ---------------------------------------------------------------------------------

def _asset(name: str) -> str:
    return resources.files("textmine.outputs").joinpath(name).read_text(encoding="utf-8")


def _sha256(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(css: str, js: str) -> str:
    """Nothing but the page's own style and script, by hash: no network, no injected script."""
    return (f"default-src 'none'; style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; "
            "img-src 'none'; base-uri 'none'; form-action 'none'")


def _summary(document: Document, mentions: list[Mention], entities: list[Entity], pages: dict[int, int]) -> str:
    parts = [document.source, document.format, f"{len(mentions)} values", f"{len(entities)} entity mentions"]
    if pages:
        first, last = min(pages.values()), max(pages.values())
        parts.append(f"pages {first}–{last}" if last > first else f"page {first}")
    return " · ".join(esc(p) for p in parts)


def render_report(document: Document, mentions: list[Mention], entities: list[Entity], form: dict[str, Any]) -> str:
    """The evidence report of one paper as a self-contained HTML page."""
    marks = Marks(document.text)
    for m in mentions:
        marks.mention(m)
    for e in entities:
        marks.entity(e, document.page_at(e.start))
    side = legend(mentions) + form_panel(form, mentions, marks.target) + entity_panel(entities, marks)
    pages = page_changes(document)  # after the panels: their evidence may add marks of its own
    body = markup(document, marks.marks + block_marks(document), pages)
    css, js = _asset("report.css"), _asset("report.js")
    title = form.get("title") or document.source
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(content_security_policy(css, js))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} — textmine evidence report</title><style>{css}</style></head>\n"
        f'<body><header class="top"><h1>{esc(title)}</h1><p>{_summary(document, mentions, entities, pages)}</p></header>\n'
        f'<div class="layout"><main id="text" aria-label="document text">{body}</main>\n'
        f'<aside class="panel" aria-label="extraction form">{side}</aside></div>\n'
        '<div id="tip" role="status" hidden></div>\n'
        f'<script type="application/json" id="report-data">{script_json(marks.details)}</script>\n'
        f"<script>{js}</script></body></html>\n")


def write_report(source: Path, output: Path, pipeline=None) -> None:
    """Read a paper, extract its values, entities and form, and write its evidence report.

    Raises ``TextmineError`` (one line naming the file) for a paper that cannot be read or a
    report that cannot be written."""
    from textmine.api import default_pipeline
    from textmine.parse import load_document
    from textmine.records import form_of

    document = load_document(Path(source))
    form, mentions, entities = form_of(document, pipeline or default_pipeline())
    page = render_report(document, mentions, entities, form)
    try:
        Path(output).write_text(page, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise TextmineError(f"{output}: cannot write: {exc.strerror or exc}") from None
