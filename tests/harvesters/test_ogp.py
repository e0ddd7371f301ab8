"""The Open Government Partnership harvester against the recorded corpus."""

from __future__ import annotations

import dataclasses

import pytest

from harvesters import html, ogp
from harvesters.records import CommitmentRef, PlanRef
from hub import ids
from hub.reconcile import number_in_series, plan_for_cycle
from hub.runner import harvest_source
from hub.store import open_store
from tests.conftest import CORPUS, run_harvest
from tests.harvesters.harvesting import entities, entity, fresh_config, harvest_sources
from tests.harvesters.scoring import assert_scores, load_expected
from vocab import OGH
from vocab.concepts import resolve_theme

EXPECTED = load_expected(CORPUS, "ogp")
SITE = "https://www.opengovpartnership.org"


@pytest.fixture(scope="module")
def harvested(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ogp")
    results = harvest_sources(config, replay, "ogp")
    return config, results["ogp"]


def test_plans_and_commitments_match_the_ground_truth(harvested):
    config, _ = harvested
    with open_store(config) as store:
        assert_scores(store, CORPUS, "ogp")


def _by_ogp_id(config) -> dict[str, dict]:
    return {c["ogp_id"]: c for c in entities(config, "Commitment") if c.get("ogp_id")}


def test_every_expected_identifier_is_on_one_commitment_of_its_plan(harvested):
    config, _ = harvested
    found = _by_ogp_id(config)
    for c in EXPECTED["entities"]["Commitment"]:
        if "external_id" not in c:
            continue
        assert c["external_id"] in found, c["external_id"]
        assert "/commitment/id-" not in found[c["external_id"]]["iri"], "numbered in its plan"
    assert len({c["iri"] for c in found.values()}) == len(found)


def test_irm_assessment_and_policy_areas(harvested):
    config, _ = harvested
    with open_store(config) as store:
        def values(identifier: str, prop) -> set[str]:
            rows = store.select(
                f"""SELECT ?v WHERE {{ ?c <{OGH.ogpIdentifier}> "{identifier}" ; <{prop}> ?v }}""")
            return {str(r["v"]) for r in rows}

        assert values("UK0107", OGH.irmVerifiable) == {"true"}
        assert values("UK0107", OGH.irmPotentialImpact) == {"High"}
        assert values("UK0107", OGH.irmRelevance) == {"Yes"}
        assert values("UK0107", OGH.irmCompletion) == {"Pending IRM Review"}
        assert values("SCO0001", OGH.irmVerifiable) == {"false"}
        # "Pending IRM Review" is not a yes or a no
        assert values("UK0096", OGH.irmVerifiable) == set()
        assert values("UK0096", OGH.irmStarred) == set()
        assert values("UK0096", OGH.irmPotentialImpact) == {"Pending IRM Review"}
        assert values("GBSC0004", OGH.ogpValue) == {"Access to information", "Civic Participation",
                                                    "Public Accountability"}
    found = _by_ogp_id(config)
    uk0107 = next(c for c in EXPECTED["entities"]["Commitment"] if c.get("external_id") == "UK0107")
    assert set(found["UK0107"]["theme_labels"]) == set(uk0107["policy_areas"])
    assert found["UK0107"]["leads"] == ["Cabinet Office"]
    assert found["GBSC0004"]["start"] == "2021-11" and found["GBSC0004"]["end"] == "2025-11"


def test_ogp_names_are_labels_so_a_publisher_title_stays_the_title(harvested):
    config, _ = harvested
    with open_store(config) as store:
        titles = store.select(f"""SELECT ?s WHERE {{ GRAPH <{ids.source_graph('ogp')}> {{
            ?s a ?k ; <http://purl.org/dc/terms/title> ?t .
            VALUES ?k {{ <{OGH.ActionPlan}> <{OGH.Commitment}> }} }} }}""")
    assert titles == []
    plan = entity(config, str(ids.plan(PlanRef("uk", 2024, 2025))))
    assert plan["title"] == "United Kingdom Action Plan 2023-2025 (December)"


def test_member_lists_agree_with_the_register_series(replay, tmp_path_factory):
    """The register's first identifiers (vocab/plans.csv ogp_first) give the
    same numbers as the order of the UK member page's list."""
    page = (CORPUS / "ogp" / "members" / "united-kingdom.html").read_text(encoding="utf-8")
    document = html.soup(page)
    listed = ogp._listed(document, f"{SITE}/members/united-kingdom/")
    position: dict[int, int] = {}
    checked = 0
    for entry in listed:
        plan = plan_for_cycle("uk", entry.year)
        position[entry.year] = position.get(entry.year, 0) + 1
        series = number_in_series(entry.identifier, plan)
        if series is not None:
            assert series == position[entry.year], entry.identifier
            checked += 1
    assert checked == len(listed) == 17


def test_the_irm_data_file_numbers_the_second_plan(harvested):
    config, _ = harvested
    plan = PlanRef("uk", number=2)
    for c in EXPECTED["entities"]["Commitment"]:
        if c.get("action_plan_number") == 2:
            found = entity(config, str(ids.commitment(CommitmentRef(plan, c["number"]))))
            assert found is not None and found["title"] == c["title"]
            assert "ogp" in found["sources"]


def test_every_policy_area_of_the_glossary_is_in_the_theme_scheme(harvested):
    """The glossary is the source of the common theme scheme: every policy area
    it lists (and every one seen on commitment pages) resolves onto a theme."""
    config, _ = harvested
    glossary = [d for d in entities(config, "Document") if d.get("doc_type") == "glossary"]
    assert len(glossary) == 2
    names = {line.split(":")[0] for d in glossary for line in (d["text"] or "").splitlines()}
    for page in EXPECTED["entities"]["Document"]:
        if page.get("policy_areas"):
            assert set(page["policy_areas"]) <= names
    names |= set(EXPECTED["policy_areas_confirmed"]["names"])
    for c in EXPECTED["entities"]["Commitment"]:
        names |= set(c.get("policy_areas") or [])
    missing = sorted(n for n in names if not resolve_theme(n))
    assert not missing, f"policy areas with no theme in vocab/themes.ttl: {missing}"


def test_a_redirect_is_followed_and_a_guessed_commitment_404_is_recorded(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ogp-errors")
    source = config.source("ogp")
    guessed = f"{SITE}/members/united-kingdom/commitments/UK0999/"
    source = dataclasses.replace(source, options={
        **source.options, "documents": [*source.options["documents"], guessed]})
    result = harvest_source(config, source, rewrite=replay.url)
    assert result.outcome == "succeeded", result.reason
    errors = {e["url"]: e for e in result.errors}
    assert errors[guessed]["status"] == 404
    redirect = EXPECTED["expected_redirects"][0]
    assert redirect["from"] not in errors
    member = [b for b in entities(config, "Body") if b["title"] == "United Kingdom"]
    assert member and "ogp" in member[0]["sources"]


def test_one_commitment_page_alone_keys_into_its_plan(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ogp-url")
    url = f"{SITE}/members/united-kingdom/commitments/UK0096/"
    [result] = run_harvest(config, replay, "ogp", urls=[url])
    assert result.outcome == "succeeded", result.reason
    iri = ids.commitment(CommitmentRef(PlanRef("uk", 2019, 2021), 7))
    found = entity(config, str(iri))
    assert found["ogp_id"] == "UK0096"
    assert found["status"] is not None
