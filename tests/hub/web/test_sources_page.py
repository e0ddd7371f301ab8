"""``/sources``: each source's harvest status and errors, from the
provenance graph the harvest runner writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hub import ids
from hub.provenance import RunResult, updated_provenance
from hub.store import open_store
from hub.web import create_app
from tests.hub.conftest import build_site

T0 = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)


def _record(config, run: RunResult) -> None:
    writer = open_store(config, write=True)
    try:
        writer.replace_graph(str(ids.PROVENANCE_GRAPH), updated_provenance(writer, run))
    finally:
        writer.close()


def test_sources_page_shows_runs_and_errors(tmp_path: Path) -> None:
    config = build_site(tmp_path / "data", with_index=False)
    errors = [{"url": "https://www.gov.uk/missing", "status": 404, "reason": "not found"},
              {"url": "javascript:alert(1)", "status": None, "reason": "<script>alert(2)</script> refused"}]
    _record(config, RunResult(source="govuk", started=T0, ended=T0 + dt.timedelta(minutes=2),
                              outcome="succeeded", fetched=12, not_modified=3, failed=2,
                              entities={"Commitment": 2, "Document": 2}, errors=errors))
    _record(config, RunResult(
        source="govscot", started=T0, ended=T0 + dt.timedelta(minutes=1), outcome="failed",
        reason="entry point failed (HTTP 503); the previous graph is kept", fetched=0, failed=1,
        errors=[{"url": "https://www.gov.scot/", "status": 503, "reason": "unavailable"}]))
    client = create_app(config).test_client()

    data = client.get("/sources?format=json").json
    by_id = {s["id"]: s for s in data["sources"]}
    assert set(by_id) == set(config.sources)
    govuk = by_id["govuk"]["last_run"]
    assert govuk["outcome"] == "succeeded"
    assert (govuk["fetched"], govuk["not_modified"], govuk["failed"]) == (12, 3, 2)
    assert govuk["entities"] == {"Commitment": 2, "Document": 2}
    assert {e["url"] for e in govuk["errors"]} == {"https://www.gov.uk/missing", "javascript:alert(1)"}
    assert by_id["govscot"]["last_run"]["outcome"] == "failed"
    assert by_id["glasgow"]["last_run"] is None
    assert by_id["govuk"]["triples"] > 0
    assert data["summary"] == {"sources": len(config.sources), "harvested": 2, "failed": 1, "errors": 3}

    response = client.get("/sources")
    assert response.status_code == 200
    html = response.data.decode()
    assert "GOV.UK (Cabinet Office)" in html and "never harvested" in html
    assert "entry point failed (HTTP 503)" in html
    assert 'href="https://www.gov.uk/missing"' in html
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html
    assert "<script" not in html and "&lt;script&gt;alert(2)&lt;/script&gt; refused" in html
    assert "2 commitments, 2 documents." in html
