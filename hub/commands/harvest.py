"""``ogh harvest``: harvest sources into their graphs, once or on a schedule
(``--every 6h``: one run after another in the foreground, until stopped)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import re
import signal
import sys
import threading
import time
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
    p.add_argument("--json", action="store_true", help="print the summary as JSON (with --every: "
                   "one line of JSON per run)")
    p.add_argument("--every", metavar="INTERVAL", type=interval,
                   help="harvest again every INTERVAL (30m, 6h, 1d; 90s, 1h30m) in the foreground, "
                   "one run after another, printing each run's summary, until stopped (Ctrl-C or "
                   "SIGTERM); a run that overruns its slot starts the next at the following one. "
                   "A cron line running `ogh harvest` is the alternative")
    p.add_argument("--runs", metavar="N", type=int, help="with --every: stop after N runs")
    p.set_defaults(func=run)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")


def interval(text: str) -> float:
    """Seconds in an interval written as 30m, 6h, 1d, 90s or 1h30m."""
    cleaned = text.strip().lower()
    parts = _INTERVAL.findall(cleaned)
    if not cleaned or _INTERVAL.sub("", cleaned).strip() or not parts:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an interval: give a number and a unit (s, m, h, d), as 30m, 6h or 1d")
    seconds = sum(float(n) * _UNITS[unit] for n, unit in parts)
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the interval must be longer than nothing")
    return seconds


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
    if args.runs is not None and (args.every is None or args.runs < 1):
        print("ogh harvest: --runs needs --every and a number of runs of at least 1", file=sys.stderr)
        return 2
    for source_id in args.sources:
        config.source(source_id)  # unknown ids fail before anything is fetched
    if args.every is None:
        return harvest_once(args, config)
    return harvest_every(args, config)


def harvest_every(args: argparse.Namespace, config: Config) -> int:
    """Run after run, each starting on the schedule's next slot. Two harvests
    of one source never overlap: each run takes the runner's per-source lock
    (a kernel lock on a file, released when its holder exits, however it
    exits), and a source another process is harvesting is reported and
    skipped until the next run."""
    every: float = args.every
    stop_by_signal = signal.getsignal(signal.SIGTERM)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminate)
    code, done = 0, 0
    try:
        first = time.monotonic()
        while True:
            started = time.monotonic()
            log(f"run {done + 1} started")
            code = harvest_once(args, config, one_line=True)
            done += 1
            if args.runs is not None and done >= args.runs:
                log(f"run {done} finished; stopping after {done} run(s)")
                return code
            # The next slot on the schedule that is still ahead (a long run skips slots).
            slots = max(1, math.ceil((time.monotonic() - first) / every))
            wait = first + slots * every - time.monotonic()
            try:
                if time.monotonic() - started > every:
                    log(f"run {done} took longer than the interval; skipping to the next slot")
                next_at = dt.datetime.now().astimezone() + dt.timedelta(seconds=wait)
                log(f"run {done} finished (exit {code}); next run at {next_at:%Y-%m-%d %H:%M:%S %Z}")
                time.sleep(max(0.0, wait))
            except KeyboardInterrupt:
                log("stopped")
                return code
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, stop_by_signal)


def log(message: str) -> None:
    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} ogh harvest: {message}", file=sys.stderr, flush=True)


def harvest_once(args: argparse.Namespace, config: Config, one_line: bool = False) -> int:
    progress = Progress()
    with replaying(args.replay, args.sources) as rewrite:
        results = []
        for source_id in args.sources or list(config.sources):
            results += harvest(config, [source_id], rewrite=rewrite, only_urls=args.urls,
                               progress=progress)
            progress.finish(source_id)
    if args.json:
        summary = {"runs": [r.as_dict() for r in results],
                   "succeeded": sum(r.outcome in ("succeeded", "unchanged") for r in results),
                   "failed": sum(r.outcome == "failed" for r in results)}
        if one_line:
            print(json.dumps(summary, ensure_ascii=False), flush=True)
        else:
            print_json(summary)
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
        sys.stdout.flush()
    return 0 if all(r.outcome != "failed" for r in results) else 1
