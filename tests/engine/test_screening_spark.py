"""The Spark path gives exactly the DuckDB answer on the same lake (local Spark, as CI runs it)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lantern.demo.screening_world import build_world, files_under, write_fixes, write_reads
from lantern.engine.screening.backends import DuckDBBackend, SparkBackend
from lantern.engine.screening.rules import compile_rules
from lantern.engine.screening.screen import episodes, screen_fixes, screen_reads

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    backend = SparkBackend(master="local[2]")
    yield backend
    backend.spark.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("lake")
    world = build_world(orders=200, cameras=60, zones=20, days=3, seed=3)
    truth = write_reads(world, out, total=60_000, breaches=40, chunk_rows=25_000)
    fixes = write_fixes(world, out, tags=200, day=world.first_day, every_s=300)
    # One file in the demo lake's style: integer read ids, so the two kinds of file are unioned.
    first = files_under(out / "reads")[0]
    table = pq.read_table(first).slice(0, 100)
    numbered = table.set_column(0, "read_id", pa.array(range(1, 101), pa.int64()))
    pq.write_table(numbered, out / "reads" / "date=2026-10-19" / "part-int.parquet")
    return world, out, truth, fixes


def _sorted(table: pa.Table) -> list[dict]:
    return table.sort_by(
        [("order", "ascending"), ("zone", "ascending"), ("evidence_id", "ascending")]
    ).to_pylist()


def test_spark_finds_exactly_the_duckdb_alerts(spark, world):
    world, out, truth, _ = world
    rules = compile_rules(world.orders)
    reads = files_under(out / "reads")
    duck = screen_reads(rules, reads, world.cameras, DuckDBBackend(threads=2))
    sparked = screen_reads(rules, reads, world.cameras, spark)
    assert _sorted(sparked.hits) == _sorted(duck.hits)
    assert set(duck.hits.column("evidence_id").to_pylist()) == set(truth["breach_read_ids"])
    duck_episodes = [(e.order_id, e.condition, e.hits.to_pylist()) for e in episodes(rules, duck.hits)]
    spark_episodes = [(e.order_id, e.condition, e.hits.to_pylist()) for e in episodes(rules, sparked.hits)]
    assert spark_episodes == duck_episodes

    tracks = files_under(out / "tracks")
    assert _sorted(screen_fixes(rules, tracks, spark)) == _sorted(
        screen_fixes(rules, tracks, DuckDBBackend())
    )
