"""The partner API (django-ninja): JSON, a bearer token per partner organisation, OpenAPI at /api/schema.

A partner submits reports and sex-worker safety reports, reads back only its own submissions, and
reads the sanitised safety alerts shared with partners. Nothing here reaches the police store. Every
POST takes an ``Idempotency-Key`` header: a retry with the same key and body gets the first answer
and creates nothing; the same key with another body is refused. No interactive docs page: ninja's
loads Swagger UI from a CDN, and no Lantern page may depend on one.
"""

from __future__ import annotations

import hashlib
import string
from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import AwareDatetime, ConfigDict

from lantern.intake import selectors
from lantern.intake.inputs import INCIDENT_TYPES, PublicReportInput, SafetyReportInput
from lantern.intake.models import Channel, IdempotencyRecord, PartnerOrganisation, Submission
from lantern.intake.services.partners import token_verify
from lantern.intake.services.submissions import (
    SubmissionError,
    public_report_submit,
    safety_consent_withdraw,
    safety_report_submit,
)
from lantern.intel.services import Actor

MAX_PAGE = 100
MAX_OFFSET = 1_000_000_000
_PRINTABLE = set(string.printable) - set("\t\n\r\x0b\x0c")


class PartnerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = token_verify(token)
        if found is not None:
            request.partner = found.organisation
        return found


api = NinjaAPI(
    title="Lantern partner API",
    version="1",
    description="Partner reports and safety reports; a partner's own submissions; safety alerts.",
    urls_namespace="api",
    openapi_url="/schema",
    docs_url=None,
    auth=PartnerToken(),
)


@api.exception_handler(SubmissionError)
def _submission_error(request, exc: SubmissionError):
    return api.create_response(request, {"detail": str(exc), "field": exc.field}, status=422)


# ------------------------------------------------------------------ schemas


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ReportIn(Strict):
    what_happened: str = Field(..., min_length=1, max_length=5000)
    occurred_at: AwareDatetime | None = Field(None, description="with a UTC offset")
    address: str = Field("", max_length=200)
    postcode: str = Field("", max_length=12)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    people: str = Field("", max_length=2000)
    vehicles: list[str] = Field(default_factory=list, max_length=10)
    phones: list[str] = Field(default_factory=list, max_length=10)


class SafetyReportIn(Strict):
    incident_type: str = Field(..., description=", ".join(INCIDENT_TYPES), max_length=40)
    occurred_at: AwareDatetime
    account: str = Field(..., min_length=1, max_length=5000)
    share_with_police: bool
    warn_others: bool
    contactable: bool = False
    working_name: str = Field("", max_length=100)
    contact_route: str = Field("", max_length=200)
    place: str = Field("", max_length=300)
    area: str = Field("", max_length=100)
    person_description: str = Field("", max_length=2000)
    phone: str = Field("", max_length=40)
    vrm: str = Field("", max_length=20)
    advert_handle: str = Field("", max_length=200)


class SafetyOut(Schema):
    incident_type: str
    share_with_police: bool
    contactable: bool
    warn_others: bool
    consent_withdrawn_at: datetime | None
    alert_reference: str | None


class SubmissionOut(Schema):
    reference: str
    channel: str
    received_at: datetime
    status: str
    safety: SafetyOut | None


class SubmissionPage(Schema):
    count: int
    next: str | None
    results: list[SubmissionOut]


class AlertOut(Schema):
    reference: str
    issued_at: datetime
    text: str


class AlertPage(Schema):
    count: int
    next: str | None
    results: list[AlertOut]


class ErrorOut(Schema):
    detail: str


def _submission_out(submission: Submission) -> dict:
    safety = getattr(submission, "safety", None)
    alert = getattr(safety, "alert", None) if safety is not None else None
    return {
        "reference": submission.reference,
        "channel": submission.channel,
        "received_at": submission.received_at,
        "status": submission.status,
        "safety": None
        if safety is None
        else {
            "incident_type": safety.incident_type,
            "share_with_police": safety.share_with_police and safety.consent_withdrawn_at is None,
            "contactable": safety.contact == "contactable",
            "warn_others": safety.warn_others,
            "consent_withdrawn_at": safety.consent_withdrawn_at,
            "alert_reference": alert.reference if alert else None,
        },
    }


# ------------------------------------------------------------------ paging and idempotency


def _page(request: HttpRequest, queryset, limit: int, offset: int, shape) -> dict:
    if not 1 <= limit <= MAX_PAGE:
        raise HttpError(422, f"limit: between 1 and {MAX_PAGE}")
    if not 0 <= offset <= MAX_OFFSET:  # a database integer has a limit; beyond it is an error, not a 500
        raise HttpError(422, f"offset: between 0 and {MAX_OFFSET}")
    count = queryset.count()
    rows = [shape(row) for row in queryset[offset : offset + limit]]
    following = offset + limit
    next_url = f"{request.path}?limit={limit}&offset={following}" if following < count else None
    return {"count": count, "next": next_url, "results": rows}


