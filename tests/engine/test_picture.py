"""The area picture engine on hand-made inputs: counts, trends, UK hours, areas, escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lantern.engine import svg
from lantern.engine.areas import everywhere, polygon_area
from lantern.engine.picture import Period, PictureInputs, area_picture
from lantern.engine.risk import default_config

SQUARE = [[-0.26, 52.56], [-0.22, 52.56], [-0.22, 52.59], [-0.26, 52.59], [-0.26, 52.56]]
VOCAB = [
    {"code": "verbal", "name": "Verbal abuse", "category": "behaviour", "severity": 2.0, "harm_days": None},
    {"code": "rape", "name": "Rape", "category": "offence", "severity": None, "harm_days": 2920.0},
]


def _event(n: int, kind: str, at: datetime, lon: float | None = -0.24, lat: float | None = 52.57, pc=""):
    return {"event_id": f"e{n}", "kind": kind, "occurred_at": at, "longitude": lon, "latitude": lat,
            "postcode": pc, "location_id": None}  # fmt: skip


def _inputs(events, behaviours=(), alerts=(), crimes=()):
    return PictureInputs.from_rows(
        events=events,
        event_behaviours=list(behaviours),
        vocabulary=VOCAB,
        alerts=list(alerts),
        crimes=list(crimes),
    )


def test_totals_trends_and_the_period_before():
    period = Period.of_days(date(2026, 3, 1), date(2026, 3, 31))  # 31 days: weekly buckets
    events = [
        _event(1, "report", datetime(2026, 3, 2, 12, tzinfo=UTC)),
        _event(2, "incident", datetime(2026, 3, 20, 12, tzinfo=UTC)),
        _event(3, "incident", datetime(2026, 2, 10, 12, tzinfo=UTC)),  # the period before
        _event(4, "report", datetime(2026, 4, 1, 0, 30, tzinfo=UTC)),  # 01:30 BST on 1 April: after
    ]
    picture = area_picture(
        _inputs(events, [{"event_id": "e2", "code": "rape"}, {"event_id": "e3", "code": "verbal"}]),
        everywhere(),
        period,
        default_config(),
    )
    assert picture["totals"]["reports"] == 1 and picture["totals"]["incidents"] == 1
    assert picture["totals"]["harm"] == 2920.0
    assert picture["previous"]["incidents"] == 1 and picture["previous"]["harm"] > 0
    assert picture["series"]["bucket"] == "week" and sum(picture["series"]["incidents"]) == 1
    assert picture["series"]["starts"][0] == "2026-02-23"  # the Monday of the week holding 1 March
    assert sorted(picture["event_ids"]) == ["e1", "e2"]


def test_the_hour_matrix_is_in_uk_time_across_the_clock_change():
    period = Period.of_days(date(2026, 3, 28), date(2026, 3, 30))  # clocks go forward on 29 March
    events = [
        _event(1, "report", datetime(2026, 3, 28, 23, 30, tzinfo=UTC)),  # Sat 23:30 GMT
        _event(2, "report", datetime(2026, 3, 29, 22, 30, tzinfo=UTC)),  # Sun 23:30 BST
    ]
    matrix = area_picture(_inputs(events), everywhere(), period, default_config())["matrix"]
    assert matrix["counts"][5][23] == 1 and matrix["counts"][6][23] == 1


def test_an_area_keeps_its_own_points_and_names_the_unplaced():
    area = polygon_area("beat", {"type": "Polygon", "coordinates": [SQUARE]})
    period = Period.of_days(date(2026, 1, 1), date(2026, 12, 31))
    at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    events = [
        _event(1, "report", at),
        _event(2, "report", at, lon=-0.10, lat=52.60),
        _event(3, "report", at, lon=None, lat=None),
    ]
    crimes = [
        {"month": date(2026, 6, 1), "longitude": -0.24, "latitude": 52.57, "crime_type": "Burglary",
         "lsoa_code": "E01", "lsoa_name": "Peterborough 001A", "street": "Lincoln Road"},
        {"month": date(2026, 6, 1), "longitude": -0.10, "latitude": 52.60, "crime_type": "Drugs",
         "lsoa_code": "E02", "lsoa_name": "Elsewhere", "street": "Far Road"},
    ]  # fmt: skip
    picture = area_picture(_inputs(events, crimes=crimes), area, period, default_config())
    assert picture["totals"]["reports"] == 1 and picture["event_ids"] == ["e1"]
    assert picture["unlocated"] == {"reports": 1, "incidents": 0}
    assert picture["context"]["total"] == 1 and picture["context"]["by_type"] == [("Burglary", 1)]
    assert picture["cells"] and picture["cells"][0]["events"] == 1


def test_every_text_in_a_chart_or_map_is_escaped():
    hostile = '<script>alert(1)</script>" onload="x'
    drawn = [
        svg.line_chart([hostile], {hostile: [1.0]}, title=hostile, desc=hostile),
        svg.bar_chart([(hostile, 3)], title=hostile),
        svg.heat_matrix([hostile], [hostile], [[1.0]], title=hostile),
        svg.area_map(
            bounds=(-0.3, 52.5, -0.2, 52.6),
            title=hostile,
            attribution=hostile,
            points=[{"lat": 52.55, "lon": -0.25, "label": hostile, "number": hostile}],
        ),
    ]
    for text in drawn:
        assert "<script>" not in text and '" onload="' not in text
        assert "&lt;script&gt;" in text
