"""Writes of safeguarding tasks and referrals, each in one transaction with its audit entry.

The rules of the National Referral Mechanism live here, not only in the forms, so a command, an
import or a future API cannot break them: an adult's NRM referral needs their informed consent; a
child's is made whatever the consent; an adult who declines gets an anonymous MS1 Duty to Notify
record, which names nobody (no person, and its text is checked for the person's names and for
phone numbers, e-mail addresses, handles and full postcodes). A person recorded as under 18 is
referred as a child (when in doubt about age, the guidance is to treat the person as a child).

Completing a welfare visit or warrant task files a ``Visit`` event in the POLE store through the
intel services, linked to the subject (person at risk, or the premises), so it shows on the
subject's timeline. Errors are ``SafeguardingError`` (a ``StoreError``) saying what to do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lantern.engine.extract import EMAIL, HANDLE, PHONE, POSTCODE, extract_mentions
from lantern.engine.normalise.text import clean_text_arguments
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability, has_capability
from lantern.intel.models import (
    Entity,
    EntityKind,
    EventKind,
    EventLink,
    LinkRole,
    Location,
    Person,
    Source,
    Visit,
)
from lantern.intel.services import SYSTEM, Actor, EventInput, StoreError, event_record, source_ensure
from lantern.safeguarding.models import AgeBand, ExploitationType, Referral, Task

SOURCE_CODE = "safeguarding"
SOURCE_NAME = "Safeguarding tasks"
MAX_TITLE = 200
MAX_TEXT = 5_000
MAX_NATIONALITY = 100
MAX_RESPONDER = 200
MAX_REFERENCE = 100
_VISIT_TYPES = {Task.Kind.WELFARE_VISIT: Visit.Type.WELFARE, Task.Kind.WARRANT: Visit.Type.WARRANT}
REFERRAL_NEXT = {
    Referral.Kind.NRM: {
        Referral.Status.DRAFT: {Referral.Status.SUBMITTED, Referral.Status.WITHDRAWN},
        Referral.Status.SUBMITTED: {
            Referral.Status.POSITIVE_RG,
            Referral.Status.NEGATIVE_RG,
            Referral.Status.WITHDRAWN,
        },
        Referral.Status.POSITIVE_RG: {
            Referral.Status.CONCLUSIVE_POSITIVE,
            Referral.Status.CONCLUSIVE_NEGATIVE,
            Referral.Status.WITHDRAWN,
        },
    },
    # An MS1 is a notification: it is sent, and no decision follows.
    Referral.Kind.MS1: {Referral.Status.DRAFT: {Referral.Status.SUBMITTED, Referral.Status.WITHDRAWN}},
}


class SafeguardingError(StoreError):
    """A task or referral that cannot be recorded as given; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def _audit(actor: Actor, action: AuditAction, object_type: str, pk, summary: str, detail=None) -> None:
    audit_record(
        user=actor.user,
        action=action,
        object_type=object_type,
        object_id=str(pk),
        summary=summary,
        path=actor.via,
        detail=detail or {},
    )


