"""A review date for every person and event the moment it is created.

``post_save`` (created) on ``Person`` and on ``Event`` and its subtypes. Records written with SQL
by the bulk importer send no signal: ``lantern retention schedule`` fills those in.
"""

from __future__ import annotations

from django.db.models.signals import post_save

from lantern.intel.models import Event, Incident, IntelligenceReport, Person, Sighting, Visit

EVENT_MODELS = (Event, IntelligenceReport, Incident, Sighting, Visit)


def _person_created(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from lantern.retention.services import schedule_record

        schedule_record("person", instance.pk)


def _event_created(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from lantern.retention.services import schedule_record

        schedule_record("event", instance.pk)


def connect() -> None:
    post_save.connect(_person_created, sender=Person, dispatch_uid="retention_person")
    for model in EVENT_MODELS:
        post_save.connect(_event_created, sender=model, dispatch_uid=f"retention_{model.__name__}")
