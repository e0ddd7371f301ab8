"""Any WordPress site, through its REST API and its RSS feed.

Entry points are recognised by their URL:

- a REST listing (``/wp-json/wp/v2/<type>?...``): posts, pages or a custom type
  (``resource``); further pages follow ``X-WP-TotalPages``, but only while the
  site counts (``X-WP-Total``) more items of that type than are already known
  from the feed;
- an RSS feed (``/feed/``): items with their full content; older items at
  ``?paged=N``, until a page comes back shorter than the first;
- any other URL is a permalink, read through the REST API by its slug
  (``/2023/07/19/6925/`` is the post ``6925``, ``/resource/<slug>/`` a resource,
  anything else a page, then a post), or as an HTML page when the API knows no
  such item.

Items listed without their content (``_fields``) get it from the feed, or else
from ``<type>?slug=<slug>``. Comments are read where the item is open to them.

Each item gives a Document; a read-out or notes of a meeting also give the
Meeting (the day it met, not the day of the post, and which body met: see
:mod:`harvesters.readouts`), with the commitments whose progress it reports;
a page (not a post) whose title names one action plan gives the Plan and the
commitments it lists. Everything is driven by the source's entry points and
``options``, so the same module reads any WordPress site.

Options (``[source.options]`` in ``config/sources.toml``): ``meeting_bodies``
and ``meeting_categories`` (see :mod:`harvesters.readouts`), ``post_types``
(custom types whose permalinks start with the type's name, default
``["resource"]``), ``max_pages`` (listing pages followed, default 20),
``documents`` (permalinks no listing reaches; one that fails is an error, not
the source's failure).
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from harvesters import html, planrefs, readouts
from harvesters.base import HarvestContext
from harvesters.feeds import parse_feed
from harvesters.http import Page
from harvesters.records import (
    Commitment,
    CommitmentRef,
    Document,
    Plan,
    Post,
    Record,
)
from harvesters.timestamps import LONDON, london_date, timestamp

REST = "/wp-json/wp/v2/"


@dataclass
class Item:
    """One post, page or custom item, however it was found."""

    link: str
    source_url: str
    fetched_at: dt.datetime
    type: str = "post"
    id: int | None = None
    slug: str | None = None
    title: str | None = None
    date: dt.datetime | None = None
    modified: dt.datetime | None = None
    content: str | None = None
    excerpt: str | None = None
    categories: list[str] = field(default_factory=list)
    author: str | None = None
    author_id: int | None = None
    comments_url: str | None = None
    comments_open: bool = False
    comment_count: int | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: Item) -> None:
        """Fill what this item lacks from another view of the same item."""
        for name in ("id", "slug", "title", "date", "modified", "excerpt", "author", "author_id",
                     "comments_url", "comment_count"):
            if getattr(self, name) in (None, "") and getattr(other, name) not in (None, ""):
                setattr(self, name, getattr(other, name))
        if self.content is None and other.content is not None:
            self.content, self.source_url, self.fetched_at = (
                other.content, other.source_url, other.fetched_at)
        if other.type != "post" and self.type == "post":
            self.type = other.type
        self.comments_open = self.comments_open or other.comments_open
        self.categories += [c for c in other.categories if c not in self.categories]


@dataclass
class Listing:
    """What discovery found: items by permalink, and REST pages not yet read."""

    items: dict[str, Item] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)  # REST type -> X-WP-Total
    pending: list[tuple[str, str, int]] = field(default_factory=list)  # (type, url, page number)

    def add(self, item: Item) -> None:
        key = _key(item.link)
        if key in self.items:
            self.items[key].merge(item)
        else:
            self.items[key] = item

    def known(self, type_: str) -> int:
        return sum(1 for i in self.items.values() if i.type == type_)


def _key(link: str) -> str:
    parts = urlsplit(link)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"


# ------------------------------------------------------------------------ entry


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    listing = Listing()
    permalinks = []
    for url in ctx.source.entry_points:
        with ctx.document(url):
            if REST in url:
                _rest_listing(ctx, url, listing, follow=True)
            elif _is_feed(url):
                _feed(ctx, url, listing, follow=True)
            else:
                permalinks.append(url)
    _more_rest_pages(ctx, listing)
    for url in permalinks:
        with ctx.document(url):
            _permalink(ctx, url, listing)
    for url in ctx.source.options.get("documents", []):  # pages no listing reaches
        with ctx.document(url):
            for item in items_at(ctx, url):
                listing.add(item)
    for item in list(listing.items.values()):
        with ctx.document(item.link):
            _complete(ctx, item)
            yield from item_records(ctx, item)


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    """One document: a REST URL or a feed (the items it holds, no further
    pages), or a permalink (the item, read through the REST API)."""
    for item in items_at(ctx, url):
        yield from item_records(ctx, item)


def items_at(ctx: HarvestContext, url: str) -> list[Item]:
    """The items one URL of a WordPress site holds, with their comments, and
    no further pages: for harvesters of other sources that read pages of a
    WordPress site (then :func:`item_records` with their jurisdiction)."""
    listing = Listing()
    if REST in url:
        _rest_listing(ctx, url, listing, follow=False)
    elif _is_feed(url):
        _feed(ctx, url, listing, follow=False)
    else:
        _permalink(ctx, url, listing)
    for item in listing.items.values():
        _comments(ctx, item)
    return list(listing.items.values())


def _is_feed(url: str) -> bool:
    parts = urlsplit(url)
    return bool(re.search(r"/feed/?$|\.rss$|\.xml$", parts.path)) or "feed=" in parts.query


def _max_pages(ctx: HarvestContext) -> int:
    return int(ctx.source.options.get("max_pages", 20))


# ---------------------------------------------------------------------- the API


def api_root(ctx: HarvestContext, url: str) -> str:
    """The site a URL belongs to: the source's base URL for its own host (with
    or without ``www.``), else the URL's own scheme and host."""
    parts = urlsplit(url)
    base = urlsplit(ctx.source.base_url)
    if (parts.hostname or "").removeprefix("www.") == (base.hostname or "").removeprefix("www."):
        return f"{base.scheme}://{base.netloc}"
    return f"{parts.scheme}://{parts.netloc}"


