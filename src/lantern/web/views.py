from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import public, signed_in
from lantern.governance.roles import Capability, has_capability
from lantern.intel import selectors


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts, the triage queue and the latest reports; roles without store access get a plain page."""
    if not has_capability(request.user, Capability.VIEW_INTEL):
        return render(request, "web/no_store_access.html")
    context = {
        "counts": selectors.dashboard_counts(request.user),
        "queue": selectors.new_report_queue(request.user),
        "latest": selectors.latest_reports(request.user),
    }
    return render(request, "web/dashboard.html", context)


@public
def about(request: HttpRequest) -> HttpResponse:
    """Public: what Lantern is and the attributions its data requires."""
    return render(request, "web/about.html")


@public
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
