"""A harvest run: gather, fetch, parse, map, check, replace, record.

For one source: if every document of its last successful run answers 304 (and
neither the harvester nor the vocabulary changed), the source is *unchanged*
and nothing is parsed again. Otherwise its harvester runs, its records are
validated and mapped, the count assertions of ``config/sources.toml`` are
checked, and the source's named graph is replaced whole, together with the
provenance graph, in one write. A run that fails (an exception, an entry point
that cannot be fetched, no records, a count below its minimum) replaces
nothing but the provenance graph, which records why: the source keeps the
graph it had.

Fetching and parsing happen without holding the store: a per-source lock stops
two harvests of one source at once, and the store's writer lock is held only
for the write itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import inspect
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rdflib import URIRef

from harvesters.base import HarvestContext, TooManyDocuments, load_harvester, records_of
from harvesters.http import ClientSettings, HttpClient
from harvesters.records import Document, RecordError
from hub import ids
from hub.mapping import map_record
from hub.provenance import RunResult, updated_provenance
from hub.settings import Config, Source
from hub.store import GraphStore, StoreError, StoreLocked, open_store
from hub.terms import Triple
from hub.vocabgraph import ensure_vocabulary, vocabulary_digest
from vocab import RDF

log = logging.getLogger(__name__)

Progress = Callable[[str, str, str], None]  # (source id, url, outcome)


class HarvestBusy(Exception):
    """Another process is harvesting this source."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def source_lock(config: Config, source_id: str) -> Iterator[None]:
    folder = config.data_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{source_id}.lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise HarvestBusy(f"{source_id} is being harvested by {holder}") from None
        f.seek(0)
        f.truncate()
        f.write(f"process {os.getpid()}\n")
        f.flush()
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def writing(config: Config, wait: float = 600.0) -> Iterator[GraphStore]:
    """The store opened for writing, waiting for another writer to finish."""
    deadline = time.monotonic() + wait
    while True:
        try:
            store = open_store(config, write=True)
            break
        except StoreLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        yield store
    finally:
        store.close()


