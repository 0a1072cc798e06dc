from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest


def write_lake(root: Path, *, vrms: list[str], records: list[str]) -> dict[str, Path]:
    """A small lake in the layout of ``engine.lake_ingest``: one reads file and one tracks file."""
    at = datetime(2026, 10, 1, 22, tzinfo=UTC)
    reads = root / "reads" / "date=2026-10-01" / "part-00000.parquet"
    tracks = root / "tracks" / "date=2026-10-01" / "part-00000.parquet"
    reads.parent.mkdir(parents=True, exist_ok=True)
    tracks.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.table(
            {
                "read_id": pa.array(range(len(vrms)), pa.int64()),
                "vrm": pa.array(vrms).dictionary_encode(),
                "camera_id": pa.array(["CAM1"] * len(vrms)),
                "seen_at": pa.array([at] * len(vrms), pa.timestamp("us", tz="UTC")),
                "confidence": pa.array([0.9] * len(vrms), pa.float32()),
            }
        ),
        reads,
    )
    pq.write_table(
        pa.table(
            {
                "device_id": pa.array([f"TAG-{r}" for r in records]),
                "subject_record_id": pa.array(records).dictionary_encode(),
                "lat": pa.array([52.58] * len(records)),
                "lon": pa.array([-0.24] * len(records)),
                "fixed_at": pa.array([at] * len(records), pa.timestamp("us", tz="UTC")),
                "accuracy_m": pa.array([10.0] * len(records)),
            }
        ),
        tracks,
    )
    return {"reads": reads, "tracks": tracks}


@pytest.fixture
def lake_dir(settings, tmp_path) -> Path:
    settings.LAKE_DIR = tmp_path / "lake"
    settings.LAKE_DIR.mkdir()
    return settings.LAKE_DIR
