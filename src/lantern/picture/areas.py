"""Areas for the picture: the store's glue around ``engine.areas``.

An area is named in a URL or a command as ``all``, a postcode district (``PE1``) or a saved
area's id; ``resolve_area`` turns that into an ``engine.areas.Area``. District outlines are built
from the gazetteer once (``district_outlines_rebuild``, run after every postcode import) and read
from the table afterwards.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

from django.db import transaction
from django.db.models import Count, Max
from shapely.geometry import shape

from lantern.engine.areas import (
    Area,
    AreaError,
    district_area,
    district_outlines,
    district_sort_key,
    everywhere,
    polygon_area,
)
from lantern.engine.screening.conditions import json_geometry
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.models import Postcode
from lantern.picture.models import Area as SavedArea
from lantern.picture.models import DistrictOutline

__all__ = ["AreaError", "area_save", "district_outlines_rebuild", "outline_shapes", "resolve_area"]


def district_outlines_rebuild() -> int:
    """Recompute every district outline from the postcode gazetteer; returns how many."""
    rows = list(Postcode.objects.values_list("postcode", "latitude", "longitude").iterator(20_000))
    counts = dict(Postcode.objects.order_by().values_list("district").annotate(n=Count("postcode")))
    outlines = district_outlines([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    with transaction.atomic():
        DistrictOutline.objects.all().delete()
        DistrictOutline.objects.bulk_create(
            DistrictOutline(code=code, geojson=json_geometry(g), postcodes=counts.get(code, 0))
            for code, g in outlines.items()
        )
    _outline_cache.cache_clear()
    return len(outlines)


def outline_shapes() -> dict:
    """District code -> shapely outline (built on first use if the gazetteer is loaded)."""
    version = DistrictOutline.objects.aggregate(n=Count("code"), built=Max("built_at"))
    if version["n"] == 0 and Postcode.objects.exists():
        district_outlines_rebuild()
        version = DistrictOutline.objects.aggregate(n=Count("code"), built=Max("built_at"))
    return _outline_cache((version["n"], version["built"]))


@lru_cache(maxsize=2)
def _outline_cache(version: tuple) -> dict:
    return {o.code: shape(o.geojson) for o in DistrictOutline.objects.all()}


def resolve_area(spec: str) -> Area:
    """``all`` (or empty), a postcode district such as ``PE1``, or a saved area's id."""
    spec = (spec or "").strip()
    if spec.lower() in ("", "all"):
        return everywhere()
    try:
        saved = SavedArea.objects.filter(pk=uuid.UUID(spec)).first()
    except ValueError:
        saved = None
    if saved is not None:
        return polygon_area(saved.name, saved.geojson, kind=saved.kind)
    return district_area(spec, outline_shapes())


def area_choices() -> list[tuple[str, str]]:
    """(value, label) for an area picker: the whole area, districts, then saved areas."""
    districts = sorted(outline_shapes(), key=district_sort_key)
    return (
        [("all", "Whole force area")]
        + [(code, f"Postcode district {code}") for code in districts]
        + [
            (str(a.pk), f"{a.name} ({a.get_kind_display()})")
            for a in SavedArea.objects.only("id", "name", "kind")
        ]
    )


def area_save(*, name: str, kind: str, geojson: object, user, source_name: str = "") -> SavedArea:
    """Keep a drawn or uploaded area (checked and repaired by ``engine.areas``), audited."""
    area = polygon_area(name, geojson, kind=kind)
    with transaction.atomic():
        saved = SavedArea.objects.create(
            name=area.name[:120],
            kind=kind,
            geojson=area.geojson(),
            source_name=source_name[:200],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            object_type="area",
            object_id=str(saved.pk),
            summary=f"area {saved.name} ({saved.get_kind_display()})",
        )
    return saved
