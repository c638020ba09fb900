"""Finding what a value belongs to in its context: timepoints and arms (patterns from
``patterns/links.json``), and the header cells of the table a value sits in.

These are pure functions over the document text; ``textmine.links.Linker`` decides which of
the candidates each value takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import regex

from textmine.document import Block, Cell
from textmine.rulebook import load_json


_NUMBER_WORD = (r"(?:and|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|"
                r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen)")
NUMBER_WORDS = _NUMBER_WORD + r"(?:-" + _NUMBER_WORD + r")?"  # "twenty-eight", not "two-level"
NUMBER_WORD = regex.compile(NUMBER_WORDS, regex.I)
# what separates a value from a phrase of another clause: "the low-dose arm received 10^7 cells
# and the high-dose arm 2 × 10^7", "VAS fell to 3.1 in the cell group, whereas in the sham group …"
COMMA = regex.compile(r"[,;]")
HEADER_SEPARATOR = regex.compile(r"\s*/\s*|\s+(?:vs\.?|versus)\s+", regex.I)
CLAUSE_BREAK = regex.compile(r"[,;]|\b(?:and|or|but|while|whereas|than|vs|versus)\b", regex.I)


@dataclass(frozen=True)
class Span:
    """A stretch of the document that a link may point at."""

    start: int
    end: int
    text: str


class RoleFinder:
    """The timepoint and arm phrases of a text (one compiled alternation per role)."""

    def __init__(self, directory: Path | None = None) -> None:
        data = load_json("links.json", directory)
        self.timepoint = _alternation(data["timepoint"])
        self.arm = _alternation(data["arm"])
        self.arm_not = _alternation([regex.escape(p) for p in data.get("arm_not", [])]) if data.get("arm_not") else None
        self.label_words = frozenset(w.lower() for w in data.get("table_label_words", []))
        self.boundary_words = frozenset(w.lower() for w in data.get("label_boundary_words", []))
        self.not_label_words = frozenset(w.lower() for w in data.get("label_not_words", []))
        self.after = regex.compile(data["label_after"], regex.I)
        self.population_noun = regex.compile(r"(?:" + data["population_nouns"] + r"|patient|animal|rat|rabbit|dog|goat|pig)",
                                             regex.I)
        self.study_mention = regex.compile(r"(?<![\w-])(?:" + data["study_mention"] + r")", regex.V1)
        self.study = regex.compile(r"\s*(?:" + data["study_label"] + r")\s*", regex.I)
        self.after_count = regex.compile(data["label_after_count"], regex.I)
        self.dose_object = regex.compile(data["dose_object"], regex.I)
        self.named_count = regex.compile(r"(?P<label>(?:[\p{L}][\p{L}\p{N}+/\-]*\s+){1,3}(?:" + data["population_nouns"]
                                         + r"))\s*$", regex.I)
        item = (r"(?=[\p{N}\-]*\p{L})[\p{L}\p{N}][\p{L}\p{N}+/\-]*(?:\s+(?!(?:at|in|on|with|from|after|before|by|for|to|was|were|and|or|vs|"
                r"versus|respectively)\b)[\p{L}\p{N}+/\-]+){0,3}")
        self.respectively = regex.compile(r"[\s,;(]*(?:" + data["respectively"] + r")\b", regex.I)
        self.arm_list = regex.compile(r"(?<![\w-])" + data["list_introducer"] + r"(?P<list>" + item + r"(?:\s*,\s*" + item
                                      + r")*,?\s+(?:and|or|vs\.?|versus)\s+" + item + r")(?:\s+(?:" + data["list_tail"]
                                      + r"))?\s*$", regex.I)
        self.list_tail = regex.compile(r"\s+(?:" + data["list_tail"] + r")$", regex.I)
        self.arm_list_within = regex.compile(r"(?<![\w-])" + self.arm_list.pattern.removeprefix(r"(?<![\w-])")
                                             .removesuffix(r"\s*$") + r"(?=[\s,;)])", regex.I)
        self.arm_list_sentence = regex.compile(self.arm_list_within.pattern.removesuffix(r"(?=[\s,;)])") + r"(?=[\s,;.)])",
                                               regex.I)  # a list that may end its sentence
        self.arm_list_after = regex.compile(r"\s*%?\)?\s*" + self.arm_list.pattern.removeprefix(r"(?<![\w-])")
                                            .removesuffix(r"\s*$") + r"(?=[\s,;.)]|$)", regex.I)

    def timepoints(self, text: str, start: int, end: int) -> list[Span]:
        return [Span(m.start(), m.end(), m.group()) for m in self.timepoint.finditer(text, start, end)]

    def arms(self, text: str, start: int, end: int) -> list[Span]:
        out = []
        for m in self.arm.finditer(text, start, end):
            if self.arm_not is not None and self.arm_not.match(text, m.start()):
                continue
            out.append(Span(m.start(), m.end(), m.group()))
        return out


    def studies(self, text: str, start: int, end: int) -> list[Span]:
        """The studies a review's paragraph names: "Karppinen and colleagues", "Yoon et al. (2021)"."""
        return [Span(m.start(), m.end(), m.group()) for m in self.study_mention.finditer(text, start, end)]

    def is_study(self, cell: Cell | None, text: str) -> bool:
        """Whether a row header names a study ("Kettunen 2017", "Present trial")."""
        return cell is not None and self.study.fullmatch(text, cell.start, cell.end) is not None

    def names_arm(self, text: str, cell: Cell, taken: list[tuple[int, int]], codes: bool = False) -> bool:
        """Whether a table header cell names a group: a word of two or more letters (with
        ``codes``, also a letter code such as "A" or "C1", for a column headed "Group") is left
        once ``taken`` (measure names, the value itself), timepoints, numbers, the table's label
        words and species or population nouns ("Rats", "Patients") are removed; a study's name
        ("Kettunen 2017") is no group."""
        if self.study.fullmatch(text, cell.start, cell.end):
            return False
        spans = taken + [(t.start, t.end) for t in self.timepoints(text, cell.start, cell.end)]
        for m in regex.finditer(r"\p{L}[\p{L}\p{N}'’+-]*", text[cell.start:cell.end]):
            a, b = cell.start + m.start(), cell.start + m.end()
            if any(s <= a and b <= e for s, e in spans):
                continue
            word = m.group().lower().strip("-")
            if word in self.label_words or self.population_noun.fullmatch(word):
                continue
            # a group's code: "C1 (n = 6)" under "Cohort", or the whole header ("A", "P2")
            whole = m.group() == COUNT_BRACKET.sub("", text[cell.start:cell.end]).strip()  # "C1 (n=6)" too
            if regex.fullmatch(r"\p{L}{2,}[\p{L}'’+-]*", word) or ((codes or whole) and regex.fullmatch(r"\p{L}{1,2}\p{N}{0,2}", word)):
                return True
        return False

    def label_in_brackets(self, text: str, end: int, limit: int) -> Span | None:
        """The group named in brackets right after a value: "JOA 13.9 → 25.4 (cells)"."""
        m = regex.match(r"\s*\((?P<label>\p{L}[\p{L}\p{N} +\-]*?)\s*\)", text[end:min(limit, end + 60)])
        if m is None or len(m.group("label").split()) > 4:
            return None
        a, b = end + m.start("label"), end + m.end("label")
        words = regex.findall(r"\p{L}[\p{L}\p{N}+\-]*", text[a:b])
        if self.timepoints(text, a, b) or all(w.lower() in self.label_words for w in words):
            return None
        return Span(a, b, text[a:b])

    def header_items(self, text: str, cell: Cell) -> list[Span] | None:
        """The groups a header lists in the order its cells give their values: "Patients,
        active/control" -> active, control; "Animals, n (cells/control)"; "DHI, cells vs control"."""
        body = text[cell.start:cell.end]
        inner = regex.search(r"\(([^()]*)\)\s*$", body)
        if inner and HEADER_SEPARATOR.search(inner.group(1)):
            a, b = cell.start + inner.start(1), cell.start + inner.end(1)
        else:  # "Patients, active/control": what follows the last comma
            a, b = cell.start + body.rfind(",") + 1, cell.end
        items, pos = [], a
        for m in [*HEADER_SEPARATOR.finditer(text, a, b), None]:
            stop = m.start() if m else b
            part = text[pos:stop].strip()
            if not regex.fullmatch(r"\p{L}[\p{L}\p{N} +'’-]*", part) or len(part.split()) > 3:
                return None
            start = text.index(part, pos, stop + 1)
            items.append(Span(start, start + len(part), part))
            pos = m.end() if m else b
        if len(items) < 2 or any(i.text.lower() in self.label_words or self.timepoints(text, i.start, i.end) for i in items):
            return None
        return items

    @staticmethod
    def list_position(text: str, cell: Cell, start: int, end: int, count: int) -> int | None:
        """Which of ``count`` parts of its cell a value is in, the parts being split by "/" or
        "vs" at the value's bracket depth: "30/28" -> 0, 1; "24 (12/12)" -> 0, 1 only for the
        bracketed counts; "RDQ 5.8 and 5.1 vs 9.4" -> 0, 0, 1."""
        a, b = cell.start, cell.end
        opened = text.rfind("(", cell.start, start)
        if opened >= 0 and ")" not in text[opened:start]:
            closed = text.find(")", end, cell.end)
            a, b = opened + 1, closed if closed >= 0 else cell.end
        depth, cuts = 0, []
        for m in regex.finditer(r"[()]|" + HEADER_SEPARATOR.pattern, text[a:b]):
            if m.group() == "(":
                depth += 1
            elif m.group() == ")":
                depth -= 1
            elif depth == 0:
                cuts.append(a + m.start())
        if len(cuts) + 1 != count:
            return None
        return sum(1 for cut in cuts if cut < start)

    def label_after(self, text: str, end: int, sentence_end: int, count: bool = False) -> Span | None:
        """The group named right after a value: "63.7 ± 7.2 with HA alone" -> "HA alone"; for a
        count also "40 to bone marrow concentrate"."""
        window = text[end:min(sentence_end, end + 80)]
        m = self.after.match(window) or (self.after_count.match(window) if count else None)
        if m is None:
            return None
        a, b = end + m.start("label"), end + m.end("label")
        if self.timepoints(text, a, b) or not any(w.lower() not in self.label_words
                                                  for w in regex.findall(r"\p{L}[\p{L}\p{N}]+", text[a:b])):
            return None
        return Span(a, b, text[a:b])

    def given(self, text: str, end: int, sentence_end: int) -> Span | None:
        """What a dose is of, when named right after it: "1 g of cefazolin" -> "cefazolin"."""
        m = self.dose_object.match(text[end:min(sentence_end, end + 80)])
        if m is None:
            return None
        a, b = end + m.start("label"), end + m.end("label")
        return Span(a, b, text[a:b])

    def count_label(self, text: str, start: int, end: int) -> Span | None:
        """The group a count names itself: "36 BMC patients" -> "BMC patients"."""
        value = text[start:end]
        digits = regex.search(r"\d", value)
        head = regex.match(r"\s*(?:[\p{L}]+[\s-])*?(?:\p{L}+|\d[\d,.]*)\s+", value) if not digits else \
            regex.match(r".*?\d[\d,.]*\s+", value)
        if head is None:
            return None
        if (alone := regex.fullmatch(r"((?i:controls?|saline|placebo|sham|(?:high|low|medium|mid|middle|intermediate)[- ]dose)"
                                     r"|\p{Lu}[\p{L}\p{N}+-]*\p{Lu}[\p{L}\p{N}+-]*)\s*",  # "26 ADCT", "11 MSC"
                                     value[head.end():])) is not None:
            return Span(start + head.end(), start + head.end() + len(alone.group(1)), alone.group(1))  # "45 controls", "30 high-dose"
        m = self.named_count.match(value, head.end())
        if m is None or m.start("label") != head.end():
            return None
        words = m.group("label").split()
        if any(NUMBER_WORD.fullmatch(w) for w in words[:-1]):
            return None  # "Two hundred and twenty-eight patients": all of it is the number
        if len(words) < 2 or all(w.lower() in self.label_words for w in words[:-1]):
            return None
        return Span(start + m.start("label"), start + m.end("label"), m.group("label"))

    def listed_after(self, text: str, end: int, sentence_end: int) -> list[Span] | None:
        """A list of groups right after the last of several values: "41.8 and 38.5 in the PRP and
        saline groups"."""
        m = self.arm_list_after.match(text[end:min(sentence_end, end + 120)])
        return self._items(m, end) if m else None

    def _items(self, m: regex.Match, base: int) -> list[Span] | None:
        items, offset = [], base + m.start("list")
        for part in regex.split(r"(\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|vs\.?|versus)\s+)", m.group("list")):
            if part and not regex.fullmatch(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|vs\.?|versus)\s+", part):
                items.append(Span(offset, offset + len(part), part))
            offset += len(part)
        if len(items) >= 2 and (tail := self.list_tail.search(items[-1].text)) and tail.start() > 0:
            last = items[-1]  # "the BMC and conservative arms": the groups are "BMC" and "conservative"
            items[-1] = Span(last.start, last.start + tail.start(), last.text[:tail.start()])
        return items if len(items) >= 2 else None

    def listed_arms(self, text: str, start: int, end: int) -> list[tuple[int, int, list[Span]]]:
        """The group lists a "respectively" in ``text[start:end]`` may refer to, with where the
        values they give groups to lie: before a list that ends at "respectively" ("… in the
        low-dose, high-dose and placebo arms, respectively"), or between an earlier list and
        the marker ("the ODI in the BMC and conservative arms was 22.9 and 33.9, respectively";
        the nearest such list first)."""
        out = []
        for marker in self.respectively.finditer(text, start, end):
            m = self.arm_list.search(text, start, marker.start())
            items = self._items(m, 0) if m else None
            if items:
                out.append((start, m.start("list"), items))
                continue
            within = [(m.end(), marker.start(), items) for m in self.arm_list_within.finditer(text, start, marker.start())
                      if (items := self._items(m, 0))]
            out.extend(within[::-1])
        return out

    def label_before(self, text: str, start: int, end: int, sentence_start: int) -> Span | None:
        """The group a bracketed value belongs to: "hyaluronan alone (n = 30)" -> "hyaluronan
        alone"; "(Modic I, n = 37)" -> "Modic I". ``None`` unless the value is in brackets."""
        opened = text.rfind("(", max(sentence_start, start - 40), start)
        if opened < 0 or ")" in text[opened:start]:
            return None
        inside = text[opened + 1:start]
        label = regex.match(r"\s*([\p{L}][\p{L}\s+\-]*?)\s*[,;:]\s*$", inside)
        if label and len(label.group(1).split()) <= 5:
            return Span(opened + 1 + label.start(1), opened + 1 + label.end(1), label.group(1))
        if inside.strip():
            return None
        words = list(regex.finditer(r"[\p{L}\p{N}][\p{L}\p{N}+'’\-]*", text[max(sentence_start, opened - 80):opened]))
        base = max(sentence_start, opened - 80)
        kept = []
        for w in reversed(words):
            gap = text[base + w.end():opened if not kept else kept[-1][0]]
            if regex.search(r"[,;:.()\[\]]", gap) or w.group().lower() in self.boundary_words or len(kept) == 6:
                break
            kept.append((base + w.start(), base + w.end()))
        while kept and text[kept[-1][0]:kept[-1][1]].lower() in ("the", "a", "an", "their", "its"):
            kept.pop()
        if not kept:
            return None
        a, b = kept[-1][0], kept[0][1]
        words = regex.findall(r"[\p{L}\p{N}][\p{L}\p{N}'’+\-]*", text[a:b])
        code = len(words) == 1 and regex.fullmatch(r"\p{Lu}{1,2}\p{N}{0,2}", words[0])  # "C2 (n = 5)"
        if not (code or any(w.lower() not in self.label_words for w in words if regex.search(r"\p{L}{2}", w))) \
                or any(w.lower() in self.not_label_words or w.isdigit() for w in words):
            return None
        return Span(a, b, text[a:b])


