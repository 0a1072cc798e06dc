"""A tiny, hand-placed world for the screening tests: one zone, three cameras, reads written as Parquet."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

UTC = ZoneInfo("UTC")
# A square in Peterborough: lon -0.25..-0.24, lat 52.58..52.59 (exterior ring closed).
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.25, 52.58], [-0.24, 52.58], [-0.24, 52.59], [-0.25, 52.59], [-0.25, 52.58]]],
}
MOVED = {
    "type": "Polygon",
    "coordinates": [[[-0.23, 52.58], [-0.22, 52.58], [-0.22, 52.59], [-0.23, 52.59], [-0.23, 52.58]]],
}
CAMERAS = pa.table(
    {
        "camera_id": ["IN", "EDGE", "OUT", "MOVED"],
        "latitude": [52.585, 52.58, 52.60, 52.585],
        "longitude": [-0.245, -0.245, -0.245, -0.225],
    }
)
NIGHTS = [{"start": "19:00", "end": "07:00"}]


def order(**overrides) -> dict:
    base = {
        "order_id": "O1",
        "reference": "PBO/SRO/1",
        "subject_id": "S1",
        "subject_records": ["REC1"],
        "in_force_from": "2026-03-01",
        "in_force_to": "2026-11-30",
        "zones": [
            {"condition": 1, "version": 1, "name": "red-light district", "geojson": SQUARE, "windows": NIGHTS}
        ],
        "vehicles": [{"vrm": "AB12CDE", "basis": "registered", "condition": 2, "version": 1}],
    }
    base.update(overrides)
    return base


def utc_us(text: str) -> int:
    """'2026-10-25 01:30:00' in UTC -> microseconds."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) * 1_000_000


def write_reads(
    folder: Path, reads: list[tuple[str, str, str, str]], name: str = "part-0.parquet"
) -> list[str]:
    """(read_id, vrm, camera_id, 'YYYY-MM-DD HH:MM:SS' UTC) rows -> one Parquet file; returns [path]."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "read_id": pa.array([r[0] for r in reads], pa.string()),
            "vrm": pa.array([r[1] for r in reads], pa.string()),
            "camera_id": pa.array([r[2] for r in reads], pa.string()),
            "seen_at": pa.array([utc_us(r[3]) for r in reads], pa.timestamp("us", tz="UTC")),
            "confidence": pa.array([0.9] * len(reads), pa.float32()),
        }
    )
    path = folder / name
    pq.write_table(table, path)
    return [str(path)]


def write_fixes(folder: Path, fixes: list[tuple[str, str, float, float, str, float]]) -> list[str]:
    """(device_id, subject_record_id, lat, lon, 'YYYY-MM-DD HH:MM:SS' UTC, accuracy_m) rows."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "device_id": [f[0] for f in fixes],
            "subject_record_id": [f[1] for f in fixes],
            "lat": pa.array([f[2] for f in fixes], pa.float64()),
            "lon": pa.array([f[3] for f in fixes], pa.float64()),
            "fixed_at": pa.array([utc_us(f[4]) for f in fixes], pa.timestamp("us", tz="UTC")),
            "accuracy_m": pa.array([f[5] for f in fixes], pa.float32()),
        }
    )
    path = folder / "fixes.parquet"
    pq.write_table(table, path)
    return [str(path)]
