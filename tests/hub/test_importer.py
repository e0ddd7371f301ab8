"""``ogh import``: text, HTML and PDF documents into the graph, idempotent,
and nothing half-imported from a file that cannot be read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from hub import ids
from hub.cli import main
from hub.importer import IMPORTS_SOURCE
from hub.store import open_store, rdflib_graph
from tests.conftest import SEEDS

GRAPH = str(ids.source_graph(IMPORTS_SOURCE))


def make_pdf(lines: list[str]) -> bytes:
    """A small valid PDF with one page of text in Helvetica."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Title (Steering group minutes) >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return out


@pytest.fixture
def env(config, monkeypatch):
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    return config


def imported(config):
    with open_store(config) as store:
        return rdflib_graph(store.triples(GRAPH)) if GRAPH in store.graphs() else None


def test_the_seeds_import_and_reimport_changes_nothing(env, capsys) -> None:
    seeds = sorted(str(p) for p in SEEDS.glob("0*.txt"))
    assert len(seeds) == 5
    assert main(["import", *seeds, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [Path(i["file"]).name for i in report["imported"]] == [Path(s).name for s in seeds]
    assert report["imported"][3]["title"] == "Multi-Stakeholder Forum Read-out"
    first = imported(env)
    assert main(["import", *seeds]) == 0
    assert isomorphic(first, imported(env))
    capsys.readouterr()
    assert main(["entities", "--kind", "Document", "--json"]) == 0
    documents = json.loads(capsys.readouterr().out)
    assert len(documents) == 5 and all(d["sources"] == [IMPORTS_SOURCE] for d in documents)


def test_html_and_pdf_import(env, tmp_path, capsys) -> None:
    page = tmp_path / "minutes.html"
    page.write_text("<html lang='en'><head><title>Forum minutes | Site</title>"
                    "<meta name='DC.date' content='2023-06-22'></head>"
                    "<body><main><h1>Forum minutes</h1><p>We met.</p><script>x()</script>"
                    "</main></body></html>")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf(["Open Government Steering Group", "Minutes of 17 May 2023"]))
    assert main(["import", str(page), str(pdf), "--jurisdiction", "scotland", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    titles = [i["title"] for i in report["imported"]]
    assert titles == ["Forum minutes", "Steering group minutes"]
    assert main(["entities", "--kind", "Document", "--jurisdiction", "scotland", "--json"]) == 0
    docs = {d["title"]: d for d in json.loads(capsys.readouterr().out)}
    assert "x()" not in docs["Forum minutes"]["text"] and "We met." in docs["Forum minutes"]["text"]
    assert "Minutes of 17 May 2023" in docs["Steering group minutes"]["text"]
    assert docs["Forum minutes"]["date"] == "2023-06-22"


@pytest.mark.parametrize("name,content,message", [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage",
     "not a readable PDF|no extractable text"),
    ("empty.txt", b"   \n", "the file is empty"),
    ("binary.txt", b"\x00\x01\x02binary", "not a text file"),
    ("missing.txt", None, "cannot be read"),
])
def test_unreadable_file_imports_nothing(env, tmp_path, capsys, name, content, message) -> None:
    good = SEEDS / "000_ae46de3ade61df18.txt"
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    assert main(["import", str(bad), str(good)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err
    assert re.search(message, err)
    graph = imported(env)
    assert graph is not None  # the good file went in...
    assert all(str(o) != bad.name for o in graph.objects())  # ...and nothing of the bad one
    documents = {str(s) for s in graph.subjects() if "/document/" in str(s)}
    assert len(documents) == 1


def test_imported_seeds_carry_their_knowledge(env, capsys) -> None:
    """Imported documents go through the same extraction as harvested pages."""
    assert main(["import", *sorted(str(p) for p in SEEDS.glob("0*.txt"))]) == 0
    capsys.readouterr()

    def entities(kind: str) -> list[dict]:
        assert main(["entities", "--kind", kind, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    forum = [m for m in entities("Meeting") if m["date"] == "2023-06-22"]
    assert len(forum) == 1
    assert forum[0]["body"] == "UK Multi-Stakeholder Forum"
    assert {k: forum[0]["attendance"][k] for k in ("total", "government", "civil_society")} == {
        "total": 38, "government": 21, "civil_society": 17}
    decisions = entities("ThemeDecision")
    taken = {t for d in decisions if d["outcome"] == "taken-forward" for t in d["themes"]}
    assert {"Open contracting", "Aid transparency"} <= taken
    assert {d["outcome"] for d in decisions} >= {"further-discussion", "deferred"}
    events = [e for e in entities("TimelineEvent") if e["plan"].endswith("/plan/uk/2024-2025")]
    assert len(events) >= 10 and all(e["stage"] for e in events)
    groups = {g["title"]: g for g in entities("ThematicGroup")}
    assert groups["Open Contracting (Procurement)"]["lead"] == "Ruairi Macdonald"
