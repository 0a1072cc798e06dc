"""Writes to the POLE store. Each service runs in one transaction that also writes its audit entry.

Services are idempotent: ids come from normalised natural keys (``lantern.engine.ids``), so filing
the same thing twice changes nothing and writes no second audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone

from lantern.engine.ids import stable_id
from lantern.engine.normalise import (
    NormalisationError,
    display_vrm,
    normalise_email,
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    postcode_district,
    vrm_confusion_key,
)
from lantern.engine.normalise.address import address_key
from lantern.engine.normalise.text import clean_text, clean_text_arguments, clean_value
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel import search_keys
from lantern.intel.models import (
    BehaviourType,
    Entity,
    EntityKind,
    Event,
    EventKind,
    EventLink,
    Incident,
    IntelligenceReport,
    Location,
    OnlineIdentity,
    Person,
    PersonName,
    Phone,
    Postcode,
    Provenance,
    Relationship,
    ReportSourceDetail,
    SearchKey,
    Sighting,
    Source,
    Vehicle,
    Visit,
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


def _upsert(model, pk, values: dict, *, overwrite: bool = False) -> Upsert:
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
    for name in changed:
        setattr(existing, name, values[name])
    existing.save(update_fields=[*changed, "updated_at"] if hasattr(existing, "updated_at") else changed)
    return Upsert(existing, "updated", changed)


def _same(stored, given) -> bool:
    """Equal values; related rows by primary key (a Person and its Entity row are the same record)."""
    if isinstance(given, models.Model):
        return getattr(stored, "pk", None) == given.pk
    return stored == given


def _claim(
    entity: Entity, source: Source, values: dict, *, source_ref: str, actor: Actor, seen: datetime
) -> None:
    """Record which source said each non-empty value (first and last seen)."""
    for field_name, value in values.items():
        if value in ("", None):
            continue
        text = str(value)[:500]
        claim, created = Provenance.objects.get_or_create(
            entity=entity,
            field=field_name,
            value=text,
            source=source,
            defaults={
                "source_ref": source_ref,
                "recorded_by": _user(actor),
                "first_seen": seen,
                "last_seen": seen,
            },
        )
        if not created and not (claim.first_seen <= seen <= claim.last_seen):
            claim.first_seen, claim.last_seen = min(claim.first_seen, seen), max(claim.last_seen, seen)
            claim.save(update_fields=["first_seen", "last_seen"])


def _index(entity: Entity, keys: Iterable[str]) -> None:
    rows = [SearchKey(entity=entity, key=key[:220]) for key in set(keys) if key]
    SearchKey.objects.bulk_create(rows, ignore_conflicts=True)


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def _audit(actor: Actor, result: Upsert, object_type: str, summary: str) -> None:
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


@clean_text_arguments
def source_ensure(*, code: str, name: str, kind: str, actor: Actor = SYSTEM) -> Source:
    with transaction.atomic():
        source, created = Source.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        if created:
            audit_record(
                user=actor.user,
                action=AuditAction.CREATE,
                object_type="source",
                object_id=str(source.pk),
                summary=f"source {code}",
                path=actor.via,
            )
    return source


@clean_text_arguments
def person_record(
    *,
    source: Source,
    record_id: str,
    given_names: str = "",
    family_name: str = "",
    aliases: Sequence[str] = (),
    date_of_birth: date | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
    gender: str = "",
    description: str = "",
    actor: Actor = SYSTEM,
    seen: datetime | None = None,
) -> Upsert:
    """File one source's record of a person (the same source and record id update it)."""
    record_id = record_id.strip()
    if not record_id:
        raise StoreError("record_id: every person record needs the id its source gave it.")
    if not (given_names.strip() or family_name.strip() or aliases or description.strip()):
        raise StoreError(
            f"person {source.code}/{record_id}: give at least a forename, a surname, an alias or, "
            "for someone not yet identified, a description."
        )
    _check_age(date_of_birth, age_min, age_max, f"person {source.code}/{record_id}")
    label = _person_label(given_names, family_name, aliases, description)
    values = {
        "kind": EntityKind.PERSON,
        "label": label[:300],
        "source": source,
        "source_record_id": record_id,
        "given_names": given_names.strip(),
        "family_name": family_name.strip(),
        "date_of_birth": date_of_birth,
        "age_min": age_min,
        "age_max": age_max,
        "gender": gender,
        "description": description,
    }
    with transaction.atomic():
        result = _upsert(Person, stable_id("person", source.code, record_id), values, overwrite=True)
        person = result.obj
        _person_names(person, given_names, family_name, aliases)
        claims = {
            k: values[k] for k in ("given_names", "family_name", "date_of_birth", "gender", "description")
        }
        _claim(person, source, claims, source_ref=record_id, actor=actor, seen=seen or timezone.now())
        _index(person, search_keys.person_keys(given_names, family_name, aliases, date_of_birth))
        _audit(actor, result, "person", f"person record {source.code}/{record_id}")
    return result


