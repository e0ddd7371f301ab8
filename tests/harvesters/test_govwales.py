"""The gov.wales / llyw.cymru harvester against the recorded corpus."""

from __future__ import annotations

import dataclasses

import pytest
from rdflib import Literal

from harvesters.records import CommitmentRef, PlanRef
from harvesters.replay import Fault
from hub import ids
from hub.runner import harvest_source
from hub.store import open_store
from tests.conftest import CORPUS, run_harvest
from tests.harvesters.harvesting import entity, fresh_config, harvest_sources
from tests.harvesters.scoring import assert_scores, load_expected
from vocab import DCTERMS, OGH, PROV

EXPECTED = load_expected(CORPUS, "govwales")


@pytest.fixture(scope="module")
def harvested(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "govwales")
    results = harvest_sources(config, replay, "govwales")
    return config, results["govwales"]


def test_plans_commitments_and_meetings_match_the_ground_truth(harvested):
    config, _ = harvested
    with open_store(config) as store:
        assert_scores(store, CORPUS, "govwales")


def _titles(config, iri: str) -> dict[str, str]:
    with open_store(config) as store:
        rows = store.select(f"SELECT ?t WHERE {{ <{iri}> <{DCTERMS.title}> ?t }}")
    return {r["t"].language: str(r["t"]) for r in rows}


@pytest.mark.parametrize("pair", EXPECTED["language_pairs"], ids=lambda p: p[0].rsplit("/", 1)[-1][:40])
def test_welsh_and_english_twins_are_one_document_with_a_title_in_each_language(harvested, pair):
    config, _ = harvested
    english, welsh = pair
    titles = _titles(config, str(ids.document(english)))
    assert set(titles) == {"en", "cy"}, titles
    with open_store(config) as store:
        # No second entity for the Welsh URL: it is a page of the one document.
        assert not store.select(f"SELECT ?p WHERE {{ <{ids.document(welsh)}> ?p ?o }} LIMIT 1")
        pages = {str(r["p"]) for r in store.select(
            f"SELECT ?p WHERE {{ <{ids.document(english)}> <http://xmlns.com/foaf/0.1/page> ?p }}")}
    assert {english, welsh} <= pages


def test_the_plan_and_its_commitments_carry_both_languages(harvested):
    config, _ = harvested
    plan = PlanRef("wales", 2016, 2018)
    titles = _titles(config, str(ids.plan(plan)))
    assert titles["en"] == ("UK Open Government National Action Plan 2016 to 2018: "
                            "Welsh Government commitments")
    assert titles["cy"].startswith("Cynllun Gweithredu Cenedlaethol Llywodraeth Agored y DU 2016-18")
    first = _titles(config, str(ids.commitment(CommitmentRef(plan, 1))))
    assert first == {"en": "Open data plan", "cy": "Cynllun data agored"}
    # The 2019-21 themes: each commitment has its Welsh name from the Welsh statement.
    for c in EXPECTED["entities"]["Commitment"]:
        if c["key"].startswith("WG-2019-21") and c.get("title_cy"):
            iri = ids.commitment(CommitmentRef(PlanRef("wales", 2019, 2021), c["number"]))
            assert _titles(config, str(iri)) == {"en": c["title"], "cy": c["title_cy"]}


def test_the_progress_report_gives_status_and_the_plan_its_dates(harvested):
    config, _ = harvested
    plan = PlanRef("wales", 2022, 2024)
    first = entity(config, str(ids.commitment(CommitmentRef(plan, 1))))
    assert first is not None and first["status"] is not None
    assert "digital solutions" in first["description"]
    found = entity(config, str(ids.plan(plan)))
    assert found["published"] == "2022-02"
    assert found["title"] == "Welsh Government open government commitments 2022 to 2024"


def test_meeting_notes_give_the_meeting_on_its_day(harvested):
    config, _ = harvested
    expected = EXPECTED["entities"]["Meeting"][0]
    with open_store(config) as store:
        rows = store.select(f"SELECT ?m WHERE {{ ?m a <{OGH.Meeting}> ; <{DCTERMS.date}> ?d . "
                            f"FILTER(str(?d) = '{expected['date']}') }}")
    assert len(rows) == 1
    found = entity(config, str(rows[0]["m"]))
    assert found["body_iri"] == f"{ids.ID}body/wales/open-government-network"


def test_redirects_within_the_hosts_are_followed(harvested, replay):
    config, result = harvested
    for redirect in EXPECTED["expected_redirects"]:
        assert not any(e["url"] == redirect["from"] for e in result.errors)
        with open_store(config) as store:
            derived = store.ask(f"ASK {{ GRAPH <{ids.source_graph('govwales')}> "
                                f"{{ ?s <{PROV.wasDerivedFrom}> <{redirect['to']}> }} }}")
        assert derived, f"nothing derived from {redirect['to']} (reached from {redirect['from']})"


def test_a_404_is_recorded_and_the_source_still_succeeds(harvested):
    _, result = harvested
    assert result.outcome == "succeeded"
    for error in EXPECTED["expected_errors"]:
        assert {"url": error["url"], "status": error["status"], "reason": "HTTP 404"} in result.errors


def test_a_redirect_off_the_source_hosts_is_refused(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "govwales-offsite")
    url = "https://www.gov.wales/node/60580"
    replay.inject(url, Fault(kind="redirect", status=301, location="https://example.org/elsewhere"))
    try:
        [result] = run_harvest(config, replay, "govwales")
    finally:
        replay.clear_faults()
    assert result.outcome == "succeeded"
    [error] = [e for e in result.errors if e["url"] == url]
    assert "outside the source's hosts" in error["reason"]


def test_one_welsh_page_alone_lands_on_the_english_entity(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "govwales-url")
    welsh = EXPECTED["language_pairs"][1][1]
    [result] = run_harvest(config, replay, "govwales", urls=[welsh])
    assert result.outcome == "succeeded", result.reason
    english = EXPECTED["language_pairs"][1][0]
    with open_store(config) as store:
        titles = {r["t"] for r in store.select(
            f"SELECT ?t WHERE {{ <{ids.document(english)}> <{DCTERMS.title}> ?t }}")}
    assert titles == {Literal("Cynllun Gweithredu Cenedlaethol Llywodraeth Agored y DU 2016-18: "
                              "ymrwymiadau Llywodraeth Cymru", lang="cy")}


def test_a_known_document_that_fails_does_not_fail_the_source(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "govwales-500", http__retries=0)
    url = "https://www.gov.wales/node/60580"
    replay.inject(url, Fault(kind="status", status=500))
    try:
        source = dataclasses.replace(config.source("govwales"), expect={})
        result = harvest_source(config, source, rewrite=replay.url)
    finally:
        replay.clear_faults()
    assert result.outcome == "succeeded", result.reason
    assert any(e["url"] == url and e["status"] == 500 for e in result.errors)
    # The rest of the source is there: the other plans and the report's commitments are not.
    assert entity(config, str(ids.plan(PlanRef("wales", 2016, 2018)))) is not None
    assert entity(config, str(ids.document(url))) is None