def _text(field: str, value: str, limit: int, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise SafeguardingError(field, required)
    if len(value) > limit:
        name = field.replace("_", " ")
        raise SafeguardingError(
            field, f"{name}: {len(value):,} characters is more than {limit:,}; shorten it."
        )
    return value


# ---------------------------------------------------------------------------------------- tasks


@clean_text_arguments
def task_create(
    *,
    kind: str,
    subject: Entity,
    title: str,
    due_on: date,
    owner=None,
    notes: str = "",
    actor: Actor = SYSTEM,
) -> Task:
    """Give someone a task about a person or a place, due on a date."""
    if kind not in Task.Kind.values:
        raise SafeguardingError("kind", f"kind: choose one of {', '.join(Task.Kind.labels)}.")
    if not isinstance(subject, Entity) or subject.kind not in (EntityKind.PERSON, EntityKind.LOCATION):
        raise SafeguardingError(
            "subject", "subject: a task is about a person or a place; open their page and start it there."
        )
    title = _text("title", title, MAX_TITLE, required="title: say what is to be done, in a few words.")
    notes = _text("notes", notes, MAX_TEXT)
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        raise SafeguardingError("due_on", "due date: give the date it is due, for example 2026-11-30.")
    if due_on < timezone.localdate():
        raise SafeguardingError("due_on", "due date: it is in the past; choose today or a later date.")
    if owner is not None and not has_capability(owner, Capability.SAFEGUARD):
        raise SafeguardingError(
            "owner",
            f"owner: {owner.get_username()}'s role cannot see safeguarding tasks; "
            "choose an analyst, officer or supervisor.",
        )
    with transaction.atomic():
        task = Task.objects.create(
            kind=kind,
            subject=subject,
            title=title,
            notes=notes,
            owner=owner,
            due_on=due_on,
            created_by=_user(actor),
        )
        _audit(
            actor,
            AuditAction.CREATE,
            "safeguarding_task",
            task.pk,
            f"{task.get_kind_display()} task on {subject.label}"[:500],
            {"kind": kind, "due_on": due_on.isoformat(), "owner": owner.get_username() if owner else ""},
        )
    return task


def _open(task: Task) -> Task:
    """The task re-read under a lock, refused unless it is still open (two officers, one task)."""
    current = Task.objects.select_for_update().select_related("subject").get(pk=task.pk)
    if current.status != Task.Status.OPEN:
        raise SafeguardingError(
            "status", f"This task is already {current.get_status_display()}; reload the page to see it."
        )
    return current


@clean_text_arguments
def task_complete(
    *, task: Task, outcome: str, visited_at: datetime | None = None, actor: Actor = SYSTEM
) -> Task:
    """Mark a task done with its outcome; a welfare visit or warrant also files a Visit event."""
    outcome = _text(
        "outcome", outcome, MAX_TEXT, required="outcome: say what happened (who was seen, what was done)."
    )
    if visited_at is not None and (not isinstance(visited_at, datetime) or timezone.is_naive(visited_at)):
        raise SafeguardingError("visited_at", "when: give the date and time of the visit (UK time).")
    if visited_at is not None and visited_at > timezone.now() + timedelta(minutes=10):
        raise SafeguardingError("visited_at", "when: the visit cannot be in the future.")
    with transaction.atomic():
        task = _open(task)
        now = timezone.now()
        if task.kind in _VISIT_TYPES:
            task.visit = _file_visit(task, outcome, visited_at or now, actor)
        task.status = Task.Status.DONE
        task.outcome = outcome
        task.completed_at = now
        task.save(update_fields=["status", "outcome", "completed_at", "visit"])
        _audit(
            actor,
            AuditAction.UPDATE,
            "safeguarding_task",
            task.pk,
            f"{task.get_kind_display()} task done",
            {"status": task.status, "visit": str(task.visit_id or "")},
        )
    return task


def _file_visit(task: Task, outcome: str, at: datetime, actor: Actor) -> Visit:
    source = source_ensure(code=SOURCE_CODE, name=SOURCE_NAME, kind=Source.Kind.OFFICER, actor=actor)
    subject = task.subject
    location = None
    if subject.kind == EntityKind.LOCATION:
        location = Location.objects.get(pk=subject.pk)
        links = [(LinkRole.PREMISES, location)]
    else:
        links = [(LinkRole.PERSON_AT_RISK, subject)]
    result = event_record(
        EventInput(
            kind=EventKind.VISIT,
            source=source,
            source_ref=f"task/{task.pk}",
            occurred_from=at,
            location=location,
            summary=f"{task.get_kind_display().capitalize()}: {task.title}",
            links=links,
            details={"visit_type": _VISIT_TYPES[task.kind], "outcome": outcome},
        ),
        actor=actor,
    )
    if location is not None:
        # The store links an event's location as "mentioned" unless it is premises; the visited
        # place is the premises of this visit, so one link, not two timeline rows.
        EventLink.objects.filter(event=result.obj, entity=location, role=LinkRole.MENTIONED).delete()
    return result.obj


@clean_text_arguments
def task_cancel(*, task: Task, reason: str, actor: Actor = SYSTEM) -> Task:
    """Cancel an open task, saying why (kept as its outcome)."""
    reason = _text("reason", reason, MAX_TEXT, required="reason: say why the task is no longer needed.")
    with transaction.atomic():
        task = _open(task)
        task.status = Task.Status.CANCELLED
        task.outcome = reason
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "outcome", "completed_at"])
        _audit(
            actor, AuditAction.UPDATE, "safeguarding_task", task.pk, "task cancelled", {"status": task.status}
        )
    return task


