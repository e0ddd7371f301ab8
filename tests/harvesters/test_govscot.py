"""The gov.scot harvester over the recorded corpus: the Steering Group's
minutes with their attendance by sector, Scotland's 2021-25 action plan, its
commitments and milestones, measured against ``expected.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harvesters.records import CommitmentRef, PlanRef
from hub import ids
from hub.entities import EntityReader
from hub.settings import Config
from hub.store import GraphStore, open_store
from hub.validate import validate_store
from tests.conftest import CORPUS, run_harvest
from tests.harvesters.harvesting import fresh_config
from tests.harvesters.scoring import assert_scores, load_expected
from vocab import OGH, PROV

SOURCE = "govscot"
PLAN = PlanRef("scotland", 2021, 2025)
PLAN_IRI = str(ids.plan(PLAN))
BASE = "https://www.gov.scot/publications/"


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory, replay: Any) -> Iterator[tuple[Config, Any]]:
    """One harvest of the source for the module's tests (they only read)."""
    config = fresh_config(tmp_path_factory, SOURCE)
    [result] = run_harvest(config, replay, SOURCE)
    yield config, result


@pytest.fixture(scope="module")
def store(harvested: tuple[Config, Any]) -> Iterator[GraphStore]:
    config, _ = harvested
    with open_store(config) as reader:
        yield reader


def test_harvest_succeeds_and_survives_missing_pages(harvested: tuple[Config, Any]) -> None:
    _, result = harvested
    assert result.outcome == "succeeded", result.reason
    # Progress pages the side navigation links but the recording lacks answer
    # 404: each is an error of its own, and the source still succeeds.
    missing = [e for e in result.errors if e["status"] == 404]
    assert missing, "the unrecorded progress pages should be reported"
    assert missing == result.errors, "errors other than the unrecorded pages"
    assert all(e["url"].startswith(BASE) for e in missing)


def test_recall_and_precision_against_ground_truth(store: GraphStore) -> None:
    assert_scores(store, CORPUS, SOURCE)


def _groups(store: GraphStore, meeting: str) -> list[dict[str, Any]]:
    rows = store.select(f"""
        SELECT ?heading ?sector ?present ?apologies ?deputies WHERE {{
          <{meeting}> <{OGH.attendance}> ?g .
          ?g <{OGH.heading}> ?heading ; <{OGH.sector}> ?sector ; <{OGH.present}> ?present ;
             <{OGH.apologies}> ?apologies ; <{OGH.deputies}> ?deputies .
        }}""")
    return [{"heading": str(r["heading"]), "sector": str(r["sector"]).rsplit("/", 1)[-1],
             "present": int(r["present"]), "apologies": int(r["apologies"]),
             "deputies": int(r["deputies"])} for r in rows]


def _meeting_iri(store: GraphStore, day: str) -> str | None:
    meetings = [m for m in EntityReader(store).list("Meeting") if m["date"] == day]
    return meetings[0]["iri"] if meetings else None


def test_attendance_by_sector_matches_ground_truth(store: GraphStore) -> None:
    """Per heading of each attendee list: members present, apologies and
    deputies as the counting rules of expected.json count them; and the
    meeting's totals."""
    expected = [m for m in load_expected(CORPUS, SOURCE)["entities"]["Meeting"]
                if m.get("attendee_counts_by_sector")]
    exact = 0
    reader = EntityReader(store)
    for meeting in expected:
        iri = _meeting_iri(store, meeting["date"])
        # A heading that names no sector ("Co-chairs") is one group per sector
        # of its members: the heading's counts are their sums.
        groups: dict[str, dict[str, int]] = {}
        for g in _groups(store, iri) if iri else []:
            into = groups.setdefault(g["heading"].lower(), dict.fromkeys(
                ("present", "apologies", "deputies"), 0))
            for k in into:
                into[k] += g[k]
        wrong = []
        for group in meeting["attendee_counts_by_sector"]:
            got = groups.get(group["heading_as_written"].lower())
            want = {k: group[k] for k in ("present", "apologies", "deputies")}
            if got is None or {k: got[k] for k in want} != want:
                wrong.append((group["heading_as_written"], want, got))
        totals = reader.get(iri)["attendance"] if iri else {}
        want_totals = meeting["attendee_totals"]
        if (totals.get("total"), totals.get("apologies"), totals.get("deputies")) != (
                want_totals["present"], want_totals["apologies"], want_totals["deputies"]):
            wrong.append(("totals", want_totals, totals))
        print(f"{SOURCE:12} {meeting['date']}  {'exact' if not wrong else 'differs'}"
              + "".join(f"\n    {w}" for w in wrong))
        exact += not wrong
    share = exact / len(expected)
    print(f"{SOURCE:12} attendance exact for {exact}/{len(expected)} meetings ({share:.0%})")
    assert share >= 0.9


