"""The officer and analyst intelligence log: one graded entry, its sanitised text and its links.

What the officer heard is kept as received (``text``, shown to roles cleared for sources), the
version safe to share onward is written by the officer (``sanitised_text``, shown to everyone and
the only text used for the summary), and who the source is goes to ``ReportSourceDetail``, never
into either text. The 3x5x2 grade and handling code are mandatory. Each entry gets a new reference.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lantern.engine.grading import GradeError, grade_validate
from lantern.engine.normalise.text import clean_text
from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability, has_capability
from lantern.intake.services.triage import TriageError
from lantern.intel.models import Entity, Event, EventKind, IntelligenceReport, LinkRole, Source
from lantern.intel.services import Actor, EventInput, event_record, source_ensure

SOURCE_CODE = "officer-log"
SOURCE_NAME = "Officer and analyst intelligence log"
MAX_TEXT = 20_000
MAX_SOURCE_DETAILS = 5_000
MAX_LINKS = 50
FUTURE_SLACK = timedelta(minutes=10)
_REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L or U: read aloud over a radio


class LogError(TriageError):
    """An entry that cannot be logged as given; ``field`` names the form field at fault."""


def intel_log_record(
    *,
    user,
    occurred_at: datetime,
    text: str,
    sanitised_text: str,
    source_details: str = "",
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    links: Sequence[tuple[str, UUID | str]] = (),
    via: str = "",
) -> IntelligenceReport:
    """Log one intelligence entry; it joins the triage queue as a new report."""
    if not has_capability(user, Capability.LOG_INTEL):
        raise PermissionDenied("Your role does not allow logging intelligence.")
    text, sanitised, details = (clean_text(v or "").strip() for v in (text, sanitised_text, source_details))
    _check_texts(text, sanitised, details)
    _check_time(occurred_at)
    try:
        grade = grade_validate(
            source_evaluation, intelligence_assessment, handling_code, clean_text(handling_conditions or "")
        )
    except GradeError as exc:
        field = str(exc).split(":", 1)[0].replace(" ", "_")
        raise LogError(field, str(exc)) from exc
    entities = _check_links(links, user)
    with transaction.atomic():
        source = source_ensure(code=SOURCE_CODE, name=SOURCE_NAME, kind=Source.Kind.OFFICER)
        result = event_record(
            EventInput(
                kind=EventKind.REPORT,
                source=source,
                source_ref=_new_reference(source),
                occurred_from=occurred_at,
                summary=_summary(sanitised),
                links=entities,
                details={
                    # With nothing else given, the officer's own words are the text as received.
                    "text": text or sanitised,
                    "sanitised_text": sanitised,
                    "source_type": IntelligenceReport.SourceType.OFFICER,
                    "source_evaluation": grade.source_evaluation,
                    "intelligence_assessment": grade.intelligence_assessment,
                    "handling_code": grade.handling_code,
                    "handling_conditions": grade.handling_conditions,
                },
                source_details=details,
            ),
            actor=Actor(user=user, via=via),
        )
    return result.obj


def _check_texts(text: str, sanitised: str, details: str) -> None:
    if not sanitised:
        raise LogError(
            "sanitised_text",
            "sanitised text: write what can be shared: the information without anything that "
            "identifies the source.",
        )
    for field, value, limit in (
        ("text", text, MAX_TEXT),
        ("sanitised_text", sanitised, MAX_TEXT),
        ("source_details", details, MAX_SOURCE_DETAILS),
    ):
        if len(value) > limit:
            name = field.replace("_", " ")
            raise LogError(field, f"{name}: {len(value):,} characters is more than {limit:,}; shorten it.")
    if len(details) >= 6 and details.casefold() in sanitised.casefold():
        raise LogError(
            "sanitised_text",
            "sanitised text: it contains the source details; take them out of the shared text.",
        )


def _check_time(occurred_at: datetime) -> None:
    if not isinstance(occurred_at, datetime) or timezone.is_naive(occurred_at):
        raise LogError("occurred_at", "when: give the date and time it happened (UK time).")
    if occurred_at > timezone.now() + FUTURE_SLACK:
        raise LogError("occurred_at", "when: it cannot be in the future.")


def _check_links(links: Sequence[tuple[str, UUID | str]], user) -> list[tuple[str, Entity]]:
    if len(links) > MAX_LINKS:
        raise LogError(
            "links", f"links: {len(links)} is more than {MAX_LINKS}; link the rest from the report."
        )
    wanted: dict[tuple[str, UUID], None] = {}
    for number, link in enumerate(links, start=1):
        try:
            role, entity_id = link
        except (TypeError, ValueError):
            raise LogError("links", f"link {number}: give a role and a record.") from None
        if role not in LinkRole.values:
            raise LogError(
                "links", f"link {number}: {str(role)[:40]!r} is not a role; choose one from the list."
            )
        try:
            pk = entity_id if isinstance(entity_id, UUID) else UUID(str(entity_id))
        except ValueError:
            raise LogError("links", f"link {number}: {str(entity_id)[:40]!r} is not a record id.") from None
        wanted[(role, pk)] = None
    # a restricted record is "no record" to anyone not on its list, in writes as in reads
    found = Entity.objects.exclude(pk__in=hidden_ids(user)).in_bulk([pk for _, pk in wanted])
    missing = [str(pk) for _, pk in wanted if pk not in found]
    if missing:
        raise LogError("links", f"links: no record {', '.join(missing[:3])} in the store.")
    return [(role, found[pk]) for role, pk in wanted]


def _new_reference(source: Source) -> str:
    """LOG-20261025-7K3F9Q: the date it was logged and six characters nobody can misread."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    while True:
        ref = f"LOG-{stamp}-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))
        if not Event.objects.filter(source=source, source_ref=ref).exists():
            return ref


def _summary(sanitised: str) -> str:
    """The first line of the sanitised text: the summary is shown to every role."""
    first = next((line.strip() for line in sanitised.splitlines() if line.strip()), "")
    return first if len(first) <= 120 else first[:117].rstrip() + "..."
