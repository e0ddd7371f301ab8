"""``ogh harvest``: harvest sources into their graphs."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from hub.commands._common import print_json
from hub.runner import harvest
from hub.settings import Config

BAR = 24


class Progress:
    """A progress bar per source on a terminal; nothing when not a terminal."""

    def __init__(self, stream=None) -> None:  # type: ignore[no-untyped-def]
        stream = stream or sys.stderr
        self.stream = stream
        self.tty = stream.isatty()
        self.counts: dict[str, dict[str, int]] = {}
        self.lock = threading.Lock()

    def __call__(self, source: str, url: str, outcome: str) -> None:
        if not self.tty:
            return
        with self.lock:
            c = self.counts.setdefault(source, {"fetched": 0, "not-modified": 0, "failed": 0})
            c[outcome] = c.get(outcome, 0) + 1
            done = sum(c.values())
            filled = done % (BAR + 1)
            bar = "#" * filled + "-" * (BAR - filled)
            self.stream.write(
                f"\r{source:12} [{bar}] {done:4} documents: {c['fetched']} fetched, "
                f"{c['not-modified']} unchanged, {c['failed']} failed\x1b[K"
            )
            self.stream.flush()

    def finish(self, source: str) -> None:
        if self.tty and source in self.counts:
            self.stream.write("\n")
            self.stream.flush()


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "harvest", help="harvest sources into the graph",
        description="Harvest the named sources (all by default), each into its own named graph, "
        "replaced whole at the end of a successful run. A source whose run fails keeps its "
        "previous graph; errors on single documents are recorded and the rest goes on.")
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (config/sources.toml)")
    p.add_argument("--url", action="append", metavar="URL", dest="urls",
                   help="harvest only this document of the one SOURCE named (repeatable): adds or "
                   "updates what it says, removes nothing else")
    p.add_argument("--replay", metavar="DIR",
                   help="harvest through a replay server over the recorded corpus in DIR")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


@contextlib.contextmanager
def replaying(directory: str | None, sources: list[str] | None) -> Iterator[str | None]:
    if directory is None:
        yield None
        return
    from harvesters.replay import ReplayServer

    root = Path(directory)
    if not root.is_dir():
        raise SystemExit(f"ogh harvest: {root}: no such folder to replay")
    with ReplayServer(root) as server:
        yield server.url


def run(args: argparse.Namespace, config: Config) -> int:
    if args.urls and len(args.sources) != 1:
        print("ogh harvest: --url needs exactly one SOURCE", file=sys.stderr)
        return 2
    for source_id in args.sources:
        config.source(source_id)  # unknown ids fail before anything is fetched
    progress = Progress()
    with replaying(args.replay, args.sources) as rewrite:
        results = []
        for source_id in args.sources or list(config.sources):
            results += harvest(config, [source_id], rewrite=rewrite, only_urls=args.urls,
                               progress=progress)
            progress.finish(source_id)
    if args.json:
        print_json({"runs": [r.as_dict() for r in results],
                    "succeeded": sum(r.outcome in ("succeeded", "unchanged") for r in results),
                    "failed": sum(r.outcome == "failed" for r in results)})
    else:
        for r in results:
            entities = ", ".join(f"{n} {k}" for k, n in r.entities.items()) or "no entities"
            line = (f"{r.source:12} {r.outcome:10} {r.fetched} fetched, {r.not_modified} not modified, "
                    f"{r.failed} failed; {entities}")
            print(line)
            if r.reason:
                print(f"{'':12} why: {r.reason}")
            for e in r.errors[:5]:
                status = (f"HTTP {e['status']} " if e.get("status") and not e["reason"].startswith("HTTP")
                          else "")
                print(f"{'':12} error: {e['url']}: {status}{e['reason']}")
            if len(r.errors) > 5:
                print(f"{'':12} ... and {len(r.errors) - 5} more errors (ogh sources --json)")
    return 0 if all(r.outcome != "failed" for r in results) else 1
