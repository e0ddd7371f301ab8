"""``ogh load``: RDF from a file into the store, each graph replaced whole."""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path
from typing import IO, cast

from hub.settings import Config
from hub.store import FORMATS, format_for, open_store
from hub.vocabgraph import ensure_vocabulary


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "load", help="load RDF into the store",
        description="Load an RDF file. Each named graph in the file replaces the graph of "
        "that name; a triples file (Turtle, N-Triples, RDF/XML) goes into --graph. "
        "Loading an `ogh export` restores it.")
    p.add_argument("file", help="the file (.nq, .trig, .jsonld, .ttl, .nt, .rdf, or .gz of one)")
    p.add_argument("--graph", metavar="IRI", help="the named graph for a triples file")
    p.add_argument("--format", choices=sorted(FORMATS), help="default: from the extension")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    path = Path(args.file)
    fmt = format_for(path, args.format)
    if not path.is_file():
        print(f"ogh load: {path}: no such file", file=sys.stderr)
        return 2
    if FORMATS[fmt].supports_datasets is False and not args.graph:
        print(f"ogh load: {path}: a {fmt} file holds no graph names; say which graph with "
              "--graph IRI", file=sys.stderr)
        return 2
    with open_store(config, write=True) as store, _open(path) as f:
        graphs = store.load(f, fmt, args.graph)
        ensure_vocabulary(store)
    print(f"Loaded {len(graphs)} graph(s) from {path}: " + ", ".join(graphs), file=sys.stderr)
    return 0


def _open(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzipped."""
    if path.suffix == ".gz":
        # a GzipFile reads as any binary file does; typeshed does not call it IO[bytes]
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")
