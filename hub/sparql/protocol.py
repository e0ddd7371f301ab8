"""The SPARQL 1.1 Protocol's query operation, read from an HTTP request.

:func:`read_request` turns the parts of a request (method, raw query string,
content type, body) into an :class:`Operation` or raises
:class:`ProtocolError` with the status and a message that says what was wrong.
It knows nothing of Flask, so it is tested on its own.

Three ways to send a query (protocol section 2.1): ``GET`` with ``query`` in
the URL; ``POST`` of an ``application/x-www-form-urlencoded`` body; ``POST``
of the query itself as ``application/sparql-query``. ``default-graph-uri`` and
``named-graph-uri`` may be repeated, in the URL or the form. Requests that
carry an update (an ``update`` parameter, an ``application/sparql-update``
body, or update operations in ``query``) are refused with 403: the endpoint is
read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from hub.sparql.lexer import QueryInfo, analyse

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")

READ_ONLY = (
    "This endpoint is read-only: SPARQL Update is not accepted here, and the data "
    "cannot be changed through it. Download the full dump to work on a copy."
)


class ProtocolError(Exception):
    """A request the endpoint cannot answer; ``status`` is the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Operation:
    """A query to run and the dataset the protocol gave for it (None: the
    query's own ``FROM``, else the union of all graphs)."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    info: QueryInfo
    #: A ``format`` parameter (URL or form), overriding the Accept header.
    format: str | None = None

    @property
    def has_protocol_dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    if not content_type:
        return "", {}
    parts = content_type.split(";")
    params = {}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        params[key.strip().lower()] = value.strip().strip('"').lower()
    return parts[0].strip().lower(), params


def _require_utf8(params: dict[str, str], what: str) -> None:
    charset = params.get("charset")
    if charset and charset.replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise ProtocolError(400, f"{what} must be UTF-8 encoded, not {charset.upper()}")


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            400, f"{what} is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
        ) from None


def _pairs(encoded: str, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(encoded, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{what} holds percent-encoded bytes that are not UTF-8") from None
    except ValueError as exc:
        raise ProtocolError(400, f"{what} cannot be read: {exc}") from None


def _iris(values: list[str], name: str) -> tuple[str, ...]:
    import pyoxigraph as ox

    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise ProtocolError(400, f"{name} must be an absolute IRI, not {value!r}") from None
    return tuple(values)


def read_request(method: str, query_string: bytes, content_type: str | None,
                 body: bytes) -> Operation | None:
    """The operation a request asks for, or None for a request that carries
    no query (``GET /sparql``: the service description or the query page)."""
    method = method.upper()
    url_params = _pairs(_decode(query_string, "the URL's query string"), "the URL's query string")
    params = list(url_params)
    direct_query: str | None = None

    if method == "POST":
        media, ct_params = _media_type(content_type)
        if media == UPDATE:
            raise ProtocolError(403, READ_ONLY)
        if media == FORM:
            _require_utf8(ct_params, "the form body")
            params += _pairs(_decode(body, "the form body"), "the form body")
        elif media == QUERY:
            _require_utf8(ct_params, "the query")
            direct_query = _decode(body, "the query")
        elif not media:
            raise ProtocolError(
                400, f"a POST needs a Content-Type: {FORM} (a form with a 'query' field) "
                f"or {QUERY} (the query itself)")
        else:
            raise ProtocolError(
                400, f"cannot read a {media} body; send {FORM} (a form with a 'query' field) "
                f"or {QUERY} (the query itself)")
    elif method != "GET":
        raise ProtocolError(405, f"use GET or POST to query, not {method}")

    names = [k for k, _ in params]
    if "update" in names:
        raise ProtocolError(403, READ_ONLY)
    if "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise ProtocolError(403, READ_ONLY)
    queries = [v for k, v in params if k == "query"]
    if direct_query is not None:
        if queries:
            raise ProtocolError(400, "two queries: one in the body and one in the 'query' parameter")
        queries = [direct_query]
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} 'query' parameters; send exactly one query")
    if not queries:
        if method == "POST":
            raise ProtocolError(400, "no query: send one in a 'query' field or as the body")
        return None
    query = queries[0]
    if not query.strip():
        raise ProtocolError(400, "the query is empty")

    info = analyse(query)
    if info.is_update:
        raise ProtocolError(403, READ_ONLY)
    if info.uses_service:
        raise ProtocolError(
            400, "federated queries (SERVICE) are not run by this endpoint: it makes no "
            "requests to other servers")

    default = [v for k, v in params if k == "default-graph-uri"]
    named = [v for k, v in params if k == "named-graph-uri"]
    given = default or named
    return Operation(
        query=query,
        default_graphs=_iris(default, "default-graph-uri") if given else None,
        named_graphs=_iris(named, "named-graph-uri") if given else None,
        info=info,
        format=next((v for k, v in reversed(params) if k == "format" and v), None),
    )
