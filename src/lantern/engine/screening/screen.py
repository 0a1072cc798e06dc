"""Potential breaches from the conditions in force and the evidence: reads, GPS fixes, sightings.

The backend narrows the evidence to candidates (a plate join, a box join); the rest runs here,
vectorised with numpy and shapely over the candidates only, so it is identical for every backend:

1. each candidate paired with the exclusion zones of its order (and only those versions in force
   at the candidate's instant, with the vehicle valid then too);
2. the zone's windows: the instant as local wall-clock minute of the week, looked up in the
   window mask (start inclusive, end exclusive);
3. the place: a camera's or sighting's point in the zone, the boundary counting as inside; a
   GPS fix within its accuracy of the zone (inside by more than its accuracy: "inside";
   otherwise "possibly inside");
4. hits grouped into episodes: evidence within 30 minutes of the previous item, per order and
   condition, is one episode, which becomes one alert.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from lantern.engine.screening.backends import Backend
from lantern.engine.screening.localtime import local_seconds, local_text, minute_of_week
from lantern.engine.screening.rules import RuleSet

EPISODE_GAP_US = 30 * 60 * 1_000_000
MISREAD_FACTOR = 0.5  # a possible misread counts half: a person must check the image
LINKED_FACTOR = 0.8  # a vehicle linked to the subject, not notified: he may not have been driving
POSSIBLY_INSIDE_FACTOR = 0.5
METRES_PER_DEGREE_LAT = 111_320.0

HIT_SCHEMA = pa.schema(
    [
        ("order", pa.int32()),
        ("zone", pa.int32()),
        ("kind", pa.string()),  # read | fix | sighting
        ("evidence_id", pa.string()),
        ("at_us", pa.int64()),
        ("source_id", pa.string()),  # camera, device or reporting event
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("vrm", pa.string()),  # as read
        ("matched_vrm", pa.string()),  # the watched plate
        ("basis", pa.string()),  # registered | linked | subject
        ("match", pa.string()),  # exact | possible misread | inside | possibly inside | sighting
        ("confidence", pa.float64()),
        ("accuracy_m", pa.float64()),
    ]
)


@dataclass
class ReadScreening:
    hits: pa.Table
    candidates: int
    unknown_cameras: dict[str, int] = field(default_factory=dict)


def screen_reads(rules: RuleSet, files: Sequence[str], cameras: pa.Table, backend: Backend) -> ReadScreening:
    """Hits from ANPR reads: registered or linked plates (or their misreads) in a zone in a window."""
    return screen_candidates(rules, backend.read_candidates(files, rules.watch_table()), cameras)


@dataclass(frozen=True)
class CameraSites:
    """Camera positions by id: made once per screen, or once per live matcher's life."""

    index: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def of(cls, cameras: pa.Table) -> CameraSites:
        index: dict[str, int] = {}
        for i, camera in enumerate(cameras.column("camera_id").to_pylist()):
            index.setdefault(camera, i)  # the first of a repeated id, as a join on a unique id
        return cls(
            index,
            cameras.column("latitude").to_numpy(zero_copy_only=False).astype(float),
            cameras.column("longitude").to_numpy(zero_copy_only=False).astype(float),
        )


def screen_candidates(rules: RuleSet, candidates: pa.Table, cameras: pa.Table | CameraSites) -> ReadScreening:
    """Every step after the plate join, shared by batch screening and the live matcher so that the
    two cannot disagree. ``candidates`` are reads (``backends.empty_reads()`` columns) each with the
    vehicle rule (``watch``) whose plate or misread variant it equals."""
    if candidates.num_rows == 0:
        return ReadScreening(_empty_hits(), 0)
    if not isinstance(cameras, CameraSites):
        cameras = CameraSites.of(cameras)
    watch = candidates.column("watch").to_numpy()
    row, zone, at = _reads_in_time(rules, candidates, watch)
    lat, lon, unknown = _camera_points(candidates.column("camera_id"), cameras, row)
    known = ~np.isnan(lat)
    row, zone, at, lat, lon = row[known], zone[known], at[known], lat[known], lon[known]
    inside = _points_in_zones(rules, zone, lon, lat)
    row, zone, at, lat, lon = row[inside], zone[inside], at[inside], lat[inside], lon[inside]
    if not len(row):  # the usual end for a watched car driving about: no table to build
        return ReadScreening(_empty_hits(), candidates.num_rows, unknown)
    hits = _read_hits(rules, candidates.take(pa.array(row, pa.int64())), watch[row], zone, at, lat, lon)
    return ReadScreening(_best_per_evidence(hits), candidates.num_rows, unknown)


