"""Results as rows of cells for the HTML results table.

Links only ever point at http(s) IRIs: a result can hold any IRI a source
wrote (``javascript:`` included), and it must never become a live link. IRIs
of the hub's own namespace link to this deployment's pages (``/id/...``,
``/def/...``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from vocab import BASE

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


#: Datatypes whose values speak for themselves: no note, numbers right-aligned.
_PLAIN = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long",
                             "nonNegativeInteger", "boolean")}
_NUMERIC = _PLAIN - {_XSD + "boolean"}


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    note: str = ""  # a language tag or a datatype, shown small
    kind: str = ""  # "iri", "literal", "bnode", "triple" or "" (unbound)
    numeric: bool = False


def href_for(iri: str) -> str | None:
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    if iri.lower().startswith(("http://", "https://")):
        return iri
    return None


def _short_datatype(iri: str) -> str:
    for prefix, short in ((_XSD, "xsd:"), (_RDF, "rdf:")):
        if iri.startswith(prefix):
            return short + iri[len(prefix):]
    return iri


def cell(term: dict[str, Any] | None) -> Cell:
    """A cell from a SPARQL results JSON term."""
    if term is None:
        return Cell("")
    kind = term.get("type")
    value: Any = term.get("value", "")
    if kind == "uri":
        return Cell(str(value), href_for(str(value)), kind="iri")
    if kind == "bnode":
        return Cell(f"_:{value}", kind="bnode")
    if kind == "triple":
        parts = [cell(value[k]).text for k in ("subject", "predicate", "object")]
        return Cell("<< " + " ".join(parts) + " >>", kind="triple")
    return _literal(str(value), term.get("xml:lang"), term.get("datatype"))


def _literal(value: str, language: str | None, datatype: str | None) -> Cell:
    note = ""
    if language:
        note = "@" + language
    elif datatype and datatype not in _PLAIN and datatype != _XSD + "string":
        note = _short_datatype(datatype)
    return Cell(value, note=note, kind="literal", numeric=datatype in _NUMERIC)


def table_from_json(body: bytes) -> tuple[list[str], list[list[Cell]]]:
    data = json.loads(body)
    names = data.get("head", {}).get("vars", [])
    rows = [[cell(b.get(n)) for n in names] for b in data.get("results", {}).get("bindings", [])]
    return names, rows


def table_from_ntriples(body: bytes) -> tuple[list[str], list[list[Cell]]]:
    import pyoxigraph as ox

    def ox_cell(term: Any) -> Cell:
        if isinstance(term, ox.NamedNode):
            return Cell(term.value, href_for(term.value), kind="iri")
        if isinstance(term, ox.BlankNode):
            return Cell(f"_:{term.value}", kind="bnode")
        if isinstance(term, ox.Literal):
            return _literal(term.value, term.language, term.datatype.value)
        return Cell(str(term), kind="triple")

    rows = [[ox_cell(t.subject), ox_cell(t.predicate), ox_cell(t.object)]
            for t in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
    return ["subject", "predicate", "object"], rows
