"""Any Discourse forum: latest topics and each topic's posts.

Entry points are recognised by their URL: a topic list (``/latest.json``,
``/c/<category>/<id>.json``), followed page by page through
``topic_list.more_topics_url``; an RSS list (``/latest.rss``), whose items link
topics; or a topic (``/t/<slug>/<id>.json``). Each topic's JSON holds its first
posts; ``post_stream.stream`` lists every post id, and the posts not loaded
(a topic over 20 posts) are read from ``/t/<id>/posts.json?post_ids[]=...``,
twenty at a time. A topic's ``suggested_topics`` are followed too (set the
option ``follow_suggested = false`` to stop that).

Each topic is a Document (``forum-thread``) with its posts (author, date,
likes, text), linked to the plans its text names. A topic whose title names an
action plan also gives that Plan (as the thread names it); a topic that is a
meeting's read-out also gives the Meeting (see :mod:`harvesters.readouts`,
configured by the source's ``meeting_bodies`` option). When a topic's JSON
cannot be read, the RSS item that listed it still gives the thread's opening.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from harvesters import html, planrefs, readouts
from harvesters.base import HarvestContext
from harvesters.feeds import parse_feed
from harvesters.http import Page
from harvesters.records import Document, Plan, Post, Record
from harvesters.timestamps import london_date, timestamp

CHUNK = 20  # Discourse's chunk size: posts per request
LIKE = 2  # the post action type of a like


@dataclass
class Topic:
    """A topic as the listings found it; its JSON is read later."""

    id: int
    slug: str | None = None
    title: str | None = None
    created: str | None = None
    rss_text: str | None = None  # the opening post, as the RSS list gave it
    rss_url: str | None = None
    rss_fetched: dt.datetime | None = None
    listed: dict[str, Any] = field(default_factory=dict)


def _base(ctx: HarvestContext) -> str:
    return ctx.source.base_url.rstrip("/")


# ------------------------------------------------------------------------ entry


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    topics: dict[int, Topic] = {}
    for url in ctx.source.entry_points:
        with ctx.document(url):
            _entry(ctx, url, topics, follow=True)
    for url in ctx.source.options.get("documents", []):  # topics no listing reaches
        with ctx.document(url):
            _entry(ctx, url, topics, follow=False)
    done: set[int] = set()
    follow = bool(ctx.source.options.get("follow_suggested", True))
    while True:
        pending = [t for t in topics.values() if t.id not in done]
        if not pending:
            break
        for topic in pending:
            done.add(topic.id)
            url = topic_json_url(ctx, topic)
            with ctx.document(url):
                yield from _topic(ctx, topic, topics if follow else None)


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    """One topic (any of its URLs), or the topics a list names as it names them."""
    topics: dict[int, Topic] = {}
    _entry(ctx, url, topics, follow=False)
    for topic in topics.values():
        if _topic_id(url) == topic.id:
            yield from _topic(ctx, topic, None)
        else:
            yield from _listed(ctx, topic)


def _entry(ctx: HarvestContext, url: str, topics: dict[int, Topic], follow: bool) -> None:
    path = urlsplit(url).path
    topic_id = _topic_id(url)
    if topic_id is not None:
        slug = _topic_slug(url)
        topics.setdefault(topic_id, Topic(id=topic_id, slug=slug))
    elif path.endswith(".rss"):
        _rss(ctx, url, topics)
    else:
        _topic_list(ctx, url, topics, follow)


_TOPIC_PATH = re.compile(r"^/t/(?:(?P<slug>[^/]+)/)?(?P<id>\d+)(?:\.json|\.rss)?(?:/\d+)?/?$")


def _topic_id(url: str) -> int | None:
    m = _TOPIC_PATH.match(urlsplit(url).path)
    return int(m.group("id")) if m else None


def _topic_slug(url: str) -> str | None:
    m = _TOPIC_PATH.match(urlsplit(url).path)
    slug = m.group("slug") if m else None
    return slug if slug and not slug.isdigit() else None


def topic_web_url(ctx: HarvestContext, topic: Topic) -> str:
    return f"{_base(ctx)}/t/{topic.slug}/{topic.id}" if topic.slug else f"{_base(ctx)}/t/{topic.id}"


def topic_json_url(ctx: HarvestContext, topic: Topic) -> str:
    return topic_web_url(ctx, topic) + ".json"


# ---------------------------------------------------------------------- listings


def _topic_list(ctx: HarvestContext, url: str, topics: dict[int, Topic], follow: bool) -> None:
    pages = 0
    max_pages = int(ctx.source.options.get("max_pages", 20))
    while url and pages < max_pages:
        pages += 1
        data = ctx.get_json(url)
        if data is None:
            return
        listing = data.get("topic_list") if isinstance(data, dict) else None
        if not isinstance(listing, dict):
            ctx.error(url, "cannot read: a Discourse topic list has 'topic_list'")
            return
        found = listing.get("topics") or []
        for entry in found:
            if isinstance(entry, dict) and isinstance(entry.get("id"), int):
                topic = topics.setdefault(entry["id"], Topic(id=entry["id"]))
                topic.slug = topic.slug or entry.get("slug")
                topic.title = topic.title or entry.get("title")
                topic.created = topic.created or entry.get("created_at")
                topic.listed = topic.listed or {**entry, "_listing": url}
        more = listing.get("more_topics_url")
        if not follow or not found or not more:
            return
        url = _json_url(urljoin(url, more))


def _json_url(url: str) -> str:
    """``/latest?page=1`` -> ``/latest.json?page=1``."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith(".json") else parts.path.rstrip("/") + ".json"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _rss(ctx: HarvestContext, url: str, topics: dict[int, Topic]) -> None:
    got = ctx.get_page(url, parse_feed, accept="application/rss+xml")
    if got is None:
        return
    page, feed = got
    for entry in feed.entries:
        link = entry.get("link") or ""
        topic_id = _topic_id(link)
        if topic_id is None:
            ctx.link(link)
            continue
        topic = topics.setdefault(topic_id, Topic(id=topic_id))
        topic.slug = topic.slug or _topic_slug(link)
        topic.title = topic.title or entry.get("title")
        topic.rss_text = topic.rss_text or entry.get("summary")
        topic.rss_url, topic.rss_fetched = url, page.fetched_at
        published = entry.get("published_parsed")
        if published and not topic.created:
            topic.created = dt.datetime(*published[:6]).replace(tzinfo=dt.UTC).isoformat()


