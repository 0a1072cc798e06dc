"""Is a worker alive? The newest beat of any `lantern worker`, for readiness and the jobs page."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from lantern.jobs.models import WorkerBeat


def worker_last_seen() -> datetime | None:
    return WorkerBeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def worker_alive(now: datetime | None = None) -> bool:
    seen = worker_last_seen()
    return seen is not None and (now or timezone.now()) - seen < timedelta(
        seconds=settings.LANTERN_JOB_STALE_S
    )


def worker_beat(name: str, started_at: datetime) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(name=name, defaults={"started_at": started_at, "seen_at": now})
    # Beats of workers gone for a day are of no further use.
    WorkerBeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
