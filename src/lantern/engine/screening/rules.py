"""The conditions in force, compiled from plain data into arrays the screening steps index.

Input is a list of order dicts, the engine's half of the contract with the store (see
``docs/formats.md``, "Screening rules"): each order with the versions of its exclusion zones and
the vehicles registered or linked to its subject, each with its local-date validity. Compiling
checks every spec, so a bad zone or window fails here with the order and condition named.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pyarrow as pa
import shapely

from lantern.engine.screening.conditions import (
    SpecError,
    Window,
    parse_date,
    parse_timezone,
    parse_windows,
    parse_zone,
    week_mask,
)
from lantern.engine.screening.localtime import local_midnight_us
from lantern.engine.screening.plates import plate_variants

FOREVER_US = 2**62


@dataclass(slots=True)
class OrderRule:
    order_id: str
    reference: str
    subject_id: str
    subject_records: tuple[str, ...]
    start_us: int
    end_us: int


@dataclass(slots=True)
class ZoneRule:
    """One version of one exclusion-zone condition, limited to when its order is in force."""

    order: int  # index into RuleSet.orders
    condition: int
    version: int
    name: str
    geometry: shapely.Geometry
    windows: tuple[Window, ...]
    timezone: str
    mask: int  # index into RuleSet.masks
    start_us: int
    end_us: int


@dataclass(slots=True)
class VehicleRule:
    order: int
    vrm: str
    basis: str  # "registered" (notified under the order) or "linked" (seen with the subject)
    condition: int | None
    version: int | None
    start_us: int
    end_us: int


@dataclass
class RuleSet:
    orders: list[OrderRule] = field(default_factory=list)
    zones: list[ZoneRule] = field(default_factory=list)
    vehicles: list[VehicleRule] = field(default_factory=list)
    masks: np.ndarray = field(default_factory=lambda: np.zeros((0, 7 * 1440), dtype=bool))

    def zones_of(self, order: int) -> list[int]:
        return self._zones_by_order.get(order, [])

    def __post_init__(self) -> None:
        self._zones_by_order: dict[int, list[int]] = {}
        self._watch: pa.Table | None = None
        self._arrays: RuleArrays | None = None

    def index(self) -> None:
        self._zones_by_order = {}
        for i, zone in enumerate(self.zones):
            self._zones_by_order.setdefault(zone.order, []).append(i)

    def watch_table(self) -> pa.Table:
        """(key, watch): each plate variant of each vehicle rule; ``watch`` indexes ``vehicles``."""
        if self._watch is None:
            self._watch = self._build_watch()
        return self._watch

    def arrays(self) -> RuleArrays:
        """The rules' fields as numpy arrays, built once: a live batch of a few reads must not pay
        for turning every vehicle and zone into arrays again."""
        if self._arrays is None:
            self._arrays = RuleArrays.of(self)
        return self._arrays

    def _build_watch(self) -> pa.Table:
        keys: list[str] = []
        watch: list[int] = []
        for i, vehicle in enumerate(self.vehicles):
            if not self.zones_of(vehicle.order):
                continue
            variants = plate_variants(vehicle.vrm)
            keys.extend(variants)
            watch.extend([i] * len(variants))
        return pa.table({"key": pa.array(keys, pa.string()), "watch": pa.array(watch, pa.int32())})

    def zone_boxes(self) -> pa.Table:
        """(record, zone, minx, miny, maxx, maxy): each zone under each of its subject's record ids."""
        rows: dict[str, list] = {k: [] for k in ("record", "zone", "minx", "miny", "maxx", "maxy")}
        for z, zone in enumerate(self.zones):
            minx, miny, maxx, maxy = zone.geometry.bounds
            for record in self.orders[zone.order].subject_records:
                for key, value in zip(rows, (record, z, minx, miny, maxx, maxy), strict=True):
                    rows[key].append(value)
        return pa.table(
            {
                "record": pa.array(rows["record"], pa.string()),
                "zone": pa.array(rows["zone"], pa.int32()),
                **{k: pa.array(rows[k], pa.float64()) for k in ("minx", "miny", "maxx", "maxy")},
            }
        )


@dataclass(frozen=True)
class RuleArrays:
    vehicle_order: np.ndarray
    vehicle_start: np.ndarray
    vehicle_end: np.ndarray
    zone_order: np.ndarray
    zone_start: np.ndarray
    zone_end: np.ndarray
    zone_mask: np.ndarray
    zone_timezone: np.ndarray  # object: IANA names
    zone_condition: np.ndarray
    zones_by_order: np.ndarray  # zone indexes sorted by order (stable)
    zone_count: np.ndarray  # zones per order
    zone_first: np.ndarray  # where each order's zones start in ``zones_by_order``

    @classmethod
    def of(cls, rules: RuleSet) -> RuleArrays:
        def ints(values) -> np.ndarray:
            return np.array(list(values), dtype=np.int64)

        zone_order = ints(z.order for z in rules.zones)
        count = np.zeros(len(rules.orders), dtype=np.int64)
        np.add.at(count, zone_order, 1)
        return cls(
            vehicle_order=ints(v.order for v in rules.vehicles),
            vehicle_start=ints(v.start_us for v in rules.vehicles),
            vehicle_end=ints(v.end_us for v in rules.vehicles),
            zone_order=zone_order,
            zone_start=ints(z.start_us for z in rules.zones),
            zone_end=ints(z.end_us for z in rules.zones),
            zone_mask=ints(z.mask for z in rules.zones),
            zone_timezone=np.array([z.timezone for z in rules.zones], dtype=object),
            zone_condition=ints(z.condition for z in rules.zones),
            zones_by_order=np.argsort(zone_order, kind="stable"),
            zone_count=count,
            zone_first=np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64),
        )


