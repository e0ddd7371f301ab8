"""What the reliability suite tried, injected and checked, for the summary
printed at the end of the run (see ``conftest.pytest_terminal_summary``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.compare import isomorphic

from hub.terms import Triple


@dataclass
class Tally:
    inputs: Counter[str] = field(default_factory=Counter)  # hostile or broken inputs tried, by kind
    faults: Counter[str] = field(default_factory=Counter)  # faults injected, by kind
    requests: Counter[str] = field(default_factory=Counter)  # abusive requests sent, by kind
    checks: int = 0  # graphs compared with what they must still hold
    lost: list[str] = field(default_factory=list)  # what was not kept (must stay empty)

    def input(self, kind: str, n: int = 1) -> None:
        self.inputs[kind] += n

    def fault(self, kind: str, n: int = 1) -> None:
        self.faults[kind] += n

    def request(self, kind: str, n: int = 1) -> None:
        self.requests[kind] += n

    def kept(self, what: str, after: Graph | Iterable[Triple], *allowed: Graph) -> bool:
        """True when ``after`` is isomorphic to one of the ``allowed`` graphs;
        otherwise it counts as data lost."""
        graph = after if isinstance(after, Graph) else _graph(after)
        self.checks += 1
        if any(isomorphic(graph, g) for g in allowed):
            return True
        self.lost.append(what)
        return False

    def used(self) -> bool:
        return bool(self.inputs or self.faults or self.requests or self.checks)

    def lines(self) -> list[str]:
        def listed(title: str, counter: Counter[str]) -> list[str]:
            return [f"{title}: {sum(counter.values())}",
                    *(f"    {n:4} {kind}" for kind, n in sorted(counter.items()))]

        return [
            *listed("inputs tried", self.inputs),
            *listed("faults injected", self.faults),
            *listed("abusive requests", self.requests),
            f"graphs checked after faults: {self.checks}",
            f"data lost: {len(self.lost)}" + "".join(f"\n    {what}" for what in self.lost),
        ]


def _graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add(t)
    return graph


#: The one tally of a test session.
TALLY = Tally()
