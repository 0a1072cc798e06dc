"""The live matcher finds exactly what batch screening finds, whatever batches the reads come in."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.demo.screening_world import build_world, files_under, write_reads
from lantern.engine.screening.backends import DuckDBBackend
from lantern.engine.screening.live import LiveMatcher
from lantern.engine.screening.plates import plate_variants
from lantern.engine.screening.rules import compile_rules
from lantern.engine.screening.screen import HIT_SCHEMA, screen_reads

from .screening_fixtures import CAMERAS, MOVED, NIGHTS, SQUARE, order

SORT = [(name, "ascending") for name in HIT_SCHEMA.names if name not in ("lat", "lon", "accuracy_m")]


@pytest.fixture(scope="module")
def backend():
    return DuckDBBackend(threads=1)


def _sorted(hits: pa.Table) -> list[dict]:
    return hits.sort_by(SORT).to_pylist()


def _live(matcher: LiveMatcher, reads: pa.Table, batch: int) -> pa.Table:
    parts = [matcher.match(reads.slice(i, batch)) for i in range(0, reads.num_rows, batch)]
    return pa.concat_tables([HIT_SCHEMA.empty_table(), *parts])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The benchmark's generator at a small scale: planted breaches, misreads and near misses."""
    out = tmp_path_factory.mktemp("screening-world")
    world = build_world(orders=400, cameras=300, zones=60, days=7)
    truth = write_reads(world, out, total=60_000, breaches=120, chunk_rows=5_000)
    return world, truth, files_under(out / "reads")


@pytest.mark.parametrize("batch", [37, 1_000])
def test_the_planted_world_gives_identical_hits_in_any_batch_size(world, backend, batch):
    world, truth, files = world
    rules = compile_rules(world.orders)
    batch_hits = screen_reads(rules, files, world.cameras, backend).hits
    reads = pa.concat_tables(pq.read_table(f) for f in files)
    live_hits = _live(LiveMatcher(rules, world.cameras), reads, batch)
    assert _sorted(live_hits) == _sorted(batch_hits)
    flagged = set(live_hits.column("evidence_id").to_pylist())
    assert flagged == set(truth["breach_read_ids"])  # every planted breach, nothing else
    assert not flagged & set(truth["near_miss_read_ids"])
    misreads = {h["evidence_id"] for h in live_hits.to_pylist() if h["match"] == "possible misread"}
    assert misreads == set(truth["misread_read_ids"])


def test_episodes_are_the_same_from_either_path(world, backend):
    world, _, files = world
    rules = compile_rules(world.orders)
    matcher = LiveMatcher(rules, world.cameras)
    reads = pa.concat_tables(pq.read_table(f) for f in files)
    live = matcher.episodes(matcher.match(reads))
    batch = matcher.episodes(screen_reads(rules, files, world.cameras, backend).hits)

    def key(e):
        return (e.order_id, e.condition, e.first_us)

    assert len(live) == len(batch) > 0
    for a, b in zip(sorted(live, key=key), sorted(batch, key=key), strict=True):
        assert (a.order_id, a.condition, a.version, a.explanation()) == (
            b.order_id,
            b.condition,
            b.version,
            b.explanation(),
        )


def test_lake_columns_as_the_demo_lake_stores_them_match_alike(tmp_path, backend):
    """Integer read ids and dictionary-encoded cameras, as the demo lake writes them."""
    at = [datetime(2026, 10, 24, 22, m, tzinfo=UTC) for m in (0, 5, 10)]
    table = pa.table(
        {
            "read_id": pa.array([20261024000000001, 20261024000000002, 20261024000000003], pa.int64()),
            "vrm": ["AB12CDE", "A812CDE", "ZZ99ZZZ"],
            "camera_id": pa.array(["IN", "IN", "IN"]).dictionary_encode(),
            "seen_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "confidence": pa.array([0.9, 0.8, 0.9], pa.float32()),
        }
    )
    path = tmp_path / "reads.parquet"
    pq.write_table(table, path)
    rules = compile_rules([order()])
    batch = screen_reads(rules, [str(path)], CAMERAS, backend).hits
    live = LiveMatcher(rules, CAMERAS).match(pq.read_table(path))
    assert _sorted(live) == _sorted(batch)
    assert {h["evidence_id"]: h["match"] for h in live.to_pylist()} == {
        "20261024000000001": "exact",
        "20261024000000002": "possible misread",
    }


def test_a_plate_watched_under_two_orders_is_a_hit_for_each():
    twice = [
        order(),
        order(order_id="O2", reference="PBO/SRO/2", subject_id="S2", zones=[_zone(1, MOVED)]),
    ]
    reads = _reads(
        [("r1", "AB12CDE", "IN", "2026-10-24 22:00:00"), ("r2", "AB12CDE", "MOVED", "2026-10-24 22:05:00")]
    )
    hits = LiveMatcher(compile_rules(twice), CAMERAS).match(reads)
    assert sorted((h["evidence_id"], h["order"]) for h in hits.to_pylist()) == [("r1", 0), ("r2", 1)]


