"""A problem profile: the National Intelligence Model's product for an area and a period.

``build_problem_profile`` gathers every section from the store for one acting user (or for the
system, ``user=None``, which sees nothing that is on an access list): the area picture
(``engine.picture``), the subjects, premises and people at risk of the latest risk run that are
tied to the area, orders and breaches, open context data, intelligence gaps and the key findings
written from those figures. People at risk are counts only: a profile is shared more widely than
the records behind it. No report text is quoted, so a handling condition on a report is never
breached by the profile; the profile carries the strictest handling code among its sources.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import shapely
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import shape

from lantern.engine.areas import Area
from lantern.engine.picture import DAYS, Period, area_picture
from lantern.evidence.models import Camera
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import EventLink, IntelligenceReport, Visit
from lantern.orders.models import ConditionKind, Order, OrderCondition
from lantern.picture.snapshot import picture_inputs
from lantern.risk.models import PersonRisk, PremisesRisk, RiskRun, SubjectRisk
from lantern.risk.services import active_model
from lantern.risk.snapshot import Keys
from lantern.safeguarding.models import Referral

TOP = 10  # subjects and premises listed in a profile
SUBJECT_ROLES = ("subject",)
AT_RISK_ROLES = ("person_at_risk", "victim")


@dataclass
class ProblemProfileData:
    title: str
    area: Area
    period: Period
    generated_at: datetime
    generated_by: str
    picture: dict
    run: RiskRun | None
    subjects: list[dict] = field(default_factory=list)
    premises: list[dict] = field(default_factory=list)
    at_risk: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    sources: list[tuple[str, int]] = field(default_factory=list)
    handling: str = "P"
    findings: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    zones: list[dict] = field(default_factory=list)

    @property
    def marking(self) -> str:
        note = " (handling conditions apply to sources)" if self.handling == "C" else ""
        return f"OFFICIAL-SENSITIVE. Handling code {self.handling}{note}"


def build_problem_profile(
    *, user, area: Area, period: Period, title: str = "", sees_risk: bool | None = None
) -> ProblemProfileData:
    config, _ = active_model()
    picture = area_picture(picture_inputs(user, period), area, period, config)
    event_ids = picture.pop("event_ids")
    hidden = {str(pk) for pk in hidden_ids(user).values_list("object_id", flat=True)}
    may = _may(user)
    data = ProblemProfileData(
        title=title or f"Problem profile: {area.name}",
        area=area,
        period=period,
        generated_at=timezone.now(),
        generated_by=user.get_username() if user is not None else "lantern profile (command)",
        picture=picture,
        run=RiskRun.objects.filter(status=RiskRun.Status.DONE).first() if may(Capability.VIEW_RISK) else None,
    )
    keys = Keys()
    linked = _linked_keys(event_ids, keys, period)
    if data.run is not None:
        data.subjects = _subjects(linked["subject"], hidden)
        data.premises = _premises(area, hidden)
        data.at_risk = _at_risk(linked["at_risk"], period, hidden)
    if may(Capability.VIEW_ORDERS):
        data.orders, data.zones = _orders(area, period, linked["subject"], keys, hidden)
    data.sources, data.handling = _sources(event_ids, period)
    data.findings = findings(data)
    data.gaps = gaps(data, event_ids)
    return data


def _may(user):
    return lambda capability: user is None or has_capability(user, capability)


def _linked_keys(event_ids: list[str], keys: Keys, period: Period) -> dict[str, Counter]:
    """How many of the area's events each person is linked to, as subject and as person at risk."""
    wanted = set(event_ids)
    out = {"subject": Counter(), "at_risk": Counter()}
    links = EventLink.objects.filter(
        role__in=SUBJECT_ROLES + AT_RISK_ROLES,
        event__occurred_from__gte=period.start,
        event__occurred_from__lt=period.end,
    ).values_list("event_id", "entity_id", "role")
    for event_id, entity_id, role in links.iterator(20_000):
        if str(event_id) in wanted:
            out["subject" if role in SUBJECT_ROLES else "at_risk"][keys(entity_id)] += 1
    return out


def _subjects(in_area: Counter, hidden: set) -> list[dict]:
    """The highest-priority subjects tied to the area. Walked in rank order and filtered here, not
    with an IN list of every key in the area (thousands in a force area: too many parameters)."""
    chosen = []
    for s in SubjectRisk.objects.order_by("priority_rank").iterator(2_000):
        if s.subject_key in in_area and str(s.person_id) not in hidden:
            chosen.append(s)
            if len(chosen) == TOP:
                break
    return [
        {
            "rank": s.priority_rank,
            "label": s.label,
            "person_id": s.person_id,
            "priority": s.priority,
            "escalating": s.escalating,
            "serial": s.serial,
            "events_here": in_area[s.subject_key],
            "incidents": s.incidents,
            "reason": s.priority_text,
        }
        for s in chosen
    ]


