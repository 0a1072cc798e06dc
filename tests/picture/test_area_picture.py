"""The area picture counts what a user may see, in the area and period asked for."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.engine.picture import Period, area_picture
from lantern.picture.areas import resolve_area
from lantern.picture.snapshot import picture_inputs
from lantern.risk.services import active_model

YEAR = Period.of_days(date(2025, 11, 1), date(2026, 10, 31))


@pytest.fixture
def analyst(users):
    return users["analyst"]


def _picture(user, area="all", period=YEAR):
    config, _ = active_model()
    return area_picture(picture_inputs(user, period), resolve_area(area), period, config)


def test_the_whole_area_counts_every_visible_report_and_incident(demo_world, analyst):
    from lantern.intel.selectors import visible_events

    whole = _picture(analyst)
    in_period = visible_events(analyst).filter(occurred_from__gte=YEAR.start, occurred_from__lt=YEAR.end)
    assert whole["totals"]["reports"] == in_period.filter(kind="report").count()
    assert whole["totals"]["incidents"] == in_period.filter(kind="incident").count()
    assert whole["totals"]["harm"] > 0
    assert sum(whole["series"]["reports"]) == whole["totals"]["reports"]
    assert len(whole["series"]["starts"]) == 12 and whole["series"]["bucket"] == "month"
    assert (
        sum(map(sum, whole["matrix"]["counts"])) == whole["totals"]["reports"] + whole["totals"]["incidents"]
    )


def test_a_district_counts_only_its_own_events(demo_world, analyst):
    from lantern.intel.selectors import visible_events

    pe1 = _picture(analyst, "PE1")
    in_pe1 = visible_events(analyst).filter(
        occurred_from__gte=YEAR.start, occurred_from__lt=YEAR.end, location__postcode__startswith="PE1 "
    )
    assert pe1["totals"]["reports"] == in_pe1.filter(kind="report").count() > 0
    assert pe1["totals"]["reports"] < _picture(analyst)["totals"]["reports"]


def test_an_unknown_district_says_what_to_do(demo_world):
    from lantern.engine.areas import AreaError

    with pytest.raises(AreaError, match="not a postcode district"):
        resolve_area("ZZ9")
