"""The Open Government Partnership's site (www.opengovpartnership.org).

OGP describes the UK and its subnational members (Scotland, Glasgow, Northern
Ireland) from outside: member pages with the current plan and a list of
commitments; a page per commitment with its OGP identifier (UK0090, SCO0001,
GBSC0004, GBGLG0001), action plan, lead institution, policy areas, status and
the Independent Reporting Mechanism's assessment; action plan and IRM report
pages; the policy-area glossary the hub's theme scheme comes from; and the IRM
data file behind the OGP Explorer (CSV).

OGP is not the publisher of the plans it lists, so its names for plans and
commitments are labels (``rdfs:label``), not titles: where the nation's own
harvester describes the same plan or commitment, the nation's title stays the
title, and OGP's identifier, assessment and policy areas join it on one entity.
That works because both build the same keys:

- a plan: the member's jurisdiction and the period OGP gives ("United Kingdom
  Action Plan 2023-2025"), or the "action plan cycle" year, reconciled by the
  plan register (``vocab/plans.csv``: OGP's 2023-2025 is the UK's 2024-2025);
- a commitment: its plan and its number in the plan, from the OGP identifier
  and the register's ``ogp_first`` column (:func:`hub.reconcile.number_in_series`),
  or else from the order of the member page's list for that plan. A commitment
  whose number cannot be found is keyed by its identifier alone.

Discovery: the entry points (member pages, glossary, CSV), then what they link
to (commitment pages, plan and report documents, the glossary's next pages),
then the known documents of ``options.documents`` in ``config/sources.toml``:
OGP's member pages list only some commitments (the stored UK page is a
2019-21 snapshot), so later commitment pages are named there.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from harvesters import html
from harvesters.base import HarvestContext
from harvesters.crawl import Found, crawl, read_one
from harvesters.extract.dates import parse_date
from harvesters.http import Page
from harvesters.records import (
    Body,
    Commitment,
    CommitmentRef,
    Document,
    IRMAssessment,
    PartialDate,
    Plan,
    PlanRef,
    Record,
)
from hub.ids import find_plan
from hub.reconcile import (
    OGP_IDENTIFIER,
    member_jurisdiction,
    number_in_series,
    period_in,
    plan_for_cycle,
    plan_for_period,
)

PUBLISHER = "Open Government Partnership"
PENDING = re.compile(r"^\s*pending\b", re.I)
COMMITMENT_PATH = re.compile(r"/members/([a-z-]+)/commitments/([A-Za-z]+\d+)/?$")
TITLE_WITH_ID = re.compile(r"^(.*?)\s*\(([A-Z]{2,6}\d{3,5})\)\s*$")


# --------------------------------------------------------------------- harvesting


@dataclass
class State:
    """What one harvest has read so far that keys depend on: member pages'
    commitment lists, read once each (also when fetching them failed)."""

    ctx: HarvestContext
    listings: dict[str, dict[str, tuple[PlanRef, int]] | None] = field(default_factory=dict)

    def listing(self, member_url: str) -> dict[str, tuple[PlanRef, int]]:
        """Identifier -> (plan, number) from a member page's list of commitments."""
        if member_url not in self.listings:
            self.listings[member_url] = None
            page = self.ctx.fetch(member_url)
            if page is not None:
                with contextlib.suppress(ValueError):
                    self.listings[member_url] = member_listing(html.soup(page), page.url)
        return self.listings[member_url] or {}


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    state = State(ctx)
    yield from crawl(ctx, lambda page: read(state, page))


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    yield from read_one(ctx, url, lambda page: read(State(ctx), page))


def read(state: State, page: Page) -> Found:
    """The records of one page of the site, recognised by its path and content."""
    path = urlsplit(page.url).path
    if path.endswith(".csv") or page.content_type in ("text/csv", "application/csv"):
        return irm_data(page)
    document = html.soup(page)
    if COMMITMENT_PATH.search(path):
        return commitment_page(state, page, document)
    if path.startswith("/glossary-cat/"):
        return glossary(page, document)
    if path.startswith("/documents/"):
        return document_page(page, document)
    if re.match(r"/(members|countries|country)/[a-z-]+/?$", path):
        return member_page(page, document)
    return Found(records=[_document(page, document, "web-page")])


