"""``/sparql`` on the remote store, against a real Virtuoso: what only
forwarding has to get right. The endpoint's behaviour shared with the embedded
store (formats, datasets, row and byte caps, read-only, CORS) is tested on both
backends in test_endpoint.py; here: graphs the hub has not published stay
invisible whatever the query or the protocol names, a heavy query is stopped
at the timeout, answers come from one published state while a writer switches
graphs in, and the W3C protocol suite's tests pass with `ogh serve` forwarding
to Virtuoso."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Literal, URIRef

from hub.settings import load_config
from hub.store import open_store
from hub.store_sparql import CATALOGUE
from tests.hub.sparql.conftest import W3C_GRAPHS
from tests.hub.sparql.server import Server, hub_env, ogh, serving
from tests.hub.sparql.test_w3c_protocol import TESTS
from tests.hub.sparql.test_w3c_protocol import test_protocol as check_protocol

pytestmark = pytest.mark.virtuoso

D1, D2, D3 = sorted(W3C_GRAPHS)
BULK = "https://w3id.org/ogh/graph/source/bulk"
FOREIGN = "http://example.org/another-application/graph"
VOCAB = "https://w3id.org/ogh/graph/vocab"
TIMEOUT = 2.0


@pytest.fixture(scope="module")
def remote_hub(virtuoso: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A hub on the session's Virtuoso holding the W3C suite's graphs (loaded
    with `ogh load`) and a graph of 3,000 triples; next to them on the server,
    a graph of another application that the hub never published."""
    virtuoso.reset()
    data_dir = tmp_path_factory.mktemp("remote-endpoint") / "data"
    data_dir.mkdir()
    settings = virtuoso.config()
    env = hub_env(data_dir, **{k.replace(".", "_"): v for k, v in settings.items()})
    for graph, path in W3C_GRAPHS.items():
        ogh("load", str(path), "--graph", graph, env=env)
    config = load_config(overrides={"hub.data_dir": str(data_dir), **settings})
    with open_store(config, write=True) as store:
        store.replace_graph(BULK, [(URIRef(f"http://example.org/s{i}"), URIRef("http://example.org/p"),
                                    Literal(i)) for i in range(3000)])
    requests.post(virtuoso.sparql_url, timeout=30, data={
        "update": f"INSERT DATA {{ GRAPH <{FOREIGN}> {{ <http://example.org/secret> "
                  "<http://example.org/p> \"not the hub's\" } }"}).raise_for_status()
    return {"data_dir": data_dir, "settings": settings, "config": config, "virtuoso": virtuoso}


@pytest.fixture(scope="module")
def remote_server(remote_hub: dict[str, Any]) -> Iterator[Server]:
    settings = {k.replace(".", "_"): v for k, v in remote_hub["settings"].items()}
    with serving(remote_hub["data_dir"], sparql_timeout=TIMEOUT, sparql_workers=2, sparql_max_rows=50,
                 sparql_max_body_bytes=20_000, **settings) as base:
        yield base


def _get(base: str, query: str, **params: str) -> requests.Response:
    return requests.get(f"{base}/sparql", params={"query": query, **params},
                        headers={"Accept": "application/sparql-results+json"}, timeout=60)


def _count(base: str, query: str, **params: str) -> int:
    response = _get(base, query, **params)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _ask(base: str, query: str, **params: str) -> bool:
    response = _get(base, query, **params)
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


# ------------------------------------------------------------------ the published graphs only


