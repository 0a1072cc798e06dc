"""Lantern's request middleware: request ids and one log line per request; NUL characters.

NUL characters never reach a view: PostgreSQL can neither store nor compare one (a query holding
it fails), and no address, filter or search term means one.

An address (path) with a NUL names no page: "not found". In a query string the NUL is dropped
(a search for "ab\\x00c" is a search for "abc", as the page shows it). Form fields are cleaned by
the services.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, QueryDict
from django.utils.functional import SimpleLazyObject, empty

from lantern.config.logging import request_id_var


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return HttpResponseNotFound("No such page.", content_type="text/plain; charset=utf-8")
        if "\x00" in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


def _has_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


# A request id a client or nginx sends is kept only when it looks like one: it goes into logs
# and a response header, so it must not carry line breaks, markup or a person's name.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
request_log = logging.getLogger("lantern.request")


class RequestLogMiddleware:
    """One log line per request (id, method, path, status, duration, user id), and the id echoed
    in the ``X-Request-ID`` response header so a person reporting a problem can quote it.

    The path is logged without its query string, and the user by id, never by name: a search
    query or a user name can identify a victim. Placed first, so its duration covers the rest.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _request_id(request.headers.get("X-Request-ID", ""))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            _log_request(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Django logs the traceback ("django.request") with this request's id; this line says
        # which request it was in the same shape as every other request line.
        request_log.error(
            "request failed: %s",
            type(exception).__name__,
            extra={"method": request.method, "path": request.path},
        )


def _request_id(sent: str) -> str:
    return sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id when the page already looked them up: asking now would cost a
    query after the response (and fail when the database is down)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return user.pk if user is not None and user.is_authenticated else None


def _log_request(request: HttpRequest, status: int, started: float) -> None:
    request_log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
        },
    )


class ClientAddressMiddleware:
    """Behind nginx every request arrives from 127.0.0.1; the client's own address, which rate
    limits and sign-in lockouts count by, is in nginx's ``X-Real-IP``. It is believed only from
    the proxies in ``LANTERN_TRUSTED_PROXIES`` (anyone else could send it). Nothing logs it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.trusted = frozenset(settings.LANTERN_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        real = request.headers.get("X-Real-IP", "").strip()
        if real and request.META.get("REMOTE_ADDR") in self.trusted and _is_address(real):
            request.META["REMOTE_ADDR"] = real
        return self.get_response(request)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
