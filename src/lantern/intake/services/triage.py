"""Triage: an analyst links what a report's text mentions, grades it, assigns it and records incidents.

Mentions are found once per report (``mentions_ensure``: reports arrive from several channels, some
in bulk, so extraction happens when triage first looks at a report and is stored) and matched to the
store by normalised search key. Confirming a mention is one action: it links the matched entity to
the report, or files the entity first when the store does not know it. Every write checks that the
acting user may triage and leaves an audit entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lantern.engine import extract
from lantern.engine.grading import GradeError, grade_validate
from lantern.engine.normalise import NormalisationError
from lantern.engine.normalise.text import clean_text
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.restrictions import is_hidden
from lantern.governance.roles import Capability, has_capability
from lantern.intake.models import ExtractedMention
from lantern.intel.models import (
    BehaviourType,
    Entity,
    Event,
    EventKind,
    EventLink,
    IntelligenceReport,
    LinkRole,
    Location,
    SearchKey,
)
from lantern.intel.services import (
    Actor,
    EventInput,
    StoreError,
    event_record,
    identity_ensure,
    location_ensure,
    person_record,
    phone_ensure,
    vehicle_ensure,
)

Kind = ExtractedMention.Kind

# The search-key prefix each kind of mention is matched by (names are matched word by word).
KEY_PREFIX = {
    Kind.VRM: "vrm",
    Kind.PHONE: "tel",
    Kind.POSTCODE: "pc",
    Kind.EMAIL: "email",
    Kind.HANDLE: "handle",
}
DEFAULT_ROLE = {
    Kind.VRM: LinkRole.VEHICLE_USED,
    Kind.PHONE: LinkRole.PHONE_USED,
    Kind.EMAIL: LinkRole.IDENTITY_USED,
    Kind.HANDLE: LinkRole.IDENTITY_USED,
    Kind.POSTCODE: LinkRole.MENTIONED,
    Kind.NAME: LinkRole.SUBJECT,
}
# The roles that make sense for each kind of mention; the first is the default.
ROLES = {
    Kind.VRM: (LinkRole.VEHICLE_USED, LinkRole.MENTIONED),
    Kind.PHONE: (LinkRole.PHONE_USED, LinkRole.MENTIONED),
    Kind.EMAIL: (LinkRole.IDENTITY_USED, LinkRole.MENTIONED),
    Kind.HANDLE: (LinkRole.IDENTITY_USED, LinkRole.MENTIONED),
    Kind.POSTCODE: (LinkRole.MENTIONED, LinkRole.PREMISES),
    Kind.NAME: (
        LinkRole.SUBJECT,
        LinkRole.PERSON_AT_RISK,
        LinkRole.VICTIM,
        LinkRole.WITNESS,
        LinkRole.ASSOCIATE,
        LinkRole.MENTIONED,
    ),
}
MAX_DESCRIPTION = 10_000
# A report's time may be a few minutes ahead of the server's clock (a phone set fast), never more.
FUTURE_SLACK = timedelta(minutes=10)


class TriageError(ValueError):
    """A triage action that cannot be done as asked; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _require_triage(user) -> None:
    if not has_capability(user, Capability.TRIAGE):
        raise PermissionDenied("Your role does not allow triage.")


def _require_shared(report: IntelligenceReport) -> None:
    # Selectors already hide these; a service called directly must not act on them either.
    if not report.shared_with_police:
        raise PermissionDenied("This report was not shared with the police.")


def triage_text(report: IntelligenceReport) -> str:
    """The text mentions are found in and shown on: as received, or the sanitised text if that is all."""
    return report.text or report.sanitised_text


# --- mentions ------------------------------------------------------------------------------------


def mentions_ensure(report: IntelligenceReport, *, user=None, via: str = "") -> list[ExtractedMention]:
    """The report's mentions, found and stored on first call; later calls re-check unmatched ones.

    Finding mentions only derives rows from the report's own text, so it needs no acting user; when
    one is given it must be able to triage.
    """
    if user is not None:
        _require_triage(user)
    return mentions_ensure_many([report], user=user, via=via, rematch=True)[report.pk]


