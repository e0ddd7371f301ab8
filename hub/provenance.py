"""Harvest runs in the provenance graph (PROV-O), and each source's status.

Every run of a source is a ``prov:Activity`` (``ogh:HarvestRun``) with its
start, end, outcome (``succeeded``, ``failed``, ``unchanged``), the counts of
documents fetched, answered 304 and failed, the entities it produced, and one
``ogh:HarvestError`` per document that failed (URL, status, reason). A
successful run ``prov:generated`` the source's graph. The last
:data:`KEEP_RUNS` runs of each source are kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from hub import ids
from hub.store import GraphStore
from hub.terms import Triple, as_int
from vocab import ID, OGH, PROV, RDF, RDFS

KEEP_RUNS = 10


@dataclass
class RunResult:
    source: str
    started: dt.datetime
    ended: dt.datetime
    outcome: str  # succeeded, failed, unchanged
    reason: str | None = None
    mode: str = "full"  # full, urls
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return ids.harvest_run(self.source, self.started)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "outcome": self.outcome,
            "reason": self.reason,
            "mode": self.mode,
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat(),
            "seconds": round((self.ended - self.started).total_seconds(), 3),
            "documents": {"fetched": self.fetched, "not_modified": self.not_modified,
                          "failed": self.failed},
            "entities": self.entities,
            "triples": self.triples,
            "errors": self.errors,
        }


def _dt(value: dt.datetime) -> Literal:
    return Literal(value.astimezone(dt.UTC).isoformat(), datatype=XSD.dateTime)


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def run_triples(run: RunResult) -> list[Triple]:
    s = run.iri
    t: list[Triple] = [
        (s, RDF.type, OGH.HarvestRun),
        (s, RDF.type, PROV.Activity),
        (s, OGH.source, Literal(run.source)),
        (s, PROV.startedAtTime, _dt(run.started)),
        (s, PROV.endedAtTime, _dt(run.ended)),
        (s, OGH.runOutcome, Literal(run.outcome)),
        (s, OGH.documentsFetched, _int(run.fetched)),
        (s, OGH.documentsNotModified, _int(run.not_modified)),
        (s, OGH.documentsFailed, _int(run.failed)),
        (s, OGH.entityCount, _int(sum(run.entities.values()))),
    ]
    if run.mode != "full":
        t.append((s, RDFS.comment, Literal(f"harvest of given URLs only ({run.mode})")))
    if run.reason:
        t.append((s, OGH.reason, Literal(run.reason)))
    for kind, n in sorted(run.entities.items()):
        node = URIRef(f"{s}/count/{kind}")
        t.append((node, RDFS.label, Literal(kind)))
        t.append((node, OGH.entityCount, _int(n)))
        t.append((node, PROV.wasGeneratedBy, s))
    for n, error in enumerate(run.errors, start=1):
        node = URIRef(f"{s}/error/{n}")
        t.append((s, OGH.harvestError, node))
        t.append((node, RDF.type, OGH.HarvestError))
        t.append((node, OGH.url, Literal(error["url"])))
        if error.get("status") is not None:
            t.append((node, OGH.httpStatus, _int(int(error["status"]))))
        t.append((node, OGH.reason, Literal(error["reason"])))
    if run.outcome == "succeeded":
        graph = ids.source_graph(run.source)
        t.append((s, PROV.generated, graph))
        t.append((graph, PROV.wasGeneratedBy, s))
    return t


def updated_provenance(store: GraphStore, run: RunResult) -> list[Triple]:
    """The provenance graph with ``run`` added, keeping the last runs of each
    source, and ``prov:wasGeneratedBy`` only on the latest successful run."""
    existing = list(store.triples(str(ids.PROVENANCE_GRAPH)))
    new = run_triples(run)
    by_run: dict[str, list[Triple]] = defaultdict(list)
    started: dict[str, str] = {}
    source_of: dict[str, str] = {}
    run_prefix = f"{ID}run/"
    for s, p, o in [*existing, *new]:
        subject = str(s)
        if subject.startswith(run_prefix):
            key = "/".join(subject.split("/")[:7])  # .../id/run/<source>/<stamp>
            by_run[key].append((s, p, o))
            if p == PROV.startedAtTime:
                started[key] = str(o)
            if p == OGH.source:
                source_of[key] = str(o)
        elif p == PROV.wasGeneratedBy and str(s).startswith(str(ids.source_graph(""))):
            continue  # rebuilt below
        else:
            by_run[""].append((s, p, o))
    keep: set[str] = set()
    runs_by_source: dict[str, list[str]] = defaultdict(list)
    for key in by_run:
        if key:
            runs_by_source[source_of.get(key, "")].append(key)
    latest_success: dict[str, str] = {}
    for source, keys in runs_by_source.items():
        keys.sort(key=lambda k: started.get(k, ""), reverse=True)
        keep.update(keys[:KEEP_RUNS])
        for k in keys:
            if any(p == PROV.generated for _, p, _ in by_run[k]):
                latest_success.setdefault(source, k)
                keep.add(k)
    out: list[Triple] = list(by_run[""])
    for key in sorted(keep):
        out += by_run[key]
    for source, key in latest_success.items():
        out.append((ids.source_graph(source), PROV.wasGeneratedBy, URIRef(key)))
    return list(dict.fromkeys(out))


def runs(store: GraphStore) -> list[dict[str, Any]]:
    """Every recorded run, newest first, as dicts."""
    prov = ids.PROVENANCE_GRAPH
    rows = store.select(
        f"""SELECT ?run ?p ?o WHERE {{ GRAPH <{prov}> {{
              ?run a <{OGH.HarvestRun}> ; ?p ?o }} }}"""
    )
    data: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in rows:
        run, p, o = str(row["run"]), row["p"], row["o"]
        d = data[run]
        name = {
            OGH.source: "source", PROV.startedAtTime: "started", PROV.endedAtTime: "ended",
            OGH.runOutcome: "outcome", OGH.reason: "reason", OGH.documentsFetched: "fetched",
            OGH.documentsNotModified: "not_modified", OGH.documentsFailed: "failed",
        }.get(p)  # type: ignore[call-overload]
        if name:
            d[name] = o.toPython() if isinstance(o, Literal) else str(o)
    errors = store.select(
        f"""SELECT ?run ?url ?status ?reason WHERE {{ GRAPH <{prov}> {{
              ?run <{OGH.harvestError}> ?e . ?e <{OGH.url}> ?url ; <{OGH.reason}> ?reason .
              OPTIONAL {{ ?e <{OGH.httpStatus}> ?status }} }} }} ORDER BY ?run ?e"""
    )
    for row in errors:
        data[str(row["run"])].setdefault("errors", []).append({
            "url": str(row["url"]),
            "status": as_int(row["status"]),
            "reason": str(row["reason"]),
        })
    counts = store.select(
        f"""SELECT ?run ?kind ?n WHERE {{ GRAPH <{prov}> {{
              ?c <{PROV.wasGeneratedBy}> ?run ; <{RDFS.label}> ?kind ; <{OGH.entityCount}> ?n .
              ?run a <{OGH.HarvestRun}> }} }}"""
    )
    for row in counts:
        data[str(row["run"])].setdefault("entities", {})[str(row["kind"])] = as_int(row["n"])
    out = []
    for run, d in data.items():
        d["run"] = run
        d.setdefault("errors", [])
        d.setdefault("entities", {})
        for key in ("started", "ended"):
            if isinstance(d.get(key), dt.datetime):
                d[key] = d[key].isoformat()
        out.append(d)
    out.sort(key=lambda d: d.get("started", ""), reverse=True)
    return out


def source_status(store: GraphStore, config: Any) -> list[dict[str, Any]]:
    """Per configured source: its last run (time, outcome, counts, errors),
    its last successful run, and the triples its graph holds now."""
    all_runs = runs(store)
    graphs = set(store.graphs())
    out = []
    for source in config.sources.values():
        mine = [r for r in all_runs if r.get("source") == source.id]
        last = mine[0] if mine else None
        last_success = next((r for r in mine if r.get("outcome") in ("succeeded", "unchanged")), None)
        graph = str(ids.source_graph(source.id))
        out.append({
            "id": source.id,
            "name": source.name,
            "jurisdiction": source.jurisdiction,
            "publisher": source.publisher,
            "base_url": source.base_url,
            "licence": source.licence,
            "graph": graph,
            "triples": store.count(graph) if graph in graphs else 0,
            "last_run": last,
            "last_success": last_success,
            "runs": len(mine),
        })
    return out
