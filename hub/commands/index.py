"""``ogh index``: rebuild the search index from the graph (or re-index some
sources), and publish it whole."""

from __future__ import annotations

import argparse

from hub.commands._common import print_json
from hub.settings import Config
from hub.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "index",
        help="rebuild the search index from the graph",
        description="Build a new generation of the search index from every entity in the store "
        "and make it current; readers move to it at once, and never see a half-built index.",
    )
    p.add_argument("--source", action="append", metavar="ID",
                   help="only re-index what these sources state (repeatable)")
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from hub import index

    if args.source:
        for sid in args.source:
            config.source(sid)  # an unknown id fails with the known ones
    with open_store(config) as store:
        if args.source:
            done = index.update_sources(config, store, args.source)
        else:
            done = index.rebuild(config, store)
    if args.json:
        print_json(done)
        return 0
    if done["mode"] == "update":
        print(f"Re-indexed {done['reindexed']} entities of {', '.join(done['sources'])} "
              f"({done['removed']} removed); the index holds {done['documents']} documents "
              f"({done['seconds']} s).")
    else:
        print(f"Indexed {done['documents']} entities in {done['seconds']} s.")
        if not done["documents"]:
            print("The store is empty: harvest first (`ogh harvest`, or `make run`).")
    return 0
