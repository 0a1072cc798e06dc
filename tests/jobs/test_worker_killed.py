"""A worker killed in the middle of a job: another worker takes the job back and finishes it,
without redoing what was committed. Real processes (`lantern worker`, SIGKILL) on a real database
(SQLite, or PostgreSQL when the suite runs on it)."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from tests.intake.test_import_resume import LANTERN, ROWS, _Database, _persons_csv

pytestmark = pytest.mark.slow

QUEUE = """
from pathlib import Path
from lantern.intake.bulk.runner import ImportRequest, run_prepare
from lantern.intake.jobs import import_start
run = run_prepare(ImportRequest(kind="persons", path=Path({path!r}), via="test"))
print(import_start(run, via="test").pk)
"""


@pytest.fixture
def database(tmp_path):
    db = _Database(tmp_path, "worker")
    yield db
    db.drop()


def _env(db: _Database) -> dict[str, str]:
    return dict(db.env(), LANTERN_JOB_STALE_S="4", LANTERN_JOB_HEARTBEAT_S="1", LANTERN_JOBS_INLINE="")


def _worker(db: _Database) -> subprocess.Popen:
    return subprocess.Popen(
        [*LANTERN, "worker", "--interval", "0.2"],
        env=_env(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _value(db: _Database, sql: str, default=None):
    try:
        rows = db.query(sql)
    except Exception:  # busy, or not there yet
        return default
    return rows[0][0] if rows else default


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_s_import_is_finished_by_the_next_worker(tmp_path, database):
    data = _persons_csv(tmp_path / "persons.csv")
    env = _env(database)
    subprocess.run([*LANTERN, "migrate", "-v0"], env=env, check=True, capture_output=True)
    queued = subprocess.run(
        [*LANTERN, "shell", "-c", QUEUE.format(path=str(data))],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    job_id = queued.stdout.strip().splitlines()[-1]
    assert _value(database, "SELECT status FROM jobs_job") == "queued"

    first = _worker(database)
    try:
        _wait(
            lambda: int(_value(database, "SELECT rows_done FROM intake_importrun", 0)) >= 450, 120, "chunks"
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed_at = int(_value(database, "SELECT rows_done FROM intake_importrun"))
    assert killed_at < ROWS, "the import finished before the worker could be killed"
    assert _value(database, "SELECT status FROM jobs_job") == "running"  # nobody told it

    second = _worker(database)
    try:
        _wait(lambda: _value(database, "SELECT status FROM jobs_job") == "finished", 240, "the resumed job")
    finally:
        second.send_signal(signal.SIGTERM)
        _, errors = second.communicate(timeout=60)
    assert second.returncode == 0, errors[-2000:]

    status, attempts, resumed_from, summary = database.query(
        "SELECT status, attempts, rate_from, result FROM jobs_job"
    )[0]
    assert (status, int(attempts)) == ("finished", 2)
    assert int(resumed_from) >= killed_at  # the second attempt started where the first had committed
    assert f"{ROWS:,} rows" in summary
    run = database.query(
        "SELECT rows_done, rows_total, status, filed, known, quarantined FROM intake_importrun"
    )
    rows_done, rows_total, run_status, filed, known, quarantined = run[0]
    assert (int(rows_done), int(rows_total), run_status) == (ROWS, ROWS, "finished")
    assert int(filed) + int(known) + int(quarantined) == ROWS
    assert int(quarantined) == len(range(0, ROWS, 97))  # each bad row once, though its chunk's worker died
    duplicates = database.query(
        "SELECT source_record_id FROM intel_person GROUP BY source_id, source_record_id HAVING COUNT(*) > 1"
    )
    assert duplicates == []
    assert int(_value(database, "SELECT COUNT(*) FROM intel_person")) == int(filed)
    assert job_id
