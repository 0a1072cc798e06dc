"""/healthz says the process answers; /readyz says whether it can do its work, and what is wrong."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from django.db.migrations.recorder import MigrationRecorder


def _get(client, url: str):
    response = client.get(url)
    return response, json.loads(response.content)


def test_healthz_is_liveness_only(client):
    response, body = _get(client, "/healthz")
    assert response.status_code == 200
    assert body == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_ready_with_a_current_database(client, db):
    response, body = _get(client, "/readyz")
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert body["checks"] == {
        "database": "ok",
        "var_dir": "ok",
        "lake_dir": "ok",
        "documents_dir": "ok",
        "migrations": "ok",
        "redis": "not used",
    }
    assert "worker_last_seen" in body  # informational: a web process serves pages without a worker
    assert response["Cache-Control"] == "no-store"


def test_an_unapplied_migration_makes_it_not_ready(client, db):
    # The test's transaction puts the record back afterwards.
    MigrationRecorder.Migration.objects.filter(app="sessions", name="0001_initial").delete()
    response, body = _get(client, "/readyz")
    assert response.status_code == 503
    assert body["status"] == "not ready"
    assert body["checks"]["migrations"] == "1 unapplied (run `lantern migrate`)"
    assert body["checks"]["database"] == "ok"


def test_a_var_dir_that_cannot_exist_makes_it_not_ready(client, db, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.VAR_DIR = blocker / "var"  # under a file: cannot be created, even by root
    response, body = _get(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["var_dir"] == "missing and cannot be created"
    assert str(tmp_path) not in response.content.decode()  # a public page names no path


def test_a_lake_path_that_is_a_file_makes_it_not_ready(client, db, settings, tmp_path):
    lake = tmp_path / "lake"
    lake.write_text("")
    settings.LAKE_DIR = lake
    response, body = _get(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["lake_dir"] == "not a folder"


def test_a_lake_not_made_yet_is_fine_when_it_can_be_made(client, db, settings, tmp_path):
    settings.LAKE_DIR = tmp_path / "new" / "lake"
    response, body = _get(client, "/readyz")
    assert response.status_code == 200, body
    assert not (tmp_path / "new").exists()  # the check creates nothing


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody may write to, root included: a read-only tmpfs when running as root (CI),
    else a folder without write permission."""
    folder = tmp_path / "var"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs: {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_var_dir_makes_it_not_ready(client, db, settings, read_only_folder):
    settings.VAR_DIR = read_only_folder
    response, body = _get(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["var_dir"].startswith("not writable")


def test_redis_that_does_not_answer_makes_it_not_ready(client, db, settings):
    settings.LANTERN_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response, body = _get(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["redis"] == "unreachable (ConnectionError)"
    assert body["checks"]["database"] == "ok"
