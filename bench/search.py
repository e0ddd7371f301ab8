"""Search benchmark: indexing throughput and search latency at 10k and 100k
documents, with and without facets, against SQLite FTS5 on the same
documents in the same run.

    python -m bench.search [--sizes 10000,100000] [--repeat 5] [--workdir DIR]

For each size the synthetic generator's records (:mod:`bench.synthetic`) are
mapped and written to a real store, read back as index documents through
:class:`hub.entities.EntityReader`, and the first N documents indexed. Timed:

* indexing: entities read from the store (documents/s), Whoosh indexing of
  those documents into a published generation (documents/s), the same
  documents into an FTS5 table (documents/s);
* search: a fixed, seeded set of queries (single words, pairs, phrases,
  prefixes, misspellings, empty "browse" queries, each with and without
  filters), run against the hub's search (``hub.search.search``) with facets
  (counts for jurisdiction, kind, theme, year) and without, and against
  FTS5 with the equivalent SQL (``GROUP BY`` per facet, a side table for
  themes). Latencies are reported as p50/p95 in milliseconds, "cold" (the
  first run of each query on a freshly opened index, nothing cached),
  "after warm-up" (the first run of each query on an index that has loaded
  its most frequent terms, as a server does when it opens one) and "warm"
  (the repeats), and the hub/FTS5 ratio of each;
* the search page: ``GET /search`` through the Flask test client (query,
  facets, snippets and the HTML) with its p50/p95.

Results are printed as JSON and written to ``bench/results/search.json``.
The target is p95 under 50 ms with facets at 100k documents.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import synthetic
from hub import ids, index, search
from hub.mapping import map_record
from hub.settings import load_config
from hub.store import open_store

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_P95_MS = 50.0
#: Index documents per record the generator yields (milestones and bodies add
#: entities): used to generate about as many records as needed.
ENTITIES_PER_RECORD = 1.09


# ------------------------------------------------------------------ queries


def query_set(seed: int = 11, n: int = 60) -> list[dict[str, Any]]:
    """A seeded mix of what people type, with and without filters."""
    rng = random.Random(seed)
    words = sorted(set(synthetic.WORDS))
    themes = synthetic.THEMES
    jurisdictions = list(synthetic.BODIES)
    kinds = ["Commitment", "Document", "Meeting", "ActionPlan"]
    theme_labels = ["Open contracting", "Open data", "Health", "Lobbying", "Fiscal openness",
                    "Beneficial ownership", "Access to information"]
    out: list[dict[str, Any]] = []
    makers: list[tuple[str, Callable[[], str]]] = [
        ("word", lambda: rng.choice(words)),
        ("two words", lambda: f"{rng.choice(words)} {rng.choice(words)}"),
        ("theme words", lambda: rng.choice(themes)),
        ("phrase", lambda: f'"{rng.choice(themes)}"'),
        ("prefix", lambda: rng.choice(words)[:4] + "*"),
        ("misspelling", lambda: _misspell(rng, rng.choice(words))),
        ("theme and word", lambda: f"{rng.choice(themes)} {rng.choice(words)}"),
        ("browse", lambda: ""),
    ]
    for i in range(n):
        kind, make = makers[i % len(makers)]
        q = make()
        filters: dict[str, list[Any]] = {}
        if i % 3 == 1:
            filters["jurisdiction"] = [rng.choice(jurisdictions)]
        if i % 3 == 2:
            filters["kind"] = [rng.choice(kinds)]
            if i % 2:
                filters["theme"] = [rng.choice(theme_labels)]
        if i % 7 == 3:
            filters["year"] = [rng.randint(synthetic.FIRST_YEAR, synthetic.LAST_YEAR)]
        out.append({"q": q, "class": kind, **filters})
    return out


def _misspell(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word + "x"
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


# ---------------------------------------------------------------- the data


def build_store(config: Any, n_documents: int) -> float:
    """Write the synthetic records for about ``n_documents`` entities into
    the store, one graph per jurisdiction; returns the seconds taken."""
    started = time.perf_counter()
    graphs: dict[str, list[Any]] = defaultdict(list)
    for record in synthetic.records(int(n_documents / ENTITIES_PER_RECORD) + 10):
        j = synthetic._jurisdiction_of(record)
        graphs[str(ids.source_graph(f"synthetic-{j}"))].extend(map_record(record))
    writer = open_store(config, write=True)
    try:
        writer.replace_graphs(graphs)
    finally:
        writer.close()
    return time.perf_counter() - started


class Fts5:
    """The baseline: the same documents in SQLite FTS5 (porter stemmer),
    facets by GROUP BY, themes in a side table."""

    def __init__(self, path: Path, docs: list[dict[str, Any]]) -> None:
        self.db = sqlite3.connect(str(path))
        self.db.executescript(
            """
            CREATE VIRTUAL TABLE docs USING fts5(
                title, text, jurisdiction UNINDEXED, kind UNINDEXED, year UNINDEXED,
                date UNINDEXED, iri UNINDEXED, tokenize = 'porter unicode61');
            CREATE TABLE themes (docid INTEGER, theme TEXT);
            """
        )
        started = time.perf_counter()
        with self.db:
            for i, d in enumerate(docs, start=1):
                self.db.execute(
                    "INSERT INTO docs (rowid, title, text, jurisdiction, kind, year, date, iri) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (i, d["label"], f"{d['text']}\n{d['title_cy']}\n{d['text_cy']}", d["jurisdiction"],
                     d["kind"], d["year"], d["date"], d["iri"]),
                )
                for t in filter(None, d["themes"].split(",")):
                    self.db.execute("INSERT INTO themes VALUES (?, ?)", (i, t))
            self.db.execute("CREATE INDEX themes_docid ON themes (docid)")
        self.seconds = time.perf_counter() - started

    @staticmethod
    def match(q: str) -> str | None:
        """The FTS5 query for one of the benchmark's queries."""
        q = q.strip()
        if not q:
            return None
        if q.startswith('"'):
            return '"' + q.strip('"').replace('"', "") + '"'
        parts = []
        for word in re.findall(r"[\w*]+", q):
            parts.append(word if word.endswith("*") else f'"{word}"')
        return " ".join(parts) or None

    def search(self, spec: dict[str, Any], facets: bool) -> int:
        match = self.match(spec["q"])
        where, params = [], []
        if match:
            where.append("docs MATCH ?")
            params.append(match)
        filters = {k: spec[k] for k in ("jurisdiction", "kind", "year") if spec.get(k)}

        def clause(skip: str | None = None) -> tuple[str, list[Any]]:
            w, p = list(where), list(params)
            for key, values in filters.items():
                if key != skip:
                    w.append(f"{key} IN ({','.join('?' * len(values))})")
                    p.extend(values)
            if spec.get("theme") and skip != "theme":
                w.append(f"rowid IN (SELECT docid FROM themes WHERE theme IN "
                         f"({','.join('?' * len(spec['theme']))}))")
                p.extend(spec["theme"])
            return (" WHERE " + " AND ".join(w)) if w else "", p

        w, p = clause()
        order = "bm25(docs, 2.5, 1.0)" if match else "date DESC"
        rows = self.db.execute(f"SELECT rowid FROM docs{w} ORDER BY {order} LIMIT 20", p).fetchall()
        total = self.db.execute(f"SELECT count(*) FROM docs{w}", p).fetchone()[0]
        if facets:
            for key in ("jurisdiction", "kind", "year"):
                fw, fp = clause(skip=key)
                self.db.execute(f"SELECT {key}, count(*) FROM docs{fw} GROUP BY {key}", fp).fetchall()
            fw, fp = clause(skip="theme")
            self.db.execute(
                f"SELECT theme, count(*) FROM themes WHERE docid IN (SELECT rowid FROM docs{fw}) "
                "GROUP BY theme", fp).fetchall()
        return total + 0 * len(rows)


