"""The store interface, on both backends: the embedded Oxigraph store and a
real Virtuoso server (``store.backend = "sparql"``). Graphs are replaced whole,
readers never see half a write, and a failed or killed write leaves the
previous graph intact."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic

from hub.settings import Config, load_config
from hub.store import OxigraphReader, StoreError, StoreLocked, open_store, rdflib_graph

G = "https://w3id.org/ogh/graph/source/test"
EX = "https://example.org/"


@pytest.fixture(params=["oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def config(backend: str, data_dir: Path, request: pytest.FixtureRequest) -> Config:
    """Overrides the shared fixture: the same data folder, on either backend."""
    overrides: dict[str, object] = {"hub.data_dir": str(data_dir), "http.min_interval": 0.0}
    if backend == "virtuoso":
        overrides.update(request.getfixturevalue("remote").config())
    return load_config(overrides=overrides)


def staging_left(config: Config, request: pytest.FixtureRequest) -> set[str]:
    """Staging graphs still on the remote server (none on the embedded store)."""
    if config["store.backend"] != "sparql":
        return set()
    from hub.store_sparql import STAGING

    return {g for g in request.getfixturevalue("remote").graphs() if g.startswith(STAGING)}


def triples(n: int, tag: str) -> list[tuple]:
    return [(URIRef(f"{EX}s{i}"), URIRef(f"{EX}p"), Literal(f"{tag}-{i}")) for i in range(n)]


def graph_values(store, graph: str = G) -> set[str]:
    return {str(o) for _, _, o in store.triples(graph)}


def test_replace_graph_replaces_whole(writer, config: Config) -> None:
    writer.replace_graph(G, triples(5, "old"))
    writer.replace_graph(G, triples(3, "new"))
    with open_store(config) as reader:
        assert graph_values(reader) == {f"new-{i}" for i in range(3)}
        assert reader.count(G) == 3
        assert reader.graphs() == [G]


def test_replace_graphs_together_and_drop(writer, config: Config) -> None:
    writer.replace_graphs({G: triples(2, "a"), G + "2": triples(3, "b")})
    with open_store(config) as reader:
        assert reader.graphs() == [G, G + "2"]
        assert reader.count() == 5
        rows = reader.select(f"SELECT ?o WHERE {{ <{EX}s2> <{EX}p> ?o }}")  # the union default graph
        assert [str(r["o"]) for r in rows] == ["b-2"]
    writer.replace_graph(G + "2", [])
    writer.drop_graph(G)
    with open_store(config) as reader:
        assert reader.graphs() == []
        assert reader.count() == 0


def test_embedded_reader_sees_published_snapshot_only_after_refresh(writer, config: Config) -> None:
    reader = open_store(config)
    if not isinstance(reader, OxigraphReader):
        pytest.skip("the remote store has no snapshots: a reader sees each write once published")
    assert reader.graphs() == []
    writer.replace_graph(G, triples(2, "a"))
    assert reader.graphs() == []  # still on the old (empty) snapshot
    assert reader.refresh() is True
    assert graph_values(reader) == {"a-0", "a-1"}


def test_refresh_says_when_a_write_was_published(writer, config: Config) -> None:
    with open_store(config) as reader:
        reader.refresh()  # type: ignore[attr-defined]
        assert reader.refresh() is False  # type: ignore[attr-defined]
        writer.replace_graph(G, triples(2, "a"))
        assert reader.refresh() is True  # type: ignore[attr-defined]
        assert graph_values(reader) == {"a-0", "a-1"}


class Boom(Exception):
    pass


def exploding(n: int):
    yield from triples(n, "partial")
    raise Boom("the source broke half-way")


def test_exception_part_way_keeps_previous_graph(writer, config: Config, request) -> None:
    writer.replace_graph(G, triples(4, "old"))
    with pytest.raises(Boom):
        writer.replace_graphs({G + "2": triples(3, "other"), G: exploding(3)})
    # The writer itself is unchanged, and readers never saw the partial graph.
    assert graph_values(writer) == {f"old-{i}" for i in range(4)}
    with open_store(config) as reader:
        assert graph_values(reader) == {f"old-{i}" for i in range(4)}
        assert reader.graphs() == [G]  # nor the other graph of the failed write
    assert staging_left(config, request) == set()


def _slow_replace(config: Config, started) -> None:  # type: ignore[no-untyped-def]
    store = open_store(config, write=True)

    def slow():
        for i, t in enumerate(triples(200_000, "new")):
            if i == 1000:
                started.set()
                time.sleep(0.5)  # a remote write has staged nothing yet: stay here
            yield t

    store.replace_graph(G, slow())
    started.set()


@pytest.mark.slow
def test_sigkill_part_way_keeps_previous_graph(config: Config, request) -> None:
    with open_store(config, write=True) as w:
        w.replace_graph(G, triples(10, "old"))
    ctx = multiprocessing.get_context("fork")
    started = ctx.Event()
    child = ctx.Process(target=_slow_replace, args=(config, started))
    child.start()
    assert started.wait(30), "the child never started writing"
    time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.join()
    assert child.exitcode == -signal.SIGKILL
    with open_store(config) as reader:
        assert graph_values(reader) == {f"old-{i}" for i in range(10)}
    # The next writer finds what the killed one left and cleans it up.
    with open_store(config, write=True) as w:
        assert graph_values(w) == {f"old-{i}" for i in range(10)}
        w.replace_graph(G, triples(2, "after"))
    with open_store(config) as reader:
        assert graph_values(reader) == {"after-0", "after-1"}
    assert staging_left(config, request) == set()


def test_readers_never_see_half_a_write(writer, config: Config) -> None:
    """A reader querying in a loop while graphs are replaced sees each graph
    whole: every answer is all of one version, never a mix or a part."""
    versions = {tag: triples(600, tag) for tag in ("a", "b")}
    writer.replace_graph(G, versions["a"])
    answers: list[tuple[int, frozenset[str]]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            with open_store(config) as reader:
                while not stop.is_set():
                    reader.refresh()  # type: ignore[attr-defined]
                    rows = reader.select(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}")
                    answers.append((len(rows), frozenset(str(r["o"]).split("-")[0] for r in rows)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for tag in ("b", "a", "b", "a", "b"):
            writer.replace_graph(G, versions[tag])
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(60)
    assert not errors, errors
    assert len(answers) > 5
    assert {a for a in answers} <= {(600, frozenset("a")), (600, frozenset("b"))}


def test_one_writer_at_a_time(writer, config: Config) -> None:
    with pytest.raises(StoreLocked, match="being written"):
        open_store(config, write=True)


def test_reader_refuses_writes(config: Config) -> None:
    with open_store(config) as reader, pytest.raises(StoreError, match="opened for reading"):
        reader.replace_graph(G, triples(1, "x"))


def test_upsert_changes_only_given_subjects(writer) -> None:
    writer.replace_graph(G, triples(3, "old"))
    writer.upsert(G, [(URIRef(f"{EX}s1"), URIRef(f"{EX}p"), Literal("updated")),
                      (URIRef(f"{EX}s9"), URIRef(f"{EX}p"), Literal("added"))])
    assert graph_values(writer) == {"old-0", "updated", "old-2", "added"}
    writer.upsert(G + "2", triples(1, "fresh"))  # a graph that did not exist yet
    assert graph_values(writer, G + "2") == {"fresh-0"}


def test_export_then_load_is_isomorphic(writer, config: Config) -> None:
    long_text = "A long text, " * 2000 + "with \"quotes\", a\nnewline and ünïcode."
    data = triples(5, "x") + [
        (URIRef(f"{EX}s0"), URIRef(f"{EX}q"), BNode("b1")),
        (BNode("b1"), URIRef(f"{EX}p"), Literal("en", lang="en")),
        (URIRef(f"{EX}s1"), URIRef(f"{EX}n"), Literal(42)),
        (URIRef(f"{EX}s1"), URIRef(f"{EX}d"), Literal("2024-05-01", datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#date"))),
        (URIRef(f"{EX}s2"), URIRef(f"{EX}t"), Literal(long_text)),
    ]
    writer.replace_graphs({G: data, G + "2": triples(2, "y")})
    before = {g: rdflib_graph(writer.triples(g)) for g in (G, G + "2")}
    assert isomorphic(before[G], rdflib_graph(data))
    buffer = io.BytesIO()
    writer.export(buffer, "nquads")
    writer.drop_graph(G)
    writer.drop_graph(G + "2")
    assert writer.graphs() == []
    loaded = writer.load(buffer.getvalue(), "nquads")
    assert sorted(loaded) == sorted([G, G + "2"])
    for g in (G, G + "2"):
        assert isomorphic(before[g], rdflib_graph(writer.triples(g)))
    one = io.BytesIO()
    writer.export(one, "turtle", graph=G + "2")
    assert b"y-1" in one.getvalue() and b"x-1" not in one.getvalue()


def test_load_triples_without_graph_is_refused(writer) -> None:
    with pytest.raises(StoreError, match="--graph"):
        writer.load(b"<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n", "nquads")


def test_load_malformed_says_so(writer) -> None:
    with pytest.raises(StoreError, match="not valid turtle"):
        writer.load(b"this is not turtle", "turtle", graph=G)
    assert writer.graphs() == []


def test_construct_and_ask(writer) -> None:
    writer.replace_graph(G, triples(3, "c"))
    graph = writer.construct(f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}p> ?o }}")
    assert {str(o) for o in graph.objects()} == {"c-0", "c-1", "c-2"}
    assert writer.ask(f'ASK {{ GRAPH <{G}> {{ <{EX}s0> <{EX}p> "c-0" }} }}') is True
    assert writer.ask(f'ASK {{ <{EX}s0> <{EX}p> "nope" }}') is False
    # A graph that holds nothing matches nothing (Virtuoso needs telling, see store_sparql).
    assert writer.ask(f"ASK {{ GRAPH <{G}-missing> {{ ?s ?p ?o }} }}") is False
    assert writer.count(G + "-missing") == 0
