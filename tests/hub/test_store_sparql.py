"""The remote store against a real Virtuoso, for what only a remote server
does: row limits and partial answers, staging graphs, a writer killed inside
its switch, credentials, errors, raw queries for ``/sparql``, and the hub's
whole round (harvest, entities, validation, export) on it. The store tests
shared with the embedded store are in test_store.py."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
import requests
from rdflib import Literal, URIRef

from hub import ids, search
from hub.cli import main
from hub.entities import EntityReader
from hub.index import current_generation
from hub.runner import harvest_source
from hub.settings import Config, load_config
from hub.store import StoreError, open_store
from hub.store_sparql import (
    CATALOGUE,
    P_LEASE,
    P_SWITCHING,
    STAGING,
    SparqlError,
    SparqlStore,
    StoreBusy,
    StoreIncomplete,
)
from tests.hub.ni_pages import config_folder
from tests.virtuoso import free_port

G = "https://w3id.org/ogh/graph/source/test"
EX = "https://example.org/"


def triples(n: int, tag: str) -> list[tuple]:
    return [(URIRef(f"{EX}s{i}"), URIRef(f"{EX}p"), Literal(f"{tag}-{i}")) for i in range(n)]


@pytest.fixture
def remote_config(remote, data_dir: Path) -> Config:
    return load_config(overrides={"hub.data_dir": str(data_dir), **remote.config()})


@pytest.mark.virtuoso
def test_a_graph_beyond_the_servers_row_limit_is_read_whole(remote_config: Config) -> None:
    """Virtuoso cuts answers at 10,000 rows, silently for CONSTRUCT: graphs are
    read in pages and counted, and a cut SELECT is an error, not a short list."""
    data = triples(25_000, "big")
    with open_store(remote_config, write=True) as w:
        w.replace_graph(G, data)
    with open_store(remote_config) as r:
        assert {str(o) for _, _, o in r.triples(G)} == {f"big-{i}" for i in range(25_000)}
        assert r.count(G) == 25_000
        with pytest.raises(StoreIncomplete, match="ResultSetMaxRows"):
            r.select(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}")


@pytest.mark.virtuoso
def test_without_the_graph_store_protocol_writes_go_by_update(remote, data_dir: Path, monkeypatch) -> None:
    """A server without the Graph Store Protocol: staging is filled with INSERT
    DATA in chunks, blank nodes by INSERT … WHERE {} (Virtuoso refuses them in
    INSERT DATA), each blank node's triples within one request."""
    from rdflib import BNode
    from rdflib.compare import isomorphic

    from hub import store_sparql
    from hub.store import rdflib_graph

    monkeypatch.setattr(store_sparql, "UPDATE_CHUNK", 50)  # several requests for little data

    config = load_config(overrides={"hub.data_dir": str(data_dir), **remote.config(),
                                    "store.graph_store_url": ""})
    data = triples(120, "u") + [
        (URIRef(f"{EX}s0"), URIRef(f"{EX}q"), BNode("k")),
        (BNode("k"), URIRef(f"{EX}p"), Literal('a "quoted"\nline, ünïcode', lang="cy")),
    ] + [t for i in range(40) for t in (  # more blank-node triples than one request takes
        (URIRef(f"{EX}s{i}"), URIRef(f"{EX}b"), BNode(f"n{i}")),
        (BNode(f"n{i}"), URIRef(f"{EX}p"), Literal(i)))]
    with open_store(config, write=True) as w:
        w.replace_graph(G, data)
        assert isomorphic(rdflib_graph(w.triples(G)), rdflib_graph(data))
        smaller = data[:100] + data[120:122]
        w.replace_graph(G, smaller)
        assert isomorphic(rdflib_graph(w.triples(G)), rdflib_graph(smaller))