def _alternation(patterns: list[str]) -> regex.Pattern:
    return regex.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])", regex.I)


def nearest(spans: list[Span], start: int, end: int, after_bonus: int = 0, text: str | None = None,
            clause_penalty: int = 0, breaks: regex.Pattern = COMMA) -> Span | None:
    """The span closest to the value at ``start``–``end`` (by the gap between them); a span after
    the value counts ``after_bonus`` characters closer ("VAS fell to 21.9 at 36 months"), and one
    across ``breaks`` (a comma or semicolon, by default) ``clause_penalty`` characters further
    (given ``text``)."""
    best, best_gap = None, None
    for s in spans:
        if s.end <= start:
            gap = start - s.end
            between = (s.end, start)
        elif s.start >= end:
            gap = s.start - end - after_bonus
            between = (end, s.start)
        else:
            continue  # inside the value itself
        if best_gap is not None and gap >= best_gap:
            continue
        if clause_penalty and text is not None and breaks.search(text, between[0], between[1]):
            # a phrase after the value across a break opens the next clause ("…, and in the sham group")
            gap += clause_penalty * (2 if s.start >= end else 1)
        if best_gap is None or gap < best_gap:
            best, best_gap = s, gap
    return best


@dataclass(frozen=True)
class TablePlace:
    """Where a value sits in a table: its column's header cell and its row's first cell."""

    column_header: Cell | None
    row_header: Cell | None
    caption: Span | None = None
    cell: Cell | None = None  # the cell holding the value
    row_labels: tuple[Cell, ...] = ()  # the cells left of the value in its row, nearest first ("| VAS | 12 months | 3.1 |")
    corner: Cell | None = None  # the header of the row headers' column ("Group", "Study", "Cohort")


