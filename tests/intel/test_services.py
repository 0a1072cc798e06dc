"""Filing into the POLE store: deterministic ids, provenance, clear errors, audit in the same transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lantern.engine.ids import stable_id
from lantern.engine.normalise import NormalisationError
from lantern.governance.models import AuditEntry
from lantern.intel import services
from lantern.intel.models import Entity, Event, EventLink, Person, Provenance, Vehicle
from lantern.intel.services import EventInput, StoreError


@pytest.fixture
def source(db):
    return services.source_ensure(code="test-rms", name="Test records system", kind="police")


def test_same_vehicle_written_differently_is_one_entity(source):
    first = services.vehicle_ensure(vrm="ab12 cde", source=source, source_ref="r1")
    second = services.vehicle_ensure(vrm="AB-12-CDE", colour="Blue", source=source, source_ref="r2")
    assert first.status == "created" and second.status == "updated"
    assert first.obj.pk == second.obj.pk == stable_id("vehicle", "AB12CDE")
    assert Vehicle.objects.get(pk=first.obj.pk).label == "AB12 CDE"
    written = set(
        Provenance.objects.filter(entity=first.obj, field="vrm_as_written").values_list("value", flat=True)
    )
    assert written == {"ab12 cde", "AB-12-CDE"}


def test_filing_the_same_thing_twice_changes_nothing_and_audits_once(source):
    services.phone_ensure(number="07700 900123", source=source)
    entries = AuditEntry.objects.count()
    again = services.phone_ensure(number="+44 (0)7700 900123", source=source)
    assert again.status == "unchanged"
    assert AuditEntry.objects.count() == entries
    assert again.obj.e164 == "+447700900123"


def test_a_write_and_its_audit_entry_roll_back_together(source):
    entries, people = AuditEntry.objects.count(), Person.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.person_record(source=source, record_id="X1", given_names="Ann", family_name="Lee")
        raise RuntimeError("the caller's transaction fails")
    assert (AuditEntry.objects.count(), Person.objects.count()) == (entries, people)


def test_person_record_keeps_names_and_provenance(source):
    result = services.person_record(
        source=source,
        record_id=" P-1 ",
        given_names="Zoë",
        family_name="O'Brien",
        aliases=["Zo"],
        date_of_birth=date(1990, 2, 3),
    )
    person = result.obj
    assert person.source_record_id == "P-1"
    assert {n.name for n in person.names.all()} == {"Zoë O'Brien", "Zo"}
    # The record is the source's claim; provenance keeps what a later version of it replaced.
    assert not Provenance.objects.filter(entity=person).exists()
    services.person_record(
        source=source, record_id="P-1", given_names="Zoe", date_of_birth=date(1990, 3, 2), family_name=""
    )
    person.refresh_from_db()
    assert (person.given_names, person.family_name, person.date_of_birth) == (
        "Zoe",
        "O'Brien",
        date(1990, 3, 2),
    )
    replaced = set(Provenance.objects.filter(entity=person).values_list("field", "value"))
    assert replaced == {("given_names", "Zoë"), ("date_of_birth", "1990-02-03")}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"record_id": ""}, "record_id"),
        ({"record_id": "P2"}, "forename, a surname, an alias"),
        ({"record_id": "P3", "given_names": "A", "date_of_birth": date(1850, 1, 1)}, "between 1900-01-01"),
        ({"record_id": "P4", "given_names": "A", "age_min": 40, "age_max": 30}, "lower bound"),
    ],
)
def test_bad_person_records_say_what_is_wrong(source, kwargs, message):
    with pytest.raises(StoreError, match=message):
        services.person_record(source=source, **kwargs)


def test_control_characters_never_reach_the_database(source):
    person = services.person_record(
        source=source, record_id="N\x00UL", given_names="Ann\x00", family_name="Lee"
    ).obj
    assert (person.source_record_id, person.given_names) == ("NUL", "Ann")


def test_malformed_identifiers_are_rejected_with_the_reason(source):
    with pytest.raises(NormalisationError, match="not a UK vehicle registration"):
        services.vehicle_ensure(vrm="<script>", source=source)
    with pytest.raises(NormalisationError):
        services.location_ensure(postcode="'; DROP TABLE intel_person; --", source=source)
    with pytest.raises(StoreError, match="latitude"):
        services.location_ensure(postcode="PE1 1AA", latitude=52.5, source=source)


def test_location_takes_the_postcode_centroid(demo_world, source):
    place = services.location_ensure(line1="1 Test Street", postcode="pe11aa", source=source).obj
    assert place.postcode == "PE1 1AA"
    assert place.latitude == pytest.approx(52.57538) and place.longitude == pytest.approx(-0.25002)


def test_event_links_and_idempotence(source):
    car = services.vehicle_ensure(vrm="AB12CDE", source=source).obj
    data = EventInput(
        kind="report",
        source=source,
        source_ref="R-1",
        occurred_from=datetime(2026, 10, 3, 21, 15, tzinfo=UTC),
        summary="Car seen",
        links=[("vehicle_used", car)],
        details={
            "text": "seen by X",
            "sanitised_text": "car seen",
            "source_type": "officer",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "P",
        },
        source_details="X, a neighbour",
    )
    first = services.event_record(data)
    second = services.event_record(data)
    assert (first.status, second.status) == ("created", "unchanged")
    assert first.obj.pk == stable_id("event", "test-rms", "R-1")
    assert EventLink.objects.filter(event=first.obj, entity=car, role="vehicle_used").count() == 1
    assert first.obj.source_detail.details == "X, a neighbour"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"occurred_from": datetime(2026, 10, 3, 21, 15)}, "UTC offset"),
        ({"occurred_to": datetime(2026, 10, 2, tzinfo=UTC)}, "ends before it starts"),
        ({"details": {"text": "x", "source_type": "officer"}}, "3x5x2"),
        ({"details": {"camera_id": "C1"}}, "do not belong"),
        ({"kind": "rumour"}, "not an event kind"),
        ({"source_ref": "  "}, "reference"),
    ],
)
def test_bad_events_are_refused_with_a_reason(source, change, message):
    base = {
        "kind": "report",
        "source": source,
        "source_ref": "R-2",
        "summary": "s",
        "occurred_from": datetime(2026, 10, 3, tzinfo=UTC),
        "details": {
            "source_type": "officer",
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "handling_code": "P",
        },
    }
    with pytest.raises(StoreError, match=message):
        services.event_record(EventInput(**{**base, **change}))
    assert not Event.objects.filter(source_ref="R-2").exists()


def test_vocabulary_rejects_negative_or_missing_weights(db):
    with pytest.raises(StoreError, match="harm_days"):
        services.behaviour_vocabulary_load(
            [{"code": "x", "name": "X", "category": "offence", "severity": None, "harm_days": -1}],
            version="t",
        )
    with pytest.raises(StoreError, match="missing severity"):
        services.behaviour_vocabulary_load([{"code": "x", "name": "X", "category": "behaviour"}], version="t")


class TestHostileText(HypothesisTestCase):
    """Whatever text arrives, the store either files it or refuses it with a StoreError/NormalisationError."""

    @settings(max_examples=40, deadline=None)
    @given(
        given_names=st.text(max_size=300), family_name=st.text(max_size=300), record_id=st.text(max_size=120)
    )
    def test_person_text(self, given_names, family_name, record_id):
        source = services.source_ensure(code="fuzz", name="Fuzz", kind="police")
        try:
            result = services.person_record(
                source=source, record_id=record_id[:100], given_names=given_names, family_name=family_name
            )
        except StoreError:
            return
        assert Entity.objects.filter(pk=result.obj.pk).exists()


def test_camera_with_swapped_coordinates_is_refused_with_a_hint(db):
    from lantern.evidence.services import camera_ensure

    with pytest.raises(StoreError, match="latitude and longitude look swapped"):
        camera_ensure(camera_id="CAM1", latitude=-0.25, longitude=52.57)
    camera, created = camera_ensure(camera_id="CAM1", latitude=52.57, longitude=-0.25, description="Park Rd")
    assert created and camera.description == "Park Rd"
    assert AuditEntry.objects.filter(object_type="camera", object_id="CAM1").exists()