def test_sector_counts_add_up_to_those_present(store: GraphStore) -> None:
    """Government, civil society and other count every person present once."""
    for meeting in EntityReader(store).list("Meeting"):
        a = meeting["attendance"]
        assert a, f"{meeting['title']}: no attendance"
        assert a["government"] + a["civil_society"] + a["other"] == a["total"], meeting["title"]
        assert a["government"] > 0 and a["civil_society"] > 0, meeting["title"]


def _attendees(store: GraphStore, meeting: str) -> list[dict[str, Any]]:
    rows = store.select(f"""
        SELECT ?a ?name ?role ?heading ?status ?deputyFor WHERE {{
          <{meeting}> <{OGH.attendee}> ?a .
          ?a <{OGH.attendanceStatus}> ?status .
          OPTIONAL {{ ?a <http://www.w3.org/2000/01/rdf-schema#label> ?name }}
          OPTIONAL {{ ?a <http://www.w3.org/ns/org#role> ?role }}
          OPTIONAL {{ ?a <{OGH.heading}> ?heading }}
          OPTIONAL {{ ?a <{OGH.deputyFor}> ?d . ?d <http://www.w3.org/2000/01/rdf-schema#label> ?deputyFor }}
        }}""")
    return [{k: (str(r[k]).rsplit("/", 1)[-1] if k == "status" else str(r[k]))
             if r.get(k) is not None else None
             for k in ("name", "role", "heading", "status", "deputyFor")} for r in rows]


def test_minutes_quirks(store: GraphStore) -> None:
    """The quirks of the real minutes, read through to the graph."""
    # An entry with a role and no name, sending apologies (February 2021).
    feb = _attendees(store, _meeting_iri(store, "2021-02-23"))
    nameless = [a for a in feb if a["name"] is None]
    assert [(a["role"], a["status"]) for a in nameless] == [
        ("Director for Local Government and Communities", "apologies")]
    # "(apologies, Matt Grady Deputising)": the member sent apologies, the
    # deputy is present in their place (September 2021).
    sep = _attendees(store, _meeting_iri(store, "2021-09-23"))
    deputies = {a["name"]: a["deputyFor"] for a in sep if a["status"] == "deputy"}
    assert deputies == {"Matt Grady": "Lisa Bird", "Alex Dunn": "Linda Pollock"}
    # The misspelt heading is kept as written.
    assert any(a["heading"] == "Steering group secretatiat" for a in sep)
    # A deputy named without the word apologies (May 2023).
    may = _attendees(store, _meeting_iri(store, "2023-05-17"))
    huggins = next(a for a in may if a["name"] == "Geoff Huggins")
    assert huggins["status"] == "apologies"
    assert any(a["name"] == "Eilidh McLaughlin" and a["deputyFor"] == "Geoff Huggins" for a in may)
    # A deputy on a line of their own (December 2020).
    dec = _attendees(store, _meeting_iri(store, "2020-12-09"))
    assert any(a["name"] == "Shona Nicol" and a["status"] == "deputy" for a in dec)
    # List items wrapping <p> (May 2022): everyone read, nobody twice.
    may22 = _attendees(store, _meeting_iri(store, "2022-05-03"))
    assert len(may22) == 18 and len({a["name"] for a in may22}) == 18


