"""The evidence report (issue [5/6], ``textmine report FILE -o report.html``): every value highlighted
by field, form cells that point at their evidence, spans that overlap, page markers, escaping of
whatever a paper contains — and, where Chromium and Playwright are installed, the page itself in a
real browser: offline, clickable, and running nothing from the document."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textmine.document import Block, Document
from textmine.errors import TextmineError
from textmine.links.entities import Entity
from textmine.mentions import FIELDS, Link, Mention
from textmine.outputs.report import Mark, markup, page_changes, render_report, script_json, write_report
from textmine.outputs.writers import describe
from textmine.parse import load_document, parse_text
from textmine.records import build_form

PDF_FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
CHROMIUM = Path("/usr/bin/chromium")

TRIAL = """# Injected nucleus cells for painful disc degeneration: a small randomised trial (fictional)

## Abstract

We randomised 64 patients with chronic low back pain and a single degenerated disc to an intradiscal
injection of autologous nucleus pulposus cells or to a sham procedure. Each treated disc received
5 × 10^6 cells in 1.5 mL of carrier. Pain was rated on a visual analogue scale (VAS, 0–100).

In the cell group the VAS fell from 68.2 ± 9.1 at baseline to 31.5 ± 12.4 at 12 months, against
66.9 ± 10.3 to 49.8 ± 14.0 after sham. Patients were followed for 24 months, and no serious
adverse event was attributed to the cells.

## Discussion

A single injection of cultured nucleus cells eased pain more than a sham procedure did, and the
difference held until the last visit. The trial was small, the cells came from the patients' own
discs, and the sham could not hide the harvest from everyone involved, so the size of the effect
should be read with care.

Blinding was kept for the people who rated pain and for the statistician, but not for the surgeons.
A harvest leaves a scar that a patient can feel, and some of those given the sham may have guessed
which group they were in; a larger trial with a harvest in both groups would settle the question.

Imaging was not an outcome here. Whether the treated discs kept their height or their water signal
is a matter for the follow-up study now being planned, which will also ask how long the relief lasts
and whether a second injection helps those whose pain comes back.

We thank the patients who took part and the nurses of the spine unit for their care.
"""

HOSTILE_TRIAL = """# A trial of <script>window.__pwned=4</script> cells

We randomised 40 patients <script>window.__pwned=1</script> to cells or a sham injection.
Each disc received 2 mL of carrier "><img src=x onerror="window.__pwned=2"> under fluoroscopy.
Patients were followed for 12 months.
"""


# --- reading the page back ----------------------------------------------------------------------

VOID = {"meta", "br", "input", "img", "link", "hr", "wbr"}


class Page(HTMLParser):
    """A report read back: element ids, form buttons, the text of each mark, the text of the
    document pane, and whether every element closed where it should."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.buttons: list[dict[str, str]] = []
        self.marks: list[dict[str, str]] = []       # the first part of each mark (the element with its id)
        self.text_of: dict[str, str] = {}          # data-ref -> the text of all its parts
        self.pages: list[tuple[str, int]] = []     # (page number, offset in the document text)
        self.scripts: list[str] = []
        self.document_text = ""
        self.shown = ""                            # all text and attribute values outside scripts
        self.errors: list[str] = []
        self._stack: list[tuple[str, str | None, bool]] = []  # (tag, data-ref, in the document pane)
        self._script: list[str] | None = None
        self.feed(page)
        self.close()

    def _in_text(self) -> bool:
        return bool(self._stack) and self._stack[-1][2]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.shown += " ".join(v for v in a.values() if v)
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']}")
            self.ids.add(a["id"])
        if tag == "button":
            self.buttons.append(a)
        if a.get("data-ref") and "id" in a:
            self.marks.append(a)
        if a.get("class") == "page-mark":
            self.pages.append((a["data-page"], len(self.document_text)))
        if tag == "script":
            self._script = []
        if tag not in VOID:
            self._stack.append((tag, a.get("data-ref"), self._in_text() or a.get("id") == "text"))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self._stack or self._stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self._stack[-1][0] if self._stack else 'nothing'}")
            return
        self._stack.pop()
        if tag == "script":
            self.scripts.append("".join(self._script or []))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        else:
            self.shown += data
        if self._in_text():
            self.document_text += data
            for ref in dict.fromkeys(ref for _, ref, _ in self._stack if ref):
                self.text_of[ref] = self.text_of.get(ref, "") + data

    def target(self, cell: str) -> list[str]:
        return [b["data-target"] for b in self.buttons if b.get("data-cell") == cell]


