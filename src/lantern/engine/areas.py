"""Areas an analyst asks about: a postcode district, a polygon drawn on the map, or an uploaded
boundary file; and the postcode district boundaries drawn from the gazetteer.

No Django here. An area is a shapely geometry in longitude/latitude (WGS84) with a name; the only
question asked of it is "which of these points are inside", answered for a whole array at once
(shapely's ``contains_xy`` on a prepared geometry; never a Point object per row).

Postcode districts have no open boundary file, so their outline is built from the gazetteer:
each postcode centroid owns the land nearer to it than to any other centroid (a Voronoi cell),
and a district is the union of its postcodes' cells, clipped to a margin around the postcode
area. The outline is an approximation (unpopulated land goes to the nearest postcode) and is said
so wherever it is drawn; a point's district, when the point has a postcode, comes from the
postcode itself, never from the outline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from lantern.engine.normalise import InvalidPostcode, postcode_district

# A boundary upload this large is not a neighbourhood: refuse it with a reason rather than stall.
MAX_BOUNDARY_BYTES = 5_000_000
MAX_BOUNDARY_POINTS = 200_000
# Positions are kept to about 1 m; outlines are simplified to about 20 m for drawing.
DRAW_TOLERANCE_DEGREES = 0.0002
UK_LON, UK_LAT = (-9.0, 2.5), (49.0, 61.5)
# A district outline reaches this far (degrees of latitude, about 1 km) beyond its outer postcodes.
DISTRICT_MARGIN_DEGREES = 0.01


class AreaError(ValueError):
    """The area cannot be used; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Area:
    """Where a picture is drawn. ``geometry`` None means everywhere (the whole force area)."""

    name: str
    kind: str = "all"  # all | district | polygon | boundary
    geometry: Polygon | MultiPolygon | None = None
    district: str = ""  # for kind "district": the outward code, e.g. "PE1"
    note: str = ""  # how the outline was made, shown with the map
    _prepared: bool = field(default=False, repr=False, compare=False)

    def contains(
        self, lon: np.ndarray, lat: np.ndarray, postcodes: Iterable[str] | None = None
    ) -> np.ndarray:
        """Which points fall in the area. Points without coordinates are outside, unless the area
        is a postcode district and the point's postcode is in it (its postcode is the better fact)."""
        lon = np.asarray(lon, dtype="float64")
        lat = np.asarray(lat, dtype="float64")
        located = ~(np.isnan(lon) | np.isnan(lat))
        if self.geometry is None:
            return np.ones(len(lon), dtype=bool)
        if not self._prepared:
            shapely.prepare(self.geometry)
            object.__setattr__(self, "_prepared", True)
        inside = np.zeros(len(lon), dtype=bool)
        inside[located] = shapely.contains_xy(self.geometry, lon[located], lat[located])
        if self.kind == "district" and postcodes is not None:
            by_code = np.array([_district_of(pc) for pc in postcodes], dtype=object)
            known = by_code != ""
            inside[known] = by_code[known] == self.district
        return inside

    def geojson(self) -> dict | None:
        if self.geometry is None:
            return None
        return json.loads(shapely.to_geojson(shapely.simplify(self.geometry, DRAW_TOLERANCE_DEGREES)))

    def bounds(self) -> tuple[float, float, float, float] | None:
        return None if self.geometry is None else tuple(self.geometry.bounds)


def everywhere(name: str = "Whole force area") -> Area:
    return Area(name=name)


def district_area(code: str, outlines: dict[str, Polygon | MultiPolygon]) -> Area:
    """The area of one postcode district, e.g. "PE1"; the outline comes from ``district_outlines``."""
    wanted = _clean_district(code)
    if wanted not in outlines:
        known = ", ".join(sorted(outlines, key=district_sort_key)[:12])
        raise AreaError(
            f"{code!r} is not a postcode district in the gazetteer"
            + (f" (it holds {known}{', ...' if len(outlines) > 12 else ''})." if known else ".")
            + " Import the ONS postcode lookup for the area with `lantern import postcodes FILE`."
        )
    return Area(
        name=f"Postcode district {wanted}",
        kind="district",
        geometry=outlines[wanted],
        district=wanted,
        note="District outline drawn from postcode centroids (each postcode owns the land nearest it).",
    )


def polygon_area(name: str, geojson: object, *, kind: str = "polygon") -> Area:
    """An area from GeoJSON: a drawn polygon, or an uploaded boundary file's text or object."""
    geometry = parse_boundary(geojson)
    return Area(name=name.strip() or "Drawn area", kind=kind, geometry=geometry)