def _common(page: Page) -> dict[str, Any]:
    return {"source_url": page.url, "fetched_at": page.fetched_at}


def _document(page: Page, document: BeautifulSoup, doc_type: str, **extra: Any) -> Document:
    main = document.find("main") or document.body
    heading = main.find("h1") if isinstance(main, Tag) else None
    return Document(
        **_common(page), url=html.canonical(document, page.url) or page.url,
        title=html.clean(heading.get_text(" ")) if isinstance(heading, Tag) else html.title(document),
        text=html.text_of(main) or None, doc_type=doc_type, publisher=PUBLISHER,
        **extra,
    )


def _pairs(node: Tag | None) -> dict[str, Tag]:
    """Definition-list terms (lower case, without colon or "(see definition)")
    -> their definitions, across every ``dl`` of a node."""
    out: dict[str, Tag] = {}
    if not isinstance(node, Tag):
        return out
    for dt in node.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if not isinstance(dd, Tag):
            continue
        term = re.sub(r"\(see definition\)|:", "", html.clean(dt.get_text(" "))).strip().lower()
        out.setdefault(term, dd)
    return out


def _value(pairs: dict[str, Tag], *terms: str) -> str | None:
    for term in terms:
        node = pairs.get(term)
        if node is not None:
            text = html.clean(node.get_text(" "))
            if text:
                return text
    return None


def _values(pairs: dict[str, Tag], *terms: str) -> list[str]:
    """A definition that is a list (items, or commas, or "○" bullets)."""
    for term in terms:
        node = pairs.get(term)
        if node is None:
            continue
        items = [html.clean(li.get_text(" ")) for li in node.find_all("li")]
        if items:
            return [i for i in items if i]
        text = html.clean(node.get_text(" "))
        if "○" in text:
            return [p.strip() for p in text.split("○") if p.strip()]
        if text:
            return [text]
    return []


# -------------------------------------------------------------------- member pages


def member_listing(document: BeautifulSoup, base: str) -> dict[str, tuple[PlanRef, int]]:
    """Identifier -> (plan, number) from a member page's list of commitments:
    the plan from each entry's cycle year, the number from the register's
    series for that plan or else from the entry's place among that plan's
    entries, in the page's order."""
    jurisdiction = member_jurisdiction(base) or member_jurisdiction(html.heading(document))
    if jurisdiction is None:
        raise ValueError(f"{base}: not a member page of a UK jurisdiction")
    out: dict[str, tuple[PlanRef, int]] = {}
    position: dict[tuple, int] = {}
    for entry in _listed(document, base):
        plan = plan_for_cycle(jurisdiction, entry.year) if entry.year else None
        if plan is None:
            continue
        key = (plan.start, plan.end, plan.number)
        position[key] = position.get(key, 0) + 1
        out[entry.identifier] = (plan, number_in_series(entry.identifier, plan) or position[key])
    return out


@dataclass
class Listed:
    """A commitment as a member page lists it."""

    identifier: str
    title: str
    url: str
    year: int | None
    policy_area: str | None


def _listed(document: BeautifulSoup, base: str) -> list[Listed]:
    out = []
    for li in document.select("ol.commitment-list > li, ul.commitment-list > li"):
        link = li.find("a", href=True)
        if not isinstance(link, Tag):
            continue
        url = urljoin(base, str(link["href"]))
        ident = li.find(class_="id")
        identifier = html.clean(ident.get_text()) if isinstance(ident, Tag) else None
        if not identifier:
            m = COMMITMENT_PATH.search(urlsplit(url).path)
            identifier = m.group(2).upper() if m else None
        if not identifier:
            continue
        year_node = li.find(class_="year")
        area = li.find(class_="policy-area")
        year_text = html.clean(year_node.get_text()) if isinstance(year_node, Tag) else ""
        out.append(Listed(
            identifier=identifier, title=html.clean(link.get_text(" ")), url=url,
            year=int(year_text) if year_text.isdigit() else None,
            policy_area=html.clean(area.get_text(" ")) if isinstance(area, Tag) else None,
        ))
    return out


