"""Co-creation timelines: seed 001 (the sixth plan, dated lines under stage
headings) and seed 004 (the 2013-15 plan, stages with month ranges)."""

from __future__ import annotations

import datetime as dt
import json

from harvesters.extract.context import Context
from harvesters.extract.timeline import extract_timeline, stage_of
from harvesters.records import STAGES, PartialDate
from hub import ids
from tests.conftest import CORPUS
from tests.harvesters.extract.conftest import FETCHED, seed, seed_context


def test_seed_001_sixth_plan_timeline() -> None:
    events = extract_timeline(seed("001"), seed_context("001", jurisdiction="uk"))
    assert {str(ids.plan(e.plan)) for e in events} == {"https://w3id.org/ogh/id/plan/uk/2024-2025"}
    in_range = [e for e in events if dt.date(2023, 1, 1) <= e.date.value <= dt.date(2024, 1, 31)]
    assert len(in_range) >= 10
    assert all(e.stage in STAGES for e in events)
    by_date = {e.date.iso(): e for e in events}
    assert by_date["2023-01-18"].stage == "planning"
    assert by_date["2023-02-21"].stage == "planning"
    assert by_date["2023-06-16"].stage == "development"
    assert by_date["2023-06-16"].date.precision == "day"  # written 16/06/23
    assert by_date["2023-12-18"].stage == "publication"  # "published on Monday 18th December 2023"
    # "Wednesday 24th January", no year: after December 2023, and a Wednesday in 2024
    assert by_date["2024-01-24"].stage == "reasoned-response-and-finalisation"
    assert min(e.date.value for e in events) == dt.date(2023, 1, 18)


def test_the_nap6_page_as_html_gives_the_same_timeline() -> None:
    [page] = json.loads((CORPUS / "ukogn/wp-json/wp/v2/pages--slug-nap6.json").read_text(encoding="utf-8"))
    ctx = Context(source_url=page["link"], fetched_at=FETCHED, jurisdiction="uk",
                  title=page["title"]["rendered"], published=dt.date(2024, 1, 8))
    html_events = extract_timeline(page["content"]["rendered"], ctx)
    text_events = extract_timeline(seed("001"), seed_context("001", jurisdiction="uk"))
    assert [(e.date, e.stage) for e in html_events] == [(e.date, e.stage) for e in text_events]


def test_seed_004_four_stages_with_month_ranges() -> None:
    events = extract_timeline(seed("004"), seed_context("004", jurisdiction="uk"))
    assert {str(ids.plan(e.plan)) for e in events} == {"https://w3id.org/ogh/id/plan/uk/2013-2015"}
    stages = [(e.title, e.date, e.end, e.stage) for e in events if e.end is not None]
    m = PartialDate.parse
    assert stages == [
        ("Formation of the civil society network", m("2012-04"), m("2012-10"), "planning"),
        ("Early meetings with the Government", m("2012-11"), m("2013-01"), "planning"),
        ("Draft National Action Plan", m("2013-02"), m("2013-06"), "development"),
        ("Finalising the National Action Plan", m("2013-07"), m("2013-10"),
         "reasoned-response-and-finalisation"),
    ]
    assert all(start.precision == end.precision == "month" for _, start, end, _ in stages)
    # dated steps inside a stage take its stage
    met = next(e for e in events if e.date == m("2012-10-11"))
    assert met.stage == "planning"


def test_stage_names() -> None:
    assert stage_of("Planning for the process") == "planning"
    assert stage_of("Outreach") == "outreach"
    assert stage_of("Action plan development – Analysing Inputs") == "development"
    assert stage_of("Reasoned response and finalisation") == "reasoned-response-and-finalisation"
    assert stage_of("Early meetings with the Government") is None


def test_documents_without_a_timeline() -> None:
    assert extract_timeline(seed("003"), seed_context("003", jurisdiction="uk")) == []
    assert extract_timeline(seed("000"), seed_context("000", jurisdiction="uk")) == []