def _premises(area: Area, hidden: set) -> list[dict]:
    rows = list(
        PremisesRisk.objects.select_related("location")
        .filter(location__isnull=False, score__gt=0)
        .exclude(location_id__in=hidden)
        .order_by("rank")
    )
    lon = np.array([p.location.longitude if p.location.longitude is not None else np.nan for p in rows])
    lat = np.array([p.location.latitude if p.location.latitude is not None else np.nan for p in rows])
    inside = area.contains(lon, lat, [p.location.postcode for p in rows]) if rows else []
    chosen = [p for p, ok in zip(rows, inside, strict=True) if ok][:TOP]
    return [
        {
            "number": i,
            "rank": p.rank,
            "label": p.location.address or p.label,
            "location_id": p.location_id,
            "score": p.score,
            "high_risk": p.high_risk,
            "latitude": p.location.latitude,
            "longitude": p.location.longitude,
            "reason": p.explanation,
        }
        for i, p in enumerate(chosen, start=1)
    ]


def _at_risk(in_area: Counter, period: Period, hidden: set) -> dict:
    """Counts only: how many people tied to the area are at risk, and what has been done."""
    rows = PersonRisk.objects.values_list("subject_key", "person_id", "score", "prompt_referral")
    people = [
        (person, score, prompt)
        for key, person, score, prompt in rows.iterator(20_000)
        if key in in_area and str(person) not in hidden
    ]
    person_ids = {str(p) for p, _, _ in people if p}
    referrals = [
        kind
        for person, kind in Referral.objects.filter(
            person__isnull=False, created_at__gte=period.start, created_at__lt=period.end
        ).values_list("person_id", "kind")
        if str(person) in person_ids
    ]
    return {
        "people": len(people),
        "prompted": sum(1 for _, _, prompt in people if prompt),
        "referrals": len(referrals),
        "referrals_by_kind": sorted(Counter(referrals).items()),
    }


def _orders(area: Area, period: Period, subjects_here: Counter, keys: Keys, hidden: set):
    """Orders in force at any time in the period whose subject is active here or whose zone
    touches the area; their zones for the map."""
    in_force = (
        Order.objects.exclude(status=Order.Status.DRAFT)
        .filter(effective_from__lte=period.last_day)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=period.first_day))
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=period.first_day))
        .exclude(subject_id__in=hidden)
    )
    zones, orders = [], set()
    for condition in OrderCondition.objects.filter(
        order__in=in_force, kind=ConditionKind.EXCLUSION_ZONE
    ).select_related("order"):
        geojson = (condition.spec or {}).get("geojson")
        if not geojson or not _touches(area, geojson):
            continue
        orders.add(condition.order_id)
        zones.append(
            {"name": f"{condition.order.reference} condition {condition.number}", "geojson": geojson}
        )
    for order in in_force.values_list("pk", "subject_id"):
        if keys(order[1]) in subjects_here:
            orders.add(order[0])
    chosen = in_force.filter(pk__in=orders)
    by_type = Counter(chosen.values_list("order_type", flat=True))
    return (
        {
            "count": len(orders),
            "by_type": sorted(by_type.items()),
            "references": sorted(chosen.values_list("reference", flat=True)),
            "zones": len(zones),
        },
        zones,
    )


def _touches(area: Area, geojson: dict) -> bool:
    if area.geometry is None:
        return True
    try:
        return bool(shapely.intersects(area.geometry, shape(geojson)))
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
        return False


def _sources(event_ids: list[str], period: Period) -> tuple[list[tuple[str, int]], str]:
    """Which sources the events came from, and the strictest handling code among the reports."""
    from lantern.intel.models import Event

    sources: Counter = Counter()
    ids = set(event_ids)
    in_period = Event.objects.filter(occurred_from__gte=period.start, occurred_from__lt=period.end)
    for pk, name in in_period.values_list("pk", "source__name").iterator(20_000):
        if str(pk) in ids:
            sources[name] += 1
    conditions = IntelligenceReport.objects.filter(
        handling_code="C",
        shared_with_police=True,
        occurred_from__gte=period.start,
        occurred_from__lt=period.end,
    )
    handling = "C" if any(str(pk) in ids for pk in conditions.values_list("pk", flat=True)) else "P"
    return sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])), handling


# ------------------------------------------------------------------------------- findings and gaps


