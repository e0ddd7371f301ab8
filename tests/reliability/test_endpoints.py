"""The public endpoints under abuse, on ``ogh serve`` (gunicorn, two worker
processes) over loopback. Clients are told apart by their source address
(127.0.0.x: each test speaks from its own).

SPARQL: heavy queries (a cartesian product, deep property paths) are stopped
at the timeout; results are capped; a body over the limit is refused; SERVICE
and updates are refused and fetch nothing. The rate limit holds for the whole
server, not per worker. And while one client floods the server with heavy
queries and searches, another is still answered: its pages and its queries."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.hub.sparql.server import Server, serving
from tests.reliability.helpers import listening
from tests.reliability.test_web import entity_paths

pytestmark = pytest.mark.slow

TIMEOUT = 2.0
RATE = 60
HEAVY = {
    "cartesian product": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "deep property path": "SELECT (COUNT(*) AS ?n) { ?a (!<urn:x>|^!<urn:x>)* ?b . "
                          "?b (!<urn:x>|^!<urn:x>)* ?c }",
    "nested paths": "SELECT (COUNT(*) AS ?n) { ?a (<urn:p>*/(!<urn:x>)+)* ?b }",
}
SIMPLE = "ASK { ?s a ?t }"


class _From(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(pool_connections=4, pool_maxsize=32)

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    """A session whose connections come from ``address`` (a loopback address)."""
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", _From(address))
    return session


@pytest.fixture(scope="module")
def server(hostile_hub) -> Iterator[Server]:
    with serving(hostile_hub.data_dir, server_workers=2, server_threads=8, server_rate_limit=RATE,
                 sparql_timeout=TIMEOUT, sparql_workers=2, sparql_max_rows=50,
                 sparql_max_body_bytes=20_000) as base:
        yield base


def test_heavy_queries_stop_at_the_timeout(server, tally) -> None:
    me = client("127.0.0.11")
    for name, query in HEAVY.items():
        tally.request(f"heavy SPARQL query ({name})")
        started = time.monotonic()
        response = me.post(f"{server}/sparql", data={"query": query}, timeout=60)
        elapsed = time.monotonic() - started
        assert response.status_code == 503, (name, response.status_code, response.text[:300])
        assert f"stopped after {TIMEOUT:g} seconds" in response.text, response.text
        assert TIMEOUT <= elapsed < TIMEOUT + 10, (name, elapsed)


def test_results_are_capped_and_bodies_bounded(server, tally) -> None:
    me = client("127.0.0.12")
    tally.request("SPARQL query over the row cap")
    response = me.get(f"{server}/sparql", params={"query": "SELECT * { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["X-SPARQL-Truncated"].startswith("rows")
    big = "SELECT * { ?s ?p ?o } # " + "x" * 30_000
    tally.request("SPARQL body over the limit", 2)
    response = me.post(f"{server}/sparql", data=big.encode(), timeout=30,
                       headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413 and "sparql.max_body_bytes" in response.text
    chunked = me.post(f"{server}/sparql", data=iter([big[:15_000].encode(), big[15_000:].encode()]),
                      headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert chunked.status_code == 413  # no Content-Length: cut while reading


def test_service_and_updates_reach_nothing(server, hostile_hub, tally) -> None:
    me = client("127.0.0.13")
    with listening() as listener:
        queries = [
            f"SELECT * {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
            f"select * {{ {{ select * {{ service silent <{listener.url}/x> {{ ?s ?p ?o }} }} }} }}",
            f"SELECT * {{ SeRvIcE <{listener.url}/y> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{listener.url}/graph> {{ ?s ?p ?o }}",
            f"LOAD <{listener.url}/data.ttl>",
        ]
        for query in queries:
            tally.request("SPARQL query reaching out")
            response = me.post(f"{server}/sparql", data={"query": query}, timeout=30)
            assert response.status_code == 200 or 400 <= response.status_code < 500, (query, response)
        for update in (f"LOAD <{listener.url}/data.ttl>", "CLEAR ALL", "DROP ALL"):
            tally.request("SPARQL update")
            response = me.post(f"{server}/sparql", data={"update": update}, timeout=30)
            assert 400 <= response.status_code < 500, (update, response.status_code)
        assert listener.hits == []


def test_rate_limit_holds_across_workers(server, tally) -> None:
    """Requests on fresh connections, many at once, reach both worker
    processes; together they admit the limit, not twice it."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    started = time.monotonic()

    def one() -> None:
        with client("127.0.0.14") as me:
            status = me.get(f"{server}/search?q=open", headers={"Connection": "close"},
                            timeout=30).status_code
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=one) for _ in range(2 * RATE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    refill = (time.monotonic() - started) * RATE / 60 + 1
    tally.request("requests over the rate limit", statuses[429])
    assert set(statuses) == {200, 429}, statuses
    assert RATE <= statuses[200] <= RATE + refill, (statuses, refill)
    response = client("127.0.0.14").get(f"{server}/", timeout=30)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert client("127.0.0.15").get(f"{server}/", timeout=30).status_code == 200


@pytest.fixture(scope="module")
def unlimited(hostile_hub) -> Iterator[Server]:
    """The same server without a rate limit: what protects the others is then
    the query processes' fair turns and the per-client cap on queries."""
    with serving(hostile_hub.data_dir, server_workers=2, server_threads=8, server_rate_limit=0,
                 sparql_timeout=TIMEOUT, sparql_workers=2) as base:
        yield base


@pytest.mark.parametrize("limited", [True, False], ids=["rate-limited", "no-rate-limit"])
def test_others_are_answered_during_a_flood(limited, request, hostile_hub, tally) -> None:
    """One client (127.0.0.16) sends heavy queries (14 connections) and
    searches (2) all at once for six seconds; another (127.0.0.17) meanwhile
    asks for pages and simple queries once a second. Every one of the
    other's requests is answered, none refused."""
    server = request.getfixturevalue("server" if limited else "unlimited")
    pages = ["/search?q=open+government", entity_paths(hostile_hub)[0], "/sources",
             "/sparql?query=" + quote(SIMPLE)]
    flood: Counter[int] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + 6

    def flooder(n: int) -> None:
        me = client("127.0.0.16")
        while time.monotonic() < stop:
            try:
                if n % 8:
                    r = me.post(f"{server}/sparql", data={"query": HEAVY["cartesian product"]}, timeout=60)
                else:
                    r = me.get(f"{server}/search?q=government+OR+plan+OR+open", timeout=60)
                status = r.status_code
            except requests.RequestException:
                status = 0
            with lock:
                flood[status] += 1

    threads = [threading.Thread(target=flooder, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    other = client("127.0.0.17")
    answered: list[tuple[str, int, float]] = []
    while time.monotonic() < stop:
        for page in pages:
            started = time.monotonic()
            response = other.get(f"{server}{page}", timeout=60,
                                 headers={"Accept": "application/sparql-results+json"}
                                 if page.startswith("/sparql") else {})
            answered.append((page, response.status_code, time.monotonic() - started))
        time.sleep(1)
    for t in threads:
        t.join(90)
    tally.request("flood requests", sum(flood.values()))
    tally.request("requests of another client during the flood", len(answered))
    assert flood[200] + flood[503] > 0, flood
    assert (flood[429] > 0) == limited, flood  # the rate limit met the flood, when there is one
    refused = [a for a in answered if a[1] != 200]
    assert not refused, (refused, flood)
    slowest = max(seconds for _, _, seconds in answered)
    assert slowest < 3 * TIMEOUT + 5, answered


def test_query_processes_take_clients_in_turn(hostile_hub, tally) -> None:
    """One query process; one client queues three heavy queries, another one
    simple query after them: the simple one runs as soon as the first heavy
    one is stopped, not after all three; and a client's fifth query at once
    is refused outright (``per_client`` 4 here)."""
    from hub.sparql.pool import PoolBusy, QueryPool, QueryTimeout

    def job(query: str) -> dict:
        return {"query": query, "default_graphs": None, "named_graphs": None, "union": True,
                "results_format": "json", "graph_format": "ntriples", "max_rows": 10,
                "max_bytes": 1_000_000, "base_iri": "http://127.0.0.1/sparql", "prefixes": {}}

    pool = QueryPool(hostile_hub.data_dir, size=1, queue_timeout=30, per_client=4)
    done: list[tuple[str, str, float]] = []
    lock = threading.Lock()
    started = time.monotonic()

    def run(name: str, client_address: str, query: str) -> None:
        try:
            pool.run(job(query), 1.0, client_address)
            outcome = "answered"
        except QueryTimeout:
            outcome = "stopped"
        except PoolBusy:
            outcome = "refused"
        with lock:
            done.append((name, outcome, time.monotonic() - started))

    try:
        threads = []
        for name, address, query in [("heavy 1", "a", HEAVY["cartesian product"]),
                                     ("heavy 2", "a", HEAVY["cartesian product"]),
                                     ("heavy 3", "a", HEAVY["cartesian product"]),
                                     ("simple", "b", SIMPLE),
                                     ("heavy 4", "a", HEAVY["cartesian product"]),
                                     ("heavy 5", "a", HEAVY["cartesian product"])]:
            threads.append(threading.Thread(target=run, args=(name, address, query)))
            threads[-1].start()
            time.sleep(0.05)  # in this order, all before the first query is stopped
        for t in threads:
            t.join(60)
    finally:
        pool.close()
    tally.request("queued heavy SPARQL queries", 5)
    outcomes = {name: outcome for name, outcome, _ in done}
    assert outcomes["heavy 5"] == "refused", done
    assert outcomes["simple"] == "answered", done
    order = [name for name, outcome, _ in sorted(done, key=lambda d: d[2]) if outcome != "refused"]
    assert order.index("simple") == 1, order  # right after the heavy query that was running


def test_oversized_requests_are_refused_by_the_server(server, tally) -> None:
    """Past what any page needs, gunicorn itself refuses: a request line over
    8 KiB, a header too large, too many headers. Plain 400s with the security
    headers of every page, never a trace."""
    me = client("127.0.0.18")
    cases = {
        "request line over 8 KiB": dict(url=f"{server}/search?q=" + "a" * 9000),
        "header over 8 KiB": dict(url=f"{server}/", headers={"X-Big": "b" * 9000}),
        "too many headers": dict(url=f"{server}/", headers={f"X-H{i}": "1" for i in range(120)}),
    }
    for name, kwargs in cases.items():
        tally.request(f"oversized request ({name})")
        response = me.get(timeout=30, **kwargs)
        assert response.status_code in (400, 413, 414, 431), (name, response.status_code)
        assert "Traceback" not in response.text and 'File "' not in response.text, name
        # gunicorn's refusal carries the headers of every page, as plain text
        assert response.headers["Content-Type"].startswith("text/plain"), name
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"], name
    assert me.get(f"{server}/", timeout=30).status_code == 200  # and the server goes on
