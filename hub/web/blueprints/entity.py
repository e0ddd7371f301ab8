"""``/id/<path>``: the page of every entity, and its linked data.

Each IRI ``https://w3id.org/ogh/id/<path>`` is served here as HTML, as the
hub's JSON (the same object ``ogh entities`` prints, with links, provenance
and every statement), and as RDF by content negotiation (see
:mod:`hub.web.linked`). Every response varies on ``Accept``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request
from rdflib import Literal, URIRef

from hub.entities import KINDS, EntityReader, code, source_id, source_priorities
from hub.index import JURISDICTION_LABELS, KIND_LABELS, KIND_PLURALS
from hub.web import linked, resources
from hub.web.blueprints.search import entity_path
from hub.web.site import safe_url, site_path
from vocab import DCTERMS, DEF, FOAF, ID, OGH, PROV, RDF, RDFS, SKOS

bp = Blueprint("entity", __name__)

#: Headings of the links between entities: (direction, predicate local name,
#: kind of the other entity or "*") → heading. "in" means the other entity
#: points at this one.
LINK_HEADINGS: dict[tuple[str, str, str], str] = {
    ("in", "actionPlan", "Commitment"): "Commitments in this plan",
    ("in", "actionPlan", "ThemeDecision"): "Theme decisions for this plan",
    ("in", "actionPlan", "TimelineEvent"): "How the plan was made",
    ("in", "actionPlan", "ThematicGroup"): "Thematic groups",
    ("in", "discusses", "Meeting"): "Meetings that discussed it",
    ("in", "about", "Document"): "Documents about it",
    ("in", "commitment", "Milestone"): "Milestones",
    ("in", "recordedIn", "Meeting"): "Meetings it records",
    ("in", "recordedIn", "ThemeDecision"): "Theme decisions it records",
    ("in", "recordedIn", "TimelineEvent"): "Events it records",
    ("in", "body", "Meeting"): "Meetings",
    ("in", "publisher", "*"): "Published by this organisation",
    ("in", "leadOrganisation", "Commitment"): "Commitments it leads",
    ("in", "governmentCoordinator", "ActionPlan"): "Plans it coordinates for government",
    ("in", "civilSocietyCoordinator", "ActionPlan"): "Plans it coordinates for civil society",
    ("in", "chair", "Meeting"): "Meetings chaired",
    ("in", "lead", "ThematicGroup"): "Thematic groups led",
    ("out", "actionPlan", "*"): "Action plan",
    ("out", "commitment", "*"): "Commitment",
    ("out", "discusses", "ActionPlan"): "Plans discussed",
    ("out", "discusses", "Commitment"): "Commitments discussed",
    ("out", "about", "*"): "About",
    ("out", "recordedIn", "*"): "Recorded in",
    ("out", "body", "*"): "The body that met",
    ("out", "publisher", "*"): "Publisher",
    ("out", "leadOrganisation", "*"): "Lead organisations",
    ("out", "governmentCoordinator", "*"): "Government coordinator",
    ("out", "civilSocietyCoordinator", "*"): "Civil society coordinator",
    ("out", "chair", "*"): "Chairs",
    ("out", "lead", "*"): "Lead",
}

#: Predicates never shown as links (facts shown elsewhere, owned nodes).
_NOT_LINKS = {str(p) for p in (RDF.type, OGH.jurisdiction, *linked.OWNED, PROV.wasDerivedFrom,
                               FOAF.page, DCTERMS.isPartOf)}

#: Most entities listed under one heading of links.
MAX_LINKS = 500

_TITLE_PREDICATES = f"<{DCTERMS.title}> <{SKOS.prefLabel}> <{FOAF.name}> <{RDFS.label}>"


def _kind_of(types: set[str]) -> str | None:
    for kind, cls in reversed(KINDS.items()):
        if str(cls) in types:
            return kind
    return None


def _links(store: Any, iri: str) -> list[dict[str, Any]]:
    """Links to and from other entities, grouped under headings."""
    rows = store.select(
        f"SELECT ?dir ?p ?other ?type ?tp ?title ?number ?date WHERE {{"
        f" {{ <{iri}> ?p ?other . BIND('out' AS ?dir) }} UNION"
        f" {{ ?other ?p <{iri}> . BIND('in' AS ?dir) }}"
        f" FILTER(isIRI(?other) && STRSTARTS(STR(?other), '{ID}') && ?other != <{iri}>)"
        f" OPTIONAL {{ ?other a ?type }}"
        f" OPTIONAL {{ VALUES ?tp {{ {_TITLE_PREDICATES} <{SKOS.altLabel}> }} ?other ?tp ?title }}"
        f" OPTIONAL {{ ?other <{OGH.number}> ?number }}"
        f" OPTIONAL {{ ?other <{DCTERMS.date}>|<{DCTERMS.issued}> ?date }}"
        f" }} LIMIT 20000"
    )
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    types: dict[str, set[str]] = defaultdict(set)
    titles_rank: dict[tuple[str, str, str], tuple[bool, bool]] = {}
    for row in rows:
        p = str(row["p"])
        if p in _NOT_LINKS:
            continue
        other = str(row["other"])
        key = (str(row["dir"]), p, other)
        entry = found.setdefault(key, {"iri": other, "title": None, "number": None, "date": None})
        if row["type"] is not None:
            types[other].add(str(row["type"]))
        title = row["title"]
        if isinstance(title, Literal):
            rank = (row["tp"] == SKOS.altLabel, title.language not in (None, "en"))
            if entry["title"] is None or rank < titles_rank[key]:
                entry["title"] = str(title)
                titles_rank[key] = rank
        if row["number"] is not None and entry["number"] is None:
            entry["number"] = _int(row["number"])
        if row["date"] is not None and entry["date"] is None:
            entry["date"] = str(row["date"])
    groups: dict[str, dict[str, Any]] = {}
    for (direction, p, _other), entry in found.items():
        kind = _kind_of(types[entry["iri"]])
        local = p.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        heading = (
            LINK_HEADINGS.get((direction, local, kind or ""))
            or LINK_HEADINGS.get((direction, local, "*"))
            or (f"{local} (from)" if direction == "in" else local)
        )
        group = groups.setdefault(heading, {"heading": heading, "direction": direction,
                                            "predicate": p, "items": []})
        entry = {**entry, "kind": kind, "kind_label": KIND_LABELS.get(kind or "", None),
                 "page": entity_path(entry["iri"])}
        if not entry["title"]:
            entry["title"] = _short(entry["iri"])
        group["items"].append(entry)
    out = []
    for group in groups.values():
        group["items"].sort(key=lambda e: (e["number"] is None, e["number"] or 0, e["date"] or "",
                                           e["title"] or "", e["iri"]))
        group["count"] = len(group["items"])
        group["items"] = group["items"][:MAX_LINKS]
        out.append(group)
    out.sort(key=lambda g: (g["direction"] != "out", g["heading"]))
    return out


def _short(iri: str) -> str:
    return iri[len(ID):] if iri.startswith(ID) else iri


def _provenance(store: Any, iri: str) -> list[dict[str, Any]]:
    cfg = resources.config()
    rows = store.select(
        f"SELECT ?g ?u ?t WHERE {{ GRAPH ?g {{ <{iri}> <{PROV.wasDerivedFrom}> ?u . "
        f"OPTIONAL {{ ?u <{OGH.retrievedAt}> ?t }} }} }}"
    )
    out = []
    for row in rows:
        sid = source_id(str(row["g"]))
        source = cfg.sources.get(sid) if sid else None
        out.append({
            "source": sid,
            "source_name": source.name if source else None,
            "graph": str(row["g"]),
            "url": str(row["u"]),
            "retrieved_at": str(row["t"]) if row["t"] is not None else None,
        })
    out.sort(key=lambda p: (p["source"] or "", p["retrieved_at"] or "", p["url"]))
    return out


def _statements(store: Any, iri: str) -> list[dict[str, Any]]:
    """Every statement about the entity, for the page's table and JSON."""
    rows = store.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 5000")
    out = []
    for row in rows:
        p, o = row["p"], row["o"]
        item: dict[str, Any] = {"predicate": str(p), "predicate_label": linked.prefixed(str(p)),
                                "object": linked.term_json(o)}
        if isinstance(o, URIRef):
            item["object"]["page"] = entity_path(str(o)) or (
                site_path("/def/" + str(o)[len(DEF):]) if str(o).startswith(DEF) else None)
            item["object"]["label"] = linked.prefixed(str(o))
        out.append(item)
    out.sort(key=lambda s: (s["predicate_label"], str(s["object"])))
    return out


