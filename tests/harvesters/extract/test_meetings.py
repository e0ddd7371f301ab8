"""Meetings from read-outs and minutes: seed 003, the UK Multi-Stakeholder
Forum of 22 June 2023, and the parts of a meeting record."""

from __future__ import annotations

import datetime as dt

from harvesters.extract.context import Context
from harvesters.extract.meetings import extract_meeting
from harvesters.extract.plans import find_plan_mentions, next_plan, plan_in_force
from hub import ids
from tests.harvesters.extract.conftest import FETCHED, seed, seed_context


def test_seed_003_is_one_meeting_of_the_uk_forum_with_its_attendance() -> None:
    meeting = extract_meeting(seed("003"), seed_context("003", jurisdiction="uk"))
    assert meeting is not None
    assert meeting.ref.body == "UK Multi-Stakeholder Forum"
    assert meeting.ref.date == dt.date(2023, 6, 22)
    assert meeting.ref.jurisdiction == "uk"
    assert meeting.body_kind == "forum"
    a = meeting.attendance
    assert a is not None
    assert (a.total, a.government, a.civil_society) == (38, 21, 17)
    assert {p.name for p in meeting.chairs} == {"Sue Bateman", "Kevin Keith", "Alex Burghart MP"}


def test_seed_003_updates_are_linked_to_the_fifth_plans_commitments() -> None:
    meeting = extract_meeting(seed("003"), seed_context("003", jurisdiction="uk"))
    assert meeting is not None
    fifth = ids.plan(plan_in_force("uk", dt.date(2023, 6, 22)))  # type: ignore[arg-type]
    assert str(fifth).endswith("/plan/uk/2021-2023")
    numbered = {u.commitment.number: u.commitment.title for u in meeting.updates if u.commitment.number}
    assert numbered == {
        1: "Open Contracting", 2: "Open Justice", 3: "Algorithmic transparency and accountability",
        4: "Health", 5: "Anti-corruption and international illicit finance", 6: "Aid transparency",
        7: "Diversity and inclusion", 8: "Freedom of Information"}
    assert {ids.plan(u.commitment.plan) for u in meeting.updates} == {fifth}
    assert str(ids.commitment(meeting.updates[0].commitment)) == f"{fifth}/commitment/1"
    # the update without a number, on "this commitment"
    unnumbered = [u.commitment.title for u in meeting.updates if u.commitment.number is None]
    assert unnumbered == ["Local Transparency"]
    assert all(u.text for u in meeting.updates)
    assert ids.plan(meeting.plans[0]) == fifth


def test_the_same_read_out_as_html_gives_the_same_meeting(fetched: dt.datetime) -> None:
    import json

    from tests.conftest import CORPUS

    [post] = json.loads((CORPUS / "ukogn/wp-json/wp/v2/posts--slug-6925.json").read_text(encoding="utf-8"))
    ctx = Context(source_url=post["link"], fetched_at=fetched, jurisdiction="uk",
                  title="UK Multi-Stakeholder Forum Read-out – 22nd June 2023",
                  published=dt.date(2023, 7, 19))
    html_meeting = extract_meeting(post["content"]["rendered"], ctx)
    text_meeting = extract_meeting(seed("003"), seed_context("003", jurisdiction="uk"))
    assert html_meeting is not None and text_meeting is not None
    assert html_meeting.ref == text_meeting.ref
    assert [u.commitment for u in html_meeting.updates] == [u.commitment for u in text_meeting.updates]
    assert html_meeting.recorded_in == post["link"]


def test_agenda_actions_and_decisions() -> None:
    html = """
    <h1>Open Government Partnership Steering Group minutes: March 2024</h1>
    <p>Date of meeting: 12 March 2024</p>
    <h2>Agenda</h2>
    <h3>1. Welcome and introductions</h3><p>The chair welcomed members.</p>
    <h3>2. Progress on commitments</h3>
    <p>The group agreed that progress reports would be published quarterly.</p>
    <h2>Actions</h2>
    <ul><li>Secretariat to circulate the draft report.</li></ul>
    <p>Action: Doreen Grove to write to members about the next meeting.</p>
    """
    ctx = Context(source_url="https://example.org/minutes", fetched_at=FETCHED, jurisdiction="scotland")
    meeting = extract_meeting(html, ctx)
    assert meeting is not None
    assert meeting.ref.body == "Open Government Partnership Steering Group"
    assert meeting.ref.date == dt.date(2024, 3, 12)
    assert meeting.agenda == ["Welcome and introductions", "Progress on commitments"]
    assert meeting.actions == ["Secretariat to circulate the draft report.",
                               "Doreen Grove to write to members about the next meeting."]
    assert meeting.decisions == ["The group agreed that progress reports would be published quarterly."]
    # March 2024: Scotland's third plan is in force
    assert meeting.plans == []


