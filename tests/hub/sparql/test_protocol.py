"""Reading the SPARQL 1.1 Protocol from a request's parts: every way to send
a query, the dataset parameters, and a clear 4xx for every bad request."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

from hub.sparql.protocol import ProtocolError, read_request

D1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"
D2 = "http://kasei.us/2009/09/sparql/data/data2.rdf"


def qs(*pairs: tuple[str, str]) -> bytes:
    return urlencode(list(pairs)).encode()


def test_get() -> None:
    op = read_request("GET", qs(("query", "ASK {}")), None, b"")
    assert op is not None and op.query == "ASK {}"
    assert op.default_graphs is None and op.named_graphs is None
    assert op.info.form == "ASK"


def test_get_without_query_asks_for_the_service_description() -> None:
    assert read_request("GET", b"", None, b"") is None
    assert read_request("GET", b"format=turtle", None, b"") is None


def test_post_form_with_dataset_in_the_url() -> None:
    op = read_request("POST", qs(("default-graph-uri", D1)), "application/x-www-form-urlencoded",
                      qs(("query", "SELECT * {}"), ("named-graph-uri", D2)))
    assert op is not None
    assert op.default_graphs == (D1,) and op.named_graphs == (D2,)


def test_post_direct() -> None:
    op = read_request("POST", qs(("named-graph-uri", D1), ("named-graph-uri", D2)),
                      "application/sparql-query; charset=utf-8", b"ASK { GRAPH ?g {} }")
    assert op is not None and op.query == "ASK { GRAPH ?g {} }"
    assert op.named_graphs == (D1, D2) and op.default_graphs == ()


def test_utf8_query_text() -> None:
    text = 'SELECT * { ?s ?p "Cymru – Wales" }'
    op = read_request("POST", b"", "application/sparql-query", text.encode("utf-8"))
    assert op is not None and op.query == text
    op = read_request("GET", f"query={quote(text)}".encode(), None, b"")
    assert op is not None and op.query == text


def test_format_parameter_from_url_or_form() -> None:
    op = read_request("GET", qs(("query", "ASK {}"), ("format", "xml")), None, b"")
    assert op is not None and op.format == "xml"
    op = read_request("POST", b"", "application/x-www-form-urlencoded",
                      qs(("query", "ASK {}"), ("format", "csv")))
    assert op is not None and op.format == "csv"


def _refused(status: int, *args: object) -> str:
    with pytest.raises(ProtocolError) as info:
        read_request(*args)  # type: ignore[arg-type]
    assert info.value.status == status, info.value.message
    assert info.value.message
    return info.value.message


@pytest.mark.parametrize("args, words", [
    (("GET", qs(("query", "ASK {}"), ("query", "SELECT * {}")), None, b""), "2 'query'"),
    (("POST", qs(("query", "ASK {}")), "application/sparql-query", b"ASK {}"), "two queries"),
    (("POST", b"", "text/plain", b"ASK {}"), "text/plain"),
    (("POST", b"", None, b"query=ASK%20%7B%7D"), "Content-Type"),
    (("POST", b"", "application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16")), "UTF-16"),
    (("POST", b"", "application/sparql-query", "ASK {}".encode("utf-16")), "not valid UTF-8"),
    (("POST", b"", "application/x-www-form-urlencoded", b"query=ASK%20%7B%FF%7D"), "not UTF-8"),
    (("GET", b"query=%C3%28", None, b""), "not UTF-8"),
    (("POST", b"", "application/x-www-form-urlencoded", b"format=json"), "no query"),
    (("POST", b"", "application/sparql-query", b"   "), "empty"),
    (("GET", qs(("query", "ASK {}"), ("default-graph-uri", "not an iri")), None, b""), "absolute IRI"),
    (("GET", qs(("query", "SELECT * { SERVICE <http://127.0.0.1:1/> {} }")), None, b""), "SERVICE"),
])
def test_bad_requests(args: tuple[object, ...], words: str) -> None:
    assert words in _refused(400, *args)


@pytest.mark.parametrize("args", [
    ("GET", qs(("update", "CLEAR ALL")), None, b""),
    ("POST", b"", "application/x-www-form-urlencoded", qs(("update", "CLEAR ALL"))),
    ("POST", b"", "application/x-www-form-urlencoded",
     qs(("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT"))),
    ("POST", b"", "application/sparql-update", b"CLEAR ALL"),
    ("POST", b"", "application/sparql-update; charset=UTF-16", "CLEAR ALL".encode("utf-16")),
    ("POST", qs(("using-named-graph-uri", D1)), "application/x-www-form-urlencoded", b""),
    ("GET", qs(("query", "INSERT DATA { <http://a> <http://b> <http://c> }")), None, b""),
    ("POST", b"", "application/sparql-query", b"DROP ALL"),
    ("POST", b"", "application/x-www-form-urlencoded",
     qs(("query", "LOAD <http://example.org/x.ttl>"))),
])
def test_updates_are_refused(args: tuple[object, ...]) -> None:
    assert "read-only" in _refused(403, *args)


def test_other_methods() -> None:
    _refused(405, "PUT", qs(("query", "ASK {}")), "application/x-www-form-urlencoded", b"")
