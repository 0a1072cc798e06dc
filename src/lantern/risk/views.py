"""Risk pages (being built: issue 6)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import requires
from lantern.governance.roles import Capability


@requires(Capability.VIEW_RISK)
def priorities(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@requires(Capability.VIEW_RISK)
def premises(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@requires(Capability.VIEW_RISK)
def hotspots(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")
