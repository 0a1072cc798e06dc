"""The map page: what each layer carries for a filter, need-to-know, roles, bad filters, exports."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date

import pytest

from lantern.engine.picture import Period
from lantern.governance.models import AuditEntry, Team
from lantern.governance.restrictions import restrict
from lantern.governance.roles import ROLE_CAPABILITIES, Capability, Role
from lantern.intel.models import Event, Location
from lantern.intel.selectors import visible_events
from lantern.picture.selectors import incident_harm
from lantern.picture.snapshot import picture_inputs
from lantern.picture.views import TABLE_ROWS
from lantern.risk.services import active_model
from tests.conftest import sign_in

YEAR = {"date_from": "2025-11-01", "date_to": "2026-10-31"}
PERIOD = Period.of_days(date(2025, 11, 1), date(2026, 10, 31))
EVENT_KINDS = ("report", "incident", "sighting", "visit")


def _attr(response, name: str):
    found = re.search(rf'data-{name}="([^"]*)"'.encode(), response.content)
    assert found, f"no data-{name} on the page"
    return json.loads(html.unescape(found.group(1).decode()))


def _layers(response) -> dict[str, list[dict]]:
    assert response.status_code == 200
    return {layer["key"]: layer["items"] for layer in _attr(response, "layers")}


def _event_ids(layers: dict) -> set[str]:
    return {p["id"] for kind in EVENT_KINDS for p in layers.get(kind, [])}


def _located(user):
    return visible_events(user).filter(
        occurred_from__gte=PERIOD.start,
        occurred_from__lt=PERIOD.end,
        location__latitude__isnull=False,
        location__longitude__isnull=False,
    )


def test_each_kind_of_event_is_a_layer_with_every_located_event_of_the_period(demo_world, client_for, users):
    layers = _layers(client_for("analyst").get("/picture/map/", YEAR))
    located = _located(users["analyst"])
    for kind in EVENT_KINDS:
        assert len(layers[kind]) == located.filter(kind=kind).count() > 0, kind
    assert _event_ids(layers) == {str(pk) for pk in located.values_list("pk", flat=True)}


def test_a_kind_filter_keeps_only_that_kind(demo_world, client_for, users):
    layers = _layers(client_for("analyst").get("/picture/map/", {**YEAR, "kind": "report"}))
    assert [k for k in EVENT_KINDS if k in layers] == ["report"]
    assert len(layers["report"]) == _located(users["analyst"]).filter(kind="report").count()


def test_a_district_keeps_only_its_own_events(demo_world, client_for, users):
    client = client_for("analyst")
    everywhere = _event_ids(_layers(client.get("/picture/map/", YEAR)))
    pe1 = _event_ids(_layers(client.get("/picture/map/", {**YEAR, "area": "PE1"})))
    located = _located(users["analyst"])
    in_pe1 = {
        str(pk) for pk in located.filter(location__postcode__startswith="PE1 ").values_list("pk", flat=True)
    }
    elsewhere = {
        str(pk)
        for pk in located.exclude(location__postcode="").exclude(location__postcode__startswith="PE1 ")
        .values_list("pk", flat=True)
    }  # fmt: skip
    assert in_pe1 and in_pe1 <= pe1
    assert not pe1 & elsewhere
    assert len(pe1) < len(everywhere)


def test_a_minimum_harm_keeps_only_incidents_that_harmful(demo_world, client_for, users):
    config, _ = active_model()
    harm = incident_harm(picture_inputs(users["analyst"], PERIOD, with_previous=False), config)
    threshold = sorted(h for h in harm.values() if h > 0)[len(harm) // 2]
    layers = _layers(client_for("analyst").get("/picture/map/", {**YEAR, "min_harm": threshold}))
    shown = {p["id"] for p in layers["incident"]}
    assert [k for k in EVENT_KINDS if k in layers] == ["incident"]
    located = {
        str(pk) for pk in _located(users["analyst"]).filter(kind="incident").values_list("pk", flat=True)
    }
    assert shown == {e for e, h in harm.items() if h >= threshold} & located
    assert 0 < len(shown) < len(located)


def test_the_selected_area_and_district_outlines_are_drawn(demo_world, client_for):
    response = client_for("officer").get("/picture/map/", {"area": "PE1"})
    boundary = _attr(response, "boundary")
    assert boundary["type"] in ("Polygon", "MultiPolygon")
    outlines = _attr(response, "outlines")
    assert {"PE1", "PE2", "PE3"} <= {o["name"] for o in outlines}
    assert all(o["centre"] and o["geojson"]["coordinates"] for o in outlines)
    assert b"approximations drawn from postcode centroids" in response.content
    assert b"No base map is configured" in response.content


def test_cells_zones_and_premises_are_layers_for_the_roles_that_may_see_them(demo_world, client_for):
    layers = _layers(client_for("officer").get("/picture/map/", YEAR))
    assert len(layers["cells"]) >= 5
    assert all(0 < c["weight"] <= 1 and len(c["boundary"]) == 6 for c in layers["cells"])
    assert layers["zones"] and all(z["geojson"]["type"] == "Polygon" for z in layers["zones"])
    assert {"premises", "alerts"} <= set(layers)


def test_a_role_without_orders_or_risk_sees_no_zones_alerts_or_premises(
    demo_world, make_user, client, monkeypatch
):
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.OFFICER, frozenset({Capability.VIEW_INTEL}))
    sign_in(client, make_user("officer", "officer-intel-only"))
    layers = _layers(client.get("/picture/map/", YEAR))
    assert "report" in layers and "cells" in layers
    assert not {"zones", "alerts", "premises"} & set(layers)


def test_alerts_are_drawn_at_their_first_evidence(demo_world, client_for):
    from datetime import UTC, datetime

    from lantern.orders.models import AlertEvidence, BreachAlert, Order

    order = Order.objects.first()
    at = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    alert = BreachAlert.objects.create(
        order=order, condition_number=1, condition_version=1, kind="zone", first_at=at, last_at=at,
        confidence=0.9, explanation="test", evidence_count=2,
    )  # fmt: skip
    for n, (minutes, lat) in enumerate([(0, 52.575), (5, 52.590)]):
        AlertEvidence.objects.create(
            alert=alert, order=order, condition_number=1, kind="read", evidence_id=f"map-{n}",
            source_id="CAM", at=at.replace(minute=30 + minutes), latitude=lat, longitude=-0.245,
            confidence=0.9,
        )  # fmt: skip
    layers = _layers(client_for("officer").get("/picture/map/", YEAR))
    assert [(a["id"], a["lat"]) for a in layers["alerts"]] == [(str(alert.pk), 52.575)]


def test_a_restricted_event_and_place_are_not_on_the_map_for_someone_off_the_list(
    demo_world, make_user, client
):
    from lantern.risk.services import risk_recompute

    risk_recompute()
    owner = make_user("supervisor", "map-owner")
    outsider = make_user("supervisor", "map-outsider")
    sign_in(client, outsider)
    before = _layers(client.get("/picture/map/", YEAR))
    event = Event.objects.get(pk=before["report"][0]["id"])
    premises_id = before["premises"][0]["id"]
    team = Team.objects.create(code="map", name="Map team")
    restrict(record=event, kind="event", reason="Map test", teams=[team], actor=owner)
    restrict(record=Location.objects.get(pk=premises_id), kind="location", reason="Map test", actor=owner)

    after = client.get("/picture/map/", YEAR)
    layers = _layers(after)
    assert str(event.pk) not in _event_ids(layers)
    assert premises_id not in {p["id"] for p in layers["premises"]}
    assert str(event.pk).encode() not in after.content and premises_id.encode() not in after.content
    assert not any(
        e.location_id and str(e.location_id) == premises_id
        for e in Event.objects.filter(pk__in=_event_ids(layers))
    )
    sign_in(client, owner)
    assert str(event.pk) in _event_ids(_layers(client.get("/picture/map/", YEAR)))


@pytest.mark.parametrize("role", ["partner", "administrator"])
@pytest.mark.parametrize("url", ["/picture/map/", "/picture/areas/", "/picture/areas/new/"])
def test_roles_without_the_store_are_refused(role, url, demo_world, client_for):
    assert client_for(role).get(url).status_code == 403


def test_the_nav_links_the_map_for_roles_that_may_see_it(demo_world, client_for):
    assert b'href="/picture/map/"' in client_for("officer").get("/").content
    assert b'href="/picture/map/"' not in client_for("partner").get("/").content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2026-10-31", "date_to": "2026-01-01"}, "before it starts"),
        ({"date_from": "last tuesday"}, "Enter a valid date"),
        ({"date_to": "0001-01-01"}, "Give a date between 1990 and 2100"),
        ({"area": "ZZ9"}, "There is no area ZZ9"),
        ({"area": "00000000-0000-0000-0000-000000000000"}, "There is no area"),
        ({"min_harm": "lots"}, "Enter a number"),
        ({"min_harm": "-5"}, "greater than or equal to 0"),
        ({"kind": "<script>"}, "Select a valid choice"),
        ({"date_from": "2000-01-01", "date_to": "2026-01-01"}, "longer than five years"),
    ],
)
def test_bad_filters_are_named_and_the_defaults_shown(query, message, demo_world, client_for):
    response = client_for("analyst").get("/picture/map/", query)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert message in text
    assert "could not be used were replaced by their defaults" in text
    assert b"<script>" not in response.content  # a value typed into the URL is shown as text


def test_the_table_lists_what_the_map_shows_and_exports_it(demo_world, client_for, users):
    client = client_for("analyst")
    query = {**YEAR, "area": "PE1"}
    page = client.get("/picture/map/", query)
    shown = _event_ids(_layers(page))
    listed = set(re.findall(r'href="/events/([0-9a-f-]{36})/"', page.content.decode()))
    assert listed <= shown and len(listed) == min(len(shown), TABLE_ROWS)
    assert b"?date_from=2025-11-01&amp;date_to=2026-10-31&amp;area=PE1&amp;format=csv" in page.content

    download = client.get("/picture/map/", {**query, "format": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kind", "When", "Summary"]
    assert {r[-1] for r in rows[1:]} == shown
    xlsx = client.get("/picture/map/", {**query, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert AuditEntry.objects.filter(action="export", object_type="area_map", object_id="PE1").count() == 2


def test_a_long_list_is_capped_and_says_so(demo_world, client_for, monkeypatch):
    monkeypatch.setattr("lantern.picture.selectors.EVENT_CAP", 10)
    response = client_for("analyst").get("/picture/map/", YEAR)
    assert len(_event_ids(_layers(response))) == 10
    assert b"the map shows the newest 10" in response.content
    assert b"Narrow the filters" in response.content