def test_no_rules_or_no_watched_plate_gives_no_hits():
    reads = _reads([("r1", "AB12CDE", "IN", "2026-10-24 22:00:00")])
    assert LiveMatcher(compile_rules([]), CAMERAS).match(reads).num_rows == 0
    assert LiveMatcher(compile_rules([order(vehicles=[])]), CAMERAS).match(reads).num_rows == 0


# ---- property: any plates, any times, any batches --------------------------------------------

WATCHED = ["AB12CDE", "S0B1ZZ", "KL70XYZ"]
PLATES = st.one_of(
    st.sampled_from([v for p in WATCHED for v in plate_variants(p)]),
    st.text(alphabet="ABOSZ012589 ", min_size=0, max_size=10),  # longer than any plate too
    st.none(),
)
# Two weeks around the autumn clock change, to the second.
INSTANTS = st.integers(1_792_000_000, 1_793_300_000)
READS = st.lists(
    st.tuples(PLATES, st.sampled_from(["IN", "EDGE", "OUT", "MOVED", "NOWHERE"]), INSTANTS),
    max_size=60,
)


def _zone(condition: int, geojson: dict, windows=NIGHTS, version: int = 1, **extra) -> dict:
    return {
        "condition": condition,
        "version": version,
        "name": f"zone {condition}",
        "geojson": geojson,
        "windows": windows,
        **extra,
    }


RULES = compile_rules(
    [
        order(
            vehicles=[
                {"vrm": "AB12CDE", "basis": "registered"},
                {"vrm": "S0B1ZZ", "basis": "linked"},
                {"vrm": "KL70XYZ", "basis": "registered", "valid_from": "2026-10-26"},
            ],
            zones=[
                _zone(1, SQUARE, valid_to="2026-10-27"),
                _zone(1, MOVED, version=2, valid_from="2026-10-28"),
                _zone(3, SQUARE, windows=[{"start": "22:00", "end": "06:00", "days": ["Sat"]}]),
            ],
        ),
        order(order_id="O2", reference="PBO/SRO/2", subject_id="S2", vehicles=[{"vrm": "A812CDE"}]),
    ]
)


def _reads(rows) -> pa.Table:
    def at(value):
        if isinstance(value, int):
            return value * 1_000_000
        return int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()) * 1_000_000

    return pa.table(
        {
            "read_id": pa.array([r[0] for r in rows], pa.string()),
            "vrm": pa.array([r[1] for r in rows], pa.string()),
            "camera_id": pa.array([r[2] for r in rows], pa.string()),
            "seen_at": pa.array([at(r[3]) for r in rows], pa.timestamp("us", tz="UTC")),
            "confidence": pa.array([0.9] * len(rows), pa.float32()),
        }
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=READS, batch=st.integers(1, 20))
def test_any_reads_in_any_batches_match_as_batch_screening_does(tmp_path, backend, rows, batch):
    reads = _reads([(f"r{i}", *row) for i, row in enumerate(rows)])
    path = tmp_path / "reads.parquet"
    pq.write_table(reads, path)
    expected = screen_reads(RULES, [str(path)], CAMERAS, backend).hits
    assert _sorted(_live(LiveMatcher(RULES, CAMERAS), reads, batch)) == _sorted(expected)


def test_plates_longer_than_eight_characters_and_odd_text_match_exactly():
    """A foreign plate of nine characters watched, and reads of every awkward kind beside it."""
    rules = compile_rules([order(vehicles=[{"vrm": "ABC123456"}, {"vrm": "AB12CDE"}])])
    reads = _reads(
        [
            ("r1", "ABC123456", "IN", "2026-10-24 22:00:00"),  # the long plate itself
            ("r2", "A8C123456", "IN", "2026-10-24 22:01:00"),  # a misread of it
            ("r3", "ABC12345", "IN", "2026-10-24 22:02:00"),  # a prefix: not it
            ("r4", "AB12CDE\u00e9", "IN", "2026-10-24 22:03:00"),  # non-ASCII, 9 bytes
            ("r5", None, "IN", "2026-10-24 22:04:00"),
            ("r6", "", "IN", "2026-10-24 22:05:00"),
            ("r7", "AB12CDE", "IN", "2026-10-24 22:06:00"),
        ]
    )
    hits = LiveMatcher(rules, CAMERAS).match(reads)
    assert sorted((h["evidence_id"], h["match"]) for h in hits.to_pylist()) == [
        ("r1", "exact"),
        ("r2", "possible misread"),
        ("r7", "exact"),
    ]
