"""Retention writes: review dates, retaining with a reason, and disposal for good.

Every write is one transaction with its audit entry. ``dispose_person`` deletes the person record
(optionally with every record resolved as the same person) and what hangs off it, follows the links
to what is only about them, rewrites the lake without their rows, and leaves a ``Disposal``
tombstone and an audit entry; the audit chain itself is never touched. What it deletes and keeps:

Deleted: the person rows (names, search keys, provenance, relationships, event links, resolution
membership and scored pairs, risk rows); analysts' resolution decisions and merges naming them;
their ids on saved charts; record restrictions on them; the events whose only person was them
(with their links, report source details, mentions and the public or partner submission they came
from); the vehicles, phones and online identities only they used (with ANPR reads of those
vehicles in the lake); GPS fixes filed under their record; the civil orders of which they were the
subject, with conditions, documents (the files too), breach alerts and evidence; safeguarding tasks
about them or their objects, and NRM referrals naming them; the review schedules of all of these.
Risk rows keyed by their resolved cluster are deleted too; a cluster left empty is deleted, and a
cluster that keeps other records is relabelled from those records.

Kept: places (addresses are shared: other people live at, visit and report them), events that name
other people too (their link to the disposed person is removed), the audit chain (entries are
never deleted; earlier entries may name the record's id), the tombstone, anonymous MS1 records.

Refused while a legal hold applies: a civil order in force (not discharged, not expired), a breach
alert still to review, an open safeguarding task, an NRM referral awaiting a decision.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.models import (
    Entity,
    EntityKind,
    Event,
    EventLink,
    Incident,
    IntelligenceReport,
    LinkRole,
    Person,
    Relationship,
    Visit,
)
from lantern.intel.services import Actor, StoreError
from lantern.orders.models import AlertEvidence, BreachAlert, Order, OrderDocument
from lantern.resolution.models import Cluster, Decision, Membership, Merge, SavedChart
from lantern.retention import lake
from lantern.retention.models import Disposal, RecordKind, ReviewSchedule
from lantern.retention.policy import Policy, current_policy
from lantern.retention.restrictions import delete_restrictions
from lantern.risk.models import PersonRisk, SubjectRisk
from lantern.safeguarding.models import Referral, Task

MAX_REASON = 2_000
MIN_REASON = 10
CONFIRM_WORD = "DISPOSE"
CHUNK = 2_000
# Roles that record a person as (possibly) the one who did something, rather than one it was done to.
OFFENDER_ROLES = (LinkRole.SUBJECT, LinkRole.ASSOCIATE, LinkRole.MENTIONED)
OBJECT_KINDS = (EntityKind.VEHICLE, EntityKind.PHONE, EntityKind.IDENTITY)
LIVE_ORDER = (Order.Status.DRAFT, Order.Status.ACTIVE, Order.Status.VARIED)
OPEN_ALERT = (BreachAlert.Status.NEW, BreachAlert.Status.UNDER_REVIEW)
PENDING_REFERRAL = (Referral.Status.DRAFT, Referral.Status.SUBMITTED, Referral.Status.POSITIVE_RG)


class RetentionError(StoreError):
    """A review or disposal that cannot be done as asked; the message says what to do."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------- groups and schedules


def _chunks(ids: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _day(moment) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def assess_people(ids: list, policy: Policy | None = None) -> dict[UUID, tuple[str, str, date]]:
    """Each person's group, why, and the date its review period counts from."""
    policy = policy or current_policy()
    code = policy.assign
    out: dict[UUID, tuple[str, str, date]] = {}
    for chunk in _chunks(list(ids)):
        starts = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "created_at"))
        ordered = set(Order.objects.filter(subject_id__in=chunk).values_list("subject_id", flat=True))
        serious = set(
            EventLink.objects.filter(
                entity_id__in=chunk,
                role__in=OFFENDER_ROLES,
                event__incident__behaviours__harm_days__gte=policy.serious_harm_days,
            ).values_list("entity_id", flat=True)
        )
        offender = set(
            EventLink.objects.filter(entity_id__in=chunk, role__in=OFFENDER_ROLES).values_list(
                "entity_id", flat=True
            )
        ) | set(
            Relationship.objects.filter(entity_a_id__in=chunk, kind=Relationship.Kind.CONTROLS).values_list(
                "entity_a_id", flat=True
            )
        )
        protected = (
            set(EventLink.objects.filter(entity_id__in=chunk).values_list("entity_id", flat=True))
            | set(Referral.objects.filter(person_id__in=chunk).values_list("person_id", flat=True))
            | set(Task.objects.filter(subject_id__in=chunk).values_list("subject_id", flat=True))
        )
        for pk, created in starts.items():
            if pk in ordered:
                found = (code["order_subject"], "the subject of a civil order")
            elif pk in serious:
                found = (
                    code["serious_offence"],
                    f"linked as subject or associate to an offence of harm {policy.serious_harm_days}+ days",
                )
            elif pk in protected and pk not in offender:
                found = (
                    code["safeguarding_only"],
                    "recorded only as at risk, a victim, a witness or a reporter",
                )
            else:
                found = (code["offence_or_intelligence"], "intelligence or offence record")
            out[pk] = (*found, _day(created))
    return out


