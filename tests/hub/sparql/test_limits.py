"""Limits that keep the hub up, on `ogh serve` over loopback: a heavy query
is stopped at the timeout and its process replaced, while other clients are
still answered."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests

from tests.hub.sparql.server import Server

TIMEOUT = 2.0  # sparql.timeout of the w3c_server fixture
D1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"

HEAVY = {
    "cartesian-product": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "deep-property-path": "SELECT (COUNT(*) AS ?n) { ?a (!<http://x>|^!<http://x>)* ?b . "
                          "?b (!<http://x>|^!<http://x>)* ?c }",
}
SIMPLE = f"ASK {{ GRAPH <{D1}> {{ <{D1}> a ?type }} }}"


def _workers(server: Server) -> list[int]:
    return server.processes("hub.sparql.worker")


@pytest.mark.slow
@pytest.mark.parametrize("name", HEAVY)
def test_heavy_query_is_stopped_while_others_are_answered(w3c_server: Server, name: str) -> None:
    base = w3c_server
    assert requests.get(f"{base}/sparql", params={"query": SIMPLE}, timeout=10).json()["boolean"]
    before = set(_workers(base))
    assert before, "the query processes run in the server's session"

    outcome: dict[str, Any] = {}

    def heavy() -> None:
        started = time.monotonic()
        outcome["response"] = requests.post(f"{base}/sparql", data={"query": HEAVY[name]}, timeout=120)
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.3)
    # Other clients are answered while the heavy query runs.
    answered = 0
    while thread.is_alive() and answered < 5:
        response = requests.get(f"{base}/sparql", params={"query": SIMPLE}, timeout=10)
        assert response.status_code == 200 and response.json()["boolean"] is True
        answered += 1
        time.sleep(0.1)
    assert answered >= 3 and thread.is_alive(), "simple queries were answered during the heavy one"

    thread.join(60)
    response = outcome["response"]
    assert response.status_code == 503, response.text
    assert f"stopped after {TIMEOUT:g} seconds" in response.text
    assert "sparql.timeout" in response.text
    # Stopped at the timeout: not before it, and not after running to its end (minutes).
    assert TIMEOUT <= outcome["elapsed"] < TIMEOUT + 10

    # The process that ran it is gone and another has taken its place.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        after = set(_workers(base))
        if len(after) == len(before) and after != before:
            break
        time.sleep(0.1)
    assert len(after) == len(before) and after != before, (before, after)
    assert requests.get(f"{base}/sparql", params={"query": SIMPLE}, timeout=10).json()["boolean"]


@pytest.mark.slow
def test_heavy_queries_from_one_client_do_not_lock_out_the_rest(w3c_server: Server) -> None:
    """As many heavy queries as there are query processes: each is stopped at
    the timeout, and a simple query sent meanwhile is answered as soon as a
    process is free, well before the heavy queries would have ended."""
    base = w3c_server
    statuses: list[int] = []

    def heavy() -> None:
        statuses.append(requests.post(f"{base}/sparql", data={"query": HEAVY["cartesian-product"]},
                                      timeout=120).status_code)

    threads = [threading.Thread(target=heavy) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    response = requests.get(f"{base}/sparql", params={"query": SIMPLE}, timeout=60)
    assert response.status_code == 200 and response.json()["boolean"] is True
    for t in threads:
        t.join(60)
    assert statuses == [503, 503]
