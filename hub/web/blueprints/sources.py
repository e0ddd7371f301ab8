"""``/sources``: every source the hub harvests, how its last harvest went,
and what failed (``ogh sources`` on the web)."""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Response, current_app

from hub.index import JURISDICTION_LABELS, KIND_PLURALS
from hub.provenance import source_status
from hub.web import resources
from hub.web.site import respond, site_path

bp = Blueprint("sources", __name__)

_lock = threading.Lock()

OUTCOME_TAGS = {"succeeded": "green", "unchanged": "grey", "failed": "red"}


def sources_data() -> dict[str, Any]:
    """The status of every source, cached until the store changes."""
    store = resources.store()
    key = getattr(store, "snapshot", None)
    cache = current_app.extensions.setdefault("ogh_sources", {})
    with _lock:
        if key is not None and cache.get("key") == key:
            return cache["data"]
    status = source_status(store, resources.config())
    for source in status:
        source["jurisdiction_label"] = JURISDICTION_LABELS.get(source["jurisdiction"], source["jurisdiction"])
        source["search"] = site_path(f"/search?jurisdiction={source['jurisdiction']}")
    summary = {
        "sources": len(status),
        "harvested": sum(1 for s in status if s["last_run"]),
        "failed": sum(1 for s in status if (s["last_run"] or {}).get("outcome") == "failed"),
        "errors": sum(len((s["last_run"] or {}).get("errors", [])) for s in status),
    }
    data = {"summary": summary, "sources": status}
    with _lock:
        cache["key"] = key
        cache["data"] = data
    return data


@bp.get("/sources")
def sources() -> Response:
    return respond("sources.html", sources_data(), outcome_tags=OUTCOME_TAGS, kind_labels=KIND_PLURALS)
