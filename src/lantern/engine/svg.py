"""Charts and maps as SVG text, drawn on the server: the same picture on a page, in a PDF and in
print, with no script, no tiles and nothing for a Content Security Policy to refuse (colours are
presentation attributes, never ``style``).

No Django. Every text that reaches the SVG is escaped here (``_t``); numbers are formatted here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = ("#0b3d91", "#b00020", "#00796b", "#6a1b9a", "#e65100", "#37474f")
INK, GRID, PAPER = "#1a1a1a", "#d0d0d0", "#ffffff"


def _t(text: object) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _svg(width: int, height: int, title: str, desc: str, body: str, css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_t(css_class)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="11"><title>{_t(title)}</title><desc>{_t(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="{PAPER}"/>{body}</svg>'
    )


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def line_chart(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    title: str,
    desc: str = "",
    width: int = 640,
    height: int = 240,
) -> str:
    """One line per series over shared x labels (weeks or months), with a legend and y grid."""
    left, right, top, bottom = 48, 12, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_max(max((max(v, default=0) for v in series.values()), default=0))
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v / top_value)

    parts = []
    for k in range(5):
        v = top_value * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_n(y(v))}" y2="{_n(y(v))}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{_n(y(v) + 4)}" text-anchor="end" fill="{INK}">{_t(f"{v:g}")}</text>'
        )
    step = max(1, math.ceil(n / 8))
    for i, label in enumerate(labels):
        if i % step == 0:
            parts.append(
                f'<text x="{_n(x(i))}" y="{height - bottom + 14}" text-anchor="middle" fill="{INK}">'
                f"{_t(label)}</text>"
            )
    for s, (name, values) in enumerate(series.items()):
        colour = PALETTE[s % len(PALETTE)]
        points = " ".join(f"{_n(x(i))},{_n(y(v))}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(
            f'<circle cx="{_n(x(i))}" cy="{_n(y(v))}" r="2.5" fill="{colour}">'
            f"<title>{_t(labels[i] if i < len(labels) else '')}: {_t(f'{v:g}')} {_t(name)}</title></circle>"
            for i, v in enumerate(values)
        )
        lx = left + s * 150
        parts.append(
            f'<rect x="{lx}" y="8" width="12" height="4" fill="{colour}"/>'
            f'<text x="{lx + 16}" y="14" fill="{INK}">{_t(name)}</text>'
        )
    return _svg(width, height, title, desc, "".join(parts), "chart line-chart")


def bar_chart(
    items: Sequence[tuple[str, float]], *, title: str, desc: str = "", width: int = 640, bar: int = 18
) -> str:
    """Horizontal bars, largest first as given, each labelled with its value."""
    left, right, top = 220, 48, 8
    height = top * 2 + max(len(items), 1) * (bar + 6)
    top_value = max((v for _, v in items), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = top + i * (bar + 6)
        w = (width - left - right) * value / top_value
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end" fill="{INK}">{_t(short)}</text>'
            f'<rect x="{left}" y="{y}" width="{_n(max(w, 1))}" height="{bar}" fill="{PALETTE[0]}">'
            f"<title>{_t(label)}: {_t(f'{value:g}')}</title></rect>"
            f'<text x="{_n(left + w + 4)}" y="{y + bar - 5}" fill="{INK}">{_t(f"{value:g}")}</text>'
        )
    return _svg(width, height, title, desc, "".join(parts), "chart bar-chart")


def heat_matrix(
    row_labels: Sequence[str],
    col_labels: Sequence[object],
    values: Sequence[Sequence[float]],
    *,
    title: str,
    desc: str = "",
    cell: int = 24,
) -> str:
    """A grid shaded from white to deep red by value (e.g. day of week by hour)."""
    left, top = 40, 18
    width, height = left + cell * len(col_labels) + 4, top + cell * len(row_labels) + 4
    peak = max((max(r, default=0) for r in values), default=0) or 1
    parts = [
        f'<text x="{_n(left + c * cell + cell / 2)}" y="{top - 5}" text-anchor="middle" fill="{INK}">'
        f"{_t(label)}</text>"
        for c, label in enumerate(col_labels)
    ]
    for r, label in enumerate(row_labels):
        y = top + r * cell
        parts.append(
            f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end" fill="{INK}">{_t(label)}</text>'
        )
        for c, value in enumerate(values[r]):
            shade = _red(value / peak)
            parts.append(
                f'<rect x="{left + c * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{shade}">'
                f"<title>{_t(label)} {_t(col_labels[c])}:00: {_t(f'{value:g}')}</title></rect>"
            )
    return _svg(width, height, title, desc, "".join(parts), "chart heat-matrix")


def _red(weight: float) -> str:
    """White (0) to deep red (1)."""
    w = max(0.0, min(1.0, weight))
    r, g, b = (255 - w * (255 - 122)), (255 - w * 255), (255 - w * (255 - 25))
    return f"#{int(r):02x}{int(g):02x}{int(b):02x}"


# ------------------------------------------------------------------------------------------- maps


class Projection:
    """Web Mercator scaled to fit ``bounds`` (lon/lat) into a width x height box with a margin."""

    def __init__(self, bounds: tuple[float, float, float, float], width: int, height: int, margin: int = 16):
        minx, miny, maxx, maxy = bounds
        if maxx - minx < 1e-4:
            minx, maxx = minx - 0.005, maxx + 0.005
        if maxy - miny < 1e-4:
            miny, maxy = miny - 0.003, maxy + 0.003
        self.x0, self.y0 = _merc(minx, maxy)
        x1, y1 = _merc(maxx, miny)
        self.scale = min((width - 2 * margin) / (x1 - self.x0), (height - 2 * margin) / (y1 - self.y0))
        self.dx = (width - (x1 - self.x0) * self.scale) / 2
        self.dy = (height - (y1 - self.y0) * self.scale) / 2
        self.metres_per_px = 1 / self.scale * 6_378_137 * math.cos(math.radians((miny + maxy) / 2))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        mx, my = _merc(lon, lat)
        return self.dx + (mx - self.x0) * self.scale, self.dy + (my - self.y0) * self.scale


def _merc(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-85.0, min(85.0, lat))
    return math.radians(lon), -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def area_map(
    *,
    bounds: tuple[float, float, float, float],
    title: str,
    desc: str = "",
    outlines: Sequence[dict] = (),
    boundary: dict | None = None,
    zones: Sequence[dict] = (),
    cells: Sequence[dict] = (),
    points: Sequence[dict] = (),
    attribution: str = "",
    width: int = 640,
    height: int = 480,
) -> str:
    """A map without tiles: district outlines (``{"name", "geojson"}``), the area's boundary
    (GeoJSON), order zones, H3 cells (``{"boundary": [[lat, lon]...], "weight": 0-1}``) and
    numbered points (``{"lat", "lon", "label", "number", "colour"}``), a scale bar and north."""
    project = Projection(bounds, width, height)
    parts = [
        _geojson_path(
            o["geojson"], project, fill="none", stroke="#9e9e9e", width=0.8, label=o.get("name", "")
        )
        for o in outlines
    ]
    parts.extend(_outline_labels(outlines, project))
    for c in cells:
        ring = " ".join(f"{_n(x)},{_n(y)}" for x, y in (project(lon, lat) for lat, lon in c["boundary"]))
        parts.append(
            f'<polygon points="{ring}" fill="#b00020" fill-opacity="{0.12 + 0.7 * c["weight"]:.2f}" '
            f'stroke="#7a0019" stroke-width="0.5"><title>{_t(c.get("label", ""))}</title></polygon>'
        )
    for z in zones:
        parts.append(_geojson_path(z["geojson"], project, fill="none", stroke="#0b3d91", width=2,
                                   label=z.get("name", "Exclusion zone"), dash="6 3"))  # fmt: skip
    if boundary:
        parts.append(_geojson_path(boundary, project, fill="none", stroke=INK, width=2.5, label=title))
    for p in points:
        x, y = project(p["lon"], p["lat"])
        colour = p.get("colour", PALETTE[0])
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="7" fill="{colour}" stroke="{PAPER}" stroke-width="1.5">'
            f"<title>{_t(p.get('label', ''))}</title></circle>"
        )
        if p.get("number") is not None:
            parts.append(
                f'<text x="{_n(x)}" y="{_n(y + 3.5)}" text-anchor="middle" font-size="9" fill="{PAPER}">'
                f"{_t(p['number'])}</text>"
            )
    parts.append(_scale_bar(project, width, height))
    parts.append(
        f'<text x="{width - 20}" y="24" text-anchor="middle" font-size="14" fill="{INK}">N</text>'
        f'<path d="M{width - 20},28 l-5,14 l5,-4 l5,4 z" fill="{INK}"/>'
    )
    if attribution:
        parts.append(f'<text x="6" y="{height - 6}" font-size="8" fill="#555">{_t(attribution)}</text>')
    return _svg(width, height, title, desc, "".join(parts), "static-map")


def _geojson_path(geojson: dict, project: Projection, *, fill: str, stroke: str, width: float,
                  label: str, dash: str = "") -> str:  # fmt: skip
    polygons = geojson.get("coordinates", []) if geojson else []
    if geojson and geojson.get("type") == "Polygon":
        polygons = [polygons]
    d = []
    for rings in polygons:
        for ring in rings:
            pts = [project(lon, lat) for lon, lat, *_ in ring]
            if pts:
                d.append("M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in pts) + " Z")
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path d="{" ".join(d)}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash_attr} '
        f'fill-rule="evenodd"><title>{_t(label)}</title></path>'
    )


def _outline_labels(outlines: Sequence[dict], project: Projection) -> list[str]:
    out = []
    for o in outlines:
        if "centre" in o:
            x, y = project(*o["centre"])
            out.append(
                f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" font-size="9" fill="#757575">'
                f"{_t(o.get('name', ''))}</text>"
            )
    return out


def _scale_bar(project: Projection, width: int, height: int) -> str:
    target = project.metres_per_px * width / 5
    metres = nice_max(target) if nice_max(target) <= target * 1.5 else nice_max(target) / 2
    px = metres / project.metres_per_px
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    x, y = 12, height - 22
    return (
        f'<path d="M{x},{y - 5} V{y} H{_n(x + px)} V{y - 5}" fill="none" stroke="{INK}" stroke-width="1.5"/>'
        f'<text x="{_n(x + px / 2)}" y="{y - 8}" text-anchor="middle" fill="{INK}">{_t(label)}</text>'
    )
