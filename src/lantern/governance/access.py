"""Who may open a view, and the access entry every page of personal data leaves behind."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability, has_capability


def requires(capability: Capability) -> Callable:
    """Declare who may see a view: signed in, and holding ``capability`` through a role."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_capability(request.user, capability):
                raise PermissionDenied(f"Your role does not allow this page ({capability}).")
            return view(request, *args, **kwargs)

        wrapped.lantern_capability = capability  # read by the URL matrix test
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Declare a view open to anyone, signed in or not (it must show no personal data)."""
    view.lantern_capability = "public"
    return view


def signed_in(view: Callable) -> Callable:
    """Declare a view open to any signed-in user, whatever their role."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.lantern_capability = "signed_in"
    return wrapped


def record_view(request: HttpRequest, *, object_type: str, object_id: str, summary: str = "") -> None:
    audit_record(
        user=request.user,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        path=request.get_full_path(),
    )
