"""Who may open a view, and the access entry every page of personal data leaves behind."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

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
            if unverified(request):
                return redirect_to_second_factor(request)
            if not has_capability(request.user, capability):
                raise PermissionDenied(f"Your role does not allow this page ({capability}).")
            return view(request, *args, **kwargs)

        wrapped.lantern_capability = capability  # read by the URL matrix test
        return wrapped

    return decorator


def unverified(request: HttpRequest) -> bool:
    """Signed in with a password only, where the role needs a second factor too."""
    from lantern.governance.two_factor import is_verified, needs_second_factor

    return needs_second_factor(request.user) and not is_verified(request.user)


def redirect_to_second_factor(request: HttpRequest, next_url: str = "") -> HttpResponseRedirect:
    """To the one-time code page, coming back to ``next_url`` (default: this page) afterwards."""
    next_url = next_url or request.get_full_path()
    target = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    query = urlencode({"next": next_url}) if target else ""
    return HttpResponseRedirect(reverse("two_factor") + (f"?{query}" if query else ""))


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
        if unverified(request):
            return redirect_to_second_factor(request)
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
