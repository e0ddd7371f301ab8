"""The benchmark suite: ``python -m bench`` (``make bench``) runs every
benchmark of this folder and writes one JSON file of results,
``bench/results/latest.json``, then prints a table of the figures against
their goals.

    python -m bench [--scale full|quick|tiny] [--only STEP,...] [--output FILE] [--workdir DIR]

Each step runs in a child process of its own (so that one baseline's memory,
rdflib's for instance, never counts as another's), in this order:

* ``harvest`` (:mod:`bench.harvest`): the recorded corpus and a synthetic
  forum replayed over loopback;
* ``search`` (:mod:`bench.search`): the synthetic documents in a store, their
  index, search latency against SQLite FTS5, and ``ogh index`` rebuilding it;
* ``web`` (:mod:`bench.web`): `ogh serve` with 2 workers over that data under
  20 concurrent clients on the search page, and the comparison page;
* ``compare`` (:mod:`bench.compare`): the comparison page on a million
  triples, through the app and over HTTP;
* ``sparql`` (:mod:`bench.sparql`): the comparison queries at a million
  triples through /sparql, against pyoxigraph, Virtuoso and rdflib.

The results file holds nested objects; a figure is named by its path with
dots (``sparql.p95_ms`` is ``results["sparql"]["p95_ms"]``). bench/README.md
says what each figure means and the goal it is held to.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PROJECT, env_for_project, machine, own_peak_mb, run_child, versions

RESULTS = Path(__file__).resolve().parent / "results"

#: Sizes of each scale. ``full`` is what the goals are about.
SCALES: dict[str, dict[str, Any]] = {
    "full": {"topics": 3000, "documents": 100_000, "triples": 1_000_000, "sparql_runs": 30,
             "rdflib_runs": 3, "search_repeat": 5, "load_seconds": 10.0, "load_rounds": 3,
             "compare_repeat": 20, "compare_cold": 5},
    "quick": {"topics": 600, "documents": 10_000, "triples": 100_000, "sparql_runs": 10,
              "rdflib_runs": 2, "search_repeat": 3, "load_seconds": 5.0, "load_rounds": 2,
              "compare_repeat": 5, "compare_cold": 3},
    "tiny": {"topics": 40, "documents": 600, "triples": 8_000, "sparql_runs": 3, "rdflib_runs": 1,
             "search_repeat": 1, "load_seconds": 2.0, "load_rounds": 1, "compare_repeat": 2,
             "compare_cold": 1},
}
STEPS = ("harvest", "search", "web", "compare", "sparql")

#: The figures every results file holds, with their goals: (path, goal, direction, meaning).
#: direction "max": the figure must not exceed the goal; "min": must reach it; None: no goal.
FIGURES: tuple[tuple[str, float | None, str | None, str], ...] = (
    ("sparql.p95_ms", 50, "max", "comparison queries through /sparql, run each time, p95 (ms)"),
    ("sparql.p95_ms_repeat", 50, "max", "the same, asked again (answers kept per snapshot), p95 (ms)"),
    ("sparql.vs_rdflib", 20, "min", "rdflib in-memory time / ours"),
    ("sparql.vs_oxigraph_raw", 1.2, "max", "ours / pyoxigraph called directly"),
    ("sparql.vs_virtuoso", 1.0, "min", "Virtuoso's endpoint time / ours"),
    ("search.p95_ms_100k_facets", 50, "max", "search with facets (100k documents at full scale), p95 (ms)"),
    ("search.vs_fts5", 2.0, "max", "ours / SQLite FTS5, p95 with facets"),
    ("harvest.docs_per_s", 100, "min", "documents harvested per second (synthetic forum, replayed)"),
    ("harvest.reharvest_ratio", 0.10, "max", "unchanged re-harvest time / first harvest time"),
    ("web.search_rps", 300, "min", "search page, 2 workers, 20 clients (requests/s)"),
    ("web.compare_p95_ms", 200, "max", "comparison page over HTTP, p95 (ms)"),
    ("web.compare_first_after_harvest_p95_ms", 200, "max",
     "its first request after a harvest (figures not cached), p95 (ms)"),
    ("memory.peak_mb", None, None, "largest peak resident memory of any hub process (MB)"),
)


# ----------------------------------------------------------------- the steps (children)


def step_harvest(scale: dict[str, Any], workdir: Path) -> dict[str, Any]:
    from bench import harvest

    return harvest.run(scale["topics"], workdir / "harvest")


def step_search(scale: dict[str, Any], workdir: Path) -> dict[str, Any]:
    from bench import search

    n = scale["documents"]
    queries = search.query_set()
    folder = workdir / "search"
    folder.mkdir(parents=True, exist_ok=True)
    out = search.run_size(n, folder, scale["search_repeat"], queries)
    # `ogh index` on the same store, as an operator runs it: time and memory.
    data_dir = folder / f"data-{n}"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "hub.cli", "index", "--json"],
                               env={**env_for_project(), "OGH_HOME": str(data_dir)}, cwd=PROJECT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"ogh index failed: {stderr.decode()[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["ogh_index"] = {"seconds": round(seconds, 2), "documents": json.loads(stdout)["documents"],
                        "peak_mb": round(usage.ru_maxrss / 1024, 1)}
    out["data_dir"] = str(data_dir)
    return out


def step_web(scale: dict[str, Any], workdir: Path) -> dict[str, Any]:
    from bench import web

    data_dir = workdir / "search" / f"data-{scale['documents']}"
    out = {"synthetic": web.run(data_dir, scale["load_seconds"], scale["load_rounds"])}
    corpus = workdir / "harvest" / "data-corpus"
    if corpus.exists():
        out["corpus"] = web.run(corpus, scale["load_seconds"], 1)
    return out


def step_compare(scale: dict[str, Any], workdir: Path) -> dict[str, Any]:
    from bench import compare

    data_dir = workdir / "compare" / f"synthetic-{scale['triples']}"
    started = time.perf_counter()
    config = compare.build_synthetic(data_dir, scale["triples"])
    out: dict[str, Any] = {"build_s": round(time.perf_counter() - started, 1)}
    out["app"] = compare.app_latency(config, scale["compare_repeat"], scale["compare_cold"])
    out["http"] = compare.http_latency(data_dir, scale["compare_repeat"])
    return out


def step_sparql(scale: dict[str, Any], workdir: Path) -> dict[str, Any]:
    from bench import sparql

    return sparql.run(scale["triples"], scale["sparql_runs"], scale["rdflib_runs"],
                      warmup=2 if scale["sparql_runs"] > 3 else 1, workers=2)


def child(name: str, scale_name: str, workdir: str) -> int:
    """``python -m bench step NAME SCALE WORKDIR``: one step; one line of JSON."""
    started = time.perf_counter()
    result = globals()[f"step_{name}"](SCALES[scale_name], Path(workdir))
    result["step_seconds"] = round(time.perf_counter() - started, 1)
    result["step_peak_mb"] = own_peak_mb()
    print(json.dumps(result))
    return 0


# ----------------------------------------------------------------- the figures


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def figures(details: dict[str, Any]) -> dict[str, Any]:
    """The headline figures from the steps' results (None where a step did
    not run or could not measure it)."""
    out: dict[str, Any] = {"sparql": {}, "search": {}, "harvest": {}, "web": {}, "memory": {}}
    sp = details.get("sparql") or {}
    out["sparql"] = {k: sp.get(k) for k in (
        "p50_ms", "p95_ms", "p95_ms_repeat", "vs_rdflib", "vs_oxigraph_raw", "vs_virtuoso",
        "vs_rdflib_geomean", "vs_rdflib_min", "remote_p95_ms", "remote_vs_virtuoso", "triples")}
    se = details.get("search") or {}
    facets = _get(se, "search.with_facets") or {}
    out["search"] = {
        "documents": se.get("documents"),
        "p50_ms_100k_facets": _get(facets, "hub_warm_ms.p50"),
        "p95_ms_100k_facets": _get(facets, "hub_warm_ms.p95"),
        "p95_ms_100k_facets_first_run": _get(facets, "hub_after_warm_up_first_run_ms.p95"),
        "p95_ms_100k_no_facets": _get(se, "search.without_facets.hub_warm_ms.p95"),
        "vs_fts5": facets.get("ratio_hub_to_fts5_p95_warm"),
        "fts5_p95_ms": _get(facets, "fts5_ms.p95"),
        "index_build_s": _get(se, "indexing.whoosh_seconds"),
        "ogh_index_s": _get(se, "ogh_index.seconds"),
        "page_p95_ms": _get(se, "search_page.html_ms.p95"),
    }
    ha = details.get("harvest") or {}
    forum = ha.get("forum") or {}
    corpus = ha.get("corpus") or {}
    out["harvest"] = {
        "docs_per_s": forum.get("docs_per_s"),
        "reharvest_ratio": forum.get("reharvest_ratio"),
        "reharvest_one_changed_ratio": forum.get("reharvest_one_changed_ratio"),
        "vs_raw_parse": forum.get("vs_raw_parse"),
        "documents": forum.get("documents"),
        "corpus_docs_per_s": corpus.get("docs_per_s"),
        "corpus_reharvest_ratio": corpus.get("reharvest_ratio"),
        "corpus_vs_raw_parse": corpus.get("vs_raw_parse"),
    }
    we = details.get("web") or {}
    co = details.get("compare") or {}
    out["web"] = {
        "search_rps": _get(we, "synthetic.search_page.rps"),
        "search_failed": _get(we, "synthetic.search_page.failed"),
        "search_rps_corpus": _get(we, "corpus.search_page.rps"),
        "compare_p50_ms": _get(co, "http.warm_ms.p50"),
        "compare_p95_ms": _get(co, "http.warm_ms.p95"),
        "compare_first_ms": _get(co, "http.first_ms"),
        "compare_first_after_harvest_p95_ms": _get(co, "app.first_after_harvest_ms.p95"),
        "compare_cold_p95_ms": _get(co, "app.cold_ms.p95"),
        "compare_new_choice_p95_ms": _get(co, "app.warm_new_choice_ms.p95"),
        "load_generator": (_get(we, "synthetic.search_page.rounds") or [{}])[0].get("generator"),
    }
    by_process = {
        "harvest (synthetic forum)": _get(ha, "forum.peak_mb"),
        "harvest (recorded corpus)": _get(ha, "corpus.peak_mb"),
        "ogh index (100k documents)": _get(se, "ogh_index.peak_mb"),
        "web worker (search under load)": _get(we, "synthetic.peak_mb.web-worker"),
        "web worker (/sparql)": _get(sp, "server_peak_mb.web-worker"),
        "query process (/sparql, 1M triples)": _get(sp, "server_peak_mb.sparql-worker"),
    }
    known = {k: v for k, v in by_process.items() if isinstance(v, int | float)}
    out["memory"] = {"peak_mb": max(known.values()) if known else None, "by_process": known,
                     "baseline_rdflib_mb": sp.get("rdflib_peak_mb")}
    return out


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for path, goal, direction, meaning in FIGURES:
        value = _get(results, path)
        met = None
        if goal is not None and isinstance(value, int | float) and not math.isnan(value):
            met = value <= goal if direction == "max" else value >= goal
        rows.append({"figure": path, "value": value, "goal": goal, "direction": direction, "met": met,
                     "meaning": meaning})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'figure':40} {'value':>9}  {'goal':>9}  {'':6} meaning", "-" * 120]
    for row in rows:
        value = row["value"]
        shown = "-" if value is None else (f"{value:.3g}" if isinstance(value, float) else str(value))
        goal = "" if row["goal"] is None else \
            ("<= " if row["direction"] == "max" else ">= ") + f"{row['goal']:g}"
        status = {True: "met", False: "MISSED", None: ""}[row["met"]]
        lines.append(f"{row['figure']:40} {shown:>9}  {goal:>9}  {status:6} {row['meaning']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["step"]:
        return child(*args_list[1:4])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full",
                        help="sizes: full (the goals' scale), quick (a few minutes), tiny (a check)")
    parser.add_argument("--only", help=f"comma-separated steps to run ({', '.join(STEPS)}); web needs search")
    parser.add_argument("--output", default=str(RESULTS / "latest.json"), help="the results file")
    parser.add_argument("--workdir", help="keep the data here (default: a temporary folder, removed)")
    args = parser.parse_args(args_list)
    steps = [s.strip() for s in args.only.split(",")] if args.only else list(STEPS)
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        parser.error(f"unknown step {', '.join(unknown)}; the steps are {', '.join(STEPS)}")
    if "web" in steps and "search" not in steps and not args.workdir:
        parser.error("the web step serves the search step's data: run both, or give --workdir of a "
                     "run that had it")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="ogh-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": {"name": args.scale, **SCALES[args.scale]},
        "machine": machine(),
        "versions": versions(),
    }
    details: dict[str, Any] = {}
    errors: dict[str, str] = {}
    try:
        for step in steps:
            print(f"bench: {step} ({args.scale})…", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                details[step] = run_child(["bench", "step", step, args.scale, str(workdir)])
            except Exception as exc:
                errors[step] = str(exc)[-3000:]
                print(f"bench: {step} failed: {str(exc)[-800:]}", file=sys.stderr, flush=True)
            print(f"bench: {step} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    results.update(figures(details))
    results["goals"] = goals(results)
    results["details"] = details
    if errors:
        results["errors"] = errors
    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, output)
    scale = SCALES[args.scale]
    print(f"scale {args.scale}: {scale['triples']:,} triples, {scale['documents']:,} documents, "
          f"{scale['topics']:,} forum threads; {results['machine']['cores']} cores\n")
    print(table(results["goals"]))
    print(f"\n{output}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
