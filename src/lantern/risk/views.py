"""Risk pages: ranked priorities, premises and people at risk, hotspots, and the risk model.

Thin: selectors check the capability and read; every page of personal data leaves an access entry.
"""

from __future__ import annotations

import json
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lantern.engine.risk import RiskConfigError
from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability, has_capability
from lantern.intel import selectors as intel_selectors
from lantern.intel.models import BehaviourType
from lantern.intel.services import Actor
from lantern.risk import selectors
from lantern.risk.exports import (
    CHRONOLOGY_HEADERS,
    HOTSPOT_HEADERS,
    PEOPLE_HEADERS,
    PREMISES_LIST_HEADERS,
    SUBJECT_HEADERS,
    chronology_rows,
    hotspot_rows,
    people_rows,
    premises_list_rows,
    subject_rows,
)
from lantern.risk.forms import ListFilterForm, RiskModelForm
from lantern.risk.services import active_model, risk_model_publish
from lantern.web.exports import export_format, table_response

PAGE_SIZE = 50


def _page(request: HttpRequest, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _run_context(request: HttpRequest) -> dict:
    return {"run": selectors.latest_run(request.user), "failed": selectors.last_failed_run(request.user)}


@requires(Capability.VIEW_RISK)
def priorities(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None)
    order, flagged = "priority", False
    if form.is_valid():
        order, flagged = form.cleaned_data["order"] or "priority", form.cleaned_data["flagged"]
    subjects = selectors.subjects(request.user, order=order, escalating_only=flagged)
    if export_format(request):
        return table_response(
            request,
            name=f"subjects-by-{order}",
            headers=SUBJECT_HEADERS,
            rows=subject_rows(subjects, order=order),
            object_type="priorities",
        )
    page = _page(request, subjects)
    record_view(request, object_type="priorities", object_id=order, summary=f"page {page.number}")
    query = f"order={order}" + ("&flagged=on" if flagged else "")
    return render(
        request,
        "risk/priorities.html",
        {**_run_context(request), "form": form, "page": page, "order": order, "query": query},
    )


@requires(Capability.VIEW_RISK)
def premises(request: HttpRequest) -> HttpResponse:
    flagged = request.GET.get("flagged") == "on"
    found = selectors.premises(request.user, high_risk_only=flagged)
    if export_format(request):
        return table_response(
            request,
            name="premises-at-risk",
            headers=PREMISES_LIST_HEADERS,
            rows=premises_list_rows(found),
            object_type="premises_at_risk",
        )
    page = _page(request, found)
    record_view(request, object_type="premises_at_risk", object_id="list", summary=f"page {page.number}")
    return render(
        request,
        "risk/premises.html",
        {
            **_run_context(request),
            "page": page,
            "flagged": flagged,
            "query": "flagged=on" if flagged else "",
            "can_safeguard": has_capability(request.user, Capability.SAFEGUARD),
        },
    )


@requires(Capability.VIEW_RISK)
def people(request: HttpRequest) -> HttpResponse:
    flagged = request.GET.get("flagged") == "on"
    found = selectors.people_at_risk(request.user, prompted_only=flagged)
    if export_format(request):
        return table_response(
            request,
            name="people-at-risk",
            headers=PEOPLE_HEADERS,
            rows=people_rows(found),
            object_type="people_at_risk",
        )
    page = _page(request, found)
    record_view(request, object_type="people_at_risk", object_id="list", summary=f"page {page.number}")
    return render(
        request,
        "risk/people.html",
        {
            **_run_context(request),
            "page": page,
            "flagged": flagged,
            "query": "flagged=on" if flagged else "",
            "can_safeguard": has_capability(request.user, Capability.SAFEGUARD),
        },
    )


@requires(Capability.VIEW_RISK)
def hotspots(request: HttpRequest) -> HttpResponse:
    context = _run_context(request)
    spots = context["run"].hotspots if context["run"] else {}
    cells = spots.get("cells", [])
    if export_format(request):
        return table_response(
            request,
            name="hotspot-cells",
            headers=HOTSPOT_HEADERS,
            rows=hotspot_rows(cells),
            object_type="hotspots",
        )
    top = max((c["harm"] for c in cells), default=0) or 1
    matrix = spots.get("matrix", {})
    peak = max((v for row in matrix.get("harm", []) for v in row), default=0) or 1
    rows = [
        {
            "day": day,
            "cells": [{"harm": v, "level": min(5, int(5 * v / peak + 0.999)) if v else 0} for v in values],
        }
        for day, values in zip(matrix.get("days", []), matrix.get("harm", []), strict=False)
    ]
    shapes = [
        {
            "boundary": c["boundary"],
            "weight": round(c["harm"] / top, 3),
            "label": f"Harm {c['harm']:g} days from {c['events']} events "
            f"(previous period {c['harm_previous']:g})",
        }
        for c in cells[:500]
        if c["harm"]
    ]
    return render(
        request,
        "risk/hotspots.html",
        {
            **context,
            "spots": spots,
            "top_cells": cells[:20],
            "matrix_rows": rows,
            "hours": range(24),
            "cells_json": json.dumps(shapes),
        },
    )


@requires(Capability.VIEW_RISK)
def model(request: HttpRequest) -> HttpResponse:
    config, current = active_model()
    return render(
        request,
        "risk/model.html",
        {
            "config": config,
            "current": current,
            "versions": selectors.models(request.user),
            "vocabulary": BehaviourType.objects.all(),
            "can_configure": has_capability(request.user, Capability.CONFIGURE_RISK),
        },
    )


@requires(Capability.CONFIGURE_RISK)
def model_new(request: HttpRequest) -> HttpResponse:
    config, _ = active_model()
    form = RiskModelForm(
        request.POST or None, initial={"config": json.dumps(config.model_dump(mode="json"), indent=2)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            published = risk_model_publish(
                data=form.cleaned_data["config"], actor=Actor(user=request.user, via=request.path)
            )
        except RiskConfigError as exc:
            form.add_error("config", str(exc))
        else:
            messages.success(
                request, f"Risk model {published.version} is in force. Run `lantern risk` to score with it."
            )
            return redirect("risk:model")
    return render(request, "risk/model_form.html", {"form": form})


@requires(Capability.VIEW_RISK)
def chronology_csv(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = intel_selectors.entity_get(request.user, kind="person", pk=pk)
    subject = selectors.subject_for_person(request.user, person)
    if subject is None:
        raise Http404("No incidents are scored for this person.")
    names = dict(BehaviourType.objects.values_list("code", "name"))
    return table_response(
        request,
        name=f"chronology-{pk}",
        headers=CHRONOLOGY_HEADERS,
        rows=chronology_rows(subject, names),
        object_type="chronology",
        object_id=str(pk),
        detail={"subject": subject.label},
    )
