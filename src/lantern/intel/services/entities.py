"""Persons, objects (vehicles, phones, online identities), places, and the relationships between them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
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
    vrm_confusion_key,
)
from lantern.engine.normalise.address import address_key
from lantern.engine.normalise.text import clean_text_arguments
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel import search_keys
from lantern.intel.models import (
    Entity,
    EntityKind,
    Location,
    OnlineIdentity,
    Person,
    PersonName,
    Phone,
    Postcode,
    Relationship,
    Source,
    Vehicle,
)
from lantern.intel.services.base import (
    SYSTEM,
    Actor,
    Said,
    StoreError,
    Upsert,
    acting_user,
    audit_write,
    claim,
    file_entity,
    upsert,
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
        # A source re-sending its own record updates it (overwrite); blanks still never erase.
        # The record is itself the source's claim, so provenance keeps only the values it replaced.
        result = file_entity(
            Person,
            stable_id("person", source.code, record_id),
            values,
            claims={},
            keys=search_keys.person_keys(given_names, family_name, aliases, date_of_birth),
            said=Said(source, record_id, actor, seen),
            overwrite=True,
        )
        person = result.obj
        stands = _person_label(person.given_names, person.family_name, aliases, person.description)
        if person.label != stands[:300]:  # blanks in this version did not erase, so neither may the label
            person.label = stands[:300]
            person.save(update_fields=["label"])
        superseded = {k: v for k, v in result.previous.items() if k in SUPERSEDED_FIELDS}
        claim(result.obj, source, superseded, source_ref=record_id, actor=actor, seen=seen or timezone.now())
        _person_names(result.obj, given_names, family_name, aliases)
    return result


# The fields of a person record whose earlier values are kept (as provenance) when the source updates it.
SUPERSEDED_FIELDS = ("given_names", "family_name", "date_of_birth", "gender", "description")


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
    claims = {"vrm_as_written": vrm.strip(), "make": make, "model": model, "colour": colour}
    return file_entity(
        Vehicle,
        stable_id("vehicle", norm),
        values,
        claims=claims,
        keys=search_keys.vehicle_keys(norm),
        said=Said(source, source_ref, actor, seen),
    )


@clean_text_arguments
def phone_ensure(
    *, number: str, source: Source, source_ref: str = "", actor: Actor = SYSTEM, seen: datetime | None = None
) -> Upsert:
    e164 = normalise_phone(number)
    values = {"kind": EntityKind.PHONE, "label": search_keys.phone_label(e164), "e164": e164}
    return file_entity(
        Phone,
        stable_id("phone", e164),
        values,
        claims={"number_as_written": number.strip()},
        keys=search_keys.phone_keys(e164),
        said=Said(source, source_ref, actor, seen),
    )


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
    return file_entity(
        OnlineIdentity,
        stable_id("identity", platform_key, norm),
        values,
        claims={"handle": handle.strip(), "url": url},
        keys=search_keys.identity_keys(platform_key, norm),
        said=Said(source, source_ref, actor, seen),
    )


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
    claims = {"address_as_written": f"{line1} {line2} {town} {postcode}".strip(), "uprn": uprn}
    return file_entity(
        Location,
        stable_id("location", *key),
        values,
        claims=claims,
        keys=search_keys.location_keys(pc, line1, uprn),
        said=Said(source, source_ref, actor, seen),
    )


def _check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise StoreError("location: give both latitude and longitude, or neither.")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise StoreError(f"location: ({latitude}, {longitude}) is not a latitude/longitude pair.")


def _centroid(postcode: str) -> tuple[float | None, float | None]:
    row = Postcode.objects.filter(postcode=postcode).values_list("latitude", "longitude").first()
    return row if row else (None, None)


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
        "recorded_by": acting_user(actor),
    }
    with transaction.atomic():
        result = upsert(Relationship, pk, values)
        audit_write(actor, result, "relationship", f"{entity_a.label} {kind} {entity_b.label}")
    return result
