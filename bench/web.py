"""The web site under load: requests per second on the search page served
by `ogh serve` with 2 workers to 20 concurrent clients on loopback.

    python -m bench.web DATA_DIR [--seconds 10] [--rounds 3] [--threads 4]

``DATA_DIR`` holds a store and a search index (``bench.search`` leaves one of
100,000 documents; ``make bench`` passes it). The search page is asked the
benchmark's seeded query mix (:func:`bench.search.query_set`: words, phrases,
prefixes, misspellings, browsing, with and without filters), every answer a
whole HTML page with facets. The load generator is ``wrk`` when installed,
else asyncio clients (:mod:`bench.load`). The rate limit is off: every client
is 127.0.0.1. (The comparison page has its own benchmark, :mod:`bench.compare`.)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import median, serving
from bench.load import load


def search_paths(n: int = 60) -> list[str]:
    from bench.search import query_set

    paths = []
    for spec in query_set(n=n):
        pairs = [("q", spec["q"])] + [(k, v) for k in ("jurisdiction", "kind", "theme", "year")
                                      for v in spec.get(k, [])]
        paths.append("/search?" + urlencode(pairs))
    return paths


def run(data_dir: Path, seconds: float = 10.0, rounds: int = 3, workers: int = 2, threads: int = 4,
        connections: int = 20) -> dict[str, Any]:
    import requests

    paths = search_paths()
    out: dict[str, Any] = {"workers": workers, "threads": threads, "connections": connections}
    with serving(data_dir, workers=workers, threads=threads) as base:  # rate limit off
        session = requests.Session()
        for path in paths:  # every worker opens the index and warms it up
            session.get(base + path, timeout=60).raise_for_status()
        results = [load(base, paths, connections=connections, seconds=seconds) for _ in range(rounds)]
        out["search_page"] = {
            "rps": round(median([r["rps"] for r in results]), 1),
            "rounds": results,
            "failed": sum(r["failed"] for r in results),
        }
        out["peak_mb"] = base.peak_mb()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", help="a data folder with a store and a search index")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one round of load")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of load (the median is kept)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients")
    args = parser.parse_args(argv)
    result = run(Path(args.data_dir), args.seconds, args.rounds, args.workers, args.threads,
                 args.connections)
    print(json.dumps({"web": result}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
