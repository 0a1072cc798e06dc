"""Log lines: one per request with its id, JSON in production, and no victim data in them."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import path

from lantern.config.env import ConfigError
from lantern.config.logging import (
    GunicornJsonLogger,
    LanternJsonFormatter,
    RequestIdFilter,
    logging_config,
)


def _boom(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("boom/", _boom)]  # for the exception test (pytest.mark.urls)


@pytest.fixture
def json_lines():
    """The JSON lines the production handler (formatter and request-id filter) would write."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LanternJsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(name) for name in ("lantern.request", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "lantern.request" and line["message"] == "request"]


def test_a_request_is_one_line_with_its_id_and_no_query(client, db, json_lines):
    response = client.get(
        "/report/", {"name": "Jane Smith"}, headers={"X-Request-ID": "nginx-0123456789abcdef"}
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "nginx-0123456789abcdef"
    [line] = _request_lines(json_lines())
    assert line["request_id"] == "nginx-0123456789abcdef"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/report/", 200, None)
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["time"].endswith("Z")
    assert "Jane" not in json.dumps(line) and "Smith" not in json.dumps(line)


def test_a_request_without_an_id_gets_one(client, db, json_lines):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and int(request_id, 16) >= 0
    assert _request_lines(json_lines())[0]["request_id"] == request_id


@pytest.mark.parametrize("sent", ["short", "x" * 65, "abc\r\nSet-Cookie: a=b", "<script>alert(1)</script>"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, db, json_lines, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32
    assert sent not in json.dumps(json_lines())


def test_a_signed_in_user_is_logged_by_id_never_by_name(client_for, users, json_lines):
    client = client_for("analyst")
    assert client.get("/").status_code == 200
    [line] = _request_lines(json_lines())
    assert line["user_id"] == users["analyst"].pk
    assert users["analyst"].username not in json.dumps(line)


@pytest.mark.urls("tests.web.test_logging")
def test_an_exception_is_logged_with_the_request_id(client, db, json_lines):
    client.raise_request_exception = False
    response = client.get("/boom/", {"q": "Jane Smith"}, headers={"X-Request-ID": "req-boom-000001"})
    assert response.status_code == 500
    lines = json_lines()
    assert {line["request_id"] for line in lines} == {"req-boom-000001"}
    failed = next(line for line in lines if line["message"] == "request failed: RuntimeError")
    assert failed["level"] == "ERROR" and failed["path"] == "/boom/"
    traceback_line = next(line for line in lines if line["logger"] == "django.request")
    assert "RuntimeError: the view failed" in traceback_line["exc_info"]
    assert _request_lines(lines)[0]["status"] == 500
    assert "Jane" not in json.dumps(lines)  # Django's request object (its query) is not written


def test_the_format_is_chosen_by_setting():
    assert logging_config("json", "INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_config("plain", "DEBUG")["loggers"]["lantern"]["level"] == "DEBUG"
    with pytest.raises(ConfigError, match="LANTERN_LOG_FORMAT"):
        logging_config("xml", "INFO")


def test_production_logs_json_and_the_embedded_default_plain(tmp_path):
    import os
    import secrets
    import subprocess
    import sys

    script = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    env = {
        **os.environ,
        "LANTERN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "lantern.config.settings",
    }
    env.pop("LANTERN_LOG_FORMAT", None)
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={**env, **extra}, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert run() == "plain"
    assert run(LANTERN_PRODUCTION="1", LANTERN_SECRET_KEY=secrets.token_urlsafe(50)) == "json"
    assert run(LANTERN_LOG_FORMAT="json") == "json"


def test_gunicorn_access_lines_are_json_without_query_or_referrer():
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = GunicornJsonLogger(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LanternJsonFormatter())
    logger.access_log.addHandler(handler)
    try:
        resp = SimpleNamespace(status="302 Found", headers=[("X-Request-ID", "abcdef123456")], sent=0)
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/intel/search/",
            "QUERY_STRING": "q=Jane+Smith",
            "RAW_URI": "/intel/search/?q=Jane+Smith",
            "HTTP_REFERER": "https://lantern/intel/search/?q=Jane+Smith",
            "REMOTE_ADDR": "127.0.0.1",
        }
        logger.access(resp, None, environ, timedelta(milliseconds=12))
    finally:
        logger.access_log.removeHandler(handler)
    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["request_id"] == "abcdef123456"
    assert (line["method"], line["path"], line["status"], line["duration_ms"]) == (
        "GET",
        "/intel/search/",
        302,
        12.0,
    )
    assert "Jane" not in stream.getvalue()


def test_the_request_line_costs_no_query(client_for, django_assert_num_queries, json_lines):
    """A page that never asks who is signed in (here /healthz) is logged without asking either:
    no query after the response, and none at all while the database is down."""
    client = client_for("analyst")
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
    assert _request_lines(json_lines())[0]["user_id"] is None


def test_django_s_500_line_for_a_database_outage_is_dropped_but_other_errors_are_kept():
    """The 503 is logged once by lantern.web.dbdown; Django's own 500 line for the same outage
    (a session saved as the database went away) would say "Internal Server Error" for nothing."""
    import logging

    from django.db import OperationalError

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    django_request = logging.getLogger("django.request")
    django_request.addHandler(handler)
    try:
        for exc in (
            OperationalError("connection failed: the database system is shutting down"),
            ValueError("a bug"),
        ):
            try:
                raise exc
            except Exception:
                django_request.error("Internal Server Error: /report/", exc_info=True)
    finally:
        django_request.removeHandler(handler)
    assert [type(r.exc_info[1]).__name__ for r in records] == ["ValueError"]
