"""SPARQL latency: the comparison view's queries on a million synthetic
triples, through ``/sparql`` over HTTP on loopback, against the same queries
on pyoxigraph called directly, on Virtuoso's own endpoint holding the same
data, and on rdflib's in-memory Dataset, in one run.

    python -m bench.sparql [--triples 1000000] [--runs 30] [--skip-virtuoso] [--skip-rdflib]

The data comes from :mod:`bench.synthetic` (plans, commitments, milestones,
meetings with attendance, documents for five jurisdictions) plus the
vocabulary graph, loaded with the store's bulk path; Virtuoso (a private
server started by ``tests/virtuoso.py``'s launcher, with the buffers its
configuration recommends for 2 GB of memory) bulk-loads the same quads. The
queries are the named queries the comparison view runs (:data:`QUERIES`).

Every figure is measured end to end as a client sees it: the endpoint's and
Virtuoso's times include HTTP and serializing the results as SPARQL JSON;
the endpoint is asked with ``Cache-Control: no-cache`` so that it runs every
query (``endpoint``), and once more as a client repeating a query would ask
it, answered from the answers kept for the snapshot (``endpoint_repeat``);
pyoxigraph's and rdflib's include serializing the same results as SPARQL JSON
too. The engines are timed by turns, query by query, so that all meet the same
load on the machine. Ratios compare the time of the whole set of queries (the
sum of each query's median): ``vs_rdflib`` (rdflib's / the endpoint's),
``vs_oxigraph_raw`` (the endpoint's / pyoxigraph's), ``vs_virtuoso``
(Virtuoso's / the endpoint's). ``remote`` is the endpoint on the remote store
(``store.backend = "sparql"``) forwarding the same queries to that Virtuoso.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PROJECT, own_peak_mb, serving, summary_ms
from hub.compare import PAGE_QUERIES

#: The named queries behind the comparison view: its page's and its theme pages'.
QUERIES = (*PAGE_QUERIES, "theme-commitments")
#: Virtuoso's configuration for 2 GB (its own recommendation, in the stock file).
VIRTUOSO_SETTINGS = {"Parameters": {"NumberOfBuffers": "170000", "MaxDirtyBuffers": "130000"}}
JSON_RESULTS = "application/sparql-results+json"


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


def _rows(json_body: bytes) -> int:
    return len(json.loads(json_body)["results"]["bindings"])


def start_virtuoso(folder: Path, store: Any) -> tuple[Any, float]:
    """A private Virtuoso holding the store's quads (its bulk loader); the
    server and the seconds the load took."""
    import pyoxigraph as ox

    sys.path.insert(0, str(PROJECT))
    from tests.virtuoso import Virtuoso

    server = Virtuoso(folder, settings=VIRTUOSO_SETTINGS).start()
    try:
        started = time.perf_counter()
        with open(folder / "data.nq", "wb") as out:
            store.dump(out, ox.RdfFormat.N_QUADS)
        server.isql(f"ld_dir('{folder}', 'data.nq', 'https://w3id.org/ogh/graph/bench-default');")
        server.isql("rdf_loader_run();")
        server.isql("checkpoint;")
        return server, time.perf_counter() - started
    except BaseException:
        server.stop()
        raise


def publish_on_virtuoso(server: Any, graphs: list[str]) -> None:
    """List bulk-loaded graphs in the remote store's catalogue, as a write
    through the hub would, so that a hub on that server serves them."""
    import requests

    from hub.store_sparql import CATALOGUE, P_EPOCH, P_GRAPH

    facts = " ".join(f"<{CATALOGUE}> <{P_GRAPH}> <{g}> ." for g in graphs)
    update = f'INSERT DATA {{ GRAPH <{CATALOGUE}> {{ {facts} <{CATALOGUE}> <{P_EPOCH}> "bench" . }} }}'
    requests.post(server.sparql_url, data={"update": update}, timeout=60).raise_for_status()


def run(triples: int, runs: int, rdflib_runs: int, warmup: int, workers: int,
        skip_rdflib: bool = False, skip_virtuoso: bool = False) -> dict[str, Any]:
    import pyoxigraph as ox
    import requests

    from hub.sparql.examples import example

    queries = {name: example(name).text for name in QUERIES}  # type: ignore[union-attr]
    out: dict[str, Any] = {"triples": 0, "queries": {}, "workers": workers}
    engines = ["oxigraph_raw", "endpoint", "endpoint_repeat"]
    with tempfile.TemporaryDirectory(prefix="ogh-bench-sparql-") as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        out["triples"] = build(data_dir, triples)
        out["load_s"] = round(time.perf_counter() - started, 2)
        snapshot = data_dir / os.readlink(data_dir / "current")
        store = ox.Store.read_only(str(snapshot))

        virtuoso = None
        if not skip_virtuoso:
            from tests.virtuoso import available

            if available():
                virtuoso, seconds = start_virtuoso(Path(tmp) / "virtuoso", store)
                out["virtuoso_load_s"] = round(seconds, 2)
                engines += ["virtuoso", "remote"]
            else:
                out["virtuoso_error"] = "virtuoso-t is not installed"
        times: dict[str, dict[str, list[float]]] = {e: {q: [] for q in queries} for e in engines}
        bodies: dict[str, dict[str, bytes]] = {e: {} for e in engines}
        errors: dict[str, str] = {}
        try:
            remote_dir = Path(tmp) / "remote-hub"
            remote_dir.mkdir()
            remote_settings: dict[str, Any] = {}
            if virtuoso is not None:
                graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
                publish_on_virtuoso(virtuoso, graphs)
                remote_settings = {k.replace(".", "_"): v for k, v in virtuoso.config().items()}
            with serving(data_dir, workers=2, sparql_workers=workers, sparql_timeout=120) as base, \
                    _maybe_serving(remote_dir, virtuoso, workers, remote_settings) as remote_base:
                session = requests.Session()

                def http(url: str, text: str, fresh: bool = True) -> bytes:
                    headers = {"Accept": JSON_RESULTS, **({"Cache-Control": "no-cache"} if fresh else {})}
                    response = session.post(url, data={"query": text}, headers=headers, timeout=300)
                    response.raise_for_status()
                    return response.content

                calls = {
                    "oxigraph_raw": lambda text: store.query(text, use_default_graph_as_union=True).serialize(
                        format=ox.QueryResultsFormat.JSON),
                    "endpoint": lambda text: http(f"{base}/sparql", text),
                    "endpoint_repeat": lambda text: http(f"{base}/sparql", text, fresh=False),
                    "virtuoso": lambda text: http(virtuoso.sparql_url, text),  # type: ignore[union-attr]
                    "remote": lambda text: http(f"{remote_base}/sparql", text),
                }
                for name, text in queries.items():
                    for engine in engines:
                        try:
                            for _ in range(warmup):
                                bodies[engine][name] = calls[engine](text)
                        except Exception as exc:
                            errors[f"{engine}:{name}"] = f"{type(exc).__name__}: {str(exc)[:200]}"
                for _ in range(runs):
                    for name, text in queries.items():
                        for engine in engines:
                            if f"{engine}:{name}" in errors:
                                continue
                            started = time.perf_counter()
                            bodies[engine][name] = calls[engine](text)
                            times[engine][name].append(time.perf_counter() - started)
                out["server_peak_mb"] = base.peak_mb()
        finally:
            if virtuoso is not None:
                virtuoso.stop()

        # -- rdflib's in-memory Dataset, same data (the published store's quads)
        if not skip_rdflib:
            from rdflib import Dataset

            from hub.terms import from_ox

            started = time.perf_counter()
            dataset = Dataset(default_union=True)
            for quad in store.quads_for_pattern(None, None, None):
                dataset.graph(from_ox(quad.graph_name)).add(  # type: ignore[arg-type]
                    (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
            out["rdflib_load_s"] = round(time.perf_counter() - started, 2)
            times["rdflib"] = {q: [] for q in queries}
            bodies["rdflib"] = {}
            for name, text in queries.items():
                for _ in range(rdflib_runs):
                    started = time.perf_counter()
                    bodies["rdflib"][name] = dataset.query(text).serialize(format="json")  # type: ignore[assignment]
                    times["rdflib"][name].append(time.perf_counter() - started)
            out["rdflib_peak_mb"] = own_peak_mb()
            del dataset

    for name in queries:
        q: dict[str, Any] = out["queries"].setdefault(name, {})
        for engine, by_query in times.items():
            if by_query[name]:
                q[engine] = summary_ms(by_query[name])
                q[f"{engine}_rows"] = _rows(bodies[engine][name])
        mismatched = {e: q[f"{e}_rows"] for e in times if f"{e}_rows" in q
                      and q[f"{e}_rows"] != q.get("oxigraph_raw_rows")}
        if mismatched:
            q["rows_differ"] = mismatched
    if errors:
        out["errors"] = errors
    ours = times["endpoint"]
    all_ours = [t for ts in ours.values() for t in ts]
    out["p50_ms"] = summary_ms(all_ours)["p50_ms"]
    out["p95_ms"] = summary_ms(all_ours)["p95_ms"]
    repeat = [t for ts in times["endpoint_repeat"].values() for t in ts]
    out["p95_ms_repeat"] = summary_ms(repeat)["p95_ms"]

    def total(engine: str, names: list[str]) -> float:
        return sum(statistics.median(times[engine][n]) for n in names)

    def ratio(engine: str, over_ours: bool) -> float | None:
        """Over the queries both ran; None when none did."""
        names = [n for n in queries if times.get(engine, {}).get(n) and ours[n]]
        if not names:
            return None
        value = total("endpoint", names) / total(engine, names) if over_ours else \
            total(engine, names) / total("endpoint", names)
        return round(value, 3)

    out["vs_oxigraph_raw"] = ratio("oxigraph_raw", over_ours=True)
    if "rdflib" in times:
        out["vs_rdflib"] = ratio("rdflib", over_ours=False)
        per_query = [statistics.median(times["rdflib"][n]) / statistics.median(ours[n]) for n in queries]
        out["vs_rdflib_geomean"] = round(statistics.geometric_mean(per_query), 1)
        out["vs_rdflib_min"] = round(min(per_query), 1)
    if "virtuoso" in times:
        out["vs_virtuoso"] = ratio("virtuoso", over_ours=False)
        remote = [t for ts in times["remote"].values() for t in ts]
        if remote:
            out["remote_p95_ms"] = summary_ms(remote)["p95_ms"]
            # The forwarding's cost: the remote endpoint's time over Virtuoso's own.
            names = [n for n in queries if times["remote"][n] and times["virtuoso"][n]]
            out["remote_vs_virtuoso"] = round(total("remote", names) / total("virtuoso", names), 3)
    return out


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _maybe_serving(data_dir: Path, virtuoso: Any, workers: int, settings: dict[str, Any]) -> Any:
    if virtuoso is None:
        return _nothing()
    return serving(data_dir, workers=2, sparql_workers=workers, sparql_timeout=120, **settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sparql", description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query (endpoint, raw, Virtuoso)")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="timed runs per query on rdflib")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="sparql.workers of the endpoint")
    parser.add_argument("--skip-rdflib", action="store_true", help="leave out the rdflib baseline")
    parser.add_argument("--skip-virtuoso", action="store_true", help="leave out Virtuoso")
    parser.add_argument("--output", metavar="FILE", help="also write the JSON here")
    args = parser.parse_args(argv)
    result = {"sparql": run(args.triples, args.runs, args.rdflib_runs, args.warmup, args.workers,
                            args.skip_rdflib, args.skip_virtuoso)}
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
