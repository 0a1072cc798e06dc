"""Reads of safeguarding tasks and referrals, each checking the acting user's SAFEGUARD capability.

A user without it is refused (``PermissionDenied``) rather than shown an empty list, so a page
wired to the wrong role fails loudly. ``referral_prompt`` is pure: the person page (risk app)
calls it with the person's score and whether a referral exists, and shows the sentence it returns.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import Entity, Person
from lantern.safeguarding.models import Referral, Task

TASK_STATES = {
    "open": "open",
    "overdue": "overdue",
    "done": "done",
    "cancelled": "cancelled",
    "all": "any status",
}


def _require(user) -> None:
    if not has_capability(user, Capability.SAFEGUARD):
        raise PermissionDenied("Your role does not allow safeguarding tasks and referrals.")


def tasks_list(user, *, mine: bool = False, state: str = "open", kind: str = "") -> QuerySet[Task]:
    """Tasks by due date: ``state`` is open, overdue, done, cancelled or all; ``mine`` the user's own."""
    _require(user)
    tasks = Task.objects.select_related("subject", "owner").exclude(subject_id__in=hidden_ids(user))
    today = timezone.localdate()
    if state == "overdue":
        tasks = tasks.filter(status=Task.Status.OPEN, due_on__lt=today)
    elif state in Task.Status.values:
        tasks = tasks.filter(status=state)
    if mine:
        tasks = tasks.filter(owner=user)
    if kind in Task.Kind.values:
        tasks = tasks.filter(kind=kind)
    return tasks


def task_counts(user) -> dict[str, int]:
    """Open, overdue and the user's own open tasks, in one query."""
    _require(user)
    today = timezone.localdate()
    is_open = Q(status=Task.Status.OPEN)
    return Task.objects.exclude(subject_id__in=hidden_ids(user)).aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(due_on__lt=today)),
        mine=Count("pk", filter=is_open & Q(owner=user)),
    )


def task_get(user, *, pk: UUID) -> Task:
    _require(user)
    task = (
        Task.objects.select_related("subject", "owner", "created_by", "visit")
        .exclude(subject_id__in=hidden_ids(user))  # a restricted subject's task does not exist for them
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404("No such task.")
    return task


def tasks_for_entity(user, entity: Entity) -> list[Task]:
    """Every task about a person or place, open ones first, then by due date."""
    _require(user)
    tasks = Task.objects.filter(subject=entity).select_related("owner")
    return sorted(tasks, key=lambda t: (t.status != Task.Status.OPEN, t.due_on))


def referrals_list(user, *, kind: str = "", status: str = "") -> QuerySet[Referral]:
    _require(user)
    referrals = Referral.objects.select_related("person", "created_by").exclude(
        person_id__in=hidden_ids(user)
    )
    if kind in Referral.Kind.values:
        referrals = referrals.filter(kind=kind)
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    return referrals


def referrals_for_person(user, person: Person) -> list[Referral]:
    """NRM referrals naming the person (an MS1 names nobody, so it never appears here)."""
    _require(user)
    return list(Referral.objects.filter(person=person).select_related("created_by"))


def referral_get(user, *, pk: UUID) -> Referral:
    _require(user)
    referral = (
        Referral.objects.select_related("person", "created_by")
        .exclude(person_id__in=hidden_ids(user))
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404("No such referral.")
    return referral


def referral_prompt(
    *, person_risk_score: float | None, threshold: float, has_referral: bool, is_child: bool | None
) -> str | None:
    """A sentence prompting an NRM referral (or an MS1 if an adult declines), or None.

    Prompted when the score is at or above the threshold and no referral exists. ``is_child`` None
    means the age is not known: the guidance is to treat the person as a child when in doubt.
    """
    if person_risk_score is None or has_referral or person_risk_score < threshold:
        return None
    reached = f"The risk score ({person_risk_score:g}) is at or above the referral threshold ({threshold:g})"
    if is_child:
        return (
            f"{reached}: refer this child to the National Referral Mechanism (NRM); a child needs no consent."
        )
    if is_child is None:
        return (
            f"{reached}: consider a National Referral Mechanism (NRM) referral. If the person may be "
            "under 18, treat them as a child and refer without consent; an adult must consent, and if "
            "they decline, record an anonymous MS1 Duty to Notify."
        )
    return (
        f"{reached}: offer a National Referral Mechanism (NRM) referral. If they decline, record an "
        "anonymous MS1 Duty to Notify."
    )