def _idempotent(request: HttpRequest, make) -> Status:
    """Run ``make`` once per Idempotency-Key (and body); a retry gets the stored answer."""
    return Status(*_answer(request, make))


def _answer(request: HttpRequest, make) -> tuple[int, dict]:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return make()
    if not 1 <= len(key) <= 200 or not set(key) <= _PRINTABLE:
        raise HttpError(422, "Idempotency-Key: 1 to 200 printable characters")
    organisation: PartnerOrganisation = request.partner
    body_hash = hashlib.sha256(request.body).hexdigest()
    stored = IdempotencyRecord.objects.filter(organisation=organisation, key=key).first()
    if stored is None:
        try:
            with transaction.atomic():
                status, body = make()
                IdempotencyRecord.objects.create(
                    organisation=organisation,
                    key=key,
                    request_hash=body_hash,
                    status_code=status,
                    response=body,
                )
                return status, body
        except IntegrityError:  # a concurrent retry won the race: answer as it did
            stored = IdempotencyRecord.objects.get(organisation=organisation, key=key)
    if stored.request_hash != body_hash:
        raise HttpError(422, "Idempotency-Key was already used for a different request; use a new key.")
    return stored.status_code, stored.response


def _json(data: dict) -> dict:
    return SubmissionOut(**data).model_dump(mode="json")


# ------------------------------------------------------------------ operations


@api.post("/reports", response={201: SubmissionOut, 401: ErrorOut, 422: ErrorOut}, summary="Submit a report")
def report_create(request: HttpRequest, body: ReportIn):
    def make():
        data = PublicReportInput(
            **{**body.model_dump(), "vehicles": tuple(body.vehicles), "phones": tuple(body.phones)}
        )
        submission = public_report_submit(
            data=data,
            actor=Actor(via="partner API"),
            organisation=request.partner,
            channel=Channel.PARTNER_API,
        )
        return 201, _json(_submission_out(submission))

    return _idempotent(request, make)


@api.post(
    "/safety-reports",
    response={201: SubmissionOut, 401: ErrorOut, 422: ErrorOut},
    summary="Submit a sex-worker safety report on someone's behalf, with their choices",
)
def safety_report_create(request: HttpRequest, body: SafetyReportIn):
    def make():
        submission = safety_report_submit(
            data=SafetyReportInput(**body.model_dump()),
            organisation=request.partner,
            actor=Actor(via="partner API"),
            channel=Channel.PARTNER_API,
        )
        return 201, _json(_submission_out(submission))

    return _idempotent(request, make)


@api.get("/submissions", response={200: SubmissionPage, 401: ErrorOut, 422: ErrorOut})
def submission_list(request: HttpRequest, limit: int = 25, offset: int = 0):
    return _page(request, selectors.submissions_for(request.partner), limit, offset, _submission_out)


@api.get("/submissions/{reference}", response={200: SubmissionOut, 401: ErrorOut, 404: ErrorOut})
def submission_get(request: HttpRequest, reference: str):
    return _submission_out(_own(request, reference))


@api.post(
    "/safety-reports/{reference}/withdraw-consent",
    response={200: SubmissionOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The reporter withdraws consent: the police no longer see it; its alert is withdrawn",
)
def safety_consent_withdraw_op(request: HttpRequest, reference: str):
    submission = _own(request, reference)
    safety = getattr(submission, "safety", None)
    if safety is None:
        raise HttpError(404, "No safety report with that reference for your organisation.")

    def make():
        safety_consent_withdraw(safety_report=safety, actor=Actor(via="partner API"))
        submission.refresh_from_db()
        return 200, _json(_submission_out(submission))

    return _idempotent(request, make)


@api.get("/alerts", response={200: AlertPage, 401: ErrorOut, 422: ErrorOut})
def alert_list(request: HttpRequest, limit: int = 25, offset: int = 0):
    return _page(
        request,
        selectors.alerts_for(request.partner),
        limit,
        offset,
        lambda a: {"reference": a.reference, "issued_at": a.created_at, "text": a.text},
    )


def _own(request: HttpRequest, reference: str) -> Submission:
    if len(reference) > 20:
        raise HttpError(404, "No submission with that reference for your organisation.")
    try:
        return selectors.submission_for(request.partner, reference=reference)
    except Http404:
        raise HttpError(404, "No submission with that reference for your organisation.") from None


# ANPR feeds push reads here with feed tokens (their own auth: see lantern.orders.live.api).
from lantern.orders.live.api import router as anpr_router  # noqa: E402 (after the partner operations)

api.add_router("/anpr", anpr_router)
