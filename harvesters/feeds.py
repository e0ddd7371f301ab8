"""RSS and Atom feeds (WordPress's ``/feed/``, Discourse's ``/latest.rss``,
GOV.UK's ``.atom`` searches), parsed by feedparser after the checks of
:func:`harvesters.xmlsafe.feed` (no entity declarations, no bytes feedparser
could take for a file name)."""

from __future__ import annotations

from typing import Any

from harvesters import xmlsafe
from harvesters.http import Page


def parse_feed(page: Page) -> Any:
    """An RSS or Atom body; raises on entity declarations, malformed XML or a
    body that is no feed, so that the harvest records the error and reads the
    last good copy."""
    return xmlsafe.feed(page.content)
