"""The search index: a Whoosh index derived from the graph.

Every entity :class:`hub.entities.EntityReader` knows (plans, commitments,
milestones, meetings, documents, bodies, theme decisions, timeline events,
thematic groups) becomes one index document. English text goes into stemmed
fields (``title``, ``text``); Welsh text (language ``cy``) into fields of its
own (``title_cy``, ``text_cy``) that are never put through an English stemmer.

The index lives in the data directory as *generations*:
``<data_dir>/index/<generation>/`` holds one whole index, and the symlink
``<data_dir>/index/current`` names the one in use. A rebuild writes a new
generation beside the current one and swaps the link atomically, so a reader
sees the old index or the new, never a half-written one; an update copies the
current generation (hard links: Whoosh never rewrites a file) and changes the
copy. Old generations are removed once they are a minute old, after readers
have moved on.

Each generation also holds ``columns.npz``: the facet values (jurisdiction,
kind, year, themes), date and field lengths of every document as arrays
indexed by document number, which :mod:`hub.search` uses to count facets and
rank results without walking Whoosh's postings document by document.

Public entry points: :func:`rebuild` (``ogh index``) and
:func:`update_sources` (after a harvest), :func:`open_current` for readers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import analysis, fields
from whoosh import index as whoosh_index
from whoosh.query import Or, Term
from whoosh.support.charset import accent_map

from hub.entities import KINDS, EntityReader, in_list, source_id, source_priorities
from hub.fsync import fsync_dir, fsync_tree
from hub.store import GraphStore
from vocab import DCTERMS, GRAPH, OGH, RDFS, SDO, SKOS

#: Bump when the schema or the columns change: an index of another version is
#: rebuilt rather than read.
INDEX_VERSION = 2

#: Words too common to search for, in English and Welsh. A word in this list
#: is dropped from queries as well as from the index, so "open and contracting"
#: finds what "open contracting" finds.
STOP_WORDS = frozenset(analysis.STOP_WORDS) | frozenset(
    "ac am ar at dan ei eu fe fel gan gyda hefyd hyn hynny mae neu nid oes sef sy sydd trwy un wedi "
    "yn yr y ym yng o i".split()
)

#: Most characters of a document's text kept for snippets.
EXCERPT_CHARS = 3000

#: Text fields a query searches, and their weights.
FIELD_BOOSTS = {"title": 2.5, "title_cy": 2.5, "text": 1.0, "text_cy": 1.0, "identifier": 3.0}
#: A query's words in ``text`` are matched and scored in ``body``: the same
#: words without positions, whose postings read an order of magnitude faster.
#: ``text`` keeps positions, read only to check phrases.
SCORED_IN = {"text": "body"}
#: Fields whose lengths (in words) are kept for scoring.
TEXT_FIELDS = ("title", "title_cy", "body", "text_cy", "identifier")
#: Most distinct terms whose postings a reader loads ahead of the first query.
WARM_TERMS = 400

#: Files of a generation that are ours, not Whoosh's.
_SIDECARS = frozenset({"columns.npz", "meta.json", "vocabulary.json"})

#: Generations kept besides the current one (for readers still on them).
KEEP_GENERATIONS = 2
#: Seconds an old generation is kept at least (a reader may be opening it).
GRACE_SECONDS = 60


class SearchIndexError(RuntimeError):
    """The index cannot be built or read; the message says why."""


def english_analyzer() -> analysis.Analyzer:
    return analysis.StemmingAnalyzer(stoplist=STOP_WORDS, minsize=2) | analysis.CharsetFilter(
        accent_map
    )


class _Replay(analysis.Analyzer):
    """The English analyzer of ``body`` and ``text``, which index one string
    each, one after the other (``body`` first: Whoosh takes fields in name
    order): the words found for ``body`` are replayed for ``text`` instead of
    being found twice. Any other call goes to the analyzer itself."""

    def __init__(self, inner: analysis.Analyzer) -> None:
        self.inner = inner
        self._last: tuple[str, list[tuple[str, int, float]]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"inner": self.inner}  # the index's schema holds no text

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.inner = state["inner"]
        self._last = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Replay) and other.inner == self.inner

    __hash__ = None  # type: ignore[assignment]

    def __call__(self, value: Any, positions: bool = False, mode: str = "", **kwargs: Any) -> Any:
        if mode != "index" or not isinstance(value, str):
            yield from self.inner(value, positions=positions, mode=mode, **kwargs)
            return
        last = self._last
        if last is not None and last[0] is value:
            words = last[1]
            self._last = None
        else:
            kwargs["boosts"] = True
            words = [(t.text, t.pos, t.boost) for t in
                     self.inner(value, positions=True, mode=mode, **kwargs)]
            self._last = (value, words)
        token = analysis.Token(positions=positions, boosts=True, mode=mode)
        for text, pos, boost in words:
            token.text, token.pos, token.boost = text, pos, boost
            yield token


def welsh_analyzer() -> analysis.Analyzer:
    """Welsh: words lower-cased and accents folded, never stemmed."""
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.StopFilter(stoplist=STOP_WORDS, minsize=2)
        | analysis.CharsetFilter(accent_map)
    )


def schema() -> fields.Schema:
    en = english_analyzer()
    cy = welsh_analyzer()
    twice = _Replay(english_analyzer())
    return fields.Schema(
        iri=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True),
        jurisdiction=fields.ID(stored=True),
        themes=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        year=fields.NUMERIC(int, stored=True),
        date=fields.ID(stored=True),
        publisher=fields.TEXT(analyzer=en, stored=True, phrase=False),
        language=fields.ID(stored=True),
        url=fields.STORED,
        sources=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        identifier=fields.TEXT(analyzer=welsh_analyzer(), stored=True),
        title=fields.TEXT(analyzer=en),
        text=fields.TEXT(analyzer=twice),
        body=fields.TEXT(analyzer=twice, phrase=False),
        title_cy=fields.TEXT(analyzer=cy),
        text_cy=fields.TEXT(analyzer=cy),
        label=fields.STORED,
        excerpt=fields.STORED,
        context=fields.STORED,
    )


# ----------------------------------------------------------------- documents

KIND_LABELS = {
    "ActionPlan": "Action plan",
    "Commitment": "Commitment",
    "Milestone": "Milestone",
    "Meeting": "Meeting",
    "Document": "Document",
    "Body": "Organisation or group",
    "ThemeDecision": "Theme decision",
    "TimelineEvent": "Timeline event",
    "ThematicGroup": "Thematic group",
}

KIND_PLURALS = {
    "ActionPlan": "Action plans",
    "Commitment": "Commitments",
    "Milestone": "Milestones",
    "Meeting": "Meetings",
    "Document": "Documents",
    "Body": "Organisations and groups",
    "ThemeDecision": "Theme decisions",
    "TimelineEvent": "Timeline events",
    "ThematicGroup": "Thematic groups",
}

JURISDICTION_LABELS = {
    "uk": "United Kingdom",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern-ireland": "Northern Ireland",
    "glasgow": "Glasgow",
}

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class _Extra:
    """What the index needs beyond the entity objects: Welsh literals, the
    graphs that state each entity, plan periods, commitment titles."""

    welsh: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    graphs: dict[str, set[str]] = field(default_factory=dict)
    plan_start: dict[str, str] = field(default_factory=dict)
    #: The jurisdiction of an entity that does not state one, by way of its
    #: commitment or plan (milestones, theme decisions, timeline events).
    jurisdiction: dict[str, str] = field(default_factory=dict)


def _read_extra(store: GraphStore, iris: list[str] | None = None) -> _Extra:
    """The extra facts of every entity, or of ``iris`` (read in batches)."""
    extra = _Extra()
    for row in store.select(
        f"SELECT ?p ?start WHERE {{ ?p a <{OGH.ActionPlan}> ; <{SDO.startDate}> ?start }}"
    ):
        extra.plan_start[str(row["p"])] = str(row["start"])
    if iris is None:
        _read_extra_of(store, "", extra)
    else:
        for i in range(0, len(iris), 1000):
            chunk = iris[i:i + 1000]
            _read_extra_of(store, "VALUES ?s { " + " ".join(f"<{x}>" for x in chunk) + " } ", extra)
    return extra


#: Predicates whose Welsh values go to the Welsh fields.
_WELSH_FIELDS = (DCTERMS.title, DCTERMS.description, OGH.text, SKOS.prefLabel, RDFS.label,
                 OGH.themeLabel)


def _read_extra_of(store: GraphStore, values: str, extra: _Extra) -> None:
    """The facts of :class:`_Extra` for the subjects of ``values`` (``VALUES
    ?s { ... }``), or of every subject when it is empty."""
    rows = store.select(
        f"SELECT ?s ?p ?o WHERE {{ {values}?s ?p ?o FILTER(?p IN ({in_list(_WELSH_FIELDS)})) "
        'FILTER(langMatches(lang(?o), "cy")) }'
    )
    for row in rows:
        pred = str(row["p"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        extra.welsh.setdefault(str(row["s"]), {}).setdefault(pred, []).append(str(row["o"]))
    rows = store.select(
        f"SELECT DISTINCT ?s ?g WHERE {{ {values}GRAPH ?g {{ ?s <{_RDF_TYPE}> ?t }} "
        f"FILTER(?t IN ({in_list(KINDS.values())})) }}"
    )
    for row in rows:
        sid = source_id(str(row["g"]))
        if sid:
            extra.graphs.setdefault(str(row["s"]), set()).add(sid)
    for row in store.select(
        f"SELECT ?s ?j WHERE {{ {values}{{ ?s <{OGH.commitment}> ?x }} UNION {{ ?s <{OGH.actionPlan}> ?x }} "
        f"?x <{OGH.jurisdiction}> ?j }}"
    ):
        extra.jurisdiction.setdefault(str(row["s"]), str(row["j"]).rsplit("/", 1)[-1])


def _kind_classes() -> str:
    return " ".join(f"<{c}>" for c in KINDS.values())


def _parse_date(value: str | None) -> tuple[str | None, int, int]:
    """(ISO date text, year or 0, days since 0001-01-01 or 0) of a date,
    month, year or datetime literal."""
    if not value:
        return None, 0, 0
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        return None, 0, 0
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        ordinal = dt.date(year, month, day).toordinal()
    except ValueError:
        return None, 0, 0
    return m.group(0), year, ordinal


def _fallback_title(e: dict[str, Any]) -> str:
    kind = e["kind"]
    where = JURISDICTION_LABELS.get(e.get("jurisdiction") or "", "")
    if kind == "ActionPlan":
        period = f"{e['start']}–{e['end']}" if e.get("start") and e.get("end") else ""
        number = f"number {e['number']}" if e.get("number") else ""
        return " ".join(p for p in (where, "action plan", period or number) if p)
    if kind == "Commitment":
        n = f" {e['number']}" if e.get("number") is not None else ""
        plan = e.get("plan_title")
        return f"Commitment{n}" + (f" of {plan}" if plan else "")
    if kind == "Milestone":
        return "Milestone"
    if kind == "Meeting":
        return f"{e.get('body') or 'Meeting'}: {e.get('date') or ''}".strip(": ")
    return e["iri"].rstrip("/").rsplit("/", 1)[-1]


def _join(*parts: Any) -> str:
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if isinstance(part, (list, tuple, set)):
            out.extend(str(p) for p in part if p)
        elif isinstance(part, dict):
            out.extend(str(v) for v in part.values() if v)
        else:
            out.append(str(part))
    return "\n".join(out)


def entity_document(e: dict[str, Any], extra: _Extra) -> dict[str, Any]:
    """The index document of one entity object."""
    iri = e["iri"]
    if not e.get("jurisdiction") and iri in extra.jurisdiction:
        e = {**e, "jurisdiction": extra.jurisdiction[iri]}
    welsh = extra.welsh.get(iri, {})
    cy_titles = welsh.get("title", []) + welsh.get("prefLabel", []) + welsh.get("label", [])
    cy_texts = welsh.get("description", []) + welsh.get("text", []) + welsh.get("themeLabel", [])
    title = e.get("title") or _fallback_title(e)
    title_is_welsh = title in cy_titles
    description = e.get("description")
    text = e.get("text")
    if description in cy_texts:
        description = None
    if text in cy_texts:
        text = None
    languages = e.get("language") or []
    language = "cy" if title_is_welsh or languages == ["cy"] else (languages[0] if languages else "en")

    date_value = (
        e.get("date") or e.get("published") or e.get("start") or e.get("due")
        or extra.plan_start.get(e.get("plan") or "")
    )
    date_iso, year, _ordinal = _parse_date(date_value)
    english = _join(
        None if title_is_welsh else [t for k, t in (e.get("titles") or {}).items() if k != "cy"],
        description, text, e.get("themes"), e.get("theme_labels"), e.get("theme"),
        e.get("publisher"), e.get("plan_title"), e.get("body"), e.get("leads"), e.get("lead"),
        e.get("status"), e.get("doc_type"), e.get("authors"), e.get("alt_names"), e.get("chairs"),
        e.get("outcome"), e.get("stage"),
    )
    excerpt_source = (text or description or "") if language != "cy" else (
        welsh.get("text", [""])[0] or welsh.get("description", [""])[0] or text or description or ""
    )
    identifiers = [e.get("identifier"), *(e.get("identifiers") or []), e.get("ogp_id")]
    context = {
        k: e[k]
        for k in ("plan", "plan_title", "body", "status", "doc_type", "number", "start", "end", "due")
        if e.get(k) not in (None, "", [])
    }
    sources = sorted(set(e.get("sources") or []) | extra.graphs.get(iri, set()))
    return {
        "iri": iri,
        "kind": e["kind"],
        "jurisdiction": e.get("jurisdiction") or "",
        "themes": ",".join(sorted({t for t in e.get("themes") or [] if t})),
        "year": year or None,
        "date": date_iso or "",
        "publisher": e.get("publisher") or "",
        "language": language,
        "url": e.get("url") or "",
        "sources": ",".join(sources),
        "identifier": _join(sorted({i for i in identifiers if i})),
        "title": "" if title_is_welsh else title,
        "text": english,
        "title_cy": _join(sorted(set(cy_titles))),
        "text_cy": _join(cy_texts),
        "excerpt": _excerpt(excerpt_source),
        "label": title,
        "context": json.dumps(context, ensure_ascii=False, sort_keys=True),
    }


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text.rfind(" ", 0, EXCERPT_CHARS)
    return text[: cut if cut > EXCERPT_CHARS // 2 else EXCERPT_CHARS] + " …"


def read_entities(store: GraphStore, iris: Iterable[str] | None = None,
                  priorities: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Entity objects for the index, each once under its most specific kind
    (a thematic group is also a body: it is indexed as a thematic group)."""
    reader = EntityReader(store, priorities)
    if iris is None:
        found: dict[str, dict[str, Any]] = {}
        for kind in reversed(list(KINDS)):
            for e in reader.list(kind):
                found.setdefault(e["iri"], e)
        return list(found.values())
    return reader.many(iris)


