"""When the database does not answer: a clear 503 instead of a traceback, and one log line.

PostgreSQL restarting, a network cut or a locked SQLite file raise ``OperationalError`` or
``InterfaceError`` wherever a query happens to run. Staff pages then answer 503 with a page that
says what happened and what to do; the API and JSON callers get 503 JSON; both carry
``Retry-After``. Nothing half-done is kept: every write is a transaction, so "nothing you sent was
lost" holds (a form can be sent again; the public report forms keep theirs in the spool).

Most failures reach ``process_exception`` (the view or its template). A few happen in other
middleware (a session saved after the view): Django has already turned those into a 500 by the time
they reach this middleware, so a ``got_request_exception`` receiver marks the request and the 500 is
replaced here. Connections left broken are closed at the end of the request by Django, and
``CONN_HEALTH_CHECKS`` checks a kept connection before a request uses it, so pages work again as
soon as the database is back, without restarting the server.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("lantern.dbdown")

RETRY_AFTER_S = 30
MESSAGE = (
    "The database is not answering. Nothing you sent was lost: nothing is saved half-way, "
    "so send it again once pages work. Try again in a minute."
)
# SQLite raises OperationalError for mistakes too ("no such table"): only these mean "unavailable".
_SQLITE_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
)


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot be reached or cannot work now (not a bug)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        text = str(cause).lower()
        return any(marker in text for marker in _SQLITE_UNAVAILABLE)
    return True  # PostgreSQL: connection refused or lost, shut down, disk full, timeouts


class DatabaseDownMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        failure = getattr(request, "_lantern_database_failure", None)
        if failure is not None and response.status_code == 500:
            return unavailable_response(request, failure)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unavailable(exception):
            return unavailable_response(request, exception)
        return None


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer, logged once (Django's own 5xx line is skipped) with the error's class."""
    log.error(
        "database unavailable (%s: %s): answered 503 to %s %s",
        type(exc).__name__,
        _first_line(exc),
        request.method,
        request.path,
    )
    # Anything after this (other middleware, the request log) must not ask the database who
    # the user is: that would fail again and turn the 503 back into a 500.
    request.user = AnonymousUser()
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": "database_unavailable", "detail": MESSAGE, "retry_after": RETRY_AFTER_S}, status=503
        )
    else:
        # Rendered without the request: no context processor may touch the session or the user.
        page = render_to_string("web/database_unavailable.html", {"message": MESSAGE})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # this line is the log; not Django's "Service Unavailable" too
    return response


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""


def _remember_failure(sender, request=None, **kwargs) -> None:
    """A database failure outside the view (in middleware): mark the request for ``__call__``."""
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and database_unavailable(exc):
        request._lantern_database_failure = exc


got_request_exception.connect(_remember_failure, dispatch_uid="lantern.web.dbdown")
