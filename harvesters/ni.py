"""Northern Ireland: the Department of Finance (finance-ni.gov.uk), the
Northern Ireland Open Government Network's pages on opengovernment.org.uk,
and the Assembly's committee record (aims.niassembly.gov.uk).

- The department's topic page names the team and the implementation group
  behind the commitments; its news releases announce commitments (and the
  events they were announced at).
- The network publishes on the UK network's WordPress site: its page, its
  term archive (``/countries/opengovni/page/N/``, followed by its "next"
  links), its posts, and resources such as the 2019-21 commitments
  ("Commitment N: title" in the table of contents).
- The Assembly's Official Report of a committee session ("Minutes of
  Evidence") is a meeting: the committee, the day, the members present and the
  witnesses with their organisations, counted by sector (members of the
  legislature are neither government nor civil society: ``other``).

Discovery starts from the entry points and the known documents of
``options.documents`` in ``config/sources.toml``.
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
    Attendance,
    AttendanceGroup,
    Attendee,
    Body,
    Commitment,
    CommitmentRef,
    Document,
    Meeting,
    MeetingRef,
    PartialDate,
    Person,
    Plan,
    Record,
)
from hub.reconcile import period_in, plan_containing, plan_for_period

JURISDICTION = "northern-ireland"
DEPARTMENT = "Department of Finance"
NETWORK_SITE_PUBLISHER = "UK Open Government Network"

COMMITMENT_ENTRY = re.compile(r"^Commitment\s+(\d{1,2})\s*[:.–-]\s*(.+)$", re.I)
#: Bodies named on a page: "an Open Government Implementation Group", "The
#: Transparency and Open Government Team"
BODY_NAME = re.compile(
    r"\b((?:[A-Z][\w'’-]+ )(?:(?:and|of|for) (?=[A-Z])|[A-Z][\w'’-]+ )*(?:Group|Team|Forum|Board))\b")
OGP_VALUES = re.compile(r"OGP values of ([^.:]+?)(?:,? and hold|,? with \d|[.:])", re.I)
EVENT = re.compile(
    r"\b(?:an?|the) (event (?:marking|to mark|celebrating|on|for) [^,.;]+?)(?=\s+that\b|[,.;])", re.I)
CHAIR = re.compile(r"\bThe ((?:Acting |Deputy )?Chair(?:person|man|woman)?) \(([^)]+)\)")

#: Words that place a witness's organisation in a sector.
CIVIL_SOCIETY = re.compile(r"\b(Network|Forum|Trust|Charity|Coalition|Association|Council for Voluntary|"
                           r"Society|Involve|Foundation|Campaign|Community|Voluntary|NGO|Alliance)\b", re.I)
GOVERNMENT = re.compile(r"\b(Department|Executive|Ministry|Minister|Office|Agency|Authority|Civil Service|"
                        r"Council|Government|Service|Commissioner)\b", re.I)


def harvest(ctx: HarvestContext) -> Iterator[Record]:
    archive_pages = int(ctx.source.options.get("max_archive_pages", 20))

    def read_page(page: Page) -> Found:
        nonlocal archive_pages
        found = read(page)
        if found.follow and archive_pages > 0:
            archive_pages -= 1
        else:
            found.follow = []
        return found

    yield from crawl(ctx, read_page)


def harvest_url(ctx: HarvestContext, url: str) -> Iterator[Record]:
    yield from read_one(ctx, url, read)


def read(page: Page) -> Found:
    """The records of one page, and the next archive page to follow if any
    (at most ``options.max_archive_pages`` in a harvest)."""
    host = (urlsplit(page.url).hostname or "").lower()
    document = html.soup(page)
    if host == "aims.niassembly.gov.uk":
        return Found(committee_session(page, document))
    if host.endswith("finance-ni.gov.uk"):
        if "/news/" in page.url:
            return Found(news_release(page, document))
        return Found(department_page(page, document))
    if wpsite.is_archive(document):
        records, next_url = wpsite.archive_records(page, document, JURISDICTION, NETWORK_SITE_PUBLISHER)
        return Found(records, [next_url] if next_url else [])
    template = wpsite.template(document)
    if template == "resource":
        return Found(commitments_resource(page, document))
    if template == "page":
        return Found(network_page(page, document))
    return Found(network_post(page, document))


def _common(page: Page) -> dict[str, Any]:
    return {"source_url": page.url, "fetched_at": page.fetched_at}


# ---------------------------------------------------------------- the department


def _department_document(page: Page, document: BeautifulSoup, doc_type: str) -> tuple[Document, Tag]:
    """A page of the department's site as a document, and its content (the
    body field, else the main article)."""
    main = document.find(id="main-article") or document.find("main") or document.body
    if not isinstance(main, Tag):
        raise ValueError("no main article, <main> or <body> in the page")
    heading = main.find("h1")
    body = main.find(class_=re.compile(r"field--name-body"))
    content = body if isinstance(body, Tag) else main
    stamp = main.select_one(".field--name-field-published-date time")
    published = parse_date(str(stamp.get("datetime") or stamp.get_text(" "))) if isinstance(
        stamp, Tag) else None
    record = Document(
        **_common(page), url=html.canonical(document, page.url) or page.url,
        title=html.clean(heading.get_text(" ")) if isinstance(heading, Tag) else html.title(document),
        text=html.text_of(content), doc_type=doc_type, jurisdiction=JURISDICTION, publisher=DEPARTMENT,
        published=published,
    )
    return record, content


def department_page(page: Page, document: BeautifulSoup) -> list[Record]:
    """A topic page: the page, and the bodies it names (teams, groups)."""
    record, content = _department_document(page, document, "topic-page")
    out: list[Record] = [record]
    seen: set[str] = set()
    for para in content.find_all(["p", "h2"]):
        sentence = html.clean(para.get_text(" "))
        for m in BODY_NAME.finditer(sentence):
            name = re.sub(r"^The\s+", "", m.group(1))
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            kind = "forum" if name.endswith(("Group", "Forum", "Board")) else "organisation"
            out.append(Body(**_common(page), name=name, jurisdiction=JURISDICTION, body_kind=kind,
                            description=sentence if para.name == "p" else None))
    return out


def news_release(page: Page, document: BeautifulSoup) -> list[Record]:
    """A news release: the release, the commitments it announces (with the plan
    in force on its date) and the event it reports."""
    record, content = _department_document(page, document, "news")
    out: list[Record] = [record]
    published = record.published if isinstance(record.published, PartialDate) else None
    day = published.value if published is not None and published.precision == "day" else None
    year = published.value.year if published is not None else None
    items = _announced_commitments(content)
    plan = plan_containing(JURISDICTION, year) if year and items else None
    if plan is not None:
        record.plans.append(plan)
        period = f"{plan.start}-{(plan.end or 0) % 100:02d}"
        executive = "Executive" in record.text if record.text else False
        out.append(Plan(
            **_common(page), ref=plan, publisher=DEPARTMENT,
            label=f"Northern Ireland{' Executive' if executive else ''} open government commitments {period}",
        ))
        for title, detail in items:
            out.append(Commitment(**_common(page), ref=CommitmentRef(plan, title=title), title=title,
                                  description=detail))
    event = EVENT.search(record.text or "")
    if event and day is not None:
        # The release reports the event on the day it was published.
        title = html.clean(event.group(1))
        ref = MeetingRef(body=DEPARTMENT, jurisdiction=JURISDICTION, date=day)
        record.meetings.append(ref)
        out.append(Meeting(**_common(page), ref=ref, title=title[0].upper() + title[1:],
                           body_kind="event", recorded_in=record.url))
    return out


def _announced_commitments(content: Tag) -> list[tuple[str, str]]:
    """(title, the item as written) of the list a release introduces as
    commitments. A title is the item's head: before ", including" and without
    a leading "more" ("more public sector innovation" is about public sector
    innovation)."""
    for para in content.find_all("p"):
        if not re.search(r"\bcommitments\b[^.]*\binclude", para.get_text(" "), re.I):
            continue
        listing = para.find_next_sibling()
        if not isinstance(listing, Tag) or listing.name not in ("ul", "ol"):
            continue
        out = []
        for li in listing.find_all("li", recursive=False):
            item = html.clean(li.get_text(" ")).rstrip(";.,")
            head = re.split(r",\s*(?:including|such as)\b", item, maxsplit=1)[0]
            head = re.sub(r"^(?:more|greater)\s+", "", head, flags=re.I)
            out.append((head[0].upper() + head[1:], item[0].upper() + item[1:]))
        return out
    return []


# -------------------------------------------------------------------- the network


def network_page(page: Page, document: BeautifulSoup) -> list[Record]:
    """The network's own page: the page, and the network as a body."""
    record, entry = wpsite.post_record(page, document, JURISDICTION, NETWORK_SITE_PUBLISHER,
                                       doc_type="web-page")
    out: list[Record] = [record]
    m = re.search(r"\bThe ((?:[A-Z][\w'’-]+ )+Network) \(([A-Z]{2,8})\)", entry.text)
    if m:
        first = entry.content.find("p") if entry.content is not None else None
        out.append(Body(**_common(page), name=m.group(1), alt_names=[m.group(2)], jurisdiction=JURISDICTION,
                        body_kind="network",
                        description=html.clean(first.get_text(" ")) if isinstance(first, Tag) else None))
    return out


