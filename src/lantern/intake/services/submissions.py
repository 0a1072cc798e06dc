"""Filing what the public, sex workers and partners submit: kept first, then filed, never lost.

Every submission is stored exactly as sent (``Submission.payload``) in its own transaction before
anything is parsed, so a failure later leaves it quarantined with the reason rather than gone.
No IP address or browser detail is ever stored. A sex-worker safety report is filed into the
police store only when the reporter chose to share it; a warning for other workers is produced
only when she chose that, and it never carries her working name, her contact route or the venue.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.engine.normalise import NormalisationError, normalise_postcode
from lantern.engine.normalise.text import clean_value
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intake.inputs import INCIDENT_TYPES, PublicReportInput, SafetyReportInput
from lantern.intake.models import Channel, PartnerOrganisation, SafetyAlert, SafetyReport, Submission
from lantern.intake.services.alerts import alert_text, new_reference
from lantern.intel.models import IntelligenceReport, LinkRole, Location, Source
from lantern.intel.services import (
    Actor,
    EventInput,
    StoreError,
    event_record,
    identity_ensure,
    location_ensure,
    phone_ensure,
    source_ensure,
    vehicle_ensure,
)
from lantern.intel.services.base import acting_user

log = logging.getLogger(__name__)

PUBLIC_CONDITIONS = "Public report, not yet assessed: check with the intelligence unit before sharing"
SAFETY_CONDITIONS = "Sex-worker safety report: shared with consent; do not disclose the reporter or venue"


class SubmissionError(ValueError):
    """A submission that cannot be accepted as given; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# ------------------------------------------------------------------ public reports


def public_report_submit(
    *,
    data: PublicReportInput,
    actor: Actor,
    organisation: PartnerOrganisation | None = None,
    channel: str = Channel.PUBLIC,
    submission_id: uuid.UUID | None = None,
    reference: str = "",
) -> Submission:
    """Keep the report, then file it as a new, provisionally graded intelligence report.

    ``submission_id`` and ``reference``, when the caller fixes them (the form's id, a spooled
    report's), make the same submission sent twice fail on the key instead of being filed twice.
    """
    data = PublicReportInput(**clean_value(asdict(data)))
    if not data.what_happened.strip():
        raise SubmissionError("what_happened", "Say what you saw or heard.")
    submission = _keep(channel, _payload(data), organisation, actor, submission_id, reference)
    try:
        with transaction.atomic():
            report, problems = _file_public(submission, data, actor)
            submission.report, submission.status = report, Submission.Status.FILED
            submission.problem = "; ".join(problems)
            submission.save(update_fields=["report", "status", "problem"])
    except Exception as exc:  # nothing sent is lost: the payload stays, quarantined with the reason
        _quarantine(submission, exc)
    return submission


def _file_public(submission: Submission, data: PublicReportInput, actor: Actor):
    source = source_ensure(
        code="public-reports", name="Public report form", kind=Source.Kind.PUBLIC, actor=actor
    )
    ref, problems, links = submission.reference, [], []
    for plate in data.vehicles:
        _link(
            links,
            problems,
            LinkRole.VEHICLE_USED,
            lambda p=plate: vehicle_ensure(vrm=p, source=source, source_ref=ref, actor=actor),
        )
    for number in data.phones:
        _link(
            links,
            problems,
            LinkRole.PHONE_USED,
            lambda n=number: phone_ensure(number=n, source=source, source_ref=ref, actor=actor),
        )
    place = _public_place(data, source, ref, actor, problems)
    text = _public_text(data)
    contact = ""
    if data.wants_contact:
        contact = "; ".join(
            f"{label}: {value.strip()}"
            for label, value in (
                ("Name", data.contact_name),
                ("Phone", data.contact_phone),
                ("E-mail", data.contact_email),
            )
            if value.strip()
        )
    result = event_record(
        EventInput(
            kind="report",
            source=source,
            source_ref=ref,
            occurred_from=data.occurred_at or submission.received_at,
            summary=" ".join(data.what_happened.split())[:120],
            location=place,
            links=links,
            details={
                "text": text,
                "sanitised_text": text,  # contact details never enter the text
                "source_type": IntelligenceReport.SourceType.PUBLIC,
                "source_evaluation": "2",
                "intelligence_assessment": "C",
                "handling_code": "C",
                "handling_conditions": PUBLIC_CONDITIONS,
            },
            source_details=contact
            or ("" if not data.wants_contact else "Asked to be contacted; left no details"),
        ),
        actor=actor,
    )
    return result.obj, problems


def _public_text(data: PublicReportInput) -> str:
    parts = [data.what_happened.strip()]
    when = "when: not given" if data.occurred_at is None else ""
    for label, value in (
        ("People", data.people.strip()),
        ("Vehicles", ", ".join(v.strip() for v in data.vehicles if v.strip())),
        ("Phones", ", ".join(p.strip() for p in data.phones if p.strip())),
        ("Where", ", ".join(p for p in (data.address.strip(), data.postcode.strip()) if p)),
        ("Map point", f"{data.latitude:.5f}, {data.longitude:.5f}" if data.latitude is not None else ""),
    ):
        if value:
            parts.append(f"{label}: {value}")
    if when:
        parts.append(f"({when})")
    return "\n".join(parts)


