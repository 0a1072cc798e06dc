"""The map's layers, each limited to what the acting user may see.

Events, alerts and open crimes come from the picture's inputs (``snapshot.picture_inputs``), which
already leave out what the user may not see; premises and zones are read here through the same
rules (the capability, and records on an access list the user is not on). Every layer is plain
data for ``area_map.js``: labels are text the script puts into text nodes, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import shape

from lantern.engine.areas import Area
from lantern.engine.picture import Period, PictureInputs
from lantern.engine.risk.config import RiskConfig
from lantern.engine.risk.severity import build_incident_severity
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import Event
from lantern.orders.models import ConditionKind, Order, OrderCondition
from lantern.picture.areas import outline_shapes
from lantern.risk import selectors as risk_selectors
from lantern.web.exports import batches

# More points than this make a map nobody can read and a page too heavy to send: the newest are
# drawn and the page says how many matched.
EVENT_CAP = 5_000
LAYER_CAP = 5_000
KINDS = {
    "report": ("Reports", "#0b3d91"),
    "incident": ("Incidents", "#b00020"),
    "sighting": ("Sightings", "#00796b"),
    "visit": ("Visits", "#6a1b9a"),
}
BANDS = {"high": "#b00020", "medium": "#e65100", "low": "#616161"}
# Positions to about 1 m; district outlines (approximations anyway) to about 100 m and 10 m, which
# halves what the page carries for a county's districts.
DECIMALS = 5
OUTLINE_TOLERANCE, OUTLINE_DECIMALS = 0.001, 4


def _require(user, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your role does not allow this layer ({capability}).")


# ------------------------------------------------------------------------------------------ harm


def incident_harm(inputs: PictureInputs, config: RiskConfig) -> dict[str, float]:
    """Each incident's harm in days, weighed exactly as ``area_picture`` weighs it."""
    con = duckdb.connect()
    try:
        con.register("events", inputs.events)
        con.register("event_behaviours", inputs.event_behaviours)
        con.register("vocabulary", inputs.vocabulary)
        build_incident_severity(con, config)
        return {
            e: float(h or 0)
            for e, h in con.execute("SELECT event_id, harm FROM incident_severity").fetchall()
        }
    finally:
        con.close()


def filtered_inputs(
    inputs: PictureInputs, harm: dict[str, float], *, kind: str, min_harm: float
) -> PictureInputs:
    """The inputs with only the events of ``kind`` (all when empty) and, when ``min_harm`` is set,
    only incidents of at least that harm: the cells and counts then follow the filters too."""
    events = inputs.events
    if kind:
        events = events.filter(pc.equal(events.column("kind"), kind))
    if min_harm > 0:
        heavy = [e for e, h in harm.items() if h >= min_harm]
        events = events.filter(pc.is_in(events.column("event_id"), value_set=pa.array(heavy, pa.string())))
    return PictureInputs(
        events=events,
        event_behaviours=inputs.event_behaviours,
        vocabulary=inputs.vocabulary,
        alerts=inputs.alerts,
        crimes=inputs.crimes,
    )


# ---------------------------------------------------------------------------------------- events


@dataclass
class MapEvents:
    rows: list[dict] = field(default_factory=list)  # shown on the map, newest first
    matched: int = 0  # with a position, in the area, period and filters
    unlocated: int = 0  # in the area (by postcode) but with no position to draw

    @property
    def capped(self) -> bool:
        return self.matched > len(self.rows)


def map_events(inputs: PictureInputs, event_ids: list[str], harm: dict[str, float]) -> MapEvents:
    """The events ``area_picture`` counted (``event_ids``), newest first, at most ``EVENT_CAP``."""
    wanted = set(event_ids)
    located, unlocated = [], 0
    for row in inputs.events.to_pylist():
        if row["event_id"] not in wanted:
            continue
        if row["latitude"] is None or row["longitude"] is None:
            unlocated += 1
        else:
            located.append(row)
    located.sort(key=lambda r: (r["occurred_at"], r["event_id"]), reverse=True)
    shown = located[:EVENT_CAP]
    details = _event_details([r["event_id"] for r in shown])
    rows = [
        {
            "event_id": r["event_id"],
            "kind": r["kind"],
            "at": r["occurred_at"],
            "lat": round(r["latitude"], DECIMALS),
            "lon": round(r["longitude"], DECIMALS),
            "postcode": r["postcode"] or "",
            "harm": harm.get(r["event_id"]) if r["kind"] == "incident" else None,
            **details.get(r["event_id"], {"summary": "", "place": ""}),
        }
        for r in shown
    ]
    return MapEvents(rows=rows, matched=len(located), unlocated=unlocated)


def _event_details(ids: list[str]) -> dict[str, dict]:
    out = {}
    for batch in batches(ids, 900):  # SQLite's bound-parameter limit
        for pk, summary, place in Event.objects.filter(pk__in=batch).values_list(
            "pk", "summary", "location__label"
        ):
            out[str(pk)] = {"summary": summary, "place": place or ""}
    return out


def event_points(events: MapEvents) -> dict[str, list[dict]]:
    """Points by kind, for one overlay per kind."""
    by_kind: dict[str, list[dict]] = {k: [] for k in KINDS}
    for r in events.rows:
        label = f"{KINDS[r['kind']][0][:-1]}, {_when(r['at'])}: {r['summary'][:120]}"
        if r["harm"]:
            label += f" (harm {r['harm']:g} days)"
        by_kind[r["kind"]].append({"lat": r["lat"], "lon": r["lon"], "label": label, "id": r["event_id"]})
    return by_kind


def _when(at: datetime) -> str:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return timezone.localtime(aware).strftime("%d %b %Y %H:%M")


