"""Small inline-SVG plots for the report pages: no scripts, no external files, every label escaped.

Each function returns one <svg> element sized by its viewBox, so it scales to the page
(a phone or a laptop) and prints as it shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

BLUE, RED, GREY, GREEN = "#36c", "#c33", "#999", "#2a7"


def line_chart(
    values: Sequence[float], marker: int | None = None, *, width: int = 600, height: int = 160, label: str = ""
) -> str:
    """A polyline over equally spaced points; `marker` (1-based) draws a dashed vertical line."""
    if not values:
        return "<p>—</p>"
    top = max(max(values), 1e-9)
    step = width / max(1, len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - v / top * (height - 10):.1f}" for i, v in enumerate(values))
    mark = ""
    if marker is not None:
        x = (marker - 1) * step
        mark = f"<line x1='{x:.1f}' y1='0' x2='{x:.1f}' y2='{height}' stroke='{RED}' stroke-dasharray='4'/>"
    body = f"<polyline fill='none' stroke='{BLUE}' stroke-width='2' points='{points}'/>{mark}"
    return _svg(f"-5 -5 {width + 10} {height + 10}", label, body)


def sparkline(points: Sequence[tuple[float, float]], total: float, *, width: int = 120, height: int = 24) -> str:
    """Bars of (x, value) over 0..total: the tension inside one episode, line by line."""
    if not points or total <= 0:
        return ""
    top = max(max(value for _, value in points), 1.0)
    bars = "".join(
        f"<rect x='{x / total * (width - 2):.1f}' y='{height - value / top * height:.1f}' width='2' "
        f"height='{value / top * height:.1f}' fill='{BLUE if value else GREY}'/>"
        for x, value in points
    )
    return (
        f"<svg viewBox='0 0 {width} {height}' width='{width}' height='{height}' role='img' "
        f"aria-label='tension through the episode'><line x1='0' y1='{height}' x2='{width}' y2='{height}' "
        f"stroke='{GREY}'/>{bars}</svg>"
    )


def bars(items: Sequence[tuple[str, float]], *, width: int = 600, label: str = "") -> str:
    """Horizontal bars of shares (0..1), labelled with the share in percent."""
    if not items:
        return "<p>—</p>"
    rows = []
    for index, (name, share) in enumerate(items):
        y = index * 22
        length = max(0.0, share) * (width - 200)
        rows.append(
            f"<text x='0' y='{y + 15}' font-size='13'>{escape(name[:18])}</text>"
            f"<rect x='140' y='{y + 3}' width='{length:.1f}' height='16' fill='{BLUE}'/>"
            f"<text x='{145 + length:.1f}' y='{y + 15}' font-size='12'>{share:.0%}</text>"
        )
    return _svg(f"0 0 {width} {len(items) * 22}", label, "".join(rows))


def paired_bars(items: Sequence[tuple[str, float, float]], legend: tuple[str, str], *, width: int = 600) -> str:
    """Two bars per row (values -1..1 shown from 0): e.g. wording and meaning similarity per neighbour."""
    if not items:
        return "<p>—</p>"
    span = width - 200
    rows = [
        f"<rect x='140' y='2' width='12' height='10' fill='{BLUE}'/><text x='156' y='11' font-size='11'>"
        f"{escape(legend[0])}</text><rect x='340' y='2' width='12' height='10' fill='{GREEN}'/>"
        f"<text x='356' y='11' font-size='11'>{escape(legend[1])}</text>"
    ]
    for index, (name, first, second) in enumerate(items):
        y = 20 + index * 30
        rows.append(f"<text x='0' y='{y + 17}' font-size='13'>{escape(name[:18])}</text>")
        for offset, value, colour in ((0, first, BLUE), (13, second, GREEN)):
            length = max(0.0, min(1.0, value)) * span
            rows.append(
                f"<rect x='140' y='{y + offset}' width='{length:.1f}' height='11' fill='{colour}'/>"
                f"<text x='{144 + length:.1f}' y='{y + offset + 10}' font-size='10'>{value:.2f}</text>"
            )
    return _svg(f"0 0 {width} {20 + len(items) * 30}", "similarity of the nearest works", "".join(rows))


def network(nodes: Sequence[tuple[str, float]], edges: Sequence[tuple[int, int, int]], *, size: int = 420) -> str:
    """Nodes (label, weight 0..1) on a circle, the heaviest at the top; edges (a, b, count) drawn
    with width by count. Enough for the ~12 characters who carry a micro-drama."""
    if not nodes:
        return "<p>—</p>"
    centre, radius = size / 2, size / 2 - 60
    places = [
        (
            centre + radius * math.sin(2 * math.pi * i / len(nodes)),
            centre - radius * math.cos(2 * math.pi * i / len(nodes)),
        )
        for i in range(len(nodes))
    ]
    heaviest = max((count for _, _, count in edges), default=1)
    parts = [
        f"<line x1='{places[a][0]:.1f}' y1='{places[a][1]:.1f}' x2='{places[b][0]:.1f}' y2='{places[b][1]:.1f}' "
        f"stroke='{GREY}' stroke-opacity='0.7' stroke-width='{1 + 5 * count / heaviest:.1f}'/>"
        for a, b, count in edges
    ]
    for (label, weight), (x, y) in zip(nodes, places, strict=True):
        parts.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{6 + 24 * math.sqrt(max(weight, 0.0)):.1f}' fill='{BLUE}' "
            f"fill-opacity='0.8'/><text x='{x:.1f}' y='{y + 4:.1f}' font-size='12' text-anchor='middle' "
            f"fill='#000'>{escape(label[:12])}</text>"
        )
    return _svg(f"0 0 {size} {size}", "who shares scenes with whom", "".join(parts))


def _svg(view_box: str, label: str, body: str) -> str:
    return f"<svg viewBox='{view_box}' role='img' aria-label='{escape(label)}'>{body}</svg>"
