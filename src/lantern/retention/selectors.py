"""Retention reads, each checking the REVIEW_RETENTION capability; restricted records stay hidden."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from lantern.governance.restrictions import hidden_ids, is_hidden
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import Entity, Event
from lantern.retention.models import Disposal, RecordKind, ReviewSchedule
from lantern.retention.policy import current_policy


def _require(user) -> None:
    if not has_capability(user, Capability.REVIEW_RETENTION):
        raise PermissionDenied("Your role does not allow retention review.")


def review_queue(
    user, *, group: str = "", kind: str = "", overdue_only: bool = False, window_days: int | None = None
) -> QuerySet[ReviewSchedule]:
    """Records due for review (overdue, or due within the window), oldest review date first."""
    _require(user)
    today = timezone.localdate()
    window = current_policy().queue_window_days if window_days is None else window_days
    rows = ReviewSchedule.objects.exclude(object_id__in=hidden_ids(user)).select_related("last_reviewed_by")
    rows = (
        rows.filter(review_on__lt=today)
        if overdue_only
        else rows.filter(review_on__lte=today + timedelta(days=window))
    )
    if group:
        rows = rows.filter(group=group)
    if kind in RecordKind.values:
        rows = rows.filter(record_kind=kind)
    return rows.order_by("review_on", "created_at")


def labels_for(schedules) -> dict[UUID, str]:
    """What each scheduled record is called (persons' labels, events' summaries), in two queries."""
    people = [s.object_id for s in schedules if s.record_kind == RecordKind.PERSON]
    events = [s.object_id for s in schedules if s.record_kind == RecordKind.EVENT]
    labels = dict(Entity.objects.filter(pk__in=people).values_list("pk", "label"))
    labels.update(Event.objects.filter(pk__in=events).values_list("pk", "summary"))
    return labels


def review_get(user, *, pk: UUID) -> ReviewSchedule:
    _require(user)
    schedule = ReviewSchedule.objects.filter(pk=pk).first()
    if schedule is None or is_hidden(user, schedule.object_id):
        raise Http404("No such review.")
    return schedule


def disposals(user) -> QuerySet[Disposal]:
    _require(user)
    return Disposal.objects.select_related("disposed_by")
