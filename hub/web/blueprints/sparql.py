"""``/sparql``: the SPARQL 1.1 Protocol endpoint, its service description and
the query page.

The protocol is read by :mod:`hub.sparql.protocol`, queries run in killable
worker processes (:mod:`hub.sparql.pool`) on the published snapshot, and the
answer goes back in the negotiated format (:mod:`hub.sparql.formats`). A
browser gets the query page: an editor, the named example queries from
``hub/queries/``, results as a table and a permalink to each query.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request

from hub.sparql import examples as named
from hub.sparql.endpoint import Answer, Endpoint, QueryFailed
from hub.sparql.formats import (
    BY_NAME,
    GRAPH_FORMATS,
    HTML,
    RESULT_FORMATS,
    NotAcceptable,
    negotiate,
    negotiate_graph,
    serialize_graph,
)
from hub.sparql.protocol import Operation, ProtocolError, read_request

bp = Blueprint("sparql", __name__)

#: What the editor holds when the page opens.
STARTER = """PREFIX ogh: <https://w3id.org/ogh/def/>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?plan ?title
WHERE {
  ?plan a ogh:ActionPlan ;
        dcterms:title ?title .
}
LIMIT 20
"""

EXPOSED = "X-SPARQL-Rows, X-SPARQL-Truncated, X-SPARQL-Elapsed, X-SPARQL-Cache"


def init_app(app: Flask) -> None:
    app.extensions["ogh_sparql"] = Endpoint(app.config["OGH"])


def endpoint() -> Endpoint:
    return current_app.extensions["ogh_sparql"]


@bp.after_request
def _cors(response: Response) -> Response:
    """Any origin may query: the endpoint is public and read-only, and sends
    no credentials-bound data."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    response.vary.add("Accept")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = (
        request.headers.get("Access-Control-Request-Headers") or "Accept, Content-Type"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = "GET, POST, OPTIONS"
    return response


def _wants_html(fmt: str | None = None) -> bool:
    """A browser, asking for a page rather than data (``*/*`` gets data).
    ``fmt`` is the request's ``format`` parameter, if any."""
    fmt = fmt or request.args.get("format")
    if fmt:
        return fmt.strip().lower() in (HTML, "text/html")
    best = request.accept_mimetypes.best_match(
        ["application/sparql-results+json", "text/turtle", "text/html", "application/xhtml+xml"])
    return best in ("text/html", "application/xhtml+xml")


def _error(status: int, message: str, headers: dict[str, str] | None = None,
           query: str | None = None, fmt: str | None = None) -> Response:
    if _wants_html(fmt):
        page = _render_page(query=query or "", error=message, status=status)
        response = Response(page, status=status, mimetype="text/html")
    else:
        response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _read_body(limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise ProtocolError(413, f"the request body is {request.content_length} bytes; the "
                            f"largest accepted is {limit} (sparql.max_body_bytes)")
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise ProtocolError(413, f"the request body is over {limit} bytes, the largest "
                            "accepted (sparql.max_body_bytes)")
    return body


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], strict_slashes=False)
def sparql() -> Any:
    if request.method == "OPTIONS":
        return _preflight()
    config = current_app.config["OGH"]
    try:
        body = _read_body(int(config["sparql.max_body_bytes"])) if request.method == "POST" else b""
        op = read_request(request.method, request.query_string, request.headers.get("Content-Type"),
                          body)
    except ProtocolError as exc:
        return _error(exc.status, exc.message)
    if op is None:
        return _no_query()
    try:
        choice = negotiate(request.headers.get("Accept"), op.format)
    except NotAcceptable as exc:
        return _error(406, str(exc), query=op.query, fmt=op.format)
    no_cache = "no-cache" in request.headers.get("Cache-Control", "").lower()
    try:
        answer = endpoint().run(op, choice, client=request.remote_addr or "",
                                use_cache=not no_cache)
    except QueryFailed as exc:
        return _error(exc.status, exc.message, exc.headers, query=op.query, fmt=op.format)
    if choice.html:
        return _html_answer(op, answer)
    return _data_answer(answer)


