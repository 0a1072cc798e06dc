"""Files a generated demo world into the store through the same services every other writer uses.

Running it twice changes nothing: every id is deterministic (see ``lantern.engine.ids``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from lantern.demo.records import EntityRef, EventRecord, World
from lantern.engine.normalise import NormalisationError
from lantern.evidence.services import camera_ensure
from lantern.intel import services
from lantern.intel.models import Entity, Location, Source
from lantern.intel.services import Actor, EventInput, StoreError
from lantern.orders.models import ConditionKind
from lantern.orders.services import ConditionInput, order_create

Progress = Callable[[str, int], None]  # (stage, items done in this call)

_SOURCE_KINDS = {
    "police": "police",
    "partner": "partner",
    "public": "public",
    "anpr": "anpr",
    "officer": "officer",
}


@dataclass
class LoadSummary:
    created: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def count(self, result: services.Upsert) -> None:
        self.count_new(result.status != "unchanged")

    def count_new(self, new: bool) -> None:
        self.created += int(new)
        self.unchanged += int(not new)


class WorldLoader:
    """Loads one world; keeps the map from world keys to stored entities."""

    def __init__(self, world: World, *, actor: Actor, progress: Progress | None = None) -> None:
        self.world = world
        self.actor = actor
        self.progress = progress or (lambda stage, n: None)
        self.sources: dict[str, Source] = {}
        self.entities: dict[tuple[str, str], Entity] = {}
        self.summary = LoadSummary()

    def total_items(self) -> int:
        w = self.world
        return sum(
            map(
                len,
                (
                    w.persons,
                    w.vehicles,
                    w.phones,
                    w.identities,
                    w.locations,
                    w.events,
                    w.relationships,
                    w.cameras,
                    w.orders,
                ),
            )
        )

    def load(self) -> LoadSummary:
        self._sources()
        self._stage("people", self.world.persons, self._person)
        self._stage("vehicles", self.world.vehicles, self._vehicle)
        self._stage("phones", self.world.phones, self._phone)
        self._stage("online identities", self.world.identities, self._identity)
        self._stage("places", self.world.locations, self._location)
        self._stage("events", self.world.events, self._event)
        self._stage("relationships", self.world.relationships, self._relationship)
        self._stage("cameras", self.world.cameras, self._camera)
        self._stage("orders", self.world.orders, self._order)
        return self.summary

    def _stage(self, name: str, records: list, load_one: Callable) -> None:
        for record in records:
            try:
                load_one(record)
            except (StoreError, NormalisationError) as exc:
                # A bad record is reported and skipped; the rest of the world still loads.
                self.summary.problems.append(f"{name} {getattr(record, 'key', '?')}: {exc}")
            self.progress(name, 1)

    def _sources(self) -> None:
        for record in self.world.sources:
            self.sources[record.code] = services.source_ensure(
                code=record.code,
                name=record.name,
                kind=_SOURCE_KINDS.get(record.kind, "demo"),
                actor=self.actor,
            )

    def _keep(self, kind: str, key: str, result: services.Upsert) -> None:
        self.entities[(kind, key)] = result.obj
        self.summary.count(result)

    def _ref(self, ref: EntityRef) -> Entity:
        try:
            return self.entities[(ref.kind, ref.key)]
        except KeyError:
            raise StoreError(f"refers to {ref.kind} {ref.key}, which was not loaded") from None

    def _person(self, r) -> None:
        contacts = services.PersonContacts(
            address=r.address, postcode=r.postcode, phone=r.phone, vrm=r.vrm, email=r.email
        )
        result, problems = services.person_with_contacts_record(
            source=self.sources[r.source],
            record_id=r.record_id,
            contacts=contacts,
            actor=self.actor,
            given_names=r.given_names,
            family_name=r.family_name,
            aliases=r.aliases,
            date_of_birth=r.date_of_birth,
            age_min=r.age_min,
            age_max=r.age_max,
            gender=r.gender,
            description=r.description,
        )
        self.summary.problems.extend(problems)
        self._keep("person", r.key, result)

    def _vehicle(self, r) -> None:
        result = services.vehicle_ensure(
            vrm=r.vrm,
            make=r.make,
            model=r.model,
            colour=r.colour,
            source=self._demo_source(),
            source_ref=r.key,
            actor=self.actor,
        )
        self._keep("vehicle", r.key, result)

    def _phone(self, r) -> None:
        result = services.phone_ensure(
            number=r.number, source=self._demo_source(), source_ref=r.key, actor=self.actor
        )
        self._keep("phone", r.key, result)

    def _identity(self, r) -> None:
        result = services.identity_ensure(
            platform=r.platform,
            handle=r.handle,
            url=r.url,
            source=self._demo_source(),
            source_ref=r.key,
            actor=self.actor,
        )
        self._keep("identity", r.key, result)

    def _location(self, r) -> None:
        result = services.location_ensure(
            line1=r.line1,
            line2=r.line2,
            town=r.town,
            postcode=r.postcode,
            latitude=r.latitude,
            longitude=r.longitude,
            location_kind=r.kind,
            source=self._demo_source(),
            source_ref=r.key,
            actor=self.actor,
        )
        self._keep("location", r.key, result)

    def _event(self, r: EventRecord) -> None:
        location = self.entities.get(("location", r.location)) if r.location else None
        data = EventInput(
            kind=r.kind,
            source=self.sources[r.source],
            source_ref=r.key,
            occurred_from=r.occurred_from,
            occurred_to=r.occurred_to,
            location=location if isinstance(location, Location) else None,
            summary=_event_summary(r),
            links=[(link.role, self._ref(link.entity)) for link in r.links],
            details=_event_details(r),
            behaviours=r.behaviours if r.kind == "incident" else (),
            source_details=r.source_details if r.kind == "report" else "",
        )
        result = services.event_record(data, actor=self.actor)
        self.summary.count(result)
        if r.kind == "report" and r.behaviours:
            # A report that describes what someone did becomes an incident too, as triage would record it.
            incident = replace(
                data,
                kind="incident",
                source_ref=f"{r.key}/incident",
                behaviours=r.behaviours,
                details={"description": data.details["sanitised_text"], "from_report": result.obj},
                source_details="",
            )
            self.summary.count(services.event_record(incident, actor=self.actor))

    def _relationship(self, r) -> None:
        result = services.relationship_record(
            kind=r.kind,
            entity_a=self._ref(r.a),
            entity_b=self._ref(r.b),
            source=self.sources[r.source],
            source_ref=r.key,
            start=r.start,
            end=r.end,
            actor=self.actor,
        )
        self.summary.count(result)

    def _camera(self, r) -> None:
        _, created = camera_ensure(
            camera_id=r.camera_id,
            latitude=r.latitude,
            longitude=r.longitude,
            description=r.description,
            actor=self.actor,
        )
        self.summary.count_new(created)

    def _order(self, r) -> None:
        subject = self._ref(EntityRef("person", r.subject))
        vehicles = [self._ref(EntityRef("vehicle", key)) for key in r.registered_vehicles]
        _, created = order_create(
            reference=r.key,
            order_type=r.order_type,
            subject=subject,
            applicant=r.applicant,
            court=r.court,
            made_on=r.made_on,
            effective_from=r.effective_from,
            expires_on=r.expires_on,
            conditions=_order_conditions(r, vehicles),
            actor=self.actor,
        )
        self.summary.count_new(created)

    def _demo_source(self) -> Source:
        return self.sources.get("demo-objects") or services.source_ensure(
            code="demo-objects", name="Demo world (objects and places)", kind="demo", actor=self.actor
        )


def _event_summary(r: EventRecord) -> str:
    """A one-line summary that never reveals the source: the sanitised text where there is one."""
    text = r.sanitised_text or r.text or r.outcome or r.kind
    first_line = text.strip().splitlines()[0] if text.strip() else r.kind
    return first_line if len(first_line) <= 140 else first_line[:137].rstrip() + "..."


def _event_details(r: EventRecord) -> dict:
    if r.kind == "report":
        return {
            "text": r.text,
            "sanitised_text": r.sanitised_text or r.text,
            "source_type": r.source_type,
            "source_evaluation": r.source_evaluation,
            "intelligence_assessment": r.intelligence_assessment,
            "handling_code": r.handling_code,
        }
    if r.kind == "incident":
        return {"description": r.text}
    if r.kind == "sighting":
        return {"via": r.sighting_source or "officer", "confidence": r.confidence}
    return {"visit_type": r.visit_type or "premises", "outcome": r.outcome or r.text}


def _order_conditions(r, vehicles: list[Entity]) -> list[ConditionInput]:
    windows = [{"start": w.start, "end": w.end, "days": list(w.days)} for w in r.windows]
    window_text = " and ".join(f"{w.start}-{w.end}" for w in r.windows) or "at any time"
    return [
        ConditionInput(
            number=1,
            kind=ConditionKind.EXCLUSION_ZONE,
            wording=f"Not to enter the area marked on the map ({r.zone_name}) between {window_text}.",
            spec={
                "name": r.zone_name,
                "geojson": r.zone_geojson,
                "windows": windows,
                "timezone": "Europe/London",
            },
        ),
        ConditionInput(
            number=2,
            kind=ConditionKind.VEHICLE_NOTIFICATION,
            wording=(
                f"To notify the police of any vehicle he uses, and of any change, "
                f"within {r.notify_within_days} days."
            ),
            spec={
                "notify_within_days": r.notify_within_days,
                "vehicles": [
                    {"vehicle_id": str(v.pk), "vrm": v.vrm, "registered_from": r.effective_from.isoformat()}
                    for v in vehicles
                ],
            },
        ),
    ]
