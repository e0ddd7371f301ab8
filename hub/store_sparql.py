"""The remote store: any SPARQL 1.1 server with Query, Update and, where it
offers one, the Graph Store Protocol (``store.backend = "sparql"``).

It keeps the promises of the embedded store (:mod:`hub.store`): each named
graph is replaced whole, readers see every old graph or every new one and
never half a harvest, and a write that fails, raises or is killed part-way
leaves the previous graphs in place. How:

**Readers name their dataset.** Every query goes out with an explicit dataset
(``default-graph-uri`` and ``named-graph-uri``, both the list of *published*
graphs), so the union default graph and ``GRAPH ?g`` see the published graphs
and nothing else: not the staging graphs a write is filling, not the server's
own graphs (Virtuoso keeps several), not other applications' data. The list
lives in a small *catalogue* graph (:data:`CATALOGUE`) with an *epoch*, a
token that changes at every publication.

**A write stages, then switches in a short window, guarded by a flag.** The
new triples are compared with the published graph in the hub (the old graph is
read once, page by page); only the difference goes to the server, into two
staging graphs per target (additions and deletions, by Graph Store Protocol
POST of N-Triples, or INSERT DATA in chunks). Then the writer raises a
*switching* flag in the catalogue, applies the difference in one update
request (``DELETE … WHERE { GRAPH <deletions> … }`` then ``INSERT … WHERE {
GRAPH <additions> … }``), updates the graph list, changes the epoch and lowers
the flag. Readers wait while the flag is up, and check after each query that
the epoch did not move while it ran (retrying if it did): so a reader's answer
always comes from one published state.

Why not simply ``DROP`` + ``MOVE`` from a staging graph in one request, and
trust the server to make the request atomic? Because servers do not agree on
that. Virtuoso 7.2 (the one the tests run against) applies a large update
request without isolating it from concurrent readers: a reader counting a
graph of 20,000 triples while ``DROP GRAPH <g>; MOVE <staging> TO <g>`` ran
saw 12,001 and 19,899. The flag-and-epoch protocol needs nothing of the server
but that a single small update is not seen half-applied, and the window in
which readers wait is as long as the *difference* takes to apply (nothing for
an unchanged graph), not the whole graph. The difference is computed in the hub
because the server cannot be relied on for it either: Virtuoso took 30 s for
``FILTER NOT EXISTS`` between two graphs of 25,000 triples, which the hub does
in a fraction of a second once it has read the old graph.

**A journal makes crashes harmless.** Before anything is staged, the write is
recorded in the catalogue (its staging graphs and targets). A writer killed
while staging leaves only staging graphs, which readers never see; the next
writer of this hub (it holds the data folder's writer lock, so the journal's
owner is dead) drops them. A writer killed inside the window leaves the flag
up; applying the difference is idempotent and so is its inverse, so recovery
*undoes* it (deletes the additions, re-inserts the deletions), checks that it
did, restores the graph list and lowers the flag: the previous graphs are back,
exactly. Recovery waits for the write's *lease* (twice ``store.timeout`` and a
little), since the server may still be running the dead writer's request; then
the next writer, or a reader kept waiting, undoes it. Readers wait meanwhile,
as they would for a slow switch.

**Reading what the server limits.** Servers cap result sizes (Virtuoso: 10,000
rows by default, and silently for CONSTRUCT and Graph Store GETs). A graph is
read with ``LIMIT``/``OFFSET`` pages of CONSTRUCT, and the read counts its
distinct triples against ``COUNT(*)``: a short read is an error, never a
smaller graph. A query that the server answers partially (HTTP 206, Virtuoso's
``X-SQL-State``/``X-SPARQL-Anytime`` headers after a timeout, or
``X-SPARQL-MaxRows`` when it cut a result) raises :class:`StoreIncomplete`.

Blank nodes: labels from the server are kept as they come (Virtuoso's
``nodeID://b1`` becomes ``b1``), so a blank node read twice is the same node;
a write replaces all the blank-node triples of a graph that has any (they
cannot be matched across requests). The hub itself mints none.

Limits, stated: one writer per data folder at a time (the lock file, as for
the embedded store); hubs on several machines writing one server must take
turns. Queries sent straight to the server, not through the hub, see whatever
the server shows, staging graphs included.
"""

from __future__ import annotations

import contextlib
import fcntl
import html
import io
import json
import logging
import os
import re
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from hub.store import FORMATS, GraphStore, Row, StoreError, StoreLocked, format_for, parse_dataset
from hub.terms import Triple, from_ox, to_ox
from vocab import GRAPH

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The hub's bookkeeping graph on the server: published graphs, epoch, journal.
CATALOGUE = GRAPH + "store/catalogue"
#: A graph that never holds data: the dataset of a store with no graphs yet.
EMPTY_GRAPH = GRAPH + "store/empty"
#: Where writes stage their triples: ``staging/<hub id>/<write>/<n>/additions``.
STAGING = GRAPH + "store/staging/"

_C = CATALOGUE + "#"
P_GRAPH = _C + "graph"  # <catalogue> P_GRAPH <published graph>
P_EPOCH = _C + "epoch"  # <catalogue> P_EPOCH "token"
P_SWITCHING = _C + "switching"  # <catalogue> P_SWITCHING <write> while it is applied
P_WRITER = _C + "writer"  # <write> P_WRITER "host process pid"
P_STARTED = _C + "started"  # <write> P_STARTED "unix time"
P_LEASE = _C + "lease"  # <write> P_LEASE "unix time": others may recover it after this
P_CHANGE = _C + "change"  # <write> P_CHANGE <change>
P_TARGET = _C + "target"  # <change> P_TARGET <graph>
P_ADDITIONS = _C + "additions"  # <change> P_ADDITIONS <staging graph>
P_DELETIONS = _C + "deletions"  # <change> P_DELETIONS <staging graph>
P_WAS = _C + "wasPublished"  # <change> P_WAS "true"/"false"
P_NOW = _C + "nowPublished"  # <change> P_NOW "true"/"false"

