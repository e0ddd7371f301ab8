"""Searching the index: query parsing, ranking, facets, snippets and "did
you mean".

Whoosh parses the query and holds the postings; this module evaluates the
parsed query over whole posting lists read block by block into arrays, so a
query that matches most of a 100,000-document index costs a few array
operations rather than a Python loop over every match. That is what lets one
request rank the results *and* count every facet (jurisdiction, kind, theme,
year) within tens of milliseconds:

* each term's postings become (document numbers, BM25 contributions), cached
  per index generation;
* ``And``/``Or``/``Not`` combine boolean masks and add scores;
* phrases, and any query node this module does not know, are answered by
  Whoosh itself (``docs_for_query``), so results are always exact;
* facet counts are disjunctive: a facet's own choices do not narrow its
  counts (ticking "Scotland" still shows how many Wales has), the other
  facets' choices do;
* ranking is BM25 over the title (weighted), the text, the Welsh fields and
  identifiers; ties, and ``sort=date``, go by date, newest first.

Queries that Whoosh's parser cannot make sense of (a lone quote, a stray
operator) are searched as plain words: a search never fails on its query.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import os
import pickle
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh import qparser, query
from whoosh.lang.porter import stem as porter_stem
from whoosh.reading import TermNotFound
from whoosh.support.charset import accent_map

from hub.index import (
    FIELD_BOOSTS,
    JURISDICTION_LABELS,
    KIND_LABELS,
    KIND_PLURALS,
    SCORED_IN,
    STOP_WORDS,
    TEXT_FIELDS,
    current_generation,
    index_root,
)

#: BM25 parameters.
K1 = 1.2
B = 0.75
#: The most terms a wildcard or range may expand to.
MAX_EXPANSION = 64
#: The most leaf terms one query may hold after expansion.
MAX_TERMS = 256
#: Most documents whose word positions are checked for one phrase.
PHRASE_EXACT_LIMIT = 20_000
#: Bytes of phrase results, wildcard expansions and spelling suggestions
#: kept per generation.
SMALL_CACHE_BYTES = 16 * 2**20
#: Bytes of posting lists kept in memory per generation (per process).
POSTINGS_CACHE_BYTES = 96 * 2**20
#: Deepest result asked for (page × page size); deeper pages are refused.
MAX_DEPTH = 10_000
#: Characters of a snippet around its first match.
SNIPPET_CHARS = 260

ENGLISH_FIELDS = frozenset({"title", "text", "body", "publisher"})
SORTS = ("relevance", "date")
FACETS = ("jurisdiction", "kind", "theme", "year")


class SearchError(ValueError):
    """A search that cannot be run as asked (a filter value that cannot be
    read, a page too deep); the message says which parameter and why."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass
class SearchRequest:
    q: str = ""
    jurisdiction: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    year: list[int] = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    #: Count the facets (False: only the results, for callers that need no counts)
    facets: bool = True


@dataclass
class SearchResults:
    request: SearchRequest
    total: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    suggestion: str | None = None
    notices: list[str] = field(default_factory=list)
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.request.page_size))

    def to_json(self) -> dict[str, Any]:
        r = self.request
        return {
            "query": r.q,
            "filters": {"jurisdiction": r.jurisdiction, "kind": r.kind, "theme": r.theme,
                        "year": r.year},
            "sort": r.sort,
            "page": r.page,
            "page_size": r.page_size,
            "pages": self.pages,
            "total": self.total,
            "results": [
                {k: v for k, v in hit.items() if k not in ("docnum",)} for hit in self.hits
            ],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "notices": self.notices,
        }


# ---------------------------------------------------------------- analysis


@functools.lru_cache(maxsize=100_000)
def _en_key(word: str) -> str:
    return porter_stem(word).translate(accent_map)


def _fold(word: str) -> str:
    return word.translate(accent_map)


_WORD = re.compile(r"\w+(?:\.?\w+)*")


def _parser(schema: Any) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS, group=qparser.AndGroup
    )
    # An apostrophe is part of a word ("people's panel"), not a quote.
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    return parser


