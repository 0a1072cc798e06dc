"""Resolution and link-chart pages. Thin: selectors read, services write, templates show."""

from __future__ import annotations

import json
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lantern.engine.chart_exports import to_anx, to_csv, to_graphml
from lantern.engine.network import build_graph
from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability, has_capability
from lantern.intel.services import Actor, StoreError
from lantern.resolution import selectors
from lantern.resolution.exports import CLUSTER_LIST_HEADERS, cluster_list_rows
from lantern.resolution.forms import LINK_KINDS, ChartForm, ClusterActionForm, DecideForm, SaveChartForm
from lantern.resolution.graph import Chart, expand, neighbourhood
from lantern.resolution.models import Decision, Membership, Merge, SavedChart
from lantern.resolution.services import confirm, decide, new_cluster_id, split_out, undo_merge, withdraw
from lantern.web.exports import export_format, table_response

PAGE_SIZE = 25
EXPORTS = {
    "anx": (to_anx, "application/xml", "anx"),
    "graphml": (to_graphml, "application/graphml+xml", "graphml"),
    "csv": (to_csv, "text/csv; charset=utf-8", "csv"),
}


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, via=request.get_full_path())


def _may_resolve(request: HttpRequest) -> None:
    if not has_capability(request.user, Capability.RESOLVE):
        raise PermissionDenied("Your role may not change how records are resolved.")


# ---------------------------------------------------------------- resolution


@requires(Capability.VIEW_INTEL)
def overview(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _may_resolve(request)
        _overview_action(request)
        return redirect("resolution:overview")
    query = request.GET.get("q", "")[:100]
    clusters = selectors.clusters(request.user, query=query)
    if export_format(request):
        return table_response(
            request, name="resolved-people", headers=CLUSTER_LIST_HEADERS, rows=cluster_list_rows(clusters)
        )
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "runs": selectors.runs(request.user)[:5],
        "page": page,
        "query": query,
        "query_string": urlencode({"q": query}) if query else "",  # the pager keeps the filter
        "merges": selectors.recent_merges(request.user),
        "decisions": selectors.decisions(request.user),
        "can_resolve": has_capability(request.user, Capability.RESOLVE),
    }
    return render(request, "resolution/overview.html", context)


def _overview_action(request: HttpRequest) -> None:
    try:
        if "undo_merge" in request.POST:
            merge = Merge.objects.filter(pk=_uuid(request.POST["undo_merge"])).first()
            if merge is None:
                raise StoreError("that merge no longer exists.")
            undo_merge(merge=merge, actor=_actor(request))
            messages.success(request, f"Merge undone: {len(merge.records)} record(s) are back on their own.")
        elif "withdraw" in request.POST:
            decision = Decision.objects.filter(pk=_uuid(request.POST["withdraw"])).first()
            if decision is None:
                raise StoreError("that decision no longer exists.")
            withdraw(decision=decision, actor=_actor(request))
            messages.success(request, "Decision withdrawn; the model's pairs decide for those records again.")
    except StoreError as exc:
        messages.error(request, f"Nothing changed: {exc}")


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


@requires(Capability.VIEW_INTEL)
def cluster_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    item = selectors.cluster_get(request.user, pk)
    form = ClusterActionForm()
    if request.method == "POST":
        _may_resolve(request)
        form = ClusterActionForm(request.POST)
        if form.is_valid() and not _members_of(item, form.cleaned_data):
            messages.error(
                request, "Nothing changed: choose records of this person (the page may be out of date)."
            )
        elif form.is_valid():
            target = _cluster_action(request, form)
            if target:
                return redirect("resolution:cluster", pk=target)
    members = selectors.cluster_members(request.user, item)
    pairs = selectors.cluster_pairs(request.user, members)
    merges, history = selectors.cluster_history(request.user, item)
    record_view(request, object_type="cluster", object_id=str(item.pk), summary=item.label)
    context = {
        "cluster": item,
        "members": members,
        "pairs": pairs,
        "merges": merges,
        "history": history,
        "form": form,
        "can_resolve": has_capability(request.user, Capability.RESOLVE),
    }
    return render(request, "resolution/cluster_detail.html", context)


