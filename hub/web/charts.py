"""The comparison view's charts, drawn on the server as SVG.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and
``<desc>`` (the text alternative: what the chart shows, in words), with no
script and no ``style`` attribute (the site's Content-Security-Policy forbids
inline styles): only presentation attributes. Nothing is told by colour alone:
bars and cells carry their numbers as text, missing data is hatched and
labelled, and the two attendance series differ in marker shape and line dash
as well as colour. Every colour meets WCAG AA contrast: text 4.5:1 against
what it is drawn on, marks 3:1 against white. The data table printed beside
each chart on the page holds the same numbers, with links to the entities.

Charts hold no links: an image role hides its content from assistive
technology, so a link inside one would be a focus stop nobody can name. The
tables beside them carry the links.
"""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SVG_NS = "http://www.w3.org/2000/svg"

TEXT = "#0b0c0c"
SECONDARY = "#484f53"
GRID = "#b1b4b6"
WHITE = "#ffffff"
BAR = "#1d70b8"
GOVERNMENT = "#12436d"
CIVIL_SOCIETY = "#a8400f"
MISSING = "#505a5f"
#: The heat map's steps, light to dark (one hue).
HEAT = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
WIDTH = 900

#: A panel of the attendance chart plots each meeting up to this many; beyond,
#: the mean per year.
MAX_POINTS = 40


@dataclass
class Chart:
    """One chart: its SVG text, and its title and description (repeated on
    the page as the figure's caption)."""

    id: str
    title: str
    desc: str
    svg: str

    def __html__(self) -> str:  # Jinja marks it safe: built with ElementTree, escaped.
        return self.svg


# ------------------------------------------------------------------ colours


def _luminance(colour: str) -> float:
    h = colour.lstrip("#")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (``#rrggbb``)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill``."""
    return TEXT if contrast(TEXT, fill) >= contrast(WHITE, fill) else WHITE


# ------------------------------------------------------------------ building


def _svg(chart_id: str, title: str, desc: str, width: int, height: int) -> ET.Element:
    root = ET.Element("svg", {
        "xmlns": SVG_NS, "role": "img", "viewBox": f"0 0 {width} {height}",
        "width": str(width), "height": str(height), "class": "ogh-chart",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "id": chart_id,
        "font-family": FONT, "font-size": "13", "fill": TEXT,
    })
    ET.SubElement(root, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{chart_id}-desc"}).text = desc
    ET.SubElement(root, "rect", {"x": "0", "y": "0", "width": str(width), "height": str(height),
                                 "fill": WHITE})
    return root


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), **{k.replace("_", "-"): v
                                                                     for k, v in attrs.items()}})
    el.text = text
    return el


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _hatch(root: ET.Element, chart_id: str) -> str:
    """A diagonal hatch for cells without data; returns its fill reference."""
    defs = ET.SubElement(root, "defs")
    pattern = ET.SubElement(defs, "pattern", {
        "id": f"{chart_id}-hatch", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse",
        "patternTransform": "rotate(45)"})
    ET.SubElement(pattern, "rect", {"width": "6", "height": "6", "fill": WHITE})
    ET.SubElement(pattern, "line", {"x1": "0", "y1": "0", "x2": "0", "y2": "6",
                                    "stroke": GRID, "stroke-width": "3"})
    return f"url(#{chart_id}-hatch)"


def _done(root: ET.Element, chart_id: str, title: str, desc: str) -> Chart:
    return Chart(id=chart_id, title=title, desc=desc, svg=ET.tostring(root, encoding="unicode"))


def _text_width(text: str, size: float = 12) -> float:
    return len(text) * size * 0.58


def _years_label(start: int | None, end: int | None) -> str:
    if start is None:
        return "period not known"
    return str(start) if end in (None, start) else f"{start}–{end}"


def _ticks(first: int, last: int, room: float) -> list[int]:
    span = max(1, last - first)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if span / s * 40 <= room or s == 100)
    return [y for y in range(first, last + 1) if y % step == 0] or [first]


# ------------------------------------------------------------------ timeline