@dataclass
class Report:
    document: Document
    mentions: list[Mention]
    entities: list[Entity]
    form: dict
    html: str
    page: Page = field(init=False)

    def __post_init__(self):
        self.page = Page(self.html)


def report_of(pipeline, text: str, name: str = "trial.md") -> Report:
    document = parse_text(text, name, "markdown")
    mentions = pipeline.analyse(document).mentions
    entities = pipeline.entities(document)
    form = build_form(document, mentions, entities)
    return Report(document, mentions, entities, form, render_report(document, mentions, entities, form))


@pytest.fixture(scope="module")
def trial(pipeline) -> Report:
    return report_of(pipeline, TRIAL)


def mention(text: str, field: str, start: int, end: int, **values) -> Mention:
    return Mention("<text>", field, text[start:end], start, end, text, values.pop("rule", f"test.{field}"), **values)


# --- highlights and the form --------------------------------------------------------------------

@pytest.mark.parametrize("field", FIELDS)
def test_every_value_is_highlighted_with_its_field(trial, field):
    found = [m for m in trial.mentions if m.field == field]
    assert found, f"the trial text should give a {field}"
    marks = {a["id"]: a for a in trial.page.marks if a.get("data-field") == field}
    for m in found:
        element = marks[f"m-{m.start}-{m.end}"]
        assert f"f-{field}" in element["class"].split()
        assert element["data-value"] == describe(m) and element["data-rule"] == m.rule
        assert trial.page.text_of[element["id"]] == m.text
    assert len(marks) == len(found)
    assert f'data-field-count="{field}">{len(found)}<' in trial.html  # the legend counts them


def test_the_page_shows_the_document_text_exactly(trial):
    assert trial.page.errors == []
    assert trial.page.document_text == trial.document.text


@pytest.mark.parametrize("cell, expected", [
    ("design", "RCT"),
    ("sample_size", 64),
    ("follow_up_months", 24),
    ("doses", None),
    ("scores", None),
    ("population.species", None),
    ("intervention", None),
])
def test_a_form_cell_points_at_its_evidence_in_the_text(trial, cell, expected):
    key = cell.split(".")[0]
    if expected is not None:
        assert trial.form[key] == expected
    targets = trial.page.target(cell)
    assert targets, f"no evidence button for {cell}"
    quotes = {item["text"] for item in trial.form["evidence"][key]}
    for ref in targets:
        assert ref in trial.page.ids
        assert trial.page.text_of[ref] in quotes


def test_every_button_points_at_an_element_that_exists(trial):
    targets = [b["data-target"] for b in trial.page.buttons if "data-target" in b]
    assert len(targets) >= len(trial.form["evidence"])
    assert set(targets) <= trial.page.ids


def test_evidence_that_is_not_a_value_gets_an_element_of_its_own(trial):
    (ref,) = trial.page.target("design")
    assert ref.startswith("x-")  # "randomised … trial" is no mention, yet the cell jumps to it
    assert trial.page.text_of[ref] == trial.form["evidence"]["design"][0]["text"]


def test_entities_are_listed_with_their_ids_and_counts(trial):
    counts: dict[str, int] = {}
    for e in trial.entities:
        counts[e.id] = counts.get(e.id, 0) + 1
    assert counts
    for eid, n in counts.items():
        assert f'data-entity-count="{eid}">×{n}<' in trial.html
        button = next(b for b in trial.page.buttons if b.get("data-entity") == eid)
        assert button["data-target"] in trial.page.ids


