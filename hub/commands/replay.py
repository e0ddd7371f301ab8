"""``ogh replay``: serve a recorded corpus on loopback."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hub.settings import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "replay", help="serve a recorded corpus over HTTP on loopback",
        description="Serve every DIR/<source>/manifest.json with the recorded status, headers "
        "and bodies; requests name the site in their Host header. Answers conditional "
        "requests (304) as a real server would.")
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--port", type=int, default=0, help="default: a free port")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from harvesters.replay import ReplayServer

    root = Path(args.directory)
    try:
        server = ReplayServer(root)
    except (FileNotFoundError, ValueError) as exc:
        print(f"ogh replay: {exc}", file=sys.stderr)
        return 2
    url = server.start(port=args.port)
    print(f"Replaying {len(server.entries)} recorded responses from {root} at {url}", flush=True)
    print("Harvest through it with: ogh harvest --replay DIR (or point http clients at it with "
          "the site's name in the Host header). Ctrl-C stops.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0
