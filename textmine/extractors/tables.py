"""Tables: run every pattern inside each cell, then read what only the headers explain.

A cell "10" under the header "n" is a sample size; "36" under "Follow-up (months)" is a
follow-up; "7.1 ± 1.2" under "VAS at 12 months" is a VAS score. Header patterns are data
in ``patterns/tables.json``. Each row of a table is its cells' "sentence".
"""

from __future__ import annotations

from typing import Callable

import regex

from textmine import regex_cache
from textmine.document import Block, Cell
from textmine.extractors import dose, follow_up, sample_size, score
from textmine.extractors.engine import Candidate, Region, resolve_overlaps
from textmine.rulebook import RuleBook, expand, load_json
from textmine.values.numbers import NumberFormatError, first_number, parse_number
from textmine.values.quantities import duration_factor, normalise_per, parse_cells, parse_duration, parse_volume

RunField = Callable[[str, Region], list[Candidate]]
_SCALE_BEFORE = regex.compile(r"(?:×|\bx|\*)\s*$")


def _exponent(text: str) -> int:
    from textmine.values.numbers import words

    return int("".join(words().superscripts.get(ch, ch) for ch in text))


def _site_per(m: regex.Match | None) -> regex.Match | None:
    """A caption's per, if it names a disc or level (a caption's "per animal" is usually the group size)."""
    return m if m is not None and normalise_per(next(g for g in m.groups() if g)) in ("disc", "level") else None


_BRACKETED_COUNT = regex.compile(r"(?<=\(\s*)\d+(?=\s*\))")


