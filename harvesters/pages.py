"""Plain web pages: each entry point (and each URL given with ``--url``) is one
document, read for its title, text, dates, language and metadata, with its
links to other hosts recorded. For sites with nothing better than pages."""

from __future__ import annotations

from collections.abc import Iterator

from harvesters import html
from harvesters.base import HarvestContext
from harvesters.http import Page
from harvesters.records import Document, Record


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    for url in ctx.source.entry_points:
        with ctx.document(url):
            yield from harvest_url(ctx, url)


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    yield from ctx.get(url, lambda page: list(parse_page(ctx, page))) or []


def parse_page(ctx: HarvestContext, page: Page) -> Iterator[Record]:
    document = html.soup(page)
    metadata = html.meta(document)
    main = document.find("main") or document.find("article") or document.body
    url = html.canonical(document, page.url) or page.url
    for link in html.links(main, page.url) if main else []:
        if not ctx.allowed(link):
            ctx.link(link)
    yield Document(
        source_url=page.url,
        fetched_at=page.fetched_at,
        url=url,
        title=metadata.get("dc.title") or metadata.get("og:title") or html.title(document),
        text=html.text_of(main),
        doc_type=metadata.get("dc.type", "web-page").lower(),
        jurisdiction=ctx.source.jurisdiction,
        publisher=ctx.source.publisher,
        published=_iso_date(metadata.get("dc.date") or metadata.get("dcterms.created")
                            or metadata.get("article:published_time")),
        modified=_iso_date(metadata.get("dcterms.modified") or metadata.get("article:modified_time")),
        language=html.language(document) or "en",
        alternates=html.alternates(document, page.url),
        links=sorted(ctx.links),
    )


def _iso_date(value: str | None) -> str | None:
    """The date an ISO 8601 value starts with (a year, month or day), None
    for anything else."""
    if not value:
        return None
    head = value.strip()[:10]
    return head if len(head) in (4, 7, 10) and head[:4].isdigit() else None
