"""Lantern's logs: plain text for the embedded set-up, JSON lines in production.

Every line written while a request is handled carries that request's id (a context variable the
request middleware sets), so one id joins nginx's, gunicorn's and Django's lines for a request.
This module imports no Django: gunicorn's master process loads it before any app exists.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# "-" outside a request (management commands, the worker, start-up lines).
request_id_var: ContextVar[str] = ContextVar("lantern_request_id", default="-")

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


class RequestIdFilter(logging.Filter):
    """Stamps the current request's id on every record (a filter on the handler, so third-party
    loggers' lines get it too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class DatabaseDownFilter(logging.Filter):
    """Drops Django's "Internal Server Error" line and traceback when the error is the database not
    answering: such a request is answered 503 and logged once by `lantern.web.dbdown`. (A session
    saved as the database goes away fails in Django's session middleware, which logs it as a 500
    before the 503 replaces it.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return True
        from lantern.web.dbdown import database_unavailable  # imported late: settings load first

        return not database_unavailable(exc)


class LanternJsonFormatter(JsonFormatter):
    """JSON lines with a UTC ISO timestamp and short key names a log shipper expects."""

    converter = time.gmtime

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%SZ")
        # Django's request logger attaches the request, whose text holds the query string (a
        # search for a person's name): never written out.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(JSON_FIELDS, *args, **kwargs)


def logging_config(fmt: str, level: str) -> dict[str, Any]:
    """The LOGGING dict: ``fmt`` is "json" or "plain"; everything goes to stderr (systemd's
    journal or the container's log collector keeps it)."""
    if fmt not in {"json", "plain"}:
        from lantern.config.env import ConfigError

        raise ConfigError(f"LANTERN_LOG_FORMAT={fmt!r} is not a log format: use json or plain.")
    handler = {
        "class": "logging.StreamHandler",
        "formatter": fmt,
        "filters": ["request_id"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}, "database_down": {"()": DatabaseDownFilter}},
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {"()": LanternJsonFormatter},
        },
        "handlers": {"console": handler},
        # One handler, on the root: every logger's lines propagate to it in one format (and a
        # test's log capture still sees them). Others' chatter stays at warnings.
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "lantern": {"level": level},
            # Django's request errors (500s with their traceback); its default handlers go.
            "django": {"level": "INFO"},
            "django.request": {"filters": ["database_down"]},
            # The job queue's lines (a job started, finished, failed) in the worker's log.
            "django_tasks": {"level": "INFO"},
        },
    }


class GunicornJsonLogger(GunicornLogger):
    """Gunicorn's access and error logs as JSON lines.

    The access line holds the path without its query string (a query can hold a person's name),
    no referrer (the same reason) and no client address (an anonymous reporter stays anonymous);
    the request id is the one Django echoed in the response.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(LanternJsonFormatter())
                handler.addFilter(RequestIdFilter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = {k.lower(): v for k, v in resp.headers}
        fields = {
            "request_id": headers.get("x-request-id", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
        }
        try:
            self.access_log.info("access", extra=fields)
        except Exception:  # a broken log line must never break the response
            self.error_log.exception("Could not write the access log line.")
