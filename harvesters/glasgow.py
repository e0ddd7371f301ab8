"""Glasgow City Council's open government pages, and Glasgow's OGP Local
action plans as the Open Government Partnership publishes them.

The source spans several hosts (``hosts`` in ``config/sources.toml``): the
council's site (current CMS ``/article/<id>/<slug>``, old CMS
``/index.aspx?articleid=<n>`` for news releases), its committee system
(``Agenda.asp?meetingid=``, ``submissiondocuments.asp?submissionid=`` under
``councillorsandcommittees``), and the OGP pages about Glasgow (the member
page, the action plan, commitments ``GBGLG000N``, IRM reports). What a page
is comes from its URL and content; links are followed only where they stay
on Glasgow's material (the member page's documents, the plan's commitments).

Keys are the ones the OGP harvester uses for the same things: the first
plan is ``PlanRef("glasgow", 2021, 2023)`` (OGP's own URL says 2021-2022 and
its title 2021 - 2023: the plan register reconciles both), its commitments
``CommitmentRef(plan, number=N)`` numbered as the plan lists them, with OGP's
identifier (``GBGLG0001``) beside the number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from harvesters import html
from harvesters.base import HarvestContext
from harvesters.crawl import Frontier, start_urls
from harvesters.extract.dates import parse_date, parse_day
from harvesters.http import Page
from harvesters.planrefs import plan_of_period
from harvesters.records import (
    Body,
    Commitment,
    CommitmentRef,
    Document,
    IRMAssessment,
    Meeting,
    MeetingRef,
    Plan,
    PlanRef,
    Record,
)

JURISDICTION = "glasgow"
_OGP_HOST = "www.opengovpartnership.org"
_OGP_ID = re.compile(r"\b(GBGLG\d{4})\b", re.I)


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    run = _Run(ctx, follow=True)
    for url in start_urls(ctx):
        run.queue.add(url)
    yield from run.queue.drain(run.visit)


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    run = _Run(ctx, follow=False)
    run.queue.add(url)
    yield from run.queue.drain(run.visit)


@dataclass
class _Run:
    """One harvest: the pages to read, and what pages read so far said that
    later pages' keys depend on."""

    ctx: HarvestContext
    follow: bool
    #: plans first: commitment pages take their number from the plan's list
    queue: Frontier = field(init=False)
    #: commitments of a plan by OGP identifier and by normalised title -> number
    numbers: dict[str, tuple[PlanRef, int]] = field(default_factory=dict)
    #: document URL -> (year, type) as the member page lists it
    listed: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.queue = Frontier(self.ctx, _order)

    def follow_link(self, url: str) -> None:
        if not self.ctx.allowed(url):
            self.ctx.link(url)
        elif self.follow and _is_glasgow_material(url):
            self.queue.add(url)

    def visit(self, url: str) -> Iterator[Record]:
        parsed = self.ctx.get(url, parse_page)
        if parsed is None:
            return
        page, document = parsed
        canonical = html.canonical(document, page.url) or page.url
        parts = urlsplit(page.url)
        path = parts.path.lower()
        if parts.hostname == _OGP_HOST:
            if "/commitments/" in path:
                yield from self.ogp_commitment(page, document, canonical)
            elif path.startswith("/members/"):
                yield from self.ogp_member(page, document, canonical)
            elif "/documents/action-plan-" in path:
                yield from self.ogp_plan(page, document, canonical)
            elif "/documents/" in path:
                yield from self.ogp_report(page, document, canonical)
            else:
                yield _document(self.ctx, page, document, canonical, "web page")
        elif "councillorsandcommittees" in path and "agenda" in path:
            yield from self.committee_meeting(page, document, canonical)
        elif "councillorsandcommittees" in path:
            yield _document(self.ctx, page, document, canonical, "committee paper")
        elif path.startswith("/index.aspx") and "articleid" in parse_qs(parts.query):
            yield from self.news(page, document, canonical)
        else:
            yield from self.council_page(page, document, canonical)

    # -- the council's pages ------------------------------------------------------
    def council_page(self, page: Page, document: BeautifulSoup, canonical: str) -> Iterator[Record]:
        """A page of the council's site: a document, and the plans it names
        with their period ("a second plan covering 2024-2027")."""
        doc = _document(self.ctx, page, document, canonical, "web page")
        text = doc.text or ""
        plans = list(plans_named(text))
        for title, ref, status in plans:
            yield Plan(source_url=page.url, fetched_at=page.fetched_at, page_url=canonical,
                       ref=ref, title=title, status=status, publisher="Glasgow City Council")
        doc.plans = [ref for _, ref, _ in plans]
        yield doc
        self.follow_links(document, page.url)

    def news(self, page: Page, document: BeautifulSoup, canonical: str) -> Iterator[Record]:
        """A news release of the old CMS: title, the day it was published."""
        doc = _document(self.ctx, page, document, canonical, "news release")
        published = document.find(class_="published")
        day = parse_day(published.get_text(" ") if isinstance(published, Tag) else doc.text or "")
        doc.published = day.isoformat() if day else doc.published
        yield doc
        self.follow_links(document, page.url)

    def committee_meeting(self, page: Page, document: BeautifulSoup,
                          canonical: str) -> Iterator[Record]:
        """A committee's agenda page: the meeting of that committee on that day,
        its agenda items, and the page as a document."""
        doc = _document(self.ctx, page, document, canonical, "agenda")
        title = doc.title or ""
        committee = re.split(r"\s+[-–,]\s+|\s+on\s+|\s+agenda\b", title, maxsplit=1, flags=re.I)[0]
        day = parse_day(title) or parse_day(doc.text or "")
        if committee and day:
            ref = MeetingRef(body=committee.strip(), jurisdiction=JURISDICTION, date=day)
            doc.meetings = [ref]
            main = document.find("main") or document.body
            items = [" ".join(li.get_text(" ").split()) for li in main.select("ol li, table tr")] \
                if isinstance(main, Tag) else []
            yield Meeting(source_url=page.url, fetched_at=page.fetched_at, page_url=canonical,
                          ref=ref, title=title, body_kind="committee",
                          agenda=[i for i in items if i], recorded_in=canonical)
        else:
            self.ctx.error(page.url, "agenda page without a committee name and a date: no meeting",
                           page.status)
        yield doc
        self.follow_links(document, page.url)

    # -- OGP's pages about Glasgow --------------------------------------------------
    def ogp_member(self, page: Page, document: BeautifulSoup, canonical: str) -> Iterator[Record]:
        doc = _document(self.ctx, page, document, canonical, "ogp member page")
        doc.publisher = "Open Government Partnership"
        for item in document.select(".document-list__item, .document-list li"):
            link = item.find("a", href=True)
            meta = item.find(class_="document-list__meta")
            year = re.search(r"\b(\d{4})\b", meta.get_text()) if isinstance(meta, Tag) else None
            kind = meta.get_text().split(",")[1].strip() if isinstance(meta, Tag) and \
                "," in meta.get_text() else None
            if isinstance(link, Tag):
                url = urljoin(page.url, str(link["href"]))
                self.listed[url] = (int(year.group(1)) if year else None, kind)
                if self.follow:  # the member's own documents, whatever their slug says
                    self.queue.add(url)
        yield doc
        self.follow_links(document, page.url)

    def ogp_plan(self, page: Page, document: BeautifulSoup, canonical: str) -> Iterator[Record]:
        fields = at_a_glance(document)
        title = html.heading(document) or fields.get("action plan")
        ref = plan_of_period(title, JURISDICTION)
        if ref is None:
            yield _document(self.ctx, page, document, canonical, "action plan")
            return
        description = _section_text(document, "Foreword(s)") or _section_text(document, "Foreword")
        submitted = _section_text(document, "Date Submitted")
        submitted_day = parse_day(submitted or "")
        yield Plan(
            source_url=page.url, fetched_at=page.fetched_at, page_url=canonical, ref=ref,
            title=title, description=description,
            published=submitted_day.isoformat() if submitted_day else None,
            publisher="Glasgow City Council", start=str(ref.start),
            end=parse_month(fields.get("action plan end", "")) or (str(ref.end) if ref.end else None),
            themes=focus_areas(description or ""),
        )
        for number, link in enumerate(document.select("ol.commitment-list a[href], "
                                                      ".commitment-list a[href]"), start=1):
            url = urljoin(page.url, str(link["href"]))
            name = " ".join(link.get_text().split())
            identifier = _OGP_ID.search(url)
            cref = CommitmentRef(ref, number=number)
            if identifier:
                self.numbers[identifier.group(1).upper()] = (ref, number)
            self.numbers[_key(name)] = (ref, number)
            yield Commitment(source_url=page.url, fetched_at=page.fetched_at, page_url=canonical,
                             ref=cref, title=name,
                             identifiers=[identifier.group(1).upper()] if identifier else [])
            self.follow_link(url)
        doc = _document(self.ctx, page, document, canonical, "action plan")
        doc.plans, doc.publisher = [ref], "Open Government Partnership"
        yield doc
        self.follow_links(document, page.url)

    def ogp_commitment(self, page: Page, document: BeautifulSoup,
                       canonical: str) -> Iterator[Record]:
        fields = at_a_glance(document)
        identifier_match = _OGP_ID.search(fields.get("commitment id", "") or "") or \
            _OGP_ID.search(_section_text(document, "Commitment ID") or "") or _OGP_ID.search(page.url)
        identifier = identifier_match.group(1).upper() if identifier_match else None
        title = _section_text(document, "Commitment Title") or \
            re.sub(r"\s*\(GBGLG\d{4}\)\s*$", "", html.heading(document) or "", flags=re.I) or None
        plan = plan_of_period(fields.get("action plan"), JURISDICTION)
        known = self.numbers.get(identifier or "") or self.numbers.get(_key(title))
        if known is None and plan is not None:
            known = self.learn_number(document, page.url, identifier, title)
        if known is None:
            self.ctx.error(page.url, f"commitment {identifier or title!r}: its plan or its number "
                           "in the plan is not stated", page.status)
            yield _document(self.ctx, page, document, canonical, "commitment")
            return
        plan, number = known
        ref = CommitmentRef(plan, number=number)
        values = _list(fields, "ogp value")
        policy_areas = _list(fields, "primary policy area") + _list(fields, "policy area")
        irm = irm_summary(document)
        yield Commitment(
            source_url=page.url, fetched_at=page.fetched_at, page_url=canonical, ref=ref,
            title=title, description=_section_text(document, "Problem"),
            # OGP files Glasgow's commitments under values, not policy areas: the
            # values carry the theme when no policy area is given
            themes=policy_areas or values,
            leads=list(dict.fromkeys(_list(fields, "institutions involved")
                                     or _list(fields, "lead institution"))),
            identifiers=[identifier] if identifier else [], ogp_values=values, irm=irm,
            start=parse_month(fields.get("commitment start", "")),
            end=parse_month(fields.get("commitment end", "")),
        )
        doc = _document(self.ctx, page, document, canonical, "ogp commitment page")
        doc.commitments, doc.plans, doc.publisher = [ref], [plan], "Open Government Partnership"
        yield doc
        self.follow_links(document, page.url)

    def learn_number(self, document: BeautifulSoup, base: str, identifier: str | None,
                     title: str | None) -> tuple[PlanRef, int] | None:
        """A commitment page read on its own: its number from its plan's list."""
        link = document.select_one(".at-a-glance a[href*='/documents/action-plan-']")
        if not isinstance(link, Tag):
            return None
        url = urljoin(base, str(link["href"]))
        page = self.ctx.fetch(url)
        if page is None:
            return None
        plan_doc = html.soup(page)
        ref = plan_of_period(html.heading(plan_doc), JURISDICTION)
        if ref is None:
            return None
        for number, a in enumerate(plan_doc.select(".commitment-list a[href]"), start=1):
            found = _OGP_ID.search(str(a["href"]))
            if (identifier and found and found.group(1).upper() == identifier) or \
                    _key(a.get_text()) == _key(title):
                return ref, number
        return None

    def ogp_report(self, page: Page, document: BeautifulSoup, canonical: str) -> Iterator[Record]:
        """An IRM report (inception, end of commitment): its evaluators, the plan
        and commitment it assesses, and the forum it describes."""
        meta = _definitions(document.select_one("dl.report-meta"))
        title = html.heading(document) or ""
        kind = "irm inception report" if "inception" in title.lower() else \
            "irm end of commitment report" if "end of commitment" in title.lower() else "irm report"
        doc = _document(self.ctx, page, document, canonical, kind)
        doc.publisher = "Open Government Partnership"
        evaluators = meta.get("name of evaluator", "")
        evaluators = re.sub(r",\s*(?:University|College)\b.*$", "", evaluators)
        doc.authors = [a.strip() for a in re.split(r"\s+and\s+|;\s*", evaluators) if a.strip()]
        plan = plan_of_period(meta.get("action plan title"), JURISDICTION)
        doc.plans = [plan] if plan else []
        commitment = meta.get("commitment")
        if commitment:
            known = self.numbers.get(_key(commitment))
            if known:
                doc.commitments = [CommitmentRef(known[0], number=known[1])]
        year, _ = self.listed.get(page.url, (None, None))
        doc.published = str(year) if year and not doc.published else doc.published
        yield doc
        forum = forum_named(document)
        if forum:
            name, aliases = forum
            yield Body(source_url=page.url, fetched_at=page.fetched_at, page_url=canonical,
                       name=name, alt_names=aliases, jurisdiction=JURISDICTION, body_kind="forum")
        self.follow_links(document, page.url)

    # -- links ----------------------------------------------------------------------
    def follow_links(self, document: BeautifulSoup, base: str) -> None:
        main = document.find("main") or document.find(id="content") or document.body
        if isinstance(main, Tag):
            for link in html.links(main, base):
                self.follow_link(link)


