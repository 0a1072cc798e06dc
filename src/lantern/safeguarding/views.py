"""Safeguarding pages (being built: issue 6)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import requires
from lantern.governance.roles import Capability


@requires(Capability.SAFEGUARD)
def tasks(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")
