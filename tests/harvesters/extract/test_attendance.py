"""Attendee lists and stated counts: headings and their sectors, apologies,
deputies written three ways, entries without a name, and the counting rule."""

from __future__ import annotations

import pytest

from harvesters.extract.attendance import (
    extract_attendance,
    parse_entry,
    sector_of_heading,
    sector_of_role,
    sentence_attendance,
)
from harvesters.extract.people import is_person_name, split_name_role


@pytest.mark.parametrize(("heading", "sector"), [
    ("Scottish Government", "government"),
    ("Government", "government"),
    ("COSLA", "government"),
    ("Public sector", "government"),
    ("Civil Society", "civil_society"),
    ("Civil society", "civil_society"),
    ("In attendance", "other"),
    ("Steering Group Secretariat", "other"),
    ("Steering group secretatiat", "other"),  # misspelt as on gov.scot
    ("Independent reporting mechanism", "other"),
    ("Co-chairs", None),
    ("Government and civil society", None),
])
def test_heading_sectors(heading: str, sector: str | None) -> None:
    assert sector_of_heading(heading) == sector


def test_role_sectors() -> None:
    assert sector_of_role("Minister for Parliamentary Business and Veterans") == "government"
    assert sector_of_role("Chair of Civil Society Network") == "civil_society"
    assert sector_of_role("Vice President, COSLA") == "government"
    assert sector_of_role("Institute for Government") == "civil_society"
    assert sector_of_role("Scottish Information Commissioner") == "other"
    assert sector_of_role("Compact Voice", default="civil_society") == "civil_society"


def test_names_and_roles() -> None:
    assert split_name_role("Graeme Dey (Minister for Parliamentary Business and Veterans)") == (
        "Graeme Dey", "Minister for Parliamentary Business and Veterans")
    assert split_name_role("Elric Honoré – Chair of Civil Society Network") == (
        "Elric Honoré", "Chair of Civil Society Network")
    assert split_name_role("Director for Local Government and Communities") == (
        None, "Director for Local Government and Communities")
    assert split_name_role("Andy McDevitt") == ("Andy McDevitt", None)
    assert is_person_name("Councillor Graham Houston") and is_person_name("Mr Adam")
    assert is_person_name("Jane O’Donnell") and is_person_name("Dawn-Anne McAneny")
    assert not is_person_name("Digital Governance") and not is_person_name("UK OGN")


def entry(text: str, heading: str = "Scottish Government", sector: str | None = "government"):
    people, chair = parse_entry(text, heading, sector, "other")
    return [(p.name, p.status, p.deputy_for) for p in people], chair


def test_apologies_in_both_cases() -> None:
    assert entry("Colin Cook – Director of Digital (Apologies)")[0] == [("Colin Cook", "apologies", None)]
    assert entry("Dave Beck, University of Glasgow (apologies)")[0] == [("Dave Beck", "apologies", None)]


def test_a_deputy_on_a_line_of_its_own() -> None:
    assert entry("Shona Nicol – Team Leader, Data Standards (Deputising)")[0] == [
        ("Shona Nicol", "deputy", None)]


def test_a_deputy_named_after_apologies() -> None:
    people, _ = entry("Lisa Bird, Deputy Director, Climate Change (Domestic) "
                      "(apologies, Matt Grady Deputising)")
    assert people == [("Lisa Bird", "apologies", None), ("Matt Grady", "deputy", "Lisa Bird")]
    people, _ = parse_entry(
        "Jennie Barugh, Director of Performance and Strategic Outcomes (apologies, Niall Davidson, "
        "Change and Stakeholder Engagement Lead deputising)", "Scottish Government", "government", "other")
    assert (people[1].name, people[1].role) == ("Niall Davidson", "Change and Stakeholder Engagement Lead")


def test_a_deputy_named_without_apologies_replaces_the_member() -> None:
    assert entry("Geoff Huggins, Director Digital (Eilidh McLaughlin, Head of Digital Citizen Unit, "
                 "deputising)")[0] == [("Geoff Huggins", "apologies", None),
                                       ("Eilidh McLaughlin", "deputy", "Geoff Huggins")]


def test_an_entry_with_a_role_and_no_name() -> None:
    people, _ = parse_entry("Director for Local Government and Communities (Apologies)",
                            "Scottish Government", "government", "other")
    assert (people[0].name, people[0].role, people[0].status) == (
        None, "Director for Local Government and Communities", "apologies")


def test_chair_marks() -> None:
    assert entry("Mr Adam, Minister for Parliamentary Business (chair)", "Co-chairs", None)[1]
    assert entry("Co-chair: Tim Hughes, Involve", "Civil society", "civil_society")[0] == [
        ("Tim Hughes", "present", None)]
    assert entry("Co-chair: Tim Hughes, Involve", "Civil society", "civil_society")[1]