def member_page(page: Page, document: BeautifulSoup) -> Found:
    """A member page: the member, its current plan, the commitments it lists
    (each keyed into its plan), and links to its commitments and documents."""
    name = html.heading(document)
    jurisdiction = member_jurisdiction(page.url) or member_jurisdiction(name)
    main = document.find("main") or document.body
    text = html.text_of(main)
    since = re.search(r"(?:Member Since|Joined)\s+((?:19|20)\d\d)", text, re.I)
    letter = document.find(class_="letter-date")
    found = Found()
    found.records.append(_document(
        page, document, "ogp-member-page", jurisdiction=jurisdiction,
        published=parse_date(letter.get_text(" ")) if isinstance(letter, Tag) else None,
    ))
    if name:
        found.records.append(Body(
            **_common(page), name=name, jurisdiction=jurisdiction, body_kind="organisation",
            homepage=html.canonical(document, page.url) or page.url,
            description=f"Member of the Open Government Partnership since {since.group(1)}." if (
                since) else None,
        ))
    if jurisdiction is None:
        return found
    current = document.find(id="current-action-plan")
    period_node = current.find(class_="plan-period") if isinstance(current, Tag) else None
    period_text = html.clean(period_node.get_text(" ")) if isinstance(period_node, Tag) else None
    period = period_in(period_text)
    if period and name:
        plan = plan_for_period(jurisdiction, *period)
        para = current.find("p", class_=False) if isinstance(current, Tag) else None
        found.records.append(Plan(
            **_common(page), ref=plan, label=f"{name} Action Plan {period_text}",
            description=html.clean(para.get_text(" ")) if isinstance(para, Tag) else None,
        ))
    listing = member_listing(document, page.url) if document.select(".commitment-list") else {}
    for entry in _listed(document, page.url):
        found.follow.append(entry.url)
        if entry.identifier not in listing:
            continue
        plan, number = listing[entry.identifier]
        found.records.append(Commitment(
            **_common(page), ref=CommitmentRef(plan, number, identifier=entry.identifier),
            label=entry.title, identifiers=[entry.identifier],
            themes=[entry.policy_area] if entry.policy_area else [],
        ))
    for link in html.links(main, page.url) if isinstance(main, Tag) else []:
        if urlsplit(link).path.startswith("/documents/"):
            found.follow.append(link)
    return found


# --------------------------------------------------------------- commitment pages


