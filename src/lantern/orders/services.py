"""Writes of orders and their conditions (each in one transaction with its audit entry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from lantern.engine.ids import stable_id
from lantern.engine.normalise.text import clean_text_arguments
from lantern.engine.screening.conditions import SpecError, normalise_spec
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
    officer_in_charge=None,
    actor: Actor = SYSTEM,
) -> tuple[Order, bool]:
    """Record an order as made; the same reference again returns the existing order unchanged."""
    _check_order(reference, order_type, made_on, effective_from, expires_on, conditions)
    conditions = [_checked(reference, c) for c in conditions]
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
            officer_in_charge=officer_in_charge,
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


def _checked(reference: str, condition: ConditionInput) -> ConditionInput:
    """The condition with its spec checked and canonical (GeoJSON re-oriented, plates normalised)."""
    wording = condition.wording.strip()
    if not wording:
        raise StoreError(f"order {reference}, condition {condition.number}: give the court's wording.")
    try:
        spec = normalise_spec(condition.kind, condition.spec)
    except SpecError as exc:
        raise StoreError(f"order {reference}, condition {condition.number}: {exc}") from None
    return ConditionInput(number=condition.number, kind=condition.kind, wording=wording, spec=spec)


def conditions_in_force(order: Order, on: date) -> list[OrderCondition]:
    """The version of each condition that applied on ``on``."""
    return [
        c for c in order.conditions.all() if c.valid_from <= on and (c.valid_to is None or on <= c.valid_to)
    ]


def order_vary(
    *,
    order: Order,
    effective_on: date,
    changes: Sequence[ConditionInput],
    removed: Sequence[int] = (),
    expires_on: date | str | None = "unchanged",
    actor: Actor = SYSTEM,
) -> Order:
    """Vary an order from ``effective_on``: a new version of each changed condition, history kept.

    The version in force the day before keeps applying to evidence before ``effective_on``; a
    removed condition simply stops. A changed number that is new adds a condition.
    """
    if order.status in (Order.Status.DISCHARGED, Order.Status.DRAFT):
        raise StoreError(f"order {order.reference} is {order.status}; only an order in force can be varied.")
    if effective_on <= order.effective_from:
        raise StoreError(
            f"order {order.reference}: a variation must take effect after the order did "
            f"({order.effective_from})."
        )
    changes = [_checked(order.reference, c) for c in changes]
    new_expiry = order.expires_on if expires_on == "unchanged" else expires_on
    if new_expiry is not None and new_expiry < effective_on:
        raise StoreError(
            f"order {order.reference}: the new expiry {new_expiry} is before the variation takes effect."
        )
    current = {c.number: c for c in conditions_in_force(order, effective_on)}
    missing = sorted(set(removed) - set(current))
    if missing:
        raise StoreError(
            f"order {order.reference}: condition {', '.join(map(str, missing))} is not in force on "
            f"{effective_on}, so it cannot be removed."
        )
    for number in [*removed, *(c.number for c in changes)]:
        later = order.conditions.filter(number=number, valid_from__gte=effective_on)
        if later.exists():
            raise StoreError(
                f"order {order.reference}, condition {number}: a version already starts on or after "
                f"{effective_on}; vary from a later date."
            )
    with transaction.atomic():
        for number in [*removed, *(c.number for c in changes)]:
            if number in current:
                OrderCondition.objects.filter(pk=current[number].pk).update(
                    valid_to=effective_on - timedelta(days=1)
                )
        for change in changes:
            previous = order.conditions.filter(number=change.number).order_by("-version").first()
            OrderCondition.objects.create(
                order=order,
                number=change.number,
                version=(previous.version + 1) if previous else 1,
                kind=change.kind,
                wording=change.wording,
                spec=change.spec,
                valid_from=effective_on,
                valid_to=new_expiry,
            )
        if new_expiry != order.expires_on:
            OrderCondition.objects.filter(order=order, valid_to=order.expires_on).exclude(
                valid_from__gt=new_expiry or date.max
            ).update(valid_to=new_expiry)
        order.expires_on = new_expiry
        order.status = Order.Status.VARIED
        order.save(update_fields=["expires_on", "status"])
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type="order",
            object_id=str(order.pk),
            summary=f"varied {order.reference} from {effective_on}",
            path=actor.via,
            detail={"changed": [c.number for c in changes], "removed": list(removed)},
        )
    return order


def order_discharge(*, order: Order, on: date, reason: str, actor: Actor = SYSTEM) -> Order:
    """The court discharged the order: from ``on`` no condition applies; evidence before still counts."""
    if order.status == Order.Status.DISCHARGED:
        raise StoreError(f"order {order.reference} is already discharged (from {order.discharged_on}).")
    if on <= order.effective_from:
        raise StoreError(f"order {order.reference}: a discharge must come after the order took effect.")
    if not reason.strip():
        raise StoreError("reason: say why the order was discharged (for example the court's decision).")
    with transaction.atomic():
        last_day = on - timedelta(days=1)
        for condition in order.conditions.all():
            if condition.valid_to is None or condition.valid_to > last_day:
                condition.valid_to = last_day
                condition.save(update_fields=["valid_to"])
        order.status = Order.Status.DISCHARGED
        order.discharged_on = on
        order.discharge_reason = reason.strip()[:2000]
        order.save(update_fields=["status", "discharged_on", "discharge_reason"])
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type="order",
            object_id=str(order.pk),
            summary=f"discharged {order.reference} from {on}",
            path=actor.via,
        )
    return order


def orders_expire(*, today: date, actor: Actor = SYSTEM) -> int:
    """Mark orders whose last day has passed as expired; returns how many changed."""
    changed = 0
    for order in Order.objects.filter(
        status__in=[Order.Status.ACTIVE, Order.Status.VARIED], expires_on__lt=today
    ):
        with transaction.atomic():
            order.status = Order.Status.EXPIRED
            order.save(update_fields=["status"])
            audit_record(
                user=actor.user,
                action=AuditAction.UPDATE,
                object_type="order",
                object_id=str(order.pk),
                summary=f"{order.reference} expired after {order.expires_on}",
                path=actor.via,
            )
        changed += 1
    return changed
