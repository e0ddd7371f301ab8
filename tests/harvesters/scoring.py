"""Scoring harvested entities against a corpus folder's ``expected.json``.

An expected entity matches a harvested one of the same kind when their titles
agree after normalisation (a close string match, or one title's words all in
the other's) and, where the ground truth gives one, the date agrees too
(meetings: the day; plans: the start and end years, or a period the plan
register lists for the harvested plan). Recall is the share of expected
entities matched; precision the share of the source's harvested
entities (those its graph *describes*, with provenance) that match one.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub import ids
from hub.entities import EntityReader
from hub.store import GraphStore
from vocab import PROV

STOP = {"the", "a", "an", "of", "for", "and", "to", "in", "on", "uk", "s"}


def norm(text: str | None) -> str:
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'")  # typographic apostrophes
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    return " ".join(w for w in re.findall(r"[a-z0-9]+", text) if w not in STOP)


def titles_match(a: str | None, b: str | None) -> bool:
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    if na == nb or difflib.SequenceMatcher(None, na, nb).ratio() >= 0.8:
        return True
    wa, wb = set(na.split()), set(nb.split())
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(shorter) >= 2 and len(shorter & longer) / len(shorter) >= 0.85


def _year(value: Any) -> str | None:
    if value in (None, ""):
        return None
    m = re.match(r"(\d{4})", str(value))
    return m.group(1) if m else None


def dates_match(kind: str, expected: dict[str, Any], harvested: dict[str, Any]) -> bool:
    if kind == "Meeting" and expected.get("date"):
        return harvested.get("date") == expected["date"]
    if kind == "ActionPlan" and isinstance(expected.get("period"), dict):
        start, end = _year(expected["period"].get("start")), _year(expected["period"].get("end"))
        if (not start or _year(harvested.get("start")) == start) and (
                not end or _year(harvested.get("end")) == end):
            return True
        return bool(start and end and _registered_as(harvested, int(start), int(end)))
    return True


def _registered_as(harvested: dict[str, Any], start: int, end: int) -> bool:
    """True when the plan register lists ``start-end`` as a period of the
    harvested plan (the period another publisher gives it, e.g. OGP's 2023-2025
    for the UK's 2024-2025 plan)."""
    from harvesters.records import PlanRef

    if not harvested.get("jurisdiction"):
        return False
    entry = ids.find_plan(PlanRef(harvested["jurisdiction"], start=start, end=end))
    return entry is not None and (str(entry.start), str(entry.end)) == (
        _year(harvested.get("start")), _year(harvested.get("end")))


def expected_title(e: dict[str, Any]) -> str | None:
    return e.get("title") or e.get("name")


def harvested_titles(h: dict[str, Any]) -> list[str]:
    out = [h.get("title") or ""]
    out += list((h.get("titles") or {}).values())
    return [t for t in out if t]


@dataclass
class Score:
    kind: str
    expected: int
    harvested: int
    matched: int
    correct: int
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.harvested if self.harvested else 1.0

    def line(self, source: str) -> str:
        return (f"{source:12} {self.kind:11} recall {self.recall:5.2f} ({self.matched}/{self.expected})"
                f"  precision {self.precision:5.2f} ({self.correct}/{self.harvested})")


def gap_match(kind: str, expected: dict[str, Any], harvested: dict[str, Any]) -> bool:
    """A harvested commitment standing for an expected one whose title the
    ground truth lacks (a documented gap, e.g. a plan's section that names a
    commitment but gives no title): the same number in the plan of the same
    period. It is not wrong, so it counts as correct; with no title to check,
    the expected one is left out of recall."""
    if kind != "Commitment" or expected.get("number") is None:
        return False
    if harvested.get("number") != expected["number"]:
        return False
    period = expected.get("period") if isinstance(expected.get("period"), dict) else {}
    start, end = _year(period.get("start")), _year(period.get("end"))
    return bool(start and end) and str(harvested.get("plan") or "").endswith(f"/{start}-{end}")


def score(kind: str, expected: list[dict[str, Any]], harvested: list[dict[str, Any]]) -> Score:
    gaps = [e for e in expected if not expected_title(e)]
    expected = [e for e in expected if expected_title(e)]

    def match(e: dict[str, Any], h: dict[str, Any]) -> bool:
        return any(titles_match(expected_title(e), t) for t in harvested_titles(h)) and dates_match(
            kind, e, h)

    matched = [e for e in expected if any(match(e, h) for h in harvested)]
    correct = [h for h in harvested if any(match(e, h) for e in expected)
               or any(gap_match(kind, e, h) for e in gaps)]
    return Score(
        kind=kind, expected=len(expected), harvested=len(harvested), matched=len(matched),
        correct=len(correct),
        missed=[str(expected_title(e)) for e in expected if e not in matched],
        extra=[str(h.get("title") or h["iri"]) for h in harvested if h not in correct],
    )


def described_by(store: GraphStore, source_id: str) -> set[str]:
    """The entities a source's graph describes (states provenance for)."""
    graph = ids.source_graph(source_id)
    rows = store.select(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s <{PROV.wasDerivedFrom}> ?u }} }}")
    return {str(r["s"]) for r in rows}


def load_expected(corpus: Path, source_id: str) -> dict[str, Any]:
    return json.loads((corpus / source_id / "expected.json").read_text(encoding="utf-8"))


def assert_scores(store: GraphStore, corpus: Path, source_id: str, recall: float = 0.9,
                  precision: float = 0.95) -> list[Score]:
    """Score a source, print each kind's line (with what was missed and what
    the ground truth lacks), and assert the least recall and precision."""
    scores = score_source(store, corpus, source_id)
    print()
    for s in scores:
        print(s.line(source_id))
        if s.missed:
            print("    missed:", s.missed)
        if s.extra:
            print("    extra: ", s.extra)
    for s in scores:
        assert s.recall >= recall, f"{source_id} {s.kind}: missed {s.missed}"
        assert s.precision >= precision, f"{source_id} {s.kind}: not in the ground truth {s.extra}"
    return scores


def score_source(store: GraphStore, corpus: Path, source_id: str,
                 kinds: tuple[str, ...] = ("ActionPlan", "Commitment", "Meeting")) -> list[Score]:
    expected = load_expected(corpus, source_id)["entities"]
    described = described_by(store, source_id)
    reader = EntityReader(store)
    out = []
    for kind in kinds:
        harvested = [e for e in reader.list(kind) if e["iri"] in described]
        out.append(score(kind, expected.get(kind, []), harvested))
    return out