def network_post(page: Page, document: BeautifulSoup) -> list[Record]:
    """A network post: a document, about the plan it names."""
    record, entry = wpsite.post_record(page, document, JURISDICTION, NETWORK_SITE_PUBLISHER)
    period = period_in(entry.text)
    if period and re.search(r"\bcommitments\b", entry.text, re.I):
        record.plans.append(plan_for_period(JURISDICTION, *period))
    return [record]


def commitments_resource(page: Page, document: BeautifulSoup) -> list[Record]:
    """A resource holding a plan's commitments: the plan (its period from the
    title), its OGP values, and each "Commitment N: title" of its contents."""
    record, entry = wpsite.post_record(page, document, JURISDICTION, NETWORK_SITE_PUBLISHER,
                                       doc_type="action-plan")
    out: list[Record] = [record]
    period = period_in(entry.title)
    if period is None or entry.content is None:
        return out
    plan = plan_for_period(JURISDICTION, *period)
    record.plans.append(plan)
    values = OGP_VALUES.search(entry.text)
    themes = [re.sub(r"^and\s+", "", v.strip()) for v in values.group(1).split(",") if v.strip()] if (
        values) else []
    paragraphs = [html.clean(p.get_text(" ")) for p in entry.content.find_all("p")]
    out.append(Plan(**_common(page), ref=plan, title=entry.title, publisher=DEPARTMENT, themes=themes,
                    description=" ".join(paragraphs[:2]) or None))
    seen: set[int] = set()
    for link in entry.content.find_all(["a", "h2", "h3"]):
        m = COMMITMENT_ENTRY.match(html.clean(link.get_text(" ")))
        if m and int(m.group(1)) not in seen:
            seen.add(int(m.group(1)))
            out.append(Commitment(**_common(page), ref=CommitmentRef(plan, int(m.group(1))),
                                  title=m.group(2).strip()))
    return out


