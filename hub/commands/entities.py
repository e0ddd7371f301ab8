"""``ogh entities``: the entities of one kind, as JSON or a table."""

from __future__ import annotations

import argparse

from hub.commands._common import jurisdiction_arg, print_json
from hub.entities import KINDS, EntityReader, kind_name, source_priorities
from hub.settings import Config
from hub.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "entities",
        help="list the entities of one kind",
        description="List the entities of one kind (" + ", ".join(KINDS) + ").",
    )
    p.add_argument("--kind", required=True, type=_kind, help="ActionPlan, Commitment, Meeting, ...")
    p.add_argument("--jurisdiction", type=jurisdiction_arg, help="only this jurisdiction")
    p.add_argument("--json", action="store_true", help="print JSON objects")
    p.set_defaults(func=run)


def _kind(value: str) -> str:
    try:
        return kind_name(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace, config: Config) -> int:
    with open_store(config) as store:
        entities = EntityReader(store, source_priorities(config)).list(args.kind, args.jurisdiction)
    if args.json:
        print_json(entities)
        return 0
    if not entities:
        print(f"No {args.kind} entities" + (f" in {args.jurisdiction}" if args.jurisdiction else ""))
        return 0
    for e in entities:
        when = e.get("date") or e.get("start") or ""
        print(f"{e.get('jurisdiction') or '-':17} {when:10} {e.get('title') or e['iri']}")
    print(f"{len(entities)} {args.kind} entities")
    return 0
