"""Reads of open crime data, for a user who may see them (the capability is checked here).

Open data is public, but it is shown inside Lantern beside intelligence, so it takes the same
capability as the store's pages (VIEW_INTEL); ``crime_points`` is the one read without a user, for
the problem profile, which checks its own access before calling it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from lantern.context.models import CrimeImport, OpenCrime, QuarantinedCrimeRow
from lantern.governance.roles import Capability, has_capability

MAP_POINT_LIMIT = 5_000


@dataclass(frozen=True)
class CrimeFilter:
    month_from: date | None = None  # inclusive; any day of the month
    month_to: date | None = None  # inclusive
    crime_type: str = ""
    lsoa: str = ""  # an LSOA code (exact) or part of an LSOA name
    street: str = ""  # part of a street or place name
    falls_within: str = ""  # the force area, exact

    def describe(self) -> str:
        parts = [
            f"from {self.month_from:%Y-%m}" if self.month_from else "",
            f"to {self.month_to:%Y-%m}" if self.month_to else "",
            self.crime_type,
            f"LSOA {self.lsoa}" if self.lsoa else "",
            f"street {self.street}" if self.street else "",
            self.falls_within,
        ]
        return ", ".join(p for p in parts if p) or "all"


@dataclass(frozen=True)
class MapPoints:
    points: list[dict]  # {lat, lon, label, crimes}, the busiest first
    total_points: int  # distinct map points matching the filter
    mapped: int  # crimes at a map point
    unmapped: int  # crimes published with no location


def _require(user) -> None:
    if not has_capability(user, Capability.VIEW_INTEL):
        raise PermissionDenied("Your role does not allow open crime data.")


def _first_of_month(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def _filtered(f: CrimeFilter) -> QuerySet[OpenCrime]:
    rows = OpenCrime.objects.all()
    if f.month_from:
        rows = rows.filter(month__gte=_first_of_month(f.month_from))
    if f.month_to:
        rows = rows.filter(month__lte=_first_of_month(f.month_to))
    if f.crime_type:
        rows = rows.filter(crime_type=f.crime_type)
    if f.lsoa:
        rows = rows.filter(Q(lsoa_code__iexact=f.lsoa) | Q(lsoa_name__icontains=f.lsoa))
    if f.street:
        rows = rows.filter(street__icontains=f.street)
    if f.falls_within:
        rows = rows.filter(falls_within=f.falls_within)
    return rows


def crimes(user, f: CrimeFilter) -> QuerySet[OpenCrime]:
    _require(user)
    return _filtered(f)


def counts_by_type(user, f: CrimeFilter) -> list[dict]:
    """[{crime_type, crimes}], most first."""
    _require(user)
    rows = _filtered(f).values("crime_type").annotate(crimes=Count("id"))
    return list(rows.order_by("-crimes", "crime_type"))


def counts_by_lsoa(user, f: CrimeFilter) -> list[dict]:
    """[{lsoa_code, lsoa_name, crimes}], most first; crimes with no location have an empty code."""
    _require(user)
    rows = _filtered(f).values("lsoa_code", "lsoa_name").annotate(crimes=Count("id"))
    return list(rows.order_by("-crimes", "lsoa_code", "lsoa_name"))


def counts_by_street(user, f: CrimeFilter) -> list[dict]:
    """[{street, crimes, lsoas}], most first. One name can be several streets (every town has a
    High Street): ``lsoas`` says in how many LSOAs the name was seen."""
    _require(user)
    lsoas = Count("lsoa_code", distinct=True, filter=~Q(lsoa_code=""))
    rows = _filtered(f).values("street").annotate(crimes=Count("id"), lsoas=lsoas)
    return list(rows.order_by("-crimes", "street"))


def map_points(user, f: CrimeFilter, *, limit: int = MAP_POINT_LIMIT) -> MapPoints:
    """Crimes grouped by police.uk's anonymous map point, the busiest ``limit`` of them."""
    _require(user)
    located = _filtered(f).filter(latitude__isnull=False, longitude__isnull=False)
    grouped = located.values("latitude", "longitude", "street").annotate(crimes=Count("id"))
    points = [
        {
            "lat": row["latitude"],
            "lon": row["longitude"],
            "crimes": row["crimes"],
            "label": f"{row['street'] or 'Unnamed place'}: {row['crimes']} crime{'s' * (row['crimes'] != 1)}",
        }
        for row in grouped.order_by("-crimes", "latitude", "longitude")[:limit]
    ]
    mapped = located.count()
    return MapPoints(
        points=points,
        total_points=grouped.count() if len(points) == limit else len(points),
        mapped=mapped,
        unmapped=_filtered(f).count() - mapped,
    )


def choices(user) -> dict:
    """What the filters can offer: crime types and forces held, and the months covered."""
    _require(user)
    span = OpenCrime.objects.aggregate(first=Min("month"), last=Max("month"))
    return {
        "crime_types": list(
            OpenCrime.objects.order_by("crime_type").values_list("crime_type", flat=True).distinct()
        ),
        "forces": list(
            OpenCrime.objects.exclude(falls_within="")
            .order_by("falls_within")
            .values_list("falls_within", flat=True)
            .distinct()
        ),
        "first_month": span["first"],
        "last_month": span["last"],
    }


def imports(user) -> QuerySet[CrimeImport]:
    _require(user)
    return CrimeImport.objects.select_related("started_by")


def import_get(user, pk) -> CrimeImport:
    _require(user)
    return get_object_or_404(CrimeImport, pk=pk)


def quarantined_rows(user, run: CrimeImport) -> QuerySet[QuarantinedCrimeRow]:
    _require(user)
    return run.quarantine.order_by("file_name", "line_number")


def crime_points(
    *, month_from: date | None, month_to: date | None
) -> list[tuple[float, float, str, str, str]]:
    """(longitude, latitude, crime type, LSOA code, street) of every crime with a location.

    No user and no capability check: this is for the problem profile, which checks its own access
    before calling it and filters the points by its area. Months are inclusive (any day of the
    month will do); None leaves that end open. Crimes published with no location are left out.
    """
    rows = _filtered(CrimeFilter(month_from=month_from, month_to=month_to)).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    return [
        (lon, lat, crime_type, lsoa, street)
        for lon, lat, crime_type, lsoa, street in rows.order_by()
        .values_list("longitude", "latitude", "crime_type", "lsoa_code", "street")
        .iterator(chunk_size=10_000)
    ]
