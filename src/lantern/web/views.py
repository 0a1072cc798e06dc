from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import public, signed_in
from lantern.governance.roles import Capability, has_capability
from lantern.intel import selectors
from lantern.picture.dashboard import dashboard_picture, queues
from lantern.picture.filters import picture_filter


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts, the queues, the latest reports, and the picture of an area and period (totals against
    the previous period, trends, day by hour); roles without store access get a plain page."""
    if not has_capability(request.user, Capability.VIEW_INTEL):
        return render(request, "web/no_store_access.html")
    counts = selectors.dashboard_counts(request.user)
    queue = list(selectors.new_report_queue(request.user))
    flt = picture_filter(request.GET, request.user)
    context = {
        "counts": counts,
        "queue": queue,
        "latest": selectors.latest_reports(request.user),
        "queues": queues(
            request.user,
            reports_new=counts.get("reports_new", 0),
            oldest_new=queue[0].occurred_from if queue else None,
        ),
        "filter": flt,
        "form": flt.form,
        **dashboard_picture(request.user, flt),
    }
    return render(request, "web/dashboard.html", context)


@public
def about(request: HttpRequest) -> HttpResponse:
    """Public: what Lantern is and the attributions its data requires."""
    return render(request, "web/about.html")


@public
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
