"""Per-process resources of the web app: the store reader (refreshed when a
harvest publishes a new snapshot) and the search index (reopened when a
rebuild publishes a new generation)."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app

from hub.settings import Config
from hub.store import GraphStore, OxigraphReader, open_store

_lock = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions["ogh_store"] = None


def config() -> Config:
    return current_app.config["OGH"]


def store() -> GraphStore:
    """The store for reading; moves to the newest published snapshot."""
    ext = current_app.extensions
    with _lock:
        reader = ext.get("ogh_store")
        if reader is None:
            reader = open_store(config())
            ext["ogh_store"] = reader
        elif isinstance(reader, OxigraphReader):
            reader.refresh()
    return reader


def search_index() -> Any:
    """The current search index generation (:class:`hub.search.Generation`),
    or None when none has been built; follows rebuilds."""
    from hub.search import open_current

    return open_current(config())
