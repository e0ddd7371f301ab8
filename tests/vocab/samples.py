"""Realistic records of every type, with every field filled and with only the
required ones, shaped on the recorded corpus (the UK's sixth plan, the June 2023
forum meeting, its read-out, the network's forum thread)."""

from __future__ import annotations

import datetime as dt

from harvesters import records as r

FETCHED = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
GOVUK = "https://www.gov.uk/government/publications/uk-national-action-plan-for-open-government-2024-2025"
UKOGN = "https://opengovernment.org.uk"

NAP6 = r.PlanRef("uk", 2024, 2025)
NAP5 = r.PlanRef("uk", number=5)
OPEN_CONTRACTING = r.CommitmentRef(NAP6, number=1)
MSF_JUNE_2023 = r.MeetingRef("Multi-Stakeholder Forum", "uk", dt.date(2023, 6, 22))
READ_OUT = f"{UKOGN}/2023/07/06/readout-uk-multi-stakeholder-forum-22-june-2023/"


def full_records() -> list[r.Record]:
    """One record of each type with every field the mapping reads."""
    milestone = r.Milestone(
        source_url=GOVUK, fetched_at=FETCHED, commitment=OPEN_CONTRACTING, number=1,
        title="Publish guidance on the Procurement Act's transparency notices",
        due=r.PartialDate(dt.date(2024, 10, 1), "month"), status="Complete",
    )
    return [
        r.Plan(
            source_url=GOVUK, fetched_at=FETCHED, ref=NAP6,
            title="UK National Action Plan for Open Government 2024-2025",
            description="The UK's sixth National Action Plan, co-created with civil society.",
            published=dt.date(2023, 12, 14), modified="2024-01", publisher="Cabinet Office",
            status="in implementation", themes=["Open Contracting (Procurement)", "Aid"],
            identifier="UK-NAP6", government_coordinator="Central Digital and Data Office",
            civil_society_coordinator="UK Open Government Network",
        ),
        r.Commitment(
            source_url=GOVUK, fetched_at=FETCHED, page_url=GOVUK + "#commitment-1",
            ref=OPEN_CONTRACTING, title="Open Contracting",
            description="Implement the Procurement Act's transparency provisions with civil society.",
            themes=["open contracting", "Public Procurement"],
            leads=["Cabinet Office", "Government Commercial Function"], status="substantial",
            identifiers=["UK0110"], ogp_values=["Access to Information"],
            irm=r.IRMAssessment(verifiable=True, relevance=["Civic Participation"],
                                potential_impact="Moderate", completion="Substantial", starred=False),
            start="2024-01", end=2025, milestones=[milestone],
        ),
        r.Milestone(
            source_url=GOVUK, fetched_at=FETCHED, commitment=OPEN_CONTRACTING, number=2,
            title="Review the central digital platform with civil society",
            due_as_written="Spring 2025", status="in progress",
        ),
        r.Meeting(
            source_url=READ_OUT, fetched_at=FETCHED, ref=MSF_JUNE_2023,
            title="Read-out: UK Multi-Stakeholder Forum, 22 June 2023", body_kind="forum",
            chairs=[r.Person(name="Kevin Keith", role="UK OGN Chair"),
                    r.Person(name="Alex Burghart MP", role="Parliamentary Secretary")],
            attendance=r.Attendance(
                total=38, government=21, civil_society=17, other=0, apologies=2, deputies=1,
                groups=[
                    r.AttendanceGroup(heading="Government", sector="government", present=21,
                                      apologies=1, deputies=1),
                    r.AttendanceGroup(heading="Civil society", sector="civil_society", present=17,
                                      apologies=1),
                ],
                attendees=[
                    r.Attendee(name="Kevin Keith", role="Chair, UK OGN", heading="Civil society",
                               sector="civil_society", status="present"),
                    r.Attendee(name="Jane Example", role="Deputy Director, CDDO", heading="Government",
                               sector="government", status="apologies"),
                    r.Attendee(name="John Example", role="Policy lead, CDDO", heading="Government",
                               sector="government", status="deputy", deputy_for="Jane Example"),
                    r.Attendee(name=None, role="Representative, Bond", heading="Civil society",
                               sector="civil_society", status="present"),
                ],
            ),
            agenda=["Updates on NAP5", "Themes for NAP6"],
            actions=["CDDO to circulate the analysis of outreach"],
            decisions=["Open contracting and aid transparency proceed to co-creation"],
            updates=[r.CommitmentUpdate(commitment=r.CommitmentRef(NAP5, number=1),
                                        heading="Commitment 1: Open Contracting",
                                        text="Primary legislation is in its final stages.")],
            plans=[NAP5, NAP6], recorded_in=READ_OUT,
        ),
        r.Plan(source_url=GOVUK, fetched_at=FETCHED, ref=NAP5,
               title="UK National Action Plan for Open Government 2021-2023"),
        r.Commitment(source_url=GOVUK, fetched_at=FETCHED, ref=r.CommitmentRef(NAP5, number=1),
                     title="Open Contracting", themes=["open contracting"]),
        r.Document(
            source_url=READ_OUT, fetched_at=FETCHED, url=READ_OUT,
            title="Readout: UK Multi-Stakeholder Forum, 22 June 2023",
            text="The aim of this Multi-Stakeholder Forum was to review progress on NAP5.",
            doc_type="read-out", jurisdiction="uk", publisher="UK Open Government Network",
            published=dt.date(2023, 7, 6), modified=dt.datetime(2023, 7, 7, 10, 0, tzinfo=dt.UTC),
            authors=["UK OGN"], likes=3, plans=[NAP6], commitments=[OPEN_CONTRACTING],
            meetings=[MSF_JUNE_2023],
            alternates={"cy": f"{UKOGN}/cy/2023/07/06/readout/"},
            links=["https://www.opengovpartnership.org/members/united-kingdom/"],
            posts=[r.Post(number=1, author="kevin", date=dt.datetime(2023, 7, 6, 12, tzinfo=dt.UTC),
                          likes=1, text="Thanks to everyone who came."),
                   r.Post(number=2, author="tim", date=dt.date(2023, 7, 8), likes=0,
                          text="Good to see open contracting go forward.")],
        ),
        r.Body(
            source_url=f"{UKOGN}/about/", fetched_at=FETCHED, name="UK Open Government Network",
            jurisdiction="uk", body_kind="network", alt_names=["Open Gov Network"],
            homepage=f"{UKOGN}/", description="A network of civil society organisations and people.",
        ),
        r.Body(
            source_url=f"{UKOGN}/about/", fetched_at=FETCHED, name="Bond Transparency Working Group",
            jurisdiction="uk", body_kind="thematic-group",
        ),
        r.ThemeDecision(
            source_url=READ_OUT, fetched_at=FETCHED, theme="Open Contracting (Anti-corruption and integrity)",
            outcome="taken-forward", plan=NAP6, date=dt.date(2023, 6, 22), meeting=MSF_JUNE_2023,
            document_url=READ_OUT, note="Led by the Open Contracting Advisory Group.",
        ),
        r.TimelineEvent(
            source_url=READ_OUT, fetched_at=FETCHED, plan=NAP6, title="Call for ideas opens",
            stage="outreach", date=r.PartialDate(dt.date(2023, 3, 1), "month"),
            end=r.PartialDate(dt.date(2023, 5, 31), "day"), document_url=READ_OUT,
        ),
        r.ThematicGroup(
            source_url=READ_OUT, fetched_at=FETCHED, title="Open Contracting Advisory Group",
            jurisdiction="uk", lead="Gavin Hayman", start=r.PartialDate(dt.date(2023, 1, 1), "year"),
            plan=NAP6, theme="Open Contracting", note="Civil society and government.",
        ),
    ]