def parse_boundary(data: object) -> Polygon | MultiPolygon:
    """A boundary from GeoJSON text, bytes or an already-parsed object.

    Accepts a Geometry, a Feature or a FeatureCollection of Polygons and MultiPolygons (several
    features are joined, e.g. the LSOAs of a beat). Coordinates in British National Grid
    (eastings and northings, as ONS and OS files often are; named by a legacy ``crs`` member or
    recognised by their size) are converted to longitude/latitude. A slightly broken outline
    (a self-touching ring, as exports often have) is repaired rather than refused.
    """
    obj = _load_json(data)
    polygons = [_polygon_from(g) for g in _geometries(obj)]
    if not polygons:
        raise AreaError(
            "the file holds no Polygon or MultiPolygon: an area needs an outline, not points or lines."
        )
    points = sum(shapely.get_num_coordinates(p) for p in polygons)
    if points > MAX_BOUNDARY_POINTS:
        raise AreaError(
            f"the boundary has {points:,} points, more than {MAX_BOUNDARY_POINTS:,}; simplify it "
            "(e.g. mapshaper -simplify 10%) and upload it again."
        )
    geometry = shapely.union_all(polygons)
    if _looks_like_grid(geometry, obj):
        geometry = _grid_to_wgs84(geometry)
    geometry = shapely.make_valid(geometry)
    geometry = shapely.union_all([g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"])
    if geometry.is_empty or geometry.area == 0:
        raise AreaError("the boundary encloses no area; check that its rings are closed outlines.")
    _check_in_uk(geometry)
    return geometry


def district_outlines(
    postcodes: Iterable[str], lats: Iterable[float], lons: Iterable[float]
) -> dict[str, Polygon | MultiPolygon]:
    """Outlines of every postcode district in the gazetteer (see the module docstring)."""
    table = _centroids(postcodes, lats, lons)
    out: dict[str, Polygon | MultiPolygon] = {}
    for area in sorted({_postcode_area(d) for d in table}):
        members = {d: xy for d, xy in table.items() if _postcode_area(d) == area}
        out.update(_outlines_of_one_area(members))
    return out


def _outlines_of_one_area(members: dict[str, np.ndarray]) -> dict[str, Polygon | MultiPolygon]:
    codes = np.concatenate([np.full(len(xy), d, dtype=object) for d, xy in members.items()])
    xy = np.concatenate(list(members.values()))
    # Voronoi cells in a plane where a degree of longitude is as long as one of latitude here.
    squash = np.cos(np.radians(float(np.mean(xy[:, 1]))))
    plane = np.round(np.c_[xy[:, 0] * squash, xy[:, 1]], 6)
    unique, first = np.unique(plane, axis=0, return_index=True)  # postcodes can share a centroid
    owners = codes[first]
    if len(unique) < 3:
        return {d: _small_outline(members[d], squash) for d in members}
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(unique), ordered=True))
    hull = shapely.convex_hull(shapely.multipoints(unique)).buffer(DISTRICT_MARGIN_DEGREES)
    out = {}
    for code in members:
        outline = shapely.intersection(shapely.union_all(cells[owners == code]), hull)
        out[code] = shapely.simplify(_unsquash(_without_slivers(outline), squash), DRAW_TOLERANCE_DEGREES)
    return out


def _without_slivers(outline):
    """Drop the specks a lone postcode among another district's leaves (under 1% of the largest
    part): they clutter the map, and a point with a postcode is placed by the postcode anyway."""
    parts = shapely.get_parts(outline)
    if len(parts) < 2:
        return outline
    areas = shapely.area(parts)
    return shapely.union_all(parts[areas >= 0.01 * areas.max()])


def _unsquash(geometry, squash: float):
    return shapely.transform(geometry, lambda xy: np.c_[xy[:, 0] / squash, xy[:, 1]])


def _small_outline(xy: np.ndarray, squash: float) -> Polygon | MultiPolygon:
    plane = shapely.multipoints(np.c_[xy[:, 0] * squash, xy[:, 1]])
    return _unsquash(plane.buffer(DISTRICT_MARGIN_DEGREES), squash)


def _centroids(postcodes, lats, lons) -> dict[str, np.ndarray]:
    grouped: dict[str, list[tuple[float, float]]] = {}
    for pc, lat, lon in zip(postcodes, lats, lons, strict=True):
        district = _district_of(pc)
        if district and lat is not None and lon is not None and np.isfinite([lat, lon]).all():
            grouped.setdefault(district, []).append((float(lon), float(lat)))
    return {d: np.array(xy, dtype="float64") for d, xy in grouped.items()}


