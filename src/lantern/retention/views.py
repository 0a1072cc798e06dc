"""Retention review pages: the queue, one record's review (retain or dispose), the tombstones.

Thin: selectors read, services write. Every view needs REVIEW_RETENTION (supervisors); pages
showing a record leave an access entry.
"""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability
from lantern.intel.models import Event, EventLink, Person, Relationship
from lantern.intel.services import Actor
from lantern.orders.models import Order
from lantern.resolution.models import Membership
from lantern.retention import selectors, services
from lantern.retention.exports import DISPOSAL_HEADERS, QUEUE_HEADERS, disposal_rows, queue_rows
from lantern.retention.forms import DisposeForm, QueueFilterForm, RetainForm
from lantern.retention.models import RecordKind
from lantern.retention.policy import current_policy
from lantern.retention.services import RetentionError
from lantern.web.exports import export_format, table_response

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, via=request.path)


@requires(Capability.REVIEW_RETENTION)
def queue(request: HttpRequest) -> HttpResponse:
    policy = current_policy()
    filters = QueueFilterForm(request.GET, groups=policy.groups.values())
    chosen = filters.values()
    found = selectors.review_queue(request.user, **chosen)
    if export_format(request):
        return table_response(
            request, name="retention-review", headers=QUEUE_HEADERS, rows=queue_rows(found, policy)
        )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = selectors.labels_for(page.object_list)
    today = timezone.localdate()
    rows = [
        {
            "schedule": s,
            "label": labels.get(s.object_id, "(record not found)"),
            "group": policy.groups.get(s.group),
            "overdue": s.review_on < today,
        }
        for s in page.object_list
    ]
    query = urlencode({k: v for k, v in filters.data.items() if k in ("group", "kind", "overdue")})
    record_view(
        request, object_type="retention_queue", object_id="", summary=f"retention queue page {page.number}"
    )
    return render(
        request,
        "retention/queue.html",
        {"filters": filters, "page": page, "rows": rows, "query": query, "policy": policy},
    )


def _summary(schedule) -> dict:
    """The record under review: what it is and what hangs off it."""
    if schedule.record_kind == RecordKind.PERSON:
        person = Person.objects.select_related("source").filter(pk=schedule.object_id).first()
        if person is None:
            return {}
        cluster = Membership.objects.filter(entity_id=person.pk).values_list("cluster_id", flat=True).first()
        return {
            "record": person,
            "url": person.get_absolute_url(),
            "facts": [
                ("Source", f"{person.source.name} ({person.source_record_id})"),
                ("Recorded", f"{timezone.localtime(person.created_at):%d %B %Y}"),
                ("Events", EventLink.objects.filter(entity=person).values("event").distinct().count()),
                (
                    "Relationships",
                    Relationship.objects.filter(entity_a=person).count()
                    + Relationship.objects.filter(entity_b=person).count(),
                ),
                ("Orders as subject", Order.objects.filter(subject=person).count()),
                (
                    "Other records resolved as the same person",
                    Membership.objects.filter(cluster_id=cluster).exclude(entity_id=person.pk).count()
                    if cluster
                    else 0,
                ),
            ],
            "plan": services.summarise_plan(person),
        }
    event = Event.objects.select_related("source").filter(pk=schedule.object_id).first()
    if event is None:
        return {}
    return {
        "record": event,
        "url": event.get_absolute_url(),
        "facts": [
            ("Kind", event.get_kind_display()),
            ("Source", event.source.name),
            ("Occurred", f"{timezone.localtime(event.occurred_from):%d %B %Y}"),
            ("Recorded", f"{timezone.localtime(event.recorded_at):%d %B %Y}"),
            ("Linked records", EventLink.objects.filter(event=event).count()),
        ],
        "plan": None,
    }


@requires(Capability.REVIEW_RETENTION)
def review(request: HttpRequest, pk: UUID) -> HttpResponse:
    schedule = selectors.review_get(request.user, pk=pk)
    policy = current_policy()
    action = request.POST.get("action") if request.method == "POST" else None
    retain_form = RetainForm(request.POST if action == "retain" else None, prefix="retain")
    dispose_form = DisposeForm(request.POST if action == "dispose" else None, prefix="dispose")
    summary = _summary(schedule)
    if action == "retain" and summary and retain_form.is_valid():
        try:
            schedule = services.retain(
                schedule=schedule, reason=retain_form.cleaned_data["reason"], actor=_actor(request)
            )
        except RetentionError as exc:
            retain_form.add_error("reason" if exc.field == "reason" else None, str(exc))
        else:
            messages.success(request, f"Retained. The next review is on {schedule.review_on:%d %B %Y}.")
            return redirect("retention:review", pk=schedule.pk)
    if action == "dispose" and summary and dispose_form.is_valid():
        data = dispose_form.cleaned_data
        try:
            if schedule.record_kind == RecordKind.PERSON:
                disposal = services.dispose_person(
                    person=summary["record"],
                    reason=data["reason"],
                    actor=_actor(request),
                    with_resolved=data["with_resolved"],
                )
            else:
                disposal = services.dispose_event(
                    event=summary["record"], reason=data["reason"], actor=_actor(request)
                )
        except RetentionError as exc:
            dispose_form.add_error("reason" if exc.field == "reason" else None, str(exc))
        else:
            messages.success(request, f"Disposed of for good: {disposal.description}.")
            return redirect(reverse("retention:disposals"))
    assessed = (
        services.assess(schedule.record_kind, [schedule.object_id], policy).get(schedule.object_id)
        if summary
        else None
    )
    record_view(
        request,
        object_type=schedule.record_kind,
        object_id=str(schedule.object_id),
        summary="retention review",
    )
    return render(
        request,
        "retention/review.html",
        {
            "schedule": schedule,
            "summary": summary,
            "group": policy.groups.get(schedule.group),
            "assessed": assessed,
            "assessed_group": policy.groups.get(assessed[0]) if assessed else None,
            "retain_form": retain_form,
            "dispose_form": dispose_form,
            "overdue": schedule.review_on < timezone.localdate(),
            "confirm_word": services.CONFIRM_WORD,
            "is_person": schedule.record_kind == RecordKind.PERSON,
        },
    )


@requires(Capability.REVIEW_RETENTION)
def disposals(request: HttpRequest) -> HttpResponse:
    found = selectors.disposals(request.user)
    if export_format(request):
        return table_response(request, name="disposals", headers=DISPOSAL_HEADERS, rows=disposal_rows(found))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(
        request, object_type="retention_disposals", object_id="", summary=f"disposals page {page.number}"
    )
    return render(request, "retention/disposals.html", {"page": page})
