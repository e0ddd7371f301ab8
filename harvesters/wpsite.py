"""WordPress sites read through their public pages, not their API.

Some network pages the hub needs are only reachable as themed HTML (the
national networks' term archives on opengovernment.org.uk with ``/page/N/``
pagination, single posts, resources, WCVA's project pages). WordPress themes
vary, but the front-end conventions are shared: ``entry-title`` and
``entry-content``, a ``time.entry-date`` with its ``datetime``, archive items as
``article`` elements, ``body`` classes naming the template (``single-post``,
``archive``, ``tax-countries``...) and an ``a.next`` pagination link.
This module reads those into plain objects; the harvesters decide what they are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from harvesters import html
from harvesters.extract.dates import parse_day
from harvesters.http import Page
from harvesters.records import Document, Record

#: A permalink with its date: /2016/03/24/slug/
PERMALINK_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/[^/]+/?$")

#: "Written by Antje Otto." / "Written Colm Burns" / "By Jane Doe"
BYLINE = re.compile(r"^\s*(?:written\s+(?:by\s+)?|by\s+)([A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})", re.I)


@dataclass
class Item:
    """One entry of an archive page."""

    title: str
    url: str
    date: dt.date | None = None
    summary: str = ""
    author: str | None = None


@dataclass
class Archive:
    """One page of a term archive: its heading, description and items, and
    the next page."""

    title: str | None
    description: str
    items: list[Item] = field(default_factory=list)
    next_url: str | None = None


@dataclass
class Entry:
    """A single post, page or resource."""

    title: str | None
    template: str  # post, page, resource, project, ...
    date: dt.date | None
    author: str | None
    content: Tag | None
    text: str


def template(document: BeautifulSoup) -> str:
    """What the page is, from the body classes WordPress writes."""
    classes = html.classes(document.find("body"))
    if "archive" in classes or any(str(c).startswith("tax-") for c in classes):
        return "archive"
    for c in classes:
        m = re.fullmatch(r"single-([\w-]+)", c)
        if m:
            return m.group(1)
    if "page" in classes or "page-template-default" in classes:
        return "page"
    return "unknown"


def is_archive(document: BeautifulSoup) -> bool:
    """A term, category or date archive (a listing of posts)."""
    return template(document) == "archive"


def date_from_permalink(url: str) -> dt.date | None:
    m = PERMALINK_DATE.search(url)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _time(node: Tag | None) -> dt.date | None:
    """The day of the first ``<time>`` in a node: its ``datetime``, else its text."""
    if node is None:
        return None
    stamp = node.find("time")
    if isinstance(stamp, Tag):
        return parse_day(str(stamp.get("datetime") or "")) or parse_day(stamp.get_text(" "))
    return None


def read_archive(document: BeautifulSoup, base: str) -> Archive:
    """A term archive page: each ``article`` an item, with the byline its
    summary opens with ("Written by ...") as the item's author."""
    main = document.find("main") or document.body
    heading = document.find(class_=re.compile(r"\b(page|archive)-title\b")) or document.find("h1")
    description = document.find(class_=re.compile(r"taxonomy-description|archive-description"))
    archive = Archive(
        title=html.clean(heading.get_text(" ")) if isinstance(heading, Tag) else None,
        description=html.text_of(description) if isinstance(description, Tag) else "",
    )
    for article in main.find_all("article") if isinstance(main, Tag) else []:
        link = article.find(class_="entry-title")
        anchor = link.find("a", href=True) if isinstance(link, Tag) else None
        if not isinstance(anchor, Tag):
            continue
        url = urljoin(base, str(anchor["href"]))
        summary_node = article.find(class_=re.compile(r"entry-(summary|content)"))
        if isinstance(summary_node, Tag):
            for more in summary_node.find_all("a", class_="more-link"):
                more.decompose()
        summary = html.text_of(summary_node) if isinstance(summary_node, Tag) else ""
        summary = re.sub(r"\s*…$|\s*\.\.\.$", "…", summary)
        byline = BYLINE.match(summary)
        archive.items.append(Item(
            title=html.clean(anchor.get_text(" ")),
            url=url,
            date=_time(article) or date_from_permalink(url),
            summary=summary,
            author=byline.group(1).rstrip(".") if byline else None,
        ))
    nav = document.find(class_=re.compile(r"\bpagination\b|\bnav-links\b"))
    if isinstance(nav, Tag):
        nxt = nav.find("a", class_="next", href=True)
        archive.next_url = urljoin(base, str(nxt["href"])) if isinstance(nxt, Tag) else None
    return archive


def read_entry(document: BeautifulSoup, url: str) -> Entry:
    """A single post, page or resource; its date from its header's ``<time>``,
    else from its permalink."""
    heading = document.find(class_="entry-title") or document.find("h1")
    content = document.find(class_="entry-content")
    header = document.find(class_="entry-header") or document.find("article")
    author = None
    byline = document.find(class_=re.compile(r"\bbyline\b|\bauthor\b"))
    if isinstance(byline, Tag):
        m = BYLINE.match(byline.get_text(" "))
        author = m.group(1) if m else html.clean(byline.get_text(" ")) or None
    return Entry(
        title=html.clean(heading.get_text(" ")) if isinstance(heading, Tag) else html.title(document),
        template=template(document),
        date=_time(header if isinstance(header, Tag) else None) or date_from_permalink(url),
        author=author,
        content=content if isinstance(content, Tag) else None,
        text=html.text_of(content) if isinstance(content, Tag) else "",
    )


# ------------------------------------------------------------------ as records


def archive_records(page: Page, document: BeautifulSoup, jurisdiction: str | None,
                    publisher: str | None) -> tuple[list[Record], str | None]:
    """A term archive as records: the listing itself, and each post it lists as
    a document (title, date, summary, author), without fetching the posts.
    Returns the records and the next page's URL."""
    archive = read_archive(document, page.url)
    common: dict[str, Any] = {"source_url": page.url, "fetched_at": page.fetched_at}
    lines = [f"{i.date.isoformat() if i.date else ''} {i.title}".strip() for i in archive.items]
    records: list[Record] = [Document(
        **common, url=html.canonical(document, page.url) or page.url, title=archive.title,
        doc_type="listing", text="\n".join([archive.description, *lines]).strip() or None,
        jurisdiction=jurisdiction, publisher=publisher,
    )]
    for item in archive.items:
        records.append(Document(
            **common, url=item.url, title=item.title, text=item.summary or None, doc_type="blog-post",
            published=item.date, authors=[item.author] if item.author else [], publisher=publisher,
        ))
    return records, archive.next_url


def post_record(page: Page, document: BeautifulSoup, jurisdiction: str | None, publisher: str | None,
                doc_type: str = "blog-post", **extra: Any) -> tuple[Document, Entry]:
    """A single post, page or resource as a document, and what was read of it."""
    entry = read_entry(document, page.url)
    record = Document(
        source_url=page.url, fetched_at=page.fetched_at,
        url=html.canonical(document, page.url) or page.url, title=entry.title, text=entry.text or None,
        doc_type=doc_type, jurisdiction=jurisdiction, publisher=publisher, published=entry.date,
        authors=[entry.author] if entry.author else [], language=html.language(document) or "en",
        **extra,
    )
    return record, entry
