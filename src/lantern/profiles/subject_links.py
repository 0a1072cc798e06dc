"""The subject profile's reads of the POLE store: timeline, relationships, associates, vehicles.

Each reads every record of the person (their resolution cluster) in a fixed number of queries,
through the intelligence selectors' access rules (consent, need-to-know). Reporter links are never
read, whatever the role: who reported something identifies a source, and a profile travels
outside Lantern (an order application, a briefing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.db.models import Q

from lantern.governance.restrictions import hidden_ids
from lantern.intel.models import (
    EntityKind,
    Event,
    EventKind,
    HandlingCode,
    Incident,
    LinkRole,
    Relationship,
    Vehicle,
)
from lantern.intel.selectors import _links_for, visible_events
from lantern.resolution.models import Membership

TIMELINE_LIMIT = 500  # the newest events; the page says when there are more
ASSOCIATE_LIMIT = 100

# How a relationship reads from the subject's side when he is its second entity.
_REVERSE = {
    Relationship.Kind.CONTROLS: "controlled by",
    Relationship.Kind.OWNS: "owned by",
    Relationship.Kind.ADVERTISES: "advertised by",
}
_ROLE_NAMES = dict(LinkRole.choices)


@dataclass(frozen=True)
class TimelineEntry:
    event_id: UUID
    kind: str
    occurred: datetime
    place: str
    summary: str  # empty when withheld
    withheld: bool  # from a report with handling code C: counted, not quoted
    grading: str
    roles: tuple[str, ...]
    behaviours: tuple[str, ...]


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    total: int
    withheld: int
    quoted_codes: frozenset[str]  # handling codes of the reports whose text is quoted


@dataclass(frozen=True)
class Relation:
    text: str
    start: date | None
    end: date | None
    sources: tuple[str, ...]


@dataclass
class Linked:
    """Another entity linked to the subject: by recorded relationships, shared events, or both."""

    entity_id: UUID
    kind: str
    label: str
    relations: list[Relation] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)  # their roles in the events shared with him
    events: set[UUID] = field(default_factory=set)
    vehicle: Vehicle | None = None

    @property
    def shared_events(self) -> int:
        return len(self.events)

    @property
    def kind_name(self) -> str:
        return dict(EntityKind.choices).get(self.kind, self.kind)

    @property
    def role_names(self) -> list[str]:
        return sorted(_ROLE_NAMES.get(r, r) for r in self.roles)


# ---------------------------------------------------------------- timeline


def timeline(user, record_ids: list[UUID]) -> Timeline:
    """The events linked to any of the records, oldest first (the newest ``TIMELINE_LIMIT``)."""
    links = _subject_links(user, record_ids)
    events_q = (
        visible_events(user)
        .filter(pk__in=links.values("event_id"))
        # an incident recorded from a report whose reporter withdrew consent is left out, as in risk
        .exclude(incident__from_report__shared_with_police=False)
    )
    events = list(
        events_q.select_related(
            "source", "location", "intelligencereport", "incident", "incident__from_report"
        ).order_by("-occurred_from", "pk")[:TIMELINE_LIMIT]
    )
    ids = [e.pk for e in events]
    total = len(events) if len(events) < TIMELINE_LIMIT else events_q.count()
    roles, behaviours = _roles(links, ids), _behaviours(ids)
    entries = [_entry(e, roles[e.pk], behaviours[e.pk]) for e in reversed(events)]
    quoted = frozenset(code for e in events if (code := _handling_code(e)) and not _withheld(e))
    return Timeline(entries, total, sum(e.withheld for e in entries), quoted)


def _roles(links, ids: list[UUID]) -> defaultdict[UUID, set[str]]:
    """The subject's roles in each event (his records may be linked in several)."""
    roles = defaultdict(set)
    for event_id, role in links.filter(event_id__in=ids).values_list("event_id", "role"):
        roles[event_id].add(_ROLE_NAMES.get(role, role))
    return roles


def _behaviours(ids: list[UUID]) -> defaultdict[UUID, list[str]]:
    """Each incident's behaviours and offences, least severe first (coded, so never withheld)."""
    found = defaultdict(list)
    rows = Incident.behaviours.through.objects.filter(incident_id__in=ids).values_list(
        "incident_id", "behaviourtype__name"
    )
    for incident_id, name in rows.order_by("behaviourtype__severity", "behaviourtype__name"):
        found[incident_id].append(name)
    return found


def _subject_links(user, record_ids: list[UUID]):
    return _links_for(user).filter(entity_id__in=record_ids).exclude(role=LinkRole.REPORTER)


def _report_of(event: Event):
    """The report an event's text comes from: itself, or the report an incident was recorded from."""
    if event.kind == EventKind.REPORT:
        return event.intelligencereport
    if event.kind == EventKind.INCIDENT:
        return event.incident.from_report
    return None


def _handling_code(event: Event) -> str:
    report = _report_of(event)
    return report.handling_code if report is not None else ""


def _withheld(event: Event) -> bool:
    return _handling_code(event) == HandlingCode.C


