"""gov.scot (the Scottish Government's site): the Open Government Partnership
Steering Group, its minutes, and Scotland's open government action plan with
its commitments and milestones.

Discovery starts from the entry points of ``config/sources.toml``: the
Steering Group's group page (its "Documents" list), the publications listing
filtered to minutes (``/publications/?term=...&publicationTypes=minutes``,
followed page by page), publications named directly (also in
``options.documents``: pages no listing reaches), and sitemaps (a URL ending
in ``.xml``: a sitemap index or a URL set, read for the publications whose
slug names the topic, ``options.topic`` of the source).
Only links to ``/publications/`` pages on the topic are followed, so a harvest
never wanders over the whole site.

What a publication is comes from the page itself: the publication type the
template prints (``Minutes``), the "Date of meeting" field, the title's
"action plan 2021 to 2025", "commitment N: ..." or "... : milestones". A
publication spread over several pages (``.../pages/N/`` or named page slugs)
is read page by page from its side navigation; a page whose canonical link
names a page already read (page 1 is the publication's main URL) is read once.

Pages carry Dublin Core ``<meta>`` (``dc.title``, ``dc.description``,
``dc.format``, ``dc.date`` when the template prints it) and schema.org JSON-LD
(``Article`` with ``headline``, ``description``, ``datePublished``,
``publisher``): titles, descriptions and dates come from there first.

Minutes become a Meeting of the body the title names, on the day of the
"Date of meeting" field, and a Document of type ``minutes``. What the minutes
say is read by the extraction library (:func:`harvesters.extract.extract_all`),
the one reader of attendee lists for every source: the lists under their
headings as written (misspelt ones too), apologies and deputies however they
are written, entries with a role and no name, counts by sector; chairs,
agenda items, actions and decisions. Dates in every form are read by
:mod:`harvesters.extract.dates`.

Keys are the ones every other source uses for the same things: the plan of
2021 to 2025 is ``PlanRef("scotland", 2021, 2025)`` (the register's third
Scottish plan) and its commitments ``CommitmentRef(plan, number=N)``, numbered
as the plan numbers them (the order of its "Commitments" section, or
"commitment N" in a commitment publication's title).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from harvesters import html
from harvesters.base import HarvestContext
from harvesters.crawl import Frontier, start_urls
from harvesters.extract import Context, extract_all
from harvesters.extract.attendance import extract_attendance
from harvesters.extract.dates import parse_date, parse_day, parse_range
from harvesters.http import Page
from harvesters.planrefs import plan_of_period
from harvesters.records import (
    Body,
    Commitment,
    CommitmentRef,
    Document,
    Meeting,
    MeetingRef,
    Milestone,
    Plan,
    PlanRef,
    Record,
    ThemeDecision,
)

DEFAULT_TOPIC = "open-government"

_COMMITMENT_N = re.compile(r"\bcommitment\s+(\d{1,2})\s*[:\-–]\s*(.+)$", re.I)
_PUBLICATION = re.compile(r"^/publications/([^/?#]+)/(?:(pages/[^/]+|documents)/?)?$")

# Priorities of discovery: plans before commitment publications before
# milestones, so that the numbers of commitments are known when milestones
# pages name their commitment only by its short title.
_LISTING, _PLAN, _COMMITMENT, _MILESTONES, _OTHER, _FILES = range(6)


# ----------------------------------------------------------------- the interface


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    run = _Run(ctx, follow=True)
    for url in start_urls(ctx):
        run.queue.add(url)
    yield from run.queue.drain(run.visit)
    yield from run.finish()


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    run = _Run(ctx, follow=False)
    run.queue.add(url)
    yield from run.queue.drain(run.visit)
    yield from run.finish()


# ------------------------------------------------------------------- one run


@dataclass
class _MilestoneFact:
    """A milestone as one page states it; a commitment's milestones are
    numbered once every page is read (:meth:`_Run.finish`)."""

    order: tuple[int, str, int]  # (kind of document, its URL, position): a stable order
    title: str
    source_url: str
    fetched_at: dt.datetime
    page_url: str | None
    due: str | None = None
    due_as_written: str | None = None
    status: str | None = None


@dataclass
class _Run:
    ctx: HarvestContext
    follow: bool
    queue: Frontier = field(init=False)
    read: set[str] = field(default_factory=set)  # canonical URLs of pages read
    #: commitment numbers by normalised short title, per plan
    numbers: dict[PlanRef, dict[str, int]] = field(default_factory=dict)
    #: the short titles the plan gives its commitments (its section headings)
    short_titles: dict[CommitmentRef, str] = field(default_factory=dict)
    milestones: dict[CommitmentRef, list[_MilestoneFact]] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)  # minutes URL -> group's name
    #: files listed on a publication's documents page: URL -> (title, plan)
    file_titles: dict[str, tuple[str | None, PlanRef | None]] = field(default_factory=dict)
    learned_numbers: bool = False

    def __post_init__(self) -> None:
        self.queue = Frontier(self.ctx, _priority)

    @property
    def topic(self) -> str:
        return str(self.ctx.source.options.get("topic", DEFAULT_TOPIC))

    # -- the frontier ------------------------------------------------------------
    def discover(self, url: str, priority: int | None = None) -> None:
        """Queue a document found through another (a listing's result, a
        group's document, a publication's file): only when the harvest
        discovers, not when it reads the documents it is given (``--url``)."""
        if self.follow:
            self.queue.add(url, priority)

    def follow_link(self, url: str) -> None:
        """Queue a link found on a page, if the harvest follows links and the
        link is a publication on the topic; record links to other hosts."""
        if not self.ctx.allowed(url):
            self.ctx.link(url)
            return
        if self.on_topic(url):
            self.discover(url)

    def on_topic(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.path.startswith("/binaries/"):
            return True
        match = _PUBLICATION.match(parts.path)
        return match is not None and self.topic in match.group(1)

    # -- one URL -------------------------------------------------------------------
    def visit(self, url: str) -> Iterator[Record]:
        path = urlsplit(url).path
        if path.endswith(".xml"):
            self.sitemap(url)
            return
        if path.startswith("/binaries/"):
            yield from self.binary(url)
            return
        parsed = self.ctx.get(url, parse_page)
        if parsed is None:
            return
        page, document = parsed
        canonical = html.canonical(document, page.url) or page.url
        if urlsplit(page.url).path.rstrip("/") == "/publications":
            # every page of a listing names /publications/ as its canonical URL
            self.listing(_PageInfo.of(page, document, page.url))
            return
        if canonical in self.read and canonical != url:
            return  # page 1 of a publication and its main URL: one page
        self.read.add(canonical)
        self.read.add(page.url)
        info = _PageInfo.of(page, document, canonical)
        if urlsplit(page.url).path.startswith("/groups/"):
            yield from self.group(info)
        elif info.path.endswith("/documents/"):
            yield from self.documents_page(info)
        elif info.is_minutes:
            yield from self.minutes(info)
        else:
            yield from self.publication(info)

    # -- sitemaps ------------------------------------------------------------------
    def sitemap(self, url: str) -> None:
        text = self.ctx.get_text(url, accept="application/xml")
        if text is None:
            return
        try:
            root = ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as exc:
            self.ctx.error(url, f"cannot parse the sitemap: {exc}")
            return
        for kind, loc in sitemap_entries(root):
            if kind == "sitemap":
                self.discover(loc, _LISTING)
            elif self.on_topic(loc):
                self.discover(loc)

    # -- listings and the group page -----------------------------------------------
    def listing(self, info: _PageInfo) -> None:
        """A publications listing: its results and its further pages."""
        for a in info.document.select("#search-results-list a.ds_search-result__link, "
                                      "ol.ds_search-results__list h3 a"):
            self.discover(urljoin(info.url, str(a.get("href", ""))))
        for a in info.document.select("nav#pagination a[href], .ds_pagination a[href]"):
            self.discover(urljoin(info.url, str(a["href"])), _LISTING)

    def group(self, info: _PageInfo) -> Iterator[Record]:
        name = info.title or "Open Government Partnership Steering Group"
        yield Body(
            source_url=info.url, fetched_at=info.fetched_at, page_url=info.canonical,
            name=name, jurisdiction=self.ctx.source.jurisdiction,
            body_kind=_body_kind(name), homepage=info.canonical,
            description=info.description,
        )
        yield info.as_document(self.ctx, doc_type="group page")
        for link in _section_links(info.main, "Documents", info.url):
            self.group_names[link] = name
            self.discover(link)
        for link in info.links:
            self.follow_link(link)

    # -- publications --------------------------------------------------------------
    def publication(self, info: _PageInfo) -> Iterator[Record]:
        for link in info.side_navigation:
            self.follow_link(link)
        for link in info.links:
            self.follow_link(link)
        plan = plan_of_period(info.title, self.ctx.source.jurisdiction)
        kind = info.publication_kind
        if kind == "commitment" and plan is not None:
            yield from self.commitment_publication(info, plan)
        elif kind == "milestones" and plan is not None:
            yield info.as_document(self.ctx, doc_type="milestones", plans=[plan])
            self.milestones_page(info, plan)
        elif kind == "plan" and plan is not None:
            yield from self.plan_page(info, plan)
        else:
            yield info.as_document(self.ctx, doc_type=(info.publication_type or "publication").lower())

    def plan_page(self, info: _PageInfo, plan: PlanRef) -> Iterator[Record]:
        sections = commitment_sections(info.content)
        numbers = self.numbers.setdefault(plan, {})
        for n, section in enumerate(sections, start=1):
            numbers.setdefault(_key(section.heading), n)
        yield Plan(
            source_url=info.url, fetched_at=info.fetched_at, page_url=info.canonical,
            ref=plan, title=info.title, description=info.description,
            published=info.published, modified=info.modified,
            publisher=info.publisher or self.ctx.source.publisher,
            themes=[s.heading for s in sections],
        )
        for n, section in enumerate(sections, start=1):
            ref = CommitmentRef(plan, number=numbers.get(_key(section.heading), n))
            self.short_titles[ref] = section.heading
            yield section.commitment(info, ref)
        if info.documents_link:
            self.discover(info.documents_link, _FILES)
        yield info.as_document(self.ctx, doc_type="action plan", plans=[plan],
                               title=info.page_title)

    def commitment_publication(self, info: _PageInfo, plan: PlanRef) -> Iterator[Record]:
        match = _COMMITMENT_N.search(info.title or "")
        if not match:
            yield info.as_document(self.ctx, doc_type="commitment publication", plans=[plan])
            return
        number, short = int(match.group(1)), match.group(2).strip()
        self.numbers.setdefault(plan, {})[_key(short)] = number
        ref = CommitmentRef(plan, number=number)
        overview = commitment_overview(info.content, self.short_titles.get(ref, short))
        if overview is not None:
            yield overview.commitment(info, ref)
        for fact in progress_milestones(info):
            self.milestones.setdefault(ref, []).append(fact)
        yield info.as_document(self.ctx, doc_type="commitment publication", plans=[plan],
                               commitments=[ref], title=info.page_title)

    def milestones_page(self, info: _PageInfo, plan: PlanRef) -> None:
        heading = _first_heading(info.content, "h2")
        if not heading:
            return  # the introduction: no commitment of its own
        number = self.commitment_number(plan, heading)
        if number is None:
            self.ctx.error(info.url, f"milestones for {heading!r}: no commitment of the plan "
                           "has that name")
            return
        ref = CommitmentRef(plan, number=number)
        for position, title in enumerate(labelled_list(info.content, "milestones")):
            self.milestones.setdefault(ref, []).append(_MilestoneFact(
                order=(0, info.canonical, position), title=title, source_url=info.url,
                fetched_at=info.fetched_at, page_url=info.canonical))

    def commitment_number(self, plan: PlanRef, name: str) -> int | None:
        key = _key(re.sub(r"\bcommitment\b", " ", name, flags=re.I))
        if not self.numbers.get(plan) and not self.learned_numbers:
            self.learn_numbers()
        for short, number in self.numbers.get(plan, {}).items():
            if short and (short == key or short in key or key in short):
                return number
        return None

    def learn_numbers(self) -> None:
        """Read the plans named in the entry points, for their commitments'
        numbers only (a milestones page harvested on its own names its
        commitment by short title)."""
        self.learned_numbers = True
        for url in self.ctx.source.entry_points:
            if _priority(url) != _PLAN:
                continue
            page = self.ctx.fetch(url)
            if page is None:
                continue
            document = html.soup(page)
            info = _PageInfo.of(page, document, html.canonical(document, page.url) or page.url)
            plan = plan_of_period(info.title, self.ctx.source.jurisdiction)
            if plan is None:
                continue
            links = [info.url, *info.side_navigation]
            for link in links:
                sub = self.ctx.fetch(link)
                if sub is None:
                    continue
                sections = commitment_sections(_PageInfo.of(sub, html.soup(sub), sub.url).content)
                for n, section in enumerate(sections, start=1):
                    self.numbers.setdefault(plan, {}).setdefault(_key(section.heading), n)

    def documents_page(self, info: _PageInfo) -> Iterator[Record]:
        """A publication's supporting documents: each file a document, with
        the title and type the list gives it (its text when it is fetched)."""
        plan = plan_of_period(info.title, self.ctx.source.jurisdiction)
        seen: set[str] = set()
        for a in info.document.select("a.ds_file-download__title, .ds_file-download__content a"):
            url = urljoin(info.url, str(a.get("href", "")))
            if url in seen:
                continue
            seen.add(url)
            if not self.ctx.allowed(url):
                self.ctx.link(url)
                continue
            title = " ".join(a.get_text().split()) or info.title
            self.file_titles[url] = (title, plan)
            yield Document(
                source_url=info.url, fetched_at=info.fetched_at, url=url, title=title,
                doc_type="pdf edition" if url.lower().endswith(".pdf") else "supporting document",
                jurisdiction=self.ctx.source.jurisdiction, publisher=self.ctx.source.publisher,
                plans=[plan] if plan else [],
            )
            self.discover(url, _FILES)

    def binary(self, url: str) -> Iterator[Record]:
        """A file (the PDF edition of a publication): its text where the body
        is text, else its metadata only."""
        page = self.ctx.fetch(url)
        if page is None:
            return
        title, plan = self.file_titles.get(url, (None, None))
        text = page.text if page.content_type.startswith("text/") else _pdf_text(page)
        if title is None and text:
            title = next((line.strip() for line in text.splitlines() if line.strip()), None)
        if plan is None:
            plan = plan_of_period(title, self.ctx.source.jurisdiction)
        yield Document(
            source_url=page.url, fetched_at=page.fetched_at, url=page.url, title=title, text=text,
            doc_type="pdf edition", jurisdiction=self.ctx.source.jurisdiction,
            publisher=self.ctx.source.publisher, plans=[plan] if plan else [],
        )

    # -- minutes -------------------------------------------------------------------
    def minutes(self, info: _PageInfo) -> Iterator[Record]:
        """Minutes: the meeting they record, read by the extraction library
        from the page (its attendee list under sector headings, agenda, chairs),
        on the day and of the body the page's own metadata states."""
        body = body_of_minutes(info.title) or self.group_names.get(info.url) or \
            self.group_names.get(info.canonical)
        day = info.meeting_date
        context = Context(
            source_url=info.url, fetched_at=info.fetched_at,
            jurisdiction=self.ctx.source.jurisdiction,
            published=_anchor(info.published) or day, title=info.title, doc_type="minutes",
            page_url=info.canonical if info.canonical != info.url else None,
        )
        extracted = extract_all(str(info.main), context)
        meeting = next((r for r in extracted if isinstance(r, Meeting)), None)
        if meeting is None and body and day:
            attendance, _ = extract_attendance(str(info.content))
            meeting = Meeting(source_url=info.url, fetched_at=info.fetched_at, page_url=info.canonical,
                              ref=MeetingRef(body=body, jurisdiction=self.ctx.source.jurisdiction,
                                             date=day),
                              title=info.title, attendance=attendance, recorded_in=info.canonical)
        if meeting is None:
            missing = "the body that met" if not body else "the date of the meeting"
            self.ctx.error(info.url, f"minutes without {missing}: no meeting recorded", info.status)
            yield info.as_document(self.ctx, doc_type="minutes")
            return
        found = meeting.ref
        ref = MeetingRef(body=body or found.body, jurisdiction=self.ctx.source.jurisdiction,
                         date=day or found.date)
        meeting.ref, meeting.title, meeting.page_url = ref, info.title, info.canonical
        meeting.body_kind = meeting.body_kind or _body_kind(ref.body)
        meeting.recorded_in = info.canonical
        yield info.as_document(self.ctx, doc_type="minutes", meetings=[ref])
        yield meeting
        for record in extracted:
            if record is meeting:
                continue
            if isinstance(record, ThemeDecision) and record.meeting == found:
                record.meeting = ref
            yield record

    # -- the end of a run ------------------------------------------------------------
    def finish(self) -> Iterator[Record]:
        """The milestones gathered from every page, numbered per commitment in
        a stable order (the milestones publication first, then progress
        reports), each title once."""
        for ref, facts in self.milestones.items():
            seen: dict[str, _MilestoneFact] = {}
            for fact in sorted(facts, key=lambda f: f.order):
                key = _key(fact.title)
                if key in seen:
                    earlier = seen[key]
                    earlier.status = fact.status or earlier.status
                    continue
                seen[key] = fact
            for number, fact in enumerate(seen.values(), start=1):
                yield Milestone(
                    source_url=fact.source_url, fetched_at=fact.fetched_at, page_url=fact.page_url,
                    commitment=ref, number=number, title=fact.title, due=fact.due,
                    due_as_written=fact.due_as_written, status=fact.status,
                )


