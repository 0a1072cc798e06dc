"""Reads of orders and breach alerts, filtered by what the acting user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.orders.duties import deadline, known_vehicles, registered_in_time
from lantern.orders.models import BreachAlert, ConditionKind, Order, OrderDocument, ScreeningRun

EXPIRY_REMINDER_DAYS = 28


def _require(user, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability}).")


def orders_for_person(user, person) -> list[Order]:
    if not has_capability(user, Capability.VIEW_ORDERS):
        return []
    return list(
        Order.objects.filter(subject=person).prefetch_related("conditions").order_by("-effective_from")
    )


def orders_list(user, *, status: str = "", q: str = "") -> QuerySet[Order]:
    _require(user, Capability.VIEW_ORDERS)
    orders = (
        Order.objects.select_related("subject", "officer_in_charge")
        .exclude(subject_id__in=hidden_ids(user))
        .order_by("-effective_from", "reference")
    )
    if status:
        orders = orders.filter(status=status)
    if q:
        orders = orders.filter(reference__icontains=q) | orders.filter(subject__label__icontains=q)
    return orders


def order_get(user, *, pk: UUID) -> Order:
    _require(user, Capability.VIEW_ORDERS)
    order = (
        Order.objects.select_related("subject", "officer_in_charge")
        .prefetch_related("conditions", "documents")
        .exclude(subject_id__in=hidden_ids(user))  # an order about a restricted person does not exist
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


def document_get(user, *, pk: UUID) -> OrderDocument:
    _require(user, Capability.VIEW_ORDERS)
    document = (
        OrderDocument.objects.select_related("order")
        .exclude(order__subject_id__in=hidden_ids(user))
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("No such document.")
    return document


@dataclass(frozen=True)
class Reminder:
    due: date
    order: Order
    text: str


def reminders(user, *, today: date) -> list[Reminder]:
    """Orders expiring within 28 days, and notification deadlines of vehicles linked but not notified."""
    if not has_capability(user, Capability.VIEW_ORDERS):
        return []
    hidden = {str(pk) for pk in hidden_ids(user).values_list("object_id", flat=True)}
    return [r for r in reminders_due(today=today) if str(r.order.subject_id) not in hidden]


def reminders_due(*, today: date) -> list[Reminder]:
    """Every reminder, for the service itself (`lantern reminders`); pages go through ``reminders``."""
    found = []
    horizon = today + timedelta(days=EXPIRY_REMINDER_DAYS)
    live = (
        Order.objects.filter(status__in=[Order.Status.ACTIVE, Order.Status.VARIED])
        .select_related("subject")
        .prefetch_related("conditions")
    )
    for order in live.filter(expires_on__gte=today, expires_on__lte=horizon):
        found.append(
            Reminder(order.expires_on, order, f"{order.reference} expires on {order.expires_on:%d %b %Y}.")
        )
    for order in live.filter(conditions__kind=ConditionKind.VEHICLE_NOTIFICATION).distinct():
        days = max(
            int(c.spec.get("notify_within_days") or 0)
            for c in order.conditions.all()
            if c.kind == ConditionKind.VEHICLE_NOTIFICATION
        )
        for item in known_vehicles(order.subject_id):
            due = deadline(item.first_known, days)
            if today <= due <= horizon and not registered_in_time(order, item):
                found.append(
                    Reminder(
                        due,
                        order,
                        f"{item.label}, linked to {order.subject.label} on "
                        f"{item.first_known:%d %b %Y}, must be notified by {due:%d %b %Y}.",
                    )
                )
    return sorted(found, key=lambda r: (r.due, r.order.reference))


def alerts_queue(user, *, status: str = "", mine: bool = False, order: str = "") -> QuerySet[BreachAlert]:
    _require(user, Capability.REVIEW_ALERTS)
    alerts = (
        BreachAlert.objects.select_related("order", "order__subject", "assigned_to")
        .exclude(order__subject_id__in=hidden_ids(user))
        .order_by("-first_at", "pk")
    )
    if status:
        alerts = alerts.filter(status=status)
    if mine:
        alerts = alerts.filter(assigned_to=user)
    if order:
        alerts = alerts.filter(order__reference=order)
    return alerts


LIVE_STATUSES = (BreachAlert.Status.NEW, BreachAlert.Status.UNDER_REVIEW)


def alerts_live(user) -> QuerySet[BreachAlert]:
    """Alerts still to act on: new before under review, newest first; none about a restricted subject."""
    _require(user, Capability.REVIEW_ALERTS)
    return (
        BreachAlert.objects.filter(status__in=LIVE_STATUSES)
        .exclude(order__subject_id__in=hidden_ids(user))
        .select_related("order", "order__subject", "assigned_to")
        .annotate(
            rank=Case(
                When(status=BreachAlert.Status.NEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-first_at", "pk")
    )


def alert_get(user, *, pk: UUID) -> BreachAlert:
    _require(user, Capability.REVIEW_ALERTS)
    alert = (
        BreachAlert.objects.select_related(
            "order", "order__subject", "assigned_to", "order__officer_in_charge"
        )
        .prefetch_related("evidence")
        .exclude(order__subject_id__in=hidden_ids(user))
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        raise Http404("No such alert.")
    return alert


def screening_runs(user) -> QuerySet[ScreeningRun]:
    _require(user, Capability.REVIEW_ALERTS)
    return ScreeningRun.objects.select_related("started_by").order_by("-started_at")