def task_update_status(
    *, task: Task, status: str, outcome: str, visited_at: datetime | None = None, actor: Actor = SYSTEM
) -> Task:
    """Close a task as done (with its outcome) or cancelled (with the reason)."""
    if status == Task.Status.DONE:
        return task_complete(task=task, outcome=outcome, visited_at=visited_at, actor=actor)
    if status == Task.Status.CANCELLED:
        return task_cancel(task=task, reason=outcome, actor=actor)
    raise SafeguardingError("status", "status: a task can only be marked done or cancelled.")


# ------------------------------------------------------------------------------------ referrals


def person_age(person: Person) -> int | None:
    if person.date_of_birth:
        today = timezone.localdate()
        dob = person.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return person.age_max


def _referral_fields(
    *,
    age_band: str,
    exploitation_types: Sequence[str],
    indicators: str,
    nationality: str,
    first_responder: str,
) -> dict:
    if age_band not in AgeBand.values:
        raise SafeguardingError("age_band", f"age band: choose one of {', '.join(AgeBand.labels)}.")
    if isinstance(exploitation_types, str):
        exploitation_types = [exploitation_types]
    types = list(dict.fromkeys(exploitation_types or ()))
    unknown = [t for t in types if t not in ExploitationType.values]
    if unknown or not types:
        raise SafeguardingError(
            "exploitation_types",
            "exploitation: tick at least one type from the list ("
            + ", ".join(ExploitationType.labels)
            + "); tick 'not yet known' if unsure.",
        )
    return {
        "age_band": age_band,
        "exploitation_types": types,
        "indicators": _text("indicators", indicators, MAX_TEXT),
        "nationality": _text("nationality", nationality, MAX_NATIONALITY),
        "first_responder": _text(
            "first_responder",
            first_responder,
            MAX_RESPONDER,
            required="first responder: name the organisation making the referral (for example the force).",
        ),
    }


@clean_text_arguments
def referral_create_nrm(
    *,
    person: Person,
    is_child: bool,
    consent: bool,
    age_band: str,
    exploitation_types: Sequence[str],
    indicators: str = "",
    nationality: str = "",
    first_responder: str,
    actor: Actor = SYSTEM,
) -> Referral:
    """Record an NRM referral (a draft until it is marked submitted) for a person in the store."""
    if not isinstance(person, Person):
        raise SafeguardingError(
            "person", "person: an NRM referral names the potential victim; start it from their person page."
        )
    age = person_age(person)
    if not is_child and (age_band == AgeBand.UNDER_18 or (age is not None and age < 18)):
        raise SafeguardingError(
            "is_child",
            "child: the age recorded is under 18, so refer as a child (no consent is needed); "
            "when in doubt about age, treat the person as a child.",
        )
    if is_child and age_band not in (AgeBand.UNDER_18, AgeBand.UNKNOWN):
        raise SafeguardingError(
            "age_band", "age band: a child is under 18; choose 'under 18' or 'not known'."
        )
    if not is_child and not consent:
        raise SafeguardingError(
            "consent",
            "consent: an adult must give informed consent to an NRM referral. If they decline, "
            "record an anonymous MS1 Duty to Notify instead.",
        )
    fields = _referral_fields(
        age_band=age_band,
        exploitation_types=exploitation_types,
        indicators=indicators,
        nationality=nationality,
        first_responder=first_responder,
    )
    with transaction.atomic():
        referral = Referral.objects.create(
            kind=Referral.Kind.NRM,
            person=person,
            is_child=bool(is_child),
            consent=bool(consent),
            created_by=_user(actor),
            **fields,
        )
        _audit(
            actor,
            AuditAction.CREATE,
            "referral",
            referral.pk,
            f"NRM referral ({'child' if is_child else 'adult, consented'}) for {person.label}"[:500],
            {"kind": "nrm", "exploitation_types": fields["exploitation_types"]},
        )
    return referral


