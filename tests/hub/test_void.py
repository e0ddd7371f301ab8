"""The dataset description at /.well-known/void: VoID and DCAT that agree
with the store, the endpoint, the dump and config/sources.toml."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from bench import synthetic
from hub import dumps
from hub.settings import Config
from hub.store import GraphStore, open_store
from hub.vocabgraph import ensure_vocabulary
from vocab import OGH, VOID

BASE = "http://127.0.0.1:8080"
DATASET = URIRef(f"{BASE}/.well-known/void#dataset")


@pytest.fixture
def filled(config: Config, writer: GraphStore) -> Config:
    writer.replace_graphs(synthetic.graphs(4000))
    ensure_vocabulary(writer)
    return config


@pytest.fixture
def client(filled: Config) -> Iterator[FlaskClient]:
    from hub.web import create_app

    app = create_app(filled)
    yield app.test_client()
    app.extensions["ogh_sparql"].close()


def void(client: FlaskClient, accept: str = "text/turtle", fmt: str = "turtle") -> Graph:
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    return Graph().parse(data=response.data, format=fmt)


def count(config: Config, query: str) -> int:
    with open_store(config) as store:
        return int(store.select(query)[0]["n"])  # type: ignore[arg-type]


def test_counts_agree_with_the_store(client: FlaskClient, filled: Config) -> None:
    g = void(client)
    assert (DATASET, RDF.type, VOID.Dataset) in g and (DATASET, RDF.type, DCAT.Dataset) in g
    assert g.value(DATASET, VOID.triples).toPython() == count(
        filled, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    partitions = {g.value(p, VOID["class"]): g.value(p, VOID.entities).toPython()
                  for p in g.objects(DATASET, VOID.classPartition)}
    assert partitions[OGH.Commitment] == count(
        filled, f"SELECT (COUNT(DISTINCT ?c) AS ?n) {{ ?c a <{OGH.Commitment}> }}") > 0
    assert partitions[OGH.Meeting] > 0
    subsets = {str(s): g.value(s, VOID.triples).toPython() for s in g.objects(DATASET, VOID.subset)}
    assert subsets["https://w3id.org/ogh/graph/source/synthetic-uk"] == count(
        filled, "SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/ogh/graph/source/synthetic-uk> "
                "{ ?s ?p ?o } }")
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{BASE}/sparql")
    assert g.value(DATASET, VOID.entities).toPython() > 0


def test_every_source_is_a_subset_with_its_licence(client: FlaskClient, filled: Config) -> None:
    registry = tomllib.loads((filled.config_dir / "sources.toml").read_text())["source"]
    assert registry
    g = void(client)
    for source in registry:
        subset = URIRef(f"https://w3id.org/ogh/graph/source/{source['id']}")
        assert (DATASET, VOID.subset, subset) in g, source["id"]
        assert g.value(subset, DCTERMS.license) == URIRef(source["licence"])
        assert g.value(subset, DCTERMS.title) == Literal(source["name"], lang="en")
        assert g.value(subset, VOID.triples).toPython() == 0  # not harvested in this store


def test_the_dump_is_listed_once_it_exists(client: FlaskClient, filled: Config) -> None:
    assert void(client).value(DATASET, VOID.dataDump) is None
    info = dumps.regenerate(filled)
    g = void(client)
    url = URIRef(f"{BASE}/dumps/ogh.nq.gz")
    assert g.value(DATASET, VOID.dataDump) == url
    dist = g.value(DATASET, DCAT.distribution)
    assert g.value(dist, DCAT.downloadURL) == url
    assert g.value(dist, DCAT.byteSize).toPython() == info.size
    service = g.value(predicate=DCAT.servesDataset, object=DATASET)
    assert g.value(service, DCAT.endpointURL) == URIRef(f"{BASE}/sparql")


@pytest.mark.parametrize("accept, fmt", [("application/ld+json", "json-ld"),
                                         ("application/rdf+xml", "xml"),
                                         ("application/n-triples", "nt")])
def test_other_formats(client: FlaskClient, accept: str, fmt: str) -> None:
    assert void(client, accept, fmt).value(DATASET, VOID.triples).toPython() > 0
