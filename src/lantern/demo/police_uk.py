"""A year of data.police.uk street-level crime for Peterborough, as the download archive holds it.

Synthetic but shaped like the real files: real postcode centroids stand for police.uk's anonymous
map points ("On or near <street>", or a kind of place such as "Supermarket"), street names are
given to neighbouring points so a street is a line of points, not a scatter, crime types and
outcomes follow the national mix (recent months still "Under investigation"), anti-social
behaviour has no Crime ID, about 2% of rows have no location, and British Transport Police rows
come in their own file. The LSOAs are invented (codes E0199xxxx, which ONS does not use) from a
grid over the city. A few malformed rows (a month a spreadsheet rewrote, swapped coordinates, a
cut-short line, ...) show the quarantine. No Django; the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import shapely

from lantern.demo.world_places import Places, load_default_gazetteer, zone_polygon
from lantern.demo.world_vocab import STREETS_CITY, STREETS_ZONE

HEADER = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)  # fmt: skip
OUTCOMES_HEADER = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Outcome type",
)  # fmt: skip
FORCE = "Cambridgeshire Constabulary"
BTP = "British Transport Police"
ASB = "Anti-social behaviour"
# (crime type, share of rows in England and Wales, roughly; the zone's extra weight)
CRIME_TYPES: tuple[tuple[str, float, float], ...] = (
    ("Violence and sexual offences", 0.33, 1.4),
    (ASB, 0.17, 1.3),
    ("Public order", 0.09, 1.4),
    ("Shoplifting", 0.08, 0.6),
    ("Criminal damage and arson", 0.08, 1.0),
    ("Other theft", 0.06, 1.0),
    ("Vehicle crime", 0.05, 1.2),
    ("Burglary", 0.04, 1.0),
    ("Drugs", 0.03, 2.5),
    ("Other crime", 0.02, 1.0),
    ("Theft from the person", 0.015, 1.2),
    ("Robbery", 0.01, 1.5),
    ("Bicycle theft", 0.01, 0.8),
    ("Possession of weapons", 0.01, 1.8),
)
OUTCOMES_OPEN = ("Under investigation", "Awaiting court outcome")
OUTCOMES_CLOSED: tuple[tuple[str, int], ...] = (
    ("Investigation complete; no suspect identified", 40),
    ("Unable to prosecute suspect", 28),
    ("Status update unavailable", 6),
    ("Local resolution", 5),
    ("Further investigation is not in the public interest", 3),
    ("Offender given a caution", 3),
    ("Action to be taken by another organisation", 3),
    ("Court result unavailable", 4),
    ("Offender sent to prison", 2),
    ("Offender given community sentence", 2),
    ("Offender fined", 2),
    ("Offender given suspended prison sentence", 1),
    ("Defendant found not guilty", 1),
)
PLACE_KINDS = (
    "Supermarket", "Parking Area", "Petrol Station", "Shopping Area", "Nightclub", "Hospital",
    "Sports/Recreation Area", "Further/Higher Educational Building", "Park/Open Space",
    "Bus/Coach Station", "Pedestrian Subway", "Theatre/Concert Hall",
)  # fmt: skip
STREET_WORDS = (
    "Ash", "Beech", "Cedar", "Elm", "Hazel", "Holly", "Larch", "Maple", "Oak", "Rowan", "Willow",
    "Mill", "Manor", "School", "Chapel", "Bridge", "Grange", "Orchard", "Meadow", "Spring", "Abbey",
    "Kings", "Queens", "Windmill", "Brook",
)  # fmt: skip
STREET_KINDS = ("Close", "Lane", "Road", "Way", "Drive", "Avenue", "Gardens", "Court", "Crescent", "Walk")
STATION = (-0.2505, 52.5747, "On or near Bourges Boulevard")  # the railway station's map point
LSOA_GRID = (0.016, 0.010)  # degrees of longitude and latitude per invented LSOA (about 1.1 km)


@dataclass(frozen=True)
class MapPoint:
    longitude: float
    latitude: float
    location: str
    lsoa_code: str
    lsoa_name: str
    weight: float
    in_zone: bool


@dataclass
class ArchiveSummary:
    path: Path
    rows: int
    malformed: int
    months: int


def months_ending(anchor: date, count: int) -> list[date]:
    months, year, month = [], anchor.year, anchor.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def map_points(rng: random.Random, places: Places, count: int = 700) -> tuple[list[MapPoint], MapPoint]:
    """Anonymous map points on real postcode centroids, named after the nearest street 'anchor';
    and the railway station's point (British Transport Police rows)."""
    chosen = rng.sample(range(len(places.postcodes)), min(count, len(places.postcodes)))
    lon, lat = places.longitude[chosen], places.latitude[chosen]
    streets = _street_anchors(rng, places)
    names = np.array([name for name, _, _ in streets], dtype=object)
    anchors = np.array([(x, y) for _, x, y in streets])
    dx, dy = lon[:, None] - anchors[None, :, 0], lat[:, None] - anchors[None, :, 1]
    nearest = (dx**2 + dy**2).argmin(axis=1)
    in_zone = shapely.contains_xy(zone_polygon(), lon, lat)
    points, lsoas = [], _Lsoas(float(lon.min()), float(lat.min()))
    for i, (x, y) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True)):
        name = rng.choice(PLACE_KINDS) if rng.random() < 0.12 else str(names[nearest[i]])
        code, lsoa_name = lsoas.of(x, y)
        # A few points carry much of the crime (the centre, the red-light streets): Pareto weights.
        weight = rng.paretovariate(1.6) * (3.0 if in_zone[i] else 1.0)
        location = f"On or near {name}"
        points.append(MapPoint(round(x, 6), round(y, 6), location, code, lsoa_name, weight, bool(in_zone[i])))
    lon, lat, location = STATION
    return points, MapPoint(lon, lat, location, *lsoas.of(lon, lat), weight=1.0, in_zone=False)


