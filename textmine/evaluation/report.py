"""Render an evaluation ``Report`` as a readable table (or JSON via ``Report.as_dict``)."""

from __future__ import annotations

import io

from textmine.evaluation.evaluate import Report


def render_table(report: Report, errors: bool = False, by_rule: bool = False) -> str:
    out = io.StringIO()
    out.write(f"split: {report.split}   documents: {len(report.documents)}")
    if report.skipped:
        out.write(f"   skipped: {len(report.skipped)} ({'; '.join(report.skipped)})")
    out.write("\n\n")
    head = f"{'field':<12} {'':>3}  {'span: TP':>8} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6} {'F1':>6}   {'value: TP':>9} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6} {'F1':>6}"
    out.write(head + "\n" + "-" * len(head) + "\n")
    rows = [(f, report.counts["span"][f], report.counts["value"][f]) for f in report.fields]
    rows.append(("micro", report.micro("span"), report.micro("value")))
    for name, s, v in rows:
        out.write(f"{name:<12} {'':>3}  {s.tp:>8} {s.fp:>4} {s.fn:>4} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
                  f"   {v.tp:>9} {v.fp:>4} {v.fn:>4} {v.precision:>6.3f} {v.recall:>6.3f} {v.f1:>6.3f}\n")
    out.write("\nlinks over value-matched mentions (correct / gold links; correct = same id, overlapping span or\n"
              "the same words; 'by place' counts only id or span):\n")
    for role, c in report.links.items():
        total = c.tp + c.fn
        acc = f"{c.tp / total:.3f}" if total else "  n/a"
        placed = report.links_by_place.get(role)
        where = f"   by place {placed.tp / total:.3f}" if placed is not None and total else ""
        out.write(f"  {role:<12} {acc}  ({c.tp}/{total}){where}\n")
    if any(report.mismatched_keys.values()):
        out.write("\nspan matches with other values, by the key that differs:\n")
        for f, c in report.mismatched_keys.items():
            if c:
                out.write(f"  {f:<12} " + ", ".join(f"{k} {n}" for k, n in c.most_common()) + "\n")
    if by_rule:
        out.write("\nper rule (value matching):\n")
        for rule, c in sorted(report.by_rule.items(), key=lambda kv: (-kv[1]["tp"] - kv[1]["fp"], kv[0])):
            out.write(f"  {rule:<30} TP {c['tp']:>4}  FP {c['fp']:>4}\n")
    if errors:
        out.write(f"\nerrors ({len(report.errors)}):\n")
        for e in sorted(report.errors, key=lambda e: (e.doc, e.label, e.kind)):
            rule = f" rule={e.rule}" if e.rule else ""
            out.write(f"\n{e.kind} {e.label:<11} {e.doc}{rule}\n   {e.text}\n   {e.sentence}\n   ({e.detail})\n")
    return out.getvalue()
