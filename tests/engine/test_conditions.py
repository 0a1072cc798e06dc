"""Order conditions as data: every malformed zone, window or vehicle gets an error a person can act on."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.screening.conditions import SpecError, normalise_spec, parse_windows, parse_zone
from lantern.engine.screening.localtime import local_seconds, minute_of_week
from lantern.engine.screening.plates import plate_variants

from .screening_fixtures import SQUARE, utc_us

CLOCKWISE = {"type": "Polygon", "coordinates": [list(reversed(SQUARE["coordinates"][0]))]}


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[-0.25, 52.58], [-0.24, 52.59], [-0.24, 52.58], [-0.25, 52.59], [-0.25, 52.58]]
                ],
            },
            "not a simple shape (Self-intersection",
        ),
        ({"type": "Polygon", "coordinates": [SQUARE["coordinates"][0][:-1]]}, "the ring is not closed"),
        (
            {"type": "Polygon", "coordinates": [[[lat, lon] for lon, lat in SQUARE["coordinates"][0]]]},
            "look like [latitude, longitude]",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]],
            },
            "outside the UK",
        ),
        ({"type": "Point", "coordinates": [-0.25, 52.58]}, "expected a GeoJSON Polygon or MultiPolygon"),
        (
            {"type": "Polygon", "coordinates": [[[-0.25, 52.58], [-0.24, 52.58], [-0.25, 52.58]]]},
            "at least four",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[-0.25, "x"], [-0.24, 52.58], [-0.24, 52.59], [-0.25, "x"]]],
            },
            "is not a [longitude, latitude] position",
        ),
        ("not json", "expected a GeoJSON Polygon"),
    ],
)
def test_bad_zones_are_refused_with_the_reason(geojson, message):
    with pytest.raises(SpecError) as error:
        parse_zone(geojson)
    assert message in str(error.value)


def test_a_clockwise_ring_is_accepted_and_reoriented_as_rfc_7946_asks():
    zone = parse_zone(CLOCKWISE)
    assert zone.exterior.is_ccw
    assert zone.equals(parse_zone(SQUARE))


def test_a_feature_and_a_multipolygon_are_zones_too():
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    assert parse_zone(feature).area == pytest.approx(parse_zone(multi).area)


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ([{"start": "19:00", "end": "07:00"}, {"start": "06:00", "end": "08:00"}], "windows 1 and 2 overlap"),
        ([{"start": "19:00", "end": "19:00"}], "give no windows"),
        ([{"start": "7pm", "end": "07:00"}], "HH:MM on the 24-hour clock"),
        ([{"start": "24:00", "end": "07:00"}], "HH:MM"),
        ([{"start": "19:00", "end": "07:00", "days": ["Fry"]}], "is not a day"),
        ({"start": "19:00"}, "give a list"),
    ],
)
def test_bad_windows_are_refused_with_the_reason(windows, message):
    with pytest.raises(SpecError) as error:
        parse_windows(windows)
    assert message in str(error.value)


def test_windows_that_touch_do_not_overlap():
    assert len(parse_windows([{"start": "19:00", "end": "23:00"}, {"start": "23:00", "end": "07:00"}])) == 2


def test_a_zone_condition_is_stored_in_canonical_form():
    spec = normalise_spec(
        "exclusion_zone",
        {
            "name": " Red-light district ",
            "geojson": CLOCKWISE,
            "windows": [{"start": "7:00", "end": "9:30", "days": [4]}],
        },
    )
    assert spec["name"] == "Red-light district"
    assert spec["windows"] == [{"start": "07:00", "end": "09:30", "days": ["Fri"]}]
    assert spec["timezone"] == "Europe/London"
    assert shapely.geometry.shape(spec["geojson"]).exterior.is_ccw


@pytest.mark.parametrize(
    ("kind", "spec", "message"),
    [
        ("vehicle_notification", {"notify_within_days": 3, "vehicles": [{"vrm": "!!!"}]}, "vehicle 1"),
        ("vehicle_notification", {"notify_within_days": -1, "vehicles": []}, "outside 0 to 365"),
        (
            "vehicle_notification",
            {"notify_within_days": 3, "vehicles": [{"vrm": "AB12CDE", "registered_from": "soon"}]},
            "is not a date",
        ),
        ("no_contact", {"people": []}, "at least one person"),
        ("exclusion_zone", {"geojson": SQUARE}, "give the zone a name"),
        ("sometimes", {}, "is not a condition kind"),
    ],
)
def test_bad_condition_specs_name_the_field(kind, spec, message):
    with pytest.raises(SpecError) as error:
        normalise_spec(kind, spec)
    assert message in str(error.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


KINDS = ["exclusion_zone", "vehicle_notification", "name_address_notification", "no_contact"]
FIELDS = ["name", "geojson", "windows", "vehicles", "notify_within_days", "people", "notified"]


@given(kind=st.sampled_from(KINDS), spec=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))
def test_any_json_either_normalises_or_says_what_is_wrong(kind, spec):
    try:
        normalise_spec(kind, spec)
    except SpecError as exc:
        assert str(exc)


def test_local_minutes_of_the_week_follow_the_clock_changes():
    instants = np.array(
        [
            utc_us("2026-03-29 00:59:59"),
            utc_us("2026-03-29 01:00:00"),
            utc_us("2026-10-25 00:59:59"),
            utc_us("2026-10-25 01:00:00"),
        ]
    )
    minutes = minute_of_week(local_seconds(instants, "Europe/London"))
    sunday = 6 * 1440
    assert minutes.tolist() == [sunday + 59, sunday + 120, sunday + 119, sunday + 60]


def test_plate_variants_cover_each_confusable_character():
    assert plate_variants("AB12CDE")[0] == "AB12CDE"
    expected = {"AB12CDE", "A812CDE", "ABI2CDE", "A8I2CDE", "AB1ZCDE", "A81ZCDE", "ABIZCDE", "A8IZCDE"}
    assert set(plate_variants("AB12CDE")) == expected
    assert plate_variants("XY99XYX") == ["XY99XYX"]


@given(
    orders=st.lists(
        st.dictionaries(
            st.sampled_from(["order_id", "in_force_from", "in_force_to", "zones", "vehicles", "timezone"]),
            json_values,
            max_size=6,
        ),
        max_size=3,
    )
)
def test_compiling_any_rules_either_works_or_names_the_order(orders):
    from lantern.engine.screening.rules import compile_rules

    try:
        compile_rules(orders)
    except SpecError as exc:
        assert str(exc).startswith("order ")
