"""One entity for one thing seen through several sources.

OGP's commitment pages and the nations' own pages must build the same keys,
so that OGP's identifier, assessment and policy areas join the nation's title,
lead and milestones on one IRI; each source's graph states its own facts about
that IRI, so re-harvesting one source never takes away what another gave.
"""

from __future__ import annotations

import dataclasses
import importlib.util

import pytest

from harvesters.records import CommitmentRef, PlanRef
from hub import ids
from hub.runner import harvest_source
from hub.store import open_store
from hub.validate import validate_store
from tests.conftest import CORPUS, run_harvest
from tests.harvesters.harvesting import entities, entity, fresh_config, harvest_sources
from tests.harvesters.scoring import load_expected, titles_match

SITE = "https://www.opengovpartnership.org"
GBSC0004 = f"{SITE}/members/scotland-united-kingdom/commitments/GBSC0004/"
SCOTLAND_2021_25 = PlanRef("scotland", 2021, 2025)
HAS_GOVSCOT = importlib.util.find_spec("harvesters.govscot") is not None


@pytest.fixture(scope="module")
def all_three(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "wni-all")
    harvest_sources(config, replay, "govwales", "ni", "ogp")
    return config


def test_ogp_lands_on_the_keys_the_nations_use(all_three):
    config = all_three
    by_id = {c["ogp_id"]: c for c in entities(config, "Commitment") if c.get("ogp_id")}
    # The UK's fourth plan as GOV.UK keys it (its period) and as OGP lists it.
    for n in range(1, 9):
        iri = str(ids.commitment(CommitmentRef(PlanRef("uk", 2019, 2021), n)))
        assert by_id[f"UK{89 + n:04d}"]["iri"] == iri
        assert iri == str(ids.commitment(CommitmentRef(PlanRef("uk", number=4), n)))
    # OGP's "2023-2025" is the register's 2024-2025 sixth plan.
    assert ids.plan(PlanRef("uk", 2023, 2025)) == ids.plan(PlanRef("uk", 2024, 2025))
    assert by_id["UK0107"]["plan"] == str(ids.plan(PlanRef("uk", 2024, 2025)))
    # Scotland's 2021-25 commitment 4, as gov.scot numbers it.
    govscot = load_expected(CORPUS, "govscot")["entities"]["Commitment"]
    fourth = next(c for c in govscot if c["number"] == 4)
    assert by_id["GBSC0004"]["iri"] == str(ids.commitment(CommitmentRef(SCOTLAND_2021_25, 4)))
    assert titles_match(fourth["title"], by_id["GBSC0004"]["title"])


def test_glasgow_commitments_on_ogp_are_the_plan_s_numbered_commitments(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "ogp-glasgow")
    urls = [f"{SITE}/members/glasgow-united-kingdom/commitments/GBGLG000{n}/" for n in range(1, 5)]
    [result] = run_harvest(config, replay, "ogp", urls=urls)
    assert result.outcome == "succeeded", result.reason
    glasgow = load_expected(CORPUS, "glasgow")["entities"]["Commitment"]
    plan = PlanRef("glasgow", 2021, 2023)
    for c in glasgow:
        found = entity(config, str(ids.commitment(CommitmentRef(plan, c["number"]))))
        assert found is not None, c["title"]
        assert found["ogp_id"] == f"GBGLG000{c['number']}"
        assert titles_match(c["title"], found["title"])


def _with_sources(config, iri: str) -> list[str]:
    found = entity(config, iri)
    return found["sources"] if found else []


def test_a_merge_keeps_both_sources_and_is_reversible(tmp_path_factory, replay):
    """Two sources state facts about one commitment; re-harvesting one of them
    without it leaves the other's facts; harvesting it again brings its own back."""
    config = fresh_config(tmp_path_factory, "reversible")
    ogp = config.source("ogp")
    local = dataclasses.replace(ogp, id="ogp-scotland", entry_points=(GBSC0004,), options={}, expect={})
    iri = str(ids.commitment(CommitmentRef(SCOTLAND_2021_25, 4)))
    for source in (ogp, local):
        assert harvest_source(config, source, rewrite=replay.url).outcome == "succeeded"
    assert _with_sources(config, iri) == ["ogp", "ogp-scotland"]

    without = dataclasses.replace(ogp, options={"documents": [
        u for u in ogp.options["documents"] if u != GBSC0004]})
    assert harvest_source(config, without, rewrite=replay.url).outcome == "succeeded"
    assert _with_sources(config, iri) == ["ogp-scotland"]
    assert entity(config, iri)["ogp_id"] == "GBSC0004"

    assert harvest_source(config, ogp, rewrite=replay.url).outcome == "succeeded"
    assert _with_sources(config, iri) == ["ogp", "ogp-scotland"]


@pytest.mark.skipif(not HAS_GOVSCOT, reason="the govscot harvester is not on this branch yet")
def test_scotland_2021_25_commitments_appear_once_with_both_sources(tmp_path_factory, replay):
    config = fresh_config(tmp_path_factory, "scotland")
    harvest_sources(config, replay, "govscot", "ogp")
    plan = str(ids.plan(SCOTLAND_2021_25))
    mine = [c for c in entities(config, "Commitment") if c.get("plan") == plan]
    numbers = [c["number"] for c in mine]
    assert all(n is not None for n in numbers), [c["iri"] for c in mine if c["number"] is None]
    assert len(numbers) == len(set(numbers))
    expected = load_expected(CORPUS, "govscot")["entities"]["Commitment"]
    assert {c["number"] for c in expected} <= set(numbers)
    fourth = next(c for c in mine if c["number"] == 4)
    assert fourth["sources"] == ["govscot", "ogp"]
    assert fourth["ogp_id"] == "GBSC0004"
    # Re-harvesting OGP without that commitment leaves gov.scot's facts in
    # place; harvesting it again brings OGP's back.
    before = entity(config, fourth["iri"])
    ogp = config.source("ogp")
    without = dataclasses.replace(ogp, options={"documents": [
        u for u in ogp.options["documents"] if u != GBSC0004]})
    assert harvest_source(config, without, rewrite=replay.url).outcome == "succeeded"
    after = entity(config, fourth["iri"])
    assert after["sources"] == ["govscot"]
    assert after["title"] == before["title"] and after["ogp_id"] is None
    assert harvest_source(config, ogp, rewrite=replay.url).outcome == "succeeded"
    assert entity(config, fourth["iri"]) == before


def test_every_commitment_of_every_source_lands_on_a_theme(all_three):
    missing = [(c["sources"], c["title"]) for c in entities(all_three, "Commitment") if not c["themes"]]
    for sources, title in missing:
        print(f"no theme: {sources} {title}")
    assert not missing


def test_the_graph_validates_after_harvesting(all_three):
    with open_store(all_three) as store:
        report = validate_store(store)
    print(report.text())
    assert report.conforms, report.text()
