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
from harvesters.records import Document, PartialDate, Record, validate_record

__all__ = [
    "Context",
    "ContextError",
    "Doc",
    "extract_all",
    "extract_document",
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


def extract_document(document: Document, jurisdiction: str | None = None,
                     html: str | None = None) -> list[Record]:
    """Every record extracted from a document record's text (or from the HTML
    it was read from, which keeps the headings and lists), with the document's
    provenance, title, language and publication date as the context."""
    published = PartialDate.of(document.published) if document.published else None
    context = Context(
        source_url=document.source_url,
        fetched_at=document.fetched_at,
        jurisdiction=jurisdiction or document.jurisdiction,
        published=published.value if published else None,
        language=document.language,
        page_url=document.page_url or (document.url if document.url != document.source_url else None),
        title=document.title,
        doc_type=document.doc_type,
    )
    return extract_all(html if html is not None else (document.text or ""), context)