@dataclass(frozen=True)
class PersonContacts:
    """What a person record says about where they live and how they are reached, as written."""

    address: str = ""
    postcode: str = ""
    phone: str = ""
    vrm: str = ""
    email: str = ""


@clean_text_arguments
def person_with_contacts_record(
    *, source: Source, record_id: str, contacts: PersonContacts, actor: Actor = SYSTEM, **person_fields
) -> tuple[Upsert, list[str]]:
    """File a person record and link the address, phone, vehicle and e-mail it gives.

    A malformed contact value does not lose the person: it is returned as a problem to report or
    quarantine, and everything valid is filed.
    """
    with transaction.atomic():
        result = person_record(source=source, record_id=record_id, actor=actor, **person_fields)
        problems: list[str] = []
        for kind, make in _contact_makers(contacts, source, record_id, actor):
            try:
                with transaction.atomic():
                    relationship_record(
                        kind=kind,
                        entity_a=result.obj,
                        entity_b=make().obj,
                        source=source,
                        source_ref=record_id,
                        actor=actor,
                    )
            except (StoreError, NormalisationError) as exc:
                problems.append(f"{source.code}/{record_id}: {exc}")
    return result, problems


def _contact_makers(c: PersonContacts, source: Source, ref: str, actor: Actor):
    common = {"source": source, "source_ref": ref, "actor": actor}
    if c.address.strip() or c.postcode.strip():
        yield "lives_at", lambda: location_ensure(line1=c.address, postcode=c.postcode, **common)
    if c.phone.strip():
        yield "uses_phone", lambda: phone_ensure(number=c.phone, **common)
    if c.vrm.strip():
        yield "uses_vehicle", lambda: vehicle_ensure(vrm=c.vrm, **common)
    if c.email.strip():
        yield "uses_identity", lambda: identity_ensure(platform="email", handle=c.email, **common)


def _person_label(given: str, family: str, aliases: Sequence[str], description: str) -> str:
    named = " ".join(part for part in (given.strip(), family.strip().upper()) if part)
    if named:
        return named[:300]
    if aliases:
        return f"'{aliases[0].strip()}'"[:300]
    return f"Unidentified: {description.strip()}"[:300]


def _check_age(dob: date | None, age_min: int | None, age_max: int | None, where: str) -> None:
    today = timezone.localdate()
    if dob is not None and not (date(1900, 1, 1) <= dob <= today):
        raise StoreError(f"{where}: date of birth {dob.isoformat()} is not between 1900-01-01 and today.")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise StoreError(f"{where}: age range {age_min}-{age_max} has its lower bound above its upper bound.")
    if any(age is not None and not 0 <= age <= 120 for age in (age_min, age_max)):
        raise StoreError(f"{where}: ages must be between 0 and 120.")


def _person_names(person: Person, given: str, family: str, aliases: Sequence[str]) -> None:
    wanted = [(f"{given} {family}".strip(), PersonName.Kind.PRIMARY)]
    wanted += [(alias.strip(), PersonName.Kind.ALIAS) for alias in aliases if alias.strip()]
    PersonName.objects.bulk_create(
        [PersonName(person=person, name=name[:300], kind=kind) for name, kind in wanted if name],
        ignore_conflicts=True,
    )