def test_meetings_are_of_the_steering_group(store: GraphStore) -> None:
    meetings = EntityReader(store).list("Meeting")
    assert len(meetings) == 7
    assert {m["body"] for m in meetings} == {"Open Government Partnership Steering Group"}
    body = meetings[0]["body_iri"]
    assert body.endswith("/body/scotland/open-government-steering-group")
    # The chairs are the co-chairs who were there (Graeme Dey sent apologies in February 2021).
    february = next(m for m in meetings if m["date"] == "2021-02-23")
    assert february["chairs"] == ["Elric Honoré"]


def test_plan_and_commitment_keys_are_the_registers(store: GraphStore) -> None:
    """The plan is the register's third Scottish plan and its commitments are
    numbered as the plan numbers them, so that OGP's pages on the same things
    land on the same IRIs."""
    reader = EntityReader(store)
    plan = reader.get(PLAN_IRI)
    assert plan is not None and plan["number"] == 3
    assert (plan["start"], plan["end"]) == ("2021", "2025")
    assert plan["title"] == "Scotland's Open Government action plan: 2021 to 2025"
    assert plan["publisher"] == "Scottish Government"
    commitments = {c["number"]: c for c in reader.list("Commitment") if c["plan"] == PLAN_IRI}
    assert sorted(commitments) == [1, 2, 3, 4, 5]
    for n, c in commitments.items():
        assert c["iri"] == str(ids.commitment(CommitmentRef(PLAN, number=n)))
        assert c["themes"], f"commitment {n} lands on no theme"
    assert commitments[4]["leads"] == ["Directorate for Energy and Climate Change"]
    assert (commitments[4]["start"], commitments[4]["end"]) == ("2021-09", "2025-08")
    assert (commitments[5]["start"], commitments[5]["end"]) == ("2021-10", "2025-09")
    assert commitments[1]["title"].startswith("Fiscal Openness and Transparency")


def test_milestones(store: GraphStore) -> None:
    """From the milestones publication ("Milestones:" lists) and from the
    progress reports ("By end June: ..." under each milestone aim)."""
    by_commitment: dict[int, list[dict[str, Any]]] = {}
    for m in EntityReader(store).list("Milestone"):
        number = int(m["commitment"].rsplit("/", 1)[-1])
        by_commitment.setdefault(number, []).append(m)
    assert sorted(by_commitment) == [1, 5]
    fiscal = sorted(by_commitment[1], key=lambda m: m["iri"])
    assert [m["due"] for m in fiscal] == ["2023-06", "2023", "2023-02"]
    assert all(m["status"] for m in fiscal[:2]) and not fiscal[2]["status"]
    assert len(by_commitment[5]) == 3
    assert any("participation training" in m["title"] for m in by_commitment[5])


def test_documents(store: GraphStore) -> None:
    documents = {d["url"]: d for d in EntityReader(store).list("Document")}
    pdf = next(u for u in documents if u.endswith(".pdf"))
    assert documents[pdf]["title"] == "Scotland's Open Government action plan: 2021 to 2025"
    assert "Fiscal Openness and Transparency" in documents[pdf]["text"]
    milestones = documents[f"{BASE}scotlands-open-government-action-plan-2021-to-2025-milestones/"]
    assert milestones["doc_type"] == "milestones" and PLAN_IRI in milestones["about"]
    minutes = [d for d in documents.values() if d["doc_type"] == "minutes"]
    assert len(minutes) == 7 and all(d["text"] for d in minutes)
    # Page 1 of the plan is its main URL (the canonical link says so): one document.
    assert f"{BASE}scotlands-open-government-action-plan-2021-25/pages/1/" not in documents


def test_graph_validates(store: GraphStore) -> None:
    report = validate_store(store)
    assert report.conforms, report.text()


# ------------------------------------------------------------ single documents


def test_redirect_is_followed_within_the_source(config: Config, replay: Any) -> None:
    url = f"{BASE}scotlands-open-government-action-plan-2021-25/pages/4"
    [result] = run_harvest(config, replay, SOURCE, urls=[url])
    assert result.outcome == "succeeded", result.reason
    assert result.errors == []
    with open_store(config) as reader:
        rows = reader.select(f"SELECT ?u WHERE {{ <{PLAN_IRI}> <{PROV.wasDerivedFrom}> ?u }}")
    assert {str(r["u"]) for r in rows} == {url + "/"}


