"""Order and breach-alert pages. Thin: selectors read, services write, templates show."""

from __future__ import annotations

import json
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lantern.engine.screening.localtime import local_text
from lantern.evidence.models import Camera
from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability, has_capability
from lantern.intel.services import Actor, StoreError
from lantern.orders import selectors
from lantern.orders.alerts import alert_assign, alert_review
from lantern.orders.documents import document_add
from lantern.orders.exports import (
    ALERT_QUEUE_HEADERS,
    EVIDENCE_HEADERS,
    ORDER_HEADERS,
    SCREENING_HEADERS,
    alert_queue_rows,
    evidence_rows,
    order_rows,
    screening_rows,
)
from lantern.orders.forms import (
    AlertActionForm,
    AlertFilterForm,
    DischargeForm,
    DocumentForm,
    OrderForm,
    VaryForm,
)
from lantern.orders.models import ConditionKind, Order
from lantern.orders.services import order_create, order_discharge, order_vary
from lantern.web.exports import export_format, table_response

PAGE_SIZE = 25
ZONE_TIMEZONE = "Europe/London"


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, via=request.get_full_path())


def _zones_json(order: Order, current_only: bool = False) -> str:
    today = timezone.localdate()
    zones = [
        {
            "name": f"{c.spec.get('name', '')} (condition {c.number}, version {c.version})",
            "geojson": c.spec.get("geojson"),
        }
        for c in order.conditions.all()
        if c.kind == ConditionKind.EXCLUSION_ZONE
        and c.spec.get("geojson")
        and (not current_only or (c.valid_from <= today and (c.valid_to is None or today <= c.valid_to)))
    ]
    return json.dumps(zones)


def _camera_points() -> str:
    cameras = Camera.objects.values_list("camera_id", "latitude", "longitude", "description")[:5000]
    return json.dumps(
        [{"lat": lat, "lon": lon, "label": f"{cid}: {desc}"} for cid, lat, lon, desc in cameras]
    )


@requires(Capability.VIEW_ORDERS)
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Order.Status.values else ""
    q = request.GET.get("q", "").strip()[:100]
    orders = selectors.orders_list(request.user, status=status, q=q)
    if export_format(request):
        return table_response(request, name="orders", headers=ORDER_HEADERS, rows=order_rows(orders))
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, object_type="order_list", object_id="", summary=f"orders page {page.number}")
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": Order.Status.choices,
            "reminders": selectors.reminders(request.user, today=timezone.localdate()),
        },
    )


@requires(Capability.VIEW_ORDERS)
def order_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    order = selectors.order_get(request.user, pk=pk)
    record_view(request, object_type="order", object_id=str(pk), summary=str(order))
    conditions = sorted(order.conditions.all(), key=lambda c: (c.number, c.version))
    alerts = (
        selectors.alerts_queue(request.user, order=order.reference)[:20] if _can(request, "review") else []
    )
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "conditions": conditions,
            "zones": _zones_json(order),
            "alerts": alerts,
            "can_manage": _can(request, "manage"),
        },
    )


def _can(request: HttpRequest, what: str) -> bool:
    capability = Capability.MANAGE_ORDERS if what == "manage" else Capability.REVIEW_ALERTS
    return has_capability(request.user, capability)