def _members_of(item, data: dict) -> bool:
    wanted = {str(data["record"])} | ({str(data["other"])} if data.get("other") else set())
    members = {str(e) for e in item.members.filter(entity_id__in=wanted).values_list("entity_id", flat=True)}
    return members == wanted


def _cluster_action(request: HttpRequest, form: ClusterActionForm) -> str | None:
    """Carry out the action; the id of the cluster to show next (the record's own), or None on error."""
    data, actor = form.cleaned_data, _actor(request)
    record, note = str(data["record"]), data.get("note", "")
    try:
        if data["action"] == "confirm":
            confirm(entity_id=record, actor=actor, note=note)
            messages.success(request, "Confirmed: later runs keep this record with the others.")
        elif data["action"] == "split":
            split_out(entity_id=record, actor=actor, note=note)
            messages.success(
                request, "Split out: this record now stands on its own, and later runs keep it so."
            )
        else:
            other = str(data["other"])
            decide(
                kind="not_same",
                left=[record],
                right=[other],
                actor=actor,
                note=note,
                moved={record: new_cluster_id()},
            )
            messages.success(request, "Recorded as not the same person: later runs keep them apart.")
    except StoreError as exc:
        messages.error(request, f"Nothing changed: {exc}")
        return None
    membership = Membership.objects.filter(entity_id=record).first()
    return str(membership.cluster_id) if membership else None


@requires(Capability.VIEW_INTEL)
def proposals(request: HttpRequest) -> HttpResponse:
    """Vehicles that may be one misread plate, and addresses resolved as one place."""
    form = DecideForm()
    if request.method == "POST":
        _may_resolve(request)
        form = DecideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decide(
                    kind=data["kind"],
                    left=[str(data["left"])],
                    right=[str(data["right"])],
                    actor=_actor(request),
                    note=data.get("note", ""),
                )
                messages.success(request, "Decision recorded.")
                return redirect("resolution:proposals")
            except StoreError as exc:
                messages.error(request, f"Nothing changed: {exc}")
    context = {
        "vehicles": selectors.vehicle_proposals(request.user),
        "places": selectors.place_clusters(request.user),
        "form": form,
        "can_resolve": has_capability(request.user, Capability.RESOLVE),
    }
    return render(request, "resolution/proposals.html", context)


# ---------------------------------------------------------------- link charts


def _chart_form(request: HttpRequest) -> ChartForm:
    nodes = [n for value in request.GET.getlist("node") for n in value.split(",")]
    return ChartForm(request.GET, nodes=nodes)


def _chart_for(request: HttpRequest, form: ChartForm) -> Chart:
    """One entity opens with its neighbourhood (two steps by default); several show with their links."""
    nodes = form.cleaned_data["nodes"]
    if not nodes:
        return Chart()
    if len(nodes) == 1:
        return neighbourhood(
            request.user, nodes[0], hops=form.cleaned_data.get("hops") or 2, **form.filters()
        )
    return expand(request.user, nodes, **form.filters())


@requires(Capability.VIEW_INTEL)
def chart_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _chart_save(request)
    form = _chart_form(request)
    chart = Chart()
    if form.is_valid():
        chart = _chart_for(request, form)
        if form.cleaned_data["nodes"]:
            record_view(
                request,
                object_type="chart",
                object_id=form.cleaned_data["nodes"][0][:64],
                summary=f"link chart of {len(chart.nodes)} entities",
            )
    return render(request, "resolution/chart.html", _chart_context(request, form, chart))


