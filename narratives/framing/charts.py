"""Charts as server-rendered SVG: no chart library, no script, nothing the CSP would have to allow.

Colours are classes (``series-N``, styled in framing.css), never inline styles; every mark has a
<title> so its value shows on hover and is read out by screen readers. Text is escaped here, once;
numbers are formatted by us, so the markup is assembled with plain string formatting (a chart has
hundreds of marks, and ``format_html`` per mark was most of the statistics page's time).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SERIES_CLASSES = 8
WIDTH = 720
LABEL_WIDTH = 200
ROW = 14
GAP = 10


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


def series_class(index: int) -> str:
    return f"series-{index % SERIES_CLASSES}"


def number(value: float) -> str:
    """2 → "2", 2.5 → "2.5", 0.123456 → "0.12": values as a reader wants them in a tooltip."""
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 5 × 10^n), so the gridlines fall on readable values."""
    if value <= 0:
        return 1.0
    magnitude = 1.0
    while magnitude * 10 < value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _legend(series: list[Series], y: float) -> str:
    items = []
    for i, s in enumerate(series):
        x, row = 10 + 160 * (i % 4), y + 18 * (i // 4)
        items.append(
            f'<g class="legend-item {series_class(i)}"><rect x="{x}" y="{row}" width="10" height="10"/>'
            f'<text x="{x + 14}" y="{row + 9}">{escape(s.name[:22])}</text></g>'
        )
    return "".join(items)


def _legend_height(series: list[Series]) -> int:
    return 18 * ((len(series) + 3) // 4) + 8


def grouped_bars(labels: list[str], series: list[Series], *, title: str, unit: str) -> SafeString:
    """Horizontal bars: one group per label, one bar per series within it."""
    if not labels or not series:
        return SafeString("")
    scale_max = nice_max(max((v for s in series for v in s.values), default=0))
    plot = WIDTH - LABEL_WIDTH - 20
    group_height = ROW * len(series) + GAP
    bottom = 24 + group_height * len(labels)
    height = bottom + 30 + _legend_height(series)
    unit = escape(unit)
    parts = [_vertical_grid(scale_max, plot, 20, bottom)]
    for g, label in enumerate(labels):
        y0 = 24 + g * group_height
        safe_label = escape(label)
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y0 + group_height / 2:.1f}" text-anchor="end">{escape(label[:32])}</text>'
        )
        for i, s in enumerate(series):
            value = s.values[g]
            parts.append(
                f'<rect class="bar {series_class(i)}" x="{LABEL_WIDTH}" y="{y0 + i * ROW}" width="{plot * value / scale_max:.1f}" height="{ROW - 2}">'
                f"<title>{safe_label} · {escape(s.name)}: {number(value)} {unit}</title></rect>"
            )
    parts.append(_legend(series, height - _legend_height(series)))
    return _svg(title, height, parts)


def _vertical_grid(scale_max: float, plot: float, top: float, bottom: float) -> str:
    lines = []
    for k in range(5):
        tick = scale_max * k / 4
        x = LABEL_WIDTH + plot * k / 4
        lines.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}"/>'
            f'<text class="tick" x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{number(tick)}</text>'
        )
    return "".join(lines)


def line_chart(x_labels: list[str], series: list[Series], *, title: str, unit: str) -> SafeString:
    """One line per series over ``x_labels`` (e.g. months), with a dot per value."""
    if not x_labels or not series:
        return SafeString("")
    left, right, top, plot_h = 50, 20, 20, 220
    plot_w = WIDTH - left - right
    scale_max = nice_max(max((v for s in series for v in s.values), default=0))
    step = plot_w / max(1, len(x_labels) - 1)
    height = top + plot_h + 40 + _legend_height(series)
    unit = escape(unit)
    labels = [escape(label) for label in x_labels]

    def x_of(i: int) -> float:
        return left + i * step if len(x_labels) > 1 else left + plot_w / 2

    def y_of(v: float) -> float:
        return top + plot_h * (1 - v / scale_max)

    parts = []
    for k in range(5):
        y = top + plot_h * (1 - k / 4)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{number(scale_max * k / 4)}</text>'
        )
    every = max(1, len(x_labels) // 8)  # at most about eight labels along the axis
    parts.extend(
        f'<text class="tick" x="{x_of(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{label}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    )
    for i, s in enumerate(series):
        css, name = series_class(i), escape(s.name)
        points = " ".join(f"{x_of(j):.1f},{y_of(v):.1f}" for j, v in enumerate(s.values))
        parts.append(f'<polyline class="line {css}" points="{points}"/>')
        parts.extend(
            f'<circle class="dot {css}" cx="{x_of(j):.1f}" cy="{y_of(v):.1f}" r="3"><title>{name} · {labels[j]}: {number(v)} {unit}</title></circle>'
            for j, v in enumerate(s.values)
        )
    parts.append(_legend(series, height - _legend_height(series)))
    return _svg(title, height, parts)


def _svg(title: str, height: float, parts: list[str]) -> SafeString:
    # Every piece above escaped its text, and the rest is numbers and fixed markup.
    body = "".join(parts)
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {round(height)}" role="img" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )
