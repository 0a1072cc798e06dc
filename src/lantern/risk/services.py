"""Risk runs and the risk model's versions: snapshot the store, score, store the explained results.

Each write is one transaction with its audit entry. A run that cannot go ahead (no vocabulary, a
refused configuration) is recorded as failed with the reason, and the previous results stay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lantern.engine.risk import (
    RiskConfig,
    RiskConfigError,
    RiskResult,
    default_config,
    parse_config,
    score_all,
)
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction, RecordRestriction
from lantern.intel.models import BehaviourType, Entity, Location, Person
from lantern.intel.services import SYSTEM, Actor
from lantern.resolution.models import Cluster, Membership
from lantern.risk.models import PersonRisk, PremisesRisk, RiskModel, RiskRun, SubjectRisk
from lantern.risk.snapshot import store_risk_inputs

WRITE_BATCH = 5_000


def _user(actor: Actor):
    user = getattr(actor, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


# ---------------------------------------------------------------- the risk model


def active_model() -> tuple[RiskConfig, RiskModel]:
    """The configuration in force; the built-in defaults are recorded as the first version."""
    model = RiskModel.objects.filter(active=True).first()
    if model is None:
        config = default_config()
        model, _ = RiskModel.objects.get_or_create(
            version=config.version, defaults={"config": config.model_dump(mode="json"), "note": config.note}
        )
        RiskModel.objects.filter(pk=model.pk).update(active=True)
        model.active = True
    return parse_config(model.config), model


def risk_model_publish(*, data: dict | str | bytes, actor: Actor = SYSTEM) -> RiskModel:
    """Validate a configuration and put it in force as a new version (never overwriting one)."""
    config = parse_config(data)
    if RiskModel.objects.filter(version=config.version).exists():
        raise RiskConfigError(
            f"Version {config.version} already exists: give the new configuration a new version."
        )
    with transaction.atomic():
        RiskModel.objects.filter(active=True).update(active=False)
        model = RiskModel.objects.create(
            version=config.version,
            config=config.model_dump(mode="json"),
            note=config.note,
            active=True,
            created_by=_user(actor),
        )
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type="risk_model",
            object_id=config.version,
            summary=f"risk model {config.version} put in force",
            path=actor.via,
        )
    return model


# ---------------------------------------------------------------- runs


def risk_recompute(
    *, actor: Actor = SYSTEM, as_of: datetime | None = None, progress: Callable[[int], None] | None = None
) -> RiskRun:
    """Score every subject, premises and person at risk again, and the hotspots."""
    advance = progress or (lambda n=1: None)
    as_of = as_of or timezone.now()
    config, model = active_model()
    vocabulary = BehaviourType.objects.values_list("vocabulary_version", flat=True).first() or ""
    run = RiskRun.objects.create(
        as_of=as_of, model_version=model.version, vocabulary_version=vocabulary, started_by=_user(actor)
    )
    started = time.perf_counter()
    try:
        if not vocabulary:
            raise RiskConfigError(
                "no behaviour vocabulary is loaded: load one (lantern demo loads the demo's)."
            )
        inputs, _ = store_risk_inputs()
        advance(1)
        labels = _labels(inputs)
        result = score_all(inputs, config, as_of, labels=_unrestricted(labels))
        advance(1)
        with transaction.atomic():
            _store(run, result, labels)
            run.status = RiskRun.Status.DONE
            run.seconds = time.perf_counter() - started
            run.finished_at = timezone.now()
            run.save()
            advance(1)
            audit_record(
                user=actor.user,
                action=AuditAction.UPDATE,
                object_type="risk_run",
                object_id=str(run.pk),
                summary=run.summary(),
                path=actor.via,
            )
    except (RiskConfigError, ValueError) as exc:
        RiskRun.objects.filter(pk=run.pk).update(
            status=RiskRun.Status.FAILED, message=str(exc), finished_at=timezone.now()
        )
        run.refresh_from_db()
    return run


def _labels(inputs) -> dict[str, str]:
    """Names for the few keys an explanation mentions: controllers, phones and places."""
    wanted = set(inputs.controls.column("controller").to_pylist()) | set(
        inputs.advert_phones.column("phone").to_pylist()
    )
    wanted |= set(inputs.places.column("location").to_pylist())
    return _names(wanted)


def _names(keys: set[str]) -> dict[str, str]:
    names = {}
    for chunk in _chunks(keys):
        names.update(
            {str(pk): label for pk, label in Cluster.objects.filter(pk__in=chunk).values_list("pk", "label")}
        )
    for chunk in _chunks(k for k in keys if k not in names):
        names.update(
            {str(pk): label for pk, label in Entity.objects.filter(pk__in=chunk).values_list("pk", "label")}
        )
    return names


def _chunks(keys, size: int = 900):
    """Keys that could be ids, in slices small enough for any database's parameter limit."""
    ids = sorted(k for k in keys if k and len(k) == 36)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _unrestricted(labels: dict[str, str]) -> dict[str, str]:
    """Names an explanation may carry: never a restricted record's (explanations are read by people
    off its list, so it is described, "a controller", not named)."""
    restricted = {str(pk) for pk in RecordRestriction.objects.values_list("object_id", flat=True)}
    restricted |= {
        str(c)
        for c in Membership.objects.filter(entity_id__in=list(restricted)).values_list(
            "cluster_id", flat=True
        )
    }
    return {key: name for key, name in labels.items() if key not in restricted}