# ----------------------------------------------------------------- helpers


def parse_page(page: Page) -> tuple[Page, BeautifulSoup]:
    """A page parsed; a body without a heading or main content is an error,
    so that the last good copy is read instead."""
    document = html.soup(page)
    if document.find(["main", "h1"]) is None and document.find(id="content") is None:
        raise ValueError("no main content or heading: not a page of the source")
    return page, document


def _order(url: str) -> int:
    """Member pages first, then plans, then commitments, then the rest: a
    commitment page takes its number from its plan's list."""
    path = urlsplit(url).path.lower()
    if "/members/" in path and "/commitments/" not in path:
        return 0
    if "/documents/action-plan-" in path:
        return 1
    if "/commitments/" in path:
        return 2
    return 3


def _is_glasgow_material(url: str) -> bool:
    """Pages of the source worth following: Glasgow's OGP pages and the
    council's open government, news and committee pages."""
    parts = urlsplit(url)
    path = parts.path.lower()
    if parts.hostname == _OGP_HOST:
        return "glasgow" in path
    return path.startswith("/article/") or "councillorsandcommittees" in path or (
        path.startswith("/index.aspx") and "articleid" in parts.query.lower())


def _key(text: str | None) -> str:
    """A commitment's name reduced for matching (case, punctuation, "&" and
    small words aside): the plan's list and the commitment's page write it apart."""
    words = re.findall(r"[a-z0-9]+", (text or "").lower().replace("’", "'").replace("&", " and "))
    return " ".join(w for w in words if w not in {"the", "and", "of", "s"})


