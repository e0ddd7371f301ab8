"""SHACL validation of the graph against ``vocab/shapes.ttl``.

The data graph is the union of the store's graphs with the vocabulary (so that
``sh:class`` sees subclasses and concept types). Results come back as plain
objects a person can act on: the focus node, the path, the message, the
severity, and which source graph said it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from hub.store import GraphStore
from hub.terms import Triple
from hub.vocabgraph import vocabulary_graph
from vocab import SH, SHAPES


@dataclass
class Finding:
    focus: str
    path: str | None
    message: str
    severity: str  # Violation, Warning, Info
    shape: str | None
    value: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "focus": self.focus, "path": self.path, "message": self.message,
            "severity": self.severity, "shape": self.shape, "value": self.value,
        }


@dataclass
class Report:
    conforms: bool
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    def text(self) -> str:
        if not self.findings:
            return "The graph conforms to the shapes: no violations."
        lines = []
        for f in self.findings:
            lines.append(f"{f.severity}: {f.message}")
            lines.append(f"    focus: {f.focus}")
            if f.path:
                lines.append(f"    path:  {f.path}")
            if f.value:
                lines.append(f"    value: {f.value}")
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        lines.append(", ".join(f"{n} {s.lower()}(s)" for s, n in sorted(counts.items())))
        return "\n".join(lines)


def shapes_graph() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def validate_graph(data: Graph) -> Report:
    """Validate an rdflib graph (data plus whatever vocabulary it needs)."""
    import pyshacl

    _conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True,
        allow_warnings=True,
    )
    findings = []
    # The report's own results; pyshacl also types the results nested in them
    # (sh:detail, from sh:node) as sh:ValidationResult, which are not findings.
    for result in results.objects(None, SH.result):
        def one(p: URIRef, r: Any = result) -> str | None:
            v = results.value(r, p)
            return str(v) if v is not None else None

        severity = (one(SH.resultSeverity) or str(SH.Violation)).rsplit("#", 1)[-1]
        findings.append(Finding(
            focus=one(SH.focusNode) or "?",
            path=one(SH.resultPath),
            message=one(SH.resultMessage) or "does not conform",
            severity=severity,
            shape=one(SH.sourceShape),
            value=one(SH.value),
        ))
    findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.path or "", f.message))
    return Report(conforms=not any(f.severity == "Violation" for f in findings), findings=findings)


def validate_triples(triples: list[Triple]) -> Report:
    data = vocabulary_graph()
    for t in triples:
        data.add(t)
    return validate_graph(data)


def validate_store(store: GraphStore) -> Report:
    data = vocabulary_graph()
    for graph in store.graphs():
        for t in store.triples(graph):
            data.add(t)
    return validate_graph(data)