def _public_place(
    data: PublicReportInput, source, ref: str, actor: Actor, problems: list[str]
) -> Location | None:
    postcode = ""
    if data.postcode.strip():
        try:
            postcode = normalise_postcode(data.postcode)
        except NormalisationError as exc:
            problems.append(f"postcode: {exc}")
    line1 = data.address.strip()
    point = (data.latitude, data.longitude) if data.latitude is not None else (None, None)
    if not (line1 or postcode) and point[0] is not None:
        line1 = f"Map point {point[0]:.5f}, {point[1]:.5f}"
    if not (line1 or postcode):
        return None
    try:
        return location_ensure(
            line1=line1,
            postcode=postcode,
            latitude=point[0],
            longitude=point[1],
            location_kind=Location.Kind.PREMISES,
            source=source,
            source_ref=ref,
            actor=actor,
        ).obj
    except (StoreError, NormalisationError) as exc:
        problems.append(f"place: {exc}")
        return None


def _link(links: list, problems: list[str], role: str, make) -> None:
    """Link an entity the reporter named; a half-remembered plate or number stays in the text only."""
    try:
        with transaction.atomic():
            links.append((role, make().obj))
    except (StoreError, NormalisationError) as exc:
        problems.append(str(exc))


# ------------------------------------------------------------------ sex-worker safety reports


def scheme_organisation() -> PartnerOrganisation:
    """The organisation that receives safety reports made directly (not through a project)."""
    code = getattr(settings, "LANTERN_SAFETY_SCHEME", "safety-scheme")
    organisation, _ = PartnerOrganisation.objects.get_or_create(
        code=code, defaults={"name": "Lantern safety scheme", "kind": PartnerOrganisation.Kind.PROJECT}
    )
    return organisation


def safety_report_submit(
    *,
    data: SafetyReportInput,
    organisation: PartnerOrganisation | None,
    actor: Actor,
    channel: str = Channel.SEX_WORKER,
    submission_id: uuid.UUID | None = None,
    reference: str = "",
) -> Submission:
    """Keep the report with the reporter's choices; share, warn and file only as she chose.

    ``submission_id`` and ``reference``: as for ``public_report_submit``.
    """
    data = SafetyReportInput(**clean_value(asdict(data)))
    _check_safety(data)
    if not data.contactable:  # anonymous: nothing that could reach her is kept
        data = SafetyReportInput(**{**asdict(data), "working_name": "", "contact_route": ""})
    organisation = organisation or scheme_organisation()
    submission = _keep(channel, _payload(data), organisation, actor, submission_id, reference)
    try:
        with transaction.atomic():
            safety = _safety_record(submission, data, organisation)
            if data.warn_others:
                SafetyAlert.objects.create(
                    safety_report=safety, reference=new_reference("ALERT"), text=alert_text(data)
                )
            if data.share_with_police:
                submission.report = _file_safety(submission, data, organisation, actor)
                submission.status = Submission.Status.FILED
            else:
                submission.status = Submission.Status.WITHHELD
            submission.save(update_fields=["report", "status"])
            _audit(actor, AuditAction.CREATE, "safety report", submission, _choices(data))
    except Exception as exc:  # the report as sent stays, quarantined with the reason
        _quarantine(submission, exc)
    return submission


def _check_safety(data: SafetyReportInput) -> None:
    if data.incident_type not in INCIDENT_TYPES:
        raise SubmissionError("incident_type", "Choose what kind of incident it was.")
    if not isinstance(data.occurred_at, datetime) or timezone.is_naive(data.occurred_at):
        raise SubmissionError("occurred_at", "Give the date and time it happened.")
    if data.occurred_at > timezone.now() + timedelta(minutes=10):
        raise SubmissionError("occurred_at", "The date and time cannot be in the future.")
    if not data.account.strip():
        raise SubmissionError("account", "Say what happened, in your own words.")
    if data.contactable and not data.working_name.strip():
        raise SubmissionError(
            "working_name", "Give a working name the project can use, or choose to stay anonymous."
        )


def _safety_record(submission: Submission, data: SafetyReportInput, organisation) -> SafetyReport:
    return SafetyReport.objects.create(
        submission=submission,
        organisation=organisation,
        incident_type=data.incident_type,
        occurred_at=data.occurred_at,
        place=data.place[:300],
        area=data.area[:100],
        person_description=data.person_description,
        phone=data.phone[:64],
        vrm=data.vrm[:20],
        advert_handle=data.advert_handle[:200],
        account=data.account,
        share_with_police=data.share_with_police,
        contact=SafetyReport.Contact.CONTACTABLE if data.contactable else SafetyReport.Contact.ANONYMOUS,
        working_name=data.working_name[:100],
        contact_route=data.contact_route[:200],
        warn_others=data.warn_others,
        consent_recorded_at=timezone.now(),
    )


