"""Responses that are huge, endless, slow (a byte a second), stalled, cut off,
dropped, wrongly labelled or mis-encoded: each is bounded by the client's size
and time limits, recorded as that document's error, and the rest of the
source is harvested. A source harvested before keeps what those documents gave
(their last good copies), so its graph is unchanged."""

from __future__ import annotations

import time

import pytest

from harvesters.replay import Fault
from hub.settings import load_config
from tests.reliability.helpers import harvest, source_graph, variant
from vocab import OGH, RDF

API = "https://www.gov.uk/api/content/government/publications/"
P24 = API + "uk-national-action-plan-for-open-government-2024-2025"
P21 = API + "uk-national-action-plan-for-open-government-2021-2023"
P19 = API + "uk-national-action-plan-for-open-government-2019-2021"
ATOM = ("https://www.gov.uk/search/policy-papers-and-consultations.atom?keywords=%22national+action"
        "+plan+for+open+government%22&organisations%5B%5D=cabinet-office")
HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Please sign in</p></body></html>"

#: URL -> (fault, the reason its error must give)
FAULTS = {
    P24: (Fault("huge", size=50_000_000), "over the limit"),
    f"{P24}/uk-national-action-plan-for-open-government-2024-2025": (Fault("endless"), "over the limit"),
    P21: (Fault("slow", seconds=1.0), "took over"),
    f"{P21}/uk-national-action-plan-for-open-government-2021-2023": (
        Fault("body", body=HTML, content_type="application/json"), "malformed JSON"),
    P19: (Fault("body", body='{"title": "Cynllun gweithredu"}'.encode("utf-16"),
                content_type="application/json; charset=utf-8"), "malformed JSON"),
    f"{P19}/uk-national-action-plan-for-open-government-2019-2021": (Fault("truncated"),
                                                                      "connection broke"),
    ATOM: (Fault("delay", seconds=4), "timed out"),
}
#: Faults a live site shows besides: a JSON API answering with an HTML page
#: (labelled as such), a connection dropped, a bad charset name.
MORE = {
    P24: (Fault("body", body=HTML, content_type="text/html"), "the server sent text/html"),
    P21: (Fault("drop"), "connection"),
    P19: (Fault("body", body=b'{"title": "x"', content_type="application/json; charset=klingon"),
          "malformed JSON"),
}


@pytest.fixture
def limited(data_dir):
    """Small limits so that each fault trips one within a few seconds (a body
    at a byte a second never waits 1.5 s for a byte: the 2 s deadline stops it)."""
    return load_config(overrides={
        "hub.data_dir": str(data_dir), "http.min_interval": 0.0, "http.backoff": 0.01,
        "http.retries": 1, "http.max_bytes": 2_000_000, "http.max_seconds": 2.0,
        "http.read_timeout": 1.5, "http.connect_timeout": 1.0,
    })


def inject(server, faults, tally) -> None:
    for url, (fault, _) in faults.items():
        server.inject(url, fault)
        tally.fault(f"{fault.kind} response")


def assert_recorded(result, faults) -> None:
    for url, (fault, reason) in faults.items():
        errors = [e["reason"] for e in result.errors if e["url"] == url]
        assert errors and reason in errors[0], f"{fault.kind} at {url}: {errors or result.errors}"


@pytest.mark.slow
@pytest.mark.parametrize("faults", [FAULTS, MORE], ids=["limits", "labels"])
def test_broken_responses_keep_the_graph(faults, limited, server, tally) -> None:
    assert harvest(limited, server, "govuk").outcome == "succeeded"
    before = source_graph(limited, "govuk")
    inject(server, faults, tally)
    started = time.monotonic()
    result = harvest(limited, server, "govuk")
    elapsed = time.monotonic() - started
    assert result.outcome == "succeeded", result.reason
    assert_recorded(result, faults)
    assert all("last good copy was used" in e["reason"] for e in result.errors
               if e["url"] in faults), result.errors
    # Bounded: each fault costs at most its limit (2 s, one retry of a 1.5 s read).
    assert elapsed < 30, elapsed
    assert tally.kept("govuk after broken responses", source_graph(limited, "govuk"), before)


@pytest.mark.slow
def test_first_harvest_with_broken_responses_takes_the_rest(limited, server, tally) -> None:
    """No copy to fall back on: the broken documents are errors, and the rest
    of the source is read and stored (the three plans the broken pages belong
    to). The source's count assertions are lifted here: with the commitments'
    pages broken they would fail the run, as they are meant to."""
    faults = {url: f for url, f in FAULTS.items() if url.count("/") > P24.count("/")}
    assert len(faults) == 3
    inject(server, faults, tally)
    result = harvest(limited, server, variant(limited, "govuk", expect={}))
    assert result.outcome == "succeeded", result.reason
    assert_recorded(result, faults)
    graph = source_graph(limited, "govuk")
    plans = set(graph.subjects(RDF.type, OGH.ActionPlan))
    documents = set(graph.subjects(RDF.type, OGH.Document))
    assert len(plans) == 3 and len(documents) >= 10, (len(plans), len(documents))