def mentions_ensure_many(
    reports: Sequence[IntelligenceReport], *, user=None, via: str = "", rematch: bool = False
) -> dict:
    """``mentions_ensure`` for a page of reports in a few queries: {report id: [mentions]}.

    ``rematch`` looks unmatched suggestions up again (the store may have learnt them since); the
    queue skips it to stay cheap, the report's own page does it.
    """
    if user is not None:
        _require_triage(user)
    by_report: dict = {report.pk: [] for report in reports}
    for mention in ExtractedMention.objects.filter(report__in=list(by_report)).select_related("entity"):
        by_report[mention.report_id].append(mention)
    fresh = [report for report in reports if not by_report[report.pk]]
    if fresh:
        _extract_and_store(fresh, user=user, via=via)
        for mention in ExtractedMention.objects.filter(report__in=fresh).select_related("entity"):
            by_report[mention.report_id].append(mention)
    elif rematch:
        unmatched = [
            m
            for mentions in by_report.values()
            for m in mentions
            if m.entity_id is None and m.status == ExtractedMention.Status.SUGGESTED
        ]
        changed = [m for m in _match(unmatched) if m.entity_id is not None]
        if changed:
            ExtractedMention.objects.bulk_update(changed, ["entity"])
            entities = Entity.objects.in_bulk([m.entity_id for m in changed])
            for mention in changed:
                mention.entity = entities[mention.entity_id]
    return by_report


def _extract_and_store(reports: Iterable[IntelligenceReport], *, user, via: str) -> None:
    rows: list[ExtractedMention] = []
    for report in reports:
        seen: set[tuple[str, str]] = set()
        for found in extract.extract_mentions(triage_text(report)):
            if (found.kind, found.normalised) in seen:  # the first time a value is written is enough
                continue
            seen.add((found.kind, found.normalised))
            rows.append(
                ExtractedMention(
                    report=report,
                    kind=found.kind,
                    text=found.text,
                    normalised=found.normalised,
                    start=found.start,
                    end=found.end,
                )
            )
    if not rows:
        return
    _match(rows)
    with transaction.atomic():
        # A second viewer extracting at the same moment finds the same rows: the unique constraint keeps one.
        ExtractedMention.objects.bulk_create(rows, ignore_conflicts=True)
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            object_type="mentions",
            summary=f"{len(rows)} mentions found in the text of {len({r.report_id for r in rows})} reports",
            path=via,
            detail={"reports": sorted({str(r.report_id) for r in rows})},
        )


def _match(mentions: list[ExtractedMention]) -> list[ExtractedMention]:
    """Set each mention's best store match (in place, unsaved); returns the mentions."""
    keyed = {f"{KEY_PREFIX[m.kind]}:{m.normalised}": m for m in mentions if m.kind in KEY_PREFIX}
    candidates: dict[str, list] = {}
    for key, entity_id in SearchKey.objects.filter(key__in=list(keyed)).values_list("key", "entity_id"):
        candidates.setdefault(key, []).append(entity_id)
    for key, ids in candidates.items():
        mention = keyed[key]
        mention.entity_id = ids[0] if len(ids) == 1 else _best(mention, ids)
    for mention in mentions:
        if mention.kind == Kind.NAME:
            ids = name_matches(mention.normalised, limit=2)
            mention.entity_id = ids[0] if len(ids) == 1 else None
    return mentions


def name_matches(normalised_name: str, *, limit: int = 50) -> list:
    """Ids of person records holding every word of the name (a name shared by several matches none)."""
    tokens = sorted(set(normalised_name.split()))
    if not tokens:
        return []
    rows = (
        SearchKey.objects.filter(key__in=[f"name:{token}" for token in tokens])
        .values("entity_id")
        .annotate(words=Count("key", distinct=True))
        .filter(words=len(tokens))
        .order_by("entity_id")
        .values_list("entity_id", flat=True)[:limit]
    )
    return list(rows)


def _best(mention: ExtractedMention, ids: list):
    """Several entities share the key (places sharing a postcode, one handle on two sites): pick one."""
    if mention.kind == Kind.POSTCODE:
        # The postcode itself (a place filed with no address line) before any one address in it.
        place = Location.objects.filter(pk__in=ids).order_by("line1", "label", "pk").first()
        return place.pk if place else ids[0]
    if mention.kind == Kind.HANDLE:
        platform = extract.handle_platform(mention.text)
        same_site = Entity.objects.filter(pk__in=ids, onlineidentity__platform=platform).order_by("label")
        chosen = same_site.first() or Entity.objects.filter(pk__in=ids).order_by("label", "pk").first()
        return chosen.pk if chosen else ids[0]
    return sorted(ids, key=str)[0]


