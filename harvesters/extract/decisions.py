"""Themes proposed for a plan and what became of them.

A read-out that discusses themes gives each one a heading ("Budget
Transparency", "Civic Space, Natural Resources, and Open Parliaments") and a
paragraph saying what was agreed. The outcome is read from that paragraph's
words: "will proceed to ... co-creation" (taken forward), "further
conversation was needed", "more time to scope" (further discussion), "in
parallel", "at a later date", "with a view to NAP7" (deferred or pursued in
parallel), "not taken forward". Where a paragraph says several things, its
last clause that decides wins, and within a clause the more reserved outcome
wins ("before taking the decision whether to proceed" is further discussion).

A heading is a theme when it names one of the themes of ``vocab/themes.ttl``
or its paragraph speaks of "this theme" or "this area"; a heading listing
several themes is split into one decision each.
"""

from __future__ import annotations

import datetime as dt
import re

from harvesters.extract.blocks import Doc, parse, sentences
from harvesters.extract.context import Context
from harvesters.extract.plans import find_plan_mentions, most_mentioned, next_plan
from harvesters.records import Meeting, MeetingRef, PlanRef, ThemeDecision
from vocab.concepts import resolve_theme

_THEMES_HEADING = re.compile(r"\bthemes?\b|\btopics?\b|\bpriorit(?:y|ies)\b|\bproposals?\b", re.I)
_END_HEADING = re.compile(r"^\s*(?:next steps|reflections?|any other business|aob|close|closing|"
                          r"summary|date of next meeting|actions?|conclusions?)\b", re.I)
_THIS_THEME = re.compile(r"\b(?:this|the) (?:theme|area|topic|proposal)\b|\b(?:these|all (?:two|three|four|"
                         r"five|\d)) (?:themes|areas|topics)\b", re.I)
_COMMITMENT = re.compile(r"^\s*commitment\s+\d", re.I)
_FOCUS = re.compile(
    r"\b(?:with\s+)?(?:a\s+)?focus(?:ed|sed)?\s+on\s+(?P<what>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)")

#: Outcome cues, from the most reserved to the most positive: within one clause
#: the first that matches wins
CUES: list[tuple[str, re.Pattern[str]]] = [
    ("not-taken-forward", re.compile(
        r"\bnot\s+(?:be\s+|to\s+be\s+)?(?:taken|carried|brought|put)\s+forward\b|\bnot\s+(?:to\s+)?"
        r"(?:proceed|pursue|progress)\w*\b|\bwill\s+not\s+(?:proceed|be\s+(?:included|pursued|progressed))\b|"
        r"\b(?:was|were)\s+(?:rejected|dropped|declined|excluded)\b|\bnot\s+(?:be\s+)?included\b|"
        r"\bno\s+further\s+action\b", re.I)),
    ("deferred", re.compile(
        r"\bin\s+parallel\b|\bat\s+a\s+later\s+(?:date|stage)\b|\blater\s+(?:plan|date|stage|action plan)\b|"
        r"\bfuture\s+(?:plans?|action\s+plans?|commitments)\b|\b(?:next|future|subsequent)\s+"
        r"(?:national\s+)?action\s+plan\b|\brevisit\w*\b|\bdeferr?\w*\b|\bpostpon\w*\b|"
        r"\bin\s+the\s+lead\s+(?:in)?to\b|\bahead\s+of\s+the\s+next\b", re.I)),
    ("further-discussion", re.compile(
        r"\bfurther\s+(?:conversation|discussion|consideration|work|scoping|engagement)\b|"
        r"\bfollow-?up\s+(?:conversation|discussion|meeting)\b|\bmore\s+time\b|"
        r"\b(?:discussed|considered|explored)\s+further\b|\bbefore\s+(?:taking|making)\s+(?:the|a)\s+decision\b|"
        r"\bongoing\s+dialogue\b|\bto\s+be\s+(?:discussed|decided|confirmed)\b|\bno\s+decision\b|"
        r"\bundecided\b|\bdecision\s+(?:is|was)\s+pending\b", re.I)),
    ("taken-forward", re.compile(
        r"\bwill\s+proceed\b|\bproceed(?:s|ing)?\s+(?:in)?to\b|\b(?:was|were|be|is|are)\s+taken\s+forward\b|"
        r"\btake\s+(?:it|this|them)?\s*forward\b|\bwill\s+be\s+(?:included|progressed)\b|"
        r"\bagreed\s+to\s+(?:include|take\s+forward|proceed)\b|\b(?:was|were)\s+(?:adopted|agreed)\b|"
        r"\bgo(?:es|ing)?\s+forward\s+(?:to|into)\b", re.I)),
]


