"""``ogh stats``: what the graph holds, by class and jurisdiction, and per graph."""

from __future__ import annotations

import argparse
from typing import Any

from hub.commands._common import print_json
from hub.entities import KINDS, code
from hub.settings import Config
from hub.store import GraphStore, open_store
from hub.terms import as_int
from vocab import OGH


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("stats", help="count entities and triples",
                              description="Count entities of every class by jurisdiction, "
                              "and triples per named graph.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def collect(store: GraphStore) -> dict[str, Any]:
    classes: dict[str, dict[str, int]] = {}
    for kind, cls in KINDS.items():
        rows = store.select(
            f"SELECT ?j (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> . "
            f"OPTIONAL {{ ?s <{OGH.jurisdiction}> ?j }} }} GROUP BY ?j"
        )
        counts = {(code(r["j"]) or "none"): n for r in rows if (n := as_int(r["n"]) or 0)}
        counts = dict(sorted(counts.items()))
        counts["total"] = sum(counts.values())
        classes[kind] = counts
    graphs = {g: store.count(g) for g in store.graphs()}
    return {"classes": classes, "graphs": graphs, "triples": sum(graphs.values())}


def run(args: argparse.Namespace, config: Config) -> int:
    with open_store(config) as store:
        stats = collect(store)
    if args.json:
        print_json(stats)
        return 0
    if not stats["graphs"]:
        print("The store is empty: run `ogh harvest` (or `make run`) to fill it.")
        return 0
    print("Entities by jurisdiction:")
    for kind, counts in stats["classes"].items():
        parts = ", ".join(f"{j} {n}" for j, n in counts.items() if j != "total")
        print(f"  {kind:14} {counts['total']:6}  {parts}")
    print("Triples per graph:")
    for graph, n in stats["graphs"].items():
        print(f"  {n:8}  {graph}")
    print(f"  {stats['triples']:8}  in all")
    return 0
