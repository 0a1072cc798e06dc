"""The live alert queue: what it lists, what each poll sends, one-click acknowledgement, who may see it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from lantern.engine.screening.screen import HIT_SCHEMA, Episode
from lantern.governance.models import AuditEntry, Team
from lantern.governance.restrictions import restrict
from lantern.orders.alerts import alert_review, episodes_file
from lantern.orders.models import BreachAlert, ConditionKind, Order, OrderCondition
from tests.conftest import sign_in

PAGE = "/orders/alerts/live/"
CHANGES = "/orders/alerts/live/changes/"
HTMX = {"HTTP_HX_REQUEST": "true"}
NIGHT = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 23:30 in the UK (BST)


def _zone(order: Order) -> OrderCondition:
    return order.conditions.filter(kind=ConditionKind.EXCLUSION_ZONE).order_by("-version").first()


def _read(order: Order, *, read_id: str, at: datetime, camera: str = "CAM-LIVE-1") -> Episode:
    """One ANPR read of the subject's registered car inside the order's zone, as screening gives it."""
    zone = _zone(order)
    us = int(at.timestamp() * 1_000_000)
    row = {
        "order": 0, "zone": 0, "kind": "read", "evidence_id": read_id, "at_us": us, "source_id": camera,
        "lat": 52.583, "lon": -0.245, "vrm": "AF10XKR", "matched_vrm": "AF10XKR", "basis": "registered",
        "match": "exact", "confidence": 0.9, "accuracy_m": None,
    }  # fmt: skip
    return Episode(
        order_id=str(order.pk),
        reference=order.reference,
        subject_id=str(order.subject_id),
        condition=zone.number,
        version=zone.version,
        zone_name=zone.spec.get("name", ""),
        timezone="Europe/London",
        hits=pa.Table.from_pylist([row], schema=HIT_SCHEMA),
    )


def _file(order: Order, read_id: str, at: datetime = NIGHT) -> BreachAlert | None:
    filed = episodes_file([_read(order, read_id=read_id, at=at)])
    return filed.new[0] if filed.new else None


def _rows(html: str) -> list[str]:
    """The ids of the alerts a page or a poll shows, in order."""
    return re.findall(r'<article id="alert-([0-9a-f-]{36})"', html)


def _cursor(html: str) -> str:
    return re.search(r'data-cursor="([^"]+)"', html).group(1)


def _open_ids(html: str) -> set[str]:
    return set(re.search(r'data-open="([^"]*)"', html).group(1).split())


@pytest.fixture
def order(demo_world) -> Order:
    order = Order.objects.filter(conditions__kind=ConditionKind.EXCLUSION_ZONE).distinct().first()
    assert order is not None, "the demo world has an order with an exclusion zone"
    return order


def _age_every_alert() -> None:
    """Make every alert an hour old, as if filed long before the page was opened."""
    BreachAlert.objects.update(updated_at=datetime.now(UTC) - timedelta(hours=1))


def test_the_page_lists_alerts_to_act_on_new_first_newest_first(client_for, order):
    older = _file(order, "live-1", NIGHT - timedelta(days=2))
    newer = _file(order, "live-2", NIGHT)
    reviewed = _file(order, "live-3", NIGHT + timedelta(days=1))
    alert_review(alert=reviewed, status=BreachAlert.Status.UNDER_REVIEW)
    closed = _file(order, "live-4", NIGHT + timedelta(days=2))
    alert_review(alert=closed, status=BreachAlert.Status.DISMISSED, reason="Not his car")

    html = client_for("officer").get(PAGE).content.decode()
    assert _rows(html) == [str(newer.pk), str(older.pk), str(reviewed.pk)]
    assert order.reference in html and order.subject.label in html
    assert "Sat 24 Oct 2026 23:30:00 BST" in html  # UK local time
    assert "0.90" in html and "was read once by 1 camera" in html  # confidence and the explanation
    assert 'class="live-map"' in html and "&quot;lat&quot;: 52.583" in html  # the read on the zone's map


def test_a_restricted_subjects_alerts_appear_only_to_those_on_the_list(client_for, order, users, make_user):
    alert = _file(order, "live-restricted")
    owner = make_user("supervisor", "sup-live-owner")
    team = Team.objects.create(code="live", name="Live")
    restrict(record=order.subject, kind="person", reason="Live test", teams=[team], actor=owner)
    client = client_for("officer")
    page = client.get(PAGE).content.decode()
    assert str(alert.pk) not in page and order.subject.label not in page
    poll = client.get(CHANGES, {"since": ""}).content.decode()
    assert str(alert.pk) not in poll
    response = client.post(PAGE, {"acknowledge": str(alert.pk)}, **HTMX)
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == "new" and alert.assigned_to is None
    sign_in(client, owner)  # the restrictor is on the list
    assert _rows(client.get(PAGE).content.decode()) == [str(alert.pk)]


def test_a_poll_sends_an_alert_filed_after_the_page_was_loaded_and_nothing_else(client_for, order):
    before = _file(order, "live-before", NIGHT - timedelta(days=1))
    _age_every_alert()
    client = client_for("officer")
    html = client.get(PAGE).content.decode()
    assert _rows(html) == [str(before.pk)]
    cursor = _cursor(html)

    quiet = client.get(CHANGES, {"since": cursor}, **HTMX).content.decode()
    assert _rows(quiet) == [] and _open_ids(quiet) == {str(before.pk)}

    after = _file(order, "live-after", NIGHT)
    poll = client.get(CHANGES, {"since": _cursor(quiet)}, **HTMX).content.decode()
    assert _rows(poll) == [str(after.pk)]
    assert _open_ids(poll) == {str(before.pk), str(after.pk)}
    assert "Acknowledge" in poll and order.reference in poll


def test_polls_are_not_audited_but_opening_the_page_is(client_for, order):
    _file(order, "live-audit")
    client = client_for("officer")
    views = AuditEntry.objects.filter(object_type="live_alert_queue", action="view")
    client.get(PAGE)
    assert views.count() == 1
    entries = AuditEntry.objects.count()
    for _ in range(3):
        assert client.get(CHANGES, {"since": ""}, **HTMX).status_code == 200
    assert AuditEntry.objects.count() == entries


def test_a_closed_alert_leaves_the_queue_at_the_next_poll(client_for, order):
    alert = _file(order, "live-closing")
    client = client_for("officer")
    cursor = _cursor(client.get(PAGE).content.decode())
    alert_review(alert=alert, status=BreachAlert.Status.ACTIONED, reason="Arrested")
    poll = client.get(CHANGES, {"since": cursor}, **HTMX).content.decode()
    assert str(alert.pk) not in _open_ids(poll) and _rows(poll) == []


def test_an_unreadable_cursor_sends_every_row(client_for, order):
    alert = _file(order, "live-cursor")
    _age_every_alert()
    client = client_for("officer")
    for since in ("", "yesterday", "2026-10-24T22:30:00", "9" * 500):
        assert _rows(client.get(CHANGES, {"since": since}).content.decode()) == [str(alert.pk)]


def test_one_click_acknowledges_the_alert_to_the_officer_and_is_audited(client_for, order, users):
    alert = _file(order, "live-ack")
    client = client_for("officer")
    response = client.post(PAGE, {"acknowledge": str(alert.pk)}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert _rows(html) == [str(alert.pk)] and "acknowledged by test-officer" in html
    assert "Acknowledged: it is assigned to you." in html
    assert 'name="acknowledge"' not in html  # nothing left to click
    alert.refresh_from_db()
    assert alert.status == "under_review" and alert.assigned_to == users["officer"]
    assert AuditEntry.objects.filter(
        object_type="breach_alert", object_id=str(alert.pk), user=users["officer"],
        summary="alert assigned to test-officer",
    ).exists()  # fmt: skip


def test_acknowledging_without_javascript_comes_back_to_the_queue(client_for, order, users):
    alert = _file(order, "live-ack-plain")
    response = client_for("analyst").post(PAGE, {"acknowledge": str(alert.pk)})
    assert response.status_code == 302 and response["Location"] == PAGE
    alert.refresh_from_db()
    assert alert.assigned_to == users["analyst"]


def test_a_second_officer_does_not_take_an_acknowledged_alert(client, order, users):
    alert = _file(order, "live-race")
    sign_in(client, users["officer"])
    client.post(PAGE, {"acknowledge": str(alert.pk)}, **HTMX)
    sign_in(client, users["analyst"])
    html = client.post(PAGE, {"acknowledge": str(alert.pk)}, **HTMX).content.decode()
    assert "Already acknowledged by test-officer." in html
    alert.refresh_from_db()
    assert alert.assigned_to == users["officer"]
    assert (
        AuditEntry.objects.filter(object_id=str(alert.pk), summary__startswith="alert assigned").count() == 1
    )


@pytest.mark.parametrize("value", ["", "not-an-id", "00000000-0000-0000-0000-000000000000"])
def test_acknowledging_nothing_is_not_found(client_for, order, value):
    assert client_for("officer").post(PAGE, {"acknowledge": value}, **HTMX).status_code == 404


@pytest.mark.parametrize("role", ["partner", "administrator"])
def test_roles_that_do_not_review_alerts_are_refused(client_for, order, role):
    alert = _file(order, "live-refused")
    client = client_for(role)
    assert client.get(PAGE).status_code == 403
    assert client.get(CHANGES, {"since": ""}).status_code == 403
    assert client.post(PAGE, {"acknowledge": str(alert.pk)}).status_code == 403
    alert.refresh_from_db()
    assert alert.assigned_to is None


def test_signed_out_polls_are_sent_to_sign_in(client, order):
    response = client.get(CHANGES, {"since": ""}, **HTMX)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_repeated_read_in_the_same_episode_updates_the_row_instead_of_adding_one(client_for, order):
    alert = _file(order, "live-episode-1")
    client = client_for("officer")
    html = client.get(PAGE).content.decode()
    assert "1 item, the latest at Sat 24 Oct 2026 23:30:00 BST" in html
    cursor = _cursor(html)

    again = _file(order, "live-episode-2", NIGHT + timedelta(minutes=10))
    assert again is None and BreachAlert.objects.count() == 1
    poll = client.get(CHANGES, {"since": cursor}, **HTMX).content.decode()
    assert _rows(poll) == [str(alert.pk)]  # the same row, to replace the one the page holds
    assert "2 items, the latest at Sat 24 Oct 2026 23:40:00 BST" in poll
    assert _rows(client.get(PAGE).content.decode()) == [str(alert.pk)]


def test_hostile_text_in_a_zone_name_or_explanation_stays_text(client_for, order):
    hostile = '<img src=x onerror="alert(1)">'
    zone = _zone(order)
    OrderCondition.objects.filter(pk=zone.pk).update(spec={**zone.spec, "name": hostile})
    alert = _file(order, "live-hostile")
    BreachAlert.objects.filter(pk=alert.pk).update(explanation="<script>alert('x')</script> read once")
    client = client_for("officer")
    for html in (client.get(PAGE).content.decode(), client.get(CHANGES, {"since": ""}).content.decode()):
        assert hostile not in html and "<script>alert" not in html
        assert "&lt;img src=x" in html and "&lt;script&gt;alert" in html


def test_the_page_and_each_poll_take_a_fixed_number_of_queries(
    client_for, order, django_assert_max_num_queries
):
    for n in range(8):
        _file(order, f"live-q-{n}", NIGHT - timedelta(days=n))
        _file(order, f"live-q-{n}-again", NIGHT - timedelta(days=n) + timedelta(minutes=5))
    client = client_for("officer")
    # 12 and 8 when written: a query per alert (there are 8) would break either bound
    with django_assert_max_num_queries(14):
        html = client.get(PAGE).content.decode()
    assert len(_rows(html)) == 8
    with django_assert_max_num_queries(10):
        poll = client.get(CHANGES, {"since": ""}, **HTMX).content.decode()
    assert len(_rows(poll)) == 8
