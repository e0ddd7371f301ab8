"""Per-process resources of the web app: the store reader (refreshed when a
harvest publishes a new snapshot)."""

from __future__ import annotations

import threading

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