def timeline_chart(figure: dict[str, Any], jurisdictions: Sequence[dict[str, str]],
                   chart_id: str = "timeline-chart") -> Chart:
    """Each jurisdiction's plans as bars on one time axis, labelled with the
    plan's number and commitment count."""
    plans = figure["plans"]
    title = "Action plans on one timeline"
    names = {j["id"]: j["name"] for j in jurisdictions}
    summary = []
    for j in jurisdictions:
        mine = [p for p in plans if p["jurisdiction"] == j["id"]]
        if not mine:
            summary.append(f"{j['name']}: {figure['missing'].get(j['id'], 'no plans')}.")
            continue
        parts = []
        for p in mine:
            count = (f"{p['commitments']} commitments" if p["commitments"] is not None
                     else "commitments not known")
            number = f"plan {p['number']}, " if p["number"] is not None else ""
            parts.append(f"{number}{_years_label(p['start'], p['end'])} ({count})")
        summary.append(f"{j['name']}: {len(mine)} plan{'s' if len(mine) != 1 else ''}: "
                       + "; ".join(parts) + ".")
    desc = ("Each bar is one action plan, from the start of its first year to the end of its last, "
            "in one row per jurisdiction. " + " ".join(summary))

    left, right, top, lane_h, gap = 150, 20, 34, 26, 12
    # Plans of one jurisdiction that overlap go on separate lanes.
    lanes: dict[str, list[list[dict]]] = {}
    for j in jurisdictions:
        rows: list[list[dict]] = []
        for p in (p for p in plans if p["jurisdiction"] == j["id"]):
            end = p["end"] or p["start"]
            for lane in rows:
                if all(end < q["start"] or p["start"] > (q["end"] or q["start"]) for q in lane):
                    lane.append(p)
                    break
            else:
                rows.append([p])
        lanes[j["id"]] = rows or [[]]
    height = top + sum(len(r) * lane_h + gap for r in lanes.values()) + 40
    root = _svg(chart_id, title, desc, WIDTH, height)
    if figure["years"]:
        first, last = figure["years"][0], figure["years"][1] + 1
    else:
        this = dt.date.today().year
        first, last = this - 1, this + 1
    room = WIDTH - left - right
    scale = room / max(1, last - first)

    def x(year: float) -> float:
        return left + (year - first) * scale

    axis = ET.SubElement(root, "g", {"aria-hidden": "true"})
    for year in _ticks(first, last, room):
        ET.SubElement(axis, "line", {"x1": _n(x(year)), "x2": _n(x(year)), "y1": str(top - 6),
                                     "y2": str(height - 40), "stroke": GRID, "stroke-width": "1"})
        _text(axis, x(year), top - 12, str(year), text_anchor="middle", font_size="12",
              fill=SECONDARY)
    y = top
    for j in jurisdictions:
        rows = lanes[j["id"]]
        block = len(rows) * lane_h
        _text(root, 8, y + block / 2 + 4, names[j["id"]], font_weight="700")
        if not rows[0]:
            _text(root, left + 6, y + lane_h / 2 + 4, "No plans in the hub"
                  + (" for this period" if "for" in figure["missing"].get(j["id"], "") else ""),
                  fill=SECONDARY, font_style="italic")
        for i, lane in enumerate(rows):
            for p in lane:
                x0, x1 = x(p["start"]), x((p["end"] or p["start"]) + 1)
                known = p["commitments"] is not None
                g = ET.SubElement(root, "g")
                ET.SubElement(g, "title").text = (
                    f"{names[j['id']]}: {p['title'] or 'action plan'}, "
                    f"{_years_label(p['start'], p['end'])}, "
                    + (f"{p['commitments']} commitments" if known else "commitments not known"))
                ET.SubElement(g, "rect", {
                    "x": _n(x0 + 1), "y": _n(y + i * lane_h + 3), "width": _n(max(2, x1 - x0 - 2)),
                    "height": str(lane_h - 6), "rx": "3",
                    "fill": BAR if known else WHITE, "stroke": BAR, "stroke-width": "2",
                    **({} if known else {"stroke-dasharray": "5 3"})})
                number = f"No. {p['number']}" if p["number"] is not None else ""
                count = str(p["commitments"]) if known else "?"
                for label in (f"{number}: {count} commitments" if number else f"{count} commitments",
                              f"{number} · {count}" if number else count, count):
                    if _text_width(label) <= x1 - x0 - 8:
                        _text(g, (x0 + x1) / 2, y + i * lane_h + lane_h / 2 + 4, label,
                              text_anchor="middle", font_size="12",
                              fill=WHITE if known else TEXT)
                        break
        y += block + gap
        ET.SubElement(root, "line", {"x1": "0", "x2": str(WIDTH), "y1": _n(y - gap / 2),
                                     "y2": _n(y - gap / 2), "stroke": GRID, "stroke-width": "1",
                                     "aria-hidden": "true"})
    # Legend
    ly = height - 22
    ET.SubElement(root, "rect", {"x": str(left), "y": str(ly - 11), "width": "26", "height": "14",
                                 "rx": "3", "fill": BAR, "stroke": BAR, "stroke-width": "2"})
    _text(root, left + 32, ly, "plan: number and commitments", font_size="12")
    ET.SubElement(root, "rect", {"x": str(left + 260), "y": str(ly - 11), "width": "26",
                                 "height": "14", "rx": "3", "fill": WHITE, "stroke": BAR,
                                 "stroke-width": "2", "stroke-dasharray": "5 3"})
    _text(root, left + 292, ly, "plan whose commitments the hub does not hold (?)", font_size="12")
    return _done(root, chart_id, title, desc)


