"""Roles (Django groups) and what each may do.

Capabilities are checked in views (``requires``) and selectors; templates only display what they
are given. Adding a capability means adding it here and to the URL matrix test.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ANALYST = "analyst"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    PARTNER = "partner"
    ADMINISTRATOR = "administrator"


ROLE_NAMES: list[str] = [role.value for role in Role]


class Capability(StrEnum):
    VIEW_INTEL = "view_intel"  # POLE pages, search, dashboard of the store
    VIEW_SOURCE_DETAILS = "view_source_details"  # who a source is: analysts and supervisors only
    VIEW_ORDERS = "view_orders"
    VIEW_AUDIT = "view_audit"
    PARTNER_PORTAL = "partner_portal"  # a partner organisation's own submissions and alerts
    LOG_INTEL = "log_intel"  # write an intelligence log entry
    TRIAGE = "triage"  # work the triage queue: link, grade, assign, record incidents
    BULK_IMPORT = "bulk_import"  # upload files of persons, reports, vehicles
    MANAGE_ORDERS = "manage_orders"  # record, vary and discharge orders; upload their documents
    REVIEW_ALERTS = "review_alerts"  # the breach alert queue: review, assign, evidence packs
    RESOLVE = "resolve"  # decide that records are (or are not) one person, vehicle or place
    VIEW_RISK = "view_risk"  # priorities, premises and people at risk, hotspots, escalation
    CONFIGURE_RISK = "configure_risk"  # change the risk model's weights and bands (a new version)
    SAFEGUARD = "safeguard"  # safeguarding tasks, visits, NRM referrals and MS1 duty-to-notify records
    SUBJECT_ACCESS = "subject_access"  # export everything held about a person (a subject access request)
    REVIEW_RETENTION = "review_retention"  # the retention review queue: retain with a reason, or dispose
    RESTRICT = "restrict"  # put a record on an access list (need-to-know), or lift it
    PROFILE = "profile"  # build, edit and export problem profiles (the analyst's product)
    RUN_JOBS = "run_jobs"  # the jobs page: start long jobs (a risk run among them), follow and cancel them


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ANALYST: frozenset(
        {
            Capability.VIEW_INTEL,
            Capability.VIEW_SOURCE_DETAILS,
            Capability.VIEW_ORDERS,
            Capability.LOG_INTEL,
            Capability.TRIAGE,
            Capability.BULK_IMPORT,
            Capability.MANAGE_ORDERS,
            Capability.REVIEW_ALERTS,
            Capability.RESOLVE,
            Capability.VIEW_RISK,
            Capability.SAFEGUARD,
            Capability.PROFILE,
            Capability.RUN_JOBS,
        }
    ),
    Role.OFFICER: frozenset(
        {
            Capability.VIEW_INTEL,
            Capability.VIEW_ORDERS,
            Capability.LOG_INTEL,
            Capability.REVIEW_ALERTS,
            Capability.VIEW_RISK,
            Capability.SAFEGUARD,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Capability.VIEW_INTEL,
            Capability.VIEW_SOURCE_DETAILS,
            Capability.VIEW_ORDERS,
            Capability.VIEW_AUDIT,
            Capability.LOG_INTEL,
            Capability.TRIAGE,
            Capability.BULK_IMPORT,
            Capability.MANAGE_ORDERS,
            Capability.REVIEW_ALERTS,
            Capability.RESOLVE,
            Capability.VIEW_RISK,
            Capability.CONFIGURE_RISK,
            Capability.SAFEGUARD,
            Capability.SUBJECT_ACCESS,
            Capability.REVIEW_RETENTION,
            Capability.RESTRICT,
            Capability.PROFILE,
            Capability.RUN_JOBS,
        }
    ),
    # Partners never see the police store: only their organisation's submissions and the alerts.
    Role.PARTNER: frozenset({Capability.PARTNER_PORTAL}),
    Role.ADMINISTRATOR: frozenset({Capability.VIEW_AUDIT}),
}


def roles_of(user) -> set[Role]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_lantern_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        user._lantern_roles = cached
    return cached


def has_capability(user, capability: Capability) -> bool:
    return any(capability in ROLE_CAPABILITIES[role] for role in roles_of(user))