def _rest_type(url: str) -> str:
    """``posts`` -> ``post``, ``pages`` -> ``page``, a custom base as it is."""
    base = urlsplit(url).path.split(REST, 1)[1].split("/")[0]
    return {"posts": "post", "pages": "page", "comments": "comment"}.get(base, base)


def _rest_base(type_: str) -> str:
    return {"post": "posts", "page": "pages"}.get(type_, type_)


def _rest_json(page: Page) -> Any:
    data = page.json()
    if isinstance(data, dict) and data.get("code") and data.get("message"):
        raise ValueError(f"the REST API answered {data['code']}: {data['message']}")
    if not isinstance(data, list | dict):
        raise ValueError("a REST API answer is a JSON list or object")
    return data


def _rest_listing(ctx: HarvestContext, url: str, listing: Listing, follow: bool) -> list[Item]:
    got = ctx.get_page(url, _rest_json, accept="application/json")
    if got is None:
        return []
    page, data = got
    type_ = _rest_type(url)
    entries = data if isinstance(data, list) else [data]
    items = []
    for entry in entries:
        item = _rest_item(ctx, entry, page, type_)
        if item is not None:
            listing.add(item)
            items.append(item)
    if follow:
        total_pages = _int(page.headers.get("x-wp-totalpages"))
        total = _int(page.headers.get("x-wp-total"))
        if total is not None:
            listing.totals[type_] = max(total, listing.totals.get(type_, 0))
        current = _int(dict(parse_qsl(urlsplit(url).query)).get("page")) or 1
        if total_pages and current < min(total_pages, _max_pages(ctx)):
            listing.pending.append((type_, _with_param(url, "page", current + 1), current + 1))
    return items


