"""The comparison view's figures, each from a named SPARQL query.

Every number the comparison page shows comes from one of the queries in
``hub/queries/`` (listed on the SPARQL page, so researchers can reproduce it)
run over the store, then shaped here: filtered to the chosen jurisdictions and
plan period, and arranged side by side. Where a jurisdiction has no data for a
figure, the figure says so (``None`` and a note in ``missing``) instead of
showing a zero.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Literal

from harvesters.records import JURISDICTIONS
from hub.entities import code
from hub.store import GraphStore, Row
from vocab import DEF
from vocab.concepts import theme_labels

QUERIES = Path(__file__).parent / "queries"

JURISDICTION_NAMES = {
    "uk": "United Kingdom",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern-ireland": "Northern Ireland",
    "glasgow": "Glasgow",
}


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
    rows: list[Row] = store.select(text or named_queries()[name].text)
    return [{k: _value(v) for k, v in row.values.items()} for row in rows]


def _year(value: Any) -> int | None:
    m = re.match(r"(\d{4})", str(value or ""))
    return int(m.group(1)) if m else None


def _overlaps(start: Any, end: Any, period: tuple[int, int] | None) -> bool:
    if period is None:
        return True
    s, e = _year(start), _year(end) or _year(start)
    if s is None:
        return False
    return s <= period[1] and (e or s) >= period[0]


def theme_iri(slug: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]+", slug):
        raise ValueError(f"not a theme: {slug!r}")
    return f"{DEF}theme/{slug}"


def parse_jurisdictions(values: list[str]) -> list[str]:
    """The chosen jurisdictions (all five when none is chosen), in the hub's order."""
    chosen = [v for v in values if v]
    unknown = [v for v in chosen if v not in JURISDICTIONS]
    if unknown:
        raise ValueError(f"unknown jurisdiction {unknown[0]!r}; choose from {', '.join(JURISDICTIONS)}")
    return [j for j in JURISDICTIONS if j in chosen] if chosen else list(JURISDICTIONS)


def parse_period(value: str | None) -> tuple[int, int] | None:
    """``2019-2021`` or ``2021`` as a pair of years; None when not given."""
    if not value:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–/]\s*(\d{2,4}))?\s*", value)
    if not m:
        raise ValueError(f"period {value!r} is not a year or a range like 2019-2021")
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else start
    if end < 100:
        end += start - start % 100
    if end < start:
        raise ValueError(f"period {value!r} ends before it starts")
    return start, end


# ---------------------------------------------------------------- the figures


def timeline(store: GraphStore, jurisdictions: list[str], period: tuple[int, int] | None) -> list[dict]:
    out = []
    for row in run(store, "plans-timeline"):
        j = code(row["jurisdiction"])
        if j not in jurisdictions or not _overlaps(row["start"], row["end"], period):
            continue
        out.append({
            "plan": row["plan"], "jurisdiction": j, "title": row["title"], "number": row["number"],
            "start": _year(row["start"]), "end": _year(row["end"]), "published": row["published"],
            "commitments": row["commitments"] or None,
        })
    return out


def themes(store: GraphStore, jurisdictions: list[str], period: tuple[int, int] | None) -> dict:
    labels = {str(k): v for k, v in theme_labels().items()}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in run(store, "theme-matrix"):
        j = code(row["jurisdiction"])
        if j not in jurisdictions:
            continue
        if period and not _overlaps(row["first"], row["last"], period):
            continue
        counts[row["theme"]][j] += int(row["commitments"])
    with_commitments = {j for per in counts.values() for j in per}
    rows: list[dict[str, Any]] = []
    for theme in sorted(counts, key=lambda t: labels.get(t, t)):
        rows.append({
            "theme": theme,
            "slug": theme.rsplit("/", 1)[-1],
            "label": labels.get(theme, theme.rsplit("/", 1)[-1]),
            "counts": {j: (counts[theme].get(j, 0) if j in with_commitments else None)
                       for j in jurisdictions},
        })
    who_to_ask = []
    for r in rows:
        covered = [j for j, n in r["counts"].items() if n]
        never = [j for j, n in r["counts"].items() if n == 0]
        if covered and never:
            who_to_ask.append({"theme": r["theme"], "label": r["label"], "covered_by": covered,
                               "never_covered_by": never})
    missing = [j for j in jurisdictions if j not in with_commitments]
    return {"rows": rows, "who_to_ask": who_to_ask,
            "missing": {j: "no commitments with themes harvested" for j in missing}}


