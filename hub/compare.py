"""The comparison view's figures, each from a named SPARQL query.

Every number the comparison page shows comes from one of the queries in
``hub/queries/`` (listed on the SPARQL page, so researchers can reproduce it)
run over the store, then shaped here: filtered to the chosen jurisdictions and
plan period, and arranged side by side. Where a jurisdiction has no data for a
figure, the figure says so (``None`` and a note under ``missing``) instead of
showing a zero: a count of 0 means the hub holds data and none of it matched.

Query results are cached per published store snapshot (see
:class:`FigureCache`), and kept on disk beside each snapshot when it is
published (:func:`precompute`, run after every write): a request reads the
rows (or, when none were kept, runs the queries) once per snapshot and then
only reshapes them for the jurisdictions and period asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from harvesters.records import JURISDICTIONS
from hub.entities import code
from hub.store import GraphStore, OxigraphReader, StoreError
from vocab import DEF, SCHEMES, STAGES, THEMES
from vocab.concepts import theme_labels

QUERIES = Path(__file__).parent / "queries"

JURISDICTION_NAMES = {
    "uk": "United Kingdom",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern-ireland": "Northern Ireland",
    "glasgow": "Glasgow",
}

#: The named query behind each figure of the comparison view.
FIGURE_QUERIES = {
    "timeline": "plans-timeline",
    "themes": "theme-matrix",
    "meetings_per_year": "meetings-per-year",
    "attendance": "attendance",
    "chairs": "chairs",
    "cocreation": "cocreation",
    "theme_decisions": "theme-decisions",
    "theme": "theme-commitments",
}

#: The queries the comparison page runs (the theme pages run theme-commitments).
PAGE_QUERIES = ("plans-timeline", "theme-matrix", "meetings-per-year", "attendance", "chairs",
                "cocreation", "theme-decisions")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str


@cache
def named_queries() -> dict[str, NamedQuery]:
    """Every ``hub/queries/*.rq`` by name, with the title and description from
    its leading ``# title:`` and ``# description:`` comments."""
    out = {}
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^# title:\s*(.+)$", text, re.M)
        description = re.search(r"^# description:\s*(.+)$", text, re.M)
        out[path.stem] = NamedQuery(
            name=path.stem,
            title=title.group(1).strip() if title else path.stem.replace("-", " ").capitalize(),
            description=description.group(1).strip() if description else "",
            text=text,
        )
    return out


# ------------------------------------------------------------ running queries

_INTEGERS = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte", "nonPositiveInteger",
    "negativeInteger")}
_DECIMALS = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("decimal", "double", "float")}
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _ox_value(term: Any) -> Any:
    """A pyoxigraph term as a plain value: IRIs and most literals as their
    text (dates stay ISO strings), numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _DECIMALS:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == _BOOLEAN:
            return term.value in ("true", "1")
        return term.value
    return term.value if hasattr(term, "value") else str(term)


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return value if isinstance(value, (int, float, bool)) else str(term)
    return str(term)


def run(store: GraphStore, name: str, text: str | None = None) -> list[dict[str, Any]]:
    """The rows of a named query (or of ``text``, a variant of it) as dicts of
    plain values. On the embedded store the results are read straight from
    pyoxigraph, which is several times faster than going through rdflib."""
    query = text or named_queries()[name].text
    raw = getattr(store, "raw", None)
    if isinstance(raw, ox.Store):
        results = raw.query(query, use_default_graph_as_union=True)
        names = [v.value for v in results.variables]  # type: ignore[union-attr]
        return [{n: _ox_value(solution[n]) for n in names} for solution in results]  # type: ignore[union-attr]
    return [{k: _value(v) for k, v in row.values.items()} for row in store.select(query)]


# ---------------------------------------------------------------------- cache


class FigureCache:
    """Query rows and figures, kept per store snapshot.

    The key of an entry is the store's published snapshot (its id, from
    :attr:`hub.store.OxigraphReader.snapshot`) and what was asked (a query, a
    set of jurisdictions and a period). A new snapshot makes every older entry
    unreachable, and they are dropped. A remote store's snapshot is its
    epoch, read again at most every ``recheck`` seconds. Query rows (keys
    starting ``"query"`` or ``"stored"``: a few dozen per snapshot) stay for
    the snapshot's life;
    what is built from them (figures, pages: one per choice made) is kept for
    the ``max_entries`` most recently used choices. A store with neither
    snapshots nor epochs is cached for ``ttl`` seconds; a writable store,
    whose content changes under us, is never cached. Concurrent requests for
    one missing entry compute it once."""

    PINNED = ("query", "stored")

    def __init__(self, max_entries: int = 64, ttl: float = 60.0, recheck: float = 5.0) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self.recheck = recheck
        self._checked: dict[int, float] = {}
        self._entries: OrderedDict[tuple[Hashable, tuple[Any, ...]], Any] = OrderedDict()
        self._pinned: dict[tuple[Hashable, tuple[Any, ...]], Any] = {}
        self._lock = threading.Lock()
        self._computing: dict[tuple[Hashable, tuple[Any, ...]], threading.Lock] = {}
        self._generation: Hashable = None
        self.hits = 0
        self.misses = 0

    def generation(self, store: GraphStore) -> Hashable:
        """What the store's content is identified by; None when not cacheable."""
        if getattr(store, "writable", False):
            return None
        if isinstance(store, OxigraphReader):
            return ("snapshot", store.data_dir.as_posix(), store.snapshot or "")
        refresh = getattr(store, "refresh", None)
        if callable(refresh) and hasattr(store, "snapshot"):
            # A remote store publishes epochs: read its current one again at
            # most every ``recheck`` seconds (one small query), so a harvest
            # shows within that time.
            now = time.monotonic()
            if now - self._checked.get(id(store), -math.inf) >= self.recheck:
                try:
                    refresh()
                except StoreError:
                    return ("ttl", id(store), int(now // self.ttl))
                self._checked[id(store)] = now
            epoch = getattr(store, "snapshot", None)
            if epoch:
                return ("epoch", id(store), epoch)
        return ("ttl", id(store), int(time.monotonic() // self.ttl))

    def _find(self, full: tuple[Hashable, tuple[Any, ...]]) -> tuple[bool, Any]:
        if full in self._pinned:
            return True, self._pinned[full]
        if full in self._entries:
            self._entries.move_to_end(full)
            return True, self._entries[full]
        return False, None

    def get(self, store: GraphStore, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        generation = self.generation(store)
        if generation is None:
            return compute()
        full = (generation, key)
        with self._lock:
            if generation != self._generation:
                # Another snapshot: what was cached describes an older graph.
                self._entries.clear()
                self._pinned.clear()
                self._generation = generation
            found, value = self._find(full)
            if found:
                self.hits += 1
                return value
            lock = self._computing.setdefault(full, threading.Lock())
        with lock:
            with self._lock:
                found, value = self._find(full)
                if found:
                    self.hits += 1
                    return value
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(full, None)
                raise
            with self._lock:
                self.misses += 1
                if self._generation == generation:
                    if key[0] in self.PINNED:
                        self._pinned[full] = value
                    else:
                        self._entries[full] = value
                        while len(self._entries) > self.max_entries:
                            self._entries.popitem(last=False)
                self._computing.pop(full, None)
        return value

    def cached(self) -> list[tuple[Any, ...]]:
        """What is cached (without the snapshot)."""
        with self._lock:
            return [full[1] for full in (*self._pinned, *self._entries)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._pinned.clear()
            self._generation = None


#: The process's cache (the web app uses it; tests may pass their own).
CACHE = FigureCache()


def rows(store: GraphStore, name: str, cache_: FigureCache | None = None) -> list[dict[str, Any]]:
    """A named query's rows, cached per snapshot: from the rows stored beside
    the snapshot when it was published (:func:`precompute`), or else by
    running the query."""
    c = cache_ or CACHE

    def compute() -> list[dict[str, Any]]:
        stored = c.get(store, ("stored",), lambda: load_stored_rows(store))
        if stored is not None and name in stored:
            return stored[name]
        return run(store, name)

    return c.get(store, ("query", name), compute)


# ------------------------------------------------------- rows kept on disk

#: Where the page's query rows of each snapshot are kept, under the data directory.
STORED = Path("cache") / "compare"


def stored_rows_path(data_dir: Path, snapshot: str) -> Path:
    return Path(data_dir) / STORED / f"{Path(snapshot).name}.json"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def precompute(config: Any, store: GraphStore | None = None) -> Path | None:
    """Run the comparison page's named queries on the current snapshot and
    keep their rows beside it, so that no web process pays for them on its
    first request after a harvest. Called after each write (with the search
    index); does nothing for a store without snapshots."""
    if config["store.backend"] != "oxigraph":
        return None
    reader = OxigraphReader(config.data_dir)
    if reader.snapshot is None:
        return None
    queries = named_queries()
    data = {"snapshot": reader.snapshot,
            "queries": {name: _digest(queries[name].text) for name in PAGE_QUERIES},
            "rows": {name: run(reader, name) for name in PAGE_QUERIES}}
    path = stored_rows_path(config.data_dir, reader.snapshot)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)
    # Rows of snapshots that are gone go with them.
    for old in path.parent.glob("*.json"):
        if not (Path(config.data_dir) / "snapshots" / old.stem).exists():
            old.unlink(missing_ok=True)
    return path


def load_stored_rows(store: GraphStore) -> dict[str, list[dict[str, Any]]] | None:
    """The rows :func:`precompute` kept for the store's snapshot, for the
    queries whose text has not changed since; None when there are none."""
    if not isinstance(store, OxigraphReader) or not store.snapshot:
        return None
    path = stored_rows_path(store.data_dir, store.snapshot)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("snapshot") != store.snapshot:
        return None
    queries = named_queries()
    digests = data.get("queries") or {}
    return {name: found for name, found in (data.get("rows") or {}).items()
            if name in queries and digests.get(name) == _digest(queries[name].text)}


# -------------------------------------------------------------------- parsing


def theme_iri(slug: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]+", slug):
        raise ValueError(f"not a theme: {slug!r}")
    return f"{DEF}theme/{slug}"


def parse_jurisdictions(values: list[str]) -> list[str]:
    """The chosen jurisdictions (all five when none is chosen), in the hub's order."""
    chosen = [v.strip() for v in values if v and v.strip()]
    unknown = [v for v in chosen if v not in JURISDICTIONS]
    if unknown:
        raise ValueError(f"unknown jurisdiction {unknown[0][:40]!r}; choose from {', '.join(JURISDICTIONS)}")
    return [j for j in JURISDICTIONS if j in chosen] if chosen else list(JURISDICTIONS)


def parse_period(value: str | None) -> tuple[int, int] | None:
    """``2019-2021``, ``2019-21`` or ``2021`` as a pair of years; None when not given."""
    if not value or not value.strip():
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–/]\s*(\d{2}|\d{4}))?\s*", value)
    if not m:
        raise ValueError(f"period {value[:40]!r} is not a year or a range of years like 2019-2021")
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else start
    if end < 100:
        end += start - start % 100
    if end < start:
        raise ValueError(f"period {value!r} ends before it starts")
    return start, end


def period_text(period: tuple[int, int] | None) -> str:
    if period is None:
        return ""
    return str(period[0]) if period[0] == period[1] else f"{period[0]}-{period[1]}"


# -------------------------------------------------------------------- helpers


@cache
def concept_labels() -> dict[str, str]:
    """English labels of the hub's concepts (themes, stages, statuses,
    outcomes, sectors), by IRI."""
    graph = Graph()
    for path in (THEMES, STAGES, SCHEMES):
        graph.parse(path, format="turtle")
    out = {}
    for concept, label in graph.subject_objects(SKOS.prefLabel):
        if getattr(label, "language", None) in (None, "en"):
            out[str(concept)] = str(label)
    out.update({str(k): v for k, v in theme_labels().items()})
    return out


@cache
def _stage_orders() -> dict[str, int]:
    from vocab.concepts import STAGE_SCHEME, concepts

    graph = Graph().parse(STAGES, format="turtle")
    orders = {}
    for concept in concepts(STAGES, STAGE_SCHEME):
        for value in graph.objects(concept, SKOS.notation):
            if str(value).isdigit():
                orders[code(concept) or ""] = int(str(value))
    return orders


def _stage_order(slug: str) -> tuple[int, str]:
    """Co-creation stages in the order of the stage scheme (then by name)."""
    return (_stage_orders().get(slug, 99), slug)


def label_of(iri: str | None) -> str | None:
    if iri is None:
        return None
    return concept_labels().get(iri) or (code(iri) or "").replace("-", " ").capitalize()


def _year(value: Any) -> int | None:
    m = re.match(r"(\d{4})", str(value or ""))
    return int(m.group(1)) if m else None


def overlaps(start: Any, end: Any, period: tuple[int, int] | None) -> bool:
    """Whether a plan running from ``start`` to ``end`` (years, or dates) runs
    in the period; a plan without a start is in no period."""
    if period is None:
        return True
    s = _year(start)
    if s is None:
        return False
    e = _year(end) or s
    return s <= period[1] and e >= period[0]


def _in_period(date: Any, period: tuple[int, int] | None) -> bool:
    if period is None:
        return True
    y = _year(date)
    return y is not None and period[0] <= y <= period[1]


def _date(value: str | None) -> tuple[dt.date, bool] | None:
    """A written date as a day, and whether it was given to the day (a month
    or year alone is read as its first day)."""
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    try:
        day = dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None
    return day, bool(m.group(3))


def _months(days: int) -> float:
    return round(days / 30.44, 1)


# ---------------------------------------------------------------- the figures


def timeline(plan_rows: list[dict], jurisdictions: list[str], period: tuple[int, int] | None) -> dict:
    """Every plan of the chosen jurisdictions (those overlapping the period):
    period, number, publication date and commitment count."""
    plans, undated = [], []
    for row in plan_rows:
        j = code(row["jurisdiction"])
        if j not in jurisdictions:
            continue
        start, end = _year(row["start"]), _year(row["end"])
        item = {
            "plan": row["plan"], "jurisdiction": j, "title": row["name"], "number": row["number"],
            "start": start, "end": end, "published": row["published"],
            # A plan with no commitments in the graph: the hub has not harvested
            # them, which is not the same as a plan with none.
            "commitments": row["commitments"] or None,
        }
        if start is None:
            if period is None:
                undated.append(item)
            continue
        if overlaps(start, end, period):
            plans.append(item)
    plans.sort(key=lambda p: (jurisdictions.index(p["jurisdiction"]), p["start"], p["end"] or 0))
    years = [y for p in plans for y in (p["start"], p["end"]) if y is not None]
    by_j = {j: [p for p in plans if p["jurisdiction"] == j] for j in jurisdictions}
    missing = {j: ("no action plans harvested" if period is None else
                   f"no action plan harvested for {period_text(period)}")
               for j, items in by_j.items() if not items}
    notes = []
    without = [p for p in plans if p["commitments"] is None]
    if without:
        notes.append(f"{len(without)} plan(s) have no commitments in the hub: their commitment count "
                     "is shown as not known, not as zero")
    if undated:
        notes.append(f"{len(undated)} plan(s) have no period and are not on the timeline")
    return {"query": FIGURE_QUERIES["timeline"], "plans": plans, "undated": undated,
            "years": [min(years), max(years)] if years else None,
            "missing": missing, "notes": notes}


def themes(matrix_rows: list[dict], jurisdictions: list[str], period: tuple[int, int] | None) -> dict:
    """Themes by jurisdiction: each cell the number of commitments of the
    jurisdiction's plans (in the period) on the theme; None where the hub holds
    no commitments with themes for the jurisdiction at all."""
    labels = concept_labels()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ever: dict[str, set[str]] = defaultdict(set)
    with_themes: set[str] = set()
    undated = 0
    for row in matrix_rows:
        j = code(row["jurisdiction"])
        if j not in jurisdictions:
            continue
        n = int(row["commitments"] or 0)
        with_themes.add(j)
        ever[row["theme"]].add(j)
        if period is not None and row["start"] is None:
            undated += n
            continue
        if overlaps(row["start"], row["end"], period):
            counts[row["theme"]][j] += n
    in_period = {j for per in counts.values() for j in per}
    known = with_themes if period is None else in_period
    rows_out: list[dict[str, Any]] = []
    for theme in sorted(counts, key=lambda t: (labels.get(t) or t).lower()):
        rows_out.append({
            "theme": theme, "slug": theme.rsplit("/", 1)[-1],
            "label": labels.get(theme) or theme.rsplit("/", 1)[-1].replace("-", " ").capitalize(),
            "counts": {j: (counts[theme].get(j, 0) if j in known else None) for j in jurisdictions},
            "total": sum(counts[theme].values()),
        })
    # Who to ask: a theme one jurisdiction covered (in the period) that another
    # never has, in any plan the hub holds.
    who_to_ask = []
    for r in rows_out:
        covered = [j for j, n in r["counts"].items() if n]
        never = [j for j in jurisdictions if j in with_themes and j not in ever[r["theme"]]]
        if covered and never:
            who_to_ask.append({"theme": r["theme"], "slug": r["slug"], "label": r["label"],
                               "covered_by": covered, "never_covered_by": never})
    missing = {}
    for j in jurisdictions:
        if j not in with_themes:
            missing[j] = "no commitments with themes harvested"
        elif j not in known:
            missing[j] = f"no commitments with themes harvested for {period_text(period)}"
    notes = []
    if undated:
        notes.append(f"{undated} commitment(s) belong to no plan with a known period and are left "
                     "out when a period is chosen")
    return {"query": FIGURE_QUERIES["themes"], "rows": rows_out, "who_to_ask": who_to_ask,
            "missing": missing, "notes": notes}


def _chair_arrangement(meetings: dict[str, list[dict]]) -> str:
    """Chairing in words, from the chairs of each meeting of one body."""
    n = len(meetings)
    co = [m for m in meetings.values() if len(m) > 1]
    sectors: dict[str, int] = defaultdict(int)
    for chairs in co:
        known = sorted({c["sector"] for c in chairs if c["sector"]})
        if len(known) > 1:
            sectors[" and ".join(label_of(s).lower() for s in known)] += 1  # type: ignore[union-attr]
    if len(co) * 2 > n:
        text = f"Co-chaired at {len(co)} of {n} meetings with chairs recorded"
        if sectors:
            combo, k = max(sectors.items(), key=lambda kv: kv[1])
            text += f"; {combo} together at {k}"
        return text
    singles = [m[0] for m in meetings.values() if len(m) == 1]
    text = f"One chair at {len(singles)} of {n} meetings with chairs recorded"
    known = sorted({label_of(c["sector"]).lower() for c in singles if c["sector"]})  # type: ignore[union-attr]
    if known:
        text += f" (from {' or '.join(known)})"
    return text


def process(data: dict[str, list[dict]], jurisdictions: list[str],
            period: tuple[int, int] | None) -> dict:
    """Per jurisdiction: meetings per year of each body, attendance by sector
    at each meeting, the chairing arrangement, how long each plan's
    co-creation took and the theme decisions taken."""
    out: dict[str, dict[str, Any]] = {
        j: {"meetings_per_year": [], "attendance": [], "chairs": [], "cocreation": [],
            "theme_decisions": [], "missing": {}}
        for j in jurisdictions
    }
    # Meetings per year, with the years between a body's first and last
    # meeting that have none in the hub given as None (not known), not 0.
    per_body: dict[tuple[str, str], dict[str, Any]] = {}
    for row in data["meetings-per-year"]:
        j = code(row["jurisdiction"])
        if j not in out or not _in_period(row["year"], period):
            continue
        body = per_body.setdefault((j, row["body"]), {"body": row["body"], "body_name": row["bodyName"],
                                                      "years": {}})
        body["years"][int(row["year"])] = int(row["meetings"])
    for (j, _), body in per_body.items():
        years = body.pop("years")
        first, last = min(years), max(years)
        body["years"] = [{"year": y, "meetings": years.get(y)} for y in range(first, last + 1)]
        body["total"] = sum(years.values())
        out[j]["meetings_per_year"].append(body)
    for j in out:
        out[j]["meetings_per_year"].sort(key=lambda b: -b["total"])

    body_names = {row["body"]: row["bodyName"] for row in data["meetings-per-year"]}
    for row in data["attendance"]:
        j = code(row["jurisdiction"])
        if j not in out or not _in_period(row["date"], period):
            continue
        out[j]["attendance"].append({
            "meeting": row["meeting"], "date": row["date"], "body": row["body"],
            "body_name": body_names.get(row["body"]),
            "total": row["total"], "government": row["government"],
            "civil_society": row["civilSociety"], "other": row["other"],
            "apologies": row["apologies"],
        })
    for j in out:
        out[j]["attendance"].sort(key=lambda a: (a["date"] or "", a["meeting"]))

    chaired: dict[str, dict[str, dict[str, list[dict]]]] = defaultdict(lambda: defaultdict(dict))
    for row in data["chairs"]:
        j = code(row["jurisdiction"])
        if j not in out or not _in_period(row["date"], period):
            continue
        chaired[j].setdefault(row["body"], {}).setdefault(row["meeting"], []).append(
            {"chair": row["chair"], "name": row["name"], "sector": row["sector"], "date": row["date"]})
    for j, bodies in chaired.items():
        for body_iri, meetings in bodies.items():
            people: dict[str, dict[str, Any]] = {}
            for chair_list in meetings.values():
                for c in chair_list:
                    p = people.setdefault(c["chair"], {"chair": c["chair"], "name": c["name"],
                                                       "sector": c["sector"], "meetings": 0,
                                                       "first": c["date"], "last": c["date"]})
                    p["meetings"] += 1
                    p["first"] = min(p["first"], c["date"])
                    p["last"] = max(p["last"], c["date"])
            out[j]["chairs"].append({
                "body": body_iri, "body_name": body_names.get(body_iri),
                "meetings": len(meetings),
                "co_chaired": sum(1 for m in meetings.values() if len(m) > 1),
                "arrangement": _chair_arrangement(meetings),
                "people": sorted(people.values(), key=lambda p: (-p["meetings"], p["name"] or "")),
            })
        out[j]["chairs"].sort(key=lambda b: -b["meetings"])

    plan_periods = {r["plan"]: (r["start"], r["end"]) for r in data["plans-timeline"]}
    for row in data["cocreation"]:
        j = code(row["jurisdiction"])
        if j not in out:
            continue
        start, end = plan_periods.get(row["plan"], (None, None))
        if not overlaps(start, end, period) and period is not None:
            continue
        published = row["published"] or row["publicationEvent"]
        first, pub = _date(row["firstEvent"]), _date(published)
        days = (pub[0] - first[0]).days if first and pub else None
        note = None
        if pub is None:
            note = "publication date not known"
        elif days is not None and days < 0:
            note = "first dated event is after publication"
            days = None
        elif first and not first[1]:
            note = "first event dated to the month or year only: length approximate"
        out[j]["cocreation"].append({
            "plan": row["plan"], "start": _year(start), "end": _year(end),
            "first_event": row["firstEvent"], "last_event": row["lastEvent"],
            "published": published,
            "published_from": "plan" if row["published"] else ("publication event" if published else None),
            "events": row["events"], "stages": sorted((row["stages"] or "").split(), key=_stage_order),
            "days": days, "months": _months(days) if days is not None else None, "note": note,
        })

    for row in data["theme-decisions"]:
        j = code(row["jurisdiction"])
        if j not in out:
            continue
        start, end = plan_periods.get(row["plan"], (None, None))
        if period is not None and not overlaps(start, end, period):
            continue
        themes_ = sorted((row["themes"] or "").split(), key=lambda t: label_of(t) or t)
        out[j]["theme_decisions"].append({
            "decision": row["decision"], "plan": row["plan"], "label": row["label"],
            "outcome": row["outcome"], "outcome_label": label_of(row["outcome"]),
            "themes": [{"theme": t, "slug": t.rsplit("/", 1)[-1], "label": label_of(t)} for t in themes_],
            "date": row["date"], "meeting": row["meeting"],
        })

    for figures in out.values():
        missing = figures["missing"]
        if not figures["meetings_per_year"]:
            missing["meetings_per_year"] = "no dated meetings of a forum or group harvested"
        if not figures["attendance"]:
            missing["attendance"] = "no meetings harvested"
        elif not any(a["government"] is not None or a["civil_society"] is not None
                     for a in figures["attendance"]):
            missing["attendance"] = "the minutes harvested do not give attendance by sector"
        if not figures["chairs"]:
            missing["chairs"] = "no chairs recorded in the minutes harvested"
        if not figures["cocreation"]:
            missing["cocreation"] = "no dated co-creation events harvested"
        if not figures["theme_decisions"]:
            missing["theme_decisions"] = "no theme decisions harvested"
    return out


def comparison(store: GraphStore, jurisdictions: list[str] | None = None,
               period: tuple[int, int] | None = None,
               cache_: FigureCache | None = None) -> dict[str, Any]:
    """Every figure of the comparison page, for the chosen jurisdictions (all
    five by default) and plan period (all by default)."""
    c = cache_ or CACHE
    chosen = jurisdictions or list(JURISDICTIONS)

    def compute() -> dict[str, Any]:
        data = {name: rows(store, name, c) for name in PAGE_QUERIES}
        return {
            "jurisdictions": [{"id": j, "name": JURISDICTION_NAMES[j]} for j in chosen],
            "period": list(period) if period else None,
            "timeline": timeline(data["plans-timeline"], chosen, period),
            "themes": themes(data["theme-matrix"], chosen, period),
            "process": process(data, chosen, period),
            "queries": {figure: name for figure, name in FIGURE_QUERIES.items() if figure != "theme"},
        }

    return c.get(store, ("comparison", tuple(chosen), period), compute)


def theme_in_depth(store: GraphStore, slug: str, jurisdictions: list[str] | None = None,
                   period: tuple[int, int] | None = None,
                   cache_: FigureCache | None = None) -> dict:
    """Every chosen jurisdiction's commitments on one theme (those of plans
    running in the period, when one is given), side by side. Raises KeyError
    for a theme the hub does not know."""
    iri = theme_iri(slug)
    label = concept_labels().get(iri)
    if label is None or iri not in {str(t) for t in theme_labels()}:
        raise KeyError(slug)
    chosen = jurisdictions or list(JURISDICTIONS)
    c = cache_ or CACHE

    def fetch() -> list[dict]:
        return run(store, "theme-commitments", theme_query(slug))

    found = c.get(store, ("query", "theme-commitments", slug), fetch)
    by_jurisdiction: dict[str, list[dict]] = {j: [] for j in chosen}
    for row in found:
        j = code(row["jurisdiction"])
        if j not in by_jurisdiction:
            continue
        if period is not None and not overlaps(row["start"], row["end"], period):
            continue
        by_jurisdiction[j].append({
            "commitment": row["commitment"], "number": row["number"], "title": row["title"],
            "plan": row["plan"], "start": _year(row["start"]), "end": _year(row["end"]),
            "leads": [x for x in (row["leads"] or "").split(" | ") if x],
            "status": row["status"], "status_label": label_of(row["status"]),
            "ogp_id": row["ogpIdentifier"],
        })
    what = f"no commitments on {label[0].lower() + label[1:]} harvested"
    if period is not None:
        what += f" for {period_text(period)}"
    return {"theme": iri, "slug": slug, "label": label,
            "jurisdictions": [{"id": j, "name": JURISDICTION_NAMES[j]} for j in chosen],
            "period": list(period) if period else None,
            "commitments": by_jurisdiction, "query": FIGURE_QUERIES["theme"],
            "missing": {j: what for j, items in by_jurisdiction.items() if not items}}


def theme_query(slug: str) -> str:
    """The theme-in-depth query for one theme."""
    iri = theme_iri(slug)
    text = named_queries()["theme-commitments"].text
    return re.sub(r"VALUES \?theme \{[^}]*\}", f"VALUES ?theme {{ <{iri}> }}", text, count=1)
