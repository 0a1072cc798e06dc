from django.conf import settings

from lantern.engine.gazetteer import POSTCODE_ATTRIBUTION
from lantern.governance.roles import Capability, has_capability, roles_of


def lantern(request) -> dict:
    """What every page needs: the user's roles and the map settings."""
    user = getattr(request, "user", None)
    return {
        "user_roles": sorted(role.value for role in roles_of(user)) if user else [],
        "can_view_intel": bool(user) and has_capability(user, Capability.VIEW_INTEL),
        "can_triage": bool(user) and has_capability(user, Capability.TRIAGE),
        "can_log": bool(user) and has_capability(user, Capability.LOG_INTEL),
        "can_partner": bool(user) and has_capability(user, Capability.PARTNER_PORTAL),
        "can_import": bool(user) and has_capability(user, Capability.BULK_IMPORT),
        "can_view_orders": bool(user) and has_capability(user, Capability.VIEW_ORDERS),
        "can_review_alerts": bool(user) and has_capability(user, Capability.REVIEW_ALERTS),
        "can_manage_orders": bool(user) and has_capability(user, Capability.MANAGE_ORDERS),
        "can_view_risk": bool(user) and has_capability(user, Capability.VIEW_RISK),
        "can_safeguard": bool(user) and has_capability(user, Capability.SAFEGUARD),
        "can_view_audit": bool(user) and has_capability(user, Capability.VIEW_AUDIT),
        "can_subject_access": bool(user) and has_capability(user, Capability.SUBJECT_ACCESS),
        "can_restrict": bool(user) and has_capability(user, Capability.RESTRICT),
        "can_profile": bool(user) and has_capability(user, Capability.PROFILE),
        "can_run_jobs": bool(user) and has_capability(user, Capability.RUN_JOBS),
        "tile_url": settings.LANTERN_TILE_URL,
        "tile_attribution": settings.LANTERN_TILE_ATTRIBUTION,
        "postcode_attribution": POSTCODE_ATTRIBUTION,
    }