class _Memo:
    """Parsed zones and windows by their JSON text: many orders share one red-light district."""

    def __init__(self) -> None:
        self.zones: dict[str, shapely.Geometry] = {}
        self.windows: dict[object, tuple[tuple[Window, ...], int]] = {}
        self.mask_rows: list[np.ndarray] = []
        self._masks: dict[bytes, int] = {}

    def zone(self, geojson: object) -> shapely.Geometry:
        key = json.dumps(geojson)
        if key not in self.zones:
            geometry = parse_zone(geojson)
            shapely.prepare(geometry)
            self.zones[key] = geometry
        return self.zones[key]

    def window(self, value: object) -> tuple[tuple[Window, ...], int]:
        key = _window_key(value)
        if key not in self.windows:
            windows = parse_windows(value)
            mask = week_mask(windows)
            if mask.tobytes() not in self._masks:
                self._masks[mask.tobytes()] = len(self.mask_rows)
                self.mask_rows.append(mask)
            self.windows[key] = (windows, self._masks[mask.tobytes()])
        return self.windows[key]


def _window_key(value: object) -> object:
    """A cheap key for the usual shape (a short list of small dicts); JSON text for anything else."""
    if isinstance(value, list) and all(isinstance(w, dict) and len(w) <= 3 for w in value):
        key = tuple((w.get("start"), w.get("end"), tuple(w.get("days") or ())) for w in value)
        try:
            hash(key)
            return key
        except TypeError:  # a list where a time should be: the parser will say so
            pass
    return json.dumps(value)


def compile_rules(orders: Iterable[dict]) -> RuleSet:
    rules = RuleSet()
    memo = _Memo()
    for data in orders:
        reference = str(data.get("reference") or data.get("order_id")) if isinstance(data, dict) else "?"
        try:
            _compile_order(rules, data, memo)
        except SpecError as exc:
            raise SpecError(f"order {reference}: {exc}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SpecError(
                f"order {reference}: the rules are malformed ({type(exc).__name__}: {exc})."
            ) from None
    rules.masks = np.array(memo.mask_rows, dtype=bool).reshape(len(memo.mask_rows), 7 * 1440)
    rules.index()
    rules.watch_table()  # built once here: part of compiling, reused by every screen of these rules
    return rules


def _compile_order(rules: RuleSet, data: dict, memo: _Memo) -> None:
    timezone = parse_timezone(data.get("timezone"))
    start = parse_date(data.get("in_force_from"), "in_force_from")
    end = parse_date(data.get("in_force_to"), "in_force_to", optional=True)
    order = OrderRule(
        order_id=str(data["order_id"]),
        reference=str(data.get("reference") or data["order_id"]),
        subject_id=str(data.get("subject_id") or ""),
        subject_records=tuple(str(r) for r in data.get("subject_records") or ()),
        start_us=local_midnight_us(start, timezone),
        end_us=_end_us(end, timezone),
    )
    index = len(rules.orders)
    rules.orders.append(order)
    for zone in data.get("zones") or ():
        condition = int(zone["condition"])
        try:
            windows, mask = memo.window(zone.get("windows"))
            zone_tz = parse_timezone(zone.get("timezone") or timezone)
            span = _span(zone, order, zone_tz)
            if span is None:
                continue
            geometry = memo.zone(zone.get("geojson"))
        except SpecError as exc:
            raise SpecError(f"condition {condition}: {exc}") from None
        rules.zones.append(
            ZoneRule(
                order=index,
                condition=condition,
                version=int(zone.get("version") or 1),
                name=str(zone.get("name") or f"condition {condition}"),
                geometry=geometry,
                windows=windows,
                timezone=zone_tz,
                mask=mask,
                start_us=span[0],
                end_us=span[1],
            )
        )
    registered = {str(v["vrm"]).upper() for v in data.get("vehicles") or () if v.get("basis") != "linked"}
    for vehicle in data.get("vehicles") or ():
        vrm = "".join(str(vehicle["vrm"]).split()).upper()
        basis = "linked" if vehicle.get("basis") == "linked" else "registered"
        if basis == "linked" and vrm in registered:
            continue
        span = _span(vehicle, order, timezone)
        if span is None or not vrm:
            continue
        rules.vehicles.append(
            VehicleRule(
                order=index,
                vrm=vrm,
                basis=basis,
                condition=vehicle.get("condition"),
                version=vehicle.get("version"),
                start_us=span[0],
                end_us=span[1],
            )
        )


def _end_us(last_day, timezone: str) -> int:
    """The end of a validity whose last local day is ``last_day`` (inclusive); None is open."""
    return FOREVER_US if last_day is None else local_midnight_us(last_day + timedelta(days=1), timezone)


def _span(item: dict, order: OrderRule, timezone: str) -> tuple[int, int] | None:
    """An item's valid_from..valid_to (local dates, inclusive) cut to its order's time in force."""
    first = parse_date(item.get("valid_from"), "valid_from", optional=True)
    last = parse_date(item.get("valid_to"), "valid_to", optional=True)
    start = max(order.start_us, local_midnight_us(first, timezone) if first else order.start_us)
    end = min(order.end_us, _end_us(last, timezone))
    return (start, end) if start < end else None
