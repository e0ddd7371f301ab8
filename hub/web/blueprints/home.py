"""``/``: what the hub holds for each nation: how many plans, commitments,
meetings and documents, the latest documents, and when its sources were
last harvested."""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Response

from harvesters.records import JURISDICTIONS
from hub.entities import source_id
from hub.index import JURISDICTION_LABELS, KIND_PLURALS
from hub.search import SearchRequest, overview, search
from hub.web import resources
from hub.web.blueprints.search import entity_path
from hub.web.site import respond, site_path
from vocab import OGH

bp = Blueprint("home", __name__)

#: The kinds counted on the home page, in the order shown.
COUNTED = ("ActionPlan", "Commitment", "Meeting", "Document")

_cache_lock = threading.Lock()


def _last_harvests(store: Any, config: Any) -> dict[str, str]:
    """Source id → when it was last harvested: the end of its last successful
    run (from the provenance graph), else the latest time one of its pages
    was fetched (a graph loaded without the runner)."""
    from hub.provenance import source_status

    out = _last_fetches(store)
    for status in source_status(store, config):
        success = status.get("last_success") or {}
        if success.get("ended"):
            out[status["id"]] = str(success["ended"])
    return out


def _last_fetches(store: Any) -> dict[str, str]:
    rows = store.select(
        f"SELECT ?g (MAX(?t) AS ?last) WHERE {{ GRAPH ?g {{ ?u <{OGH.retrievedAt}> ?t }} }} GROUP BY ?g"
    )
    out = {}
    for row in rows:
        sid = source_id(str(row["g"]))
        if sid and row["last"] is not None:
            out[sid] = str(row["last"])
    return out


def _store_counts(store: Any) -> dict[str, dict[str, int]]:
    from hub.commands.stats import collect

    classes = collect(store)["classes"]
    return {j: {kind: classes.get(kind, {}).get(j, 0) for kind in classes} for j in JURISDICTIONS}


def home_data() -> dict[str, Any]:
    cfg = resources.config()
    store = resources.store()
    gen = resources.search_index()
    key = (getattr(store, "snapshot", None), gen.path.name if gen is not None else None)
    from flask import current_app

    cache = current_app.extensions.setdefault("ogh_home", {})
    with _cache_lock:
        if cache.get("key") == key:
            return cache["data"]
    harvests = _last_harvests(store, cfg)
    counts = overview(gen) if gen is not None else _store_counts(store)
    nations = []
    for j in JURISDICTIONS:
        sources = [s for s in cfg.sources.values() if s.jurisdiction == j]
        last = max((harvests[s.id] for s in sources if s.id in harvests), default=None)
        latest: list[dict[str, Any]] = []
        if gen is not None:
            found = search(gen, SearchRequest(jurisdiction=[j], kind=["Document"], sort="date", page_size=5))
            for hit in found.hits:
                latest.append({"iri": hit["iri"], "title": hit["title"], "date": hit["date"],
                               "page": entity_path(hit["iri"]), "url": hit["url"],
                               "language": hit["language"]})
        nations.append({
            "jurisdiction": j,
            "label": JURISDICTION_LABELS[j],
            "counts": {kind: counts.get(j, {}).get(kind, 0) for kind in COUNTED},
            "latest_documents": latest,
            "last_harvest": last,
            "sources": [{"id": s.id, "name": s.name, "last_harvest": harvests.get(s.id)} for s in sources],
            "search": site_path(f"/search?jurisdiction={j}"),
        })
    data = {
        "name": cfg["hub.name"],
        "nations": nations,
        "index": ({"documents": gen.n_live, "built_at": gen.meta.get("built_at")} if gen is not None
                  else None),
    }
    with _cache_lock:
        cache["key"] = key
        cache["data"] = data
    return data


@bp.get("/")
def home() -> Response:
    data = home_data()
    return respond("home.html", data, kind_labels=KIND_PLURALS, counted=COUNTED)
