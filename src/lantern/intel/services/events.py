"""Events (reports, incidents, sightings, visits) and their links to entities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lantern.engine.ids import stable_id
from lantern.engine.normalise.text import clean_text, clean_value
from lantern.intel.models import (
    BehaviourType,
    Entity,
    Event,
    EventKind,
    EventLink,
    Incident,
    IntelligenceReport,
    Location,
    ReportSourceDetail,
    Sighting,
    Source,
    Visit,
)
from lantern.intel.services.base import (
    SYSTEM,
    Actor,
    StoreError,
    Upsert,
    acting_user,
    audit_write,
)


@dataclass(frozen=True)
class EventInput:
    """What every event carries; ``details`` holds the fields of its kind (see ``_DETAIL_FIELDS``)."""

    kind: str
    source: Source
    source_ref: str
    occurred_from: datetime
    summary: str
    occurred_to: datetime | None = None
    location: Location | None = None
    links: Sequence[tuple[str, Entity]] = ()
    details: dict = field(default_factory=dict)
    behaviours: Sequence[str] = ()
    source_details: str = ""


_EVENT_MODELS = {
    EventKind.REPORT: IntelligenceReport,
    EventKind.INCIDENT: Incident,
    EventKind.SIGHTING: Sighting,
    EventKind.VISIT: Visit,
}
_DETAIL_FIELDS = {
    EventKind.REPORT: {
        "text",
        "sanitised_text",
        "source_type",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "handling_conditions",
    },
    EventKind.INCIDENT: {"description", "from_report"},
    EventKind.SIGHTING: {"via", "confidence", "camera_id", "read_id"},
    EventKind.VISIT: {"visit_type", "outcome"},
}


def event_record(data: EventInput, *, actor: Actor = SYSTEM) -> Upsert:
    """File an event with its links; events are records of what was said, so a repeat changes nothing."""
    data = replace(
        data,
        source_ref=clean_text(data.source_ref),
        summary=clean_text(data.summary),
        source_details=clean_text(data.source_details),
        details=clean_value(data.details),
    )
    model = _EVENT_MODELS.get(data.kind)
    if model is None:
        raise StoreError(f"kind: {data.kind!r} is not an event kind ({', '.join(_EVENT_MODELS)}).")
    _check_event(data)
    pk = stable_id("event", data.source.code, data.source_ref)
    existing = Event.objects.filter(pk=pk).first()
    if existing is not None:
        return Upsert(existing, "unchanged")
    with transaction.atomic():
        event = model.objects.create(
            id=pk,
            kind=data.kind,
            source=data.source,
            source_ref=data.source_ref,
            occurred_from=data.occurred_from,
            occurred_to=data.occurred_to,
            location=data.location,
            summary=data.summary[:300],
            recorded_by=acting_user(actor),
            **data.details,
        )
        _event_extras(event, data)
        result = Upsert(event, "created", ["links"])
        audit_write(actor, result, data.kind, f"{data.kind} {data.source.code}/{data.source_ref}")
    return result


def _check_event(data: EventInput) -> None:
    where = f"{data.kind} {data.source.code}/{data.source_ref}"
    if not data.source_ref.strip():
        raise StoreError(f"{data.kind}: every event needs the reference its source gave it.")
    if timezone.is_naive(data.occurred_from) or (data.occurred_to and timezone.is_naive(data.occurred_to)):
        raise StoreError(f"{where}: times need a UTC offset (for example 2026-10-03T22:15:00+01:00).")
    if data.occurred_to and data.occurred_to < data.occurred_from:
        raise StoreError(f"{where}: it ends before it starts.")
    unknown = set(data.details) - _DETAIL_FIELDS[data.kind]
    if unknown:
        raise StoreError(f"{where}: {', '.join(sorted(unknown))} do not belong to a {data.kind}.")
    if data.kind == EventKind.REPORT:
        missing = [
            f
            for f in ("source_evaluation", "intelligence_assessment", "handling_code")
            if not data.details.get(f)
        ]
        if missing:
            raise StoreError(f"{where}: a report must carry its 3x5x2 grade; missing {', '.join(missing)}.")


def _event_extras(event: Event, data: EventInput) -> None:
    links = {(role, entity.pk) for role, entity in data.links}
    if data.location is not None:
        links.add(
            (
                "premises" if data.location.location_kind == Location.Kind.PREMISES else "mentioned",
                data.location.pk,
            )
        )
    EventLink.objects.bulk_create([EventLink(event=event, entity_id=pk, role=role) for role, pk in links])
    if data.source_details and data.kind != EventKind.REPORT:
        raise StoreError(f"source details: only an intelligence report keeps them, not a {data.kind}.")
    if data.behaviours and data.kind != EventKind.INCIDENT:
        raise StoreError(f"behaviours: only an incident carries behaviours, not a {data.kind}.")
    if data.behaviours:
        known = set(BehaviourType.objects.filter(code__in=data.behaviours).values_list("code", flat=True))
        unknown = set(data.behaviours) - known
        if unknown:
            raise StoreError(f"behaviours: {', '.join(sorted(unknown))} are not in the vocabulary.")
        event.behaviours.set(known)
    if data.source_details:
        ReportSourceDetail.objects.create(report=event, details=data.source_details)