#: Rows asked for per page when reading a graph (lowered to the server's cap).
PAGE = 10_000
#: Triples per Graph Store Protocol POST, and per INSERT DATA request (Virtuoso
#: refuses an update of much more than 1,000 triples: "generated SQL text has
#: exceeded 10000 lines").
GSP_CHUNK = 20_000
UPDATE_CHUNK = 500
#: A foreign hub's abandoned staging is cleaned up after this many seconds.
FOREIGN_JOURNAL_AGE = 86_400.0

NTRIPLES = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class SparqlError(StoreError):
    """The server refused a request or could not be reached. ``status`` is its
    HTTP status (None when there was no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class StoreIncomplete(StoreError):
    """The server answered with partial results (a limit or a timeout cut it)."""


class StoreBusy(StoreError):
    """A write is being switched in for longer than a reader may wait."""


@dataclass
class RawAnswer:
    """A query's answer as the server sent it (for ``/sparql`` forwarding)."""

    body: bytes
    content_type: str
    status: int
    truncated: bool  # the body was cut at max_bytes
    elapsed: float
    snapshot: str | None  # the epoch the answer was read at
    capped: bool = False  # the server cut the rows at its own limit (allow_capped)


@dataclass(frozen=True)
class _State:
    """The catalogue as read in one request."""

    epochs: frozenset[str]
    switching: frozenset[str]
    graphs: tuple[str, ...]
    journal: dict[str, dict[str, list[str]]] = field(default_factory=dict, compare=False)

    @property
    def stable(self) -> bool:
        return len(self.epochs) <= 1 and not self.switching

    @property
    def epoch(self) -> str:
        return next(iter(self.epochs), "")


@dataclass
class _Change:
    """One target graph of a write and its staging graphs."""

    target: str
    additions: str
    deletions: str
    was: bool = False
    now: bool = False


# ================================================================ helpers


def _server_message(resp: requests.Response) -> str:
    """The server's own words, short: tags stripped, Virtuoso's echo of the
    query dropped."""
    text = resp.content[:8000].decode("utf-8", errors="replace")
    if "html" in resp.headers.get("Content-Type", "") or text.lstrip().startswith("<"):
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.split("SPARQL query:")[0]
    text = re.sub(r"\s+", " ", text).strip()
    return (text[:400] + "…") if len(text) > 400 else (text or "(no message)")


def _incomplete(resp: requests.Response, allow_capped: bool = False) -> str | None:
    """Why a 2xx answer is partial, or None when it is whole."""
    h = resp.headers
    if resp.status_code == 206:
        return "HTTP 206 (partial results)"
    if h.get("X-SQL-State"):
        return f"{h['X-SQL-State']}: {h.get('X-SQL-Message', 'incomplete results')}".strip()
    if h.get("X-SPARQL-Anytime"):
        return f"anytime query cut short ({h['X-SPARQL-Anytime']})"
    if h.get("X-SPARQL-MaxRows") and not allow_capped:
        return (f"the server returned only its first {h['X-SPARQL-MaxRows']} rows (its result "
                "limit; for Virtuoso raise [SPARQL] ResultSetMaxRows in virtuoso.ini)")
    return None


def _term(binding: dict[str, str]) -> Node:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value[len("nodeID://"):] if value.startswith("nodeID://") else value)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang")
        datatype = binding.get("datatype")
        if lang:
            return Literal(value, lang=lang)
        if datatype and datatype != _XSD_STRING:
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise StoreError(f"unknown term type {kind!r} in a SPARQL result")


def _ox_triple(t: Triple) -> ox.Triple:
    return ox.Triple(to_ox(t[0]), to_ox(t[1]), to_ox(t[2]))


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _bnode_batches(triples: list[ox.Triple], size: int) -> Iterator[list[str]]:
    """Blank-node triples in batches of about ``size`` lines, each blank node's
    triples in one batch (a label means one node only within one request)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def labels(t: ox.Triple) -> list[str]:
        return [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]

    for t in triples:
        found = labels(t)
        for other in found[1:]:
            parent[root(other)] = root(found[0])
    groups: dict[str, list[str]] = {}
    for t in triples:
        groups.setdefault(root(labels(t)[0]), []).append(str(t))
    batch: list[str] = []
    for lines in groups.values():
        if batch and len(batch) + len(lines) > size:
            yield batch
            batch = []
        batch.extend(lines)
    if batch:
        yield batch


def _literal(text: str) -> str:
    return json.dumps(text)  # a valid SPARQL string literal


Plan = Callable[[Callable[[], Iterable[Triple]]], Iterable[Triple]]
"""A target graph's new triples, given a way to read its old ones."""


def _given(triples: Iterable[Triple]) -> Plan:
    def plan(old: Callable[[], Iterable[Triple]]) -> Iterable[Triple]:
        return triples

    return plan


