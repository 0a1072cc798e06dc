"""The public pages: report forms anyone can use, without signing in, and their receipts.

No page here shows personal data. A report's receipt is shown once, to the browser that sent it
(the reference travels in the session, not in the address), and nothing about the sender (IP
address, browser) is stored with the report.

The forms keep working while the database does not answer: the report is written to the spool
(``lantern.intake.spool``) and the reporter is given the reference it will be filed under, on the
page itself (the session lives in the database). A report is filed in one transaction, so a
failure half-way stores nothing and the spooled copy is the only one; its id (drawn when the form
was shown) makes a second sending of the same report find the first.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lantern.governance.access import public
from lantern.governance.roles import roles_of
from lantern.intake import ratelimit, spool
from lantern.intake.forms_public import PublicReportForm, SafetyReportForm
from lantern.intake.models import Submission
from lantern.intake.services.submissions import SubmissionError, public_report_submit, safety_report_submit
from lantern.intel.services import Actor
from lantern.web.dbdown import database_unavailable

log = logging.getLogger(__name__)
RATE_WINDOW = 600  # seconds: LANTERN_PUBLIC_RATE_LIMIT reports per client per ten minutes
NOT_KEPT = (
    "Your report could not be kept just now, so it has not been sent. It is still in the form below: "
    "please try again in a few minutes. If it cannot wait, call 101, or 999 in an emergency."
)


@public
@require_http_methods(["GET", "POST"])
def report_public(request: HttpRequest) -> HttpResponse:
    return _report_page(request, PublicReportForm, "intake/public_report.html", "public", _file_public)


@public
@require_http_methods(["GET", "POST"])
def report_safety(request: HttpRequest) -> HttpResponse:
    return _report_page(request, SafetyReportForm, "intake/safety_report.html", "safety", _file_safety)


def _file_public(form, submission_id: uuid.UUID) -> Submission:
    return public_report_submit(
        data=form.to_input(), actor=Actor(via="public report form"), submission_id=submission_id
    )


def _file_safety(form, submission_id: uuid.UUID) -> Submission:
    return safety_report_submit(
        data=form.to_input(),
        organisation=None,
        actor=Actor(via="sex-worker safety report form"),
        submission_id=submission_id,
    )


def _report_page(request: HttpRequest, form_class, template: str, kind: str, file) -> HttpResponse:
    _user_or_anonymous(request)
    if request.method == "GET":
        return render(request, template, {"form": form_class.blank()})
    form = form_class(request.POST)
    if not ratelimit.allow(
        request, kind, limit=settings.LANTERN_PUBLIC_RATE_LIMIT, window_seconds=RATE_WINDOW
    ):
        return render(request, "intake/public_rate_limited.html", status=429)
    if form.is_spam():
        log.info("a %s report with its honeypot filled was discarded", kind)  # nothing of it is kept
        request.session["receipt"] = {"kind": kind, "reference": ""}
        return redirect("intake:report_receipt")
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    submission_id = form.submission_uuid()
    try:
        with transaction.atomic():  # all of it or nothing: a half-filed report is never left behind
            submission = file(form, submission_id)
    except SubmissionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return render(request, template, {"form": form}, status=400)
    except IntegrityError:
        submission = Submission.objects.filter(pk=submission_id).first()
        if submission is None:
            raise
        log.info("a %s report was sent again; it was kept once", kind)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        return _spooled(request, form, template, kind, submission_id, exc)
    request.session["receipt"] = {"kind": kind, "reference": submission.reference}
    return redirect("intake:report_receipt")


def _user_or_anonymous(request: HttpRequest) -> None:
    """Who is asking, for the page's header; nobody when the database cannot say (the forms work
    without it, and the header must not fail the page later)."""
    try:
        roles_of(request.user)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        request.user = AnonymousUser()


def _spooled(request, form, template: str, kind: str, submission_id: uuid.UUID, exc: Exception):
    """The database could not store the report: keep it in the spool and say so plainly."""
    log.warning(
        "the database could not store a %s report (%s): keeping it in the spool", kind, type(exc).__name__
    )
    request.user = AnonymousUser()  # the pages below must not ask the database who is signed in
    try:
        kept = spool.keep(kind, submission_id, form.to_input())
    except spool.SpoolError as failure:
        log.error("a %s report could not be kept in the spool either: %s", kind, failure)
        form.add_error(None, NOT_KEPT)
        return render(request, template, {"form": form}, status=503)
    receipt = {"kind": kind, "reference": kept.reference}
    return render(request, "intake/public_receipt_spooled.html", {"receipt": receipt}, status=202)


@public
def report_receipt(request: HttpRequest) -> HttpResponse:
    """The reference, once: reloading or sharing the address shows nothing of the report."""
    receipt = request.session.pop("receipt", None)
    return render(request, "intake/public_receipt.html", {"receipt": receipt})
