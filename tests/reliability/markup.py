"""Markup, script and ``javascript:`` links planted in what the hub harvests
and imports, and the checks that none of it reaches a page as live markup."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from harvesters.replay import Fault, ReplayServer
from hub.importer import import_files
from hub.index import rebuild
from hub.settings import Config, load_config
from hub.store import open_store
from tests.conftest import CORPUS
from tests.reliability.helpers import harvest
from vocab import DCTERMS, FOAF, GRAPH, ID, OGH, PROV, RDFS

#: A word that finds every planted text in search.
MARK = "Quillbright"
SCRIPT = f"<script>window.__ogh_xss=1</script>{MARK} hostile"
TITLE = (f'{MARK} plan <script>window.__ogh_xss=1</script><img src=x onerror="window.__ogh_xss=2">'
         f'"><svg onload=window.__ogh_xss=3> & </title>')
LINKS = [
    "javascript:window.__ogh_xss=4", " JaVaScRiPt:window.__ogh_xss=5", "java\tscript:window.__ogh_xss=6",
    "data:text/html,<script>window.__ogh_xss=7</script>", "vbscript:msgbox(8)",
]
BODY = (f"<p>{MARK} body text <b onmouseover=\"window.__ogh_xss=9\">bold</b> "
        f"<iframe src=\"javascript:window.__ogh_xss=10\"></iframe> {SCRIPT}</p>"
        + "".join(f'<p><a href="{href}">{MARK} link {n}</a></p>' for n, href in enumerate(LINKS)))

GOVUK_DOC = ("https://www.gov.uk/api/content/government/publications/uk-national-action-plan-for-open-"
             "government-2024-2025/uk-national-action-plan-for-open-government-2024-2025")
NI_PAGE = "https://www.finance-ni.gov.uk/topics/transparency-and-open-government"


def _govuk_body() -> bytes:
    manifest = json.loads((CORPUS / "govuk" / "manifest.json").read_text())
    file = next(r["file"] for r in manifest["responses"] if r["url"] == GOVUK_DOC)
    data = json.loads((CORPUS / "govuk" / file).read_text())
    data["title"] = TITLE
    data["description"] = f"{MARK} description {SCRIPT}"
    data["details"]["body"] = BODY + data["details"]["body"]
    return json.dumps(data).encode()


def _ni_body() -> bytes:
    html = (CORPUS / "ni" / "topics" / "transparency-and-open-government.html").read_text()
    html = re.sub(r"<title>.*?</title>", f"<title>{TITLE.replace('</title>', '')}</title>", html)
    html = html.replace('<link rel="canonical" href="https://www.finance-ni.gov.uk/topics/transparency-and-'
                        'open-government" />', f'<link rel="canonical" href="{LINKS[0]}" />')
    html = re.sub(r'<h1 class="page-title">.*?</h1>', f'<h1 class="page-title">{TITLE}</h1>', html)
    return html.replace("<h2>", BODY + "<h2>", 1).encode()


def build_hostile_hub(data: Path, replay: ReplayServer, files: Path) -> Config:
    config = load_config(overrides={"hub.data_dir": str(data), "http.min_interval": 0.0})
    replay.clear_faults()
    replay.inject(GOVUK_DOC, Fault("body", body=_govuk_body(), content_type="application/json"))
    replay.inject(NI_PAGE, Fault("body", body=_ni_body(), content_type="text/html; charset=utf-8"))
    try:
        for source in ("govuk", "ni", "ukogn-forum"):
            result = harvest(config, replay, source)
            assert result.outcome == "succeeded", (source, result.reason)
    finally:
        replay.clear_faults()
    page = files / "hostile.html"
    page.write_text(f"<html lang='en'><head><title>{TITLE.replace('</title>', '')}</title></head>"
                    f"<body><main><h1>{TITLE}</h1>{BODY}</main></body></html>")
    report = import_files(config, [page], jurisdiction="uk")
    assert report["imported"] and not report["failed"], report
    # RDF loaded as it stands (``ogh load``): IRIs of other schemes as pages and values.
    with open_store(config, write=True) as writer:
        writer.load(_loaded_trig().encode(), "trig")
    with open_store(config) as reader:
        rebuild(config, reader)
    return config


def _loaded_trig() -> str:
    def literal(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    doc = f"<{ID}document/planted-by-load>"
    return f"""
    <{GRAPH}source/loaded> {{
      {doc} a <{OGH.Document}> ;
        <{DCTERMS.title}> {literal(TITLE)} ;
        <{OGH.text}> {literal(BODY)} ;
        <{OGH.jurisdiction}> <{ID}jurisdiction/uk> ;
        <{FOAF.page}> <javascript:window.__ogh_xss=11> ;
        <{PROV.wasDerivedFrom}> <data:text/html,%3Cscript%3Ewindow.__ogh_xss=12%3C/script%3E> ;
        <{RDFS.seeAlso}> <javascript:window.__ogh_xss=13> , <vbscript:msgbox(14)> .
    }}"""


#: Attributes that hold a URL.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "xlink:href", "srcset")


def live_markup(html: str) -> list[str]:
    """What in a page could run planted script: inline script, event
    handlers, frames and objects, links to other schemes than http(s)."""
    problems = []
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        if tag.name == "script" and (tag.string or "").strip():
            problems.append(f"inline script: {str(tag)[:80]}")
        if tag.name == "script" and not str(tag.get("src", "")).startswith("/"):
            problems.append(f"script from elsewhere: {str(tag)[:80]}")
        if tag.name in ("iframe", "frame", "object", "embed", "base"):
            problems.append(f"<{tag.name}>: {str(tag)[:80]}")
        if tag.name == "meta" and str(tag.get("http-equiv", "")).lower() == "refresh":
            problems.append(f"meta refresh: {str(tag)[:80]}")
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"event handler {name} on <{tag.name}>")
            if name.lower() in URL_ATTRIBUTES:
                url = " ".join(value) if isinstance(value, list) else str(value)
                scheme = urlsplit(url.strip().replace("\t", "").replace("\n", "")).scheme.lower()
                if scheme not in ("", "http", "https", "mailto"):
                    problems.append(f"{name}={url[:60]!r} on <{tag.name}>")
    if "__ogh_xss" in html and re.search(r"<(script|img|svg|iframe)[^>]*__ogh_xss", html):
        problems.append("planted markup left raw")
    return problems