# --------------------------------------------------------------------- a page


@dataclass
class _PageInfo:
    """What every gov.scot page states about itself."""

    page: Page
    document: BeautifulSoup
    canonical: str
    meta: dict[str, str]
    article: dict[str, object]

    @classmethod
    def of(cls, page: Page, document: BeautifulSoup, canonical: str) -> _PageInfo:
        article = next((item for item in html.json_ld(document)
                        if str(item.get("@type", "")).lower() in ("article", "newsarticle",
                                                                  "webpage", "report")), {})
        return cls(page=page, document=document, canonical=canonical, meta=html.meta(document),
                   article=article)

    @property
    def url(self) -> str:
        return self.page.url

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def fetched_at(self) -> dt.datetime:
        return self.page.fetched_at

    @property
    def status(self) -> int:
        return self.page.status

    @property
    def main(self) -> Tag | None:
        main = self.document.find("main")
        return main if isinstance(main, Tag) else self.document.body

    @property
    def content(self) -> Tag | None:
        """The publication's own text, without the header, navigation and feedback."""
        for selector in ("div.publication-body", "div.publication-content", "div.body-content",
                         ".ds_layout__content"):
            found = self.document.select_one(selector)
            if found is not None:
                return found
        return self.main

    @property
    def title(self) -> str | None:
        value = (self.meta.get("dc.title") or _text(self.article.get("headline"))
                 or self.meta.get("og:title") or html.title(self.document))
        return " ".join(value.split()) if value else None

    @property
    def description(self) -> str | None:
        return (self.meta.get("dc.description") or _text(self.article.get("description"))
                or self.meta.get("description") or self.meta.get("og:description"))

    @property
    def published(self) -> str | None:
        return _iso_date(self.meta.get("dc.date") or self.meta.get("dcterms.created")
                         or self.meta.get("dcterms.issued") or _text(self.article.get("datePublished")))

    @property
    def modified(self) -> str | None:
        return _iso_date(self.meta.get("dcterms.modified") or _text(self.article.get("dateModified")))

    @property
    def publisher(self) -> str | None:
        publisher = self.article.get("publisher") or self.article.get("author")
        name = _text(publisher.get("name")) if isinstance(publisher, dict) else _text(publisher)
        return re.sub(r"^the\s+", "", name, flags=re.I) if name else None

    @property
    def publication_type(self) -> str | None:
        node = self.document.find(id="sg-meta__publication-type")
        if isinstance(node, Tag):
            return " ".join(node.get_text().split()) or None
        return self.meta.get("dc.type")

    @property
    def meeting_date(self) -> dt.date | None:
        """The "Date of meeting" field, else a day the description or the
        URL's slug ("...-minutes-17-may-2023") gives."""
        node = self.document.find(id="sg-meta__meeting-date")
        slug = " ".join(w.capitalize() for w in urlsplit(self.url).path.split("/")[-2].split("-"))
        for text in (node.get_text() if isinstance(node, Tag) else None, self.description, slug):
            day = parse_day(text or "")
            if day:
                return day
        return None

    @property
    def is_minutes(self) -> bool:
        kind = (self.publication_type or "").lower()
        return kind == "minutes" or self.document.find(id="sg-meta__meeting-date") is not None

    @property
    def publication_kind(self) -> str:
        title = (self.title or "").lower()
        if "milestone" in title:
            return "milestones"
        if _COMMITMENT_N.search(title):
            return "commitment"
        if re.search(r"\baction plan\b", title) and plan_of_period(title, "scotland") is not None:
            return "plan"
        return "other"

    @property
    def side_navigation(self) -> list[str]:
        return [urljoin(self.url, str(a["href"])) for a in
                self.document.select("nav.ds_side-navigation a.ds_side-navigation__link[href]")]

    @property
    def page_name(self) -> str | None:
        """The name the side navigation gives this page."""
        current = self.document.select_one("nav.ds_side-navigation a[aria-current='page']")
        return " ".join(current.get_text().split()) if current else None

    @property
    def page_title(self) -> str | None:
        """The publication's title, with the page's name for its later pages."""
        name, title = self.page_name, self.title
        first = self.document.select_one("nav.ds_side-navigation a.ds_side-navigation__link")
        if name and title and first is not None and first.get("aria-current") != "page":
            return f"{title}: {name}"
        return title

    @property
    def documents_link(self) -> str | None:
        for a in self.document.select("a[href]"):
            href = urljoin(self.url, str(a["href"]))
            if urlsplit(href).path.endswith("/documents/"):
                return href
        return None

    @property
    def links(self) -> list[str]:
        """Links in the page's own content (not the site's navigation)."""
        node = self.content
        return html.links(node, self.url) if node is not None else []

    def as_document(self, ctx: HarvestContext, doc_type: str, title: str | None = None,
                    plans: list[PlanRef] | None = None,
                    commitments: list[CommitmentRef] | None = None,
                    meetings: list[MeetingRef] | None = None) -> Document:
        external = sorted({link for link in self.links if not ctx.allowed(link)})
        for link in external:
            ctx.link(link)
        return Document(
            source_url=self.url, fetched_at=self.fetched_at, url=self.canonical,
            title=title or self.title, text=html.text_of(self.content) or None, doc_type=doc_type,
            jurisdiction=ctx.source.jurisdiction, publisher=self.publisher or ctx.source.publisher,
            published=self.published, modified=self.modified,
            language=html.language(self.document) or "en",
            plans=plans or [], commitments=commitments or [], meetings=meetings or [],
            links=external,
        )