def _identifying(text: str, about: Person | None) -> str | None:
    """What in the text could identify the person, described without repeating it, or None."""
    kinds = {m.kind for m in extract_mentions(text) if m.kind in (PHONE, EMAIL, HANDLE, POSTCODE)}
    if kinds:
        names = {PHONE: "a phone number", EMAIL: "an e-mail address", HANDLE: "an online handle"}
        names[POSTCODE] = "a full postcode"
        return " and ".join(names[k] for k in sorted(kinds))
    if about is not None:
        candidates = {
            about.given_names,
            about.family_name,
            about.label,
            *about.names.values_list("name", flat=True),
        }
        words = {
            w for name in candidates if name for w in re.findall(r"[^\W\d_][\w'-]*", name) if len(w) >= 3
        }
        folded = text.casefold()
        for word in words:
            if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", folded):
                return "the person's name"
    return None


@clean_text_arguments
def referral_create_ms1(
    *,
    age_band: str,
    exploitation_types: Sequence[str],
    indicators: str = "",
    nationality: str = "",
    first_responder: str,
    about: Person | None = None,
    actor: Actor = SYSTEM,
) -> Referral:
    """Record the anonymous MS1 Duty to Notify for an adult who declined an NRM referral.

    ``about`` (the person, when known) is used only to check that the text does not name them;
    it is never stored, and neither the record nor its audit entry links to them.
    """
    age = person_age(about) if about is not None else None
    if age_band == AgeBand.UNDER_18 or (age is not None and age < 18):
        raise SafeguardingError(
            "age_band",
            "age band: a child needs no consent, so make an NRM referral instead of an MS1.",
        )
    fields = _referral_fields(
        age_band=age_band,
        exploitation_types=exploitation_types,
        indicators=indicators,
        nationality=nationality,
        first_responder=first_responder,
    )
    found = _identifying(fields["indicators"], about)
    if found:
        raise SafeguardingError(
            "indicators",
            f"indicators: an MS1 is anonymous, but the text contains {found}; describe what was seen "
            "without anything that identifies the person.",
        )
    with transaction.atomic():
        referral = Referral.objects.create(
            kind=Referral.Kind.MS1,
            person=None,
            is_child=False,
            consent=False,
            created_by=_user(actor),
            **fields,
        )
        _audit(
            actor,
            AuditAction.CREATE,
            "referral",
            referral.pk,
            "MS1 Duty to Notify (anonymous)",
            {"kind": "ms1", "exploitation_types": fields["exploitation_types"]},
        )
    return referral


@clean_text_arguments
def referral_update_status(
    *, referral: Referral, status: str, reference: str = "", actor: Actor = SYSTEM
) -> Referral:
    """Move a referral on (submitted, a decision, withdrawn); a reference may be added at any step."""
    reference = _text("reference", reference, MAX_REFERENCE)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        allowed = REFERRAL_NEXT[referral.kind].get(referral.status, set())
        if status not in allowed:
            choices = ", ".join(Referral.Status(s).label for s in sorted(allowed)) or "none (it is final)"
            raise SafeguardingError(
                "status",
                f"status: a {referral.get_status_display()} {referral.kind.upper()} cannot become "
                f"{str(status)[:40]!r}; next steps: {choices}.",
            )
        previous = referral.status
        referral.status = status
        if reference:
            referral.reference = reference
        if status == Referral.Status.SUBMITTED:
            referral.submitted_at = timezone.now()
        referral.save(update_fields=["status", "reference", "submitted_at"])
        _audit(
            actor,
            AuditAction.UPDATE,
            "referral",
            referral.pk,
            f"{referral.kind.upper()} {previous} -> {status}",
            {"status": status, "previous": previous},
        )
    return referral