@clean_text_arguments
def vehicle_ensure(
    *,
    vrm: str,
    make: str = "",
    model: str = "",
    colour: str = "",
    source: Source,
    source_ref: str = "",
    actor: Actor = SYSTEM,
    seen: datetime | None = None,
) -> Upsert:
    norm = normalise_vrm(vrm)
    values = {
        "kind": EntityKind.VEHICLE,
        "label": display_vrm(norm),
        "vrm": norm,
        "confusion_key": vrm_confusion_key(norm),
        "make": make.strip(),
        "model": model.strip(),
        "colour": colour.strip().lower(),
    }
    with transaction.atomic():
        result = _upsert(Vehicle, stable_id("vehicle", norm), values)
        claims = {"vrm_as_written": vrm.strip(), "make": make, "model": model, "colour": colour}
        _claim(result.obj, source, claims, source_ref=source_ref, actor=actor, seen=seen or timezone.now())
        _index(result.obj, search_keys.vehicle_keys(norm))
        _audit(actor, result, "vehicle", f"vehicle {values['label']}")
    return result


@clean_text_arguments
def phone_ensure(
    *, number: str, source: Source, source_ref: str = "", actor: Actor = SYSTEM, seen: datetime | None = None
) -> Upsert:
    e164 = normalise_phone(number)
    values = {"kind": EntityKind.PHONE, "label": search_keys.phone_label(e164), "e164": e164}
    with transaction.atomic():
        result = _upsert(Phone, stable_id("phone", e164), values)
        _claim(
            result.obj,
            source,
            {"number_as_written": number.strip()},
            source_ref=source_ref,
            actor=actor,
            seen=seen or timezone.now(),
        )
        _index(result.obj, search_keys.phone_keys(e164))
        _audit(actor, result, "phone", f"phone {e164}")
    return result


@clean_text_arguments
def identity_ensure(
    *,
    platform: str,
    handle: str,
    url: str = "",
    source: Source,
    source_ref: str = "",
    actor: Actor = SYSTEM,
    seen: datetime | None = None,
) -> Upsert:
    platform_key = platform.strip().lower()
    if not platform_key:
        raise StoreError("platform: say where the identity is used (a website, app or 'email').")
    norm = normalise_email(handle) if platform_key == "email" else normalise_handle(handle)
    values = {
        "kind": EntityKind.IDENTITY,
        "label": f"{norm} ({platform_key})"[:300],
        "platform": platform_key,
        "handle": norm,
        "url": url.strip(),
    }
    with transaction.atomic():
        result = _upsert(OnlineIdentity, stable_id("identity", platform_key, norm), values)
        _claim(
            result.obj,
            source,
            {"handle": handle.strip(), "url": url},
            source_ref=source_ref,
            actor=actor,
            seen=seen or timezone.now(),
        )
        _index(result.obj, search_keys.identity_keys(platform_key, norm))
        _audit(actor, result, "identity", f"online identity {values['label']}")
    return result


@clean_text_arguments
def location_ensure(
    *,
    line1: str = "",
    line2: str = "",
    town: str = "",
    postcode: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    uprn: str = "",
    location_kind: str = Location.Kind.RESIDENCE,
    source: Source,
    source_ref: str = "",
    actor: Actor = SYSTEM,
    seen: datetime | None = None,
) -> Upsert:
    """A place, keyed on its UPRN if known, else its postcode and first address line."""
    pc = normalise_postcode(postcode) if postcode.strip() else ""
    if not (uprn.strip() or pc or line1.strip()):
        raise StoreError("location: give a postcode, an address line or a UPRN.")
    _check_coordinates(latitude, longitude)
    if latitude is None and pc:
        latitude, longitude = _centroid(pc)
    key = ("uprn", uprn.strip()) if uprn.strip() else ("address", pc, address_key(f"{line1} {line2}"))
    label = ", ".join(part for part in (line1.strip(), line2.strip(), town.strip(), pc) if part)
    values = {
        "kind": EntityKind.LOCATION,
        "label": label[:300],
        "line1": line1.strip(),
        "line2": line2.strip(),
        "town": town.strip(),
        "postcode": pc,
        "latitude": latitude,
        "longitude": longitude,
        "uprn": uprn.strip(),
        "location_kind": location_kind,
    }
    with transaction.atomic():
        result = _upsert(Location, stable_id("location", *key), values)
        claims = {"address_as_written": f"{line1} {line2} {town} {postcode}".strip(), "uprn": uprn}
        _claim(result.obj, source, claims, source_ref=source_ref, actor=actor, seen=seen or timezone.now())
        _index(result.obj, search_keys.location_keys(pc, line1, uprn))
        _audit(actor, result, "location", f"location {label}")
    return result


def _check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise StoreError("location: give both latitude and longitude, or neither.")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise StoreError(f"location: ({latitude}, {longitude}) is not a latitude/longitude pair.")


