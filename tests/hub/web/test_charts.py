"""The comparison charts (:mod:`hub.web.charts`): well-formed SVG with a text
alternative, colours with WCAG AA contrast, nothing told by colour alone, and
charts that say so when there is nothing to draw."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from hub.web import charts

NS = "{http://www.w3.org/2000/svg}"
JS = [{"id": "uk", "name": "United Kingdom"}, {"id": "wales", "name": "Wales"}]


def parse(chart: charts.Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{NS}title").get("id") == title_id == f"{chart.id}-title"
    assert root.find(f"{NS}desc").get("id") == desc_id
    assert root.find(f"{NS}desc").text == chart.desc
    assert not any(el.get("style") for el in root.iter())
    assert not any(el.tag in (f"{NS}script", f"{NS}a", f"{NS}foreignObject") for el in root.iter())
    return root


def timeline_figure() -> dict[str, Any]:
    return {"plans": [
        {"plan": "p1", "jurisdiction": "uk", "title": "NAP4", "number": 4, "start": 2019, "end": 2021,
         "published": None, "commitments": 8},
        {"plan": "p2", "jurisdiction": "uk", "title": "NAP5", "number": 5, "start": 2021, "end": 2023,
         "published": None, "commitments": None},
    ], "undated": [], "years": [2019, 2023], "missing": {"wales": "no action plans harvested"},
        "notes": []}


def matrix_figure() -> dict[str, Any]:
    return {"rows": [
        {"theme": "t1", "slug": "open-data", "label": "Open data", "counts": {"uk": 7, "wales": None}},
        {"theme": "t2", "slug": "health", "label": "Health", "counts": {"uk": 0, "wales": None}},
        {"theme": "t3", "slug": "aid", "label": "Aid transparency", "counts": {"uk": 2, "wales": None}},
    ], "who_to_ask": [], "missing": {"wales": "no commitments with themes harvested"}, "notes": []}


def process_figure(n: int = 3) -> dict[str, Any]:
    meetings = [{"meeting": f"m{i}", "date": f"{2010 + i // 6}-{1 + (i % 6) * 2:02d}-15", "body": "b",
                 "body_name": "UK Multi-Stakeholder Forum", "government": 10 + i % 3,
                 "civil_society": 8 + i % 4, "other": 0, "total": 18, "apologies": None}
                for i in range(n)]
    meetings.append({"meeting": "mx", "date": "2030-01-01", "body": "b", "body_name": "UK Forum",
                     "government": None, "civil_society": None, "other": None, "total": None,
                     "apologies": None})
    return {"uk": {"attendance": meetings, "missing": {}},
            "wales": {"attendance": [], "missing": {"attendance": "no meetings harvested"}}}


# ------------------------------------------------------------------ contrast


def test_contrast_ratios_are_computed_as_wcag_does() -> None:
    assert charts.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_colours_meet_aa_contrast() -> None:
    for mark in (charts.BAR, charts.GOVERNMENT, charts.CIVIL_SOCIETY, charts.MISSING):
        assert charts.contrast(mark, charts.WHITE) >= 3, mark  # non-text marks
    for text in (charts.TEXT, charts.SECONDARY):
        assert charts.contrast(text, charts.WHITE) >= 4.5, text
    assert charts.contrast(charts.WHITE, charts.BAR) >= 4.5  # labels inside bars
    for step in charts.HEAT:
        assert charts.contrast(charts.text_on(step), step) >= 4.5, step
    # The two attendance series differ in lightness too, not only in hue.
    assert charts.contrast(charts.GOVERNMENT, charts.CIVIL_SOCIETY) >= 1.5


def _text_pairs(root: ET.Element) -> list[tuple[str, str]]:
    """(text colour, the colour of the shape it sits on) for each group of a
    shape and its label."""
    pairs = []
    for g in root.iter(f"{NS}g"):
        rects = g.findall(f"{NS}rect")
        for text in g.findall(f"{NS}text"):
            if rects:
                pairs.append((text.get("fill", charts.TEXT), rects[-1].get("fill")))
    return pairs


def test_labels_on_bars_and_cells_are_readable() -> None:
    for root in (parse(charts.timeline_chart(timeline_figure(), JS)),
                 parse(charts.matrix_chart(matrix_figure(), JS))):
        pairs = _text_pairs(root)
        assert pairs
        for fg, bg in pairs:
            assert bg.startswith("#"), "a label must sit on a plain colour"
            assert charts.contrast(fg, bg) >= 4.5, (fg, bg)


# ------------------------------------------------------------------ charts


def test_timeline_chart_shows_each_plan_and_what_is_not_known() -> None:
    chart = charts.timeline_chart(timeline_figure(), JS)
    root = parse(chart)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "United Kingdom" in texts and "Wales" in texts
    assert any(t and t.startswith("No. 4") for t in texts)
    assert any(t and "?" in t for t in texts)  # a count not known is not drawn as 0
    assert not any(t == "0" for t in texts)
    dashed = [r for r in root.iter(f"{NS}rect") if r.get("stroke-dasharray")]
    assert dashed  # the unknown count is drawn differently, not only in another colour
    assert "Wales: no action plans harvested." in chart.desc
    assert "plan 5, 2021–2023 (commitments not known)" in chart.desc


def test_matrix_chart_prints_every_number_and_hatches_missing_cells() -> None:
    chart = charts.matrix_chart(matrix_figure(), JS)
    root = parse(chart)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"7", "2", "0"} <= set(texts)
    assert texts.count("no data") == 3
    assert root.find(f".//{NS}pattern") is not None
    assert "Wales: no data" in chart.desc and "United Kingdom on open data (7)" in chart.desc


def test_attendance_chart_marks_sectors_by_shape_and_dash() -> None:
    chart = charts.attendance_chart(process_figure(), JS)
    root = parse(chart)
    assert root.findall(f".//{NS}circle") and root.findall(f".//{NS}polyline")
    assert any(p.get("stroke-dasharray") for p in root.iter(f"{NS}polyline"))
    assert "UK Multi-Stakeholder Forum: 3 meetings with counts" in chart.desc
    assert "1 more meetings without counts" in chart.desc
    assert "Wales: no data (no meetings harvested)" in chart.desc


def test_many_meetings_are_shown_as_yearly_means() -> None:
    process = process_figure(charts.MAX_POINTS + 20)
    series = charts.attendance_series(process["uk"]["attendance"])
    assert series["by"] == "year"
    assert sum(p["meetings"] for p in series["points"]) == charts.MAX_POINTS + 20
    assert "mean per year" in charts.attendance_chart(process, JS).desc
    few = charts.attendance_series(process_figure(5)["uk"]["attendance"])
    assert few["by"] == "meeting" and len(few["points"]) == 5


def test_charts_with_nothing_to_draw_say_so() -> None:
    empty_timeline = {"plans": [], "undated": [], "years": None,
                      "missing": {"uk": "no action plans harvested", "wales": "no action plans harvested"},
                      "notes": []}
    parse(charts.timeline_chart(empty_timeline, JS))
    root = parse(charts.matrix_chart({"rows": [], "who_to_ask": [], "missing": {}, "notes": []}, JS))
    assert any("No commitments with themes" in (t.text or "") for t in root.iter(f"{NS}text"))
    nothing = {"uk": {"attendance": [], "missing": {"attendance": "no meetings harvested"}},
               "wales": {"attendance": [], "missing": {"attendance": "no meetings harvested"}}}
    root = parse(charts.attendance_chart(nothing, JS))
    assert any("No attendance by sector" in (t.text or "") for t in root.iter(f"{NS}text"))


def test_harvested_text_is_escaped() -> None:
    figure = timeline_figure()
    figure["plans"][0]["title"] = '<script>alert("x")</script> & plan'
    chart = charts.timeline_chart(figure, JS)
    assert "<script>" not in chart.svg
    root = parse(chart)
    assert any('<script>alert("x")</script> & plan' in (t.text or "") for t in root.iter(f"{NS}title"))
