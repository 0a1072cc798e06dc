"""Killing the consumer mid-stream loses no read and raises no duplicate alert.

Real processes on a real database and a real Redis: `lantern live` consumes 40 stream entries
(1,000 reads, 120 of them breaches of five orders in 25 episodes) with a pause before each
acknowledgement, is killed with SIGKILL while entries are pending, restarted under the same name
(it finishes its own pending entries first), killed again, and the rest taken over by another
consumer that claims what the dead one held. Then every read is in the lake exactly once, every
breach is evidence exactly once, each episode is exactly one alert, and nothing is left pending.
Runs on SQLite, or on PostgreSQL when the suite does (DATABASE_URL).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import redis

from lantern.orders.live.stream import Entry

from .live_helpers import REDIS_URL
from .live_seed import ORDERS, plate

LANTERN = [sys.executable, "-m", "lantern.cli"]
ENTRIES, READS_PER_ENTRY, BREACHES_PER_ENTRY = 40, 25, 3
START = datetime(2026, 10, 20, 20, 0, tzinfo=UTC)
GROUP = "lantern-live"


class _World:
    """A database of the suite's kind, a lake and a stream key, for the processes under test."""

    def __init__(self, tmp_path: Path):
        server = os.environ.get("DATABASE_URL", "")
        self.var = tmp_path / "var"
        self.stream = f"lantern:test:kill:{uuid.uuid4().hex}"
        if server.startswith("postgres"):
            self.pg_name = f"lantern_live_kill_{uuid.uuid4().hex[:10]}"
            self.base = server.rsplit("/", 1)[0]
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.url = f"{self.base}/{self.pg_name}"
        else:
            self.pg_name = ""
            self.url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.base}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def env(self, **extra: str) -> dict[str, str]:
        return dict(
            os.environ,
            DATABASE_URL=self.url,
            LANTERN_VAR_DIR=str(self.var),
            LANTERN_REDIS_URL=REDIS_URL,
            LANTERN_LIVE_STREAM=self.stream,
            LANTERN_LIVE_THROTTLE_MS="150",  # a window to kill it in, before each acknowledgement
            **extra,
        )

    def query(self, sql: str) -> list[tuple]:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=20) as conn:
            return conn.execute(sql).fetchall()

    def stored(self) -> int:
        try:
            return self.query("SELECT count(*) FROM live_feedbatch")[0][0]
        except Exception:  # the table is busy, or not yet made
            return 0

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


@pytest.fixture
def world(tmp_path):
    made = _World(tmp_path)
    connection = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield made, connection
    connection.delete(made.stream)
    made.drop()


def _run(world: _World, *args: str, **env: str) -> str:
    done = subprocess.run(
        [*LANTERN, *args], env=world.env(**env), capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _seed(world: _World) -> int:
    code = "import django; django.setup(); from tests.orders.live_seed import seed; print(seed())"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=world.env(DJANGO_SETTINGS_MODULE="lantern.config.settings"),
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def _push(world: _World, connection: redis.Redis, source_id: int) -> dict[int, set[str]]:
    """The entries, as the endpoint writes them; returns each order's breaching read ids."""
    breaches: dict[int, set[str]] = {k: set() for k in range(ORDERS)}
    for i in range(ENTRIES):
        episode = i // 8  # 8 entries an episode, a minute apart; episodes 2 hours apart
        at = START + timedelta(hours=2 * episode, minutes=i % 8)
        us = int(at.timestamp() * 1_000_000)
        reads = [[f"bg-{i}-{j}", f"BG{i:02d}{j:02d}X", "LIVE-IN", us, 0.9] for j in range(READS_PER_ENTRY)]
        for j in range(BREACHES_PER_ENTRY):
            k = (i * BREACHES_PER_ENTRY + j) % ORDERS
            reads[j] = [f"breach-{i}-{j}", plate(k), "LIVE-IN", us, 0.9]
            breaches[k].add(f"breach-{i}-{j}")
        entry = Entry(source_id, "kill-feed", int(time.time() * 1_000_000), reads)
        connection.xadd(world.stream, entry.encode())
    return breaches


def _start(world: _World, consumer: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*LANTERN, "live", "--consumer", consumer],
        env=world.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_when(world: _World, process: subprocess.Popen, stored: int) -> int:
    deadline = time.monotonic() + 300
    while world.stored() < stored:
        assert process.poll() is None, "the consumer stopped by itself"
        assert time.monotonic() < deadline, "the consumer stored nothing in 5 minutes"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return world.stored()


def _lake_read_ids(world: _World) -> Counter:
    files = sorted((world.var / "lake" / "reads").rglob("*.parquet"))
    return Counter(
        r for f in files for r in pq.read_table(f, columns=["read_id"]).column("read_id").to_pylist()
    )


def test_killing_the_consumer_mid_stream_loses_no_read_and_raises_no_duplicate_alert(world):
    world, connection = world
    _run(world, "migrate", "-v0")
    source_id = _seed(world)
    connection.xgroup_create(world.stream, GROUP, id="0", mkstream=True)
    breaches = _push(world, connection, source_id)

    first = _kill_when(world, _start(world, "c1"), stored=5)
    assert first < ENTRIES and connection.xpending(world.stream, GROUP)["pending"] > 0  # killed mid-stream
    second = _kill_when(world, _start(world, "c1"), stored=first + 5)  # its own pending entries first
    assert second < ENTRIES
    held = connection.xpending(world.stream, GROUP)["consumers"]
    assert held and {c["name"] for c in held} == {"c1"}
    _run(world, "live", "--once", "--consumer", "c2", LANTERN_LIVE_CLAIM_MS="1")  # claims what c1 held

    assert connection.xpending(world.stream, GROUP)["pending"] == 0
    assert world.stored() == ENTRIES
    held_reads = _lake_read_ids(world)
    assert len(held_reads) == ENTRIES * READS_PER_ENTRY and set(held_reads.values()) == {1}
    evidence = world.query("SELECT o.reference, e.evidence_id FROM orders_alertevidence e "
                           "JOIN orders_order o ON o.id = e.order_id")  # fmt: skip
    assert len(evidence) == len(set(evidence)) == ENTRIES * BREACHES_PER_ENTRY
    for k in range(ORDERS):
        assert {e for ref, e in evidence if ref == f"KILL/{k}"} == breaches[k]
    alerts = Counter(ref for (ref,) in world.query(
        "SELECT o.reference FROM orders_breachalert a JOIN orders_order o ON o.id = a.order_id"
    ))  # fmt: skip
    assert alerts == {f"KILL/{k}": ENTRIES // 8 for k in range(ORDERS)}  # one alert per episode
    assert world.query("SELECT count(*) FROM orders_breachalert WHERE notified_at IS NULL") == [(0,)]