def _data_answer(answer: Answer) -> Response:
    media_type = answer.media_type
    if media_type.startswith("text/") or media_type.endswith(("+xml", "+json")) \
            or media_type in ("application/n-triples", "application/ld+json"):
        media_type += "; charset=utf-8"
    response = Response(answer.body, status=200, content_type=media_type)
    response.headers["X-SPARQL-Rows"] = str(answer.rows)
    response.headers["X-SPARQL-Elapsed"] = f"{answer.elapsed:.4f}"
    response.headers["X-SPARQL-Cache"] = "hit" if answer.cached else "miss"
    if answer.truncated:
        response.headers["X-SPARQL-Truncated"] = _truncation_note(answer)
    return response


def _truncation_note(answer: Answer) -> str:
    config = current_app.config["OGH"]
    if answer.truncated == "rows":
        return f"rows; the first {answer.rows} only (sparql.max_rows = {config['sparql.max_rows']})"
    return (f"bytes; the first {answer.rows} rows only, the results being over "
            f"{config['sparql.max_result_bytes']} bytes (sparql.max_result_bytes)")


# ------------------------------------------------------------------ no query


def _no_query() -> Any:
    """``GET /sparql`` without a query: the query page for a browser, the
    service description for anything else."""
    if _wants_html():
        name = request.args.get("example")
        chosen = named.example(name) if name else None
        if name and chosen is None:
            return _error(404, f"there is no example query named {name!r}")
        return _render_page(query=chosen.text if chosen else STARTER, chosen=chosen)
    try:
        fmt = negotiate_graph(request.headers.get("Accept"), request.args.get("format"),
                              allow_html=False)
    except NotAcceptable as exc:
        return Response(str(exc) + "\n", status=406, mimetype="text/plain")
    from hub.sparql.service import description
    from hub.web import resources

    graph = description(current_app.config["OGH"], resources.store().graphs())
    return Response(serialize_graph(graph, fmt), content_type=_content_type(fmt))


def _content_type(fmt: str) -> str:
    return BY_NAME[fmt].media_type + "; charset=utf-8"


# ------------------------------------------------------------------ the query page


def permalink(query: str, **extra: str) -> str:
    return "/sparql?" + urlencode({"query": query, **extra})


def _render_page(query: str = "", chosen: named.Example | None = None, answer: Answer | None = None,
                 table: tuple[list[str], list[list[Any]]] | None = None, error: str | None = None,
                 status: int = 200) -> str:
    config = current_app.config["OGH"]
    return render_template(
        "sparql/query.html",
        query=query,
        examples=named.examples(),
        chosen=chosen,
        answer=answer,
        table=table,
        error=error,
        status=status,
        permalink=permalink(query) if query.strip() else None,
        downloads=_downloads(query, answer) if answer and query.strip() else [],
        truncation=_truncation_note(answer) if answer and answer.truncated else None,
        timeout=config["sparql.timeout"],
        max_rows=config["sparql.max_rows"],
        endpoint_url=endpoint().base_iri,
    )


def _downloads(query: str, answer: Answer) -> list[tuple[str, str]]:
    family = GRAPH_FORMATS if answer.kind == "graph" else RESULT_FORMATS
    if answer.kind == "ask":
        family = RESULT_FORMATS[:2]
    return [(f.label, permalink(query, format=f.name)) for f in family]


def _html_answer(op: Operation, answer: Answer) -> str:
    from hub.sparql.html import table_from_json, table_from_ntriples

    table = None
    if answer.kind == "select":
        table = table_from_json(answer.body)
    elif answer.kind == "graph":
        table = table_from_ntriples(answer.body)
    return _render_page(query=op.query, answer=answer, table=table)
