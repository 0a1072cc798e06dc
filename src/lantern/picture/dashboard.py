"""The dashboard's picture of an area and period, and the queues a user works from.

One ``area_picture`` call per request gives the totals, the previous period, the trends and the
day-by-hour matrix; the charts are server-drawn SVG (``engine.svg``, which escapes every text, so
marking its output safe is sound). Alerts appear only for roles that may see orders, and each
queue only for the role that works it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from lantern.engine import svg
from lantern.engine.picture import area_picture
from lantern.governance.roles import Capability, has_capability
from lantern.orders import selectors as orders_selectors
from lantern.orders.models import BreachAlert
from lantern.picture.filters import PictureFilter
from lantern.picture.snapshot import picture_inputs
from lantern.retention import selectors as retention_selectors
from lantern.risk.services import active_model
from lantern.safeguarding import selectors as safeguarding_selectors

TOTALS = (
    ("reports", "reports"),
    ("incidents", "incidents"),
    ("harm", "days of incident harm"),
    ("sightings", "sightings"),
    ("visits", "visits"),
    ("alerts", "breach alerts"),
)


def dashboard_picture(user, flt: PictureFilter) -> dict:
    config, _ = active_model()
    picture = area_picture(picture_inputs(user, flt.period), flt.area, flt.period, config)
    with_alerts = has_capability(user, Capability.VIEW_ORDERS)
    return {
        "picture": picture,
        "totals": [
            _total(key, label, picture["totals"][key], picture["previous"][key])
            for key, label in TOTALS
            if with_alerts or key != "alerts"
        ],
        "charts": _charts(picture, flt.area.name, with_alerts),
        "heat": _heat(picture, flt.area.name),
    }


def _total(key: str, label: str, now: float, before: float) -> dict:
    diff = now - before
    if not before:
        change = "none in the previous period" if not now else "up from none in the previous period"
    elif not diff:
        change = "the same as the previous period"
    else:
        change = (
            f"{'up' if diff > 0 else 'down'} {abs(diff):g} ({abs(diff) / before:.0%}) on the previous period"
        )
    return {"key": key, "label": label, "value": now, "previous": before, "change": change}


def _labels(series: dict) -> list[str]:
    fmt = "%d %b" if series["bucket"] == "week" else "%b %Y"
    return [date.fromisoformat(s).strftime(fmt) for s in series["starts"]]


def _charts(picture: dict, area: str, with_alerts: bool) -> list[SafeString]:
    series, labels = picture["series"], _labels(picture["series"])
    per = series["bucket"]
    charts = [
        svg.line_chart(
            labels,
            {"Reports": series["reports"], "Incidents": series["incidents"]},
            title=f"Reports and incidents by {per}, {area}",
            desc=f"Counts of reports and incidents by {per} in {area}.",
        ),
        svg.line_chart(
            labels,
            {"Incident harm (days)": series["harm"]},
            title=f"Incident harm by {per}, {area}",
            desc="Harm in days (Cambridge Crime Harm Index style) of the incidents recorded each "
            f"{per}, weighed by the risk model in force.",
        ),
    ]
    if with_alerts:
        charts.append(
            svg.line_chart(
                labels,
                {"Breach alerts": series["alerts"]},
                title=f"Breach alerts by {per}, {area}",
                desc=f"Breach alerts raised each {per} at a position in {area}.",
            )
        )
    return [mark_safe(c) for c in charts]  # noqa: S308 - engine.svg escapes every text it draws


def _heat(picture: dict, area: str) -> SafeString:
    m = picture["matrix"]
    chart = svg.heat_matrix(
        m["days"],
        m["hours"],
        m["counts"],
        title=f"Reports and incidents by day of week and hour (UK time), {area}",
        desc="Darker cells hold more reports and incidents; hover a cell for its count.",
        cell=22,
    )
    return mark_safe(chart)  # noqa: S308 - engine.svg escapes every text it draws


# ------------------------------------------------------------------------------------------ queues


@dataclass
class Queue:
    title: str
    count: int
    detail: str
    url: str


def queues(user, *, reports_new: int, oldest_new: datetime | None) -> list[Queue]:
    """The queues the user's role works, each with its size and what is most pressing."""
    out = []
    if has_capability(user, Capability.TRIAGE):
        out.append(
            Queue(
                "Reports to triage",
                reports_new,
                f"oldest {_day(oldest_new)}" if oldest_new else "none waiting",
                reverse("intake:triage_queue"),
            )
        )
    if has_capability(user, Capability.REVIEW_ALERTS):
        out.append(_alerts_queue(user))
    if has_capability(user, Capability.SAFEGUARD):
        tasks = safeguarding_selectors.task_counts(user)
        out.append(
            Queue(
                "Safeguarding tasks open",
                tasks["open"] or 0,
                f"{tasks['overdue'] or 0} overdue, {tasks['mine'] or 0} yours",
                reverse("safeguarding:tasks"),
            )
        )
    if has_capability(user, Capability.REVIEW_RETENTION):
        out.append(_retention_queue(user))
    return out


def _alerts_queue(user) -> Queue:
    waiting = orders_selectors.alerts_queue(user).filter(
        status__in=[BreachAlert.Status.NEW, BreachAlert.Status.UNDER_REVIEW]
    )
    found = waiting.aggregate(
        n=Count("pk"), new=Count("pk", filter=Q(status=BreachAlert.Status.NEW)), oldest=Min("first_at")
    )
    detail = f"{found['new']} new, oldest {_day(found['oldest'])}" if found["n"] else "none to review"
    return Queue("Breach alerts to review", found["n"], detail, reverse("orders:alerts"))


def _retention_queue(user) -> Queue:
    today = timezone.localdate()
    found = (
        retention_selectors.review_queue(user)
        .order_by()
        .aggregate(n=Count("pk"), overdue=Count("pk", filter=Q(review_on__lt=today)))
    )
    return Queue(
        "Retention reviews due", found["n"], f"{found['overdue']} overdue", reverse("retention:queue")
    )


def _day(at: datetime) -> str:
    return timezone.localtime(at).strftime("%d %b %Y")
