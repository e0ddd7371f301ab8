"""Result formats of the endpoint and how a request picks one.

SELECT and ASK answer in one of :data:`RESULT_FORMATS`, CONSTRUCT and
DESCRIBE in one of :data:`GRAPH_FORMATS`; browsers get an HTML page. The
client chooses with the ``Accept`` header or, overriding it, a ``format``
parameter (a short name such as ``json`` or a media type). The query's form is
only known once the store has parsed it, so :func:`negotiate` picks a format
of each family up front and the worker uses the one that fits.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

HTML = "html"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    #: Other media types (and short names) a client may ask for it by.
    aliases: tuple[str, ...]
    extension: str
    label: str


#: SPARQL results formats (SELECT, ASK), in order of preference.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json",
           ("application/json", "text/javascript", "application/javascript", "srj"),
           "srj", "SPARQL results JSON"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml", "srx"),
           "srx", "SPARQL results XML"),
    Format("csv", "text/csv", (), "csv", "CSV"),
    Format("tsv", "text/tab-separated-values", (), "tsv", "TSV"),
)

#: RDF formats (CONSTRUCT, DESCRIBE, the service description), in order of preference.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle", "ttl"), "ttl", "Turtle"),
    Format("ntriples", "application/n-triples", ("nt", "text/n-triples"), "nt", "N-Triples"),
    Format("jsonld", "application/ld+json", ("json-ld", "application/x-json+ld"), "jsonld", "JSON-LD"),
    Format("rdfxml", "application/rdf+xml", ("rdf", "owl"), "rdf", "RDF/XML"),
)

BY_NAME: dict[str, Format] = {f.name: f for f in RESULT_FORMATS + GRAPH_FORMATS}

HTML_TYPES = ("text/html", "application/xhtml+xml")


class NotAcceptable(ValueError):
    """The client accepts none of the formats the endpoint can give."""


@dataclass(frozen=True)
class Choice:
    """The format to answer in, for each family of results."""

    results: str  # a RESULT_FORMATS name or "html"
    graph: str  # a GRAPH_FORMATS name or "html"

    @property
    def html(self) -> bool:
        return self.results == HTML or self.graph == HTML


def _lookup(value: str, family: tuple[Format, ...]) -> Format | None:
    value = value.strip().lower()
    media = value.split(";", 1)[0].strip()
    for f in family:
        if value == f.name or media == f.media_type or media in f.aliases or value in f.aliases:
            return f
    return None


def by_parameter(value: str) -> Choice:
    """The ``format`` parameter: one name for both families where it makes
    sense (``json`` gives JSON-LD for a CONSTRUCT, ``xml`` gives RDF/XML).
    Some clients send a list of media types (``a/b,c/d``): the first known wins."""
    if "," in value:
        for item in value.split(","):
            with contextlib.suppress(NotAcceptable):
                return by_parameter(item)
    lowered = value.strip().lower()
    if lowered in (HTML, *HTML_TYPES):
        return Choice(HTML, HTML)
    result = _lookup(lowered, RESULT_FORMATS)
    graph = _lookup(lowered, GRAPH_FORMATS)
    if result is None and graph is None:
        names = ", ".join([f.name for f in RESULT_FORMATS + GRAPH_FORMATS] + [HTML])
        raise NotAcceptable(f"unknown format {value!r}; use one of {names} or a media type")
    if result is None:
        result = {"jsonld": BY_NAME["json"], "rdfxml": BY_NAME["xml"]}.get(graph.name)  # type: ignore[union-attr]
    if graph is None:
        graph = {"json": BY_NAME["jsonld"], "xml": BY_NAME["rdfxml"]}.get(result.name)  # type: ignore[union-attr]
    return Choice(result.name if result else "json", graph.name if graph else "turtle")


def _best(accept: MIMEAccept, family: tuple[Format, ...], allow_html: bool) -> str | None:
    offers: list[tuple[str, str]] = []
    for f in family:
        offers.append((f.media_type, f.name))
        offers += [(a, f.name) for a in f.aliases if "/" in a]
    if allow_html:
        offers += [(t, HTML) for t in HTML_TYPES]
    best = accept.best_match([m for m, _ in offers])
    if best is None:
        return None
    # Only a browser asking for HTML by name gets HTML; */* gets data.
    return dict(offers)[best]


def negotiate(accept_header: str | None, format_param: str | None, allow_html: bool = True) -> Choice:
    """The formats for a request; raises :class:`NotAcceptable`."""
    if format_param:
        return by_parameter(format_param)
    if not accept_header or not accept_header.strip():
        return Choice("json", "turtle")
    accept = parse_accept_header(accept_header, MIMEAccept)
    results = _best(accept, RESULT_FORMATS, allow_html)
    graph = _best(accept, GRAPH_FORMATS, allow_html)
    if results is None and graph is None:
        raise NotAcceptable(
            "none of the media types in the Accept header can be given; results come as "
            + ", ".join(f.media_type for f in RESULT_FORMATS)
            + "; graphs as "
            + ", ".join(f.media_type for f in GRAPH_FORMATS)
            + (", and pages as text/html" if allow_html else "")
        )
    # A client that accepts only graph formats asking a SELECT (or the reverse)
    # still gets an answer in the family's first format rather than a 406.
    return Choice(results or "json", graph or "turtle")


def negotiate_graph(accept_header: str | None, format_param: str | None,
                    allow_html: bool = True) -> str:
    """For a resource that is always a graph (the service description, VoID,
    the vocabulary): a GRAPH_FORMATS name, or "html"."""
    if format_param:
        lowered = format_param.strip().lower()
        if allow_html and lowered in (HTML, *HTML_TYPES):
            return HTML
        found = _lookup(lowered, GRAPH_FORMATS)
        if found is None:
            names = ", ".join(f.name for f in GRAPH_FORMATS)
            raise NotAcceptable(f"unknown format {format_param!r}; use one of {names}")
        return found.name
    if not accept_header or not accept_header.strip():
        return "turtle"
    accept = parse_accept_header(accept_header, MIMEAccept)
    best = _best(accept, GRAPH_FORMATS, allow_html)
    if best is None:
        raise NotAcceptable(
            "none of the media types in the Accept header can be given; this resource comes as "
            + ", ".join(f.media_type for f in GRAPH_FORMATS)
            + (" or text/html" if allow_html else "")
        )
    return best


#: rdflib's serializer names for the graph formats.
_RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def serialize_graph(graph: Any, name: str) -> bytes:
    """An rdflib graph in one of :data:`GRAPH_FORMATS`."""
    data = graph.serialize(format=_RDFLIB[name], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