def _request(spec: dict[str, Any], facets: bool) -> search.SearchRequest:
    return search.SearchRequest(
        q=spec["q"], jurisdiction=spec.get("jurisdiction", []), kind=spec.get("kind", []),
        theme=spec.get("theme", []), year=spec.get("year", []), facets=facets)


def _percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)

    def pct(p: float) -> float:
        k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
        return round(ordered[k], 2)

    return {"p50": pct(50), "p95": pct(95), "max": round(ordered[-1], 2),
            "mean": round(statistics.fmean(ordered), 2), "n": len(ordered)}


def _measure(fn: Callable[[dict[str, Any]], Any], queries: list[dict[str, Any]],
             repeat: int) -> list[tuple[str, float]]:
    """(query class, milliseconds) of each run of each query."""
    out = []
    for _ in range(repeat):
        for spec in queries:
            started = time.perf_counter()
            fn(spec)
            out.append((spec["class"], (time.perf_counter() - started) * 1000))
    return out


def run_size(n: int, workdir: Path, repeat: int, queries: list[dict[str, Any]]) -> dict[str, Any]:
    data_dir = workdir / f"data-{n}"
    config = load_config(overrides={"hub.data_dir": str(data_dir)})
    out: dict[str, Any] = {"documents": n}
    if not (data_dir / "current").exists():
        out["store_seconds"] = round(build_store(config, n), 1)
    with open_store(config) as store:
        started = time.perf_counter()
        docs = list(index.documents(store))
        read = time.perf_counter() - started
        triples = sum(store.count(g) for g in store.graphs())
    docs.sort(key=lambda d: d["iri"])
    random.Random(5).shuffle(docs)  # a sample of every kind, the same in every run
    docs = docs[:n]
    out["triples"] = triples
    out["documents"] = len(docs)
    built = index.build(config, docs)
    gen_path = index.current_generation(config)
    assert gen_path is not None
    size = sum(p.stat().st_size for p in gen_path.iterdir())
    fts = Fts5(workdir / f"fts-{n}.db", docs)
    out["indexing"] = {
        "entities_from_store_per_s": round(len(docs) / read),
        "whoosh_documents_per_s": round(len(docs) / built["seconds"]),
        "whoosh_seconds": built["seconds"],
        "fts5_documents_per_s": round(len(docs) / fts.seconds),
        "fts5_seconds": round(fts.seconds, 2),
        "ratio_whoosh_to_fts5_time": round(built["seconds"] / fts.seconds, 2),
        "index_bytes": size,
    }
    out["search"] = {}
    for facets in (True, False):
        label = "with_facets" if facets else "without_facets"
        gen = search.Generation(gen_path)  # fresh: nothing cached
        cold = _measure(lambda spec, g=gen, f=facets: search.search(g, _request(spec, f)), queries, 1)
        warm = _measure(lambda spec, g=gen, f=facets: search.search(g, _request(spec, f)), queries, repeat)
        gen.close()
        gen = search.Generation(gen_path)  # fresh again, then warmed up as a server does
        started = time.perf_counter()
        warmed_terms = gen.warm_up()
        warm_up_s = time.perf_counter() - started
        first = _measure(lambda spec, g=gen, f=facets: search.search(g, _request(spec, f)), queries, 1)
        gen.close()
        base = _measure(lambda spec, f=facets: fts.search(spec, f), queries, repeat)
        hub_cold, hub_warm, fts_all = (_percentiles([ms for _, ms in cold]),
                                       _percentiles([ms for _, ms in warm]),
                                       _percentiles([ms for _, ms in base]))
        hub_first = _percentiles([ms for _, ms in first])
        out["search"][label] = {
            "hub_cold_ms": hub_cold,
            "hub_after_warm_up_first_run_ms": hub_first,
            "warm_up": {"terms": warmed_terms, "seconds": round(warm_up_s, 2)},
            "hub_warm_ms": hub_warm,
            "fts5_ms": fts_all,
            "ratio_hub_to_fts5_p95_cold": round(hub_cold["p95"] / fts_all["p95"], 2),
            "ratio_hub_to_fts5_p95_warm": round(hub_warm["p95"] / fts_all["p95"], 2),
            "by_query_class_p95_ms": {
                kind: {"hub_cold": _percentiles([ms for k, ms in cold if k == kind])["p95"],
                       "hub_after_warm_up": _percentiles([ms for k, ms in first if k == kind])["p95"],
                       "hub_warm": _percentiles([ms for k, ms in warm if k == kind])["p95"],
                       "fts5": _percentiles([ms for k, ms in base if k == kind])["p95"]}
                for kind in dict.fromkeys(q["class"] for q in queries)
            },
        }
    facets = out["search"]["with_facets"]
    out["search"]["meets_target"] = {
        "cold": facets["hub_cold_ms"]["p95"] < TARGET_P95_MS,
        "after_warm_up": facets["hub_after_warm_up_first_run_ms"]["p95"] < TARGET_P95_MS,
        "warm": facets["hub_warm_ms"]["p95"] < TARGET_P95_MS,
    }
    out["search_page"] = _page_latency(config, queries, repeat)
    search.forget(config)
    fts.db.close()
    return out


