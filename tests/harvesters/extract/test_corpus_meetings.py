"""Meetings' dates and attendance, extracted from every document of the
recorded corpus that records a meeting, against the ground truth of each
folder's expected.json. Prints the figures; passes at 90% (issue 4)."""

from __future__ import annotations

from typing import Any

import pytest

from harvesters.extract.meetings import extract_meeting
from harvesters.records import Attendance, Meeting
from tests.harvesters.extract.corpus_docs import MeetingDoc, meeting_documents

DOCS = list(meeting_documents())
SECTORS = {"government": "government", "civil_society": "civil_society", "legislature": "other",
           "other": "other"}


def _by_heading(a: Attendance) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for g in a.groups:
        row = out.setdefault(g.heading, [0, 0, 0, 0])  # members listed, apologies, deputies, present
        row[0] += g.present - g.deputies + g.apologies
        row[1] += g.apologies
        row[2] += g.deputies
        row[3] += g.present
    return out


def attendance_differences(expected: dict[str, Any], a: Attendance | None) -> list[str] | None:
    """What differs from the attendance the ground truth states; None when it states none."""
    stated = "attendee_counts_by_sector" in expected or isinstance(expected.get("attendees"), dict) \
        or "apologies" in expected
    if not stated:
        return None
    if a is None:
        return ["no attendance extracted"]
    diffs: list[str] = []
    if "attendee_counts_by_sector" in expected:
        got = _by_heading(a)
        for g in expected["attendee_counts_by_sector"]:
            want = [g["members_listed"], g["apologies"], g["deputies"], g["present"]]
            if got.get(g["heading_as_written"]) != want:
                diffs.append(f"{g['heading_as_written']}: {got.get(g['heading_as_written'])} != {want}")
        t = expected["attendee_totals"]
        if [a.total, a.apologies, a.deputies] != [t["present"], t["apologies"], t["deputies"]]:
            diffs.append(f"totals {[a.total, a.apologies, a.deputies]} != "
                         f"{[t['present'], t['apologies'], t['deputies']]}")
    people = expected.get("attendees")
    if isinstance(people, dict):
        if "total" in people and a.total != people["total"]:
            diffs.append(f"total {a.total} != {people['total']}")
        sectors = {k: v for k, v in people.items() if k in SECTORS}
        sectors.update(people.get("by_sector", {}))
        for key, value in sectors.items():
            got = getattr(a, SECTORS[key])
            if got != value:
                diffs.append(f"{key} {got} != {value}")
    apologies = expected.get("apologies")
    if isinstance(apologies, list) and a.apologies != len(apologies):
        diffs.append(f"apologies {a.apologies} != {len(apologies)}")
    if isinstance(apologies, dict):
        if a.apologies != apologies.get("total"):
            diffs.append(f"apologies {a.apologies} != {apologies.get('total')}")
        for key in ("government", "civil_society"):
            if key in apologies:
                got = sum(g.apologies for g in a.groups if g.sector == key)
                if got != apologies[key]:
                    diffs.append(f"apologies {key} {got} != {apologies[key]}")
    return diffs


def _row(doc: MeetingDoc, meeting: Meeting | None) -> tuple[bool, list[str] | None, str]:
    date_ok = meeting is not None and meeting.ref.date.isoformat() == doc.expected.get("date")
    diffs = attendance_differences(doc.expected, meeting.attendance if meeting else None)
    a = meeting.attendance if meeting else None
    figures = (f"total={a.total} gov={a.government} cs={a.civil_society} other={a.other} "
               f"apologies={a.apologies} deputies={a.deputies}") if a else "-"
    line = (f"{doc.label:<66} date {'ok ' if date_ok else 'NO '}"
            f"{(meeting.ref.date.isoformat() if meeting else 'none'):<10} attendance "
            f"{'-- ' if diffs is None else ('ok ' if not diffs else 'NO ')}{figures}"
            + (f"  [{'; '.join(diffs)}]" if diffs else ""))
    return date_ok, diffs, line


def test_the_corpus_has_meeting_documents() -> None:
    folders = {d.folder for d in DOCS}
    assert {"govscot", "ukogn", "ukogn-forum", "ni"} <= folders
    assert sum(1 for d in DOCS if d.folder == "govscot") == 7


def test_meeting_dates_and_attendance_match_the_ground_truth(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [_row(doc, extract_meeting(doc.text, doc.context)) for doc in DOCS]
    dates = sum(1 for ok, _, _ in rows if ok)
    stated = [d for _, d, _ in rows if d is not None]
    matched = sum(1 for d in stated if not d)
    govscot = [d for (_, d, _), doc in zip(rows, DOCS, strict=True)
               if doc.folder == "govscot" and d is not None]
    with capsys.disabled():
        print("\nMeetings of the recorded corpus against expected.json")
        for _, _, line in rows:
            print("  " + line)
        print(f"  dates: {dates}/{len(rows)} ({dates / len(rows):.0%}); attendance: {matched}/{len(stated)} "
              f"({matched / len(stated):.0%}); gov.scot attendance: "
              f"{sum(1 for d in govscot if not d)}/{len(govscot)}")
    assert dates / len(rows) >= 0.9
    assert matched / len(stated) >= 0.9
    assert sum(1 for d in govscot if not d) / len(govscot) >= 0.9