def fingerprint(source: Source, module: Any) -> str:
    """What a source's graph depends on besides its documents: the harvester,
    the extraction and mapping code, the vocabulary and the source's entry."""
    digest = hashlib.sha256()
    import harvesters.extract as extract
    import harvesters.records as records
    import hub.ids as ids_module
    import hub.mapping as mapping

    for mod in (module, records, mapping, ids_module):
        digest.update(inspect.getsource(mod).encode())
    # Harvesters share helper modules (dates, plan names, read-outs): any of them counts.
    for folder in (Path(records.__file__).parent, Path(extract.__file__).parent):
        for path in sorted(folder.glob("*.py")):
            digest.update(path.read_bytes())
    digest.update(vocabulary_digest().encode())
    digest.update(json.dumps(source.__dict__, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _state_path(config: Config, source_id: str) -> Path:
    return config.data_dir / "cache" / "runs" / f"{source_id}.json"


def _load_state(config: Config, source_id: str) -> dict[str, Any] | None:
    try:
        return json.loads(_state_path(config, source_id).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _save_state(config: Config, source_id: str, state: dict[str, Any]) -> None:
    path = _state_path(config, source_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def make_client(config: Config, source: Source, rewrite: str | None) -> HttpClient:
    settings = ClientSettings.from_config(config)
    if rewrite:
        settings.min_interval = 0.0  # a recording on loopback needs no politeness
    client = HttpClient(
        settings,
        cache_dir=config.data_dir / "cache" / "http" / source.id,
        allowed_hosts=source.hosts,
        rewrite=rewrite,
    )
    if rewrite:
        from harvesters.replay import SOURCE_HEADER

        client.session.headers[SOURCE_HEADER] = source.id  # its own recordings first
    return client


def entity_counts(triples: list[Triple]) -> dict[str, int]:
    from hub.entities import KINDS

    classes = {cls: kind for kind, cls in KINDS.items()}
    seen: dict[str, set[Any]] = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef) and o in classes:
            seen.setdefault(classes[o], set()).add(s)
    return {kind: len(subjects) for kind, subjects in sorted(seen.items())}


def _unchanged(ctx: HarvestContext, state: dict[str, Any]) -> bool:
    """True when every document of the last run answers 304 (or is a redirect
    already known): nothing to parse again."""
    for url in state.get("urls", []):
        page = ctx.fetch(url)
        if page is None or not page.not_modified or page.stale:
            return False
    return True


def harvest_source(
    config: Config,
    source: Source,
    rewrite: str | None = None,
    only_urls: list[str] | None = None,
    progress: Progress | None = None,
    after_write: Callable[[Config, GraphStore, list[str]], None] | None = None,
) -> RunResult:
    """Harvest one source into its graph. Never raises for a source's own
    failure: the result says what happened and the store keeps the old graph."""
    started = _now()
    result = RunResult(source=source.id, started=started, ended=started, outcome="failed",
                       mode="urls" if only_urls else "full")
    try:
        module = load_harvester(source.harvester)
    except ValueError as exc:
        result.reason = str(exc)
        result.ended = _now()
        return result
    try:
        with source_lock(config, source.id):
            return _harvest_locked(config, source, module, rewrite, only_urls, progress, after_write,
                                   result)
    except HarvestBusy as exc:
        result.reason = str(exc)
        result.ended = _now()
        return result


def _harvest_locked(
    config: Config, source: Source, module: Any, rewrite: str | None, only_urls: list[str] | None,
    progress: Progress | None, after_write: Any, result: RunResult,
) -> RunResult:
    client = make_client(config, source, rewrite)
    report = (lambda url, outcome: progress(source.id, url, outcome)) if progress else None
    ctx = HarvestContext(source=source, client=client, max_documents=config["harvest.max_documents"],
                         only_urls=only_urls, progress=report)
    graph = str(ids.source_graph(source.id))
    state = _load_state(config, source.id)
    current_fingerprint = fingerprint(source, module)
    triples: list[Triple] = []
    owned: set[str] = set()
    try:
        if only_urls is None and state and state.get("fingerprint") == current_fingerprint:
            with open_store(config) as reader:
                has_graph = graph in reader.graphs()
            if has_graph and _unchanged(ctx, state):
                result.outcome = "unchanged"
                result.entities = state.get("entities", {})
        if result.outcome != "unchanged":
            check = HarvestContext(source=source, client=client, max_documents=ctx.max_documents,
                                   only_urls=only_urls, progress=report)
            # Documents already answered 304 during the check are reused, not fetched twice.
            check.pages.update(ctx.pages)
            check.not_modified, check.fetched = ctx.not_modified, ctx.fetched
            # ... and what failed during the check stays recorded.
            check.failed, check.errors, check.links = ctx.failed, list(ctx.errors), set(ctx.links)
            ctx = check
            triples, owned = _collect(ctx, module)
            result.entities = entity_counts(triples)
            reason = _failure(ctx, source, triples, result.entities, only_urls is not None)
            if reason:
                result.reason = reason
            else:
                result.outcome = "succeeded"
    except TooManyDocuments as exc:
        result.reason = str(exc)
    except Exception as exc:  # a harvester bug or an unexpected page: the source fails, not the run
        log.exception("harvest of %s failed", source.id)
        result.reason = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        client.close()
    result.fetched, result.not_modified, result.failed = ctx.fetched, ctx.not_modified, ctx.failed
    result.errors = [e.as_dict() for e in ctx.errors]
    result.triples = len(triples)
    result.ended = _now()

    try:
        with writing(config) as store:
            ensure_vocabulary(store)
            provenance = updated_provenance(store, result)
            if result.outcome == "succeeded" and only_urls is None:
                store.replace_graphs({graph: triples, str(ids.PROVENANCE_GRAPH): provenance})
            elif result.outcome == "succeeded":
                store.replace_graphs({graph: _merged(store, graph, triples, owned),
                                      str(ids.PROVENANCE_GRAPH): provenance})
            else:
                store.replace_graph(str(ids.PROVENANCE_GRAPH), provenance)
            if result.outcome == "succeeded" and after_write is not None:
                after_write(config, store, [source.id])
    except StoreError as exc:
        result.outcome = "failed"
        result.reason = f"cannot write the store: {exc}"
        return result

    if result.outcome == "succeeded" and only_urls is None:
        _save_state(config, source.id, {
            "fingerprint": current_fingerprint,
            # Stale pages too: the next run must ask for them again before it may
            # call the source unchanged.
            "urls": sorted(ctx.pages),
            "entities": result.entities,
            "finished": result.ended.isoformat(),
        })
    return result


def _collect(ctx: HarvestContext, module: Any) -> tuple[list[Triple], set[str]]:
    """The triples of every record, and the subjects the documents read *own*:
    each document's node (and its parts: posts, ...) and each URL read, whose
    retrieval time it records. Plans, commitments, meetings and bodies are
    shared with other documents of the source, so they are owned by none."""
    seen: set[Triple] = set()
    triples: list[Triple] = []
    owned: set[str] = set()
    for record in records_of(module, ctx):
        try:
            mapped = map_record(record)
        except (RecordError, ValueError) as exc:
            ctx.error(getattr(record, "source_url", "?"), f"record rejected: {exc}")
            continue
        owned.add(record.source_url)
        if isinstance(record, Document):
            owned.add(str(ids.document(record.url)))
        for t in mapped:
            if t not in seen:
                seen.add(t)
                triples.append(t)
    return triples, owned


def _merged(store: GraphStore, graph: str, triples: list[Triple], owned: set[str]) -> list[Triple]:
    """A source's graph after harvesting some of its documents only: what
    those documents own is replaced, what they say of shared entities is
    added, and nothing else is removed. (A fact a document no longer states
    about a shared entity stays until the next full harvest.)"""
    parts = tuple(f"{o}/" for o in owned if "/id/document/" in o)

    def is_owned(subject: object) -> bool:
        text = str(subject)
        return text in owned or text.startswith(parts)

    kept = [t for t in store.triples(graph) if not is_owned(t[0])]
    return list(dict.fromkeys([*kept, *triples]))


def _failure(ctx: HarvestContext, source: Source, triples: list[Triple], counts: dict[str, int],
             partial: bool) -> str | None:
    """Why this run must not replace the source's graph, or None."""
    if not triples:
        return "nothing was harvested" + (
            f" ({len(ctx.errors)} errors, first: {ctx.errors[0].url}: {ctx.errors[0].reason})"
            if ctx.errors else "")
    if partial:
        return None
    if ctx.failed and not ctx.fetched and not ctx.not_modified:
        first = ctx.errors[0] if ctx.errors else None
        return (f"the source could not be reached: all {ctx.failed} requests failed"
                + (f" (first: {first.url}: {first.reason})" if first else "")
                + "; the previous graph is kept")
    for url in source.entry_points:
        page = ctx.pages.get(url.split("#", 1)[0])
        if page is None:
            reason = next((e.reason for e in ctx.errors if e.url == url), "not fetched")
            return f"entry point {url} failed ({reason}); the previous graph is kept"
    for kind, minimum in source.expect.items():
        if counts.get(kind, 0) < minimum:
            return (f"expected at least {minimum} {kind} (config/sources.toml), "
                    f"found {counts.get(kind, 0)}; the previous graph is kept")
    return None


def derived_updates(config: Config, store: GraphStore, source_ids: list[str]) -> None:
    """Bring the derived data (search index, dumps, the comparison view's
    query rows) up to date after a write.
    A failure here never undoes the harvest: the derived data can be rebuilt
    with one command (``ogh index``, ``ogh dump``)."""
    for module_name, function in (("hub.index", "update_sources"), ("hub.dumps", "regenerate"),
                                  ("hub.compare", "precompute")):
        try:
            module = __import__(module_name, fromlist=[function])
        except ModuleNotFoundError:
            continue
        try:
            fn = getattr(module, function)
            if function == "update_sources":
                fn(config, store, source_ids)
            else:
                fn(config, store)
        except Exception:
            log.exception("%s.%s failed; rebuild it with the ogh command", module_name, function)


def harvest(
    config: Config,
    source_ids: list[str] | None = None,
    rewrite: str | None = None,
    only_urls: list[str] | None = None,
    progress: Progress | None = None,
) -> list[RunResult]:
    sources = [config.source(s) for s in source_ids] if source_ids else list(config.sources.values())
    results = []
    for source in sources:
        results.append(harvest_source(config, source, rewrite=rewrite, only_urls=only_urls,
                                      progress=progress, after_write=derived_updates))
    return results