def assess_events(ids: list, policy: Policy | None = None) -> dict[UUID, tuple[str, str, date]]:
    policy = policy or current_policy()
    code = policy.assign
    out: dict[UUID, tuple[str, str, date]] = {}
    for chunk in _chunks(list(ids)):
        rows = Event.objects.filter(pk__in=chunk).values_list("pk", "recorded_at", "occurred_from")
        ordered = set(
            EventLink.objects.filter(event_id__in=chunk, entity__person__orders__isnull=False).values_list(
                "event_id", flat=True
            )
        )
        serious = set(
            Incident.objects.filter(
                pk__in=chunk, behaviours__harm_days__gte=policy.serious_harm_days
            ).values_list("pk", flat=True)
        )
        safeguarding = set(
            Visit.objects.filter(pk__in=chunk, visit_type=Visit.Type.WELFARE).values_list("pk", flat=True)
        ) | set(
            IntelligenceReport.objects.filter(
                pk__in=chunk, source_type=IntelligenceReport.SourceType.SEX_WORKER
            ).values_list("pk", flat=True)
        )
        for pk, recorded, occurred in rows:
            if pk in ordered:
                found = (code["order_subject"], "about the subject of a civil order")
            elif pk in serious:
                found = (code["serious_offence"], f"an offence of harm {policy.serious_harm_days}+ days")
            elif pk in safeguarding:
                found = (code["safeguarding_only"], "a welfare visit or a sex-worker safety report")
            else:
                found = (code["offence_or_intelligence"], "intelligence or offence record")
            start = occurred if policy.review_from == "occurred" else recorded
            out[pk] = (*found, _day(start))
    return out


def assess(kind: str, ids: list, policy: Policy | None = None) -> dict:
    return (assess_people if kind == RecordKind.PERSON else assess_events)(ids, policy)


def _new_schedules(kind: str, found: dict, policy: Policy) -> list[ReviewSchedule]:
    return [
        ReviewSchedule(
            record_kind=kind,
            object_id=pk,
            group=group,
            why=why[:300],
            policy_version=policy.version,
            start_on=start,
            review_on=policy.review_after(group, start),
        )
        for pk, (group, why, start) in found.items()
    ]


def schedule_record(kind: str, pk) -> None:
    """Give one new record its review date (called by the post_save signals)."""
    policy = current_policy()
    rows = _new_schedules(kind, assess(kind, [pk], policy), policy)
    ReviewSchedule.objects.bulk_create(rows, ignore_conflicts=True)