def _definitions(dl: Tag | None) -> dict[str, str]:
    """A definition list as lower-case term -> text, a list's items one a line."""
    out: dict[str, str] = {}
    if not isinstance(dl, Tag):
        return out
    for dt_tag in dl.find_all("dt"):
        dd = dt_tag.find_next_sibling("dd")
        key = " ".join(dt_tag.get_text(" ").split()).lower()
        if isinstance(dd, Tag):
            items = [" ".join(li.get_text(" ").split()) for li in dd.find_all("li")]
            out[key] = "\n".join(items) if items else " ".join(dd.get_text(" ").split())
    return out


def at_a_glance(document: BeautifulSoup) -> dict[str, str]:
    """OGP's "At-a-Glance" fields, lower-case keys; lists one item a line."""
    return _definitions(document.select_one("dl.at-a-glance"))


def irm_summary(document: BeautifulSoup) -> IRMAssessment | None:
    """The IRM's assessment a commitment page summarises (whether it is verifiable)."""
    fields = _definitions(document.select_one("dl.irm-summary"))
    if not fields:
        return None
    verifiable = fields.get("verifiable", "").strip().lower()
    return IRMAssessment(verifiable={"yes": True, "no": False}.get(verifiable))


def _list(fields: dict[str, str], key: str) -> list[str]:
    return [line.strip() for line in fields.get(key, "").split("\n") if line.strip()]