def plain_words(text: str) -> list[str]:
    """The words of a query, ignoring its syntax."""
    return [w for w in _WORD.findall(text) if w.upper() not in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")]


# --------------------------------------------------------------- the engine


class _Matched:
    """A query node's matches: a mask over document numbers and scores."""

    __slots__ = ("mask", "scores")

    def __init__(self, mask: np.ndarray, scores: np.ndarray) -> None:
        self.mask = mask
        self.scores = scores


_MISSING = object()


class _BoundedCache:
    """Least recently used entries, bounded by their size in bytes. Not
    thread-safe on its own: the generation's lock guards it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()

    def get(self, key: Any, default: Any = None) -> Any:
        item = self._items.get(key)
        if item is None:
            return default
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._items[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self.bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)


class Generation:
    """One generation of the index, opened for searching. Thread-safe: the
    Whoosh reader is used under a lock, the arrays are read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.meta = json.loads((path / "meta.json").read_text())
        self.ix = whoosh_index.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.schema = self.ix.schema
        self.parser = _parser(self.schema)
        with np.load(path / "columns.npz") as cols:
            self.live = cols["live"]
            self.kind = cols["kind"]
            self.jurisdiction = cols["jurisdiction"]
            self.year = cols["year"]
            self.ordinal = cols["ordinal"]
            self.theme_bits = cols["theme_bits"]
            self.lengths = {name: cols[f"length_{name}"] for name in TEXT_FIELDS}
        self.n = len(self.live)
        self.n_live = int(self.live.sum())
        self.avg_length = {
            name: float(arr[self.live].mean()) if self.n_live and arr[self.live].any() else 1.0
            for name, arr in self.lengths.items()
        }
        self.kinds: list[str] = self.meta["kinds"]
        self.jurisdictions: list[str] = self.meta["jurisdictions"]
        self.themes: list[str] = self.meta["themes"]
        vocab_path = path / "vocabulary.json"
        vocab = json.loads(vocab_path.read_text()) if vocab_path.exists() else {}
        self.vocabulary: dict[str, int] = vocab
        self._sorted_words = sorted(vocab)
        self._lock = threading.RLock()
        self._closed = False
        self._cache = _BoundedCache(POSTINGS_CACHE_BYTES)
        self._small = _BoundedCache(SMALL_CACHE_BYTES)
        self.leaves = [(s.reader(), offset) for s, offset in self._leaf_searchers()]

    def warm_up(self, budget: float = 0.5) -> int:
        """Load the postings of the most frequent terms (listed at build time)
        until ``budget`` of the postings cache is used; returns the number
        loaded. Run in the background when a process opens a generation, so
        that the first searches after a rebuild need not read them."""
        loaded = 0
        for fieldname, text in self.meta.get("warm_terms", []):
            if self._closed or self._cache.bytes > self._cache.max_bytes * budget:
                break
            self.postings(fieldname, text)
            loaded += 1
        return loaded

    def _leaf_searchers(self) -> list[tuple[Any, int]]:
        return list(self.searcher.leaf_searchers())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self.searcher.close()

    # -- postings ---------------------------------------------------------
    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25 contributions) of one term, live documents
        only; cached."""
        key = (fieldname, text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                return hit
            ids, tf = self._read_postings(fieldname, text)
        if len(ids):
            keep = self.live[ids]
            ids, tf = ids[keep].astype(np.int32), tf[keep]
        df = len(ids)
        if df:
            idf = math.log(1.0 + (self.n_live - df + 0.5) / (df + 0.5))
            dl = self.lengths.get(fieldname)
            if dl is not None:
                norm = K1 * (1.0 - B + B * dl[ids] / self.avg_length[fieldname])
            else:
                norm = np.full(df, K1, dtype=np.float32)
            contrib = (idf * tf * (K1 + 1.0) / (tf + norm)).astype(np.float32)
        else:
            contrib = np.zeros(0, dtype=np.float32)
        value = (ids, contrib)
        with self._lock:
            self._cache.put(key, value, ids.nbytes + contrib.nbytes)
        return value

    def _read_postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        if fieldname not in self.schema:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        fieldobj = self.schema[fieldname]
        btext = fieldobj.to_bytes(text)
        id_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        for reader, offset in self.leaves:
            terms = getattr(reader, "_terms", None)
            try:
                if terms is not None:  # a segment: its raw postings (deleted ones masked later)
                    matcher = terms.matcher(fieldname, btext, fieldobj.format, scorer=None)
                else:
                    matcher = reader.postings(fieldname, btext)
            except (TermNotFound, KeyError):
                continue
            ids, tf = _matcher_arrays(matcher)
            id_parts.append(ids + offset)
            tf_parts.append(tf)
        if not id_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(id_parts), np.concatenate(tf_parts)

    def _cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        with self._lock:
            hit = self._small.get(key, _MISSING)
            if hit is not _MISSING:
                return hit
        value = compute()
        size = value.nbytes if isinstance(value, np.ndarray) else 64 + sum(len(v) for v in value or ())
        with self._lock:
            self._small.put(key, value, size)
        return value

    def phrase_ids(self, q: query.Phrase, candidates: np.ndarray) -> np.ndarray:
        """The documents where the phrase's words stand side by side (within
        its slop), among ``candidates`` (the documents holding every word)."""
        key = ("phrase", q.fieldname, tuple(q.words), q.slop)
        return self._cached(key, lambda: self._phrase_ids(q, candidates))

    def _phrase_ids(self, q: query.Phrase, candidates: np.ndarray) -> np.ndarray:
        fieldobj = self.schema[q.fieldname]
        positions: list[dict[int, list[int]]] = []
        from whoosh.codec.whoosh3 import W3LeafMatcher

        with self._lock:
            for word in q.words:
                found: dict[int, list[int]] = {}
                btext = fieldobj.to_bytes(word)
                for reader, offset in self.leaves:
                    terms = getattr(reader, "_terms", None)
                    if terms is None:
                        return self.whoosh_ids(q)
                    try:
                        matcher = terms.matcher(q.fieldname, btext, fieldobj.format, scorer=None)
                    except (TermNotFound, KeyError):
                        continue
                    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
                        return self.whoosh_ids(q)
                    while matcher.is_active():
                        if matcher._data is None:
                            matcher._read_data()
                        ids = np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)) + offset
                        hits = np.flatnonzero(candidates[ids])
                        if len(hits):
                            matcher._read_values()
                            values = matcher._values
                            for i in hits:
                                found[int(ids[i])] = _positions(values[i])
                        matcher._next_block()
                positions.append(found)
        slop = max(1, int(q.slop))
        out = []
        for docnum in np.flatnonzero(candidates):
            doc = int(docnum)
            starts = set(positions[0].get(doc, ()))
            for k, found in enumerate(positions[1:], start=1):
                if not starts:
                    break
                following = found.get(doc, ())
                if slop == 1:
                    starts &= {p - k for p in following}
                else:
                    starts = {s for s in starts if any(0 < p - s - (k - 1) <= slop for p in following)}
            if starts:
                out.append(doc)
        return np.asarray(out, dtype=np.int64)

    def whoosh_ids(self, q: query.Query) -> np.ndarray:
        with self._lock:
            return np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)

    def expand(self, q: query.Query) -> list[bytes]:
        return self._cached(("expand", type(q).__name__, repr(q)), lambda: self._expand(q))

    def _expand(self, q: query.Query) -> list[bytes]:
        with self._lock:
            reader = self.searcher.reader()
            out: list[bytes] = []
            for btext in q._btexts(reader):
                out.append(btext)
                if len(out) > MAX_EXPANSION:
                    break
            return out

    def stored(self, docnum: int) -> dict[str, Any]:
        with self._lock:
            return self.searcher.stored_fields(int(docnum))

    def doc_count(self) -> int:
        return self.n_live

    # -- evaluation -------------------------------------------------------
    def empty(self) -> _Matched:
        return _Matched(np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.float32))

    def everything(self) -> _Matched:
        return _Matched(self.live.copy(), np.zeros(self.n, dtype=np.float32))


def _positions(value: bytes) -> list[int]:
    """Word positions from a posting of Whoosh's ``Positions`` format (a
    count, then the pickled gaps, its final STOP byte dropped)."""
    gaps = pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")
    return list(itertools.accumulate(gaps))


def _matcher_arrays(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """A posting list's document numbers and term frequencies. Whoosh's own
    block reader is read a block at a time (its ids delta-coded, its weights
    an array); any other matcher is walked posting by posting."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        id_blocks: list[np.ndarray] = []
        w_blocks: list[np.ndarray] = []
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw_ids, raw_weights = matcher._data[0], matcher._data[1]
            count = matcher._blocklength
            ids = np.cumsum(np.asarray(raw_ids, dtype=np.int64))
            if raw_weights is None:
                weights = np.ones(count, dtype=np.float32)
            elif isinstance(raw_weights, float):
                weights = np.full(count, raw_weights, dtype=np.float32)
            else:
                weights = np.asarray(raw_weights, dtype=np.float32)
            if len(ids) != count or len(weights) != count:
                raise RuntimeError("unexpected posting block layout")
            id_blocks.append(ids)
            w_blocks.append(weights)
            matcher._next_block()
        if not id_blocks:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(id_blocks), np.concatenate(w_blocks)
    ids_list: list[int] = []
    weights_list: list[float] = []
    while matcher.is_active():
        ids_list.append(matcher.id())
        weights_list.append(matcher.weight())
        matcher.next()
    return np.asarray(ids_list, dtype=np.int64), np.asarray(weights_list, dtype=np.float32)