def _meeting_details(store: Any, iri: str) -> dict[str, Any]:
    items: dict[str, list[str]] = {"agenda": [], "decisions": [], "actions": []}
    for row in store.select(
        f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o . VALUES ?p {{ <{OGH.agendaItem}> <{OGH.decision}> "
        f"<{OGH.actionPoint}> }} }}"
    ):
        key = {str(OGH.agendaItem): "agenda", str(OGH.decision): "decisions",
               str(OGH.actionPoint): "actions"}[str(row["p"])]
        items[key].append(str(row["o"]))
    groups = []
    for row in store.select(
        f"SELECT ?heading ?sector ?present ?apologies ?deputies WHERE {{ <{iri}> <{OGH.attendance}> ?a . "
        f"OPTIONAL {{ ?a <{OGH.heading}> ?heading }} OPTIONAL {{ ?a <{OGH.sector}> ?sector }} "
        f"OPTIONAL {{ ?a <{OGH.present}> ?present }} OPTIONAL {{ ?a <{OGH.apologies}> ?apologies }} "
        f"OPTIONAL {{ ?a <{OGH.deputies}> ?deputies }} }} ORDER BY ?a"
    ):
        groups.append({
            "heading": str(row["heading"]) if row["heading"] is not None else None,
            "sector": code(row["sector"]),
            "present": _int(row["present"]),
            "apologies": _int(row["apologies"]),
            "deputies": _int(row["deputies"]),
        })
    return {**{k: sorted(v) for k, v in items.items()}, "attendance_groups": groups,
            "updates": _updates(store, f"<{iri}> <{OGH.update}> ?u . ?u <{OGH.commitment}> ?c .")}


def _updates(store: Any, where: str) -> list[dict[str, Any]]:
    rows = store.select(
        f"SELECT ?m ?c ?date ?heading ?text ?ctitle WHERE {{ {where} ?m <{OGH.update}> ?u . "
        f"?u <{OGH.commitment}> ?c . OPTIONAL {{ ?u <{DCTERMS.description}> ?text }} "
        f"OPTIONAL {{ ?u <{DCTERMS.title}> ?heading }} OPTIONAL {{ ?m <{DCTERMS.date}> ?date }} "
        f"OPTIONAL {{ ?c <{DCTERMS.title}> ?ctitle }} }} LIMIT 2000"
    )
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (str(row["m"]), str(row["c"]))
        entry = out.setdefault(key, {
            "meeting": str(row["m"]), "meeting_page": entity_path(str(row["m"])),
            "commitment": str(row["c"]), "commitment_page": entity_path(str(row["c"])),
            "commitment_title": None, "date": None, "heading": None, "text": None})
        for name in ("date", "heading", "text"):
            if row[name] is not None and entry[name] is None:
                entry[name] = str(row[name])
        if row["ctitle"] is not None and entry["commitment_title"] is None:
            entry["commitment_title"] = str(row["ctitle"])
    return sorted(out.values(), key=lambda u: (u["date"] or "", u["heading"] or ""), reverse=True)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _generic(store: Any, iri: str) -> dict[str, Any]:
    """An IRI of no known kind (a jurisdiction, a person, a harvest run)."""
    labels = store.select(
        f"SELECT ?l WHERE {{ VALUES ?p {{ {_TITLE_PREDICATES} }} <{iri}> ?p ?l }}"
    )
    title = None
    for row in labels:
        label = row["l"]
        if isinstance(label, Literal) and (title is None or label.language in (None, "en")):
            title = str(label)
    types = sorted(linked.prefixed(str(r["t"])) for r in store.select(f"SELECT ?t WHERE {{ <{iri}> a ?t }}"))
    return {"iri": iri, "kind": None, "title": title or _short(iri), "types": types}


@bp.get("/id/<path:path>")
def entity(path: str) -> Response:
    base_path, ext_type = linked.split_extension(path)
    iri = linked.iri_for(path)
    if iri is None:
        abort(404)
    store = resources.store()
    media = None
    if ext_type is not None and not linked.exists(store, iri):
        candidate = linked.iri_for(base_path)
        if candidate is not None and linked.exists(store, candidate):
            iri, media = candidate, ext_type
    if media is None:
        media = linked.negotiate(request)
        if media is None:
            response = jsonify({"error": {"status": 406, "title": "Not acceptable",
                                          "message": "Offered: " + ", ".join(linked.OFFERED)}})
            response.status_code = 406
            response.vary.add("Accept")
            return response
    if not linked.exists(store, iri):
        abort(404)
    if media in linked.RDF_FORMATS:
        body = linked.serialize(linked.describe(store, iri), media)
        charset = "" if media == "application/ld+json" else "; charset=utf-8"
        response = Response(body, content_type=media + charset)
        response.vary.add("Accept")
        response.headers["Link"] = _alternates(iri)
        return response

    data = entity_data(store, iri)
    if media == linked.JSON:
        response = jsonify(data)
    else:
        response = Response(render_template("entity.html", data=data, **_view(data)),
                            mimetype="text/html")
    response.vary.add("Accept")
    response.headers["Link"] = _alternates(iri)
    return response


def _alternates(iri: str) -> str:
    local = site_path("/id/" + iri[len(ID):])
    parts = []
    for mime, (_, ext, _) in linked.RDF_FORMATS.items():
        parts.append(f'<{local}{ext}>; rel="alternate"; type="{mime}"')
    parts.append(f'<{local}.json>; rel="alternate"; type="application/json"')
    return ", ".join(parts)


def entity_data(store: Any, iri: str) -> dict[str, Any]:
    """Everything the page shows, as JSON."""
    entity = EntityReader(store, source_priorities(resources.config())).get(iri)
    if entity is None:
        entity = _generic(store, iri)
    kind = entity.get("kind")
    if kind and not entity.get("title"):
        from hub.index import _fallback_title

        entity["title"] = _fallback_title(entity)
    data: dict[str, Any] = {
        "entity": entity,
        "links": _links(store, iri),
        "provenance": _provenance(store, iri),
        "statements": _statements(store, iri),
        "formats": {
            name: site_path("/id/" + iri[len(ID):] + ext)
            for _mime, (_, ext, name) in linked.RDF_FORMATS.items()
        } | {"json": site_path("/id/" + iri[len(ID):] + ".json")},
    }
    if kind == "Meeting":
        data["meeting"] = _meeting_details(store, iri)
    elif kind == "Commitment":
        data["updates"] = _updates(store, f"BIND(<{iri}> AS ?c) ")
    return data


def _view(data: dict[str, Any]) -> dict[str, Any]:
    """Extra context for the HTML page: facts as rows, labels."""
    e = data["entity"]
    kind = e.get("kind")
    rows: list[tuple[str, Any]] = []

    def add(label: str, value: Any, kind_: str = "text") -> None:
        if value not in (None, "", [], {}):
            rows.append((label, {"type": kind_, "value": value}))

    add("Type", KIND_LABELS.get(kind or "", None) or ", ".join(e.get("types") or []))
    if e.get("jurisdiction"):
        add("Nation", JURISDICTION_LABELS.get(e["jurisdiction"], e["jurisdiction"]))
    if kind == "ActionPlan":
        add("Number", e.get("number"))
        if e.get("start") or e.get("end"):
            add("Period", f"{e.get('start') or '?'} to {e.get('end') or '?'}")
        add("Published", e.get("published"))
        add("Publisher", e.get("publisher"))
    elif kind == "Commitment":
        add("Action plan", {"title": e.get("plan_title") or _short(e.get("plan") or ""),
                            "page": entity_path(e["plan"]) if e.get("plan") else None}, "link")
        add("Number", e.get("number"))
        add("Leads", e.get("leads"), "list")
        add("OGP identifier", e.get("ogp_id"))
        add("Themes as written", e.get("theme_labels"), "list")
    elif kind == "Milestone":
        if e.get("commitment"):
            add("Commitment", {"title": _short(e["commitment"]), "page": entity_path(e["commitment"])},
                "link")
        add("Due", e.get("due"))
    elif kind == "Meeting":
        if e.get("body_iri"):
            add("Body", {"title": e.get("body") or _short(e["body_iri"]),
                         "page": entity_path(e["body_iri"])}, "link")
        add("Chairs", e.get("chairs"), "list")
        attendance = e.get("attendance") or {}
        labels = {"total": "present in all", "government": "government", "civil_society": "civil society",
                  "other": "other", "apologies": "apologies", "deputies": "deputies"}
        add("Attendance", [f"{v} {labels[k]}" for k, v in attendance.items()], "list")
    elif kind == "Document":
        add("Document type", e.get("doc_type"))
        add("Published", e.get("date"))
        add("Updated", e.get("modified"))
        add("Publisher", e.get("publisher"))
        add("Authors", e.get("authors"), "list")
        add("Language", e.get("language"), "list")
    elif kind in ("Body", "ThematicGroup"):
        add("Other names", e.get("alt_names"), "list")
        add("Lead", e.get("lead"))
        if e.get("homepage"):
            add("Website", e["homepage"], "url")
    elif kind == "ThemeDecision":
        add("Theme as written", e.get("theme"))
        add("Outcome", (e.get("outcome") or "").replace("-", " "))
    elif kind == "TimelineEvent":
        add("Stage", (e.get("stage") or "").replace("-", " "))
        add("Date precision", e.get("precision"))
    if kind not in ("Document", "ActionPlan"):
        add("Date", e.get("date"))
    if kind not in ("ActionPlan",) and (e.get("start") or e.get("end")):
        add("Period", f"{e.get('start') or '?'} to {e.get('end') or '?'}")
    add("Status", (e.get("status") or "").replace("-", " ") if e.get("status") else None)
    add("Themes", e.get("themes"), "themes")
    add("Identifier", e.get("identifier"))
    kind_plural = KIND_PLURALS.get(kind or "", None)
    breadcrumbs: list[tuple[str, str | None]] = [("Home", site_path("/")), ("Search", site_path("/search"))]
    if kind_plural:
        breadcrumbs.append((kind_plural, site_path(f"/search?kind={kind}")))
    breadcrumbs.append((e.get("title") or _short(e["iri"]), None))
    text = e.get("text")
    return {
        "facts": rows,
        "breadcrumb_items": breadcrumbs,
        "source_url": safe_url(e.get("url")),
        "long_text": text if text and len(text) > 1500 else None,
        "short_text": text if text and len(text) <= 1500 else None,
    }
