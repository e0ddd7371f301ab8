"""The WordPress harvester: the UK Open Government Network's site (REST API and
RSS, recorded), and a made-up WordPress site served the same way to show it is
driven by a source's entry points and options, not by one site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from harvesters.records import CommitmentRef, MeetingRef, PlanRef
from harvesters.replay import Fault, ReplayServer
from hub import ids
from hub.runner import harvest_source
from hub.settings import Source
from tests.harvesters.harvesting import entities, entity
from tests.harvesters.scoring import titles_match
from tests.harvesters.uk import (
    Harvested,
    expected,
    fresh_config,
    harvest,
    harvest_ok,
    harvested_once,
    requested,
    source_graph,
)

MSF = "UK Multi-Stakeholder Forum"
NETWORK = "UK Open Government Civil Society Network"


@pytest.fixture(scope="module")
def ukogn(tmp_path_factory, replay) -> Harvested:
    return harvested_once(tmp_path_factory, replay, "ukogn")


def _meetings_by_date(config) -> dict[str, dict]:
    return {m["date"]: m for m in entities(config, "Meeting") if "ukogn" in m["sources"]}


def test_meetings_dated_by_the_meeting_not_the_post(ukogn) -> None:
    config = ukogn.config
    meetings = _meetings_by_date(config)
    documents = {d["url"]: d for d in entities(config, "Document")}
    for truth in expected("ukogn")["entities"]["Meeting"]:
        meeting = meetings.get(truth["date"])
        assert meeting is not None, f"no meeting on {truth['date']} ({truth['title']})"
        assert titles_match(meeting["title"], truth["title"])
        post = documents[truth.get("source_url") or truth["announced_in"]]
        published = truth.get("published") or truth.get("announcement_published")
        assert post["date"] == published != truth["date"]  # the post came later (or before)
        assert str(ids.meeting(MeetingRef(meeting["body"], "uk", _day(truth["date"])))) == meeting["iri"]
        assert meeting["iri"] in post["about"]  # the post records the meeting


def _day(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_which_body_met_comes_from_the_source_options(ukogn) -> None:
    config = ukogn.config
    meetings = _meetings_by_date(config)
    for truth in expected("ukogn")["entities"]["Meeting"]:
        kind = truth["meeting_type"].lower()
        want = MSF if "multi-stakeholder" in kind else NETWORK
        assert meetings[truth["date"]]["body"] == want, truth["title"]


def test_involve_post_announcing_the_2012_network_meeting_with_its_comments(ukogn) -> None:
    config = ukogn.config
    truth = next(m for m in expected("ukogn")["entities"]["Meeting"] if m.get("seed") == "002")
    # "When: 11 October" in a post of 21 September 2012: the meeting is in 2012, not 2013.
    meeting = _meetings_by_date(config)[truth["date"]]
    assert meeting["body"] == NETWORK
    post = next(d for d in entities(config, "Document") if d["url"] == truth["announced_in"])
    assert post["doc_type"] == "announcement"
    assert post["authors"] == [truth["author"]]  # the REST author id, named by their own comment
    with _store(config) as store:
        rows = store.select(
            f"SELECT ?n ?who ?when WHERE {{ <{post['iri']}> <http://purl.org/dc/terms/hasPart> ?p . "
            "?p <https://w3id.org/ogh/def/number> ?n ; <http://purl.org/dc/terms/creator> ?who ; "
            "<http://purl.org/dc/terms/created> ?when } ORDER BY ?n")
    assert len(rows) == truth["comment_count_returned"]
    assert [str(r["when"])[:7] for r in rows] == ["2012-10", "2012-10"]
    assert str(rows[1]["who"]) == truth["author"]


def _store(config):
    from hub.store import open_store

    return open_store(config)


def test_discovery_stops_when_every_post_is_known(ukogn) -> None:
    config = ukogn.config
    urls = ukogn.urls
    discovery = expected("ukogn")["discovery"]
    feed_pages = [u for u in urls if "/feed/" in u]
    assert len(feed_pages) == discovery["feed_pages"]  # ?paged=2 came back short: the last page
    # The REST list says 2 pages of 9 posts; the feed gave all 9, so page 2 is not asked for.
    assert not any("/wp-json/wp/v2/posts" in u and "page=2" in u for u in urls)
    posts = [d for d in entities(config, "Document") if "opengovernment.org.uk/20" in (d["url"] or "")]
    assert len(posts) == discovery["feed_items"] == discovery["rest_total_header"]
    assert all(status == 200 for _, status in ukogn.asked)


def test_readout_reports_progress_on_each_commitment(ukogn) -> None:
    config = ukogn.config
    truth = next(m for m in expected("ukogn")["entities"]["Meeting"] if m.get("seed") == "003")
    meeting = _meetings_by_date(config)[truth["date"]]
    nap5 = PlanRef(jurisdiction="uk", number=5)
    want = {str(ids.commitment(CommitmentRef(plan=nap5, number=u["number"], title=u["title"])))
            for u in truth["nap5_commitment_updates"]}
    assert set(meeting["commitments"]) == want
    for iri in want:
        found = entity(config, iri)
        assert found is not None and found["sources"] == ["ukogn"]
    assert set(meeting["plans"]) >= {str(ids.plan(nap5)), str(ids.plan(PlanRef("uk", number=6)))}


def test_plan_pages_give_plans_and_their_commitments_keyed_like_govuk(ukogn) -> None:
    config = ukogn.config
    truth = expected("ukogn")["entities"]
    plans = {}
    for plan in truth["ActionPlan"]:
        ref = PlanRef("uk", int(plan["period"]["start"]), int(plan["period"]["end"]))
        plans[plan["id"]] = ref
        found = entity(config, ids.plan(ref))
        assert found is not None and found["title"] == plan["title"]
        assert found["number"] == plan["ordinal"]
        if "published" in plan:
            assert found["published"] == plan["published"]
    for commitment in truth["Commitment"]:
        if commitment["action_plan"] not in plans:
            continue  # numbered by a read-out, not a plan page
        ref = CommitmentRef(plan=plans[commitment["action_plan"]], number=commitment["number"])
        found = entity(config, ids.commitment(ref))
        assert found is not None and found["title"] == commitment["title"]
    # A page that lists several plans is a document, not a plan.
    listing = next(d for d in truth["Document"] if d["id"] == "latest-action-plans")
    page = next(d for d in entities(config, "Document") if d["url"] == listing["source_url"])
    assert page["doc_type"] == "web-page" and page["title"] == listing["title"]


def test_permalinks_are_read_through_the_rest_api(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    readout = next(m for m in expected("ukogn")["entities"]["Meeting"] if m.get("seed") == "003")
    old_host = "https://www.opengovernment.org.uk/latests-action-plans/"  # answers 301 live
    harvest_ok(config, replay, "ukogn", urls=[readout["source_url"], old_host])
    assert [url for url, _ in requested(replay)] == [
        "https://opengovernment.org.uk/wp-json/wp/v2/posts?slug=6925",
        "https://opengovernment.org.uk/wp-json/wp/v2/pages?slug=latests-action-plans",
    ]
    assert _meetings_by_date(config)[readout["date"]]["title"] == readout["title"]


def test_an_empty_slug_answer_is_not_found_and_recorded(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    harvest_ok(config, replay, "ukogn")
    before = source_graph(config, "ukogn")
    wrong = "https://opengovernment.org.uk/latest-action-plans/"  # the real slug is latests-...
    [result] = harvest(config, replay, "ukogn", urls=[wrong])
    # WordPress answers [] (200) for an unknown slug: the page, the post, then the HTML are tried.
    assert [(u.rsplit("/", 1)[-1], s) for u, s in requested(replay)] == [
        ("pages?slug=latest-action-plans", 200), ("posts?slug=latest-action-plans", 404),
        ("", 404)]
    assert result.outcome == "failed" and "nothing was harvested" in (result.reason or "")
    assert any(e["url"] == wrong and e["status"] == 404 for e in result.errors)
    assert isomorphic(before, source_graph(config, "ukogn"))


# ------------------------------------------------------- any WordPress site


SITE = "https://blog.example.org"


def _write_site(root: Path) -> None:
    """A small WordPress site: no feed, posts over two REST pages, a custom type."""
    folder = root / "example"
    folder.mkdir(parents=True)
    posts = [
        {"id": 3, "date": "2024-03-02T10:00:00", "date_gmt": "2024-03-02T10:00:00",
         "modified_gmt": "2024-03-02T10:00:00", "slug": "steering-note", "type": "post",
         "link": f"{SITE}/2024/03/02/steering-note/", "categories": [4],
         "title": {"rendered": "Steering Board &#8211; notes"},
         "content": {"rendered": "<p>The Steering Board met on Tuesday 27th February to agree "
                                 "its work plan.</p>"}},
        {"id": 2, "date": "2024-02-01T10:00:00", "date_gmt": "2024-02-01T10:00:00",
         "modified_gmt": "2024-02-01T10:00:00", "slug": "hello", "type": "post",
         "link": f"{SITE}/2024/02/01/hello/", "categories": [1],
         "title": {"rendered": "Hello"}, "content": {"rendered": "<p>Welcome to the blog.</p>"}},
        {"id": 1, "date": "2024-01-05T10:00:00", "date_gmt": "2024-01-05T10:00:00",
         "modified_gmt": "2024-01-05T10:00:00", "slug": "kick-off", "type": "post",
         "link": f"{SITE}/2024/01/05/kick-off/", "categories": [1],
         "title": {"rendered": "Kick-off"}, "content": {"rendered": "<p>We start.</p>"}},
    ]
    responses = []
    for page, chunk in ((1, posts[:2]), (2, posts[2:])):
        name = f"posts-{page}.json"
        (folder / name).write_text(json.dumps(chunk), encoding="utf-8")
        responses.append({"url": f"{SITE}/wp-json/wp/v2/posts?per_page=2&page={page}", "status": 200,
                          "content_type": "application/json; charset=UTF-8", "file": name,
                          "headers": {"X-WP-Total": "3", "X-WP-TotalPages": "2"}})
    plan = [{"id": 9, "date": "2023-06-01T09:00:00", "date_gmt": "2023-06-01T08:00:00",
             "modified_gmt": "2023-06-01T08:00:00", "slug": "plan", "type": "plan",
             "link": f"{SITE}/plan/our-plan/", "title": {"rendered": "Our National Action Plan 2024-2025"},
             "content": {"rendered": "<ul><li>Commitment 1: Open Contracting</li>"
                                     "<li>Commitment 2: Open Justice</li></ul>"}}]
    (folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    responses.append({"url": f"{SITE}/wp-json/wp/v2/plan?slug=our-plan", "status": 200,
                      "content_type": "application/json", "file": "plan.json"})
    (folder / "manifest.json").write_text(json.dumps({"source": "example", "responses": responses}),
                                          encoding="utf-8")


def test_any_wordpress_site_through_its_options(tmp_path) -> None:
    _write_site(tmp_path / "corpus")
    config = fresh_config(tmp_path / "data")
    source = Source(
        id="example", name="Example", jurisdiction="uk", publisher="Example Network",
        harvester="wordpress", base_url=SITE, hosts=("blog.example.org",),
        entry_points=(f"{SITE}/wp-json/wp/v2/posts?per_page=2&page=1",
                      f"{SITE}/wp-json/wp/v2/plan?slug=our-plan"),
        licence="", options={"meeting_bodies": [
            {"pattern": r"steering board", "name": "Example Steering Board", "kind": "steering-group"}]})
    with ReplayServer(tmp_path / "corpus") as server:
        result = harvest_source(config, source, rewrite=server.url)
        asked = [entry[0] for entry in server.requests if not entry[0].endswith("robots.txt")]
    assert result.outcome == "succeeded", result.reason
    assert f"{SITE}/wp-json/wp/v2/posts?per_page=2&page=2" in asked  # X-WP-TotalPages followed
    assert result.entities["Document"] == 4
    [meeting] = [m for m in entities(config, "Meeting")]
    assert (meeting["date"], meeting["body"]) == ("2024-02-27", "Example Steering Board")
    plan = entity(config, ids.plan(PlanRef("uk", 2024, 2025)))
    assert plan is not None and plan["sources"] == ["example"]
    titles = {e["title"] for e in entities(config, "Commitment")}
    assert titles == {"Open Contracting", "Open Justice"}


# ------------------------------------------- knowledge read by the extractor


def test_readouts_carry_attendance_and_chairs_read_from_their_text(ukogn) -> None:
    meetings = _meetings_by_date(ukogn.config)
    for truth in expected("ukogn")["entities"]["Meeting"]:
        meeting = meetings[truth["date"]]
        for sector in ("total", "government", "civil_society"):
            if sector in truth.get("attendees", {}):
                assert meeting["attendance"][sector] == truth["attendees"][sector], (truth["title"], sector)
        if "co_chairs" in truth:
            assert sorted(meeting["chairs"]) == sorted(c["name"] for c in truth["co_chairs"]), truth["title"]


def test_theme_decisions_timeline_and_thematic_groups_of_the_pages(ukogn) -> None:
    truth = expected("ukogn")["entities"]
    readout = next(m for m in truth["Meeting"] if m.get("seed") == "003")
    decisions = [d for d in entities(ukogn.config, "ThemeDecision") if "ukogn" in d["sources"]]
    meeting_iri = _meetings_by_date(ukogn.config)[readout["date"]]["iri"]
    assert decisions and all(d["meeting"] == meeting_iri for d in decisions)  # the read-out's meeting
    for theme in readout["nap6_themes"]:
        parts = [p.strip() for p in theme["theme"].replace(", and ", ", ").split(",")]
        for part in parts:  # "Civic Space, Natural Resources, and Open Parliaments": three themes
            assert any(titles_match(d["theme"], part) or part.lower() in d["theme"].lower()
                       for d in decisions), part

    plan = next(p for p in truth["ActionPlan"] if p["id"] == "uk-nap6")
    events = [e for e in entities(ukogn.config, "TimelineEvent") if "ukogn" in e["sources"]]
    assert sorted(e["date"] for e in events) == sorted(t["date"] for t in plan["co_creation_timeline"])
    nap6 = str(ids.plan(PlanRef("uk", 2024, 2025)))
    assert all(e["plan"] == nap6 for e in events)

    hub_page = next(d for d in truth["Document"] if d["id"] == "ogn-action-hub-2021")
    groups = {g["title"]: g for g in entities(ukogn.config, "ThematicGroup")}
    for group in hub_page["thematic_groups"]:
        assert group["name"] in groups, group["name"]
        assert groups[group["name"]]["lead"] == group.get("civil_society_lead")


def test_a_listed_document_that_fails_is_an_error_not_a_failure(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    resource = ("https://opengovernment.org.uk/wp-json/wp/v2/resource"
                "?slug=uk-national-action-plan-for-open-government-2019-2021")
    assert any("uk-national-action-plan-for-open-government-2019-2021" in u
               for u in config.source("ukogn").options["documents"])
    replay.inject(resource, Fault(kind="status", status=503))
    try:
        [result] = harvest_ok(config, replay, "ukogn")
    finally:
        replay.clear_faults()
    assert any(e["url"] == resource and e["status"] == 503 for e in result.errors)
    assert entity(config, ids.plan(PlanRef("uk", 2019, 2021))) is None or "ukogn" not in entity(
        config, ids.plan(PlanRef("uk", 2019, 2021)))["sources"]
    assert entity(config, ids.plan(PlanRef("uk", 2016, 2018)))["sources"] == ["ukogn"]
