"""The Welsh Government's open government pages (gov.wales and llyw.cymru)
and the Welsh network's pages (opengovernment.org.uk, WCVA).

gov.wales publishes every page twice: in English on www.gov.wales and in
Welsh on www.llyw.cymru, the twins pointing at each other with
``<link rel="alternate" hreflang>``. A twin is the same thing in the other
language, never a second entity: a Welsh page yields records with the same
keys as its English twin and ``language="cy"``, so the plan, its commitments
and the page itself carry a title in each language on one IRI. A page's
document is identified by its English URL (the English canonical link, or the
Welsh page's ``hreflang="en"`` alternate), with the Welsh URL as an alternate.

The site has no listing of open government pages, so discovery starts from the
source's entry points and the known documents of ``options.documents`` in
``config/sources.toml``, and follows each page's other-language twin. Drupal
serves some pages only at ``/node/NNN``; the apex hosts redirect to ``www``.

What each page is comes from its content: a written statement (a list of
themes that are the commitments), a plan page ("Commitment N: title"
headings), a list of commitments ("Our commitments for 2022-2024 are:"), a
progress report (a summary table of status by commitment), a self-assessment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from harvesters import html, wpsite
from harvesters.base import HarvestContext
from harvesters.crawl import Found, crawl, read_one
from harvesters.extract.dates import parse_date, parse_day
from harvesters.http import Page
from harvesters.records import (
    Body,
    Commitment,
    CommitmentRef,
    Document,
    Meeting,
    MeetingRef,
    Plan,
    PlanRef,
    Record,
)
from hub.reconcile import period_in, plan_for_period

JURISDICTION = "wales"
PUBLISHER = "Welsh Government"
GOV_HOSTS = {"www.gov.wales", "gov.wales", "www.llyw.cymru", "llyw.cymru"}
WELSH_HOSTS = {"www.llyw.cymru", "llyw.cymru"}
#: Who publishes opengovernment.org.uk, where the national networks post.
NETWORK_SITE_PUBLISHER = "UK Open Government Network"

#: "Commitment 3: StatsWales", "Ymrwymiad 1: Cynllun data agored", "3. StatsWales"
COMMITMENT_HEADING = re.compile(r"^(?:(?:Commitment|Ymrwymiad)\s+)?(\d{1,2})\s*[:.–-]\s*(.+)$", re.I)
#: "Our commitments for 2022-2024 are:"
COMMITMENTS_FOR = re.compile(r"commitments for ((?:19|20)\d\d\s*(?:-|–|to)\s*(?:19|20)?\d\d)", re.I)
STATEMENT_TITLE = re.compile(
    r"^(?:Written Statement|Datganiad Ysgrifenedig)\s*:\s*(?:Publication of (?:the )?|Cyhoeddi )?(.+)$", re.I)


# --------------------------------------------------------------------- entry points


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    yield from crawl(ctx, read)


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    yield from read_one(ctx, url, read)


def read(page: Page) -> Found:
    """The records of one page, recognised by its host and content, and the
    pages to read next (its other-language twin, an archive's next page)."""
    host = (urlsplit(page.url).hostname or "").lower()
    document = html.soup(page)
    if host in GOV_HOSTS:
        return GovPage(page, document).read()
    if wpsite.is_archive(document):
        return _archive(page, document)
    if host.endswith("wcva.cymru"):
        return _network_page(page, document)
    return _network_post(page, document)


# --------------------------------------------------------------------- gov.wales


class GovPage:
    """One gov.wales or llyw.cymru page."""

    def __init__(self, page: Page, document: BeautifulSoup) -> None:
        self.page, self.document = page, document
        host = (urlsplit(page.url).hostname or "").lower()
        self.language = html.language(document) or ("cy" if host in WELSH_HOSTS else "en")
        self.alternates = html.alternates(document, page.url)
        own = html.canonical(document, page.url) or page.url
        self.url = own if self.language == "en" else self.alternates.get("en", own)
        #: the document's URLs in other languages than English (this page's own, if it is one)
        self.translations = {lang: u for lang, u in self.alternates.items() if lang != "en"}
        if self.language != "en":
            self.translations[self.language] = own
        self.main = document.find("main") or document.body
        hero = self.main.find("h1") if isinstance(self.main, Tag) else None
        self.title = html.clean(hero.get_text(" ")) if isinstance(hero, Tag) else None
        article = self.main.find(class_="announcement-item__article") if isinstance(self.main, Tag) else None
        self.article = article if isinstance(article, Tag) else self.main
        self.text = html.text_of(self.article)
        summary = self.main.find(class_="hero-summary") if isinstance(self.main, Tag) else None
        self.summary = html.clean(summary.get_text(" ")) if isinstance(summary, Tag) else None
        stamp = document.select_one(".first-published time")
        self.published = parse_date(str(stamp.get("datetime") or stamp.get_text(" ")),
                                    language=self.language) if isinstance(stamp, Tag) else None
        self.node_type = next((c.removeprefix("page-node-type-") for c in html.classes(document.body)
                               if c.startswith("page-node-type-")), "")

    def common(self) -> dict[str, Any]:
        """The fields every record of the page takes from it."""
        return {"source_url": self.page.url, "fetched_at": self.page.fetched_at, "language": self.language}

    def read(self) -> Found:
        """The page's records by what it is, its document last, and its
        other-language twin to read next."""
        found = Found(follow=[u for lang, u in self.alternates.items()
                              if u != self.page.url and urlsplit(u).hostname in GOV_HOSTS])
        plan = self.plan_ref()
        doc_type = "web-page"
        if self.node_type == "written_statement":
            doc_type = "written-statement"
            found.records += self.statement(plan)
        elif self._is_self_assessment() or self._progress_table() is not None:
            doc_type = "self-assessment"
            found.records += self.report(plan)
        elif plan is not None and (self._commitment_headings() or self._commitment_list()):
            doc_type = "action-plan"
            found.records += self.plan_page(plan)
        speaker = self.speaker()
        found.records.append(Document(
            **self.common(),
            url=self.url,
            title=self.title,
            text=self.text,
            doc_type=doc_type,
            jurisdiction=JURISDICTION,
            publisher=PUBLISHER,
            published=self.published,
            authors=[speaker] if speaker else [],
            plans=[plan] if plan else [],
            alternates=self.translations,
        ))
        return found

    # -- what the page says about its plan --------------------------------
    def plan_ref(self) -> PlanRef | None:
        m = COMMITMENTS_FOR.search(self.text)
        period = period_in(m.group(1)) if m else None
        period = period or period_in(self.title)
        if period is None and self.node_type == "written_statement":
            period = period_in(self.text)
        return plan_for_period(JURISDICTION, *period) if period else None

    def plan_name(self, plan: PlanRef) -> str:
        """A name for a plan whose page gives no title."""
        period = f"{plan.start} to {plan.end}"
        if self.language == "cy":
            return f"Ymrwymiadau llywodraeth agored Llywodraeth Cymru {period.replace(' to ', ' i ')}"
        return f"{PUBLISHER} open government commitments {period}"

    def speaker(self) -> str | None:
        node = self.document.find(class_="statement-speaker")
        return html.clean(node.get_text(" ")) if isinstance(node, Tag) else None

    # -- page kinds ---------------------------------------------------------
    def statement(self, plan: PlanRef | None) -> list[Record]:
        """A written statement: the plan it announces, and the themes it lists,
        which are that plan's (overarching) commitments."""
        if plan is None:
            return []
        m = STATEMENT_TITLE.match(self.title or "")
        name = m.group(1) if m else None
        name = name[0].upper() + name[1:] if name else None
        themes = self._first_list()
        out: list[Record] = [Plan(
            **self.common(), ref=plan, title=name, published=self.published,
            publisher=PUBLISHER, themes=themes, description=self._opening(),
        )]
        for n, theme in enumerate(themes, start=1):
            out.append(Commitment(**self.common(), ref=CommitmentRef(plan, n), title=theme,
                                  themes=[theme]))
        return out

    def plan_page(self, plan: PlanRef) -> list[Record]:
        """A plan's commitments page: a heading per commitment, or a numbered
        list of commitment sentences."""
        out: list[Record] = [Plan(
            **self.common(), ref=plan, title=self.title,
            label=None if self.title else self.plan_name(plan),
            description=self.summary or self._opening(), publisher=PUBLISHER,
        )]
        headings = self._commitment_headings()
        sentences = self._commitment_list()
        for n in sorted(set(headings) | set(range(1, len(sentences) + 1))):
            title, body = headings.get(n, (None, ""))
            description = sentences[n - 1] if n <= len(sentences) else body
            out.append(Commitment(**self.common(), ref=CommitmentRef(plan, n), title=title,
                                  description=description or None))
        return out

    def report(self, plan: PlanRef | None) -> list[Record]:
        """A progress report or self-assessment: the commitments it reports on
        (with their status where a table gives it) and what it says of the plan."""
        if plan is None:
            return []
        out: list[Record] = []
        plan_facts: dict[str, Any] = {}
        published = re.search(r"Welsh Government published its [^.]*?commitments in (\w+ (?:19|20)\d\d)",
                              self.text)
        if published:
            plan_facts["published"] = parse_date(published.group(1))
        ran = re.search(r"ran from (\w+ (?:19|20)\d\d) to (\w+ (?:19|20)\d\d)", self.text)
        if ran:
            plan_facts["start"], plan_facts["end"] = parse_date(ran.group(1)), parse_date(ran.group(2))
        coordinator = re.search(r"\bThe (Office of (?:the )?[A-Z][\w ]+?|[A-Z][\w ]+? (?:Unit|Team|Division))"
                                r" coordinated", self.text)
        if coordinator:
            plan_facts["government_coordinator"] = coordinator.group(1)
        headings = self._commitment_headings(level="h3")
        if plan_facts or headings:
            out.append(Plan(**self.common(), ref=plan, label=self.plan_name(plan), publisher=PUBLISHER,
                            **plan_facts))
        statuses = self._progress_table() or {}
        for n in sorted(set(headings) | set(statuses)):
            title, body = headings.get(n, (None, ""))
            row_title, status = statuses.get(n, (None, None))
            out.append(Commitment(**self.common(), ref=CommitmentRef(plan, n),
                                  title=title or row_title, description=body or None, status=status))
        return out

    # -- reading the page -----------------------------------------------------
    def _opening(self) -> str | None:
        """The first paragraph of the text (not the speaker's name)."""
        for para in self.article.find_all("p") if isinstance(self.article, Tag) else []:
            if "statement-speaker" not in html.classes(para):
                return html.clean(para.get_text(" ")) or None
        return None

    def _is_self_assessment(self) -> bool:
        return bool(re.search(r"self-assessment|hunanasesiad", self.title or "", re.I))

    def _commitment_headings(self, level: str = "h2") -> dict[int, tuple[str, str]]:
        """Number -> (title, text below it) of "Commitment N: title" headings."""
        out: dict[int, tuple[str, str]] = {}
        if not isinstance(self.article, Tag):
            return out
        for heading in self.article.find_all(level):
            text = html.clean(heading.get_text(" "))
            m = COMMITMENT_HEADING.match(text)
            if not m or (level == "h2" and not re.match(r"(Commitment|Ymrwymiad)\b", text, re.I)):
                continue
            body: list[str] = []
            for sibling in heading.find_next_siblings():
                if sibling.name in ("h1", "h2") or sibling.name == level:
                    break
                if sibling.name in ("p", "ul", "ol", "h3", "h4"):
                    body.append(html.text_of(sibling))
            out.setdefault(int(m.group(1)), (m.group(2).strip(), "\n".join(b for b in body if b)))
        return out

    def _commitment_list(self) -> list[str]:
        """The sentences of the numbered list introduced by "commitments for ... are"."""
        if not isinstance(self.article, Tag):
            return []
        for para in self.article.find_all("p"):
            if COMMITMENTS_FOR.search(para.get_text(" ")):
                listing = para.find_next_sibling()
                if isinstance(listing, Tag) and listing.name == "ol":
                    return [html.clean(li.get_text(" ")) for li in listing.find_all("li", recursive=False)]
        return []

    def _first_list(self) -> list[str]:
        listing = self.article.find(["ul", "ol"]) if isinstance(self.article, Tag) else None
        if not isinstance(listing, Tag):
            return []
        return [html.clean(li.get_text(" ")) for li in listing.find_all("li", recursive=False)]

    def _progress_table(self) -> dict[int, tuple[str, str | None]] | None:
        """Number -> (title, status) from a summary table of progress."""
        if not isinstance(self.article, Tag):
            return None
        for table in self.article.find_all("table"):
            header = [html.clean(th.get_text(" ")).lower() for th in table.find_all("th")]
            if not any("status" in h for h in header):
                continue
            status_col = next(i for i, h in enumerate(header) if "status" in h)
            rows: dict[int, tuple[str, str | None]] = {}
            for tr in table.find_all("tr"):
                cells = [html.clean(td.get_text(" ")) for td in tr.find_all("td")]
                if not cells:
                    continue
                m = COMMITMENT_HEADING.match(cells[0])
                if m:
                    status = cells[status_col] if status_col < len(cells) else None
                    rows[int(m.group(1))] = (m.group(2).strip(), status or None)
            return rows
        return None


# ----------------------------------------------------------------- network pages


def _archive(page: Page, document: BeautifulSoup) -> Found:
    """A network's term archive: the listing, and each post it lists."""
    records, next_url = wpsite.archive_records(page, document, JURISDICTION, NETWORK_SITE_PUBLISHER)
    return Found(records=records, follow=[next_url] if next_url else [])


def _network_page(page: Page, document: BeautifulSoup) -> Found:
    """A page about the Welsh network (WCVA's project page)."""
    record, entry = wpsite.post_record(page, document, JURISDICTION, "WCVA", doc_type="web-page")
    records: list[Record] = [record]
    if entry.title and re.search(r"network", entry.title, re.I):
        records.append(Body(
            source_url=page.url, fetched_at=page.fetched_at, name=entry.title, jurisdiction=JURISDICTION,
            body_kind="network", description=_first_paragraph(entry.content),
        ))
    return Found(records=records)


def _network_post(page: Page, document: BeautifulSoup) -> Found:
    """A network post; meeting notes give the meeting they record."""
    record, entry = wpsite.post_record(page, document, JURISDICTION, NETWORK_SITE_PUBLISHER)
    records: list[Record] = [record]
    if entry.title and re.search(r"\bmeeting notes\b|\bnotes of\b", entry.title, re.I):
        record.doc_type = "meeting-notes"
        # The notes were posted after the meeting: a day written without a
        # year is the last such day before the post.
        day = parse_day(entry.text, entry.date, past=True)
        if day:
            body = html.clean(re.split(r"\s*[|:–-]\s*(?=meeting notes)", entry.title, flags=re.I)[0])
            ref = MeetingRef(body=body, jurisdiction=JURISDICTION, date=day)
            record.meetings.append(ref)
            records.append(Meeting(source_url=page.url, fetched_at=page.fetched_at, ref=ref,
                                   title=entry.title, recorded_in=record.url))
    return Found(records=records)


# ------------------------------------------------------------------------ helpers


def _first_paragraph(node: Tag | None) -> str | None:
    para = node.find("p") if isinstance(node, Tag) else None
    return html.clean(para.get_text(" ")) if isinstance(para, Tag) else None