def theme_in_depth(store: GraphStore, slug: str, jurisdictions: list[str]) -> dict:
    iri = theme_iri(slug)
    query = named_queries()["theme-commitments"].text
    query = re.sub(r"VALUES \?theme \{[^}]*\}", f"VALUES ?theme {{ <{iri}> }}", query)
    by_jurisdiction: dict[str, list[dict]] = {j: [] for j in jurisdictions}
    for row in run(store, "theme-commitments", query):
        j = code(row["jurisdiction"])
        if j in by_jurisdiction:
            by_jurisdiction[j].append({
                "commitment": row["commitment"], "number": row["number"], "title": row["title"],
                "plan": row["plan"], "start": _year(row["start"]), "end": _year(row["end"]),
                "leads": [x for x in (row["leads"] or "").split(" | ") if x],
                "status": code(row["status"]), "ogp_id": row["ogpIdentifier"],
            })
    label = {str(k): v for k, v in theme_labels().items()}.get(iri)
    if label is None:
        raise KeyError(slug)
    return {"theme": iri, "slug": slug, "label": label, "jurisdictions": jurisdictions,
            "commitments": by_jurisdiction,
            "missing": {j: f"no commitments on {label.lower()} harvested"
                        for j, items in by_jurisdiction.items() if not items}}


def process(store: GraphStore, jurisdictions: list[str], period: tuple[int, int] | None) -> dict:
    out: dict[str, dict[str, Any]] = {
        j: {"meetings_per_year": [], "attendance": [], "chairs": [], "cocreation": [],
            "theme_decisions": [], "missing": []}
        for j in jurisdictions
    }

    def in_period(date: Any) -> bool:
        y = _year(date)
        return period is None or (y is not None and period[0] <= y <= period[1])

    for row in run(store, "meetings-per-year"):
        j = code(row["jurisdiction"])
        if j in out and in_period(row["year"]):
            out[j]["meetings_per_year"].append({"body": row["body"], "body_name": row["bodyName"],
                                                "year": int(row["year"]), "meetings": row["meetings"]})
    for row in run(store, "attendance"):
        j = code(row["jurisdiction"])
        if j in out and in_period(row["date"]):
            out[j]["attendance"].append({
                "meeting": row["meeting"], "date": row["date"], "title": row["title"],
                "body": row["body"], "total": row["total"], "government": row["government"],
                "civil_society": row["civilSociety"], "other": row["other"],
                "apologies": row["apologies"],
            })
    for row in run(store, "chairs"):
        j = code(row["jurisdiction"])
        if j in out:
            out[j]["chairs"].append({"body": row["body"], "chair": row["chair"], "name": row["name"],
                                     "meetings": row["meetings"], "first": row["first"],
                                     "last": row["last"]})
    for row in run(store, "cocreation"):
        j = code(row["jurisdiction"])
        if j not in out:
            continue
        first, published = row["firstEvent"], row["publishedOn"]
        days = None
        try:
            if first and published and len(first) >= 7:
                start = dt.date.fromisoformat(first if len(first) == 10 else first + "-01")
                days = (dt.date.fromisoformat(str(published)[:10]) - start).days
        except ValueError:
            days = None
        out[j]["cocreation"].append({
            "plan": row["plan"], "first_event": first, "last_event": row["lastEvent"],
            "published": published, "events": row["events"],
            "stages": (row["stages"] or "").split(), "days": days,
        })
    for row in run(store, "theme-decisions"):
        j = code(row["jurisdiction"])
        if j in out and (row["date"] is None or in_period(row["date"])):
            out[j]["theme_decisions"].append({
                "decision": row["decision"], "plan": row["plan"], "theme": row["themeLabel"],
                "theme_iri": row["theme"], "outcome": code(row["outcome"]), "date": row["date"],
                "recorded_in": row["recordedIn"],
            })
    for figures in out.values():
        for key, note in (
            ("meetings_per_year", "no dated meetings harvested"),
            ("attendance", "no meetings harvested"),
            ("chairs", "no chairs recorded in the minutes harvested"),
            ("cocreation", "no dated co-creation events harvested"),
            ("theme_decisions", "no theme decisions recorded"),
        ):
            if not figures[key]:
                figures["missing"].append({"figure": key, "note": note})
        with_counts = [a for a in figures["attendance"]
                       if a["government"] is not None or a["civil_society"] is not None]
        if figures["attendance"] and not with_counts:
            figures["missing"].append({"figure": "attendance_by_sector",
                                       "note": "the minutes harvested do not give attendance by sector"})
    return out


def comparison(store: GraphStore, jurisdictions: list[str] | None = None,
               period: tuple[int, int] | None = None) -> dict[str, Any]:
    chosen = jurisdictions or list(JURISDICTIONS)
    return {
        "jurisdictions": [{"id": j, "name": JURISDICTION_NAMES[j]} for j in chosen],
        "period": list(period) if period else None,
        "timeline": timeline(store, chosen, period),
        "themes": themes(store, chosen, period),
        "process": process(store, chosen, period),
        "queries": {n: q.title for n, q in named_queries().items()},
    }
