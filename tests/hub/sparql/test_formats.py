"""Content negotiation: the Accept header or a format parameter picks the
results format and the graph format; browsers get HTML, ``*/*`` gets data."""

from __future__ import annotations

import pytest

from hub.sparql.formats import NotAcceptable, negotiate, negotiate_graph

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize("accept, results, graph", [
    (None, "json", "turtle"),
    ("*/*", "json", "turtle"),
    ("application/sparql-results+json", "json", "turtle"),
    ("application/json", "json", "turtle"),
    ("application/sparql-results+xml", "xml", "turtle"),
    ("application/sparql-results+xml,application/xml", "xml", "turtle"),
    ("text/csv", "csv", "turtle"),
    ("text/tab-separated-values", "tsv", "turtle"),
    ("application/rdf+xml", "json", "rdfxml"),
    ("application/n-triples", "json", "ntriples"),
    ("application/ld+json", "json", "jsonld"),
    ("text/turtle;q=0.5, application/rdf+xml", "json", "rdfxml"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.9, text/turtle", "xml", "turtle"),
    (BROWSER, "html", "html"),
])
def test_accept(accept: str | None, results: str, graph: str) -> None:
    choice = negotiate(accept, None)
    assert (choice.results, choice.graph) == (results, graph)


@pytest.mark.parametrize("param, results, graph", [
    ("json", "json", "jsonld"),
    ("xml", "xml", "rdfxml"),
    ("csv", "csv", "turtle"),
    ("tsv", "tsv", "turtle"),
    ("turtle", "json", "turtle"),
    ("text/turtle", "json", "turtle"),
    ("ntriples", "json", "ntriples"),
    ("application/sparql-results+xml", "xml", "rdfxml"),
    ("html", "html", "html"),
])
def test_format_parameter_wins_over_accept(param: str, results: str, graph: str) -> None:
    choice = negotiate(BROWSER, param)
    assert (choice.results, choice.graph) == (results, graph)


def test_nothing_acceptable() -> None:
    with pytest.raises(NotAcceptable, match="application/sparql-results\\+json"):
        negotiate("image/png", None)
    with pytest.raises(NotAcceptable, match="unknown format"):
        negotiate(None, "yaml")


def test_graph_resources() -> None:
    assert negotiate_graph(None, None) == "turtle"
    assert negotiate_graph("*/*", None) == "turtle"
    assert negotiate_graph(BROWSER, None) == "html"
    assert negotiate_graph("application/ld+json", None) == "jsonld"
    assert negotiate_graph(BROWSER, "ntriples") == "ntriples"
    assert negotiate_graph(BROWSER, None, allow_html=False) == "turtle"
    with pytest.raises(NotAcceptable):
        negotiate_graph("application/sparql-results+json", None)


def test_a_list_of_media_types_as_the_format_parameter() -> None:
    """SPARQLWrapper sends ``format=application/ld+json,application/x-json+ld``."""
    assert negotiate(None, "application/ld+json,application/x-json+ld").graph == "jsonld"
    assert negotiate(None, "text/x-unknown, text/csv").results == "csv"
