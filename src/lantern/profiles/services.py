"""Writes of problem profiles: each in one transaction with its audit entry."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.profiles.models import ProblemProfile


def problem_profile_create(
    *, user, title: str, area_spec: str, area_name: str, first_day: date, last_day: date
) -> ProblemProfile:
    with transaction.atomic():
        profile = ProblemProfile.objects.create(
            title=(title or f"Problem profile: {area_name}")[:200],
            area_spec=area_spec[:64],
            area_name=area_name[:200],
            first_day=first_day,
            last_day=last_day,
            created_by=user,
            updated_by=user,
        )
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            object_type="problem_profile",
            object_id=str(profile.pk),
            summary=f"{profile.title}: {area_name}, {first_day} to {last_day}",
        )
    return profile


def problem_profile_write(*, user, profile: ProblemProfile, assessment: str, recommendations: str) -> None:
    """Keep the analyst's assessment and recommendations (the audit records their sizes, not text)."""
    with transaction.atomic():
        profile.assessment = assessment
        profile.recommendations = recommendations
        profile.updated_by = user
        profile.save(update_fields=["assessment", "recommendations", "updated_by", "updated_at"])
        audit_record(
            user=user,
            action=AuditAction.UPDATE,
            object_type="problem_profile",
            object_id=str(profile.pk),
            summary=f"assessment ({len(assessment)} characters) and recommendations "
            f"({len(recommendations)} characters) saved",
        )
