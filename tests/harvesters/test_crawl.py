"""Following a source's pages: each URL read once, in the order asked for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harvesters import html
from harvesters.base import HarvestContext
from harvesters.crawl import Found, Frontier, crawl, read_one
from harvesters.http import Page
from harvesters.records import Document, Record
from hub.runner import make_client
from hub.settings import Config

ARCHIVE = "https://opengovernment.org.uk/countries/opengovni/page/4/"
POST = ("https://opengovernment.org.uk/2019/06/13/"
        "ni-open-government-network-blog-open-government-committments-for-northern-ireland/")


@pytest.fixture
def ctx(config: Config, replay) -> Iterator[HarvestContext]:
    source = config.source("ni")
    client = make_client(config, source, replay.url)
    try:
        yield HarvestContext(source=source, client=client)
    finally:
        client.close()


def test_the_frontier_hands_out_by_priority_then_in_the_order_queued(ctx: HarvestContext) -> None:
    frontier = Frontier(ctx, priority=lambda url: 0 if "plan" in url else 1)
    for url in ("https://opengovernment.org.uk/a", "https://opengovernment.org.uk/plan",
                "https://opengovernment.org.uk/b#part", "https://opengovernment.org.uk/a",
                "https://elsewhere.example/plan"):
        frontier.add(url)
    frontier.add("https://opengovernment.org.uk/first", priority=-1)
    visited: list[str] = []

    def visit(url: str) -> Iterator[Record]:
        visited.append(url)
        if url.endswith("/plan"):
            frontier.add("https://opengovernment.org.uk/later")  # queued while draining
        return iter(())

    list(frontier.drain(visit))
    assert visited == ["https://opengovernment.org.uk/first", "https://opengovernment.org.uk/plan",
                       "https://opengovernment.org.uk/a", "https://opengovernment.org.uk/b",
                       "https://opengovernment.org.uk/later"]
    assert ctx.links == {"https://elsewhere.example/plan"}  # recorded, never fetched


def _title(page: Page) -> Found:
    document = html.soup(page)
    return Found([Document(source_url=page.url, fetched_at=page.fetched_at, url=page.url,
                           title=html.heading(document))],
                 follow=[POST, POST + "#comments", "https://elsewhere.example/"])


def test_a_crawl_reads_each_page_once_and_stays_on_the_source(ctx: HarvestContext) -> None:
    records = list(crawl(ctx, _title, urls=[ARCHIVE, ARCHIVE]))
    assert [r.url for r in records if isinstance(r, Document)] == [ARCHIVE, POST]
    assert "https://elsewhere.example/" not in ctx.pages


def test_one_page_alone_follows_nothing(ctx: HarvestContext) -> None:
    records = list(read_one(ctx, ARCHIVE, _title))
    assert [r.url for r in records if isinstance(r, Document)] == [ARCHIVE]
    assert list(ctx.pages) == [ARCHIVE]