def _centroid(postcode: str) -> tuple[float | None, float | None]:
    row = Postcode.objects.filter(postcode=postcode).values_list("latitude", "longitude").first()
    return row if row else (None, None)


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
            recorded_by=_user(actor),
            **data.details,
        )
        _event_extras(event, data)
        result = Upsert(event, "created", ["links"])
        _audit(actor, result, data.kind, f"{data.kind} {data.source.code}/{data.source_ref}")
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


@clean_text_arguments
def relationship_record(
    *,
    kind: str,
    entity_a: Entity,
    entity_b: Entity,
    source: Source,
    source_ref: str = "",
    start: date | None = None,
    end: date | None = None,
    actor: Actor = SYSTEM,
) -> Upsert:
    if kind not in Relationship.Kind.values:
        raise StoreError(f"relationship kind {kind!r} is not one of {', '.join(Relationship.Kind.values)}.")
    if start and end and end < start:
        raise StoreError(f"relationship {kind}: it ends ({end}) before it starts ({start}).")
    pk = stable_id("relationship", kind, entity_a.pk, entity_b.pk, source.code, start)
    values = {
        "kind": kind,
        "entity_a": entity_a,
        "entity_b": entity_b,
        "source": source,
        "source_ref": source_ref,
        "start": start,
        "end": end,
        "recorded_by": _user(actor),
    }
    with transaction.atomic():
        result = _upsert(Relationship, pk, values)
        _audit(actor, result, "relationship", f"{entity_a.label} {kind} {entity_b.label}")
    return result


def behaviour_vocabulary_load(entries: Iterable[dict], *, version: str, actor: Actor = SYSTEM) -> int:
    """Load or update the behaviour and offence vocabulary (a versioned configuration file)."""
    count = 0
    with transaction.atomic():
        for entry in entries:
            _check_behaviour(entry)
            BehaviourType.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name": entry["name"],
                    "category": entry["category"],
                    "severity": entry["severity"],
                    "harm_days": entry.get("harm_days", 0),
                    "vocabulary_version": version,
                },
            )
            count += 1
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type="vocabulary",
            object_id=version,
            summary=f"behaviour vocabulary {version}: {count} entries",
            path=actor.via,
        )
    return count


def _check_behaviour(entry: dict) -> None:
    missing = {"code", "name", "category", "severity"} - set(entry)
    if missing:
        raise StoreError(f"vocabulary entry {entry.get('code', '?')}: missing {', '.join(sorted(missing))}.")
    severity, harm_days = entry["severity"], entry.get("harm_days", 0)
    if (severity is not None and not 1 <= int(severity) <= 10) or harm_days is None or int(harm_days) < 0:
        raise StoreError(
            f"vocabulary entry {entry['code']}: severity must be 1-10 (or empty for an offence) "
            "and harm_days 0 or more."
        )
    if severity is None and entry["category"] != "offence":
        raise StoreError(f"vocabulary entry {entry['code']}: a behaviour needs a severity from 1 to 10.")
    if entry["category"] not in BehaviourType.Category.values:
        raise StoreError(f"vocabulary entry {entry['code']}: category must be behaviour or offence.")


def postcodes_load(rows: Iterable[tuple[str, float, float]], *, batch_size: int = 5000) -> int:
    """Bulk-load gazetteer rows (already normalised); existing postcodes get their new centroid."""
    batch: list[Postcode] = []
    total = 0
    for pc, lat, lon in rows:
        batch.append(Postcode(postcode=pc, latitude=lat, longitude=lon, district=postcode_district(pc)))
        if len(batch) >= batch_size:
            total += _flush_postcodes(batch)
            batch = []
    return total + (_flush_postcodes(batch) if batch else 0)


def _flush_postcodes(batch: list[Postcode]) -> int:
    Postcode.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["latitude", "longitude", "district"],
    )
    return len(batch)


__all__ = [
    "Actor",
    "EventInput",
    "PersonContacts",
    "StoreError",
    "Upsert",
    "behaviour_vocabulary_load",
    "event_record",
    "identity_ensure",
    "location_ensure",
    "person_record",
    "person_with_contacts_record",
    "phone_ensure",
    "postcodes_load",
    "relationship_record",
    "source_ensure",
    "vehicle_ensure",
]