# --------------------------------------------------------------- page content


def parse_page(page: Page) -> tuple[Page, BeautifulSoup]:
    """A gov.scot page parsed; a body that is not a page of the site (no main
    content and no page heading) is an error, so that the last good copy is
    read instead."""
    document = html.soup(page)
    if document.find("main") is None and document.find("h1") is None:
        raise ValueError("no <main> content and no heading: not a gov.scot page as its "
                         "templates write them")
    return page, document


def _blocks(container: Tag | None) -> list[Tag]:
    """The headings, paragraphs and lists of a content area in document order,
    each at the top (a paragraph inside a list item belongs to the item)."""
    if container is None:
        return []
    out: list[Tag] = []
    for node in container.find_all(["h2", "h3", "h4", "h5", "h6", "p", "ul", "ol"]):
        inner = node.find_parent(["p", "ul", "ol", "li"])
        if inner is not None and container in inner.parents:
            continue
        out.append(node)
    return out


def _is_heading(node: Tag) -> bool:
    return bool(re.fullmatch(r"h[1-6]", node.name or ""))


def _level(node: Tag) -> int:
    return int(node.name[1]) if _is_heading(node) else 99


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Tag):
        value = value.get_text(" ")
    text = " ".join(str(value).split())
    return text or None


def _key(text: str | None) -> str:
    """A short title reduced for matching: "Fiscal openness and transparency
    commitment" and "Fiscal Openness and Transparency" meet."""
    words = re.findall(r"[a-z0-9]+", (text or "").lower().replace("&", " and "))
    return " ".join(w for w in words if w not in {"the", "and", "of", "commitment"})


