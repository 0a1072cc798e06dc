"""Everything Lantern holds about one person, for a subject access request (UK GDPR Art. 15 / DPA 2018
Part 3): the person's records (every record resolved with it), names, events and their roles,
relationships, and who has looked at or changed those records. The reviewer decides what may be
released (exemptions protect sources and investigations); this gathers it, it does not redact."""

from __future__ import annotations

from lantern.governance.models import AuditEntry
from lantern.intel.models import EventLink, Person, Relationship
from lantern.resolution.models import Membership


def records_of(person: Person) -> list[Person]:
    """The person's own record and every record resolved with it."""
    cluster = Membership.objects.filter(entity_id=person.pk).values_list("cluster_id", flat=True).first()
    if cluster is None:
        return [person]
    members = Membership.objects.filter(cluster_id=cluster, entity__kind="person").values_list(
        "entity_id", flat=True
    )
    return list(Person.objects.filter(pk__in=list(members)).select_related("source").order_by("pk"))


def subject_access_export(person: Person) -> dict:
    records = records_of(person)
    ids = [r.pk for r in records]
    return {
        "subject": person.label,
        "records": [_record(r) for r in records],
        "events": [
            {
                "event_id": str(link.event_id),
                "kind": link.event.kind,
                "occurred": link.event.occurred_from.isoformat(),
                "summary": link.event.summary,
                "role": link.role,
                "source": link.event.source.name,
            }
            for link in EventLink.objects.filter(entity_id__in=ids)
            .select_related("event__source")
            .order_by("event__occurred_from")
        ],
        "relationships": [
            {
                "kind": rel.kind,
                "from": rel.entity_a.label,
                "to": rel.entity_b.label,
                "start": rel.start.isoformat() if rel.start else None,
                "end": rel.end.isoformat() if rel.end else None,
                "source": rel.source.name,
            }
            for rel in Relationship.objects.filter(entity_a_id__in=ids).select_related(
                "entity_a", "entity_b", "source"
            )
            | Relationship.objects.filter(entity_b_id__in=ids).select_related(
                "entity_a", "entity_b", "source"
            )
        ],
        "access_log": [
            {
                "at": e.at.isoformat(),
                "user": e.username or "system",
                "action": e.action,
                "record": e.object_id,
                "page": e.path,
            }
            for e in AuditEntry.objects.filter(object_id__in=[str(i) for i in ids]).order_by("sequence")
        ],
    }


def _record(person: Person) -> dict:
    return {
        "record_id": str(person.pk),
        "source": person.source.name,
        "source_record_id": person.source_record_id,
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "nationality": person.nationality,
        "religion": person.religion,
        "description": person.description,
        "names": list(person.names.values("name", "kind")),
    }
