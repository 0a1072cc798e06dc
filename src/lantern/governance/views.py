"""The audit pages (supervisors and administrators) and the subject access export (supervisors)."""

from __future__ import annotations

import json
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from lantern.governance import restrictions, selectors
from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.exports import AUDIT_HEADERS, audit_rows
from lantern.governance.models import AuditAction, RecordRestriction, Team
from lantern.governance.roles import Capability
from lantern.governance.subject_access import subject_access_export
from lantern.intel.models import Entity, Person
from lantern.web.exports import export_format, table_response

PAGE_SIZE = 100


class AuditFilterForm(forms.Form):
    username = forms.CharField(required=False, max_length=150, label="User")
    action = forms.ChoiceField(required=False, choices=[("", "any"), *AuditAction.choices])
    object_type = forms.CharField(required=False, max_length=40, label="Kind of record")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))


@requires(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    rows = selectors.entries(request.user, **{k: v for k, v in chosen.items() if v})
    if export_format(request):
        return table_response(request, name="audit-trail", headers=AUDIT_HEADERS, rows=audit_rows(rows))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, object_type="audit_log", object_id="", summary=f"page {page.number}")
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields})
    return render(request, "governance/audit_log.html", {"form": form, "page": page, "query": query})


@requires(Capability.VIEW_AUDIT)
def record_history(request: HttpRequest, pk: UUID) -> HttpResponse:
    if restrictions.is_hidden(request.user, pk):  # who looked at a record is itself about the record
        raise Http404("No such record.")
    rows = selectors.record_history(request.user, object_id=str(pk))
    if export_format(request):
        return table_response(
            request,
            name=f"record-history-{pk}",
            headers=AUDIT_HEADERS,
            rows=audit_rows(rows),
            object_type="audit_history",
            object_id=str(pk),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, object_type="audit_history", object_id=str(pk), summary="who looked at this record")
    return render(request, "governance/record_history.html", {"page": page, "record_id": pk})


@requires(Capability.SUBJECT_ACCESS)
def subject_access(request: HttpRequest, pk: UUID) -> HttpResponse:
    if restrictions.is_hidden(request.user, pk):
        raise Http404("No such record.")
    person = get_object_or_404(Person, pk=pk)
    export = subject_access_export(person)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="subject_access",
        object_id=str(pk),
        summary=f"subject access export: {len(export['records'])} record(s), "
        f"{len(export['events'])} event link(s)",
        path=request.get_full_path(),
    )
    response = HttpResponse(json.dumps(export, indent=1, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{pk}.json"'
    return response


class RestrictForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why only these people may see it")
    users = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="People on the list", widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.all(),
        required=False,
        label="Teams on the list",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(groups__name="partner")
            .order_by("username")
        )


@requires(Capability.RESTRICT)
def restrict_record(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Put a record the supervisor can see on an access list, change the list, or lift it."""
    record, kind, back = _visible_record(request.user, pk)
    current = RecordRestriction.objects.filter(object_id=pk).first()
    initial = (
        {"reason": current.reason, "users": current.users.all(), "teams": current.teams.all()}
        if current
        else {}
    )
    form = RestrictForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "lift":
        restrictions.unrestrict(record=record, actor=request.user)
        messages.success(request, "The restriction is lifted: everyone with access to the store can see it.")
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        restrictions.restrict(
            record=record,
            kind=kind,
            reason=form.cleaned_data["reason"],
            users=form.cleaned_data["users"],
            teams=form.cleaned_data["teams"],
            actor=request.user,
        )
        messages.success(request, "Restricted: only the people and teams on the list (and you) can see it.")
        return redirect(back)
    return render(
        request,
        "governance/restrict.html",
        {"form": form, "record": record, "current": current, "back": back},
    )


def _visible_record(user, pk: UUID):
    """The entity or event behind ``pk`` as this user sees it (404 if they cannot)."""
    from lantern.intel import selectors as intel

    entity = Entity.objects.filter(pk=pk).values_list("kind", flat=True).first()
    if entity:
        record = intel.entity_get(user, kind=entity, pk=pk)
        return record, entity, record.get_absolute_url()
    event = intel.event_get(user, pk=pk)
    return event, "event", event.get_absolute_url()