def test_only_published_graphs_are_seen(remote_server: Server, remote_hub: dict[str, Any]) -> None:
    base = remote_server
    on_server = remote_hub["virtuoso"].graphs()
    assert FOREIGN in on_server and CATALOGUE in on_server, "the server holds more than the hub's graphs"
    response = _get(base, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    published = {b["g"]["value"] for b in response.json()["results"]["bindings"]}
    assert published == {D1, D2, D3, BULK, VOCAB}  # `ogh load` adds the vocabulary
    sizes = [_count(base, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{g}> {{ ?s ?p ?o }} }}") for g in published]
    assert sizes[0] > 0 and _count(base, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == sum(sizes)
    assert not _ask(base, 'ASK { ?s ?p "not the hub\'s" }')


@pytest.mark.parametrize("graph", [FOREIGN, CATALOGUE, "http://example.org/no-such-graph"])
def test_a_graph_not_published_is_empty_however_it_is_named(remote_server: Server, graph: str) -> None:
    base = remote_server
    assert _count(base, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == 0
    # Virtuoso itself answers true here: the pattern is pointed at an empty graph.
    assert not _ask(base, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert not _ask(base, f"PREFIX g: <{graph.rsplit('/', 1)[0]}/> "
                    f"ASK {{ GRAPH g:{graph.rsplit('/', 1)[1]} {{ ?s ?p ?o }} }}")
    assert _count(base, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> {{ ?s ?p ?o }}") == 0
    assert _count(base, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> {{ GRAPH ?g {{ ?s ?p ?o }} }}") == 0
    assert _count(base, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **{"default-graph-uri": graph}) == 0
    assert _count(base, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
                  **{"named-graph-uri": graph}) == 0


def test_the_query_dataset_and_the_protocol_dataset(remote_server: Server) -> None:
    base = remote_server
    assert _count(base, f"SELECT (COUNT(*) AS ?n) FROM <{D1}> FROM <{D2}> {{ ?s ?p ?o }}") == 2
    assert _count(base, f"PREFIX d: <{D1.rsplit('/', 1)[0]}/> "
                  "SELECT (COUNT(*) AS ?n) FROM d:data1.rdf { ?s ?p ?o }") == 1
    # The protocol's dataset wins over FROM (Virtuoso on its own would merge them).
    assert _count(base, f"SELECT (COUNT(*) AS ?n) FROM <{BULK}> {{ ?s ?p ?o }}",
                  **{"default-graph-uri": D3}) == 1
    response = _get(base, f"SELECT DISTINCT ?g FROM NAMED <{BULK}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                    **{"named-graph-uri": D2})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [D2]
    # A published graph left out of the named graphs is left out of GRAPH <iri> too.
    assert not _ask(base, f"ASK {{ GRAPH <{D1}> {{ ?s ?p ?o }} }}", **{"named-graph-uri": D2})
    assert _ask(base, f"ASK {{ GRAPH <{D2}> {{ ?s ?p ?o }} }}", **{"named-graph-uri": D2})


# ------------------------------------------------------------------ limits


def test_a_heavy_query_is_stopped_at_the_timeout(remote_server: Server) -> None:
    base = remote_server
    # Heavy, but not so heavy that Virtuoso refuses it up front (see the next
    # test): 45 million rows, each through a regular expression made for it (a
    # plain comparison of 45 million rows can finish within the timeout).
    heavy = (f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{BULK}> {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} "
             "VALUES ?g { <http://example.org/s1> <http://example.org/s2> <http://example.org/s3> "
             "<http://example.org/s4> <http://example.org/s5> } "
             'FILTER(!REGEX(CONCAT(STR(?c), "-", STR(?f)), CONCAT("^(", STR(?f), ")+$"))) }')
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        outcome["response"] = requests.post(f"{base}/sparql", data={"query": heavy}, timeout=120)
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    assert _ask(base, f"ASK {{ GRAPH <{D1}> {{ ?s ?p ?o }} }}"), "others are answered meanwhile"
    thread.join(60)
    response = outcome["response"]
    assert response.status_code == 503, response.text
    assert f"stopped after {TIMEOUT:g} seconds" in response.text and "sparql.timeout" in response.text
    assert outcome["elapsed"] < TIMEOUT + 10


def test_a_query_the_server_refuses_as_too_long_says_so(remote_server: Server) -> None:
    heavy = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{BULK}> {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} }}"
    response = requests.post(f"{remote_server}/sparql", data={"query": heavy}, timeout=60)
    assert response.status_code == 503, response.text
    assert "estimated execution time" in response.text and "Narrow it" in response.text


def test_rows_beyond_the_cap(remote_server: Server) -> None:
    response = _get(remote_server, f"SELECT ?o {{ GRAPH <{BULK}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["X-SPARQL-Truncated"].startswith("rows")


def test_updates_are_refused_and_change_nothing(remote_server: Server, remote_hub: dict[str, Any]) -> None:
    base = remote_server
    for response in (
        requests.post(f"{base}/sparql", data=f"DROP GRAPH <{BULK}>",
                      headers={"Content-Type": "application/sparql-update"}, timeout=30),
        requests.post(f"{base}/sparql", data={"update": f"CLEAR GRAPH <{D1}>"}, timeout=30),
        requests.post(f"{base}/sparql", data={"query": f"DELETE WHERE {{ GRAPH <{D1}> {{ ?s ?p ?o }} }}"},
                      timeout=30),
    ):
        assert response.status_code == 403 and "read-only" in response.text
    rows = remote_hub["virtuoso"].query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{BULK}> {{ ?s ?p ?o }} }}")
    assert rows == [{"n": "3000"}]


# ------------------------------------------------------------------ one published state


def test_answers_come_from_one_published_state_while_a_writer_switches(
        remote_server: Server, remote_hub: dict[str, Any]) -> None:
    """A writer flips a graph between two versions while clients count it
    through /sparql: every count is one version's, never a mix, and the
    endpoint follows each write without a restart."""
    base = remote_server
    graph = "https://w3id.org/ogh/graph/source/flip"
    sizes = (400, 900)

    def version(n: int) -> list[tuple[Any, Any, Any]]:
        return [(URIRef(f"http://example.org/f{i}"), URIRef("http://example.org/v"), Literal(n))
                for i in range(n)]

    query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    with open_store(remote_hub["config"], write=True) as store:
        store.replace_graph(graph, version(sizes[0]))
        seen: list[int] = []
        stop = threading.Event()
        errors: list[str] = []

        def reader() -> None:
            while not stop.is_set():
                response = _get(base, query)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                else:
                    seen.append(int(response.json()["results"]["bindings"][0]["n"]["value"]))

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            for i in range(6):
                store.replace_graph(graph, version(sizes[(i + 1) % 2]))
                assert _count(base, query) == sizes[(i + 1) % 2], "the write is seen at once"
        finally:
            stop.set()
            for t in threads:
                t.join(60)
            store.drop_graph(graph)
    assert not errors, errors[:3]
    assert seen and set(seen) <= set(sizes), sorted(set(seen))


# ------------------------------------------------------------------ the W3C protocol suite


@pytest.mark.slow
@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol_forwarded(remote_server: Server, test: Any) -> None:
    """The suite's tests, each request sent to `ogh serve` on the remote store."""
    check_protocol(remote_server, test)


def test_the_data_folder_holds_no_store(remote_hub: dict[str, Any]) -> None:
    """The remote hub keeps only its id and locks locally: no snapshot is made."""
    data_dir: Path = remote_hub["data_dir"]
    assert not (data_dir / "current").exists() and not (data_dir / "snapshots").exists()
