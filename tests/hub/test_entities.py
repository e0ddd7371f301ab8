"""Entities as JSON: where sources state different titles and pages for one
entity, the best-ranked source's come first."""

from __future__ import annotations

import datetime as dt

from harvesters import records as r
from hub import ids
from hub.entities import EntityReader, source_priorities
from hub.mapping import map_records
from hub.settings import load_config

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
PLAN = r.PlanRef("uk", number=6)


def plan(url: str, title: str) -> r.Plan:
    return r.Plan(source_url=url, fetched_at=NOW, ref=PLAN, title=title)


def test_best_ranked_source_gives_title_and_page(writer) -> None:
    forum = plan("https://forum.example/t/1", "A forum's name")
    official = plan("https://www.gov.uk/nap6", "The official name")
    writer.replace_graphs({
        str(ids.source_graph("zz-forum")): map_records([forum]),
        str(ids.source_graph("aa-official")): map_records([official]),
    })
    ranked = EntityReader(writer, {"aa-official": 1, "zz-forum": 4}).list("ActionPlan")[0]
    assert ranked["title"] == "The official name" and ranked["url"] == "https://www.gov.uk/nap6"
    reversed_ = EntityReader(writer, {"aa-official": 9, "zz-forum": 1}).list("ActionPlan")[0]
    assert reversed_["title"] == "A forum's name" and reversed_["url"] == "https://forum.example/t/1"
    assert ranked["sources"] == ["aa-official", "zz-forum"]


def test_configured_priorities_put_publishers_first() -> None:
    priorities = source_priorities(load_config(environ={}))
    assert priorities["govuk"] < priorities["ogp"] < priorities["ukogn"] < priorities["ukogn-forum"]
