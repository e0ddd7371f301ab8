"""The Discourse harvester: the UK Open Government Network's forum (recorded), and
a made-up forum with a long topic, served the same way."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harvesters.records import PlanRef
from harvesters.replay import Fault, ReplayServer
from hub import ids
from hub.runner import harvest_source
from hub.settings import Source
from hub.store import open_store
from tests.conftest import CORPUS
from tests.harvesters.harvesting import entities, entity
from tests.harvesters.uk import (
    Harvested,
    expected,
    fresh_config,
    harvest_ok,
    harvested_once,
)
from vocab import OGH

FORUM = "https://discuss.opengovernment.org.uk"


@pytest.fixture(scope="module")
def forum(tmp_path_factory, replay) -> Harvested:
    return harvested_once(tmp_path_factory, replay, "ukogn-forum")


def _posts(config, document_iri: str) -> list[dict]:
    with open_store(config) as store:
        rows = store.select(
            f"""PREFIX dct: <http://purl.org/dc/terms/> PREFIX ogh: <https://w3id.org/ogh/def/>
            SELECT ?n ?who ?likes ?when WHERE {{ <{document_iri}> dct:hasPart ?p .
              ?p ogh:number ?n ; dct:creator ?who ; dct:created ?when .
              OPTIONAL {{ ?p ogh:likeCount ?likes }} }} ORDER BY ?n""")
    return [{"n": int(r["n"]), "who": str(r["who"]), "likes": int(r["likes"] or 0),
             "when": str(r["when"])} for r in rows]


def test_thread_with_every_post_author_date_and_likes(forum) -> None:
    truth = next(d for d in expected("ukogn-forum")["entities"]["Document"] if d["topic_id"] == 2708)
    thread = entity(forum.config, ids.document(truth["source_url"]))
    assert thread is not None and thread["doc_type"] == "forum-thread"
    assert thread["title"] == truth["title"]
    posts = _posts(forum.config, thread["iri"])
    assert [p["n"] for p in posts] == list(range(1, truth["posts_count"] + 1))
    assert {str(p["n"]): p["likes"] for p in posts if p["likes"]} == truth["likes_on_posts"]
    recorded = json.loads((CORPUS / "ukogn-forum" / urlsplit(truth["api_url"]).path.lstrip("/"))
                          .read_text(encoding="utf-8"))
    names = {p["username"]: p["name"] for p in recorded["post_stream"]["posts"]}
    for author in truth["known_authors"]:  # the user's name where they gave one, else the username
        assert posts[author["post"] - 1]["who"] == (names[author["username"]] or author["username"])
        assert author.get("name") in (None, names[author["username"]])
    assert [p["when"] for p in posts] == sorted(p["when"] for p in posts)
    with open_store(forum.config) as store:
        [row] = store.select(f"SELECT ?n WHERE {{ <{thread['iri']}> <{OGH.likeCount}> ?n }}")
    assert int(row["n"]) == truth["like_count"]


def test_thread_names_the_plan_it_discusses(forum) -> None:
    truth = expected("ukogn-forum")["entities"]["ActionPlan"][0]
    plan = entity(forum.config, ids.plan(PlanRef("uk", int(truth["period"]["start"]),
                                                 int(truth["period"]["end"]))))
    assert plan is not None and plan["sources"] == ["ukogn-forum"]
    assert plan["title"] == truth["title"] and plan["published"] == truth["published"]
    thread = entity(forum.config, ids.document(truth["source_url"]))
    assert plan["iri"] in thread["about"]
    assert str(ids.plan(PlanRef("uk", number=5))) in thread["about"]  # NAP5 is named too


def test_readout_topic_is_the_meeting_on_its_day(forum) -> None:
    truth = expected("ukogn-forum")["entities"]["Meeting"][0]
    [meeting] = [m for m in entities(forum.config, "Meeting") if "ukogn-forum" in m["sources"]]
    assert (meeting["date"], meeting["title"]) == (truth["date"], truth["title"])
    assert meeting["body"] == "UK Multi-Stakeholder Forum"
    topic = entity(forum.config, ids.document(truth["source_url"]))
    assert meeting["iri"] in topic["about"] and topic["date"] != truth["date"]


def test_topics_found_through_lists_rss_and_suggestions(forum) -> None:
    discovery = expected("ukogn-forum")["discovery"]
    asked = forum.urls
    # The list's next page is asked for (and missing from the recording: an error, not a failure).
    next_page = FORUM + discovery["latest_json"]["next_page"].replace("/latest?", "/latest.json?")
    assert next_page in asked
    assert any(e["url"] == next_page and e["status"] == 404 for e in forum.result.errors)
    topics = {t["topic_id"] for t in expected("ukogn-forum")["entities"]["Document"]}
    topics |= set(discovery["latest_json"]["topics"])
    threads = {d["url"] for d in entities(forum.config, "Document") if d["doc_type"] == "forum-thread"}
    assert {int(u.rsplit("/", 1)[1]) for u in threads} == topics  # 1877 only via suggested_topics
    assert all(asked.count(u) == 1 for u in asked)


def test_rss_item_stands_in_for_a_topic_that_cannot_be_read(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    truth = expected("ukogn-forum")["entities"]["Meeting"][0]
    topic_json = truth["source_url"] + ".json"
    replay.inject(topic_json, Fault(kind="status", status=500))
    try:
        [result] = harvest_ok(config, replay, "ukogn-forum")
    finally:
        replay.clear_faults()
    assert any(e["url"] == topic_json and e["status"] == 500 for e in result.errors)
    topic = entity(config, ids.document(truth["source_url"]))
    assert topic is not None and topic["title"] == truth["title"]
    [meeting] = [m for m in entities(config, "Meeting") if m["date"] == truth["date"]]
    assert meeting["iri"] in topic["about"]  # the RSS item held the opening post


# ---------------------------------------------------------- a long topic


SITE = "https://forum.example.org"


def _write_forum(root: Path, posts_total: int) -> None:
    folder = root / "example"
    folder.mkdir(parents=True)
    posts = [{"id": 100 + n, "post_number": n, "username": f"user{n % 3}", "name": "",
              "created_at": f"2024-01-{n:02d}T10:00:00.000Z",
              "cooked": f"<p>Post {n} on the 6th National Action Plan.</p>",
              "actions_summary": [{"id": 2, "count": n % 2}]} for n in range(1, posts_total + 1)]
    topic = {"id": 7, "slug": "long", "title": "A long talk", "created_at": "2024-01-01T10:00:00.000Z",
             "last_posted_at": f"2024-01-{posts_total:02d}T10:00:00.000Z", "like_count": posts_total // 2,
             "post_stream": {"posts": posts[:20], "stream": [p["id"] for p in posts]}}
    files = {"topic.json": topic,
             "rest.json": {"post_stream": {"posts": posts[20:]}}}
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    rest = "&".join(f"post_ids[]={p['id']}" for p in posts[20:])
    responses = [
        {"url": f"{SITE}/t/long/7.json", "status": 200, "content_type": "application/json",
         "file": "topic.json"},
        {"url": f"{SITE}/t/7/posts.json?{rest}", "status": 200, "content_type": "application/json",
         "file": "rest.json"},
    ]
    (folder / "manifest.json").write_text(json.dumps({"source": "example", "responses": responses}),
                                          encoding="utf-8")


def test_topic_over_twenty_posts_reads_the_rest_by_id(tmp_path) -> None:
    _write_forum(tmp_path / "corpus", posts_total=25)
    config = fresh_config(tmp_path / "data")
    source = Source(id="example", name="Example forum", jurisdiction="uk", publisher="Example",
                    harvester="discourse", base_url=SITE, hosts=("forum.example.org",),
                    entry_points=(f"{SITE}/t/long/7.json",), licence="")
    with ReplayServer(tmp_path / "corpus") as server:
        result = harvest_source(config, source, rewrite=server.url)
    assert result.outcome == "succeeded", result.reason
    thread = entity(config, ids.document(f"{SITE}/t/long/7"))
    posts = _posts(config, thread["iri"])
    assert [p["n"] for p in posts] == list(range(1, 26))
    assert sum(p["likes"] for p in posts) == 13


def test_readout_topic_attendance_and_chairs_from_the_extractor(forum) -> None:
    truth = expected("ukogn-forum")["entities"]["Meeting"][0]
    [meeting] = [m for m in entities(forum.config, "Meeting") if m["date"] == truth["date"]]
    for sector, count in truth["attendees"].items():
        assert meeting["attendance"][sector] == count, sector
    assert meeting["attendance"]["apologies"] == truth["apologies"]["total"]
    assert sorted(meeting["chairs"]) == sorted(c["name"] for c in truth["co_chairs"])