def _reads_in_time(rules: RuleSet, candidates: pa.Table, watch: np.ndarray) -> tuple[np.ndarray, ...]:
    """(candidate row, zone, instant) for each zone of the read's order whose version and window
    apply at the read's instant, while the vehicle was registered (or linked)."""
    arrays = rules.arrays()
    row, zone = _pair_with_zones(rules, arrays.vehicle_order[watch])
    at = _micros(candidates.column("seen_at"))[row]
    vehicle = watch[row]
    valid = (at >= arrays.vehicle_start[vehicle]) & (at < arrays.vehicle_end[vehicle])
    keep = valid & _in_force(rules, zone, at) & _in_windows(rules, zone, at)
    return row[keep], zone[keep], at[keep]


def _read_hits(rules: RuleSet, taken: pa.Table, watch: np.ndarray, zone, at, lat, lon) -> pa.Table:
    vehicles = rules.vehicles
    read_vrm = taken.column("vrm")
    matched = pa.array([vehicles[w].vrm for w in watch], pa.string())
    exact = pc.equal(read_vrm, matched).to_numpy(zero_copy_only=False)
    basis = np.array([vehicles[w].basis for w in watch], dtype=object)
    confidence = taken.column("confidence").to_numpy(zero_copy_only=False).astype(np.float64)
    confidence = np.nan_to_num(confidence, nan=1.0)
    confidence = np.where(confidence > 1, confidence / 100, confidence)
    confidence *= np.where(exact, 1.0, MISREAD_FACTOR) * np.where(basis == "linked", LINKED_FACTOR, 1.0)
    n = len(watch)
    return pa.table(
        {
            "order": pa.array(rules.arrays().zone_order[zone].astype(np.int32)),
            "zone": pa.array(zone.astype(np.int32)),
            "kind": pa.array(["read"] * n, pa.string()),
            "evidence_id": taken.column("read_id"),
            "at_us": pa.array(at),
            "source_id": taken.column("camera_id"),
            "lat": pa.array(lat),
            "lon": pa.array(lon),
            "vrm": read_vrm,
            "matched_vrm": matched,
            "basis": pa.array(basis.tolist(), pa.string()),
            "match": pa.array(np.where(exact, "exact", "possible misread").tolist(), pa.string()),
            "confidence": pa.array(np.round(confidence, 4)),
            "accuracy_m": pa.nulls(n, pa.float64()),
        },
        schema=HIT_SCHEMA,
    )


def screen_fixes(rules: RuleSet, files: Sequence[str], backend: Backend) -> pa.Table:
    """Hits from GPS tags: a subject's fix within its accuracy of one of his own zones, in a window."""
    candidates = backend.fix_candidates(files, rules.zone_boxes())
    if candidates.num_rows == 0:
        return _empty_hits()
    zone = candidates.column("zone").to_numpy().astype(np.int64)
    at = _micros(candidates.column("fixed_at"))
    keep = _in_force(rules, zone, at) & _in_windows(rules, zone, at)
    idx = np.flatnonzero(keep)
    zone, at = zone[idx], at[idx]
    lat = candidates.column("lat").to_numpy(zero_copy_only=False)[idx]
    lon = candidates.column("lon").to_numpy(zero_copy_only=False)[idx]
    accuracy = np.nan_to_num(candidates.column("accuracy_m").to_numpy(zero_copy_only=False)[idx], nan=0.0)
    outside_by, inside_by = _distances_m(rules, zone, lon, lat)
    near = outside_by <= accuracy
    surely = near & (outside_by == 0) & (inside_by >= accuracy)
    idx, zone, at, lat, lon, accuracy, surely = (a[near] for a in (idx, zone, at, lat, lon, accuracy, surely))
    taken = candidates.take(pa.array(idx, pa.int64()))
    devices = taken.column("device_id").to_pylist()
    seconds = at // 1_000_000
    hits = pa.table(
        {
            "order": pa.array(np.array([rules.zones[z].order for z in zone], dtype=np.int32)),
            "zone": pa.array(zone.astype(np.int32)),
            "kind": pa.array(["fix"] * len(idx), pa.string()),
            "evidence_id": pa.array([f"{d}@{s}" for d, s in zip(devices, seconds.tolist(), strict=True)]),
            "at_us": pa.array(at),
            "source_id": pa.array(devices, pa.string()),
            "lat": pa.array(lat),
            "lon": pa.array(lon),
            "vrm": pa.nulls(len(idx), pa.string()),
            "matched_vrm": pa.nulls(len(idx), pa.string()),
            "basis": pa.array(["subject"] * len(idx), pa.string()),
            "match": pa.array(np.where(surely, "inside", "possibly inside").tolist(), pa.string()),
            "confidence": pa.array(np.where(surely, 1.0, POSSIBLY_INSIDE_FACTOR)),
            "accuracy_m": pa.array(accuracy),
        },
        schema=HIT_SCHEMA,
    )
    return _best_per_evidence(hits)


