"""SPARQLWrapper, a client researchers use, against `ogh serve` on loopback:
SELECT, ASK and CONSTRUCT in JSON and XML, by GET and POST."""

from __future__ import annotations

import urllib.error

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF
from SPARQLWrapper import GET, JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.hub.sparql.server import Server

DATA = [f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)]
SELECT = ("PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
          "SELECT ?doc ?g WHERE { GRAPH ?g { ?doc a foaf:Document } } ORDER BY ?doc")

pytestmark = pytest.mark.slow


def client(server: Server, fmt: str, method: str = GET) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{server}/sparql")
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", [GET, POST])
def test_select_json(w3c_server: Server, method: str) -> None:
    sparql = client(w3c_server, JSON, method)
    sparql.setQuery(SELECT)
    result = sparql.queryAndConvert()
    assert result["head"]["vars"] == ["doc", "g"]
    rows = [(b["doc"]["value"], b["g"]["value"]) for b in result["results"]["bindings"]]
    assert rows == [(d, d) for d in DATA]


@pytest.mark.parametrize("method", [GET, POST])
def test_select_xml(w3c_server: Server, method: str) -> None:
    sparql = client(w3c_server, XML, method)
    sparql.setQuery(SELECT)
    document = sparql.queryAndConvert()  # an xml.dom.minidom Document
    names = [v.getAttribute("name") for v in document.getElementsByTagName("variable")]
    assert names == ["doc", "g"]
    docs = [b.getElementsByTagName("uri")[0].firstChild.data
            for b in document.getElementsByTagName("binding") if b.getAttribute("name") == "doc"]
    assert docs == DATA


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(w3c_server: Server, fmt: str) -> None:
    sparql = client(w3c_server, fmt)
    sparql.setQuery(f"ASK {{ GRAPH <{DATA[0]}> {{ <{DATA[0]}> a ?t }} }}")
    result = sparql.queryAndConvert()
    if fmt == JSON:
        assert result["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt", [XML, TURTLE, JSONLD])
def test_construct(w3c_server: Server, fmt: str) -> None:
    sparql = client(w3c_server, fmt)
    sparql.setQuery("CONSTRUCT { ?doc a ?type } WHERE { GRAPH ?g { ?doc a ?type } "
                    "FILTER(STRSTARTS(STR(?g), 'http://kasei.us/')) }")
    result = sparql.queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(
        data=result if isinstance(result, (str, bytes)) else str(result),
        format={TURTLE: "turtle", JSONLD: "json-ld"}[fmt])
    assert set(graph) == {(URIRef(d), RDF.type, FOAF.Document) for d in DATA}


def test_syntax_error_is_a_bad_query(w3c_server: Server) -> None:
    sparql = client(w3c_server, JSON)
    sparql.setQuery("SELECT * WHERE {")
    with pytest.raises(QueryBadFormed, match="syntax error"):
        sparql.query()


def test_update_is_refused(w3c_server: Server) -> None:
    sparql = client(w3c_server, JSON, POST)
    sparql.setQuery("CLEAR ALL")  # SPARQLWrapper sends it as an update
    with pytest.raises(urllib.error.HTTPError) as info:
        sparql.query()
    assert info.value.code == 403
    sparql = client(w3c_server, JSON)
    sparql.setQuery(SELECT)
    assert len(sparql.queryAndConvert()["results"]["bindings"]) == 3