MINUTES = """
<h2>Attendees and apologies</h2>
<h3>Co-chairs</h3>
<ul><li>Graeme Dey (Minister for Parliamentary Business) (Apologies)</li>
<li>Elric Honoré – Chair of Civil Society Network</li></ul>
<h3>Civil Society</h3>
<ul><li><p>Kelly McBride – Director, Democratic Society</p></li>
<li><p>Ian Watt – CodeTheCity (apologies)</p></li></ul>
<h3>Scottish Government</h3>
<p>Doreen Grove, Head of Open Government<br>
Albert King, Chief Data Officer (apologies, Shona Nicol Deputising)<br>
Director for Local Government (Apologies)<br>
Audrey MacDougall - Chief Social Researcher (Deputising)</p>
<h3>Steering group secretatiat</h3>
<ul><li>Madeleine Fleming, Open Government, Scottish Government</li></ul>
<h2>Items and actions</h2>
<h3>Welcome</h3>
<p>Elric Honoré opened the meeting.</p>
"""


def test_counting_rule_over_a_list() -> None:
    attendance, chairs = extract_attendance(MINUTES)
    assert attendance is not None
    groups = {(g.heading, g.sector): (g.present, g.apologies, g.deputies) for g in attendance.groups}
    assert groups == {
        ("Co-chairs", "government"): (0, 1, 0),
        ("Co-chairs", "civil_society"): (1, 0, 0),
        ("Civil Society", "civil_society"): (1, 1, 0),
        # members 3, apologies 2, deputies 2 (one named, one on its own line): present 3
        ("Scottish Government", "government"): (3, 2, 2),
        ("Steering group secretatiat", "other"): (1, 0, 0),
    }
    assert (attendance.total, attendance.apologies, attendance.deputies) == (6, 4, 2)
    assert (attendance.government, attendance.civil_society, attendance.other) == (3, 2, 1)
    assert chairs == ["Elric Honoré"]
    assert "Welcome" not in {a.heading for a in attendance.attendees}


def test_counts_stated_in_a_sentence() -> None:
    a = sentence_attendance("There were a total of 38 attendees, of which 21 were government "
                            "representatives and 17 from civil society.")
    assert a is not None
    assert (a.total, a.government, a.civil_society, a.other, a.apologies) == (38, 21, 17, 0, None)
    a = sentence_attendance("38 attendees: 21 from government and 17 from civil society.")
    assert a is not None and (a.total, a.government, a.civil_society) == (38, 21, 17)


def test_apologies_by_sector_in_a_sentence() -> None:
    a = sentence_attendance("30 people attended: 19 government representatives and 11 from civil "
                            "society. Apologies came from 3 more people, 2 from government and 1 from "
                            "civil society.")
    assert a is not None
    assert (a.total, a.government, a.civil_society, a.apologies) == (30, 19, 11, 3)
    assert {(g.sector, g.present, g.apologies) for g in a.groups} == {
        ("government", 19, 2), ("civil_society", 11, 1)}
    a = sentence_attendance("32 people attended: 18 government representatives and 14 from civil "
                            "society. 3 more sent apologies, 2 government officials and 1 from civil "
                            "society.")
    assert a is not None and (a.total, a.apologies) == (32, 3)


def test_named_apologies_in_prose_are_added_to_a_list() -> None:
    html = ("<h3>Attendees</h3><p><strong>Government</strong></p><ul><li>Sue Bateman, DCMS</li></ul>"
            "<h3>Opening remarks</h3><p>Margot James sent her apologies and could not attend.</p>")
    attendance, _ = extract_attendance(html)
    assert attendance is not None
    assert (attendance.total, attendance.apologies) == (1, 1)
    assert [(a.name, a.status) for a in attendance.attendees][-1] == ("Margot James", "apologies")


def test_prose_is_not_an_attendee_list() -> None:
    assert extract_attendance("<h3>Attendees</h3><p>Attendees welcomed the opportunity to exchange "
                              "updates.</p><h3>Welcome</h3>") == (None, [])


def test_a_member_list_of_br_lines() -> None:
    from tests.conftest import CORPUS

    path = CORPUS / "govscot/groups/open-government-partnership-steering-group.html"
    page = path.read_text(encoding="utf-8")
    attendance, chairs = extract_attendance(page)
    assert attendance is not None
    sizes = {}
    for a in attendance.attendees:
        sizes[a.heading] = sizes.get(a.heading, 0) + 1
    assert sizes == {"Co-chairs": 3, "Civil Society": 9, "Scottish Government": 8, "Secretariat": 2}
    assert chairs == ["Graeme Dey", "Elric Honoré", "Councillor Graham Houston"]
    assert {a.sector for a in attendance.attendees if a.heading == "Secretariat"} == {"other"}
