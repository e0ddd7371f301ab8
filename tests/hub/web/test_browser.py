"""The hub in a real browser: Debian's chromium driven by Playwright against
``ogh serve`` on loopback (no browser download: see the project's notes on
services). The store holds the whole recorded corpus, harvested through the
replay server, with the seed documents imported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub import index
from hub.store import open_store
from tests.hub.conftest import running_server
from tests.hub.web.corpus_site import build_corpus_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hub_url(tmp_path_factory: pytest.TempPathFactory, replay: object) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser") / "data"
    config = build_corpus_site(data, replay)
    with open_store(config) as store:
        index.rebuild(config, store)
    with running_server(data) as url:
        yield url


def _jurisdictions(page: object) -> list[str]:
    return page.locator(".ogh-result .ogh-result__meta:first-of-type span:nth-child(2)").all_inner_texts()


def test_search_and_narrow_by_jurisdiction(browser: object, hub_url: str, output_dir: Path) -> None:
    shots = output_dir / "browser"
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))

    page.goto(hub_url + "/")
    page.get_by_label("Search every nation's plans, commitments, meetings and documents").fill(
        "open contracting")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=open+contracting")
    everything = _jurisdictions(page)
    assert len(everything) >= 4
    assert len(set(everything)) >= 2 and "United Kingdom" in everything
    other = sorted(set(everything) - {"United Kingdom"})[0]
    page.screenshot(path=str(shots / "search-open-contracting.png"), full_page=True)

    page.get_by_label(f"{other} (").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**jurisdiction=**")
    narrowed = _jurisdictions(page)
    assert narrowed and set(narrowed) == {other}
    assert len(narrowed) < len(everything)
    assert page.get_by_label(f"{other} (").is_checked()
    assert page.get_by_role("link", name=f"Remove filter {other}").is_visible()
    page.screenshot(path=str(shots / "search-open-contracting-narrowed.png"), full_page=True)

    first = page.locator(".ogh-result a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/id/**")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == title
    page.screenshot(path=str(shots / "commitment.png"), full_page=True)
    assert problems == []  # no CSP violations, nothing failed to load
    page.close()


def test_keyboard_and_narrow_screen(browser: object, hub_url: str, output_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(hub_url + "/search?q=open+contracting")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    box = page.evaluate("JSON.stringify(document.activeElement.getBoundingClientRect())")
    assert '"width":0' not in box  # shown when focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    # Nothing wider than the screen at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The facets work from the keyboard alone.
    page.get_by_label("United Kingdom (").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**jurisdiction=uk**")
    assert set(_jurisdictions(page)) == {"United Kingdom"}
    page.screenshot(path=str(output_dir / "browser" / "search-320px.png"), full_page=True)
    page.close()
