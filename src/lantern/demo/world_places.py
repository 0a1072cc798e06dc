"""Real places for the demo world: Peterborough postcode centroids, the exclusion zone, cameras."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from lantern.demo.records import CameraRecord
from lantern.demo.world_vocab import STREETS_CITY, STREETS_ZONE
from lantern.engine.gazetteer import read_postcode_centroids

POSTCODES_ENV = "LANTERN_POSTCODES_FILE"
POSTCODES_FILE = "PE_postcodes_nspl_2025-05.csv"
# Peterborough itself: the city districts (PE5 and PE6 are villages, PE8+ other towns).
CITY_DISTRICTS = ("PE1", "PE2", "PE3", "PE4", "PE7")

ZONE_NAME = "Burghley Road / Park Road / Lincoln Road (PE1)"
# Lon/lat ring over the red-light district north of the city centre. Checked against the May 2025
# centroids: it holds about 260 real postcodes, almost all in sectors PE1 2 and PE1 3 (a few PE1 1
# and PE1 4 at its southern and eastern edges).
ZONE_RING: tuple[tuple[float, float], ...] = (
    (-0.2520, 52.5780),
    (-0.2380, 52.5780),
    (-0.2380, 52.5880),
    (-0.2410, 52.5920),
    (-0.2500, 52.5920),
    (-0.2520, 52.5890),
    (-0.2520, 52.5780),
)


def default_gazetteer_path() -> Path:
    """$LANTERN_POSTCODES_FILE, else the PE extract shipped with Lantern (``demo/data``, gzipped)."""
    if os.environ.get(POSTCODES_ENV):
        return Path(os.environ[POSTCODES_ENV])
    shipped = Path(__file__).resolve().parent / "data" / f"{POSTCODES_FILE}.gz"
    if shipped.exists():
        return shipped
    raise FileNotFoundError(f"cannot find {shipped}; set {POSTCODES_ENV} to a postcode centroid file")


def load_default_gazetteer() -> pa.Table:
    return read_postcode_centroids(default_gazetteer_path()).table


def zone_geojson() -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in ZONE_RING]]}


def zone_polygon() -> shapely.Polygon:
    polygon = shapely.Polygon(ZONE_RING)
    shapely.prepare(polygon)
    return polygon


@dataclass(frozen=True)
class Place:
    postcode: str
    latitude: float
    longitude: float


class Places:
    """Peterborough postcodes split into inside and outside the exclusion zone."""

    def __init__(self, gazetteer: pa.Table):
        district = pc.utf8_slice_codeunits(gazetteer["postcode"], 0, 4)
        mask = pc.is_in(pc.utf8_trim_whitespace(district), pa.array(CITY_DISTRICTS))
        city = gazetteer.filter(mask)
        if city.num_rows == 0:
            raise ValueError("the gazetteer holds no Peterborough postcodes (PE1-PE4, PE7)")
        self.postcodes = np.array(city["postcode"].to_pylist(), dtype=object)
        self.latitude = city["latitude"].to_numpy()
        self.longitude = city["longitude"].to_numpy()
        self.in_zone = shapely.contains_xy(zone_polygon(), self.longitude, self.latitude)
        self.zone_idx = np.flatnonzero(self.in_zone)
        self.outside_idx = np.flatnonzero(~self.in_zone)
        self._pools: dict[tuple[str, str], np.ndarray] = {}

    def place(self, i: int) -> Place:
        return Place(str(self.postcodes[i]), float(self.latitude[i]), float(self.longitude[i]))

    def pick(self, rng: random.Random, where: str = "city", prefix: str = "") -> Place:
        """A random postcode: ``where`` is "city", "zone" or "outside"; ``prefix`` e.g. "PE1 2"."""
        pool = self._pool(where, prefix)
        return self.place(int(pool[rng.randrange(len(pool))]))

    def _pool(self, where: str, prefix: str) -> np.ndarray:
        key = (where, prefix)
        if key not in self._pools:
            base = {
                "city": np.arange(len(self.postcodes)),
                "zone": self.zone_idx,
                "outside": self.outside_idx,
            }
            pool = base[where]
            if prefix:
                pool = pool[[str(p).startswith(prefix) for p in self.postcodes[pool]]]
            if len(pool) == 0:
                raise ValueError(f"no postcodes for {where} {prefix!r}")
            self._pools[key] = pool
        return self._pools[key]


def make_cameras(rng: random.Random, places: Places, count: int) -> list[CameraRecord]:
    """Cameras at distinct real postcode centroids: about one in eight inside the zone."""
    n_zone = min(max(3, count // 8), len(places.zone_idx))
    zone = rng.sample(list(places.zone_idx), n_zone)
    rest = rng.sample(list(places.outside_idx), min(count - n_zone, len(places.outside_idx)))
    chosen = [int(x) for x in [*zone, *rest]]
    rng.shuffle(chosen)  # so the camera numbering says nothing about the zone
    cameras = []
    for n, i in enumerate(chosen):
        p = places.place(i)
        streets = STREETS_ZONE if places.in_zone[i] else STREETS_CITY
        cameras.append(
            CameraRecord(
                camera_id=f"PB-ANPR-{n + 1:04d}",
                latitude=p.latitude,
                longitude=p.longitude,
                description=f"Fixed ANPR, {rng.choice(streets)} near {p.postcode}",
            )
        )
    return cameras