COUNT_BRACKET = regex.compile(r"\s*\(\s*n\s*=\s*\d+\s*\)\s*$")


def table_place(block: Block, offset: int, header: tuple[Cell, ...] | None = None) -> TablePlace | None:
    """The header cells of the table cell holding ``offset`` (``None`` outside a table's body).
    ``header``: the column headers of a table that has none of its own (its first row is data)."""
    if block.kind != "table" or not block.rows:
        return None
    body = block.rows if header is not None else block.rows[1:]
    header = header if header is not None else block.rows[0]
    row_header: Cell | None = None
    for row in body:
        if row and row[0].text.strip():
            row_header = row[0]  # an empty first cell continues the row label above
        for col, cell in enumerate(row):
            if cell.start <= offset < max(cell.end, cell.start + 1):
                column = header[col] if col < len(header) else None
                return TablePlace(column if col > 0 else None, row_header if col > 0 else None, cell=cell,
                                  row_labels=tuple(row[1:col][::-1]), corner=header[0] if header else None)
    for col, cell in enumerate(header):
        if cell.start <= offset < cell.end:
            return TablePlace(None, None, cell=cell)
    return None


def is_data_row(row: tuple[Cell, ...]) -> bool:
    """Whether a table's first row is data, not a header: a label, then only numbers (not years)
    ("Overall Number of Participants Analyzed   37   38")."""
    values = [c.text.strip() for c in row[1:]]
    return len(row) >= 2 and bool(row[0].text.strip()) and all(
        regex.match(r"[-−]?\d", v) and not regex.fullmatch(r"(?:19|20)\d\d", v) for v in values)


def inherited_header(blocks: Sequence[Block], block: Block) -> tuple[Cell, ...] | None:
    """The column headers a table with none takes from the nearest table above it with as many
    columns and a header of its own: a registry record prints its groups once and then one small
    table per outcome measure."""
    if not block.rows or not is_data_row(block.rows[0]):
        return None
    width = len(block.rows[0])
    for other in reversed([b for b in blocks if b.kind == "table" and b.end <= block.start and b.rows]):
        head = other.rows[0]
        if not is_data_row(head) and len(head) == width and all(c.text.strip() for c in head[1:]):
            return head
    return None