def _page_latency(config: Any, queries: list[dict[str, Any]], repeat: int) -> dict[str, Any]:
    """``GET /search`` through the Flask test client: parsing, search,
    facets, snippets and the HTML."""
    import dataclasses
    from urllib.parse import urlencode

    from hub.web import create_app

    # One client sends every query of the benchmark: no rate limit.
    unlimited = dataclasses.replace(config, values={**config.values, "server.rate_limit": 0})
    client = create_app(unlimited).test_client()
    urls = []
    for spec in queries:
        pairs = [("q", spec["q"])] + [(k, v) for k in ("jurisdiction", "kind", "theme", "year")
                                      for v in spec.get(k, [])]
        urls.append("/search?" + urlencode(pairs))
    client.get(urls[0])
    ms = []
    for _ in range(repeat):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            ms.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return {"html_ms": _percentiles(ms)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="documents to index, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs of each query")
    parser.add_argument("--queries", type=int, default=60, help="distinct queries")
    parser.add_argument("--workdir", help="keep stores and indexes here (reused if present)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="ogh-bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    queries = query_set(n=args.queries)
    results: dict[str, Any] = {
        "benchmark": "search",
        "target": f"p95 < {TARGET_P95_MS:g} ms with facets at 100k documents",
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "sqlite": sqlite3.sqlite_version},
        "queries": len(queries),
        "repeat": args.repeat,
        "sizes": {},
    }
    try:
        for n in sizes:
            print(f"bench.search: {n} documents…", file=sys.stderr, flush=True)
            results["sizes"][str(n)] = run_size(n, workdir, args.repeat, queries)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(results, indent=2))
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
