"""The audit pages (supervisors and administrators) and the subject access export (supervisors)."""

from __future__ import annotations

import json
from uuid import UUID

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lantern.governance import selectors
from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability
from lantern.governance.subject_access import subject_access_export
from lantern.intel.models import Person

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
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, object_type="audit_log", object_id="", summary=f"page {page.number}")
    query = "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page" and k in form.fields)
    return render(request, "governance/audit_log.html", {"form": form, "page": page, "query": query})


@requires(Capability.VIEW_AUDIT)
def record_history(request: HttpRequest, pk: UUID) -> HttpResponse:
    rows = selectors.record_history(request.user, object_id=str(pk))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, object_type="audit_history", object_id=str(pk), summary="who looked at this record")
    return render(request, "governance/record_history.html", {"page": page, "record_id": pk})


@requires(Capability.SUBJECT_ACCESS)
def subject_access(request: HttpRequest, pk: UUID) -> HttpResponse:
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