def mention_confirm(*, mention: ExtractedMention, user, role: str = "", via: str = "") -> ExtractedMention:
    """Link what the mention names to its report, filing it first if the store does not know it."""
    _require_triage(user)
    report = mention.report
    _require_shared(report)
    role = role or DEFAULT_ROLE[mention.kind]
    if role not in ROLES[mention.kind]:
        allowed = ", ".join(LinkRole(r).label for r in ROLES[mention.kind])
        raise TriageError("role", f"role: a {mention.get_kind_display()} can be linked as {allowed}.")
    actor = Actor(user=user, via=via)
    with transaction.atomic():
        created = mention.entity_id is None
        entity = mention.entity if not created else _entity_file(mention, report, actor)
        if is_hidden(user, entity.pk):  # on an access list this user is not on: no write through it
            raise TriageError(
                "mention", f"{mention.text}: you cannot link this; ask a supervisor to review the report."
            )
        _, linked = EventLink.objects.get_or_create(event_id=report.pk, entity_id=entity.pk, role=role)
        mention.entity_id = entity.pk
        mention.status = ExtractedMention.Status.CONFIRMED
        mention.decided_by = user
        mention.decided_at = timezone.now()
        mention.save(update_fields=["entity", "status", "decided_by", "decided_at"])
        audit_record(
            user=user,
            action=AuditAction.UPDATE,
            object_type="report",
            object_id=str(report.pk),
            summary=f"linked {entity.kind} {entity.label} as {role} (found in the text)",
            path=via,
            detail={"mention": mention.pk, "entity": str(entity.pk), "filed": created, "new_link": linked},
        )
    mention.entity = Entity.objects.get(pk=entity.pk)
    return mention


def _entity_file(mention: ExtractedMention, report: IntelligenceReport, actor: Actor) -> Entity:
    """File the entity a mention names, said by the report's own source."""
    said = {"source": report.source, "source_ref": report.source_ref, "actor": actor}
    value = mention.normalised
    try:
        if mention.kind == Kind.VRM:
            return vehicle_ensure(vrm=value, **said).obj
        if mention.kind == Kind.PHONE:
            return phone_ensure(number=value, **said).obj
        if mention.kind == Kind.EMAIL:
            return identity_ensure(platform="email", handle=value, **said).obj
        if mention.kind == Kind.HANDLE:
            # "unspecified" when the text does not say where the handle is used ("@lola_x").
            platform = extract.handle_platform(mention.text) or "unspecified"
            return identity_ensure(platform=platform, handle=value, **said).obj
        if mention.kind == Kind.POSTCODE:
            return location_ensure(postcode=value, location_kind=Location.Kind.AREA, **said).obj
        # A name: the report is its source's record of this person (resolution may merge it later).
        given, family = _split_as_written(mention.text)
        return person_record(
            source=report.source,
            record_id=f"{report.source_ref}/name:{value}"[:100],
            given_names=given,
            family_name=family,
            actor=actor,
        ).obj
    except (StoreError, NormalisationError) as exc:
        raise TriageError("mention", f"{mention.text}: {exc}") from exc


_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "lady", "lord", "dame", "rev"}


def _split_as_written(text: str) -> tuple[str, str]:
    """("John", "Smith") from "Mr. John Smith": the last word is the family name, as most reports write."""
    words = [w for w in text.replace(".", " ").split() if w.lower() not in _TITLES] or text.split()
    return " ".join(words[:-1]), words[-1]


def mention_dismiss(*, mention: ExtractedMention, user, via: str = "") -> ExtractedMention:
    """Mark a suggestion as not worth linking (a place that looked like a name, a misread plate)."""
    _require_triage(user)
    _require_shared(mention.report)
    if mention.status == ExtractedMention.Status.CONFIRMED:
        raise TriageError(
            "mention", f"{mention.text} is already linked to the report; it cannot be dismissed."
        )
    if mention.status == ExtractedMention.Status.DISMISSED:
        return mention
    with transaction.atomic():
        mention.status = ExtractedMention.Status.DISMISSED
        mention.decided_by = user
        mention.decided_at = timezone.now()
        mention.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            user=user,
            action=AuditAction.UPDATE,
            object_type="report",
            object_id=str(mention.report_id),
            summary=f"dismissed the {mention.kind} {mention.normalised} found in the text",
            path=via,
            detail={"mention": mention.pk},
        )
    return mention


# --- grade, assignment, status ---------------------------------------------------------------------


def report_grade(
    *,
    report: IntelligenceReport,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    user,
    via: str = "",
) -> IntelligenceReport:
    _require_triage(user)
    _require_shared(report)
    try:
        grade = grade_validate(
            source_evaluation, intelligence_assessment, handling_code, clean_text(handling_conditions or "")
        )
    except GradeError as exc:
        raise TriageError(_grade_field(str(exc)), str(exc)) from exc
    before = (report.grade, report.handling_conditions)
    if before == (grade.code, grade.handling_conditions):
        return report
    with transaction.atomic():
        report.source_evaluation = grade.source_evaluation
        report.intelligence_assessment = grade.intelligence_assessment
        report.handling_code = grade.handling_code
        report.handling_conditions = grade.handling_conditions
        report.save(
            update_fields=[
                "source_evaluation",
                "intelligence_assessment",
                "handling_code",
                "handling_conditions",
            ]
        )
        audit_record(
            user=user,
            action=AuditAction.UPDATE,
            object_type="report",
            object_id=str(report.pk),
            summary=f"graded {grade.code} (was {before[0]})",
            path=via,
            detail={"from": before[0], "to": grade.code, "conditions": grade.handling_conditions},
        )
    return report