def commitment_page(state: State, page: Page, document: BeautifulSoup) -> Found:
    """A commitment page, national or OGP Local layout."""
    main = document.find("main") or document.body
    if not isinstance(main, Tag):
        raise ValueError("no <main> or <body> in the commitment page")
    in_path = COMMITMENT_PATH.search(urlsplit(page.url).path)
    heading = main.find("h1")
    heading_text = html.clean(heading.get_text(" ")) if isinstance(heading, Tag) else ""
    titled = TITLE_WITH_ID.match(heading_text)
    identifier = titled.group(2) if titled else (in_path.group(2).upper() if in_path else None)
    title = titled.group(1) if titled else heading_text or None
    pairs = _pairs(main)
    title = _value(pairs, "commitment title") or title
    identifier = _value(pairs, "commitment id") or identifier
    if not identifier or not OGP_IDENTIFIER.fullmatch(identifier):
        raise ValueError(f"no OGP commitment identifier in the page's title or path ({heading_text!r})")
    member_link = next((a for a in main.find_all("a", href=True)
                        if re.search(r"/members/[a-z-]+/?$", str(a["href"]))), None)
    member_url = urljoin(page.url, str(member_link["href"])) if isinstance(member_link, Tag) else None
    jurisdiction = member_jurisdiction(page.url) or member_jurisdiction(
        html.clean(member_link.get_text(" ")) if isinstance(member_link, Tag) else None)
    if jurisdiction is None:
        raise ValueError(f"{identifier}: the member is not one of the hub's jurisdictions")

    found = Found()
    plan_title = _value(pairs, "action plan")
    cycle = _value(pairs, "action plan cycle")
    period = period_in(plan_title)
    plan = plan_for_period(jurisdiction, *period) if period else None
    if plan is None and cycle and cycle.isdigit():
        plan = plan_for_cycle(jurisdiction, int(cycle))
    number = number_in_series(identifier, plan) if plan is not None else None
    if plan is None or number is None:
        # The member page's list places the commitment (read once per member).
        listed = state.listing(member_url) if member_url and state.ctx.allowed(member_url) else {}
        if plan is None and identifier in listed:
            plan = listed[identifier][0]
        if plan is not None and identifier in listed and _same_plan(listed[identifier][0], plan):
            number = listed[identifier][1]
    if plan is None:
        raise ValueError(f"{identifier}: the page names no action plan the hub can place")
    if plan_title:
        found.records.append(Plan(**_common(page), ref=plan, label=plan_title))

    areas = (_value(pairs, "policy areas") or _text_of(main, "policy-areas")
             or _value(pairs, "primary policy area") or _text_of(main, "primary-policy-area") or "")
    themes = [a.strip() for a in areas.split(",") if a.strip()]
    leads = _values(pairs, "lead institution") or _list_of(main, "institutions")
    values = _values(pairs, "ogp value", "ogp values") or _list_of(main, "ogp-values")
    description = main.find(class_="description")
    found.records.append(Commitment(
        **_common(page), ref=CommitmentRef(plan, number, identifier=identifier), label=title,
        identifiers=[identifier], themes=themes, leads=leads, status=_value(pairs, "status"),
        ogp_values=values, irm=_assessment(pairs),
        description=html.text_of(description) if isinstance(description, Tag) else None,
        start=_month(_value(pairs, "commitment start")), end=_month(_value(pairs, "commitment end")),
        page_url=html.canonical(document, page.url) or page.url,
    ))
    for term in ("action plan", "irm report", "inception report", "inception report summary"):
        node = pairs.get(term)
        link = node.find("a", href=True) if node is not None else None
        if isinstance(link, Tag):
            found.follow.append(urljoin(page.url, str(link["href"])))
    return found


def _same_plan(a: PlanRef, b: PlanRef) -> bool:
    """Both keys stand for one plan of the register (a period the register
    does not know is no evidence that two plans are one)."""
    ea, eb = find_plan(a), find_plan(b)
    return ea is not None and ea == eb


def _text_of(main: Tag, cls: str) -> str | None:
    node = main.find(class_=cls)
    if not isinstance(node, Tag) or node.name == "ul":
        return None
    return html.clean(node.get_text(" ")) or None


def _list_of(main: Tag, cls: str) -> list[str]:
    node = main.find("ul", class_=cls)
    return [html.clean(li.get_text(" ")) for li in node.find_all("li")] if isinstance(node, Tag) else []


def _month(text: str | None) -> PartialDate | None:
    return parse_date(text) if text else None


def _assessment(pairs: dict[str, Tag]) -> IRMAssessment | None:
    """The IRM's fields as the page gives them; "Pending IRM Review" is kept as
    written for the text fields and read as unknown for the yes/no ones."""

    def yes_no(value: str | None) -> bool | None:
        if value is None or PENDING.match(value):
            return None
        return {"yes": True, "no": False}.get(value.strip().lower())

    verifiable = _value(pairs, "verifiable")
    relevance = _value(pairs, "relevant to ogp values", "relevance to ogp values")
    impact = _value(pairs, "potential impact", "ambition")
    completion = _value(pairs, "completion")
    starred = _value(pairs, "starred")
    if not any((verifiable, relevance, impact, completion, starred)):
        return None
    return IRMAssessment(
        verifiable=yes_no(verifiable), relevance=[relevance] if relevance else [],
        potential_impact=impact, completion=completion, starred=yes_no(starred),
    )


# ------------------------------------------------------------- plans and reports