def schedule_missing(*, regroup: bool = False, actor: Actor | None = None) -> dict[str, int]:
    """Review dates for records that have none (bulk imports, data from before retention).

    With ``regroup``, every scheduled record's group is assessed again (a person who became the
    subject of an order moves to group 1) and a changed group's review date counts afresh from
    the record's start (or its last review).
    """
    policy = current_policy()
    counts = {"persons": 0, "events": 0, "regrouped": 0}
    for kind, model, label in (
        (RecordKind.PERSON, Person, "persons"),
        (RecordKind.EVENT, Event, "events"),
    ):
        ids = list(
            model.objects.exclude(
                pk__in=ReviewSchedule.objects.filter(record_kind=kind).values("object_id")
            ).values_list("pk", flat=True)
        )
        for chunk in _chunks(ids):
            with transaction.atomic():
                rows = _new_schedules(kind, assess(kind, chunk, policy), policy)
                ReviewSchedule.objects.bulk_create(rows, ignore_conflicts=True)
                counts[label] += len(rows)
        if regroup:
            scheduled = list(ReviewSchedule.objects.filter(record_kind=kind).order_by("pk"))
            for chunk in _chunks(scheduled):
                found = assess(kind, [s.object_id for s in chunk], policy)
                changed = []
                for s in chunk:
                    if s.object_id in found and found[s.object_id][0] != s.group:
                        s.group, s.why = found[s.object_id][0], found[s.object_id][1][:300]
                        start = _day(s.last_reviewed_at) if s.last_reviewed_at else s.start_on
                        s.review_on, s.policy_version = policy.review_after(s.group, start), policy.version
                        changed.append(s)
                with transaction.atomic():
                    ReviewSchedule.objects.bulk_update(
                        changed, ["group", "why", "review_on", "policy_version"]
                    )
                counts["regrouped"] += len(changed)
    if any(counts.values()):
        audit_record(
            user=actor.user if actor else None,
            action=AuditAction.CREATE,
            object_type="retention_schedule",
            summary=(
                f"review dates for {counts['persons']} persons and {counts['events']} events; "
                f"{counts['regrouped']} regrouped (policy {policy.version})"
            ),
            path=actor.via if actor else "lantern retention schedule",
            detail=counts,
        )
    return counts


# ---------------------------------------------------------------- retain


def clean_reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        raise RetentionError(
            f"Give the reason in at least {MIN_REASON} characters: it is kept with the record.", "reason"
        )
    if len(text) > MAX_REASON:
        raise RetentionError(f"The reason is {len(text):,} characters; keep it to {MAX_REASON:,}.", "reason")
    return text


def retain(*, schedule: ReviewSchedule, reason: str, actor: Actor) -> ReviewSchedule:
    """Keep the record: the group is assessed again and the next review is a period from today."""
    text = clean_reason(reason)
    policy = current_policy()
    with transaction.atomic():
        schedule = ReviewSchedule.objects.select_for_update().get(pk=schedule.pk)
        found = assess(schedule.record_kind, [schedule.object_id], policy).get(schedule.object_id)
        if found is None:
            raise RetentionError("The record no longer exists; it may have been disposed of already.")
        today = timezone.localdate()
        previous = schedule.review_on
        schedule.group, schedule.why = found[0], found[1][:300]
        schedule.review_on = policy.review_after(schedule.group, today)
        schedule.status = ReviewSchedule.Status.RETAINED
        schedule.last_reviewed_at = timezone.now()
        schedule.last_reviewed_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
        schedule.last_reason = text
        schedule.policy_version = policy.version
        schedule.save()
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type=schedule.record_kind,
            object_id=str(schedule.object_id),
            summary=f"retained at review (group {schedule.group}); next review {schedule.review_on}",
            path=actor.via,
            detail={
                "retention": "retain",
                "reason": text,
                "group": schedule.group,
                "previous_review_on": str(previous),
                "review_on": str(schedule.review_on),
            },
        )
    return schedule


# ---------------------------------------------------------------- dispose


