"""The rows of the live alert queue: each alert with what an officer acts on, ready for a template.

Everything a row shows is read in a fixed number of queries whatever the number of alerts (the
alerts, their latest evidence, their orders' conditions), so the page and each poll stay cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from lantern.engine.screening.localtime import local_text
from lantern.orders.models import AlertEvidence, BreachAlert, OrderCondition

ZONE_TIMEZONE = "Europe/London"
MAP_POINTS = 20  # the latest evidence drawn on a row's map; the alert page has all of it
SORT_CEILING_MS = 10**14  # inverts a time so that newer sorts first as text


def with_row_data(alerts: QuerySet[BreachAlert]) -> QuerySet[BreachAlert]:
    """The alerts with their latest evidence and their orders' conditions, each in one query."""
    latest = AlertEvidence.objects.order_by("-at", "-evidence_id")[:MAP_POINTS]
    return alerts.prefetch_related(
        Prefetch("evidence", queryset=latest, to_attr="latest_evidence"),
        Prefetch("order__conditions", queryset=OrderCondition.objects.all()),
    )


def live_rows(alerts: Iterable[BreachAlert]) -> list[BreachAlert]:
    """Each alert with the texts and map data its row shows (attributes, for the template)."""
    rows = list(alerts)
    for alert in rows:
        zone = _zone(alert)
        alert.zone_name = _zone_name(alert, zone)
        alert.first_local = _local(alert.first_at)
        alert.last_local = _local(alert.last_at)
        alert.sort_key = sort_key(alert)
        alert.map_zones = json.dumps(
            [{"name": alert.zone_name, "geojson": zone.spec["geojson"]}] if zone is not None else []
        )
        alert.map_points = json.dumps(_points(alert))
    return rows


def sort_key(alert: BreachAlert) -> str:
    """Text that sorts as the queue does: new before under review, then newest evidence first."""
    rank = 0 if alert.status == BreachAlert.Status.NEW else 1
    newest_first = SORT_CEILING_MS - int(alert.first_at.timestamp() * 1000)
    return f"{rank}-{newest_first:015d}-{alert.pk}"


def _zone(alert: BreachAlert) -> OrderCondition | None:
    for condition in alert.order.conditions.all():
        if (
            condition.number == alert.condition_number
            and condition.version == alert.condition_version
            and condition.spec.get("geojson")
        ):
            return condition
    return None


def _zone_name(alert: BreachAlert, zone: OrderCondition | None) -> str:
    name = zone.spec.get("name", "") if zone is not None else ""
    return name or alert.get_kind_display()


def _points(alert: BreachAlert) -> list[dict]:
    # labels are shown as text by the map script, never as markup
    return [
        {
            "lat": e.latitude,
            "lon": e.longitude,
            "label": f"{_local(e.at)}: {e.vrm or e.kind} at {e.source_id}",
        }
        for e in reversed(alert.latest_evidence)
        if e.latitude is not None and e.longitude is not None
    ]


def _local(at: datetime) -> str:
    return local_text(int(at.timestamp() * 1_000_000), ZONE_TIMEZONE)
