"""The progress chart: a small hand-written SVG rather than a plotting library. Two lines
of monthly counts need about a hundred lines of code, while matplotlib would add tens of
megabytes and a slow import for one picture, and the small SVG libraries still leave the
axes, ticks and print styling to us. Written by hand, the output is deterministic (testable
text), self-contained, and styled to print in black and white (solid vs dashed lines,
round vs square markers)."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape as xml_escape

from tui.core.pack.model import ProgressPoint

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# ---------------------------------------------------------------------------- chart

SERIES = (  # (field, legend, colour, dash, marker): blue and orange tell apart in any sight
    ("open", "Open items", "#c2410c", "", "circle"),
    ("done", "Done items", "#1d4ed8", "6 4", "square"),
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _nice_ticks(top: int, most: int = 5) -> list[int]:
    """0, step, 2*step, ... covering `top` with a step of 1, 2 or 5 times a power of ten."""
    top = max(top, 1)
    raw = top / (most - 1)
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, step * math.ceil(top / step) + 1, step))


def chart_svg(points: list[ProgressPoint], width: int, height: int) -> str:
    """Open and done items at each month end, as an SVG to sit inside an HTML page."""
    left, right, top, bottom = 48, 16, 36, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = _nice_ticks(max((max(p.open, p.done) for p in points), default=0))

    def x(index: int) -> float:  # the centre of the month's band: one point sits mid-chart
        return left + plot_w * (index + 0.5) / max(len(points), 1)

    def y(value: int) -> float:
        return top + plot_h * (1 - value / ticks[-1])

    out = [f'<svg class="progress-chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" '
           'aria-labelledby="progress-title progress-desc" '
           'font-family="system-ui, sans-serif" font-size="11" fill="#1f2933">',
           '<title id="progress-title">Open and done items at each month end</title>',
           f'<desc id="progress-desc">{_esc(_chart_summary(points))}</desc>']
    out += _y_axis(ticks, y, left, plot_w, top, plot_h)
    out += _x_axis(points, x, top + plot_h, plot_w)
    out += _legend(width - right - 120 * len(SERIES))
    if points:
        for field, name, colour, dash, marker in SERIES:
            coords = [(x(i), y(getattr(p, field))) for i, p in enumerate(points)]
            out += _series(coords, colour, dash, marker, name)
    else:
        out.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
                   'text-anchor="middle" fill="#52606d">No progress data for this period</text>')
    out.append("</svg>")
    return "\n".join(out)


def _esc(text: Any) -> str:
    """Nothing in the chart is user text, but every label is escaped all the same."""
    return xml_escape(str(text), quote=True)


def _chart_summary(points: list[ProgressPoint]) -> str:
    if not points:
        return "No progress data."
    first, last = points[0], points[-1]
    return (f"{len(points)} months from {first.month:%Y-%m} to {last.month:%Y-%m}. "
            f"At the start {first.open} open and {first.done} done; "
            f"at the end {last.open} open and {last.done} done.")


def _y_axis(ticks: list[int], y: Callable[[int], float], left: int, plot_w: int, top: int,
            plot_h: int) -> list[str]:
    out = [f'<text x="{left - 36}" y="{top - 10}" fill="#52606d">Items</text>']
    for tick in ticks:
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" '
                   f'y2="{y(tick):.1f}" stroke="#d9dee4" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" '
                   f'text-anchor="end">{_esc(tick)}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" '
               'stroke="#52606d" stroke-width="1"/>')
    return out


def _label_step(count: int, room: int) -> int:
    """Months between labels: 1, 2, 3, 6 or whole years, so labels sit on quarters and
    years rather than every fifth month."""
    need = math.ceil(count / max(1, room))
    return next((step for step in (1, 2, 3, 6, 12) if step >= need), 12 * math.ceil(need / 12))


def _x_axis(points: list[ProgressPoint], x: Callable[[int], float], base: float,
            plot_w: int) -> list[str]:
    """Month names under the axis, thinned to fit; the year under the first label and
    under each January."""
    band = plot_w / max(len(points), 1)
    out = [f'<line x1="{x(0) - band / 2:.1f}" x2="{x(0) - band / 2 + plot_w:.1f}" '
           f'y1="{base:.1f}" y2="{base:.1f}" stroke="#52606d" stroke-width="1"/>']
    step = _label_step(len(points), plot_w // 44)
    last_year = None
    for index, point in enumerate(points):
        months = point.month.year * 12 + point.month.month - 1
        if months % step:
            continue
        month, year = MONTHS[point.month.month - 1], point.month.year
        out.append(f'<line x1="{x(index):.1f}" x2="{x(index):.1f}" y1="{base:.1f}" '
                   f'y2="{base + 4:.1f}" stroke="#52606d"/>')
        out.append(f'<text x="{x(index):.1f}" y="{base + 16:.1f}" '
                   f'text-anchor="middle">{_esc(month)}</text>')
        if year != last_year:
            out.append(f'<text x="{x(index):.1f}" y="{base + 30:.1f}" text-anchor="middle" '
                       f'fill="#52606d">{_esc(year)}</text>')
            last_year = year
    return out


def _marker(cx: float, cy: float, shape: str, colour: str, size: float = 3.2) -> str:
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{size:.1f}" fill="{colour}"/>'
    return (f'<rect x="{cx - size:.1f}" y="{cy - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{colour}"/>')


def _series(coords: list[tuple[float, float]], colour: str, dash: str, marker: str,
            name: str) -> list[str]:
    path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    out = [f'<g aria-label="{_esc(name)}">',
           f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
           f'{dashes} stroke-linejoin="round"/>']
    # Markers shrink as months crowd in, so that five years stay legible.
    gap = coords[1][0] - coords[0][0] if len(coords) > 1 else 10.0
    size = max(1.6, min(3.2, gap / 3))
    out += [_marker(cx, cy, marker, colour, size) for cx, cy in coords]
    return [*out, "</g>"]


def _legend(start: int) -> list[str]:
    """Top right, clear of the y axis's title."""
    out = []
    for index, (_, name, colour, dash, marker) in enumerate(SERIES):
        x0 = start + index * 120
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x0}" x2="{x0 + 26}" y1="12" y2="12" stroke="{colour}" '
                   f'stroke-width="2"{dashes}/>')
        out.append(_marker(x0 + 13, 12, marker, colour))
        out.append(f'<text x="{x0 + 32}" y="16">{_esc(name)}</text>')
    return out


