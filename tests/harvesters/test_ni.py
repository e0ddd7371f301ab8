"""The Northern Ireland harvester against the recorded corpus."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from harvesters.records import CommitmentRef, MeetingRef, PlanRef
from hub import ids
from hub.runner import harvest_source
from hub.store import open_store
from tests.conftest import CORPUS, run_harvest
from tests.harvesters.harvesting import entities, entity, fresh_config, harvest_sources
from tests.harvesters.scoring import assert_scores, load_expected, titles_match
from vocab import OGH

EXPECTED = load_expected(CORPUS, "ni")
ARCHIVE = "https://opengovernment.org.uk/countries/opengovni/"


@pytest.fixture(scope="module")
def harvested(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ni")
    results = harvest_sources(config, replay, "ni")
    return config, results["ni"]


def test_plans_commitments_and_meetings_match_the_ground_truth(harvested):
    config, _ = harvested
    with open_store(config) as store:
        assert_scores(store, CORPUS, "ni")


def expected_by_sector(meeting: dict[str, Any]) -> dict[str, int] | None:
    """The ground truth's counts in the hub's sectors: members of the
    legislature are neither government nor civil society (``other``)."""
    attendees = meeting.get("attendees")
    if not isinstance(attendees, dict):
        return None
    by_sector = attendees.get("by_sector") or {
        k: v for k, v in attendees.items() if k in ("government", "civil_society", "other")}
    if not by_sector:
        return None
    out = {"government": 0, "civil_society": 0, "other": 0}
    for sector, n in by_sector.items():
        out[sector if sector in out else "other"] += n
    if "total" in attendees:
        out["total"] = attendees["total"]
    return out


def test_attendance_by_sector_is_exact(harvested):
    config, _ = harvested
    meetings = entities(config, "Meeting")
    judged = exact = 0
    for expected in EXPECTED["entities"]["Meeting"]:
        counts = expected_by_sector(expected)
        if counts is None:
            continue
        judged += 1
        found = [m for m in meetings if m["date"] == expected["date"]
                 and titles_match(expected["title"], m["title"])]
        got = found[0]["attendance"] if found else {}
        if all(got.get(k) == v for k, v in counts.items()):
            exact += 1
        else:
            print(f"ni {expected['date']}: expected {counts}, harvested {got}")
    print(f"ni attendance by sector exact for {exact}/{judged} meetings")
    assert judged >= 1
    assert exact / judged >= 0.9


def test_the_committee_session_names_its_chair_members_and_witnesses(harvested):
    config, _ = harvested
    ref = MeetingRef(body="Committee for Finance", jurisdiction="northern-ireland", date=dt.date(2024, 12, 4))
    iri = ids.meeting(ref)
    assert iri == ids.meeting(MeetingRef("Northern Ireland Assembly Committee for Finance",
                                         "northern-ireland", dt.date(2024, 12, 4)))
    meeting = entity(config, str(iri))
    assert meeting["chairs"] == ["Dr Steve Aiken OBE"]
    with open_store(config) as store:
        rows = store.select(f"""SELECT ?label ?sector WHERE {{ <{iri}> <{OGH.attendee}> ?a .
            ?a <http://www.w3.org/2000/01/rdf-schema#label> ?label ; <{OGH.sector}> ?sector }}""")
    sectors = {str(r["label"]): str(r["sector"]).rsplit("/", 1)[-1] for r in rows}
    truth = EXPECTED["entities"]["Meeting"][0]
    for member in truth["members_present"]:
        name = member.split(" (")[0]
        assert sectors[name] == "other", name
    for witness in truth["witnesses"]:
        assert sectors[witness["name"]] == "civil-society"


def test_commitments_of_the_resource_are_numbered_in_their_plan(harvested):
    config, _ = harvested
    plan = PlanRef("northern-ireland", 2019, 2021)
    for c in EXPECTED["entities"]["Commitment"]:
        if c.get("number"):
            found = entity(config, str(ids.commitment(CommitmentRef(plan, c["number"]))))
            assert found is not None and found["title"] == c["title"]
    assert entity(config, str(ids.plan(plan)))["title"] == EXPECTED["entities"]["ActionPlan"][0]["title"]


def test_the_archive_lists_the_network_posts_and_its_next_page_is_tried(harvested):
    config, result = harvested
    listed = EXPECTED["entities"]["Document"][3]["items"]
    documents = entities(config, "Document")
    for item in listed:
        found = [d for d in documents if d["title"] and titles_match(item["title"], d["title"])]
        assert found and found[0]["date"] == item["date"], item["title"]
        if item.get("author"):
            assert found[0]["authors"] == [item["author"]]
    # page 5 is not recorded: an error, and the source succeeds
    assert result.outcome == "succeeded"
    assert any(e["url"] == f"{ARCHIVE}page/5/" and e["status"] == 404 for e in result.errors)


def test_redirects_are_followed_and_pagination_past_the_end_is_a_recorded_404(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ni-pages")
    source = config.source("ni")
    documents = [*source.options["documents"], f"{ARCHIVE}page/4", f"{ARCHIVE}page/1/", f"{ARCHIVE}page/99/"]
    source = dataclasses.replace(source, options={**source.options, "documents": documents})
    replay.reset_log()
    result = harvest_source(config, source, rewrite=replay.url)
    assert result.outcome == "succeeded", result.reason
    errors = {e["url"]: e for e in result.errors}
    assert errors[f"{ARCHIVE}page/99/"]["status"] == 404
    # page/4 (no slash) is the same page as the entry point: no error, no second listing
    assert f"{ARCHIVE}page/4" not in errors
    # page/1/ redirects to the archive's first page, which is not recorded: the
    # error is on the page redirected to, not on the redirect
    assert f"{ARCHIVE}page/1/" not in errors
    assert errors[ARCHIVE]["status"] == 404
    answered = {(r[0], r[2]) for r in replay.requests}
    assert (f"{ARCHIVE}page/4", 301) in answered and (f"{ARCHIVE}page/1/", 301) in answered


def test_one_url_alone_is_recognised(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ni-url")
    url = f"{ARCHIVE}page/4"  # redirects to page/4/
    [result] = run_harvest(config, replay, "ni", urls=[url])
    assert result.outcome == "succeeded", result.reason
    titles = {d["title"] for d in entities(config, "Document")}
    assert "NI Open Gov" in titles and "Open Gov Week 2020" in titles


def test_a_second_harvest_of_the_unchanged_corpus_is_unchanged(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ni-twice")
    harvest_sources(config, replay, "ni")
    with open_store(config) as store:
        before = set(store.triples(str(ids.source_graph("ni"))))
    [again] = run_harvest(config, replay, "ni")
    assert again.outcome == "unchanged", again.reason
    assert again.fetched == 0
    with open_store(config) as store:
        assert set(store.triples(str(ids.source_graph("ni")))) == before
