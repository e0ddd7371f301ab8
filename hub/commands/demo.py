"""``ogh demo``: what `make run` runs.

On an empty store: harvest the recorded corpus through a replay server on
loopback (``../shared/corpus`` beside the project when present, else the copy
the project ships in ``tests/fixtures/corpus``), import the seed documents the
project started from, and build the search index. Then serve the hub. A store
that already holds data is served at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hub.settings import PROJECT_ROOT, Config


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo", help="what `make run` runs: fill an empty store from the recorded corpus, then serve",
        description="Fill an empty store by harvesting the recorded corpus through a replay server "
        "and importing the seed documents, build the search index if missing, then serve the hub.")
    p.add_argument("--corpus", metavar="DIR", help="the recorded corpus (default: ../shared/corpus "
                   "when present, else tests/fixtures/corpus)")
    p.add_argument("--no-serve", action="store_true", help="fill and index, then stop")
    p.add_argument("--host", help="address to bind (default: server.host)")
    p.add_argument("--port", type=int, help="port (default: server.port)")
    p.set_defaults(func=run)


def _first(*candidates: Path) -> Path:
    return next((c for c in candidates if c.is_dir()), candidates[-1])


def run(args: argparse.Namespace, config: Config) -> int:
    from hub.importer import import_files
    from hub.index import current_generation, rebuild
    from hub.runner import harvest
    from hub.store import open_store

    shared = PROJECT_ROOT.parent / "shared"
    corpus = Path(args.corpus) if args.corpus else _first(shared / "corpus",
                                                          PROJECT_ROOT / "tests/fixtures/corpus")
    seeds = _first(shared / "seeds", PROJECT_ROOT / "tests/fixtures/seeds")
    with open_store(config) as store:
        empty = not any("/graph/source/" in g for g in store.graphs())
    if empty:
        from harvesters.replay import ReplayServer

        print(f"The store in {config.data_dir} is empty: harvesting the recorded corpus in {corpus}",
              file=sys.stderr, flush=True)
        with ReplayServer(corpus) as server:
            for result in harvest(config, rewrite=server.url):
                print(f"  {result.source:12} {result.outcome:9} "
                      + ", ".join(f"{n} {k}" for k, n in result.entities.items()),
                      file=sys.stderr, flush=True)
        documents = sorted(p for p in seeds.glob("*.txt"))
        if documents:
            report = import_files(config, documents)
            print(f"  imported {len(report['imported'])} seed documents from {seeds}",
                  file=sys.stderr, flush=True)
    if empty or current_generation(config) is None:
        with open_store(config) as store:
            rebuild(config, store)
        print("  built the search index", file=sys.stderr, flush=True)
    if args.no_serve:
        return 0
    from hub.commands import serve

    serve_args = argparse.Namespace(host=args.host, port=args.port, workers=None, threads=None,
                                    access_log=False)
    return serve.run(serve_args, config)