@requires(Capability.MANAGE_ORDERS)
def order_new(request: HttpRequest) -> HttpResponse:
    form = OrderForm(
        request.POST or None,
        request.FILES or None,
        initial={"subject": request.GET.get("subject", "")},
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order, created = order_create(
                reference=data["reference"],
                order_type=data["order_type"],
                subject=data["subject"],
                applicant=data["applicant"],
                court=data["court"],
                made_on=data["made_on"],
                effective_from=data["effective_from"],
                expires_on=data["expires_on"],
                conditions=data["conditions"],
                officer_in_charge=data["officer_in_charge"],
                actor=_actor(request),
            )
        except StoreError as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(
                    request, f"Order {order.reference} recorded; screening checks it from its next run."
                )
            else:
                messages.warning(
                    request, f"An order {order.reference} was already recorded; nothing was changed."
                )
            return redirect(order)
    return render(
        request, "orders/order_form.html", {"form": form, "cameras": _camera_points(), "zones": "[]"}
    )


@requires(Capability.MANAGE_ORDERS)
def order_vary_view(request: HttpRequest, pk: UUID) -> HttpResponse:
    order = selectors.order_get(request.user, pk=pk)
    form = VaryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = data["change"]
        try:
            order_vary(
                order=order,
                effective_on=data["effective_on"],
                changes=[change] if change else [],
                removed=[] if change else [data["number"]],
                actor=_actor(request),
            )
        except StoreError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Order {order.reference} varied from {data['effective_on']:%d %B %Y}.")
            return redirect(order)
    return render(
        request,
        "orders/order_vary.html",
        {
            "order": order,
            "form": form,
            "cameras": _camera_points(),
            "zones": _zones_json(order, current_only=True),
        },
    )


@requires(Capability.MANAGE_ORDERS)
def order_discharge_view(request: HttpRequest, pk: UUID) -> HttpResponse:
    order = selectors.order_get(request.user, pk=pk)
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order_discharge(order=order, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"],
                            actor=_actor(request))  # fmt: skip
        except StoreError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Order {order.reference} discharged.")
            return redirect(order)
    return render(request, "orders/order_discharge.html", {"order": order, "form": form})


@requires(Capability.MANAGE_ORDERS)
def document_new(request: HttpRequest, pk: UUID) -> HttpResponse:
    order = selectors.order_get(request.user, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_add(order=order, title=form.cleaned_data["title"], upload=form.cleaned_data["file"],
                         actor=_actor(request))  # fmt: skip
        except StoreError as exc:
            form.add_error("file", str(exc).removeprefix("file: "))
        else:
            messages.success(request, "Document added.")
            return redirect(order)
    return render(request, "orders/document_form.html", {"order": order, "form": form})


@requires(Capability.VIEW_ORDERS)
def document_download(request: HttpRequest, pk: UUID) -> FileResponse:
    document = selectors.document_get(request.user, pk=pk)
    record_view(request, object_type="order_document", object_id=str(pk), summary=document.title)
    try:
        handle = open(document.stored_path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("The document's file is missing; ask an administrator to restore it.") from None
    return FileResponse(
        handle, as_attachment=True, filename=document.file_name, content_type="application/pdf"
    )


# ---- alerts ---------------------------------------------------------------------------------


def _alert_filters(request: HttpRequest) -> tuple[AlertFilterForm, dict]:
    form = AlertFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {"status": filters.get("status", ""), "mine": filters.get("mine", False)}


@requires(Capability.REVIEW_ALERTS)
def alert_queue(request: HttpRequest) -> HttpResponse:
    if export_format(request):
        return alert_queue_csv(request)
    form, filters = _alert_filters(request)
    alerts = selectors.alerts_queue(request.user, **filters)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, object_type="alert_queue", object_id="", summary=f"alerts page {page.number}")
    return render(
        request, "orders/alert_queue.html", {"page": page, "form": form, "query": request.GET.urlencode()}
    )


@requires(Capability.REVIEW_ALERTS)
def alert_queue_csv(request: HttpRequest) -> HttpResponse:
    """The alerts matching the queue's filters, every page (CSV, or ``?format=xlsx``)."""
    _, filters = _alert_filters(request)
    return table_response(
        request,
        name="breach-alerts",
        headers=ALERT_QUEUE_HEADERS,
        rows=alert_queue_rows(selectors.alerts_queue(request.user, **filters)),
        object_type="breach_alerts",
    )


def _evidence_context(alert) -> dict:
    evidence = list(alert.evidence.all())
    for item in evidence:
        item.local = local_text(int(item.at.timestamp() * 1_000_000), ZONE_TIMEZONE)
    points = [
        {"lat": e.latitude, "lon": e.longitude, "label": f"{e.local}: {e.vrm or e.kind} at {e.source_id}"}
        for e in evidence
        if e.latitude is not None
    ]
    zones = [
        {"name": c.spec.get("name", ""), "geojson": c.spec.get("geojson")}
        for c in alert.order.conditions.all()
        if c.number == alert.condition_number
        and c.version == alert.condition_version
        and c.spec.get("geojson")
    ]
    return {"alert": alert, "evidence": evidence, "points": json.dumps(points), "zones": json.dumps(zones)}


@requires(Capability.REVIEW_ALERTS)
def alert_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    alert = selectors.alert_get(request.user, pk=pk)
    form = AlertActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action in ("assign_me", "assign"):
                who = request.user if action == "assign_me" else form.cleaned_data["assignee"]
                alert_assign(alert=alert, user=who, actor=_actor(request))
            else:
                alert_review(
                    alert=alert, status=action, reason=form.cleaned_data["reason"], actor=_actor(request)
                )
        except StoreError as exc:
            form.add_error("reason", str(exc).removeprefix("reason: "))
        else:
            messages.success(request, "Alert updated.")
            return redirect(alert)
    record_view(request, object_type="breach_alert", object_id=str(pk), summary=str(alert))
    return render(request, "orders/alert_detail.html", {**_evidence_context(alert), "form": form})


@requires(Capability.REVIEW_ALERTS)
def alert_pack(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A printable evidence pack for a breach file (print to PDF from the browser)."""
    alert = selectors.alert_get(request.user, pk=pk)
    audit_record(user=request.user, action=AuditAction.EXPORT, object_type="breach_alert", object_id=str(pk),
                 summary="evidence pack", path=request.get_full_path())  # fmt: skip
    condition = alert.order.conditions.filter(
        number=alert.condition_number, version=alert.condition_version
    ).first()
    return render(
        request,
        "orders/alert_pack.html",
        {**_evidence_context(alert), "condition": condition, "generated": timezone.localtime()},
    )


@requires(Capability.REVIEW_ALERTS)
def alert_evidence_csv(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The alert's evidence (CSV, or ``?format=xlsx``)."""
    alert = selectors.alert_get(request.user, pk=pk)
    rows = evidence_rows(alert, lambda at: local_text(int(at.timestamp() * 1_000_000), ZONE_TIMEZONE))
    return table_response(
        request,
        name=f"alert-{str(alert.pk)[:8]}-evidence",
        headers=EVIDENCE_HEADERS,
        rows=rows,
        object_type="breach_alert",
        object_id=str(pk),
    )


@requires(Capability.REVIEW_ALERTS)
def screening_runs(request: HttpRequest) -> HttpResponse:
    runs = selectors.screening_runs(request.user)
    if export_format(request):
        return table_response(
            request, name="screening-runs", headers=SCREENING_HEADERS, rows=screening_rows(runs)
        )
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/screening_runs.html", {"page": page})