def findings(data: ProblemProfileData) -> list[str]:
    """Key findings as plain sentences, each from a figure shown elsewhere in the profile."""
    p, now, before = data.picture, data.picture["totals"], data.picture["previous"]
    out = [
        f"{now['reports']:,} intelligence reports and {now['incidents']:,} incidents were recorded in "
        f"{data.area.name} from {_day(data.period.first_day)} to {_day(data.period.last_day)}: "
        f"{_change(now['reports'] + now['incidents'], before['reports'] + before['incidents'])} the "
        f"{data.period.days} days before."
    ]
    if now["harm"]:
        out.append(
            f"The incidents carry {now['harm']:,.0f} harm days, {_change(now['harm'], before['harm'])} "
            "the period before."
        )
    busiest = _busiest(p["matrix"])
    if busiest:
        out.append(f"The busiest hour is {busiest}.")
    if p["cells"]:
        top = p["cells"][0]
        share = top["harm"] / max(sum(c["harm"] for c in p["cells"]), 1e-9)
        out.append(
            f"One H3 cell (about 0.7 km²) holds {share:.0%} of the harm-weighted activity; it is the darkest "
            "on the hotspot map."
        )
    escalating = [s for s in data.subjects if s["escalating"]]
    if data.subjects:
        lead = data.subjects[0]
        out.append(
            f"{len(data.subjects)} prioritised subjects are active here"
            + (f", {len(escalating)} of them escalating" if escalating else "")
            + f"; the highest priority is {lead['label']} (score {lead['priority']:.0f})."
        )
    high = [x for x in data.premises if x["high_risk"]]
    if high:
        out.append(f"{len(high)} premises show signs of exploitation at high risk.")
    if data.at_risk.get("people"):
        a = data.at_risk
        out.append(
            f"{a['people']} people linked to events here are assessed as at risk; {a['prompted']} are "
            f"prompted for a referral and {a['referrals']} referrals were made in the period."
        )
    if data.orders.get("count"):
        alerts = dict(p["alerts_by_status"])
        raised = sum(alerts.values())
        out.append(
            f"{data.orders['count']} civil orders apply here; {raised} breach alerts were raised"
            + (
                f", {alerts.get('actioned', 0)} actioned and {alerts.get('dismissed', 0)} dismissed"
                if alerts
                else ""
            )
            + "."
        )
    context = p["context"]
    if context["total"]:
        kind, n = context["by_type"][0]
        out.append(
            f"Open police data records {context['total']:,} crimes here in these months, most often "
            f"{kind.lower()} ({n:,})."
        )
    return out


def gaps(data: ProblemProfileData, event_ids: list[str]) -> list[str]:
    """What the profile could not see or what has not been done: where to collect next."""
    out = []
    unlocated = data.picture["unlocated"]
    if unlocated["reports"] or unlocated["incidents"]:
        out.append(
            f"{unlocated['reports']} reports and {unlocated['incidents']} incidents force-wide in the period "
            "have no place recorded, so no area profile can count them: add a location at triage."
        )
    awaiting = IntelligenceReport.objects.filter(
        status=IntelligenceReport.Status.NEW,
        shared_with_police=True,
        occurred_from__gte=data.period.start,
        occurred_from__lt=data.period.end,
    ).values_list("pk", flat=True)
    here = set(event_ids)
    waiting_here = sum(1 for pk in awaiting.iterator(20_000) if str(pk) in here)
    if waiting_here:
        out.append(f"{waiting_here} reports from this area are still waiting for triage.")
    if data.run is None:
        out.append("No risk run is available to you: subjects, premises and people at risk are not shown.")
    else:
        unordered = [s for s in data.subjects if s["escalating"]]
        if unordered and data.orders:
            out.append(
                f"{len(unordered)} escalating subjects: check whether each has an order or an application."
            )
        high = [x for x in data.premises if x["high_risk"]]
        visited = set(
            Visit.objects.filter(
                location_id__in=[x["location_id"] for x in high],
                occurred_from__gte=data.period.start,
                occurred_from__lt=data.period.end,
            ).values_list("location_id", flat=True)
        )
        not_visited = [x for x in high if x["location_id"] not in visited]
        if not_visited:
            out.append(f"{len(not_visited)} high-risk premises had no visit in the period.")
    if data.zones and not _cameras_in(data.zones):
        out.append(
            "No ANPR camera stands inside the order zones here: breaches can only come from sightings."
        )
    if not data.picture["context"]["total"]:
        out.append(
            "No open crime data (data.police.uk) is loaded for these months: import it with "
            "`lantern import police-uk FILE` for context."
        )
    return out


def _cameras_in(zones: list[dict]) -> bool:
    cameras = list(Camera.objects.values_list("longitude", "latitude"))
    if not cameras:
        return False
    xy = np.array(cameras, dtype="float64")
    return any(shapely.contains_xy(shape(z["geojson"]), xy[:, 0], xy[:, 1]).any() for z in zones)


def _busiest(matrix: dict) -> str:
    counts = matrix["counts"]
    best = max(((counts[d][h], d, h) for d in range(7) for h in range(24)), default=(0, 0, 0))
    if not best[0]:
        return ""
    n, d, h = best
    return f"{DAYS[d]} {h:02d}:00 to {(h + 1) % 24:02d}:00 ({n} reports and incidents over the period)"


def _change(now: float, before: float) -> str:
    """A phrase that reads before "the period before": "up 12% on", "level with", "against none in"."""
    if not before:
        return "level with none in" if not now else "against none in"
    pct = (now - before) / before
    if abs(pct) < 0.005:
        return "level with"
    return f"{'up' if pct > 0 else 'down'} {abs(pct):.0%} on"


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"
