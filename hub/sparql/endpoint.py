"""Running a protocol operation: the pool, the limits and the answer.

:class:`Endpoint` is what the ``/sparql`` blueprint holds (one per web
process). It turns an :class:`~hub.sparql.protocol.Operation` and the chosen
formats into a job for a query process, enforces ``sparql.timeout``,
``sparql.max_rows`` and ``sparql.max_result_bytes``, and returns an
:class:`Answer` or raises :class:`QueryFailed` with the status to send.

A published snapshot never changes, so an answer holds for as long as its
snapshot is current: answers are kept (:class:`AnswerCache`, at most
``sparql.cache_bytes`` per web process) under the snapshot they were read from
and the job, and a query asked again before the next harvest is answered from
memory. A new snapshot makes every kept answer unreachable (they age out).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from hub.settings import Config
from hub.sparql.formats import BY_NAME, HTML, Choice
from hub.sparql.pool import PoolBusy, QueryPool, QueryTimeout, WorkerFailed
from hub.sparql.protocol import Operation


class QueryFailed(Exception):
    """The query could not be answered; ``status`` is the HTTP status to send."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def timed_out(timeout: float) -> QueryFailed:
    """The answer to a query stopped at the timeout, on either store."""
    return QueryFailed(
        503, f"The query was stopped after {timeout:g} seconds, the longest a query may run "
        "here (sparql.timeout). Narrow it (a LIMIT, fewer unbound patterns or shorter property "
        "paths) or download the dump to run it locally.")


@dataclass
class Answer:
    kind: str  # "select", "ask" or "graph"
    format: str  # a format name (see hub.sparql.formats)
    body: bytes
    rows: int
    truncated: str  # "", "rows" or "bytes"
    elapsed: float
    snapshot: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    cached: bool = False  # answered from the cache, not by running the query

    @property
    def media_type(self) -> str:
        return BY_NAME[self.format].media_type


class AnswerCache:
    """Answers by (snapshot, job), least recently used first out, within a
    budget of bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str], tuple[dict[str, Any], bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(snapshot: str, job: dict[str, Any]) -> tuple[str, str]:
        text = json.dumps(job, sort_keys=True, separators=(",", ":"))
        return snapshot, hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: tuple[str, str]) -> tuple[dict[str, Any], bytes] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], header: dict[str, Any], body: bytes) -> None:
        size = len(body) + 512
        if size > self.max_bytes // 8:  # one answer never crowds out the rest
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (header, body)
            self._size += size
            while self._size > self.max_bytes and self._items:
                _, (_, old) = self._items.popitem(last=False)
                self._size -= len(old) + 512


def endpoint_url(config: Config) -> str:
    return config["hub.base_url"].rstrip("/") + "/sparql"


class Endpoint:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.timeout = float(config["sparql.timeout"])
        self.max_rows = int(config["sparql.max_rows"])
        self.max_bytes = int(config["sparql.max_result_bytes"])
        self.workers = int(config["sparql.workers"])
        self.base_iri = endpoint_url(config)
        cache_bytes = int(config["sparql.cache_bytes"])
        self.cache = AnswerCache(cache_bytes) if cache_bytes > 0 else None
        self._pool: QueryPool | None = None
        self._remote: Any = None
        self._remote_pid = 0
        self._lock = threading.Lock()
        from vocab import PREFIXES

        self.prefixes = dict(PREFIXES)

    def pool(self) -> QueryPool:
        with self._lock:
            if self._pool is None or self._pool.pid != os.getpid():
                # A forked web worker must not share its parent's pipes.
                # A query waits for a free process for up to twice the time a
                # query may run: long enough for one running query to end.
                self._pool = QueryPool(self.config.data_dir, size=self.workers,
                                       queue_timeout=2 * self.timeout)
            return self._pool

    def remote(self) -> Any:
        """The forwarder to the remote store (:mod:`hub.sparql.remote`)."""
        with self._lock:
            if self._remote is None or self._remote_pid != os.getpid():
                from hub.sparql.remote import Remote

                self._remote = Remote(self.config, self.timeout, self.workers)
                self._remote_pid = os.getpid()
            return self._remote

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pool.pid == os.getpid():
                self._pool.close()
            self._pool = None
            if self._remote is not None:
                self._remote.close()
            self._remote = None

    def _snapshot(self) -> str | None:
        try:
            return os.readlink(self.config.data_dir / "current")
        except OSError:
            return None

    def run(self, op: Operation, choice: Choice, max_rows: int | None = None,
            client: str = "", use_cache: bool = True) -> Answer:
        """Answer ``op`` for ``client`` (its address, for the pool's fairness);
        ``use_cache=False`` runs the query even when an answer from the current
        snapshot is kept (it is kept afresh)."""
        job = {
            "query": op.query,
            "default_graphs": list(op.default_graphs) if op.default_graphs is not None else None,
            "named_graphs": list(op.named_graphs) if op.named_graphs is not None else None,
            # The hub's default graph is the union of its graphs, unless the
            # query names its own dataset (FROM / FROM NAMED).
            "union": not op.info.has_dataset,
            "results_format": "json" if choice.results == HTML else choice.results,
            "graph_format": "ntriples" if choice.graph == HTML else choice.graph,
            "max_rows": min(max_rows or self.max_rows, self.max_rows),
            "max_bytes": self.max_bytes,
            "base_iri": self.base_iri,
            "prefixes": self.prefixes,
        }
        if self.config["store.backend"] == "sparql":
            header, body = self.remote().run(op, job)  # raises QueryFailed itself
            return self._answer(header, body)
        key = None
        if self.cache is not None:
            snapshot = self._snapshot()
            if snapshot is not None:
                key = AnswerCache.key(snapshot, job)
                found = self.cache.get(key) if use_cache else None
                if found is not None:
                    answer = self._answer(*found)
                    answer.cached = True
                    return answer
        try:
            header, body = self.pool().run(job, self.timeout, client)
        except QueryTimeout:
            raise timed_out(self.timeout) from None
        except PoolBusy as exc:
            raise QueryFailed(503, f"{exc}.", {"Retry-After": "2"}) from None
        except WorkerFailed as exc:
            raise QueryFailed(503, f"The query could not be completed: {exc}. It may have "
                              "needed more memory than a query may use.") from None
        error = header.get("error")
        if error in ("syntax", "query"):
            raise QueryFailed(400, header["message"])
        if error:
            raise QueryFailed(503, header["message"])
        if key is not None and self.cache is not None and header.get("snapshot") == key[0]:
            self.cache.put(key, header, body)
        return self._answer(header, body)

    @staticmethod
    def _answer(header: dict[str, Any], body: bytes) -> Answer:
        return Answer(
            kind=header["kind"], format=header["format"], body=body, rows=header["rows"],
            truncated=header.get("truncated", ""), elapsed=header.get("elapsed", 0.0),
            snapshot=header.get("snapshot"),
            extra={"boolean": header["boolean"]} if "boolean" in header else {},
        )
