"""A synthetic national screening world for benchmarks and tests: orders, cameras, reads, GPS fixes.

Built with numpy at any scale (10^7 reads in a few seconds), with breaches planted where the truth
is known: reads of registered plates (and misreads of them) at cameras inside a zone during a
window, plus near misses that must not be flagged (outside the window, outside the zone, before
the order took effect). ``truth`` lists the planted breach ids and the near-miss ids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lantern.demo.world_bulk import random_plates
from lantern.engine.screening.plates import plate_variants

LONDON = ZoneInfo("Europe/London")
# A box inside England and Wales, so every point is a valid UK location.
LAT = (50.8, 54.5)
LON = (-3.0, 0.5)
WINDOWS = [
    [{"start": "19:00", "end": "07:00"}],
    [{"start": "22:00", "end": "06:00", "days": ["Fri", "Sat"]}],
    [],  # at all times
]


@dataclass
class ScreeningWorld:
    orders: list[dict]
    cameras: pa.Table
    first_day: date
    days: int
    truth: dict = field(default_factory=dict)


def _hexagon(lon: float, lat: float, radius_m: float) -> dict:
    kx = 111_320 * math.cos(math.radians(lat))
    ring = [
        [round(lon + radius_m * math.cos(a) / kx, 6), round(lat + radius_m * math.sin(a) / 111_320, 6)]
        for a in np.linspace(0, 2 * math.pi, 7)[:-1]
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def build_world(
    orders: int = 10_000,
    cameras: int = 2_000,
    zones: int = 500,
    vehicles_per_order: int = 3,
    zones_per_order: int = 2,
    first_day: date = date(2026, 10, 19),
    days: int = 14,
    seed: int = 7,
) -> ScreeningWorld:
    rng = np.random.default_rng(seed)
    cam_lat = rng.uniform(*LAT, cameras)
    cam_lon = rng.uniform(*LON, cameras)
    camera_ids = [f"CAM{i:05d}" for i in range(cameras)]
    # Zone centres sit on cameras, so each zone has a camera inside it (its centre).
    zone_camera = rng.choice(cameras, size=min(zones, cameras), replace=False)
    shapes = [_hexagon(float(cam_lon[c]), float(cam_lat[c]), 300.0) for c in zone_camera]
    plates = random_plates(rng, orders * vehicles_per_order).to_pylist()
    plates = list(dict.fromkeys(plates))
    result = []
    for o in range(orders):
        chosen = rng.choice(len(shapes), size=zones_per_order, replace=False)
        start = first_day - timedelta(days=int(rng.integers(-3, 400)))
        result.append(
            {
                "order_id": f"ORD{o:06d}",
                "reference": f"BENCH/{o:06d}",
                "subject_id": f"SUBJ{o:06d}",
                "subject_records": [f"TAG{o:06d}"],
                "in_force_from": start.isoformat(),
                "in_force_to": None,
                "zones": [
                    {
                        "condition": 1 + k,
                        "version": 1,
                        "name": f"zone {int(z)}",
                        "geojson": shapes[int(z)],
                        "windows": WINDOWS[(o + k) % len(WINDOWS)],
                        "zone_index": int(z),
                    }
                    for k, z in enumerate(chosen)
                ],
                "vehicles": [
                    {"vrm": plates[(o * vehicles_per_order + v) % len(plates)], "basis": "registered"}
                    for v in range(vehicles_per_order)
                ],
            }
        )
    table = pa.table(
        {
            "camera_id": pa.array(camera_ids),
            "latitude": pa.array(cam_lat),
            "longitude": pa.array(cam_lon),
            "description": pa.array([f"bench camera {i}" for i in range(cameras)]),
        }
    )
    world = ScreeningWorld(result, table, first_day, days)
    world.truth["zone_camera"] = [int(c) for c in zone_camera]
    return world


def _local_us(day: date, minute: int) -> int:
    moment = datetime(day.year, day.month, day.day, minute // 60, minute % 60, 17, tzinfo=LONDON)
    return int(moment.astimezone(UTC).timestamp()) * 1_000_000


def plant(world: ScreeningWorld, breaches: int, seed: int = 11) -> list[dict]:
    """Reads to plant: breaches (some misread) and near misses, each a dict of the read's fields."""
    rng = np.random.default_rng(seed)
    zone_camera = world.truth["zone_camera"]
    planted: list[dict] = []
    candidates = [o for o in world.orders if date.fromisoformat(o["in_force_from"]) < world.first_day]
    for i in range(breaches):
        order = candidates[int(rng.integers(len(candidates)))]
        zone = order["zones"][int(rng.integers(len(order["zones"])))]
        vehicle = order["vehicles"][int(rng.integers(len(order["vehicles"])))]["vrm"]
        day = world.first_day + timedelta(days=int(rng.integers(world.days)))
        while zone["windows"] and zone["windows"][0].get("days") and day.weekday() not in (4, 5):
            day += timedelta(days=1)
        if day >= world.first_day + timedelta(days=world.days):
            continue
        minute = 23 * 60 + int(rng.integers(40)) if zone["windows"] else int(rng.integers(1440))
        variants = plate_variants(vehicle)
        misread = i % 5 == 0 and len(variants) > 1
        camera = world.cameras.column("camera_id")[zone_camera[zone["zone_index"]]].as_py()
        planted.append(
            {
                "vrm": variants[1] if misread else vehicle,
                "camera_id": camera,
                "at_us": _local_us(day, minute),
                "breach": True,
                "misread": misread,
            }
        )
        # Near misses: the same plate in the same zone at noon (outside a night window), and at
        # a camera in no zone of this order.
        if zone["windows"] and not zone["windows"][0].get("days"):
            planted.append(
                {"vrm": vehicle, "camera_id": camera, "at_us": _local_us(day, 12 * 60), "breach": False}
            )
        planted.append(
            {"vrm": vehicle, "camera_id": "CAM-NOWHERE", "at_us": _local_us(day, minute), "breach": False}
        )
    return planted