@pytest.mark.virtuoso
def test_staging_and_catalogue_stay_out_of_the_readers_dataset(remote, remote_config: Config) -> None:
    with open_store(remote_config, write=True) as w:
        w.replace_graph(G, triples(3, "pub"))
    # Another writer's staging graph, half filled, as the server holds it meanwhile.
    staging = f"{STAGING}elsewhere/1/0/additions"
    requests.post(remote.graph_store_url, params={"graph": staging}, timeout=10,
                  data=f'<{EX}s0> <{EX}p> "staged" .\n'.encode(),
                  headers={"Content-Type": "application/n-triples"}).raise_for_status()
    assert {staging, CATALOGUE} <= remote.graphs()
    with open_store(remote_config) as r:
        assert r.graphs() == [G]
        assert r.count() == 3
        rows = r.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert [str(row["g"]) for row in rows] == [G]
        assert not r.ask('ASK { ?s ?p "staged" }')
        raw = r.query_raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",  # type: ignore[attr-defined]
                          "application/sparql-results+json")
        assert [b["g"]["value"] for b in json.loads(raw.body)["results"]["bindings"]] == [G]


def _write_big(config: Config) -> None:
    with open_store(config, write=True) as w:
        w.replace_graph(G, triples(30_000, "new"))


def _switching(remote) -> float | None:
    """The lease of the write being switched in, seen straight on the server."""
    rows = remote.query(f"SELECT ?lease WHERE {{ GRAPH <{CATALOGUE}> {{ <{CATALOGUE}> <{P_SWITCHING}> ?w . "
                        f"?w <{P_LEASE}> ?lease }} }}")
    return float(rows[0]["lease"]) if rows else None


@pytest.mark.virtuoso
@pytest.mark.slow
def test_writer_killed_inside_its_switch_leaves_the_previous_graph(remote, data_dir: Path) -> None:
    """SIGKILL while the switch request runs: readers wait instead of seeing
    part of it, and once the write's lease is out the previous graph is put
    back whole (by a reader, here), the staging graphs dropped."""
    config = load_config(overrides={"hub.data_dir": str(data_dir), **remote.config(), "store.timeout": 2.0})
    with open_store(config, write=True) as w:
        w.replace_graph(G, triples(10, "old"))
    child = multiprocessing.get_context("fork").Process(target=_write_big, args=(config,))
    child.start()
    deadline = time.monotonic() + 60
    lease = None
    while lease is None and time.monotonic() < deadline and child.is_alive():
        lease = _switching(remote)
        time.sleep(0.01)
    assert lease is not None, "never saw the write's switch"
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.join()
    impatient = SparqlStore(remote.sparql_url, wait=0.5)
    with pytest.raises(StoreBusy, match="switching new graphs in"):
        impatient.select(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}")
    time.sleep(max(0.0, lease - time.time()))
    with open_store(config) as reader:  # waits, finds the lease out, and undoes the write
        assert {str(o) for _, _, o in reader.triples(G)} == {f"old-{i}" for i in range(10)}
    assert _switching(remote) is None
    assert not {g for g in remote.graphs() if g.startswith(STAGING)}
    with open_store(config, write=True) as w:
        w.replace_graph(G, triples(2, "after"))
        assert {str(o) for _, _, o in w.triples(G)} == {"after-0", "after-1"}


@pytest.mark.virtuoso
def test_credentials_come_from_the_environment(remote, data_dir: Path, monkeypatch) -> None:
    """Virtuoso's authenticated endpoints ask for HTTP Digest; the user name and
    password are read from the variables the settings name. The user is set up
    as the README says: its own account with the SPARQL_UPDATE role."""
    if "hub" not in remote.isql("SELECT U_NAME FROM DB.DBA.SYS_USERS WHERE U_NAME = 'hub';"):
        remote.isql("DB.DBA.USER_CREATE('hub', 'secret'); GRANT SPARQL_UPDATE TO \"hub\";")
    overrides = {"hub.data_dir": str(data_dir), **remote.config(),
                 "store.query_url": f"{remote.base}/sparql-auth",
                 "store.update_url": f"{remote.base}/sparql-auth",
                 "store.graph_store_url": f"{remote.base}/sparql-graph-crud-auth",
                 "store.user_env": "HUB_TEST_USER", "store.password_env": "HUB_TEST_PASSWORD"}
    config = load_config(overrides=overrides)
    monkeypatch.setenv("HUB_TEST_USER", "hub")
    monkeypatch.setenv("HUB_TEST_PASSWORD", "secret")
    with open_store(config, write=True) as w:
        w.replace_graph(G, triples(2, "auth"))
    with open_store(config) as r:
        assert r.count(G) == 2
    monkeypatch.setenv("HUB_TEST_PASSWORD", "wrong")
    with pytest.raises(SparqlError, match=r"sparql-auth answered HTTP 401.*HUB_TEST|user_env") as err:
        open_store(config).graphs()
    assert err.value.status == 401
    monkeypatch.delenv("HUB_TEST_PASSWORD")
    with pytest.raises(StoreError, match=r"set both \$HUB_TEST_USER and \$HUB_TEST_PASSWORD"):
        open_store(config)


