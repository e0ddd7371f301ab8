"""The embedded store: graphs replaced whole, readers on snapshots, and a
failed or killed write that leaves the previous graph intact."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from hub.settings import Config
from hub.store import OxigraphStore, StoreError, StoreLocked, open_store, rdflib_graph

G = "https://w3id.org/ogh/graph/source/test"
EX = "https://example.org/"


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


def test_reader_sees_published_snapshot_only_after_write(writer, config: Config) -> None:
    reader = open_store(config)
    assert reader.graphs() == []
    writer.replace_graph(G, triples(2, "a"))
    assert reader.graphs() == []  # still on the old (empty) snapshot
    assert reader.refresh() is True  # type: ignore[attr-defined]
    assert graph_values(reader) == {"a-0", "a-1"}


class Boom(Exception):
    pass


def exploding(n: int):
    yield from triples(n, "partial")
    raise Boom("the source broke half-way")


def test_exception_part_way_keeps_previous_graph(writer, config: Config) -> None:
    writer.replace_graph(G, triples(4, "old"))
    with pytest.raises(Boom):
        writer.replace_graph(G, exploding(3))
    # The writer itself is restored, and readers never saw the partial graph.
    assert graph_values(writer) == {f"old-{i}" for i in range(4)}
    with open_store(config) as reader:
        assert graph_values(reader) == {f"old-{i}" for i in range(4)}


def _slow_replace(data_dir: str, started: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    store = OxigraphStore(Path(data_dir))

    def slow():
        for i, t in enumerate(triples(200_000, "new")):
            if i == 1000:
                started.set()
            yield t

    store.replace_graph(G, slow())
    started.set()


@pytest.mark.slow
def test_sigkill_part_way_keeps_previous_graph(config: Config) -> None:
    with open_store(config, write=True) as w:
        w.replace_graph(G, triples(10, "old"))
    ctx = multiprocessing.get_context("fork")
    started = ctx.Event()
    child = ctx.Process(target=_slow_replace, args=(str(config.data_dir), started))
    child.start()
    assert started.wait(30), "the child never started writing"
    time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.join()
    assert child.exitcode == -signal.SIGKILL
    with open_store(config) as reader:
        assert graph_values(reader) == {f"old-{i}" for i in range(10)}
    # The next writer finds the working store dirty and restores it.
    with open_store(config, write=True) as w:
        assert graph_values(w) == {f"old-{i}" for i in range(10)}
        w.replace_graph(G, triples(2, "after"))
    with open_store(config) as reader:
        assert graph_values(reader) == {"after-0", "after-1"}


def test_one_writer_at_a_time(writer, config: Config) -> None:
    with pytest.raises(StoreLocked, match="being written"):
        open_store(config, write=True)


def test_reader_refuses_writes(config: Config) -> None:
    with open_store(config) as reader, pytest.raises(StoreError, match="opened for reading"):
        reader.replace_graph(G, triples(1, "x"))


def test_upsert_changes_only_given_subjects(writer) -> None:
    writer.replace_graph(G, triples(3, "old"))
    writer.upsert(G, [(URIRef(f"{EX}s1"), URIRef(f"{EX}p"), Literal("updated"))])
    assert graph_values(writer) == {"old-0", "updated", "old-2"}


def test_export_then_load_is_isomorphic(writer, tmp_path: Path, data_dir: Path) -> None:
    from rdflib import BNode

    data = triples(5, "x") + [(URIRef(f"{EX}s0"), URIRef(f"{EX}q"), BNode("b1")),
                              (BNode("b1"), URIRef(f"{EX}p"), Literal("en", lang="en"))]
    writer.replace_graphs({G: data, G + "2": triples(2, "y")})
    buffer = io.BytesIO()
    writer.export(buffer, "nquads")
    other = OxigraphStore(tmp_path / "other")
    try:
        loaded = other.load(buffer.getvalue(), "nquads")
        assert sorted(loaded) == sorted([G, G + "2"])
        for g in (G, G + "2"):
            assert isomorphic(rdflib_graph(writer.triples(g)), rdflib_graph(other.triples(g)))
    finally:
        other.close()


def test_load_triples_without_graph_is_refused(writer) -> None:
    with pytest.raises(StoreError, match="--graph"):
        writer.load(b"<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n", "nquads")


def test_load_malformed_says_so(writer) -> None:
    with pytest.raises(StoreError, match="not valid turtle"):
        writer.load(b"this is not turtle", "turtle", graph=G)
    assert writer.graphs() == []
