"""Conversions between rdflib terms (used by the mapping, SHACL and Python
callers) and pyoxigraph terms (used by the embedded store), and N-Triples
text for SPARQL Update requests."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r} ({type(term).__name__})")


@functools.lru_cache(maxsize=256)
def _datatype(iri: str) -> URIRef:
    """A literal's datatype IRI (a handful recur; making a URIRef checks it)."""
    return URIRef(iri)


def from_ox(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=_datatype(datatype))
    if isinstance(term, ox.DefaultGraph):
        raise TypeError("the default graph is not a term")
    raise TypeError(f"unknown term {term!r}")


def quads_to_ox(triples: Iterable[Triple], graph: str) -> Iterator[ox.Quad]:
    g = ox.NamedNode(graph)
    for s, p, o in triples:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), g)


def as_int(term: Node | None) -> int | None:
    """The integer a literal holds (a count, a status code), None when unbound;
    raises ValueError for a literal that is no integer."""
    return int(str(term)) if term is not None else None


def nt_term(term: Node) -> str:
    """One term in N-Triples syntax."""
    return term.n3()


def ntriples(triples: Iterable[Triple]) -> str:
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples)
