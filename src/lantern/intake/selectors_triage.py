"""Reads for the triage queue and the intelligence log, with the access rules applied."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from lantern.engine.normalise.text import clean_text
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, Role, has_capability
from lantern.intake.models import ExtractedMention
from lantern.intake.services.triage import name_matches
from lantern.intel import search_keys
from lantern.intel.models import BehaviourType, Entity, IntelligenceReport, Location, SearchKey
from lantern.intel.selectors import visible_reports


def _require(user, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your role does not allow {capability}.")


def _require_triage(user) -> None:
    _require(user, Capability.TRIAGE)
    # Triage shows the text as received, which may reveal the source: only for roles cleared for that.
    _require(user, Capability.VIEW_SOURCE_DETAILS)


def triage_queue(user, *, source_type: str = "", assigned: str = "") -> QuerySet[IntelligenceReport]:
    """New reports the user may see, the longest waiting first."""
    _require_triage(user)
    reports = visible_reports(user).filter(status=IntelligenceReport.Status.NEW)
    if source_type:
        reports = reports.filter(source_type=source_type)
    if assigned == "me":
        reports = reports.filter(assigned_to=user)
    elif assigned == "none":
        reports = reports.filter(assigned_to__isnull=True)
    # waiting_since is recorded_at on the report row, ordered by a partial index of waiting reports.
    return reports.select_related("source", "assigned_to").order_by("waiting_since", "occurred_from", "pk")


def mention_counts(report_ids: list) -> dict:
    """{report id: (mentions found and not dismissed, of which matched in the store)}."""
    rows = (
        ExtractedMention.objects.filter(report_id__in=report_ids)
        .exclude(status=ExtractedMention.Status.DISMISSED)
        .values("report_id")
        .annotate(found=Count("pk"), matched=Count("pk", filter=Q(entity__isnull=False)))
    )
    return {row["report_id"]: (row["found"], row["matched"]) for row in rows}


def triage_report(user, *, pk: UUID) -> IntelligenceReport:
    """One report for triage, new or already triaged, if the user may see it."""
    _require_triage(user)
    report = visible_reports(user).select_related("source", "location", "assigned_to").filter(pk=pk).first()
    if report is None:
        raise Http404("No such report, or it is not shared with the police.")
    return report


def triage_mention(user, report: IntelligenceReport, mention_id: int) -> ExtractedMention:
    _require_triage(user)
    mention = (
        ExtractedMention.objects.filter(report=report, pk=mention_id)
        .select_related("entity", "report")
        .first()
    )
    if mention is None:
        raise Http404("No such mention on this report.")
    return mention


def mention_alternatives(mentions: list[ExtractedMention]) -> dict[int, int]:
    """For each unmatched name or shared postcode: how many store records it could mean (for a hint)."""
    counts: dict[int, int] = {}
    postcodes = {m.normalised: m for m in mentions if m.kind == ExtractedMention.Kind.POSTCODE}
    if postcodes:
        rows = (
            Location.objects.filter(postcode__in=list(postcodes))
            .values("postcode")
            .annotate(n=Count("pk"))
            .values_list("postcode", "n")
        )
        for postcode, n in rows:
            counts[postcodes[postcode].pk] = n
    for mention in mentions:
        if mention.kind == ExtractedMention.Kind.NAME and mention.entity_id is None:
            counts[mention.pk] = len(name_matches(mention.normalised, limit=51))
    return counts


def assignable_users() -> QuerySet:
    """Active analysts and supervisors: the people who can work a report."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.ANALYST, Role.SUPERVISOR])
        .distinct()
        .order_by("username")
    )


@dataclass(frozen=True)
class BehaviourGroup:
    category: str
    label: str
    behaviours: list[BehaviourType]


def behaviour_groups() -> list[BehaviourGroup]:
    """The vocabulary for the incident form: behaviours by rising severity, then offences by harm."""
    everything = list(BehaviourType.objects.order_by("severity", "-harm_days", "name"))
    return [
        BehaviourGroup(category, label, [b for b in everything if b.category == category])
        for category, label in BehaviourType.Category.choices
        if any(b.category == category for b in everything)
    ]


# --- the log's links ---------------------------------------------------------------------------------


class LinkNotFound(ValueError):
    """A link typed on the log form that names no record, or several."""


def log_link_resolve(user, ref: str) -> Entity:
    """The one record a typed link means: a record id, or a VRM, phone, postcode, e-mail or @handle."""
    _require(user, Capability.LOG_INTEL)
    _require(user, Capability.VIEW_INTEL)
    text = clean_text(ref).strip()[:200]
    visible = Entity.objects.exclude(pk__in=hidden_ids(user))  # restricted: "no record" to outsiders
    try:
        entity = visible.filter(pk=UUID(text)).first()
    except ValueError:
        entity = None
    else:
        if entity is None:
            raise LinkNotFound(f"no record has the id {text}.")
        return entity
    keys = search_keys.exact_keys_for_query(text)
    ids = list(
        SearchKey.objects.filter(key__in=keys)
        .exclude(entity_id__in=hidden_ids(user))
        .values_list("entity_id", flat=True)
        .distinct()[:6]
    )
    if not ids:
        raise LinkNotFound(
            f"nothing in the store matches {text!r}; give a VRM, phone number, postcode, e-mail, "
            "@handle or a record id (search for it above)."
        )
    if len(ids) > 1:
        raise LinkNotFound(
            f"{text!r} matches {len(ids) if len(ids) < 6 else 'several'} records; search for it above "
            "and add the one you mean."
        )
    return Entity.objects.get(pk=ids[0])


def log_entity_get(user, pk) -> Entity | None:
    _require(user, Capability.LOG_INTEL)
    _require(user, Capability.VIEW_INTEL)
    try:
        return Entity.objects.filter(pk=UUID(str(pk))).exclude(pk__in=hidden_ids(user)).first()
    except ValueError:
        return None