def minimal_records() -> list[r.Record]:
    """One record of each type with only the fields a record must have."""
    scot = r.PlanRef("scotland", 2021, 2025)
    return [
        r.Plan(source_url="https://www.gov.scot/plan/", fetched_at=FETCHED, ref=scot),
        r.Commitment(source_url="https://www.gov.scot/plan/c4/", fetched_at=FETCHED,
                     ref=r.CommitmentRef(scot, number=4)),
        r.Milestone(source_url="https://www.gov.scot/plan/c4/", fetched_at=FETCHED,
                    commitment=r.CommitmentRef(scot, number=4), number=1, title="Set up the network"),
        r.Meeting(source_url="https://www.gov.scot/minutes/", fetched_at=FETCHED,
                  ref=r.MeetingRef("Steering Group", "scotland", dt.date(2023, 5, 17))),
        r.Document(source_url="https://www.gov.scot/minutes/", fetched_at=FETCHED,
                   url="https://www.gov.scot/minutes/"),
        r.Body(source_url="https://www.gov.scot/groups/", fetched_at=FETCHED, name="Scottish Futures Forum"),
        r.ThemeDecision(source_url="https://www.gov.scot/minutes/", fetched_at=FETCHED,
                        theme="Climate change", outcome="further-discussion", plan=scot),
        r.TimelineEvent(source_url="https://www.gov.scot/plan/", fetched_at=FETCHED, plan=scot,
                        title="Plan published", stage="publication",
                        date=r.PartialDate(dt.date(2021, 1, 1), "year")),
        r.ThematicGroup(source_url="https://www.gov.scot/groups/", fetched_at=FETCHED,
                        title="Climate change group", jurisdiction="scotland"),
    ]
