"""The open crime page (data.police.uk): counts, a map and the imports, each list downloadable.

Thin: selectors check the capability and read; every page leaves an access entry; every download
is audited by ``web.exports``.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.context import selectors
from lantern.context.forms import CrimeFilterForm
from lantern.context.models import CrimeImport
from lantern.engine.police_uk import COLUMNS, fold
from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability
from lantern.web.exports import export_format, table_response

SHOWN = 50  # rows of the LSOA and street lists on the page; downloads hold them all
RUNS_SHOWN = 20
PAGE_SIZE = 50
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


@requires(Capability.VIEW_INTEL)
def crimes(request: HttpRequest) -> HttpResponse:
    user = request.user
    held = selectors.choices(user)
    form = CrimeFilterForm(request.GET or None, crime_types=held["crime_types"], forces=held["forces"])
    form.is_valid()
    crime_filter = form.crime_filter()
    if export_format(request):
        return _export(request, crime_filter)
    by_lsoa = selectors.counts_by_lsoa(user, crime_filter)
    by_street = selectors.counts_by_street(user, crime_filter)
    points = selectors.map_points(user, crime_filter)
    record_view(request, object_type="open_crime", object_id="list", summary=crime_filter.describe())
    return render(
        request,
        "context/crimes.html",
        {
            "form": form,
            "held": held,
            "total": points.mapped + points.unmapped,
            "points": points,
            "points_json": json.dumps(points.points),
            "by_type": selectors.counts_by_type(user, crime_filter),
            "by_lsoa": by_lsoa[:SHOWN],
            "lsoa_count": len(by_lsoa),
            "by_street": by_street[:SHOWN],
            "street_count": len(by_street),
            "runs": selectors.imports(user)[:RUNS_SHOWN],
            "attribution": ATTRIBUTION,
        },
    )


def _export(request: HttpRequest, crime_filter: selectors.CrimeFilter) -> HttpResponse:
    user, which = request.user, request.GET.get("list", "")
    if which == "lsoas":
        rows = selectors.counts_by_lsoa(user, crime_filter)
        return table_response(
            request,
            name="open-crime-by-lsoa",
            headers=["LSOA code", "LSOA name", "crimes"],
            rows=[[r["lsoa_code"], r["lsoa_name"], r["crimes"]] for r in rows],
        )
    if which == "streets":
        rows = selectors.counts_by_street(user, crime_filter)
        return table_response(
            request,
            name="open-crime-by-street",
            headers=["street or place", "crimes", "LSOAs"],
            rows=[[r["street"], r["crimes"], r["lsoas"]] for r in rows],
        )
    if which == "imports":
        return table_response(
            request,
            name="open-crime-imports",
            headers=RUN_HEADERS,
            rows=map(_run_row, selectors.imports(user)),
        )
    rows = selectors.counts_by_type(user, crime_filter)
    return table_response(
        request,
        name="open-crime-by-type",
        headers=["crime type", "crimes"],
        rows=[[r["crime_type"], r["crimes"]] for r in rows],
    )


RUN_HEADERS = [
    "file", "started", "finished", "status", "by", "via", "rows read", "new", "already held",
    "outcomes updated", "quarantined", "street files", "files skipped", "error",
]  # fmt: skip


def _run_row(run: CrimeImport) -> list:
    return [
        run.file_name, run.started_at, run.finished_at, run.get_status_display(),
        run.started_by.get_username() if run.started_by else "", run.via, run.rows_read, run.rows_stored,
        run.rows_unchanged, run.rows_updated, run.rows_quarantined, len(run.files), len(run.skipped),
        run.error,
    ]  # fmt: skip


@requires(Capability.VIEW_INTEL)
def quarantine(request: HttpRequest, pk) -> HttpResponse:
    run = selectors.import_get(request.user, pk)
    rows = selectors.quarantined_rows(request.user, run)
    if export_format(request):
        return table_response(
            request,
            name=f"open-crime-quarantine-{run.pk}",
            headers=QUARANTINE_HEADERS,
            rows=(_quarantine_row(row) for row in rows.iterator(chunk_size=2000)),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(
        request, object_type="open_crime_quarantine", object_id=str(run.pk), summary=f"page {page.number}"
    )
    return render(request, "context/quarantine.html", {"run": run, "page": page, "attribution": ATTRIBUTION})


# The street format's own columns, so a fixed row can be pasted back into a file and imported again;
# then a row that would not split into cells, as read, and any columns the format does not have.
QUARANTINE_HEADERS = [
    "file", "line", "reason", *(header for _, header, _ in COLUMNS), "line as read", "other columns",
]  # fmt: skip


def _quarantine_row(row) -> list:
    raw = dict(row.raw) if isinstance(row.raw, dict) else {"line": str(row.raw)}
    line = raw.pop("line", "") if "line" in raw and len(raw) == 1 else ""
    by_fold = {fold(header): header for header in raw}
    cells = [
        raw.pop(by_fold[fold(header)], "") if fold(header) in by_fold else "" for _, header, _ in COLUMNS
    ]
    other = json.dumps(raw, ensure_ascii=False) if raw else ""
    return [row.file_name, row.line_number, row.reason, *cells, line, other]
