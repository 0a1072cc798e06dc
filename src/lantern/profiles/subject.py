"""The subject profile: one person, gathered for a page and for a PDF an analyst attaches to an order
application or a briefing.

Identity, aliases, identifiers, timeline, associates, vehicles, orders with their breach alerts, and
risk with its explanation, from every record resolved as this person. Everything is read through
the selectors, which apply the acting user's access: a record restricted from them is "not found",
risk only for those who may see risk, orders only for those who may see orders. What is never
here: who a source is (reporters, source details, report text as received) and the text of a
report whose handling code carries conditions (C), which is counted with a note instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.safestring import SafeString

from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import HandlingCode, Person, PersonName
from lantern.intel.selectors import entity_get
from lantern.orders.models import BreachAlert, Order, OrderCondition
from lantern.profiles import subject_links
from lantern.profiles.subject_links import Linked, Timeline
from lantern.resolution.models import Membership
from lantern.risk.charts import severity_chart
from lantern.risk.models import PersonRisk, SubjectRisk
from lantern.risk.selectors import risk_for_entity

CLASSIFICATION = "OFFICIAL-SENSITIVE"
RECENT_ALERTS = 25
# Most restrictive first: the marking carries the first of these among the reports quoted.
_CODE_ORDER = (HandlingCode.C, HandlingCode.P)


@dataclass(frozen=True)
class Record:
    """One source's record of the person."""

    pk: UUID
    label: str
    source: str
    source_record_id: str
    date_of_birth: date | None
    gender: str


@dataclass(frozen=True)
class Name:
    name: str
    kind: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class AlertSummary:
    status: str
    count: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class OrderEntry:
    order: Order
    conditions: list[OrderCondition]
    alerts: list[AlertSummary]  # by status


@dataclass(frozen=True)
class Orders:
    orders: list[OrderEntry]
    recent_alerts: list[BreachAlert] | None  # None: the user may not review alerts


@dataclass(frozen=True)
class Risk:
    subject: SubjectRisk | None
    chart: SafeString | str
    at_risk: PersonRisk | None


@dataclass(frozen=True)
class SubjectProfile:
    person: Person
    name: str
    dates_of_birth: list[tuple[date, tuple[str, ...]]]  # each date once, with the sources giving it
    gender: str
    records: list[Record]
    names: list[Name]
    identifiers: list[Linked]
    timeline: Timeline
    associates: list[Linked]
    vehicles: list[Linked]
    orders: Orders | None  # None: the user may not see orders
    risk: Risk | None  # None: the user may not see risk
    marking: str
    generated_at: datetime
    generated_by: str

    @property
    def record_ids(self) -> list[UUID]:
        return [r.pk for r in self.records]


def subject_profile(user, person_pk: UUID) -> SubjectProfile:
    """Everything the user may see about the person whose record is ``person_pk``."""
    person = entity_get(user, kind="person", pk=person_pk)  # 404 when restricted from the user
    people = records_of(user, person)
    ids = [p.pk for p in people]
    events = subject_links.timeline(user, ids)
    linked = subject_links.linked_entities(user, ids, [e.event_id for e in events.entries])
    return SubjectProfile(
        person=person,
        name=person.label,
        dates_of_birth=_dates_of_birth(people),
        gender=person.get_gender_display(),
        records=[_record(p) for p in people],
        names=_names(people),
        identifiers=subject_links.identifiers(linked),
        timeline=events,
        associates=subject_links.associates(linked),
        vehicles=subject_links.vehicles(linked),
        orders=_orders(user, ids),
        risk=_risk(user, person),
        marking=marking(events.quoted_codes),
        generated_at=timezone.now(),
        generated_by=user.get_full_name() or user.get_username(),
    )


def records_of(user, person: Person) -> list[Person]:
    """The record opened first, then every other record resolved with it that the user may see."""
    cluster = Membership.objects.filter(entity_id=person.pk).values_list("cluster_id", flat=True).first()
    if cluster is None:
        return [person]
    others = (
        Person.objects.filter(membership__cluster_id=cluster)
        .exclude(pk=person.pk)
        .exclude(pk__in=hidden_ids(user))
        .select_related("source")
        .prefetch_related("names")
        .order_by("source__name", "source_record_id")
    )
    return [person, *others]


def _record(person: Person) -> Record:
    return Record(
        person.pk,
        person.label,
        person.source.name,
        person.source_record_id,
        person.date_of_birth,
        person.get_gender_display(),
    )


def _dates_of_birth(people: list[Person]) -> list[tuple[date, tuple[str, ...]]]:
    """The dates the records give, the opened record's first: sources disagree, and that matters."""
    found: dict[date, list[str]] = {}
    for person in people:
        if person.date_of_birth is not None:
            sources = found.setdefault(person.date_of_birth, [])
            if person.source.name not in sources:
                sources.append(person.source.name)
    return [(day, tuple(sources)) for day, sources in found.items()]


def _names(people: list[Person]) -> list[Name]:
    """Each name once (ignoring case and spacing), with every source that recorded it."""
    found: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for person in people:
        for name in person.names.all():
            key = (" ".join(name.name.casefold().split()), name.kind)
            sources = found.setdefault(key, (name.name, []))[1]  # the first spelling is shown
            if person.source.name not in sources:
                sources.append(person.source.name)
    kinds = dict(PersonName.Kind.choices)
    return sorted(
        (Name(shown, kinds.get(kind, kind), tuple(sources)) for (_, kind), (shown, sources) in found.items()),
        key=lambda n: (n.kind != PersonName.Kind.PRIMARY.label, n.name.casefold()),
    )


def _orders(user, record_ids: list[UUID]) -> Orders | None:
    if not has_capability(user, Capability.VIEW_ORDERS):
        return None
    orders = list(
        Order.objects.filter(subject_id__in=record_ids)
        .prefetch_related("conditions")
        .order_by("-effective_from", "reference")
    )
    by_order: dict[UUID, list[AlertSummary]] = {o.pk: [] for o in orders}
    counts = (
        BreachAlert.objects.filter(order__in=orders)
        .values("order_id", "status")
        .annotate(n=Count("pk"), first=Min("first_at"), last=Max("last_at"))
        .order_by("order_id", "status")
    )
    statuses = dict(BreachAlert.Status.choices)
    for row in counts:
        by_order[row["order_id"]].append(
            AlertSummary(statuses.get(row["status"], row["status"]), row["n"], row["first"], row["last"])
        )
    recent = None
    if has_capability(user, Capability.REVIEW_ALERTS):
        recent = list(
            BreachAlert.objects.filter(order__in=orders)
            .select_related("order")
            .order_by("-first_at", "pk")[:RECENT_ALERTS]
        )
    return Orders([OrderEntry(o, list(o.conditions.all()), by_order[o.pk]) for o in orders], recent)


def _risk(user, person: Person) -> Risk | None:
    if not has_capability(user, Capability.VIEW_RISK):
        return None
    found = risk_for_entity(user, person)  # keyed by the person's cluster, as the run scored him
    subject = found.get("subject")
    chart = severity_chart(subject.detail, subject.label) if subject is not None else ""
    return Risk(subject, chart, found.get("at_risk"))


def marking(quoted_codes) -> str:
    """The protective marking: the most restrictive handling code among the reports quoted."""
    code = next((c for c in _CODE_ORDER if c in quoted_codes), HandlingCode.P)
    return f"{CLASSIFICATION} — handling code {code!s}"
