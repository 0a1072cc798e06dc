"""Orders as versioned data, screened incrementally; notification duties and no-contact conditions."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from lantern.engine.lake_ingest import ingest
from lantern.evidence.models import Camera
from lantern.intel.models import Person
from lantern.intel.services import Actor, StoreError, relationship_record, source_ensure, vehicle_ensure
from lantern.intel.services.events import EventInput, event_record
from lantern.orders.models import AlertEvidence, BreachAlert, ConditionKind, Order, OrderCondition
from lantern.orders.services import ConditionInput, order_create, order_discharge, order_vary, orders_expire

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.25, 52.58], [-0.24, 52.58], [-0.24, 52.59], [-0.25, 52.59], [-0.25, 52.58]]],
}
MOVED = {
    "type": "Polygon",
    "coordinates": [[[-0.23, 52.58], [-0.22, 52.58], [-0.22, 52.59], [-0.23, 52.59], [-0.23, 52.58]]],
}
NIGHTS = [{"start": "19:00", "end": "07:00"}]
ACTOR = Actor(via="tests")


def zone(geojson=SQUARE, name="Red-light district") -> ConditionInput:
    return ConditionInput(
        1,
        ConditionKind.EXCLUSION_ZONE,
        "Not to enter the zone at night.",
        {"name": name, "geojson": geojson, "windows": NIGHTS},
    )


def vehicles(*vrms: str, days: int = 3) -> ConditionInput:
    spec = {
        "notify_within_days": days,
        "vehicles": [{"vrm": v, "registered_from": "2026-03-01"} for v in vrms],
    }
    return ConditionInput(2, ConditionKind.VEHICLE_NOTIFICATION, "Notify vehicles.", spec)


@pytest.fixture
def subject(demo_world) -> Person:
    return Person.objects.exclude(orders__isnull=False).first()


def make_order(subject, reference: str, conditions, order_type="SRO", expires_on=None) -> Order:
    made, _ = order_create(
        reference=reference,
        order_type=order_type,
        subject=subject,
        applicant="Police",
        court="Court",
        made_on=date(2026, 3, 1),
        effective_from=date(2026, 3, 1),
        expires_on=expires_on,
        conditions=conditions,
        actor=ACTOR,
    )
    return made


@pytest.fixture
def order(subject) -> Order:
    return make_order(subject, "T/SRO/1", [zone(), vehicles("AB12CDE")], expires_on=date(2027, 2, 28))


@pytest.fixture
def lake(settings, tmp_path, db):
    settings.LAKE_DIR = tmp_path / "lake"
    for camera_id, lat, lon in (("IN", 52.585, -0.245), ("MOVED", 52.585, -0.225)):
        Camera.objects.get_or_create(camera_id=camera_id, defaults={"latitude": lat, "longitude": lon})
    return settings.LAKE_DIR


def add_reads(lake, tmp_path, rows: list[str], name: str) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text("read_id,vrm,camera_id,seen_at\n" + "\n".join(rows) + "\n")
    ingest("reads", path, lake, known_cameras={"IN", "MOVED"}, now_us=2_000_000_000 * 1_000_000)


def screen(*args) -> str:
    out = io.StringIO()
    call_command("screen", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_bad_zone_is_refused_naming_the_order_and_condition(subject):
    bad = zone({"type": "Polygon", "coordinates": [SQUARE["coordinates"][0][:-1]]})
    with pytest.raises(
        StoreError, match="order T/SRO/9, condition 1: zone polygon 1 ring 1: the ring is not closed"
    ):
        make_order(subject, "T/SRO/9", [bad])


def test_a_variation_keeps_each_version_with_its_dates(order):
    order_vary(order=order, effective_on=date(2026, 7, 1), changes=[zone(MOVED, "New zone")], actor=ACTOR)
    versions = list(OrderCondition.objects.filter(order=order, number=1).order_by("version"))
    assert [(v.version, v.valid_from, v.valid_to) for v in versions] == [
        (1, date(2026, 3, 1), date(2026, 6, 30)),
        (2, date(2026, 7, 1), date(2027, 2, 28)),
    ]
    order.refresh_from_db()
    assert order.status == Order.Status.VARIED
    with pytest.raises(StoreError, match="a version already starts on or after"):
        order_vary(order=order, effective_on=date(2026, 6, 1), changes=[zone()], actor=ACTOR)
    with pytest.raises(
        StoreError, match="condition 7 is not in force on 2026-08-01, so it cannot be removed"
    ):
        order_vary(order=order, effective_on=date(2026, 8, 1), changes=[], removed=[7], actor=ACTOR)


def test_late_reads_join_their_episode_and_a_variation_rescreens_old_reads(order, lake, tmp_path):
    add_reads(
        lake, tmp_path, ["a,AB12CDE,IN,2026-06-30T22:00:00Z", "b,AB12CDE,MOVED,2026-07-02T22:00:00Z"], "one"
    )
    screen()
    assert list(AlertEvidence.objects.values_list("evidence_id", flat=True)) == ["a"]
    # A read that arrives late, 20 minutes after the first: the same episode, the same alert.
    add_reads(lake, tmp_path, ["c,AB12CDE,IN,2026-06-30T22:20:00Z"], "late")
    screen()
    alert = BreachAlert.objects.get()
    assert alert.evidence_count == 2 and "read twice" in alert.explanation
    # The zone moves from 1 July: the read at MOVED on 2 July, already screened, is now a breach.
    order_vary(order=order, effective_on=date(2026, 7, 1), changes=[zone(MOVED, "New zone")], actor=ACTOR)
    screen()
    moved = AlertEvidence.objects.get(evidence_id="b").alert
    assert moved.condition_version == 2 and "New zone" in moved.explanation
    assert BreachAlert.objects.count() == 2


def test_a_discharged_order_stops_applying_but_earlier_evidence_still_counts(order, lake, tmp_path):
    order_discharge(order=order, on=date(2026, 7, 1), reason="Discharged on appeal", actor=ACTOR)
    add_reads(lake, tmp_path, ["a,AB12CDE,IN,2026-06-30T22:00:00Z", "b,AB12CDE,IN,2026-07-01T22:00:00Z"], "r")
    screen()
    assert list(AlertEvidence.objects.values_list("evidence_id", flat=True)) == ["a"]


def test_orders_past_their_last_day_are_marked_expired(order):
    assert orders_expire(today=date(2027, 2, 28)) == 0
    assert orders_expire(today=date(2027, 3, 1)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED


def test_a_vehicle_linked_to_the_subject_and_not_notified_in_time_is_a_potential_breach(order, lake, subject):
    source = source_ensure(code="t-src", name="Test source", kind="police", actor=ACTOR)
    car = vehicle_ensure(vrm="LN51 XYZ", source=source, actor=ACTOR).obj
    relationship_record(
        kind="uses_vehicle",
        entity_a=subject,
        entity_b=car,
        source=source,
        start=date(2026, 5, 1),
        actor=ACTOR,
    )
    notified = vehicle_ensure(vrm="AB12CDE", source=source, actor=ACTOR).obj
    relationship_record(
        kind="uses_vehicle",
        entity_a=subject,
        entity_b=notified,
        source=source,
        start=date(2026, 5, 1),
        actor=ACTOR,
    )
    screen()
    alert = BreachAlert.objects.get(kind="vehicle")
    assert "LN51XYZ was first linked to the subject on 01 May 2026" in alert.explanation
    assert "by 04 May 2026" in alert.explanation
    screen("--since", "2026-01-01")
    assert BreachAlert.objects.filter(kind="vehicle").count() == 1


def test_an_event_linking_the_subject_and_a_named_person_breaches_no_contact(subject, db):
    victim = Person.objects.exclude(pk=subject.pk).first()
    spec = {"people": [{"person_id": str(victim.pk), "name": victim.label}]}
    make_order(
        subject, "T/SHPO/2", [ConditionInput(1, ConditionKind.NO_CONTACT, "No contact with V.", spec)], "SHPO"
    )
    source = source_ensure(code="t-src", name="Test source", kind="police", actor=ACTOR)
    event_record(
        EventInput(
            kind="sighting",
            source=source,
            source_ref="s1",
            occurred_from=datetime(2026, 6, 1, 21, tzinfo=UTC),
            summary="Seen together",
            links=[("subject", subject), ("associate", victim)],
            details={"via": "officer"},
        ),
        actor=ACTOR,
    )
    screen()
    alert = BreachAlert.objects.get(kind="contact")
    assert victim.label in alert.explanation and "forbids him to contact" in alert.explanation


def test_reminders_list_orders_expiring_soon_and_vehicles_due_for_notification(order, subject):
    from django.utils import timezone

    from lantern.orders.selectors import reminders_due

    today = timezone.localdate()
    Order.objects.filter(pk=order.pk).update(expires_on=today + timedelta(days=10))
    source = source_ensure(code="t-src", name="Test source", kind="police", actor=ACTOR)
    car = vehicle_ensure(vrm="LN51 XYZ", source=source, actor=ACTOR).obj
    relationship_record(
        kind="uses_vehicle", entity_a=subject, entity_b=car, source=source, start=today, actor=ACTOR
    )
    texts = [r.text for r in reminders_due(today=today)]
    assert any("T/SRO/1 expires on" in t for t in texts)
    assert any(t.startswith("LN51XYZ, linked to") and "must be notified by" in t for t in texts)
    out = io.StringIO()
    call_command("reminders", stdout=out)
    assert "T/SRO/1 expires on" in out.getvalue() and f"{len(texts)} reminder(s)" in out.getvalue()
