"""Areas: boundaries as real files come, district outlines from the gazetteer, points inside."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from lantern.demo.world_places import default_gazetteer_path
from lantern.engine.areas import (
    MAX_BOUNDARY_BYTES,
    AreaError,
    district_area,
    district_outlines,
    everywhere,
    parse_boundary,
    polygon_area,
)
from lantern.engine.gazetteer import read_postcode_centroids

SQUARE = [[-0.26, 52.56], [-0.22, 52.56], [-0.22, 52.59], [-0.26, 52.59], [-0.26, 52.56]]


@pytest.fixture(scope="module")
def outlines():
    table = read_postcode_centroids(default_gazetteer_path()).table
    return district_outlines(
        table.column("postcode").to_pylist(),
        table.column("latitude").to_pylist(),
        table.column("longitude").to_pylist(),
    )


def test_every_district_of_the_gazetteer_gets_an_outline_and_they_do_not_overlap(outlines):
    assert {"PE1", "PE2", "PE3", "PE7", "PE9", "PE10"} <= set(outlines)
    pe1, pe2 = outlines["PE1"], outlines["PE2"]
    assert pe1.area > 0 and pe2.area > 0
    assert shapely.intersection(pe1, pe2).area < 1e-6  # neighbours share edges, not land
    # Peterborough city centre (Cathedral Square) is in PE1, Orton in PE2
    assert pe1.contains(shapely.Point(-0.2426, 52.5725)) and pe2.contains(shapely.Point(-0.2836, 52.5480))


def test_a_point_with_a_postcode_is_placed_by_its_postcode_not_the_outline(outlines):
    area = district_area("pe1", outlines)
    lon, lat = np.array([-0.2836, np.nan, np.nan]), np.array([52.5480, np.nan, np.nan])
    assert area.contains(lon, lat, ["PE1 1AA", "PE1 5XX", "not a postcode"]).tolist() == [True, True, False]


def test_an_unknown_district_names_what_the_gazetteer_holds(outlines):
    with pytest.raises(AreaError, match=r"not a postcode district.*PE1"):
        district_area("ZZ1", outlines)


def test_everywhere_holds_every_point():
    assert everywhere().contains(np.array([0.0, np.nan]), np.array([50.0, np.nan])).all()


@pytest.mark.parametrize(
    "data, message",
    [
        ("{", "not GeoJSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        ("[]", "not a GeoJSON object"),
        ('{"type":"Point","coordinates":[-0.24,52.57]}', "no Polygon"),
        ('{"type":"Banana"}', "not a GeoJSON type"),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[y, x] for x, y in SQUARE]]}),
            "latitude, longitude",
        ),
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[2.35, 48.85], [2.4, 48.85], [2.4, 48.9], [2.35, 48.85]]],
                }
            ),
            "outside the UK",
        ),
        (json.dumps({"type": "Polygon", "coordinates": [[["a", "b"], [1, 2]]]}), "cannot be read"),
        (b"x" * (MAX_BOUNDARY_BYTES + 1), "MB"),
    ],
)
def test_bad_boundaries_are_refused_with_a_reason(data, message):
    with pytest.raises(AreaError, match=message):
        parse_boundary(data)


def test_a_feature_collection_of_several_areas_is_joined():
    west = [[-0.30, 52.56], [-0.26, 52.56], [-0.26, 52.59], [-0.30, 52.59], [-0.30, 52.56]]
    features = [
        {"type": "Polygon", "coordinates": [SQUARE]},
        {"type": "Polygon", "coordinates": [west]},
        {"type": "Point", "coordinates": [-0.2, 52.5]},
    ]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "<b>A</b>"}, "geometry": g} for g in features
        ],
    }
    geometry = parse_boundary(json.dumps(fc).encode("utf-8-sig"))
    assert geometry.bounds == pytest.approx((-0.30, 52.56, -0.22, 52.59))


def test_british_national_grid_coordinates_are_converted():
    # a square of about 2 km around Peterborough's centre in eastings and northings (EPSG:27700)
    grid = [[518000, 298000], [520000, 298000], [520000, 300000], [518000, 300000], [518000, 298000]]
    for obj in (
        {"type": "Polygon", "coordinates": [grid]},
        {
            "type": "Polygon",
            "coordinates": [grid],
            "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
        },
    ):
        minx, miny, maxx, maxy = parse_boundary(obj).bounds
        assert -0.28 < minx < maxx < -0.22 and 52.55 < miny < maxy < 52.60


def test_a_self_touching_outline_is_repaired_not_refused():
    bow_tie = [[-0.26, 52.56], [-0.22, 52.59], [-0.22, 52.56], [-0.26, 52.59], [-0.26, 52.56]]
    geometry = parse_boundary({"type": "Polygon", "coordinates": [bow_tie]})
    assert geometry.is_valid and geometry.area > 0


def test_a_drawn_area_keeps_its_name_and_finds_its_points():
    area = polygon_area("  Lincoln Road beat  ", {"type": "Polygon", "coordinates": [SQUARE]})
    assert area.name == "Lincoln Road beat"
    inside = area.contains(np.array([-0.24, -0.20]), np.array([52.57, 52.57]))
    assert inside.tolist() == [True, False]


@given(
    st.lists(
        st.tuples(st.floats(-0.4, -0.1, allow_nan=False), st.floats(52.5, 52.7, allow_nan=False)),
        min_size=1,
        max_size=200,
    )
)
def test_contains_agrees_with_shapely_point_by_point(points):
    area = polygon_area("square", {"type": "Polygon", "coordinates": [SQUARE]})
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    expected = [area.geometry.contains(shapely.Point(x, y)) for x, y in points]
    assert area.contains(lon, lat).tolist() == expected
