"""Importing documents by hand into their own graph (``graph/source/imports``),
through the same extraction and mapping as harvested pages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from harvesters.extract import extract_document
from harvesters.files import ImportFileError, document_record, read_file
from harvesters.records import Record
from hub import ids
from hub.mapping import map_record
from hub.runner import derived_updates, writing
from hub.settings import Config, Source
from hub.terms import Triple
from hub.vocabgraph import ensure_vocabulary

IMPORTS_SOURCE = "imports"


def records_for(path: Path, jurisdiction: str | None, source: Source | None) -> list[Record]:
    """The document record of a file and everything extracted from it."""
    data, content = read_file(path)
    jurisdiction = jurisdiction or (source.jurisdiction if source else None)
    document = document_record(path, data, content, jurisdiction=jurisdiction,
                               publisher=source.publisher if source else None)
    records: list[Record] = [document]
    records += extract_document(document, jurisdiction=jurisdiction, html=content.html)
    return records


def import_files(config: Config, paths: list[Path], jurisdiction: str | None = None,
                 source: Source | None = None) -> dict[str, Any]:
    imported: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    triples: list[Triple] = []
    for path in paths:
        try:
            records = records_for(path, jurisdiction, source)
            mapped = [t for r in records for t in map_record(r)]
        except ImportFileError as exc:
            failed.append({"file": str(path), "error": str(exc)})
            continue
        except ValueError as exc:
            failed.append({"file": str(path), "error": f"{path}: cannot be imported: {exc}"})
            continue
        triples += mapped
        document = records[0]
        imported.append({
            "file": str(path),
            "title": getattr(document, "title", None),
            "iri": str(ids.document(document.url)),  # type: ignore[attr-defined]
            "records": dict(Counter(r.kind for r in records)),
        })
    if triples:
        with writing(config) as store:
            ensure_vocabulary(store)
            store.upsert(str(ids.source_graph(IMPORTS_SOURCE)), list(dict.fromkeys(triples)))
            derived_updates(config, store, [IMPORTS_SOURCE])
    return {"imported": imported, "failed": failed}