def document_page(page: Page, document: BeautifulSoup) -> Found:
    """An action plan page, an IRM report, or another OGP document."""
    main = document.find("main") or document.body
    article = main.find("article") if isinstance(main, Tag) else None
    classes = " ".join(html.classes(article))
    title = html.heading(document) or ""
    pairs = _pairs(main if isinstance(main, Tag) else None)
    if "action-plan" in classes or re.match(r"^Action plan\s*[–-]", title, re.I):
        return action_plan_page(page, document, title, pairs)
    found = Found()
    details: dict[str, str] = {}  # "Action plan: ...", "Report publication year: 2023"
    for li in main.select(".document__meta li") if isinstance(main, Tag) else []:
        key, _, value = html.clean(li.get_text(" ")).partition(":")
        details[key.strip().lower()] = value.strip()
    plan_title = details.get("action plan")
    plan = _plan_of_title(plan_title)
    year = details.get("report publication year", "")
    doc_type = "irm-report" if "irm" in classes or "review" in title.lower() else (
        "inception-report" if "inception" in title.lower() else "report")
    record = _document(page, document, doc_type, plans=[plan] if plan else [],
                       jurisdiction=plan.jurisdiction if plan else None,
                       published=int(year) if year.isdigit() else None)
    found.records.append(record)
    if plan is not None and plan_title:
        found.records.append(Plan(**_common(page), ref=plan, label=plan_title))
    return found


def action_plan_page(page: Page, document: BeautifulSoup, title: str, pairs: dict[str, Tag]) -> Found:
    """An action plan's page: the plan (period from its title, submission date,
    end, lead institutions) and, where the page lists them, its commitments'
    pages in order."""
    plan = _plan_of_title(title)
    found = Found()
    found.records.append(_document(page, document, "action-plan", plans=[plan] if plan else [],
                                   jurisdiction=plan.jurisdiction if plan else None))
    if plan is None:
        return found
    submitted = _value(pairs, "date submitted")
    end = _value(pairs, "action plan end", "duration")
    description = document.select_one(".description p")
    found.records.append(Plan(
        **_common(page), ref=plan, label=title, published=parse_date(submitted) if submitted else None,
        end=parse_date(end) if end else None, publisher=None,
        description=html.clean(description.get_text(" ")) if isinstance(description, Tag) else None,
    ))
    for link in document.select(".commitment-list a[href]"):
        found.follow.append(urljoin(page.url, str(link["href"])))
    return found


def _plan_of_title(title: str | None) -> PlanRef | None:
    """The plan OGP names "United Kingdom Action Plan 2019-2021" or
    "Action plan – Glasgow, United Kingdom, 2021 – 2023"."""
    if not title:
        return None
    period = period_in(title)
    m = re.match(r"^Action plan\s*[–-]\s*(.+?),\s*(?:19|20)\d\d", title, re.I) or re.match(
        r"^(.+?)\s+(?:National\s+)?Action Plan\b", title, re.I)
    jurisdiction = member_jurisdiction(m.group(1)) if m else None
    if jurisdiction is None or period is None:
        return None
    return plan_for_period(jurisdiction, *period)


# ------------------------------------------------------------------ the glossary


def glossary(page: Page, document: BeautifulSoup) -> Found:
    """A page of the policy-area glossary: the areas it lists (the source of
    the hub's theme scheme), and the next page."""
    main = document.find("main") or document.body
    areas = []
    for item in main.select(".glossary-item") if isinstance(main, Tag) else []:
        heading = item.find(["h2", "h3"])
        if isinstance(heading, Tag):
            excerpt = item.find("p")
            areas.append((html.clean(heading.get_text(" ")),
                          html.clean(excerpt.get_text(" ")) if isinstance(excerpt, Tag) else ""))
    record = _document(page, document, "glossary")
    record.text = "\n".join(f"{name}: {excerpt}" if excerpt else name for name, excerpt in areas) or None
    found = Found(records=[record])
    nxt = document.select_one(".pagination a.next[href], .nav-links a.next[href]")
    if isinstance(nxt, Tag):
        found.follow.append(urljoin(page.url, str(nxt["href"])))
    return found


