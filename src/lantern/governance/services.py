"""Writes of users and roles, audited like every other write."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lantern.engine.normalise.text import clean_text_arguments
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import ROLE_NAMES, Role


class AccountError(ValueError):
    """A user account cannot be created or changed as asked."""


def roles_ensure() -> None:
    """Create the role groups if they are missing (idempotent)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def generate_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, about 120 bits


@clean_text_arguments
def user_create_or_reset(
    *, username: str, role: str, password: str | None = None, email: str = "", actor=None, via: str = ""
) -> tuple[object, str, bool]:
    """Create a user in ``role`` (or reset an existing one's password); returns (user, password, created)."""
    username = username.strip()
    if not username or len(username) > 150:
        raise AccountError("username: give 1 to 150 characters.")
    if role not in ROLE_NAMES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLE_NAMES)}.")
    password = password or generate_password()
    User = get_user_model()
    with transaction.atomic():
        roles_ensure()
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountError("password: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        audit_record(
            user=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            object_type="user",
            object_id=str(user.pk),
            summary=f"user {username} {'created' if created else 'password reset'} as {role}",
            path=via,
        )
    return user, password, created
