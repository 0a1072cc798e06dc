"""The partner portal: a project's own submissions and safety reports, consent, and the alerts feed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability
from lantern.intake import selectors
from lantern.intake.exports import ALERT_HEADERS, SUBMISSION_HEADERS, alert_rows, submission_rows
from lantern.intake.forms_public import SafetyReportForm
from lantern.intake.services.submissions import (
    SubmissionError,
    safety_consent_withdraw,
    safety_report_submit,
)
from lantern.intel.services import Actor
from lantern.web.exports import export_format, table_response


def _organisation_or_page(request: HttpRequest):
    organisation = selectors.organisation_of(request.user)
    if organisation is None:
        return None, render(request, "intake/partner_no_organisation.html", status=403)
    return organisation, None


@requires(Capability.PARTNER_PORTAL)
def portal(request: HttpRequest) -> HttpResponse:
    organisation, page = _organisation_or_page(request)
    if page:
        return page
    if export_format(request):
        return table_response(
            request,
            name="submissions",
            headers=SUBMISSION_HEADERS,
            rows=submission_rows(selectors.submissions_for(organisation)),
            object_type="partner submissions",
            object_id=organisation.code,
        )
    submissions = Paginator(selectors.submissions_for(organisation), 25).get_page(request.GET.get("page"))
    record_view(request, object_type="partner submissions", object_id=organisation.code)
    return render(request, "intake/partner_portal.html", {"organisation": organisation, "page": submissions})


@requires(Capability.PARTNER_PORTAL)
@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk) -> HttpResponse:
    organisation, page = _organisation_or_page(request)
    if page:
        return page
    submission = selectors.submission_for(organisation, pk=pk)
    safety = getattr(submission, "safety", None)
    if request.method == "POST" and request.POST.get("action") == "withdraw" and safety is not None:
        safety_consent_withdraw(safety_report=safety, actor=Actor(user=request.user, via=request.path))
        return redirect("intake:partner_submission", pk=submission.pk)
    record_view(request, object_type="submission", object_id=submission.reference)
    return render(
        request,
        "intake/partner_submission.html",
        {"organisation": organisation, "submission": submission, "safety": safety},
    )


@requires(Capability.PARTNER_PORTAL)
def alerts(request: HttpRequest) -> HttpResponse:
    if export_format(request):
        return alerts_csv(request)
    organisation, page = _organisation_or_page(request)
    if page:
        return page
    shown = Paginator(selectors.alerts_for(organisation), 25).get_page(request.GET.get("page"))
    record_view(request, object_type="safety alerts", object_id=organisation.code)
    return render(request, "intake/partner_alerts.html", {"organisation": organisation, "page": shown})


@requires(Capability.PARTNER_PORTAL)
def alerts_csv(request: HttpRequest) -> HttpResponse:
    """The alerts feed as CSV (or ``?format=xlsx``)."""
    organisation, page = _organisation_or_page(request)
    if page:
        return page
    return table_response(
        request,
        name="safety-alerts",
        headers=ALERT_HEADERS,
        rows=alert_rows(selectors.alerts_for(organisation)),
        object_type="safety alerts",
        object_id=organisation.code,
    )


@requires(Capability.PARTNER_PORTAL)
@require_http_methods(["GET", "POST"])
def safety_new(request: HttpRequest) -> HttpResponse:
    """A caseworker files a safety report for someone they support; it belongs to their project."""
    organisation, page = _organisation_or_page(request)
    if page:
        return page
    form = SafetyReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not form.is_spam():
        try:
            submission = safety_report_submit(
                data=form.to_input(),
                organisation=organisation,
                actor=Actor(user=request.user, via=request.path),
            )
            return redirect("intake:partner_submission", pk=submission.pk)
        except SubmissionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "intake/safety_report.html", {"form": form, "organisation": organisation}, status=status
    )