def test_the_page_loads_nothing_and_allows_only_its_own_style_and_script(trial):
    assert not re.search(r"<link|\b(src|href)\s*=|@import|url\(|https?://", trial.html, re.I)
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', trial.html).group(1))
    style = re.search(r"<style>(.*?)</style>", trial.html, re.S).group(1)
    code = trial.page.scripts[-1]

    def digest(source: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()

    assert "default-src 'none'" in policy
    assert f"style-src '{digest(style)}'" in policy and f"script-src '{digest(code)}'" in policy


# --- overlapping spans --------------------------------------------------------------------------

SPANS = "the 120 enrolled patients received cells"


@pytest.mark.parametrize("spans", [
    pytest.param([(4, 25), (8, 25)], id="nested, same end"),
    pytest.param([(4, 16), (8, 25)], id="crossing"),
    pytest.param([(4, 25), (4, 25)], id="identical"),
    pytest.param([(4, 7), (7, 16)], id="adjacent"),
    pytest.param([(0, 40), (4, 16), (8, 25), (17, 34)], id="a chain of crossings inside a whole"),
])
def test_overlapping_spans_nest_and_keep_their_text(spans):
    document = Document(SPANS, "<text>", "text")
    marks = [Mark(start, end, f"m-{i}", "mark mention") for i, (start, end) in enumerate(spans)]
    page = Page(f'<main id="text">{markup(document, marks)}</main>')
    assert page.errors == []
    assert page.document_text == SPANS
    assert {f"m-{i}" for i in range(len(spans))} <= page.ids  # each mark's first part carries its id
    for i, (start, end) in enumerate(spans):
        assert page.text_of[f"m-{i}"] == SPANS[start:end]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(SPANS)), st.integers(0, len(SPANS))), max_size=8))
def test_any_spans_give_well_formed_markup(pairs):
    spans = [(min(a, b), max(a, b)) for a, b in pairs if a != b]
    marks = [Mark(start, end, f"m-{i}", "mark") for i, (start, end) in enumerate(spans)]
    page = Page(f'<main id="text">{markup(Document(SPANS, "<text>", "text"), marks)}</main>')
    assert page.errors == [] and page.document_text == SPANS
    for i, (start, end) in enumerate(spans):
        assert page.text_of[f"m-{i}"] == SPANS[start:end]


def test_a_value_inside_an_entity_and_an_entity_across_a_value_both_render(pipeline):
    text = "Twenty patients with back pain were enrolled."
    mentions = [mention(text, "sample_size", 0, 15, value=20)]
    entities = [Entity(7, 15, "patients", "MESH:D006801", "Humans", "species"),
                Entity(12, 30, "ents with back pain", "MESH:D001416", "Back Pain", "disease")]
    page = Page(render_report(Document(text, "<text>", "text"), mentions, entities, {"evidence": {}}))
    assert page.errors == [] and page.document_text == text
    assert page.text_of["m-0-15"] == "Twenty patients"
    assert page.text_of["e-7-15"] == "patients" and page.text_of["e-12-30"] == text[12:30]


# --- pages --------------------------------------------------------------------------------------

def paged(pages: list[int | None]) -> Document:
    """A document of one paragraph per page number given."""
    paragraphs = [f"Paragraph {i} says what happened." for i in range(len(pages))]
    text = "\n\n".join(paragraphs)
    blocks, at = [], 0
    for paragraph, page in zip(paragraphs, pages):
        blocks.append(Block("paragraph", at, at + len(paragraph), page=page))
        at += len(paragraph) + 2
    return Document(text, "paged.pdf", "pdf", tuple(blocks))


@pytest.mark.parametrize("pages, shown", [
    ([1, 1, 2, 3], [("1", 0), ("2", 2), ("3", 3)]),
    ([4, 5], [("4", 0), ("5", 1)]),
    ([None, 1, 1], [("1", 1)]),
    ([None, None], []),
])
def test_a_page_number_is_shown_where_the_page_changes(pages, shown):
    document = paged(pages)
    page = Page(render_report(document, [], [], {"evidence": {}}))
    starts = [b.start for b in document.blocks]
    assert page.pages == [(number, starts[block]) for number, block in shown]
    assert page.document_text == document.text  # the markers add no text of their own


def test_a_pdf_shows_its_pages():
    document = load_document(PDF_FIXTURES / "two_column_rct.pdf")
    assert page_changes(document) == {0: 1}
    assert Page(render_report(document, [], [], {"evidence": {}})).pages == [("1", 0)]


def test_text_without_pages_shows_none(trial):
    assert trial.page.pages == [] and "page-mark" not in trial.html.split("<main", 1)[1]


# --- escaping -----------------------------------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</script><script>alert(1)</script>",
           "<SCRIPT>alert(1)</SCRIPT>\u2028\u2029"]


