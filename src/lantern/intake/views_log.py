"""The intelligence log page and the small search that adds links to it."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lantern.governance.access import requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability
from lantern.intake import selectors_triage as selectors
from lantern.intake.forms_log import ROLE_CHOICES, LinkRow, LinkRows, LogForm, blank_rows, link_rows_from_post
from lantern.intake.services.intel_log import LogError, intel_log_record
from lantern.intel.selectors import entity_search

GRADE_FIELDS = LogForm.GRADE_FIELDS


@requires(Capability.LOG_INTEL)
def log_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        now = timezone.localtime().replace(second=0, microsecond=0)
        return _render(request, LogForm(initial={"occurred_at": now}), LinkRows(blank_rows()))
    form = LogForm(request.POST)
    valid = form.is_valid()
    rows = link_rows_from_post(request.user, request.POST)
    if form.mapped is not None:
        return _render(request, form.show_back(), rows)  # check the converted grade, then save again
    if not (valid and rows.valid):
        return _render(request, form, rows, status=400)
    data = form.cleaned_data
    try:
        report = intel_log_record(
            user=request.user,
            occurred_at=data["occurred_at"],
            text=data["text"],
            sanitised_text=data["sanitised_text"],
            source_details=data["source_details"],
            **{name: data[name] for name in GRADE_FIELDS},
            handling_conditions=data["handling_conditions"],
            links=rows.links(),
            via=request.path,
        )
    except LogError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, str(exc).split(":", 1)[-1].strip())
        else:
            rows.error = str(exc)[0].upper() + str(exc)[1:]
        return _render(request, form, rows, status=400)
    return redirect(report.get_absolute_url())


def _render(request: HttpRequest, form: LogForm, rows: LinkRows, *, status: int = 200) -> HttpResponse:
    shown = [row for row in rows.rows if row.ref] or []
    shown += blank_rows(max(1, 3 - len(shown)), start=len(shown) + 1)
    for number, row in enumerate(shown, start=1):
        row.number = number
    context = {
        "form": form,
        "form_list": [form] if form.errors else [],
        "row_errors": [
            (f"link-ref-{row.dom_key}", f"Link {row.number}: {row.error}") for row in shown if row.error
        ],
        "rows": shown,
        "links_error": rows.error,
        "role_choices": ROLE_CHOICES,
        "shown_back": getattr(form, "shown_back", None),
        "grade_fields": [form[name] for name in GRADE_FIELDS],
    }
    return render(request, "intake/log_form.html", context, status=status)


@requires(Capability.LOG_INTEL)
def log_entities(request: HttpRequest) -> HttpResponse:
    """htmx: search the store for a record to link (``q``), or give the form row for one (``add``)."""
    if "add" in request.GET:
        entity = selectors.log_entity_get(request.user, request.GET["add"])
        row = (
            LinkRow(ref=str(entity.pk), role="subject", entity=entity, key=f"e{secrets.token_hex(4)}")
            if entity
            else None
        )
        return render(request, "intake/log_link_row.html", {"row": row, "role_choices": ROLE_CHOICES})
    result = entity_search(request.user, request.GET.get("q", ""))
    if result.query:
        audit_record(
            user=request.user,
            action=AuditAction.SEARCH,
            object_type="search",
            summary=result.query,
            path=request.get_full_path(),
            detail={"results": len(result.entities), "for": "log links"},
        )
    template = "intake/log_search_results.html" if request.htmx else "intake/log_search.html"
    return render(request, template, {"result": result})
