"""The W3C SPARQL 1.1 Protocol test suite, replayed against `ogh serve`.

Every test of the manifest runs, in order, its requests against the endpoint
on loopback (the suite's ``/sparql/`` paths mapped onto ``/sparql``), with the
suite's data loaded by ``ogh load FILE --graph IRI``. Query tests must meet the
manifest's expected status, result format and boolean. The hub's endpoint is
read-only, so each test that carries an update is checked for the opposite of
its manifest entry: every update request is refused (4xx), the store is left
exactly as it was, and the queries that follow see no change.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import requests

from tests.hub.sparql.conftest import W3C_GRAPHS, manifest_tests
from tests.hub.sparql.w3c import ProtocolTest, Request

TESTS = manifest_tests()
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_UPDATE_WORDS = re.compile(r"\b(CLEAR|INSERT|DELETE|DROP|LOAD|CREATE|COPY|MOVE|ADD)\b", re.I)


def test_the_manifest_has_34_tests() -> None:
    assert len(TESTS) == 34
    assert len({t.name for t in TESTS}) == 34


def _url(base: str, path: str) -> str:
    rest = path[len("/sparql/"):]
    return f"{base}/sparql" + (rest if rest.startswith("?") or not rest else "/" + rest)


def _boolean(response: requests.Response) -> bool:
    media = response.headers["Content-Type"].split(";")[0].strip()
    if media in ("application/sparql-results+json", "application/json"):
        data = json.loads(response.content)
        assert set(data) == {"head", "boolean"}, data
        return data["boolean"]
    if media in ("application/sparql-results+xml", "application/xml"):
        root = ET.fromstring(response.content)
        node = root.find(f"{RESULTS_NS}boolean")
        assert node is not None, response.text
        return node.text == "true"
    raise AssertionError(f"a boolean result came as {media}")


def _check_format(response: requests.Response, expected: str) -> None:
    media = response.headers["Content-Type"].split(";")[0].strip()
    if expected == "boolean":
        _boolean(response)
    elif expected == "tabular":
        if media == "application/sparql-results+json":
            data = json.loads(response.content)
            assert "vars" in data["head"] and "bindings" in data["results"]
        elif media == "application/sparql-results+xml":
            assert ET.fromstring(response.content).find(f"{RESULTS_NS}results") is not None
        else:
            assert media in ("text/csv", "text/tab-separated-values"), media
            rows = list(csv.reader(io.StringIO(response.text),
                                   delimiter="," if media == "text/csv" else "\t"))
            assert rows and rows[0], "a header row of variables"
    elif expected == "RDF":
        assert media in RDF_TYPES, f"an RDF result came as {media}"
        list(ox.parse(response.content, RDF_TYPES[media]))  # parses, or raises
    else:
        raise AssertionError(f"unknown expected format {expected!r}")


def _count(base: str) -> int:
    response = requests.get(f"{base}/sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _graphs(base: str) -> set[str]:
    response = requests.get(f"{base}/sparql", params={
        "query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"}, timeout=30)
    return {b["g"]["value"] for b in response.json()["results"]["bindings"]}


def _carries_update(req: Request) -> bool:
    if req.carries_update:
        return True
    # An update sent with a wrong media type is still an update.
    return bool(req.body) and bool(_UPDATE_WORDS.match(req.body.decode("utf-8", "replace").strip()))


@pytest.mark.slow
@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(w3c_server: str, test: ProtocolTest) -> None:
    base = w3c_server
    assert set(test.data) <= set(W3C_GRAPHS), "the suite's data is loaded by the fixture"
    before = _count(base)
    for req in test.requests:
        response = requests.request(req.method, _url(base, req.path), headers=req.headers,
                                    data=req.body, timeout=30)
        status_class = response.status_code // 100
        assert response.status_code != 500, response.text
        if _carries_update(req):
            # Read-only: refused, with a message, whatever the manifest expected.
            assert status_class == 4, f"{req.method} {req.path}: {response.status_code} {response.text}"
            assert response.text.strip(), "a refusal says why"
            if 2 in req.statuses:  # a well-formed update, refused as such
                assert response.status_code == 403, response.text
                assert "read-only" in response.text
            continue
        assert status_class in req.statuses, (
            f"{req.method} {req.path}: expected {sorted(req.statuses)}xx, got "
            f"{response.status_code}: {response.text[:500]}")
        if status_class == 4:
            assert response.text.strip(), "an error says what was wrong"
        if req.format:
            _check_format(response, req.format)
        if req.boolean is not None:
            answer = _boolean(response)
            if test.is_update:
                # The manifest's query checks that the update took effect: here it must not have.
                assert answer is False, f"{test.name}: the store was changed by an update"
            else:
                assert answer is req.boolean
    assert _count(base) == before, "the store changed"
    assert _graphs(base) >= set(W3C_GRAPHS)
