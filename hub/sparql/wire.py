"""The framing between the web process and its query workers.

A message is a JSON header and an optional binary body::

    4 bytes  header length (big-endian)
    8 bytes  body length (big-endian)
    header   UTF-8 JSON object
    body     bytes (a serialized result)
"""

from __future__ import annotations

import json
import struct
from typing import Any, BinaryIO

_PREFIX = struct.Struct(">IQ")


def send(out: BinaryIO, header: dict[str, Any], body: bytes = b"") -> None:
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    out.write(_PREFIX.pack(len(head), len(body)) + head)
    if body:
        out.write(body)
    out.flush()


def _read_exactly(inp: BinaryIO, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = inp.read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def receive(inp: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    """The next message, or None when the other side has closed the pipe."""
    prefix = _read_exactly(inp, _PREFIX.size)
    if prefix is None:
        return None
    head_len, body_len = _PREFIX.unpack(prefix)
    head = _read_exactly(inp, head_len)
    body = _read_exactly(inp, body_len) if body_len else b""
    if head is None or body is None:
        return None
    return json.loads(head), body
