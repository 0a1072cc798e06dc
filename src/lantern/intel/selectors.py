"""Reads from the POLE store. Every selector takes the acting user and applies the access rules."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from lantern.engine.normalise.text import clean_text
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intel import search_keys
from lantern.intel.models import (
    Entity,
    EntityKind,
    Event,
    EventLink,
    IntelligenceReport,
    LinkRole,
    Location,
    OnlineIdentity,
    Person,
    Phone,
    Relationship,
    ReportSourceDetail,
    SearchKey,
    Vehicle,
)

SEARCH_LIMIT = 50
_KIND_MODELS = {
    EntityKind.PERSON: Person,
    EntityKind.VEHICLE: Vehicle,
    EntityKind.PHONE: Phone,
    EntityKind.IDENTITY: OnlineIdentity,
    EntityKind.LOCATION: Location,
}


def _require(user, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your role does not allow {capability}.")


def _links_for(user):
    """Event links the user may see: who reported something identifies a source, so it is restricted."""
    hidden = hidden_ids(user)
    links = (
        EventLink.objects.exclude(event__intelligencereport__shared_with_police=False)
        .exclude(event_id__in=hidden)
        .exclude(entity_id__in=hidden)
    )
    if not has_capability(user, Capability.VIEW_SOURCE_DETAILS):
        links = links.exclude(role=LinkRole.REPORTER)
    return links


def visible_events(user) -> QuerySet[Event]:
    """Events a police user may see: never a report whose reporter has not consented to police use."""
    _require(user, Capability.VIEW_INTEL)
    return Event.objects.exclude(intelligencereport__shared_with_police=False).exclude(
        pk__in=hidden_ids(user)
    )


def visible_reports(user) -> QuerySet[IntelligenceReport]:
    _require(user, Capability.VIEW_INTEL)
    return IntelligenceReport.objects.filter(shared_with_police=True).exclude(pk__in=hidden_ids(user))


def entity_get(user, *, kind: str, pk: UUID):
    """One entity of ``kind``, with what its page shows prefetched."""
    _require(user, Capability.VIEW_INTEL)
    model = _KIND_MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of entity.")
    queryset = model.objects.all()
    if model is Person:
        queryset = queryset.select_related("source").prefetch_related("names")
    entity = queryset.filter(pk=pk).exclude(pk__in=hidden_ids(user)).first()
    if entity is None:  # a restricted record is "not found" to anyone not on its list
        raise Http404("No such record, or it has been disposed of.")
    return entity


def entity_timeline(user, entity: Entity) -> list[EventLink]:
    """The events linked to an entity, newest first, each with the entity's role in it."""
    _require(user, Capability.VIEW_INTEL)
    return list(
        _links_for(user)
        .filter(entity=entity)
        .select_related("event", "event__source", "event__location")
        .order_by("-event__occurred_from")[:500]
    )


def entity_relationships(user, entity: Entity) -> list[Relationship]:
    _require(user, Capability.VIEW_INTEL)
    return list(
        Relationship.objects.filter(Q(entity_a=entity) | Q(entity_b=entity))
        .exclude(entity_a_id__in=hidden_ids(user))
        .exclude(entity_b_id__in=hidden_ids(user))
        .select_related("entity_a", "entity_b", "source")
        .order_by("kind", "start")
    )


def entity_co_linked(user, entity: Entity, *, limit: int = 100) -> list[dict]:
    """Entities that share events with this one, and how many events they share."""
    _require(user, Capability.VIEW_INTEL)
    event_ids = _links_for(user).filter(entity=entity).values("event_id")
    rows = (
        _links_for(user)
        .filter(event_id__in=event_ids)
        .exclude(entity=entity)
        .values("entity_id", "entity__kind", "entity__label")
        .annotate(shared=Count("event_id", distinct=True))
        .order_by("-shared", "entity__label")[:limit]
    )
    return list(rows)


def event_get(user, *, pk: UUID) -> Event:
    _require(user, Capability.VIEW_INTEL)
    event = visible_events(user).select_related("source", "location").filter(pk=pk).first()
    if event is None:
        raise Http404("No such event.")
    detail_model = {
        "report": "intelligencereport",
        "incident": "incident",
        "sighting": "sighting",
        "visit": "visit",
    }[event.kind]
    specific = getattr(event, detail_model)
    specific.entity_links = list(
        _links_for(user).filter(event=event).select_related("entity").order_by("role", "entity__label")
    )
    if event.kind == "incident":
        specific.behaviour_list = list(specific.behaviours.all())
    if event.kind == "report":
        # The text as received may reveal the source; roles not cleared for that see the sanitised text.
        cleared = has_capability(user, Capability.VIEW_SOURCE_DETAILS)
        specific.visible_text = specific.text if cleared else specific.sanitised_text
    return specific


def report_source_detail(user, report: IntelligenceReport) -> ReportSourceDetail | None:
    """Who the source is: only for roles cleared to see it; everyone else gets None."""
    if not has_capability(user, Capability.VIEW_SOURCE_DETAILS):
        return None
    return ReportSourceDetail.objects.filter(report=report).first()


@dataclass(frozen=True)
class SearchResult:
    query: str
    entities: list[Entity]
    truncated: bool


def entity_search(user, query: str) -> SearchResult:
    """Entities whose normalised keys match the query read every way it could be meant."""
    _require(user, Capability.VIEW_INTEL)
    query = clean_text(query).strip()[:200]
    if not query:
        return SearchResult(query, [], False)
    ids = set(
        SearchKey.objects.filter(key__in=search_keys.exact_keys_for_query(query)).values_list(
            "entity_id", flat=True
        )[: SEARCH_LIMIT + 1]
    )
    if not ids:
        ids = _word_match(query)
    entities = list(
        Entity.objects.filter(pk__in=list(ids)[: SEARCH_LIMIT + 1])
        .exclude(pk__in=hidden_ids(user))
        .order_by("kind", "label")
    )
    return SearchResult(query, entities[:SEARCH_LIMIT], len(entities) > SEARCH_LIMIT)


def _word_match(query: str) -> set:
    """Every word must match some key of the entity (a name, an address word, a district): one query."""
    word_keys = search_keys.word_keys_for_query(query)[:6]
    if not word_keys:
        return set()
    entities = Entity.objects.all()
    for keys in word_keys:
        entities = entities.filter(search_keys__key__in=keys)  # a separate join per word: all must match
    return set(entities.values_list("id", flat=True).distinct()[: SEARCH_LIMIT + 1])


def dashboard_counts(user) -> dict[str, int]:
    _require(user, Capability.VIEW_INTEL)
    counts = dict(Entity.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    counts.update(
        {
            f"events_{k}": n
            for k, n in visible_events(user)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        }
    )
    counts["reports_new"] = visible_reports(user).filter(status=IntelligenceReport.Status.NEW).count()
    return counts


def latest_reports(user, *, limit: int = 10) -> QuerySet[IntelligenceReport]:
    _require(user, Capability.VIEW_INTEL)
    return visible_reports(user).select_related("source").order_by("-occurred_from")[:limit]


def new_report_queue(user, *, limit: int = 20) -> QuerySet[IntelligenceReport]:
    _require(user, Capability.VIEW_INTEL)
    return (
        visible_reports(user)
        .filter(status=IntelligenceReport.Status.NEW)
        .select_related("source")
        .order_by("occurred_from")[:limit]
    )
