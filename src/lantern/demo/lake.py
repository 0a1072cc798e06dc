"""ANPR reads for the demo world as a date-partitioned Parquet lake, generated at national volume.

Layout: ``out_dir/reads/date=YYYY-MM-DD/part-NNNNN.parquet`` (zstd) plus ``out_dir/cameras.parquet``.
Partitions are by the **UTC** date of ``seen_at``; within a partition rows are in ``seen_at`` order.

Columns: ``read_id`` int64, ``vrm`` string (upper case, no space), ``camera_id`` dictionary string,
``seen_at`` timestamp[us, UTC] (whole seconds), ``confidence`` float32 (two decimals). In the files
``vrm``, ``camera_id`` and ``confidence`` are RLE_DICTIONARY-encoded; ``vrm`` reads back as a plain
string (``read_dictionary=["vrm"]`` gives an Arrow dictionary) because Arrow's direct path for a
DictionaryArray this size falls back to PLAIN encoding, which is bigger and no faster.

``read_id`` is an int64 because a string per read would double the lake: it is
``YYYYMMDD * 10**9 + n`` where YYYYMMDD is the partition's UTC date and ``n`` the row's position
in that day (so ``20261025000001234``). Its string form, for the bulk import, is ``str(read_id)``.

Generation is vectorised numpy, one task per day (threads, as numpy and Parquet release the GIL),
each day written in chunks of at most ``chunk_rows`` rows, so memory stays bounded whatever the
total. Background plates come from a pool of fictional plates with a Zipf-Mandelbrot frequency
(a few vehicles are read often, most rarely), cameras are weighted, times follow a local diurnal
profile. The subject's reads (``world_reads``) are inserted in time order and their read ids are
recorded in ``world.truth``.
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lantern.demo.records import World
from lantern.demo.world import get_scale
from lantern.demo.world_build import LONDON
from lantern.demo.world_bulk import random_plates
from lantern.demo.world_noise import MISREADS
from lantern.demo.world_reads import PlantedRead, plan_subject_reads, plate_key

READS_SCHEMA = pa.schema(
    [
        ("read_id", pa.int64()),
        ("vrm", pa.string()),  # dictionary-encoded in the file (see _write_parquet)
        ("camera_id", pa.dictionary(pa.int32(), pa.string())),
        ("seen_at", pa.timestamp("us", tz="UTC")),
        ("confidence", pa.float32()),
    ]
)
CAMERAS_SCHEMA = pa.schema(
    [
        ("camera_id", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("description", pa.string()),
    ]
)
DEFAULT_CHUNK_ROWS = 2_000_000
READ_ID_DAY = 10**9  # read_id = YYYYMMDD * READ_ID_DAY + position in the day
# Relative traffic by local hour (0-23) and by weekday (Monday first): illustrative.
HOURLY = np.array([0.6, 0.4, 0.3, 0.3, 0.4, 0.9, 2.2, 4.5, 5.8, 4.8, 4.3, 4.4,
                   4.6, 4.6, 4.8, 5.4, 6.2, 6.4, 5.0, 3.8, 3.0, 2.4, 1.7, 1.0])  # fmt: skip
WEEKDAY = np.array([1.0, 1.0, 1.0, 1.02, 1.05, 0.88, 0.72])
_TABLE = 1 << 16  # lookup-table resolution for camera and confidence draws


@dataclass
class ReadsSummary:
    rows: int
    files: int
    bytes: int
    seconds: float
    planted: int = 0
    days: int = 0


@dataclass(frozen=True)
class _Lake:
    """Everything a day task needs; shared read-only between threads."""

    out: Path
    seed: int
    pool: pa.StringArray  # background plates, then the planted plates
    pool_size: int  # how many of ``pool`` are background
    extra: dict[str, int]  # planted plate -> index in ``pool``
    q: float  # Zipf-Mandelbrot offset: the busiest plate is read ~100x as often as the rarest
    cameras: pa.StringArray
    camera_index: dict[str, int]
    camera_table: np.ndarray  # uniform uint16 -> camera index
    confidence_table: np.ndarray  # uniform uint16 -> confidence
    chunk_rows: int


def write_reads(
    world: World,
    out_dir: str | Path,
    days: int = 30,
    reads_per_day: int | None = None,
    seed: int | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    workers: int | None = None,
) -> ReadsSummary:
    """Write ``days`` UTC days ending on the world's anchor date; replaces ``out_dir/reads``.

    ``reads_per_day`` defaults to the world's scale (``SCALES[scale].reads_total`` per 30 days).
    Fills ``world.truth`` with ``breach_read_ids``, ``misread_breach_read_ids`` and ``planted_reads``.
    """
    started = time.perf_counter()
    seed = world.seed if seed is None else seed
    out = Path(out_dir)
    shutil.rmtree(out / "reads", ignore_errors=True)
    (out / "reads").mkdir(parents=True)
    _write_cameras(world, out / "cameras.parquet")
    total = (
        reads_per_day * days if reads_per_day is not None else get_scale(world.scale).reads_total * days // 30
    )
    first_day = date.fromisoformat(world.truth["anchor"]) - timedelta(days=days - 1)
    planted = plan_subject_reads(world, first_day, days, seed)
    lake = _prepare(world, out, seed, total // max(days, 1), planted, chunk_rows)
    per_day = np.random.default_rng([seed, 0xDA7]).multinomial(total, _day_weights(first_day, days))
    by_day: dict[date, list[int]] = {}
    for i, read in enumerate(planted):
        by_day.setdefault(read.seen_at.date(), []).append(i)
    jobs = [(first_day + timedelta(days=i), int(per_day[i])) for i in range(days)]

    def run(job: tuple[date, int]) -> _DayResult:
        day, n = job
        return _write_day(lake, day, n, [(i, planted[i]) for i in by_day.get(day, [])])

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as executor:
        results = list(executor.map(run, jobs))
    ids = {i: rid for result in results for i, rid in result.planted_ids.items()}
    _record_truth(world, planted, ids)
    return ReadsSummary(
        rows=sum(r.rows for r in results),
        files=sum(r.files for r in results),
        bytes=sum(r.bytes for r in results),
        seconds=time.perf_counter() - started,
        planted=len(planted),
        days=days,
    )


def _record_truth(world: World, planted: list[PlantedRead], ids: dict[int, int]) -> None:
    rows = sorted((read.as_truth(ids[i]) for i, read in enumerate(planted)), key=lambda r: r["read_id"])
    world.truth["planted_reads"] = rows
    world.truth["breach_read_ids"] = [
        r["read_id"] for r in rows if r["in_zone"] and r["in_window"] and not r["misread"]
    ]
    world.truth["misread_breach_read_ids"] = [
        r["read_id"] for r in rows if r["in_zone"] and r["in_window"] and r["misread"]
    ]
    world.truth["read_id_format"] = "YYYYMMDD * 10**9 + position in the UTC day's partition"


def _write_cameras(world: World, path: Path) -> None:
    rows = [vars(c) for c in world.cameras]
    pq.write_table(pa.Table.from_pylist(rows, schema=CAMERAS_SCHEMA), path, compression="zstd")


def _prepare(
    world: World, out: Path, seed: int, per_day: int, planted: list[PlantedRead], chunk_rows: int
) -> _Lake:
    rng = np.random.default_rng([seed, 0x9001])
    # Vehicles in the pool: an assumed few reads per distinct vehicle a day (illustrative).
    size = int(np.clip(per_day // 4, 2_000, 3_000_000))
    extra = sorted({r.vrm for r in planted})
    weights = rng.lognormal(0.0, 0.8, len(world.cameras))  # some cameras sit on busy roads
    confidence = np.clip(100 - rng.geometric(0.2, _TABLE), 55, 99).astype(np.float32) / np.float32(100)
    return _Lake(
        out=out,
        seed=seed,
        pool=pa.concat_arrays([_plate_pool(rng, size, world, planted), pa.array(extra, pa.string())]),
        pool_size=size,
        extra={vrm: size + i for i, vrm in enumerate(extra)},
        q=size / 100,
        cameras=pa.array([c.camera_id for c in world.cameras], pa.string()),
        camera_index={c.camera_id: i for i, c in enumerate(world.cameras)},
        camera_table=_lookup_table(weights),
        confidence_table=confidence,
        chunk_rows=max(1, chunk_rows),
    )


def _plate_pool(
    rng: np.random.Generator, size: int, world: World, planted: list[PlantedRead]
) -> pa.StringArray:
    """Random plates with the world's other vehicles at random ranks; none the subject's could be."""
    registered = {
        v.key for order in world.orders for v in world.vehicles if v.key in order.registered_vehicles
    }
    subject = {plate_key(v.vrm) for v in world.vehicles if v.key in registered} | {r.vrm for r in planted}
    banned = pa.array(sorted(subject | {c for p in subject for c in _confusions(p)}), pa.string())
    plates = random_plates(rng, size).to_numpy(zero_copy_only=False)
    others = sorted({plate_key(v.vrm) for v in world.vehicles} - subject)[: size // 2]
    plates[rng.choice(size, len(others), replace=False)] = others
    while (clash := pc.is_in(pa.array(plates), value_set=banned).to_numpy(zero_copy_only=False)).any():
        plates[clash] = random_plates(rng, int(clash.sum())).to_numpy(zero_copy_only=False)
    return pa.array(plates, pa.string())


def _confusions(plate: str) -> list[str]:
    return [plate[:i] + MISREADS[ch] + plate[i + 1 :] for i, ch in enumerate(plate) if ch in MISREADS]


def _lookup_table(weights: np.ndarray) -> np.ndarray:
    """uint16 -> index table: looking up a uniform uint16 samples ``weights`` (no searchsorted)."""
    edges = np.round(np.cumsum(weights) / weights.sum() * _TABLE).astype(np.int64)
    return np.repeat(np.arange(len(weights), dtype=np.int32), np.diff(edges, prepend=0))


def _day_weights(first_day: date, days: int) -> np.ndarray:
    w = np.array([WEEKDAY[(first_day + timedelta(days=i)).weekday()] for i in range(days)])
    return w / w.sum()


def _second_probabilities(day: date) -> np.ndarray:
    """P(read in each UTC second of ``day``), from the local-hour profile (clock changes included)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    local_hours = [(midnight + timedelta(hours=h)).astimezone(LONDON).hour for h in range(24)]
    p = np.repeat(HOURLY[local_hours], 3600)
    return p / p.sum()


