"""What an extractor is told about a document besides its text.

Harvesters know where a page came from, when it was fetched, which
jurisdiction it belongs to and when it was published; the text often does not
say. Partial dates ("May 5th", "Wednesday 24th January") are resolved against
``published``; records carry ``source_url``/``fetched_at`` as provenance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from harvesters.records import JURISDICTIONS, PlanRef


class ContextError(ValueError):
    """A context an extractor cannot work with: says which field and why."""


@dataclass(frozen=True, kw_only=True)
class Context:
    source_url: str
    fetched_at: dt.datetime
    #: the jurisdiction the document belongs to, when the caller knows it
    jurisdiction: str | None = None
    #: the document's publication (or last modification) date: the anchor for
    #: dates written without a year
    published: dt.date | None = None
    language: str = "en"
    #: the public page, when ``source_url`` is an API URL
    page_url: str | None = None
    #: the document's title when it is not part of the text (a WordPress
    #: post's title, a forum topic's title)
    title: str | None = None
    #: what the caller knows of the document's kind: minutes, read-out, ...
    doc_type: str | None = None
    #: the plan the document is about, when the caller knows it
    plan: PlanRef | None = None

    def __post_init__(self) -> None:
        if not self.source_url:
            raise ContextError("source_url is empty; every extracted record keeps where it came from")
        if not isinstance(self.fetched_at, dt.datetime) or self.fetched_at.tzinfo is None:
            raise ContextError(f"fetched_at must be a timezone-aware datetime, not {self.fetched_at!r}")
        if self.jurisdiction is not None and self.jurisdiction not in JURISDICTIONS:
            raise ContextError(
                f"jurisdiction is {self.jurisdiction!r}; expected one of {', '.join(JURISDICTIONS)}"
            )
        if isinstance(self.published, dt.datetime):
            object.__setattr__(self, "published", self.published.date())

    @property
    def document_url(self) -> str:
        """The URL records name as the document that states them."""
        return self.page_url or self.source_url

    def provenance(self) -> dict[str, Any]:
        """The fields every record takes from the context."""
        return {
            "source_url": self.source_url,
            "fetched_at": self.fetched_at,
            "page_url": self.page_url,
            "language": self.language,
        }
