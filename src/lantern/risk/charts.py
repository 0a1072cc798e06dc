"""Severity over time as an SVG drawn on the server: no script, prints in an evidence bundle,
and passes a Content Security Policy without exceptions. Values are numbers and dates only;
every text is escaped by format_html."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lantern.engine.risk.subjects import local_day

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 640, 240, 44, 16, 24


def severity_chart(detail: dict, label: str) -> SafeString | str:
    points = [
        (datetime.fromisoformat(c["at"]), c["severity"], c)
        for c in detail.get("chronology", [])
        if c["severity"]
    ]
    if not points:
        return ""
    start, end = points[0][0], points[-1][0]
    if end <= start:
        start, end = start - timedelta(days=15), end + timedelta(days=15)
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) * (at - start).total_seconds() / span

    def y(severity: float) -> float:
        return HEIGHT - PAD_Y - (HEIGHT - 2 * PAD_Y) * max(0.0, min(severity, 10.0)) / 10

    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="5" class="sev-dot"><title>{}: severity {}</title></circle>',
        ((_n(x(at)), _n(y(sev)), local_day(at), f"{sev:g}") for at, sev, _ in points),
    )
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="sev-grid"/>'
        '<text x="{}" y="{}" class="sev-axis">{}</text>',
        ((PAD_LEFT, WIDTH - PAD_RIGHT, _n(y(v)), _n(y(v)), 4, _n(y(v) + 4), v) for v in (0, 5, 10)),
    )
    return format_html(
        '<svg class="severity-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="sev-title sev-desc">'
        '<title id="sev-title">Severity of incidents over time: {}</title>'
        '<desc id="sev-desc">{} incidents from {} to {} on a ladder from 1 to 10; '
        "the line is the Theil-Sen trend.</desc>"
        "{}{}{}"
        '<text x="{}" y="{}" class="sev-axis">{}</text>'
        '<text x="{}" y="{}" class="sev-axis" text-anchor="end">{}</text>'
        "</svg>",
        WIDTH,
        HEIGHT,
        label,
        len(points),
        local_day(points[0][0]),
        local_day(points[-1][0]),
        grid,
        _trend_line(detail.get("trend"), start, end, x, y),
        dots,
        PAD_LEFT,
        HEIGHT - 4,
        local_day(start),
        WIDTH - PAD_RIGHT,
        HEIGHT - 4,
        local_day(end),
    )


def _n(value: float) -> str:
    """A coordinate as text (format_html escapes its arguments, so numbers are formatted first)."""
    return f"{value:.1f}"


def _trend_line(trend: dict | None, start: datetime, end: datetime, x, y) -> SafeString | str:
    if not trend:
        return ""
    t0 = datetime.fromisoformat(trend["t0"])

    def at(when: datetime) -> float:
        return trend["intercept"] + trend["slope_per_day"] * (when - t0).total_seconds() / 86400

    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="sev-trend"><title>Trend</title></line>',
        _n(x(start)),
        _n(y(at(start))),
        _n(x(end)),
        _n(y(at(end))),
    )
