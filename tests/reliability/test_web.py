"""The public pages against what a hostile source or client sends: planted
markup and ``javascript:`` links never reach a page live (search results,
snippets, entity pages, sources), every response carries the security
headers, no route changes state (only the SPARQL query forms take POST, and
they are read-only), search takes oversized and pathological queries with a
400 or a bounded answer, errors show no stack trace, and the rate limit
answers 429 with Retry-After per client address."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import time
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from hub import search as search_module
from hub.store import open_store
from hub.web import create_app
from tests.reliability.markup import MARK, live_markup
from vocab import ID

TRACE = ("Traceback", 'File "', ".py\", line", "werkzeug.debug")
WRITES = ("POST", "PUT", "DELETE", "PATCH")


def app_for(config, **settings):
    values = {**config.values, "server.rate_limit": 0, **settings}
    return create_app(dataclasses.replace(config, values=values))


@pytest.fixture(scope="module")
def client(hostile_hub):
    return app_for(hostile_hub).test_client()


def entity_paths(config) -> list[str]:
    with open_store(config) as store:
        rows = store.select(f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?t }}
                                FILTER(STRSTARTS(STR(?s), "{ID}")) }}""")
    return sorted("/id/" + str(r["s"])[len(ID):] for r in rows)


#: One example of every route (a new route without one fails the inventory test).
EXAMPLES = {
    "/": ["/"],
    "/search": ["/search", f"/search?q={MARK}", "/search?q=script", "/search?q=javascript+alert",
                f"/search?q={MARK}&sort=date", f"/search?q=%22{MARK}+plan%22", "/search?year=abc"],
    "/sources": ["/sources"],
    "/sparql": ["/sparql", "/sparql?format=html&query="
                + quote(f'SELECT ?t {{ ?s ?p ?t FILTER(CONTAINS(STR(?t), "{MARK}")) }}')],
    "/def": ["/def"], "/def/": ["/def/"], "/def/ontology.ttl": ["/def/ontology.ttl"],
    "/def/<path:name>": ["/def/Commitment", "/def/nothing-here"],
    "/.well-known/void": ["/.well-known/void"],
    "/dumps/ogh.nq.gz": ["/dumps/ogh.nq.gz"],
    "/static/<path:filename>": ["/static/ogh.css", "/static/favicon.svg"],
    "/id/<path:path>": ["/id/no/such/thing"],
    "/compare": ["/compare", "/compare?jurisdiction=uk&jurisdiction=northern-ireland",
                 "/compare?period=%3Cscript%3E"],
    "/compare/theme/<slug>": ["/compare/theme/open-contracting", "/compare/theme/no-such-theme"],
    "/compare.csv": [f"/compare.csv?table={t}" for t in ("plans", "theme-matrix", "who-to-ask",
                                                         "attendance", "nothing")],
    "/compare.svg": [f"/compare.svg?chart={c}" for c in ("timeline", "theme-matrix", "attendance", "pie")],
}


def all_pages(client, config) -> list[str]:
    pages = [p for rule in client.application.url_map.iter_rules() for p in EXAMPLES.get(rule.rule, [])]
    pages += entity_paths(config)
    pages += ["/no/such/page", "/search?page=0", "/id/" + "x" * 3000]
    return pages


def test_every_route_has_examples(client) -> None:
    missing = [rule.rule for rule in client.application.url_map.iter_rules() if rule.rule not in EXAMPLES]
    assert not missing, f"routes without an example page here: {missing}"


