"""The documents of the recorded corpus that record meetings, reached the way a
harvester would reach them (the file a manifest entry names, the WordPress post
or feed item whose link is the meeting's page, the Discourse topic's first
post), each with the context a harvester would give the extractors."""

from __future__ import annotations

import datetime as dt
import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from harvesters.extract.context import Context
from tests.conftest import CORPUS

FETCHED = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
FOLDER_JURISDICTION = {
    "govscot": "scotland", "ukogn": "uk", "ukogn-forum": "uk", "ni": "northern-ireland",
    "govwales": "wales", "glasgow": "glasgow", "govuk": "uk", "ogp": "uk",
}
NATION_JURISDICTION = {
    "Scotland": "scotland", "United Kingdom": "uk", "Wales": "wales", "Northern Ireland": "northern-ireland",
}


@dataclass
class MeetingDoc:
    folder: str
    expected: dict[str, Any]
    text: str
    context: Context

    @property
    def label(self) -> str:
        return f"{self.folder} {self.expected.get('date')} {self.expected.get('title', '')[:50]}"


def _manifest(folder: str) -> dict[str, Any]:
    return json.loads((CORPUS / folder / "manifest.json").read_text(encoding="utf-8"))


def _wordpress_items(folder: Path) -> Iterator[tuple[str, str, str, dt.date | None]]:
    """(link, title, content HTML, date) of every recorded WordPress post and feed item."""
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        for post in data if isinstance(data, list) else []:
            if isinstance(post, dict) and "content" in post and "link" in post and "title" in post:
                date = dt.date.fromisoformat(post["date"][:10]) if post.get("date") else None
                yield (post["link"], html.unescape(post["title"]["rendered"]),
                       post["content"]["rendered"], date)
    ns = {"content": "http://purl.org/rss/1.0/modules/content/"}
    for path in sorted(folder.rglob("*.rss")):
        root = ET.fromstring(path.read_bytes())
        for item in root.iter("item"):
            content = item.findtext("content:encoded", default="", namespaces=ns) or \
                item.findtext("description", default="")
            pub = item.findtext("pubDate")
            date = parsedate_to_datetime(pub).date() if pub else None
            yield (item.findtext("link", default=""), html.unescape(item.findtext("title", default="")),
                   content, date)


def _discourse_topic(folder: Path, url: str) -> tuple[str, str, dt.date | None] | None:
    for entry in _manifest(folder.name)["responses"]:
        if entry.get("file") and entry["url"].endswith(".json") and entry["url"][:-5] == url:
            data = json.loads((folder / entry["file"]).read_text(encoding="utf-8"))
            first = data["post_stream"]["posts"][0]
            return data["title"], first["cooked"], dt.date.fromisoformat(first["created_at"][:10])
    return None


def meeting_documents() -> Iterator[MeetingDoc]:
    """Every meeting of every expected.json whose document is in the corpus."""
    for expected_path in sorted(CORPUS.glob("*/expected.json")):
        folder = expected_path.parent
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        manifest = _manifest(folder.name)
        files = {e["url"]: e["file"] for e in manifest["responses"] if e.get("file") and e["status"] == 200}
        wordpress = {link: (title, content, date) for link, title, content, date in _wordpress_items(folder)}
        for meeting in expected["entities"].get("Meeting", []):
            url = meeting.get("source_url") or meeting.get("announced_in")
            if not url:
                continue
            jurisdiction = NATION_JURISDICTION.get(meeting.get("nation", ""),
                                                   FOLDER_JURISDICTION[folder.name])
            published = dt.date.fromisoformat(meeting["published"]) if meeting.get("published") else None
            title: str | None = None
            if url in files:
                text = (folder / files[url]).read_text(encoding="utf-8")
            elif url in wordpress:
                title, text, date = wordpress[url]
                published = published or date
            elif (topic := _discourse_topic(folder, url)) is not None:
                title, text, published = topic
            else:
                continue
            yield MeetingDoc(folder.name, meeting, text, Context(
                source_url=url, fetched_at=FETCHED, jurisdiction=jurisdiction, published=published,
                title=title))
