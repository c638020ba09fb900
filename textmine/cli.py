"""The ``textmine`` command line.

    textmine extract FILE... [--format jsonl|csv|table] [-o OUT]
    textmine form FILE... [--format jsonl|csv|xlsx] [-o OUT]
    textmine report FILE -o REPORT_HTML
    textmine entities FILE... [--format table|jsonl] [--kb KB] [-o OUT]
    textmine kb build MESH_XML -o KB
    textmine scan PATH... -o STORE [--workers N] [--scheduler ADDRESS] [--glob PATTERN] [--retry-failed]
    textmine export STORE --format parquet|csv|xlsx|jsonl [--what mentions|records|entities|documents] [-o OUT]

Errors are one line on stderr naming the file and the problem; other files are still
processed, and the exit code is 1 if any file failed (2 for a usage error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence, TextIO

from textmine import __version__
from textmine.errors import TextmineError
from textmine.mentions import FIELDS
from textmine.outputs.forms import FORM_FORMATS
from textmine.outputs.writers import FORMATS, write_csv, write_jsonl, write_table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="textmine", description="Extract sample sizes, doses, scores and follow-up durations from papers.")
    parser.add_argument("--version", action="version", version=f"textmine {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = sub.add_parser("extract", help="extract mentions from Markdown or text files")
    ex.add_argument("files", nargs="+", metavar="FILE")
    ex.add_argument("--format", choices=FORMATS, default="jsonl", help="output format (default: jsonl)")
    ex.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")

    fm = sub.add_parser("form", help="a pre-filled extraction form per paper, with the evidence of every value")
    fm.add_argument("files", nargs="+", metavar="FILE")
    fm.add_argument("--format", choices=FORM_FORMATS, default="jsonl",
                    help="jsonl: one form per line; csv/xlsx: one row per paper, evidence beside each column (default: jsonl)")
    fm.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output (required for xlsx)")

    rp = sub.add_parser("report", help="a self-contained HTML page: the paper with every value highlighted, and its form")
    rp.add_argument("file", metavar="FILE")
    rp.add_argument("-o", "--output", required=True, metavar="REPORT_HTML")

    en = sub.add_parser("entities", help="the entities of each document, with ontology ids and mention counts")
    en.add_argument("files", nargs="+", metavar="FILE")
    en.add_argument("--format", choices=("table", "jsonl"), default="table",
                    help="table: one line per entity and document; jsonl: one line per document")
    en.add_argument("--kb", metavar="KB", help="also link to this knowledge base (a folder written by `textmine kb build`)")
    en.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")

    kb = sub.add_parser("kb", help="build a knowledge base to link entities beyond the domain lexicon")
    kbsub = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    kbb = kbsub.add_parser("build", help="a knowledge base from a MeSH descriptor XML file (desc20XX.xml)")
    kbb.add_argument("mesh_xml", metavar="MESH_XML")
    kbb.add_argument("-o", "--output", required=True, metavar="KB", help="folder to write kb.jsonl and meta.json to")

    sc = sub.add_parser("scan", help="scan folders of papers into a resumable SQLite store, in parallel")
    sc.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (walked) or glob patterns")
    sc.add_argument("-o", "--output", required=True, metavar="STORE", help="the SQLite store (created if missing)")
    sc.add_argument("--workers", type=_positive_int, metavar="N", help="worker processes (default: one per core)")
    sc.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")
    sc.add_argument("--glob", metavar="PATTERN", help="in folders, only files whose name matches (e.g. '*.pdf')")
    sc.add_argument("--retry-failed", action="store_true", help="analyse again documents that failed before")
    sc.add_argument("--max-mb", type=float, default=50, metavar="MB", help="skip larger files as failed (default: 50)")
    sc.add_argument("--timeout", type=float, default=300, metavar="S", help="per-document limit in seconds (default: 300)")
    sc.add_argument("--quiet", action="store_true", help="no progress bar or progress lines")

    xp = sub.add_parser("export", help="a table of a scan store as parquet, csv, xlsx or jsonl")
    xp.add_argument("store", metavar="STORE")
    xp.add_argument("--format", choices=("parquet", "csv", "xlsx", "jsonl"), default="jsonl")
    xp.add_argument("--what", choices=("mentions", "records", "entities", "documents"), default="mentions")
    xp.add_argument("-o", "--output", metavar="OUT", help="write here (required for parquet and xlsx)")

    ev = sub.add_parser("eval", help="precision, recall and F1 per field against the gold set")
    ev.add_argument("--gold", default="gold", help="gold JSONL file or directory (default: gold/)")
    ev.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    ev.add_argument("--field", action="append", choices=FIELDS, help="only this field (repeatable)")
    ev.add_argument("--errors", action="store_true", help="list every false positive and false negative")
    ev.add_argument("--by-rule", action="store_true", help="true and false positives per pattern id")
    ev.add_argument("--min-f1", type=float, metavar="X", help="exit 1 if any field's value-F1 is below X")
    ev.add_argument("--format", choices=("table", "json"), default="table")

    gd = sub.add_parser("gold", help="convert the gold set to and from Label Studio JSON")
    gsub = gd.add_subparsers(dest="gold_command", required=True, metavar="ACTION")
    exp = gsub.add_parser("export", help="gold (and optionally textmine's predictions) as Label Studio tasks")
    exp.add_argument("--gold", default="gold")
    exp.add_argument("--predictions", action="store_true", help="add textmine's mentions as Label Studio predictions")
    exp.add_argument("-o", "--output", required=True, metavar="TASKS_JSON")
    imp = gsub.add_parser("import", help="Label Studio tasks (annotations) back to gold JSONL")
    imp.add_argument("tasks", metavar="TASKS_JSON")
    imp.add_argument("-o", "--output", required=True, metavar="GOLD_JSONL")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "extract":
            return _extract(args)
        if args.command == "form":
            return _form(args)
        if args.command == "report":
            return _report(args)
        if args.command == "entities":
            return _entities(args)
        if args.command == "kb":
            return _kb(args)
        if args.command == "eval":
            return _eval(args)
        if args.command == "gold":
            return _gold(args)
        if args.command == "scan":
            return _scan(args)
        if args.command == "export":
            return _export(args)
    except TextmineError as exc:  # a problem with an input the whole command needs (a knowledge base)
        print(f"textmine: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 2  # pragma: no cover - argparse enforces the choices


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _scan(args: argparse.Namespace) -> int:
    from textmine.batch import ScanOptions, scan

    options = ScanOptions(workers=args.workers, scheduler=args.scheduler, pattern=args.glob,
                          retry_failed=args.retry_failed, max_bytes=int(args.max_mb * 1024 * 1024),
                          timeout=args.timeout or None, progress=False if args.quiet else None)

    def log(path: str, error: str) -> None:
        print(f"textmine: error: {path}: {error}", file=sys.stderr)

    summary = scan(args.paths, args.output, options, log=log)
    print(summary.text(), file=sys.stderr)
    if summary.interrupted:
        return 130
    return 1 if summary.failed or summary.failed_before else 0


def _export(args: argparse.Namespace) -> int:
    from textmine.batch.tables import export

    if args.format in ("parquet", "xlsx") and not args.output:
        print(f"textmine export: error: --format {args.format} needs -o OUT", file=sys.stderr)
        return 2
    rows = export(args.store, args.format, args.what, args.output, stream=sys.stdout)
    if args.output:
        print(f"textmine export: {rows} {args.what} row(s) written to {args.output}", file=sys.stderr)
    return 0


def _open_output(path: str | None) -> TextIO | None:
    """The output stream (standard output without a path); ``None`` after reporting why not."""
    try:
        return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout
    except OSError as exc:
        print(f"textmine: error: {path}: cannot write: {exc.strerror}", file=sys.stderr)
        return None


def _report_failures(failed: int, total: int) -> int:
    """The exit code of a run over files: 1 (after saying how many) if any failed."""
    if failed:
        print(f"textmine: {failed} of {total} file(s) failed", file=sys.stderr)
    return 1 if failed else 0


def _extract(args: argparse.Namespace) -> int:
    from textmine.api import default_pipeline, extract

    out = _open_output(args.output)
    if out is None:
        return 1
    failed = 0
    collected = []
    try:
        pipeline = default_pipeline()
        for i, name in enumerate(args.files):
            try:
                result = extract(Path(name), pipeline)
            except TextmineError as exc:
                failed += 1
                print(f"textmine: error: {exc}", file=sys.stderr)
                continue
            if args.format == "jsonl":
                write_jsonl(result.mentions, out)
            elif args.format == "csv":
                write_csv(result.mentions, out, header=(i - failed == 0 and not collected))
                collected.append(name)
            else:
                collected += result.mentions
        if args.format == "table":
            write_table(collected, out)
    finally:
        if out is not sys.stdout:
            out.close()
    return _report_failures(failed, len(args.files))


def _form(args: argparse.Namespace) -> int:
    """One extraction form per paper; a file that cannot be read is reported and skipped."""
    from textmine.api import default_pipeline
    from textmine.outputs.forms import write_forms_csv, write_forms_jsonl, write_forms_xlsx
    from textmine.parse import load_document
    from textmine.records import FormRules, form_of

    if args.format == "xlsx" and not args.output:
        print("textmine: error: --format xlsx writes a workbook: give its path with -o OUT.xlsx", file=sys.stderr)
        return 2
    pipeline, rules = default_pipeline(), FormRules.load()
    forms, mentions, failed = [], [], 0
    for name in args.files:
        try:
            form, found, _ = form_of(load_document(Path(name)), pipeline, rules)
            forms.append(form)
            mentions += found
        except TextmineError as exc:
            failed += 1
            print(f"textmine: error: {exc}", file=sys.stderr)
    if args.format == "xlsx":
        try:
            write_forms_xlsx(forms, mentions, Path(args.output))
        except OSError as exc:
            print(f"textmine: error: {args.output}: cannot write: {exc.strerror}", file=sys.stderr)
            return 1
        return _report_failures(failed, len(args.files))
    out = _open_output(args.output)
    if out is None:
        return 1
    try:
        (write_forms_jsonl if args.format == "jsonl" else write_forms_csv)(forms, out)
    finally:
        if out is not sys.stdout:
            out.close()
    return _report_failures(failed, len(args.files))


def _report(args: argparse.Namespace) -> int:
    """The evidence report of one paper: offline HTML, every value highlighted, the form beside it."""
    from textmine.outputs.report import write_report

    try:
        write_report(Path(args.file), Path(args.output))
    except TextmineError as exc:
        print(f"textmine: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"textmine: error: {args.output}: cannot write: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def _entities(args: argparse.Namespace) -> int:
    """Per document: every concept found, its id and name, and how often it is mentioned
    (abbreviations the paper defines count as their concept)."""
    import json

    from textmine.api import default_pipeline
    from textmine.parse import load_document

    out = _open_output(args.output)
    if out is None:
        return 1
    failed = 0
    try:
        pipeline = default_pipeline()
        recognizer = pipeline.linker.entities
        if args.kb:  # a recognizer of its own: the shared pipeline stays as it is
            from textmine.links.entities import EntityRecognizer
            from textmine.links.knowledge import read_kb

            recognizer = EntityRecognizer(kb=read_kb(Path(args.kb)))
        for name in args.files:
            try:
                document = load_document(Path(name))
            except TextmineError as exc:
                failed += 1
                print(f"textmine: error: {exc}", file=sys.stderr)
                continue
            summary = summarise_entities(pipeline.entities(document, recognizer))
            if args.format == "jsonl":
                out.write(json.dumps({"doc": document.source, "entities": summary}, ensure_ascii=False) + "\n")
            else:
                out.write(f"{document.source}\n")
                for e in summary:
                    forms = ", ".join(e["texts"][:4]) + (", …" if len(e["texts"]) > 4 else "")
                    out.write(f"  {e['id']:<18} {e['type']:<12} {e['count']:>4}  {e['name']}  ({forms})\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return _report_failures(failed, len(args.files))


def _kb(args: argparse.Namespace) -> int:
    from textmine.links.mesh import build_kb

    meta = build_kb(Path(args.mesh_xml), Path(args.output))
    types = ", ".join(f"{k} {v:,}" for k, v in sorted(meta["types"].items(), key=lambda kv: -kv[1]))
    print(f"{meta['descriptors']:,} descriptors, {meta['aliases']:,} names ({types}) -> {args.output}")
    return 0


def summarise_entities(entities) -> list[dict]:
    """One record per concept: id, name, type, mention count and the forms printed, most
    mentioned first."""
    by_id: dict[str, dict] = {}
    for e in entities:
        record = by_id.setdefault(e.id, {"id": e.id, "name": e.name, "type": e.type, "count": 0, "texts": []})
        record["count"] += 1
        if e.text not in record["texts"]:
            record["texts"].append(e.text)
    return sorted(by_id.values(), key=lambda r: (-r["count"], r["id"]))


def _eval(args: argparse.Namespace) -> int:
    import json

    from textmine.api import default_pipeline
    from textmine.evaluation.evaluate import evaluate
    from textmine.evaluation.gold import load_gold
    from textmine.evaluation.report import render_table

    try:
        docs = load_gold(args.gold)
    except TextmineError as exc:
        print(f"textmine: error: {exc}", file=sys.stderr)
        return 1
    pipeline = default_pipeline()
    report = evaluate(docs, pipeline, args.split, tuple(args.field or FIELDS))
    if not report.documents:
        print(f"textmine: error: no gold documents to evaluate in split {args.split!r}"
              + (f" (skipped: {'; '.join(report.skipped)})" if report.skipped else ""), file=sys.stderr)
        return 1
    entity_gold = Path(args.gold) / "entities" / "gold.jsonl"
    entities = None
    if entity_gold.is_file() and not args.field:
        from textmine.evaluation.entities import evaluate_entities, load_entity_gold

        entities = evaluate_entities(load_entity_gold(entity_gold), pipeline, args.split)
    form_gold = Path(args.gold) / "forms"
    forms = None
    if form_gold.is_dir() and not args.field:
        from textmine.evaluation.forms import evaluate_forms, load_form_gold

        try:
            forms = evaluate_forms(load_form_gold(form_gold), docs, pipeline, args.split)
        except TextmineError as exc:
            print(f"textmine: error: {exc}", file=sys.stderr)
            return 1
    if args.format == "json":
        data = report.as_dict()
        if entities is not None:
            data["entities"] = entities.as_dict()
        if forms is not None:
            data["forms"] = forms.as_dict()
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        print(render_table(report, errors=args.errors, by_rule=args.by_rule), end="")
        if entities is not None:
            from textmine.evaluation.entities import render_entities

            print("\n" + render_entities(entities, errors=args.errors), end="")
        if forms is not None and forms.documents:
            from textmine.evaluation.forms import render_forms

            print("\n" + render_forms(forms, errors=args.errors), end="")
    if args.min_f1 is not None:
        failing = report.failing(args.min_f1)
        if failing:
            print(f"textmine: value-F1 below {args.min_f1} for: {', '.join(failing)}", file=sys.stderr)
            return 1
    return 0


def _gold(args: argparse.Namespace) -> int:
    import json

    from textmine.evaluation.gold import load_gold, save_gold, source_path
    from textmine.evaluation.labelstudio import from_label_studio, to_label_studio

    try:
        if args.gold_command == "export":
            docs = [d for d in load_gold(args.gold) if source_path(d.source).exists()]
            texts = {d.doc: source_path(d.source).read_text(encoding="utf-8") for d in docs}
            predictions = None
            if args.predictions:
                from textmine.api import default_pipeline
                from textmine.parse import load_document

                pipeline = default_pipeline()
                predictions = {d.doc: pipeline.run(load_document(source_path(d.source))) for d in docs}
            with open(args.output, "w", encoding="utf-8") as fh:
                json.dump(to_label_studio(docs, texts, predictions), fh, ensure_ascii=False, indent=1)
            print(f"{len(docs)} tasks -> {args.output}", file=sys.stderr)
        else:
            try:
                tasks = json.loads(Path(args.tasks).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                print(f"textmine: error: {args.tasks}: cannot read Label Studio JSON: {exc}", file=sys.stderr)
                return 1
            docs = from_label_studio(tasks)
            save_gold(docs, args.output)
            print(f"{len(docs)} documents, {sum(len(d.spans) for d in docs)} spans -> {args.output}", file=sys.stderr)
    except TextmineError as exc:
        print(f"textmine: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