class _Evaluator:
    """Evaluates a parsed Whoosh query over a generation."""

    def __init__(self, gen: Generation) -> None:
        self.gen = gen
        self.terms = 0
        self.notices: list[str] = []

    def run(self, q: query.Query) -> _Matched:
        return self.eval(q)

    def term(self, fieldname: str, text: str, boost: float) -> _Matched:
        self.terms += 1
        m = self.gen.empty()
        if self.terms > MAX_TERMS:
            return m
        ids, contrib = self.gen.postings(SCORED_IN.get(fieldname, fieldname), text)
        m.mask[ids] = True
        m.scores[ids] = contrib * boost
        return m

    def eval(self, q: query.Query) -> _Matched:
        gen = self.gen
        if q is query.NullQuery or isinstance(q, query.qcore._NullQuery):
            return gen.empty()
        if isinstance(q, query.Every):
            return gen.everything()
        if isinstance(q, query.Term):
            return self.term(q.fieldname, q.text, q.boost)
        if isinstance(q, (query.Or, query.DisjunctionMax)):
            out = gen.empty()
            for child in q.subqueries:
                m = self.eval(child)
                out.mask |= m.mask
                if isinstance(q, query.DisjunctionMax):
                    np.maximum(out.scores, m.scores, out=out.scores)
                else:
                    out.scores += m.scores
            out.scores *= q.boost
            return out
        if isinstance(q, query.And):
            positives = [c for c in q.subqueries if not isinstance(c, query.Not)]
            negatives = [c.query for c in q.subqueries if isinstance(c, query.Not)]
            if positives:
                first = self.eval(positives[0])
                mask, scores = first.mask, first.scores
                for child in positives[1:]:
                    m = self.eval(child)
                    mask &= m.mask
                    scores += m.scores
            else:
                mask, scores = gen.live.copy(), np.zeros(gen.n, dtype=np.float32)
            for child in negatives:
                mask &= ~self.eval(child).mask
            scores *= mask
            scores *= q.boost
            return _Matched(mask, scores)
        if isinstance(q, query.Not):
            m = self.eval(q.query)
            return _Matched(gen.live & ~m.mask, np.zeros(gen.n, dtype=np.float32))
        if isinstance(q, query.AndNot):
            a, b = self.eval(q.a), self.eval(q.b)
            a.mask &= ~b.mask
            a.scores *= a.mask
            return a
        if isinstance(q, query.AndMaybe):
            a, b = self.eval(q.a), self.eval(q.b)
            a.scores += b.scores * a.mask
            return a
        if isinstance(q, query.Require):
            a, b = self.eval(q.a), self.eval(q.b)
            a.mask &= b.mask
            a.scores *= a.mask
            return a
        if isinstance(q, query.Phrase):
            words = [w for w in q.words if w]
            if not words:
                return gen.empty()
            if len(words) == 1:
                return self.term(q.fieldname, words[0], q.boost)
            parts = [self.term(q.fieldname, word, q.boost) for word in words]
            out = gen.empty()
            fieldobj = gen.schema[q.fieldname] if q.fieldname in gen.schema else None  # noqa: SIM401
            every_word = np.logical_and.reduce([p.mask for p in parts])
            candidates = int(every_word.sum())
            if fieldobj is None or not fieldobj.format.supports("positions"):
                # A field without positions: every word, anywhere.
                out.mask = every_word
            elif candidates <= PHRASE_EXACT_LIMIT:
                out.mask[gen.phrase_ids(q, every_word)] = True
            else:
                # Checking word positions costs a few µs a document: a phrase
                # whose words meet in very many documents is searched as its
                # words, and the page says so.
                out.mask = every_word
                notice = (f"“{' '.join(words)}” is too common to match as an exact phrase; "
                          "the results have its words, not necessarily side by side.")
                if notice not in self.notices:
                    self.notices.append(notice)
            for p in parts:
                out.scores += p.scores
            out.scores *= out.mask
            return out
        if isinstance(q, query.MultiTerm):
            texts = gen.expand(q)
            if len(texts) > MAX_EXPANSION:
                texts = texts[:MAX_EXPANSION]
                notice = (f"“{q}” matches many words; only the first {MAX_EXPANSION} were searched.")
                if notice not in self.notices:
                    self.notices.append(notice)
            fieldobj = gen.schema[q.fieldname] if q.fieldname in gen.schema else None  # noqa: SIM401
            out = gen.empty()
            for btext in texts:
                text = fieldobj.from_bytes(btext) if fieldobj is not None else btext.decode()
                m = self.term(q.fieldname, text, q.boost)
                out.mask |= m.mask
                np.maximum(out.scores, m.scores, out=out.scores)
            return out
        # Anything else (ranges of numbers, spans, ...): Whoosh answers.
        out = gen.empty()
        out.mask[gen.whoosh_ids(q)] = True
        out.scores[out.mask] = q.boost if hasattr(q, "boost") else 1.0
        return out


