"""Thematic groups: seed 000, with their civil society leads and start dates."""

from __future__ import annotations

import datetime as dt
import json

from harvesters.extract.context import Context
from harvesters.extract.groups import extract_thematic_groups
from hub import ids
from tests.conftest import CORPUS
from tests.harvesters.extract.conftest import FETCHED, corpus_document, seed, seed_context


def page_date() -> dt.date:
    """The page the seed was taken from was last modified on this day (its
    dates are written without a year)."""
    return dt.date.fromisoformat(str(corpus_document("ukogn", "000")["modified"]))


def seed_groups():
    return extract_thematic_groups(seed("000"), seed_context("000", jurisdiction="uk", published=page_date()))


def test_seed_000_thematic_groups_with_leads_and_start_dates() -> None:
    groups = seed_groups()
    found = {g.title: (g.lead, g.start.iso() if g.start else None) for g in groups}
    assert found == {
        "Open Contracting (Procurement)": ("Ruairi Macdonald", "2021-05-05"),
        "Open Health": ("Mor Rubenstein", "2021-05-06"),
        "Open Justice": ("Natalie Byrom", "2021-05-10"),
        "Data Ethics (Algorithmic Transparency)": ("Peter Wells", "2021-05-20"),
        "Climate Change / Natural Resources (Open Environment)": (None, "2021-07-01"),
        "Public Standards and Accountability": (None, None),
        "Freedom of Information": (None, None),
        "Misinformation": (None, None),
        "Democracy": (None, None),
    }
    # the groups work on "the UK's next National Action Plan": the fifth, in June 2021
    assert {str(ids.plan(g.plan)) for g in groups} == {"https://w3id.org/ogh/id/plan/uk/2021-2023"}  # type: ignore[arg-type]
    assert all(g.jurisdiction == "uk" for g in groups)


def test_the_same_page_as_html() -> None:
    path = CORPUS / "ukogn/wp-json/wp/v2/pages--slug-take-action.json"
    [page] = json.loads(path.read_text(encoding="utf-8"))
    ctx = Context(source_url=page["link"], fetched_at=FETCHED, jurisdiction="uk", published=page_date())
    html_groups = extract_thematic_groups(page["content"]["rendered"], ctx)
    def fields(groups):
        return [(g.title, g.lead, g.start) for g in groups]

    assert fields(html_groups) == fields(seed_groups())


def test_lists_that_are_not_groups() -> None:
    ctx = seed_context("003", jurisdiction="uk")
    assert extract_thematic_groups(seed("003"), ctx) == []
    assert extract_thematic_groups(seed("001"), ctx) == []