@dataclass
class _DayResult:
    rows: int = 0
    files: int = 0
    bytes: int = 0
    planted_ids: dict[int, int] = field(default_factory=dict)


def _write_day(lake: _Lake, day: date, n: int, planted: list[tuple[int, PlantedRead]]) -> _DayResult:
    """One UTC day: per-second counts first, then chunks of rows in time order."""
    counts = np.random.default_rng([lake.seed, 0x5EC, day.toordinal()]).multinomial(
        n, _second_probabilities(day)
    )
    ends = np.cumsum(counts)
    midnight_us = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000
    bounds = [*range(0, n, lake.chunk_rows), n] if n else [0, 0]
    # each planted read goes to the first chunk whose last second is not before it
    chunk_last = np.array([np.searchsorted(ends, b - 1, side="right") for b in bounds[1:]]) * 1_000_000
    planted_us = np.array([_us(r.seen_at) - midnight_us for _, r in planted], dtype=np.int64)
    owner = np.minimum(np.searchsorted(chunk_last, planted_us, side="left"), len(chunk_last) - 1)
    folder = lake.out / "reads" / f"date={day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    result = _DayResult()
    first_id = int(day.strftime("%Y%m%d")) * READ_ID_DAY
    for k in range(len(bounds) - 1):
        mine = [planted[j] for j in np.flatnonzero(owner == k)]
        rng = np.random.default_rng([lake.seed, 0xC4, day.toordinal(), k])
        seconds = _seconds(counts, ends, bounds[k], bounds[k + 1])
        table, ids = _chunk(lake, rng, seconds, midnight_us, [r for _, r in mine], first_id + result.rows)
        result.planted_ids.update({i: int(rid) for (i, _), rid in zip(mine, ids, strict=True)})
        path = folder / f"part-{k:05d}.parquet"
        _write_parquet(table, path)
        result.rows += table.num_rows
        result.files += 1
        result.bytes += path.stat().st_size
    return result


