"""The full dump: every quad of the store, gzipped, replaced atomically,
served with ETag and Last-Modified, and rebuilt by `ogh dump`."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from bench import synthetic
from hub import dumps
from hub.settings import Config
from hub.store import GraphStore, open_store
from hub.vocabgraph import ensure_vocabulary
from tests.hub.sparql.server import hub_env, ogh

UK = "https://w3id.org/ogh/graph/source/synthetic-uk"


def store_quads(config: Config) -> set[ox.Quad]:
    with open_store(config) as store:
        return set(store.raw.quads_for_pattern(None, None, None))  # type: ignore[attr-defined]


def dump_quads(path: Path) -> set[ox.Quad]:
    with gzip.open(path, "rb") as f:
        return set(ox.parse(f.read(), ox.RdfFormat.N_QUADS))


@pytest.fixture
def filled(config: Config, writer: GraphStore) -> Config:
    writer.replace_graphs(synthetic.graphs(3000))
    ensure_vocabulary(writer)
    return config


def test_regenerate_writes_every_quad(filled: Config) -> None:
    info = dumps.regenerate(filled)
    path = dumps.dump_path(filled)
    assert dump_quads(path) == store_quads(filled)
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info.size == path.stat().st_size
    assert info.quads == len(store_quads(filled))
    assert set(info.graphs) == {UK, "https://w3id.org/ogh/graph/vocab"}
    record = json.loads((path.parent / "ogh.nq.gz.json").read_text())
    assert record["sha256"] == info.sha256 and record["graphs"] == info.graphs
    assert sorted(p.name for p in path.parent.iterdir()) == ["ogh.nq.gz", "ogh.nq.gz.json"]
    assert dumps.current(filled) == info


def test_same_data_same_bytes(filled: Config) -> None:
    first = dumps.regenerate(filled)
    second = dumps.regenerate(filled)
    assert first.sha256 == second.sha256


def test_the_writer_store_can_be_dumped(config: Config, writer: GraphStore) -> None:
    """The harvest runner calls regenerate(config, store) with its writer."""
    writer.replace_graphs({UK: synthetic.graphs(500)[UK]})
    dumps.regenerate(config, writer)
    assert dump_quads(dumps.dump_path(config)) == set(
        writer.raw.quads_for_pattern(None, None, None))  # type: ignore[attr-defined]


def test_a_reader_of_the_old_dump_is_not_disturbed(filled: Config, writer: GraphStore) -> None:
    dumps.regenerate(filled)
    path = dumps.dump_path(filled)
    with path.open("rb") as old:
        old_quads = store_quads(filled)
        writer.replace_graphs({UK: synthetic.graphs(500, seed=3)[UK]})
        dumps.regenerate(filled)
        with gzip.open(old, "rb") as f:
            assert set(ox.parse(f.read(), ox.RdfFormat.N_QUADS)) == old_quads
    assert dump_quads(path) == store_quads(filled) != old_quads


def test_a_failed_dump_leaves_the_previous_one(filled: Config) -> None:
    before = dumps.regenerate(filled)
    store = open_store(filled)

    def broken_export(out: object, fmt: str = "nquads", graph: str | None = None) -> None:
        out.write(b"<http://a> <http://b> <http://c> <http://g> .\n" * 1000)  # type: ignore[attr-defined]
        raise OSError("disk full (injected)")

    store.export = broken_export  # type: ignore[method-assign]  # fault injection
    with pytest.raises(OSError, match="injected"):
        dumps.regenerate(filled, store)
    store.close()
    assert dumps.current(filled) == before
    assert hashlib.sha256(dumps.dump_path(filled).read_bytes()).hexdigest() == before.sha256
    assert sorted(p.name for p in dumps.dumps_dir(filled).iterdir()) == ["ogh.nq.gz", "ogh.nq.gz.json"]


# ------------------------------------------------------------------ over HTTP


@pytest.fixture
def client(filled: Config) -> Iterator[FlaskClient]:
    from hub.web import create_app

    app = create_app(filled)
    yield app.test_client()
    app.extensions["ogh_sparql"].close()


def test_no_dump_yet(client: FlaskClient) -> None:
    response = client.get("/dumps/ogh.nq.gz")
    assert response.status_code == 404
    assert b"ogh dump" in response.data


def test_served_with_etag_and_last_modified(client: FlaskClient, filled: Config,
                                            writer: GraphStore) -> None:
    info = dumps.regenerate(filled)
    response = client.get("/dumps/ogh.nq.gz")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert response.headers["ETag"] == f'"{info.etag}"'
    assert response.headers["Last-Modified"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert hashlib.sha256(response.data).hexdigest() == info.sha256

    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert client.get("/dumps/ogh.nq.gz", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/dumps/ogh.nq.gz", headers={"If-Modified-Since": modified}).status_code == 304
    partial = client.get("/dumps/ogh.nq.gz", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and partial.data == response.data[:100]

    # A harvest changes the data: the old ETag no longer matches.
    writer.replace_graphs({UK: synthetic.graphs(400, seed=11)[UK]})
    new = dumps.regenerate(filled, writer)
    assert new.etag != info.etag
    again = client.get("/dumps/ogh.nq.gz", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] == f'"{new.etag}"'


def test_ogh_dump_command(filled: Config) -> None:
    done = ogh("dump", env=hub_env(filled.data_dir))
    assert "Wrote" in done.stderr and "quads" in done.stderr
    assert dump_quads(dumps.dump_path(filled)) == store_quads(filled)


def test_the_harvest_runner_regenerates_the_dump(filled: Config, writer: GraphStore) -> None:
    from hub.runner import derived_updates

    derived_updates(filled, writer, [])
    assert dump_quads(dumps.dump_path(filled)) == store_quads(filled)
