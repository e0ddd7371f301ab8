"""The vocabulary as a named graph of the store, so that SPARQL queries can
use theme labels, class hierarchies and stage order."""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal

from hub.ids import VOCAB_GRAPH
from hub.store import GraphStore
from vocab import DCTERMS, VOCAB_FILES


def vocabulary_graph() -> Graph:
    graph = Graph()
    for path in VOCAB_FILES:
        graph.parse(path, format="turtle")
    return graph


def vocabulary_digest() -> str:
    digest = hashlib.sha256()
    for path in VOCAB_FILES:
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()


def ensure_vocabulary(store: GraphStore) -> bool:
    """Load the vocabulary graph if the store lacks it or holds an older one.
    Returns True when it was (re)loaded."""
    digest = vocabulary_digest()
    if store.ask(
        f'ASK {{ GRAPH <{VOCAB_GRAPH}> {{ <{VOCAB_GRAPH}> <{DCTERMS.identifier}> "{digest}" }} }}'
    ):
        return False
    graph = vocabulary_graph()
    graph.add((VOCAB_GRAPH, DCTERMS.identifier, Literal(digest)))
    store.replace_graph(str(VOCAB_GRAPH), graph)
    return True
