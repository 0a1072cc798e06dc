"""A problem profile drawn: its map and charts as SVG, and the whole as HTML or PDF.

The page, the downloadable HTML and the PDF come from one template body
(``profiles/_problem_body.html``), so the three cannot disagree.
"""

from __future__ import annotations

from datetime import date

import shapely
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from lantern.engine import svg
from lantern.engine.gazetteer import POSTCODE_ATTRIBUTION
from lantern.picture.areas import outline_shapes
from lantern.profiles.pdf import PRINT_CSS, html_to_pdf
from lantern.profiles.problem import ProblemProfileData

HIGH_RISK, OTHER_RISK = "#b00020", "#e65100"


def figures(data: ProblemProfileData) -> dict[str, SafeString]:
    """Every picture in the profile. ``engine.svg`` escapes each text it draws, hence mark_safe."""
    p = data.picture
    series = p["series"]
    labels = [_bucket_label(date.fromisoformat(d), series["bucket"]) for d in series["starts"]]
    per = "week" if series["bucket"] == "week" else "month"
    out = {
        "map": _map(data),
        "trend": svg.line_chart(
            labels,
            {"Reports": series["reports"], "Incidents": series["incidents"]},
            title=f"Reports and incidents per {per}",
            desc=f"{sum(series['reports']):g} reports and {sum(series['incidents']):g} incidents "
            f"in {data.area.name}.",
        ),
        "harm": svg.line_chart(
            labels,
            {"Incident harm (days)": series["harm"]},
            title=f"Harm of incidents per {per}",
            desc="Crime Harm Index style days from the risk model's vocabulary.",
        ),
        "heat": svg.heat_matrix(
            p["matrix"]["days"],
            p["matrix"]["hours"],
            p["matrix"]["counts"],
            title="Reports and incidents by day of week and hour (UK time)",
        ),
    }
    if data.orders:
        out["alerts"] = svg.line_chart(
            labels, {"Breach alerts": series["alerts"]}, title=f"Breach alerts per {per}", height=180
        )
    if p["context"]["by_type"]:
        out["context"] = svg.bar_chart(
            [(kind, n) for kind, n in p["context"]["by_type"]],
            title="Open police data: crimes by type (data.police.uk)",
        )
    return {name: mark_safe(text) for name, text in out.items()}  # noqa: S308 - escaped in engine.svg


def _map(data: ProblemProfileData) -> str:
    cells = data.picture["cells"]
    peak = max((c["harm"] for c in cells), default=0) or 1
    points = [
        {
            "lat": x["latitude"],
            "lon": x["longitude"],
            "number": x["number"],
            "label": f"{x['number']}. {x['label']} (risk {x['score']:.0f})",
            "colour": HIGH_RISK if x["high_risk"] else OTHER_RISK,
        }
        for x in data.premises
        if x["latitude"] is not None and x["longitude"] is not None
    ]
    bounds = _bounds(data, points)
    return svg.area_map(
        bounds=bounds,
        title=f"Hotspots in {data.area.name}",
        desc="Darker cells carry more harm; numbered circles are the premises listed in the profile; "
        "dashed blue outlines are order exclusion zones; grey lines are postcode districts.",
        outlines=_outlines_near(bounds),
        boundary=data.area.geojson(),
        zones=data.zones,
        cells=[
            {"boundary": c["boundary"], "weight": c["harm"] / peak, "label": f"{c['events']} events"}
            for c in cells[:400]
        ],
        points=points,
        attribution=POSTCODE_ATTRIBUTION[:120] + "...",
    )


def _bounds(data: ProblemProfileData, points: list[dict]) -> tuple[float, float, float, float]:
    if data.area.geometry is not None:
        return data.area.bounds()
    lons = [c["longitude"] for c in data.picture["cells"]] + [p["lon"] for p in points]
    lats = [c["latitude"] for c in data.picture["cells"]] + [p["lat"] for p in points]
    if lons:
        return min(lons), min(lats), max(lons), max(lats)
    outlines = outline_shapes()
    if outlines:
        return tuple(shapely.union_all(list(outlines.values())).bounds)
    return -0.35, 52.52, -0.15, 52.63  # Peterborough: a blank map rather than none


def _outlines_near(bounds) -> list[dict]:
    minx, miny, maxx, maxy = bounds
    box = shapely.box(minx - 0.05, miny - 0.05, maxx + 0.05, maxy + 0.05)
    out = []
    for code, outline in outline_shapes().items():
        if outline.intersects(box):
            point = outline.representative_point()
            out.append(
                {"name": code, "geojson": shapely.geometry.mapping(outline), "centre": (point.x, point.y)}
            )
    return out


def _bucket_label(start: date, bucket: str) -> str:
    return f"{start.day} {start:%b}" if bucket == "week" else f"{start:%b %y}"


def context(data: ProblemProfileData, profile=None, *, standalone: bool) -> dict:
    return {
        "data": data,
        "profile": profile,
        "figures": figures(data),
        "standalone": standalone,
    }


def render_html(data: ProblemProfileData, profile=None) -> str:
    """A standalone HTML file (styles inside, nothing fetched) for e-mail or a shared drive.

    A downloaded file is opened from disk, where the site's stylesheet cannot be fetched, so its
    styles go inside it here; no template carries inline styles (pages the site serves never do:
    the Content Security Policy forbids them, and this file is only ever sent as an attachment)."""
    document = render_to_string("profiles/problem_print.html", context(data, profile, standalone=True))
    styles = f"<style>\n{PRINT_CSS.read_text(encoding='utf-8')}\n</style>\n</head>"
    return document.replace("</head>", styles, 1)


def render_pdf(data: ProblemProfileData, profile=None) -> bytes:
    return html_to_pdf(
        render_to_string("profiles/problem_print.html", context(data, profile, standalone=False))
    )