def _more_rest_pages(ctx: HarvestContext, listing: Listing) -> None:
    """Further REST pages, while the site counts more items than are known."""
    while listing.pending:
        type_, url, _number = listing.pending.pop(0)
        if listing.known(type_) >= listing.totals.get(type_, 0):
            continue  # every item the site counts is known already (the feed had them)
        with ctx.document(url):
            before = listing.known(type_)
            _rest_listing(ctx, url, listing, follow=True)
            if listing.known(type_) == before:
                listing.pending = [p for p in listing.pending if p[0] != type_]


def _rest_item(ctx: HarvestContext, entry: Any, page: Page, type_: str) -> Item | None:
    if not isinstance(entry, dict) or not entry.get("link"):
        return None
    links = entry.get("_links") or {}
    replies = links.get("replies") or []
    content = (entry.get("content") or {}).get("rendered") if isinstance(entry.get("content"),
                                                                         dict) else None
    return Item(
        link=str(entry["link"]), source_url=page.url, fetched_at=page.fetched_at,
        type=str(entry.get("type") or type_), id=_int(entry.get("id")), slug=entry.get("slug"),
        title=_plain((entry.get("title") or {}).get("rendered")),
        date=_post_time(entry.get("date"), entry.get("date_gmt")),
        modified=timestamp(entry["modified_gmt"] + "Z") if entry.get("modified_gmt") else None,
        content=content,
        excerpt=_plain((entry.get("excerpt") or {}).get("rendered")) if isinstance(
            entry.get("excerpt"), dict) else None,
        categories=[str(c) for c in entry.get("categories") or []],
        author_id=_int(entry.get("author")),
        comments_url=replies[0].get("href") if replies and isinstance(replies[0], dict) else None,
        comments_open=entry.get("comment_status") == "open",
    )


def _permalink(ctx: HarvestContext, url: str, listing: Listing) -> None:
    """A permalink read through the REST API by its slug, else as HTML."""
    root = api_root(ctx, url)
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    query = dict(parse_qsl(parts.query))
    candidates: list[str] = []
    if query.get("p", "").isdigit():
        candidates.append(f"{root}{REST}posts/{query['p']}")
    elif query.get("page_id", "").isdigit():
        candidates.append(f"{root}{REST}pages/{query['page_id']}")
    elif segments:
        slug = segments[-1]
        post_types = ctx.source.options.get("post_types", ["resource"])
        if len(segments) >= 2 and re.fullmatch(r"(19|20)\d\d", segments[0]):
            candidates.append(f"{root}{REST}posts?slug={slug}")
        elif len(segments) == 2 and segments[0] in post_types:
            candidates.append(f"{root}{REST}{segments[0]}?slug={slug}")
        else:
            candidates += [f"{root}{REST}pages?slug={slug}", f"{root}{REST}posts?slug={slug}"]
    for candidate in candidates:
        if _rest_listing(ctx, candidate, listing, follow=False):
            return
    _html_page(ctx, url, listing)


def _html_page(ctx: HarvestContext, url: str, listing: Listing) -> None:
    """A page the REST API does not know: read as HTML (title, main text, dates)."""
    got = ctx.get_page(url, html.soup)
    if got is None:
        return
    page, document = got
    metadata = html.meta(document)
    main = document.find("article") or document.find("main") or document.body
    listing.add(Item(
        link=html.canonical(document, page.url) or page.url, source_url=page.url,
        fetched_at=page.fetched_at, type="page",
        title=metadata.get("og:title") or html.title(document),
        date=timestamp(metadata.get("article:published_time")),
        modified=timestamp(metadata.get("article:modified_time")),
        content=str(main) if main is not None else "",
    ))


# ------------------------------------------------------------------------- feed