def write_reads(
    world: ScreeningWorld,
    out: Path,
    total: int,
    breaches: int = 1_000,
    chunk_rows: int = 2_000_000,
    seed: int = 3,
) -> dict:
    """Write ``total`` reads over the world's days into ``out/reads/date=.../part-*.parquet``.

    Background plates never equal a watched plate or one of its misread variants, so every flagged
    read is a planted one. Returns the truth: planted breach read ids, near-miss read ids.
    """
    rng = np.random.default_rng(seed)
    watched = {v for o in world.orders for veh in o["vehicles"] for v in plate_variants(veh["vrm"])}
    pool = random_plates(rng, max(100_000, min(total // 4, 2_000_000)))
    pool = pool.filter(pa.array([p not in watched for p in pool.to_pylist()]))
    planted = plant(world, breaches)
    planted.sort(key=lambda r: r["at_us"])
    n_cameras = world.cameras.num_rows
    camera_ids = world.cameras.column("camera_id").combine_chunks()
    start_us = int(datetime.combine(world.first_day, datetime.min.time(), UTC).timestamp()) * 1_000_000
    per_day = total // world.days
    truth = {"breach_read_ids": [], "misread_read_ids": [], "near_miss_read_ids": []}
    at_planted = np.array([p["at_us"] for p in planted], dtype=np.int64)
    for d in range(world.days):
        day = world.first_day + timedelta(days=d)
        lo, hi = start_us + d * 86_400_000_000, start_us + (d + 1) * 86_400_000_000
        todays = [planted[i] for i in np.flatnonzero((at_planted >= lo) & (at_planted < hi))]
        folder = out / "reads" / f"date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        rows = per_day + (total - per_day * world.days if d == world.days - 1 else 0)
        for part, first in enumerate(range(0, max(rows, 1), chunk_rows)):
            n = min(chunk_rows, rows - first)
            at = np.sort(rng.integers(lo, hi, n) // 1_000_000 * 1_000_000)
            vrm = pool.take(pa.array(rng.integers(0, len(pool), n)))
            cam = rng.integers(0, n_cameras, n)
            ids = [f"{day:%Y%m%d}-{part}-{i}" for i in range(n)]
            extra = todays if part == 0 else []
            if extra:
                ids += [f"{day:%Y%m%d}-P-{i}" for i in range(len(extra))]
                for rid, p in zip(ids[n:], extra, strict=True):
                    key = "breach_read_ids" if p["breach"] else "near_miss_read_ids"
                    truth[key].append(rid)
                    if p.get("misread"):
                        truth["misread_read_ids"].append(rid)
            table = pa.table(
                {
                    "read_id": pa.array(ids, pa.string()),
                    "vrm": pa.concat_arrays([vrm, pa.array([p["vrm"] for p in extra], pa.string())]),
                    "camera_id": pa.concat_arrays(
                        [
                            camera_ids.take(pa.array(cam)),
                            pa.array([p["camera_id"] for p in extra], pa.string()),
                        ]
                    ),
                    "seen_at": pa.array(
                        np.concatenate([at, np.array([p["at_us"] for p in extra], dtype=np.int64)]),
                        pa.timestamp("us", tz="UTC"),
                    ),
                    "confidence": pa.array(
                        np.concatenate([rng.integers(60, 100, n), np.full(len(extra), 95)]).astype(np.float32)
                        / 100
                    ),
                }
            )
            pq.write_table(
                table, folder / f"part-{part:05d}.parquet", compression="zstd", row_group_size=1 << 20
            )
    pq.write_table(world.cameras, out / "cameras.parquet")
    return truth


def write_fixes(
    world: ScreeningWorld, out: Path, tags: int, day: date, every_s: int = 60, seed: int = 5
) -> dict:
    """A day of GPS fixes for ``tags`` subjects (one per order), some planted inside their zones at night."""
    rng = np.random.default_rng(seed)
    orders = world.orders[:tags]
    per_tag = 86_400 // every_s
    start_s = int(datetime.combine(day, datetime.min.time(), UTC).timestamp())
    n = len(orders) * per_tag
    tag_index = np.repeat(np.arange(len(orders)), per_tag)
    at = (start_s + np.tile(np.arange(per_tag) * every_s, len(orders))).astype(np.int64) * 1_000_000
    # Each subject wanders around a home point; homes are random in the box.
    home_lat = rng.uniform(*LAT, len(orders))
    home_lon = rng.uniform(*LON, len(orders))
    lat = home_lat[tag_index] + rng.normal(0, 0.01, n)
    lon = home_lon[tag_index] + rng.normal(0, 0.01, n)
    accuracy = rng.uniform(3, 30, n).astype(np.float32)
    truth_ids = []
    # Plant: for 1 in 100 tags, 10 minutes at 23:30 local inside its first zone's centre.
    for t in range(0, len(orders), 100):
        zone = orders[t]["zones"][0]
        if date.fromisoformat(orders[t]["in_force_from"]) > day:
            continue
        centre = world.truth["zone_camera"][zone["zone_index"]]
        first = t * per_tag + (_local_us(day, 23 * 60 + 30) // 1_000_000 - start_s) // every_s
        if zone["windows"] and zone["windows"][0].get("days") and day.weekday() not in (4, 5):
            continue
        for k in range(10):
            i = int(first + k)
            lat[i] = world.cameras.column("latitude")[centre].as_py()
            lon[i] = world.cameras.column("longitude")[centre].as_py()
            accuracy[i] = 10
            truth_ids.append(f"TAG{t:06d}-dev@{at[i] // 1_000_000}")
    device = pa.array([f"TAG{i:06d}-dev" for i in range(len(orders))]).take(pa.array(tag_index))
    record = pa.array([o["subject_records"][0] for o in orders]).take(pa.array(tag_index))
    folder = out / "tracks" / f"date={day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "device_id": device.dictionary_encode(),
            "subject_record_id": record.dictionary_encode(),
            "lat": pa.array(lat),
            "lon": pa.array(lon),
            "fixed_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "accuracy_m": pa.array(accuracy),
        }
    )
    pq.write_table(table, folder / "part-00000.parquet", compression="zstd", row_group_size=1 << 20)
    return {"fix_ids": sorted(truth_ids), "fixes": n}


def files_under(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.parquet"))
