"""The graph store, behind one small interface.

:class:`GraphStore` is what every caller sees: named graphs replaced whole,
SPARQL queries over the union of graphs, export and load. Two backends:

* :class:`OxigraphStore` (the default): pyoxigraph on disk. Oxigraph allows one
  writing process, and opening a store read-only while another process writes
  to it is undefined; so the hub keeps a *working store* that only writers open
  (harvest, load, import; one at a time, under a lock) and *published snapshots*
  that readers open (the web, stats, export, validate). After each write the
  working store is backed up (hard links, so cheap) into a new snapshot and the
  ``current`` link is swapped to it atomically. A write that fails, raises or is
  killed part-way never reaches a snapshot: the working store is marked dirty
  while a write is under way, and a dirty working store is restored from the
  current snapshot the next time it is opened (or at once, after an
  exception). Readers therefore see the old graphs or the new, never a mix.
* ``hub.store_sparql.SparqlStore``: any SPARQL 1.1 server (see that module).

Everything the hub stores lives in named graphs: one per source
(``graph/source/<id>``), the provenance graph and the vocabulary graph. Queries
run with the union of all graphs as their default graph.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from hub.fsync import fsync_dir, fsync_tree
from hub.terms import Triple, as_int, from_ox, quads_to_ox, to_ox

#: Export/load formats by name: (pyoxigraph format, holds named graphs)
FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

EXTENSIONS: dict[str, str] = {
    ".nq": "nquads", ".nquads": "nquads", ".trig": "trig", ".ttl": "turtle",
    ".nt": "ntriples", ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml",
    ".xml": "rdfxml", ".owl": "rdfxml",
}

#: Above this many triples a graph is written with the bulk loader.
BULK_THRESHOLD = 50_000


class StoreError(RuntimeError):
    """The store cannot do what was asked; the message says what and why."""


class StoreLocked(StoreError):
    """Another process is writing to the store."""


def format_for(path: str | Path, name: str | None = None) -> str:
    if name:
        if name not in FORMATS:
            raise StoreError(f"unknown RDF format {name!r}; known: {', '.join(FORMATS)}")
        return name
    suffixes = Path(path).suffixes
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1].lower() if suffixes else ""
    if ext not in EXTENSIONS:
        raise StoreError(
            f"{path}: cannot tell the RDF format from the extension {ext or '(none)'!r}; "
            f"give --format ({', '.join(FORMATS)})"
        )
    return EXTENSIONS[ext]


@dataclass
class Row:
    """One solution of a SELECT query: variable name → rdflib term (or None)."""

    values: dict[str, Node | None]

    def __getitem__(self, key: str) -> Node | None:
        return self.values.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value


class GraphStore(ABC):
    """What the hub needs of a store."""

    #: True when this object may write (a writer opened under the lock).
    writable: bool = False

    # -- reading --------------------------------------------------------------
    @abstractmethod
    def select(self, query: str) -> list[Row]:
        """Run a SELECT over the union of all graphs."""

    @abstractmethod
    def ask(self, query: str) -> bool: ...

    @abstractmethod
    def construct(self, query: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE; the triples as an rdflib graph."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The named graphs that hold data."""

    @abstractmethod
    def triples(self, graph: str) -> Iterator[Triple]:
        """Every triple of one named graph."""

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return (as_int(rows[0]["n"]) or 0) if rows else 0

    @abstractmethod
    def export(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        """Write the dataset (or one graph) in an RDF format."""

    # -- writing --------------------------------------------------------------
    @abstractmethod
    def replace_graphs(self, graphs: dict[str, Iterable[Triple]]) -> None:
        """Replace each named graph whole with the given triples, all at once:
        readers see every old graph or every new one, never a mix."""

    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        self.replace_graphs({graph: triples})

    @abstractmethod
    def upsert(self, graph: str, triples: Iterable[Triple]) -> None:
        """Within one graph, replace what is said about the subjects of
        ``triples`` and add the rest; nothing else of the graph changes."""

    @abstractmethod
    def drop_graph(self, graph: str) -> None: ...

    @abstractmethod
    def load(self, data: IO[bytes] | bytes, fmt: str, graph: str | None = None) -> list[str]:
        """Load RDF, replacing each graph it holds (or ``graph``, for a triples
        format). Returns the graphs written."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        pass

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ============================================================== embedded store


def _ox_rows(results: ox.QuerySolutions) -> list[Row]:
    """The solutions as rows of rdflib terms. An IRI met again is the same
    ``URIRef``: making one checks the IRI, which costs more than the query on
    large answers (an entity listing repeats each subject and predicate)."""
    names = [v.value for v in results.variables]
    positions = list(enumerate(names))
    iris: dict[str, URIRef] = {}
    rows = []
    for solution in results:
        row: dict[str, Node | None] = {}
        for i, name in positions:
            term = solution[i]
            if term is None:
                row[name] = None
            elif type(term) is ox.NamedNode:
                value = term.value
                iri = iris.get(value)
                if iri is None:
                    iri = iris[value] = URIRef(value)
                row[name] = iri
            else:
                row[name] = from_ox(term)
        rows.append(Row(row))
    return rows


class _OxigraphReads:
    """Reading, shared by the writer and the reader of the embedded store."""

    _store: ox.Store

    def select(self, query: str) -> list[Row]:
        try:
            results = self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from None
        if not isinstance(results, ox.QuerySolutions):
            raise StoreError("select() needs a SELECT query")
        return _ox_rows(results)

    def ask(self, query: str) -> bool:
        result = self._store.query(query, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str) -> Graph:
        result = self._store.query(query, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryTriples):
            raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for t in result:
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return graph

    def graphs(self) -> list[str]:
        return sorted(
            g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def triples(self, graph: str) -> Iterator[Triple]:
        for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def export(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        rdf_format = FORMATS[format_for("", fmt)]
        if graph is not None:
            self._store.dump(out, rdf_format, from_graph=ox.NamedNode(graph))
        elif rdf_format.supports_datasets:
            self._store.dump(out, rdf_format)
        else:
            # A triples format cannot say which graph a triple is in: write the union.
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self._store.quads_for_pattern(None, None, None)
            )
            ox.serialize(triples, out, rdf_format)

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for callers that stream results (``/sparql``)."""
        return self._store


class OxigraphReader(_OxigraphReads, GraphStore):
    """The published snapshot, read-only. :meth:`refresh` moves to a newer
    snapshot when a writer has published one."""

    writable = False

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._target: str | None = None
        self._store = ox.Store()  # empty until a snapshot exists
        self.refresh()

    def refresh(self) -> bool:
        """Open the current snapshot if it changed; True when it did."""
        link = self.data_dir / "current"
        try:
            target = os.readlink(link)
        except OSError:
            target = None
        if target == self._target:
            return False
        if target is None:
            self._store = ox.Store()
        else:
            try:
                self._store = ox.Store.read_only(str(self.data_dir / target))
            except OSError as exc:
                raise StoreError(f"{self.data_dir / target}: cannot open the snapshot: {exc}") from exc
        self._target = target
        return True

    @property
    def snapshot(self) -> str | None:
        return self._target

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise StoreError("this store was opened for reading; open it with open_store(write=True)")

    replace_graphs = upsert = drop_graph = load = _refuse  # type: ignore[assignment]


class OxigraphStore(_OxigraphReads, GraphStore):
    """The working store, opened by one writing process at a time."""

    writable = True

    def __init__(self, data_dir: Path, keep_snapshots: int = 3) -> None:
        self.data_dir = Path(data_dir)
        self.keep_snapshots = keep_snapshots
        self.path = self.data_dir / "store"
        self.snapshots = self.data_dir / "snapshots"
        self._dirty_marker = self.data_dir / "store.dirty"
        self._bulk_written = False  # compact before the next publication
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.snapshots.mkdir(exist_ok=True)
            self._lock_file = open(self.data_dir / "store.lock", "a+")  # noqa: SIM115
        except OSError as exc:
            raise StoreError(f"{self.data_dir}: cannot use the data directory: {exc.strerror}") from exc
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.seek(0)
            holder = self._lock_file.read().strip() or "another process"
            self._lock_file.close()
            raise StoreLocked(
                f"{self.data_dir}: the store is being written by {holder}; try again when it ends"
            ) from None
        note_lock_holder(self._lock_file)
        self._broken: str | None = None
        try:
            if self._dirty_marker.exists() or not self.path.exists():
                self._restore_from_snapshot()
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            self.close()
            raise StoreError(f"{self.path}: cannot open the store: {_reason(exc)}") from exc

    # -- the write protocol ---------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Mark the store dirty, run the write, publish a snapshot, mark clean.
        On an exception the working store is restored from the snapshot; a
        write the disk refuses (full, read-only) is a :class:`StoreError`."""
        if self._broken:
            raise StoreError(self._broken)
        try:
            _write_marker(self._dirty_marker)
        except OSError as exc:
            raise StoreError(f"{self.data_dir}: cannot write the store: {exc.strerror or exc}") from exc
        try:
            yield
            self._store.flush()
            self.publish()
        except BaseException as exc:
            self._store = ox.Store()  # let go of the working store's files
            try:
                self._restore_from_snapshot()
                self._store = ox.Store(str(self.path))
            except OSError as again:
                # The working store stays marked dirty: whoever opens it next
                # restores it. This object writes no more.
                self._broken = (f"{self.path}: cannot write the store ({_reason(exc)}), nor restore "
                                f"it from the last snapshot ({_reason(again)}); it is restored when "
                                "next opened for writing, and the published snapshot is intact")
                raise StoreError(self._broken) from exc
            if isinstance(exc, OSError):
                raise StoreError(f"{self.path}: cannot write the store ({_reason(exc)}); nothing was "
                                 "changed") from exc
            raise
        self._dirty_marker.unlink(missing_ok=True)

    def _restore_from_snapshot(self) -> None:
        """Make the working store a copy of the current snapshot (or empty)."""
        _write_marker(self._dirty_marker)
        shutil.rmtree(self.path, ignore_errors=True)
        current = self.current_snapshot()
        if current is not None:
            _copy_store(current, self.path)
        self._dirty_marker.unlink(missing_ok=True)

    def current_snapshot(self) -> Path | None:
        try:
            return self.data_dir / os.readlink(self.data_dir / "current")
        except OSError:
            return None

    def publish(self) -> Path:
        """Back the working store up into a new snapshot and point ``current``
        at it; old snapshots beyond ``keep_snapshots`` are removed."""
        name = f"{time.time_ns():020d}-{os.getpid()}"
        tmp = self.snapshots / f"tmp-{name}"
        final = self.snapshots / name
        try:
            if self._bulk_written:
                # Compacted first: a snapshot is only read, by stores opened
                # read-only that cannot compact it themselves, and the bulk
                # loader's overlapping files make queries on it about twice as
                # slow. A second or two per million triples, paid by large
                # writes only (small ones go through the store's own compaction).
                self._store.optimize()
                self._bulk_written = False
            self._store.backup(str(tmp))
            fsync_tree(tmp)
            os.rename(tmp, final)
            link_tmp = self.data_dir / f".current-{os.getpid()}"
            with contextlib.suppress(FileNotFoundError):
                link_tmp.unlink()
            os.symlink(os.path.join("snapshots", name), link_tmp)
            os.replace(link_tmp, self.data_dir / "current")
            fsync_dir(self.data_dir)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StoreError(
                f"{self.snapshots}: cannot publish a snapshot ({exc.strerror or exc}); "
                "the previous snapshot stays in use"
            ) from exc
        self._collect_snapshots(keep=final)
        return final

    def _collect_snapshots(self, keep: Path) -> None:
        entries = sorted(p for p in self.snapshots.iterdir() if not p.name.startswith("tmp-"))
        old = [p for p in entries if p != keep][: max(0, len(entries) - self.keep_snapshots)]
        # A reader may still be opening an old snapshot: keep any under a minute old.
        now = time.time()
        for path in old:
            if now - path.stat().st_mtime > 60:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.snapshots.glob("tmp-*"):
            if now - path.stat().st_mtime > 60:
                shutil.rmtree(path, ignore_errors=True)

    # -- writing --------------------------------------------------------------
    def replace_graphs(self, graphs: dict[str, Iterable[Triple]]) -> None:
        with self._writing():
            for graph, triples in graphs.items():
                node = ox.NamedNode(graph)
                if self._store.contains_named_graph(node):
                    self._store.remove_graph(node)
                self._add(quads_to_ox(triples, graph))

    def _add(self, quads: Iterable[ox.Quad]) -> None:
        batch: list[ox.Quad] = []
        for quad in quads:
            batch.append(quad)
            if len(batch) >= BULK_THRESHOLD:
                self._bulk_written = True
                self._store.bulk_extend(batch)
                batch = []
        if batch:
            self._store.extend(batch)

    def upsert(self, graph: str, triples: Iterable[Triple]) -> None:
        triples = list(triples)
        subjects = {s for s, _, _ in triples}
        node = ox.NamedNode(graph)
        with self._writing():
            for subject in subjects:
                for q in list(self._store.quads_for_pattern(to_ox(subject), None, None, node)):
                    self._store.remove(q)
            self._add(quads_to_ox(triples, graph))

    def drop_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        with self._writing():
            if self._store.contains_named_graph(node):
                self._store.remove_graph(node)

    def load(self, data: IO[bytes] | bytes, fmt: str, graph: str | None = None) -> list[str]:
        by_graph = parse_dataset(data, fmt, graph)
        with self._writing():
            for name, items in by_graph.items():
                node = ox.NamedNode(name)
                if self._store.contains_named_graph(node):
                    self._store.remove_graph(node)
                self._add(items)
        return sorted(by_graph)

    def close(self) -> None:
        self._store = ox.Store()
        lock = getattr(self, "_lock_file", None)
        if lock is not None and not lock.closed:
            with contextlib.suppress(OSError):
                fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()


def note_lock_holder(lock: IO[str]) -> None:
    """Write who holds a lock into its file, for the message another process
    gives; unbuffered, and skipped when the disk refuses (full, read-only)."""
    with contextlib.suppress(OSError):
        os.ftruncate(lock.fileno(), 0)
        os.write(lock.fileno(), f"process {os.getpid()}\n".encode())


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def _write_marker(path: Path) -> None:
    with open(path, "w") as f:
        f.write(f"{os.getpid()}\n")
        f.flush()
        os.fsync(f.fileno())
    fsync_dir(path.parent)


def _copy_store(source: Path, target: Path) -> None:
    """Copy a store folder: immutable table files as hard links, the rest copied."""
    tmp = target.with_name(target.name + ".restoring")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for entry in source.iterdir():
        if entry.is_file() and entry.suffix == ".sst":
            try:
                os.link(entry, tmp / entry.name)
                continue
            except OSError:
                pass
        if entry.is_file():
            shutil.copy2(entry, tmp / entry.name)
    fsync_tree(tmp)
    os.rename(tmp, target)


def parse_dataset(data: IO[bytes] | bytes, fmt: str, graph: str | None = None) -> dict[str, list[ox.Quad]]:
    """RDF to load, as quads by named graph; triples outside any named graph go
    into ``graph`` (refused without one). Shared by every backend's ``load``."""
    rdf_format = FORMATS[format_for("", fmt)]
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    if rdf_format == ox.RdfFormat.RDF_XML:
        # pyoxigraph expands the entities an RDF/XML DOCTYPE declares, without
        # a bound ("billion laughs"): refuse any declaration first.
        from harvesters.xmlsafe import UnsafeXML, checked_stream

        try:
            source = checked_stream(source)
        except UnsafeXML as exc:
            raise StoreError(f"not loaded: {exc}") from None
    target = ox.NamedNode(graph) if graph is not None else None
    by_graph: dict[str, list[ox.Quad]] = {}
    try:
        for quad in ox.parse(source, rdf_format):
            g = quad.graph_name
            if isinstance(g, ox.DefaultGraph):
                if target is None:
                    raise StoreError(
                        "the file has triples outside any named graph; say which graph "
                        "they belong to with --graph IRI"
                    )
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
                g = target
            key = g.value if isinstance(g, ox.NamedNode) else str(g)
            by_graph.setdefault(key, []).append(quad)
    except SyntaxError as exc:
        raise StoreError(f"not valid {fmt}: {exc}") from None
    return by_graph


# ================================================================ opening


def open_store(config: Any, write: bool = False) -> GraphStore:
    """The configured store: for writing (one process at a time) or reading."""
    backend = config["store.backend"]
    if backend == "sparql":
        from hub.store_sparql import SparqlStore

        return SparqlStore.from_config(config, write=write)
    if write:
        return OxigraphStore(config.data_dir, keep_snapshots=config["store.keep_snapshots"])
    return OxigraphReader(config.data_dir)


def rdflib_graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add(t)
    return graph


def is_hub_graph(iri: str) -> bool:
    from vocab import GRAPH

    return iri.startswith(GRAPH)


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "GraphStore",
    "OxigraphReader",
    "OxigraphStore",
    "Row",
    "StoreError",
    "StoreLocked",
    "URIRef",
    "format_for",
    "open_store",
    "parse_dataset",
]