def _feed(ctx: HarvestContext, url: str, listing: Listing, follow: bool) -> None:
    first_count: int | None = None
    number = 1
    while url:
        got = ctx.get_page(url, parse_feed, accept="application/rss+xml")
        if got is None:
            return
        page, feed = got
        new = 0
        for entry in feed.entries:
            item = _feed_item(entry, page)
            if item is None:
                continue
            if _key(item.link) not in listing.items:
                new += 1
            listing.add(item)
        count = len(feed.entries)
        first_count = count if first_count is None else first_count
        if not follow or count == 0 or count < first_count or new == 0 or number >= _max_pages(ctx):
            return
        total = listing.totals.get("post")
        if total is not None and listing.known("post") >= total:
            return
        number += 1
        url = _with_param(url, "paged", number)


def _feed_item(entry: Any, page: Page) -> Item | None:
    link = entry.get("link")
    if not link:
        return None
    content = entry.get("content")
    body = content[0].get("value") if content else None
    guid = entry.get("id") or ""
    m = re.search(r"[?&]p=(\d+)", guid)
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    comments = entry.get("slash_comments")
    return Item(
        link=link, source_url=page.url, fetched_at=page.fetched_at, type="post",
        id=int(m.group(1)) if m else None, title=_plain(entry.get("title")),
        date=dt.datetime(*published[:6]).replace(tzinfo=dt.UTC) if published else None,
        content=body, excerpt=_plain(entry.get("summary")),
        categories=[t.get("term") for t in entry.get("tags") or [] if t.get("term")],
        author=entry.get("author"),
        comment_count=_int(comments),
    )


# -------------------------------------------------------------------- completing


def _complete(ctx: HarvestContext, item: Item) -> None:
    """Content for an item listed without it; its comments where open."""
    if item.content is None and item.slug:
        root = api_root(ctx, item.link)
        listing = Listing()
        _rest_listing(ctx, f"{root}{REST}{_rest_base(item.type)}?slug={item.slug}", listing,
                      follow=False)
        for full in listing.items.values():
            if _key(full.link) == _key(item.link):
                item.merge(full)
    _comments(ctx, item)


def _comments(ctx: HarvestContext, item: Item) -> None:
    if not item.comments_url or not (item.comments_open or (item.comment_count or 0) > 0):
        return
    data = ctx.get(item.comments_url, _rest_json, accept="application/json")
    if isinstance(data, list):
        item.comments = [c for c in data if isinstance(c, dict)]


# ------------------------------------------------------------------------ records


def item_records(ctx: HarvestContext, item: Item, jurisdiction: str | None = None) -> Iterator[Record]:
    """The records of one WordPress item. Other harvesters of WordPress sites
    (devolved networks on the same site) call this with their jurisdiction."""
    jurisdiction = jurisdiction or ctx.source.jurisdiction
    content = item.content or ""
    body = BeautifulSoup(content, "lxml")
    text = html.text_of(body)
    title = item.title or ""
    published = item.date.astimezone(dt.UTC) if item.date else None
    day = london_date(published.isoformat()) if published else None
    elsewhere = [u for u in html.links(body, item.link) if not ctx.allowed(u)]
    for link in elsewhere:
        ctx.link(link)
    common: dict[str, Any] = {"source_url": item.source_url, "fetched_at": item.fetched_at,
                              "page_url": item.link}
    plans = planrefs.plans_mentioned(f"{title}\n{text}", jurisdiction)

    readout = readouts.readout_meeting(
        ctx.source.options, common, title=title, text=text, markup=body, categories=_category_names(item),
        published=day, jurisdiction=jurisdiction, publisher=ctx.source.publisher, plans=plans,
        recorded_in=item.link) if content else None
    meeting_record, updates = readout if readout else (None, [])
    meeting = meeting_record.ref if meeting_record else None
    commitments = [Commitment(**common, ref=u.commitment, title=u.title, themes=[u.title])
                   for u in updates]

    plan = planrefs.plan_in_title(title, jurisdiction) if item.type != "post" and not meeting else None
    plan_record: Plan | None = None
    if plan is not None and not planrefs.stable(plan):
        plan = None
    if plan is not None:
        stated = readouts.stated_date(text, r"published|came out|launched", day)
        updated = readouts.stated_date(text, r"updated", day)
        plan_record = Plan(
            **common, ref=plan, title=title, description=item.excerpt if item.excerpt != text else None,
            published=stated or (day if item.type != "page" else None),
            modified=updated, themes=[])
        listed = planrefs.commitments_in_html(body)
        commitments = [
            Commitment(**common, ref=CommitmentRef(plan=plan, number=c.number), title=c.title,
                       description=c.text or None, themes=[c.title]) for c in listed]
        plan_record.themes = [c.title for c in listed]
        plans = [plan] + [p for p in plans if not planrefs.same_plan(p, plan)]

    doc_type = _doc_type(item, meeting is not None, plan is not None, title, text)
    meeting_record, extracted = readouts.knowledge(
        ctx, content, source_url=item.source_url, fetched_at=item.fetched_at, page_url=item.link,
        jurisdiction=jurisdiction, published=day, title=title, doc_type=doc_type, plan=plan,
        meeting=meeting_record) if content else (meeting_record, [])
    yield Document(
        **common, url=item.link, title=title or None, text=text or item.excerpt,
        doc_type=doc_type,
        jurisdiction=jurisdiction, publisher=ctx.source.publisher,
        published=day, modified=london_date(item.modified.isoformat()) if item.modified else None,
        authors=_authors(item), posts=_posts(item), plans=plans,
        meetings=[meeting] if meeting else [], links=elsewhere,
    )
    if meeting_record is not None:
        yield meeting_record
    if plan_record is not None:
        yield plan_record
    yield from commitments
    yield from extracted