def test_a_date_without_a_year_is_resolved_from_the_publication_date() -> None:
    html = ("<p>On 7th March people from the Welsh government and from civil society met, hosted by "
            "the Open Government Network.</p><h2>Attendees</h2><h2>Notes</h2>")
    ctx = Context(source_url="https://example.org/notes", fetched_at=FETCHED, jurisdiction="wales",
                  title="Open Government in Wales | Meeting notes", published=dt.date(2016, 3, 24))
    meeting = extract_meeting(html, ctx)
    assert meeting is not None
    assert meeting.ref.date == dt.date(2016, 3, 7)
    assert meeting.ref.body == "Open Government Network Wales"


def test_documents_that_record_no_meeting() -> None:
    ctx = seed_context("001", jurisdiction="uk")
    assert extract_meeting(seed("001"), ctx) is None  # a process page that mentions meetings
    assert extract_meeting(seed("004"), seed_context("004", jurisdiction="uk")) is None
    assert extract_meeting("<h1>Minutes</h1><p>No date here.</p>", ctx) is None


def test_plans_in_force_and_named() -> None:
    assert plan_in_force("uk", dt.date(2023, 6, 22)).number == 5  # type: ignore[union-attr]
    assert plan_in_force("scotland", dt.date(2022, 11, 24)).start == 2021  # type: ignore[union-attr]
    assert next_plan("uk", dt.date(2021, 6, 14)).number == 5  # type: ignore[union-attr]
    refs = [m.ref for m in find_plan_mentions(
        "the Fifth National Action Plan (NAP5), the 6th NAP, the UK's 2013-15 Open Government "
        "Partnership National Action Plan and Scotland's third open government action plan")]
    assert [(r.jurisdiction, r.number, r.start, r.end) for r in refs] == [
        ("uk", 5, 2021, 2023), ("uk", 5, 2021, 2023), ("uk", 6, 2024, 2025), ("uk", 2, 2013, 2015),
        ("scotland", 3, 2021, 2025)]


PLAIN_MINUTES = """OPEN GOVERNMENT NETWORK WALES
Minutes of the meeting held on Tuesday 5 March 2024, 2pm-4pm

Present:
Jane Smith (Chair), Wales Council for Voluntary Action
Rhodri Jones, Welsh Government
Mary Evans, Welsh Government (apologies)
Sian Williams, Electoral Reform Society Cymru

Apologies: Tom Davies, Cardiff University; Ann Bell, Welsh Government

1. Welcome
The chair welcomed members. It was agreed that the network would meet quarterly.

2. Actions
Action: Rhodri Jones to circulate the draft commitments.
"""


def test_plain_text_minutes_with_line_and_inline_lists() -> None:
    ctx = Context(source_url="file:minutes.txt", fetched_at=FETCHED, jurisdiction="wales")
    meeting = extract_meeting(PLAIN_MINUTES, ctx)
    assert meeting is not None
    assert (meeting.ref.body, meeting.ref.date) == ("Open Government Network Wales", dt.date(2024, 3, 5))
    a = meeting.attendance
    assert a is not None
    assert (a.total, a.government, a.civil_society, a.apologies) == (3, 1, 2, 3)
    assert [p.name for p in meeting.chairs] == ["Jane Smith"]
    assert meeting.actions == ["Rhodri Jones to circulate the draft commitments."]
    assert meeting.decisions == ["It was agreed that the network would meet quarterly."]


def test_attendees_in_a_table() -> None:
    html = """<h1>Committee for Finance, meeting on Wednesday, 4 December 2024</h1>
    <p><strong>Witnesses:</strong></p>
    <table><tr><th>Name</th><th>Organisation</th></tr>
    <tr><td>Dr Andrew Bolster</td><td>Northern Ireland Open Government Network</td></tr>
    <tr><td>Ms Jane Doe</td><td>Department of Finance</td></tr></table>
    <h3>Evidence</h3><p>The Chairperson (Mr O'Toole) welcomed the witnesses.</p>"""
    ctx = Context(source_url="https://example.org/report", fetched_at=FETCHED,
                  jurisdiction="northern-ireland",
                  title="Official Report: Minutes of Evidence - Committee for Finance")
    meeting = extract_meeting(html, ctx)
    assert meeting is not None
    a = meeting.attendance
    assert a is not None and (a.total, a.government, a.civil_society) == (2, 1, 1)
    assert [p.name for p in meeting.chairs] == ["Mr O'Toole"]
