"""The dashboard: the picture of an area and period (totals against the previous period, trends,
day by hour), the queues each role works from, and the filters' checks."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lantern.engine.picture import Period, area_picture
from lantern.governance.roles import ROLE_CAPABILITIES, Capability, Role
from lantern.picture.areas import area_save, resolve_area
from lantern.picture.snapshot import picture_inputs
from lantern.risk.services import active_model
from tests.conftest import sign_in

YEAR = {"date_from": "2025-11-01", "date_to": "2026-10-31"}
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.26, 52.56], [-0.22, 52.56], [-0.22, 52.6], [-0.26, 52.6], [-0.26, 52.56]]],
}


def _totals(response) -> dict[str, float]:
    assert response.status_code == 200
    found = re.findall(rb'class="total-(\w+)"><span class="count">([\d.]+)</span>', response.content)
    return {key.decode(): float(value) for key, value in found}


def _picture(user, area: str, first: str, last: str) -> dict:
    period = Period.of_days(date.fromisoformat(first), date.fromisoformat(last))
    return area_picture(picture_inputs(user, period), resolve_area(area), period, active_model()[0])


@pytest.mark.parametrize("area", ["all", "PE1", "PE3"])
def test_the_totals_are_the_area_pictures_for_the_same_filters(area, demo_world, client_for, users):
    shown = _totals(client_for("analyst").get("/", {**YEAR, "area": area}))
    expected = _picture(users["analyst"], area, YEAR["date_from"], YEAR["date_to"])["totals"]
    assert shown == pytest.approx({k: float(v) for k, v in expected.items()})


def test_the_totals_change_with_the_area_and_the_period(demo_world, client_for):
    client = client_for("analyst")
    everywhere = _totals(client.get("/", YEAR))
    pe1 = _totals(client.get("/", {**YEAR, "area": "PE1"}))
    october = _totals(client.get("/", {"area": "all", "date_from": "2026-10-01", "date_to": "2026-10-31"}))
    assert 0 < pe1["reports"] < everywhere["reports"]
    assert 0 < october["reports"] < everywhere["reports"]


def test_each_total_is_set_against_the_previous_period(demo_world, client_for, users):
    response = client_for("analyst").get("/", {"date_from": "2026-08-01", "date_to": "2026-10-31"})
    picture = _picture(users["analyst"], "all", "2026-08-01", "2026-10-31")
    now, before = picture["totals"]["reports"], picture["previous"]["reports"]
    assert before > 0 and now != before
    item = re.search(rb'class="total-reports">.*?</li>', response.content).group(0).decode()
    direction = "up" if now > before else "down"
    assert (
        f"{direction} {abs(now - before)} ({abs(now - before) / before:.0%}) on the previous period" in item
    )


def test_the_default_is_the_twelve_months_to_the_latest_event(demo_world, client_for):
    response = client_for("officer").get("/")
    assert b"Showing <strong>Whole force area</strong>, 1 Nov 2025 to 31 Oct 2026" in response.content
    assert _totals(response)["reports"] > 0


def test_the_trend_charts_and_the_day_by_hour_matrix_are_drawn(demo_world, client_for, users):
    response = client_for("analyst").get("/", {**YEAR, "area": "PE1"})
    text = response.content.decode()
    assert "<title>Reports and incidents by month, Postcode district PE1</title>" in text
    assert "<title>Incident harm by month, Postcode district PE1</title>" in text
    assert "<title>Breach alerts by month, Postcode district PE1</title>" in text
    assert (
        "<title>Reports and incidents by day of week and hour (UK time), Postcode district PE1</title>"
        in text
    )
    # each month is a point on the reports line, and every hour of every day a cell of the matrix
    assert text.count("Nov 2025:") >= 3
    assert text.count('class="chart heat-matrix"') == 1
    matrix = text.split('class="chart heat-matrix"', 1)[1].split("</svg>", 1)[0]
    assert matrix.count("<rect ") == 1 + 7 * 24
    weekly = (
        client_for("analyst").get("/", {"date_from": "2026-09-01", "date_to": "2026-10-31"}).content.decode()
    )
    assert "Reports and incidents by week" in weekly


def test_a_hostile_area_name_is_escaped_in_the_charts(demo_world, client_for, users):
    name = '<script>alert("chart")</script>'
    area = area_save(name=name, kind="polygon", geojson=SQUARE, user=users["analyst"])
    response = client_for("analyst").get("/", {"area": str(area.pk)})
    assert b"<script>alert" not in response.content
    assert response.content.count(b"&lt;script&gt;alert(&quot;chart&quot;)&lt;/script&gt;") >= 5


def test_a_role_without_orders_sees_no_alerts(demo_world, make_user, client, monkeypatch):
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.OFFICER, frozenset({Capability.VIEW_INTEL}))
    sign_in(client, make_user("officer", "dash-intel-only"))
    response = client.get("/", YEAR)
    assert "alerts" not in _totals(response) and "reports" in _totals(response)
    assert b"Breach alerts by" not in response.content
    assert b"Your queues" not in response.content


@pytest.mark.parametrize(
    ("role", "queues"),
    [
        ("officer", ["Breach alerts to review", "Safeguarding tasks open"]),
        ("analyst", ["Reports to triage", "Breach alerts to review", "Safeguarding tasks open"]),
        (
            "supervisor",
            [
                "Reports to triage",
                "Breach alerts to review",
                "Safeguarding tasks open",
                "Retention reviews due",
            ],
        ),
    ],
)
def test_each_role_sees_the_queues_it_works(role, queues, demo_world, client_for):
    response = client_for(role).get("/")
    section = response.content.decode().split('id="queues-h"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"</span> ([^<]+)</a>", section) == queues
    links = {"Reports to triage": "/triage/", "Breach alerts to review": "/orders/alerts/",
             "Safeguarding tasks open": "/safeguarding/", "Retention reviews due": "/retention/"}  # fmt: skip
    for title in queues:
        assert f'href="{links[title]}"' in section


def test_the_triage_queue_card_counts_new_reports_and_names_the_oldest(demo_world, client_for, users):
    from lantern.intel import selectors

    response = client_for("analyst").get("/")
    waiting = selectors.dashboard_counts(users["analyst"])["reports_new"]
    oldest = selectors.new_report_queue(users["analyst"])[0].occurred_from
    section = response.content.decode().split('id="queues-h"', 1)[1].split("</section>", 1)[0]
    card = section.split("Reports to triage", 1)[0].rsplit("<li>", 1)[1]
    assert f'<span class="count">{waiting}</span>' in card
    from django.utils import timezone

    assert f"oldest {timezone.localtime(oldest):%d %b %Y}" in section


def test_what_the_dashboard_showed_before_is_still_there(demo_world, client_for):
    text = client_for("officer").get("/").content.decode()
    for heading in ("The store", "Reports waiting for triage", "Latest reports"):
        assert heading in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2026-10-31", "date_to": "2026-01-01"}, "before it starts"),
        ({"date_from": "31/31/2026"}, "Enter a valid date"),
        ({"area": "PE99Z"}, "There is no area PE99Z"),
        ({"area": "<b>x</b>"}, "There is no area &lt;b&gt;x&lt;/b&gt;"),
    ],
)
def test_bad_filters_give_a_clear_message_not_an_error(query, message, demo_world, client_for):
    response = client_for("analyst").get("/", query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _totals(response)["reports"] > 0  # the default picture is shown instead


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_the_dashboard_reads_in_a_fixed_number_of_queries(
    role, demo_world, client_for, users, django_assert_max_num_queries
):
    area = area_save(name="Queries", kind="polygon", geojson=SQUARE, user=users["analyst"])
    client = client_for(role)
    client.get("/")  # the district outlines are read once per process, then cached
    # session, user, device, roles (4); counts, queue, latest (4); area choices and the area (4-5);
    # queues (up to 3); risk model (1); events, behaviours, vocabulary, alerts, evidence, crimes (6):
    # 24 measured for a supervisor, whatever the store holds
    with django_assert_max_num_queries(24):
        assert client.get("/", {**YEAR, "area": str(area.pk)}).status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get("/", {**YEAR, "area": "PE1"}).status_code == 200


def test_the_map_link_keeps_the_filters(demo_world, client_for):
    response = client_for("analyst").get("/", {**YEAR, "area": "PE1"})
    assert (
        b'href="/picture/map/?date_from=2025-11-01&amp;date_to=2026-10-31&amp;area=PE1"' in response.content
    )
