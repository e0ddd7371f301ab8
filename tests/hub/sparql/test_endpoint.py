"""``/sparql`` on a real store (synthetic plans, commitments and meetings),
through the Flask app: formats, datasets, limits, CORS, the service
description and the read-only guarantee. Every test runs on both backends:
the embedded store, and a private Virtuoso as the remote store (queries
forwarded, :mod:`hub.sparql.remote`)."""

from __future__ import annotations

import csv
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from bench import synthetic
from hub.settings import Config, load_config
from hub.sparql.examples import examples
from hub.store import open_store
from hub.vocabgraph import ensure_vocabulary
from hub.web import create_app
from vocab import SD

UK = "https://w3id.org/ogh/graph/source/synthetic-uk"
SCOTLAND = "https://w3id.org/ogh/graph/source/synthetic-scotland"
RESULT_TYPES = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}


def make_config(data_dir: Path, **overrides: Any) -> Config:
    return load_config(overrides={"hub.data_dir": str(data_dir), **overrides})


@pytest.fixture(scope="module", params=["oxigraph", pytest.param("sparql", marks=pytest.mark.virtuoso)])
def data(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The settings of a hub over the synthetic data, on each backend."""
    data_dir = tmp_path_factory.mktemp("endpoint") / "data"
    settings: dict[str, Any] = {"hub.data_dir": str(data_dir)}
    if request.param == "sparql":
        server = request.getfixturevalue("virtuoso")
        server.reset()
        settings.update(server.config())
    with open_store(load_config(overrides=settings), write=True) as store:
        store.replace_graphs(synthetic.graphs(15_000))
        ensure_vocabulary(store)
    return settings


def _app(settings: dict[str, Any], **overrides: Any) -> Iterator[Flask]:
    app = create_app(load_config(overrides={**settings, **overrides}))
    try:
        yield app
    finally:
        app.extensions["ogh_sparql"].close()


@pytest.fixture(scope="module")
def app(data: dict[str, Any]) -> Iterator[Flask]:
    yield from _app(data, **{"sparql.max_rows": 200})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def select(client: FlaskClient, query: str, **params: str) -> list[dict[str, Any]]:
    response = client.get("/sparql", query_string={"query": query, **params})
    assert response.status_code == 200, response.data
    return response.get_json()["results"]["bindings"]


def count(client: FlaskClient, query: str, **params: str) -> int:
    return int(select(client, query, **params)[0]["n"]["value"])


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize("fmt", RESULT_TYPES)
def test_select_formats_hold_the_same_rows(client: FlaskClient, fmt: str) -> None:
    query = ("PREFIX ogh: <https://w3id.org/ogh/def/> PREFIX dcterms: <http://purl.org/dc/terms/> "
             "SELECT ?plan ?title ?n { ?plan a ogh:ActionPlan ; dcterms:title ?title . "
             "OPTIONAL { ?plan ogh:number ?n } } ORDER BY ?plan")
    reference = client.get("/sparql", query_string={"query": query, "format": "json"}).data
    expected = list(ox.parse_query_results(reference, ox.QueryResultsFormat.JSON))
    assert len(expected) >= 3
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": RESULT_TYPES[fmt].media_type.split(";")[0]})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(RESULT_TYPES[fmt].media_type.split(";")[0])
    assert response.headers["Vary"] == "Accept"
    if fmt == "csv":  # CSV keeps values only, and pyoxigraph does not read it back
        got_values = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
        assert [[row[v] for v in ("plan", "title", "n")] for row in got_values] == \
               [[s[v].value if s[v] else "" for v in ("plan", "title", "n")] for s in expected]
    else:
        got = list(ox.parse_query_results(response.data, RESULT_TYPES[fmt]))
        assert [[s[v] for v in ("plan", "title", "n")] for s in got] == \
               [[s[v] for v in ("plan", "title", "n")] for s in expected]
    assert response.headers["X-SPARQL-Rows"] == str(len(expected))


@pytest.mark.parametrize("fmt", GRAPH_TYPES)
def test_construct_formats_hold_the_same_graph(client: FlaskClient, fmt: str) -> None:
    query = ("PREFIX ogh: <https://w3id.org/ogh/def/> CONSTRUCT { ?c ogh:actionPlan ?p ; ogh:number ?n } "
             f"WHERE {{ GRAPH <{SCOTLAND}> {{ ?c a ogh:Commitment ; ogh:actionPlan ?p ; ogh:number ?n }} }}")
    media, ox_format = GRAPH_TYPES[fmt]
    response = client.post("/sparql", data={"query": query}, headers={"Accept": media})
    assert response.status_code == 200, response.data
    assert response.headers["Content-Type"].startswith(media)
    triples = {(t.subject, t.predicate, t.object) for t in ox.parse(response.data, ox_format)}
    reference = client.post("/sparql", data={"query": query, "format": "ntriples"})
    expected = {(t.subject, t.predicate, t.object)
                for t in ox.parse(reference.data, ox.RdfFormat.N_TRIPLES)}
    assert len(expected) > 10
    assert triples == expected


def test_describe(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={
        "query": "DESCRIBE <https://w3id.org/ogh/id/jurisdiction/wales>"},
        headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    assert (URIRef("https://w3id.org/ogh/id/jurisdiction/wales"), None, None) in graph


def test_ask(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"ASK {{ GRAPH <{UK}> {{ ?s ?p ?o }} }}"},
                          headers={"Accept": "application/sparql-results+xml"})
    assert response.status_code == 200
    assert b"<boolean>true</boolean>" in response.data


def test_unacceptable(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert b"application/sparql-results+json" in response.data


# ------------------------------------------------------------------ datasets


def test_default_graph_is_the_union(client: FlaskClient) -> None:
    total = count(client, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    union = count(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    uk = count(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{UK}> {{ ?s ?p ?o }} }}")
    assert 0 < uk < union <= total


def test_from_in_the_query_is_honoured(client: FlaskClient) -> None:
    uk = count(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{UK}> {{ ?s ?p ?o }} }}")
    assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{UK}> {{ ?s ?p ?o }}") == uk
    assert count(client, f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <{UK}> "
                 "{ GRAPH ?g { ?s ?p ?o } }") == 1


def test_protocol_dataset_overrides_the_query(client: FlaskClient) -> None:
    scotland = count(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{SCOTLAND}> {{ ?s ?p ?o }} }}")
    assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{UK}> {{ ?s ?p ?o }}",
                 **{"default-graph-uri": SCOTLAND}) == scotland
    named = select(client, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
                   **{"named-graph-uri": SCOTLAND})
    assert [b["g"]["value"] for b in named] == [SCOTLAND]
    # Named graphs only: the default graph is then empty.
    assert count(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **{"named-graph-uri": UK}) == 0


# ------------------------------------------------------------------ limits


def test_rows_are_capped_and_the_client_told(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?s ?p ?o { ?s ?p ?o }",
                                                   "format": "json"})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 200
    assert response.headers["X-SPARQL-Truncated"].startswith("rows")
    assert "sparql.max_rows" in response.headers["X-SPARQL-Truncated"]
    for fmt in ("xml", "tsv"):
        capped = client.get("/sparql", query_string={"query": "SELECT ?s ?p ?o { ?s ?p ?o }",
                                                     "format": fmt})
        assert len(list(ox.parse_query_results(capped.data, RESULT_TYPES[fmt]))) == 200
    capped = client.get("/sparql", query_string={"query": "SELECT ?s ?p ?o { ?s ?p ?o }",
                                                 "format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(capped.data.decode("utf-8"))))) == 200
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }",
                                                "format": "ntriples"})
    assert len(list(ox.parse(graph.data, ox.RdfFormat.N_TRIPLES))) == 200
    assert graph.headers["X-SPARQL-Truncated"].startswith("rows")


def test_untruncated_results_say_nothing(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 200"})
    assert len(response.get_json()["results"]["bindings"]) == 200
    assert "X-SPARQL-Truncated" not in response.headers


def test_result_bytes_are_capped_at_a_whole_row(data: dict[str, Any]) -> None:
    for app in _app(data, **{"sparql.max_result_bytes": 5000}):
        response = app.test_client().get("/sparql", query_string={
            "query": "SELECT ?s ?p ?o { ?s ?p ?o }", "format": "tsv"})
        assert response.status_code == 200
        assert len(response.data) <= 5000
        assert response.data.endswith(b"\n")
        rows = list(ox.parse_query_results(response.data, ox.QueryResultsFormat.TSV))
        assert len(rows) == response.data.count(b"\n") - 1 > 10
        assert response.headers["X-SPARQL-Truncated"].startswith("bytes")


def test_request_body_limit(data: dict[str, Any]) -> None:
    for app in _app(data, **{"sparql.max_body_bytes": 1000}):
        c = app.test_client()
        big = "SELECT * { ?s ?p ?o } " + "# padding\n" * 200
        response = c.post("/sparql", data=big, content_type="application/sparql-query")
        assert response.status_code == 413
        assert b"sparql.max_body_bytes" in response.data
        assert c.post("/sparql", data=big[:900], content_type="application/sparql-query").status_code == 200


# ------------------------------------------------------------------ CORS and the service description


def test_cors(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Origin": "https://yasgui.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-SPARQL-Truncated" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/sparql", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    error = client.get("/sparql", query_string={"query": "ASK {"})
    assert error.status_code == 400 and error.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"), ("*/*", "turtle")])
def test_service_description(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=rdflib_format)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert service == URIRef("http://127.0.0.1:8080/sparql")
    assert graph.value(service, SD.endpoint) == service
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert {UK, SCOTLAND, "https://w3id.org/ogh/graph/vocab"} <= names
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats


# ------------------------------------------------------------------ read-only, SERVICE, snapshots


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_service_calls_reach_no_server(client: FlaskClient) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        for query in (f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                      f"PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}"):
            response = client.get("/sparql", query_string={"query": query})
            assert response.status_code == 400
            assert b"SERVICE" in response.data
        assert _Recorder.hits == []
    finally:
        server.shutdown()


def test_updates_change_nothing(client: FlaskClient) -> None:
    before = count(client, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    attempts = [
        client.post("/sparql", data=f"DROP GRAPH <{UK}>", content_type="application/sparql-update"),
        client.post("/sparql", data={"update": "CLEAR ALL"}),
        client.get("/sparql", query_string={"update": "CLEAR ALL"}),
        client.post("/sparql", data={"query": f"DROP GRAPH <{UK}>"}),
        client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-query"),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert count(client, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }") == before


def test_a_new_snapshot_is_seen_without_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    config = make_config(data_dir)
    with open_store(config, write=True) as store:
        store.replace_graphs({UK: synthetic.graphs(500)[UK]})
    for app in _app({"hub.data_dir": str(data_dir)}):
        c = app.test_client()
        query = "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
        assert count(c, query) == 1
        with open_store(config, write=True) as store:
            ensure_vocabulary(store)
        assert count(c, query) == 2


# ------------------------------------------------------------------ the named queries


#: Named queries whose subject the synthetic data covers (plans, commitments, meetings).
COVERED = {"meetings-by-year-attendance", "graphs", "theme-matrix", "plans-timeline",
           "meetings-per-year", "attendance", "theme-commitments"}


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_every_named_query_runs(client: FlaskClient, example: Any) -> None:
    response = client.post("/sparql", data=example.text, content_type="application/sparql-query")
    assert response.status_code == 200, response.data
    bindings = response.get_json()["results"]["bindings"]
    if example.name in COVERED:
        assert bindings, f"{example.name} found nothing in the synthetic data"


# ------------------------------------------------------------------ the answer cache


def test_an_answer_is_kept_for_its_snapshot(client: FlaskClient, data: dict[str, Any]) -> None:
    if data.get("store.backend") == "sparql":
        pytest.skip("answers are kept per published snapshot of the embedded store")
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o } # kept"
    first = client.get("/sparql", query_string={"query": query, "format": "json"})
    again = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert first.headers["X-SPARQL-Cache"] == "miss" and again.headers["X-SPARQL-Cache"] == "hit"
    assert again.data == first.data
    assert "X-SPARQL-Cache" in again.headers["Access-Control-Expose-Headers"]
    # Another format of the same query is another answer.
    other = client.get("/sparql", query_string={"query": query, "format": "xml"})
    assert other.headers["X-SPARQL-Cache"] == "miss"
    forced = client.get("/sparql", query_string={"query": query, "format": "json"},
                        headers={"Cache-Control": "no-cache"})
    assert forced.headers["X-SPARQL-Cache"] == "miss" and forced.data == first.data


def test_a_new_snapshot_is_never_answered_from_the_old_ones_answers(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    config = make_config(data_dir)
    with open_store(config, write=True) as store:
        store.replace_graphs({UK: synthetic.graphs(500)[UK]})
    for app in _app({"hub.data_dir": str(data_dir)}):
        c = app.test_client()
        query = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
        before = count(c, query)
        assert count(c, query) == before  # now kept
        with open_store(config, write=True) as store:
            store.replace_graphs({SCOTLAND: synthetic.graphs(500)[UK][:10]})
        response = c.get("/sparql", query_string={"query": query})
        assert response.headers["X-SPARQL-Cache"] == "miss"
        assert int(response.get_json()["results"]["bindings"][0]["n"]["value"]) == before + 10