def _street_anchors(rng: random.Random, places: Places) -> list[tuple[str, float, float]]:
    """Where each street is: the demo's named streets, and enough invented ones (Elm Close, Mill
    Lane, ...) that a street covers a few hundred metres, as a real one does, not half the city."""
    anchors = []
    invented = [f"{first} {kind}" for first in STREET_WORDS for kind in STREET_KINDS]
    for names, where in ((STREETS_ZONE, "zone"), (STREETS_CITY, "city"), (rng.sample(invented, 160), "city")):
        for name in names:
            place = places.pick(rng, where)
            anchors.append((name, place.longitude, place.latitude))
    return anchors


class _Lsoas:
    """Invented LSOAs: one per grid square that holds a map point, numbered in the order found."""

    def __init__(self, west: float, south: float):
        self.west, self.south, self.codes = west, south, {}

    def of(self, lon: float, lat: float) -> tuple[str, str]:
        square = (int((lon - self.west) / LSOA_GRID[0]), int((lat - self.south) / LSOA_GRID[1]))
        n = self.codes.setdefault(square, len(self.codes))
        return f"E0199{n:04d}", f"Peterborough {n // 3 + 1:03d}{'ABC'[n % 3]}"


def build_months(seed: int = 1, *, anchor: date, months: int = 12, per_month: int = 300) -> dict:
    """{month: (force rows, BTP rows, outcome rows)}; rows are lists of cells as written."""
    rng = random.Random(f"police-uk-{seed}")
    points, station = map_points(rng, Places(load_default_gazetteer()))
    weights = [p.weight for p in points]
    out = {}
    for age, month in enumerate(reversed(months_ending(anchor, months))):
        force = [_row(rng, rng.choices(points, weights)[0], month, age) for _ in range(per_month)]
        btp = [_btp_row(rng, station, month, age) for _ in range(rng.randint(3, 9))]
        outcomes = [_outcome_row(row) for row in force if row[0] and row[10] not in OUTCOMES_OPEN][:20]
        out[month] = (force, btp, outcomes)
    _spoil(rng, out)
    return dict(sorted(out.items()))


MALFORMED = 6  # rows _spoil makes unreadable, one of each kind