# ------------------------------------------------------------------ heat map


def heat_step(count: int, highest: int) -> int:
    """Which of the heat map's steps a positive count falls in."""
    if highest <= 1:
        return len(HEAT) - 1
    return min(len(HEAT) - 1, math.ceil(count / highest * len(HEAT)) - 1)


def matrix_chart(figure: dict[str, Any], jurisdictions: Sequence[dict[str, str]],
                 chart_id: str = "theme-matrix-chart") -> Chart:
    """Themes by jurisdiction as a heat map: darker for more commitments, the
    number in each cell, missing data hatched."""
    rows = figure["rows"]
    title = "Commitments by theme and jurisdiction"
    counts = [n for r in rows for n in r["counts"].values() if n]
    highest = max(counts, default=0)
    tops = sorted(((n, r["label"], j["name"]) for r in rows for j in jurisdictions
                   if (n := r["counts"].get(j["id"]))), reverse=True)[:3]
    parts = [f"{len(rows)} themes by {len(jurisdictions)} jurisdictions; each cell gives the number "
             "of commitments on the theme, darker for more."]
    if tops:
        parts.append("Most: " + "; ".join(f"{name} on {label.lower()} ({n})" for n, label, name in tops)
                     + ".")
    for j in jurisdictions:
        if j["id"] in figure["missing"]:
            parts.append(f"{j['name']}: no data ({figure['missing'][j['id']]}).")
        else:
            covered = sum(1 for r in rows if r["counts"].get(j["id"]))
            parts.append(f"{j['name']}: {covered} of the {len(rows)} themes.")
    desc = " ".join(parts)

    left, top, cell_w, cell_h = 230, 46, (WIDTH - 230 - 10) // max(1, len(jurisdictions)), 24
    cell_w = min(cell_w, 150)
    height = top + max(1, len(rows)) * cell_h + 56
    root = _svg(chart_id, title, desc, WIDTH, height)
    hatch = _hatch(root, chart_id)
    for i, j in enumerate(jurisdictions):
        _text(root, left + i * cell_w + cell_w / 2, top - 12, j["name"], text_anchor="middle",
              font_weight="700", font_size="12")
    if not rows:
        _text(root, left, top + 16, "No commitments with themes in the hub for this choice",
              fill=SECONDARY, font_style="italic")
    for r_i, row in enumerate(rows):
        y = top + r_i * cell_h
        label = row["label"] if len(row["label"]) <= 34 else row["label"][:33] + "…"
        _text(root, left - 8, y + cell_h / 2 + 4, label, text_anchor="end", font_size="12")
        for c_i, j in enumerate(jurisdictions):
            n = row["counts"].get(j["id"])
            x = left + c_i * cell_w
            g = ET.SubElement(root, "g")
            if n is None:
                fill, text, tip = hatch, "no data", f"{j['name']}, {row['label']}: no data"
                colour = TEXT
            elif n == 0:
                fill, text, tip = WHITE, "0", f"{j['name']}, {row['label']}: no commitments"
                colour = TEXT
            else:
                fill = HEAT[heat_step(n, highest)]
                text, tip = str(n), f"{j['name']}, {row['label']}: {n} commitments"
                colour = text_on(fill)
            ET.SubElement(g, "title").text = tip
            ET.SubElement(g, "rect", {"x": str(x + 1), "y": str(y + 1), "width": str(cell_w - 2),
                                      "height": str(cell_h - 2), "fill": fill, "stroke": MISSING,
                                      "stroke-width": "0.5"})
            if n is None:
                # Text on the hatch sits on a white plate, to keep its contrast.
                ET.SubElement(g, "rect", {"x": _n(x + cell_w / 2 - 24), "y": str(y + 5),
                                          "width": "48", "height": str(cell_h - 10), "fill": WHITE})
            _text(g, x + cell_w / 2, y + cell_h / 2 + 4, text, text_anchor="middle",
                  font_size="12", fill=colour, **({"font_style": "italic"} if n is None else {}))
    # Legend: the steps with their ranges, zero and no data.
    ly = height - 30
    lx = left
    if highest:
        bounds = [math.ceil(highest * k / len(HEAT)) for k in range(len(HEAT) + 1)]
        _text(root, lx - 8, ly + 13, "Commitments:", text_anchor="end", font_size="12")
        for k, colour in enumerate(HEAT):
            lo, hi = bounds[k] + 1 if k else 1, bounds[k + 1]
            if lo > hi:
                continue
            ET.SubElement(root, "rect", {"x": str(lx), "y": str(ly), "width": "56", "height": "18",
                                         "fill": colour, "stroke": MISSING, "stroke-width": "0.5"})
            _text(root, lx + 28, ly + 13, str(lo) if lo == hi else f"{lo}–{hi}",
                  text_anchor="middle", font_size="11", fill=text_on(colour))
            lx += 60
    ET.SubElement(root, "rect", {"x": str(lx + 10), "y": str(ly), "width": "56", "height": "18",
                                 "fill": WHITE, "stroke": MISSING, "stroke-width": "0.5"})
    _text(root, lx + 38, ly + 13, "0", text_anchor="middle", font_size="11")
    _text(root, lx + 72, ly + 13, "none", font_size="12")
    lx += 120
    ET.SubElement(root, "rect", {"x": str(lx), "y": str(ly), "width": "56", "height": "18",
                                 "fill": hatch, "stroke": MISSING, "stroke-width": "0.5"})
    _text(root, lx + 62, ly + 13, "no data in the hub", font_size="12")
    return _done(root, chart_id, title, desc)


