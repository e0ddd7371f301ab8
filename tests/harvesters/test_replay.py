"""``ogh replay``: the recorded corpus served over real HTTP on loopback, as
the live sites answer (recorded status, headers and bodies; 304 on a matching
validator; 404 for what was never recorded)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import CORPUS

ROOT = Path(__file__).parents[2]


def test_ogh_replay_serves_the_corpus() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "hub.cli", "replay", str(CORPUS), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "Replaying" in line, line
        base = line.rsplit(" at ", 1)[1].strip()
        path = "/api/content/government/collections/uk-national-action-plans-for-open-government"
        first = requests.get(base + path, headers={"Host": "www.gov.uk"}, timeout=10)
        assert first.status_code == 200 and first.json()["document_type"] == "document_collection"
        etag = first.headers["ETag"]
        again = requests.get(base + path, headers={"Host": "www.gov.uk", "If-None-Match": etag}, timeout=10)
        assert again.status_code == 304 and again.content == b""
        # Query parameters are compared regardless of their order.
        query = ("/api/search.json?start=0&count=5&order=-public_timestamp"
                 "&filter_document_collections=uk-national-action-plans-for-open-government"
                 "&fields=title,description,link,public_timestamp,content_store_document_type,organisations")
        assert requests.get(base + query, headers={"Host": "www.gov.uk"}, timeout=10).status_code == 200
        # Recorded errors and redirects are answered as recorded.
        redirect = requests.get(base + "/node/49716", headers={"Host": "gov.wales"}, timeout=10,
                                allow_redirects=False)
        assert redirect.status_code == 301
        assert redirect.headers["Location"] == "https://www.gov.wales/node/49716"
        assert requests.get(base + "/never-recorded", headers={"Host": "www.gov.uk"},
                            timeout=10).status_code == 404
    finally:
        proc.terminate()
        proc.wait(10)


def test_replay_refuses_a_folder_without_recordings(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "hub.cli", "replay", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert done.returncode == 2 and "no <source>/manifest.json" in done.stderr