def _grade_field(message: str) -> str:
    for field in ("source evaluation", "intelligence assessment", "handling code", "handling conditions"):
        if message.startswith(field):
            return field.replace(" ", "_")
    return "handling_code"


def report_assign(*, report: IntelligenceReport, assignee, user, via: str = "") -> IntelligenceReport:
    """Give the report to an analyst or supervisor (``assignee=None`` takes it back to the pool)."""
    _require_triage(user)
    _require_shared(report)
    if assignee is not None and not (assignee.is_active and has_capability(assignee, Capability.TRIAGE)):
        raise TriageError("assignee", f"assignee: {assignee.get_username()} cannot triage reports.")
    if report.assigned_to_id == (assignee.pk if assignee else None):
        return report
    with transaction.atomic():
        report.assigned_to = assignee
        report.save(update_fields=["assigned_to"])
        audit_record(
            user=user,
            action=AuditAction.UPDATE,
            object_type="report",
            object_id=str(report.pk),
            summary=f"assigned to {assignee.get_username()}" if assignee else "unassigned",
            path=via,
        )
    return report


def report_mark_triaged(*, report: IntelligenceReport, user, via: str = "") -> IntelligenceReport:
    _require_triage(user)
    _require_shared(report)
    if report.status == IntelligenceReport.Status.TRIAGED:
        return report
    with transaction.atomic():
        report.status = IntelligenceReport.Status.TRIAGED
        report.save(update_fields=["status"])
        audit_record(
            user=user,
            action=AuditAction.UPDATE,
            object_type="report",
            object_id=str(report.pk),
            summary=f"triaged (grade {report.grade})",
            path=via,
        )
    return report


# --- incidents -------------------------------------------------------------------------------------


def report_incident_record(
    *,
    report: IntelligenceReport,
    behaviours: Sequence[str],
    occurred_from: datetime | None = None,
    description: str = "",
    user,
    via: str = "",
):
    """An incident recorded from the report: its behaviours, when, and the report's linked entities.

    The reporter's link is not carried over: who reported is a source detail, kept on the report.
    """
    _require_triage(user)
    _require_shared(report)
    codes = _check_behaviours(behaviours)
    occurred_from = occurred_from or report.occurred_from
    if not isinstance(occurred_from, datetime) or timezone.is_naive(occurred_from):
        raise TriageError("occurred_from", "when: give a date and time (UK time).")
    if occurred_from > timezone.now() + FUTURE_SLACK:
        raise TriageError("occurred_from", "when: the incident cannot be in the future.")
    description = clean_text(description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise TriageError(
            "description", f"description: {len(description)} characters is more than {MAX_DESCRIPTION}."
        )
    names = list(
        BehaviourType.objects.filter(code__in=codes)
        .order_by("severity", "code")
        .values_list("name", flat=True)
    )
    links = [
        (link.role, link.entity)
        for link in EventLink.objects.filter(event_id=report.pk)
        .exclude(role=LinkRole.REPORTER)
        .select_related("entity")
    ]
    with transaction.atomic():
        result = event_record(
            EventInput(
                kind=EventKind.INCIDENT,
                source=report.source,
                source_ref=_incident_ref(report),
                occurred_from=occurred_from,
                summary=f"Incident: {', '.join(names)}"[:300],
                location=report.location,
                links=links,
                details={"description": description, "from_report": report},
                behaviours=codes,
            ),
            actor=Actor(user=user, via=via),
        )
    return result.obj


def _check_behaviours(behaviours: Sequence[str]) -> list[str]:
    if isinstance(behaviours, str) or not all(isinstance(code, str) for code in behaviours):
        raise TriageError("behaviours", "behaviours: choose from the list.")
    codes = sorted({code.strip() for code in behaviours if code.strip()})
    if not codes:
        raise TriageError("behaviours", "behaviours: choose at least one behaviour or offence.")
    known = set(BehaviourType.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        shown = ", ".join(repr(code[:40]) for code in unknown[:5])
        raise TriageError("behaviours", f"behaviours: {shown} not in the vocabulary; choose from the list.")
    return codes


def _incident_ref(report: IntelligenceReport) -> str:
    """The next free reference for an incident from this report ("R-1/incident-2")."""
    base = report.source_ref[:80]  # the reference column holds 100 characters
    n = report.incidents.count() + 1
    while Event.objects.filter(source=report.source, source_ref=f"{base}/incident-{n}").exists():
        n += 1
    return f"{base}/incident-{n}"
