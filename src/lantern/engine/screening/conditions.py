"""Order conditions as data: parse and check exclusion zones, time windows and vehicle lists.

Specs arrive from people (a map page, an uploaded GeoJSON file, another system's JSON), so every
check names what is wrong and how to fix it. GeoJSON follows RFC 7946: longitude first, rings
closed. A ring wound the "wrong" way is accepted and re-oriented, as the RFC asks of parsers; an
unclosed or self-intersecting ring, swapped coordinates or a zone outside the UK is refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from lantern.engine.normalise.errors import NormalisationError
from lantern.engine.normalise.vrm import normalise_vrm

DEFAULT_TIMEZONE = "Europe/London"
UK_LAT = (49.0, 61.0)
UK_LON = (-9.0, 2.5)
MAX_ZONE_POINTS = 20_000  # bounded work per zone; a street-level zone needs a few hundred at most
MINUTES_PER_WEEK = 7 * 24 * 60
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_ALIASES = {name.lower(): i for i, name in enumerate(DAY_NAMES)} | {
    full: i
    for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SpecError(ValueError):
    """A condition's machine-readable form is wrong; the message says what to change."""


@dataclass(frozen=True)
class Window:
    """Local wall-clock times ``start`` (inclusive) to ``end`` (exclusive), in minutes from midnight.

    ``days`` are the days the window *starts* on (0 = Monday): 19:00-07:00 on Friday covers Friday
    19:00 to Saturday 07:00. ``end <= start`` means the window crosses midnight.
    """

    start: int
    end: int
    days: frozenset[int]

    def minutes(self) -> np.ndarray:
        """A week of minutes (Monday 00:00 first), True inside this window."""
        week = np.zeros(MINUTES_PER_WEEK, dtype=bool)
        length = (self.end - self.start) % 1440 or 1440
        for day in self.days:
            first = day * 1440 + self.start
            idx = np.arange(first, first + length) % MINUTES_PER_WEEK
            week[idx] = True
        return week

    def label(self) -> str:
        days = "every day" if len(self.days) == 7 else ", ".join(DAY_NAMES[d] for d in sorted(self.days))
        return f"{_hhmm(self.start)}-{_hhmm(self.end)} ({days})"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_time(value: object, what: str) -> int:
    match = _TIME.match(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise SpecError(
            f"{what}: {value!r} is not a time; write it as HH:MM on the 24-hour clock, e.g. 19:00."
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_days(value: object, what: str) -> frozenset[int]:
    if value is None:
        return frozenset(range(7))
    if not isinstance(value, list) or not value:
        raise SpecError(f'{what}: days must be a list such as ["Fri", "Sat"]; leave it out for every day.')
    days = set()
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= 6:
            days.add(item)
        elif isinstance(item, str) and item.strip().lower() in _DAY_ALIASES:
            days.add(_DAY_ALIASES[item.strip().lower()])
        else:
            raise SpecError(f"{what}: {item!r} is not a day; use Mon to Sun (or 0 = Monday to 6 = Sunday).")
    return frozenset(days)


def parse_windows(value: object) -> tuple[Window, ...]:
    """Windows from ``[{"start": "19:00", "end": "07:00", "days": [...]}]``; none means at any time."""
    if value in (None, []):
        return ()
    if not isinstance(value, list):
        raise SpecError('windows: give a list of {"start": "HH:MM", "end": "HH:MM", "days": [...]}.')
    windows = []
    for i, item in enumerate(value, 1):
        what = f"window {i}"
        if not isinstance(item, dict):
            raise SpecError(f'{what}: expected {{"start": "HH:MM", "end": "HH:MM"}}.')
        start = parse_time(item.get("start"), f"{what} start")
        end = parse_time(item.get("end"), f"{what} end")
        if start == end:
            raise SpecError(
                f"{what}: it starts and ends at {_hhmm(start)}; for a zone that applies at all times, "
                "give no windows."
            )
        windows.append(Window(start, end, parse_days(item.get("days"), what)))
    _check_overlaps(windows)
    return tuple(windows)


def _check_overlaps(windows: list[Window]) -> None:
    seen = np.zeros(MINUTES_PER_WEEK, dtype=np.int16)
    for i, window in enumerate(windows, 1):
        minutes = window.minutes()
        clash = minutes & (seen > 0)
        if clash.any():
            first = int(np.argmax(clash))
            other = int(seen[first])
            raise SpecError(
                f"windows {other} and {i} overlap (both cover {DAY_NAMES[first // 1440]} "
                f"{_hhmm(first % 1440)}); merge them into one window."
            )
        seen[minutes] = i


def week_mask(windows: tuple[Window, ...]) -> np.ndarray:
    """A week of minutes, True where any window applies (all True when there are none)."""
    if not windows:
        return np.ones(MINUTES_PER_WEEK, dtype=bool)
    mask = np.zeros(MINUTES_PER_WEEK, dtype=bool)
    for window in windows:
        mask |= window.minutes()
    return mask


def parse_timezone(value: object) -> str:
    name = DEFAULT_TIMEZONE if value in (None, "") else str(value)
    return _known_timezone(name)


@lru_cache(maxsize=64)
def _known_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SpecError(f"timezone: {name!r} is not a known time zone; use Europe/London.") from None
    return name


def parse_zone(geojson: object) -> Polygon | MultiPolygon:
    """A checked, counter-clockwise (RFC 7946) Polygon or MultiPolygon in lon/lat."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if isinstance(geojson, dict) and geojson.get("type") == "FeatureCollection":
        features = geojson.get("features") or []
        if len(features) != 1:
            raise SpecError(
                f"zone: the FeatureCollection holds {len(features)} features; give one Polygon or "
                "MultiPolygon per zone."
            )
        geojson = features[0].get("geometry") if isinstance(features[0], dict) else None
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geojson.get("type") if isinstance(geojson, dict) else type(geojson).__name__
        raise SpecError(f"zone: expected a GeoJSON Polygon or MultiPolygon, got {kind!r}.")
    polygons = geojson.get("coordinates")
    if geojson["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons:
        raise SpecError("zone: the coordinates are missing or empty.")
    points = 0
    for p, rings in enumerate(polygons, 1):
        if not isinstance(rings, list) or not rings:
            raise SpecError(f"zone: polygon {p} has no rings.")
        for r, ring in enumerate(rings, 1):
            points += _check_ring(ring, f"zone polygon {p} ring {r}")
    if points > MAX_ZONE_POINTS:
        raise SpecError(f"zone: {points:,} points is more than {MAX_ZONE_POINTS:,}; simplify the boundary.")
    geometry = shape(geojson)
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise SpecError(
            f"zone: the boundary is not a simple shape ({reason}); redraw it so edges do not cross."
        )
    if geometry.is_empty or geometry.area == 0:
        raise SpecError("zone: the boundary encloses no area.")
    return shapely.orient_polygons(geometry)  # exterior rings counter-clockwise, holes clockwise


def _check_ring(ring: object, what: str) -> int:
    if not isinstance(ring, list) or len(ring) < 4:
        raise SpecError(f"{what}: a ring needs at least four positions, the last equal to the first.")
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
            or not all(np.isfinite(position[:2]))
        ):
            raise SpecError(f"{what}: {position!r} is not a [longitude, latitude] position.")
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise SpecError(
            f"{what}: the ring is not closed (it starts at {ring[0][:2]} and ends at {ring[-1][:2]}); "
            "repeat the first position at the end."
        )
    lons = [float(p[0]) for p in ring]
    lats = [float(p[1]) for p in ring]
    if _inside_uk(lats, lons):
        return len(ring)
    if _inside_uk(lons, lats):
        raise SpecError(
            f"{what}: the positions look like [latitude, longitude]; GeoJSON puts longitude first "
            f"(e.g. [{lats[0]}, {lons[0]}])."
        )
    raise SpecError(
        f"{what}: the zone is outside the UK (longitude {min(lons)} to {max(lons)}, latitude "
        f"{min(lats)} to {max(lats)}); check the coordinates' order and system (WGS84 degrees)."
    )


def _inside_uk(lats: list[float], lons: list[float]) -> bool:
    return (
        UK_LAT[0] <= min(lats)
        and max(lats) <= UK_LAT[1]
        and UK_LON[0] <= min(lons)
        and max(lons) <= UK_LON[1]
    )


def parse_date(value: object, what: str, *, optional: bool = False) -> date | None:
    if value in (None, "") and optional:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SpecError(f"{what}: {value!r} is not a date; write it as YYYY-MM-DD.") from None


MAX_NOTIFY_DAYS = 365


def normalise_spec(kind: str, spec: object) -> dict:
    """A condition's machine-readable form, checked and in canonical shape, for the store.

    Raises SpecError naming the field. Kinds: exclusion_zone, vehicle_notification,
    name_address_notification, no_contact, other.
    """
    if not isinstance(spec, dict):
        raise SpecError("the condition's data must be a JSON object.")
    if kind == "exclusion_zone":
        return _zone_spec(spec)
    if kind == "vehicle_notification":
        return {
            "notify_within_days": _days(spec.get("notify_within_days")),
            "vehicles": [_vehicle(v, i) for i, v in enumerate(spec.get("vehicles") or [], 1)],
        }
    if kind == "name_address_notification":
        notified = spec.get("notified") or []
        if not isinstance(notified, list):
            raise SpecError('notified: give a list of {"kind": "name"|"address", "value", "notified_on"}.')
        return {
            "notify_within_days": _days(spec.get("notify_within_days")),
            "notified": [_notified(n, i) for i, n in enumerate(notified, 1)],
        }
    if kind == "no_contact":
        people = spec.get("people")
        if not isinstance(people, list) or not people:
            raise SpecError("people: name at least one person the subject must not contact.")
        return {"people": [_person(p, i) for i, p in enumerate(people, 1)]}
    if kind == "other":
        return {}
    raise SpecError(f"kind {kind!r} is not a condition kind.")


def _zone_spec(spec: dict) -> dict:
    name = str(spec.get("name") or "").strip()
    if not name or len(name) > 200:
        raise SpecError("name: give the zone a name people recognise (up to 200 characters).")
    geometry = parse_zone(spec.get("geojson"))
    windows = parse_windows(spec.get("windows"))
    return {
        "name": name,
        "geojson": json_geometry(geometry),
        "windows": [
            {"start": _hhmm(w.start), "end": _hhmm(w.end), "days": [DAY_NAMES[d] for d in sorted(w.days)]}
            for w in windows
        ],
        "timezone": parse_timezone(spec.get("timezone")),
    }


def json_geometry(geometry) -> dict:
    """GeoJSON with lists (not tuples), as it is stored and compared."""
    return json.loads(shapely.to_geojson(geometry))


def _days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SpecError("notify_within_days: give a whole number of days, e.g. 3.")
    try:
        days = int(value)
    except ValueError:
        raise SpecError(f"notify_within_days: {value!r} is not a whole number of days.") from None
    if not 0 <= days <= MAX_NOTIFY_DAYS:
        raise SpecError(f"notify_within_days: {days} is outside 0 to {MAX_NOTIFY_DAYS}.")
    return days


def _vehicle(item: object, i: int) -> dict:
    if isinstance(item, str):
        item = {"vrm": item}
    if not isinstance(item, dict):
        raise SpecError(f'vehicle {i}: expected {{"vrm": ..., "registered_from": "YYYY-MM-DD"}}.')
    try:
        vrm = normalise_vrm(str(item.get("vrm") or ""))
    except NormalisationError as exc:
        raise SpecError(f"vehicle {i}: {exc}") from None
    first = parse_date(item.get("registered_from"), f"vehicle {i} registered_from", optional=True)
    last = parse_date(item.get("registered_to"), f"vehicle {i} registered_to", optional=True)
    if first and last and last < first:
        raise SpecError(f"vehicle {i} ({vrm}): registered_to {last} is before registered_from {first}.")
    result = {"vrm": vrm, "registered_from": first.isoformat() if first else None}
    result["registered_to"] = last.isoformat() if last else None
    if item.get("vehicle_id"):
        result["vehicle_id"] = str(item["vehicle_id"])
    return result


def _notified(item: object, i: int) -> dict:
    if not isinstance(item, dict) or item.get("kind") not in ("name", "address"):
        raise SpecError(f'notified {i}: expected {{"kind": "name" or "address", "value", "notified_on"}}.')
    value = str(item.get("value") or "").strip()
    if not value or len(value) > 300:
        raise SpecError(f"notified {i}: the value is empty or longer than 300 characters.")
    on = parse_date(item.get("notified_on"), f"notified {i} notified_on")
    return {"kind": item["kind"], "value": value, "notified_on": on.isoformat()}


def _person(item: object, i: int) -> dict:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise SpecError(f'person {i}: expected {{"name": ..., "person_id": ...}}.')
    name = str(item.get("name") or "").strip()
    if not name and not item.get("person_id"):
        raise SpecError(f"person {i}: give the person's name or their Lantern person id.")
    result = {"name": name[:200]}
    if item.get("person_id"):
        result["person_id"] = str(item["person_id"])[:64]
    return result