@pytest.mark.virtuoso
def test_errors_name_the_endpoint_and_the_servers_message(remote, remote_config: Config,
                                                          data_dir: Path) -> None:
    with open_store(remote_config) as r:
        with pytest.raises(SparqlError, match=rf"{remote.sparql_url} answered HTTP 400.*syntax error") as err:
            r.select("SELEC nonsense")
        assert err.value.status == 400
        assert "SPARQL query:" not in str(err.value)  # Virtuoso's echo of the query is dropped
    nowhere = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(SparqlError, match=rf"{nowhere}: cannot reach the SPARQL server"):
        SparqlStore(nowhere, timeout=2).graphs()
    with pytest.raises(StoreError, match="store.query_url is not set"):
        open_store(load_config(overrides={"hub.data_dir": str(data_dir), "store.backend": "sparql"}))
    no_update = load_config(overrides={"hub.data_dir": str(data_dir), **remote.config(),
                                       "store.update_url": ""})
    with pytest.raises(StoreError, match="store.update_url"):
        open_store(no_update, write=True)


@pytest.mark.virtuoso
def test_query_raw_forwards_a_query_with_limits(remote_config: Config) -> None:
    """What ``/sparql`` uses on the remote backend: the server's bytes and
    type, the hub's dataset, a byte cap, a timeout and the server's status."""
    with open_store(remote_config, write=True) as w:
        w.replace_graphs({G: triples(8000, "r"), G + "2": triples(2, "other")})
    store = open_store(remote_config)
    assert isinstance(store, SparqlStore)
    answer = store.query_raw(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}", "application/sparql-results+json")
    assert answer.content_type.startswith("application/sparql-results+json")
    assert len(json.loads(answer.body)["results"]["bindings"]) == 8002
    assert answer.snapshot == store.snapshot and not answer.truncated
    one = store.query_raw("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json",
                          default_graphs=[G + "2"], named_graphs=[])
    assert json.loads(one.body)["results"]["bindings"][0]["n"]["value"] == "2"
    graph = store.query_raw(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G}2> {{ ?s ?p ?o }} }}",
                            "application/n-triples")
    assert graph.content_type.startswith("application/n-triples") and graph.body.count(b"\n") == 2
    cut = store.query_raw(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}", "text/csv", max_bytes=100)
    assert cut.truncated and len(cut.body) == 100
    with pytest.raises(SparqlError) as err:
        store.query_raw("SELECT ?x WHERE {", "application/sparql-results+json")
    assert err.value.status == 400
    heavy = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}p> ?x . ?b <{EX}p> ?y FILTER(?x != ?y) }}"
    with pytest.raises(StoreIncomplete, match="stopped before it finished"):
        store.query_raw(heavy, "application/sparql-results+json", timeout=0.2)


# ------------------------------------------------------------------ the hub on it



def _hub(tmp_path: Path, name: str, env: dict[str, str]) -> tuple[Config, dict[str, str]]:
    folder = config_folder(tmp_path / name / "config")
    env = {"OGH_CONFIG": str(folder), "OGH_HOME": str(tmp_path / name / "data"), **env}
    return load_config(folder, environ=env), env


