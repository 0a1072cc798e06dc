"""The store as the risk engine's inputs: only what a police user may see, keyed by resolved entity.

Reports whose reporter has not consented to police use are left out, with the incidents recorded
from them. Entities are keyed by their resolution cluster where one exists, so three records of
one man are one subject. Only the columns listed in ``engine.risk.inputs.SCHEMAS`` are read: no
name, sex, ethnicity, nationality or religion ever reaches a person's score.
"""

from __future__ import annotations

from collections.abc import Iterable

from lantern.engine.risk.inputs import RiskInputs
from lantern.intel.models import (
    BehaviourType,
    Event,
    EventLink,
    Incident,
    IntelligenceReport,
    Location,
    Person,
    Relationship,
    Visit,
)
from lantern.resolution.models import Membership


class Keys:
    """Entity id -> the key the engine sees (its cluster id, or its own id)."""

    def __init__(self) -> None:
        self._cluster = {
            str(e): str(c)
            for e, c in Membership.objects.values_list("entity_id", "cluster_id").iterator(20_000)
        }

    def __call__(self, entity_id) -> str:
        text = str(entity_id)
        return self._cluster.get(text, text)


def store_risk_inputs() -> tuple[RiskInputs, Keys]:
    keys = Keys()
    hidden_reports = set(
        IntelligenceReport.objects.filter(shared_with_police=False).values_list("pk", flat=True)
    )
    events, report_of = _events(keys, hidden_reports)
    return (
        RiskInputs(
            vocabulary=list(
                BehaviourType.objects.values("code", "name", "category", "severity", "harm_days")
            ),
            events=events,
            event_behaviours=[
                {"event_id": str(e), "code": c}
                for e, c in Incident.behaviours.through.objects.values_list(
                    "incident_id", "behaviourtype_id"
                ).iterator(20_000)
                if str(e) in report_of
            ],
            event_links=list(_links(keys, report_of)),
            stays=[
                {"person": keys(a), "location": keys(b), "start": start, "end": end}
                for a, b, start, end in Relationship.objects.filter(
                    kind__in=(Relationship.Kind.LIVES_AT, Relationship.Kind.WORKS_AT),
                    entity_b__kind="location",
                ).values_list("entity_a_id", "entity_b_id", "start", "end")
            ],
            controls=[
                {"controller": keys(a), "target": keys(b)}
                for a, b in Relationship.objects.filter(kind=Relationship.Kind.CONTROLS).values_list(
                    "entity_a_id", "entity_b_id"
                )
            ],
            advert_phones=_advert_phones(keys),
            places=[
                {"location": keys(pk), "kind": kind}
                for pk, kind in Location.objects.values_list("pk", "location_kind").iterator(20_000)
            ],
            people=_female(keys),
        ),
        keys,
    )


def _events(keys: Keys, hidden_reports: set) -> tuple[list[dict], dict[str, str | None]]:
    """Incidents, reports and visits the police may see; ``report_of`` maps each to its report."""
    reports = {
        r["pk"]: r
        for r in IntelligenceReport.objects.filter(shared_with_police=True)
        .values("pk", "source_type", "text", "source_evaluation", "intelligence_assessment", "handling_code")
        .iterator(20_000)
    }
    incidents = dict(Incident.objects.values_list("pk", "from_report_id").iterator(20_000))
    visits = dict(Visit.objects.values_list("pk", "outcome").iterator(20_000))
    rows, report_of = [], {}
    fields = (
        "pk",
        "kind",
        "occurred_from",
        "summary",
        "location_id",
        "location__latitude",
        "location__longitude",
        "source__name",
    )
    for e in Event.objects.filter(kind__in=("incident", "report", "visit")).values(*fields).iterator(20_000):
        pk = e["pk"]
        from_report = incidents.get(pk)
        if pk in hidden_reports or from_report in hidden_reports:
            continue
        if e["kind"] == "report" and pk not in reports:
            continue
        report = reports.get(pk) or reports.get(from_report) or {}
        grade = "".join(
            report.get(k, "") for k in ("source_evaluation", "intelligence_assessment", "handling_code")
        )
        # a crime record carries no 3x5x2 grade: its source stands in the chronology instead
        grade = f"graded {grade}" if grade else f"{e['source__name']} record"
        text = report.get("text", "") if e["kind"] == "report" else f"{e['summary']} {visits.get(pk, '')}"
        report_of[str(pk)] = str(from_report) if from_report else None
        rows.append(
            {
                "event_id": str(pk),
                "kind": e["kind"],
                "occurred_at": e["occurred_from"],
                "grade": grade,
                "summary": e["summary"],
                "source_type": report.get("source_type", ""),
                "text": text,
                "location": keys(e["location_id"]) if e["location_id"] else None,
                "latitude": e["location__latitude"],
                "longitude": e["location__longitude"],
            }
        )
    return rows, report_of


def _links(keys: Keys, report_of: dict[str, str | None]) -> Iterable[dict]:
    """Every visible event's links; an incident recorded from a report also has the report's links
    (who reported it, who was at risk), so the incident knows its reporters."""
    incident_of_report: dict[str, list[str]] = {}
    for incident, report in report_of.items():
        if report:
            incident_of_report.setdefault(report, []).append(incident)
    seen = set()
    visible = EventLink.objects.exclude(event__intelligencereport__shared_with_police=False)
    for event_id, entity_id, role in visible.values_list("event_id", "entity_id", "role").iterator(20_000):
        event = str(event_id)
        for target in (event, *incident_of_report.get(event, ())):
            if target in report_of:
                row = (target, keys(entity_id), role)
                if row not in seen:
                    seen.add(row)
                    yield {"event_id": target, "entity": row[1], "role": role}


def _advert_phones(keys: Keys) -> list[dict]:
    phone_of = dict(
        Relationship.objects.filter(kind=Relationship.Kind.USES_PHONE, entity_a__kind="identity").values_list(
            "entity_a_id", "entity_b_id"
        )
    )
    return [
        {"phone": keys(phone_of[identity]), "person": keys(person)}
        for identity, person in Relationship.objects.filter(kind=Relationship.Kind.ADVERTISES).values_list(
            "entity_a_id", "entity_b_id"
        )
        if identity in phone_of
    ]


def _female(keys: Keys) -> list[dict]:
    """Premises signs only ("several women at one address"): never an input to a person's score."""
    linked = set(
        Relationship.objects.filter(
            kind__in=(Relationship.Kind.LIVES_AT, Relationship.Kind.WORKS_AT)
        ).values_list("entity_a_id", flat=True)
    ) | set(
        EventLink.objects.filter(
            role__in=("person_at_risk", "victim"), event__location__isnull=False
        ).values_list("entity_id", flat=True)
    )
    female = {
        keys(pk)
        for pk in Person.objects.filter(gender="female").values_list("pk", flat=True).iterator(20_000)
        if pk in linked
    }
    return [{"person": key, "female": True} for key in female]
