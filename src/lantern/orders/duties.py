"""Conditions that are duties, not places: notify vehicles, names and addresses in time; no contact.

Checked against the store at each screening run:

- a vehicle linked to the subject (a relationship such as "uses vehicle", or an event where he is
  the subject and it is the vehicle used) first known on day D, not registered under the order by
  D + notify_within_days, once that deadline has passed, while the condition applied;
- an address the subject is recorded as living at, first known on D, not notified by the deadline;
- an event that links the subject and a person named in a no-contact condition, while it applied.

Each is a potential breach for a person to review: the store knows when Lantern learnt of a
vehicle or address, not when the subject began to use it, so the deadline counts from the first
record, which is the earliest date Lantern can prove.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q

from lantern.intel.models import Entity, Event, EventLink, LinkRole, Location, Relationship, Vehicle
from lantern.intel.services import SYSTEM, Actor
from lantern.orders.alerts import evidence_file
from lantern.orders.models import AlertEvidence, AlertKind, BreachAlert, ConditionKind, Order, OrderCondition


@dataclass
class DutyResult:
    new: list[BreachAlert] = field(default_factory=list)
    updated: int = 0


@dataclass(frozen=True)
class Known:
    """Something linked to the subject, and the first day Lantern knew of it."""

    key: str  # "vrm:AB12CDE" or "address:<location id>"
    label: str
    first_known: date
    evidence: str  # the record that shows it: an event or relationship id
    evidence_kind: str


def deadline(first_known: date, within_days: int) -> date:
    return first_known + timedelta(days=within_days)


def check_all(orders: list[Order], *, today: date, actor: Actor = SYSTEM) -> DutyResult:
    result = DutyResult()
    for order in orders:
        for condition in order.conditions.all():
            if condition.kind == ConditionKind.VEHICLE_NOTIFICATION:
                items = [k for k in known_vehicles(order.subject_id) if not registered_in_time(order, k)]
                _file_late(order, condition, items, AlertKind.VEHICLE_NOT_NOTIFIED, today, actor, result)
            elif condition.kind == ConditionKind.NAME_ADDRESS_NOTIFICATION:
                notified = {n["value"].lower() for n in condition.spec.get("notified") or []}
                items = [k for k in known_addresses(order.subject_id) if k.label.lower() not in notified]
                _file_late(order, condition, items, AlertKind.ADDRESS_NOT_NOTIFIED, today, actor, result)
            elif condition.kind == ConditionKind.NO_CONTACT:
                _file_contacts(order, condition, actor, result)
    return result


def _applies(condition: OrderCondition, day: date) -> bool:
    return condition.valid_from <= day and (condition.valid_to is None or day <= condition.valid_to)


def registered_in_time(order: Order, item: Known) -> bool:
    """Registered under any version of the order's vehicle condition by the item's deadline."""
    vrm = item.key.removeprefix("vrm:")
    for condition in order.conditions.all():  # prefetched by the callers: no query per vehicle
        if condition.kind != ConditionKind.VEHICLE_NOTIFICATION:
            continue
        days = int(condition.spec.get("notify_within_days") or 0)
        for vehicle in condition.spec.get("vehicles") or []:
            if vehicle["vrm"] != vrm:
                continue
            registered = date.fromisoformat(
                vehicle.get("registered_from") or condition.valid_from.isoformat()
            )
            if registered <= deadline(item.first_known, days):
                return True
    return False


def _file_late(order, condition, items: list[Known], kind, today: date, actor, result: DutyResult) -> None:
    days = int(condition.spec.get("notify_within_days") or 0)
    for item in items:
        due = deadline(item.first_known, days)
        if due >= today or not _applies(condition, item.first_known):
            continue
        what = "vehicle" if kind == AlertKind.VEHICLE_NOT_NOTIFIED else "address"
        row = AlertEvidence(
            order=order,
            condition_number=condition.number,
            kind="event",
            evidence_id=item.key[:120],
            at=datetime.combine(item.first_known, time(12), UTC),
            source_id=item.evidence[:120],
            vrm=item.key.removeprefix("vrm:") if what == "vehicle" else "",
            basis="linked",
            match=item.evidence_kind[:40],
            confidence=0.8,
        )
        explanation = (
            f"The {what} {item.label} was first linked to the subject on {item.first_known:%d %b %Y} "
            f"({item.evidence_kind}), and was not notified under condition {condition.number} "
            f"(version {condition.version}) of order {order.reference} by {due:%d %b %Y}, "
            f"{days} days later."
        )
        _count(
            evidence_file(
                order=order,
                condition=condition.number,
                version=condition.version,
                kind=kind,
                rows=[row],
                explanation=explanation,
                actor=actor,
            ),
            result,
        )


def _count(outcome, result: DutyResult) -> None:
    status, alert = outcome
    if status == "new":
        result.new.append(alert)
    elif status == "updated":
        result.updated += 1


def known_vehicles(person_id) -> list[Known]:
    first: dict[str, Known] = {}
    for rel in Relationship.objects.filter(
        Q(entity_a_id=person_id) | Q(entity_b_id=person_id),
        kind__in=(Relationship.Kind.USES_VEHICLE, Relationship.Kind.OWNS),
    ):
        other = rel.entity_b_id if rel.entity_a_id == person_id else rel.entity_a_id
        day = rel.start or rel.recorded_at.date()
        _earliest(first, other, day, str(rel.pk), f"relationship: {rel.get_kind_display()}")
    subject_events = EventLink.objects.filter(entity_id=person_id, role=LinkRole.SUBJECT).values("event_id")
    for link in EventLink.objects.filter(
        event_id__in=subject_events, role=LinkRole.VEHICLE_USED
    ).select_related("event"):
        _earliest(
            first, link.entity_id, link.event.occurred_from.date(), str(link.event_id), f"{link.event.kind}"
        )
    vehicles = dict(Vehicle.objects.filter(pk__in=first).values_list("pk", "vrm"))
    return [
        Known(f"vrm:{vehicles[pk]}", vehicles[pk], k.first_known, k.evidence, k.evidence_kind)
        for pk, k in first.items()
        if vehicles.get(pk)
    ]


def known_addresses(person_id) -> list[Known]:
    first: dict = {}
    for rel in Relationship.objects.filter(entity_a_id=person_id, kind=Relationship.Kind.LIVES_AT):
        _earliest(
            first, rel.entity_b_id, rel.start or rel.recorded_at.date(), str(rel.pk), "relationship: lives at"
        )
    locations = {loc.pk: loc for loc in Location.objects.filter(pk__in=first)}
    return [
        Known(
            f"address:{pk}",
            locations[pk].address or locations[pk].label,
            k.first_known,
            k.evidence,
            k.evidence_kind,
        )
        for pk, k in first.items()
        if pk in locations
    ]


def _earliest(first: dict, key, day: date, evidence: str, kind: str) -> None:
    if key not in first or day < first[key].first_known:
        first[key] = Known(str(key), "", day, evidence, kind)


def _file_contacts(order: Order, condition: OrderCondition, actor, result: DutyResult) -> None:
    people = [p["person_id"] for p in condition.spec.get("people") or [] if p.get("person_id")]
    if not people:
        return
    subject_events = set(
        EventLink.objects.filter(entity_id=order.subject_id).values_list("event_id", flat=True)
    )
    shared = EventLink.objects.filter(event_id__in=subject_events, entity_id__in=people).values_list(
        "event_id", "entity_id"
    )
    names = dict(Entity.objects.filter(pk__in=people).values_list("pk", "label"))
    shared = list(shared)
    events = Event.objects.in_bulk([event_id for event_id, _ in shared])
    for event_id, person_id in shared:
        event = events[event_id]
        if not _applies(condition, event.occurred_from.date()):
            continue
        row = AlertEvidence(
            order=order,
            condition_number=condition.number,
            kind="event",
            evidence_id=str(event_id),
            at=event.occurred_from,
            source_id=str(event_id),
            basis="subject",
            match=event.kind[:40],
            confidence=0.8,
        )
        explanation = (
            f"A {event.kind} on {event.occurred_from:%d %b %Y} links the subject with "
            f"{names.get(person_id, 'a named person')}, "
            f"whom condition {condition.number} (version {condition.version}) of order {order.reference} "
            "forbids him to contact."
        )
        _count(
            evidence_file(
                order=order,
                condition=condition.number,
                version=condition.version,
                kind=AlertKind.CONTACT,
                rows=[row],
                explanation=explanation,
                actor=actor,
            ),
            result,
        )