def _district_of(pc: str | None) -> str:
    if not pc:
        return ""
    try:
        return postcode_district(pc)
    except InvalidPostcode:
        return ""


def _clean_district(code: str) -> str:
    return "".join(str(code).split()).upper()


def _postcode_area(district: str) -> str:
    """The leading letters of a district: "PE" for "PE12", "SW" for "SW1A"."""
    letters = ""
    for ch in district:
        if not ch.isalpha():
            break
        letters += ch
    return letters


def district_sort_key(code: str) -> tuple[str, int, str]:
    """PE1, PE2, ... PE10 in that order (not as text sorts them)."""
    letters = _postcode_area(code)
    digits = "".join(ch for ch in code[len(letters) :] if ch.isdigit())
    return letters, int(digits or 0), code


def _load_json(data: object) -> object:
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_BOUNDARY_BYTES:
            raise AreaError(
                f"the file is {len(data) / 1e6:.1f} MB, more than {MAX_BOUNDARY_BYTES / 1e6:.0f} MB; "
                "simplify the boundary and upload it again."
            )
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AreaError("the file is not UTF-8 text; upload a GeoJSON (.geojson) file.") from None
    if isinstance(data, str):
        if len(data) > MAX_BOUNDARY_BYTES:
            raise AreaError("the boundary text is too large; simplify it and try again.")
        try:
            return json.loads(data)
        except (json.JSONDecodeError, RecursionError):
            raise AreaError(
                "the file is not GeoJSON (it does not parse as JSON). Export the boundary as GeoJSON; "
                "for a shapefile, `ogr2ogr -f GeoJSON out.geojson in.shp` converts it."
            ) from None
    return data


def _geometries(obj: object) -> Iterable[dict]:
    if not isinstance(obj, dict):
        raise AreaError(
            "the file is not a GeoJSON object (expected a FeatureCollection, Feature or Polygon)."
        )
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise AreaError("the FeatureCollection has no list of features.")
        for feature in features:
            if isinstance(feature, dict):
                yield from _geometries(feature)
    elif kind == "Feature":
        if isinstance(obj.get("geometry"), dict):
            yield from _geometries(obj["geometry"])
    elif kind == "GeometryCollection":
        for g in obj.get("geometries") or []:
            if isinstance(g, dict):
                yield from _geometries(g)
    elif kind in ("Polygon", "MultiPolygon"):
        yield obj
    elif kind not in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        raise AreaError(
            f"{str(kind)[:40]!r} is not a GeoJSON type; expected a FeatureCollection, Feature or Polygon."
        )


def _polygon_from(geometry: dict) -> Polygon | MultiPolygon:
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise AreaError(
            f"a polygon in the file cannot be read ({str(exc)[:120]}); check its coordinates."
        ) from None
    coords = shapely.get_coordinates(polygon)
    if len(coords) and not np.isfinite(coords).all():
        raise AreaError("a polygon has a coordinate that is not a number.")
    return polygon


def _looks_like_grid(geometry, obj: object) -> bool:
    """British National Grid: a legacy ``crs`` naming EPSG:27700, or metres-sized coordinates."""
    crs = json.dumps(obj.get("crs", "")) if isinstance(obj, dict) else ""
    if "27700" in crs:
        return True
    minx, miny, maxx, maxy = geometry.bounds
    return minx >= 0 and maxx <= 700_000 and miny >= 0 and maxy <= 1_300_000 and maxx > 180


def _grid_to_wgs84(geometry):
    from pyproj import Transformer  # imported here: only boundary files in grid metres need it

    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    return shapely.transform(geometry, lambda xy: np.c_[to_wgs84.transform(xy[:, 0], xy[:, 1])])


def _check_in_uk(geometry) -> None:
    minx, miny, maxx, maxy = geometry.bounds
    if UK_LON[0] <= minx and maxx <= UK_LON[1] and UK_LAT[0] <= miny and maxy <= UK_LAT[1]:
        return
    if UK_LON[0] <= miny and maxy <= UK_LON[1] and UK_LAT[0] <= minx and maxx <= UK_LAT[1]:
        raise AreaError(
            "the positions look like [latitude, longitude]; GeoJSON puts longitude first. "
            "Swap them and upload again."
        )
    raise AreaError(
        f"the boundary is outside the UK (longitude {minx:.3f} to {maxx:.3f}, latitude {miny:.3f} to "
        f"{maxy:.3f}); check the file's coordinate system (WGS84 degrees or British National Grid)."
    )
