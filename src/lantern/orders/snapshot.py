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


def order_rules(order: Order) -> dict:
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
    vehicles.extend({"vrm": vrm, "basis": "linked"} for vrm in linked_vrms(order.subject_id))
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
    by_relationship = Relationship.objects.filter(
        Q(entity_a_id=person_id, entity_b__kind="vehicle")
        | Q(entity_b_id=person_id, entity_a__kind="vehicle"),
        kind__in=LINKING_RELATIONSHIPS,
    ).values_list("entity_a_id", "entity_b_id")
    ids = {b if a == person_id else a for a, b in by_relationship}
    events = EventLink.objects.filter(entity_id=person_id, role=LinkRole.SUBJECT).values("event_id")
    ids |= set(
        EventLink.objects.filter(event_id__in=events, role=LinkRole.VEHICLE_USED).values_list(
            "entity_id", flat=True
        )
    )
    return sorted(set(Vehicle.objects.filter(pk__in=ids).exclude(vrm="").values_list("vrm", flat=True)))


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
