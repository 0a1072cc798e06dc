"""Partner organisations, their caseworkers, and their API tokens (only a token's hash is kept)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability, has_capability
from lantern.intake.models import ApiToken, PartnerMember, PartnerOrganisation
from lantern.intel.services import SYSTEM, Actor, StoreError

TOKEN_PREFIX = "lan_"  # noqa: S105 (a marker that makes a leaked token recognisable, not a secret)


def _audit(actor: Actor, action, object_type: str, object_id: str, summary: str) -> None:
    audit_record(
        user=actor.user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        path=actor.via,
    )


def organisation_ensure(
    *,
    code: str,
    name: str,
    kind: str = PartnerOrganisation.Kind.PROJECT,
    receives_alerts: bool = True,
    actor=SYSTEM,
) -> PartnerOrganisation:
    code = code.strip().lower()
    if not code or not all(ch.isalnum() or ch in "-_" for ch in code) or len(code) > 64:
        raise StoreError(f"organisation code {code!r}: use up to 64 letters, digits, - or _.")
    if kind not in PartnerOrganisation.Kind.values:
        raise StoreError(f"organisation kind {kind!r}: use {' or '.join(PartnerOrganisation.Kind.values)}.")
    with transaction.atomic():
        organisation, created = PartnerOrganisation.objects.get_or_create(
            code=code,
            defaults={"name": name.strip()[:200] or code, "kind": kind, "receives_alerts": receives_alerts},
        )
        if created:
            _audit(actor, AuditAction.CREATE, "partner organisation", code, f"partner organisation {code}")
    return organisation


def member_add(*, user, organisation: PartnerOrganisation, actor=SYSTEM) -> PartnerMember:
    if not has_capability(user, Capability.PARTNER_PORTAL):
        raise StoreError(f"{user.get_username()} does not have the partner role: give them it first.")
    with transaction.atomic():
        member, _ = PartnerMember.objects.update_or_create(user=user, defaults={"organisation": organisation})
        _audit(
            actor,
            AuditAction.UPDATE,
            "partner member",
            str(user.pk),
            f"{user.get_username()} in {organisation.code}",
        )
    return member


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, organisation: PartnerOrganisation, name: str, actor=SYSTEM) -> tuple[ApiToken, str]:
    """A new token for the organisation; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name.strip()[:100] or "token",
            prefix=plain[:12],
            token_hash=_hash(plain),
        )
        _audit(
            actor,
            AuditAction.CREATE,
            "api token",
            token.prefix,
            f"API token {token.prefix} for {organisation.code}",
        )
    return token, plain


def token_verify(plain: str) -> ApiToken | None:
    """The live token this text is, or None. Lookup is by hash, so no token is ever compared in plain."""
    if not isinstance(plain, str) or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(token_hash=_hash(plain), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def token_revoke(*, prefix: str, actor=SYSTEM) -> int:
    with transaction.atomic():
        count = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            _audit(actor, AuditAction.UPDATE, "api token", prefix, f"API token {prefix} revoked")
    return count
