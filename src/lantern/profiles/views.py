"""Problem profile pages: the list, a new profile, the profile with its analyst's text, and its
PDF and HTML downloads. Building a profile reads only what the viewer may see, so two people
can open the same profile and each sees the figures their access allows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from lantern.engine.areas import AreaError
from lantern.engine.picture import Period
from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability
from lantern.picture.areas import area_choices, resolve_area
from lantern.profiles.forms import AnalystTextForm, ProblemProfileForm
from lantern.profiles.models import ProblemProfile
from lantern.profiles.pdf import PdfUnavailable
from lantern.profiles.problem import build_problem_profile
from lantern.profiles.render import context, render_html, render_pdf
from lantern.profiles.services import problem_profile_create, problem_profile_write
from lantern.web.exports import export_format, table_response


@requires(Capability.PROFILE)
@require_http_methods(["GET", "POST"])
def problems(request: HttpRequest) -> HttpResponse:
    """The problem profiles, and the form that starts a new one."""
    form = ProblemProfileForm(request.POST or None, areas=area_choices())
    if request.method == "POST" and form.is_valid():
        spec = form.cleaned_data["area"]
        try:
            area = resolve_area(spec)
        except AreaError as exc:
            form.add_error("area", str(exc))
        else:
            profile = problem_profile_create(
                user=request.user,
                title=form.cleaned_data["title"],
                area_spec=spec,
                area_name=area.name,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
            )
            return redirect(profile)
    if export_format(request):
        return table_response(request, name="problem-profiles", headers=PROFILE_HEADERS, rows=_rows())
    record_view(request, object_type="problem_profiles", object_id="", summary="problem profiles")
    return render(
        request, "profiles/problems.html", {"form": form, "profiles": ProblemProfile.objects.all()[:200]}
    )


PROFILE_HEADERS = ["Profile id", "Title", "Area", "From", "To", "Started by", "Started at", "Last edited"]


def _rows():
    for p in ProblemProfile.objects.select_related("created_by"):
        by = p.created_by.get_username() if p.created_by else "lantern"
        yield [str(p.pk), p.title, p.area_name, p.first_day, p.last_day, by, p.created_at, p.updated_at]


@requires(Capability.PROFILE)
@require_http_methods(["GET", "POST"])
def problem(request: HttpRequest, pk) -> HttpResponse:
    profile = get_object_or_404(ProblemProfile, pk=pk)
    form = AnalystTextForm(
        request.POST or None,
        initial={"assessment": profile.assessment, "recommendations": profile.recommendations},
    )
    if request.method == "POST" and form.is_valid():
        problem_profile_write(user=request.user, profile=profile, **form.cleaned_data)
        messages.success(request, "The assessment and recommendations are saved.")
        return redirect(profile)
    data = _build(request, profile)
    if data is None:
        return render(request, "profiles/problem_gone.html", {"profile": profile}, status=410)
    record_view(request, object_type="problem_profile", object_id=str(pk), summary=profile.title)
    page = context(data, profile, standalone=False)
    return render(request, "profiles/problem.html", {**page, "form": form})


@requires(Capability.PROFILE)
def problem_pdf(request: HttpRequest, pk) -> HttpResponse:
    profile = get_object_or_404(ProblemProfile, pk=pk)
    data = _build(request, profile)
    if data is None:
        return render(request, "profiles/problem_gone.html", {"profile": profile}, status=410)
    try:
        body = render_pdf(data, profile)
    except PdfUnavailable as exc:
        return render(
            request, "profiles/problem_gone.html", {"profile": profile, "error": str(exc)}, status=503
        )
    _audit_export(request, profile, "PDF")
    return _download(body, "application/pdf", profile, "pdf")


@requires(Capability.PROFILE)
def problem_html(request: HttpRequest, pk) -> HttpResponse:
    profile = get_object_or_404(ProblemProfile, pk=pk)
    data = _build(request, profile)
    if data is None:
        return render(request, "profiles/problem_gone.html", {"profile": profile}, status=410)
    _audit_export(request, profile, "HTML")
    return _download(render_html(data, profile).encode("utf-8"), "text/html; charset=utf-8", profile, "html")


def _build(request: HttpRequest, profile: ProblemProfile):
    """The profile's figures for this viewer; None when its area no longer exists."""
    try:
        area = resolve_area(profile.area_spec)
    except AreaError:
        return None
    return build_problem_profile(
        user=request.user,
        area=area,
        period=Period.of_days(profile.first_day, profile.last_day),
        title=profile.title,
    )


def _audit_export(request: HttpRequest, profile: ProblemProfile, fmt: str) -> None:
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="problem_profile",
        object_id=str(profile.pk),
        summary=f"{profile.title} as {fmt}",
        path=request.get_full_path(),
    )


def _download(body: bytes, content_type: str, profile: ProblemProfile, ext: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    stem = "".join(ch if ch.isalnum() else "-" for ch in profile.title.lower()).strip("-")[:60] or "profile"
    response["Content-Disposition"] = f'attachment; filename="{stem}.{ext}"'
    return response
