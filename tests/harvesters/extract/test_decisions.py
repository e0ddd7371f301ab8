"""Theme decisions: seed 003's outcome for each sixth-plan theme discussed."""

from __future__ import annotations

import datetime as dt

from harvesters.extract.decisions import extract_theme_decisions, outcome_of, split_themes
from harvesters.extract.meetings import extract_meeting
from harvesters.records import THEME_OUTCOMES
from hub import ids
from hub.mapping import map_record
from tests.harvesters.extract.conftest import seed, seed_context
from vocab import OGH


def decisions_003():
    ctx = seed_context("003", jurisdiction="uk")
    meeting = extract_meeting(seed("003"), ctx)
    return meeting, extract_theme_decisions(seed("003"), ctx, meeting)


def test_each_sixth_plan_theme_discussed_has_its_outcome() -> None:
    _, decisions = decisions_003()
    outcomes = {d.theme: d.outcome for d in decisions}
    assert outcomes == {
        "Anti-Corruption & Integrity - Open Contracting": "taken-forward",
        "Budget Transparency": "taken-forward",
        "Anti-Corruption & Integrity - General": "further-discussion",
        "Anti-Corruption & Integrity - Beneficial Ownership": "further-discussion",
        "Digital Governance": "deferred",  # "followed-up in parallel ... with a view to NAP7"
        "Inclusion": "deferred",  # "to develop in the lead into NAP7"
        "Justice": "deferred",  # "revisited at a later date"
        "Right to Information": "further-discussion",  # "needed more time to scope"
        "Anti-Corruption & Integrity - Political Integrity": "deferred",  # "pursued in parallel"
        "Civic Space": "deferred",
        "Natural Resources": "deferred",
        "Open Parliaments": "deferred",
        "Public Service Delivery": "further-discussion",  # "Ongoing dialogue was welcomed"
    }
    assert set(outcomes.values()) <= set(THEME_OUTCOMES)


def test_open_contracting_and_aid_transparency_are_taken_forward() -> None:
    _, decisions = decisions_003()
    taken = [d for d in decisions if d.outcome == "taken-forward"]
    assert len(taken) == 2
    assert any("Open Contracting" in d.theme for d in taken)
    budget = next(d for d in taken if d.theme == "Budget Transparency")
    assert budget.note is not None and budget.note.startswith("With a focus on Aid Transparency")
    assert budget.focus == "Aid Transparency"
    mapped = {str(o) for _, p, o in map_record(budget) if p == OGH.theme}
    assert mapped == {str(ids.theme("fiscal-openness")), str(ids.theme("aid-transparency"))}


def test_decisions_are_for_the_sixth_plan_and_the_meeting() -> None:
    meeting, decisions = decisions_003()
    assert meeting is not None
    sixth = {str(ids.plan(d.plan)) for d in decisions}
    assert len(sixth) == 1 and sixth.pop().endswith("/plan/uk/2024-2025")
    assert {d.meeting for d in decisions} == {meeting.ref}
    assert {d.date for d in decisions} == {dt.date(2023, 6, 22)}
    assert all(d.note for d in decisions)


def test_outcome_cues() -> None:
    def outcome(text: str, plan_number: int | None = None) -> str | None:
        found = outcome_of(text, plan_number)
        return found[0] if found else None

    assert outcome("There was strong support. This theme will proceed to co-creation.") == "taken-forward"
    assert outcome("A follow-up conversation will take place before taking the decision whether "
                   "to proceed to NAP6 co-creation.") == "further-discussion"
    assert outcome("The forum agreed it would not be taken forward.") == "not-taken-forward"
    assert outcome("There is interest, with a view to inclusion in NAP7.", plan_number=6) == "deferred"
    assert outcome("This theme drew a lot of discussion.") is None


def test_split_themes() -> None:
    assert split_themes("Civic Space, Natural Resources, and Open Parliaments") == [
        "Civic Space", "Natural Resources", "Open Parliaments"]
    assert split_themes("Anti-Corruption & Integrity - Open Contracting") == [
        "Anti-Corruption & Integrity - Open Contracting"]
    assert split_themes("Diversity and inclusion") == ["Diversity and inclusion"]
