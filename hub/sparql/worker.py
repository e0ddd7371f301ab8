"""A query process: runs SPARQL queries on the published snapshot, one at a time.

Started by :class:`hub.sparql.pool.QueryPool` as ``python -m hub.sparql.worker
DATA_DIR``; it reads jobs on standard input and writes answers on standard
output (see :mod:`hub.sparql.wire`). pyoxigraph cannot cancel a query, so the
pool kills a worker whose query runs past the timeout and starts another;
that is why queries run here and not in the web process.

The worker opens the current snapshot read-only (like
:class:`hub.store.OxigraphReader`) and moves to a newer one before a job when a
harvest has published it. It never opens the working store, and it has no
code path that writes. It imports only pyoxigraph, so a replacement is ready
in a few tens of milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from hub.sparql import wire

RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPHS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class _Full(Exception):
    """Raised by :class:`_CappedLines` to stop a serializer."""


class _CappedLines:
    """A binary sink for a TSV serializer that keeps the header and at most
    ``max_rows`` rows and ``max_bytes`` bytes, cut at a line end. TSV writes
    one solution per line (newlines in literals are escaped), so lines are rows."""

    def __init__(self, max_rows: int, max_bytes: int) -> None:
        self.max_lines = max_rows + 1  # the header line
        self.max_bytes = max_bytes
        self.buffer = bytearray()
        self.lines = 0
        self.truncated = ""

    def write(self, data: bytes) -> int:
        if self.truncated:
            # The serializer's buffer may flush once more as it unwinds.
            return len(data)
        data = bytes(data)
        start = len(self.buffer)
        self.buffer += data
        self.lines += data.count(b"\n")
        if self.lines > self.max_lines:
            self._cut_at_line(self.max_lines, start)
            self.truncated = "rows"
        if len(self.buffer) > self.max_bytes:
            end = self.buffer.rfind(b"\n", 0, self.max_bytes + 1)
            del self.buffer[end + 1:]
            self.truncated = "bytes"
        if self.truncated:
            raise _Full
        return len(data)

    def _cut_at_line(self, keep: int, start: int) -> None:
        # The newline count before this chunk was below ``keep``: find the
        # keep-th newline from the start of the buffer, scanning from ``start``.
        seen = self.buffer.count(b"\n", 0, start)
        pos = start - 1
        while seen < keep:
            pos = self.buffer.index(b"\n", pos + 1)
            seen += 1
        del self.buffer[pos + 1:]

    def flush(self) -> None:
        pass


class _Counting:
    """A binary sink that counts what it holds."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        pass


class Snapshot:
    """The current published snapshot, opened read-only; empty until one exists."""

    def __init__(self, data_dir: str) -> None:
        self.data_dir = Path(data_dir)
        self.target: str | None = None
        self.store = ox.Store()
        self.refresh()

    def refresh(self) -> None:
        try:
            target: str | None = os.readlink(self.data_dir / "current")
        except OSError:
            target = None
        if target == self.target:
            return
        self.store = ox.Store.read_only(str(self.data_dir / target)) if target else ox.Store()
        self.target = target


def execute(store: ox.Store, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run one job; the answer's header and body."""
    kwargs: dict[str, Any] = {"base_iri": job.get("base_iri")}
    if job.get("default_graphs") is not None or job.get("named_graphs") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.get("default_graphs") or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.get("named_graphs") or []]
    elif job.get("union", True):
        kwargs["use_default_graph_as_union"] = True
    return render(store.query(job["query"], **kwargs), job)


