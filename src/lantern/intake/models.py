"""Intake: everything as it arrived, before and after it is filed into the POLE store.

The raw payload of every submission is kept (``Submission``) before it is parsed, so nothing sent
is ever lost; a payload that cannot be filed stays here with the reason. Sex-worker safety
reports keep the reporter's choices beside them (``SafetyReport``): a report not shared with the
police never enters the police store at all. Bulk files are tracked per run (``ImportRun``) with
every refused row kept in ``QuarantinedRow``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from lantern.intel.models import Entity, IntelligenceReport


class PartnerOrganisation(models.Model):
    """A partner project or agency: submits reports (page or API) and receives safety alerts."""

    class Kind(models.TextChoices):
        PROJECT = "project", "sex-worker support project"
        AGENCY = "agency", "partner agency (council, health, charity)"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    receives_alerts = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PartnerMember(models.Model):
    """A caseworker account belongs to one organisation: what they read is that organisation's."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner")
    organisation = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE, related_name="members")


class ApiToken(models.Model):
    """A partner organisation's API token; only its SHA-256 is stored (the token is shown once)."""

    organisation = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # shown in lists so a token can be recognised
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class IdempotencyRecord(models.Model):
    """The answer given to a POST with an ``Idempotency-Key``; a retry gets the same answer."""

    organisation = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_unique_key"),
        ]


class Channel(models.TextChoices):
    PUBLIC = "public", "public report form"
    SEX_WORKER = "sex_worker", "sex-worker safety report"
    OFFICER = "officer", "officer or analyst log"
    PARTNER_API = "partner_api", "partner API"


class Submission(models.Model):
    """One report exactly as submitted, kept before it is parsed; the receipt reference is its handle.

    No IP address, user agent or other browser detail is ever stored here.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "received"
        FILED = "filed", "filed"
        WITHHELD = "withheld", "kept for the partner only (not shared with police)"
        QUARANTINED = "quarantined", "quarantined"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True)  # the receipt: "LAN-7K3F-9QXM"
    channel = models.CharField(max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()  # as submitted (honeypot and CSRF fields removed)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    problem = models.TextField(blank=True)  # why it was quarantined
    report = models.OneToOneField(
        IntelligenceReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-received_at"]


class SafetyReport(models.Model):
    """A sex-worker safety report (after National Ugly Mugs) and the reporter's choices about it."""

    class Contact(models.TextChoices):
        ANONYMOUS = "anonymous", "stay anonymous"
        CONTACTABLE = "contactable", "contactable (working name only)"

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="safety")
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="safety_reports"
    )
    incident_type = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)  # venue detail: never in an alert
    area = models.CharField(max_length=100, blank=True)  # a broad area (postcode district) for alerts
    person_description = models.TextField(blank=True)
    phone = models.CharField(max_length=64, blank=True)
    vrm = models.CharField(max_length=20, blank=True)
    advert_handle = models.CharField(max_length=200, blank=True)
    account = models.TextField()  # what happened, in the reporter's words
    # The reporter's choices, recorded with the report and enforced in selectors and the API.
    share_with_police = models.BooleanField()
    contact = models.CharField(max_length=12, choices=Contact.choices)
    working_name = models.CharField(max_length=100, blank=True)
    contact_route = models.CharField(max_length=200, blank=True)  # how the project may reach them
    warn_others = models.BooleanField()
    consent_recorded_at = models.DateTimeField()
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)


class SafetyAlert(models.Model):
    """The sanitised warning sent to partners: nothing that identifies the reporter or the venue."""

    safety_report = models.OneToOneField(SafetyReport, on_delete=models.CASCADE, related_name="alert")
    reference = models.CharField(max_length=20, unique=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class ExtractedMention(models.Model):
    """An identifier found in a report's free text, its normalised form, and what the store matched."""

    class Kind(models.TextChoices):
        VRM = "vrm", "vehicle registration"
        PHONE = "phone", "phone number"
        POSTCODE = "postcode", "postcode"
        EMAIL = "email", "e-mail address"
        HANDLE = "handle", "advert or social-media handle"
        NAME = "name", "name"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "suggested"
        CONFIRMED = "confirmed", "confirmed"
        DISMISSED = "dismissed", "dismissed"

    report = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE, related_name="mentions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=200)  # as written
    normalised = models.CharField(max_length=200)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL)  # store match
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "normalised"], name="mention_unique"),
        ]


class ImportKind(models.TextChoices):
    PERSONS = "persons", "persons"
    REPORTS = "reports", "intelligence reports"
    VEHICLES = "vehicles", "vehicles"
    CAMERAS = "cameras", "ANPR cameras"
    READS = "reads", "ANPR reads"
    TRACKS = "tracks", "GPS tag fixes"
    ORDERS = "orders", "orders"


class ColumnMapping(models.Model):
    """A saved mapping from a file's headers to Lantern's fields, reused for the next file like it."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    name = models.CharField(max_length=100)
    mapping = models.JSONField()  # {lantern field: file header}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="mapping_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class ImportRun(models.Model):
    """One bulk file being imported: resumable from its last committed chunk, with its summary."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting"
        RUNNING = "running", "running"
        FINISHED = "finished", "finished"
        FAILED = "failed", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    stored_path = models.CharField(max_length=500)  # the file as received, kept under var/
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)  # committed: a resumed run starts here
    filed = models.PositiveIntegerField(default=0)
    known = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class QuarantinedRow(models.Model):
    """A row that could not be filed: where it was, which columns failed and why, and the row itself."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="quarantine")
    row_number = models.PositiveIntegerField()  # 1 = the first data row (the header is row 0)
    columns = models.CharField(max_length=300)
    reason = models.TextField()
    raw = models.JSONField()  # {header: value as read}

    class Meta:
        ordering = ["row_number"]
        constraints = [models.UniqueConstraint(fields=["run", "row_number"], name="quarantine_unique_row")]