def _section_text(document: BeautifulSoup, heading: str) -> str | None:
    """The paragraphs under a heading (h2-h4) that says ``heading``."""
    for node in document.find_all(["h2", "h3", "h4"]):
        if " ".join(node.get_text(" ").split()).lower() != heading.lower():
            continue
        parts = []
        for sibling in node.find_next_siblings():
            if re.fullmatch(r"h[1-6]", sibling.name or ""):
                break
            if sibling.name == "p":
                parts.append(" ".join(sibling.get_text(" ").split()))
        return " ".join(p for p in parts if p) or None
    return None


def parse_month(text: str) -> str | None:
    """A month as OGP writes it ("Sep 2023"), as ``YYYY-MM``."""
    found = parse_date(text)
    return found.iso() if found is not None and found.precision == "month" else None


def plans_named(text: str) -> Iterator[tuple[str, PlanRef, str | None]]:
    """Plans a council page names with their period: "With its first Open
    Government Action Plan for Glasgow now delivered, the city has begun work on
    a second plan covering 2024-2027" names the second plan, in development."""
    name_match = re.search(r"\b(?:first|second|third|new|next)?\s*"
                           r"(Open Government Action Plan for Glasgow)\b", text)
    name = name_match.group(1) if name_match else "Open Government Action Plan for Glasgow"
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for match in re.finditer(r"\b(?:first|second|third|new|next)?\s*(?:action\s+)?plan\s+"
                                 r"(?:covering|for|of)\s+(20\d\d)\s*(?:-|–|to)\s*((?:20)?\d\d)\b",
                                 sentence, re.I):
            start, end = int(match.group(1)), int(match.group(2))
            if end < 100:
                end += start - start % 100
            status = None
            if re.search(r"\b(?:begun|began|started|starting|developing|in development|"
                         r"co-creat\w*|drafting)\b", sentence, re.I):
                status = "in development"
            yield f"{name} {start}-{end}", PlanRef(JURISDICTION, start, end), status