# -------------------------------------------------------------------------------------- premises


def premises_points(user, area: Area, config: RiskConfig) -> list[dict]:
    """Premises scored by the latest risk run, in the area, by band (high from the model's
    threshold, medium from half of it)."""
    _require(user, Capability.VIEW_RISK)
    high = float(config.premises.high_risk_score)
    rows = list(
        risk_selectors.premises(user)
        .filter(location__latitude__isnull=False, location__longitude__isnull=False, score__gt=0)
        .values_list("location_id", "label", "score", "location__latitude", "location__longitude")[:LAYER_CAP]
    )
    inside = area.contains([r[4] for r in rows], [r[3] for r in rows])
    out = []
    for (location_id, label, score, lat, lon), keep in zip(rows, inside, strict=True):
        if keep:
            band = "high" if score >= high else "medium" if score >= high / 2 else "low"
            out.append(
                {
                    "lat": round(lat, DECIMALS),
                    "lon": round(lon, DECIMALS),
                    "label": f"{label}: risk score {score:.0f} ({band})",
                    "band": band,
                    "colour": BANDS[band],
                    "id": str(location_id),
                }
            )
    return out


# ----------------------------------------------------------------------------------------- zones


def zones_in_force(user, area: Area, period: Period) -> list[dict]:
    """Exclusion zones of orders in force at any time in the period that touch the area."""
    _require(user, Capability.VIEW_ORDERS)
    first, last = period.first_day, period.last_day
    conditions = (
        OrderCondition.objects.filter(kind=ConditionKind.EXCLUSION_ZONE, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .filter(order__effective_from__lte=last)
        .filter(Q(order__expires_on__isnull=True) | Q(order__expires_on__gte=first))
        .filter(Q(order__discharged_on__isnull=True) | Q(order__discharged_on__gt=first))
        .exclude(order__status=Order.Status.DRAFT)
        .exclude(order__subject_id__in=hidden_ids(user))
        .values_list("order_id", "order__reference", "number", "version", "spec")
    )
    out = []
    for order_id, reference, number, version, spec in conditions:
        geojson = (spec or {}).get("geojson")
        if geojson and _touches(geojson, area):
            name = (spec or {}).get("name") or "exclusion zone"
            out.append(
                {
                    "geojson": geojson,
                    "label": f"{reference}: {name} (condition {number}, version {version})",
                    "id": str(order_id),
                }
            )
    return out[:LAYER_CAP]


def _touches(geojson: dict, area: Area) -> bool:
    if area.geometry is None:
        return True
    try:
        return bool(shape(geojson).intersects(area.geometry))
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
        return False  # a zone the orders pages refused to draw either


# -------------------------------------------------------------------------- alerts and crimes


def alert_points(user, inputs: PictureInputs, area: Area, period: Period) -> list[dict]:
    """Breach alerts raised in the period, at their first evidence's position, in the area."""
    _require(user, Capability.REVIEW_ALERTS)
    rows = [
        r
        for r in inputs.alerts.to_pylist()
        if r["latitude"] is not None and period.start <= _aware(r["raised_at"]) < period.end
    ]
    inside = area.contains([r["longitude"] for r in rows], [r["latitude"] for r in rows])
    return [
        {
            "lat": round(r["latitude"], DECIMALS),
            "lon": round(r["longitude"], DECIMALS),
            "label": f"Breach alert ({r['order_type']}), {_when(r['raised_at'])}: "
            + r["status"].replace("_", " "),
            "id": r["alert_id"],
        }
        for r, keep in zip(rows, inside, strict=True)
        if keep
    ][:LAYER_CAP]


def crime_points(inputs: PictureInputs, area: Area) -> list[dict]:
    """Open data.police.uk crimes of the period's months in the area (public context)."""
    rows = [r for r in inputs.crimes.to_pylist() if r["latitude"] is not None]
    inside = area.contains([r["longitude"] for r in rows], [r["latitude"] for r in rows])
    return [
        {
            "lat": round(r["latitude"], DECIMALS),
            "lon": round(r["longitude"], DECIMALS),
            "label": f"{r['crime_type']}" + (f", {r['street']}" if r["street"] else ""),
        }
        for r, keep in zip(rows, inside, strict=True)
        if keep
    ][:LAYER_CAP]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


# ------------------------------------------------------------------------------ cells, outlines


def cell_shapes(cells: list[dict]) -> list[dict]:
    """H3 cells from ``area_picture``, shaded by harm against the heaviest cell."""
    top = max((c["harm"] for c in cells), default=0) or 1
    return [
        {
            "boundary": [[round(a, DECIMALS), round(b, DECIMALS)] for a, b in c["boundary"]],
            "weight": round(c["harm"] / top, 3),
            "label": f"Harm {c['harm']:g} days from {c['events']} reports and incidents",
        }
        for c in cells[:LAYER_CAP]
        if c["harm"]
    ]


_districts: tuple[object, list[dict]] = (None, [])


def district_layer() -> list[dict]:
    """Postcode district outlines, simplified for drawing, each with a point for its label."""
    global _districts
    shapes = outline_shapes()
    if _districts[0] is not shapes:  # rebuilt only when the outlines are
        _districts = (shapes, [_outline(code, g) for code, g in sorted(shapes.items())])
    return _districts[1]


def _outline(code: str, geometry) -> dict:
    simple = shapely.set_precision(shapely.simplify(geometry, OUTLINE_TOLERANCE), 10**-OUTLINE_DECIMALS)
    label = geometry.representative_point()
    return {
        "name": code,
        "geojson": shapely.geometry.mapping(simple),
        "centre": [round(label.y, DECIMALS), round(label.x, DECIMALS)],
    }
