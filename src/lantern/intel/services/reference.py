"""Reference data: the behaviour vocabulary and the postcode gazetteer."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from lantern.engine.normalise import (
    postcode_district,
)
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.models import (
    BehaviourType,
    Postcode,
)
from lantern.intel.services.base import (
    SYSTEM,
    Actor,
    StoreError,
)


def behaviour_vocabulary_load(entries: Iterable[dict], *, version: str, actor: Actor = SYSTEM) -> int:
    """Load or update the behaviour and offence vocabulary (a versioned configuration file)."""
    count = 0
    with transaction.atomic():
        for entry in entries:
            _check_behaviour(entry)
            BehaviourType.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name": entry["name"],
                    "category": entry["category"],
                    "severity": entry["severity"],
                    "harm_days": entry.get("harm_days", 0),
                    "vocabulary_version": version,
                },
            )
            count += 1
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type="vocabulary",
            object_id=version,
            summary=f"behaviour vocabulary {version}: {count} entries",
            path=actor.via,
        )
    return count


def _check_behaviour(entry: dict) -> None:
    missing = {"code", "name", "category", "severity"} - set(entry)
    if missing:
        raise StoreError(f"vocabulary entry {entry.get('code', '?')}: missing {', '.join(sorted(missing))}.")
    severity, harm_days = entry["severity"], entry.get("harm_days", 0)
    if (severity is not None and not 1 <= int(severity) <= 10) or harm_days is None or int(harm_days) < 0:
        raise StoreError(
            f"vocabulary entry {entry['code']}: severity must be 1-10 (or empty for an offence) "
            "and harm_days 0 or more."
        )
    if severity is None and entry["category"] != "offence":
        raise StoreError(f"vocabulary entry {entry['code']}: a behaviour needs a severity from 1 to 10.")
    if entry["category"] not in BehaviourType.Category.values:
        raise StoreError(f"vocabulary entry {entry['code']}: category must be behaviour or offence.")


def postcodes_load(rows: Iterable[tuple[str, float, float]], *, batch_size: int = 5000) -> int:
    """Bulk-load gazetteer rows (already normalised); existing postcodes get their new centroid."""
    batch: list[Postcode] = []
    total = 0
    for pc, lat, lon in rows:
        batch.append(Postcode(postcode=pc, latitude=lat, longitude=lon, district=postcode_district(pc)))
        if len(batch) >= batch_size:
            total += _flush_postcodes(batch)
            batch = []
    return total + (_flush_postcodes(batch) if batch else 0)


def _flush_postcodes(batch: list[Postcode]) -> int:
    Postcode.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["latitude", "longitude", "district"],
    )
    return len(batch)
