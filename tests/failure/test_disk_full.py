"""The disk filling up during `lantern import persons`: a clear failure, a consistent store, a resume.

A small tmpfs is mounted as ``LANTERN_VAR_DIR``, so the SQLite database (with its WAL), the Parquet
lake and the import's kept copy all live on it; the persons file stays outside. The import is a
real `lantern import persons` process, large enough to fill the disk. Then:

- it fails with a message naming the full disk and saying how to resume; the run is "failed";
- ``PRAGMA integrity_check`` is ok, and the persons stored are exactly the rows of the chunks the
  run counts (whole chunks only), every one once;
- every Parquet file in the lake (written before, by `lantern import reads`) still reads;
- the tmpfs is grown and the same command resumes: every row of the file is stored exactly once.

The database is always SQLite on the tmpfs (``DATABASE_URL`` is removed for the commands), in both
CI passes: on PostgreSQL the database would sit on the server's own big disk and only the var
folder could fill, which tests far less. Needs root (mount). About 30-40 s.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lantern.demo.world_bulk import iter_person_batches

pytestmark = pytest.mark.slow

ROWS = 20_000
CHUNK = 1_000
SMALL_MB, BIG_MB = 24, 160
LANTERN = [sys.executable, "-m", "lantern.cli"]

if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
    pytest.skip("needs root to mount a tmpfs", allow_module_level=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_MB}m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("LANTERN_")}
    env.update(LANTERN_VAR_DIR=str(var), LANTERN_IMPORT_CHUNK_ROWS=str(CHUNK), LANTERN_LOG_FORMAT="plain")
    return env


def _lantern(var: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*LANTERN, *args], env=_env(var), capture_output=True, text=True, timeout=600)


def _persons_csv(path: Path) -> list[str]:
    """A clean persons file (no row is quarantined, so rows and persons correspond one to one)."""
    batch = next(iter_person_batches(seed=5, scale="medium", batch_size=ROWS))
    columns = [c for c in batch.schema.names if c != "truth_id"]
    data = {c: batch.column(c).to_pylist() for c in columns}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for i in range(batch.num_rows):
            writer.writerow(["" if data[c][i] is None else str(data[c][i]) for c in columns])
    return [f"{s}|{r}" for s, r in zip(data["source"], data["record_id"], strict=True)]


def _lake_files(tmp_path: Path, var: Path) -> None:
    """A few days of ANPR reads in the lake, written by the real importer before the disk fills."""
    cameras = tmp_path / "cameras.csv"
    cameras.write_text("camera_id,lat,lon,description\nPB-ANPR-0101,52.5801,-0.2452,Lincoln Road\n")
    reads = tmp_path / "reads.csv"
    lines = ["read_id,vrm,camera_id,seen_at,confidence"]
    lines += [
        f"R-{i:06d},AB{i % 90 + 10}CDE,PB-ANPR-0101,2026-10-{20 + i % 3}T12:{i % 60:02d}:00Z,0.9"
        for i in range(3000)
    ]
    reads.write_text("\n".join(lines) + "\n")
    for kind, path in (("cameras", cameras), ("reads", reads)):
        done = _lantern(var, "import", kind, str(path))
        assert done.returncode == 0, done.stderr


def _store(var: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(var / "lantern.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def _persons(var: Path) -> list[str]:
    rows = _store(
        var,
        "SELECT s.code, p.source_record_id FROM intel_person p JOIN intel_source s ON s.id = p.source_id",
    )
    return [f"{code}|{record}" for code, record in rows]


def _check_consistent(var: Path) -> None:
    assert _store(var, "PRAGMA integrity_check") == [("ok",)]
    parquet = list((var / "lake").rglob("*.parquet"))
    assert parquet, "the lake has no files to check"
    for path in parquet:
        pq.read_table(path)  # raises on a torn or truncated file


def test_a_full_disk_fails_the_import_cleanly_and_it_resumes_once_there_is_room(tmp_path, small_disk):
    var = small_disk / "var"
    rows = _persons_csv(tmp_path / "persons.csv")
    assert _lantern(var, "migrate", "-v0").returncode == 0
    _lake_files(tmp_path, var)
    command = ("import", "persons", str(tmp_path / "persons.csv"), "--as-at", "2026-11-01")

    failed = _lantern(var, *command)
    message = " ".join((failed.stdout + failed.stderr).split())
    assert failed.returncode != 0, "the import did not fill the disk: make the file bigger"
    assert "The disk is full" in message and str(var) in message, message[-2000:]
    assert (
        "import the same file again (the same command, or the Imports page): it resumes after row" in message
    )
    assert "Traceback" not in message
    ((status, done, total, filed),) = _store(
        var, "SELECT status, rows_done, rows_total, filed FROM intake_importrun WHERE kind = 'persons'"
    )
    assert status == "failed" and 0 < done < total == ROWS and done % CHUNK == 0 and filed == done
    _check_consistent(var)
    stored = _persons(var)
    assert sorted(stored) == sorted(rows[:done]), "the store is not exactly the committed chunks"

    subprocess.run(["mount", "-o", f"remount,size={BIG_MB}m", str(small_disk)], check=True)
    resumed = _lantern(var, *command)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"Resumed after row {done:,}" in resumed.stdout
    _check_consistent(var)
    stored = _persons(var)
    assert len(stored) == len(set(stored)) == ROWS and set(stored) == set(rows)
    assert _store(var, "SELECT status, rows_done, filed FROM intake_importrun WHERE kind = 'persons'") == [
        ("finished", ROWS, ROWS)
    ]
