"""Following a source's pages from its entry points: each URL read once.

Two ways, for two kinds of site. :func:`crawl` reads pages in the order they
are found, for harvesters whose pages say on their own what they are (a page
gives its records and the links to read next, as :class:`Found`). A
:class:`Frontier` hands out URLs by priority, for harvesters whose keys
depend on what other pages said first (a plan's page before its commitments'
pages, which take their numbers from the plan's list).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from harvesters.base import HarvestContext
from harvesters.http import Page
from harvesters.records import Record


@dataclass
class Found:
    """What one page gave: its records, and the links to read next."""

    records: list[Record] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)


def start_urls(ctx: HarvestContext) -> list[str]:
    """Where a harvest starts: the source's entry points, then the known
    documents no listing reaches (``options.documents``)."""
    return [*ctx.source.entry_points, *ctx.source.options.get("documents", [])]


def crawl(ctx: HarvestContext, read: Callable[[Page], Found],
          urls: Iterable[str] | None = None) -> Iterator[Record]:
    """The records of every page reached from ``urls`` (by default the
    source's :func:`start_urls`), in the order found. Each URL is read once,
    also when it redirects to a page already read; links to other hosts are
    not followed. A page that fails is recorded as its own error."""
    queue = list(start_urls(ctx) if urls is None else urls)
    done: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in done:
            continue
        done.add(url)
        with ctx.document(url):
            page = ctx.fetch(url)
            if page is None or (page.url in done and page.url != url):
                continue
            done.add(page.url)
            found = read(page)
            yield from found.records
            queue += [link for link in found.follow
                      if link not in done and link not in queue and ctx.allowed(link)]


def read_one(ctx: HarvestContext, url: str, read: Callable[[Page], Found]) -> Iterator[Record]:
    """The records of one page, its links not followed (``harvest_url``)."""
    page = ctx.fetch(url)
    if page is not None:
        yield from read(page).records


class Frontier:
    """URLs waiting to be read: each once (without its fragment), the lowest
    ``priority`` first and in the order queued among equals. A URL on a host
    outside the source is recorded as a link, never queued."""

    def __init__(self, ctx: HarvestContext, priority: Callable[[str], int] = lambda url: 0) -> None:
        self.ctx = ctx
        self.priority = priority
        self.queued: set[str] = set()
        self._heap: list[tuple[int, int, str]] = []

    def add(self, url: str, priority: int | None = None) -> None:
        url = url.split("#", 1)[0]
        if url in self.queued:
            return
        if not self.ctx.allowed(url):
            self.ctx.link(url)
            return
        self.queued.add(url)
        rank = self.priority(url) if priority is None else priority
        heapq.heappush(self._heap, (rank, len(self.queued), url))

    def drain(self, visit: Callable[[str], Iterator[Record]]) -> Iterator[Record]:
        """The records ``visit`` gives for each URL in turn, also those queued
        meanwhile; a URL that fails is recorded as its own error."""
        while self._heap:
            url = heapq.heappop(self._heap)[2]
            with self.ctx.document(url):
                yield from visit(url)
