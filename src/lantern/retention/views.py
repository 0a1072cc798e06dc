"""Retention review pages (being built: issue 7)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import requires
from lantern.governance.roles import Capability


@requires(Capability.REVIEW_RETENTION)
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")
