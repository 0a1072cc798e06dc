"""Safeguarding pages: tasks with owners and due dates, visits' outcomes, NRM and MS1 referrals.

Thin: selectors read, services write (and hold the rules), templates show. Every view needs the
SAFEGUARD capability; pages showing a task or a referral leave an access entry. An MS1 is
anonymous, so its audit entries record the page without the query string that may carry the
person's id.
"""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lantern.governance.access import record_view, requires
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability
from lantern.intel.models import Entity, EntityKind, Person
from lantern.intel.services import Actor
from lantern.safeguarding import selectors, services
from lantern.safeguarding.exports import REFERRAL_HEADERS, TASK_HEADERS, referral_rows, task_rows
from lantern.safeguarding.forms import ReferralForm, TaskCloseForm, TaskFilterForm, TaskForm
from lantern.safeguarding.models import AgeBand, Referral, Task
from lantern.safeguarding.services import SafeguardingError
from lantern.web.exports import export_format, table_response

PAGE_SIZE = 50


def _actor(request: HttpRequest, *, with_query: bool = True) -> Actor:
    return Actor(user=request.user, via=request.get_full_path() if with_query else request.path)


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def _service_error(form, exc: SafeguardingError) -> None:
    """Put the service's message on its field when the form shows that field, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@requires(Capability.SAFEGUARD)
def tasks(request: HttpRequest) -> HttpResponse:
    filters = TaskFilterForm(request.GET)
    chosen = filters.values()
    found = selectors.tasks_list(request.user, **chosen)
    if export_format(request):
        return table_response(request, name="safeguarding-tasks", headers=TASK_HEADERS, rows=task_rows(found))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.data.items() if k in ("state", "kind", "mine")})
    record_view(request, object_type="safeguarding_tasks", object_id="", summary=f"tasks page {page.number}")
    return render(
        request,
        "safeguarding/task_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "counts": selectors.task_counts(request.user),
            "state_label": selectors.TASK_STATES.get(chosen["state"], "open"),
        },
    )


@requires(Capability.SAFEGUARD)
def task_new(request: HttpRequest) -> HttpResponse:
    subject_id = request.POST.get("subject") if request.method == "POST" else request.GET.get("subject")
    kind = request.GET.get("kind", "")
    initial = {"subject": request.GET.get("subject", ""), "owner": request.user.pk}
    if kind in Task.Kind.values:
        initial["kind"] = kind
    pk = _uuid(subject_id)
    subject = (
        Entity.objects.filter(pk=pk, kind__in=(EntityKind.PERSON, EntityKind.LOCATION))
        .exclude(pk__in=hidden_ids(request.user))
        .first()
        if pk
        else None
    )
    form = TaskForm(request.POST if request.method == "POST" else None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                kind=data["kind"],
                subject=data["subject"],
                title=data["title"],
                due_on=data["due_on"],
                owner=data["owner"],
                notes=data["notes"],
                actor=_actor(request),
            )
        except SafeguardingError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, f"Task recorded: {task.title}, due {task.due_on:%d %B %Y}.")
            return redirect(task)
    return render(request, "safeguarding/task_form.html", {"form": form, "subject": subject})


@requires(Capability.SAFEGUARD)
def task_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    task = selectors.task_get(request.user, pk=pk)
    form = TaskCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and task.status == Task.Status.OPEN and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_update_status(
                task=task,
                status=data["action"],
                outcome=data["outcome"],
                visited_at=data["visited_at"],
                actor=_actor(request),
            )
        except SafeguardingError as exc:
            _service_error(form, exc)
        else:
            if task.visit_id:
                messages.success(
                    request, "Task done; the visit and its outcome are on the subject's timeline."
                )
            else:
                messages.success(request, f"Task {task.get_status_display()}.")
            return redirect(task)
    elif request.method == "POST" and task.status != Task.Status.OPEN:
        form.add_error(None, f"This task is already {task.get_status_display()}; nothing was changed.")
    record_view(request, object_type="safeguarding_task", object_id=str(task.pk), summary=task.title)
    return render(
        request,
        "safeguarding/task_detail.html",
        {
            "task": task,
            "form": form,
            "records_visit": task.kind in (Task.Kind.WELFARE_VISIT, Task.Kind.WARRANT),
        },
    )


def _age_band(person: Person) -> str:
    age = services.person_age(person)
    if age is None:
        return AgeBand.UNKNOWN
    for limit, band in (
        (18, AgeBand.UNDER_18),
        (25, AgeBand.A18_24),
        (35, AgeBand.A25_34),
        (45, AgeBand.A35_44),
    ):
        if age < limit:
            return band
    return AgeBand.A45_54 if age < 55 else AgeBand.A55_PLUS


@requires(Capability.SAFEGUARD)
def referral_new(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", Referral.Kind.NRM)
    kind = kind if kind in Referral.Kind.values else Referral.Kind.NRM
    pk = _uuid(request.GET.get("person"))
    person = Person.objects.filter(pk=pk).exclude(pk__in=hidden_ids(request.user)).first() if pk else None
    initial = {}
    if person is not None:
        band = _age_band(person)
        initial = {"person": str(person.pk), "about": str(person.pk), "age_band": band}
        if band == AgeBand.UNDER_18:
            initial["is_child"] = "yes"
    form = ReferralForm(
        request.POST if request.method == "POST" else None, initial=initial, kind=kind, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "age_band": data["age_band"],
            "exploitation_types": data["exploitation_types"],
            "indicators": data["indicators"],
            "nationality": data["nationality"],
            "first_responder": data["first_responder"],
        }
        try:
            if kind == Referral.Kind.MS1:
                referral = services.referral_create_ms1(
                    **common, about=data.get("about"), actor=_actor(request, with_query=False)
                )
            else:
                referral = services.referral_create_nrm(
                    **common,
                    person=data["person"],
                    is_child=data["is_child"],
                    consent=data["consent"],
                    actor=_actor(request),
                )
        except SafeguardingError as exc:
            _service_error(form, exc)
        else:
            messages.success(
                request,
                f"{referral.get_kind_display()} recorded as a draft; mark it submitted when it is sent.",
            )
            return redirect(referral)
    return render(
        request,
        "safeguarding/referral_form.html",
        {"form": form, "kind": kind, "person": person if kind == Referral.Kind.NRM else None},
    )


@requires(Capability.SAFEGUARD)
def referral_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    referral = selectors.referral_get(request.user, pk=pk)
    error = ""
    if request.method == "POST":
        status = request.POST.get("status", "")[:40]
        reference = request.POST.get("reference", "")[:1000]
        try:
            referral = services.referral_update_status(
                referral=referral, status=status, reference=reference, actor=_actor(request)
            )
        except SafeguardingError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Referral now {referral.get_status_display()}.")
            return redirect(referral)
    record_view(request, object_type="referral", object_id=str(referral.pk), summary=str(referral))
    next_steps = [
        (status, Referral.Status(status).label)
        for status in sorted(services.REFERRAL_NEXT[referral.kind].get(referral.status, ()))
    ]
    return render(
        request,
        "safeguarding/referral_detail.html",
        {"referral": referral, "next_steps": next_steps, "error": error},
        status=400 if error else 200,
    )


@requires(Capability.SAFEGUARD)
def referrals(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    found = selectors.referrals_list(request.user, kind=kind, status=status)
    if export_format(request):
        return table_response(request, name="referrals", headers=REFERRAL_HEADERS, rows=referral_rows(found))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, object_type="referrals", object_id="", summary=f"referrals page {page.number}")
    return render(
        request,
        "safeguarding/referral_list.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": Referral.Kind.choices,
            "statuses": Referral.Status.choices,
            "query": urlencode({"kind": kind, "status": status}),
        },
    )