def _highlight_terms(q: query.Query) -> tuple[set[str], set[str], list[str]]:
    """(English stems, other words, prefixes) a snippet should mark: the
    query's terms outside any NOT."""
    en: set[str] = set()
    other: set[str] = set()
    prefixes: list[str] = []

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if isinstance(node, query.Term):
            (en if node.fieldname in ENGLISH_FIELDS else other).add(str(node.text))
            return
        if isinstance(node, query.Phrase):
            for w in node.words:
                (en if node.fieldname in ENGLISH_FIELDS else other).add(str(w))
            return
        if isinstance(node, query.Prefix):
            if len(node.text) >= 2:
                prefixes.append(str(node.text))
            return
        for child in node.children():
            walk(child)

    walk(q)
    return en, other, prefixes


@functools.lru_cache(maxsize=1024)
def _candidates(en: frozenset[str], other: frozenset[str],
                prefixes: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern finding the words that may match (those starting with the
    first letters of a term); each is then checked properly."""
    starts = {t[:3] for t in (*en, *other, *prefixes) if t}
    if not starts:
        return None
    alternatives = "|".join(sorted(re.escape(s) for s in starts))
    return re.compile(rf"\b(?:{alternatives})\w*(?:\.\w+)*", re.IGNORECASE)


def snippet(text: str, en: set[str], other: set[str], prefixes: list[str],
            width: int = SNIPPET_CHARS) -> Markup:
    """An escaped excerpt of ``text`` around its first match, matches marked
    with ``<mark>``. Everything from the document is escaped; the only markup
    is ours."""
    if not text:
        return Markup("")
    spans: list[tuple[int, int]] = []
    finder = _candidates(frozenset(en), frozenset(other), tuple(prefixes))
    for m in finder.finditer(text) if finder is not None else ():
        word = m.group(0).lower()
        folded = _fold(word)
        if (
            (en and word not in STOP_WORDS and _en_key(word) in en)
            or folded in other
            or any(folded.startswith(p) for p in prefixes)
        ):
            spans.append(m.span())
    if spans:
        first = spans[0][0]
        start = max(0, first - width // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    out: list[str] = []
    if start > 0:
        out.append("… ")
    pos = start
    for s, e in spans:
        if e <= start or s < pos:
            continue
        if s >= end:
            break
        out.append(str(escape(text[pos:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(str(escape(text[pos:end])))
    if end < len(text):
        out.append(" …")
    return Markup("".join(out))


# ------------------------------------------------------------------ search


def _facet_code(values: list[str], choices: list[str]) -> list[int]:
    return [choices.index(v) for v in values if v in choices]


def search(gen: Generation, req: SearchRequest) -> SearchResults:
    started = time.perf_counter()
    if req.sort not in SORTS:
        raise SearchError(f"sort must be one of {', '.join(SORTS)}, not {req.sort!r}", "sort")
    if req.page < 1:
        raise SearchError("page must be 1 or more", "page")
    if req.page * req.page_size > MAX_DEPTH:
        raise SearchError(
            f"page {req.page} is too deep: at most {MAX_DEPTH // req.page_size} pages are shown; "
            "narrow the search with filters instead", "page")
    notices: list[str] = []
    q_text = req.q.strip()
    parsed: query.Query | None = None
    evaluator = _Evaluator(gen)
    if q_text:
        parsed = _parse(gen, q_text, notices)
        matched = evaluator.run(parsed)
        notices.extend(evaluator.notices)
        if evaluator.terms > MAX_TERMS:
            notices.append(f"The query is long: only its first {MAX_TERMS} terms were searched.")
    else:
        matched = gen.everything()
    base = matched.mask & gen.live

    masks: dict[str, np.ndarray | None] = {
        "jurisdiction": _in(gen.jurisdiction, _facet_code(req.jurisdiction, gen.jurisdictions))
        if req.jurisdiction else None,
        "kind": _in(gen.kind, _facet_code(req.kind, gen.kinds)) if req.kind else None,
        "year": _in(gen.year, req.year) if req.year else None,
        "theme": _theme_mask(gen, req.theme) if req.theme else None,
    }
    final = base.copy()
    for m in masks.values():
        if m is not None:
            final &= m

    facets = {
        name: _facet_counts(gen, name, base, masks, req) for name in FACETS
    } if req.facets else {}
    total = int(final.sum())
    hits = _top(gen, final, matched.scores, req, total)
    en, other, prefixes = _highlight_terms(parsed) if parsed is not None else (set(), set(), [])
    results = []
    for docnum in hits:
        stored = gen.stored(docnum)
        results.append(_hit(stored, en, other, prefixes))

    suggestion = None
    if q_text and (total == 0 or (total < req.page_size and _unknown_words(gen, q_text))):
        suggestion = gen._cached(("suggest", q_text), lambda: _suggest(gen, q_text, req))
    took = (time.perf_counter() - started) * 1000
    return SearchResults(request=req, total=total, hits=results, facets=facets,
                         suggestion=suggestion, notices=notices, took_ms=round(took, 2))


def _parse(gen: Generation, text: str, notices: list[str]) -> query.Query:
    try:
        q = gen.parser.parse(text)
    except Exception:  # any parser failure falls back to plain words
        q = None
    if q is None:
        words = plain_words(text)
        notices.append("The search was read as plain words: its quotes or operators did not pair up.")
        escaped = " ".join(f'"{w}"' if not w.isalnum() else w for w in words)
        try:
            q = gen.parser.parse(escaped)
        except Exception:
            q = query.NullQuery
    return q


def _in(values: np.ndarray, allowed: Iterable[int]) -> np.ndarray:
    mask = np.zeros(len(values), dtype=bool)
    for value in set(allowed):
        mask |= values == value
    return mask


def _theme_mask(gen: Generation, themes: list[str]) -> np.ndarray:
    wanted = np.zeros(gen.theme_bits.shape[1], dtype=np.uint64)
    for t in themes:
        if t in gen.themes:
            i = gen.themes.index(t)
            wanted[i // 64] |= np.uint64(1 << (i % 64))
    return ((gen.theme_bits & wanted) != 0).any(axis=1)


def _facet_counts(gen: Generation, name: str, base: np.ndarray, masks: dict[str, np.ndarray | None],
                  req: SearchRequest) -> list[dict[str, Any]]:
    scope = base.copy()
    for other, m in masks.items():
        if other != name and m is not None:
            scope &= m
    out: list[dict[str, Any]] = []
    if name == "jurisdiction":
        counts = np.bincount(gen.jurisdiction[scope & (gen.jurisdiction >= 0)].astype(np.int64),
                             minlength=len(gen.jurisdictions))
        for i, value in enumerate(gen.jurisdictions):
            if counts[i] or value in req.jurisdiction:
                out.append({"value": value, "label": JURISDICTION_LABELS.get(value, value),
                            "count": int(counts[i]), "selected": value in req.jurisdiction})
    elif name == "kind":
        counts = np.bincount(gen.kind[scope & (gen.kind >= 0)].astype(np.int64), minlength=len(gen.kinds))
        for i, value in enumerate(gen.kinds):
            if counts[i] or value in req.kind:
                out.append({"value": value, "label": KIND_PLURALS.get(value, value),
                            "count": int(counts[i]), "selected": value in req.kind})
    elif name == "theme":
        bits = gen.theme_bits[scope]
        counts = np.unpackbits(bits.view(np.uint8).reshape(len(bits), -1), axis=1,
                               bitorder="little").sum(axis=0) if len(bits) else np.zeros(
            gen.theme_bits.shape[1] * 64, dtype=np.int64)
        items = [(t, int(counts[i])) for i, t in enumerate(gen.themes)]
        for value, count in sorted(items, key=lambda x: (-x[1], x[0])):
            if count or value in req.theme:
                out.append({"value": value, "label": value, "count": count,
                            "selected": value in req.theme})
        for value in req.theme:
            if value not in gen.themes:
                out.append({"value": value, "label": value, "count": 0, "selected": True})
    elif name == "year":
        years = gen.year[scope & (gen.year > 0)]
        values, counts = np.unique(years, return_counts=True)
        by_year = {int(v): int(c) for v, c in zip(values, counts, strict=True)}
        for y in req.year:
            by_year.setdefault(y, 0)
        for y in sorted(by_year, reverse=True):
            out.append({"value": str(y), "label": str(y), "count": by_year[y],
                        "selected": y in req.year})
    return out


def _top(gen: Generation, final: np.ndarray, scores: np.ndarray, req: SearchRequest,
         total: int) -> list[int]:
    start = (req.page - 1) * req.page_size
    if start >= total:
        return []
    depth = min(total, req.page * req.page_size)
    idx = np.flatnonzero(final)
    if req.sort == "date" or not req.q.strip():
        primary = gen.ordinal[idx].astype(np.float64)
        secondary = scores[idx].astype(np.float64)
    else:
        primary = scores[idx].astype(np.float64)
        secondary = gen.ordinal[idx].astype(np.float64)
    if depth < len(idx):
        # Keep every candidate tied with the depth-th best on the primary key.
        cut = np.partition(-primary, depth - 1)[depth - 1]
        keep = -primary <= cut
        idx, primary, secondary = idx[keep], primary[keep], secondary[keep]
    order = np.lexsort((idx, -secondary, -primary))
    return [int(i) for i in idx[order][start:depth]]


def _hit(stored: dict[str, Any], en: set[str], other: set[str], prefixes: list[str]) -> dict[str, Any]:
    context = json.loads(stored.get("context") or "{}")
    kind = stored.get("kind", "")
    jurisdiction = stored.get("jurisdiction") or None
    excerpt = stored.get("excerpt") or ""
    return {
        "iri": stored["iri"],
        "title": stored.get("label") or stored["iri"],
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind),
        "jurisdiction": jurisdiction,
        "jurisdiction_label": JURISDICTION_LABELS.get(jurisdiction or "", None),
        "date": stored.get("date") or None,
        "url": stored.get("url") or None,
        "snippet": str(snippet(excerpt, en, other, prefixes)),
        "themes": [t for t in (stored.get("themes") or "").split(",") if t],
        "language": stored.get("language") or "en",
        "publisher": stored.get("publisher") or None,
        "sources": [s for s in (stored.get("sources") or "").split(",") if s],
        "context": context,
    }


# --------------------------------------------------------------- spelling


def _unknown_words(gen: Generation, text: str) -> list[str]:
    """Words of the query the index has never seen, as written or stemmed
    ("panel" is known when "panels" is)."""
    def known(word: str) -> bool:
        return _fold(word) in gen.vocabulary or any(
            len(gen.postings(name, _en_key(word))[0]) for name in ("body", "title"))

    return [w for w in plain_words(text.lower())
            if w.isalpha() and len(w) >= 3 and w not in STOP_WORDS and not known(w)]


def suggest_word(gen: Generation, word: str) -> str | None:
    """The known word nearest to ``word`` (edit distance 1, then 2; the more
    frequent wins a tie)."""
    from whoosh.automata.fsa import find_all_matches
    from whoosh.automata.lev import levenshtein_automaton

    words = gen._sorted_words
    if not words:
        return None
    folded = _fold(word.lower())
    for distance in (1, 2):
        if distance == 2 and len(folded) < 5:
            break
        dfa = levenshtein_automaton(folded, distance, prefix=1).to_dfa()
        found = list(find_all_matches(dfa, _Skipper(words)))
        found = [w for w in found if w != folded]
        if found:
            return max(found, key=lambda w: (gen.vocabulary.get(w, 0), w))
    return None


class _Skipper:
    """Whoosh's word-list skipper for levenshtein automata (from
    ``whoosh.spelling.ListCorrector``)."""

    def __init__(self, data: list[str]) -> None:
        self.data = data
        self.i = 0

    def __call__(self, w: str) -> str | None:
        import bisect

        if self.i < len(self.data) and self.data[self.i] == w:
            return w
        self.i += 1
        pos = bisect.bisect_left(self.data, w, min(self.i, len(self.data)))
        return self.data[pos] if pos < len(self.data) else None


def _suggest(gen: Generation, text: str, req: SearchRequest) -> str | None:
    unknown = set(_unknown_words(gen, text))
    if not unknown:
        return None
    replaced = text
    changed = False
    for word in sorted(unknown, key=len, reverse=True):
        better = suggest_word(gen, word)
        if better:
            replaced = re.sub(rf"\b{re.escape(word)}\b", better, replaced, flags=re.IGNORECASE)
            changed = True
    if not changed or replaced.lower() == text.lower():
        return None
    # Offer it only if it finds something.
    notices: list[str] = []
    parsed = _parse(gen, replaced, notices)
    if not (_Evaluator(gen).run(parsed).mask & gen.live).any():
        return None
    return replaced


# ------------------------------------------------------------ open indexes

_open: dict[str, tuple[str, Generation]] = {}
_open_lock = threading.Lock()


def open_current(config: Any) -> Generation | None:
    """The current generation of the configured index, opened once per
    process and reopened when a rebuild or update publishes a new one; None
    when no index has been built."""
    root = index_root(config)
    try:
        target = os.readlink(root / "current")
    except OSError:
        return None
    key = str(root)
    held = _open.get(key)
    if held is not None and held[0] == target:
        return held[1]
    with _open_lock:
        held = _open.get(key)
        if held is not None and held[0] == target:
            return held[1]
        path = current_generation(root)
        if path is None:
            return None
        gen = Generation(path)
        _open[key] = (target, gen)
    threading.Thread(target=_warm_quietly, args=(gen,), name="ogh-index-warm-up", daemon=True).start()
    return gen


def _warm_quietly(gen: Generation) -> None:
    # A generation closed or replaced meanwhile has nothing left to warm.
    with contextlib.suppress(Exception):
        gen.warm_up()


def forget(config: Any) -> None:
    """Drop the process's open index (tests, and after a data dir is removed)."""
    with _open_lock:
        held = _open.pop(str(index_root(config)), None)
    if held is not None:
        held[1].close()


def overview(gen: Generation) -> dict[str, dict[str, int]]:
    """Documents in the index by jurisdiction and kind."""
    live = gen.live & (gen.jurisdiction >= 0) & (gen.kind >= 0)
    pairs = gen.jurisdiction[live].astype(np.int64) * len(gen.kinds) + gen.kind[live].astype(np.int64)
    counts = np.bincount(pairs, minlength=len(gen.jurisdictions) * len(gen.kinds))
    out: dict[str, dict[str, int]] = {}
    for j, jurisdiction in enumerate(gen.jurisdictions):
        out[jurisdiction] = {
            kind: int(counts[j * len(gen.kinds) + k]) for k, kind in enumerate(gen.kinds)
        }
    return out
