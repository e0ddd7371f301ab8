"""``ogh import`` of files that are corrupt, hostile or not files at all: each
is reported with its name and what is wrong, the good files of the same batch
are imported, and nothing of a bad file reaches the graph (the graph equals
what the good files alone give). Non-regular files (a folder, a pipe, a
device) are refused before they are read, so nothing blocks or reads forever."""

from __future__ import annotations

import io
import json
import os
import zlib
from pathlib import Path

import pypdf
import pytest
from rdflib import Graph

from hub import ids
from hub.cli import main
from hub.importer import IMPORTS_SOURCE
from hub.settings import load_config
from hub.store import open_store, rdflib_graph
from tests.conftest import SEEDS
from tests.hub.test_importer import make_pdf
from tests.reliability.helpers import run_child

GRAPH = str(ids.source_graph(IMPORTS_SOURCE))


def pdf_with_stream(stream: bytes) -> bytes:
    """A one-page PDF whose content stream is ``stream``, deflated."""
    packed = zlib.compress(stream, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(["Secret minutes"]))))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


GOOD_PDF = make_pdf(["Open Government Steering Group", "Minutes of 17 May 2023"])

#: name -> (how to make it in a folder, what the error must say)
BROKEN = {
    "truncated.pdf": (lambda p: p.write_bytes(GOOD_PDF[: len(GOOD_PDF) // 2]), "PDF"),
    "garbage.pdf": (lambda p: p.write_bytes(b"%PDF-1.7\n" + os.urandom(4000)), "PDF"),
    "no-text.pdf": (lambda p: p.write_bytes(pdf_with_stream(b"0 0 m 100 100 l S")), "no extractable text"),
    "bomb.pdf": (lambda p: p.write_bytes(pdf_with_stream(b"BT (x) Tj ET" + b" " * 200_000_000)),
                 "not a readable PDF"),
    "encrypted.pdf": (lambda p: p.write_bytes(encrypted_pdf()), "encrypted"),
    "binary.txt": (lambda p: p.write_bytes(b"\x7fELF\x00\x00" + os.urandom(2000)), "not a text file"),
    "utf16-no-bom.txt": (lambda p: p.write_bytes("Minutes of the forum".encode("utf-16-le")),
                         "not a text file"),
    "empty.txt": (lambda p: p.write_bytes(b""), "empty"),
    "blank.txt": (lambda p: p.write_bytes(b" \n\t\n"), "empty"),
    "no-text.html": (lambda p: p.write_text("<html><body><script>x()</script></body></html>"), "no text"),
    "huge.txt": (lambda p: os.truncate(p, 60_000_000) if p.touch() is None else None, "over the limit"),
    "dangling.txt": (lambda p: p.symlink_to(p.parent / "gone.txt"), "cannot be read"),
    "folder.txt": (lambda p: p.mkdir(), "not a regular file"),
    "pipe.txt": (lambda p: os.mkfifo(p), "not a regular file"),
    "zero.txt": (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
}


def good_files(folder: Path) -> list[Path]:
    pdf = folder / "good.pdf"
    pdf.write_bytes(GOOD_PDF)
    return [pdf, SEEDS / "003_af5d8ae709714ca0.txt"]


def imports_graph(config) -> Graph:
    with open_store(config) as store:
        return rdflib_graph(store.triples(GRAPH)) if GRAPH in store.graphs() else Graph()


@pytest.mark.slow
def test_broken_files_report_and_import_nothing(config, tmp_path, monkeypatch, capsys, tally) -> None:
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    folder = tmp_path / "files"
    folder.mkdir()
    earlier = SEEDS / "000_ae46de3ade61df18.txt"
    assert main(["import", str(earlier)]) == 0
    bad = []
    for name, (make, _) in BROKEN.items():
        make(folder / name)
        bad.append(folder / name)
        tally.input(f"broken file at import ({name.rsplit('.', 1)[1]})")
    good = good_files(folder)
    capsys.readouterr()

    assert main(["import", "--json", *map(str, [*bad[:8], *good, *bad[8:]])]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [Path(i["file"]).name for i in report["imported"]] == [p.name for p in good]
    errors = {Path(f["file"]).name: f["error"] for f in report["failed"]}
    for name, (_, message) in BROKEN.items():
        assert name in errors, f"{name} was not reported"
        assert str(folder / name) in errors[name] and message in errors[name], (name, errors[name])

    # What the good files alone give, in a store of their own.
    alone = load_config(overrides={"hub.data_dir": str(tmp_path / "alone")})
    monkeypatch.setenv("OGH_HOME", str(alone.data_dir))
    assert main(["import", str(earlier), *map(str, good)]) == 0
    assert tally.kept("imports graph after a batch with broken files", imports_graph(config),
                      imports_graph(alone))


def test_only_broken_files_leave_the_store_untouched(config, tmp_path, monkeypatch, capsys, tally) -> None:
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    assert main(["import", str(SEEDS / "000_ae46de3ade61df18.txt")]) == 0
    before = imports_graph(config)
    snapshot = os.readlink(config.data_dir / "current")
    for name in ("truncated.pdf", "binary.txt", "folder.txt"):
        BROKEN[name][0](tmp_path / name)
    tally.input("broken file at import (batch of broken only)", 3)
    assert main(["import", *(str(tmp_path / n) for n in ("truncated.pdf", "binary.txt", "folder.txt"))]) == 1
    err = capsys.readouterr().err
    assert err.count("ogh import:") == 3
    assert os.readlink(config.data_dir / "current") == snapshot  # nothing was written
    assert tally.kept("imports graph after broken files only", imports_graph(config), before)


@pytest.mark.slow
def test_pdf_bomb_import_is_bounded(config, tmp_path, tally) -> None:
    """A deflate bomb (200 MB of content in a 200 KB PDF), imported in a child
    process under a memory limit: a clear error, and the child stays alive."""
    bomb = tmp_path / "bomb.pdf"
    BROKEN["bomb.pdf"][0](bomb)
    tally.input("broken file at import (pdf, measured)")
    report = run_child(config, "--max-memory", str(3 * 2**30), "cli", "import", str(bomb), timeout=120)
    assert report["rc"] == 1 and "not a readable PDF" in report["stderr"], report["stderr"][-2000:]
    assert "Traceback" not in report["stderr"]
    assert report["maxrss_kb"] < 2 * 2**20, report["maxrss_kb"]