def _file_safety(
    submission: Submission, data: SafetyReportInput, organisation, actor: Actor
) -> IntelligenceReport:
    source = source_ensure(
        code=f"safety-{organisation.code}"[:64],
        name=f"Safety reports: {organisation.name}",
        kind=Source.Kind.PARTNER,
        actor=actor,
    )
    ref, problems, links = submission.reference, [], []
    if data.phone.strip():
        _link(
            links,
            problems,
            LinkRole.PHONE_USED,
            lambda: phone_ensure(number=data.phone, source=source, source_ref=ref, actor=actor),
        )
    if data.vrm.strip():
        _link(
            links,
            problems,
            LinkRole.VEHICLE_USED,
            lambda: vehicle_ensure(vrm=data.vrm, source=source, source_ref=ref, actor=actor),
        )
    if data.advert_handle.strip():
        _link(
            links,
            problems,
            LinkRole.IDENTITY_USED,
            lambda: identity_ensure(
                platform="advert", handle=data.advert_handle, source=source, source_ref=ref, actor=actor
            ),
        )
    # No place is filed as an entity: the venue may be her home. It stays in the text analysts see.
    text = "\n".join(
        f"{label}: {value.strip()}"
        for label, value in (
            ("Incident", INCIDENT_TYPES[data.incident_type]),
            ("What happened", data.account),
            ("Where", data.place),
            ("Area", data.area),
            ("The person", data.person_description),
            ("Phone", data.phone),
            ("Vehicle", data.vrm),
            ("Advert or handle", data.advert_handle),
        )
        if value.strip()
    )
    who = (
        f"Working name: {data.working_name}; contact: {data.contact_route or 'through the project'}"
        if data.contactable
        else "Anonymous"
    )
    result = event_record(
        EventInput(
            kind="report",
            source=source,
            source_ref=ref,
            occurred_from=data.occurred_at,
            summary=f"Safety report: {INCIDENT_TYPES[data.incident_type]}",
            links=links,
            details={
                "text": text,
                "sanitised_text": alert_text(data),
                "source_type": IntelligenceReport.SourceType.SEX_WORKER,
                "source_evaluation": "2",
                "intelligence_assessment": "C",
                "handling_code": "C",
                "handling_conditions": SAFETY_CONDITIONS,
            },
            source_details=f"{who}. Received by {organisation.name}.",
        ),
        actor=actor,
    )
    return result.obj


def safety_consent_withdraw(*, safety_report: SafetyReport, actor: Actor) -> SafetyReport:
    """The reporter takes back her consent: the police no longer see the report, the alert is withdrawn."""
    with transaction.atomic():
        now = timezone.now()
        if safety_report.consent_withdrawn_at is None:
            safety_report.consent_withdrawn_at = now
            safety_report.save(update_fields=["consent_withdrawn_at"])
        report = safety_report.submission.report
        if report is not None and report.shared_with_police:
            report.shared_with_police = False
            report.save(update_fields=["shared_with_police"])
        SafetyAlert.objects.filter(safety_report=safety_report, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        _audit(actor, AuditAction.UPDATE, "safety report", safety_report.submission, {"consent": "withdrawn"})
    return safety_report


# ------------------------------------------------------------------ shared


def _payload(data) -> dict:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else list(v) if isinstance(v, tuple) else v)
        for k, v in asdict(data).items()
    }


def _keep(
    channel: str, payload: dict, organisation, actor: Actor, submission_id=None, reference: str = ""
) -> Submission:
    """Store the submission as sent, in its own transaction, with a fresh receipt reference
    (or the caller's, unless another submission already has it)."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    id=submission_id or uuid.uuid4(),
                    reference=reference if reference and attempt == 0 else new_reference(),
                    channel=channel,
                    payload=payload,
                    organisation=organisation,
                    submitted_by=acting_user(actor),
                )
                _audit(actor, AuditAction.CREATE, "submission", submission, {"channel": channel})
                return submission
        except IntegrityError:
            if submission_id is not None and Submission.objects.filter(pk=submission_id).exists():
                raise  # this very submission was kept before: the caller must not file it again
            continue  # a reference already used: draw another
    raise RuntimeError("could not draw an unused receipt reference")


def _quarantine(submission: Submission, exc: Exception) -> None:
    log.exception("submission %s could not be filed", submission.reference)
    submission.status = Submission.Status.QUARANTINED
    submission.problem = f"{type(exc).__name__}: {exc}"[:2000]
    submission.save(update_fields=["status", "problem"])


def _choices(data: SafetyReportInput) -> dict:
    return {
        "share_with_police": data.share_with_police,
        "warn_others": data.warn_others,
        "contactable": data.contactable,
    }


def _audit(actor: Actor, action, object_type: str, submission: Submission, detail: dict) -> None:
    audit_record(
        user=actor.user,
        action=action,
        object_type=object_type,
        object_id=submission.reference,
        summary=f"{object_type} {submission.reference} ({submission.channel})",
        path=actor.via,
        detail=detail,
    )
