"""SPARQL latency: the comparison queries on a million synthetic triples,
through ``/sparql`` over HTTP on loopback, against the same queries on
rdflib's in-memory Dataset and on pyoxigraph called directly, in one run.

    python -m bench.sparql [--triples 1000000] [--runs 30] [--output FILE]

The data comes from :mod:`bench.synthetic` (plans, commitments, milestones,
meetings with attendance, documents for five jurisdictions) plus the
vocabulary graph, loaded with the store's bulk path. The queries are the
named queries of ``hub/queries/`` behind the comparison figures: plans per
jurisdiction with periods, the theme matrix of commitments, meetings per year
with attendance, and the latest meetings with their attendance.

Every figure is measured end to end as a client sees it: the endpoint's time
includes HTTP, the protocol, the query process and serializing the results as
SPARQL JSON; pyoxigraph's and rdflib's include serializing the same results as
SPARQL JSON too. The JSON printed (and written with ``--output``) holds p50 and
p95 per query and overall, and the ratios ``vs_rdflib`` (rdflib's time / the
endpoint's, for the whole set of queries: the sum of the medians) and
``vs_oxigraph_raw`` (the endpoint's time / pyoxigraph's), with
``vs_rdflib_geomean`` and ``vs_rdflib_min`` over the queries one by one, since
the total is led by the queries rdflib finds hardest.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
QUERIES = ("plans-timeline", "theme-matrix", "meetings-per-year", "attendance",
           "meetings-by-year-attendance", "theme-commitments", "cocreation")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _summary(times: list[float]) -> dict[str, float]:
    return {"p50_ms": round(_percentile(times, 0.5) * 1000, 3),
            "p95_ms": round(_percentile(times, 0.95) * 1000, 3),
            "runs": len(times)}


def _timed(fn: Callable[[], Any], runs: int, warmup: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def build(data_dir: Path, triples: int) -> int:
    """The synthetic data and the vocabulary in a fresh store; the triple count."""
    from bench import synthetic
    from hub.settings import load_config
    from hub.store import open_store
    from hub.vocabgraph import ensure_vocabulary

    config = load_config(overrides={"hub.data_dir": str(data_dir)})
    graphs = synthetic.graphs(triples)
    with open_store(config, write=True) as store:
        store.replace_graphs(graphs)  # the bulk path above BULK_THRESHOLD triples
        ensure_vocabulary(store)
        return store.count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(data_dir: Path, workers: int) -> Iterator[str]:
    """`ogh serve` (gunicorn) on loopback over the data; its base URL."""
    port = _free_port()
    env = dict(os.environ, OGH_HOME=str(data_dir), OGH_SERVER_HOST="127.0.0.1",
               OGH_SERVER_PORT=str(port), OGH_HUB_BASE_URL=f"http://127.0.0.1:{port}",
               OGH_SPARQL_WORKERS=str(workers), OGH_SPARQL_TIMEOUT="120",
               OGH_SERVER_RATE_LIMIT="0",  # one client sends every query of the benchmark
               PYTHONPATH=os.pathsep.join(p for p in (str(PROJECT), os.environ.get("PYTHONPATH")) if p))
    if importlib.util.find_spec("hub.commands.serve") is not None:
        command = [sys.executable, "-m", "hub.cli", "serve"]
    else:
        command = [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={port}",
                   "--threads=8", "--call", "hub.web:create_app"]
    process = subprocess.Popen(command, env=env, cwd=PROJECT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    import requests

    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped at start ({' '.join(command)})")
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/sparql", headers={"Accept": "text/turtle"},
                                timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 120 seconds")
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


def _rows(json_body: bytes) -> int:
    return len(json.loads(json_body)["results"]["bindings"])


def run(triples: int, runs: int, rdflib_runs: int, warmup: int, workers: int,
        skip_rdflib: bool = False) -> dict[str, Any]:
    import pyoxigraph as ox
    import requests

    from hub.sparql.examples import example

    queries = {name: example(name).text for name in QUERIES}  # type: ignore[union-attr]
    out: dict[str, Any] = {"triples": 0, "queries": {}}
    with tempfile.TemporaryDirectory(prefix="ogh-bench-sparql-") as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        out["triples"] = build(data_dir, triples)
        out["load_s"] = round(time.perf_counter() - started, 2)

        # -- pyoxigraph called directly on the published snapshot, and the
        # endpoint over HTTP on the same snapshot, run by turns so that both
        # meet the same load on the machine.
        snapshot = data_dir / os.readlink(data_dir / "current")
        store = ox.Store.read_only(str(snapshot))
        raw: dict[str, list[float]] = {}
        ours: dict[str, list[float]] = {}
        with serving(data_dir, workers) as base:
            session = requests.Session()
            for name, text in queries.items():
                def direct(text: str = text) -> bytes:
                    return store.query(text, use_default_graph_as_union=True).serialize(
                        format=ox.QueryResultsFormat.JSON)

                def http(text: str = text) -> bytes:
                    response = session.post(f"{base}/sparql", data=text.encode("utf-8"), headers={
                        "Content-Type": "application/sparql-query",
                        "Accept": "application/sparql-results+json"}, timeout=300)
                    response.raise_for_status()
                    return response.content

                raw[name], ours[name] = [], []
                for _ in range(warmup):
                    direct_body, http_body = direct(), http()
                for _ in range(runs):
                    for fn, times in ((direct, raw[name]), (http, ours[name])):
                        started = time.perf_counter()
                        fn()
                        times.append(time.perf_counter() - started)
                direct_body, http_body = direct(), http()
                if _rows(http_body) != _rows(direct_body):
                    raise RuntimeError(f"{name}: the endpoint gave {_rows(http_body)} rows, "
                                       f"pyoxigraph {_rows(direct_body)}")
                out["queries"][name] = {"rows": _rows(direct_body),
                                        "oxigraph_raw": _summary(raw[name]),
                                        "endpoint": _summary(ours[name])}

        # -- rdflib's in-memory Dataset, same data (the published store's quads)
        theirs: dict[str, list[float]] = {}
        if not skip_rdflib:
            from rdflib import Dataset

            from hub.terms import from_ox

            started = time.perf_counter()
            dataset = Dataset(default_union=True)
            for quad in store.quads_for_pattern(None, None, None):
                dataset.graph(from_ox(quad.graph_name)).add(  # type: ignore[arg-type]
                    (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
            out["rdflib_load_s"] = round(time.perf_counter() - started, 2)
            for name, text in queries.items():
                def in_memory(text: str = text) -> bytes:
                    return dataset.query(text).serialize(format="json")  # type: ignore[return-value]
                theirs[name], body = _timed(in_memory, rdflib_runs, 0)
                out["queries"][name]["rdflib"] = _summary(theirs[name])
                out["queries"][name]["rdflib_rows"] = _rows(body)

    for q in out["queries"].values():
        q["vs_oxigraph_raw"] = round(q["endpoint"]["p50_ms"] / q["oxigraph_raw"]["p50_ms"], 3)
        if "rdflib" in q:
            q["vs_rdflib"] = round(q["rdflib"]["p50_ms"] / q["endpoint"]["p50_ms"], 1)
    all_ours = [t for times in ours.values() for t in times]
    out["p50_ms"] = _summary(all_ours)["p50_ms"]
    out["p95_ms"] = _summary(all_ours)["p95_ms"]
    # Overall ratios: the time for the whole set of queries (sum of medians).
    ours_total = sum(statistics.median(t) for t in ours.values())
    out["vs_oxigraph_raw"] = round(ours_total / sum(statistics.median(t) for t in raw.values()), 3)
    if theirs:
        out["vs_rdflib"] = round(sum(statistics.median(t) for t in theirs.values()) / ours_total, 1)
        # The total is led by the queries rdflib finds hardest: say how the rest fare too.
        ratios = [q["vs_rdflib"] for q in out["queries"].values()]
        out["vs_rdflib_geomean"] = round(statistics.geometric_mean(ratios), 1)
        out["vs_rdflib_min"] = min(ratios)
    return out


def machine() -> dict[str, Any]:
    import pyoxigraph
    import rdflib

    return {"cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "pyoxigraph": pyoxigraph.__version__,
            "rdflib": rdflib.__version__}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sparql", description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query (endpoint, raw)")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="timed runs per query on rdflib")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="sparql.workers of the endpoint")
    parser.add_argument("--skip-rdflib", action="store_true", help="leave out the rdflib baseline")
    parser.add_argument("--output", metavar="FILE", help="also write the JSON here")
    args = parser.parse_args(argv)
    result = {"sparql": run(args.triples, args.runs, args.rdflib_runs, args.warmup, args.workers,
                            args.skip_rdflib),
              "machine": machine()}
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
