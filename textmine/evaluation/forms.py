"""Form accuracy (issue [5/6]): the forms ``textmine form`` fills, against forms curators filled.

``gold/forms/*.jsonl`` holds one form per document (see ``gold/forms/GUIDELINES.md``): the
study's sample size, its longest follow-up in months and the doses it gave. A form field is right
when:

- ``sample_size``: the same integer (or both empty);
- ``follow_up_months``: the same number of months to one decimal (or both empty);
- ``doses``: every dose of the gold form is among the form's doses — the same unit and the same
  value within 1% (a range by its low and high ends). A paper with no gold dose is right when the
  form gives none either.

Accuracy is right fields over all fields (three per document); dose recall is over gold doses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textmine.errors import TextmineError
from textmine.evaluation.gold import GoldDoc, source_path
from textmine.parse import load_document
from textmine.records import FormRules, form_of

FORM_FIELDS = ("sample_size", "follow_up_months", "doses")
DOSE_TOLERANCE = 0.01


@dataclass
class FormReport:
    split: str
    right: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FORM_FIELDS})
    documents: int = 0
    doses_found: int = 0
    doses_gold: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        total = self.documents * len(FORM_FIELDS)
        return sum(self.right.values()) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"split": self.split, "documents": self.documents, "right": dict(self.right),
                "accuracy": round(self.accuracy, 4), "doses_found": self.doses_found, "doses_gold": self.doses_gold,
                "errors": self.errors}


def load_form_gold(directory: Path) -> list[dict[str, Any]]:
    """Every gold form of ``directory`` (``*.jsonl``), checked for its keys."""
    forms = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                form = json.loads(line)
            except json.JSONDecodeError as exc:
                raise TextmineError(f"{path}:{n}: not JSON ({exc.msg})") from None
            missing = [k for k in ("doc", *FORM_FIELDS) if k not in form]
            if missing:
                raise TextmineError(f"{path}:{n}: a gold form needs {', '.join(missing)}")
            forms.append(form)
    return forms


def same_dose(gold: dict[str, Any], found: dict[str, Any]) -> bool:
    """Whether a form's dose is the gold dose: the same unit, and value (or low and high) within 1%."""
    if (gold.get("unit") or "").lower() != (found.get("unit") or "").lower():
        return False

    def close(a: float | None, b: float | None) -> bool:
        return a is not None and b is not None and abs(a - b) <= DOSE_TOLERANCE * max(abs(a), abs(b), 1e-12)

    if gold.get("high") is not None:  # a range: its ends
        return close(gold.get("value"), found.get("low")) and close(gold.get("high"), found.get("high"))
    return found.get("high") is None and close(gold.get("value"), found.get("value"))


def _months_equal(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return round(float(a), 1) == round(float(b), 1)


def evaluate_forms(gold_forms: list[dict[str, Any]], gold_docs: list[GoldDoc], pipeline, split: str = "all",
                   root: Path | None = None) -> FormReport:
    """Fill the form of every gold form's document in ``split`` and count the right fields."""
    by_doc = {d.doc: d for d in gold_docs}
    rules = FormRules.load()
    report = FormReport(split)
    for gold in gold_forms:
        doc = by_doc.get(gold["doc"])
        if doc is None or (split != "all" and doc.split != split):
            continue
        path = source_path(doc.source, root)
        if not path.exists():
            continue
        form = form_of(load_document(path), pipeline, rules)[0]
        report.documents += 1
        checks = {
            "sample_size": gold["sample_size"] == form["sample_size"],
            "follow_up_months": _months_equal(gold["follow_up_months"], form["follow_up_months"]),
        }
        missed = [d for d in gold["doses"] if not any(same_dose(d, f) for f in form["doses"])]
        report.doses_gold += len(gold["doses"])
        report.doses_found += len(gold["doses"]) - len(missed)
        checks["doses"] = not missed if gold["doses"] else not form["doses"]
        for name, ok in checks.items():
            report.right[name] += ok
            if not ok:
                found = form[name] if name != "doses" else [_dose_words(f) for f in form["doses"]]
                expected = gold[name] if name != "doses" else [_dose_words(d) for d in gold["doses"]]
                report.errors.append({"doc": gold["doc"], "field": name, "gold": expected, "form": found,
                                      "missed": [_dose_words(d) for d in missed] if name == "doses" else None})
    return report


def _dose_words(d: dict[str, Any]) -> str:
    value = f"{d.get('value')}" if d.get("high") is None else f"{d.get('value') if d.get('value') is not None else d.get('low')}–{d.get('high')}"
    return f"{value} {d.get('unit')}" + (f"/{d['per']}" if d.get("per") else "")


def render_forms(report: FormReport, errors: bool = False) -> str:
    lines = [f"form accuracy ({report.documents} documents of gold/forms, split {report.split}; right fields / fields):"]
    for name in FORM_FIELDS:
        lines.append(f"  {name:<17} {report.right[name] / report.documents if report.documents else 0:.3f}"
                     f"  ({report.right[name]}/{report.documents})")
    lines.append(f"  {'all fields':<17} {report.accuracy:.3f}  ({sum(report.right.values())}/{report.documents * len(FORM_FIELDS)})")
    lines.append(f"  doses found       {report.doses_found / report.doses_gold if report.doses_gold else 0:.3f}"
                 f"  ({report.doses_found}/{report.doses_gold} gold doses)")
    if errors:
        for e in report.errors:
            lines.append(f"  WRONG {e['doc']} {e['field']}: gold {e['gold']}, form {e['form']}")
    return "\n".join(lines) + "\n"