def _entry(event: Event, roles: set[str], behaviours: list[str]) -> TimelineEntry:
    report = _report_of(event)
    # a crime record carries no 3x5x2 grade: its source stands in for it (as in the risk chronology)
    grading = f"graded {report.grade}" if report is not None else f"{event.source.name} record"
    withheld = _withheld(event)
    return TimelineEntry(
        event_id=event.pk,
        kind=event.get_kind_display(),
        occurred=event.occurred_from,
        place=event.location.label if event.location else "",
        summary="" if withheld else event.summary,
        withheld=withheld,
        grading=grading,
        roles=tuple(sorted(roles)),
        behaviours=tuple(behaviours),
    )


# ---------------------------------------------------------------- relationships and shared events


def linked_entities(user, record_ids: list[UUID], event_ids: list[UUID]) -> dict[UUID, Linked]:
    """Every entity related to the records or sharing one of ``event_ids`` with them, by id."""
    found: dict[UUID, Linked] = {}
    _add_relationships(user, record_ids, found)
    _add_shared_events(user, record_ids, event_ids, found)
    vehicle_ids = [pk for pk, item in found.items() if item.kind == EntityKind.VEHICLE]
    for vehicle in Vehicle.objects.filter(pk__in=vehicle_ids):
        found[vehicle.pk].vehicle = vehicle
    for item in found.values():
        item.relations = _merged(item.relations)
    return found


def _merged(relations: list[Relation]) -> list[Relation]:
    """One row per relationship and dates, naming every source that recorded it."""
    sources: dict[tuple, list[str]] = {}
    for rel in relations:
        named = sources.setdefault((rel.text, rel.start, rel.end), [])
        named += [s for s in rel.sources if s not in named]
    return [Relation(text, start, end, tuple(names)) for (text, start, end), names in sources.items()]


def _add_relationships(user, record_ids: list[UUID], found: dict[UUID, Linked]) -> None:
    hidden = hidden_ids(user)
    rows = (
        Relationship.objects.filter(Q(entity_a_id__in=record_ids) | Q(entity_b_id__in=record_ids))
        .exclude(entity_a_id__in=hidden)
        .exclude(entity_b_id__in=hidden)
        .select_related("entity_a", "entity_b", "source")
        .order_by("kind", "start", "pk")
    )
    ours = set(record_ids)
    for rel in rows:
        forward = rel.entity_a_id in ours
        other = rel.entity_b if forward else rel.entity_a
        if other.pk in ours:
            continue  # between two records of the subject himself
        text = rel.get_kind_display() if forward else _REVERSE.get(rel.kind, rel.get_kind_display())
        item = found.setdefault(other.pk, Linked(other.pk, other.kind, other.label))
        item.relations.append(Relation(text, rel.start, rel.end, (rel.source.name,)))


def _add_shared_events(
    user, record_ids: list[UUID], event_ids: list[UUID], found: dict[UUID, Linked]
) -> None:
    rows = (
        _links_for(user)
        .filter(event_id__in=event_ids, entity__kind__in=(EntityKind.PERSON, EntityKind.VEHICLE))
        .exclude(entity_id__in=record_ids)
        .exclude(role=LinkRole.REPORTER)
        .values_list("event_id", "entity_id", "entity__kind", "entity__label", "role")
    )
    for event_id, entity_id, kind, label, role in rows:
        item = found.setdefault(entity_id, Linked(entity_id, kind, label))
        item.events.add(event_id)
        item.roles.add(role)


def associates(linked: dict[UUID, Linked]) -> list[Linked]:
    """People linked to the subject, one row per resolved person (their records merged)."""
    people = [item for item in linked.values() if item.kind == EntityKind.PERSON]
    cluster_of = dict(
        Membership.objects.filter(entity_id__in=[p.entity_id for p in people]).values_list(
            "entity_id", "cluster_id"
        )
    )
    merged: dict[UUID, Linked] = {}
    # the record most linked to him names the person
    for item in sorted(people, key=lambda p: (-p.shared_events, -len(p.relations), p.label)):
        key = cluster_of.get(item.entity_id, item.entity_id)
        if key not in merged:
            merged[key] = Linked(item.entity_id, item.kind, item.label)
        row = merged[key]
        row.relations += item.relations
        row.roles |= item.roles
        row.events |= item.events
    for row in merged.values():
        row.relations = _merged(row.relations)
    return _strongest(merged.values())[:ASSOCIATE_LIMIT]


def vehicles(linked: dict[UUID, Linked]) -> list[Linked]:
    return _strongest(item for item in linked.values() if item.kind == EntityKind.VEHICLE)


def identifiers(linked: dict[UUID, Linked]) -> list[Linked]:
    """Phones, online identities and addresses recorded for him (by relationships, with dates)."""
    order = {EntityKind.LOCATION: 0, EntityKind.PHONE: 1, EntityKind.IDENTITY: 2}
    return sorted(
        (item for item in linked.values() if item.kind in order and item.relations),
        key=lambda item: (order[item.kind], item.label),
    )


def _strongest(items) -> list[Linked]:
    return sorted(items, key=lambda i: (-i.shared_events, -len(i.relations), i.label))
