"""XML from outside, read without letting it expand or reach out.

An XML document may declare entities in its DOCTYPE: nested ones expand
exponentially ("billion laughs"), and ``SYSTEM`` ones name a file or a URL the
parser would read (XXE). No feed, sitemap or RDF/XML file the hub reads needs
either, so any entity declaration is refused before the document reaches its
parser: feeds (feedparser), sitemaps (ElementTree through defusedxml) and
RDF/XML loaded into the store (pyoxigraph, which expands internal entities
without a bound). A DOCTYPE that only names an external DTD (old RSS 0.91
feeds do) is allowed: no parser here fetches it.

Only the prolog is read for the check (declarations come before the root
element), so a large RDF/XML file is not read twice.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import IO, Any
from xml.parsers import expat

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

CHUNK = 65536
_ENTITY = re.compile(rb"<!\s*ENTITY\s+(%\s*)?([^\s>]+)")


class UnsafeXML(ValueError):
    """An XML document that declares entities; refused unread."""


class _RootReached(Exception):
    pass


def _refuse(name: str, system_id: str | None, parameter: bool = False) -> UnsafeXML:
    what = "a parameter entity" if parameter else "an entity"
    where = f" (SYSTEM {system_id!r}: an external entity reads a file or URL)" if system_id else ""
    return UnsafeXML(f"the XML declares {what} {name!r}{where}; entity declarations are refused "
                     "(they can expand without bound or read local files)")


class _Prolog:
    """Feeds an expat parser until the root element starts."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.EntityDeclHandler = self._entity
        self.parser.UnparsedEntityDeclHandler = self._unparsed
        self.parser.ExternalEntityRefHandler = self._external
        self.parser.StartElementHandler = self._start
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.seen = bytearray()  # what was fed, for the fallback check after a syntax error
        self.done = False

    def _entity(self, name: str, is_parameter: int, value: Any, base: Any, system_id: str | None,
                public_id: Any, notation: Any) -> None:
        raise _refuse(name, system_id, bool(is_parameter))

    def _unparsed(self, name: str, base: Any, system_id: str | None, public_id: Any, notation: Any) -> None:
        raise _refuse(name, system_id)

    def _external(self, context: Any, base: Any, system_id: str | None, public_id: Any) -> int:
        raise UnsafeXML(f"the XML refers to an external entity ({system_id!r}); refused")

    def _start(self, *args: Any) -> None:
        raise _RootReached

    def feed(self, data: bytes, final: bool = False) -> None:
        """Raises :class:`UnsafeXML`; sets ``done`` once the verdict is known."""
        if self.done:
            return
        if len(self.seen) < 4 * CHUNK:
            self.seen += data
        try:
            self.parser.Parse(data, final)
        except _RootReached:
            self.done = True
        except expat.ExpatError:
            # Not well-formed (an HTML page served as a feed, an encoding expat
            # does not know...): the document's own parser will say so. A
            # declaration hidden behind the error is still refused.
            self.done = True
            found = _ENTITY.search(bytes(self.seen))
            if found:
                raise _refuse(found.group(2).decode("ascii", "replace"), None,
                              bool(found.group(1))) from None
        if final:
            self.done = True


def check(data: bytes) -> None:
    """Raise :class:`UnsafeXML` if the document declares entities."""
    prolog = _Prolog()
    for start in range(0, max(len(data), 1), CHUNK):
        prolog.feed(data[start:start + CHUNK], final=start + CHUNK >= len(data))
        if prolog.done:
            return


class _Replayed(io.RawIOBase):
    """The bytes read for the check, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def checked_stream(stream: IO[bytes]) -> IO[bytes]:
    """Check a stream's prolog and give back a stream of the whole document."""
    prolog = _Prolog()
    head = bytearray()
    while not prolog.done:
        chunk = stream.read(CHUNK)
        head += chunk
        prolog.feed(chunk, final=not chunk)
    return io.BufferedReader(_Replayed(bytes(head), stream))


def fromstring(data: bytes) -> ET.Element:
    """An XML document as an ElementTree element, entity declarations refused."""
    check(data)
    try:
        return defused.fromstring(data)
    except DefusedXmlException as exc:  # what the prolog check cannot see
        raise UnsafeXML(f"the XML was refused: {exc}") from None


def feed(data: bytes) -> Any:
    """An RSS or Atom body through feedparser; raises ValueError on entity
    declarations, malformed XML or a body that is no feed."""
    import feedparser

    check(data)
    # A stream, never the bytes: feedparser opens bytes that name a file
    # (a body of "/etc/passwd" would be read from this machine's disk).
    parsed = feedparser.parse(io.BytesIO(data))
    problem = parsed.get("bozo_exception")
    if problem is not None and "SAX" in type(problem).__name__:
        raise ValueError(f"malformed XML: {problem}")
    if not parsed.get("version"):
        raise ValueError("not an RSS or Atom feed")
    return parsed