class TableReader:
    def __init__(self, book: RuleBook):
        data = load_json("tables.json", book.directory)
        self.headers = {k: regex_cache.compile(v, regex.I) for k, v in data.items() if not k.startswith("_")}
        m = self.macros = book.macros
        self.count = regex_cache.compile(expand(r"^\s*(?:{COUNT})\s*$", m), regex.I)
        tag = r"(?:\s+(?:analy[sz]ed|reviewed|evaluable|evaluated|completed|treated)|(?:\s+[A-Za-z][\w+-]{0,15}){1,2}(?=\s*[/,;)]))?"
        # "24 (16/8)", "30/28", "100 (33/34/33); 83 analysed", "117 (100 reviewed)", "64 (32 PRP / 32 BMC)"
        self.counts = regex_cache.compile(rf"^\s*\d+{tag}(?:\s*(?:[(/+,;]|\)\s*[,;/]?)\s*\d+{tag})+\s*\)?\s*$", regex.I)
        self.number = regex_cache.compile(expand(r"^\s*(?P<value>{DEC})(?P<sd>{SD})?\s*%?\s*$", m), regex.I)
        self.amount = regex_cache.compile(expand(r"^\s*(?:{AMOUNT_RANGE}|{AMOUNT})\s*$", m), regex.I)
        self.duration = regex_cache.compile(expand(r"^\s*(?:{TIMEPOINT})\s*$", m), regex.I)  # "36 months", "Month 18"
        self.duration_lead = regex_cache.compile(expand(r"^\s*(?P<d>{DURATION})(?=\s*[,;]\s)", m), regex.I)  # "24 weeks, with visits …"
        # "mean 38 months (range 30–46)", "31 mo (8-60)", "up to 5 y", "5 years after injection"
        self.duration_cell = regex_cache.compile(expand(
            r"^\s*(?:(?:mean|median|average|up\s+to|about|approx\.?|≥|>=)\s*)?(?P<d>{DURATION}|{DEC}(?=\s*(?:±|\+/-)\s*{DEC}\s*(?:{DURATION_UNIT})))(?:\s*(?:±|\+/-)\s*(?P<sd>{DEC})\s*(?P<u>{DURATION_UNIT}))?"
            r"(?:\s*\(\s*(?:range|IQR)?[:,]?\s*(?P<lo>{DEC})\s*(?:-|to)\s*(?P<hi>{DEC})(?:\s*(?:{DURATION_UNIT}))?\s*\))?"
            r"(?:\s+(?:after|post|from)\s+[\w-]+(?:\s+[\w-]+)?)?\s*$", m), regex.I)
        # "4 and 6 wk", "2, 4 and 6 weeks", "6 or 12" (unit in the header), "day 7, 14 and 28": the last time is the end
        self.duration_list = regex_cache.compile(expand(
            r"^\s*(?:(?P<u1>{DURATION_UNIT})\s*)?(?:{DEC}\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*))+(?P<last>{DEC})\s*(?P<u2>{DURATION_UNIT})?\s*$", m), regex.I)
        self.plain_range = regex_cache.compile(expand(r"^\s*{DEC}\s*(?:-|to)\s*{DEC}\s*$", m), regex.I)
        self.value_range = regex_cache.compile(expand(
            r"^\s*(?P<value>{DEC})\s*[(\[]\s*(?:range[:,]?\s*)?(?P<low>{DEC})\s*(?:-|to|,)\s*(?P<high>{DEC})\s*[)\]]\s*$", m), regex.I)

    def read(self, text: str, folded: str, block: Block, run_field: RunField, finder: score.MeasureFinder,
             caption: str = "") -> list[Candidate]:
        """Candidates in a table; ``caption`` (the table's title) may name the measure of its values."""
        if not block.rows:
            return []
        header = block.rows[0]
        caption_measure = finder.measure_of(caption) if caption else None
        out: list[Candidate] = []
        header_span = block.row_spans[0]
        for cell in header:  # header cells may hold values too: "| BM-MSC (n = 34) |", "Low dose (5.0E+06)"
            if cell.end > cell.start:
                region = Region(folded, cell.start, cell.end, (header_span,))
                out += run_field("sample_size", region)
                out += [c for c in run_field("dose", region)  # not the scale of a column: "Cells (× 10^6)"
                        if not _SCALE_BEFORE.search(folded, cell.start, c.start)]
        sd_columns = {i for i, cell in enumerate(header) if self.headers["sd_column"].search(cell.text)}
        row_header = ""
        for row, (row_start, row_end) in zip(block.rows[1:], block.row_spans[1:]):
            # an empty first cell continues the row header above ("| VAS | baseline | … |" then "| | 6 months | … |")
            row_header = (row[0].text if row else "").strip() or row_header
            for col, cell in enumerate(row):
                if cell.end <= cell.start or col in sd_columns:
                    continue  # an SD column's numbers belong to the value beside them
                col_header = header[col].text if col < len(header) else ""
                region = Region(folded, cell.start, cell.end, ((row_start, row_end),))
                found: list[Candidate] = []
                for label in ("sample_size", "dose", "follow_up"):
                    found += run_field(label, region)
                found += dose.list_items([c for c in found if c.field == "dose"], region, self.macros)
                scores = run_field("score", region)
                header_measure = (finder.measure_of(col_header) or (finder.measure_of(row_header) if col > 0 else None)
                                  or (caption_measure if col > 0 else None))
                counts = self.headers["sample_size"].search(col_header) or (col > 0 and self.headers["sample_size"].search(row_header))
                if self.headers["not_score"].search(col_header) or counts:  # "Change", "p", "n": not values of a scale
                    scores, header_measure = [], None
                found += score.assign_measures(scores, region, finder, header_measure)
                if not found:
                    found += self._by_header(folded, cell, col_header, header_measure, region, row_label=col == 0)
                if not found and col > 0 and self.headers["count_by_row"].search(col_header) \
                        and self.headers["row_is_group"].search(row_header) and self.count.match(folded[cell.start:cell.end]):
                    found.append(Candidate("sample_size", cell.start, cell.end, "ss.table_column",  # "| Week 4 | 5 |" under "Cells, n"
                                           {"value": sample_size.parse_count(folded[cell.start:cell.end])}))
                if not found and col > 0:  # the row's first cell as header: "| Follow-up | 12 months |", "| Patients, n | 58 | 55 |"
                    found += self._by_header(folded, cell, row_header, header_measure, region)
                if col + 1 in sd_columns and col + 1 < len(row):  # "| 31.2 | 14.8 |" under "PRP mean | PRP SD"
                    sd = self.number.match(folded[row[col + 1].start:row[col + 1].end])
                    for c in found:
                        if c.field == "score" and "value" in c.values and c.values.get("sd") is None and sd and not sd.group("sd"):
                            c.values["sd"] = parse_number(sd.group("value"))
                ci = self.headers["confidence_interval"]
                if ci.search(caption) or ci.search(col_header) or ci.search(row_header):
                    for c in found:  # "7.1 (6.7–7.5)" under "mean (95% CI)": the range is a confidence interval
                        if c.field == "score" and c.values.get("value") is not None:
                            c.values["low"] = c.values["high"] = None
                per = self.headers["per_from_header"].search(col_header) or (col > 0 and self.headers["per_from_header"].search(row_header)) \
                    or _site_per(self.headers["per_from_header"].search(caption))  # "Table 1. Groups (doses are per disc)"
                if per:  # "Cells per disc (× 10^6)", "Volume per disc (µL)"
                    for c in found:
                        if c.field == "dose" and not c.values.get("per"):
                            c.values["per"] = normalise_per(next(g for g in per.groups() if g))
                out += found
        return resolve_overlaps(out)

    def _by_header(self, folded: str, cell: Cell, col_header: str, measure: str | None, region: Region,
                   row_label: bool = False) -> list[Candidate]:
        value_text = folded[cell.start:cell.end]
        unit = self.headers["unit_from_header"].search(col_header)
        try:
            if self.headers["sample_size"].search(col_header):
                if self.count.match(value_text):
                    return [Candidate("sample_size", cell.start, cell.end, "ss.table_column",
                                      {"value": sample_size.parse_count(value_text)})]
                if self.counts.match(value_text):  # "24 (16/8)": the total and each arm
                    return [Candidate("sample_size", cell.start + n.start(), cell.start + n.end(), "ss.table_column",
                                      {"value": int(n.group())}) for n in regex.finditer(r"\d+", value_text)]
            if self.headers["arm_counts"].search(col_header):  # "PRP (32) vs contrast agent (31)" under "Arms (n)"
                found = [Candidate("sample_size", cell.start + n.start(), cell.start + n.end(), "ss.table_arm_count",
                                   {"value": sample_size.parse_count(n.group())})
                         for n in _BRACKETED_COUNT.finditer(value_text)]
                if found:
                    return found
            if self.headers["follow_up"].search(col_header) and not row_label:  # a row label is its row's time
                vr = self.value_range.match(value_text)
                if self.duration.match(value_text):
                    q = parse_duration(value_text)
                elif unit and vr:  # "24 (23–27)" under "Follow-up, months (median, range)"
                    factor = duration_factor(unit.group(1))
                    return [Candidate("follow_up", cell.start, cell.end, "fu.table_column",
                                      {"value": parse_number(vr.group("value")) * factor, "low": parse_number(vr.group("low")) * factor,
                                       "high": parse_number(vr.group("high")) * factor, "unit": "months"})]
                elif unit and (self.number.match(value_text) or self.plain_range.match(value_text)):
                    q = parse_duration(f"{value_text} {unit.group(1)}")
                elif cell_match := self.duration_cell.match(value_text):
                    q = parse_duration(cell_match.group("d") + (" " + cell_match.group("u") if cell_match.group("u") else ""))
                    values = {"value": q.value, "low": q.low, "high": q.high, "unit": "months"}
                    if cell_match.group("sd") and q.value is not None:  # "mean 9.1 ± 3.0 months"
                        values["sd"] = parse_number(cell_match.group("sd")) * duration_factor(cell_match.group("u"))
                    lead_number = first_number(cell_match.group("d"))  # None for "two years": no range is read
                    if cell_match.group("lo") and q.value is not None and lead_number:
                        factor = q.value / lead_number
                        low, high = parse_number(cell_match.group("lo")) * factor, parse_number(cell_match.group("hi")) * factor
                        if low <= q.value <= high:
                            values["low"], values["high"] = low, high
                    return [Candidate("follow_up", cell.start + cell_match.start("d"), cell.end, "fu.table_column", values)]
                elif not row_label and (times := self.duration_list.match(value_text)) \
                        and (times.group("u1") or times.group("u2") or unit):  # a row label's list is the row's timepoints
                    factor = duration_factor(times.group("u1") or times.group("u2") or unit.group(1))
                    return [Candidate("follow_up", cell.start, cell.end, "fu.table_column",
                                      {"value": parse_number(times.group("last")) * factor, "unit": "months"})]
                elif lead := self.duration_lead.match(value_text):
                    q = parse_duration(lead.group("d"))
                    return [Candidate("follow_up", cell.start + lead.start("d"), cell.start + lead.end("d"), "fu.table_column",
                                      {"value": q.value, "low": q.low, "high": q.high, "unit": "months"})]
                else:
                    return []
                return [Candidate("follow_up", cell.start, cell.end, "fu.table_column",
                                  {"value": q.value, "low": q.low, "high": q.high, "unit": "months"})]
            scale = self.headers["dose_scale_from_header"].search(col_header)
            nm = self.number.match(value_text)
            if self.headers["dose"].search(col_header) and scale and nm:
                factor = 10 ** _exponent(next(g for g in scale.groups() if g))  # "Cells (× 10^6), mean ± SD" over "42 ± 9"
                values = {"value": parse_number(nm.group("value")) * factor, "low": None, "high": None, "unit": "cells", "per": None}
                if nm.group("sd"):
                    values["sd"] = score._sd(nm.group("sd")) * factor
                return [Candidate("dose", cell.start, cell.end, "dose.table_column", values)]
            if self.headers["volume"].search(col_header) and unit and unit.group(1).lower() in ("ml", "µl") and nm and not nm.group("sd"):
                q = parse_volume(f"{nm.group('value')} {unit.group(1)}")  # "Injectate (mL)" over "3.0"
                return [Candidate("dose", cell.start, cell.end, "dose.table_column",
                                  {"value": q.value, "low": None, "high": None, "unit": "mL", "per": None})]
            if self.headers["dose"].search(col_header) and self.amount.match(value_text):
                q = parse_cells(value_text)
                if (q.value or q.low or 0) < dose.MIN_BARE_CELLS:
                    return []
                return [Candidate("dose", cell.start, cell.end, "dose.table_column",
                                  {"value": q.value, "low": q.low, "high": q.high, "unit": "cells", "per": None})]
            vr = self.value_range.match(value_text)
            if measure and vr:  # "15 (12–18)" under "RDQ, median (IQR)"
                return [Candidate("score", cell.start, cell.end, "score.table_cell",
                                  {"value": parse_number(vr.group("value")), "low": parse_number(vr.group("low")),
                                   "high": parse_number(vr.group("high")), "measure": measure})]
            m = self.number.match(value_text)
            if measure and m:
                sd = m.group("sd")
                return [Candidate("score", cell.start, cell.end, "score.table_cell",
                                  {"value": parse_number(m.group("value")), "sd": score._sd(sd), "measure": measure})]
        except (NumberFormatError, KeyError):
            return []
        return []
