"""The Glasgow harvester over the recorded corpus: the council's open
government pages, its news, and Glasgow's OGP Local plans and commitments."""

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
from tests.harvesters.scoring import assert_scores

SOURCE = "glasgow"
FIRST = PlanRef("glasgow", 2021, 2023)
SECOND = PlanRef("glasgow", 2024, 2027)
OGP = "https://www.opengovpartnership.org/members/glasgow-united-kingdom/commitments/"


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory, replay: Any) -> Iterator[tuple[Config, Any]]:
    config = fresh_config(tmp_path_factory, SOURCE)
    [result] = run_harvest(config, replay, SOURCE)
    yield config, result


@pytest.fixture(scope="module")
def store(harvested: tuple[Config, Any]) -> Iterator[GraphStore]:
    config, _ = harvested
    with open_store(config) as reader:
        yield reader


def test_harvest_succeeds(harvested: tuple[Config, Any]) -> None:
    _, result = harvested
    assert result.outcome == "succeeded", result.reason
    assert result.errors == []


def test_recall_and_precision_against_ground_truth(store: GraphStore) -> None:
    assert_scores(store, CORPUS, SOURCE)


def test_plans_and_commitments_have_the_registers_keys(store: GraphStore) -> None:
    """Glasgow's first plan is the register's 2021-2023 plan (OGP's URL says
    2021-2022), its commitments numbered 1-4 with OGP's identifiers; the plan
    in development is the register's 2024-2027 plan."""
    reader = EntityReader(store)
    first = reader.get(str(ids.plan(FIRST)))
    assert first is not None and first["number"] == 1
    assert first["title"] == "Action plan – Glasgow, United Kingdom, 2021 – 2023"
    assert first["published"] == "2021-09-23"
    commitments = {c["number"]: c for c in reader.list("Commitment")}
    assert sorted(commitments) == [1, 2, 3, 4]
    for n, c in commitments.items():
        assert c["iri"] == str(ids.commitment(CommitmentRef(FIRST, number=n)))
        assert c["ogp_id"] == f"GBGLG000{n}"
        assert c["themes"], f"commitment {n} lands on no theme"
        assert sorted(c["leads"]) == ["Glasgow City Council", "Glasgow Third Sector Interface Network"]
    assert (commitments[1]["start"], commitments[1]["end"]) == ("2022-03", "2023-09")
    assert commitments[3]["title"] == "Co-creating an Open Data Hub"
    second = reader.get(str(ids.plan(SECOND)))
    assert second is not None and second["number"] == 2
    assert second["title"] == "Open Government Action Plan for Glasgow 2024-2027"
    assert second["status"] in ("in-development", "in development", "development")


def test_documents(store: GraphStore) -> None:
    documents = {d["url"]: d for d in EntityReader(store).list("Document")}
    news = documents["https://glasgow.gov.uk/index.aspx?articleid=26397"]
    assert news["title"] == "Glasgow Joins Global Partnership to Promote Open Government"
    assert news["date"] == "2020-10-20" and news["doc_type"] == "news release"
    inception = next(d for d in documents.values() if d["doc_type"] == "irm inception report")
    assert inception["authors"] == ["Des McNulty", "Professor Bridgette Wessels"]
    end_reports = [d for d in documents.values() if d["doc_type"] == "irm end of commitment report"]
    assert len(end_reports) == 2
    # Each end-of-commitment report is about its commitment.
    assert {a.rsplit("/", 1)[-1] for d in end_reports for a in d["about"]
            if "/commitment/" in a} == {"1", "2"}


def test_forum_named_by_the_inception_report(store: GraphStore) -> None:
    bodies = {b["title"]: b for b in EntityReader(store).list("Body")}
    forum = bodies["Glasgow Open Government Steering Group"]
    assert "Glasgow OGP Local Team" in forum["alt_names"]


def test_graph_validates(store: GraphStore) -> None:
    report = validate_store(store)
    assert report.conforms, report.text()


def test_redirect_is_followed_within_the_source(config: Config, replay: Any) -> None:
    """OGP answers a commitment URL without its trailing slash with a 301;
    read on its own, the commitment still finds its number in its plan."""
    url = f"{OGP}GBGLG0002"
    [result] = run_harvest(config, replay, SOURCE, urls=[url])
    assert result.outcome == "succeeded", result.reason
    assert result.errors == []
    with open_store(config) as reader:
        [commitment] = EntityReader(reader).list("Commitment")
    assert commitment["iri"] == str(ids.commitment(CommitmentRef(FIRST, number=2)))
    assert commitment["title"] == "Exploring an Open Digital Engagement Platform"


def test_not_found_is_an_error_of_its_own(config: Config, replay: Any) -> None:
    missing = "https://glasgow.gov.uk/article/9999/No-Such-Page"
    good = "https://glasgow.gov.uk/index.aspx?articleid=26397"
    [result] = run_harvest(config, replay, SOURCE, urls=[missing, good])
    assert result.outcome == "succeeded", result.reason
    assert [(e["url"], e["status"]) for e in result.errors] == [(missing, 404)]


def test_committee_agenda_is_a_meeting(tmp_path: Path, config: Config) -> None:
    """A committee's agenda page (committee system on its own host) gives the
    committee's meeting on that day with its agenda items."""
    from harvesters.replay import ReplayServer
    from hub.runner import derived_updates, harvest_source

    folder = tmp_path / "corpus" / SOURCE
    folder.mkdir(parents=True)
    url = "https://onlineservices.glasgow.gov.uk/councillorsandcommittees/Agenda.asp?meetingid=17700"
    (folder / "agenda.html").write_text(
        "<html lang='en'><head><title>City Administration Committee - 16 September 2021</title>"
        "</head><body><main><h1>City Administration Committee - 16 September 2021</h1>"
        "<ol><li>Declarations of interest</li><li>Open Government Action Plan for Glasgow"
        " 2021-2023</li></ol></main></body></html>")
    (folder / "manifest.json").write_text(json.dumps({"source": SOURCE, "responses": [
        {"url": url, "status": 200, "file": "agenda.html", "content_type": "text/html"}]}))
    with ReplayServer(tmp_path / "corpus") as server:
        result = harvest_source(config, config.source(SOURCE), rewrite=server.url, only_urls=[url],
                                after_write=derived_updates)
    assert result.outcome == "succeeded", result.reason
    with open_store(config) as reader:
        [meeting] = EntityReader(reader).list("Meeting")
    assert meeting["date"] == "2021-09-16"
    assert meeting["body"] == "City Administration Committee"


def test_replay_gives_each_source_its_own_recording(replay: Any) -> None:
    """The glasgow and ogp folders record OGP's page of Glasgow's plan
    differently; a harvest under replay gets its own source's recording."""
    import requests

    from harvesters.replay import SOURCE_HEADER

    path = "/documents/action-plan-glasgow-united-kingdom-2021-2022/"
    bodies = {}
    for source in ("glasgow", "ogp"):
        response = requests.get(replay.url + path, timeout=10, headers={
            "Host": "www.opengovpartnership.org", SOURCE_HEADER: source})
        assert response.status_code == 200
        bodies[source] = response.text
    assert bodies["glasgow"] == (CORPUS / SOURCE / "www.opengovpartnership.org" / path.strip("/")
                                 ).with_suffix(".html").read_text(encoding="utf-8")
    assert "commitment-list" in bodies["glasgow"] and "commitment-list" not in bodies["ogp"]