# ------------------------------------------------------------------ attendance


def attendance_series(meetings: list[dict[str, Any]]) -> dict[str, Any]:
    """One jurisdiction's attendance by sector over time: each meeting with
    counts (up to :data:`MAX_POINTS`), or else the mean per year."""
    counted = [m for m in meetings if m["government"] is not None or m["civil_society"] is not None]
    out: dict[str, Any] = {"meetings": len(meetings), "counted": len(counted), "by": "meeting"}
    if len(counted) <= MAX_POINTS:
        out["points"] = [{"date": m["date"], "meeting": m["meeting"], "government": m["government"],
                          "civil_society": m["civil_society"], "other": m["other"],
                          "total": m["total"], "meetings": 1} for m in counted]
        return out
    years: dict[int, list[dict[str, Any]]] = {}
    for m in counted:
        years.setdefault(int(m["date"][:4]), []).append(m)
    out["by"] = "year"

    def mean(items: list[dict[str, Any]], key: str) -> float | None:
        values = [i[key] for i in items if i[key] is not None]
        return round(sum(values) / len(values), 1) if values else None

    out["points"] = [{"date": f"{y}-07-01", "year": y, "meetings": len(items),
                      "government": mean(items, "government"),
                      "civil_society": mean(items, "civil_society"),
                      "other": mean(items, "other"), "total": mean(items, "total")}
                     for y, items in sorted(years.items())]
    return out


