"""Pages of the POLE store. Thin: selectors read (with the user's access), templates display."""

from __future__ import annotations

import json
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability, has_capability
from lantern.intel import selectors
from lantern.intel.exports import SEARCH_HEADERS, search_rows
from lantern.orders.selectors import orders_for_person
from lantern.risk.charts import severity_chart
from lantern.risk.selectors import risk_for_entity
from lantern.risk.services import active_model
from lantern.safeguarding.selectors import referral_prompt
from lantern.safeguarding.services import person_age
from lantern.web.exports import export_format, table_response


@requires(Capability.VIEW_INTEL)
def entity_detail(request: HttpRequest, kind: str, pk: UUID) -> HttpResponse:
    entity = selectors.entity_get(request.user, kind=kind, pk=pk)
    timeline = selectors.entity_timeline(request.user, entity)
    context = {
        "entity": entity,
        "timeline": timeline,
        "relationships": selectors.entity_relationships(request.user, entity),
        "co_linked": selectors.entity_co_linked(request.user, entity),
        "map_points": json.dumps(_map_points(entity, timeline)),
        "orders": orders_for_person(request.user, entity) if kind == "person" else [],
        **_risk_context(request.user, entity),
    }
    record_view(request, object_type=kind, object_id=str(pk), summary=entity.label)
    return render(request, f"intel/{kind}_detail.html", context)


def _risk_context(user, entity) -> dict:
    """What the latest risk run says about this person or place, with its chart and referral prompt."""
    risk = risk_for_entity(user, entity)
    context: dict = {"risk": risk, "can_safeguard": has_capability(user, Capability.SAFEGUARD)}
    subject = risk.get("subject")
    if subject is not None:
        context["severity_chart"] = severity_chart(subject.detail, subject.label)
    at_risk = risk.get("at_risk")
    if at_risk is not None and context["can_safeguard"]:
        context["referral_prompt"] = referral_prompt(
            person_risk_score=at_risk.score,
            threshold=active_model()[0].people.referral_threshold,
            has_referral=entity.referrals.exists(),
            is_child=_is_child(entity),
        )
    return context


def _is_child(person) -> bool | None:
    age = person_age(person)
    return None if age is None else age < 18


def _map_points(entity, timeline) -> list[dict]:
    points = []
    if getattr(entity, "latitude", None) is not None:
        points.append({"lat": entity.latitude, "lon": entity.longitude, "label": entity.label})
    for link in timeline:
        place = link.event.location
        if place is not None and place.latitude is not None:
            points.append({"lat": place.latitude, "lon": place.longitude, "label": link.event.summary})
    return points[:300]


@requires(Capability.VIEW_INTEL)
def event_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    event = selectors.event_get(request.user, pk=pk)
    source_detail = selectors.report_source_detail(request.user, event) if event.kind == "report" else None
    record_view(request, object_type=event.kind, object_id=str(pk), summary=event.summary)
    points = []
    if event.location and event.location.latitude is not None:
        points.append(
            {"lat": event.location.latitude, "lon": event.location.longitude, "label": event.summary}
        )
    return render(
        request,
        "intel/event_detail.html",
        {"event": event, "source_detail": source_detail, "map_points": json.dumps(points)},
    )


SEARCH_PURPOSES = [
    ("", "choose a purpose"),
    ("investigation", "investigation or intelligence development"),
    ("safeguarding", "safeguarding a person"),
    ("order", "managing a civil order"),
    ("disclosure", "a disclosure or information request"),
    ("quality", "checking data quality or resolution"),
    ("other", "other (say what)"),
]
PURPOSE_KEY = "lantern_search_purpose"  # remembered for the session, shown and changeable on the page


@requires(Capability.VIEW_INTEL)
def search(request: HttpRequest) -> HttpResponse:
    """Search the store; the user states why (once a session), and the purpose is audited with each search."""
    purpose, purpose_error = _search_purpose(request)
    query = request.GET.get("q", "")
    result = selectors.entity_search(request.user, query if purpose else "")
    if result.query and export_format(request):  # without a stated purpose there is nothing to export
        return table_response(
            request,
            name="search-results",
            headers=SEARCH_HEADERS,
            rows=search_rows(result.entities),
            object_type="search",
            detail={"query": result.query, "purpose": purpose, "truncated": result.truncated},
        )
    if result.query:
        audit_record(
            user=request.user,
            action=AuditAction.SEARCH,
            object_type="search",
            summary=result.query,
            path=request.get_full_path(),
            detail={"results": len(result.entities), "purpose": purpose},
        )
    context = {
        "result": result,
        "query": query[:200],
        "purpose": purpose,
        "purpose_error": purpose_error if query.strip() else "",
        "purposes": SEARCH_PURPOSES,
    }
    template = "intel/_search_results.html" if request.htmx else "intel/search.html"
    return render(request, template, context)


def _search_purpose(request: HttpRequest) -> tuple[str, str]:
    """The purpose stated now (remembered), or earlier this session; else why there is none."""
    stated = request.GET.get("purpose", "")
    chosen = dict(SEARCH_PURPOSES).get(stated, "") if stated else ""  # "" is the placeholder option
    if request.GET.get("purpose") == "other":
        said = " ".join(request.GET.get("purpose_other", "").split())[:200]
        if not said:
            return "", "Say what the other purpose is: it is recorded with your search."
        chosen = f"other: {said}"
    if chosen:
        if request.session.get(PURPOSE_KEY) != chosen:  # saved once, not on every search
            request.session[PURPOSE_KEY] = chosen
        return chosen, ""
    remembered = request.session.get(PURPOSE_KEY, "")
    return (
        remembered,
        "" if remembered else "Choose why you are searching: the purpose is recorded with your search.",
    )
