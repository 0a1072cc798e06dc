"""The second step of sign-in (a one-time code) and the account's own security page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from lantern.governance import two_factor


def _signed_in(view):
    """For any signed-in user, verified or not (this is where an unverified user is sent)."""

    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.lantern_capability = "signed_in"  # read by the URL matrix test
    wrapped.__name__ = view.__name__
    return wrapped


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else "/"


@_signed_in
def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.needs_second_factor(user) or two_factor.is_verified(user):
        return render(request, "registration/two_factor_done.html", {"next": _next(request)})
    device = two_factor.confirmed_device(user)
    enrolling = device is None
    error = ""
    if request.method == "POST":
        error = two_factor.verify(request, user, request.POST.get("token", ""))
        if not error:
            return redirect(_next(request))
    context = {"enrolling": enrolling, "error": error, "next": _next(request)}
    if enrolling:
        enrolment = two_factor.enrolment_device(user)
        context.update(qr=two_factor.qr_data_uri(enrolment), secret=two_factor.secret_text(enrolment))
    return render(request, "registration/two_factor.html", context)


@_signed_in
def account_security(request: HttpRequest) -> HttpResponse:
    if two_factor.needs_second_factor(request.user) and not two_factor.is_verified(request.user):
        return redirect(f"/accounts/two-factor/?next={request.path}")
    if request.method == "POST" and request.POST.get("action") == "sign_out_everywhere":
        ended = two_factor.sign_out_everywhere(
            request.user, keep_session=request.session.session_key, via=request.path
        )
        messages.success(request, f"Signed out of {ended} other session(s). This one stays signed in.")
        return redirect("account_security")
    return render(
        request,
        "registration/account_security.html",
        {"has_device": two_factor.confirmed_device(request.user) is not None},
    )
