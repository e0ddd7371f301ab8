"""Linked data for entity IRIs: which form a client asked for, what the
store says about an entity, and that description in an RDF format.

Every IRI ``https://w3id.org/ogh/id/...`` is served at this deployment's
``/id/...``: HTML for browsers; the hub's JSON (``?format=json`` or
``Accept: application/json``); Turtle, JSON-LD, N-Triples or RDF/XML by
``Accept`` or by a file extension on the path (``.ttl``, ``.jsonld``, ``.nt``,
``.rdf``). The RDF is every triple of the store, from every graph, whose
subject is the entity, with those of the nodes it owns (attendance counts,
attendees, commitment updates, posts), serialised by pyoxigraph.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from flask import Request
from rdflib import Literal, URIRef

from hub.store import GraphStore
from hub.terms import to_ox
from vocab import DCTERMS, DEF, ID, OGH, PREFIXES

#: RDF media types → (pyoxigraph format, file extension, format name).
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "text/turtle": (ox.RdfFormat.TURTLE, ".ttl", "turtle"),
    "application/ld+json": (ox.RdfFormat.JSON_LD, ".jsonld", "jsonld"),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, ".nt", "ntriples"),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, ".rdf", "rdfxml"),
}
HTML = "text/html"
JSON = "application/json"

#: File extensions on ``/id/...`` paths → media type.
EXTENSIONS: dict[str, str] = {
    **{ext: mime for mime, (_, ext, _) in RDF_FORMATS.items()},
    ".json": JSON,
    ".html": HTML,
}

#: ``?format=`` names → media type.
FORMAT_NAMES: dict[str, str] = {
    "html": HTML, "json": JSON,
    "ttl": "text/turtle", "turtle": "text/turtle",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "nt": "application/n-triples", "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "rdf": "application/rdf+xml", "rdfxml": "application/rdf+xml", "xml": "application/rdf+xml",
}

OFFERED = [HTML, JSON, *RDF_FORMATS]

#: Nodes an entity owns: their triples come with the entity's.
OWNED = (OGH.attendance, OGH.attendee, OGH.update, DCTERMS.hasPart)

#: What an ``/id/`` path may hold (the characters of the hub's IRIs); any
#: other path is not one of ours and is never put into a query.
_SAFE_PATH = re.compile(r"[A-Za-z0-9._~:@!$&()*+,;=/%-]{1,500}")


def iri_for(path: str) -> str | None:
    """The entity IRI of an ``/id/`` path, or None if it cannot be one."""
    if not _SAFE_PATH.fullmatch(path) or "//" in path or path.startswith("/"):
        return None
    return ID + path


def negotiate(request: Request) -> str | None:
    """The media type to answer with (``?format=`` first, then ``Accept``);
    None when nothing the client accepts is offered."""
    name = request.args.get("format", "").strip().lower()
    if name:
        return FORMAT_NAMES.get(name)
    if not request.accept_mimetypes:
        return HTML
    best = request.accept_mimetypes.best_match(OFFERED)
    if best is None:
        return None
    # A browser's "*/*" must not win over its explicit text/html.
    if best != HTML and request.accept_mimetypes[HTML] >= request.accept_mimetypes[best]:
        return HTML
    return best


def split_extension(path: str) -> tuple[str, str | None]:
    """(path without a format extension, the extension's media type)."""
    for ext, mime in EXTENSIONS.items():
        if path.endswith(ext) and len(path) > len(ext):
            return path[: -len(ext)], mime
    return path, None


def exists(store: GraphStore, iri: str) -> bool:
    return store.ask(f"ASK {{ <{iri}> ?p ?o }}")


def describe(store: GraphStore, iri: str) -> list[ox.Triple]:
    """What the store says about ``iri`` (all graphs) and the nodes it owns."""
    owned = " ".join(f"<{p}>" for p in OWNED)
    graph = store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ VALUES ?s {{ <{iri}> }} ?s ?p ?o }} UNION "
        f"{{ <{iri}> ?own ?s . VALUES ?own {{ {owned} }} ?s ?p ?o }} }}"
    )
    triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph]
    triples.sort(key=lambda t: (t.subject != ox.NamedNode(iri), str(t.subject), str(t.predicate),
                                str(t.object)))
    return triples


def serialize(triples: list[ox.Triple], media_type: str) -> bytes:
    rdf_format = RDF_FORMATS[media_type][0]
    prefixes = {p: i for p, i in PREFIXES.items() if p not in ("sh", "void", "time", "owl", "ogh-id")}
    prefixes.update({name: f"{DEF}{name}/" for name in ("status", "outcome", "sector", "attendance")})
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        out = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    else:
        out = ox.serialize(triples, format=rdf_format)
    assert out is not None  # no output file given: the bytes are returned
    return out


def prefixed(iri: str) -> str:
    """``dcterms:title`` for a known namespace, else the IRI."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best) and re.fullmatch(r"[\w.-]+", iri[len(ns):]):
            best = ns
            name = f"{prefix}:{iri[len(ns):]}"
    return name if best else iri


def term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, URIRef):
        return {"iri": str(term)}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"value": str(term)}
        if term.language:
            out["language"] = term.language
        elif term.datatype is not None:
            out["datatype"] = prefixed(str(term.datatype))
        return out
    return {"value": str(term)}
