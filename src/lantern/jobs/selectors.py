"""Which jobs a person may see: those of the kinds their role may start."""

from __future__ import annotations

from django.db.models import QuerySet

from lantern.governance.roles import has_capability
from lantern.jobs.models import Job
from lantern.jobs.registry import KINDS, JobKind


def kinds_for(user) -> list[JobKind]:
    return [kind for kind in KINDS.values() if has_capability(user, kind.capability)]


def jobs_for(user) -> QuerySet[Job]:
    names = [kind.name for kind in kinds_for(user)]
    return Job.objects.filter(kind__in=names).select_related("created_by")


def job_for(user, pk) -> Job | None:
    return jobs_for(user).filter(pk=pk).first()
