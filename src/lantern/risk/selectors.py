"""Reads of risk results, for a user who may see them (the capability is checked here, not in templates)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import Entity
from lantern.resolution.models import Membership
from lantern.risk.models import PersonRisk, PremisesRisk, RiskModel, RiskRun, SubjectRisk


def _require(user) -> None:
    if not has_capability(user, Capability.VIEW_RISK):
        raise PermissionDenied("Your role does not allow risk scores.")


def latest_run(user) -> RiskRun | None:
    _require(user)
    return RiskRun.objects.filter(status=RiskRun.Status.DONE).first()


def last_failed_run(user) -> RiskRun | None:
    _require(user)
    latest = RiskRun.objects.first()
    return latest if latest and latest.status == RiskRun.Status.FAILED else None


def subjects(user, *, order: str = "priority", escalating_only: bool = False) -> QuerySet[SubjectRisk]:
    _require(user)
    rows = SubjectRisk.objects.select_related("person").exclude(person_id__in=hidden_ids(user))
    if escalating_only:
        rows = rows.filter(escalating=True)
    return rows.order_by("escalation_rank" if order == "escalation" else "priority_rank")


def premises(user, *, high_risk_only: bool = False) -> QuerySet[PremisesRisk]:
    _require(user)
    rows = PremisesRisk.objects.select_related("location").exclude(location_id__in=hidden_ids(user))
    return rows.filter(high_risk=True) if high_risk_only else rows


def people_at_risk(user, *, prompted_only: bool = False) -> QuerySet[PersonRisk]:
    _require(user)
    rows = PersonRisk.objects.select_related("person").exclude(person_id__in=hidden_ids(user))
    return rows.filter(prompt_referral=True) if prompted_only else rows


def risk_for_entity(user, entity: Entity) -> dict:
    """What the latest run says about this person or place; empty for a user without the capability."""
    if not has_capability(user, Capability.VIEW_RISK):
        return {}
    key = _key_of(entity)
    if entity.kind == "location":
        return {"premises": PremisesRisk.objects.filter(location_key=key).first()}
    return {
        "subject": SubjectRisk.objects.filter(subject_key=key).first(),
        "at_risk": PersonRisk.objects.filter(subject_key=key).first(),
    }


def _key_of(entity: Entity) -> str:
    """The key a run scored this entity under: its cluster's id, or its own."""
    cluster = Membership.objects.filter(entity_id=entity.pk).values_list("cluster_id", flat=True).first()
    return str(cluster) if cluster else str(entity.pk)


def subject_for_person(user, person) -> SubjectRisk | None:
    _require(user)
    return SubjectRisk.objects.filter(subject_key=_key_of(person)).first()


def models(user) -> QuerySet[RiskModel]:
    _require(user)
    return RiskModel.objects.select_related("created_by")
