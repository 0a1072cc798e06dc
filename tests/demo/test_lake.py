"""The ANPR lake: layout, schema, planted breaches checked independently, streaming in chunks.

Partitions are by the UTC date of ``seen_at``. The breach checks here re-derive "inside the zone"
with shapely and "inside 19:00-07:00 Europe/London" with zoneinfo, independently of the generator.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import shape

from lantern.demo.lake import READS_SCHEMA, _seconds, write_reads
from lantern.demo.world import build_world
from lantern.demo.world_noise import MISREADS
from lantern.demo.world_places import load_default_gazetteer

LONDON = ZoneInfo("Europe/London")
PART = re.compile(r"^reads/date=(\d{4}-\d{2}-\d{2})/part-\d{5}\.parquet$")


@pytest.fixture(scope="module")
def world():
    return build_world(seed=1, scale="small", gazetteer=load_default_gazetteer())


@pytest.fixture(scope="module")
def lake(world, tmp_path_factory):
    out = tmp_path_factory.mktemp("lake")
    summary = write_reads(world, out)
    return out, summary


@pytest.fixture(scope="module")
def reads(lake) -> pa.Table:
    return pq.read_table(lake[0] / "reads", schema=READS_SCHEMA)


@pytest.fixture(scope="module")
def order(world):
    (order,) = world.orders
    return order


def _plates(world, order) -> set[str]:
    return {v.vrm.replace(" ", "").upper() for v in world.vehicles if v.key in order.registered_vehicles}


def _in_zone_cameras(world, order) -> set[str]:
    zone = shape(order.zone_geojson)
    return {c.camera_id for c in world.cameras if zone.contains(shapely.Point(c.longitude, c.latitude))}


def _in_window(seen_at: datetime) -> bool:
    local = seen_at.astimezone(LONDON)
    return local.hour >= 19 or local.hour < 7


def test_layout_and_summary(lake, world):
    out, summary = lake
    files = sorted(p.relative_to(out).as_posix() for p in (out / "reads").rglob("*.parquet"))
    assert files and all(PART.match(f) for f in files)
    days = sorted({PART.match(f).group(1) for f in files})
    assert days[0] == "2026-10-02" and days[-1] == "2026-10-31" and len(days) == 30
    assert summary.files == len(files) and summary.days == 30
    assert summary.bytes == sum((out / f).stat().st_size for f in files)
    assert 59_000 <= summary.rows <= 61_000 and summary.planted > 30
    cameras = pq.read_table(out / "cameras.parquet")
    assert cameras.column_names == ["camera_id", "latitude", "longitude", "description"]
    assert cameras.num_rows == len(world.cameras)


def test_schema_and_encodings(lake, reads):
    out, summary = lake
    assert reads.num_rows == summary.rows
    first = next((out / "reads").rglob("*.parquet"))
    meta = pq.ParquetFile(first)
    assert meta.schema_arrow == READS_SCHEMA
    assert READS_SCHEMA.field("seen_at").type == pa.timestamp("us", tz="UTC")
    assert READS_SCHEMA.field("confidence").type == pa.float32()
    assert READS_SCHEMA.field("read_id").type == pa.int64()
    columns = meta.metadata.row_group(0)
    encodings = {columns.column(i).path_in_schema: columns.column(i).encodings for i in range(5)}
    assert "RLE_DICTIONARY" in encodings["vrm"] and "RLE_DICTIONARY" in encodings["camera_id"]
    assert columns.column(0).compression == "ZSTD"


def test_partitions_hold_their_utc_day_in_time_order(lake):
    out, _ = lake
    for path in (out / "reads").rglob("*.parquet"):
        day = date.fromisoformat(path.parent.name.removeprefix("date="))
        table = pq.read_table(path)
        seen = table["seen_at"].to_numpy()
        assert (np.diff(seen.astype(np.int64)) >= 0).all()
        start = np.datetime64(datetime(day.year, day.month, day.day), "us")
        assert seen.min() >= start and seen.max() < start + np.timedelta64(1, "D")
        ids = table["read_id"].to_numpy()
        base = int(day.strftime("%Y%m%d")) * 10**9
        assert (ids >= base).all() and (ids < base + 10**9).all()


def test_read_ids_are_unique(reads):
    assert pc.count_distinct(reads["read_id"]).as_py() == reads.num_rows


def test_planted_breaches_are_inside_the_zone_and_the_local_window(world, order, reads):
    breaches = set(world.truth["breach_read_ids"])
    assert len(breaches) >= 8
    rows = reads.filter(pc.is_in(reads["read_id"], pa.array(sorted(breaches)))).to_pylist()
    assert len(rows) == len(breaches)
    zone_cams, plates = _in_zone_cameras(world, order), _plates(world, order)
    for row in rows:
        assert row["vrm"] in plates
        assert row["camera_id"] in zone_cams
        assert _in_window(row["seen_at"])
        assert order.effective_from <= row["seen_at"].astimezone(LONDON).date() <= order.expires_on


def test_breach_truth_is_complete(world, order, reads):
    """Scanning the whole lake independently finds exactly the breaches the truth lists."""
    zone_cams, plates = _in_zone_cameras(world, order), _plates(world, order)
    candidates = reads.filter(pc.is_in(reads["vrm"], pa.array(sorted(plates)))).to_pylist()
    found = {r["read_id"] for r in candidates if r["camera_id"] in zone_cams and _in_window(r["seen_at"])}
    assert found == set(world.truth["breach_read_ids"])
    # and he is read outside the zone, and inside it in daylight, without those being breaches
    assert any(r["camera_id"] not in zone_cams for r in candidates)
    assert any(r["camera_id"] in zone_cams and not _in_window(r["seen_at"]) for r in candidates)
    planted = {r["read_id"] for r in world.truth["planted_reads"] if not r["misread"]}
    assert {r["read_id"] for r in candidates} == planted  # no background read carries his plates


def test_misread_breaches(world, order, reads):
    plates = _plates(world, order)
    confusions = {
        p[:i] + MISREADS[ch] + p[i + 1 :] for p in plates for i, ch in enumerate(p) if ch in MISREADS
    }
    zone_cams = _in_zone_cameras(world, order)
    rows = reads.filter(pc.is_in(reads["vrm"], pa.array(sorted(confusions)))).to_pylist()
    found = {r["read_id"] for r in rows if r["camera_id"] in zone_cams and _in_window(r["seen_at"])}
    assert found == set(world.truth["misread_breach_read_ids"]) and len(found) >= 2
    assert not found & set(world.truth["breach_read_ids"])
    assert any(r["camera_id"] not in zone_cams or not _in_window(r["seen_at"]) for r in rows)


def test_the_clock_change_night(world):
    """25 October 2026: BST ends at 01:00 UTC. UTC-based or fixed-offset screening gets these wrong."""
    planted = {r["seen_at"]: r for r in world.truth["planted_reads"] if r["in_zone"] and not r["misread"]}
    expected = {
        "2026-10-24T06:30:00+00:00": False,  # 07:30 BST
        "2026-10-24T18:30:00+00:00": True,  # 19:30 BST
        "2026-10-25T00:40:00+00:00": True,  # 01:40 BST, the first time round
        "2026-10-25T01:20:00+00:00": True,  # 01:20 GMT, the second time round
        "2026-10-25T06:30:00+00:00": True,  # 06:30 GMT
        "2026-10-25T18:30:00+00:00": False,  # 18:30 GMT
    }
    for when, breach in expected.items():
        read = planted[when]
        assert read["in_window"] is breach
        assert (read["read_id"] in world.truth["breach_read_ids"]) is breach
        assert _in_window(datetime.fromisoformat(when)) is breach
    assert planted["2026-10-25T00:40:00+00:00"]["local_time"] == "2026-10-25T01:40:00+01:00"
    assert planted["2026-10-25T01:20:00+00:00"]["local_time"] == "2026-10-25T01:20:00+00:00"


def test_window_edges(world):
    local = {
        r["local_time"][11:19]: r for r in world.truth["planted_reads"] if r["in_zone"] and not r["misread"]
    }
    assert local["18:59:30"]["in_window"] is False and local["19:00:30"]["in_window"] is True
    assert local["06:59:30"]["in_window"] is True and local["07:00:30"]["in_window"] is False


def test_background_looks_like_traffic(reads):
    local_hour = pc.hour(
        pc.local_timestamp(pc.assume_timezone(pc.cast(reads["seen_at"], pa.timestamp("us")), "UTC"))
    )
    hours = np.bincount(local_hour.to_numpy(), minlength=24)
    assert hours[17] > 5 * hours[3]
    counts = pc.value_counts(reads["vrm"]).field("counts").to_numpy()
    assert counts.max() > 10 * np.median(counts)  # a few vehicles are read far more often than most
    cameras = pc.value_counts(reads["camera_id"]).field("counts").to_numpy()
    assert len(cameras) >= 35 and cameras.max() > 2 * cameras.min()


def test_same_seed_same_lake(world, reads, tmp_path):
    write_reads(world, tmp_path)
    assert pq.read_table(tmp_path / "reads", schema=READS_SCHEMA).equals(reads)


def test_streams_in_bounded_chunks(world, tmp_path):
    """A bigger day is written as several parts of at most chunk_rows (plus planted) rows each."""
    summary = write_reads(world, tmp_path, days=3, reads_per_day=25_000, chunk_rows=4_000, workers=2)
    parts = sorted((tmp_path / "reads").rglob("*.parquet"))
    sizes = [pq.ParquetFile(p).metadata.num_rows for p in parts]
    assert len(parts) == summary.files and len(parts) >= 3 * 6
    assert max(sizes) <= 4_000 + summary.planted
    for day in (tmp_path / "reads").iterdir():
        ids = ds.dataset(day, format="parquet").to_table(columns=["read_id"])["read_id"].to_numpy()
        assert (np.diff(np.sort(ids)) == 1).all()  # parts continue one another's numbering
    assert summary.rows == 75_000 + summary.planted


def test_rows_of_a_chunk_come_from_the_per_second_counts():
    counts = np.array([0, 3, 0, 0, 2, 5, 0, 1])
    ends = np.cumsum(counts)
    whole = np.repeat(np.arange(len(counts)), counts)
    for a, b in [(0, 11), (0, 2), (2, 7), (3, 4), (9, 11), (5, 5)]:
        assert _seconds(counts, ends, a, b).tolist() == whole[a:b].tolist()


def test_no_dates_from_the_wall_clock(world, tmp_path):
    write_reads(world, tmp_path, days=2, reads_per_day=100)
    days = sorted(p.name for p in (tmp_path / "reads").iterdir())
    assert days == ["date=2026-10-30", "date=2026-10-31"]
