"""Requests per minute per client (``server.rate_limit``), answered 429 with
``Retry-After`` beyond it.

Each client address has a token bucket: it holds up to a minute's worth of
requests and refills at the limit's pace, so a client may burst up to the
limit and then goes on at its rate. The buckets live in a table of shared
memory: ``ogh serve`` makes it (:func:`share`) before gunicorn forks its
workers, so every worker and thread counts against the same buckets and the
limit holds for the whole server. An app built without it (another WSGI
server, tests) makes its own table, and the limit is then per process.

The client address is the connection's, or, behind ``server.proxies``
reverse proxies, the one the nearest of them saw (``X-Forwarded-For``).
Static files are not counted: a page's stylesheet and icon are not requests
of their own.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import multiprocessing
import struct
import time
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import TooManyRequests

SLOTS = 8192  # clients tracked at once; beyond, the least recently seen are forgotten
PROBE = 8  # slots looked at for one client
_SLOT = struct.Struct("<Qdd")  # client key, tokens, time of the last update (monotonic)


class Table:
    """Token buckets by client key in (shareable) memory, under one lock."""

    def __init__(self, slots: int = SLOTS) -> None:
        self.slots = slots
        # An anonymous shared mapping: a process forked after this sees the same bytes.
        self.memory = mmap.mmap(-1, slots * _SLOT.size)
        self.lock = multiprocessing.get_context("fork").Lock()

    def take(self, client: str, per_minute: int, now: float | None = None) -> float:
        """Take one request from the client's bucket: 0 when allowed, else
        the seconds until one is."""
        now = time.monotonic() if now is None else now
        key = int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(), "little") or 1
        rate = per_minute / 60.0
        start = key % self.slots
        with self.lock:
            found, oldest, oldest_time = None, start, math.inf
            for i in range(PROBE):
                slot = (start + i) % self.slots
                held, tokens, updated = _SLOT.unpack_from(self.memory, slot * _SLOT.size)
                if held == key:
                    found = slot
                    break
                if held == 0 or updated < oldest_time:
                    oldest, oldest_time = slot, (-math.inf if held == 0 else updated)
            if found is None:
                found, tokens, updated = oldest, float(per_minute), now
            tokens = min(float(per_minute), tokens + max(0.0, now - updated) * rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / rate
            _SLOT.pack_into(self.memory, found * _SLOT.size, key, tokens, now)
        return wait


_shared: Table | None = None


def share() -> Table:
    """The table every worker of this server will use; call before forking."""
    global _shared
    if _shared is None:
        _shared = Table()
    return _shared


def init_app(app: Flask) -> None:
    config = app.config["OGH"]
    proxies = int(config["server.proxies"])
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    per_minute = int(config["server.rate_limit"])
    if per_minute <= 0:
        return
    table = _shared or Table()
    app.extensions["ogh_rate_limit"] = table

    @app.before_request
    def limit() -> Any:
        if request.path.startswith("/static/"):
            return None
        wait = table.take(request.remote_addr or "unknown", per_minute)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise TooManyRequests(
                f"Too many requests from your address: at most {per_minute} a minute "
                f"(server.rate_limit). Try again in {seconds} second{'s' if seconds != 1 else ''}.",
                retry_after=seconds)
        return None