def _first_heading(container: Tag | None, name: str) -> str | None:
    node = container.find(name) if container is not None else None
    return _text(node) if isinstance(node, Tag) else None


@dataclass
class CommitmentSection:
    """A commitment as a plan or a commitment publication sets it out:
    labelled fields under a heading."""

    heading: str
    fields: dict[str, list[Tag]]

    def field_text(self, *labels: str) -> str | None:
        """The paragraphs of the first field whose label matches one of
        ``labels`` (regular expressions, in order of preference)."""
        for label in labels:
            for name, nodes in self.fields.items():
                if re.fullmatch(label, name, re.I):
                    text = " ".join(_text(n) or "" for n in nodes if n.name == "p").strip()
                    if text:
                        return text
        return None

    def commitment(self, info: _PageInfo, ref: CommitmentRef) -> Commitment:
        title_nodes = next((nodes for name, nodes in self.fields.items()
                            if re.fullmatch(r"commitment title", name, re.I)), None)
        title = description = None
        if title_nodes:
            paragraphs = [p for p in (_text(n) for n in title_nodes if n.name == "p") if p]
            title = paragraphs[0] if paragraphs else None
            description = " ".join(paragraphs[1:]) or None
        elif "" in self.fields:  # the title as the first paragraph under the heading
            paragraphs = [p for p in (_text(n) for n in self.fields[""] if n.name == "p") if p]
            title = paragraphs[0] if paragraphs else None
            description = " ".join(paragraphs[1:]) or None
        if description is None:
            description = self.field_text(r"commitment description", r"problem", r"description")
        timeframe = self.field_text(r"timeframe", r"duration")
        start, end = parse_timeframe(timeframe)
        lead = self.field_text(r"lead implementing (?:directorate|organisation|body)s?",
                               r"lead (?:directorate|organisation|department)s?")
        return Commitment(
            source_url=info.url, fetched_at=info.fetched_at, page_url=info.canonical,
            ref=ref, title=title, description=description, themes=[self.heading],
            leads=[lead] if lead else [], start=start, end=end,
        )


