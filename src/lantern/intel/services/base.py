"""What every store service shares: the actor, errors, idempotent upserts, provenance, audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.models import (
    Entity,
    Provenance,
    SearchKey,
    Source,
)


class StoreError(ValueError):
    """Input the store cannot file, with a message saying which field and why."""


@dataclass(frozen=True)
class Actor:
    """Who is writing and from where (a page path or a command line), for the audit trail."""

    user: object = None
    via: str = ""


SYSTEM = Actor(via="system")


@dataclass
class Upsert:
    obj: object
    status: str  # "created", "updated" or "unchanged"
    changed: list[str] = field(default_factory=list)
    previous: dict = field(default_factory=dict)  # the changed fields' values before the update


def upsert(model, pk, values: dict, *, overwrite: bool = False) -> Upsert:
    """Create the row, or fill in what it lacks.

    Shared entities (a vehicle, a phone, a place) are described by many sources in many spellings:
    the first non-blank value stays on the entity and every variant is kept in ``Provenance``, so a
    rerun in any order changes nothing. A source updating its *own* record (``overwrite=True``)
    replaces values; blanks never erase.
    """
    existing = model.objects.filter(pk=pk).first()
    if existing is None:
        # id=, not pk=: on a child of Entity or Event, pk is the parent link; the parent's id would be random.
        return Upsert(model.objects.create(id=pk, **values), "created", list(values))
    changed = [
        name
        for name, value in values.items()
        if value not in ("", None)
        and not _same(getattr(existing, name), value)
        and (overwrite or getattr(existing, name) in ("", None))
    ]
    if not changed:
        return Upsert(existing, "unchanged")
    previous = {name: getattr(existing, name) for name in changed}
    for name in changed:
        setattr(existing, name, values[name])
    existing.save(update_fields=[*changed, "updated_at"] if hasattr(existing, "updated_at") else changed)
    return Upsert(existing, "updated", changed, previous)


def _same(stored, given) -> bool:
    """Equal values; related rows by primary key (a Person and its Entity row are the same record)."""
    if isinstance(given, models.Model):
        return getattr(stored, "pk", None) == given.pk
    return stored == given


def claim(
    entity: Entity, source: Source, values: dict, *, source_ref: str, actor: Actor, seen: datetime
) -> None:
    """Record which source said each non-empty value (first and last seen), in two or three queries."""
    said = {(name, str(value)[:500]) for name, value in values.items() if value not in ("", None)}
    if not said:
        return
    known = {
        (row.field, row.value): row
        for row in Provenance.objects.filter(
            entity=entity, source=source, field__in={name for name, _ in said}
        )
    }
    Provenance.objects.bulk_create(
        [
            Provenance(
                entity=entity,
                field=name,
                value=value,
                source=source,
                source_ref=source_ref,
                recorded_by=acting_user(actor),
                first_seen=seen,
                last_seen=seen,
            )
            for name, value in said - known.keys()
        ],
        ignore_conflicts=True,  # a concurrent writer may have said the same thing a moment ago
    )
    widened = [
        row for key, row in known.items() if key in said and not row.first_seen <= seen <= row.last_seen
    ]
    for row in widened:
        row.first_seen, row.last_seen = min(row.first_seen, seen), max(row.last_seen, seen)
    if widened:
        Provenance.objects.bulk_update(widened, ["first_seen", "last_seen"])


def index_keys(entity: Entity, keys: Iterable[str]) -> None:
    rows = [SearchKey(entity=entity, key=key[:220]) for key in set(keys) if key]
    SearchKey.objects.bulk_create(rows, ignore_conflicts=True)


def acting_user(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def audit_write(actor: Actor, result: Upsert, object_type: str, summary: str) -> None:
    if result.status == "unchanged":
        return
    action = AuditAction.CREATE if result.status == "created" else AuditAction.UPDATE
    audit_record(
        user=actor.user,
        action=action,
        object_type=object_type,
        object_id=str(result.obj.pk),
        summary=summary,
        path=actor.via,
        detail={"fields": result.changed},
    )


@dataclass(frozen=True)
class Said:
    """Who said it: the source, its own reference, and the actor filing it."""

    source: Source
    source_ref: str
    actor: Actor
    seen: datetime | None = None


def file_entity(
    model, pk, values: dict, *, claims: dict, keys: Iterable[str], said: Said, **upsert_options
) -> Upsert:
    """Upsert an entity, record its provenance and search keys, and audit it, in one transaction."""
    with transaction.atomic():
        result = upsert(model, pk, values, **upsert_options)
        claim(
            result.obj,
            said.source,
            claims,
            source_ref=said.source_ref,
            actor=said.actor,
            seen=said.seen or timezone.now(),
        )
        index_keys(result.obj, keys)
        audit_write(said.actor, result, values["kind"], f"{values['kind']} {values['label']}")
    return result
