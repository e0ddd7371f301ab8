"""The GOV.UK harvester against the recorded Content API, Search API and Atom feed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from harvesters.records import CommitmentRef, PlanRef
from hub import ids
from tests.harvesters.harvesting import entities, entity
from tests.harvesters.scoring import titles_match
from tests.harvesters.uk import (
    Harvested,
    expected,
    fresh_config,
    harvest_ok,
    harvested_once,
    requested,
)

BASE = "https://www.gov.uk"


@pytest.fixture(scope="module")
def govuk(tmp_path_factory, replay) -> Harvested:
    return harvested_once(tmp_path_factory, replay, "govuk")


def _plan_ref(plan: dict) -> PlanRef:
    return PlanRef(jurisdiction="uk", start=int(plan["period"]["start"]), end=int(plan["period"]["end"]))


def test_every_plan_with_number_period_publication_date_and_publisher(govuk) -> None:
    config = govuk.config
    truth = expected("govuk")["entities"]
    for plan in truth["ActionPlan"]:
        found = entity(config, ids.plan(_plan_ref(plan)))
        assert found is not None, plan["title"]
        assert found["title"] == plan["title"]
        assert found["number"] == plan["ordinal"]
        assert (found["start"], found["end"]) == (plan["period"]["start"], plan["period"]["end"])
        assert found["published"] == plan["published"]
        publishers = [o["name"] for o in truth["Organisation"]
                      if f"NAP{plan['ordinal']}" in o.get("role", "")]
        assert found["publisher"] in publishers, (found["publisher"], publishers)
        assert found["sources"] == ["govuk"]


def test_commitments_numbered_with_titles_themes_as_written_and_leads(govuk) -> None:
    config = govuk.config
    truth = expected("govuk")["entities"]
    plans = {p["id"]: _plan_ref(p) for p in truth["ActionPlan"]}
    for commitment in truth["Commitment"]:
        ref = CommitmentRef(plan=plans[commitment["action_plan"]], number=commitment["number"])
        found = entity(config, ids.commitment(ref))
        assert found is not None, commitment["title"]
        assert found["title"] == commitment["title"]
        assert found["number"] == commitment["number"]
        assert commitment["title"] in found["theme_labels"]  # as written; the vocabulary maps it
        if "leads" in commitment:  # the plan names them: "Led by ... with ..."
            assert sorted(found["leads"]) == sorted(commitment["leads"])


def test_search_pages_followed_and_unreadable_documents_kept_from_the_listing(govuk) -> None:
    config, result = govuk.config, govuk.result
    discovery = expected("govuk")["discovery"]["search_api"]
    starts = sorted(int(parse_qs(urlsplit(url).query)["start"][0])
                    for url in govuk.urls if "/api/search.json" in url)
    assert starts == list(range(0, discovery["total"], discovery["page_size"]))
    assert all(status != 422 for _, status in govuk.asked)
    documents = {e["iri"]: e for e in entities(config, "Document")}
    for link in discovery["links_in_order"]:  # every document the search found is a Document
        assert str(ids.document(BASE + link)) in documents, link
    # Those the Content API cannot give (404 in the recording) are errors of the run...
    missing = {e["url"] for e in result.errors if e["status"] == 404}
    assert missing, "the recording answers 404 for documents outside the corpus"
    for url in missing:
        path = url.split("/api/content", 1)[1]
        doc = documents[str(ids.document(BASE + path))]
        assert doc["title"] and doc["date"]  # ...yet described from what the listing said


def test_atom_feed_entries_become_documents(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    feed = next(u for u in config.source("govuk").entry_points if u.endswith("cabinet-office"))
    harvest_ok(config, replay, "govuk", urls=[feed])
    documents = {e["iri"]: e for e in entities(config, "Document")}
    for path in expected("govuk")["discovery"]["atom_entries"]:
        assert str(ids.document(BASE + path)) in documents, path
    assert [url for url, _ in requested(replay)] == [feed]


def test_public_page_url_is_read_through_the_content_api_alone(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    plan = expected("govuk")["entities"]["ActionPlan"][0]
    harvest_ok(config, replay, "govuk", urls=[plan["source_url"]])
    assert [url for url, _ in requested(replay)] == [plan["api_url"]]  # no discovery
    found = entity(config, ids.plan(_plan_ref(plan)))
    assert found is not None and titles_match(found["title"], plan["title"])
    assert found["sources"] == ["govuk"]