def test_not_found_is_an_error_of_its_own(config: Config, replay: Any) -> None:
    missing = f"{BASE}open-government-partnership-steering-group-minutes-may-2023/"
    good = f"{BASE}open-government-partnership-steering-group-minutes-17-may-2023/"
    [result] = run_harvest(config, replay, SOURCE, urls=[missing, good])
    assert result.outcome == "succeeded", result.reason
    assert [(e["url"], e["status"]) for e in result.errors] == [(missing, 404)]
    with open_store(config) as reader:
        assert [m["date"] for m in EntityReader(reader).list("Meeting")] == ["2023-05-17"]


def test_milestones_page_on_its_own_finds_its_commitment(config: Config, replay: Any) -> None:
    url = (f"{BASE}scotlands-open-government-action-plan-2021-to-2025-milestones/"
           "pages/participation-commitment/")
    [result] = run_harvest(config, replay, SOURCE, urls=[url])
    assert result.outcome == "succeeded", result.reason
    with open_store(config) as reader:
        milestones = EntityReader(reader).list("Milestone")
    assert len(milestones) == 3
    assert {m["commitment"] for m in milestones} == {str(ids.commitment(CommitmentRef(PLAN, number=5)))}


# ------------------------------------------------------------------- sitemaps


def test_sitemap_entry_point(tmp_path: Path, config: Config) -> None:
    """An entry point ending in .xml is a sitemap: its index is followed and
    the publications on the topic harvested, others left alone."""
    from dataclasses import replace

    from harvesters.replay import ReplayServer
    from hub.runner import derived_updates, harvest_source

    folder = tmp_path / "corpus" / SOURCE
    folder.mkdir(parents=True)
    minutes = "open-government-partnership-steering-group-minutes-october-2023"
    (folder / "minutes.html").write_bytes((CORPUS / SOURCE / "publications" / f"{minutes}.html").read_bytes())
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    (folder / "index.xml").write_text(
        f'<?xml version="1.0"?><sitemapindex {ns}><sitemap><loc>https://www.gov.scot/sitemap/2023/10.xml'
        "</loc></sitemap></sitemapindex>")
    (folder / "urls.xml").write_text(
        f'<?xml version="1.0"?><urlset {ns}><url><loc>{BASE}{minutes}/</loc></url>'
        f"<url><loc>{BASE}fishing-quotas-2023/</loc></url></urlset>")
    xml = {"status": 200, "content_type": "application/xml"}
    (folder / "manifest.json").write_text(json.dumps({"source": SOURCE, "responses": [
        {"url": "https://www.gov.scot/sitemap.xml", "file": "index.xml", **xml},
        {"url": "https://www.gov.scot/sitemap/2023/10.xml", "file": "urls.xml", **xml},
        {"url": f"{BASE}{minutes}/", "status": 200, "file": "minutes.html",
         "content_type": "text/html; charset=utf-8"},
    ]}))
    source = replace(config.source(SOURCE), entry_points=("https://www.gov.scot/sitemap.xml",),
                     expect={})
    with ReplayServer(tmp_path / "corpus") as server:
        result = harvest_source(config, source, rewrite=server.url, after_write=derived_updates)
        asked = [request[0] for request in server.requests]
    assert result.outcome == "succeeded", result.reason
    assert f"{BASE}fishing-quotas-2023/" not in asked
    with open_store(config) as reader:
        assert [m["date"] for m in EntityReader(reader).list("Meeting")] == ["2023-10-24"]


def test_single_url_reads_that_document_only(config: Config, replay: Any) -> None:
    """``--url`` on the group page: the group and its page, not the minutes it
    lists (no discovery when reading given documents)."""
    url = "https://www.gov.scot/groups/open-government-partnership-steering-group/"
    replay.reset_log()
    [result] = run_harvest(config, replay, SOURCE, urls=[url])
    assert result.outcome == "succeeded", result.reason
    asked = {request[0] for request in replay.requests if not request[0].endswith("/robots.txt")}
    assert asked == {url}
    with open_store(config) as reader:
        entities = EntityReader(reader)
        assert entities.list("Meeting") == []
        [body] = [b for b in entities.list("Body") if b["homepage"] == url]
        assert body["title"] == "Open Government Partnership Steering Group"


