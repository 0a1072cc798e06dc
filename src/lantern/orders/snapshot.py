"""The store's orders and evidence as the engine's plain data (see docs/formats.md, "Screening rules").

Every order that was ever in force is included (not drafts): a read from last month counts against
the conditions of last month, even if the order has since expired or been discharged.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pyarrow as pa
from django.db.models import Q

from lantern.evidence.models import Camera
from lantern.intel.models import EventLink, LinkRole, Relationship, Sighting, Vehicle
from lantern.orders.models import ConditionKind, Order

LINKING_RELATIONSHIPS = (Relationship.Kind.USES_VEHICLE, Relationship.Kind.OWNS)


def screened_orders():
    return (
        Order.objects.exclude(status=Order.Status.DRAFT)
        .select_related("subject")
        .prefetch_related("conditions")
        .order_by("reference")
    )


def order_rules(order: Order, linked: list[str] | None = None) -> dict:
    """The order as the engine's rules; ``linked`` is its subject's linked plates when the caller
    looked them up for many orders at once (``linked_vrms_of``)."""
    last_day = order.expires_on
    if order.discharged_on is not None:
        discharged_last = order.discharged_on - timedelta(days=1)
        last_day = discharged_last if last_day is None else min(last_day, discharged_last)
    zones, vehicles = [], []
    for condition in order.conditions.all():
        if condition.kind == ConditionKind.EXCLUSION_ZONE:
            zones.append(
                {
                    "condition": condition.number,
                    "version": condition.version,
                    "valid_from": condition.valid_from.isoformat(),
                    "valid_to": condition.valid_to.isoformat() if condition.valid_to else None,
                    "name": condition.spec.get("name", ""),
                    "geojson": condition.spec.get("geojson"),
                    "windows": condition.spec.get("windows") or [],
                    "timezone": condition.spec.get("timezone"),
                }
            )
        elif condition.kind == ConditionKind.VEHICLE_NOTIFICATION:
            for vehicle in condition.spec.get("vehicles") or []:
                vehicles.append(
                    {
                        "vrm": vehicle["vrm"],
                        "basis": "registered",
                        "condition": condition.number,
                        "version": condition.version,
                        "valid_from": max(
                            filter(None, [condition.valid_from.isoformat(), vehicle.get("registered_from")])
                        ),
                        "valid_to": min(
                            filter(
                                None,
                                [
                                    condition.valid_to.isoformat() if condition.valid_to else None,
                                    vehicle.get("registered_to"),
                                ],
                            ),
                            default=None,
                        ),
                    }
                )
    linked = linked_vrms(order.subject_id) if linked is None else linked
    vehicles.extend({"vrm": vrm, "basis": "linked"} for vrm in linked)
    return {
        "order_id": str(order.pk),
        "reference": order.reference,
        "subject_id": str(order.subject_id),
        "subject_records": sorted({order.subject.source_record_id, str(order.subject_id)}),
        "in_force_from": order.effective_from.isoformat(),
        "in_force_to": last_day.isoformat() if last_day else None,
        "zones": zones,
        "vehicles": vehicles,
    }


def linked_vrms(person_id) -> list[str]:
    """Plates of vehicles the store links to the person: a relationship, or an event with both."""
    return linked_vrms_of([person_id]).get(person_id, [])


def linked_vrms_of(person_ids, chunk: int = 2_000) -> dict:
    """``linked_vrms`` for many people, four queries per ``chunk`` of them (a database takes only so
    many parameters in one query): person id -> sorted plates; a person with none is absent."""
    people = list(dict.fromkeys(person_ids))
    result: dict = {}
    for first in range(0, len(people), chunk):
        result.update(_linked_vrms_of(set(people[first : first + chunk])))
    return result


def _linked_vrms_of(people: set) -> dict:
    pairs: set[tuple] = set()  # (person, vehicle)
    for a, b, kind_a, kind_b in Relationship.objects.filter(
        Q(entity_a_id__in=people, entity_b__kind="vehicle")
        | Q(entity_b_id__in=people, entity_a__kind="vehicle"),
        kind__in=LINKING_RELATIONSHIPS,
    ).values_list("entity_a_id", "entity_b_id", "entity_a__kind", "entity_b__kind"):
        if a in people and kind_b == "vehicle":
            pairs.add((a, b))
        if b in people and kind_a == "vehicle":
            pairs.add((b, a))
    subjects: dict = {}
    as_subject = EventLink.objects.filter(entity_id__in=people, role=LinkRole.SUBJECT)
    for event, person in as_subject.values_list("event_id", "entity_id"):
        subjects.setdefault(event, set()).add(person)
    used = EventLink.objects.filter(event_id__in=as_subject.values("event_id"), role=LinkRole.VEHICLE_USED)
    for event, vehicle in used.values_list("event_id", "entity_id"):
        pairs.update((person, vehicle) for person in subjects[event])
    plates = dict(
        Vehicle.objects.filter(pk__in={v for _, v in pairs}).exclude(vrm="").values_list("pk", "vrm")
    )
    result: dict = {}
    for person, vehicle in pairs:
        if vehicle in plates:
            result.setdefault(person, set()).add(plates[vehicle])
    return {person: sorted(vrms) for person, vrms in result.items()}


def fingerprint(rules: dict) -> str:
    return hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()


def cameras_table() -> pa.Table:
    rows = list(Camera.objects.values_list("camera_id", "latitude", "longitude"))
    return pa.table(
        {
            "camera_id": pa.array([r[0] for r in rows], pa.string()),
            "latitude": pa.array([r[1] for r in rows], pa.float64()),
            "longitude": pa.array([r[2] for r in rows], pa.float64()),
        }
    )


def sightings_table(subject_ids: set[str]) -> pa.Table:
    """Sightings with a place of the subjects: (event_id, subject_id, at_us, lat, lon, confidence)."""
    links = EventLink.objects.filter(
        entity_id__in=subject_ids, role=LinkRole.SUBJECT, event__kind="sighting"
    ).values_list("event_id", "entity_id")
    by_event: dict = {}
    for event_id, entity_id in links:
        by_event.setdefault(event_id, []).append(entity_id)
    rows = []
    for sighting in Sighting.objects.filter(pk__in=by_event).select_related("location"):
        location = sighting.location
        if location is None or location.latitude is None or location.longitude is None:
            continue
        for subject in by_event[sighting.pk]:
            rows.append(
                (
                    str(sighting.pk),
                    str(subject),
                    int(sighting.occurred_from.timestamp() * 1_000_000),
                    location.latitude,
                    location.longitude,
                    sighting.confidence if sighting.confidence is not None else 1.0,
                )
            )
    names = ("event_id", "subject_id", "at_us", "lat", "lon", "confidence")
    types = (pa.string(), pa.string(), pa.int64(), pa.float64(), pa.float64(), pa.float64())
    return pa.table(
        {n: pa.array([r[i] for r in rows], t) for i, (n, t) in enumerate(zip(names, types, strict=True))}
    )