def _crime_type(rng: random.Random, in_zone: bool) -> str:
    weights = [share * (zone if in_zone else 1.0) for _, share, zone in CRIME_TYPES]
    return rng.choices([name for name, _, _ in CRIME_TYPES], weights)[0]


def _outcome(rng: random.Random, crime_type: str, age: int) -> str:
    if crime_type == ASB:
        return ""
    if rng.random() < max(0.05, 0.7 - 0.12 * age):  # recent crimes are still open
        return rng.choice(OUTCOMES_OPEN) if rng.random() < 0.2 else OUTCOMES_OPEN[0]
    names, weights = zip(*OUTCOMES_CLOSED, strict=True)
    return rng.choices(names, weights)[0]


def _crime_id(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(16)).hexdigest()


def _row(rng: random.Random, point: MapPoint, month: date, age: int) -> list[str]:
    crime_type = _crime_type(rng, point.in_zone)
    crime_id = "" if crime_type == ASB else _crime_id(rng)
    outcome = _outcome(rng, crime_type, age)
    if rng.random() < 0.02:  # published with no location
        return [
            crime_id,
            f"{month:%Y-%m}",
            FORCE,
            FORCE,
            "",
            "",
            "No Location",
            "",
            "",
            crime_type,
            outcome,
            "",
        ]
    return [
        crime_id, f"{month:%Y-%m}", FORCE, FORCE, f"{point.longitude:.6f}", f"{point.latitude:.6f}",
        point.location, point.lsoa_code, point.lsoa_name, crime_type, outcome, "",
    ]  # fmt: skip


def _btp_row(rng: random.Random, station: MapPoint, month: date, age: int) -> list[str]:
    crime_type = rng.choice(("Violence and sexual offences", "Public order", "Other theft", ASB))
    row = _row(rng, station, month, age)
    return [row[0] if crime_type != ASB else "", row[1], BTP, FORCE, *row[4:9], crime_type,
            _outcome(rng, crime_type, age), ""]  # fmt: skip


def _outcome_row(row: list[str]) -> list[str]:
    return [*row[:9], row[10]]


def _spoil(rng: random.Random, months: dict) -> int:
    """A few rows as real files sometimes arrive: each is quarantined with its reason."""
    spoilers = (
        lambda r: r.__setitem__(1, date.fromisoformat(r[1] + "-01").strftime("%b-%y")),  # Excel's month
        lambda r: r.__setitem__(slice(4, 6), [r[5], r[4]]),  # coordinates swapped
        lambda r: r.__setitem__(slice(4, 6), ["0", "0"]),  # a placeholder position
        lambda r: r.__setitem__(5, ""),  # latitude lost
        lambda r: r.__setitem__(9, ""),  # no crime type
        lambda r: r.__delitem__(slice(7, None)),  # the line cut short
    )
    located = [row for month in sorted(months) for row in months[month][0] if row[4]]
    for spoil, row in zip(spoilers, rng.sample(located, len(spoilers)), strict=True):
        spoil(row)
    return len(spoilers)


def write_archive(
    path: Path, *, seed: int = 1, anchor: date, months: int = 12, per_month: int = 300
) -> ArchiveSummary:
    """The zip as data.police.uk serves it: YYYY-MM/YYYY-MM-<force>-street.csv and the rest."""
    data = build_months(seed, anchor=anchor, months=months, per_month=per_month)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for month, (force, btp, outcomes) in data.items():
            stem = f"{month:%Y-%m}/{month:%Y-%m}"
            _member(archive, f"{stem}-cambridgeshire-street.csv", HEADER, force)
            _member(archive, f"{stem}-btp-street.csv", HEADER, btp)
            _member(archive, f"{stem}-cambridgeshire-outcomes.csv", OUTCOMES_HEADER, outcomes)
            rows += len(force) + len(btp)
    tmp.replace(path)
    return ArchiveSummary(path, rows, MALFORMED, len(data))


def _member(archive: zipfile.ZipFile, name: str, header: tuple[str, ...], rows: list[list[str]]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # A fixed date, so the same seed gives the same archive (and the same sha256 on its import run).
    info = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text.getvalue())