# ---------------------------------------------------------------- the Assembly


def committee_session(page: Page, document: BeautifulSoup) -> list[Record]:
    """An Official Report of a committee session: the meeting with its members
    present and its witnesses, and the report as its record."""
    committee_node = document.find(id="lblCommittee")
    date_node = document.find(id="lblDate")
    if not isinstance(committee_node, Tag) or not isinstance(date_node, Tag):
        raise ValueError("no committee name or date (#lblCommittee, #lblDate) in the Official Report")
    committee = html.clean(committee_node.get_text(" "))
    day = parse_day(date_node.get_text(" "))
    if day is None:
        raise ValueError(f"cannot read the session's date {date_node.get_text(' ')!r}")
    content = document.find(id="content") or document.body
    session = content.find("h3") if isinstance(content, Tag) else None
    topic = html.clean(session.get_text(" ")) if isinstance(session, Tag) else None
    text = html.text_of(content) if isinstance(content, Tag) else ""
    url = page.url
    ref = MeetingRef(body=committee, jurisdiction=JURISDICTION, date=day)
    report = Document(
        **_common(page), url=url, title=html.title(document), text=text, doc_type="official-report",
        jurisdiction=JURISDICTION, publisher="Northern Ireland Assembly", published=day, meetings=[ref],
    )

    members_heading = document.find(class_="MembersPresent")
    members_label = _label(members_heading, "Members present")
    members: list[Attendee] = []
    listing = members_heading.find_next_sibling("p") if isinstance(members_heading, Tag) else None
    if isinstance(listing, Tag):
        for br in listing.find_all("br"):
            br.replace_with("\n")
        for line in listing.get_text().splitlines():
            line = html.clean(line)
            if not line:
                continue
            m = re.match(r"^(.*?)\s*\(([^)]+)\)$", line)
            name, role = (m.group(1), m.group(2)) if m else (line, None)
            members.append(Attendee(name=name, role=role, heading=members_label, sector="other"))
    witnesses: list[Attendee] = []
    table = document.find(class_="WitnessTable")
    witnesses_label = _label(document.find(class_="Witnesses"), "Witnesses")
    if isinstance(table, Tag):
        for tr in table.find_all("tr"):
            cells = [html.clean(td.get_text(" ")) for td in tr.find_all("td")]
            if cells and cells[0]:
                organisation = cells[1] if len(cells) > 1 else None
                witnesses.append(Attendee(name=cells[0], role=organisation, heading=witnesses_label,
                                          sector=witness_sector(organisation)))
    chairs = []
    chair = CHAIR.search(text)  # "The Acting Chairperson (Dr Aiken)": the member of that surname
    if chair:
        surname = chair.group(2).split()[-1]
        member = next((a.name for a in members if a.name and surname in a.name.split()), chair.group(2))
        chairs.append(Person(name=member, role=chair.group(1)))
    people = [*members, *witnesses]
    counts = {s: sum(1 for a in people if a.sector == s) for s in ("government", "civil_society", "other")}
    groups = [AttendanceGroup(heading=members_label, sector="other", present=len(members))]
    for sector in ("government", "civil_society", "other"):
        n = sum(1 for a in witnesses if a.sector == sector)
        if n:
            groups.append(AttendanceGroup(heading=witnesses_label, sector=sector, present=n))
    meeting = Meeting(
        **_common(page), ref=ref, title=f"{committee}: {topic}" if topic else committee,
        body_kind="committee", chairs=chairs, agenda=[topic] if topic else [], recorded_in=url,
        attendance=Attendance(total=len(people), government=counts["government"],
                              civil_society=counts["civil_society"], other=counts["other"],
                              groups=groups, attendees=people),
    )
    return [meeting, report]


def _label(node: object, default: str) -> str:
    """The words of a list's label ("Members present:"), without the colon."""
    return html.clean(node.get_text(" ")).rstrip(":") if isinstance(node, Tag) else default


def witness_sector(organisation: str | None) -> str:
    """The sector of a witness's organisation: civil society words win over
    government ones ("Open Government Network" is civil society)."""
    if not organisation:
        return "other"
    if CIVIL_SOCIETY.search(organisation):
        return "civil_society"
    if GOVERNMENT.search(organisation):
        return "government"
    return "other"
