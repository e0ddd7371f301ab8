"""A small graph for the search and web tests: records from four sources in
four jurisdictions, mapped by :func:`hub.mapping.map_records` and written
one named graph per source, as a harvest writes them.

Facts follow the recorded corpus (plans, the UK forum's 2023-06-22 meeting
with 21 government and 17 civil society attendees); the rest is made up to
exercise the pages: a Welsh-language document, a title carrying a script
tag, a homepage that is a ``javascript:`` URL.
"""

from __future__ import annotations

import datetime as dt

from harvesters import records as r
from hub import ids
from hub.mapping import map_records
from hub.store import GraphStore
from hub.vocabgraph import ensure_vocabulary

FETCHED = dt.datetime(2025, 11, 3, 9, 30, tzinfo=dt.UTC)

UK6 = r.PlanRef("uk", 2024, 2025)
SCOT3 = r.PlanRef("scotland", 2021, 2025)
WALES = r.PlanRef("wales", 2022, 2024)
NI = r.PlanRef("northern-ireland", 2021, 2022)

FORUM = "UK Multi-Stakeholder Forum"
MINUTES_URL = "https://www.gov.uk/government/publications/open-government-forum-minutes-22-june-2023"
XSS_URL = "https://www.gov.uk/government/news/procurement-data-update"
XSS_TITLE = "Procurement data <script>alert(1)</script> update"
WELSH_URL = "https://www.llyw.cymru/cynllun-gweithredu-llywodraeth-agored-2022-2024"
WELSH_TITLE = "Cynllun gweithredu llywodraeth agored 2022 i 2024"
MEETING_DAY = dt.date(2023, 6, 22)


