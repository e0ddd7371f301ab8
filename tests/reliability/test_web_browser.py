"""Planted markup in a real browser (Debian's chromium through Playwright,
against ``ogh serve``): on the search results and on every entity page that
shows planted text, no planted script runs and no planted link is live."""

from __future__ import annotations

import pytest

from tests.hub.conftest import running_server
from tests.reliability.markup import MARK
from tests.reliability.test_web import entity_paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_planted_script_never_runs(browser, hostile_hub, tally) -> None:
    with running_server(hostile_hub.data_dir) as base:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/search?q={MARK}")
        hits = page.locator(".ogh-result").count()
        assert hits >= 3
        planted = [p for p in entity_paths(hostile_hub)
                   if MARK in (page.request.get(f"{base}{p}").text())]
        assert len(planted) >= 3, planted
        for path in ["/search?q=" + MARK, "/search?q=script", *planted, "/sources"]:
            tally.request("page opened in a browser")
            page.goto(base + path)
            assert page.evaluate("typeof window.__ogh_xss") == "undefined", path
            # Every link the page shows goes somewhere on the web, never to script.
            schemes = page.eval_on_selector_all(
                "a[href], area[href], iframe, object, embed",
                "els => els.map(e => (e.href || e.src || e.data || '').split(':')[0])")
            assert set(schemes) <= {"http", "https"}, (path, set(schemes))
            assert page.locator("iframe, object, embed, svg[onload]").count() == 0, path
        assert dialogs == []
        page.close()