def test_listing_is_followed_page_by_page(tmp_path: Path, config: Config) -> None:
    """The publications listing shows ten results a page; its pagination is
    followed to the last page."""
    from dataclasses import replace

    from harvesters.replay import ReplayServer
    from hub.runner import derived_updates, harvest_source

    folder = tmp_path / "corpus" / SOURCE
    folder.mkdir(parents=True)
    listing = f"{BASE[:-1]}/?term=steering%20group&publicationTypes=minutes"
    recorded = (CORPUS / SOURCE / "publications" /
                "index__term=open+government+partnership+steering+group_publicationTypes=minutes.html"
                ).read_text(encoding="utf-8")
    first, second = (f"open-government-partnership-steering-group-minutes-{m}"
                     for m in ("october-2023", "december-2020"))

    def page(result: str, next_page: str = "") -> str:
        items = (f'<li class="ds_search-result"><h3 class="ds_search-result__title">'
                 f'<a class="ds_search-result__link" href="/publications/{result}/">x</a></h3></li>')
        nav = (f'<li class="ds_pagination__item"><a class="ds_pagination__link" href="{next_page}">'
               "Next</a></li>") if next_page else ""
        body = recorded.split('<ol id="search-results-list"')[0]
        return (f'{body}<ol id="search-results-list" class="ds_search-results__list">{items}</ol>'
                f'<nav id="pagination" class="ds_pagination"><ul class="ds_pagination__list">{nav}'
                "</ul></nav></section></main></body></html>")

    (folder / "page1.html").write_text(page(first, "?term=steering%20group&publicationTypes=minutes&page=2"))
    (folder / "page2.html").write_text(page(second))
    html_type = {"status": 200, "content_type": "text/html; charset=utf-8"}
    responses = [{"url": listing, "file": "page1.html", **html_type},
                 {"url": listing + "&page=2", "file": "page2.html", **html_type}]
    for slug in (first, second):
        recording = CORPUS / SOURCE / "publications" / f"{slug}.html"
        (folder / f"{slug}.html").write_bytes(recording.read_bytes())
        responses.append({"url": f"{BASE}{slug}/", "file": f"{slug}.html", **html_type})
    (folder / "manifest.json").write_text(json.dumps({"source": SOURCE, "responses": responses}))
    source = replace(config.source(SOURCE), entry_points=(listing,), expect={})
    with ReplayServer(tmp_path / "corpus") as server:
        result = harvest_source(config, source, rewrite=server.url, after_write=derived_updates)
    assert result.outcome == "succeeded", result.reason
    with open_store(config) as reader:
        assert sorted(m["date"] for m in EntityReader(reader).list("Meeting")) == [
            "2020-12-09", "2023-10-24"]


def test_broken_page_keeps_its_last_good_copy(config: Config, replay: Any) -> None:
    """A minutes page that comes back as something else (a bare error page
    with status 200) is an error of its own; its last good copy is read, so
    the meeting stays in the graph."""
    from harvesters.replay import Fault

    url = f"{BASE}open-government-partnership-steering-group-minutes-may-2022/"
    [first] = run_harvest(config, replay, SOURCE)
    assert first.outcome == "succeeded", first.reason
    replay.inject(url, Fault("body", body=b"<html><body><p>Service unavailable</p></body></html>",
                             content_type="text/html; charset=utf-8"))
    try:
        [second] = run_harvest(config, replay, SOURCE)
    finally:
        replay.clear_faults()
    assert second.outcome == "succeeded", second.reason
    assert any(e["url"] == url and "cannot parse" in e["reason"] for e in second.errors)
    with open_store(config) as reader:
        meetings = EntityReader(reader).list("Meeting")
    assert len(meetings) == 7
    may = next(m for m in meetings if m["date"] == "2022-05-03")
    assert may["attendance"]["total"] == 18