def documents(store: GraphStore, iris: Iterable[str] | None = None,
              priorities: dict[str, int] | None = None) -> Iterator[dict[str, Any]]:
    """The index documents of every entity (or of ``iris``)."""
    iri_list = None if iris is None else sorted(set(iris))
    entities = read_entities(store, iri_list, priorities)
    extra = _read_extra(store, None if iri_list is None else [e["iri"] for e in entities])
    for e in entities:
        yield entity_document(e, extra)


# --------------------------------------------------------------- generations


def index_root(config: Any) -> Path:
    return Path(config.data_dir) / "index"


def current_generation(config_or_root: Any) -> Path | None:
    root = config_or_root if isinstance(config_or_root, Path) else index_root(config_or_root)
    try:
        target = os.readlink(root / "current")
    except OSError:
        return None
    path = root / target
    return path if path.is_dir() else None


@contextlib.contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """One builder at a time (a rebuild and an update never interleave)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(root / "build.lock", "a+")  # noqa: SIM115
    except OSError as exc:
        raise SearchIndexError(f"{root}: cannot use the index directory: {exc.strerror}") from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _new_generation(root: Path) -> Path:
    name = f"gen-{time.time_ns():020d}-{os.getpid()}"
    path = root / f"tmp-{name}"
    path.mkdir(parents=True)
    return path


def _publish(root: Path, tmp: Path) -> Path:
    """Move a finished generation into place and point ``current`` at it."""
    final = root / tmp.name.removeprefix("tmp-")
    fsync_tree(tmp)
    os.rename(tmp, final)
    link_tmp = root / f".current-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link_tmp.unlink()
    os.symlink(final.name, link_tmp)
    os.replace(link_tmp, root / "current")
    fsync_dir(root)
    _collect(root, keep=final)
    return final


def _collect(root: Path, keep: Path) -> None:
    now = time.time()
    gens = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("gen-"))
    old = [p for p in gens if p != keep][: max(0, len(gens) - 1 - KEEP_GENERATIONS)]
    for path in old:
        if now - path.stat().st_mtime > GRACE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
    for path in root.glob("tmp-gen-*"):
        if now - path.stat().st_mtime > GRACE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


# ----------------------------------------------------------------- building


def _codec() -> Any:
    """Whoosh's codec with larger, uncompressed posting blocks: a search
    reads whole posting lists, and unpacking is what it pays for."""
    from whoosh.codec.whoosh3 import W3Codec

    return W3Codec(blocklimit=512, compression=0)


def _writer(ix: Any) -> Any:
    return ix.writer(limitmb=256, codec=_codec())


def _add_all(writer: Any, docs: Iterable[dict[str, Any]]) -> int:
    n = 0
    for doc in docs:
        doc = {k: v for k, v in doc.items() if v not in (None, "")}
        if "text" in doc:
            doc["body"] = doc["text"]
        writer.add_document(**doc)
        n += 1
    return n


def _priorities(config: Any) -> dict[str, int] | None:
    return source_priorities(config) if hasattr(config, "sources") else None


def rebuild(config: Any, store: GraphStore) -> dict[str, Any]:
    """Build a new generation of the index from every entity in ``store`` and
    make it current. Returns what was done (documents, seconds, generation)."""
    started = time.perf_counter()
    docs = list(documents(store, priorities=_priorities(config)))
    done = build(config, docs, getattr(store, "snapshot", None))
    done["seconds"] = round(time.perf_counter() - started, 3)
    return done


def build(config: Any, docs: list[dict[str, Any]], snapshot: str | None = None) -> dict[str, Any]:
    """Index ``docs`` (from :func:`documents`) as a new generation and make it
    current."""
    started = time.perf_counter()
    root = index_root(config)
    with _build_lock(root):
        tmp = _new_generation(root)
        try:
            ix = whoosh_index.create_in(str(tmp), schema())
            writer = _writer(ix)
            try:
                n = _add_all(writer, docs)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(optimize=True)
            _write_columns(ix, tmp, snapshot, len(docs))
            _write_vocabulary(tmp, _vocabulary(docs))
            final = _publish(root, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return {"documents": n, "seconds": round(time.perf_counter() - started, 3),
            "generation": final.name, "mode": "rebuild"}


def update_sources(config: Any, store: GraphStore, source_ids: Iterable[str]) -> dict[str, Any]:
    """Re-index the entities the given sources state, and remove from the
    index those no longer in the store; everything else stays as it is. A
    new generation is published whole, as for a rebuild. Without a current
    index this is a rebuild.

    Only entities a changed source states are re-read: an entity of another
    source that shows a changed entity's title (a commitment's plan title)
    keeps the old words until the next rebuild."""
    started = time.perf_counter()
    wanted = sorted(set(source_ids))
    root = index_root(config)
    current = current_generation(root)
    if current is None or not _compatible(current):
        return rebuild(config, store)
    with _build_lock(root):
        current = current_generation(root)
        if current is None:
            return rebuild(config, store)
        tmp = _new_generation(root)
        try:
            _copy_generation(current, tmp)
            ix = whoosh_index.open_dir(str(tmp))
            affected: set[str] = set()
            with ix.searcher() as searcher:
                q = Or([Term("sources", sid) for sid in wanted])
                for docnum in searcher.docs_for_query(q):
                    affected.add(searcher.stored_fields(docnum)["iri"])
            for sid in wanted:
                graph = f"{GRAPH}source/{sid}"
                for row in store.select(
                    f"SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {_kind_classes()} }} "
                    f"GRAPH <{graph}> {{ ?s <{_RDF_TYPE}> ?t }} }}"
                ):
                    affected.add(str(row["s"]))
            docs = list(documents(store, affected, _priorities(config))) if affected else []
            writer = _writer(ix)
            try:
                for iri in sorted(affected):
                    writer.delete_by_term("iri", iri)
                n = _add_all(writer, docs)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            total = ix.doc_count()
            _write_columns(ix, tmp, getattr(store, "snapshot", None), total)
            try:
                previous = json.loads((current / "vocabulary.json").read_text())
            except (OSError, ValueError):
                previous = {}
            _write_vocabulary(tmp, _vocabulary(docs, previous))
            final = _publish(root, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return {"documents": total, "reindexed": n, "removed": len(affected) - n,
            "sources": wanted, "seconds": round(time.perf_counter() - started, 3),
            "generation": final.name, "mode": "update"}


def _copy_generation(source: Path, target: Path) -> None:
    """Copy a generation for an update: Whoosh's segment files, which it
    never rewrites, as hard links; the rest (table of contents) as copies.
    The columns, vocabulary and meta are written anew, never shared."""
    for entry in source.iterdir():
        if not entry.is_file() or entry.name in _SIDECARS or entry.name.endswith(".lock"):
            continue
        if entry.suffix == ".seg":
            try:
                os.link(entry, target / entry.name)
                continue
            except OSError:
                pass
        shutil.copy2(entry, target / entry.name)


def _compatible(path: Path) -> bool:
    try:
        meta = json.loads((path / "meta.json").read_text())
    except (OSError, ValueError):
        return False
    return meta.get("version") == INDEX_VERSION


# ------------------------------------------------------------------ columns


def _write_columns(ix: Any, path: Path, snapshot: str | None, expected: int) -> None:
    """Write ``columns.npz`` and ``meta.json`` for the committed index at
    ``path``: one entry per document number, deleted documents marked."""
    with ix.reader() as reader:
        n = reader.doc_count_all()
        live = np.zeros(n, dtype=bool)
        kind = np.full(n, -1, dtype=np.int8)
        jurisdiction = np.full(n, -1, dtype=np.int8)
        year = np.zeros(n, dtype=np.int16)
        ordinal = np.zeros(n, dtype=np.int32)
        theme_lists: list[list[str]] = [[] for _ in range(n)]
        kinds = list(KINDS)
        jurisdictions = list(JURISDICTION_LABELS)
        themes: set[str] = set()
        for docnum, stored in reader.iter_docs():
            live[docnum] = True
            k = stored.get("kind")
            kind[docnum] = kinds.index(k) if k in kinds else -1
            j = stored.get("jurisdiction")
            jurisdiction[docnum] = jurisdictions.index(j) if j in jurisdictions else -1
            _, y, o = _parse_date(stored.get("date"))
            year[docnum] = y
            ordinal[docnum] = o
            ts = [t for t in (stored.get("themes") or "").split(",") if t]
            theme_lists[docnum] = ts
            themes.update(ts)
        theme_names = sorted(themes)
        words = max(1, (len(theme_names) + 63) // 64)
        theme_bits = np.zeros((n, words), dtype=np.uint64)
        position = {t: i for i, t in enumerate(theme_names)}
        for docnum, ts in enumerate(theme_lists):
            for t in ts:
                i = position[t]
                theme_bits[docnum, i // 64] |= np.uint64(1 << (i % 64))
        lengths = {}
        for name in TEXT_FIELDS:
            arr = np.zeros(n, dtype=np.float32)
            for docnum in np.flatnonzero(live):
                arr[docnum] = reader.doc_field_length(int(docnum), name, 0) or 0
            # Whoosh reports a document without the field as NaN.
            lengths[name] = np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)
    if int(live.sum()) != expected:
        raise SearchIndexError(f"{path}: the index holds {int(live.sum())} documents, expected {expected}")
    arrays: dict[str, np.ndarray] = {
        "live": live, "kind": kind, "jurisdiction": jurisdiction, "year": year, "ordinal": ordinal,
        "theme_bits": theme_bits, **{f"length_{name}": arr for name, arr in lengths.items()},
    }
    np.savez(path / "columns.npz", **arrays)  # type: ignore[arg-type]
    with ix.reader() as reader:
        by_frequency = sorted(
            ((reader.doc_frequency(name, term), name, term)
             for name in ("body", "title") for term in reader.field_terms(name)),
            key=lambda x: (-x[0], x[1], x[2]),
        )
    meta = {
        "warm_terms": [[name, term] for df, name, term in by_frequency[:WARM_TERMS] if df > 1],
        "version": INDEX_VERSION,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "documents": int(live.sum()),
        "store_snapshot": snapshot,
        "kinds": kinds,
        "jurisdictions": jurisdictions,
        "themes": theme_names,
    }
    (path / "meta.json").write_text(json.dumps(meta, indent=1))


_VOCAB_WORD = re.compile(r"[^\W\d_]{3,}")


def _vocabulary(docs: Iterable[dict[str, Any]], previous: dict[str, int] | None = None) -> dict[str, int]:
    """Word → number of documents, for spelling suggestions: the words as
    written (lower case, accents folded), never stemmed."""
    counts: Counter[str] = Counter(previous or {})
    for doc in docs:
        text = " ".join(doc.get(k) or "" for k in ("label", "title", "text", "title_cy", "text_cy"))
        counts.update(set(_VOCAB_WORD.findall(text.lower().translate(accent_map))))
    return dict(counts)


def _write_vocabulary(path: Path, vocabulary: dict[str, int]) -> None:
    (path / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False, sort_keys=True))


def read_meta(path: Path) -> dict[str, Any]:
    return json.loads((path / "meta.json").read_text())


__all__ = [
    "FIELD_BOOSTS",
    "INDEX_VERSION",
    "JURISDICTION_LABELS",
    "KIND_LABELS",
    "KIND_PLURALS",
    "STOP_WORDS",
    "SearchIndexError",
    "current_generation",
    "documents",
    "english_analyzer",
    "entity_document",
    "rebuild",
    "schema",
    "update_sources",
    "welsh_analyzer",
]