@pytest.mark.virtuoso
def test_harvest_entities_validate_and_export_on_virtuoso(remote, replay, tmp_path: Path,
                                                          monkeypatch, capsys) -> None:
    """A harvest through the runner lands in Virtuoso; entity listing, ``ogh
    validate``, ``ogh sources``, ``ogh export`` and ``ogh index`` (then a
    search) read it back; and all of it agrees with the same harvest on the
    embedded store."""
    replay.clear_faults()
    remote_env = {"OGH_STORE_BACKEND": "sparql", "OGH_STORE_QUERY_URL": remote.sparql_url,
                  "OGH_STORE_UPDATE_URL": remote.sparql_url,
                  "OGH_STORE_GRAPH_STORE_URL": remote.graph_store_url}
    results = {}
    for name, env in (("remote", remote_env), ("embedded", {})):
        config, full_env = _hub(tmp_path, name, env)
        for key, value in full_env.items():
            monkeypatch.setenv(key, value)
        if not env:
            for key in remote_env:
                monkeypatch.delenv(key, raising=False)
        first = harvest_source(config, config.source("ni-pages"), rewrite=replay.url)
        assert first.outcome == "succeeded", first.reason
        again = harvest_source(config, config.source("ni-pages"), rewrite=replay.url)
        assert again.outcome == "unchanged"
        with open_store(config) as store:
            entities = EntityReader(store).list("Document")
            graphs = store.graphs()
        assert main(["validate", "--json"]) == 0
        validation = json.loads(capsys.readouterr().out)
        assert main(["sources", "--json"]) == 0
        status = json.loads(capsys.readouterr().out)[0]
        backup = tmp_path / name / "backup.nq.gz"
        assert main(["export", "--format", "nquads", "-o", str(backup)]) == 0
        with gzip.open(backup, "rt", encoding="utf-8") as f:
            quads = sorted(set(f.read().splitlines()))
        # The search index, built from the store by `ogh index`, finds the documents.
        assert main(["index", "--json"]) == 0
        capsys.readouterr()
        generation = current_generation(config)
        assert generation is not None
        found = search.search(search.Generation(generation), search.SearchRequest(q="open government"))
        hits = sorted((h["iri"], h["title"]) for h in found.hits)
        results[name] = (entities, graphs, validation, status, quads, hits)
    source_graph = str(ids.source_graph("ni-pages"))
    assert source_graph in remote.graphs()  # it is in Virtuoso itself
    remote_result, embedded_result = results["remote"], results["embedded"]
    entities, graphs, validation, status, quads, hits = remote_result
    assert hits and hits == embedded_result[5]
    assert len(entities) == 2 and all(e["sources"] == ["ni-pages"] for e in entities)
    assert {e["iri"] for e in entities} == {e["iri"] for e in embedded_result[0]}
    assert [e["title"] for e in entities] == [e["title"] for e in embedded_result[0]]
    assert graphs == embedded_result[1] and source_graph in graphs
    assert validation["conforms"] is True
    assert validation == embedded_result[2]
    assert status["last_run"]["outcome"] == "unchanged" and status["triples"] > 0
    assert status["triples"] == embedded_result[3]["triples"]

    def source_quads(lines: list[str]) -> list[str]:  # when each page was fetched differs
        return [q for q in lines if q.endswith(f"<{source_graph}> .") and "/def/retrievedAt>" not in q]

    assert source_quads(quads) and source_quads(quads) == source_quads(embedded_result[4])

    # Restore: the remote store's backup loaded into a fresh embedded hub gives the same entities.
    config, env = _hub(tmp_path, "restored", {})
    monkeypatch.setenv("OGH_HOME", env["OGH_HOME"])
    assert main(["load", str(tmp_path / "remote" / "backup.nq.gz")]) == 0
    with open_store(config) as store:
        assert EntityReader(store).list("Document") == entities
        assert store.graphs() == graphs


def test_a_partial_answer_is_an_error_never_a_result(tmp_path: Path) -> None:
    """Virtuoso answers a query cut short by its limits with HTTP 206 and
    X-SQL-State: a real server on loopback answering so gives an error."""
    import http.server
    import threading

    class Partial(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            empty = b'{"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": []}}'
            if b"store%2Fcatalogue" in body:  # the hub's catalogue: no graphs yet
                self.send_response(200)
            else:
                self.send_response(206)
                self.send_header("X-SQL-State", "S1TAT")
                self.send_header("X-SQL-Message", "RC...: Returning incomplete results")
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(empty)))
            self.end_headers()
            self.wfile.write(empty)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Partial)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        store = SparqlStore(f"http://127.0.0.1:{server.server_address[1]}/sparql", timeout=5)
        with pytest.raises(StoreIncomplete, match="incomplete answer.*HTTP 206|S1TAT"):
            store.select("SELECT * WHERE { ?s ?p ?o }")
        with pytest.raises(StoreIncomplete, match="stopped before it finished"):
            store.query_raw("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    finally:
        server.shutdown()
        server.server_close()
