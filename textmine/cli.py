"""The ``textmine`` command line.

    textmine extract FILE... [--format jsonl|csv|table] [-o OUT]

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
from textmine.outputs.writers import FORMATS, write_csv, write_jsonl, write_table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="textmine", description="Extract sample sizes, doses, scores and follow-up durations from papers.")
    parser.add_argument("--version", action="version", version=f"textmine {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = sub.add_parser("extract", help="extract mentions from Markdown or text files")
    ex.add_argument("files", nargs="+", metavar="FILE")
    ex.add_argument("--format", choices=FORMATS, default="jsonl", help="output format (default: jsonl)")
    ex.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "extract":
            return _extract(args)
    except BrokenPipeError:  # output piped into `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 2  # pragma: no cover - argparse enforces the choices


def _extract(args: argparse.Namespace) -> int:
    from textmine.api import default_pipeline, extract

    out: TextIO
    try:
        out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    except OSError as exc:
        print(f"textmine: error: {args.output}: cannot write: {exc.strerror}", file=sys.stderr)
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
    if failed:
        print(f"textmine: {failed} of {len(args.files)} file(s) failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
