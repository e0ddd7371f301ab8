"""RSS and Atom feeds (WordPress's ``/feed/``, Discourse's ``/latest.rss``,
GOV.UK's ``.atom`` searches), parsed by feedparser."""

from __future__ import annotations

from typing import Any

import feedparser

from harvesters.http import Page


def parse_feed(page: Page) -> Any:
    """An RSS or Atom body; raises on malformed XML or a body that is no feed,
    so that the harvest records the error and reads the last good copy."""
    feed = feedparser.parse(page.content)
    problem = feed.get("bozo_exception")
    if problem is not None and "SAX" in type(problem).__name__:
        raise ValueError(f"malformed XML: {problem}")
    if not feed.get("version"):
        raise ValueError("not an RSS or Atom feed")
    return feed
