"""The vocabulary published at its namespace: every term IRI resolves to a
page or to its RDF, and the documentation holds what the Turtle files say."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from hub.settings import load_config
from hub.vocabdoc import Vocabulary, vocabulary_files
from vocab import DEF

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
RDF_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt",
               "application/ld+json": "json-ld", "application/rdf+xml": "xml"}


def files_graph() -> Graph:
    graph = Graph()
    for path in vocabulary_files():
        graph.parse(path, format="turtle")
    return graph


FILES = files_graph()
TERMS = sorted({str(s) for s in FILES.subjects() if isinstance(s, URIRef)
                and str(s).startswith(DEF) and str(s) != DEF})


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from hub.web import create_app

    app = create_app(load_config(overrides={"hub.data_dir": str(tmp_path_factory.mktemp("def"))}))
    yield app
    app.extensions["ogh_sparql"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def cbd(graph: Graph, iri: str) -> Graph:
    out = Graph()
    for p, o in graph.predicate_objects(URIRef(iri)):
        out.add((URIRef(iri), p, o))
    return out


def test_the_vocabulary_has_terms() -> None:
    assert len(TERMS) > 30


@pytest.mark.parametrize("iri", TERMS)
def test_every_term_iri_resolves_to_its_rdf(client: FlaskClient, iri: str) -> None:
    path = "/def/" + iri[len(DEF):]
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, path
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "Accept" in response.headers["Vary"]
    served = Graph().parse(data=response.data, format="turtle")
    expected = cbd(FILES, iri)
    assert len(expected) > 0
    assert {t for t in served if t[0] == URIRef(iri)} >= {t for t in expected if not _blank(t[2])}
    # ...and a page for people, titled with its label.
    page = BeautifulSoup(client.get(path, headers=BROWSER).data, "html.parser")
    assert page.find("h1").text.strip()
    assert iri in page.get_text()


def _blank(node: object) -> bool:
    from rdflib import BNode

    return isinstance(node, BNode)


@pytest.mark.parametrize("media", RDF_FORMATS)
def test_term_in_every_format_and_by_extension(client: FlaskClient, media: str) -> None:
    iri = DEF + "theme/open-data"
    by_accept = client.get("/def/theme/open-data", headers={"Accept": media})
    assert by_accept.headers["Content-Type"].startswith(media)
    graph = Graph().parse(data=by_accept.data, format=RDF_FORMATS[media])
    assert isomorphic(graph, cbd(FILES, iri))
    ext = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
           "application/rdf+xml": "rdf"}[media]
    by_ext = client.get(f"/def/theme/open-data.{ext}", headers=BROWSER)
    assert by_ext.status_code == 200 and by_ext.headers["Content-Type"].startswith(media)
    assert isomorphic(Graph().parse(data=by_ext.data, format=RDF_FORMATS[media]), graph)


def test_the_whole_vocabulary_as_turtle(client: FlaskClient) -> None:
    for response in (client.get("/def/ontology.ttl"),
                     client.get("/def/", headers={"Accept": "text/turtle"})):
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/turtle")
        assert isomorphic(Graph().parse(data=response.data, format="turtle"), FILES)
    jsonld = client.get("/def/", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=jsonld.data, format="json-ld"), FILES)


def test_the_documentation_lists_every_class_property_and_scheme(client: FlaskClient) -> None:
    response = client.get("/def/", headers=BROWSER)
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    declared = {str(s) for t in (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                 OWL.AnnotationProperty, RDF.Property, SKOS.ConceptScheme)
                for s in FILES.subjects(RDF.type, t) if str(s).startswith(DEF)}
    assert declared
    for iri in declared:
        name = iri[len(DEF):]
        assert soup.find(id=name.replace("/", "-")) is not None, name
        assert soup.find("a", href=f"/def/{name}") is not None, name
    # Every concept of every scheme is linked from its scheme's table.
    for concept in FILES.subjects(SKOS.inScheme, None):
        target = "/" + str(concept)[len("https://w3id.org/ogh/"):]
        assert soup.find("a", href=target) is not None, concept


def test_unknown_terms(client: FlaskClient) -> None:
    assert client.get("/def/NoSuchTerm", headers=BROWSER).status_code == 404
    assert client.get("/def/NoSuchTerm.ttl").status_code == 404
    assert client.get("/def/theme/open-data", headers={"Accept": "image/png"}).status_code == 406


def test_documentation_keeps_every_statement() -> None:
    """Statements without a place of their own on the page are still shown."""
    graph = Graph().parse(data=f"""
        @prefix ogh: <{DEF}> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix schema: <https://schema.org/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{DEF}> a owl:Ontology ; <http://purl.org/dc/terms/title> "T"@en .
        ogh:Plan a owl:Class ; rdfs:label "Plan"@en ; rdfs:comment "A plan."@en ;
            skos:closeMatch <http://example.org/Plan> .
        ogh:Part a owl:Class ; rdfs:label "Part"@en ; rdfs:subClassOf ogh:Plan .
        ogh:plan a owl:ObjectProperty ; rdfs:label "plan"@en ; schema:domainIncludes ogh:Part ;
            rdfs:range ogh:Plan .
        ogh:colours a skos:ConceptScheme ; skos:prefLabel "Colours"@en .
        ogh:colour-red skos:inScheme ogh:colours ; skos:prefLabel "Red"@en, "Coch"@cy ;
            skos:notation "2" .
        ogh:colour-blue skos:inScheme ogh:colours ; skos:prefLabel "Blue"@en ; skos:notation "1" .
    """, format="turtle")
    vocab = Vocabulary(graph)
    assert [t.label for t in vocab.classes] == ["Part", "Plan"]
    plan = vocab.terms["Plan"]
    facts = {f.label: [getattr(v, "text", v) for v in f.values] for f in plan.facts}
    assert facts["Subclasses"] == ["Part"]
    assert facts["Values of"] == ["plan"]
    assert facts["skos:closeMatch"] == ["http://example.org/Plan"]
    part = {f.label: [getattr(v, "text", v) for v in f.values] for f in vocab.terms["Part"].facts}
    assert part["Properties of it"] == ["plan"]
    colours = vocab.terms["colours"]
    assert [m.label for m in colours.members] == ["Blue", "Red"]  # by notation
    red = {f.label: [getattr(v, "text", v) for v in f.values] for f in vocab.terms["colour-red"].facts}
    assert red["Labels"] == ["Coch (@cy)"]
    assert vocab.ontology_term().label == "T"
