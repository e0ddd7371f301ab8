"""``/sparql`` on the remote store (``store.backend = "sparql"``): the query is
forwarded to the SPARQL server, within the endpoint's limits.

The server is asked for a format the hub reads losslessly (SPARQL results JSON
for SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE), and the answer is
written out again by :func:`hub.sparql.worker.render`, exactly as the embedded
store's answers are: so the formats, the row cap (``sparql.max_rows``) and the
byte cap (``sparql.max_result_bytes``) are the same on both backends, and no
server's own flavour of CSV or TSV reaches a client. ``sparql.timeout`` bounds
the server's work (Virtuoso is told it too; its partial answer after a timeout
is refused, never passed on), and at most ``sparql.workers`` queries are
forwarded at once from one web process.

The dataset is confined to the hub's *published* graphs
(:meth:`hub.store_sparql.SparqlStore.query_raw`): the union of them by default;
the query's own FROM / FROM NAMED, or the protocol's ``default-graph-uri`` /
``named-graph-uri`` (which win over FROM, as the protocol says), keep only the
published graphs they name. The FROM clauses are taken out of the text and
sent as protocol parameters, since Virtuoso would merge the two.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pyoxigraph as ox

from hub.sparql.endpoint import QueryFailed, timed_out
from hub.sparql.lexer import UnresolvedName, split_dataset
from hub.sparql.protocol import Operation
from hub.sparql.worker import render

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
#: How much more than ``sparql.max_result_bytes`` is read from the server: its
#: JSON is wordier than the TSV the byte cap is measured on.
READ_FACTOR = 4

#: Virtuoso labels blank nodes ``nodeID://b1`` in results, which is not a
#: blank node label: the prefix is dropped (as the remote store does).
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


class Remote:
    """Forwards queries to the configured remote store (one per web process)."""

    def __init__(self, config: Any, timeout: float, workers: int) -> None:
        from hub.store_sparql import SparqlStore

        self.store = SparqlStore.from_config(config)
        self.timeout = timeout
        self.slots = threading.BoundedSemaphore(workers)
        self.workers = workers

    def close(self) -> None:
        self.store.close()

    def run(self, op: Operation, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """The answer's header and body, as a query process would give them."""
        from hub.store_sparql import SparqlError, StoreBusy, StoreIncomplete

        query = op.query
        default = list(op.default_graphs) if op.default_graphs is not None else None
        named = list(op.named_graphs) if op.named_graphs is not None else None
        if op.info.has_dataset:
            try:
                query, from_default, from_named = split_dataset(query, job.get("base_iri"))
            except UnresolvedName as exc:
                raise QueryFailed(400, f"SPARQL syntax error: {exc}") from None
            if default is None and named is None:
                default, named = from_default, from_named
        if job.get("base_iri"):
            # Relative IRIs resolve against the hub's endpoint, as on the embedded
            # store (a later BASE in the query still wins). Same line: error
            # messages keep their line numbers.
            query = f"BASE <{job['base_iri']}> {query}"
        accept = NTRIPLES if op.info.form in ("CONSTRUCT", "DESCRIBE") else RESULTS_JSON
        if not self.slots.acquire(timeout=self.timeout):
            raise QueryFailed(503, f"all {self.workers} query slots are busy; try again shortly",
                            {"Retry-After": "2"})
        try:
            raw = self.store.query_raw(
                query, accept, timeout=self.timeout, default_graphs=default, named_graphs=named,
                union=default is None and named is None,
                max_bytes=int(job["max_bytes"]) * READ_FACTOR, allow_capped=True)
        except StoreIncomplete:
            raise timed_out(self.timeout) from None
        except StoreBusy as exc:
            raise QueryFailed(503, f"{exc}.", {"Retry-After": "2"}) from None
        except SparqlError as exc:
            if "estimated execution time" in str(exc):  # Virtuoso's refusal before it starts
                raise QueryFailed(503, f"The store will not run the query: {_server_words(exc)}. Narrow "
                                "it (a LIMIT, fewer unbound patterns or shorter property paths) or "
                                "download the dump to run it locally.") from None
            if exc.status == 400:
                raise QueryFailed(400, f"The query was refused by the store: {_server_words(exc)}") from None
            if exc.status is None and "no answer within" in str(exc):
                raise timed_out(self.timeout) from None
            raise QueryFailed(502, f"The store could not answer the query: {_server_words(exc)}") from None
        finally:
            self.slots.release()
        header, body = _reshape(raw.body, raw.content_type, raw.truncated, job)
        if raw.capped and not header.get("truncated"):
            # The server cut the rows at its own limit, below ours.
            header["truncated"] = "rows"
        header["snapshot"] = raw.snapshot
        header["elapsed"] = raw.elapsed
        return header, body


def _server_words(exc: Exception) -> str:
    """The server's message without the URL the store's error starts with."""
    text = str(exc)
    _, sep, rest = text.partition(": ")
    return rest if sep and text.startswith("http") else text


def _reshape(body: bytes, content_type: str, cut: bool, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        if "sparql-results+json" in media or media == "application/json":
            body = _VIRTUOSO_BNODE.sub(rb"\1", body)
            try:
                result: Any = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            except SyntaxError:
                if not cut:
                    raise
                raise QueryFailed(502, "The store's answer was too large to read within "
                                "sparql.max_result_bytes.") from None
            return render(result, job, cut=cut)
        if "sparql-results+xml" in media:
            return render(ox.parse_query_results(body, ox.QueryResultsFormat.XML), job, cut=cut)
        rdf_format = ox.RdfFormat.from_media_type(media) if media else None
        if rdf_format is None:
            raise QueryFailed(502, f"The store answered with {content_type or 'no content type'}, "
                            "which the hub cannot read.")
        if cut and rdf_format != ox.RdfFormat.N_TRIPLES:
            raise QueryFailed(502, "The store's answer was too large to read within "
                            "sparql.max_result_bytes.")
        if cut:
            body = body[: body.rfind(b"\n") + 1]  # whole lines only
        triples = (q.triple for q in ox.parse(body, rdf_format))
        return render(triples, job, cut=cut)
    except SyntaxError as exc:
        raise QueryFailed(502, f"The store's answer could not be read ({media}): {exc}") from None
