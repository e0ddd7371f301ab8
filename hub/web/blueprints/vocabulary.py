"""``/def/``: the hub's vocabulary at its namespace.

``https://w3id.org/ogh/def/`` and every term IRI under it
(``https://w3id.org/ogh/def/Commitment``, ``…/def/theme/open-data``) resolve
here by path: a browser gets documentation generated from ``vocab/*.ttl``,
other clients the RDF they ask for (Turtle, N-Triples, JSON-LD, RDF/XML), and
people can follow file-extension links (``/def/Commitment.ttl``). The whole
vocabulary in Turtle is also at ``/def/ontology.ttl``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from hub.sparql.formats import BY_NAME, GRAPH_FORMATS, HTML, NotAcceptable, negotiate_graph, serialize_graph
from hub.vocabdoc import vocabulary

bp = Blueprint("vocabulary", __name__)

EXTENSIONS = {f".{f.extension}": f.name for f in GRAPH_FORMATS}
KIND_LABELS = {"class": "Class", "property": "Property", "scheme": "Concept scheme",
               "concept": "Concept", "term": "Term"}


def _rdf(graph: Any, fmt: str) -> Response:
    response = Response(serialize_graph(graph, fmt),
                        content_type=BY_NAME[fmt].media_type + "; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _negotiated() -> str | Response:
    try:
        return negotiate_graph(request.headers.get("Accept"), request.args.get("format"))
    except NotAcceptable as exc:
        return Response(str(exc) + "\n", status=406, mimetype="text/plain")


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


@bp.route("/def/")
@bp.route("/def")
def index() -> Response:
    fmt = _negotiated()
    if isinstance(fmt, Response):
        return fmt
    vocab = vocabulary()
    if fmt != HTML:
        return _vary(_rdf(vocab.whole(), fmt))
    ontology = vocab.ontology_term()
    page = render_template(
        "vocabulary/index.html", vocab=vocab, ontology=ontology,
        title=ontology.label, description=ontology.comment, formats=GRAPH_FORMATS,
        example_iri=(vocab.classes[0].iri if vocab.classes else vocab.schemes[0].iri
                     if vocab.schemes else str(vocab.ontology)),
    )
    return _vary(Response(page, mimetype="text/html"))


@bp.route("/def/ontology.ttl")
def turtle() -> Response:
    return _rdf(vocabulary().whole(), "turtle")


@bp.route("/def/<path:name>")
def term(name: str) -> Response:
    vocab = vocabulary()
    fmt: str | None = None
    for ext, fmt_name in EXTENSIONS.items():
        if name.endswith(ext) and name[: -len(ext)] in vocab.terms:
            name, fmt = name[: -len(ext)], fmt_name
            break
    found = vocab.terms.get(name.rstrip("/"))
    if found is None:
        abort(404, description=f"The vocabulary has no term {name!r}.")
    if isinstance(fmt, str):  # asked for by the extension
        return _rdf(vocab.describe(found.iri), fmt)
    negotiated = _negotiated()
    if isinstance(negotiated, Response):
        return negotiated
    if negotiated == HTML:
        page = render_template("vocabulary/term.html", term=found, formats=GRAPH_FORMATS,
                               kind_label=KIND_LABELS.get(found.kind, "Term"))
        return _vary(Response(page, mimetype="text/html"))
    return _vary(_rdf(vocab.describe(found.iri), negotiated))

