"""What issue 3 asks the UK harvesters to show, over the recorded corpus:

- recall >= 0.9 and precision >= 0.95 against every UK ``expected.json`` for
  action plans, commitments and meetings (printed per source and kind);
- a second harvest of the unchanged corpus fetches nothing in full and leaves
  the graph isomorphic;
- a source answering 500, timing out, or sending malformed JSON, HTML or XML
  keeps its previous graph, and ``ogh sources`` shows why;
- ``ogh validate`` is clean after harvesting the whole UK corpus;
- ``ogh harvest SOURCE --url URL`` reads that one page and removes nothing else;
- the same plan reached through GOV.UK and the network's site is one IRI whose
  provenance names both sources.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass

import pytest
from rdflib.compare import isomorphic

from harvesters.records import CommitmentRef, PlanRef
from harvesters.replay import Fault
from hub import ids
from hub.cli import main
from hub.store import open_store
from tests.conftest import CORPUS
from tests.harvesters.harvesting import entity
from tests.harvesters.scoring import assert_scores
from tests.harvesters.uk import (
    UK_SOURCES,
    fresh_config,
    harvest,
    harvest_ok,
    requested,
    source_graph,
)
from vocab import PROV

# ------------------------------------------------------------------- scores


@pytest.mark.parametrize("source", UK_SOURCES)
def test_recall_and_precision_against_the_ground_truth(tmp_path, replay, source) -> None:
    config = fresh_config(tmp_path)
    harvest_ok(config, replay, source)
    with open_store(config) as store:
        assert_scores(store, CORPUS, source)


# ------------------------------------------------------- incremental harvests


def test_second_harvest_of_unchanged_corpus_fetches_nothing(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    first = harvest_ok(config, replay, *UK_SOURCES)
    before = {s: source_graph(config, s) for s in UK_SOURCES}
    for source, result in zip(UK_SOURCES, first, strict=True):
        assert result.fetched > 0 and len(before[source]) > 0, source

    second = harvest_ok(config, replay, *UK_SOURCES)
    asked = requested(replay)
    assert asked, "the second harvest asks whether anything changed"
    assert all(status == 304 for _, status in asked), [a for a in asked if a[1] != 304]
    for source, result in zip(UK_SOURCES, second, strict=True):
        assert result.outcome == "unchanged" and result.fetched == 0, source
        assert isomorphic(before[source], source_graph(config, source)), source

    # Forget that the runs were unchanged: everything is parsed again from the
    # stored bodies (every request still answered 304) into the same graphs.
    shutil.rmtree(config.data_dir / "cache" / "runs")
    third = harvest_ok(config, replay, *UK_SOURCES)
    # 304s, and 404s for what the recording lacks (an absent page has no body to fetch).
    assert {status for _, status in requested(replay)} <= {304, 404}
    for source, result in zip(UK_SOURCES, third, strict=True):
        assert result.outcome == "succeeded" and result.fetched == 0, source
        assert isomorphic(before[source], source_graph(config, source)), source


# -------------------------------------------------------------------- faults


@dataclass
class Case:
    name: str
    source: str
    url: str
    fault: Fault
    reason: str  # what ogh sources must say about the URL


ENTRY = {
    "govuk": "https://www.gov.uk/api/content/government/collections/uk-national-action-plans-for-open-government",
    "nap6": "https://www.gov.uk/api/content/government/publications/uk-national-action-plan-for-open-"
            "government-2024-2025/uk-national-action-plan-for-open-government-2024-2025",
    "ukogn-feed": "https://opengovernment.org.uk/feed/",
    "ukogn-page": "https://opengovernment.org.uk/wp-json/wp/v2/pages?slug=nap6",
    "forum-rss": "https://discuss.opengovernment.org.uk/latest.rss",
    "forum-topic": "https://discuss.opengovernment.org.uk/t/read-out-from-the-april-multi-stakeholder-"
                   "forum/2500.json",
}
ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>Database Error</title></head><body>"
              b"<h1>Error establishing a database connection</h1></body></html>")

CASES = [
    Case("500", "govuk", ENTRY["govuk"], Fault(kind="status", status=500), "HTTP 500"),
    Case("timeout", "ukogn", ENTRY["ukogn-feed"], Fault(kind="delay", seconds=3.0), "timed out"),
    Case("malformed-json", "govuk", ENTRY["nap6"], Fault(kind="malformed"), "malformed JSON"),
    Case("truncated", "ukogn-forum", ENTRY["forum-topic"], Fault(kind="truncated"), "connection broke"),
    Case("html-instead-of-json", "ukogn", ENTRY["ukogn-page"],
         Fault(kind="body", body=ERROR_PAGE, content_type="text/html; charset=UTF-8"), "text/html"),
    Case("malformed-xml", "ukogn-forum", ENTRY["forum-rss"],
         Fault(kind="body", body=(CORPUS / "ukogn-forum" / "latest.rss").read_bytes()[:3000],
               content_type="application/rss+xml"), "malformed XML"),
    Case("malformed-xml-feed", "ukogn", ENTRY["ukogn-feed"],
         Fault(kind="malformed", content_type="application/rss+xml"), "malformed XML"),
]


def _sources_json(config, monkeypatch, capsys) -> dict[str, dict]:
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    capsys.readouterr()
    assert main(["sources", "--json"]) == 0
    return {s["id"]: s for s in json.loads(capsys.readouterr().out)}


def _sources_text(config, monkeypatch, capsys) -> str:
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    capsys.readouterr()
    assert main(["sources"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_broken_answer_keeps_the_previous_graph_and_says_why(tmp_path, replay, monkeypatch, capsys,
                                                             case: Case) -> None:
    config = fresh_config(tmp_path, **{"http.read_timeout": 0.5})
    harvest_ok(config, replay, case.source)
    before = source_graph(config, case.source)
    replay.inject(case.url, case.fault)
    try:
        [result] = harvest(config, replay, case.source)
    finally:
        replay.clear_faults()
    assert any(url == case.url for url, _ in requested(replay)), "the fault was met"
    assert isomorphic(before, source_graph(config, case.source))

    last = _sources_json(config, monkeypatch, capsys)[case.source]["last_run"]
    assert last["outcome"] == result.outcome
    mine = [e for e in last["errors"] if e["url"] == case.url]
    assert mine, last["errors"]
    assert case.reason in mine[0]["reason"] + f" HTTP {mine[0]['status']}"
    assert "last good copy was used" in mine[0]["reason"]
    text = _sources_text(config, monkeypatch, capsys)
    assert case.url in text and case.reason.split()[-1] in text

    # Once the source answers again, the next harvest asks again and is whole.
    [after] = harvest_ok(config, replay, case.source)
    assert not after.errors or all(e["url"] != case.url for e in after.errors)
    assert isomorphic(before, source_graph(config, case.source))


def test_a_source_that_answers_500_everywhere_keeps_its_graph(tmp_path, replay, monkeypatch,
                                                              capsys) -> None:
    config = fresh_config(tmp_path)
    [first] = harvest_ok(config, replay, "ukogn")
    before = source_graph(config, "ukogn")
    state = json.loads((config.data_dir / "cache" / "runs" / "ukogn.json").read_text())
    for url in state["urls"]:
        replay.inject(url, Fault(kind="status", status=500))
    try:
        [result] = harvest(config, replay, "ukogn")
    finally:
        replay.clear_faults()
    assert result.outcome == "failed" and "could not be reached" in (result.reason or "")
    assert isomorphic(before, source_graph(config, "ukogn"))
    status = _sources_json(config, monkeypatch, capsys)["ukogn"]
    assert status["last_run"]["outcome"] == "failed"
    assert dt.datetime.fromisoformat(status["last_success"]["ended"]) == first.ended
    assert status["triples"] == len(before)
    text = _sources_text(config, monkeypatch, capsys)
    assert "could not be reached" in text and "keeps the graph of" in text


def test_a_first_harvest_whose_entry_point_fails_writes_no_graph(tmp_path, replay, monkeypatch,
                                                               capsys) -> None:
    config = fresh_config(tmp_path)
    replay.inject(ENTRY["govuk"], Fault(kind="status", status=503))
    try:
        [result] = harvest(config, replay, "govuk")
    finally:
        replay.clear_faults()
    assert result.outcome == "failed" and ENTRY["govuk"] in (result.reason or "")
    assert len(source_graph(config, "govuk")) == 0
    assert "entry point" in _sources_text(config, monkeypatch, capsys)


# ----------------------------------------------------------------- validate


def test_validate_is_clean_after_the_whole_uk_corpus(tmp_path, replay, monkeypatch, capsys) -> None:
    config = fresh_config(tmp_path)
    harvest_ok(config, replay, *UK_SOURCES)
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    capsys.readouterr()
    code = main(["validate", "--json"])
    report = json.loads(capsys.readouterr().out)
    violations = [f for f in report["findings"] if f["severity"] == "Violation"]
    assert code == 0 and report["conforms"] and not violations, violations[:5]


# -------------------------------------------------------------- one URL only


def test_harvest_one_url_without_discovery_removes_nothing(tmp_path, replay, monkeypatch, capsys) -> None:
    config = fresh_config(tmp_path)
    harvest_ok(config, replay, "govuk")
    before = source_graph(config, "govuk")
    page = ("https://www.gov.uk/government/publications/uk-national-action-plan-for-open-government-"
            "2024-2025/uk-national-action-plan-for-open-government-2024-2025")
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    capsys.readouterr()
    code = main(["harvest", "govuk", "--url", page, "--replay", str(CORPUS), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0, summary
    [run] = summary["runs"]
    assert run["mode"] == "urls" and run["outcome"] == "succeeded"
    assert run["documents"]["fetched"] + run["documents"]["not_modified"] == 1  # that page alone
    after = source_graph(config, "govuk")
    assert set(before) <= set(after)  # nothing removed
    assert isomorphic(before, after)  # and, the page being unchanged, nothing added

    # Through the session's replay server, to see what was asked for.
    harvest_ok(config, replay, "govuk", urls=[page])
    assert [url for url, _ in requested(replay)] == [ENTRY["nap6"]]


# ------------------------------------------------------- one plan, two sources


def test_same_plan_and_commitments_through_two_sources_are_one_entity(tmp_path, replay) -> None:
    config = fresh_config(tmp_path)
    harvest_ok(config, replay, *UK_SOURCES)
    nap6 = ids.plan(PlanRef("uk", 2024, 2025))
    assert ids.plan(PlanRef("uk", number=6)) == nap6
    plan = entity(config, nap6)
    assert plan is not None and plan["sources"] == ["govuk", "ukogn", "ukogn-forum"]
    with open_store(config) as store:
        rows = store.select(f"SELECT ?g ?u WHERE {{ GRAPH ?g {{ <{nap6}> <{PROV.wasDerivedFrom}> ?u }} }}")
    derived = {str(r["g"]).rsplit("/", 1)[-1]: str(r["u"]) for r in rows}
    assert set(derived) == set(UK_SOURCES)
    assert "www.gov.uk" in derived["govuk"] and "opengovernment.org.uk" in derived["ukogn"]

    plans = [p for p in (entity(config, ids.plan(PlanRef("uk", y, y + 2))) for y in (2019,)) if p]
    assert plans and plans[0]["sources"] == ["govuk", "ukogn"]
    for number in range(1, 9):  # the network's resource page numbers NAP4's commitments as GOV.UK does
        found = entity(config, ids.commitment(CommitmentRef(PlanRef("uk", 2019, 2021), number)))
        assert found is not None and found["sources"] == ["govuk", "ukogn"], number