def _day(value: str) -> float:
    d = dt.date.fromisoformat(value[:10]) if len(value) >= 10 else dt.date(int(value[:4]), 7, 1)
    return d.year + (d.timetuple().tm_yday - 1) / 366


def attendance_panels(process: dict[str, dict[str, Any]],
                      jurisdictions: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
    """One panel per forum or group with meetings, in the order of the
    jurisdictions; the chart draws those whose minutes give counts by sector."""
    panels = []
    for j in jurisdictions:
        bodies: dict[str, list[dict[str, Any]]] = {}
        for m in process[j["id"]]["attendance"]:
            bodies.setdefault(m["body"] or "", []).append(m)
        for body, meetings in sorted(bodies.items(), key=lambda kv: -len(kv[1])):
            panels.append({"jurisdiction": j["id"], "name": j["name"], "body": body or None,
                           "body_name": meetings[0].get("body_name") or "forum",
                           "meetings": meetings, "series": attendance_series(meetings)})
    return panels


def attendance_chart(process: dict[str, dict[str, Any]], jurisdictions: Sequence[dict[str, str]],
                     chart_id: str = "attendance-chart") -> Chart:
    """Government and civil society attendance over time, one panel per forum
    or group with counts, on one shared time axis."""
    title = "Attendance by sector over time"
    panels = [p for p in attendance_panels(process, jurisdictions) if p["series"]["points"]]
    parts = ["People present from government (solid line, circles) and civil society (dashed line, "
             "squares) at the meetings of each forum or group whose minutes count them; lines join "
             "meetings up to two years apart."]
    for j in jurisdictions:
        mine = [p for p in panels if p["jurisdiction"] == j["id"]]
        if not mine:
            note = process[j["id"]]["missing"].get("attendance", "no counts by sector")
            parts.append(f"{j['name']}: no data ({note}).")
            continue
        for panel in mine:
            s = panel["series"]
            gov = [p["government"] for p in s["points"] if p["government"] is not None]
            cs = [p["civil_society"] for p in s["points"] if p["civil_society"] is not None]
            span = f"{s['points'][0]['date'][:4]} to {s['points'][-1]['date'][:4]}"
            what = (f"{s['counted']} meetings with counts" if s["by"] == "meeting"
                    else f"{s['counted']} meetings with counts, shown as the mean per year")
            text = f"{j['name']}, {panel['body_name']}: {what}, {span}"
            if gov:
                text += f"; government {min(gov):g} to {max(gov):g}"
            if cs:
                text += f"; civil society {min(cs):g} to {max(cs):g}"
            if s["meetings"] > s["counted"]:
                text += f"; {s['meetings'] - s['counted']} more meetings without counts"
            parts.append(text + ".")
    desc = " ".join(parts)

    left, right, panel_h, top, gap = 56, 20, 110, 40, 68
    height = top + max(1, len(panels)) * (panel_h + gap) + 10
    root = _svg(chart_id, title, desc, WIDTH, height)
    _legend_series(root, left, 18)
    if not panels:
        _text(root, left, top + 40, "No attendance by sector in the hub for this choice",
              fill=SECONDARY, font_style="italic")
        return _done(root, chart_id, title, desc)
    days = [_day(p["date"]) for panel in panels for p in panel["series"]["points"]]
    first, last = math.floor(min(days)), math.floor(max(days)) + 1
    room = WIDTH - left - right

    def x(value: float) -> float:
        return left + (value - first) / max(1, last - first) * room

    for k, panel in enumerate(panels):
        s = panel["series"]
        y0 = top + 30 + k * (panel_h + gap)
        values = [v for p in s["points"] for v in (p["government"], p["civil_society"]) if v is not None]
        high = max(values, default=1) or 1
        step = next(st for st in (1, 2, 5, 10, 20, 50, 100, 200, 500) if high / st <= 5)
        high = math.ceil(high / step) * step

        def y(value: float, y0: float = y0, high: float = high) -> float:
            return y0 + panel_h - value / high * panel_h

        heading = _text(root, 8, y0 - 14, panel["name"], font_weight="700")
        ET.SubElement(heading, "tspan", {"font-weight": "400"}).text = (
            f": {panel['body_name']}, " + ("each meeting" if s["by"] == "meeting"
                                           else "mean per year"))
        axis = ET.SubElement(root, "g", {"aria-hidden": "true"})
        for v in range(0, int(high) + 1, step):
            ET.SubElement(axis, "line", {"x1": str(left), "x2": str(WIDTH - right),
                                         "y1": _n(y(v)), "y2": _n(y(v)), "stroke": GRID,
                                         "stroke-width": "1"})
            _text(axis, left - 6, y(v) + 4, str(v), text_anchor="end", font_size="11",
                  fill=SECONDARY)
        for year in _ticks(first, last, room):
            _text(axis, x(year), y0 + panel_h + 16, str(year), text_anchor="middle",
                  font_size="11", fill=SECONDARY)
            ET.SubElement(axis, "line", {"x1": _n(x(year)), "x2": _n(x(year)),
                                         "y1": str(y0 + panel_h), "y2": str(y0 + panel_h + 4),
                                         "stroke": SECONDARY})
        for key, colour, dash, shape in (("government", GOVERNMENT, None, "circle"),
                                         ("civil_society", CIVIL_SOCIETY, "6 4", "square")):
            pts = [(x(_day(p["date"])), y(p[key]), p) for p in s["points"] if p[key] is not None]
            # Lines join meetings at most two years apart: a longer gap is
            # a gap in the minutes the hub holds, not a trend.
            runs: list[list[tuple[float, float, dict]]] = []
            for pt in pts:
                if runs and _day(pt[2]["date"]) - _day(runs[-1][-1][2]["date"]) <= 2:
                    runs[-1].append(pt)
                else:
                    runs.append([pt])
            for run in (r for r in runs if len(r) > 1):
                ET.SubElement(root, "polyline", {
                    "points": " ".join(f"{_n(a)},{_n(b)}" for a, b, _ in run), "fill": "none",
                    "stroke": colour, "stroke-width": "2", **({"stroke-dasharray": dash} if dash else {})})
            for a, b, p in pts:
                g = ET.SubElement(root, "g")
                who = "government" if key == "government" else "civil society"
                when = p["date"] if s["by"] == "meeting" else f"{p['year']} (mean of {p['meetings']})"
                ET.SubElement(g, "title").text = f"{panel['name']}, {when}: {p[key]:g} {who}"
                _marker(g, shape, a, b, colour)
    return _done(root, chart_id, title, desc)


def _marker(parent: ET.Element, shape: str, x: float, y: float, colour: str) -> None:
    if shape == "circle":
        ET.SubElement(parent, "circle", {"cx": _n(x), "cy": _n(y), "r": "4.5", "fill": colour,
                                         "stroke": WHITE, "stroke-width": "1"})
    else:
        ET.SubElement(parent, "rect", {"x": _n(x - 4.5), "y": _n(y - 4.5), "width": "9",
                                       "height": "9", "fill": colour, "stroke": WHITE,
                                       "stroke-width": "1"})


def _legend_series(root: ET.Element, x: float, y: float) -> None:
    ET.SubElement(root, "line", {"x1": _n(x), "x2": _n(x + 30), "y1": _n(y - 4), "y2": _n(y - 4),
                                 "stroke": GOVERNMENT, "stroke-width": "2"})
    _marker(root, "circle", x + 15, y - 4, GOVERNMENT)
    _text(root, x + 38, y, "Government", font_size="12")
    x += 140
    ET.SubElement(root, "line", {"x1": _n(x), "x2": _n(x + 30), "y1": _n(y - 4), "y2": _n(y - 4),
                                 "stroke": CIVIL_SOCIETY, "stroke-width": "2",
                                 "stroke-dasharray": "6 4"})
    _marker(root, "square", x + 15, y - 4, CIVIL_SOCIETY)
    _text(root, x + 38, y, "Civil society", font_size="12")
