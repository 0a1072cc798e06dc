"""The Imports pages: upload a file, map its columns (saving the mapping), follow the run, fix the quarantine.

Uploads stream to disk (never held in memory) and are size-limited; the run then follows the
same code path as `lantern import`.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lantern.engine.bulk_rows import FIELDS, check_mapping, guess_mapping
from lantern.engine.tabular import TableFormatError, open_table
from lantern.governance.access import record_view, requires
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability
from lantern.intake import jobs
from lantern.intake.bulk.runner import ImportFailed, ImportRequest, imports_dir, run_prepare
from lantern.intake.exports import IMPORT_HEADERS, import_rows, import_runs
from lantern.intake.models import ColumnMapping, ImportKind, ImportRun
from lantern.intake.quarantine import quarantine_csv
from lantern.jobs.models import Job
from lantern.web.exports import export_format, table_response

SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".parquet"}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        # Cameras, reads, tracks and orders are imported with `lantern import` (no column mapping).
        choices=[(k, label) for k, label in ImportKind.choices if k in FIELDS],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label="File (CSV, XLSX or Parquet)")


@requires(Capability.BULK_IMPORT)
def imports_list(request: HttpRequest) -> HttpResponse:
    if export_format(request):
        return table_response(
            request, name="imports", headers=IMPORT_HEADERS, rows=import_rows(import_runs())
        )
    runs = Paginator(import_runs(), 25).get_page(request.GET.get("page"))
    return render(request, "intake/bulk_list.html", {"page": runs})


@requires(Capability.BULK_IMPORT)
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        problem = _upload_problem(upload)
        if problem:
            form.add_error("file", problem)
        else:
            path = _save(upload)
            try:
                open_table(path)
            except TableFormatError as exc:
                path.unlink(missing_ok=True)
                form.add_error("file", str(exc).replace(path.name, upload.name))
            else:
                request.session["upload"] = {
                    "path": str(path),
                    "name": upload.name,
                    "kind": form.cleaned_data["kind"],
                }
                return redirect("intake:import_map")
    return render(request, "intake/bulk_new.html", {"form": form}, status=400 if form.errors else 200)


def _upload_problem(upload) -> str:
    if Path(upload.name).suffix.lower() not in SUFFIXES:
        return "Choose a .csv, .xlsx or .parquet file."
    if upload.size > settings.LANTERN_MAX_UPLOAD_BYTES:
        limit = _size(settings.LANTERN_MAX_UPLOAD_BYTES)
        return f"The file is larger than {limit}: import it on the server with `lantern import`."
    if upload.size == 0:
        return "The file is empty."
    return ""


def _size(n: int) -> str:
    """A byte count as people read it (a limit under 1 MB is not "0 MB")."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def _save(upload) -> Path:
    """Stream the upload to disk in chunks (a large file is never held in memory)."""
    folder = imports_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@requires(Capability.BULK_IMPORT)
@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest) -> HttpResponse:
    upload = request.session.get("upload")
    if not upload or not Path(upload["path"]).is_file():
        message = "There is no uploaded file waiting to be mapped: upload one first."
        return render(request, "intake/bulk_failed.html", {"message": message, "title": "Nothing to map"})
    table = open_table(upload["path"])
    kind = upload["kind"]
    saved = ColumnMapping.objects.filter(kind=kind)
    chosen = saved.filter(name=request.GET.get("saved", "")).first()
    initial = dict(chosen.mapping) if chosen else guess_mapping(kind, table.headers)
    form = _mapping_form(kind, table.headers)(request.POST or None, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        mapping = {
            name: header
            for name, header in form.cleaned_data.items()
            if name in _field_names(kind) and header
        }
        problems = check_mapping(kind, mapping, table.headers)
        if not problems:
            return _start(request, upload, kind, mapping, form.cleaned_data.get("save_as", ""))
    preview = [row for chunk in table.chunks(5) for row in chunk][:5]
    context = {
        "form": form,
        "upload": upload,
        "headers": table.headers,
        "preview": preview,
        "notes": table.notes,
        "specs": FIELDS[kind],
        "saved": saved,
        "problems": problems,
    }
    return render(request, "intake/bulk_map.html", context, status=400 if problems or form.errors else 200)


def _field_names(kind: str) -> set[str]:
    return {spec.name for spec in FIELDS[kind]}


def _mapping_form(kind: str, headers: list[str]):
    choices = [("", "(not in this file)"), *((h, h) for h in headers)]
    fields = {
        spec.name: forms.ChoiceField(
            label=spec.name,
            choices=choices,
            required=False,
            help_text=spec.help + (" (required)" if spec.required else ""),
        )
        for spec in FIELDS[kind]
    }
    fields["save_as"] = forms.CharField(
        label="Save this mapping as",
        max_length=100,
        required=False,
        help_text="Optional: a name to reuse it.",
    )
    return type("MappingForm", (forms.Form,), fields)


def _start(request: HttpRequest, upload: dict, kind: str, mapping: dict, save_as: str) -> HttpResponse:
    if save_as.strip():
        with transaction.atomic():
            ColumnMapping.objects.update_or_create(
                kind=kind, name=save_as.strip(), defaults={"mapping": mapping, "created_by": request.user}
            )
            audit_record(
                user=request.user,
                action=AuditAction.UPDATE,
                object_type="column mapping",
                object_id=save_as.strip()[:64],
                summary=f"{kind} mapping {save_as.strip()}",
                path=request.path,
            )
    request_data = ImportRequest(
        kind=kind,
        path=Path(upload["path"]),
        mapping=mapping,
        user=request.user,
        via=request.path,
        original_name=upload["name"],
    )
    try:
        run = run_prepare(request_data)
    except ImportFailed as exc:
        return render(request, "intake/bulk_failed.html", {"message": str(exc)}, status=400)
    request.session.pop("upload", None)
    Path(upload["path"]).unlink(missing_ok=True)  # run_prepare kept its own copy, named by its SHA-256
    jobs.import_start(run, via=request.path)
    return redirect("intake:import_detail", pk=run.pk)


@requires(Capability.BULK_IMPORT)
def import_detail(request: HttpRequest, pk) -> HttpResponse:
    if export_format(request):
        return import_quarantine_csv(request, pk)
    run = ImportRun.objects.select_related("started_by").filter(pk=pk).first()
    if run is None:
        raise Http404("No such import.")
    quarantine = Paginator(run.quarantine.all(), 50).get_page(request.GET.get("page"))
    record_view(request, object_type="import", object_id=str(run.pk), summary=run.file_name)
    context = {
        "run": run,
        "quarantine": quarantine,
        "running": run.status in ("pending", "running"),
        "job": Job.objects.filter(kind="import", params__run=str(run.pk)).first(),
    }
    template = "intake/bulk_progress.html" if request.htmx else "intake/bulk_detail.html"
    return render(request, template, context)


@requires(Capability.BULK_IMPORT)
def import_quarantine_csv(request: HttpRequest, pk) -> HttpResponse:
    """The quarantined rows in the file's own columns, to fix and import again (CSV, or ``?format=xlsx``)."""
    run = ImportRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404("No such import.")
    headers, rows = quarantine_csv(run)
    return table_response(
        request,
        name=f"quarantine-{Path(run.file_name).stem}",
        headers=headers,
        rows=rows,
        object_type="quarantine",
        object_id=str(run.pk),
        detail={"file": run.file_name},
    )
