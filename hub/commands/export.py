"""``ogh export``: the whole dataset (or one graph) as RDF."""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
from pathlib import Path

from hub.settings import Config
from hub.store import FORMATS, open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export", help="write the dataset as RDF",
        description="Write the dataset as RDF. N-Quads, TriG and JSON-LD keep the named "
        "graphs (use them for backups: `ogh load` restores them); Turtle, N-Triples and "
        "RDF/XML write the union of all graphs, or one graph with --graph.")
    p.add_argument("--format", default="nquads", choices=sorted(FORMATS), help="default: nquads")
    p.add_argument("--graph", metavar="IRI", help="only this named graph")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (a .gz name compresses) instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    with open_store(config) as store:
        if args.graph and args.graph not in store.graphs():
            print(f"ogh export: no graph {args.graph} in the store", file=sys.stderr)
            return 1
        if not args.output:
            store.export(sys.stdout.buffer, args.format, args.graph)
            return 0
        target = Path(args.output)
        # Write beside the target and rename, so a failed export never leaves half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as raw:
                if target.suffix == ".gz":
                    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                        store.export(gz, args.format, args.graph)  # type: ignore[arg-type]
                else:
                    store.export(raw, args.format, args.graph)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    print(f"Wrote {target}", file=sys.stderr)
    return 0
