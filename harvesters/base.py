"""The small interface between harvesters and the hub.

A harvester is one module in ``harvesters/`` named by a source's
``harvester`` key in ``config/sources.toml``. It defines::

    def harvest(ctx: HarvestContext) -> Iterator[Record]:
        "Discover the source's documents from its entry points and yield records."

    def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
        "Yield the records of one document, recognised by its URL and content."

The network lives in the context: a harvester never builds its own session.
``ctx.get(url, parse)`` fetches through the polite client and parses; when the
fetch fails or the body cannot be parsed, the error is recorded (URL, status,
reason) and the last good copy is used if there is one, so one broken page
never costs the data it gave before. Links to hosts outside the source are
recorded with ``ctx.link(url)``, never followed.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from harvesters.http import FetchError, HttpClient, Page
from harvesters.records import Record

if TYPE_CHECKING:
    from hub.settings import Source

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class DocumentError:
    """A document the harvest could not fetch, parse or read, and why."""

    url: str
    reason: str
    status: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "reason": self.reason}


class TooManyDocuments(Exception):
    """The source asked for more documents than ``harvest.max_documents``."""


@dataclass
class HarvestContext:
    """What a harvester gets: its source's settings and the network."""

    source: Source
    client: HttpClient
    max_documents: int = 5000
    only_urls: list[str] | None = None
    progress: Callable[[str, str], None] | None = None  # (url, outcome) after each fetch
    errors: list[DocumentError] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # every URL fetched, by requested URL
    links: set[str] = field(default_factory=set)
    fetched: int = 0  # bodies fetched in full
    not_modified: int = 0  # answered 304
    failed: int = 0

    # -- fetching ---------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        return self.client.is_allowed_host(url)

    def fetch(self, url: str, accept: str | None = None) -> Page | None:
        """Fetch a URL of the source. On failure: the error is recorded and the
        last good copy returned (flagged ``stale``), or None if there is none.
        A URL on another host is recorded as a link and not fetched."""
        url = url.split("#", 1)[0]
        if url in self.pages:
            return self.pages[url]
        if not self.allowed(url):
            self.link(url)
            return None
        if len(self.pages) >= self.max_documents:
            raise TooManyDocuments(
                f"over {self.max_documents} documents (setting harvest.max_documents)")
        try:
            page = self.client.fetch(url, accept=accept)
        except FetchError as exc:
            self.failed += 1
            stale = self.client.stored(url)
            self.error(exc.url, exc.reason + ("; the last good copy was used" if stale else ""),
                       exc.status)
            self._report(url, "failed")
            if stale is not None:
                self.pages[url] = stale
            return stale
        if page.not_modified:
            self.not_modified += 1
        else:
            self.fetched += 1
        self.pages[url] = page
        self._report(url, "not-modified" if page.not_modified else "fetched")
        return page

    def get(self, url: str, parse: Callable[[Page], T], accept: str | None = None) -> T | None:
        """Fetch and parse. A body that cannot be parsed is recorded as an
        error, and the last good copy is parsed instead if there is one."""
        page = self.fetch(url, accept=accept)
        if page is None:
            return None
        try:
            return parse(page)
        except Exception as exc:  # a parser meeting a broken page: record, go on
            reason = _describe(exc)
            previous = self.client.cache.previous(url) if not page.stale else None
            kept = "; the last good copy was used" if previous is not None else ""
            self.error(page.url, f"cannot parse: {reason}{kept}", page.status)
            if previous is not None:
                self.client.cache.restore_previous(url)
                self.pages[url] = previous
                try:
                    return parse(previous)
                except Exception:
                    return None
            return None

    def get_page(self, url: str, parse: Callable[[Page], T],
                 accept: str | None = None) -> tuple[Page, T] | None:
        """Like :meth:`get`, with the page that was parsed: the last good copy
        when the new body could not be parsed (its time of retrieval is the
        one the records must keep)."""
        return self.get(url, lambda page: (page, parse(page)), accept=accept)

    def get_json(self, url: str) -> Any:
        return self.get(url, Page.json, accept="application/json")

    def get_text(self, url: str, accept: str | None = None) -> str | None:
        return self.get(url, lambda p: p.text, accept=accept)

    @contextlib.contextmanager
    def document(self, url: str) -> Iterator[None]:
        """Wrap the work on one document: an exception is recorded as that
        document's error and the harvest goes on with the next."""
        try:
            yield
        except TooManyDocuments:
            raise
        except Exception as exc:
            self.error(url, f"cannot read: {_describe(exc)}")

    # -- recording ------------------------------------------------------------------
    def error(self, url: str, reason: str, status: int | None = None) -> None:
        log.info("%s: %s", url, reason)
        self.errors.append(DocumentError(url=url, reason=reason, status=status))

    def link(self, url: str) -> None:
        if url.startswith(("http://", "https://")):
            self.links.add(url)

    def _report(self, url: str, outcome: str) -> None:
        if self.progress is not None:
            self.progress(url, outcome)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:400] if text else type(exc).__name__


def load_harvester(name: str) -> ModuleType:
    """The harvester module ``harvesters.<name>``."""
    if not name.isidentifier():
        raise ValueError(f"harvester name {name!r} is not a module name")
    try:
        module = importlib.import_module(f"harvesters.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"harvesters.{name}":
            raise ValueError(f"no harvester module harvesters/{name}.py") from None
        raise
    if not hasattr(module, "harvest"):
        raise ValueError(f"harvesters/{name}.py has no harvest(ctx) function")
    return module


def records_of(module: ModuleType, ctx: HarvestContext) -> Iterator[Record]:
    """The records a harvester yields for the whole source, or for
    ``ctx.only_urls`` when they are set."""
    if ctx.only_urls is None:
        yield from module.harvest(ctx)
        return
    if not hasattr(module, "harvest_url"):
        raise ValueError(f"{module.__name__} cannot harvest single URLs (no harvest_url)")
    for url in ctx.only_urls:
        with ctx.document(url):
            yield from module.harvest_url(ctx, url)
