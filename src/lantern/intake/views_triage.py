"""The triage queue and a report's triage page. Thin: selectors read, services write, templates show.

Every action on a report is a POST to the report's own page with an ``action`` field, so the page
works without JavaScript (the answer redirects back) and htmx only swaps a mention's row in place.
"""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from lantern.governance.access import record_view, requires
from lantern.governance.restrictions import hidden_restrictions
from lantern.governance.roles import Capability
from lantern.intake import selectors_triage as selectors
from lantern.intake.exports import TRIAGE_HEADERS, triage_rows
from lantern.intake.forms_triage import (
    AssignForm,
    GradeForm,
    IncidentForm,
    MentionActionForm,
    QueueFilterForm,
)
from lantern.intake.models import ExtractedMention
from lantern.intake.services import triage
from lantern.intel.models import IntelligenceReport, LinkRole
from lantern.web.exports import export_format, table_response

PAGE_SIZE = 25
SNIPPET_CHARS = 240


def _queue_filters(request: HttpRequest) -> tuple[QueueFilterForm, dict]:
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {key: value for key, value in filters.items() if value}


@requires(Capability.TRIAGE)
def triage_queue(request: HttpRequest) -> HttpResponse:
    if export_format(request):
        return triage_export(request)
    form, filters = _queue_filters(request)
    queue = selectors.triage_queue(request.user, **filters)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    # Extraction happens here, on first sight, and is stored: reports arrive in bulk from several channels.
    triage.mentions_ensure_many(reports, user=request.user, via=request.get_full_path())
    counts = selectors.mention_counts([r.pk for r in reports])
    rows = [
        {"report": r, "snippet": _snippet(triage.triage_text(r)), "counts": counts.get(r.pk, (0, 0))}
        for r in reports
    ]
    record_view(
        request,
        object_type="triage_queue",
        object_id="",
        summary=f"page {page.number} of the triage queue ({len(rows)} reports)",
    )
    query = urlencode(filters)  # only the validated filters go into the page and CSV links
    return render(
        request,
        "intake/triage_queue.html",
        {"form": form, "page": page, "rows": rows, "query": query},
    )


def _snippet(text: str) -> str:
    lines = " ".join(text.split())
    return lines if len(lines) <= SNIPPET_CHARS else lines[: SNIPPET_CHARS - 1].rstrip() + "…"


@requires(Capability.TRIAGE)
def triage_export(request: HttpRequest) -> HttpResponse:
    """Every report in the queue with the page's filters, as CSV or XLSX (``?format=``; CSV by default)."""
    _, filters = _queue_filters(request)
    return table_response(
        request,
        name="triage-queue",
        headers=TRIAGE_HEADERS,
        rows=triage_rows(selectors.triage_queue(request.user, **filters)),
        object_type="triage_queue",
        detail={"filters": filters},
    )


# --- one report ----------------------------------------------------------------------------------


@requires(Capability.TRIAGE)
def triage_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    report = selectors.triage_report(request.user, pk=pk)
    if request.method == "POST":
        return _act(request, report)
    return _render_detail(request, report)


_ACTIONS = {"confirm", "dismiss", "grade", "assign", "incident", "triaged"}


def _act(request: HttpRequest, report: IntelligenceReport) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in _ACTIONS:
        return _render_detail(request, report, problem="That action is not one this page offers.", status=400)
    if action in ("confirm", "dismiss"):
        return _mention_action(request, report, action)
    handler = {"grade": _grade, "assign": _assign, "incident": _incident, "triaged": _triaged}[action]
    return handler(request, report)


