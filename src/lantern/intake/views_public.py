"""The public pages: report forms anyone can use, without signing in, and their receipts.

No page here shows personal data. A report's receipt is shown once, to the browser that sent it
(the reference travels in the session, not in the address), and nothing about the sender (IP
address, browser) is stored with the report.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lantern.governance.access import public
from lantern.intake import ratelimit
from lantern.intake.forms_public import PublicReportForm, SafetyReportForm
from lantern.intake.services.submissions import SubmissionError, public_report_submit, safety_report_submit
from lantern.intel.services import Actor

log = logging.getLogger(__name__)
RATE_LIMIT, RATE_WINDOW = 5, 600  # reports per client per ten minutes


@public
@require_http_methods(["GET", "POST"])
def report_public(request: HttpRequest) -> HttpResponse:
    return _report_page(request, PublicReportForm, "intake/public_report.html", "public", _file_public)


@public
@require_http_methods(["GET", "POST"])
def report_safety(request: HttpRequest) -> HttpResponse:
    return _report_page(request, SafetyReportForm, "intake/safety_report.html", "safety", _file_safety)


def _file_public(form, request):
    return public_report_submit(data=form.to_input(), actor=Actor(via="public report form"))


def _file_safety(form, request):
    return safety_report_submit(
        data=form.to_input(), organisation=None, actor=Actor(via="sex-worker safety report form")
    )


def _report_page(request: HttpRequest, form_class, template: str, kind: str, file) -> HttpResponse:
    if request.method == "GET":
        return render(request, template, {"form": form_class()})
    form = form_class(request.POST)
    if not ratelimit.allow(request, kind, limit=RATE_LIMIT, window_seconds=RATE_WINDOW):
        return render(request, "intake/public_rate_limited.html", status=429)
    if form.is_spam():
        log.info("a %s report with its honeypot filled was discarded", kind)  # nothing of it is kept
        request.session["receipt"] = {"kind": kind, "reference": ""}
        return redirect("intake:report_receipt")
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    try:
        submission = file(form, request)
    except SubmissionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return render(request, template, {"form": form}, status=400)
    request.session["receipt"] = {"kind": kind, "reference": submission.reference}
    return redirect("intake:report_receipt")


@public
def report_receipt(request: HttpRequest) -> HttpResponse:
    """The reference, once: reloading or sharing the address shows nothing of the report."""
    receipt = request.session.pop("receipt", None)
    return render(request, "intake/public_receipt.html", {"receipt": receipt})
