"""The comparison view in a real browser: Debian's chromium driven by
Playwright against ``ogh serve`` over the harvested corpus. The page loads
with nothing blocked by the Content-Security-Policy, its charts render, and
choosing jurisdictions with the checkboxes (no JavaScript involved: a GET form)
changes what is shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.conftest import running_server
from tests.hub.web.corpus_site import build_corpus_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory, replay: object) -> Iterator[str]:
    data = tmp_path_factory.mktemp("compare-browser") / "data"
    build_corpus_site(data, replay)
    with running_server(data) as url:
        yield url


def _chart_box(page: object, chart_id: str) -> dict[str, float]:
    return page.locator(f"svg#{chart_id}").bounding_box()


def test_compare_page_charts_and_choosing_jurisdictions(
        browser: object, corpus_url: str, output_dir: Path) -> None:
    shots = output_dir / "browser"
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))

    page.goto(corpus_url + "/compare")
    assert page.get_by_role("heading", level=1).inner_text() == "Compare approaches"
    # The three charts are drawn, each named by its title for assistive technology.
    for chart_id, name in (("timeline-chart", "Action plans on one timeline"),
                           ("theme-matrix-chart", "Commitments by theme and jurisdiction"),
                           ("attendance-chart", "Attendance by sector over time")):
        box = _chart_box(page, chart_id)
        assert box and box["width"] > 300 and box["height"] > 100, chart_id
        assert page.get_by_role("img", name=name).count() == 1
    assert page.locator("#timeline-chart rect").count() > 10
    assert page.locator("#attendance-chart circle").count() >= 5
    # The stylesheet applied (no CSP block): the table wrappers scroll, the form has its border.
    assert page.locator(".ogh-compare__form").evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    page.screenshot(path=str(shots / "compare.png"), full_page=True)
    every_row = page.locator("#plans-table tbody tr").count()
    assert page.locator("#timeline-chart text", has_text="Glasgow").count() == 1

    # Untick three nations and compare the other two.
    for name in ("Wales", "Northern Ireland", "Glasgow"):
        page.get_by_label(name, exact=True).uncheck()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare?jurisdiction=uk&jurisdiction=scotland**")
    assert page.get_by_label("Wales", exact=True).is_checked() is False
    assert page.get_by_label("Scotland", exact=True).is_checked()
    jurisdictions = set(page.locator("#plans-table tbody tr td:first-child").all_inner_texts())
    assert jurisdictions == {"United Kingdom", "Scotland"}
    assert page.locator("#plans-table tbody tr").count() < every_row
    assert page.locator("#timeline-chart text", has_text="Glasgow").count() == 0
    headers = page.locator("#theme-matrix-table thead th").all_inner_texts()
    assert headers == ["Theme", "United Kingdom", "Scotland"]
    page.screenshot(path=str(shots / "compare-uk-scotland.png"), full_page=True)

    # Narrow to a period with the text field, then open a theme in depth from the matrix.
    page.get_by_label("Plan period").fill("2021-2023")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**period=2021-2023**")
    assert "2016" not in " ".join(page.locator("#plans-table tbody tr td:nth-child(4)").all_inner_texts())
    cell = "#theme-matrix-table a[aria-label*='United Kingdom commitments on Open contracting']"
    page.locator(cell).click()
    page.wait_for_url("**/compare/theme/open-contracting?**#jurisdiction-uk")
    assert page.get_by_role("heading", level=1).inner_text() == "Open contracting"
    assert page.locator("#jurisdiction-uk li").count() >= 1
    assert page.locator("#jurisdiction-wales").count() == 0
    page.screenshot(path=str(shots / "compare-theme-open-contracting.png"), full_page=True)
    assert problems == []
    page.close()


def test_compare_page_at_320px(browser: object, corpus_url: str, output_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(corpus_url + "/compare")
    # Only the table wrappers (which scroll, and take focus to do so) may be wider.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    box = _chart_box(page, "timeline-chart")
    assert box and box["width"] <= 320
    page.screenshot(path=str(output_dir / "browser" / "compare-320px.png"), full_page=True)
    page.close()
