"""The real ``spark-submit --master local[1]`` of lantern/spark_submit.py screens a planted world and
files exactly the alerts ``--engine duckdb`` files, reading the lake from a synced copy by URI.

spark-submit's driver is another process, so it cannot see pytest's test database: the world goes
into a database of its own (a SQLite file, or a throwaway PostgreSQL database when DATABASE_URL
names a server, as in CI's second run), filed by ``tests/engine/spark_submit_world.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pyspark
import pytest

import lantern.spark_submit

pytestmark = pytest.mark.spark

REPO = Path(__file__).resolve().parents[2]
SPARK_SUBMIT = Path(pyspark.__file__).parent / "bin" / "spark-submit"
TIMEOUT_S = 300
HELPER = "tests.engine.spark_submit_world"
SINCE = "2026-10-18"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done


def _database(tmp: Path):
    """A SQLite file, or a throwaway database beside DATABASE_URL's on its PostgreSQL server."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        return f"sqlite:///{tmp / 'spark.sqlite3'}", lambda: None
    import psycopg

    admin = server.rsplit("/", 1)[0] + "/postgres"
    name = f"lantern_spark_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return server.rsplit("/", 1)[0] + "/" + name, drop


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The world in its own database, screened once by DuckDB (its alerts dumped, then forgotten)."""
    tmp = tmp_path_factory.mktemp("spark-submit")
    url, drop = _database(tmp)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_SPARK_", "PYSPARK_"))}
    env.update(
        DATABASE_URL=url,
        LANTERN_VAR_DIR=str(tmp / "var"),
        LANTERN_LAKE_DIR=str(tmp / "lake"),
        LANTERN_LOG_LEVEL="INFO",
        LANTERN_ALERT_WEBHOOK_URL="",
        LANTERN_ALERT_EMAIL="",
        DJANGO_SETTINGS_MODULE="lantern.config.settings",
    )
    try:
        _run([sys.executable, "-m", HELPER, "seed", str(tmp / "truth.json"), str(tmp / "duckdb.json")], env)
        yield tmp, env, json.loads((tmp / "truth.json").read_text())
    finally:
        drop()


def _spark_submit(env: dict[str, str], *args: str) -> str:
    """spark-submit's output: the driver's stdout and stderr both reach spark-submit's stdout."""
    done = _run([str(SPARK_SUBMIT), *args], {**env, "PYSPARK_PYTHON": sys.executable})
    return done.stdout + done.stderr


def test_spark_submit_files_exactly_the_duckdb_alerts(world):
    tmp, env, truth = world
    by_duckdb = json.loads((tmp / "duckdb.json").read_text())

    # The object store: a copy of the partitioned lake in another folder, as `aws s3 sync` leaves it.
    bucket = tmp / "bucket" / "lantern" / "lake"
    shutil.copytree(tmp / "lake", bucket)
    spark_env = {
        **env,
        "LANTERN_SPARK_LAKE_URI": bucket.as_uri(),
        "LANTERN_SPARK_MASTER": "local[1]",  # spark-submit's --master must win over it
    }
    output = _spark_submit(
        spark_env,
        "--master",
        "local[2]",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.sql.shuffle.partitions=2",
        lantern.spark_submit.__file__,
        "screen",
        "--since",
        SINCE,
    )
    assert "master local[2] (submitted)" in output
    assert f"from {bucket.as_uri()}." in output  # Spark read the copy, not Lantern's own lake
    assert "(spark)" in output
    _run([sys.executable, "-m", HELPER, "dump", str(tmp / "spark.json")], env)
    by_spark = json.loads((tmp / "spark.json").read_text())

    assert by_duckdb["runs"][0][:2] == ["duckdb", "finished"] and by_duckdb["runs"][0][3] > 30_000
    assert by_spark["runs"] == [["spark", "finished", *by_duckdb["runs"][0][2:]]]
    assert by_spark["alerts"] == by_duckdb["alerts"]
    evidence = {e[0] for alert in by_spark["alerts"] for e in alert[5]}
    assert truth["breach_read_ids"] and set(truth["breach_read_ids"]) <= evidence
    assert not set(truth["near_miss_read_ids"]) & evidence
