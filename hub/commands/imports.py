"""``ogh import``: documents no feed offers (text, HTML, PDF) into the graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hub.commands._common import jurisdiction_arg, print_json
from hub.importer import IMPORTS_SOURCE, import_files
from hub.settings import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import", help="import documents (text, HTML, PDF) by hand",
        description="Import documents that no feed offers. Each becomes a document in the graph "
        f"(graph source/{IMPORTS_SOURCE}) with its text, and goes through the same extraction as "
        "harvested pages (meetings, attendance, theme decisions, timelines, thematic groups). "
        "Importing the same file again changes nothing; a file that cannot be read is reported "
        "and nothing of it is imported.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--jurisdiction", type=jurisdiction_arg,
                   help="the jurisdiction the documents belong to")
    p.add_argument("--source", metavar="ID",
                   help="the configured source the documents come from (sets publisher and, "
                   "unless given, jurisdiction)")
    p.add_argument("--json", action="store_true", help="print what was imported as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    source = config.source(args.source) if args.source else None
    report = import_files(config, [Path(f) for f in args.files], jurisdiction=args.jurisdiction,
                          source=source)
    if args.json:
        print_json(report)
    else:
        for item in report["imported"]:
            kinds = ", ".join(f"{n} {k}" for k, n in item["records"].items())
            print(f"imported {item['file']}: {item['title']!r} -> {item['iri']} ({kinds})")
        for item in report["failed"]:
            print(f"ogh import: {item['error']}", file=sys.stderr)
    return 1 if report["failed"] else 0
