"""The store as the area picture's inputs, limited to what the acting user may see.

Reports without the reporter's consent to police use, incidents recorded from them, and records
on an access list the user is not on are left out before anything is counted, so a count can
never reveal a restricted record. Breach alerts are included only for roles that may see orders.
"""

from __future__ import annotations

from datetime import date

from lantern.engine.picture import Period, PictureInputs
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import BehaviourType, Event, Incident
from lantern.intel.selectors import visible_events
from lantern.orders.models import AlertEvidence, BreachAlert


def picture_inputs(user, period: Period, *, with_previous: bool = True) -> PictureInputs:
    """Everything in ``period`` (and the period before it, for comparison) that ``user`` may see.
    ``user`` None is the system (a command): it sees no record that is on any access list."""
    start = period.previous.start if with_previous else period.start
    events = _events(user, start, period.end)
    return PictureInputs.from_rows(
        events=events,
        event_behaviours=_behaviours(start, period.end),
        vocabulary=list(BehaviourType.objects.values("code", "name", "category", "severity", "harm_days")),
        alerts=_alerts(user, start, period.end),
        crimes=_crimes(period.first_day, period.last_day),
    )


def _visible(user):
    if user is None:  # the system: consented reports only, and nothing restricted to anyone
        return Event.objects.exclude(intelligencereport__shared_with_police=False).exclude(
            pk__in=hidden_ids(None)
        )
    return visible_events(user)


def _events(user, start, end) -> list[dict]:
    hidden = hidden_ids(user)
    rows = (
        _visible(user)
        .filter(occurred_from__gte=start, occurred_from__lt=end)
        .exclude(location_id__in=hidden)
        .exclude(incident__from_report__shared_with_police=False)
        .values_list(
            "pk",
            "kind",
            "occurred_from",
            "location__longitude",
            "location__latitude",
            "location__postcode",
            "location_id",
        )
    )
    return [
        {
            "event_id": str(pk),
            "kind": kind,
            "occurred_at": at,
            "longitude": lon,
            "latitude": lat,
            "postcode": postcode or "",
            "location_id": str(location) if location else None,
        }
        for pk, kind, at, lon, lat, postcode, location in rows.iterator(20_000)
    ]


def _behaviours(start, end) -> list[dict]:
    """The behaviours and offences of the incidents in the window (joined in the database, so the
    cost follows the period, not the whole store)."""
    through = Incident.behaviours.through.objects.filter(
        incident__occurred_from__gte=start, incident__occurred_from__lt=end
    )
    return [
        {"event_id": str(e), "code": code}
        for e, code in through.values_list("incident_id", "behaviourtype_id").iterator(20_000)
    ]


def _alerts(user, start, end) -> list[dict]:
    if user is not None and not has_capability(user, Capability.VIEW_ORDERS):
        return []
    hidden = hidden_ids(user)
    alerts = (
        BreachAlert.objects.filter(first_at__gte=start, first_at__lt=end)
        .exclude(order__subject_id__in=hidden)
        .values_list("pk", "first_at", "status", "order__order_type")
    )
    where = {}
    for alert_id, lat, lon in (
        AlertEvidence.objects.filter(
            alert__first_at__gte=start, alert__first_at__lt=end, latitude__isnull=False
        )
        .order_by("at")
        .values_list("alert_id", "latitude", "longitude")
    ):
        where.setdefault(alert_id, (lat, lon))
    return [
        {
            "alert_id": str(pk),
            "raised_at": at,
            "status": status,
            "order_type": order_type,
            "latitude": where.get(pk, (None, None))[0],
            "longitude": where.get(pk, (None, None))[1],
        }
        for pk, at, status, order_type in alerts
    ]


def _crimes(first: date, last: date) -> list[dict]:
    """Open data.police.uk crimes (public context, not intelligence: no access list applies)."""
    from lantern.context.models import OpenCrime
    from lantern.context.selectors import crime_points

    points = crime_points(month_from=first.replace(day=1), month_to=last)
    names = dict(
        OpenCrime.objects.filter(lsoa_code__in={lsoa for _, _, _, lsoa, _ in points if lsoa})
        .order_by()
        .values_list("lsoa_code", "lsoa_name")
        .distinct()
    )
    return [
        {
            "month": None,
            "longitude": lon,
            "latitude": lat,
            "crime_type": kind,
            "lsoa_code": lsoa,
            "lsoa_name": names.get(lsoa, ""),
            "street": street,
        }
        for lon, lat, kind, lsoa, street in points
    ]
