"""Entities of the graph as plain JSON objects with stable field names.

Used by ``ogh entities``, the search index and the web pages' JSON, so that
all three agree. Every object has ``iri``, ``kind``, ``title``,
``jurisdiction`` (``uk``, ``scotland``, ``wales``, ``northern-ireland``,
``glasgow``), ``url`` (the source page) and, where known, ``date`` / ``start`` /
``end`` (ISO 8601), ``identifier``, ``themes`` (theme labels) and ``sources``
(the ids of the sources that state it). Kinds add their own fields: ``plan``
for commitments, ``attendance`` for meetings, and so on.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from hub.store import GraphStore
from hub.terms import as_int
from vocab import DCTERMS, FOAF, GRAPH, ID, OGH, ORG, PREFIXES, PROV, RDFS, SDO, SKOS
from vocab.concepts import theme_labels

KINDS: dict[str, URIRef] = {
    "ActionPlan": OGH.ActionPlan,
    "Commitment": OGH.Commitment,
    "Milestone": OGH.Milestone,
    "Meeting": OGH.Meeting,
    "Document": OGH.Document,
    "Body": OGH.Body,
    "ThemeDecision": OGH.ThemeDecision,
    "TimelineEvent": OGH.TimelineEvent,
    "ThematicGroup": OGH.ThematicGroup,
}

#: Kinds by lower-case and plural aliases, for the command line and URLs.
KIND_ALIASES = {
    **{k.lower(): k for k in KINDS},
    "plan": "ActionPlan", "plans": "ActionPlan", "actionplans": "ActionPlan",
    "commitments": "Commitment", "milestones": "Milestone", "meetings": "Meeting",
    "documents": "Document", "bodies": "Body", "themedecisions": "ThemeDecision",
    "timelineevents": "TimelineEvent", "thematicgroups": "ThematicGroup",
}


def kind_name(text: str) -> str:
    try:
        return KIND_ALIASES[text.replace("-", "").replace("_", "").lower()]
    except KeyError:
        raise ValueError(
            f"unknown kind {text!r}; known kinds: {', '.join(KINDS)}"
        ) from None


def code(iri: Node | str | None) -> str | None:
    """The last path segment of a hub IRI (a jurisdiction's or concept's code)."""
    if iri is None:
        return None
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def source_id(graph: str) -> str | None:
    prefix = f"{GRAPH}source/"
    return graph[len(prefix):] if graph.startswith(prefix) else None


class _Facts:
    """The triples about one subject, by predicate."""

    def __init__(self) -> None:
        self.by_p: dict[Node, list[Node]] = defaultdict(list)

    def add(self, p: Node, o: Node) -> None:
        if o not in self.by_p[p]:
            self.by_p[p].append(o)

    def all(self, p: Node) -> list[Node]:
        return self.by_p.get(p, [])

    def one(self, p: Node) -> Node | None:
        values = self.by_p.get(p)
        return values[0] if values else None

    def text(self, p: Node, lang: str = "en") -> str | None:
        """A literal's text, preferring the language asked for, then no tag."""
        values = [v for v in self.all(p) if isinstance(v, Literal)]
        for v in values:
            if v.language == lang:
                return str(v)
        for v in values:
            if not v.language:
                return str(v)
        return str(values[0]) if values else None

    def texts(self, p: Node) -> dict[str, str]:
        out: dict[str, str] = {}
        for v in self.all(p):
            if isinstance(v, Literal):
                out.setdefault(v.language or "", str(v))
        return out

    def integer(self, p: Node) -> int | None:
        value = self.one(p)
        try:
            return as_int(value)
        except (TypeError, ValueError):
            return None