def screen_sightings(rules: RuleSet, sightings: pa.Table) -> pa.Table:
    """Hits from sightings of the subject: rows of (event_id, subject_id, at_us, lat, lon, confidence)."""
    if sightings.num_rows == 0:
        return _empty_hits()
    orders_of: dict[str, list[int]] = {}
    for i, order in enumerate(rules.orders):
        orders_of.setdefault(order.subject_id, []).append(i)
    subjects = sightings.column("subject_id").to_pylist()
    pairs = [(r, o) for r, s in enumerate(subjects) for o in orders_of.get(s, [])]
    if not pairs:
        return _empty_hits()
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    row, zone = _pair_with_zones(rules, np.array([p[1] for p in pairs], dtype=np.int64))
    row = rows[row]
    at = sightings.column("at_us").to_numpy(zero_copy_only=False).astype(np.int64)[row]
    lat = sightings.column("lat").to_numpy(zero_copy_only=False).astype(float)[row]
    lon = sightings.column("lon").to_numpy(zero_copy_only=False).astype(float)[row]
    keep = _in_force(rules, zone, at) & _in_windows(rules, zone, at) & ~np.isnan(lat) & ~np.isnan(lon)
    keep[keep] = _points_in_zones(rules, zone[keep], lon[keep], lat[keep])
    row, zone, at, lat, lon = row[keep], zone[keep], at[keep], lat[keep], lon[keep]
    taken = sightings.take(pa.array(row, pa.int64()))
    confidence = np.nan_to_num(
        taken.column("confidence").to_numpy(zero_copy_only=False).astype(float), nan=1.0
    )
    hits = pa.table(
        {
            "order": pa.array(np.array([rules.zones[z].order for z in zone], dtype=np.int32)),
            "zone": pa.array(zone.astype(np.int32)),
            "kind": pa.array(["sighting"] * len(row), pa.string()),
            "evidence_id": taken.column("event_id").cast(pa.string()),
            "at_us": pa.array(at),
            "source_id": taken.column("event_id").cast(pa.string()),
            "lat": pa.array(lat),
            "lon": pa.array(lon),
            "vrm": pa.nulls(len(row), pa.string()),
            "matched_vrm": pa.nulls(len(row), pa.string()),
            "basis": pa.array(["subject"] * len(row), pa.string()),
            "match": pa.array(["sighting"] * len(row), pa.string()),
            "confidence": pa.array(confidence),
            "accuracy_m": pa.nulls(len(row), pa.float64()),
        },
        schema=HIT_SCHEMA,
    )
    return hits


@cache  # Arrow tables are immutable
def _empty_hits() -> pa.Table:
    return HIT_SCHEMA.empty_table()


def _micros(column: pa.ChunkedArray) -> np.ndarray:
    return column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy(zero_copy_only=False)


