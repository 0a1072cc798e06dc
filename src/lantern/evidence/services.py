"""Writes of evidence sources (cameras), audited like every other write."""

from __future__ import annotations

from django.db import transaction

from lantern.engine.normalise.text import clean_text_arguments
from lantern.evidence.models import Camera
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.services import SYSTEM, Actor, StoreError


@clean_text_arguments
def camera_ensure(
    *, camera_id: str, latitude: float, longitude: float, description: str = "", actor: Actor = SYSTEM
) -> tuple[Camera, bool]:
    """Record an ANPR camera site; an existing camera id is left as it is."""
    camera_id = camera_id.strip()
    if not camera_id or len(camera_id) > 40:
        raise StoreError("camera_id: give the camera's id (1 to 40 characters).")
    if not (49.0 <= latitude <= 61.0 and -9.0 <= longitude <= 2.5):
        if 49.0 <= longitude <= 61.0 and -9.0 <= latitude <= 2.5:
            raise StoreError(
                f"lat,lon: camera {camera_id} at ({latitude}, {longitude}): "
                "latitude and longitude look swapped."
            )
        raise StoreError(
            f"lat,lon: camera {camera_id} at ({latitude}, {longitude}) is not in the UK; "
            "give WGS84 decimal degrees."
        )
    with transaction.atomic():
        camera, created = Camera.objects.get_or_create(
            camera_id=camera_id,
            defaults={"latitude": latitude, "longitude": longitude, "description": description.strip()[:200]},
        )
        if created:
            audit_record(
                user=actor.user,
                action=AuditAction.CREATE,
                object_type="camera",
                object_id=camera_id,
                summary=f"camera {camera_id}",
                path=actor.via,
            )
    return camera, created
