"""Writes of orders and their conditions (each in one transaction with its audit entry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from lantern.engine.ids import stable_id
from lantern.engine.normalise.text import clean_text_arguments
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.models import Person
from lantern.intel.services import SYSTEM, Actor, StoreError
from lantern.orders.models import ConditionKind, Order, OrderCondition, OrderType


@dataclass(frozen=True)
class ConditionInput:
    number: int
    kind: str
    wording: str
    spec: dict = field(default_factory=dict)


@clean_text_arguments
def order_create(
    *,
    reference: str,
    order_type: str,
    subject: Person,
    applicant: str,
    court: str,
    made_on: date,
    effective_from: date,
    expires_on: date | None,
    conditions: Sequence[ConditionInput],
    actor: Actor = SYSTEM,
) -> tuple[Order, bool]:
    """Record an order as made; the same reference again returns the existing order unchanged."""
    _check_order(reference, order_type, made_on, effective_from, expires_on, conditions)
    pk = stable_id("order", reference.strip())
    existing = Order.objects.filter(pk=pk).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        order = Order.objects.create(
            pk=pk,
            reference=reference.strip(),
            order_type=order_type,
            subject=subject,
            applicant=applicant,
            court=court,
            made_on=made_on,
            effective_from=effective_from,
            expires_on=expires_on,
            status=Order.Status.ACTIVE,
            created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        )
        OrderCondition.objects.bulk_create(
            [
                OrderCondition(
                    order=order,
                    number=c.number,
                    version=1,
                    kind=c.kind,
                    wording=c.wording,
                    spec=c.spec,
                    valid_from=effective_from,
                    valid_to=expires_on,
                )
                for c in conditions
            ]
        )
        audit_record(
            user=actor.user,
            action=AuditAction.CREATE,
            object_type="order",
            object_id=str(pk),
            summary=f"{order_type} {reference} on {subject.label}",
            path=actor.via,
            detail={"conditions": len(conditions)},
        )
    return order, True


def _check_order(reference, order_type, made_on, effective_from, expires_on, conditions) -> None:
    if not reference.strip():
        raise StoreError("reference: every order needs the court's or the force's reference.")
    if order_type not in OrderType.values:
        raise StoreError(f"order_type {order_type!r} is not one of {', '.join(OrderType.values)}.")
    if effective_from < made_on:
        raise StoreError(
            f"order {reference}: effective from {effective_from} is before it was made ({made_on})."
        )
    if expires_on is not None and expires_on <= effective_from:
        raise StoreError(f"order {reference}: it expires ({expires_on}) before it takes effect.")
    numbers = [c.number for c in conditions]
    if len(numbers) != len(set(numbers)):
        raise StoreError(f"order {reference}: condition numbers repeat.")
    for c in conditions:
        if c.kind not in ConditionKind.values:
            raise StoreError(f"order {reference}, condition {c.number}: kind {c.kind!r} is unknown.")