def _values(iris: list[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def in_list(terms: Iterable[str]) -> str:
    """IRIs for ``FILTER(?p IN (...))``. A filter, not ``VALUES ?p``: joined
    with ``VALUES ?s``, a ``VALUES ?p`` makes Oxigraph read every triple of
    the store for each batch of subjects (batches times the store: most of
    ``ogh index``'s time at 100k entities); the filter is checked on each subject's own triples."""
    return ", ".join(f"<{t}>" for t in terms)


class EntityReader:
    """Reads entities of one kind (or one entity) out of the store."""

    def __init__(self, store: GraphStore, priorities: dict[str, int] | None = None) -> None:
        """``priorities``: source id -> rank (lower first); where sources state
        different titles, descriptions or pages for one entity, the best-ranked
        source's is shown first (see :func:`source_priorities`)."""
        self.store = store
        self.priorities = priorities or {}
        self._themes = theme_labels()

    def _facts(self, subjects_where: str) -> dict[str, _Facts]:
        prefixes = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items())
        rows = self.store.select(
            f"{prefixes}SELECT ?s ?p ?o WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {subjects_where} }} }} "
            "?s ?p ?o }"
        )
        facts: dict[str, _Facts] = defaultdict(_Facts)
        for row in rows:
            facts[str(row["s"])].add(row["p"], row["o"])  # type: ignore[arg-type]
        return facts

    def _sources(self, iris: list[str]) -> dict[str, list[str]]:
        if not iris:
            return {}
        out: dict[str, set[str]] = defaultdict(set)
        for chunk in _chunks(iris, 500):
            rows = self.store.select(
                f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {_values(chunk)} }} "
                f"GRAPH ?g {{ ?s <{PROV.wasDerivedFrom}> ?u }} }}"
            )
            for row in rows:
                sid = source_id(str(row["g"]))
                if sid:
                    out[str(row["s"])].add(sid)
        return {k: sorted(v) for k, v in out.items()}

    def _labels(self, iris: set[str]) -> dict[str, str]:
        """Preferred labels or titles of IRIs an entity points at: English or
        untagged first, then ``skos:prefLabel`` before ``dcterms:title`` before
        ``foaf:name``."""
        if not iris:
            return {}
        order = (SKOS.prefLabel, DCTERMS.title, FOAF.name)
        best: dict[str, tuple[bool, int, str]] = {}
        for chunk in _chunks(sorted(iris), 500):
            rows = self.store.select(
                f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {_values(chunk)} }} ?s ?p ?l "
                f"FILTER(?p IN ({in_list(order)})) }}"
            )
            for row in rows:
                label = row["l"]
                if not isinstance(label, Literal) or row["p"] not in order:
                    continue
                rank = (label.language not in (None, "en"), order.index(row["p"]), str(label))  # type: ignore[arg-type]
                key = str(row["s"])
                if key not in best or rank < best[key]:
                    best[key] = rank
        return {key: rank[2] for key, rank in best.items()}

    def list(self, kind: str, jurisdiction: str | None = None) -> list[dict[str, Any]]:
        cls = KINDS[kind]
        where = f"?s a <{cls}> ."
        if jurisdiction:
            where += f" ?s <{OGH.jurisdiction}> <{ID}jurisdiction/{jurisdiction}> ."
        facts = self._facts(where)
        return self._build(kind, facts)

    def get(self, iri: str) -> dict[str, Any] | None:
        facts = self._facts(f"VALUES ?s {{ <{iri}> }}")
        if iri not in facts:
            return None
        kind = _kind_of(facts[iri])
        return self._build(kind, facts)[0] if kind else None

    # (``builtins.list`` in signatures: in the class, ``list`` is the method above)
    def many(self, iris: Iterable[str]) -> builtins.list[dict[str, Any]]:
        """The entities among ``iris`` (those of a known kind), each under its
        most specific kind, read in batches."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(sorted(set(iris)), 500):
            by_kind: dict[str, dict[str, _Facts]] = defaultdict(dict)
            for iri, f in self._facts(f"VALUES ?s {{ {_values(chunk)} }}").items():
                kind = _kind_of(f)
                if kind:
                    by_kind[kind][iri] = f
            for kind, facts in by_kind.items():
                out.extend(self._build(kind, facts))
        return out

    def _rank_by_source(self, iris: builtins.list[str], facts: dict[str, _Facts]) -> None:
        """Put each entity's titles, descriptions and pages in the order of the
        sources stating them, best-ranked first."""
        ranked = (DCTERMS.title, DCTERMS.description, FOAF.page)
        best: dict[tuple[str, Node, Node], int] = {}
        for chunk in _chunks(iris, 500) if self.priorities else ():
            rows = self.store.select(
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {_values(chunk)} }} "
                f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN ({in_list(ranked)})) }}"
            )
            for row in rows:
                p, o = row["p"], row["o"]
                if p is None or o is None:
                    continue
                rank = self.priorities.get(source_id(str(row["g"])) or "", 50)
                key = (str(row["s"]), p, o)
                best[key] = min(best.get(key, 99), rank)
        for iri in iris:
            f = facts[iri]
            for p in ranked:
                values = f.by_p.get(p)
                if values and len(values) > 1:  # best-ranked source first, then in order
                    values.sort(key=_by_rank(best, iri, p))

    def _build(self, kind: str, facts: dict[str, _Facts]) -> builtins.list[dict[str, Any]]:
        iris = sorted(facts)
        self._rank_by_source(iris, facts)
        sources = self._sources(iris)
        linked: set[str] = set()
        for f in facts.values():
            for p in (OGH.actionPlan, OGH.body, OGH.chair, OGH.lead, OGH.commitment,
                      OGH.recordedIn, DCTERMS.publisher, OGH.leadOrganisation):
                linked.update(str(v) for v in f.all(p) if isinstance(v, URIRef))
        labels = self._labels(linked)
        out = [self._entity(kind, iri, facts[iri], labels) for iri in iris]
        for e in out:
            e["sources"] = sources.get(e["iri"], [])
        out.sort(key=lambda e: (e.get("jurisdiction") or "", e.get("date") or e.get("start") or "",
                                e.get("title") or "", e["iri"]))
        return out

    def _theme_label(self, theme: Node) -> str:
        label = self._themes.get(theme) if isinstance(theme, URIRef) else None
        return label if label is not None else code(theme) or ""

    def _entity(self, kind: str, iri: str, f: _Facts, labels: dict[str, str]) -> dict[str, Any]:
        title = (
            f.text(DCTERMS.title) or f.text(SKOS.prefLabel) or f.text(RDFS.label)
            or f.text(FOAF.name) or f.text(OGH.themeLabel)
        )
        titles = f.texts(DCTERMS.title) or f.texts(SKOS.prefLabel)
        e: dict[str, Any] = {
            "iri": iri,
            "kind": kind,
            "title": title,
            "jurisdiction": code(f.one(OGH.jurisdiction)),
            "url": _best_url(f.all(FOAF.page)),
        }
        if len(titles) > 1:
            e["titles"] = titles
        identifiers = sorted(str(v) for v in f.all(DCTERMS.identifier))
        e["identifier"] = identifiers[0] if identifiers else None
        if len(identifiers) > 1:
            e["identifiers"] = identifiers
        e["themes"] = sorted({self._theme_label(t) for t in f.all(OGH.theme)})
        date = f.one(DCTERMS.date) or f.one(DCTERMS.issued)
        e["date"] = str(date) if date is not None else None
        start, end = f.one(SDO.startDate), f.one(SDO.endDate)
        e["start"] = str(start) if start is not None else None
        e["end"] = str(end) if end is not None else None
        e["description"] = f.text(DCTERMS.description)
        status = f.one(OGH.status)
        e["status"] = code(status) if status is not None else f.text(OGH.statusNote)

        if kind == "ActionPlan":
            e["number"] = f.integer(OGH.number)
            e["published"] = str(f.one(DCTERMS.issued)) if f.one(DCTERMS.issued) else None
            e["publisher"] = labels.get(str(f.one(DCTERMS.publisher)))
        elif kind == "Commitment":
            plan = f.one(OGH.actionPlan)
            e["plan"] = str(plan) if plan is not None else None
            e["plan_title"] = labels.get(str(plan))
            e["number"] = f.integer(OGH.number)
            e["leads"] = [str(v) for v in f.all(OGH.lead)]
            e["ogp_id"] = f.text(OGH.ogpIdentifier)
            e["theme_labels"] = sorted({str(v) for v in f.all(OGH.themeLabel)})
        elif kind == "Milestone":
            commitment = f.one(OGH.commitment)
            e["commitment"] = str(commitment) if commitment is not None else None
            due = f.one(OGH.dueDate)
            e["due"] = str(due) if due is not None else None
        elif kind == "Meeting":
            body = f.one(OGH.body)
            e["body"] = labels.get(str(body)) if body is not None else None
            e["body_iri"] = str(body) if body is not None else None
            e["chairs"] = sorted(labels.get(str(c), code(c) or "") for c in f.all(OGH.chair))
            attendance = {
                "total": f.integer(OGH.attendeesTotal),
                "government": f.integer(OGH.attendeesGovernment),
                "civil_society": f.integer(OGH.attendeesCivilSociety),
                "other": f.integer(OGH.attendeesOther),
                "apologies": f.integer(OGH.apologiesCount),
                "deputies": f.integer(OGH.deputiesCount),
            }
            e["attendance"] = {k: v for k, v in attendance.items() if v is not None}
            e["plans"] = sorted(str(p) for p in f.all(OGH.discusses) if "/commitment/" not in str(p))
            e["commitments"] = sorted(str(p) for p in f.all(OGH.discusses) if "/commitment/" in str(p))
        elif kind == "Document":
            e["doc_type"] = f.text(OGH.documentType)
            e["language"] = sorted({str(v) for v in f.all(DCTERMS.language)})
            e["publisher"] = labels.get(str(f.one(DCTERMS.publisher)))
            e["authors"] = sorted({str(v) for v in f.all(DCTERMS.creator)})
            e["text"] = f.text(OGH.text)
            e["about"] = sorted(str(v) for v in f.all(OGH.about))
            e["modified"] = str(f.one(DCTERMS.modified)) if f.one(DCTERMS.modified) else None
        elif kind == "Body":
            e["alt_names"] = sorted({str(v) for v in f.all(SKOS.altLabel)})
            e["types"] = sorted(code(t) or "" for t in f.all(
                URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")))
            homepage = f.one(FOAF.homepage)
            e["homepage"] = str(homepage) if homepage is not None else None
        elif kind == "ThemeDecision":
            outcome = f.one(OGH.outcome)
            e["theme"] = f.text(RDFS.label) or f.text(OGH.themeLabel)
            e["theme_labels"] = sorted({str(v) for v in f.all(OGH.themeLabel)})
            e["outcome"] = code(outcome) if outcome is not None else None
            plan = f.one(OGH.actionPlan)
            e["plan"] = str(plan) if plan is not None else None
            recorded = [str(v) for v in f.all(OGH.recordedIn)]
            e["meeting"] = next((v for v in recorded if "/meeting/" in v), None)
            e["document"] = next((v for v in recorded if "/document/" in v), None)
        elif kind == "TimelineEvent":
            e["precision"] = f.text(OGH.datePrecision)
            stage = f.one(OGH.stage)
            e["stage"] = code(stage) if stage is not None else None
            plan = f.one(OGH.actionPlan)
            e["plan"] = str(plan) if plan is not None else None
            e["end"] = str(end) if end is not None else None
        elif kind == "ThematicGroup":
            lead = f.one(OGH.lead)
            e["lead"] = labels.get(str(lead)) if lead is not None else None
            e["start"] = str(start) if start is not None else None
            plan = f.one(OGH.actionPlan)
            e["plan"] = str(plan) if plan is not None else None
        if kind in ("Body", "ThematicGroup") and e["title"] is None:
            e["title"] = f.text(ORG.role)
        return e

    def iter_all(self, kinds: builtins.list[str] | None = None) -> Iterator[dict[str, Any]]:
        for kind in kinds or list(KINDS):
            yield from self.list(kind)


def _by_rank(best: dict[tuple[str, Node, Node], int], iri: str,
             p: Node) -> Callable[[Node], tuple[int, str]]:
    """The sort key of one subject's values of ``p``: the rank of the best
    source stating each, then the value."""
    return lambda o: (best.get((iri, p, o), 99), str(o))


def _kind_of(f: _Facts) -> str | None:
    """The most specific kind of a subject (the last of :data:`KINDS` it has)."""
    types = f.all(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
    for kind, cls in reversed(KINDS.items()):
        if cls in types:
            return kind
    return None


def _best_url(pages: list[Node]) -> str | None:
    """The page a person would open: a web page over an API address, in the
    order the pages come (best-ranked source first)."""
    urls = [str(p) for p in pages if str(p).startswith(("http://", "https://"))]
    if not urls:
        return None

    def rank(item: tuple[int, str]) -> tuple[int, int, int]:
        order, u = item
        api = "/api/" in u or "/wp-json/" in u or u.endswith((".json", ".rss", ".xml", ".csv"))
        return (1 if api else 0, 0 if u.startswith("https://") else 1, order)

    return sorted(enumerate(urls), key=rank)[0][1]


def source_priorities(config: Any) -> dict[str, int]:
    """Each configured source's rank (its ``priority`` option; 5 when unset):
    the publisher's own site before the networks and aggregators."""
    return {s.id: int(s.options.get("priority", 5)) for s in config.sources.values()}


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
