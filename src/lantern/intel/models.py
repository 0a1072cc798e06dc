"""The POLE store: Person, Object (vehicle, phone, online identity), Location, Event.

Every entity shares one ``Entity`` row (multi-table inheritance) so that links, relationships,
provenance and search can point at any of them with a real foreign key. Ids are deterministic
where a natural key exists (see ``lantern.engine.ids``). Times are stored in UTC.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


class Source(models.Model):
    """A system, organisation or channel that tells us things."""

    class Kind(models.TextChoices):
        POLICE = "police", "police records system"
        OFFICER = "officer", "officer or analyst"
        PARTNER = "partner", "partner organisation"
        PUBLIC = "public", "member of the public"
        ANPR = "anpr", "ANPR"
        OPEN_DATA = "open_data", "open data"
        DEMO = "demo", "synthetic demo data"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class EntityKind(models.TextChoices):
    PERSON = "person", "person"
    VEHICLE = "vehicle", "vehicle"
    PHONE = "phone", "phone"
    IDENTITY = "identity", "online identity"
    LOCATION = "location", "location"


class Entity(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=EntityKind.choices, db_index=True)
    label = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse(f"intel:{self.kind}", args=[self.pk])


class Gender(models.TextChoices):
    UNKNOWN = "", "not recorded"
    FEMALE = "female", "female"
    MALE = "male", "male"
    OTHER = "other", "other"


class Person(Entity):
    """One person as one source recorded them; resolution later overlays records of one person."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="persons")
    source_record_id = models.CharField(max_length=100)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True)
    # Protected characteristics as a source recorded them (for monitoring and for the person's own
    # needs, such as an interpreter). Never an input to any score: tests/risk/test_fairness.py.
    ethnicity = models.CharField(max_length=60, blank=True)
    nationality = models.CharField(max_length=60, blank=True)
    religion = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_record_id"], name="person_unique_source_record"
            ),
        ]


class PersonName(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", "name"
        ALIAS = "alias", "alias"
        NICKNAME = "nickname", "nickname"
        WORKING = "working", "working name"

    # No separate index: the unique (person, name, kind) index serves lookups by person. No database
    # constraint either (see SearchKey.entity).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="names", db_index=False, db_constraint=False
    )
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "name", "kind"], name="person_name_unique")]


class Vehicle(Entity):
    vrm = models.CharField("VRM", max_length=10, unique=True)  # normalised: upper case, no spaces
    confusion_key = models.CharField(max_length=10, db_index=True)  # ANPR misread fold
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)


class Phone(Entity):
    e164 = models.CharField("number (E.164)", max_length=16, unique=True)


class OnlineIdentity(Entity):
    platform = models.CharField(max_length=60)
    handle = models.CharField(max_length=200)  # normalised
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "online identities"
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="identity_unique_handle")]


class Location(Entity):
    class Kind(models.TextChoices):
        PREMISES = "premises", "premises"
        RESIDENCE = "residence", "residence"
        BUSINESS = "business", "business"
        STREET = "street", "street"
        AREA = "area", "area"

    line1 = models.CharField(max_length=200, blank=True)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)  # normalised "PE1 1AA"
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    uprn = models.CharField("UPRN", max_length=12, blank=True)
    location_kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RESIDENCE)

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.line1, self.line2, self.town, self.postcode) if part)


class SearchKey(models.Model):
    """Normalised keys an entity can be found by: ``vrm:AB12CDE``, ``tel:+447700900123``, ``name:smith``."""

    # Every index and constraint costs each insert, and a bulk import writes millions of keys: the
    # unique (entity, key) index serves lookups by entity, so the foreign key gets no index of its
    # own, and no database constraint: keys are derived from their entity, deleted with it by
    # Django's cascade, and reached only through it (an orphan could never be shown). On PostgreSQL
    # each such constraint is a trigger run per inserted row at commit.
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="search_keys", db_index=False, db_constraint=False
    )
    key = models.CharField(max_length=220, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "key"], name="search_key_unique")]


class Provenance(models.Model):
    """Which source said which value of which entity, and when it was first and last said."""

    # The unique (entity, field, value, source) index serves lookups by entity; who recorded a
    # claim is never searched by: neither foreign key needs an index of its own. The entity link has
    # no database constraint, for the reason given on SearchKey.entity.
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="provenance", db_index=False, db_constraint=False
    )
    field = models.CharField(max_length=60)
    value = models.CharField(max_length=500)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    source_ref = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "field", "value", "source"], name="provenance_unique_claim"
            ),
        ]


class Relationship(models.Model):
    """A relationship between two entities is a record with dates and the source that asserted it."""

    class Kind(models.TextChoices):
        ASSOCIATE = "associate", "associate of"
        CONTROLS = "controls", "controls"
        USES_PHONE = "uses_phone", "uses phone"
        USES_VEHICLE = "uses_vehicle", "uses vehicle"
        OWNS = "owns", "owns"
        LIVES_AT = "lives_at", "lives at"
        WORKS_AT = "works_at", "works at"
        ADVERTISES = "advertises", "advertises"
        USES_IDENTITY = "uses_identity", "uses online identity"
        FAMILY = "family", "family of"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    entity_a = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relationships_out")
    entity_b = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relationships_in")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    source_ref = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="relationship_end_after_start",
            ),
        ]