def render(result: Any, job: dict[str, Any], cut: bool = False) -> tuple[dict[str, Any], bytes]:
    """A query's result (solutions, a boolean or triples, from the store or
    parsed from a remote server's answer) in the job's format, within its row
    and byte limits. ``cut``: the result was read from a body cut short at a
    byte limit, so a parse error at its end means "truncated", not "broken"."""
    max_rows = int(job["max_rows"])
    max_bytes = int(job["max_bytes"])

    if isinstance(result, ox.QueryBoolean):
        fmt = job["results_format"]
        return {"kind": "ask", "format": fmt, "rows": 1, "truncated": "",
                "boolean": bool(result)}, result.serialize(format=RESULTS[fmt]) or b""

    if isinstance(result, ox.QuerySolutions):
        fmt = job["results_format"]
        sink = _CappedLines(max_rows, max_bytes)
        try:
            result.serialize(sink, ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
        except _Full:
            pass
        except SyntaxError:
            if not cut:
                raise
            del sink.buffer[sink.buffer.rfind(b"\n") + 1:]  # whole rows only
            sink.truncated = "bytes"
        tsv = bytes(sink.buffer)
        rows = max(tsv.count(b"\n") - 1, 0)
        if fmt == "tsv":
            body = tsv
        else:
            # Lossless: TSV writes every term in full (blank node labels too).
            parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
            body = parsed.serialize(format=RESULTS[fmt]) or b""  # type: ignore[union-attr]
        return {"kind": "select", "format": fmt, "rows": rows, "truncated": sink.truncated}, body

    # CONSTRUCT / DESCRIBE
    fmt = job["graph_format"]
    out = _Counting()
    state: dict[str, Any] = {"rows": 0, "truncated": ""}

    def whole() -> Any:
        try:
            yield from result
        except SyntaxError:
            if not cut:
                raise
            state["truncated"] = "bytes"

    def capped() -> Any:
        for triple in whole():
            if state["rows"] >= max_rows:
                state["truncated"] = "rows"
                return
            if len(out.buffer) > max_bytes:
                state["truncated"] = "bytes"
                return
            state["rows"] += 1
            yield triple

    ox.serialize(capped(), out, GRAPHS[fmt], prefixes=job.get("prefixes") or None)  # type: ignore[arg-type]
    return {"kind": "graph", "format": fmt, "rows": state["rows"],
            "truncated": state["truncated"]}, bytes(out.buffer)


def short_syntax_error(message: str, keep: int = 12) -> str:
    """The parser's message without its long character-class lists: the
    position and the first few tokens it expected."""
    head, sep, rest = message.partition("expected one of ")
    if not sep:
        return message
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"', rest)
    shown = ", ".join(tokens[:keep])
    more = " or others" if len(tokens) > keep or "[" in rest else ""
    return f"{head}expected {shown}{more}" if shown else message.split("\n", 1)[0]


def answer(snapshot: Snapshot, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """:func:`execute` with errors turned into answers the endpoint can relay."""
    started = time.perf_counter()
    try:
        snapshot.refresh()
    except OSError as exc:
        return {"error": "store", "message": f"the published snapshot cannot be opened: {exc}"}, b""
    try:
        header, body = execute(snapshot.store, job)
    except SyntaxError as exc:
        return {"error": "syntax", "message": f"SPARQL syntax error: {short_syntax_error(str(exc))}"}, b""
    except (ValueError, TypeError, RuntimeError) as exc:
        return {"error": "query", "message": f"the query cannot be evaluated: {exc}"}, b""
    except OSError as exc:
        return {"error": "store", "message": f"the store could not answer: {exc}"}, b""
    header["snapshot"] = snapshot.target
    header["elapsed"] = time.perf_counter() - started
    return header, body


def _watch_parent(parent: int) -> None:
    """Exit when the web process that started this worker is gone, even in
    the middle of a query (pyoxigraph releases the GIL while it works)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def serve(data_dir: str, inp: BinaryIO, out: BinaryIO) -> None:
    snapshot = Snapshot(data_dir)
    wire.send(out, {"ready": True, "pid": os.getpid()})
    while True:
        message = wire.receive(inp)
        if message is None:  # the pool closed the pipe
            return
        job, _ = message
        header, body = answer(snapshot, job)
        wire.send(out, header, body)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m hub.sparql.worker DATA_DIR PARENT_PID", file=sys.stderr)
        return 2
    data_dir, parent = args[0], int(args[1])
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    # Answers go to the original standard output; anything printed by
    # accident goes to standard error instead of corrupting the channel.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        serve(data_dir, inp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
