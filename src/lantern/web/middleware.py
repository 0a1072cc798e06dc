"""NUL characters never reach a view: PostgreSQL can neither store nor compare one (a query holding
it fails), and no address, filter or search term means one.

An address (path) with a NUL names no page: "not found". In a query string the NUL is dropped
(a search for "ab\\x00c" is a search for "abc", as the page shows it). Form fields are cleaned by
the services.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, QueryDict


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
