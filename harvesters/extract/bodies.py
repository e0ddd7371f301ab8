"""Bodies named in text, matched against the body register (``vocab/bodies.ttl``).

"MSF", "Multistakeholder Forum" and "UK Open Government Multi-Stakeholder
Forum" all name the UK Multi-Stakeholder Forum; a match gives the register's
preferred label, the body's jurisdiction and its kind (forum, steering group,
network, committee, organisation), so a meeting's body is named the same way
whichever page records it. Acronyms match only in capitals; other labels
ignore case, and hyphens and spaces between words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import ORG, RDF, SKOS

from vocab import BODIES, OGH

KINDS = {
    OGH.MultiStakeholderForum: "forum",
    OGH.SteeringGroup: "steering-group",
    OGH.CivilSocietyNetwork: "network",
    OGH.Secretariat: "secretariat",
    OGH.ThematicGroup: "thematic-group",
    OGH.Committee: "committee",
    ORG.Organization: "organisation",
}
#: Kinds of body that hold meetings with minutes
MEETING_KINDS = ("forum", "steering-group", "committee", "network", "thematic-group")


@dataclass(frozen=True)
class KnownBody:
    iri: str
    name: str  # the register's preferred English label
    jurisdiction: str
    kind: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class BodyMention:
    start: int
    end: int
    text: str
    body: KnownBody


def _label_pattern(label: str) -> re.Pattern[str]:
    words = re.findall(r"[^\W_]+(?:[’'][^\W_]+)?", label)
    if re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]+", label.replace(" ", "")) and len(words) <= 2:
        # an acronym (MSF, UK OGN, NIOGN, DoF): as written
        sep = r"[\s\-]+"
        return re.compile(r"(?<![\w-])" + sep.join(re.escape(w) for w in words) + r"(?![\w-])")
    words = [w for w in words if w.lower() != "and"]
    sep = r"(?:[\s\-–‐&,.]|\band\b)*"
    return re.compile(r"(?<![\w-])" + sep.join(re.escape(w) for w in words) + r"(?![\w-])", re.I)


@cache
def known_bodies() -> tuple[KnownBody, ...]:
    graph = Graph().parse(BODIES, format="turtle")
    out: list[KnownBody] = []
    subjects = sorted(s for s in set(graph.subjects(OGH.jurisdiction, None)) if isinstance(s, URIRef))
    for subject in subjects:
        jurisdiction = str(graph.value(subject, OGH.jurisdiction)).rsplit("/", 1)[-1]
        kinds = [KINDS[t] for t in graph.objects(subject, RDF.type) if isinstance(t, URIRef) and t in KINDS]
        kind = next((k for k in kinds if k != "organisation"), kinds[0] if kinds else "organisation")
        pref = [str(x) for x in graph.objects(subject, SKOS.prefLabel)
                if getattr(x, "language", None) in (None, "en")]
        alts = [str(x) for x in graph.objects(subject, SKOS.altLabel)]
        others = [str(x) for x in graph.objects(subject, SKOS.prefLabel) if str(x) not in pref]
        name = pref[0] if pref else (alts[0] if alts else str(subject))
        out.append(KnownBody(str(subject), name, jurisdiction, kind, tuple([*pref, *alts, *others])))
    return tuple(out)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], KnownBody], ...]:
    pairs = [(_label_pattern(label), body) for body in known_bodies() for label in body.labels]
    return tuple(pairs)


def find_bodies(text: str) -> list[BodyMention]:
    """Every registered body named in ``text``; where names overlap, the
    longest wins ("UK Open Government Civil Society Network", not "Civil
    Society Network")."""
    found: list[BodyMention] = []
    for rx, body in _patterns():
        for m in rx.finditer(text):
            found.append(BodyMention(m.start(), m.end(), m.group(), body))
    found.sort(key=lambda b: (b.start, -(b.end - b.start)))
    out: list[BodyMention] = []
    for mention in found:
        if any(mention.start < o.end and o.start < mention.end for o in out):
            continue
        out.append(mention)
    return out


def meeting_body(title: str | None, text: str, jurisdiction: str | None = None) -> KnownBody | None:
    """The body whose meeting a document records: a meeting body named in the
    title, else the first one named in the text (the jurisdiction's own
    first)."""
    for source in (title or "", text[:3000], text):
        mentions = [m for m in find_bodies(source) if m.body.kind in MEETING_KINDS]
        if not mentions:
            continue
        if jurisdiction:
            local = [m for m in mentions if m.body.jurisdiction == jurisdiction]
            mentions = local or mentions
        return mentions[0].body
    return None


def bodies_jurisdiction(text: str) -> str | None:
    """The jurisdiction most of the registered bodies named in a text belong to."""
    counts: dict[str, int] = {}
    for m in find_bodies(text):
        counts[m.body.jurisdiction] = counts.get(m.body.jurisdiction, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