# ------------------------------------------------------------------------ topics


def _topic_json(page: Page) -> dict[str, Any]:
    data = page.json()
    if not isinstance(data, dict) or not isinstance(data.get("post_stream"), dict):
        raise ValueError("a Discourse topic is a JSON object with 'post_stream'")
    return data


def _topic(ctx: HarvestContext, topic: Topic, queue: dict[int, Topic] | None) -> Iterator[Record]:
    url = topic_json_url(ctx, topic)
    got = ctx.get_page(url, _topic_json, accept="application/json")
    if got is None:
        yield from _listed(ctx, topic)
        return
    page, data = got
    topic.slug = data.get("slug") or topic.slug
    posts = {p["id"]: p for p in data["post_stream"].get("posts") or []
             if isinstance(p, dict) and isinstance(p.get("id"), int)}
    missing = [i for i in data["post_stream"].get("stream") or [] if i not in posts]
    for n in range(0, len(missing), CHUNK):
        chunk = missing[n:n + CHUNK]
        more_url = f"{_base(ctx)}/t/{topic.id}/posts.json?" + urlencode([("post_ids[]", i) for i in chunk])
        more = ctx.get_json(more_url)
        stream = (more or {}).get("post_stream") if isinstance(more, dict) else None
        for p in (stream or {}).get("posts") or []:
            if isinstance(p, dict) and isinstance(p.get("id"), int):
                posts[p["id"]] = p
    if queue is not None:
        for suggested in data.get("suggested_topics") or []:
            if isinstance(suggested, dict) and isinstance(suggested.get("id"), int):
                queue.setdefault(suggested["id"], Topic(id=suggested["id"], slug=suggested.get("slug"),
                                                        title=suggested.get("title")))
    ordered = sorted(posts.values(), key=lambda p: p.get("post_number") or 0)
    yield from topic_records(ctx, topic, data, ordered, page)


