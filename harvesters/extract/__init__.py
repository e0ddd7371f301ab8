"""Reading knowledge out of text, shared by every source and by imports:
dates in all their forms, attendee lists and counts, meetings, theme
decisions, co-creation timelines and thematic groups.

Every extractor is a pure function of a document (HTML or plain text) and a
:class:`Context` (where it came from, when it was fetched and published, its
jurisdiction and language) that returns records of
:mod:`harvesters.records`. :func:`extract_all` runs each one that applies.
"""

from __future__ import annotations

from harvesters.extract.blocks import Doc, parse
from harvesters.extract.context import Context, ContextError
from harvesters.extract.decisions import extract_theme_decisions
from harvesters.extract.groups import extract_thematic_groups
from harvesters.extract.meetings import extract_meeting
from harvesters.extract.timeline import extract_timeline
from harvesters.records import Record, validate_record

__all__ = [
    "Context",
    "ContextError",
    "Doc",
    "extract_all",
    "extract_meeting",
    "extract_thematic_groups",
    "extract_theme_decisions",
    "extract_timeline",
    "parse",
]


def extract_all(text_or_html: str | Doc, context: Context) -> list[Record]:
    """Every record the extractors find in one document: the meeting it
    records, the theme decisions, the co-creation timeline, the thematic
    groups. Each record is validated; an empty list means the document holds
    none of these."""
    doc = parse(text_or_html)
    records: list[Record] = []
    meeting = extract_meeting(doc, context)
    if meeting is not None:
        records.append(meeting)
    records.extend(extract_theme_decisions(doc, context, meeting))
    records.extend(extract_timeline(doc, context))
    records.extend(extract_thematic_groups(doc, context))
    for record in records:
        validate_record(record)
    return records