class EventKind(models.TextChoices):
    REPORT = "report", "intelligence report"
    INCIDENT = "incident", "incident"
    SIGHTING = "sighting", "sighting"
    VISIT = "visit", "visit"


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=EventKind.choices, db_index=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")
    source_ref = models.CharField(max_length=100)
    occurred_from = models.DateTimeField(db_index=True)
    occurred_to = models.DateTimeField(null=True, blank=True)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    summary = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="event_unique_source_ref"),
            models.CheckConstraint(
                condition=models.Q(occurred_to__isnull=True)
                | models.Q(occurred_to__gte=models.F("occurred_from")),
                name="event_ends_after_start",
            ),
        ]
        ordering = ["-occurred_from"]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("intel:event", args=[self.pk])


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    A = "A", "A: known directly to the source"
    B = "B", "B: known indirectly, corroborated"
    C = "C", "C: known indirectly"
    D = "D", "D: not known"
    E = "E", "E: suspected to be false"


class HandlingCode(models.TextChoices):
    P = "P", "P: lawful sharing permitted"
    C = "C", "C: lawful sharing permitted with conditions"


class RecordedAtCopy(models.DateTimeField):
    """The event's ``recorded_at`` again on the report row, written with it (the parent row is
    saved first). The triage queue orders waiting reports by it through a partial index of its
    own, rather than joining every waiting report to the event table before the first page."""

    def pre_save(self, model_instance, add):
        value = model_instance.recorded_at
        setattr(model_instance, self.attname, value)
        return value


class IntelligenceReport(Event):
    class SourceType(models.TextChoices):
        PUBLIC = "public", "public report"
        SEX_WORKER = "sex_worker", "sex-worker safety report"
        OFFICER = "officer", "officer or analyst log"
        PARTNER = "partner", "partner report"
        BULK = "bulk", "bulk import"

    class Status(models.TextChoices):
        NEW = "new", "new"
        TRIAGED = "triaged", "triaged"

    text = models.TextField(blank=True)  # the report as received (may reveal the source)
    sanitised_text = models.TextField(blank=True)  # safe to share onward
    source_type = models.CharField(max_length=12, choices=SourceType.choices)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # False when the reporter has not (or no longer) consented to police use: every police selector
    # hides the report and its links. Reports never shared are not filed here at all.
    shared_with_police = models.BooleanField(default=True, db_index=True)
    waiting_since = RecordedAtCopy(null=True, editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["waiting_since", "event_ptr"],
                name="report_triage_order",
                condition=models.Q(status="new", shared_with_police=True),
            )
        ]

    @property
    def grade(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"


class ReportSourceDetail(models.Model):
    """Who the source is, kept apart from the report so it is never shown by default."""

    report = models.OneToOneField(IntelligenceReport, on_delete=models.CASCADE, related_name="source_detail")
    details = models.TextField()


class BehaviourType(models.Model):
    """The configurable vocabulary of behaviours and offences, with a severity for each."""

    class Category(models.TextChoices):
        BEHAVIOUR = "behaviour", "behaviour (not in itself a crime)"
        OFFENCE = "offence", "offence"

    code = models.SlugField(max_length=60, primary_key=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=10, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Position on the behaviour ladder, 1 (least) to 10; offences may have none",
    )
    harm_days = models.PositiveIntegerField(
        default=0, help_text="Crime harm weight: days of custody; 0 if not a crime"
    )
    vocabulary_version = models.CharField(max_length=20)

    class Meta:
        ordering = ["severity", "code"]

    def __str__(self) -> str:
        return self.name


class Incident(Event):
    behaviours = models.ManyToManyField(BehaviourType, related_name="incidents", blank=True)
    description = models.TextField(blank=True)
    # The report this incident was recorded from (intelligence rather than a crime record).
    from_report = models.ForeignKey(
        IntelligenceReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )


class Sighting(Event):
    class Via(models.TextChoices):
        ANPR = "anpr", "ANPR"
        OFFICER = "officer", "officer"
        REPORT = "report", "report"

    via = models.CharField(max_length=8, choices=Via.choices)
    confidence = models.FloatField(null=True, blank=True)
    camera_id = models.CharField(max_length=40, blank=True)
    read_id = models.CharField(max_length=64, blank=True)


class Visit(Event):
    class Type(models.TextChoices):
        PREMISES = "premises", "premises visit"
        WELFARE = "welfare", "welfare check"
        WARRANT = "warrant", "warrant"

    visit_type = models.CharField(max_length=10, choices=Type.choices)
    outcome = models.TextField(blank=True)


class LinkRole(models.TextChoices):
    SUBJECT = "subject", "subject"
    PERSON_AT_RISK = "person_at_risk", "person at risk"
    VICTIM = "victim", "victim"
    WITNESS = "witness", "witness"
    REPORTER = "reporter", "reporter"
    ASSOCIATE = "associate", "associate"
    VEHICLE_USED = "vehicle_used", "vehicle used"
    PHONE_USED = "phone_used", "phone used"
    IDENTITY_USED = "identity_used", "online identity used"
    PREMISES = "premises", "premises"
    MENTIONED = "mentioned", "mentioned"


class EventLink(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="event_links")
    role = models.CharField(max_length=16, choices=LinkRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "entity", "role"], name="event_link_unique")]


class Postcode(models.Model):
    """The offline gazetteer: postcode centroids from the ONS postcode lookup files."""

    postcode = models.CharField(max_length=8, primary_key=True)  # normalised "PE1 1AA"
    latitude = models.FloatField()
    longitude = models.FloatField()
    district = models.CharField(max_length=4, db_index=True)