def _fields(nodes: list[Tag]) -> dict[str, list[Tag]]:
    """Nodes grouped by the label heading before them ("" for those before any)."""
    fields: dict[str, list[Tag]] = {}
    label = ""
    top = min((_level(n) for n in nodes if _is_heading(n)), default=99)
    for node in nodes:
        if _is_heading(node) and _level(node) <= top:
            label = _text(node) or ""
            fields.setdefault(label, [])
        elif _is_heading(node):
            continue  # a sub-heading inside a field (e.g. "Problem" under the description)
        else:
            fields.setdefault(label, []).append(node)
    return fields


def commitment_sections(container: Tag | None) -> list[CommitmentSection]:
    """The commitments of a plan's "Commitments" page: each a heading whose
    section holds labelled fields ("Commitment Title", "Timeframe", "Lead
    Implementing Directorate"...), or a bare heading where the plan gives no
    more; in the plan's order. A page without a "Commitment Title" field has none."""
    blocks = _blocks(container)
    if not any(_is_heading(b) and re.fullmatch(r"commitment title", _text(b) or "", re.I)
               for b in blocks):
        return []
    label_level = min(_level(b) for b in blocks
                      if _is_heading(b) and re.fullmatch(r"commitment title", _text(b) or "", re.I))
    section_level = label_level - 1
    out: list[CommitmentSection] = []
    current: list[Tag] | None = None
    heading = ""
    for block in blocks:
        if _is_heading(block) and _level(block) < section_level:
            if current is not None:
                out.append(CommitmentSection(heading, _fields(current)))
            current = None
            continue
        if _is_heading(block) and _level(block) == section_level:
            if current is not None:
                out.append(CommitmentSection(heading, _fields(current)))
            heading, current = _text(block) or "", []
            continue
        if current is not None:
            current.append(block)
    if current is not None:
        out.append(CommitmentSection(heading, _fields(current)))
    return [s for s in out if s.heading]


