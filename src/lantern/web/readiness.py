"""Is this web process ready to take requests? The checks behind ``/readyz``.

Liveness (``/healthz``) says only that the process answers: restarting it cannot fix a database
that is down. Readiness says whether it can do its work: the database answers and its schema is
current, the folders it writes are writable, Redis answers when live alerts use it. A load
balancer stops sending requests to a process that is not ready; nothing restarts it.

Each check returns "ok" or a short reason. Reasons name the problem, never a path, host or
password: the endpoint is public.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

OK = "ok"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unreachable ({type(exc).__name__})"
    return OK


def check_migrations() -> str:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return f"unknown ({type(exc).__name__})"
    return OK if not plan else f"{len(plan)} unapplied (run `lantern migrate`)"


def check_writable(folder: Path) -> str:
    """A folder is fine when a file can be created in it, or, when it does not exist yet, when
    it can be created (the lake and documents folders appear on first use)."""
    folder = Path(folder)
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            return "missing and cannot be created"
        return OK
    if not folder.is_dir():
        return "not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
            pass
    except OSError as exc:
        return f"not writable ({exc.strerror or type(exc).__name__})"
    return OK


def check_redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        return f"unreachable ({type(exc).__name__})"
    return OK


def readiness() -> dict[str, str]:
    """Every check by name; the migrations are looked at only when the database answers."""
    checks: dict[str, Callable[[], str]] = {
        "database": check_database,
        "var_dir": lambda: check_writable(settings.VAR_DIR),
        "lake_dir": lambda: check_writable(settings.LAKE_DIR),
        "documents_dir": lambda: check_writable(settings.LANTERN_DOCUMENTS_DIR),
    }
    results = {name: check() for name, check in checks.items()}
    results["migrations"] = check_migrations() if results["database"] == OK else "not checked"
    url = settings.LANTERN_REDIS_URL
    results["redis"] = check_redis(url) if url else "not used"
    return results


def is_ready(results: dict[str, str]) -> bool:
    return all(value in (OK, "not used") for value in results.values())


def worker_last_seen() -> str | None:
    """When a `lantern worker` last said it was alive (for information: a web process serves
    pages without one; queued jobs wait)."""
    try:
        from lantern.jobs.health import worker_last_seen as last_seen
    except (ImportError, AttributeError):
        return None
    try:
        seen = last_seen()
    except DatabaseError:
        return None
    return seen.isoformat() if seen else None
