"""Two-factor sign-in for staff roles: a time-based one-time code from an authenticator app (TOTP,
RFC 6238, django-otp). A partner caseworker signs in with a password (their organisation's own
controls apply); everyone who can reach the police store needs the second factor. Enrolment
happens at the first sign-in: the secret is shown once, as a QR code and as text, and is only
kept once a code from it has been typed back."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Role, roles_of

STAFF_ROLES = {Role.ANALYST, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}
DEVICE_NAME = "authenticator app"


def needs_second_factor(user) -> bool:
    return bool(settings.LANTERN_REQUIRE_2FA and roles_of(user) & STAFF_ROLES)


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (a new secret if there is none yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data URI (allowed by the policy's img-src)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def secret_text(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


WRONG_CODE = "That code did not match. Type the six digits your app shows now (they change every 30 seconds)."


def verify(request, user, token: str) -> str:
    """Check the code; on success mark the session verified (and confirm a device being enrolled).

    Returns "" on success, else what to tell the user. After a wrong code django-otp makes each
    further try wait twice as long as the last, so guessing six digits is hopeless."""
    token = "".join(ch for ch in token if ch.isdigit())[:8]
    device = confirmed_device(user) or enrolment_device(user)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        wait = (why or {}).get("locked_until")
        seconds = max(1, int((wait - timezone.now()).total_seconds()) + 1) if wait else 1
        return f"Too many wrong codes: wait {seconds} second(s), then type the code your app shows."
    if not token or not device.verify_token(token):
        audit_record(user=user, action=AuditAction.SIGN_IN, object_type="user", object_id=str(user.pk),
                     summary="second factor: wrong code", path=request.path)  # fmt: skip
        return WRONG_CODE
    with transaction.atomic():
        enrolled = not device.confirmed
        if enrolled:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit_record(
            user=user,
            action=AuditAction.SIGN_IN,
            object_type="user",
            object_id=str(user.pk),
            summary="second factor enrolled and verified" if enrolled else "second factor verified",
            path=request.path,
        )
    return ""


def sign_out_everywhere(user, *, keep_session: str | None = None, via: str = "") -> int:
    """End every session of ``user`` (except ``keep_session``); returns how many were ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session:
            continue
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    audit_record(user=user, action=AuditAction.UPDATE, object_type="user", object_id=str(user.pk),
                 summary=f"signed out everywhere: {ended} other session(s) ended", path=via)  # fmt: skip
    return ended


def reset_second_factor(user, *, actor, via: str = "") -> None:
    """Remove a user's authenticator (a lost phone): they enrol again at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(user=actor, action=AuditAction.UPDATE, object_type="user", object_id=str(user.pk),
                     summary=f"second factor reset for {user.get_username()}", path=via)  # fmt: skip


def demo_authenticator(user) -> str:
    """A new confirmed authenticator for a demo account; returns its key for an app (demo only)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    return f"key {secret_text(device)}"


def current_code(user) -> str:
    """The code the user's authenticator shows now (for `lantern demo_code` on demo accounts only)."""
    from django_otp.oath import totp

    device = confirmed_device(user)
    if device is None:
        return ""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
