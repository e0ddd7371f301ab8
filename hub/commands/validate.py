"""``ogh validate``: SHACL over the whole graph."""

from __future__ import annotations

import argparse

from hub.commands._common import print_json
from hub.settings import Config
from hub.store import open_store
from hub.validate import validate_store


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "validate", help="check the graph against the SHACL shapes",
        description="Check the whole graph against vocab/shapes.ttl. Exits 1 when there "
        "is a violation, with the focus node, path and message of each; warnings are "
        "shown but do not fail.")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    with open_store(config) as store:
        report = validate_store(store)
    if args.json:
        print_json({"conforms": report.conforms,
                    "findings": [f.as_dict() for f in report.findings]})
    else:
        print(report.text())
    return 0 if report.conforms else 1