def _category_names(item: Item) -> list[str]:
    """The item's categories by name (the feed's), not the REST API's numeric ids."""
    return [c for c in item.categories if not c.isdigit()]


def _doc_type(item: Item, is_meeting: bool, is_plan: bool, title: str, text: str) -> str:
    """What the item is: a meeting's read-out, announcement or minutes; a plan; a post or a page."""
    if is_meeting:
        if re.search(r"read[- ]?out", title, re.IGNORECASE):
            return "read-out"
        if readouts.WHEN_LINE.search(text[:readouts.TOP * 2]):
            return "announcement"
        return "minutes"
    if is_plan:
        return "action-plan"
    return {"post": "news", "page": "web-page"}.get(item.type, item.type)


def _authors(item: Item) -> list[str]:
    if item.author:
        return [item.author]
    # The REST API gives the author as an id; a comment by the same user names them.
    for comment in item.comments:
        if item.author_id and comment.get("author") == item.author_id and comment.get("author_name"):
            return [str(comment["author_name"])]
    return []


def _posts(item: Item) -> list[Post]:
    comments = sorted(item.comments, key=lambda c: str(c.get("date_gmt") or c.get("date") or ""))
    out = []
    for n, c in enumerate(comments, start=1):
        rendered = (c.get("content") or {}).get("rendered") if isinstance(c.get("content"), dict) else ""
        out.append(Post(number=n, author=c.get("author_name") or None,
                        date=_post_time(c.get("date"), c.get("date_gmt")),
                        text=html.text_of(BeautifulSoup(rendered or "", "lxml"))))
    return out


# ---------------------------------------------------------------------- helpers


def _plain(value: Any) -> str | None:
    """Rendered WordPress text (entities, tags) as plain text."""
    if not value:
        return None
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", str(value)))
    text = re.sub(r"\s*\[(?:&hellip;|…|\.\.\.)\]\s*$", "", text)
    return " ".join(text.replace("\xa0", " ").split()) or None


def _post_time(local: str | None, gmt: str | None) -> dt.datetime | None:
    """A post's time: ``date_gmt`` (UTC) when given, else ``date`` (local)."""
    if gmt:
        return timestamp(gmt + ("" if gmt.endswith("Z") or "+" in gmt[10:] else "Z"))
    if local:
        try:
            return dt.datetime.fromisoformat(local).replace(tzinfo=LONDON)
        except ValueError:
            return None
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _with_param(url: str, name: str, value: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, str(value)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",[]"), ""))


__all__ = ["Item", "api_root", "harvest", "harvest_url", "item_records", "items_at"]
