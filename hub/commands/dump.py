"""``ogh dump``: write the full dump (gzipped N-Quads) that ``/dumps/ogh.nq.gz`` serves."""

from __future__ import annotations

import argparse
import sys

from hub.settings import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "dump", help="write the full dump served at /dumps/ogh.nq.gz",
        description="Write every graph of the published store as gzipped N-Quads into the "
        "data directory (dumps/ogh.nq.gz), replacing the previous dump atomically. A harvest "
        "does this by itself; run it after loading data by hand, or to rebuild the dump.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from hub.dumps import dump_path, regenerate

    info = regenerate(config)
    print(f"Wrote {dump_path(config)}: {info.quads} quads in {len(info.graphs)} graph(s), "
          f"{info.size} bytes, sha256 {info.sha256}", file=sys.stderr)
    return 0
