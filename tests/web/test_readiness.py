"""/healthz says the process answers; /readyz says whether it can do its work, and what is wrong."""

from __future__ import annotations

import json

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


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_var_dir_makes_it_not_ready(client, db, settings, tmp_path):
    folder = tmp_path / "var"
    folder.mkdir(mode=0o500)
    settings.VAR_DIR = folder
    try:
        response, body = _get(client, "/readyz")
    finally:
        folder.chmod(0o700)
    assert response.status_code == 503
    assert body["checks"]["var_dir"].startswith("not writable")


def test_redis_that_does_not_answer_makes_it_not_ready(client, db, settings):
    settings.LANTERN_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response, body = _get(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["redis"] == "unreachable (ConnectionError)"
    assert body["checks"]["database"] == "ok"


def test_readyz_is_quick(client, db):
    import time

    client.get("/readyz")  # the first call imports the migration files
    started = time.perf_counter()
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert (time.perf_counter() - started) / 5 < 0.5  # a probe every few seconds must cost little