def records() -> dict[str, list[r.Record]]:
    """Records by source id."""
    uk_plan_url = "https://www.gov.uk/government/publications/uk-national-action-plan-for-open-government-2024-2025"
    govuk: list[r.Record] = [
        r.Plan(
            source_url=uk_plan_url, fetched_at=FETCHED, ref=UK6,
            title="UK National Action Plan for Open Government 2024-2025",
            description="The sixth UK plan, co-created with civil society: open contracting, "
            "public participation and transparency of public spending.",
            published=dt.date(2024, 3, 1), publisher="Cabinet Office",
            themes=["Open contracting", "Public participation"], status="implementation",
        ),
        r.Commitment(
            source_url=uk_plan_url, fetched_at=FETCHED, ref=r.CommitmentRef(UK6, number=1),
            title="Open contracting: publishing procurement data",
            description="Publish contracting data to the Open Contracting Data Standard so that "
            "anyone can follow public money from tender to payment.",
            themes=["Open contracting"], leads=["Cabinet Office"], status="in progress",
            milestones=[
                r.Milestone(source_url=uk_plan_url, fetched_at=FETCHED,
                            commitment=r.CommitmentRef(UK6, number=1), number=1,
                            title="Publish contract notices under the Procurement Act",
                            due=r.PartialDate(dt.date(2025, 3, 1), "month")),
            ],
        ),
        r.Commitment(
            source_url=uk_plan_url, fetched_at=FETCHED, ref=r.CommitmentRef(UK6, number=2),
            title="Public participation in policy making",
            description="Involve citizens in designing public services through deliberative panels.",
            themes=["Public participation"], leads=["Cabinet Office"], status="in progress",
        ),
        r.Document(
            source_url=MINUTES_URL, fetched_at=FETCHED, url=MINUTES_URL,
            title="Open Government Forum minutes: 22 June 2023",
            text="The forum heard an update on open contracting and the publication of "
            "procurement data. Members discussed public participation in the next plan.",
            doc_type="minutes", jurisdiction="uk", publisher="Cabinet Office", published=MEETING_DAY,
        ),
        r.Meeting(
            source_url=MINUTES_URL, fetched_at=FETCHED, ref=r.MeetingRef(FORUM, "uk", MEETING_DAY),
            title="Open Government Forum meeting, 22 June 2023", body_kind="forum",
            attendance=r.Attendance(total=38, government=21, civil_society=17, groups=[
                r.AttendanceGroup(heading="Government", sector="government", present=21),
                r.AttendanceGroup(heading="Civil society", sector="civil_society", present=17),
            ]),
            agenda=["Update on open contracting", "Next action plan"],
            decisions=["Publish the minutes on GOV.UK"],
            updates=[r.CommitmentUpdate(commitment=r.CommitmentRef(UK6, number=1),
                                        heading="Commitment 1: Open contracting",
                                        text="The Cabinet Office reported that contract notices are "
                                        "now published as open data.")],
            plans=[UK6], recorded_in=MINUTES_URL,
        ),
        r.Document(
            source_url=XSS_URL, fetched_at=FETCHED, url=XSS_URL, title=XSS_TITLE,
            text="Open contracting <b>data</b> <script>alert(2)</script> is now published weekly.",
            doc_type="news", jurisdiction="uk", published=dt.date(2024, 9, 5),
        ),
        r.ThemeDecision(
            source_url=MINUTES_URL, fetched_at=FETCHED, theme="Open contracting",
            outcome="taken-forward", plan=UK6, date=MEETING_DAY,
            meeting=r.MeetingRef(FORUM, "uk", MEETING_DAY), document_url=MINUTES_URL,
        ),
        r.TimelineEvent(
            source_url=uk_plan_url, fetched_at=FETCHED, plan=UK6, title="Plan published",
            stage="publication", date=r.PartialDate(dt.date(2024, 3, 1), "month"),
        ),
    ]
    scot_url = "https://www.gov.scot/publications/open-government-action-plan-2021-25/"
    govscot: list[r.Record] = [
        r.Plan(
            source_url=scot_url, fetched_at=FETCHED, ref=SCOT3,
            title="Scotland's Open Government Action Plan 2021 to 2025",
            description="Scotland's third plan: fiscal openness, open contracting and participation.",
            published=dt.date(2022, 1, 27), publisher="Scottish Government",
            themes=["Fiscal openness", "Open contracting"],
        ),
        r.Commitment(
            source_url=scot_url, fetched_at=FETCHED, ref=r.CommitmentRef(SCOT3, number=1),
            title="Financial and fiscal transparency",
            description="Explain how public money is raised and spent in Scotland.",
            themes=["Fiscal openness"], leads=["Scottish Government"],
        ),
        r.Commitment(
            source_url=scot_url, fetched_at=FETCHED, ref=r.CommitmentRef(SCOT3, number=5),
            title="Open contracting in Scottish public procurement",
            description="Adopt the Open Contracting Data Standard for Scottish public contracts.",
            themes=["Open contracting"], leads=["Scottish Government"],
        ),
        r.ThematicGroup(
            source_url=scot_url, fetched_at=FETCHED, title="Open contracting working group",
            jurisdiction="scotland", lead="Alex Example", plan=SCOT3, theme="Open contracting",
        ),
    ]
    govwales: list[r.Record] = [
        r.Document(
            source_url=WELSH_URL, fetched_at=FETCHED, url=WELSH_URL, language="cy",
            title=WELSH_TITLE,
            text="Mae Llywodraeth Cymru yn cyhoeddi ymrwymiadau llywodraeth agored ar gyfer "
            "caffael cyhoeddus a chyfranogiad.",
            doc_type="report", jurisdiction="wales", publisher="Welsh Government",
            published=dt.date(2022, 10, 4), plans=[WALES],
        ),
        r.Body(
            source_url="https://www.llyw.cymru/rhwydwaith", fetched_at=FETCHED,
            name="Open Government Network Wales", jurisdiction="wales", body_kind="network",
            homepage="javascript:alert(4)",
        ),
    ]
    ni_url = "https://www.finance-ni.gov.uk/publications/open-government-action-plan-2021-2022"
    ni: list[r.Record] = [
        r.Plan(
            source_url=ni_url, fetched_at=FETCHED, ref=NI,
            title="Northern Ireland Open Government Action Plan 2021-2022",
            description="Commitments on open data and participation in Northern Ireland.",
            published=dt.date(2021, 6, 30), publisher="Department of Finance", themes=["Open data"],
        ),
        r.Commitment(
            source_url=ni_url, fetched_at=FETCHED, ref=r.CommitmentRef(NI, number=1),
            title="Open data strategy", description="Publish an open data strategy for Northern Ireland.",
            themes=["Open data"], leads=["Department of Finance"],
        ),
    ]
    return {"govuk": govuk, "govscot": govscot, "govwales": govwales, "ni": ni}


def load(writer: GraphStore, only: list[str] | None = None) -> dict[str, list[r.Record]]:
    """Write the sample's graphs (or some of them) into ``writer``, with the
    vocabulary graph, as a harvest does."""
    by_source = records()
    ensure_vocabulary(writer)
    writer.replace_graphs({
        str(ids.source_graph(sid)): list(map_records(recs))
        for sid, recs in by_source.items() if only is None or sid in only
    })
    return by_source


def iri(kind: str) -> str:
    """IRIs of the sample's entities the tests look at."""
    return {
        "uk-plan": str(ids.plan(UK6)),
        "uk-commitment-1": str(ids.commitment(r.CommitmentRef(UK6, number=1))),
        "scot-plan": str(ids.plan(SCOT3)),
        "meeting": str(ids.meeting(r.MeetingRef(FORUM, "uk", MEETING_DAY))),
        "minutes": str(ids.document(MINUTES_URL)),
        "xss": str(ids.document(XSS_URL)),
        "welsh": str(ids.document(WELSH_URL)),
        "wales-network": str(ids.body("Open Government Network Wales", "wales")),
        "milestone": str(ids.milestone(str(ids.commitment(r.CommitmentRef(UK6, number=1))), 1)),
    }[kind]