# ------------------------------------------------------------------- the IRM data


#: The IRM data file's columns, by what they hold (names vary between releases).
CSV_COLUMNS = {
    "country": ("country", "member"),
    "plan": ("action plan number", "nap number", "action plan"),
    "number": ("comm no", "commitment number", "commitment no"),
    "short_title": ("short title",),
    "title": ("commitment title", "title"),
    "text": ("full text", "description"),
    "theme": ("theme", "policy area", "policy areas"),
    "identifier": ("unique identifier", "commitment id", "ogp id"),
    "lead": ("lead institution",),
    "verifiable": ("verifiable", "specificity"),
    "relevance": ("relevance", "ogp value relevance"),
    "impact": ("potential impact", "ambition"),
    "completion": ("completion",),
    "starred": ("starred", "star"),
}


def irm_data(page: Page) -> Found:
    """The IRM data file: one row per commitment of every member; the rows of
    the hub's jurisdictions become commitments of their plans (numbered as the
    file numbers them), and each plan they name a plan."""
    reader = csv.DictReader(io.StringIO(page.text))
    if not reader.fieldnames:
        raise ValueError("the IRM data file has no header row")
    columns = {}
    lower = {name.strip().lower(): name for name in reader.fieldnames}
    for key, names in CSV_COLUMNS.items():
        columns[key] = next((lower[n] for n in names if n in lower), None)
    missing = [k for k in ("country", "plan", "number") if columns[k] is None]
    if missing:
        raise ValueError(f"the IRM data file lacks the column(s) {', '.join(missing)} "
                         f"(header: {', '.join(reader.fieldnames)})")
    found = Found(records=[Document(
        **_common(page), url=page.url, title="OGP IRM data (OGP Explorer)", doc_type="dataset",
        publisher=PUBLISHER, text=None,
    )])
    plans: set[tuple[str, int]] = set()

    def cell(row: dict, key: str) -> str:
        name = columns.get(key)
        return (row.get(name) or "").strip() if name else ""

    for row in reader:
        jurisdiction = member_jurisdiction(cell(row, "country"))
        plan_no, number = cell(row, "plan"), cell(row, "number")
        if jurisdiction is None or not plan_no.isdigit() or not number.isdigit():
            continue
        entry = find_plan(PlanRef(jurisdiction, number=int(plan_no)))
        plan = PlanRef(jurisdiction, entry.start, entry.end, int(plan_no)) if entry else PlanRef(
            jurisdiction, number=int(plan_no))
        if (jurisdiction, int(plan_no)) not in plans:
            plans.add((jurisdiction, int(plan_no)))
            period = f" {entry.start}-{entry.end % 100:02d}" if entry else f" {plan_no}"
            found.records.append(Plan(**_common(page), ref=plan,
                                      label=f"{cell(row, 'country')} National Action Plan{period}"))
        identifier = cell(row, "identifier") or None
        irm_fields = {k: cell(row, k) for k in ("verifiable", "relevance", "impact", "completion", "starred")}
        irm = None
        if any(irm_fields.values()):
            irm = IRMAssessment(
                verifiable={"yes": True, "no": False}.get(irm_fields["verifiable"].lower()),
                relevance=[v.strip() for v in irm_fields["relevance"].split(",") if v.strip()],
                potential_impact=irm_fields["impact"] or None, completion=irm_fields["completion"] or None,
                starred={"yes": True, "no": False, "1": True, "0": False}.get(irm_fields["starred"].lower()),
            )
        found.records.append(Commitment(
            **_common(page), ref=CommitmentRef(plan, int(number), identifier=identifier),
            label=cell(row, "short_title") or cell(row, "title") or None,
            description=cell(row, "text") or None,
            themes=[t.strip() for t in cell(row, "theme").split(",") if t.strip()],
            leads=[cell(row, "lead")] if cell(row, "lead") else [],
            identifiers=[identifier] if identifier else [], irm=irm,
        ))
    return found
