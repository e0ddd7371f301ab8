"""HTML helpers shared by harvesters: parsing, readable text, metadata
(Dublin Core, Open Graph, JSON-LD), canonical and alternate-language links."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from harvesters.http import Page

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dt", "dd", "blockquote", "pre",
              "br", "div", "section", "article", "table", "ul", "ol")


def soup(page: Page | str | bytes) -> BeautifulSoup:
    """Parse HTML; raises ValueError for a body that is not HTML at all."""
    if isinstance(page, Page):
        if page.content_type and "html" not in page.content_type and "xml" not in page.content_type:
            raise ValueError(f"expected HTML, got {page.content_type}")
        markup: str | bytes = page.text
    else:
        markup = page
    document = BeautifulSoup(markup, "lxml")
    if document.find() is None:
        raise ValueError("empty or unparseable HTML")
    return document


def clean(text: str) -> str:
    """Whitespace collapsed to single spaces: the text on one line, as a page shows it."""
    return " ".join(text.split())


def text_of(node: Tag | None, separator: str = "\n") -> str:
    """Readable text: blocks on their own lines, whitespace collapsed, scripts dropped."""
    if node is None:
        return ""
    node = BeautifulSoup(str(node), "lxml")
    for bad in node(["script", "style", "noscript", "template", "svg"]):
        bad.decompose()
    for br in node.find_all("br"):
        br.replace_with("\n")
    for block in node.find_all(BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    for cell in node.find_all(("td", "th")):
        cell.insert_after(" ")  # cells of a row stay on one line, apart
    text = node.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return separator.join(out).strip()


def section_text(heading: Tag) -> str:
    """The text under a heading, a line per element, up to the next heading
    of its level or above."""
    level = int(heading.name[1])
    parts: list[str] = []
    for sibling in heading.find_next_siblings():
        if sibling.name in HEADINGS and int(sibling.name[1]) <= level:
            break
        parts.append(sibling.get_text(" ", strip=True))
    return "\n".join(p for p in parts if p)


def classes(node: object) -> list[str]:
    """The ``class`` values of a node; none when there is no node."""
    return [str(c) for c in node.get_attribute_list("class")] if isinstance(node, Tag) else []


def meta(document: BeautifulSoup) -> dict[str, str]:
    """``<meta name|property=... content=...>`` values, lower-case keys
    (``dc.title``, ``dcterms.date``, ``og:title``, ``description``...)."""
    out: dict[str, str] = {}
    for tag in document.find_all("meta"):
        key = tag.get("name") or tag.get("property") or tag.get("itemprop")
        content = tag.get("content")
        if key and content and str(key).lower() not in out:
            out[str(key).lower()] = " ".join(str(content).split())
    return out


def json_ld(document: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object embedded in the page (``@graph`` flattened);
    malformed blocks are skipped."""
    out: list[dict[str, Any]] = []
    for script in document.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("@graph"), list):
                out += [g for g in item["@graph"] if isinstance(g, dict)]
            elif isinstance(item, dict):
                out.append(item)
    return out


def canonical(document: BeautifulSoup, base: str) -> str | None:
    link = document.find("link", rel="canonical")
    href = link.get("href") if isinstance(link, Tag) else None
    return urljoin(base, str(href)) if href else None


def alternates(document: BeautifulSoup, base: str) -> dict[str, str]:
    """hreflang → URL of the page's other-language versions."""
    out: dict[str, str] = {}
    for link in document.find_all("link", rel="alternate"):
        lang = link.get("hreflang")
        href = link.get("href")
        if lang and href and lang != "x-default":
            out[str(lang).split("-")[0].lower()] = urljoin(base, str(href))
    return out


def language(document: BeautifulSoup) -> str | None:
    html = document.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    return str(lang).split("-")[0].lower() if lang else None


def links(node: Tag, base: str) -> list[str]:
    """Absolute http(s) links in a node, in order, each once."""
    out: list[str] = []
    for a in node.find_all("a", href=True):
        url = urljoin(base, str(a["href"])).split("#", 1)[0]
        if url.startswith(("http://", "https://")) and url not in out:
            out.append(url)
    return out


def heading(document: BeautifulSoup) -> str | None:
    """The words of the page's first ``h1`` (a page's own name for itself)."""
    h1 = document.find("h1")
    return clean(h1.get_text(" ")) if isinstance(h1, Tag) else None


def title(document: BeautifulSoup) -> str | None:
    for candidate in (document.find("h1"), document.find("title")):
        if isinstance(candidate, Tag):
            text = " ".join(candidate.get_text().split())
            if text and candidate.name == "title":
                return re.sub(r"\s*[|\u2013-]\s*[^|\u2013-]+$", "", text)
            if text:
                return text
    return None
