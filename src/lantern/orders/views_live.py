"""The live alert queue: the alerts to act on, kept current by htmx polling, acknowledged in one click.

The page is audited once when it is opened. Its polls are not: a screen left open polls every
second or two, and an entry per poll would bury the real accesses under tens of thousands of
identical entries a shift and make every poll a writer queueing for the audit chain's lock behind
the alert filing it is waiting to show. What an officer does from the queue (acknowledging) is
audited by the alert services as anywhere else.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability
from lantern.intel.services import Actor
from lantern.orders import selectors
from lantern.orders.alerts import alert_assign
from lantern.orders.live_rows import live_rows, with_row_data
from lantern.orders.models import BreachAlert

QUEUE_LIMIT = 50  # rows on the page; the full queue (orders:alerts) pages through the rest
POLL_SECONDS = 1
# Rows changed this long before the last poll are sent again: an alert saved just before a poll
# may commit just after it, and re-sending a row the page already holds changes nothing there.
POLL_OVERLAP = timedelta(seconds=60)


@requires(Capability.REVIEW_ALERTS)
def live_queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _acknowledge(request)
    cursor = timezone.now()
    alerts = selectors.alerts_live(request.user)
    rows = live_rows(with_row_data(alerts)[:QUEUE_LIMIT])
    more = alerts[QUEUE_LIMIT : QUEUE_LIMIT + 1].exists() if len(rows) == QUEUE_LIMIT else False
    record_view(request, object_type="live_alert_queue", object_id="", summary=f"{len(rows)} alerts")
    return render(
        request,
        "orders/live_queue.html",
        {"rows": rows, "more": more, "cursor": cursor.isoformat(), "poll_seconds": POLL_SECONDS},
    )


@requires(Capability.REVIEW_ALERTS)
def live_queue_changes(request: HttpRequest) -> HttpResponse:
    """What changed since the page's last poll: the rows to add or replace, and the ids still open."""
    cursor = timezone.now()
    since = _since(request.GET.get("since", ""))
    alerts = selectors.alerts_live(request.user)
    open_rows = list(alerts.values_list("pk", "updated_at")[:QUEUE_LIMIT])
    changed = [pk for pk, updated in open_rows if since is None or updated >= since - POLL_OVERLAP]
    rows = live_rows(with_row_data(alerts.filter(pk__in=changed))) if changed else []
    return render(
        request,
        "orders/_live_alerts.html",
        {"rows": rows, "open_ids": " ".join(str(pk) for pk, _ in open_rows), "cursor": cursor.isoformat()},
    )


def _since(value: str) -> datetime | None:
    """The page's cursor; anything unreadable means "send every row" (the page then holds them all)."""
    try:
        since = datetime.fromisoformat(value[:40])
    except ValueError:
        return None
    return since if since.tzinfo is not None else None


def _acknowledge(request: HttpRequest) -> HttpResponse:
    """One click: the alert is under review and assigned to whoever clicked, unless someone was first."""
    alert = _live_alert(request)
    with transaction.atomic():
        # locked so that two officers clicking together do not take the alert from each other
        locked = BreachAlert.objects.select_for_update().get(pk=alert.pk)
        taken = locked.assigned_to_id is not None and locked.status != BreachAlert.Status.NEW
        if not taken:
            alert_assign(alert=locked, user=request.user, actor=Actor(user=request.user, via=request.path))
    if not request.htmx:
        if taken:
            messages.warning(request, f"{alert.order.reference} was already acknowledged.")
        return redirect("orders:alerts_live")
    row = live_rows(with_row_data(selectors.alerts_live(request.user).filter(pk=alert.pk)))
    return render(request, "orders/_live_alert.html", {"a": row[0], "note": _note(row[0], request, taken)})


def _live_alert(request: HttpRequest) -> BreachAlert:
    try:
        pk = UUID(request.POST.get("acknowledge", "")[:40])
    except ValueError:
        raise Http404("No such alert.") from None
    alert = selectors.alerts_live(request.user).filter(pk=pk).first()
    if alert is None:  # closed meanwhile, restricted, or never existed: nothing to acknowledge
        raise Http404("No such alert waiting.")
    return alert


def _note(alert: BreachAlert, request: HttpRequest, taken: bool) -> str:
    if taken and alert.assigned_to_id != request.user.pk:
        return f"Already acknowledged by {alert.assigned_to.get_username()}."
    return "Acknowledged: it is assigned to you."
