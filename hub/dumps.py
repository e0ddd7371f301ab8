"""The full dump: every graph of the store as gzipped N-Quads, for people who
want the whole dataset rather than queries.

``regenerate(config, store)`` writes ``<data dir>/dumps/ogh.nq.gz`` and a
small record beside it (``ogh.nq.gz.json``: size, SHA-256, quads per graph,
when). Both are written to temporary files and renamed into place, so a reader
(``/dumps/ogh.nq.gz``) sees the old dump or the new one, never half of one. The
dump is derived data: it can always be rebuilt with ``ogh dump``. The harvest
runner calls ``regenerate`` after every write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from hub.settings import Config
from hub.store import GraphStore, open_store

DUMP_NAME = "ogh.nq.gz"
MEDIA_TYPE = "application/n-quads"


@dataclass
class DumpInfo:
    """What ``ogh.nq.gz.json`` records about the dump beside it."""

    name: str
    size: int
    sha256: str
    quads: int
    graphs: dict[str, int] = field(default_factory=dict)
    generated: str = ""  # ISO 8601, UTC
    mtime_ns: int = 0

    @property
    def etag(self) -> str:
        return self.sha256[:32]

    @property
    def modified(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.mtime_ns / 1e9, tz=dt.UTC)


def dumps_dir(config: Config) -> Path:
    return config.data_dir / "dumps"


def dump_path(config: Config) -> Path:
    return dumps_dir(config) / DUMP_NAME


class _Tee:
    """Hashes and counts the compressed bytes on their way to the file."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()


def _write_atomically(target: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def regenerate(config: Config, store: GraphStore | None = None) -> DumpInfo:
    """Write the full dump from ``store`` (by default, the published snapshot)."""
    folder = dumps_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DUMP_NAME
    own = store is None
    store = store or open_store(config)
    counted: dict[str, Any] = {}
    try:
        def write(f: IO[bytes]) -> None:
            tee = _Tee(f)
            with gzip.GzipFile(fileobj=tee, mode="wb", mtime=0, compresslevel=6) as gz:  # type: ignore[arg-type]
                store.export(gz, "nquads")  # type: ignore[arg-type]
            counted["tee"] = tee

        _write_atomically(target, write)
        graphs = {g: store.count(g) for g in store.graphs()}
    finally:
        if own:
            store.close()
    tee = counted["tee"]
    info = DumpInfo(
        name=DUMP_NAME, size=tee.size, sha256=tee.hash.hexdigest(), quads=sum(graphs.values()),
        graphs=dict(sorted(graphs.items())),
        generated=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        mtime_ns=target.stat().st_mtime_ns,
    )
    record = json.dumps(asdict(info), indent=2).encode("utf-8")
    _write_atomically(folder / f"{DUMP_NAME}.json", lambda f: f.write(record))
    return info


def current(config: Config) -> DumpInfo | None:
    """The dump on disk and what is known of it; None when there is none. If
    the record does not match the file (a crash between the two renames), the
    file's own size and time stand in, and the ETag is made from them."""
    path = dump_path(config)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    info: DumpInfo | None = None
    with contextlib.suppress(OSError, ValueError, TypeError):
        info = DumpInfo(**json.loads((path.parent / f"{DUMP_NAME}.json").read_text("utf-8")))
    if info is None or info.size != stat.st_size or info.mtime_ns != stat.st_mtime_ns:
        weak = hashlib.sha256(f"{stat.st_size}-{stat.st_mtime_ns}".encode()).hexdigest()
        info = DumpInfo(name=DUMP_NAME, size=stat.st_size, sha256=weak, quads=0,
                        mtime_ns=stat.st_mtime_ns)
    return info
