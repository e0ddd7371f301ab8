"""Identifiers are stable: the same input gives the same IRIs on every run, in
every fresh store, and different ways of naming one thing meet."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from harvesters import records as r
from hub import ids
from hub.mapping import map_records
from hub.store import OxigraphStore

NOW = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)


def sample_records() -> list[r.Record]:
    plan = r.PlanRef("uk", number=6)
    return [
        r.Plan(source_url="https://www.gov.uk/p6", fetched_at=NOW, ref=plan,
               title="UK National Action Plan for Open Government 2024-2025", published="2023-12-18"),
        r.Commitment(source_url="https://www.gov.uk/p6", fetched_at=NOW,
                     ref=r.CommitmentRef(plan, number=1), title="Open Contracting",
                     themes=["Open Contracting (Procurement)"]),
        r.Meeting(source_url="https://opengovernment.org.uk/2023/07/19/6925/", fetched_at=NOW,
                  ref=r.MeetingRef("MSF", "uk", dt.date(2023, 6, 22)),
                  attendance=r.Attendance(total=38, government=21, civil_society=17)),
        r.Document(source_url="https://opengovernment.org.uk/nap6/", fetched_at=NOW,
                   url="https://opengovernment.org.uk/nap6/", title="NAP6"),
    ]


def test_plan_number_and_periods_meet() -> None:
    by_number = ids.plan(r.PlanRef("uk", number=6))
    assert by_number == ids.plan(r.PlanRef("uk", 2024, 2025))
    assert by_number == ids.plan(r.PlanRef("uk", 2023, 2025))  # OGP's period for the same plan
    assert ids.plan(r.PlanRef("scotland", 2021, 25)) == ids.plan(r.PlanRef("scotland", number=3))
    assert str(by_number) == "https://w3id.org/ogh/id/plan/uk/2024-2025"


def test_body_names_meet() -> None:
    a = ids.body("UK Multi-Stakeholder Forum", "uk")
    assert a == ids.body("Multi-Stakeholder Forum", "uk") == ids.body("MSF", "uk")
    assert ids.meeting(r.MeetingRef("MSF", "uk", dt.date(2023, 6, 22))) == ids.meeting(
        r.MeetingRef("UK Multi Stakeholder Forum", "uk", dt.date(2023, 6, 22)))


def test_document_iri_ignores_scheme_and_fragment() -> None:
    assert ids.document("http://www.gov.uk/a#x") == ids.document("https://WWW.GOV.UK/a")
    assert ids.document("https://www.gov.uk/a") != ids.document("https://www.gov.uk/b")


def test_same_iris_in_two_fresh_stores(tmp_path: Path) -> None:
    subjects = []
    for name in ("one", "two"):
        store = OxigraphStore(tmp_path / name)
        try:
            store.replace_graph(str(ids.source_graph("t")), map_records(sample_records()))
            subjects.append(sorted({str(s) for s, _, _ in store.triples(str(ids.source_graph("t")))}))
        finally:
            store.close()
    assert subjects[0] == subjects[1]
    assert "https://w3id.org/ogh/id/meeting/uk-multi-stakeholder-forum/2023-06-22" in subjects[0]


def test_same_iris_in_another_process() -> None:
    """Hash seeds differ between processes: IRIs must not depend on them."""
    code = (
        "import tests.hub.test_ids as t; from hub.mapping import map_records;"
        "print(sorted({str(s) for s, _, _ in map_records(t.sample_records())}))"
    )
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": ""}, cwd=Path(__file__).parents[2]).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1
    here = str(sorted({str(s) for s, _, _ in map_records(sample_records())}))
    assert outs.pop().strip() == here
