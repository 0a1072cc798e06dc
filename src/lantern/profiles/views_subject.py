"""The subject profile as a page and as a PDF: one template, two wrappers.

The page extends the site's ``base.html``; the PDF renders the same template inside a minimal
standalone wrapper (no navigation, no scripts) and converts it with WeasyPrint. Both are audited:
the page as a view, the PDF as an export (written once the PDF exists, since before that nothing
has left the system).
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability
from lantern.profiles.pdf import PdfUnavailable, html_to_pdf
from lantern.profiles.subject import SubjectProfile, subject_profile

TEMPLATE = "profiles/subject.html"
PRINT_WRAPPER = "profiles/_subject_print_base.html"


@requires(Capability.VIEW_RISK)
def subject_page(request: HttpRequest, pk: UUID) -> HttpResponse:
    profile = subject_profile(request.user, pk)
    record_view(request, object_type="subject_profile", object_id=str(pk), summary=profile.name)
    return render(request, TEMPLATE, _context(profile, for_print=False))


@requires(Capability.VIEW_RISK)
def subject_pdf(request: HttpRequest, pk: UUID) -> HttpResponse:
    profile = subject_profile(request.user, pk)
    html = render_to_string(TEMPLATE, _context(profile, for_print=True), request=request)
    try:
        pdf = html_to_pdf(html)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="subject_profile",
        object_id=str(pk),
        summary=f"subject profile as PDF: {profile.name}",
        path=request.get_full_path(),
        detail={"format": "pdf", "records": [str(i) for i in profile.record_ids], "bytes": len(pdf)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # the id, not the name: a file name travels further than the file's marking
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="subject-profile-{str(pk)[:8]}-{stamp}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _context(profile: SubjectProfile, *, for_print: bool) -> dict:
    return {
        "profile": profile,
        "for_print": for_print,
        "base_template": PRINT_WRAPPER if for_print else "base.html",
    }