def commitment_overview(container: Tag | None, short_title: str) -> CommitmentSection | None:
    """A commitment publication's overview page: labelled fields under the
    "Commitment overview" heading."""
    blocks = _blocks(container)
    start = next((i for i, b in enumerate(blocks) if _is_heading(b)
                  and re.search(r"commitment overview", _text(b) or "", re.I)), None)
    if start is None:
        return None
    level = _level(blocks[start])
    section: list[Tag] = []
    for block in blocks[start + 1:]:
        if _is_heading(block) and _level(block) <= level:
            break
        section.append(block)
    return CommitmentSection(short_title, _fields(section)) if section else None


def labelled_list(container: Tag | None, label: str) -> list[str]:
    """The items of the lists introduced by a paragraph or heading that says
    ``label`` ("Milestones:")."""
    out: list[str] = []
    blocks = _blocks(container)
    for i, block in enumerate(blocks):
        text = (_text(block) or "").strip().rstrip(":").strip().lower()
        if text == label and i + 1 < len(blocks) and blocks[i + 1].name in ("ul", "ol"):
            out += [t for t in (_text(li) for li in blocks[i + 1].find_all("li")) if t]
    return out


_BY = re.compile(r"^\s*by\s+([^:]{2,40}?)\s*:\s*(.+)$", re.I | re.S)


