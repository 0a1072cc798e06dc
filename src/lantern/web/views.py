from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from lantern.governance.access import public, signed_in
from lantern.governance.roles import Capability, has_capability
from lantern.intel import selectors
from lantern.picture.dashboard import dashboard_picture, queues
from lantern.picture.filters import picture_filter
from lantern.web import readiness


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
    """Liveness: the process answers. Touches nothing else, so a database outage does not get
    every web process restarted (that is what /readyz is for)."""
    return JsonResponse({"status": "ok"}, headers=_NO_STORE)


@public
def ready(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 when the database, its schema, the folders and Redis (if used) are fine,
    else 503 naming what is wrong."""
    checks = readiness.readiness()
    ok = readiness.is_ready(checks)
    body = {
        "status": "ready" if ok else "not ready",
        "checks": checks,
        "worker_last_seen": readiness.worker_last_seen() if checks["database"] == readiness.OK else None,
    }
    return JsonResponse(body, status=200 if ok else 503, headers=_NO_STORE)


_NO_STORE = {"Cache-Control": "no-store"}