def assert_headers(response, path: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, (path, csp)
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy"), path


@pytest.mark.slow
def test_every_page_has_the_headers_and_no_live_markup(client, hostile_hub, tally) -> None:
    pages = all_pages(client, hostile_hub)
    shown_as_text = 0
    for path in pages:
        for accept in ("text/html", "application/json"):
            response = client.get(path, headers={"Accept": accept})
            tally.request("page fetched and checked")
            assert response.status_code < 500, (path, response.status_code)
            assert_headers(response, path)
            body = response.get_data(as_text=True) if not path.endswith(".gz") else ""
            assert not any(t in body for t in TRACE), path
            if response.mimetype in ("text/html", "image/svg+xml"):  # an SVG opened alone runs script too
                problems = live_markup(body)
                assert not problems, (path, problems)
                text = BeautifulSoup(body, "html.parser").get_text()
                shown_as_text += "window.__ogh_xss" in text
            if response.mimetype == "text/csv":  # no cell a spreadsheet would run as a formula
                cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
                assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], path
            elif accept == "application/json" and response.mimetype.endswith("json"):
                assert "<script" not in response.headers.get("Content-Type", "")
    # The planted text is there to be seen, as text: the check above was not vacuous.
    assert shown_as_text >= 3, shown_as_text


def test_search_finds_the_planted_text_and_shows_it_inert(client) -> None:
    response = client.get(f"/search?q={MARK}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    soup = BeautifulSoup(html, "html.parser")
    results = soup.select(".ogh-result")
    assert len(results) >= 3, len(results)  # the GOV.UK document, the NI page, the imported file
    assert not live_markup(html)
    assert "&lt;script&gt;" in html or "&lt;script" in html  # shown, escaped
    for link in soup.select(".ogh-result a[href]"):
        href = link["href"]
        assert href.startswith(("/", "http://", "https://")), href
    # Snippets highlight the words searched for and nothing else.
    assert {m.name for m in soup.select(".ogh-result *")} <= {
        "a", "h2", "h3", "p", "span", "mark", "dl", "dt", "dd", "ul", "li", "strong", "time", "div"}


def test_no_route_changes_state(client, hostile_hub, tally) -> None:
    app = client.application
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        expected = {"GET", "POST"} if rule.rule == "/sparql" else {"GET"}
        assert methods == expected, (rule.rule, methods)
    snapshot = os.readlink(hostile_hub.data_dir / "current")
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    for rule, paths in EXAMPLES.items():
        if rule not in routes:
            continue
        for method in WRITES:
            if rule == "/sparql" and method == "POST":
                continue
            response = client.open(paths[0], method=method, data={"x": "1"})
            tally.request(f"{method} to a page")
            assert response.status_code == 405, (method, paths[0], response.status_code)
            assert_headers(response, paths[0])
    # The SPARQL forms are for queries only.
    insert = "INSERT DATA { GRAPH <https://w3id.org/ogh/graph/source/x> { <urn:a> <urn:b> <urn:c> } }"
    for kwargs in ({"data": {"update": insert}},
                   {"data": insert, "content_type": "application/sparql-update"},
                   {"data": {"query": insert}},
                   {"data": {"query": "DROP ALL"}},
                   {"data": {"update": "LOAD <file:///etc/passwd>"}}):
        response = client.post("/sparql", **kwargs)
        tally.request("SPARQL update attempt")
        assert 400 <= response.status_code < 500, (kwargs, response.status_code)
    assert os.readlink(hostile_hub.data_dir / "current") == snapshot  # nothing was written


PATHOLOGICAL = {
    "wildcards": "*" * 400,
    "prefix wildcard": "a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p*",
    "nested groups": "(" * 200 + "open" + ")" * 200,
    "unbalanced quotes": '"open "government" "plan',
    "many ORs": " OR ".join(f"w{i}" for i in range(120)),
    "fuzzy terms": " ".join(f"government~{i % 3}" for i in range(60)),
    "field syntax": "title:open AND text:[a TO z] AND iri:*",
    "ranges": "[a TO zzzzzz] " * 30,
    "control characters": "open\x00gov\x07ern\x1bment",
    "unicode": "𝔬𝔭𝔢𝔫 " * 50 + "\u202egovernment\u202c",
    "boosts": "open^100000000 government^-1",
    "long word": "x" * 499,
}


@pytest.mark.slow
def test_pathological_searches_are_answered_or_refused(client, tally) -> None:
    for name, q in PATHOLOGICAL.items():
        tally.request(f"pathological search ({name})")
        started = time.monotonic()
        response = client.get("/search", query_string={"q": q})
        elapsed = time.monotonic() - started
        assert response.status_code in (200, 400), (name, response.status_code)
        assert not any(t in response.get_data(as_text=True) for t in TRACE), name
        assert elapsed < 10, (name, elapsed)  # bounded: a runaway search would take minutes
    oversized = {
        "query over search.max_query_length": "/search?q=" + "a" * 600,
        "address over the limit": "/search?q=open&" + "&".join(f"theme={i}" for i in range(3000)),
        "too many filter values": "/search?q=open&" + "&".join(f"year={2000 + i % 30}" for i in range(60)),
        "page beyond any result": "/search?q=open&page=99999",
    }
    for name, path in oversized.items():
        tally.request(f"oversized search ({name})")
        response = client.get(path)
        assert response.status_code == 400, (name, response.status_code)
        assert_headers(response, path)


def test_errors_show_no_stack_trace(hostile_hub, tmp_path, tally) -> None:
    """Break the data under a running app: a search index whose files are
    garbage, then a store snapshot that is gone. The pages fail plainly."""
    data = tmp_path / "data"
    shutil.copytree(hostile_hub.data_dir, data, symlinks=True)
    config = dataclasses.replace(hostile_hub, values={**hostile_hub.values, "hub.data_dir": str(data)})
    client = app_for(config).test_client()
    assert client.get(f"/search?q={MARK}").status_code == 200
    generation = data / "index" / os.readlink(data / "index" / "current")
    search_module.forget(config)
    for entry in generation.iterdir():
        entry.write_bytes(b"\x00garbage" * 100)
    tally.fault("search index files corrupted under a running app")
    for accept in ("text/html", "application/json"):
        response = client.get(f"/search?q={MARK}", headers={"Accept": accept})
        body = response.get_data(as_text=True)
        assert response.status_code == 500, response.status_code
        assert not any(t in body for t in TRACE), body[:2000]
        assert "garbage" not in body and str(data) not in body
        assert_headers(response, "/search")
    search_module.forget(config)
    snapshot = data / os.readlink(data / "current")
    (data / "current").unlink()
    os.symlink("snapshots/gone", data / "current")
    shutil.rmtree(snapshot)
    tally.fault("store snapshot removed under a running app")
    client = app_for(config).test_client()
    response = client.get("/sources")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and not any(t in body for t in TRACE), body[:2000]
    assert str(data) not in body


def test_rate_limit_per_client(hostile_hub, tally) -> None:
    client = app_for(hostile_hub, **{"server.rate_limit": 20}).test_client()
    one, two = {"REMOTE_ADDR": "192.0.2.1"}, {"REMOTE_ADDR": "192.0.2.2"}
    statuses = [client.get("/", environ_base=one).status_code for _ in range(20)]
    assert statuses == [200] * 20
    tally.request("requests over the rate limit", 5)
    for _ in range(5):
        response = client.get("/search?q=open", environ_base=one)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) >= 1
        assert_headers(response, "/search")
        assert "server.rate_limit" in response.get_data(as_text=True)
    assert client.get("/", environ_base=two).status_code == 200  # another client is not held back
    assert client.get("/static/ogh.css", environ_base=one).status_code == 200  # static files are free
    assert client.get("/sparql?query=ASK{}", environ_base=one).status_code == 429  # SPARQL too
    time.sleep(3.1)  # 20 a minute: one more every 3 seconds
    assert client.get("/", environ_base=one).status_code == 200
    assert client.get("/", environ_base=one).status_code == 429


def test_rate_limit_behind_a_proxy(hostile_hub) -> None:
    """Behind ``server.proxies`` proxies, the client is the address the proxy saw."""
    client = app_for(hostile_hub, **{"server.rate_limit": 3, "server.proxies": 1}).test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def via_proxy(client_address: str) -> int:
        return client.get("/", environ_base=proxy, headers={"X-Forwarded-For": client_address}).status_code

    assert [via_proxy("198.51.100.7") for _ in range(4)] == [200, 200, 200, 429]
    assert via_proxy("198.51.100.8") == 200