def progress_milestones(info: _PageInfo) -> list[_MilestoneFact]:
    """A progress report's milestones: "By <when>: <what>" items under each
    "Milestone aim", with the status the aim's section gives."""
    out: list[_MilestoneFact] = []
    blocks = _blocks(info.content)
    anchor = _anchor(info.page_name) or _anchor(info.title)
    aims = [i for i, b in enumerate(blocks) if _is_heading(b)
            and re.fullmatch(r"milestone aims?", _text(b) or "", re.I)]
    for n, start in enumerate(aims):
        level = _level(blocks[start])
        end = next((j for j in range(start + 1, len(blocks)) if _is_heading(blocks[j])
                    and _level(blocks[j]) <= level), len(blocks))
        section = blocks[start + 1:end]
        status = None
        for j, block in enumerate(section):
            if _is_heading(block) and re.fullmatch(r"status", _text(block) or "", re.I):
                following = next((b for b in section[j + 1:] if b.name == "p"), None)
                status = (_text(following) or "").rstrip(".") or None if following else None
        for block in section:
            if block.name not in ("ul", "ol"):
                continue
            for li in block.find_all("li"):
                match = _BY.match(_text(li) or "")
                if not match:
                    continue
                when, what = match.group(1).strip(), match.group(2).strip().rstrip(".")
                due = parse_due(when, anchor)
                out.append(_MilestoneFact(
                    order=(1, info.canonical, n * 100 + len(out)), title=what, source_url=info.url,
                    fetched_at=info.fetched_at, page_url=info.canonical, due=due,
                    due_as_written=when, status=status))
    return out