def topic_records(ctx: HarvestContext, topic: Topic, data: dict[str, Any], posts: list[dict[str, Any]],
                  page: Page) -> Iterator[Record]:
    """The records of a topic read from its JSON, with every post."""
    jurisdiction = ctx.source.jurisdiction
    web_url = topic_web_url(ctx, topic)
    title = " ".join(str(data.get("title") or topic.title or "").split())
    common: dict[str, Any] = {"source_url": page.url, "fetched_at": page.fetched_at, "page_url": web_url}
    post_records: list[Post] = []
    texts: list[str] = []
    authors: list[str] = []
    elsewhere: list[str] = []
    for p in posts:
        cooked = BeautifulSoup(p.get("cooked") or "", "lxml")
        for link in html.links(cooked, web_url):
            if not ctx.allowed(link) and link not in elsewhere:
                ctx.link(link)
                elsewhere.append(link)
        text = html.text_of(cooked)
        author = (p.get("name") or "").strip() or p.get("username")
        if author and author not in authors:
            authors.append(author)
        post_records.append(Post(number=int(p.get("post_number") or len(post_records) + 1), author=author,
                            date=timestamp(p.get("created_at")), likes=_likes(p), text=text))
        texts.append(text)
    opening = posts[0].get("cooked") if posts else ""
    opening_text = texts[0] if texts else ""
    created = london_date(data.get("created_at") or topic.created)
    yield from _thread_records(ctx, common, web_url, title, opening or "", opening_text, "\n\n".join(texts),
                        created, london_date(data.get("last_posted_at")), authors, post_records,
                        data.get("like_count"), jurisdiction, elsewhere)


def _thread_records(ctx: HarvestContext, common: dict[str, Any], web_url: str, title: str, opening_html: str,
             opening_text: str, text: str, created: dt.date | None, modified: dt.date | None,
             authors: list[str], posts: list[Post], likes: Any, jurisdiction: str,
             links: list[str]) -> Iterator[Record]:
    """The records of one thread: the plan its title names, or the meeting it
    is the read-out of (from its opening post); what the extraction library
    reads in the opening post; the thread as a document."""
    plans = planrefs.plans_mentioned(f"{title}\n{text}", jurisdiction)
    readout = readouts.readout_meeting(
        ctx.source.options, common, title=title, text=opening_text, markup=opening_html, categories=[],
        published=created, jurisdiction=jurisdiction, publisher=ctx.source.publisher,
        plans=planrefs.plans_mentioned(opening_text, jurisdiction), recorded_in=web_url)
    meeting_record = readout[0] if readout else None
    meeting = meeting_record.ref if meeting_record else None
    plan = planrefs.plan_in_title(title, jurisdiction) if meeting is None else None
    if plan is not None and not planrefs.stable(plan):
        plan = None
    if plan is not None:
        yield Plan(**common, ref=plan, title=planrefs.plan_name(title) or title,
                   published=readouts.stated_date(opening_text, r"published", created))
        plans = [plan] + [p for p in plans if not planrefs.same_plan(p, plan)]
    meeting_record, extracted = readouts.knowledge(
        ctx, opening_html, source_url=common["source_url"], fetched_at=common["fetched_at"],
        page_url=web_url, jurisdiction=jurisdiction, published=created, title=title,
        doc_type="read-out" if meeting else "forum-thread", plan=plan,
        meeting=meeting_record) if opening_html else (meeting_record, [])
    if meeting_record is not None:
        yield meeting_record
    yield from extracted
    yield Document(
        **common, url=web_url, title=title or None, text=text or None, doc_type="forum-thread",
        jurisdiction=jurisdiction, publisher=ctx.source.publisher, published=created,
        modified=modified, authors=authors, posts=posts,
        likes=likes if isinstance(likes, int) else None, plans=plans,
        meetings=[meeting] if meeting else [], links=links)


def _listed(ctx: HarvestContext, topic: Topic) -> Iterator[Record]:
    """A topic whose JSON could not be read: what its listing said of it (the
    RSS item holds the opening post)."""
    if topic.rss_url and topic.rss_fetched:
        source, fetched = topic.rss_url, topic.rss_fetched
    elif topic.listed.get("_listing") in ctx.pages:
        source = topic.listed["_listing"]
        fetched = ctx.pages[source].fetched_at
    else:
        return
    opening_html = topic.rss_text or ""
    opening_text = html.text_of(BeautifulSoup(opening_html, "lxml")) if opening_html else ""
    common: dict[str, Any] = {"source_url": source, "fetched_at": fetched,
                              "page_url": topic_web_url(ctx, topic)}
    yield from _thread_records(ctx, common, topic_web_url(ctx, topic), topic.title or "", opening_html,
                        opening_text, opening_text, london_date(topic.created), None, [], [],
                        topic.listed.get("like_count"), ctx.source.jurisdiction, [])


def _likes(post: dict[str, Any]) -> int | None:
    for action in post.get("actions_summary") or []:
        if isinstance(action, dict) and action.get("id") == LIKE:
            return int(action.get("count") or 0)
    return 0 if "actions_summary" in post else None
