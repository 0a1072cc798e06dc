"""With LANTERN_SPARK_LAKE_URI, Spark reads the lake's synced copy by URI and finds what it finds on
Lantern's own lake folder (a file:// copy stands in for s3a:// here)."""

from __future__ import annotations

import shutil

import pytest

from lantern.demo.screening_world import build_world, files_under, write_fixes, write_reads
from lantern.engine.screening.backends import SparkBackend
from lantern.engine.screening.rules import compile_rules
from lantern.engine.screening.screen import screen_fixes, screen_reads
from lantern.engine.spark import SparkConfig

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lakes(tmp_path_factory):
    local = tmp_path_factory.mktemp("lantern") / "lake"
    world = build_world(orders=60, cameras=40, zones=15, days=2, seed=5)
    truth = write_reads(world, local, total=20_000, breaches=12, chunk_rows=10_000)
    write_fixes(world, local, tags=60, day=world.first_day, every_s=600)
    copy = tmp_path_factory.mktemp("bucket") / "lantern" / "lake"
    shutil.copytree(local, copy)
    return world, local, copy, truth


@pytest.fixture(scope="module")
def backends(lakes):
    _, _, copy, _ = lakes
    plain = SparkBackend(config=SparkConfig(master="local[2]"))
    synced = SparkBackend(session=plain.spark, config=SparkConfig(lake_uri=copy.as_uri()))
    yield plain, synced
    plain.spark.stop()


def _sorted(table) -> list[dict]:
    return table.sort_by(
        [("order", "ascending"), ("zone", "ascending"), ("evidence_id", "ascending")]
    ).to_pylist()


def test_the_synced_copy_gives_the_same_hits_as_the_lake_folder(lakes, backends):
    world, local, copy, truth = lakes
    plain, synced = backends
    rules = compile_rules(world.orders)
    reads = files_under(local / "reads")
    by_uri = screen_reads(rules, reads, world.cameras, synced)
    # Spark listed the copy's files, under the URI, not the lake folder the driver was given.
    read_files = plain.spark.table("reads").inputFiles()
    assert read_files and all(f.startswith(copy.as_uri() + "/reads/date=") for f in read_files)
    assert _sorted(by_uri.hits) == _sorted(screen_reads(rules, reads, world.cameras, plain).hits)
    assert set(by_uri.hits.column("evidence_id").to_pylist()) == set(truth["breach_read_ids"])

    tracks = files_under(local / "tracks")
    assert _sorted(screen_fixes(rules, tracks, synced)) == _sorted(screen_fixes(rules, tracks, plain))


def test_a_lake_not_yet_synced_is_a_clear_error(lakes, backends, tmp_path):
    world, local, _, _ = lakes
    plain, _ = backends
    empty = SparkBackend(session=plain.spark, config=SparkConfig(lake_uri=(tmp_path / "bucket").as_uri()))
    with pytest.raises(FileNotFoundError, match="sync the lake"):
        screen_reads(compile_rules(world.orders), files_under(local / "reads"), world.cameras, empty)