def _section_links(main: Tag | None, heading: str, base: str) -> list[str]:
    """Links listed under a heading of the page ("Documents" on a group page)."""
    if main is None:
        return []
    for node in main.find_all(re.compile(r"^h[1-6]$")):
        if (_text(node) or "").lower() == heading.lower():
            out = []
            for sibling in node.find_next_siblings():
                if _is_heading(sibling) and _level(sibling) <= _level(node):
                    break
                for a in sibling.find_all("a", href=True) if isinstance(sibling, Tag) else []:
                    out.append(urljoin(base, str(a["href"])).split("#", 1)[0])
            return out
    return []


# ------------------------------------------------------------ names and dates


def body_of_minutes(title: str | None) -> str | None:
    """The body named in a minutes title: "Open Government Partnership
    Steering Group meeting minutes: February 2021"."""
    match = re.match(r"^\s*(.+?)\s+(?:meeting\s+)?minutes\b", title or "", re.I)
    return match.group(1).strip() if match else None


def _body_kind(name: str | None) -> str:
    name = (name or "").lower()
    if "steering group" in name:
        return "steering-group"
    if "forum" in name:
        return "forum"
    if "network" in name:
        return "network"
    if "committee" in name:
        return "committee"
    return "organisation"


def parse_timeframe(text: str | None) -> tuple[str | None, str | None]:
    """A commitment's timeframe as start and end, to their precision:
    "September 2021 to August 2025" gives months, "2021-25" and "2021 to
    2025" give years."""
    found = parse_range(text or "")
    if found is None:
        return None, None
    start, end = found
    return start.iso(), end.iso() if end is not None else None


def parse_due(when: str, anchor: dt.date | None) -> str | None:
    """A milestone's due date as written ("end June", "end 2023", "February
    2023"), to its precision; a month without a year is read against the
    report's date."""
    found = parse_date(when, anchor)
    return found.iso() if found is not None else None


def _anchor(text: str | None) -> dt.date | None:
    """The date a text gives, to any precision, as an anchor for dates written
    without a year: a page's publication date, a report's name ("Progress to
    May 2023")."""
    found = parse_date(text) if text else None
    return found.value if found is not None else None


def _iso_date(value: str | None) -> str | None:
    """A date in metadata ("2021-12-09T00:00:00", "9 December 2021") as ISO
    8601, to the precision it is written."""
    if not value:
        return None
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4})", value)
    if match:
        return match.group(1)
    day = parse_day(value)
    return day.isoformat() if day else None


def _priority(url: str) -> int:
    """The order of discovery for a URL, from its path alone."""
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(".xml") or path.startswith("/groups/") or path.rstrip("/") == "/publications":
        return _LISTING
    if path.startswith("/binaries/") or path.endswith("/documents/"):
        return _FILES
    match = _PUBLICATION.match(parts.path)
    slug = match.group(1).lower() if match else ""
    if "milestone" in slug:
        return _MILESTONES
    if re.search(r"commitment", slug):
        return _COMMITMENT
    if "action-plan" in slug and "minutes" not in slug:
        return _PLAN
    return _OTHER


def sitemap_entries(root: ET.Element) -> Iterator[tuple[str, str]]:
    """("sitemap", URL) for each child of a sitemap index, ("url", URL) for each
    page of a URL set."""
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in ("sitemap", "url"):
            continue
        loc = next((c.text for c in element if c.tag.rsplit("}", 1)[-1] == "loc" and c.text), None)
        if loc:
            yield tag, loc.strip()


def _pdf_text(page: Page) -> str | None:
    """The text of a PDF, or None when it cannot be read."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(page.content))
        return "\n\f".join(p.extract_text() or "" for p in reader.pages).strip() or None
    except Exception:
        return None

