"""Hostile XML: entity expansion and external entities, for each kind of XML
document the hub reads (RSS, Atom, sitemap, XHTML page, RDF/XML)."""

from __future__ import annotations

from pathlib import Path

#: The document kinds, each a body with ``{ref}`` where the hostile entity is used
#: and ``{root}`` the root element's name for the DOCTYPE.
DOCUMENTS = {
    "rss": ("rss", '<rss version="2.0"><channel><title>{ref}</title>'
            "<link>https://opengovernment.org.uk/</link><description>{ref}</description>"
            "<item><title>{ref}</title><link>https://opengovernment.org.uk/x/</link>"
            "<description>{ref}</description></item></channel></rss>"),
    "atom": ("feed", '<feed xmlns="http://www.w3.org/2005/Atom"><title>{ref}</title><id>urn:x</id>'
             "<updated>2024-01-01T00:00:00Z</updated><entry><title>{ref}</title>"
             '<link href="https://www.gov.uk/government/publications/x"/><id>urn:y</id>'
             "<updated>2024-01-01T00:00:00Z</updated><summary>{ref}</summary></entry></feed>"),
    "sitemap": ("urlset", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
                "<loc>https://www.gov.scot/publications/open-government-{ref}/</loc></url></urlset>"),
    "xhtml": ("html", '<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>{ref}</title>'
              "</head><body><main><h1>{ref}</h1><p>{ref}</p></main></body></html>"),
    "rdfxml": ("rdf:RDF", '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns:ex="https://example.org/"><rdf:Description rdf:about="https://example.org/a">'
               "<ex:p>{ref}</ex:p></rdf:Description></rdf:RDF>"),
}

#: The attacks.
ATTACKS = ("billion-laughs", "quadratic-blowup", "external-file", "external-http",
           "external-parameter", "external-dtd")


def payload(document: str, attack: str, marker: Path, listener: str) -> bytes:
    """A document of kind ``document`` carrying ``attack``; the external ones
    point at ``marker`` (a file) or ``listener`` (a loopback URL that counts)."""
    root, body = DOCUMENTS[document]
    ref = "&e;"
    if attack == "billion-laughs":
        levels = ['<!ENTITY l0 "lol">'] + [
            f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
        prolog = f"<!DOCTYPE {root} [{''.join(levels)}<!ENTITY e \"{'&l9;' * 10}\">]>"
    elif attack == "quadratic-blowup":
        prolog = f'<!DOCTYPE {root} [<!ENTITY e "{"A" * 50_000}">]>'
        ref = "&e;" * 5_000
    elif attack == "external-file":
        prolog = f'<!DOCTYPE {root} [<!ENTITY e SYSTEM "{marker.as_uri()}">]>'
    elif attack == "external-http":
        prolog = f'<!DOCTYPE {root} [<!ENTITY e SYSTEM "{listener}/entity">]>'
    elif attack == "external-parameter":
        prolog = f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{listener}/parameter.dtd"> %p;]>'
    elif attack == "external-dtd":
        # Only an external DTD, no declaration: accepted, never fetched.
        prolog = f'<!DOCTYPE {root} SYSTEM "{listener}/external.dtd">'
        ref = "safe text"
    else:
        raise ValueError(attack)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + prolog + "\n"
            + body.replace("{ref}", ref)).encode("utf-8")
