"""Fixtures for the endpoint's tests: the W3C suite's data loaded with
``ogh load`` and ``ogh serve`` running over it on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import W3C
from tests.hub.sparql.server import Server, hub_env, ogh, serving
from tests.hub.sparql.w3c import ProtocolTest, read_manifest

PROTOCOL = W3C / "sparql11-protocol"

#: The suite's data files and the graphs they go into (tests/fixtures/w3c/README.md).
W3C_GRAPHS = {
    f"http://kasei.us/2009/09/sparql/data/data{i}.rdf": PROTOCOL / f"data{i}.nt" for i in (1, 2, 3)
}


def manifest_tests() -> list[ProtocolTest]:
    return read_manifest(PROTOCOL / "manifest.ttl")


@pytest.fixture(scope="session")
def w3c_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the suite's three graphs, loaded by `ogh load`."""
    data_dir = tmp_path_factory.mktemp("w3c") / "data"
    data_dir.mkdir()
    env = hub_env(data_dir)
    for graph, path in W3C_GRAPHS.items():
        ogh("load", str(path), "--graph", graph, env=env)
    return data_dir


@pytest.fixture(scope="session")
def w3c_server(w3c_data: Path) -> Iterator[Server]:
    """`ogh serve` over the suite's data; the base URL."""
    with serving(w3c_data, sparql_timeout=2, sparql_workers=2, sparql_max_rows=50,
                 sparql_max_body_bytes=20_000) as base:
        yield base
