"""Partner-side reads: a caseworker sees only their own organisation's submissions, and the alerts."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from lantern.governance.roles import Capability, has_capability
from lantern.intake.models import PartnerMember, PartnerOrganisation, SafetyAlert, Submission


def organisation_of(user) -> PartnerOrganisation | None:
    if not has_capability(user, Capability.PARTNER_PORTAL):
        raise PermissionDenied("Your role does not allow the partner portal.")
    member = PartnerMember.objects.select_related("organisation").filter(user=user).first()
    return member.organisation if member else None


def submissions_for(organisation: PartnerOrganisation) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(organisation=organisation)
        .select_related("safety", "safety__alert")
        .order_by("-received_at")
    )


def submission_for(
    organisation: PartnerOrganisation, *, pk: UUID | None = None, reference: str = ""
) -> Submission:
    """One of the organisation's submissions; another organisation's is 'not found', never 'forbidden'."""
    found = submissions_for(organisation)
    found = found.filter(pk=pk) if pk is not None else found.filter(reference=reference)
    submission = found.first()
    if submission is None:
        raise Http404("No such submission for your organisation.")
    return submission


def alerts_for(organisation: PartnerOrganisation) -> QuerySet[SafetyAlert]:
    """The warnings shared with partners: every alert not withdrawn, if the organisation takes them."""
    if not organisation.receives_alerts:
        return SafetyAlert.objects.none()
    return SafetyAlert.objects.filter(withdrawn_at__isnull=True).order_by("-created_at")