def _chart_context(
    request: HttpRequest, form: ChartForm, chart: Chart, saved: SavedChart | None = None
) -> dict:
    elements = chart.to_cytoscape()
    nodes = [n["data"] for n in elements["nodes"]]
    events = sorted((n for n in nodes if n["kind"] == "event"), key=lambda n: n.get("date", ""))
    order = {"person": 1, "location": 2, "phone": 3, "vehicle": 4, "identity": 5}
    entities = sorted(
        (n for n in nodes if n["kind"] != "event"),
        key=lambda n: (not n.get("controller"), order.get(n["kind"], 9), not n.get("at_risk"), n["label"]),
    )
    ids = [n["id"] for n in nodes]
    query = "&".join(f"node={i}" for i in ids)
    return {
        "form": form,
        "elements": elements,
        "entities": entities,
        "events": events,
        "controllers": [n for n in entities if n.get("controller")],
        "link_kinds": LINK_KINDS,
        "save_form": SaveChartForm(
            initial={"nodes": json.dumps(ids), "filters": json.dumps(_filters_json(form))}
        ),
        "saved": saved,
        "saved_charts": selectors.saved_charts(request.user)[:20],
        "export_query": query,
        "data_url": reverse("charts:data"),
    }


def _filters_json(form: ChartForm) -> dict:
    if not form.is_bound or not form.is_valid():
        return {}
    data = form.cleaned_data
    return {
        "kinds": data.get("kinds") or [],
        "since": data["since"].isoformat() if data.get("since") else "",
        "until": data["until"].isoformat() if data.get("until") else "",
    }


def _chart_save(request: HttpRequest) -> HttpResponse:
    form = SaveChartForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "The chart was not saved: " + " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("charts:page")
    saved = SavedChart.objects.create(
        name=form.cleaned_data["name"],
        owner=request.user,
        nodes=form.cleaned_data["nodes"],
        filters=form.cleaned_data["filters"],
    )
    audit_record(
        user=request.user,
        action=AuditAction.CREATE,
        object_type="saved_chart",
        object_id=str(saved.pk),
        summary=f"saved chart '{saved.name}' of {len(saved.nodes)} entities",
        path=request.path,
    )
    messages.success(request, f"Chart '{saved.name}' saved.")
    return redirect("charts:saved", pk=saved.pk)


def _only(chart: Chart, nodes: set[str]) -> Chart:
    """The chart cut down to ``nodes`` and the links among them."""
    chart.nodes = {k: v for k, v in chart.nodes.items() if k in nodes}
    chart.edges = {e for e in chart.edges if e.a in chart.nodes and e.b in chart.nodes}
    return chart


@requires(Capability.VIEW_INTEL)
def chart_saved(request: HttpRequest, pk: UUID) -> HttpResponse:
    saved = selectors.saved_chart_get(request.user, pk)
    form = ChartForm({**{k: v for k, v in saved.filters.items() if v}, "hops": 1}, nodes=saved.nodes)
    chart = Chart()
    if form.is_valid():  # only what was saved, not everything around it
        chart = _only(expand(request.user, form.cleaned_data["nodes"], **form.filters()), set(saved.nodes))
    record_view(request, object_type="saved_chart", object_id=str(saved.pk), summary=saved.name)
    return render(request, "resolution/chart.html", _chart_context(request, form, chart, saved))


@requires(Capability.VIEW_INTEL)
def chart_data(request: HttpRequest) -> JsonResponse:
    """The elements one click adds: the asked nodes and their links, one step out."""
    form = _chart_form(request)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(e for errs in form.errors.values() for e in errs)}, status=400)
    nodes = form.cleaned_data["nodes"]
    chart = expand(request.user, nodes, **form.filters()) if nodes else Chart()
    if nodes:
        record_view(
            request, object_type="chart", object_id=nodes[0][:64], summary=f"expanded {len(nodes)} entities"
        )
    return JsonResponse(chart.to_cytoscape())


@requires(Capability.VIEW_INTEL)
def chart_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The chart as shown (its nodes and the links among them) for Analyst's Notebook, Gephi or a sheet."""
    form = _chart_form(request)
    if not form.is_valid():
        return HttpResponse(
            " ".join(e for errs in form.errors.values() for e in errs),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    nodes = set(form.cleaned_data["nodes"])
    chart = _only(expand(request.user, sorted(nodes), **form.filters()), nodes) if nodes else Chart()
    write, content_type, extension = EXPORTS[fmt]
    body = write(build_graph(chart.nodes.values(), chart.edges))
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="chart",
        object_id="",
        summary=f"link chart of {len(chart.nodes)} entities as {fmt}",
        path=request.get_full_path()[:500],
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="lantern-chart.{extension}"'
    return response