def _us(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000


def _seconds(counts: np.ndarray, ends: np.ndarray, a: int, b: int) -> np.ndarray:
    """The second-of-day of rows ``a`` to ``b`` (exclusive) of the day, in order."""
    if b <= a:
        return np.zeros(0, dtype=np.int64)
    i0, i1 = np.searchsorted(ends, [a, b - 1], side="right")
    reps = counts[i0 : i1 + 1].copy()
    if i0 == i1:
        reps[0] = b - a
    else:
        reps[0] = ends[i0] - a
        reps[-1] = b - ends[i1 - 1]
    return np.repeat(np.arange(i0, i1 + 1, dtype=np.int64), reps)


def _chunk(
    lake: _Lake,
    rng: np.random.Generator,
    seconds: np.ndarray,
    midnight_us: int,
    planted: list[PlantedRead],
    first_id: int,
) -> tuple[pa.Table, np.ndarray]:
    """One part: background rows for ``seconds``, the planted reads merged in by time.

    Returns the table and the read ids the planted reads were given.
    """
    m = len(seconds)
    seen = seconds * 1_000_000 + midnight_us
    # Zipf-Mandelbrot ranks by inverting its continuous CDF: float32 exp is SIMD-fast
    u = rng.random(m, dtype=np.float32)
    log_span = np.float32(np.log((lake.pool_size + lake.q) / lake.q))
    plate = np.minimum((np.float32(lake.q) * (np.exp(u * log_span) - 1)).astype(np.int32), lake.pool_size - 1)
    camera = lake.camera_table[rng.integers(0, _TABLE, m, dtype=np.uint16)]
    confidence = lake.confidence_table[rng.integers(0, _TABLE, m, dtype=np.uint16)]
    positions = np.zeros(0, dtype=np.int64)
    if planted:
        at = np.searchsorted(seen, [_us(r.seen_at) for r in planted], side="right")
        seen = np.insert(seen, at, [_us(r.seen_at) for r in planted])
        plate = np.insert(plate, at, [lake.extra[r.vrm] for r in planted])
        camera = np.insert(camera, at, [lake.camera_index[r.camera_id] for r in planted])
        confidence = np.insert(confidence, at, np.array([r.confidence for r in planted], dtype=np.float32))
        positions = at + np.arange(len(planted))  # where each planted read ended up
    columns = [
        pa.array(first_id + np.arange(len(seen), dtype=np.int64)),
        lake.pool.take(pa.array(plate)),
        pa.DictionaryArray.from_arrays(pa.array(camera, pa.int32()), lake.cameras),
        pa.array(seen, pa.timestamp("us", tz="UTC")),
        pa.array(confidence, pa.float32()),
    ]
    return pa.Table.from_arrays(columns, schema=READS_SCHEMA), first_id + positions


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(
        table,
        path,
        compression="zstd",
        row_group_size=max(table.num_rows, 1),
        use_dictionary=["vrm", "camera_id", "confidence"],
        column_encoding={"read_id": "DELTA_BINARY_PACKED", "seen_at": "DELTA_BINARY_PACKED"},
        # A chunk's distinct plates (~10^6 at national volume) overflow the 1 MB default, and the
        # writer would silently fall back to plain encoding. Plates are handed over dense: Arrow's
        # direct path for a DictionaryArray falls back to plain at this size however it is set.
        dictionary_pagesize_limit=64 << 20,
    )
