"""Documents imported by hand: plain text, HTML and PDF files.

Each file becomes a :class:`~harvesters.records.Document` whose URL is
``urn:sha256:<digest of its bytes>``, so that importing the same file again
lands on the same entity and changes nothing. A file that cannot be read
(unreadable, not text, a corrupt or encrypted PDF, an empty file) raises
:class:`ImportFileError` saying which file and why, before anything of it is
stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from harvesters import html
from harvesters.records import Document

MAX_BYTES = 50_000_000


class ImportFileError(ValueError):
    """A file that cannot be imported; the message names it and says why."""


@dataclass
class FileText:
    kind: str  # text, html, pdf
    title: str | None
    text: str
    language: str | None = None
    published: str | None = None
    html: str | None = None  # the markup, for extraction that reads headings and lists


def file_url(data: bytes) -> str:
    return "urn:sha256:" + hashlib.sha256(data).hexdigest()


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError(f"{path}: not a text file (it holds binary data)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"{path}: not text in UTF-8 or Windows-1252")


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line[:300]
    return None


def read_pdf(path: Path, data: bytes) -> FileText:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ImportFileError(f"{path}: the PDF is encrypted; decrypt it before importing")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = str(info.title).strip() if info is not None and info.title else None
    except ImportFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ImportFileError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise ImportFileError(f"{path}: the PDF has no extractable text (a scan? run OCR first)")
    return FileText(kind="pdf", title=title or _first_line(text), text=text)


def read_html(path: Path, data: bytes) -> FileText:
    try:
        document = html.soup(_decode(path, data))
    except ValueError as exc:
        raise ImportFileError(f"{path}: not readable HTML ({exc})") from None
    markup = _decode(path, data)
    meta = html.meta(document)
    main = document.find("main") or document.find("article") or document.body or document
    text = html.text_of(main)
    if not text:
        raise ImportFileError(f"{path}: the HTML has no text")
    date = meta.get("dc.date") or meta.get("article:published_time") or meta.get("dcterms.created")
    return FileText(kind="html", title=meta.get("dc.title") or html.title(document), text=text,
                    language=html.language(document), published=date[:10] if date else None,
                    html=markup)


def read_file(path: Path) -> tuple[bytes, FileText]:
    """The bytes and the text of a file to import."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(f"{path}: {size} bytes is over the limit of {MAX_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise ImportFileError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        return data, read_pdf(path, data)
    if suffix in (".html", ".htm", ".xhtml") or head.startswith((b"<!doctype html", b"<html")):
        return data, read_html(path, data)
    text = _decode(path, data)
    if not text.strip():
        raise ImportFileError(f"{path}: the file has no text")
    return data, FileText(kind="text", title=_first_line(text), text=text)


def document_record(
    path: Path,
    data: bytes,
    content: FileText,
    jurisdiction: str | None = None,
    publisher: str | None = None,
) -> Document:
    # The file's modification time stands for "when it was fetched": the same
    # file imported twice gives the same provenance.
    fetched_at = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.UTC)
    url = file_url(data)
    return Document(
        source_url=url,
        fetched_at=fetched_at,
        url=url,
        title=content.title,
        text=content.text,
        doc_type=f"imported-{content.kind}",
        jurisdiction=jurisdiction,
        publisher=publisher,
        published=content.published,
        language=content.language or "en",
    )
