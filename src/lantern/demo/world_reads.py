"""The escalating subject's ANPR reads, planted among the background reads by ``lake.write_reads``.

Reads of his registered cars inside the exclusion zone inside the order's local-time window are
breaches; the same cameras in daylight, cameras elsewhere, and misread plates (0/O, 8/B) are the
cases a screener must get right. Around a clock change the plan adds reads that a screener using
UTC, or a fixed offset, would misjudge. Whether a read is in the window is decided here with
zoneinfo, the reference the tests check the screening engine against.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import shapely
from shapely.geometry import shape

from lantern.demo.records import OrderRecord, World, ZoneWindow
from lantern.demo.world_build import LONDON
from lantern.demo.world_noise import misread


@dataclass(frozen=True)
class PlantedRead:
    vrm: str  # as the camera reads it: upper case, no space
    camera_id: str
    seen_at: datetime  # UTC, whole seconds
    vehicle: str  # VehicleRecord key of the car really seen
    in_zone: bool
    in_window: bool
    misread: bool
    confidence: float

    @property
    def breach(self) -> bool:
        return self.in_zone and self.in_window and not self.misread

    def as_truth(self, read_id: int) -> dict:
        out = asdict(self)
        out.update(
            read_id=read_id,
            seen_at=self.seen_at.isoformat(),
            local_time=self.seen_at.astimezone(LONDON).isoformat(),
        )
        return out


def plate_key(written: str) -> str:
    return written.replace(" ", "").upper()


def in_window(when: datetime, windows: tuple[ZoneWindow, ...]) -> bool:
    """Is ``when`` inside any window, judged in Europe/London wall-clock time? [start, end)."""
    local = when.astimezone(LONDON)
    t = local.time()
    today, yesterday = local.weekday(), (local.date() - timedelta(days=1)).weekday()
    for w in windows:
        start, end = time.fromisoformat(w.start), time.fromisoformat(w.end)
        if end > start:
            hit = start <= t < end and today in w.days
        else:  # crosses midnight: the early hours belong to the evening before
            hit = (t >= start and today in w.days) or (t < end and yesterday in w.days)
        if hit:
            return True
    return False


def in_force(order: OrderRecord, when: datetime) -> bool:
    day = when.astimezone(LONDON).date()
    return order.effective_from <= day and (order.expires_on is None or day <= order.expires_on)


def plan_subject_reads(world: World, first_day: date, days: int, seed: int) -> list[PlantedRead]:
    """The subject's reads over ``days`` UTC days from ``first_day``, in time order."""
    order = world.orders[0]
    rng = random.Random(seed * 7_919 + 17)
    plates = {v.key: plate_key(v.vrm) for v in world.vehicles if v.key in order.registered_vehicles}
    zone_cams, other_cams = _split_cameras(world, order)
    planner = _Planner(rng, order, plates, zone_cams, other_cams)
    nights = set(rng.sample(range(days), min(days, max(3, days // 5))))  # he visits about weekly
    for i in range(days):
        planner.ordinary_day(first_day + timedelta(days=i), visit=i in nights)
    planner.edge_cases(first_day, days)
    last = datetime.combine(first_day + timedelta(days=days), time(), UTC)
    start = datetime.combine(first_day, time(), UTC)
    return sorted(
        (r for r in planner.reads if start <= r.seen_at < last), key=lambda r: (r.seen_at, r.camera_id)
    )


def _split_cameras(world: World, order: OrderRecord) -> tuple[list[str], list[str]]:
    zone = shape(order.zone_geojson)
    lon = np.array([c.longitude for c in world.cameras])
    lat = np.array([c.latitude for c in world.cameras])
    inside = shapely.contains_xy(zone, lon, lat)
    ids = [c.camera_id for c in world.cameras]
    return [i for i, x in zip(ids, inside, strict=True) if x], [
        i for i, x in zip(ids, inside, strict=True) if not x
    ]


class _Planner:
    def __init__(self, rng, order, plates: dict[str, str], zone_cams: list[str], other_cams: list[str]):
        self.rng, self.order, self.plates = rng, order, plates
        self.zone_cams, self.other_cams = zone_cams, other_cams
        self.cars = list(plates)  # [first car, second car]
        self.reads: list[PlantedRead] = []

    def add(
        self,
        local_day: date,
        hh: int,
        mm: int,
        ss: int = 0,
        zone: bool = True,
        bad_read: bool = False,
        fold: int = 0,
    ) -> None:
        car = self.cars[-1] if self.rng.random() < 0.8 else self.cars[0]
        plate = self.plates[car]
        vrm = misread(plate, next(i for i, ch in enumerate(plate) if ch in "08")) if bad_read else plate
        when = datetime.combine(local_day, time(hh, mm, ss, fold=fold), LONDON).astimezone(UTC)
        conf = self.rng.uniform(0.55, 0.8) if bad_read else self.rng.uniform(0.86, 0.99)
        self.reads.append(
            PlantedRead(
                vrm=vrm,
                camera_id=self.rng.choice(self.zone_cams if zone else self.other_cams),
                seen_at=when,
                vehicle=car,
                in_zone=zone,
                in_window=in_window(when, self.order.windows) and in_force(self.order, when),
                misread=bad_read,
                confidence=round(conf, 2),
            )
        )

    def ordinary_day(self, day: date, visit: bool) -> None:
        """Driving about town most days; in the zone at night now and then; misreads rarely."""
        rng = self.rng
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            self.add(day, rng.randint(7, 22), rng.randrange(60), rng.randrange(60), zone=False)
        if visit:  # a night in the zone: one to three cameras
            for _ in range(rng.randint(1, 3)):
                hour = rng.choice((19, 20, 21, 22, 23, 0, 1, 2))
                self.add(
                    day + timedelta(days=1 if hour < 12 else 0), hour, rng.randrange(60), rng.randrange(60)
                )
        if rng.random() < 0.15:  # through the zone in daylight: not a breach
            self.add(day, rng.randint(8, 17), rng.randrange(60), rng.randrange(60))
        if rng.random() < 0.05:  # a misread at night in the zone
            self.add(day, rng.choice((21, 22, 23)), rng.randrange(60), rng.randrange(60), bad_read=True)

    def edge_cases(self, first_day: date, days: int) -> None:
        rng = self.rng
        span = [first_day + timedelta(days=i) for i in range(1, days - 1)]
        if not span:
            return
        for hh, mm, ss in ((18, 59, 30), (19, 0, 30), (6, 59, 30), (7, 0, 30)):  # either side of the edges
            self.add(rng.choice(span), hh, mm, ss)
        for hour in (20, 23, 2):  # misreads at night in the zone: breaches only if the screener fuzzes
            self.add(rng.choice(span), hour, rng.randrange(60), bad_read=True)
        self.add(rng.choice(span), 12, 5, zone=True, bad_read=True)  # misread in daylight
        self.add(rng.choice(span), 22, 40, zone=False, bad_read=True)  # misread elsewhere
        for change in _clock_changes(span):
            self._clock_change(change)

    def _clock_change(self, day: date) -> None:
        """Reads a UTC or fixed-offset screener would misjudge on the night the clocks change."""
        eve = day - timedelta(days=1)
        self.add(eve, 7, 30)  # daylight before the change: outside
        self.add(eve, 19, 30)  # 18:30 UTC in summer time: inside
        if _offset(day) < _offset(eve):  # autumn: 01:00-02:00 happens twice
            self.add(day, 1, 40, fold=0)
            self.add(day, 1, 20, fold=1)
        self.add(day, 6, 30)  # 06:30 GMT: inside
        self.add(day, 18, 30)  # 18:30 GMT: outside


def _offset(day: date) -> timedelta:
    return datetime.combine(day, time(12), LONDON).utcoffset()


def _clock_changes(span: list[date]) -> list[date]:
    return [d for d in span if _offset(d) != _offset(d - timedelta(days=1))]