def _back(report: IntelligenceReport, anchor: str = "") -> HttpResponse:
    url = reverse("intake:triage_detail", args=[report.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _mention_action(request: HttpRequest, report: IntelligenceReport, action: str) -> HttpResponse:
    form = MentionActionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, problem="Choose a mention from the table.", status=400)
    mention = selectors.triage_mention(request.user, report, form.cleaned_data["mention"])
    error = ""
    try:
        if action == "confirm":
            mention = triage.mention_confirm(
                mention=mention, user=request.user, role=form.cleaned_data["role"], via=request.path
            )
        else:
            mention = triage.mention_dismiss(mention=mention, user=request.user, via=request.path)
    except triage.TriageError as exc:
        error = str(exc)
    if request.htmx:
        context = {"report": report, "m": mention, "error": error, "roles": _roles(mention), "live": True}
        return render(request, "intake/triage_mention_row.html", context)
    if error:
        return _render_detail(request, report, mention_error=(mention.pk, error), status=400)
    done = "linked to the report" if action == "confirm" else "dismissed"
    messages.success(request, f"{mention.get_kind_display().capitalize()} {mention.text} {done}.")
    return _back(report, f"mention-{mention.pk}")


def _grade(request: HttpRequest, report: IntelligenceReport) -> HttpResponse:
    form = GradeForm(request.POST)
    if form.is_valid():
        try:
            triage.report_grade(report=report, user=request.user, via=request.path, **form.cleaned_data)
        except triage.TriageError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Graded {report.grade}.")
            return _back(report, "grade-h")
    return _render_detail(request, report, grade_form=form, status=400)


def _assign(request: HttpRequest, report: IntelligenceReport) -> HttpResponse:
    form = AssignForm(request.POST)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            triage.report_assign(report=report, assignee=assignee, user=request.user, via=request.path)
        except triage.TriageError as exc:
            form.add_error("assignee", str(exc))
        else:
            messages.success(
                request, f"Assigned to {assignee.get_username()}." if assignee else "Unassigned."
            )
            return _back(report, "assign-h")
    return _render_detail(request, report, assign_form=form, status=400)


def _incident(request: HttpRequest, report: IntelligenceReport) -> HttpResponse:
    form = IncidentForm(request.POST)
    if form.is_valid():
        try:
            incident = triage.report_incident_record(
                report=report, user=request.user, via=request.path, **form.cleaned_data
            )
        except triage.TriageError as exc:
            form.add_error(
                exc.field if exc.field in form.fields else None, str(exc).split(":", 1)[-1].strip()
            )
        else:
            messages.success(
                request,
                format_html(
                    'Incident recorded: <a href="{}">{}</a>.', incident.get_absolute_url(), incident.summary
                ),
            )
            return _back(report, "incident-h")
    return _render_detail(request, report, incident_form=form, status=400)


def _triaged(request: HttpRequest, report: IntelligenceReport) -> HttpResponse:
    triage.report_mark_triaged(report=report, user=request.user, via=request.path)
    messages.success(request, f"Report {report.source_ref} marked as triaged.")
    return redirect("intake:triage_queue")


def _roles(mention: ExtractedMention) -> list[tuple[str, str]]:
    return [(role, LinkRole(role).label) for role in triage.ROLES[mention.kind]]


def _render_detail(
    request: HttpRequest,
    report: IntelligenceReport,
    *,
    problem: str = "",
    status: int = 200,
    grade_form: GradeForm | None = None,
    assign_form: AssignForm | None = None,
    incident_form: IncidentForm | None = None,
    mention_error: tuple[int, str] | None = None,
) -> HttpResponse:
    mentions = triage.mentions_ensure(report, user=request.user, via=request.path)
    hidden = set(hidden_restrictions(request.user).values_list("object_id", flat=True))
    for mention in mentions:  # a match on a restricted record is shown as no match to outsiders
        if mention.entity_id in hidden:
            mention.entity_id, mention.entity = None, None
    errors_by_mention = dict([mention_error]) if mention_error else {}
    for mention in mentions:
        mention.error = errors_by_mention.get(mention.pk, "")
    text = triage.triage_text(report)
    grade_form = grade_form or GradeForm(
        initial={
            "source_evaluation": report.source_evaluation,
            "intelligence_assessment": report.intelligence_assessment,
            "handling_code": report.handling_code,
            "handling_conditions": report.handling_conditions,
        }
    )
    assign_form = assign_form or AssignForm(
        initial={"assignee": report.assigned_to.get_username() if report.assigned_to else None}
    )
    incident_form = incident_form or IncidentForm(initial={"occurred_from": report.occurred_from})
    chosen = set(incident_form["behaviours"].value() or [])
    alternatives = selectors.mention_alternatives(mentions)
    for mention in mentions:
        mention.alternatives = alternatives.get(mention.pk, 0)
    record_view(request, object_type="report", object_id=str(report.pk), summary=f"triage: {report.summary}")
    context = {
        "report": report,
        "highlighted": highlight(text, mentions),
        "shows_sanitised": not report.text,
        "mentions": [(m, _roles(m)) for m in mentions],
        "problem": problem,
        "mention_errors": [(f"mention-{m.pk}", f"{m.text}: {m.error}") for m in mentions if m.error],
        "bound_forms": [f for f in (grade_form, assign_form, incident_form) if f.is_bound and f.errors],
        "grade_form": grade_form,
        "assign_form": assign_form,
        "incident_form": incident_form,
        "behaviour_groups": selectors.behaviour_groups(),
        "chosen_behaviours": chosen,
        "links": list(report.links.select_related("entity").order_by("role", "entity__label")),
    }
    return render(request, "intake/triage_detail.html", context, status=status)


def highlight(text: str, mentions: list[ExtractedMention]) -> SafeString:
    """The text, escaped, with each mention's span wrapped in <mark>; line breaks kept.

    Escaping comes first, piece by piece, so a span's offsets stay on the raw text and nothing in the
    text is ever trusted as markup. A stored span that no longer fits the text is not marked.
    """
    out: list[str] = []
    position = 0
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.start < position or text[mention.start : mention.end] != mention.text:
            continue
        out.append(escape(text[position : mention.start]))
        out.append(
            format_html(
                '<mark class="mention mention-{} mention-{}" id="text-mention-{}">{}</mark>',
                mention.kind,
                mention.status,
                mention.pk,
                text[mention.start : mention.end],
            )
        )
        position = mention.end
    out.append(escape(text[position:]))
    return mark_safe("".join(out).replace("\r\n", "\n").replace("\n", "<br>\n"))  # noqa: S308 (every piece escaped above)
