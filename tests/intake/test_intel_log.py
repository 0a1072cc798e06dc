"""The officer and analyst intelligence log: graded, sanitised apart from the source, linked, audited."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lantern.governance.models import AuditEntry
from lantern.intake.services.intel_log import LogError, intel_log_record
from lantern.intel.models import EventLink, IntelligenceReport, Phone, ReportSourceDetail, Vehicle

WHEN = datetime(2026, 3, 4, 20, 15, tzinfo=UTC)


@pytest.fixture
def vehicle(demo_world):
    return Vehicle.objects.order_by("vrm").first()


def _log(user, **changes) -> IntelligenceReport:
    entry = {
        "user": user,
        "occurred_at": WHEN,
        "text": "Mrs X at number 12 says men call at number 14 every night",
        "sanitised_text": "Men call at an address on the street every night\nMore detail on request",
        "source_details": "Mrs X, 12 Example Street, 07700 900999",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "C",
        "handling_conditions": "Not to be shared outside the force",
        "links": [],
    }
    entry.update(changes)
    return intel_log_record(**entry)


def test_an_entry_is_filed_graded_with_its_source_kept_apart(users, vehicle):
    report = _log(users["officer"], links=[("vehicle_used", vehicle.pk), ("vehicle_used", str(vehicle.pk))])
    report = IntelligenceReport.objects.select_related("source").get(pk=report.pk)
    assert (report.source.code, report.source.kind, report.source_type) == (
        "officer-log",
        "officer",
        "officer",
    )
    assert report.grade == "2BC" and report.handling_conditions == "Not to be shared outside the force"
    assert report.summary == "Men call at an address on the street every night"  # sanitised, first line
    assert report.text.startswith("Mrs X") and "Mrs X" not in report.sanitised_text
    assert ReportSourceDetail.objects.get(report=report).details.startswith("Mrs X, 12 Example Street")
    assert list(EventLink.objects.filter(event=report).values_list("entity_id", "role")) == [
        (vehicle.pk, "vehicle_used")
    ]
    assert (report.status, report.recorded_by) == ("new", users["officer"])
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.object_id, entry.username) == ("create", str(report.pk), "test-officer")


def test_every_entry_gets_a_new_reference(users):
    first, second = _log(users["analyst"]), _log(users["analyst"])
    assert first.pk != second.pk and first.source_ref != second.source_ref
    assert first.source_ref.startswith("LOG-") and len(first.source_ref) == len("LOG-20260304-7K3F9Q")


def test_officers_read_only_the_sanitised_text(users, client_for):
    report = _log(users["officer"])
    page = client_for("officer").get(report.get_absolute_url()).content.decode()
    assert "Men call at an address" in page
    assert "Mrs X" not in page and "07700 900999" not in page
    analyst_page = client_for("analyst").get(report.get_absolute_url()).content.decode()
    assert "Mrs X, 12 Example Street" in analyst_page


def test_with_no_text_as_received_the_sanitised_text_stands_for_it(users):
    report = _log(users["officer"], text="")
    assert report.text == report.sanitised_text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source_evaluation": ""}, "source_evaluation", "nothing is not one of"),
        ({"intelligence_assessment": "F"}, "intelligence_assessment", "not one of A"),
        ({"handling_code": None}, "handling_code", "not one of P"),
        ({"handling_conditions": ""}, "handling_conditions", "needs the conditions"),
        ({"sanitised_text": "   "}, "sanitised_text", "write what can be shared"),
        ({"sanitised_text": "x" * 20_001}, "sanitised_text", "more than 20,000"),
        ({"text": "x" * 20_001}, "text", "more than 20,000"),
        ({"source_details": "x" * 5_001}, "source_details", "more than 5,000"),
        ({"sanitised_text": "Told by Mrs X, 12 Example Street, 07700 900999 today"}, "sanitised_text",
         "contains the source details"),
        ({"occurred_at": datetime(2026, 3, 4, 20, 15)}, "occurred_at", "UK time"),
        ({"occurred_at": "2026-03-04"}, "occurred_at", "UK time"),
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "occurred_at", "future"),
        ({"links": [("driver", "00000000-0000-0000-0000-000000000000")]}, "links", "is not a role"),
        ({"links": [("subject", "not-a-uuid'; DROP TABLE intel_event;--")]}, "links", "is not a record id"),
        ({"links": [("subject", "00000000-0000-0000-0000-000000000000")]}, "links", "no record"),
        ({"links": [("subject",)]}, "links", "give a role and a record"),
        ({"links": [("subject", "00000000-0000-0000-0000-000000000000")] * 51}, "links", "more than 50"),
    ],
)  # fmt: skip
def test_bad_entries_are_refused_and_nothing_is_filed(users, changes, field, message):
    before = IntelligenceReport.objects.count()
    with pytest.raises(LogError, match=message) as caught:
        _log(users["officer"], **changes)
    assert caught.value.field == field
    assert IntelligenceReport.objects.count() == before


@pytest.mark.parametrize("role", ["partner", "administrator"])
def test_roles_without_log_intel_cannot_log(users, role):
    with pytest.raises(PermissionDenied):
        _log(users[role])


def test_script_sql_and_formula_text_is_kept_as_written_and_escaped(users, client_for):
    nasty = '<script>alert(1)</script> \'; DROP TABLE intel_event;-- =HYPERLINK("http://x")'
    report = _log(users["officer"], sanitised_text=nasty, text=nasty)
    assert IntelligenceReport.objects.get(pk=report.pk).sanitised_text == nasty
    page = client_for("officer").get(report.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- the page --------------------------------------------------------------------------------------


def _form(**changes) -> dict:
    data = {
        "occurred_at": "2026-03-04T20:15",
        "text": "Mrs X says men call at number 14",
        "sanitised_text": "Men call at an address every night",
        "source_details": "Mrs X, 12 Example Street",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "grade_5x5x5": "",
        "confirmed_5x5x5": "",
        "link_ref": ["", "", ""],
        "link_role": ["subject", "subject", "subject"],
    }
    data.update(changes)
    return data


def test_the_log_page_files_an_entry_and_opens_its_event_page(demo_world, client_for, vehicle):
    client = client_for("officer")
    assert client.get("/log/new/").status_code == 200
    phone = Phone.objects.order_by("e164").first()
    response = client.post(
        "/log/new/",
        _form(
            link_ref=[vehicle.label.lower(), phone.label, ""],
            link_role=["vehicle_used", "phone_used", "subject"],
        ),
    )
    assert response.status_code == 302
    report = IntelligenceReport.objects.get(source__code="officer-log")
    assert response["Location"] == report.get_absolute_url()
    assert set(EventLink.objects.filter(event=report).values_list("entity_id", "role")) == {
        (vehicle.pk, "vehicle_used"),
        (phone.pk, "phone_used"),
    }
    # 20:15 typed in March is 20:15 UK time (GMT): 20:15 UTC.
    assert report.occurred_from == WHEN
    event_page = client.get(response["Location"]).content.decode()
    assert vehicle.label in event_page and "Mrs X" not in event_page


def test_a_5x5x5_grade_is_shown_back_converted_before_saving(db, client_for):
    client = client_for("analyst")
    first = client.post(
        "/log/new/",
        _form(source_evaluation="", intelligence_assessment="", handling_code="", grade_5x5x5="b-2-3"),
    )
    assert first.status_code == 200
    page = html.unescape(first.content.decode())
    assert "The 5x5x5 grade B23 becomes 2AC in 3x5x2" in re.sub(r"</?strong>", "", page)
    assert '<option value="2" selected>' in page and '<option value="C" selected>' in page
    assert 'name="confirmed_5x5x5" value="B23"' in page
    assert not IntelligenceReport.objects.filter(source__code="officer-log").exists()
    conditions = first.context["form"]["handling_conditions"].value()
    assert conditions.startswith("5x5x5 handling code 3")
    second = client.post(
        "/log/new/",
        _form(
            source_evaluation="2",
            intelligence_assessment="A",
            handling_code="C",
            handling_conditions=conditions,
            grade_5x5x5="b-2-3",
            confirmed_5x5x5="B23",
        ),
    )
    assert second.status_code == 302
    report = IntelligenceReport.objects.get(source__code="officer-log")
    assert report.grade == "2AC" and report.handling_conditions == conditions


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"source_evaluation": ""}, "Choose the source evaluation: every entry must be graded."),
        ({"handling_code": "C"}, "handling code C needs the conditions written down"),
        ({"grade_5x5x5": "F9"}, "does not have three parts"),
        ({"grade_5x5x5": "1AP"}, "is a 3x5x2 grade"),
        ({"sanitised_text": ""}, "This field is required."),
        ({"sanitised_text": "x" * 20_001}, "at most 20000 characters"),
        ({"occurred_at": "31/02/2026 10:00"}, "Enter a valid date/time."),
        ({"occurred_at": "2099-01-01T10:00"}, "it cannot be in the future"),
        ({"text": "a\x00b"}, "Null characters are not allowed."),
        ({"source_evaluation": "<script>"}, "Select a valid choice"),
        ({"link_ref": ["ZZ99 ZZZ", "", ""]}, "nothing in the store matches"),
        ({"link_ref": ["00000000-0000-0000-0000-000000000000", "", ""]}, "no record has the id"),
        ({"link_ref": ["'; DROP TABLE intel_event;--", "", ""]}, "nothing in the store matches"),
        (
            {"link_ref": ["x", "", ""], "link_role": ["boss", "subject", "subject"]},
            "Choose a role from the list",
        ),
        ({"link_ref": ["a", "b"], "link_role": ["subject"]}, "each with a role"),
    ],
)
def test_bad_input_on_the_page_is_answered_next_to_the_field(demo_world, client_for, changes, shown):
    response = client_for("officer").post("/log/new/", _form(**changes))
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page and shown.lower() in page.lower()
    assert not IntelligenceReport.objects.filter(source__code="officer-log").exists()


def test_partners_cannot_open_the_log(client_for):
    client = client_for("partner")
    assert client.get("/log/new/").status_code == 403
    assert client.post("/log/new/", _form()).status_code == 403
    assert client.get("/log/entities/", {"q": "smith"}).status_code == 403


def test_the_link_search_finds_records_and_adds_a_row(client_for, vehicle):
    client = client_for("officer")
    results = client.get(
        "/log/entities/", {"q": vehicle.vrm.lower()}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert vehicle.label in results and f"add={vehicle.pk}" in results
    row = client.get("/log/entities/", {"add": str(vehicle.pk)}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{vehicle.pk}"' in row and 'name="link_role"' in row and vehicle.label in row
    nothing = client.get("/log/entities/", {"add": "not-a-uuid"}, HTTP_HX_REQUEST="true").content.decode()
    assert "link_ref" not in nothing
    full_page = client.get("/log/entities/", {"q": vehicle.vrm}).content.decode()
    assert "<h1>Find a record to link</h1>" in full_page and str(vehicle.pk) in full_page


def test_text_sent_in_another_encoding_is_refused_and_nothing_is_filed(client_for):
    body = (
        b"occurred_at=2026-03-04T20%3A15&sanitised_text=Men+call+%E9%FF&source_evaluation=2"
        b"&intelligence_assessment=B&handling_code=P&link_ref=&link_role=subject"
    )
    response = client_for("officer").post("/log/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Some characters could not be read" in html.unescape(response.content.decode())
    assert not IntelligenceReport.objects.filter(source__code="officer-log").exists()
