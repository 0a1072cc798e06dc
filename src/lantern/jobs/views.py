"""The Jobs pages: start a long job, follow its progress and time left, cancel it, resume it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability
from lantern.jobs.context import seconds_left, time_left_text
from lantern.jobs.exports import JOB_HEADERS, job_rows
from lantern.jobs.forms import json_params
from lantern.jobs.health import worker_alive
from lantern.jobs.kinds import job_folder
from lantern.jobs.registry import KINDS
from lantern.jobs.selectors import job_for, jobs_for, kinds_for
from lantern.jobs.services import JobError, job_cancel, job_resume, job_start
from lantern.web.exports import export_format, table_response


@requires(Capability.RUN_JOBS)
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = jobs_for(request.user)
    if export_format(request):
        return table_response(request, name="jobs", headers=JOB_HEADERS, rows=job_rows(jobs))
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    startable = [k for k in kinds_for(request.user) if k.startable and k.form is not None]
    context = {"page": page, "startable": startable, "worker_alive": worker_alive()}
    return render(request, "jobs/list.html", context)


@requires(Capability.RUN_JOBS)
@require_http_methods(["GET", "POST"])
def job_new(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS.get(kind)
    if spec is None or not spec.startable or spec.form is None or spec not in kinds_for(request.user):
        raise Http404("No such kind of job, or your role may not start it.")
    form = spec.form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        job = job_start(spec.name, json_params(form.cleaned_data), user=request.user, via=request.path)
        return redirect("jobs:detail", pk=job.pk)
    return render(request, "jobs/new.html", {"kind": spec, "form": form}, status=400 if form.errors else 200)


@requires(Capability.RUN_JOBS)
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = _job(request, pk)
    context = {"job": job, "time_left": time_left_text(seconds_left(job)), "worker_alive": worker_alive()}
    if request.htmx:  # the progress poll: not audited, the page view was
        return render(request, "jobs/progress.html", context)
    record_view(request, object_type="job", object_id=str(job.pk), summary=job.title)
    return render(request, "jobs/detail.html", context)


@requires(Capability.RUN_JOBS)
@require_http_methods(["GET", "POST"])
def job_cancel_view(request: HttpRequest, pk) -> HttpResponse:
    return _act(request, pk, job_cancel)


@requires(Capability.RUN_JOBS)
@require_http_methods(["GET", "POST"])
def job_resume_view(request: HttpRequest, pk) -> HttpResponse:
    return _act(request, pk, job_resume)


@requires(Capability.RUN_JOBS)
def job_download(request: HttpRequest, pk) -> HttpResponse:
    """A job's file (a profile PDF): only for whoever started it, since it was built with their access."""
    job = _job(request, pk)
    path = job_folder(job.pk) / "profile.pdf"
    if job.created_by_id != request.user.pk or job.status != job.Status.FINISHED or not path.is_file():
        raise Http404("No file to download here: only the person who started a job can download its file.")
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="job",
        object_id=str(job.pk),
        summary=f"downloaded {job.title}",
        path=request.path,
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"lantern-{job.kind}-{job.pk}.pdf")


def _act(request: HttpRequest, pk, action) -> HttpResponse:
    """POST acts; GET (a link followed, no script) shows the job with its Cancel or Resume button."""
    job = _job(request, pk)
    if request.method == "GET":
        context = {"job": job, "time_left": time_left_text(seconds_left(job)), "worker_alive": worker_alive()}
        return render(request, "jobs/detail.html", context)
    try:
        action(job, user=request.user, via=request.path)
    except JobError as exc:
        context = {"job": job, "time_left": "", "worker_alive": worker_alive(), "message": str(exc)}
        return render(request, "jobs/detail.html", context, status=409)
    return redirect("jobs:detail", pk=job.pk)


def _job(request: HttpRequest, pk):
    job = job_for(request.user, pk)
    if job is None:
        raise Http404("No such job, or not one your role may see.")
    return job
