"""A document as a flat sequence of blocks: headings, paragraphs, list items.

Every extractor reads the same structure whether the document came as HTML (a
gov.scot page, a WordPress post's content, a Discourse post) or as plain text
(an imported file, PDF text, a seed). HTML keeps its heading levels; a
paragraph that is all bold is a heading below ``h6``; ``<br>`` lines, list
items wrapping ``<p>``, table rows and ``<dt>``/``<dd>`` pairs become items or
lines. In plain text a short line without a full stop is a heading, bulleted
and numbered lines are items, and a paragraph that starts in lower case
continues the one before it (a sentence split by a page break).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag, XMLParsedAsHTMLWarning

BlockKind = Literal["heading", "para", "item"]

#: Level given to a paragraph that is all bold, and to headings of plain text
PSEUDO_HEADING = 7
TEXT_HEADING = 3

_HTML = re.compile(r"<\s*(?:html|body|p|div|h[1-6]|ul|ol|li|br|table|span|strong|a)\b", re.I)
_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "button", "input",
         "select", "textarea", "head", "iframe", "img", "picture", "video", "audio", "form-hidden"}
_BLOCK_CONTAINERS = {"div", "section", "article", "main", "body", "html", "header", "aside", "form",
                     "blockquote", "figure", "figcaption", "center", "details", "summary", "dl",
                     "tbody", "thead", "tfoot", "table"}
_BULLET = re.compile(r"^\s*(?:[•·●▪◦○‣∙*]|[-–—](?=\s))\s*")
_DASH_BULLET = re.compile(r"^\s*[-–—]\s+")
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[ivxlc]{1,5}|[a-z])[.)]\s+(?=\S)", re.I)


@dataclass
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # heading level (1-6, PSEUDO_HEADING); list depth of an item
    lines: list[str] = field(default_factory=list)  # <br>-separated lines of a paragraph

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = [self.text]

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"


@dataclass
class Doc:
    """A parsed document: its blocks and the title it gives itself."""

    blocks: list[Block]
    title: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    def headings(self) -> Iterator[tuple[int, Block]]:
        for i, block in enumerate(self.blocks):
            if block.is_heading:
                yield i, block

    def section(self, index: int) -> list[Block]:
        """The blocks under the heading at ``index``, up to the next heading of
        the same or a higher rank."""
        head = self.blocks[index]
        out: list[Block] = []
        for block in self.blocks[index + 1:]:
            if block.is_heading and block.level <= head.level:
                break
            out.append(block)
        return out

    def body_until_heading(self, index: int) -> list[Block]:
        """The non-heading blocks right after ``index``, up to any heading."""
        out: list[Block] = []
        for block in self.blocks[index + 1:]:
            if block.is_heading:
                break
            out.append(block)
        return out


def clean(text: str) -> str:
    """Whitespace collapsed, non-breaking and zero-width spaces removed."""
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip()


def looks_like_html(text: str) -> bool:
    return bool(_HTML.search(text[:5000]))


def parse(text_or_html: str | Doc) -> Doc:
    """Blocks of an HTML document or fragment, or of plain text."""
    if isinstance(text_or_html, Doc):
        return text_or_html
    if isinstance(text_or_html, bytes):
        raise TypeError("extractors read text: decode the document's bytes first (its charset is known "
                        "to whoever fetched or opened it)")
    if not isinstance(text_or_html, str):
        raise TypeError(f"extractors read a document's text or HTML, not {type(text_or_html).__name__}")
    if looks_like_html(text_or_html):
        return parse_html(text_or_html)
    return parse_text(text_or_html)


# ------------------------------------------------------------------------- HTML


def parse_html(html: str) -> Doc:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    title_tag = soup.find("title")
    title = clean(title_tag.get_text(" ")) if title_tag else None
    main = soup.find("main")
    root: Tag = main if isinstance(main, Tag) else soup.body or soup
    blocks: list[Block] = []
    _walk(root, blocks, depth=0)
    h1 = next((b for b in blocks if b.is_heading and b.level == 1), None)
    return Doc(blocks=blocks, title=(h1.text if h1 else None) or title or None)


def _inline_text(el: Tag, skip_lists: bool = False) -> tuple[str, list[str]]:
    """The text of an element with ``<br>`` as line breaks; nested lists left out
    when ``skip_lists``."""
    parts: list[str] = []

    def visit(node: PageElement) -> None:
        if isinstance(node, NavigableString):
            if type(node).__name__ in ("Comment", "Declaration", "ProcessingInstruction", "Doctype"):
                return
            parts.append(str(node))
            return
        if not isinstance(node, Tag) or node.name in _SKIP:
            return
        if node.name == "br":
            parts.append("\n")
            return
        if skip_lists and node.name in ("ul", "ol"):
            return
        if node.name in ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6") and parts:
            parts.append("\n")
        if node.name in ("td", "th") and parts:
            parts.append(", ")
        for child in node.children:
            visit(child)

    for child in el.children:
        visit(child)
    raw = "".join(parts)
    lines = [clean(line) for line in raw.split("\n")]
    lines = [line for line in lines if line]
    return " ".join(lines), lines


def _all_bold(el: Tag) -> bool:
    text = clean(el.get_text(" "))
    if not text or len(text) > 150:
        return False
    bold = "".join(clean(b.get_text(" ")) for b in el.find_all(["strong", "b"]))
    return bool(bold) and len(bold.replace(" ", "")) >= len(text.replace(" ", "")) - 1


def _walk(el: Tag, blocks: list[Block], depth: int) -> None:
    for child in el.children:
        if isinstance(child, NavigableString):
            if type(child).__name__ != "NavigableString":
                continue
            text = clean(str(child))
            if text and el.name in _BLOCK_CONTAINERS:
                blocks.append(Block("para", text))
            continue
        if not isinstance(child, Tag) or child.name in _SKIP:
            continue
        name = child.name
        if name and re.fullmatch(r"h[1-6]", name):
            text, _ = _inline_text(child)
            if text:
                blocks.append(Block("heading", text, level=int(name[1])))
        elif name == "p":
            text, lines = _inline_text(child)
            if not text:
                continue
            if _all_bold(child) and len(lines) == 1:
                blocks.append(Block("heading", text, level=PSEUDO_HEADING))
            else:
                blocks.append(Block("para", text, lines=lines))
        elif name in ("ul", "ol"):
            _walk(child, blocks, depth + 1)
        elif name == "li":
            text, lines = _inline_text(child, skip_lists=True)
            if text:
                blocks.append(Block("item", text, level=max(depth, 1), lines=lines))
            for sub in child.find_all(["ul", "ol"], recursive=False):
                _walk(sub, blocks, depth + 1)
            # lists nested inside a <p> or <div> of the item
            for wrapper in child.find_all(["div", "p"], recursive=False):
                for sub in wrapper.find_all(["ul", "ol"], recursive=False):
                    _walk(sub, blocks, depth + 1)
        elif name == "tr":
            cells = [clean(c.get_text(" ")) for c in child.find_all(["td", "th"], recursive=False)]
            cells = [c for c in cells if c]
            if cells and not all(c.name == "th" for c in child.find_all(["td", "th"], recursive=False)):
                blocks.append(Block("item", ", ".join(cells), level=max(depth, 1)))
        elif name == "dt":
            key = clean(child.get_text(" "))
            dd = child.find_next_sibling("dd")
            value = clean(dd.get_text(" ")) if dd else ""
            if key or value:
                blocks.append(Block("para", f"{key}: {value}" if key and value else key or value))
        elif name == "dd":
            continue  # read with its <dt>
        elif name in _BLOCK_CONTAINERS or name in ("table",):
            _walk(child, blocks, depth)
        else:
            # an inline element directly in a container: a paragraph of its own
            text, lines = _inline_text(child)
            if text and el.name in _BLOCK_CONTAINERS:
                if any(t.name in ("p", "ul", "ol", "h2", "h3", "h4", "table", "div") for t in
                       child.find_all(True)):
                    _walk(child, blocks, depth)
                else:
                    blocks.append(Block("para", text, lines=lines))


# ------------------------------------------------------------------------- text


def _is_text_heading(line: str) -> bool:
    if len(line) > 120 or len(line.split()) > 16:
        return False
    if re.search(r"[.;,]$", line) and not re.search(r"\b(?:Dr|Mr|Ms|Mrs|St|etc)\.$", line):
        return False
    first = line.lstrip("\"'“‘([")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def _heads_lines(line: str, first: bool) -> bool:
    """A line of a paragraph of several lines that is a heading of its own."""
    if len(line) > 80:
        return False
    if line.endswith(":"):
        return _is_text_heading(line[:-1])
    letters = re.sub(r"[^A-Za-z]", "", line)
    if len(letters) >= 4 and letters.isupper():
        return True
    numbering = _NUMBERED.match(line)
    if numbering and len(line) <= 60 and _is_text_heading(line[numbering.end():]):
        return True
    return first and len(line) <= 50 and len(line.split()) <= 8 and _is_text_heading(line) \
        and not re.search(r"\b(?:the|a|of|and|to|in|for|with|on|at|by)$", line, re.I)


def parse_text(text: str) -> Doc:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        if not raw.strip():
            if current:
                paragraphs.append(current)
                current = []
            continue
        current.append(raw.rstrip())
    if current:
        paragraphs.append(current)

    blocks: list[Block] = []
    for para in paragraphs:
        # a paragraph of several lines: bullets and numbered lines are items of
        # their own; other lines join the line before (hard-wrapped text)
        pending: list[str] = []
        pending_indent = 0

        def flush(kind: BlockKind = "para", level: int = 0) -> None:
            nonlocal pending
            if pending:
                joined = clean(" ".join(pending))
                blocks.append(Block(kind, joined, level=level, lines=[clean(p) for p in pending]))
            pending = []

        for line in para:
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            bullet = _BULLET.match(stripped)
            if bullet:
                flush()
                depth = 2 if _DASH_BULLET.match(stripped) or indent >= 4 else 1
                if stripped[0] in "•·●▪" and indent < 4:
                    depth = 1
                item = clean(stripped[bullet.end():])
                if item:
                    blocks.append(Block("item", item, level=depth))
                continue
            if len(para) > 1 and _heads_lines(stripped, first=not pending and line is para[0]):
                # "Present:", "1. Welcome", "OPEN GOVERNMENT NETWORK" over the lines it heads
                flush()
                blocks.append(Block("heading", stripped, level=TEXT_HEADING + 1))
                continue
            if pending and (pending_indent != indent and _NUMBERED.match(stripped)):
                flush()
            if not pending:
                pending_indent = indent
            pending.append(stripped)
        if pending:
            joined = clean(" ".join(pending))
            numbering = _NUMBERED.match(joined)
            unnumbered = joined[numbering.end():] if numbering else joined
            if len(pending) == 1 and _is_text_heading(unnumbered):
                blocks.append(Block("heading", joined, level=TEXT_HEADING))
                pending = []
            elif (blocks and blocks[-1].kind == "para" and joined[:1].islower()
                  and not numbering):
                prev = blocks[-1]
                prev.text = clean(f"{prev.text} {joined}")
                prev.lines = [prev.text]
                pending = []
            else:
                flush()
    # the title: the first heading that is not a label ("Date: 11 Oct 2013")
    first_heading = next((b for b in blocks if b.is_heading and not _LABEL_LINE.match(b.text)), None)
    return Doc(blocks=blocks, title=first_heading.text if first_heading else None)


_LABEL_LINE = re.compile(r"^\s*(?:date|published|posted|updated|last updated|by|author|when|where)\s*:", re.I)


# -------------------------------------------------------------------- sentences

_ABBREVIATIONS = r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\be\.g)(?<!\bi\.e)(?<!\bNo)(?<!\bvs)"
_SENTENCE_END = re.compile(_ABBREVIATIONS + r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (a simple splitter that knows titles like Dr.)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