def outcome_of(text: str, plan_number: int | None = None) -> tuple[str, str] | None:
    """The outcome a paragraph states, with the sentence that states it."""
    decided: tuple[str, str] | None = None
    for sentence in sentences(text):
        for clause in re.split(r",?\s+but\s+|;\s*|\bhowever,?\s+", sentence, flags=re.I):
            outcome = _clause_outcome(clause, plan_number)
            if outcome:
                decided = (outcome, sentence)
    return decided


def _clause_outcome(clause: str, plan_number: int | None) -> str | None:
    for outcome, rx in CUES:
        if rx.search(clause):
            return outcome
    if plan_number is not None:
        # "with a view to potential inclusion in NAP7": a later plan
        for mention in find_plan_mentions(clause):
            if mention.ref.number is not None and mention.ref.number > plan_number:
                return "deferred"
    return None


def _is_theme_heading(heading: str, body: str) -> bool:
    return bool(resolve_theme(_normalise_dashes(heading))) or bool(_THIS_THEME.search(body))


def _normalise_dashes(text: str) -> str:
    return re.sub(r"\s*[–—]\s*", " - ", text)


def split_themes(heading: str) -> list[str]:
    """"Civic Space, Natural Resources, and Open Parliaments" gives three themes;
    "Anti-Corruption & Integrity - Open Contracting" stays one."""
    if "," not in heading:
        return [heading]
    parts = re.split(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+(?=[^,]*$)", heading)
    parts = [p.strip() for p in parts if p and p.strip()]
    return parts if len(parts) > 1 else [heading]


def extract_theme_decisions(text_or_html: str | Doc, ctx: Context, meeting: Meeting | None = None,
                            plan: PlanRef | None = None) -> list[ThemeDecision]:
    """The theme decisions a document records, for ``plan`` (else the plan the
    theme section names most, else the next plan after the one in force)."""
    doc = parse(text_or_html)
    date = meeting.ref.date if meeting else ctx.published
    jurisdiction = (meeting.ref.jurisdiction if meeting else None) or ctx.jurisdiction or "uk"
    out: list[ThemeDecision] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        starts = block.is_heading and _THEMES_HEADING.search(block.text) \
            and not _END_HEADING.match(block.text) and not _COMMITMENT.match(block.text)
        if not starts:
            i += 1
            continue
        section_level = block.level
        found: list[tuple[str, str]] = []  # (heading, paragraph)
        j = i + 1
        section_text = " ".join(b.text for b in doc.body_until_heading(i))
        while j < len(blocks):
            b = blocks[j]
            if b.is_heading:
                if _END_HEADING.match(b.text) or (b.level < section_level):
                    break
                body = " ".join(x.text for x in doc.body_until_heading(j))
                if not _COMMITMENT.match(b.text) and _is_theme_heading(b.text, body) \
                        and outcome_of(body) is not None:
                    found.append((b.text, body))
                    section_text += " " + body
                elif found or b.level <= section_level:
                    break
            j += 1
        if found:
            section_plan = plan or ctx.plan or _plan_of_section(section_text, jurisdiction, date)
            if section_plan is not None:
                out.extend(_decisions(found, section_plan, ctx, meeting, date))
            i = j
        else:
            i += 1
    return out


def _plan_of_section(text: str, jurisdiction: str, date: dt.date | None) -> PlanRef | None:
    """The plan a theme discussion is about: the one it names most, else the
    plan after the one in force."""
    mentioned = most_mentioned(text, jurisdiction, date)
    if mentioned is not None:
        return mentioned
    return next_plan(jurisdiction, date) if date else None


def _decisions(found: list[tuple[str, str]], plan: PlanRef, ctx: Context, meeting: Meeting | None,
               date: dt.date | None) -> list[ThemeDecision]:
    out: list[ThemeDecision] = []
    number = plan.number
    for heading, body in found:
        decided = outcome_of(body, number)
        if decided is None:
            continue
        outcome, sentence = decided
        focus = _FOCUS.search(body)
        note = sentence if not focus else f"With a focus on {focus.group('what')}. {sentence}"
        for theme in split_themes(heading):
            out.append(ThemeDecision(
                **ctx.provenance(),
                theme=theme, outcome=outcome, plan=plan, date=date,
                meeting=MeetingRef(body=meeting.ref.body, jurisdiction=meeting.ref.jurisdiction,
                                   date=meeting.ref.date) if meeting else None,
                document_url=ctx.document_url, note=note,
                focus=focus.group("what") if focus else None))
    return out
