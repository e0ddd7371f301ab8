"""The query page in a real browser (Debian's chromium, driven by
Playwright) against `ogh serve` on loopback: pick a named query, run it, read
the table, follow the permalink."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import synthetic
from hub.settings import load_config
from hub.store import open_store
from hub.vocabgraph import ensure_vocabulary
from tests.hub.sparql.server import Server, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hub_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("sparql-browser") / "data"
    with open_store(load_config(overrides={"hub.data_dir": str(data)}), write=True) as store:
        store.replace_graphs(synthetic.graphs(15_000))
        ensure_vocabulary(store)
    with serving(data) as url:
        yield url


def test_run_a_named_query_and_follow_its_permalink(browser: object, hub_url: Server,
                                                     output_dir: Path) -> None:
    shots = output_dir / "browser"
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))

    page.goto(hub_url + "/sparql")
    assert page.get_by_role("heading", level=1).inner_text() == "Query the graph with SPARQL"
    page.get_by_role("link", name="Themes by jurisdiction", exact=True).click()
    page.wait_for_url("**/sparql?example=theme-matrix")
    assert "ogh:Commitment" in page.get_by_label("Query").input_value()

    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("table")
    headers = page.locator("table th").all_inner_texts()
    assert headers[:3] == ["?theme", "?label", "?jurisdiction"] and "?commitments" in headers
    rows = page.locator("table tbody tr")
    assert rows.count() > 5
    assert "jurisdiction/uk" in page.locator("table").inner_text()
    page.screenshot(path=str(shots / "sparql-results.png"), full_page=True)

    page.get_by_role("link", name="Permalink to this query").click()
    page.wait_for_selector("table")
    assert page.locator("table tbody tr").count() == rows.count()

    assert problems == []

    # A mistake is shown in an error summary (answered 400), with the query kept for fixing.
    page.get_by_label("Query").fill("SELECT * WHERE {")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector(".ogh-error-summary")
    assert "syntax error" in page.locator(".ogh-error-summary").inner_text()
    assert page.get_by_label("Query").input_value() == "SELECT * WHERE {"
    page.screenshot(path=str(shots / "sparql-error.png"), full_page=True)
