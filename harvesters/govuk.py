"""GOV.UK: the Content API, the Search API and Atom feeds.

Discovery starts from the source's entry points, each recognised by its URL:

- a Content API item (``/api/content/<path>``): a document collection lists
  its documents in ``links.documents``; a publication links its HTML
  attachments in ``links.children``; an HTML publication is a document's body;
- a Search API page (``/api/search.json``): its ``results`` link documents, and
  the next page is the same query with ``start`` moved on by ``count`` until
  ``total`` is reached;
- an Atom feed (``.atom``): each entry links a document.

Every document found is read through the Content API (``/api/content`` plus
its path). A publication or HTML publication whose title names one National
Action Plan ("UK National Action Plan for Open Government 2021-2023") gives the
plan (number, title, period, publication date, publisher, coordinators); an
HTML publication's body gives the plan's commitments, headed ``<h2>`` "Commitment
N: Title" and listed again in ``details.headers``, with the lead organisations
its text names ("Led by ... with ..."). Everything is also a Document: minutes
and progress reports by what their title says. A document the Content API
cannot give (a 404) is still recorded from what the listing said of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from harvesters import html, planrefs, readouts
from harvesters.base import HarvestContext
from harvesters.feeds import parse_feed
from harvesters.http import Page
from harvesters.records import (
    Body,
    Commitment,
    CommitmentRef,
    Document,
    Meeting,
    Plan,
    PlanRef,
    Record,
)
from harvesters.timestamps import london_date

API_PREFIX = "/api/content"

#: Titles of documents *about* a plan rather than the plan itself.
ABOUT_A_PLAN = re.compile(
    r"self-assessment|call for evidence|consultation|participation in|progress|report|review|"
    r"guidance|minutes|response|summary|annex|draft", re.IGNORECASE)

MAX_SEARCH_PAGES = 50


@dataclass
class Listed:
    """What a listing (collection, search page, feed) says of a document."""

    path: str
    title: str | None = None
    description: str | None = None
    date: str | None = None
    document_type: str | None = None
    organisations: list[str] = field(default_factory=list)
    listing_url: str = ""
    fetched_at: dt.datetime | None = None  # when the listing was fetched


# ------------------------------------------------------------------------ entry


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    queue: dict[str, Listed] = {}  # content path -> what a listing said
    for url in ctx.source.entry_points:
        with ctx.document(url):
            yield from _entry(ctx, url, queue, follow=True)
    for url in ctx.source.options.get("documents", []):  # documents no listing reaches
        queue.setdefault(_web_path(url), Listed(path=_web_path(url)))
    done: set[str] = set()
    while True:
        pending = [p for p in queue if p not in done]
        if not pending:
            break
        for path in pending:
            done.add(path)
            url = _api_url(ctx, path)
            with ctx.document(url):
                yield from _content(ctx, url, queue, listed=queue[path], follow=True)


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    """One GOV.UK document, without following its links: a Content API URL or
    the public page's URL (read through the Content API), a Search API page
    or an Atom feed (the documents they list, as the listing describes them)."""
    queue: dict[str, Listed] = {}
    yield from _entry(ctx, url, queue, follow=False)
    for listed in queue.values():
        yield from _listed_document(ctx, listed)


def _entry(ctx: HarvestContext, url: str, queue: dict[str, Listed], follow: bool) -> Iterator[Record]:
    parts = urlsplit(url)
    if parts.path.startswith("/api/search"):
        _search(ctx, url, queue, follow)
    elif parts.path.endswith(".atom"):
        _atom(ctx, url, queue)
    elif parts.path.startswith(API_PREFIX):
        yield from _content(ctx, url, queue, listed=None, follow=follow)
    else:
        yield from _content(ctx, _api_url(ctx, parts.path), queue, listed=None, follow=follow)


def _api_url(ctx: HarvestContext, path: str) -> str:
    base = ctx.source.base_url.rstrip("/")
    if path.startswith(("http://", "https://")):
        path = urlsplit(path).path
    return f"{base}{API_PREFIX}{path}" if not path.startswith(API_PREFIX) else f"{base}{path}"


def _web_path(url_or_path: str) -> str:
    path = urlsplit(url_or_path).path if "://" in url_or_path else url_or_path
    return path.removeprefix(API_PREFIX) or "/"


# --------------------------------------------------------------------- listings


def _search(ctx: HarvestContext, url: str, queue: dict[str, Listed], follow: bool) -> None:
    """A Search API page, and (when following) the pages after it."""
    pages = 0
    while url and pages < MAX_SEARCH_PAGES:
        pages += 1
        got = ctx.get_page(url, Page.json, accept="application/json")
        page, data = got if got else (None, None)
        if not isinstance(data, dict):
            if data is not None:
                ctx.error(url, "cannot read: a Search API page is a JSON object with 'results'")
            return
        if "error" in data and "results" not in data:
            ctx.error(url, f"the Search API refused the query: {data['error']}")
            return
        results = data.get("results") or []
        for result in results:
            link = result.get("link") or result.get("_id")
            if not isinstance(link, str) or not link.startswith("/"):
                if isinstance(link, str):
                    ctx.link(link)
                continue
            queue.setdefault(link, Listed(
                path=link, title=result.get("title"), description=result.get("description"),
                date=result.get("public_timestamp"),
                document_type=result.get("content_store_document_type"),
                organisations=[str(o["title"]) for o in result.get("organisations") or []
                               if isinstance(o, dict) and o.get("title")],
                listing_url=url, fetched_at=page.fetched_at if page else None))
        if not follow:
            return
        url = _next_search_page(url, data, len(results))


def _next_search_page(url: str, data: dict[str, Any], returned: int) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    try:
        count = int(params.get("count", returned or 10))
        start = int(data.get("start", params.get("start", 0)))
        total = int(data.get("total", 0))
    except (TypeError, ValueError):
        return ""
    if returned == 0 or start + count >= total:
        return ""
    query = [(k, str(start + count) if k == "start" else v) for k, v in query]
    if "start" not in params:
        query.append(("start", str(start + count)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",[]%"), ""))


def _atom(ctx: HarvestContext, url: str, queue: dict[str, Listed]) -> None:
    got = ctx.get_page(url, parse_feed, accept="application/atom+xml")
    if got is None:
        return
    page, feed = got
    for entry in feed.entries:
        link = entry.get("link") or ""
        if not ctx.allowed(link):
            ctx.link(link)
            continue
        path = urlsplit(link).path
        queue.setdefault(path, Listed(
            path=path, title=entry.get("title"), description=html.text_of(
                BeautifulSoup(entry.get("summary", ""), "lxml")) or None,
            date=entry.get("updated"), listing_url=url, fetched_at=page.fetched_at))


def _listed_document(ctx: HarvestContext, listed: Listed) -> Iterator[Record]:
    """A document known only from a listing (its Content API item could not
    be read): what the listing says of it."""
    if not listed.listing_url or listed.fetched_at is None:
        return
    yield Document(
        source_url=listed.listing_url, fetched_at=listed.fetched_at,
        page_url=_web_url(ctx, listed.path), url=_web_url(ctx, listed.path),
        title=listed.title, text=listed.description, doc_type=_doc_type(listed.title,
                                                                          listed.document_type),
        jurisdiction=ctx.source.jurisdiction,
        publisher=listed.organisations[0] if listed.organisations else None,
        published=london_date(listed.date),
        plans=_plans_named(ctx, listed.title or ""),
    )


def _web_url(ctx: HarvestContext, path: str) -> str:
    return urljoin(ctx.source.base_url.rstrip("/") + "/", path.lstrip("/"))


# ----------------------------------------------------------------- content items


def _content(ctx: HarvestContext, url: str, queue: dict[str, Listed], listed: Listed | None,
             follow: bool) -> Iterator[Record]:
    got = ctx.get_page(url, Page.json, accept="application/json")
    page, item = got if got else (None, None)
    if page is None or item is None:
        if listed is not None:
            yield from _listed_document(ctx, listed)
        return
    if not isinstance(item, dict) or not item.get("base_path"):
        ctx.error(url, "cannot read: not a Content API item (no base_path)", page.status)
        if listed is not None:
            yield from _listed_document(ctx, listed)
        return
    if follow:
        linked = "documents" if schema_of(item) == "document_collection" else "children"
        for doc in (item.get("links") or {}).get(linked) or []:
            path = doc.get("base_path") if isinstance(doc, dict) else None
            if isinstance(path, str) and path.startswith("/"):
                queue.setdefault(path, Listed(
                    path=path, title=doc.get("title"), description=doc.get("description"),
                    date=doc.get("public_updated_at"), document_type=doc.get("document_type"),
                    listing_url=url, fetched_at=page.fetched_at))
    yield from content_records(ctx, page, item)


def content_records(ctx: HarvestContext, page: Page, item: dict[str, Any]) -> Iterator[Record]:
    """The records of one Content API item."""
    links = item.get("links") or {}
    details = item.get("details") or {}
    web_url = _web_url(ctx, item["base_path"])
    title = _text(item.get("title"))
    body_html = details.get("body") or ""
    body = BeautifulSoup(body_html, "lxml") if body_html else None
    text = html.text_of(body) if body is not None else ""
    publisher = _organisation(links)
    document_type = item.get("document_type") or item.get("schema_name")
    published = london_date(item.get("first_published_at") or details.get("first_public_at"))
    modified = london_date(item.get("public_updated_at"))
    elsewhere = [u for u in (html.links(body, web_url) if body is not None else []) if not ctx.allowed(u)]
    for target in elsewhere:
        ctx.link(target)

    plan = _plan_of(ctx, item)
    doc_plans = [plan] if plan else _plans_named(ctx, f"{title or ''}\n{text}")
    common: dict[str, Any] = {"source_url": page.url, "fetched_at": page.fetched_at, "page_url": web_url}
    doc_type = _doc_type(title, document_type)
    meeting: Meeting | None = None
    extracted: list[Record] = []
    if body_html and (doc_type in ("minutes", "progress-report") or schema_of(item) == "html_publication"):
        meeting, extracted = readouts.knowledge(
            ctx, body_html, source_url=page.url, fetched_at=page.fetched_at, page_url=web_url,
            jurisdiction=ctx.source.jurisdiction, published=published, title=title,
            doc_type=doc_type, plan=plan, meeting=None, accept_meeting=doc_type == "minutes",
            language=item.get("locale") or "en")
    if meeting is not None:
        meeting.recorded_in = web_url

    yield Document(
        **common, url=web_url, title=title,
        text="\n\n".join(t for t in (_text(item.get("description")), text) if t) or None,
        doc_type=doc_type, jurisdiction=ctx.source.jurisdiction,
        publisher=publisher, published=published, modified=modified, plans=doc_plans,
        meetings=[meeting.ref] if meeting else [],
        language=item.get("locale") or "en", links=elsewhere,
    )
    if meeting is not None:
        yield meeting
    yield from extracted
    for org in links.get("organisations") or []:
        if isinstance(org, dict) and org.get("title"):
            yield Body(**common, name=org["title"], jurisdiction=ctx.source.jurisdiction,
                       body_kind="organisation", homepage=org.get("web_url"))
    if plan is None:
        return

    commitments = _commitments(details, body, plan, common)
    yield Plan(
        **common, ref=plan, title=title,
        description=_text(item.get("description")), published=published, modified=modified,
        publisher=publisher, themes=[c.title for c in commitments if c.title],
        government_coordinator=_government_coordinator(text),
        civil_society_coordinator=_civil_society_coordinator(text),
        language=item.get("locale") or "en",
    )
    yield from commitments


def schema_of(item: dict[str, Any]) -> str:
    """What a Content API item is (``document_collection``, ``publication``,
    ``html_publication``...)."""
    return str(item.get("schema_name") or item.get("document_type") or "")


def _plan_of(ctx: HarvestContext, item: dict[str, Any]) -> PlanRef | None:
    """The plan a publication or HTML publication *is*, with its number from
    the text when the title gives only the period."""
    title = _text(item.get("title")) or ""
    if ABOUT_A_PLAN.search(title):
        return None
    if item.get("schema_name") not in ("publication", "html_publication") and item.get(
            "document_type") not in ("policy_paper", "html_publication"):
        return None
    ref = planrefs.plan_in_title(title, ctx.source.jurisdiction)
    if ref is None or not planrefs.stable(ref):
        return None
    if ref.number is None:
        details = item.get("details") or {}
        words = " ".join([_text(item.get("description")) or "",
                          html.text_of(BeautifulSoup(details.get("body") or "", "lxml"))])
        named = [r for r in planrefs.plans_mentioned(words, ctx.source.jurisdiction)
                 if r.number is not None]
        if named:
            ref = PlanRef(jurisdiction=ref.jurisdiction, start=ref.start, end=ref.end,
                          number=named[0].number)
    return ref


def _commitments(details: dict[str, Any], body: BeautifulSoup | None, plan: PlanRef,
                 common: dict[str, Any]) -> list[Commitment]:
    found = {c.number: c for c in planrefs.commitments_in_html(body)} if body is not None else {}
    for header in details.get("headers") or []:  # the contents list says the same: fill any gap
        m = planrefs.COMMITMENT_HEADING.match(str(header.get("text") or ""))
        if m and int(m.group("num")) not in found:
            found[int(m.group("num"))] = planrefs.CommitmentHeading(
                int(m.group("num")), m.group("title").strip(), "", str(header.get("text")))
    acronyms = _acronyms(html.text_of(body)) if body is not None else {}
    out = []
    for number in sorted(n for n in found if n is not None):
        c = found[number]
        out.append(Commitment(
            **common, ref=CommitmentRef(plan=plan, number=number), title=c.title,
            description=c.text or None, themes=[c.title], leads=_leads(c.text, acronyms)))
    return out


# ------------------------------------------------------------------ text helpers

_LED_BY = re.compile(r"\bLed by\s+(?P<who>[^.]+)", re.IGNORECASE)


def _acronyms(text: str) -> dict[str, str]:
    """"Foreign, Commonwealth and Development Office (FCDO)" gives FCDO."""
    out = {}
    for m in re.finditer(r"((?:[A-Z][\w'&-]*,?\s+(?:(?:and|for|of|the|&)\s+)*){1,8})\(([A-Z]{2,6})\)", text):
        words = m.group(1).strip().rstrip(",")
        initials = "".join(w[0] for w in re.findall(r"[A-Z][\w'-]*", words))
        acronym = m.group(2)
        # keep the last words whose initials spell the acronym
        tokens = words.split()
        for i in range(len(tokens)):
            candidate = " ".join(tokens[i:])
            if "".join(w[0] for w in re.findall(r"[A-Z][\w'-]*", candidate)) == acronym:
                out[acronym] = re.sub(r"^(?:the|The)\s+", "", candidate)
                break
        else:
            if initials.endswith(acronym):
                out.setdefault(acronym, words)
    return out


def _leads(text: str, acronyms: dict[str, str]) -> list[str]:
    """Lead organisations from "Led by the X, which ..., with the Y."."""
    m = _LED_BY.search(text or "")
    if not m:
        return []
    who, *rest = re.split(r",\s*(?:which|who)\s+(?:brings together|bring together|includes|include)\s+",
                          m.group("who"), maxsplit=1)
    who = re.split(r",\s*which\b|,\s*who\b", who)[0]
    members = re.sub(r"^the\s+", "", rest[0].strip()) if rest else None
    out = []
    for part in re.split(r"\s+(?:with|together with|and with)\s+(?:the\s+)?", who):
        name = re.sub(r"^(?:the)\s+", "", part.strip(), flags=re.IGNORECASE)
        name = re.sub(r"\s*\([A-Z]{2,6}\)", "", name)
        name = re.sub(r"\s+in the\s+", ", ", name)
        name = acronyms.get(name, name)
        if name:
            out.append(name)
    if members and len(out) == 1:  # "the X, which brings together the Y and Z": X (Y and Z)
        out[0] = f"{out[0]} ({members})"
    return out


def _government_coordinator(text: str) -> str | None:
    m = re.search(r"(?:The\s+|the\s+)?(?P<who>[A-Z][\w ,&'-]+?)(?:\s*\([A-Z]{2,6}\))?"
                  r"(?:,\s*part of the (?P<parent>[A-Z][\w ]+?),)?\s+coordinated the government", text)
    if not m:
        return None
    who = m.group("who").strip()
    return f"{who} ({m.group('parent')})" if m.group("parent") else who


def _civil_society_coordinator(text: str) -> str | None:
    for pattern in (r"(?:the\s+)?(?P<who>[A-Z][\w ]+?(?:\s*\([A-Z ]{2,8}\))?)\s+coordinated civil society",
                    r"developed (?:together )?with the (?P<who>[A-Z][\w ]+?(?:\s*\([A-Z ]{2,8}\))?)[,.]"):
        m = re.search(pattern, text)
        if m:
            return m.group("who").strip()
    return None


def _organisation(links: dict[str, Any]) -> str | None:
    for key in ("primary_publishing_organisation", "organisations"):
        for org in links.get(key) or []:
            if isinstance(org, dict) and org.get("title"):
                return str(org["title"])
    return None


def _plans_named(ctx: HarvestContext, text: str) -> list[PlanRef]:
    return planrefs.plans_mentioned(text, ctx.source.jurisdiction)


def _doc_type(title: str | None, document_type: str | None) -> str:
    words = (title or "").lower()
    if "minutes" in words:
        return "minutes"
    if re.search(r"self-assessment|progress report|end-of-term|mid-term|implementation report", words):
        return "progress-report"
    return (document_type or "web-page").replace("_", "-")


def _text(value: Any) -> str | None:
    return " ".join(str(value).split()) if value else None