def reference_hash(source_code: str, record_id: str) -> str:
    """A keyed hash of a record's source reference: recognisable on re-import, not reversible."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{source_code}:{record_id}".encode(), hashlib.sha256).hexdigest()


def legal_holds(persons: list[Person]) -> list[str]:
    """What stops these records being disposed of now, each with what to do."""
    today = timezone.localdate()
    ids = [p.pk for p in persons]
    holds = []
    for order in Order.objects.filter(subject_id__in=ids, status__in=LIVE_ORDER):
        ended = (order.expires_on and order.expires_on < today) or (
            order.discharged_on and order.discharged_on <= today
        )
        if not ended:
            until = f"until {order.expires_on:%d %B %Y}" if order.expires_on else "until further order"
            holds.append(
                f"Order {order.reference} ({order.get_order_type_display()}) is in force {until}: "
                "it must expire or be discharged (recorded on the order's page) before disposal."
            )
    open_alerts = BreachAlert.objects.filter(order__subject_id__in=ids, status__in=OPEN_ALERT).count()
    if open_alerts:
        holds.append(
            f"{open_alerts} breach alert(s) on their orders await review: action or dismiss them first."
        )
    tasks = Task.objects.filter(subject_id__in=ids, status=Task.Status.OPEN).count()
    if tasks:
        holds.append(f"{tasks} safeguarding task(s) about them are open: complete or cancel them first.")
    referrals = Referral.objects.filter(person_id__in=ids, status__in=PENDING_REFERRAL).count()
    if referrals:
        holds.append(
            f"{referrals} NRM referral(s) naming them await a decision: record the outcome or withdraw first."
        )
    return holds


def _check_reason_names_nobody(text: str, persons: list[Person]) -> None:
    """The reason is kept for good in the tombstone and the audit trail: it must not name them."""
    words = set()
    for p in persons:
        words |= {w for w in re.split(r"\W+", f"{p.given_names} {p.family_name} {p.label}") if len(w) >= 3}
        words |= set(p.names.values_list("name", flat=True))
    lowered = text.casefold()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", lowered):
            raise RetentionError(
                "The reason is kept after disposal, so it must not name the person: "
                "describe the decision without their names.",
                "reason",
            )


def _orphan_objects(people: set, relationships: list[tuple]) -> set:
    """Vehicles, phones and identities related only to these people."""
    candidates = set()
    for a, b in relationships:
        if a in people:
            candidates.add(b)
        if b in people:
            candidates.add(a)
    candidates = set(
        Entity.objects.filter(pk__in=candidates, kind__in=OBJECT_KINDS).values_list("pk", flat=True)
    )
    if not candidates:
        return set()
    shared = set()
    for a, b in Relationship.objects.filter(
        Q(entity_a_id__in=candidates) | Q(entity_b_id__in=candidates)
    ).values_list("entity_a_id", "entity_b_id"):
        if a in candidates and b not in people:
            shared.add(a)
        if b in candidates and a not in people:
            shared.add(b)
    return candidates - shared


def _events_only_about(entities: set, people: set) -> set:
    """Events linked to these entities whose every linked person is one of ``people``."""
    touched = set(EventLink.objects.filter(entity_id__in=entities).values_list("event_id", flat=True))
    if not touched:
        return set()
    others = set(
        EventLink.objects.filter(event_id__in=touched, entity__kind=EntityKind.PERSON)
        .exclude(entity_id__in=people)
        .values_list("event_id", flat=True)
    )
    return touched - others


def _plan(persons: list[Person]) -> dict:
    people = {p.pk for p in persons}
    relationships = list(
        Relationship.objects.filter(Q(entity_a_id__in=people) | Q(entity_b_id__in=people)).values_list(
            "entity_a_id", "entity_b_id"
        )
    )
    objects = _orphan_objects(people, relationships)
    events = _events_only_about(people | objects, people)
    # An object seen in an event that is kept (someone else's) is kept with it.
    seen_elsewhere = set(
        EventLink.objects.filter(entity_id__in=objects)
        .exclude(event_id__in=events)
        .values_list("entity_id", flat=True)
    )
    objects -= seen_elsewhere
    vrms = set(
        Entity.objects.filter(pk__in=objects, kind=EntityKind.VEHICLE).values_list("vehicle__vrm", flat=True)
    )
    records = {p.source_record_id for p in persons} | {str(pk) for pk in people}
    return {"people": people, "objects": objects, "events": events, "vrms": vrms, "records": records}


def _mentions(values: Iterable, ids: set[str]) -> bool:
    return any(str(v) in ids for v in values or [])


def _resolution_cleanup(entity_ids: set, counts: Counter) -> set[str]:
    """Decisions, merges and chart nodes that name these records; returns the touched clusters."""
    ids = {str(pk) for pk in entity_ids}
    clusters = {
        str(c)
        for c in Membership.objects.filter(entity_id__in=entity_ids).values_list("cluster_id", flat=True)
    }
    decisions = [
        d.pk
        for d in Decision.objects.all().only("left", "right")
        if _mentions(d.left, ids) or _mentions(d.right, ids)
    ]
    counts["resolution decisions"] += Decision.objects.filter(pk__in=decisions).delete()[0]
    merges = [m.pk for m in Merge.objects.all().only("records") if _mentions(m.records, ids)]
    counts["resolution merges"] += Merge.objects.filter(pk__in=merges).delete()[0]
    for chart in SavedChart.objects.all():
        kept = [n for n in chart.nodes if not any(i in str(n) for i in ids)]
        if len(kept) != len(chart.nodes):
            chart.nodes = kept
            chart.save(update_fields=["nodes"])
            counts["chart nodes"] += 1
    return clusters


def _relabel(clusters: set[str], counts: Counter) -> None:
    for cluster in Cluster.objects.filter(pk__in=clusters):
        labels = Counter(Membership.objects.filter(cluster=cluster).values_list("entity__label", flat=True))
        if not labels:
            cluster.delete()
            counts["resolution clusters"] += 1
            continue
        cluster.size = sum(labels.values())
        cluster.label = max(labels, key=lambda name: (labels[name], len(name)))[:300]
        cluster.save(update_fields=["size", "label", "updated_at"])


def dispose_person(
    *, person: Person, reason: str, actor: Actor, with_resolved: bool = False, lake_dir: Path | None = None
) -> Disposal:
    """Delete the person for good (see the module docstring); return the tombstone."""
    text = clean_reason(reason)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    lake_root = Path(lake_dir or settings.LAKE_DIR)
    rewrite = None
    documents: list[str] = []
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update().select_related("source").get(pk=person.pk)
            persons = [person]
            if with_resolved:
                cluster = (
                    Membership.objects.filter(entity_id=person.pk)
                    .values_list("cluster_id", flat=True)
                    .first()
                )
                if cluster:
                    persons += list(
                        Person.objects.select_related("source")
                        .filter(membership__cluster_id=cluster)
                        .exclude(pk=person.pk)
                    )
            holds = legal_holds(persons)
            if holds:
                raise RetentionError("Not disposed of: " + " ".join(holds))
            _check_reason_names_nobody(text, persons)
            schedule = ReviewSchedule.objects.filter(object_id=person.pk).first()
            group = schedule.group if schedule else ""
            plan = _plan(persons)
            people, objects, events = plan["people"], plan["objects"], plan["events"]
            counts: Counter = Counter()
            counts["person records"] = len(people)

            # Orders of which they are the subject (PROTECT: evidence, alerts, then the orders).
            orders = list(Order.objects.filter(subject_id__in=people).values_list("pk", flat=True))
            documents = list(
                OrderDocument.objects.filter(order_id__in=orders).values_list("stored_path", flat=True)
            )
            counts["breach evidence"] += AlertEvidence.objects.filter(order_id__in=orders).delete()[0]
            counts["breach alerts"] += BreachAlert.objects.filter(order_id__in=orders).delete()[0]
            counts["order documents"] += len(documents)
            counts["orders"] += Order.objects.filter(pk__in=orders).delete()[1].get("orders.Order", 0)

            # Safeguarding work about them or their objects (Task.subject and Referral.person PROTECT).
            counts["safeguarding tasks"] += Task.objects.filter(subject_id__in=people | objects).delete()[0]
            counts["referrals"] += Referral.objects.filter(person_id__in=people).delete()[0]

            # Resolution overlay, risk rows keyed by person or cluster.
            clusters = _resolution_cleanup(people | objects, counts)
            keys = {str(pk) for pk in people} | clusters
            counts["risk rows"] += SubjectRisk.objects.filter(
                Q(person_id__in=people) | Q(subject_key__in=keys)
            ).delete()[0]
            counts["risk rows"] += PersonRisk.objects.filter(
                Q(person_id__in=people) | Q(subject_key__in=keys)
            ).delete()[0]

            # Events only about them, with the submissions they came from.
            from lantern.intake.models import Submission

            counts["submissions"] += (
                Submission.objects.filter(report_id__in=events).delete()[1].get("intake.Submission", 0)
            )
            counts["events"] += len(events)
            Event.objects.filter(pk__in=events).delete()
            counts["objects (vehicles, phones, identities)"] += len(objects)
            links = EventLink.objects.filter(entity_id__in=people | objects).count()
            counts["event links of kept events"] += links
            delete_restrictions(people | objects | events)
            Entity.objects.filter(pk__in=people | objects).delete()
            _relabel(clusters, counts)
            counts["review schedules"] += ReviewSchedule.objects.filter(
                object_id__in=people | events
            ).delete()[0]

            rewrite = lake.prepare(lake_root, vrms=plan["vrms"], subject_records=plan["records"])
            counts["lake ANPR reads"] = rewrite.removed.get("reads", 0)
            counts["lake GPS fixes"] = rewrite.removed.get("tracks", 0)
            counts["lake files rewritten"] = rewrite.files

            counts = {k: v for k, v in counts.items() if v}
            disposal = Disposal.objects.create(
                record_kind=RecordKind.PERSON,
                object_id=person.pk,
                reference_hash=reference_hash(person.source.code, person.source_record_id),
                description=(
                    f"person record from {person.source.code}"
                    + (f" and {len(persons) - 1} record(s) resolved with it" if len(persons) > 1 else "")
                    + (f"; retention group {group}" if group else "")
                )[:300],
                group=group,
                reason=text,
                disposed_by=user,
                disposed_by_username=user.get_username() if user else actor.via[:150],
                counts=counts,
            )
            entry = audit_record(
                user=actor.user,
                action=AuditAction.DELETE,
                object_type="person",
                object_id=str(person.pk),
                summary=f"disposed of after retention review: {text}",
                path=actor.via,
                detail={
                    "retention": "dispose",
                    "disposal": str(disposal.pk),
                    "reason": text,
                    "records": sorted(str(pk) for pk in people),
                    "events": len(events),
                    "counts": counts,
                },
            )
            disposal.audit_sequence = entry.sequence
            disposal.save(update_fields=["audit_sequence"])
            # Last, inside the transaction: a failed rename rolls the database back. Should the
            # commit itself fail after this, disposing again completes the work.
            rewritten = rewrite.commit()
            _forget_screened(rewritten)
    except BaseException:
        if rewrite is not None:
            rewrite.discard()
        raise
    transaction.on_commit(lambda: _remove_files(documents))
    return disposal


def _forget_screened(paths: list[Path]) -> None:
    """A rewritten lake file has only fewer rows: record its new size so screening skips it."""
    from lantern.orders.models import ScreenedFile

    for path in paths:
        stat = path.stat()
        ScreenedFile.objects.filter(path=str(path)).update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def dispose_event(*, event: Event, reason: str, actor: Actor) -> Disposal:
    """Delete one event for good (its links, details, mentions and submission); people are kept."""
    text = clean_reason(reason)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("source").get(pk=event.pk)
        people = list(Person.objects.filter(event_links__event=event).distinct())
        _check_reason_names_nobody(text, people)
        if AlertEvidence.objects.filter(kind="event", evidence_id=str(event.pk)).exists():
            raise RetentionError(
                "Not disposed of: the event is evidence in a breach alert; review the alert first."
            )
        schedule = ReviewSchedule.objects.filter(object_id=event.pk).first()
        group = schedule.group if schedule else ""
        from lantern.intake.models import Submission

        counts: Counter = Counter(events=1)
        counts["event links"] = EventLink.objects.filter(event=event).count()
        counts["submissions"] = (
            Submission.objects.filter(report_id=event.pk).delete()[1].get("intake.Submission", 0)
        )
        delete_restrictions([event.pk])
        kind, event_id = event.get_kind_display(), event.pk
        event.delete()
        ReviewSchedule.objects.filter(object_id=event_id).delete()
        counts = {k: v for k, v in counts.items() if v}
        disposal = Disposal.objects.create(
            record_kind=RecordKind.EVENT,
            object_id=event_id,
            reference_hash=reference_hash(event.source.code, event.source_ref),
            description=f"{kind} from {event.source.code}" + (f"; retention group {group}" if group else ""),
            group=group,
            reason=text,
            disposed_by=user,
            disposed_by_username=user.get_username() if user else actor.via[:150],
            counts=counts,
        )
        entry = audit_record(
            user=actor.user,
            action=AuditAction.DELETE,
            object_type="event",
            object_id=str(event_id),
            summary=f"disposed of after retention review: {text}",
            path=actor.via,
            detail={"retention": "dispose", "disposal": str(disposal.pk), "reason": text, "counts": counts},
        )
        disposal.audit_sequence = entry.sequence
        disposal.save(update_fields=["audit_sequence"])
    return disposal


def summarise_plan(person: Person, *, with_resolved: bool = False) -> dict:
    """What disposal would delete, for the review page (no writes)."""
    persons = [person]
    if with_resolved:
        cluster = Membership.objects.filter(entity_id=person.pk).values_list("cluster_id", flat=True).first()
        if cluster:
            persons += list(Person.objects.filter(membership__cluster_id=cluster).exclude(pk=person.pk))
    plan = _plan(persons)
    return {
        "persons": len(plan["people"]),
        "events": len(plan["events"]),
        "objects": len(plan["objects"]),
        "orders": Order.objects.filter(subject_id__in=plan["people"]).count(),
        "vrms": len(plan["vrms"]),
        "holds": legal_holds(persons),
    }


def group_counts() -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for group in ReviewSchedule.objects.values_list("group", flat=True):
        out[group] += 1
    return dict(out)