def _store(run: RiskRun, result: RiskResult, labels: dict[str, str]) -> None:
    """Replace the previous run's rows; ``labels`` already names every place (see ``_labels``)."""
    SubjectRisk.objects.exclude(run=run).delete()
    PremisesRisk.objects.exclude(run=run).delete()
    PersonRisk.objects.exclude(run=run).delete()
    records = _records_of({r["subject"] for r in result.subjects} | {p["person"] for p in result.people})
    names = _names({r["subject"] for r in result.subjects} | {p["person"] for p in result.people})
    # a subject is stored when a person record stands for it (a vehicle linked as "subject" is not)
    subjects = [s for r in result.subjects if (s := _subject(run, r, records, names)).person_id]
    SubjectRisk.objects.bulk_create(subjects, batch_size=WRITE_BATCH)
    places = _records_of({p["location"] for p in result.premises}, kind="location")
    PremisesRisk.objects.bulk_create(
        [
            PremisesRisk(
                run=run,
                location_key=p["location"],
                location_id=places.get(p["location"]),
                label=labels.get(p["location"], p["location"])[:300],
                rank=p["rank"],
                score=p["score"],
                high_risk=p["high_risk"],
                indicators=p["indicators"],
                explanation=p["explanation"],
            )
            for p in result.premises
            if places.get(p["location"])
        ],
        batch_size=WRITE_BATCH,
    )
    PersonRisk.objects.bulk_create(
        [
            PersonRisk(
                run=run,
                subject_key=p["person"],
                person_id=records.get(p["person"]),
                label=names.get(p["person"], p["person"])[:300],
                rank=p["rank"],
                score=p["score"],
                prompt_referral=p["prompt_referral"],
                indicators=p["indicators"],
                explanation=p["explanation"],
            )
            for p in result.people
            if records.get(p["person"])
        ],
        batch_size=WRITE_BATCH,
    )
    run.subjects = len(subjects)
    run.escalating = sum(1 for s in subjects if s.escalating)
    run.premises = sum(1 for p in result.premises if p["high_risk"])
    run.people = sum(1 for p in result.people if p["prompt_referral"])
    run.notes = result.notes
    run.hotspots = result.hotspots


def _records_of(keys: set[str], kind: str = "person") -> dict[str, str]:
    """Key -> one record of that kind: the key itself, or a member of the cluster it names."""
    model = Person if kind == "person" else Location
    out: dict[str, str] = {}
    for chunk in _chunks(keys):
        members = Membership.objects.filter(cluster_id__in=chunk, entity__kind=kind).order_by("entity_id")
        for cluster, entity in members.values_list("cluster_id", "entity_id"):
            out.setdefault(str(cluster), str(entity))
    for chunk in _chunks(k for k in keys if k not in out):
        out.update(
            {str(pk): str(pk) for pk in model.objects.filter(pk__in=chunk).values_list("pk", flat=True)}
        )
    return out


def _subject(run: RiskRun, r: dict, records: dict[str, str], names: dict[str, str]) -> SubjectRisk:
    detail = {
        k: r[k]
        for k in (
            "points",
            "chronology",
            "trend",
            "new_kinds",
            "accelerating",
            "earlier",
            "later",
            "reporters",
            "victims",
            "recency_days",
            "recent_incidents",
            "harm_total",
            "mk_z",
            "mk_s",
            "trend_points",
            "serial_victims",
        )
    }
    detail["first_at"], detail["last_at"] = r["first_at"].isoformat(), r["last_at"].isoformat()
    return SubjectRisk(
        run=run,
        subject_key=r["subject"],
        person_id=records.get(r["subject"]),
        label=names.get(r["subject"], r["subject"])[:300],
        incidents=r["incidents"],
        escalating=r["escalating"],
        escalation_rank=r["escalation_rank"],
        priority=r["priority"],
        priority_rank=r["priority_rank"],
        serial=r["serial"],
        slope_per_30_days=r["slope_per_30_days"],
        mk_p=r["mk_p"],
        explanation=r["escalation_text"],
        priority_text=r["priority_text"],
        detail=detail,
    )