def hostile_report(where: str, bad: str) -> str:
    """A report with ``bad`` in one place where a paper or a value can put text."""

    def at(place: str, fine: str | None) -> str | None:
        return bad if where == place else fine

    text = f"Forty patients {at('text', 'in all')} were enrolled. Each disc received 2 mL."
    n = text.index(" were")
    mentions = [mention(text, "sample_size", 0, n, value=40, rule=at("rule", "ss.count"), measure=at("measure", None),
                        links=(Link("arm", at("link", "cells"), 0, 5, at("link", None)),)),
                mention(text, "dose", text.index("2 mL"), text.index("2 mL") + 4, value=2, unit="mL")]
    entities = [Entity(6, 14, "patients", at("entity id", "MESH:D006801"), at("entity name", "Humans"), "species")]
    count = {"field": "sample_size", "text": text[:n], "start": 0, "end": n, "page": None, "sentence": text,
             "rule": "ss.count"}
    form = {"title": at("title", "A trial"), "design": at("form value", "RCT"), "sample_size": 40,
            "arms": [{"name": at("arm", "cells"), "id": None, "n": 40, "evidence": [count]}],
            "evidence": {"sample_size": [count],
                         "design": [{"field": "design", "text": "Forty", "start": 0, "end": 5, "page": None,
                                     "sentence": at("evidence sentence", text), "rule": at("evidence rule", "design:RCT")}]}}
    return render_report(Document(text, at("file name", "paper.md"), "text"), mentions, entities, form)


IN_DETAILS = ("text", "rule", "link", "measure", "entity id", "entity name", "evidence rule")  # what the tip shows


@pytest.mark.parametrize("bad", HOSTILE, ids=["script", "attribute breakout", "script close", "upper case"])
@pytest.mark.parametrize("where", [*IN_DETAILS, "file name", "title", "form value", "arm", "evidence sentence"])
def test_hostile_text_is_shown_as_text_never_as_markup(where, bad):
    out = hostile_report(where, bad)
    lowered = out.lower()
    assert "<script>alert" not in lowered and "<img" not in lowered and "</script><script>" not in lowered
    assert lowered.count("<script") == 2 and lowered.count("</script>") == 2  # the page's own data and code
    page = Page(out)
    assert page.errors == []
    if where in IN_DETAILS:  # the escaped JSON still says exactly what the paper said
        assert bad in json.dumps(json.loads(page.scripts[0]), ensure_ascii=False)
    else:
        assert bad in page.shown


@pytest.mark.parametrize("value", ["</script>", "<!--", "a & b", "\u2028", "\u2029", "<b>"])
def test_json_in_a_script_escapes_what_could_end_or_break_it(value):
    out = script_json({"text": value})
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(out) == {"text": value}


# --- writing ------------------------------------------------------------------------------------

def test_write_report_writes_a_page(tmp_path, pipeline):
    source = tmp_path / "trial.md"
    source.write_text(TRIAL, encoding="utf-8")
    output = tmp_path / "report.html"
    write_report(source, output, pipeline)
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert Page(page).document_text == TRIAL


@pytest.mark.parametrize("source, output, problem", [
    ("missing.md", "report.html", "no such file"),
    ("empty.md", "report.html", "empty file"),
    ("trial.md", "no/such/folder/report.html", "cannot write"),
])
def test_write_report_names_the_file_and_the_problem(tmp_path, pipeline, source, output, problem):
    (tmp_path / "trial.md").write_text(TRIAL, encoding="utf-8")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    with pytest.raises(TextmineError, match=problem) as caught:
        write_report(tmp_path / source, tmp_path / output, pipeline)
    assert Path(source).name in str(caught.value) or Path(output).name in str(caught.value)
    assert not (tmp_path / "report.html").exists()


# --- in a real browser --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(f"browser tests need Playwright (pip install playwright): {exc}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A report open in the browser, and everything it asked for or complained about."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser):
    contexts = []

    def open_report(path: Path, width: int = 1100, height: int = 640) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page, path.resolve().as_uri())
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.goto(seen.url)
        assert page.evaluate("document.body.dataset.ready") == "1", "the report's own script did not run"
        return seen

    yield open_report
    for context in contexts:
        context.close()


