"""Killing an import half-way and running it again gives exactly the store one uninterrupted run gives.

Real processes on a real database: `lantern import persons` is started, killed with SIGKILL once
some chunks are committed, and run again; a second database gets the same file in one go. Both
stores are then compared table by table (all content; not the clock times at which rows were
written, nor the audit trail, which rightly records the interrupted attempt too). Runs on SQLite,
or on PostgreSQL when the suite does (DATABASE_URL).
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from lantern.demo.world_bulk import iter_person_batches

ROWS = 3_000
LANTERN = [sys.executable, "-m", "lantern.cli"]
QUERIES = {
    "entities": "SELECT id, kind, label FROM intel_entity",
    "persons": "SELECT p.entity_ptr_id, s.code, p.source_record_id, p.given_names, p.family_name,"
    " p.date_of_birth, p.gender FROM intel_person p JOIN intel_source s ON s.id = p.source_id",
    "names": "SELECT person_id, name, kind FROM intel_personname",
    "keys": "SELECT entity_id, key FROM intel_searchkey",
    "locations": "SELECT entity_ptr_id, line1, postcode, latitude, longitude FROM intel_location",
    "phones": "SELECT entity_ptr_id, e164 FROM intel_phone",
    "vehicles": "SELECT entity_ptr_id, vrm, confusion_key FROM intel_vehicle",
    "identities": "SELECT entity_ptr_id, platform, handle FROM intel_onlineidentity",
    "claims": "SELECT v.entity_id, v.field, v.value, s.code, v.source_ref, v.first_seen, v.last_seen"
    " FROM intel_provenance v JOIN intel_source s ON s.id = v.source_id",
    "relationships": "SELECT r.id, r.kind, r.entity_a_id, r.entity_b_id, s.code, r.source_ref"
    " FROM intel_relationship r JOIN intel_source s ON s.id = r.source_id",
    "quarantine": "SELECT row_number, columns, reason FROM intake_quarantinedrow",
    "runs": "SELECT rows_done, rows_total, filed, known, quarantined, status FROM intake_importrun",
}


def _persons_csv(path: Path) -> Path:
    batch = next(iter_person_batches(seed=3, scale="medium", batch_size=ROWS))
    columns = [c for c in batch.schema.names if c != "truth_id"]
    data = {c: batch.column(c).to_pylist() for c in columns}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for i in range(ROWS):
            row = ["" if data[c][i] is None else str(data[c][i]) for c in columns]
            if i % 97 == 0:
                row[columns.index("dob")] = "31/02/1990"  # quarantined, in every chunk
            writer.writerow(row)
    return path


class _Database:
    """A throwaway database of the kind the suite runs on, reached by the command and by the test."""

    def __init__(self, tmp_path: Path, name: str):
        server = os.environ.get("DATABASE_URL", "")
        self.var = tmp_path / f"var-{name}"
        if server.startswith("postgres"):
            self.pg_name = f"lantern_resume_{uuid.uuid4().hex[:10]}_{name}"
            self.base = server.rsplit("/", 1)[0]
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.url = f"{self.base}/{self.pg_name}"
        else:
            self.pg_name = ""
            self.url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.base}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def env(self) -> dict[str, str]:
        return dict(
            os.environ,
            DATABASE_URL=self.url,
            LANTERN_VAR_DIR=str(self.var),
            LANTERN_IMPORT_CHUNK_ROWS="150",
            LANTERN_IMPORT_THROTTLE_MS="60",  # a window to kill it in
        )

    def query(self, sql: str) -> list[tuple]:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return [tuple(str(v) for v in row) for row in conn.execute(sql).fetchall()]
        with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
            return [tuple(_sqlite_text(v) for v in row) for row in conn.execute(sql).fetchall()]

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def _sqlite_text(value) -> str:
    """SQLite keeps UUIDs as 32 hex digits and times as text: write them the way PostgreSQL does."""
    text = str(value)
    if len(text) == 32 and all(c in "0123456789abcdef" for c in text):
        return str(uuid.UUID(text))
    return text


def _lantern(db: _Database, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*LANTERN, *args], env=db.env(), capture_output=True, text=True, check=True, **kwargs
    )


@pytest.fixture
def databases(tmp_path):
    made = [_Database(tmp_path, "killed"), _Database(tmp_path, "whole")]
    yield made
    for db in made:
        db.drop()


def _rows_done(db: _Database) -> int:
    try:
        rows = db.query("SELECT rows_done FROM intake_importrun")
    except Exception:  # the table is busy or the run not yet created
        return 0
    return int(rows[0][0]) if rows else 0


def test_a_killed_import_resumes_to_the_store_of_an_uninterrupted_one(tmp_path, databases):
    data = _persons_csv(tmp_path / "persons.csv")
    killed, whole = databases
    for db in databases:
        _lantern(db, "migrate", "-v0")
    command = [*LANTERN, "import", "persons", str(data), "--as-at", "2026-11-01"]
    process = subprocess.Popen(command, env=killed.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _rows_done(killed) < 600 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = _rows_done(killed)
    assert 0 < done < ROWS, f"the import was not caught half-way (rows done: {done})"
    assert killed.query("SELECT status FROM intake_importrun") == [("running",)]

    resumed = _lantern(killed, "import", "persons", str(data), "--as-at", "2026-11-01")
    assert f"Resumed after row {done:,}" in resumed.stdout
    _lantern(whole, "import", "persons", str(data), "--as-at", "2026-11-01")

    for name, sql in QUERIES.items():
        got, expected = sorted(killed.query(sql)), sorted(whole.query(sql))
        assert got == expected, f"{name} differ"
    assert killed.query(QUERIES["runs"])[0][-1] == "finished"
    assert len(killed.query(QUERIES["quarantine"])) == len(range(0, ROWS, 97))