_GRAPH_IRI = re.compile(r"\bGRAPH\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)


def _graph_mentions(query: str) -> list[str]:
    """The IRIs a query names after GRAPH (not prefixed names)."""
    return _GRAPH_IRI.findall(query) if query else []


def _internal(graph: str) -> bool:
    return graph == CATALOGUE or graph.startswith(STAGING)


def _rdf_format(content_type: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip() or NTRIPLES)
    if fmt is None:
        raise StoreError(f"the server answered a graph query with {content_type!r}, not RDF")
    return fmt


def _parse_answer(content: bytes, content_type: str) -> Iterator[ox.Quad]:
    """A graph the server sent; RDF/XML declaring entities is refused, as in
    every load (pyoxigraph would expand them without a bound)."""
    fmt = _rdf_format(content_type)
    if fmt == ox.RdfFormat.RDF_XML:
        from harvesters.xmlsafe import UnsafeXML, check

        try:
            check(content)
        except UnsafeXML as exc:
            raise StoreError(f"the server's answer was refused: {exc}") from None
    return ox.parse(content, fmt)


# ================================================================ the store


class SparqlStore(GraphStore):
    """A store on a remote SPARQL 1.1 server; see the module's description."""

    def __init__(
        self,
        query_url: str,
        update_url: str = "",
        graph_store_url: str = "",
        credentials: tuple[str, str] | None = None,
        timeout: float = 60.0,
        data_dir: Path | None = None,
        write: bool = False,
        page_size: int = PAGE,
        wait: float | None = None,
    ) -> None:
        if not query_url:
            raise StoreError("store.backend is 'sparql' but store.query_url is not set "
                             "(config/hub.toml [store], or OGH_STORE_QUERY_URL)")
        if write and not update_url:
            raise StoreError("writing to the remote store needs store.update_url "
                             "(config/hub.toml [store], or OGH_STORE_UPDATE_URL)")
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.timeout = float(timeout)
        self.wait = float(wait if wait is not None else timeout)
        #: How long a write's switch may keep readers waiting before anyone
        #: may undo it: longer than its update request may take.
        self.lease = 2 * self.timeout + 5
        self.page_size = page_size
        self.writable = write
        self._credentials = credentials
        self._auth: requests.auth.AuthBase | None = None
        self._local = threading.local()
        self._current: _State | None = None
        self._virtuoso = False
        self._lock_file: IO[str] | None = None
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.hub_id = self._hub_id() if self.data_dir is not None else uuid.uuid4().hex[:12]
        if write:
            self._take_lock()
            try:
                self.recover()
            except BaseException:
                self.close()
                raise

    @classmethod
    def from_config(cls, config: Any, write: bool = False) -> SparqlStore:
        user = os.environ.get(config["store.user_env"]) or ""
        password = os.environ.get(config["store.password_env"]) or ""
        if bool(user) != bool(password):
            raise StoreError(
                f"set both ${config['store.user_env']} and ${config['store.password_env']} "
                "(the remote store's user name and password), or neither")
        return cls(
            config["store.query_url"], config["store.update_url"], config["store.graph_store_url"],
            credentials=(user, password) if user else None, timeout=config["store.timeout"],
            data_dir=config.data_dir, write=write,
        )

    # -- the writer lock and the hub's id --------------------------------------
    def _hub_id(self) -> str:
        """A random id kept in the data folder: names this hub's staging graphs."""
        assert self.data_dir is not None
        path = self.data_dir / "store-id"
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError:
            pass
        value = uuid.uuid4().hex[:12]
        tmp = path.with_name(f".store-id-{os.getpid()}")
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp.write_text(value + "\n", encoding="utf-8")
            os.link(tmp, path)  # fails if another process made it first
        except FileExistsError:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StoreError(f"{self.data_dir}: cannot use the data directory: {exc.strerror}") from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return value

    def _take_lock(self) -> None:
        if self.data_dir is None:
            return
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            lock = open(self.data_dir / "store.lock", "a+")  # noqa: SIM115 - held while open
        except OSError as exc:
            raise StoreError(f"{self.data_dir}: cannot use the data directory: {exc.strerror}") from exc
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            lock.close()
            raise StoreLocked(
                f"{self.data_dir}: the store is being written by {holder}; try again when it ends"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}\n")
        lock.flush()
        self._lock_file = lock

    def close(self) -> None:
        lock = self._lock_file
        if lock is not None and not lock.closed:
            with contextlib.suppress(OSError):
                fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
        self._lock_file = None
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    # -- HTTP ------------------------------------------------------------------
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None or getattr(self._local, "pid", None) != os.getpid():
            session = requests.Session()
            session.headers["User-Agent"] = "OpenGovernmentHub store (+https://w3id.org/ogh/)"
            self._local.session = session
            self._local.pid = os.getpid()
        return session

    def _send(self, method: str, url: str, what: str, *, timeout: float | None = None,
              stream: bool = False, **kwargs: Any) -> requests.Response:
        """One request; a failure raises :class:`SparqlError` naming the
        endpoint, what was being done and the server's own message."""
        wait = self.timeout if timeout is None else timeout
        for attempt in (1, 2):
            try:
                resp = self._session().request(method, url, auth=self._auth, stream=stream,
                                               timeout=(min(10.0, wait), wait), **kwargs)
            except requests.Timeout:
                raise SparqlError(f"{url}: no answer within {wait:g} s while {what} "
                                  "(store.timeout)") from None
            except requests.ConnectionError as exc:
                reason = str(exc.__context__ or exc).split("] ")[-1][:200]
                raise SparqlError(f"{url}: cannot reach the SPARQL server while {what}: {reason}") from None
            self._virtuoso = self._virtuoso or "virtuoso" in resp.headers.get("Server", "").lower()
            if resp.status_code == 401 and attempt == 1 and self._credentials and self._auth is None:
                challenge = resp.headers.get("WWW-Authenticate", "").lower()
                user, password = self._credentials
                self._auth = (requests.auth.HTTPDigestAuth(user, password) if "digest" in challenge
                              else requests.auth.HTTPBasicAuth(user, password))
                resp.close()
                continue
            break
        if resp.status_code >= 400:
            hint = ""
            if resp.status_code in (401, 403):
                hint = (" (check the user name and password in the variables named by "
                        "store.user_env and store.password_env)" if self._credentials else
                        " (the server wants credentials: set the variables named by "
                        "store.user_env and store.password_env)")
            message = _server_message(resp)
            resp.close()
            raise SparqlError(f"{url} answered HTTP {resp.status_code} while {what}: {message}{hint}",
                              status=resp.status_code)
        return resp

    def _dataset(self, graphs: Iterable[str], named: bool = True, default: bool = True,
                 query: str = "") -> list[tuple[str, str]]:
        """The protocol's dataset: ``graphs`` as the default graph and as the
        named graphs. Graphs the query names (``GRAPH <iri>``) that are not
        published are listed as named graphs too: Virtuoso answers a pattern on
        a graph missing from the list as if it matched (``ASK { GRAPH <none>
        { ?s ?p ?o } }`` is true), while a listed graph with no triples matches
        nothing, as it should."""
        names = [*graphs, EMPTY_GRAPH]
        params: list[tuple[str, str]] = []
        if default:
            params += [("default-graph-uri", g) for g in names]
        if named:
            listed = set(names)
            extra = [g for g in _graph_mentions(query) if g not in listed and not _internal(g)]
            params += [("named-graph-uri", g) for g in [*names, *dict.fromkeys(extra)]]
        return params

    def _query(self, query: str, accept: str, dataset: list[tuple[str, str]] | None, what: str,
               allow_capped: bool = False) -> requests.Response:
        resp = self._send("POST", self.query_url, what, data=[("query", query), *(dataset or [])],
                          headers={"Accept": accept})
        reason = _incomplete(resp, allow_capped)
        if reason:
            raise StoreIncomplete(f"{self.query_url}: incomplete answer while {what}: {reason}")
        return resp

    def _update(self, update: str, what: str) -> None:
        if not self.update_url:
            raise StoreError("this store has no store.update_url to write with")
        resp = self._send("POST", self.update_url, what, data={"update": update})
        resp.close()

    def _select_json(self, query: str, dataset: list[tuple[str, str]] | None, what: str) -> dict[str, Any]:
        resp = self._query(query, RESULTS_JSON, dataset, what)
        try:
            return resp.json()
        except ValueError:
            raise SparqlError(f"{self.query_url}: the answer while {what} is not SPARQL results "
                              f"JSON ({resp.headers.get('Content-Type', 'no type')})") from None

    # -- the catalogue -----------------------------------------------------------
    def _read_state(self) -> _State:
        data = self._select_json(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CATALOGUE}> {{ ?s ?p ?o }} }}", None,
            "reading the hub's catalogue of graphs")
        epochs: set[str] = set()
        switching: set[str] = set()
        graphs: set[str] = set()
        journal: dict[str, dict[str, list[str]]] = {}
        for b in data["results"]["bindings"]:
            s, p, o = b["s"]["value"], b["p"]["value"], b["o"]["value"]
            if s == CATALOGUE and p == P_EPOCH:
                epochs.add(o)
            elif s == CATALOGUE and p == P_SWITCHING:
                switching.add(o)
            elif s == CATALOGUE and p == P_GRAPH:
                graphs.add(o)
            else:
                journal.setdefault(s, {}).setdefault(p, []).append(o)
        return _State(frozenset(epochs), frozenset(switching), tuple(sorted(graphs)), journal)

    def _stable_state(self) -> _State:
        """The catalogue when no write is being switched in: waits while one
        is (up to ``wait`` seconds), then recovers a write whose writer is
        gone, or gives up."""
        deadline = time.monotonic() + self.wait
        delay = 0.02
        while True:
            state = self._read_state()
            if state.stable:
                return state
            late = time.monotonic() > deadline
            if self.update_url and self._abandoned(state, late) and self.recover(state):
                continue
            if late:
                writers = ", ".join(
                    state.journal.get(w, {}).get(P_WRITER, ["?"])[0] for w in state.switching
                ) or "a write"
                raise StoreBusy(f"{self.query_url}: {writers} has been switching new graphs in for "
                                f"more than {self.wait:g} s; try again shortly")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _abandoned(self, state: _State, late: bool) -> bool:
        """A switch whose lease ran out, or (after waiting) two epochs left by
        writers that overlapped."""
        now = time.time()
        for write in state.switching:
            lease = state.journal.get(write, {}).get(P_LEASE, ["0"])[0]
            if float(lease) < now:
                return True
        return late and len(state.epochs) > 1 and not state.switching

    def _consistent(self, run: Callable[[_State], T], discard: Callable[[T], None] | None = None) -> T:
        """``run`` on a published state; retried when a write switched graphs
        in while it ran, so the result comes from one state."""
        deadline = time.monotonic() + self.wait
        while True:
            before = self._current or self._stable_state()
            result = run(before)
            after = self._read_state()
            if after.stable and after.epoch == before.epoch:
                self._current = after
                return result
            self._current = None
            if discard is not None:
                discard(result)
            if time.monotonic() > deadline:
                raise StoreBusy(f"{self.query_url}: the graphs kept changing while being read "
                                f"for {self.wait:g} s; try again shortly")

    def refresh(self) -> bool:
        """Read the catalogue again; True when a write was published since."""
        old = self._current.epoch if self._current else None
        self._current = self._stable_state()
        return self._current.epoch != old

    @property
    def snapshot(self) -> str | None:
        """The epoch last read: changes whenever a write is published."""
        return self._current.epoch if self._current else None

    # -- reading -----------------------------------------------------------------
    def select(self, query: str) -> list[Row]:
        def run(state: _State) -> list[Row]:
            dataset = self._dataset(state.graphs, query=query)
            data = self._select_json(query, dataset, "running a SELECT query")
            if "results" not in data:
                raise StoreError("select() needs a SELECT query")
            names = data["head"].get("vars", [])
            return [Row({n: (_term(b[n]) if n in b else None) for n in names})
                    for b in data["results"]["bindings"]]

        return self._consistent(run)

    def ask(self, query: str) -> bool:
        def run(state: _State) -> bool:
            data = self._select_json(query, self._dataset(state.graphs, query=query), "running an ASK query")
            if "boolean" not in data:
                raise StoreError("ask() needs an ASK query")
            return bool(data["boolean"])

        return self._consistent(run)

    def construct(self, query: str) -> Graph:
        def run(state: _State) -> Graph:
            resp = self._query(query, GRAPH_ACCEPT, self._dataset(state.graphs, query=query),
                               "running a CONSTRUCT or DESCRIBE query")
            content_type = resp.headers.get("Content-Type", "")
            if "sparql-results" in content_type:
                raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
            graph = Graph()
            try:
                for q in _parse_answer(resp.content, content_type):
                    graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
            except SyntaxError as exc:
                raise SparqlError(f"{self.query_url}: unreadable {content_type}: {exc}") from None
            return graph

        return self._consistent(run)

    def graphs(self) -> list[str]:
        self._current = self._stable_state()
        return list(self._current.graphs)

    def _fetch(self, graph: str, state: _State) -> IO[bytes]:
        """One graph as N-Triples in a spool file, read in pages and checked
        against its count: complete or an error."""
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16_000_000)  # noqa: SIM115
        if graph not in state.graphs:
            return spool
        try:
            dataset = self._dataset([graph], default=False)
            data = self._select_json(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                     dataset, f"counting the triples of {graph}")
            bindings = data["results"]["bindings"]
            expected = int(bindings[0]["n"]["value"]) if bindings else 0
            seen: set[int] = set()
            offset, page, rows = 0, self.page_size, 0
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            while offset < expected:
                resp = self._query(f"{query} LIMIT {page} OFFSET {offset}", GRAPH_ACCEPT, dataset,
                                   f"reading {graph}", allow_capped=True)
                try:
                    triples = [q.triple for q in _parse_answer(resp.content,
                                                               resp.headers.get("Content-Type", ""))]
                except SyntaxError as exc:
                    raise SparqlError(f"{self.query_url}: unreadable page of {graph}: {exc}") from None
                if not triples:
                    break
                seen.update(hash(str(t)) for t in triples)
                ox.serialize(triples, spool, ox.RdfFormat.N_TRIPLES)
                rows += len(triples)
                offset += len(triples)
                page = min(page, len(triples))  # the server caps pages below what was asked
            if rows != expected or len(seen) != expected:
                raise StoreIncomplete(
                    f"{self.query_url}: read {len(seen)} distinct triples of {graph} in {rows} rows, "
                    f"but the server counts {expected}: its pages are not stable or it cuts them")
            spool.seek(0)
            return spool
        except BaseException:
            spool.close()
            raise

    def triples(self, graph: str) -> Iterator[Triple]:
        spool = self._consistent(lambda state: self._fetch(graph, state), discard=lambda s: s.close())
        with spool:
            for q in ox.parse(spool, ox.RdfFormat.N_TRIPLES):
                yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def export(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        """Every published graph (or one) read into spool files under one
        epoch, then written out: a consistent export."""
        rdf_format = FORMATS[format_for("", fmt)]

        def fetch_all(state: _State) -> list[tuple[str, IO[bytes]]]:
            names = [graph] if graph is not None else list(state.graphs)
            spools: list[tuple[str, IO[bytes]]] = []
            try:
                for name in names:
                    spools.append((name, self._fetch(name, state)))
            except BaseException:
                for _, s in spools:
                    s.close()
                raise
            return spools

        def close_all(spools: list[tuple[str, IO[bytes]]]) -> None:
            for _, s in spools:
                s.close()

        spools = self._consistent(fetch_all, discard=close_all)
        try:
            if graph is None and rdf_format.supports_datasets:
                def quads() -> Iterator[ox.Quad]:
                    for name, spool in spools:
                        node = ox.NamedNode(name)
                        for q in ox.parse(spool, ox.RdfFormat.N_TRIPLES):
                            yield ox.Quad(q.subject, q.predicate, q.object, node)

                ox.serialize(quads(), out, rdf_format)
            else:
                ox.serialize((q.triple for _, spool in spools
                              for q in ox.parse(spool, ox.RdfFormat.N_TRIPLES)), out, rdf_format)
        finally:
            close_all(spools)

    def query_raw(
        self, query: str, accept: str, *, timeout: float | None = None,
        default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
        union: bool = True, max_bytes: int | None = None, allow_capped: bool = False,
    ) -> RawAnswer:
        """Send a query as it is and return the server's bytes: for ``/sparql``.

        The dataset: the protocol's graphs when given (only published ones are
        passed on; others become an empty graph), else the published graphs
        when ``union`` (the hub's union default graph), else none (the query's
        own FROM). ``timeout`` bounds the server's work (Virtuoso is told too,
        and its partial answer raises :class:`StoreIncomplete`); a body beyond
        ``max_bytes`` is cut and flagged. A server error raises
        :class:`SparqlError` with the server's status (400 for a bad query).
        ``allow_capped``: a result the server cut at its own row limit is
        returned (``capped``) rather than refused.

        ``GRAPH <iri>`` naming a graph outside the named graphs sent is
        pointed at an empty graph (:func:`hub.sparql.lexer.confine_graphs`):
        Virtuoso answers such a pattern as if it matched, and listing the
        graph instead would show a graph the hub has not published."""
        from hub.sparql.lexer import UnresolvedName, confine_graphs

        wait = self.timeout if timeout is None else float(timeout)

        def run(state: _State) -> RawAnswer:
            published = set(state.graphs)
            text = query
            if default_graphs is not None or named_graphs is not None or union:
                if default_graphs is not None or named_graphs is not None:
                    default = [g for g in (default_graphs or []) if g in published]
                    named = [g for g in (named_graphs or []) if g in published]
                else:
                    default = named = list(state.graphs)
                params: list[tuple[str, str]] = [("default-graph-uri", g) for g in [*default, EMPTY_GRAPH]]
                params += [("named-graph-uri", g) for g in [*named, EMPTY_GRAPH]]
                with contextlib.suppress(UnresolvedName):  # the server will say what is wrong
                    text = confine_graphs(query, {*named, EMPTY_GRAPH}, EMPTY_GRAPH)
                params.insert(0, ("query", text))
            else:
                params = [("query", query)]
            if self._virtuoso:
                params.append(("timeout", str(max(1, int(wait * 1000)))))
            started = time.monotonic()
            resp = self._send("POST", self.query_url, "running a query", timeout=wait + 5,
                              stream=True, data=params, headers={"Accept": accept})
            try:
                reason = _incomplete(resp, allow_capped)
                if reason:
                    raise StoreIncomplete(f"the query was stopped before it finished: {reason}")
                capped = bool(resp.headers.get("X-SPARQL-MaxRows"))
                body = io.BytesIO()
                truncated = False
                limit = max_bytes if max_bytes is not None else None
                for chunk in resp.iter_content(65536):
                    body.write(chunk)
                    if limit is not None and body.tell() > limit:
                        truncated = True
                        break
                    if time.monotonic() - started > wait + 5:
                        raise StoreIncomplete(f"the answer took more than {wait:g} s to arrive")
            except requests.RequestException as exc:
                raise SparqlError(f"{self.query_url}: the answer broke off: {exc}") from None
            finally:
                resp.close()
            data = body.getvalue()
            if truncated and limit is not None:
                data = data[:limit]
            return RawAnswer(body=data, content_type=resp.headers.get("Content-Type", ""),
                             status=resp.status_code, truncated=truncated,
                             elapsed=time.monotonic() - started, snapshot=state.epoch or None,
                             capped=capped)

        return self._consistent(run)

    # -- writing -----------------------------------------------------------------
    def _check_writable(self) -> None:
        if not self.writable:
            raise StoreError("this store was opened for reading; open it with open_store(write=True)")

    def replace_graphs(self, graphs: dict[str, Iterable[Triple]]) -> None:
        self._check_writable()
        self._write({g: _given(t) for g, t in graphs.items()})

    def upsert(self, graph: str, triples: Iterable[Triple]) -> None:
        self._check_writable()
        given = list(triples)
        subjects = {s for s, _, _ in given if not isinstance(s, BNode)}

        def merged(old: Callable[[], Iterable[Triple]]) -> Iterable[Triple]:
            yield from (t for t in old() if t[0] not in subjects)
            yield from given

        self._write({graph: merged})

    def drop_graph(self, graph: str) -> None:
        self._check_writable()
        self._write({graph: lambda old: []})

    def load(self, data: IO[bytes] | bytes, fmt: str, graph: str | None = None) -> list[str]:
        self._check_writable()
        by_graph = parse_dataset(data, fmt, graph)
        self._write({
            name: _given((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in quads)
            for name, quads in by_graph.items()
        })
        return sorted(by_graph)

    def _write(self, plan: dict[str, Plan]) -> None:
        """Stage each target's difference, then switch them all in at once."""
        token = f"{time.time_ns():x}-{uuid.uuid4().hex[:6]}"
        write = f"{STAGING}{self.hub_id}/{token}"
        changes = [_Change(target, f"{write}/{i}/additions", f"{write}/{i}/deletions")
                   for i, target in enumerate(plan)]
        state = self._stable_state()
        self._journal(write, changes)
        left_for_recovery = False
        try:
            active = [c for c, make in zip(changes, plan.values(), strict=True)
                      if self._stage(c, make, state)]
            if not active:
                return
            lease = time.time() + self.lease
            marks = " ".join(
                f"<{write}/{i}> <{P_WAS}> {_literal(str(c.was).lower())} ; "
                f"<{P_NOW}> {_literal(str(c.now).lower())} ."
                for i, c in enumerate(changes) if c in active)
            self._update(
                f"INSERT DATA {{ GRAPH <{CATALOGUE}> {{ {marks} <{write}> <{P_LEASE}> "
                f"{_literal(str(lease))} . <{CATALOGUE}> <{P_SWITCHING}> <{write}> }} }}",
                "raising the switching flag")
            try:
                self._update(self._apply(active, forward=True), "switching the new graphs in")
                self._finish(write, active, forward=True)
            except BaseException:
                left_for_recovery = not self._undo(write, active)
                raise
            self._current = None
        finally:
            if not left_for_recovery:
                try:
                    self._cleanup(write, changes)
                except Exception:
                    log.exception("could not drop the staging graphs of %s; the next writer will", write)

    def _journal(self, write: str, changes: list[_Change]) -> None:
        writer = f"{socket.gethostname()} process {os.getpid()}"
        lines = [f"<{write}> <{P_WRITER}> {_literal(writer)} ; <{P_STARTED}> {_literal(str(time.time()))} ."]
        for i, c in enumerate(changes):
            node = f"<{write}/{i}>"
            lines.append(f"<{write}> <{P_CHANGE}> {node} . {node} <{P_TARGET}> <{c.target}> ; "
                         f"<{P_ADDITIONS}> <{c.additions}> ; <{P_DELETIONS}> <{c.deletions}> .")
        self._update(f"INSERT DATA {{ GRAPH <{CATALOGUE}> {{ {' '.join(lines)} }} }}",
                     "recording a write in the catalogue")

    def _stage(self, change: _Change, make: Plan, state: _State) -> bool:
        """Compute and upload one target's difference; False when nothing changes."""
        change.was = change.target in state.graphs
        old_spool: IO[bytes] | None = None
        if change.was:
            old_spool = self._consistent(lambda st: self._fetch(change.target, st),
                                         discard=lambda s: s.close())
        try:
            old_keys: set[str] = set()
            old_bnodes = False
            if old_spool is not None:
                for q in ox.parse(old_spool, ox.RdfFormat.N_TRIPLES):
                    t = q.triple
                    if _has_bnode(t):
                        old_bnodes = True
                    else:
                        old_keys.add(str(t))

            def old() -> Iterator[Triple]:
                if old_spool is None:
                    return
                old_spool.seek(0)
                for q in ox.parse(old_spool, ox.RdfFormat.N_TRIPLES):
                    yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

            new_keys: set[str] = set()
            additions: list[str] = []
            bnode_triples: list[ox.Triple] = []
            for t in make(old):  # the caller's triples: may raise part-way, before any upload
                ot = _ox_triple(t)
                line = str(ot)
                if _has_bnode(ot):
                    bnode_triples.append(ot)
                elif line not in new_keys:
                    new_keys.add(line)
                    if line not in old_keys:
                        additions.append(line)
        finally:
            if old_spool is not None:
                old_spool.close()
        deletions = [k for k in old_keys if k not in new_keys]
        change.now = bool(new_keys or bnode_triples)
        if not (additions or bnode_triples or deletions or old_bnodes) and change.was == change.now:
            return False
        self._upload(change.additions, additions, bnode_triples)
        self._upload(change.deletions, deletions, [])
        if old_bnodes:
            # Blank nodes cannot be named across requests: copy the old ones on the server.
            self._update(f"INSERT {{ GRAPH <{change.deletions}> {{ ?s ?p ?o }} }} WHERE {{ "
                         f"GRAPH <{change.target}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}",
                         f"staging the blank-node triples of {change.target}")
        return True

    def _upload(self, graph: str, lines: list[str], bnode_triples: list[ox.Triple]) -> None:
        """Triples (N-Triples lines without the dot) into a staging graph;
        all the triples of one blank node go in one request."""
        if self.graph_store_url:
            for batch in (*_chunks(lines, GSP_CHUNK), *_bnode_batches(bnode_triples, GSP_CHUNK)):
                body = "".join(f"{line} .\n" for line in batch).encode("utf-8")
                resp = self._send("POST", self.graph_store_url, f"uploading to {graph}",
                                  params={"graph": graph}, data=body,
                                  headers={"Content-Type": NTRIPLES})
                resp.close()
            return
        for batch in _chunks(lines, UPDATE_CHUNK):
            self._update(f"INSERT DATA {{ GRAPH <{graph}> {{ {' . '.join(batch)} . }} }}",
                         f"uploading to {graph}")
        for batch in _bnode_batches(bnode_triples, UPDATE_CHUNK):
            # INSERT DATA may hold blank nodes, but some servers (Virtuoso) refuse them there.
            self._update(f"INSERT {{ GRAPH <{graph}> {{ {' . '.join(batch)} . }} }} WHERE {{}}",
                         f"uploading to {graph}")

    @staticmethod
    def _apply(changes: list[_Change], forward: bool) -> str:
        """The switch (or its undo) as one update request; both are idempotent."""
        parts = []
        for c in changes:
            remove, add = (c.deletions, c.additions) if forward else (c.additions, c.deletions)
            parts.append(f"DELETE {{ GRAPH <{c.target}> {{ ?s ?p ?o }} }} "
                         f"WHERE {{ GRAPH <{remove}> {{ ?s ?p ?o }} }}")
            parts.append(f"INSERT {{ GRAPH <{c.target}> {{ ?s ?p ?o }} }} "
                         f"WHERE {{ GRAPH <{add}> {{ ?s ?p ?o }} }}")
        return " ;\n".join(parts)

    def _undo(self, write: str, changes: list[_Change]) -> bool:
        """Put the previous graphs back and lower the flag; False when that
        could not be done (or checked), which leaves the flag up for recovery."""
        try:
            self._update(self._apply(changes, forward=False), "undoing a switch")
            if not self._undone(changes):
                log.warning("%s: a switch was still being applied while it was undone; it will "
                            "be undone again when its lease runs out", self.update_url)
                return False
            self._finish(write, changes, forward=False)
            return True
        except Exception:
            log.exception("could not undo a switch; it will be undone when its lease runs out")
            return False

    def _undone(self, changes: list[_Change]) -> bool:
        """Check an undo: no addition left in its target, every deletion back.
        (A request the server still runs for a killed writer would show here.)"""
        def count(where: str) -> int:
            data = self._select_json(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", None,
                                     "checking the undo of a switch")
            bindings = data["results"]["bindings"]
            return int(bindings[0]["n"]["value"]) if bindings else 0

        for c in changes:
            back = f"GRAPH <{c.target}> {{ ?s ?p ?o }}"
            if count(f"GRAPH <{c.additions}> {{ ?s ?p ?o }} {back}") != 0:
                return False
            if count(f"GRAPH <{c.deletions}> {{ ?s ?p ?o }} {back}") != count(
                    f"GRAPH <{c.deletions}> {{ ?s ?p ?o }}"):
                return False
        return True

    def _finish(self, write: str, changes: list[_Change], forward: bool) -> None:
        """Publish: the graph list, a new epoch, the flag lowered (in that
        order, so readers see the flag until all of it is in place)."""
        epoch = f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"
        listed = [c.target for c in changes if (c.now if forward else c.was)]
        unlisted = [c.target for c in changes if not (c.now if forward else c.was)]
        inserts = " ".join([f"<{CATALOGUE}> <{P_EPOCH}> {_literal(epoch)} ."]
                           + [f"<{CATALOGUE}> <{P_GRAPH}> <{g}> ." for g in listed])
        parts = [f"INSERT DATA {{ GRAPH <{CATALOGUE}> {{ {inserts} }} }}"]
        if unlisted:
            removes = " ".join(f"<{CATALOGUE}> <{P_GRAPH}> <{g}> ." for g in unlisted)
            parts.append(f"DELETE DATA {{ GRAPH <{CATALOGUE}> {{ {removes} }} }}")
        parts.append(f"DELETE {{ GRAPH <{CATALOGUE}> {{ <{CATALOGUE}> <{P_EPOCH}> ?e }} }} "
                     f"WHERE {{ GRAPH <{CATALOGUE}> {{ <{CATALOGUE}> <{P_EPOCH}> ?e "
                     f"FILTER(STR(?e) != {_literal(epoch)}) }} }}")
        parts.append(f"DELETE DATA {{ GRAPH <{CATALOGUE}> {{ <{CATALOGUE}> <{P_SWITCHING}> <{write}> }} }}")
        self._update(" ;\n".join(parts), "publishing the new graphs")

    def _cleanup(self, write: str, changes: list[_Change]) -> None:
        parts = [f"DROP SILENT GRAPH <{g}>" for c in changes for g in (c.additions, c.deletions)]
        parts.append(f"DELETE {{ GRAPH <{CATALOGUE}> {{ ?c ?p ?o }} }} WHERE {{ GRAPH <{CATALOGUE}> "
                     f"{{ <{write}> <{P_CHANGE}> ?c . ?c ?p ?o }} }}")
        parts.append(f"DELETE {{ GRAPH <{CATALOGUE}> {{ <{write}> ?p ?o }} }} WHERE {{ GRAPH <{CATALOGUE}> "
                     f"{{ <{write}> ?p ?o }} }}")
        self._update(" ;\n".join(parts), "dropping staging graphs")

    def recover(self, state: _State | None = None) -> list[str]:
        """Undo writes that were interrupted inside their switch, once their
        lease ran out (the server may still be running a killed writer's
        request until then), and drop the staging graphs of writes that died
        before it: at once for this hub's (a writer holds this hub's lock, so
        they are a dead process's), after a day for other hubs'. Done by every
        writer as it opens, and by a reader kept waiting past a lease. Returns
        what was done, for the log."""
        state = state or self._read_state()
        done: list[str] = []
        now = time.time()
        own = f"{STAGING}{self.hub_id}/"
        holding = self._lock_file is not None
        for write, facts in state.journal.items():
            if not write.startswith(STAGING) or P_CHANGE not in facts:
                continue
            mine = holding and write.startswith(own)
            changes = []
            for node in facts.get(P_CHANGE, []):
                f = state.journal.get(node, {})
                if P_TARGET not in f:
                    continue
                c = _Change(f[P_TARGET][0], f.get(P_ADDITIONS, [""])[0], f.get(P_DELETIONS, [""])[0])
                c.was = f.get(P_WAS, ["false"])[0] == "true"
                c.now = f.get(P_NOW, ["false"])[0] == "true"
                changes.append((c, P_WAS in f))
            writer = facts.get(P_WRITER, ["a writer"])[0]
            if write in state.switching:
                if float(facts.get(P_LEASE, ["0"])[0]) >= now:
                    continue
                if not self._undo(write, [c for c, marked in changes if marked]):
                    continue
                done.append(f"undid the interrupted write of {writer}: the previous graphs are back")
            else:
                started = float(facts.get(P_STARTED, ["0"])[0])
                if not (mine or now - started > FOREIGN_JOURNAL_AGE):
                    continue
                done.append(f"dropped the staging graphs left by {writer}")
            self._cleanup(write, [c for c, _ in changes])
        if len(state.epochs) > 1 and not state.switching:
            epoch = f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"
            self._update(
                f"INSERT DATA {{ GRAPH <{CATALOGUE}> {{ <{CATALOGUE}> <{P_EPOCH}> {_literal(epoch)} }} }} ;\n"
                f"DELETE {{ GRAPH <{CATALOGUE}> {{ <{CATALOGUE}> <{P_EPOCH}> ?e }} }} WHERE {{ GRAPH "
                f"<{CATALOGUE}> {{ <{CATALOGUE}> <{P_EPOCH}> ?e FILTER(STR(?e) != {_literal(epoch)}) }} }}",
                "settling the catalogue's epoch")
            done.append("settled two epochs left by writers that overlapped")
        for line in done:
            log.warning("%s: %s", self.query_url, line)
        if done:
            self._current = None
        return done


__all__ = ["CATALOGUE", "RawAnswer", "SparqlError", "SparqlStore", "StoreBusy", "StoreIncomplete"]
