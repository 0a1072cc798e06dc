"""Reads of orders, filtered by what the acting user may see."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lantern.governance.roles import Capability, has_capability
from lantern.orders.models import Order


def orders_for_person(user, person) -> list[Order]:
    if not has_capability(user, Capability.VIEW_ORDERS):
        return []
    return list(
        Order.objects.filter(subject=person).prefetch_related("conditions").order_by("-effective_from")
    )


def order_get(user, *, pk: UUID) -> Order:
    if not has_capability(user, Capability.VIEW_ORDERS):
        raise PermissionDenied("Your role does not allow orders.")
    order = Order.objects.select_related("subject").prefetch_related("conditions").filter(pk=pk).first()
    if order is None:
        raise Http404("No such order.")
    return order