def _pair_with_zones(rules: RuleSet, order_of_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (row, zone) where the zone belongs to the row's order: a CSR expansion, no loop per row."""
    arrays = rules.arrays()
    per_row = arrays.zone_count[order_of_row]
    row = np.repeat(np.arange(len(order_of_row)), per_row)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    if not len(row):
        return row, np.zeros(0, dtype=np.int64)
    return row, arrays.zones_by_order[arrays.zone_first[order_of_row[row]] + offset]


def _in_force(rules: RuleSet, zone: np.ndarray, at: np.ndarray) -> np.ndarray:
    if not len(zone):
        return np.zeros(0, dtype=bool)
    arrays = rules.arrays()
    return (at >= arrays.zone_start[zone]) & (at < arrays.zone_end[zone])


def _in_windows(rules: RuleSet, zone: np.ndarray, at: np.ndarray) -> np.ndarray:
    result = np.zeros(len(zone), dtype=bool)
    if not len(zone):
        return result
    masks = rules.arrays().zone_mask[zone]
    zones_tz = rules.arrays().zone_timezone[zone]
    for tz in set(zones_tz.tolist()):
        sel = zones_tz == tz
        minute = minute_of_week(local_seconds(at[sel], tz))
        result[sel] = rules.masks[masks[sel], minute]
    return result


def _camera_points(
    camera_ids: pa.ChunkedArray, cameras: CameraSites, row: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """(lat, lon) of each candidate's camera, NaN for a camera not known, and the unknown ones counted."""
    ids = camera_ids.take(pa.array(row, pa.int64())).to_pylist()
    index = cameras.index
    pos = np.array([index.get(camera, -1) for camera in ids], dtype=np.int64)
    missing = pos < 0
    safe = np.where(missing, 0, pos)
    lat = np.where(missing, np.nan, cameras.lat[safe] if len(cameras.lat) else np.nan)
    lon = np.where(missing, np.nan, cameras.lon[safe] if len(cameras.lon) else np.nan)
    unknown: dict[str, int] = {}
    for camera, absent in zip(ids, missing.tolist(), strict=True):
        if absent:
            unknown[camera] = unknown.get(camera, 0) + 1
    return lat, lon, unknown


def _points_in_zones(rules: RuleSet, zone: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Point in zone, boundary included; one vectorised shapely call per zone present."""
    inside = np.zeros(len(zone), dtype=bool)
    order = np.argsort(zone, kind="stable")
    bounds = np.flatnonzero(np.diff(zone[order])) + 1
    for group in np.split(order, bounds) if len(zone) else []:
        geometry = rules.zones[int(zone[group[0]])].geometry
        inside[group] = shapely.intersects_xy(geometry, lon[group], lat[group])
    return inside


def _distances_m(
    rules: RuleSet, zone: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(metres outside the zone, metres inside from its boundary) on a local flat projection.

    Zones are a few kilometres across, where an equirectangular projection about the zone's
    centre errs by well under a metre: far below a GPS fix's own accuracy.
    """
    outside = np.zeros(len(zone))
    inside = np.zeros(len(zone))
    order = np.argsort(zone, kind="stable")
    bounds = np.flatnonzero(np.diff(zone[order])) + 1
    for group in np.split(order, bounds) if len(zone) else []:
        geometry = rules.zones[int(zone[group[0]])].geometry
        flat, to_flat = _flat(geometry)
        points = shapely.points(*to_flat(lon[group], lat[group]))
        outside[group] = shapely.distance(flat, points)
        inside[group] = shapely.distance(flat.boundary, points)
    return outside, np.where(outside > 0, 0.0, inside)


def _flat(geometry: shapely.Geometry):
    lon0, lat0 = geometry.centroid.x, geometry.centroid.y
    kx = METRES_PER_DEGREE_LAT * math.cos(math.radians(lat0))

    def to_flat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lon) - lon0) * kx, (np.asarray(lat) - lat0) * METRES_PER_DEGREE_LAT

    flat = shapely.transform(geometry, lambda xy: np.column_stack(to_flat(xy[:, 0], xy[:, 1])))
    return flat, to_flat


def _best_per_evidence(hits: pa.Table) -> pa.Table:
    """One hit per (zone, evidence): an exact plate beats its misread twin, higher confidence first,
    then the watched plate's spelling, so a tie never depends on the order the candidates came in."""
    if hits.num_rows < 2:
        return hits
    order = hits.sort_by(
        [
            ("zone", "ascending"),
            ("evidence_id", "ascending"),
            ("confidence", "descending"),
            ("matched_vrm", "ascending"),
        ]
    )
    zone = order.column("zone").to_numpy()
    evidence = order.column("evidence_id").to_numpy(zero_copy_only=False)
    first = np.ones(len(zone), dtype=bool)
    first[1:] = (zone[1:] != zone[:-1]) | (evidence[1:] != evidence[:-1])
    return order.filter(pa.array(first))


# ---- episodes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Episode:
    """Evidence for one condition of one order, each item within 30 minutes of the one before."""

    order_id: str
    reference: str
    subject_id: str
    condition: int
    version: int
    zone_name: str
    timezone: str
    hits: pa.Table  # HIT_SCHEMA rows, in time order

    @property
    def first_us(self) -> int:
        return int(self.hits.column("at_us")[0].as_py())

    @property
    def last_us(self) -> int:
        return int(self.hits.column("at_us")[-1].as_py())

    @property
    def confidence(self) -> float:
        return float(pc.max(self.hits.column("confidence")).as_py())

    def explanation(self) -> str:
        return explain(self)


def episodes(rules: RuleSet, hits: pa.Table) -> list[Episode]:
    if hits.num_rows == 0:
        return []
    condition = rules.arrays().zone_condition[hits.column("zone").to_numpy()]
    hits = hits.append_column("condition", pa.array(condition))
    hits = hits.sort_by(
        [
            ("order", "ascending"),
            ("condition", "ascending"),
            ("at_us", "ascending"),
            ("evidence_id", "ascending"),
        ]
    )
    order = hits.column("order").to_numpy()
    cond = hits.column("condition").to_numpy()
    at = hits.column("at_us").to_numpy()
    new = np.ones(len(at), dtype=bool)
    new[1:] = (order[1:] != order[:-1]) | (cond[1:] != cond[:-1]) | (at[1:] - at[:-1] > EPISODE_GAP_US)
    starts = [*np.flatnonzero(new).tolist(), len(at)]
    result = []
    for a, b in itertools.pairwise(starts):
        part = hits.slice(a, b - a).drop_columns(["condition"])
        last_zone = rules.zones[int(part.column("zone")[b - a - 1].as_py())]
        o = rules.orders[int(order[a])]
        result.append(
            Episode(
                order_id=o.order_id,
                reference=o.reference,
                subject_id=o.subject_id,
                condition=int(cond[a]),
                version=last_zone.version,
                zone_name=last_zone.name,
                timezone=last_zone.timezone,
                hits=part,
            )
        )
    return result


def explain(episode: Episode) -> str:
    """One sentence: what was seen, where, when (local time), and which condition version applied."""
    hits = episode.hits.to_pylist()
    first = local_text(episode.first_us, episode.timezone)
    last = local_text(episode.last_us, episode.timezone)
    when = f"at {first}" if len(hits) == 1 else f"between {first} and {last}"
    rule = f"condition {episode.condition} (version {episode.version}) of order {episode.reference}"
    parts, notes = [], []
    reads = [h for h in hits if h["kind"] == "read"]
    if reads:
        plates = sorted({h["matched_vrm"] for h in reads})
        whose = "registered to" if {h["basis"] for h in reads} == {"registered"} else "linked to"
        cameras = len({h["source_id"] for h in reads})
        verb = "was" if len(plates) == 1 else "were"
        parts.append(
            f"{', '.join(plates)} ({whose} the subject) {verb} read {_times(len(reads))} by {cameras} "
            f"camera{'s' if cameras != 1 else ''}"
        )
        if any(h["match"] == "possible misread" for h in reads):
            notes.append("at least one read may be a misread of the plate")
    fixes = [h for h in hits if h["kind"] == "fix"]
    if fixes:
        parts.append(f"the subject's GPS tag was fixed {_times(len(fixes))}")
        if any(h["match"] == "possibly inside" for h in fixes):
            notes.append("some fixes are inside only within their stated accuracy")
    sightings = [h for h in hits if h["kind"] == "sighting"]
    if sightings:
        parts.append(f"the subject was sighted {_times(len(sightings))}")
    text = " and ".join(parts)
    text = text[0].upper() + text[1:]
    note = f" ({'; '.join(notes)})" if notes else ""
    return f"{text} inside {episode.zone_name} {when}, while {rule} applied{note}."


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"