IN_VIEW = """id => { const r = document.getElementById(id).getBoundingClientRect();
                    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""


@pytest.mark.slow
def test_the_report_works_in_a_browser(tmp_path, pipeline, visit):
    source, output = tmp_path / "trial.md", tmp_path / "report.html"
    source.write_text(TRIAL, encoding="utf-8")
    write_report(source, output, pipeline)
    mentions = pipeline.analyse(load_document(source)).mentions
    seen = visit(output)
    page = seen.page

    colours = set()
    for field_ in FIELDS:
        expected = [m for m in mentions if m.field == field_]
        highlights = page.locator(f'#text [id^="m-"][data-field="{field_}"]')
        assert highlights.count() == len(expected) >= 1
        assert highlights.first.is_visible()
        assert page.locator(f'[data-field-count="{field_}"]').inner_text() == str(len(expected))
        colours.add(highlights.first.evaluate("e => getComputedStyle(e).backgroundColor"))
    assert len(colours) == len(FIELDS) and "rgba(0, 0, 0, 0)" not in colours  # one colour per field

    button = page.locator('button[data-cell="sample_size"]').first
    target = button.get_attribute("data-target")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert not page.evaluate(IN_VIEW, target), "the evidence should start out of view"
    button.click()
    assert page.evaluate(IN_VIEW, target)
    assert {"current", "flash"} <= set(page.locator(f"#{target}").get_attribute("class").split())
    assert "64" in page.locator("#tip").inner_text()

    page.keyboard.press("Escape")
    dose = next(m for m in mentions if m.field == "dose")
    page.hover(f"#m-{dose.start}-{dose.end}")
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert describe(dose) in tip.inner_text() and dose.rule in tip.inner_text()

    score = next(m for m in mentions if m.field == "score" and m.links)
    page.click(f"#m-{score.start}-{score.end}")
    details = tip.inner_text()
    assert describe(score) in details and score.rule in details
    for link in score.links:
        assert f"{link.role}: {link.text}" in details and (link.id is None or link.id in details)

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert seen.requests == [seen.url] and seen.dialogs == [] and seen.errors == []


@pytest.mark.slow
def test_a_hostile_paper_runs_nothing_in_a_browser(tmp_path, pipeline, visit):
    source = tmp_path / 'x"><img src=x onerror="window.__pwned=3">.md'
    source.write_text(HOSTILE_TRIAL, encoding="utf-8")
    output = tmp_path / "hostile.html"
    write_report(source, output, pipeline)
    seen = visit(output)
    page = seen.page

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert seen.dialogs == [] and seen.errors == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    shown = page.locator("#text").inner_text()
    assert "<script>window.__pwned=1</script>" in shown and '"><img src=x onerror="window.__pwned=2">' in shown
    assert "<script>window.__pwned=4</script>" in page.locator("h1").inner_text()
    assert 'onerror="window.__pwned=3"' in page.locator("header").inner_text()
    assert seen.requests == [seen.url]


@pytest.mark.slow
def test_hostile_values_in_the_details_run_nothing_in_a_browser(tmp_path, visit):
    script, img = "<script>window.__pwned=6</script>", '"><img src=x onerror="window.__pwned=7">'
    text = f"Forty {script} patients {img} were enrolled."
    mentions = [mention(text, "sample_size", 0, text.index(" were"), value=40, rule=img,
                        links=(Link("arm", script, 0, 5, img, script),))]
    entities = [Entity(text.index("patients"), text.index("patients") + 8, "patients", img, script, "species")]
    output = tmp_path / "details.html"
    output.write_text(render_report(Document(text, "details.md", "text"), mentions, entities, {"evidence": {}}),
                      encoding="utf-8")
    seen = visit(output)
    page, tip = seen.page, seen.page.locator("#tip")
    page.click(f"#m-0-{text.index(' were')}")
    assert script in tip.inner_text() and img in tip.inner_text()  # the mention's text, rule and link
    page.keyboard.press("Escape")
    page.hover(f"#e-{entities[0].start}-{entities[0].end}")
    assert script in tip.inner_text() and img in tip.inner_text()  # the entity's name and id
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert seen.dialogs == [] and seen.errors == [] and seen.requests == [seen.url]