def focus_areas(text: str) -> list[str]:
    """The areas a plan says it concentrates on: "concentrates on three areas
    ...: participatory democracy, access to information, and raising awareness
    of open government"."""
    match = re.search(r"(?:concentrates|focuses|focusses)\s+on\s+[^:]*:\s*([^.]+)", text, re.I)
    if not match:
        return []
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group(1))
    return [re.sub(r"^(?:raising|building)\s+", "building ", p.strip()) for p in parts if p.strip()]


def forum_named(document: BeautifulSoup) -> tuple[str, list[str]] | None:
    """The forum an IRM report names under "Does a forum exist?", and the
    other names it gives it ("..., now called the ...")."""
    for node in document.find_all(["h3", "h4"]):
        if "forum exist" not in node.get_text().lower():
            continue
        for sibling in node.find_next_siblings():
            if sibling.name == "h3":
                break
            strong = sibling.find("strong") if isinstance(sibling, Tag) else None
            if isinstance(strong, Tag):
                name = " ".join(strong.get_text(" ").split())
                text = " ".join(sibling.get_text(" ").split())
                aliases = [a for a in re.findall(r"\bset up an? ([A-Z][\w ]+?Team)\b", text)
                           if a != name]
                return name, aliases
    return None


def _document(ctx: HarvestContext, page: Page, document: BeautifulSoup, canonical: str,
              doc_type: str) -> Document:
    """The page as a document; its links to other hosts recorded."""
    metadata = html.meta(document)
    main = document.find("main") or document.find(id="content") or document.body
    title = html.heading(document) or metadata.get("og:title") or html.title(document)
    external = sorted({u for u in (html.links(main, page.url) if isinstance(main, Tag) else [])
                       if not ctx.allowed(u)})
    for link in external:
        ctx.link(link)
    published = metadata.get("article:published_time") or metadata.get("dc.date")
    return Document(
        source_url=page.url, fetched_at=page.fetched_at, url=canonical, title=title,
        text=html.text_of(main) or None, doc_type=doc_type, jurisdiction=JURISDICTION,
        publisher=ctx.source.publisher, published=published[:10] if published else None,
        language=html.language(document) or "en", links=external,
    )

